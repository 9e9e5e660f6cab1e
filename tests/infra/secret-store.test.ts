import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { SecretStore, type SecretStoreArgs } from "../../infra/secret-store";
import {
  assertGrantsOnlyOn,
  assertRejectsBeforeRegistering,
  granteesOf,
  inputObject,
  ofType,
  recordComponent,
  single,
  testScope,
} from "../harness/component";
import { MOCK_AZURE } from "../../tools/offline/mocks";
import type { RecordedResource } from "../../tools/offline/recorder";
import { valueOf } from "../../tools/offline/runtime";

const VAULT = "azure-native:keyvault:Vault";
const PRIVATE_ENDPOINT = "azure-native:network:PrivateEndpoint";
const DNS_ZONE_GROUP = "azure-native:network:PrivateDnsZoneGroup";
const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";

const NODE_SUBNET_ID = `/subscriptions/${MOCK_AZURE.subscriptionId}/resourceGroups/rg-hire-test/providers/Microsoft.Network/virtualNetworks/vnet-hire-test/subnets/snet-hire-test-nodes`;
const PEP_SUBNET_ID = `/subscriptions/${MOCK_AZURE.subscriptionId}/resourceGroups/rg-hire-prod/providers/Microsoft.Network/virtualNetworks/vnet-hire-prod/subnets/snet-hire-prod-pep`;
const VAULT_DNS_ZONE_ID = `/subscriptions/${MOCK_AZURE.subscriptionId}/resourceGroups/rg-hire-prod/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net`;
const WORKLOAD_PRINCIPAL = "11111111-1111-4111-8111-111111111111";
const DEPLOYER_PRINCIPAL = "22222222-2222-4222-8222-222222222222";
const OPERATORS_GROUP = "33333333-3333-4333-8333-333333333333";

/** A dev stack's vault: public access through a firewall, no purge protection. */
const devArgs = (): SecretStoreArgs => ({
  scope: testScope(),
  tenantId: MOCK_AZURE.tenantId,
  subscriptionId: MOCK_AZURE.subscriptionId,
  sku: "standard",
  softDeleteRetentionDays: 7,
  purgeProtection: false,
  publicNetworkAccess: true,
  allowedIpRanges: ["203.0.113.0/24", "198.51.100.7"],
  allowedSubnetIds: [NODE_SUBNET_ID],
  secretReaders: [{ principalId: WORKLOAD_PRINCIPAL, principalType: "ServicePrincipal" }],
  secretOfficers: [{ principalId: DEPLOYER_PRINCIPAL, principalType: "ServicePrincipal" }],
});

/** A prod stack's vault: private endpoint only, purge protection, protected. */
const prodArgs = (): SecretStoreArgs => ({
  scope: testScope({ protect: true, stack: "prod" }),
  tenantId: MOCK_AZURE.tenantId,
  subscriptionId: MOCK_AZURE.subscriptionId,
  sku: "premium",
  softDeleteRetentionDays: 90,
  purgeProtection: true,
  publicNetworkAccess: false,
  allowedIpRanges: [],
  allowedSubnetIds: [],
  privateEndpoint: { subnetId: PEP_SUBNET_ID, privateDnsZoneId: VAULT_DNS_ZONE_ID },
  secretReaders: [{ principalId: WORKLOAD_PRINCIPAL, principalType: "ServicePrincipal" }],
  secretOfficers: [
    { principalId: DEPLOYER_PRINCIPAL, principalType: "ServicePrincipal" },
    { principalId: OPERATORS_GROUP, principalType: "Group" },
  ],
});

const vaultProperties = (resources: readonly RecordedResource[]) =>
  inputObject(single(resources, VAULT).inputs.properties, "vault properties");

