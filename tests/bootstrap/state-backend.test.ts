import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { StateBackend, ipRangeProblem, type StateBackendArgs } from "../../bootstrap/state-backend";
import { BuiltInRole, type BuiltInRoleName } from "../../infra/roles";
import { standardTags } from "../../infra/tags";
import {
  assertRejectsBeforeRegistering,
  granteesOf,
  inputObject,
  ofType,
  recordComponent,
  single,
} from "../harness/component";
import { MOCK_AZURE } from "../../tools/offline/mocks";
import type { RecordedResource } from "../../tools/offline/recorder";
import { valueOf } from "../../tools/offline/runtime";

const COMPONENT = "hiring:bootstrap:StateBackend";
const SUFFIX = "random:index/randomString:RandomString";
const RESOURCE_GROUP = "azure-native:resources:ResourceGroup";
const ACCOUNT = "azure-native:storage:StorageAccount";
const BLOB_SERVICE = "azure-native:storage:BlobServiceProperties";
const CONTAINER = "azure-native:storage:BlobContainer";
const VAULT = "azure-native:keyvault:Vault";
const KEY = "azure-native:keyvault:Key";
const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";

const DEPLOYER = "11111111-1111-4111-8111-111111111111";
const PLATFORM_TEAM = "22222222-2222-4222-8222-222222222222";
const REVIEWERS = "33333333-3333-4333-8333-333333333333";

const TAGS = standardTags({
  project: "hiring-infra-bootstrap",
  stack: "bootstrap",
  environment: "production",
  owner: "platform-team",
  costCenter: "cc-1042",
});

const backendArgs = (overrides: Partial<StateBackendArgs> = {}): StateBackendArgs => ({
  namePrefix: "hire",
  location: "westeurope",
  tags: TAGS,
  tenantId: MOCK_AZURE.tenantId,
  subscriptionId: MOCK_AZURE.subscriptionId,
  allowedIpRanges: ["203.0.113.0/24", "198.51.100.7"],
  stateWriters: [
    { principalId: DEPLOYER, principalType: "ServicePrincipal" },
    { principalId: PLATFORM_TEAM, principalType: "Group" },
  ],
  stateReaders: [{ principalId: REVIEWERS, principalType: "Group" }],
  ...overrides,
});

/** The role definition id `grantRole` must send for `role`, spelt out independently of it. */
const definitionOf = (role: BuiltInRoleName): string =>
  `/subscriptions/${MOCK_AZURE.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${BuiltInRole[role]}`;

