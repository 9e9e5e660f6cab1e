import * as authorization from "@pulumi/azure-native/authorization";
import type * as pulumi from "@pulumi/pulumi";
import { standardTags } from "../infra/tags";
import { BOOTSTRAP_PROJECT, loadBootstrapConfig } from "./config";
import { StateBackend } from "./state-backend";

/** What the bootstrap stack publishes for the main program's stacks and for operators. */
interface BootstrapOutputs {
  /** Run `pulumi login <backendUrl>` before working on the main program's stacks. */
  readonly backendUrl: pulumi.Output<string>;
  /** Pass to `pulumi stack init --secrets-provider` / `pulumi stack change-secrets-provider`. */
  readonly secretsProvider: pulumi.Output<string>;
  /** Resource group of the backend (for `az storage` recovery commands). */
  readonly resourceGroupName: pulumi.Output<string>;
  /** Storage account name (`AZURE_STORAGE_ACCOUNT`). */
  readonly storageAccountName: pulumi.Output<string>;
  /** Storage account resource id. */
  readonly storageAccountId: pulumi.Output<string>;
  /** State container resource id (scope for more state grants). */
  readonly containerId: pulumi.Output<string>;
  /** ARM id of the secrets key (scope for more Key Vault Crypto User grants). */
  readonly keyId: pulumi.Output<string>;
  /** Key Vault name. */
  readonly vaultName: pulumi.Output<string>;
}

/**
 * The bootstrap program's entry point: validates its config before creating anything, then builds
 * the state backend. Run once per organisation, from `bootstrap/`, with its own (local) state.
 */
export = async function main(): Promise<BootstrapOutputs> {
  const config = loadBootstrapConfig();
  const client = authorization.getClientConfigOutput();
  const backend = new StateBackend("state", {
    namePrefix: config.namePrefix,
    location: config.location,
    tags: standardTags({
      project: BOOTSTRAP_PROJECT,
      stack: config.stack,
      // The backend serves every stack, production included, so it is run like production.
      environment: "production",
      owner: config.owner,
      costCenter: config.costCenter,
    }),
    tenantId: client.tenantId,
    subscriptionId: client.subscriptionId,
    allowedIpRanges: config.allowedIpRanges,
    stateWriters: config.stateWriters.map(({ objectId, principalType }) => ({
      principalId: objectId,
      principalType,
    })),
    stateReaders: config.stateReaders.map(({ objectId, principalType }) => ({
      principalId: objectId,
      principalType,
    })),
  });
  return Promise.resolve({
    backendUrl: backend.backendUrl,
    secretsProvider: backend.secretsProvider,
    resourceGroupName: backend.resourceGroupName,
    storageAccountName: backend.storageAccountName,
    storageAccountId: backend.storageAccountId,
    containerId: backend.containerId,
    keyId: backend.keyId,
    vaultName: backend.vaultName,
  });
};
