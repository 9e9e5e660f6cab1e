import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { ResourceNamer, UNIQUE_SUFFIX_LENGTH } from "../infra/naming";
import { standardTags } from "../infra/tags";
import { PROJECT, type AzureStackConfig, type StackConfig } from "./config";

/** The stack outputs, as `pulumi stack output` shows them. */
export type HostingStackOutputs = Record<string, pulumi.Output<unknown>>;

function azureStack(config: AzureStackConfig): HostingStackOutputs {
  const tags = standardTags({
    project: PROJECT,
    stack: config.stack,
    environment: config.environment,
    owner: config.tags.owner,
    costCenter: config.tags.costCenter,
    extra: config.tags.extra,
  });
  // One suffix per stack, kept in state, makes globally unique names (Key Vault, ACR,
  // PostgreSQL) stable across deployments yet free after a soft delete.
  const suffix = new random.RandomString("name-suffix", {
    length: UNIQUE_SUFFIX_LENGTH,
    special: false,
    upper: false,
    numeric: true,
    lower: true,
  });
  const namer = new ResourceNamer(
    { prefix: config.namePrefix, stack: config.stack },
    suffix.result,
  );
  const resourceGroup = new azure.resources.ResourceGroup(
    "resource-group",
    { resourceGroupName: namer.name("resourceGroup"), location: config.location, tags },
    { protect: config.protect },
  );
  return {
    platform: pulumi.output(config.platform),
    resourceGroupName: resourceGroup.name,
  };
}

/**
 * The composition root: creates the stack's components in dependency order, passing each one's
 * typed outputs to the next. The platform (Azure or an existing cluster) is chosen here, once.
 */
export function createHostingStack(config: StackConfig): HostingStackOutputs {
  switch (config.platform) {
    case "azure":
      return azureStack(config);
    case "local":
      return { platform: pulumi.output(config.platform) };
  }
}