describe("StateBackend", () => {
  let resources: readonly RecordedResource[];
  let backend: StateBackend;
  let suffix: string;
  before(async () => {
    ({ resources, component: backend } = await recordComponent(
      () => new StateBackend("state", backendArgs()),
      { stack: "bootstrap" },
    ));
    suffix = String(single(resources, SUFFIX).outputs.result);
  });

  const inputsOf = (type: string) => single(resources, type).inputs;

  it("draws one 5-character lowercase suffix for the globally unique names", () => {
    const random = single(resources, SUFFIX);
    assert.equal(random.inputs.length, 5);
    assert.equal(random.inputs.upper, false);
    assert.equal(random.inputs.special, false);
    assert.match(suffix, /^[a-z0-9]{5}$/);
  });

  it("names everything <abbreviation>-<prefix>-state, with the suffix where Azure needs uniqueness", () => {
    assert.equal(inputsOf(RESOURCE_GROUP).resourceGroupName, "rg-hire-state");
    assert.equal(inputsOf(ACCOUNT).accountName, `sthirestate${suffix}`);
    assert.equal(inputsOf(VAULT).vaultName, `kv-hire-state-${suffix}`);
    assert.equal(inputsOf(CONTAINER).containerName, "pulumi-state");
    assert.equal(inputsOf(KEY).keyName, "pulumi-secrets");
  });

  it("places every resource in the backend's group and region", () => {
    assert.equal(inputsOf(RESOURCE_GROUP).location, "westeurope");
    for (const type of [ACCOUNT, VAULT]) {
      assert.equal(inputsOf(type).location, "westeurope", type);
    }
    for (const type of [ACCOUNT, BLOB_SERVICE, CONTAINER, VAULT, KEY]) {
      assert.equal(inputsOf(type).resourceGroupName, "rg-hire-state", type);
    }
    for (const type of [BLOB_SERVICE, CONTAINER]) {
      assert.equal(inputsOf(type).accountName, `sthirestate${suffix}`, type);
    }
    assert.equal(inputsOf(KEY).vaultName, `kv-hire-state-${suffix}`);
  });

  it("storage is zone-redundant StorageV2 that accepts only TLS 1.2+ over HTTPS", () => {
    const account = inputsOf(ACCOUNT);
    assert.equal(account.kind, "StorageV2");
    assert.deepEqual(account.sku, { name: "Standard_ZRS" });
    assert.equal(account.minimumTlsVersion, "TLS1_2");
    assert.equal(account.enableHttpsTrafficOnly, true);
  });

  it("storage allows Entra ID only: no shared keys, no public blobs, no cross-tenant copies", () => {
    const account = inputsOf(ACCOUNT);
    assert.equal(account.allowSharedKeyAccess, false);
    assert.equal(account.defaultToOAuthAuthentication, true);
    assert.equal(account.allowBlobPublicAccess, false);
    assert.equal(account.allowCrossTenantReplication, false);
    assert.deepEqual(account.encryption, {
      keySource: "Microsoft.Storage",
      services: { blob: { enabled: true, keyType: "Account" } },
    });
  });

  it("storage firewall denies by default and admits only the listed ranges and trusted services", () => {
    const account = inputsOf(ACCOUNT);
    assert.equal(account.publicNetworkAccess, "Enabled");
    assert.deepEqual(account.networkRuleSet, {
      defaultAction: "Deny",
      bypass: "AzureServices",
      ipRules: [
        { iPAddressOrRange: "203.0.113.0/24", action: "Allow" },
        { iPAddressOrRange: "198.51.100.7", action: "Allow" },
      ],
    });
  });

  it("keeps every state write as a version and deleted blobs and containers for 30 days", () => {
    const service = inputsOf(BLOB_SERVICE);
    assert.equal(service.blobServicesName, "default");
    assert.equal(service.isVersioningEnabled, true);
    assert.deepEqual(service.deleteRetentionPolicy, { enabled: true, days: 30 });
    assert.deepEqual(service.containerDeleteRetentionPolicy, { enabled: true, days: 30 });
  });

  it("allows a point-in-time restore of the container inside the soft-delete window", () => {
    const service = inputsOf(BLOB_SERVICE);
    assert.deepEqual(service.changeFeed, { enabled: true, retentionInDays: 30 });
    const restore = inputObject(service.restorePolicy, "restorePolicy");
    assert.equal(restore.enabled, true);
    // Azure rejects a restore window that is not shorter than blob soft delete.
    assert.ok(Number(restore.days) < 30);
  });

  it("state container is private", () => {
    assert.equal(inputsOf(CONTAINER).publicAccess, "None");
  });

  it("vault authorises through RBAC only, with purge protection and 90-day soft delete", () => {
    const properties = inputObject(inputsOf(VAULT).properties, "vault properties");
    assert.equal(properties.enableRbacAuthorization, true);
    assert.equal(properties.accessPolicies, undefined);
    assert.equal(properties.enablePurgeProtection, true);
    assert.equal(properties.enableSoftDelete, true);
    assert.equal(properties.softDeleteRetentionInDays, 90);
    assert.equal(properties.tenantId, MOCK_AZURE.tenantId);
    assert.deepEqual(properties.sku, { family: "A", name: "standard" });
  });

  it("vault firewall denies by default and admits only the listed ranges and trusted services", () => {
    const properties = inputObject(inputsOf(VAULT).properties, "vault properties");
    assert.equal(properties.publicNetworkAccess, "Enabled");
    assert.deepEqual(properties.networkAcls, {
      defaultAction: "Deny",
      bypass: "AzureServices",
      ipRules: [{ value: "203.0.113.0/24" }, { value: "198.51.100.7" }],
      virtualNetworkRules: [],
    });
  });

  it("secrets key is RSA 3072 limited to encrypt, decrypt, wrap and unwrap", () => {
    const properties = inputObject(inputsOf(KEY).properties, "key properties");
    assert.equal(properties.kty, "RSA");
    assert.equal(properties.keySize, 3072);
    assert.deepEqual(properties.keyOps, ["encrypt", "decrypt", "wrapKey", "unwrapKey"]);
    // The SDK's default keeps the private key inside the vault; asserted so nobody flips it.
    assert.deepEqual(properties.attributes, { enabled: true, exportable: false });
  });

  it("secrets key rotates yearly, each version valid two years, with a notice 30 days before expiry", () => {
    const properties = inputObject(inputsOf(KEY).properties, "key properties");
    assert.deepEqual(properties.rotationPolicy, {
      attributes: { expiryTime: "P2Y" },
      lifetimeActions: [
        { trigger: { timeAfterCreate: "P1Y" }, action: { type: "rotate" } },
        { trigger: { timeBeforeExpiry: "P30D" }, action: { type: "notify" } },
      ],
    });
  });

  it("protects every stateful resource, the suffix included; only role assignments are not", () => {
    const stateful = resources.filter((r) => r.custom && r.type !== ROLE_ASSIGNMENT);
    assert.deepEqual(
      stateful.map((r) => r.type).sort(),
      [SUFFIX, RESOURCE_GROUP, ACCOUNT, BLOB_SERVICE, CONTAINER, VAULT, KEY].sort(),
    );
    for (const resource of stateful) {
      assert.equal(resource.options.protect, true, resource.name);
    }
    for (const assignment of ofType(resources, ROLE_ASSIGNMENT)) {
      assert.equal(assignment.options.protect, false, assignment.name);
    }
  });

  it("tags every taggable resource with the standard tags", () => {
    for (const type of [RESOURCE_GROUP, ACCOUNT, VAULT, KEY]) {
      assert.deepEqual(inputsOf(type).tags, TAGS, type);
    }
  });

  it("grants writers Blob Data Contributor on the container and Crypto User on the key", async () => {
    const containerId = await valueOf(backend.containerId, "containerId");
    const keyId = await valueOf(backend.keyId, "keyId");
    const writers = [
      [DEPLOYER, "ServicePrincipal"],
      [PLATFORM_TEAM, "Group"],
    ];
    assert.deepEqual(granteesOf(resources, "storageBlobDataContributor"), writers);
    for (const assignment of ofType(resources, ROLE_ASSIGNMENT).filter(
      (a) => a.inputs.roleDefinitionId === definitionOf("storageBlobDataContributor"),
    )) {
      assert.equal(assignment.inputs.scope, containerId, assignment.name);
    }
    const keyUsers = ofType(resources, ROLE_ASSIGNMENT).filter(
      (a) => a.inputs.roleDefinitionId === definitionOf("keyVaultCryptoUser"),
    );
    assert.deepEqual(
      keyUsers.map((a) => [a.inputs.principalId, a.inputs.principalType, a.inputs.scope]),
      [...writers.map(([id, type]) => [id, type, keyId]), [REVIEWERS, "Group", keyId]],
    );
  });

  it("grants readers Blob Data Reader on the container only", async () => {
    const containerId = await valueOf(backend.containerId, "containerId");
    const readers = ofType(resources, ROLE_ASSIGNMENT).filter(
      (a) => a.inputs.roleDefinitionId === definitionOf("storageBlobDataReader"),
    );
    assert.deepEqual(
      readers.map((a) => [a.inputs.principalId, a.inputs.principalType, a.inputs.scope]),
      [[REVIEWERS, "Group", containerId]],
    );
  });

  it("grants nothing on a subscription, resource group or the whole account, and says why", async () => {
    const allowedScopes = [
      await valueOf(backend.containerId, "containerId"),
      await valueOf(backend.keyId, "keyId"),
    ];
    const assignments = ofType(resources, ROLE_ASSIGNMENT);
    // Two writers and one reader, each on the container and on the key.
    assert.equal(assignments.length, 6);
    for (const assignment of assignments) {
      assert.ok(allowedScopes.includes(String(assignment.inputs.scope)), assignment.name);
      assert.doesNotMatch(String(assignment.inputs.scope), /^\/subscriptions\/[^/]+$/);
      assert.doesNotMatch(String(assignment.inputs.scope), /\/resourceGroups\/[^/]+$/);
      assert.ok(String(assignment.inputs.description).length > 0, `${assignment.name} says why`);
      assert.ok(
        ["User", "Group", "ServicePrincipal"].includes(String(assignment.inputs.principalType)),
        `${assignment.name} sets principalType`,
      );
    }
  });

  it("parents every resource to the component", () => {
    const component = single(resources, COMPONENT);
    for (const resource of resources.filter((r) => r.custom)) {
      assert.equal(resource.parent, component.urn, resource.name);
    }
  });

  it("publishes the azblob login URL for the state container", async () => {
    assert.equal(
      await valueOf(backend.backendUrl, "backendUrl"),
      `azblob://pulumi-state?storage_account=sthirestate${suffix}`,
    );
    assert.equal(
      await valueOf(backend.storageAccountName, "storageAccountName"),
      `sthirestate${suffix}`,
    );
    assert.equal(await valueOf(backend.resourceGroupName, "resourceGroupName"), "rg-hire-state");
  });

  it("publishes an azurekeyvault secrets-provider URL pinned to the key's current version", async () => {
    const key = single(resources, KEY);
    const url = await valueOf(backend.secretsProvider, "secretsProvider");
    assert.match(
      url,
      new RegExp(
        `^azurekeyvault://kv-hire-state-${suffix}\\.vault\\.azure\\.net/keys/pulumi-secrets/[0-9a-f]{32}$`,
      ),
    );
    assert.equal(
      url,
      String(key.outputs.keyUriWithVersion).replace("https://", "azurekeyvault://"),
    );
  });

  it("publishes the ids other stacks grant on and the vault name", async () => {
    assert.equal(await valueOf(backend.keyId, "keyId"), single(resources, KEY).id);
    assert.equal(
      await valueOf(backend.containerId, "containerId"),
      single(resources, CONTAINER).id,
    );
    assert.equal(
      await valueOf(backend.storageAccountId, "storageAccountId"),
      single(resources, ACCOUNT).id,
    );
    assert.equal(await valueOf(backend.vaultName, "vaultName"), `kv-hire-state-${suffix}`);
  });
});

