/**
 * One CI for every stack, checked on the committed stack files: exactly one Azure stack hosts
 * Jenkins, it lists every other Azure stack as a target (so none is left without a pipeline),
 * each entry points at that stack's own resource group and cluster, and every stack Jenkins
 * deploys admits the CI cluster's egress on its API server.
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { describe, it } from "node:test";
import type * as pulumi from "@pulumi/pulumi";
import { cidrContains } from "../../infra/cidr";
import { ResourceNamer } from "../../infra/naming";
import { type AzureStackConfig, parseStackConfig } from "../../stacks/config";
import { REPO_ROOT, readStackConfigFile } from "../../tools/offline/run-stack";

const stacks = readdirSync(REPO_ROOT)
  .map((file) => /^Pulumi\.([a-z0-9-]+)\.yaml$/.exec(file)?.[1])
  .filter((stack): stack is string => stack !== undefined)
  .map((stack) => parseStackConfig(stack, readStackConfigFile(stack)));
const azureStacks = stacks.filter(
  (config): config is AzureStackConfig => config.platform === "azure",
);

/** A name that needs no random suffix, as a string. */
const plainValue = (output: pulumi.Output<string>): Promise<string> =>
  new Promise((resolve) => output.apply(resolve));

describe("one CI for every stack (committed stack files)", () => {
  const hosts = azureStacks.filter((config) => config.cicd.enabled);

  it("hosts the organisation's Jenkins in exactly one Azure stack: prod", () => {
    assert.deepEqual(
      hosts.map((config) => config.stack),
      ["prod"],
    );
  });

  const [host] = hosts;
  assert.ok(host !== undefined);

  it("lists every other Azure stack as a target, once", () => {
    assert.deepEqual(
      host.cicd.targets.map((target) => target.stack).sort(),
      azureStacks
        .filter((config) => config !== host)
        .map((config) => config.stack)
        .sort(),
    );
  });

  it("points each target entry at that stack's own resource group and cluster", async () => {
    for (const target of host.cicd.targets) {
      const config = azureStacks.find((candidate) => candidate.stack === target.stack);
      assert.ok(config !== undefined, target.stack);
      // Resource group and cluster names carry no random suffix, so the entry can be checked.
      const namer = new ResourceNamer({ prefix: config.namePrefix, stack: config.stack }, "xxxxx");
      const group = await plainValue(namer.name("resourceGroup"));
      const cluster = await plainValue(namer.name("kubernetesCluster"));
      assert.match(target.resourceGroupId, new RegExp(`/resourceGroups/${group}$`));
      assert.ok(
        target.clusterId.startsWith(
          `${target.resourceGroupId}/providers/Microsoft.ContainerService/managedClusters/${cluster}`,
        ),
        target.clusterId,
      );
    }
  });

  it("has every stack Jenkins deploys admit the CI cluster's egress on its API server", () => {
    assert.ok(host.cicd.egressIpRanges.length > 0, "prod declares the CI cluster's egress");
    const deployed = [
      host,
      ...host.cicd.targets.map((t) => azureStacks.find((c) => c.stack === t.stack)),
    ];
    for (const config of deployed) {
      assert.ok(config !== undefined);
      for (const egress of host.cicd.egressIpRanges) {
        assert.ok(
          config.cluster.apiServer.authorizedIpRanges.some((range) => cidrContains(range, egress)),
          `${config.stack} admits ${egress}`,
        );
      }
    }
  });
});
