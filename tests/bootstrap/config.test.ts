import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import {
  BOOTSTRAP_PROJECT,
  BootstrapConfigError,
  parseBootstrapConfig,
} from "../../bootstrap/config";
import { MOCK_AZURE } from "../../tools/offline/mocks";
import type { RecordedResource } from "../../tools/offline/recorder";
import { readStackConfigFile, REPO_ROOT, type RawConfig } from "../../tools/offline/run-stack";
import { installMocks, resolveOutput, waitForRegistrations } from "../../tools/offline/runtime";

const committed = readStackConfigFile("bootstrap", path.join(REPO_ROOT, "bootstrap"));
const GROUP = "44444444-4444-4444-8444-444444444444";

/** `committed` with `key` (under the bootstrap namespace) set to `value`, or removed. */
function withKey(key: string, value: unknown): RawConfig {
  const raw: RawConfig = { ...committed };
  const fullKey = `${BOOTSTRAP_PROJECT}:${key}`;
  if (value === undefined) {
    Reflect.deleteProperty(raw, fullKey);
  } else {
    raw[fullKey] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return raw;
}

function errorOf(raw: RawConfig): BootstrapConfigError {
  try {
    parseBootstrapConfig("bootstrap", raw);
  } catch (error) {
    assert.ok(
      error instanceof BootstrapConfigError,
      `expected a BootstrapConfigError: ${String(error)}`,
    );
    return error;
  }
  assert.fail("expected the config to be rejected");
}

/** What one run of the bootstrap program registered, returned (resolved) or threw. */
interface BootstrapRun {
  readonly resources: readonly RecordedResource[];
  readonly outputs: Readonly<Record<string, unknown>>;
  readonly error: unknown;
}

/** Runs bootstrap/index.ts under mocks with `raw` as its config. */
async function runBootstrap(raw: RawConfig): Promise<BootstrapRun> {
  const recorder = await installMocks("bootstrap");
  pulumi.runtime.setAllConfig(raw, []);
  const { default: program } = await import("../../bootstrap/index");
  try {
    const outputs = await program();
    const resolved = Object.fromEntries(
      await Promise.all(
        Object.entries(outputs).map(
          async ([name, value]) => [name, (await resolveOutput(name, value)).value] as const,
        ),
      ),
    );
    await waitForRegistrations();
    return { resources: recorder.resources, outputs: resolved, error: undefined };
  } catch (error) {
    await waitForRegistrations();
    return { resources: recorder.resources, outputs: {}, error };
  }
}

describe("bootstrap config", () => {
  it("the committed Pulumi.bootstrap.yaml parses, with the placeholder range and no grantees", () => {
    const config = parseBootstrapConfig("bootstrap", committed);
    assert.equal(config.stack, "bootstrap");
    assert.equal(config.location, "westeurope");
    assert.equal(config.namePrefix, "hire");
    assert.equal(config.owner, "platform-team");
    assert.equal(config.costCenter, "cc-1042");
    assert.deepEqual(config.allowedIpRanges, ["203.0.113.0/24"]);
    assert.deepEqual(config.stateWriters, []);
    assert.deepEqual(config.stateReaders, []);
    assert.ok(Object.isFrozen(config));
  });

  it("reads grantees with their principal type and keeps a numeric cost centre a string", () => {
    const config = parseBootstrapConfig("bootstrap", {
      ...withKey("stateWriters", [{ objectId: GROUP, principalType: "Group" }]),
      [`${BOOTSTRAP_PROJECT}:costCenter`]: "1042",
    });
    assert.deepEqual(config.stateWriters, [{ objectId: GROUP, principalType: "Group" }]);
    assert.equal(config.costCenter, "1042");
  });

  const cases: { title: string; key: string; value: unknown; names: string; says: RegExp }[] = [
    {
      title: "a missing location",
      key: "location",
      value: undefined,
      names: "location",
      says: /; found \(not set\)/,
    },
    {
      title: "a prefix that is too long",
      key: "namePrefix",
      value: "hiringinfra",
      names: "namePrefix",
      says: /expected 2-8 lowercase letters or digits/,
    },
    {
      title: "a private allowed range",
      key: "allowedIpRanges",
      value: ["203.0.113.0/24", "10.0.0.0/8"],
      names: "allowedIpRanges[1]",
      says: /private \(RFC 1918\) range.*; found "10\.0\.0\.0\/8"$/,
    },
    {
      title: "no allowed range",
      key: "allowedIpRanges",
      value: [],
      names: "allowedIpRanges",
      says: /expected at least one public range/,
    },
    {
      title: "a grantee without a GUID",
      key: "stateReaders",
      value: [{ objectId: "platform-team", principalType: "Group" }],
      names: "stateReaders[0].objectId",
      says: /expected an Entra ID object id/,
    },
    {
      title: "a grantee with an unknown principal type",
      key: "stateWriters",
      value: [{ objectId: GROUP, principalType: "ManagedIdentity" }],
      names: "stateWriters[0].principalType",
      says: /found "ManagedIdentity"/,
    },
    {
      title: "a misspelt key",
      key: "allowedIPRanges",
      value: ["203.0.113.0/24"],
      names: "allowedIPRanges",
      says: /unknown key/,
    },
  ];
  for (const { title, key, value, names, says } of cases) {
    it(`rejects ${title}, naming ${BOOTSTRAP_PROJECT}:${names}`, () => {
      const error = errorOf(withKey(key, value));
      const problem = error.problems.find((p) => p.key === `${BOOTSTRAP_PROJECT}:${names}`);
      assert.ok(problem, `expected a problem naming ${names}; got:\n${error.message}`);
      assert.match(
        error.message,
        new RegExp(`${BOOTSTRAP_PROJECT}:${names.replace(/[[\].]/g, "\\$&")}: `),
      );
      assert.match(error.message, says);
    });
  }
});

describe("bootstrap program", () => {
  it("builds the state backend from the committed config and publishes its URLs and ids", async () => {
    const { resources, outputs, error } = await runBootstrap(committed);
    assert.equal(error, undefined);
    assert.equal(resources.filter((r) => r.type === "hiring:bootstrap:StateBackend").length, 1);
    const suffix = String(
      resources.find((r) => r.type === "random:index/randomString:RandomString")?.outputs.result,
    );
    assert.equal(outputs.backendUrl, `azblob://pulumi-state?storage_account=sthirestate${suffix}`);
    assert.match(
      String(outputs.secretsProvider),
      new RegExp(
        `^azurekeyvault://kv-hire-state-${suffix}\\.vault\\.azure\\.net/keys/pulumi-secrets/`,
      ),
    );
    assert.deepEqual(Object.keys(outputs).sort(), [
      "backendUrl",
      "containerId",
      "keyId",
      "resourceGroupName",
      "secretsProvider",
      "storageAccountId",
      "storageAccountName",
      "vaultName",
    ]);
    const account = resources.find((r) => r.type === "azure-native:storage:StorageAccount");
    assert.deepEqual(account?.inputs.tags, {
      project: BOOTSTRAP_PROJECT,
      stack: "bootstrap",
      environment: "production",
      owner: "platform-team",
      "cost-center": "cc-1042",
      "managed-by": "pulumi",
    });
    const vault = resources.find((r) => r.type === "azure-native:keyvault:Vault");
    assert.equal(
      (vault?.inputs.properties as Record<string, unknown> | undefined)?.tenantId,
      MOCK_AZURE.tenantId,
    );
  });

  it("passes configured grantees to the role assignments with their principal type", async () => {
    const { resources } = await runBootstrap(
      withKey("stateWriters", [{ objectId: GROUP, principalType: "Group" }]),
    );
    const assignments = resources.filter(
      (r) => r.type === "azure-native:authorization:RoleAssignment",
    );
    assert.equal(assignments.length, 2);
    for (const assignment of assignments) {
      assert.equal(assignment.inputs.principalId, GROUP);
      assert.equal(assignment.inputs.principalType, "Group");
    }
  });

  it("fails on bad config before registering anything, naming the key", async () => {
    const { resources, error } = await runBootstrap(withKey("namePrefix", "Hire"));
    assert.ok(
      error instanceof BootstrapConfigError,
      `expected a BootstrapConfigError: ${String(error)}`,
    );
    assert.match(error.message, new RegExp(`${BOOTSTRAP_PROJECT}:namePrefix: expected 2-8`));
    assert.equal(resources.length, 0);
  });
});