describe("StateBackend without grantees", () => {
  it("creates no role assignments", async () => {
    const { resources } = await recordComponent(
      () => new StateBackend("state", backendArgs({ stateWriters: [], stateReaders: [] })),
    );
    assert.equal(ofType(resources, ROLE_ASSIGNMENT).length, 0);
    assert.equal(ofType(resources, KEY).length, 1);
  });
});

describe("StateBackend rejects arguments before creating anything", () => {
  const cases: { title: string; change: Partial<StateBackendArgs>; message: RegExp }[] = [
    {
      title: "a prefix with capitals or too long",
      change: { namePrefix: "HireInfra9" },
      message: /StateBackend namePrefix: "HireInfra9" is not 2-8 lowercase letters/,
    },
    {
      title: "a location that is not a region name",
      change: { location: "West Europe" },
      message: /StateBackend location: "West Europe" is not an Azure region name/,
    },
    {
      title: "no allowed ranges",
      change: { allowedIpRanges: [] },
      message: /StateBackend allowedIpRanges: at least one public range is required/,
    },
    {
      title: "a private range",
      change: { allowedIpRanges: ["10.1.0.0/16"] },
      message: /StateBackend allowedIpRanges: "10\.1\.0\.0\/16" is a private \(RFC 1918\) range/,
    },
    {
      title: "a /32 block, which Azure Storage rejects",
      change: { allowedIpRanges: ["198.51.100.7/32"] },
      message: /StateBackend allowedIpRanges: "198\.51\.100\.7\/32" is a \/31 or \/32 block/,
    },
    {
      title: "something that is not an address",
      change: { allowedIpRanges: ["office"] },
      message: /StateBackend allowedIpRanges: "office" is not an IPv4 address or CIDR block/,
    },
    {
      title: "a range listed twice",
      change: { allowedIpRanges: ["203.0.113.0/24", "203.0.113.0/24"] },
      message: /StateBackend allowedIpRanges: each range may appear only once/,
    },
  ];
  for (const { title, change, message } of cases) {
    it(`rejects ${title}`, async () => {
      await assertRejectsBeforeRegistering(
        () => new StateBackend("state", backendArgs(change)),
        message,
      );
    });
  }
});

describe("ipRangeProblem", () => {
  it("accepts public addresses and blocks", () => {
    assert.equal(ipRangeProblem("203.0.113.0/24"), undefined);
    assert.equal(ipRangeProblem("198.51.100.7"), undefined);
    assert.equal(ipRangeProblem("198.51.100.0/30"), undefined);
  });

  it("rejects a private single address too", () => {
    assert.match(ipRangeProblem("192.168.1.10") ?? "", /private \(RFC 1918\)/);
  });
});