describe("SecretStore", () => {
  let dev: readonly RecordedResource[];
  let devStore: SecretStore;
  let prod: readonly RecordedResource[];
  let prodStore: SecretStore;
  before(async () => {
    ({ resources: dev, component: devStore } = await recordComponent(
      () => new SecretStore("secrets", devArgs()),
    ));
    ({ resources: prod, component: prodStore } = await recordComponent(
      () => new SecretStore("secrets", prodArgs()),
      { stack: "prod" },
    ));
  });

  it("names the vault with the random suffix and places it in the scope's group and region", () => {
    const vault = single(dev, VAULT);
    assert.equal(vault.inputs.vaultName, "kv-hire-test-ab12c");
    assert.equal(vault.inputs.resourceGroupName, "rg-hire-test");
    assert.equal(vault.inputs.location, "westeurope");
    assert.equal(single(prod, VAULT).inputs.vaultName, "kv-hire-prod-ab12c");
  });

  it("authorises through Azure RBAC only, with no access policies", () => {
    for (const resources of [dev, prod]) {
      const properties = vaultProperties(resources);
      assert.equal(properties.enableRbacAuthorization, true);
      assert.equal(properties.accessPolicies, undefined);
      assert.equal(properties.tenantId, MOCK_AZURE.tenantId);
    }
    assert.deepEqual(vaultProperties(dev).sku, { family: "A", name: "standard" });
    assert.deepEqual(vaultProperties(prod).sku, { family: "A", name: "premium" });
  });

  it("keeps deleted secrets recoverable for the configured retention", () => {
    assert.equal(vaultProperties(dev).enableSoftDelete, true);
    assert.equal(vaultProperties(dev).softDeleteRetentionInDays, 7);
    assert.equal(vaultProperties(prod).enableSoftDelete, true);
    assert.equal(vaultProperties(prod).softDeleteRetentionInDays, 90);
  });

  it("turns purge protection on in prod and leaves the property out in dev (Azure rejects false)", () => {
    assert.equal(vaultProperties(prod).enablePurgeProtection, true);
    assert.ok(!("enablePurgeProtection" in vaultProperties(dev)));
  });

  it("dev firewall denies by default and admits only the given public ranges and node subnet", () => {
    const properties = vaultProperties(dev);
    assert.equal(properties.publicNetworkAccess, "Enabled");
    assert.deepEqual(properties.networkAcls, {
      defaultAction: "Deny",
      bypass: "AzureServices",
      ipRules: [{ value: "203.0.113.0/24" }, { value: "198.51.100.7" }],
      virtualNetworkRules: [{ id: NODE_SUBNET_ID }],
    });
    assert.equal(ofType(dev, PRIVATE_ENDPOINT).length, 0);
    assert.equal(ofType(dev, DNS_ZONE_GROUP).length, 0);
  });

  it("prod vault disables public access and is reached through a private endpoint", async () => {
    const properties = vaultProperties(prod);
    assert.equal(properties.publicNetworkAccess, "Disabled");
    assert.equal(inputObject(properties.networkAcls, "networkAcls").defaultAction, "Deny");

    const endpoint = single(prod, PRIVATE_ENDPOINT);
    assert.equal(endpoint.inputs.privateEndpointName, "pep-hire-prod-kv");
    assert.equal(endpoint.inputs.location, "westeurope");
    // The SDK fills in subnet policy defaults on the reference; Azure uses only its id.
    assert.equal(inputObject(endpoint.inputs.subnet, "subnet").id, PEP_SUBNET_ID);
    assert.deepEqual(endpoint.inputs.privateLinkServiceConnections, [
      {
        name: "vault",
        privateLinkServiceId: await valueOf(prodStore.vaultId, "vaultId"),
        groupIds: ["vault"],
      },
    ]);
  });

  it("registers the prod private endpoint in the privatelink.vaultcore.azure.net zone", () => {
    const group = single(prod, DNS_ZONE_GROUP);
    assert.equal(group.inputs.privateEndpointName, "pep-hire-prod-kv");
    assert.equal(group.inputs.resourceGroupName, "rg-hire-test");
    assert.deepEqual(group.inputs.privateDnsZoneConfigs, [
      { name: "privatelink-vaultcore-azure-net", privateDnsZoneId: VAULT_DNS_ZONE_ID },
    ]);
  });

  it("grants Key Vault Secrets User to readers and Secrets Officer to officers on the vault only", async () => {
    for (const [resources, store] of [
      [dev, devStore],
      [prod, prodStore],
    ] as const) {
      assertGrantsOnlyOn(resources, await valueOf(store.vaultId, "vaultId"));
      assert.deepEqual(granteesOf(resources, "keyVaultSecretsUser"), [
        [WORKLOAD_PRINCIPAL, "ServicePrincipal"],
      ]);
    }
    assert.deepEqual(granteesOf(prod, "keyVaultSecretsOfficer"), [
      [DEPLOYER_PRINCIPAL, "ServicePrincipal"],
      [OPERATORS_GROUP, "Group"],
    ]);
    assert.equal(ofType(prod, ROLE_ASSIGNMENT).length, 3);
  });

  it("protects the vault in prod only", () => {
    assert.equal(single(prod, VAULT).options.protect, true);
    assert.equal(single(dev, VAULT).options.protect, false);
  });

  it("tags the vault and the private endpoint with the standard tags", () => {
    const devTags = testScope().tags;
    const prodTags = testScope({ protect: true, stack: "prod" }).tags;
    assert.deepEqual(single(dev, VAULT).inputs.tags, devTags);
    assert.deepEqual(single(prod, VAULT).inputs.tags, prodTags);
    assert.deepEqual(single(prod, PRIVATE_ENDPOINT).inputs.tags, prodTags);
  });

  it("parents every resource to the component", () => {
    const component = single(prod, "hiring:security:SecretStore");
    for (const resource of prod.filter((r) => r.custom)) {
      assert.equal(resource.parent, component.urn, resource.name);
    }
  });

  it("exposes the vault name, id and URI", async () => {
    assert.equal(await valueOf(prodStore.vaultName, "vaultName"), "kv-hire-prod-ab12c");
    assert.match(
      await valueOf(prodStore.vaultId, "vaultId"),
      /\/providers\/Microsoft\.keyvault\/Vault\/kv-hire-prod-ab12c$/,
    );
    assert.equal(
      await valueOf(prodStore.vaultUri, "vaultUri"),
      "https://kv-hire-prod-ab12c.vault.azure.net/",
    );
  });
});

describe("SecretStore validation", () => {
  const rejects = (args: SecretStoreArgs, message: RegExp): Promise<void> =>
    assertRejectsBeforeRegistering(() => new SecretStore("secrets", args), message);

  it("requires a private endpoint when public access is off", async () => {
    await rejects(
      { ...prodArgs(), privateEndpoint: undefined },
      /SecretStore "secrets": privateEndpoint: expected one when publicNetworkAccess is false/,
    );
  });

  it("rejects a soft-delete retention outside 7-90 days", async () => {
    await rejects(
      { ...devArgs(), softDeleteRetentionDays: 6 },
      /SecretStore "secrets": softDeleteRetentionDays: expected .* from 7 to 90, got 6/,
    );
    await rejects(
      { ...devArgs(), softDeleteRetentionDays: 91 },
      /softDeleteRetentionDays: expected .* from 7 to 90, got 91/,
    );
    await rejects(
      { ...devArgs(), softDeleteRetentionDays: 30.5 },
      /softDeleteRetentionDays: expected a whole number of days from 7 to 90, got 30\.5/,
    );
  });

  it("rejects firewall rules that Azure would ignore because public access is off", async () => {
    await rejects(
      { ...prodArgs(), allowedSubnetIds: [NODE_SUBNET_ID] },
      /SecretStore "secrets": allowedIpRanges: expected none when publicNetworkAccess is false/,
    );
  });

  it("rejects malformed and private IP ranges", async () => {
    await rejects(
      { ...devArgs(), allowedIpRanges: ["203.0.113.1/24"] },
      /SecretStore "secrets": allowedIpRanges\[0\]: expected an IPv4 address or CIDR block .*got "203\.0\.113\.1\/24"/,
    );
    await rejects(
      { ...devArgs(), allowedIpRanges: ["10.20.0.0/16"] },
      /allowedIpRanges\[0\]: expected a public range, got "10\.20\.0\.0\/16": Key Vault IP rules accept no private \(RFC 1918\) ranges/,
    );
    await rejects(
      { ...devArgs(), allowedIpRanges: ["192.168.1.10"] },
      /allowedIpRanges\[0\]: expected a public range, got "192\.168\.1\.10"/,
    );
  });
});
