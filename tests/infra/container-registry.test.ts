import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { ContainerRegistry, type ContainerRegistryArgs } from "../../infra/container-registry";
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

const REGISTRY = "azure-native:containerregistry:Registry";
const PRIVATE_ENDPOINT = "azure-native:network:PrivateEndpoint";
const DNS_ZONE_GROUP = "azure-native:network:PrivateDnsZoneGroup";
const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";

const PEP_SUBNET_ID = `/subscriptions/${MOCK_AZURE.subscriptionId}/resourceGroups/rg-hire-prod/providers/Microsoft.Network/virtualNetworks/vnet-hire-prod/subnets/snet-hire-prod-pep`;
const REGISTRY_DNS_ZONE_ID = `/subscriptions/${MOCK_AZURE.subscriptionId}/resourceGroups/rg-hire-prod/providers/Microsoft.Network/privateDnsZones/privatelink.azurecr.io`;
const KUBELET_PRINCIPAL = "44444444-4444-4444-8444-444444444444";
const CI_PRINCIPAL = "55555555-5555-4555-8555-555555555555";

/** A dev stack's registry: Basic, public, no zone redundancy. */
const devArgs = (): ContainerRegistryArgs => ({
  scope: testScope(),
  subscriptionId: MOCK_AZURE.subscriptionId,
  sku: "Basic",
  zoneRedundancy: false,
  untaggedRetentionDays: 7,
  pullers: [{ principalId: KUBELET_PRINCIPAL, principalType: "ServicePrincipal" }],
  pushers: [{ principalId: CI_PRINCIPAL, principalType: "ServicePrincipal" }],
});

/** A prod stack's registry: Premium, zone-redundant, private endpoint only, protected. */
const prodArgs = (): ContainerRegistryArgs => ({
  scope: testScope({ protect: true, stack: "prod" }),
  subscriptionId: MOCK_AZURE.subscriptionId,
  sku: "Premium",
  zoneRedundancy: true,
  untaggedRetentionDays: 30,
  privateEndpoint: { subnetId: PEP_SUBNET_ID, privateDnsZoneId: REGISTRY_DNS_ZONE_ID },
  pullers: [{ principalId: KUBELET_PRINCIPAL, principalType: "ServicePrincipal" }],
  pushers: [{ principalId: CI_PRINCIPAL, principalType: "ServicePrincipal" }],
});

describe("ContainerRegistry", () => {
  let dev: readonly RecordedResource[];
  let devRegistry: ContainerRegistry;
  let prod: readonly RecordedResource[];
  let prodRegistry: ContainerRegistry;
  before(async () => {
    ({ resources: dev, component: devRegistry } = await recordComponent(
      () => new ContainerRegistry("registry", devArgs()),
    ));
    ({ resources: prod, component: prodRegistry } = await recordComponent(
      () => new ContainerRegistry("registry", prodArgs()),
      { stack: "prod" },
    ));
  });

  it("names the registry alphanumerically with the random suffix", () => {
    const registry = single(dev, REGISTRY);
    assert.equal(registry.inputs.registryName, "crhiretestab12c");
    assert.equal(registry.inputs.resourceGroupName, "rg-hire-test");
    assert.equal(registry.inputs.location, "westeurope");
    assert.equal(single(prod, REGISTRY).inputs.registryName, "crhireprodab12c");
  });

  it("disables the admin user and anonymous pull", () => {
    for (const resources of [dev, prod]) {
      const registry = single(resources, REGISTRY);
      assert.equal(registry.inputs.adminUserEnabled, false);
      assert.equal(registry.inputs.anonymousPullEnabled, false);
    }
  });

  it("dev registry is Basic and public, without retention policy or zone redundancy", () => {
    const registry = single(dev, REGISTRY);
    assert.deepEqual(registry.inputs.sku, { name: "Basic" });
    assert.equal(registry.inputs.zoneRedundancy, "Disabled");
    assert.equal(registry.inputs.policies, undefined);
    assert.equal(registry.inputs.publicNetworkAccess, "Enabled");
    assert.equal(ofType(dev, PRIVATE_ENDPOINT).length, 0);
    assert.equal(ofType(dev, DNS_ZONE_GROUP).length, 0);
  });

  it("prod registry is Premium, zone-redundant and purges untagged manifests after the retention", () => {
    const registry = single(prod, REGISTRY);
    assert.deepEqual(registry.inputs.sku, { name: "Premium" });
    assert.equal(registry.inputs.zoneRedundancy, "Enabled");
    assert.deepEqual(inputObject(registry.inputs.policies, "policies").retentionPolicy, {
      days: 30,
      status: "enabled",
    });
  });

  it("prod registry disables public access but lets trusted Azure services through", () => {
    const registry = single(prod, REGISTRY);
    assert.equal(registry.inputs.publicNetworkAccess, "Disabled");
    assert.equal(registry.inputs.networkRuleBypassOptions, "AzureServices");
  });

  it("prod registry is reached through a private endpoint registered in privatelink.azurecr.io", async () => {
    const endpoint = single(prod, PRIVATE_ENDPOINT);
    assert.equal(endpoint.inputs.privateEndpointName, "pep-hire-prod-cr");
    assert.equal(endpoint.inputs.location, "westeurope");
    // The SDK fills in subnet policy defaults on the reference; Azure uses only its id.
    assert.equal(inputObject(endpoint.inputs.subnet, "subnet").id, PEP_SUBNET_ID);
    assert.deepEqual(endpoint.inputs.privateLinkServiceConnections, [
      {
        name: "registry",
        privateLinkServiceId: await valueOf(prodRegistry.registryId, "registryId"),
        groupIds: ["registry"],
      },
    ]);

    const group = single(prod, DNS_ZONE_GROUP);
    assert.equal(group.inputs.privateEndpointName, "pep-hire-prod-cr");
    assert.deepEqual(group.inputs.privateDnsZoneConfigs, [
      { name: "privatelink-azurecr-io", privateDnsZoneId: REGISTRY_DNS_ZONE_ID },
    ]);
  });

  it("grants AcrPull to the kubelet identity and AcrPush to CI on the registry only", async () => {
    for (const [resources, registry] of [
      [dev, devRegistry],
      [prod, prodRegistry],
    ] as const) {
      assert.equal(ofType(resources, ROLE_ASSIGNMENT).length, 2);
      assertGrantsOnlyOn(resources, await valueOf(registry.registryId, "registryId"));
      assert.deepEqual(granteesOf(resources, "acrPull"), [[KUBELET_PRINCIPAL, "ServicePrincipal"]]);
      assert.deepEqual(granteesOf(resources, "acrPush"), [[CI_PRINCIPAL, "ServicePrincipal"]]);
    }
  });

  it("protects the registry in prod only", () => {
    assert.equal(single(prod, REGISTRY).options.protect, true);
    assert.equal(single(dev, REGISTRY).options.protect, false);
  });

  it("tags the registry and the private endpoint with the standard tags", () => {
    const prodTags = testScope({ protect: true, stack: "prod" }).tags;
    assert.deepEqual(single(dev, REGISTRY).inputs.tags, testScope().tags);
    assert.deepEqual(single(prod, REGISTRY).inputs.tags, prodTags);
    assert.deepEqual(single(prod, PRIVATE_ENDPOINT).inputs.tags, prodTags);
  });

  it("parents every resource to the component", () => {
    const component = single(prod, "hiring:registry:ContainerRegistry");
    for (const resource of prod.filter((r) => r.custom)) {
      assert.equal(resource.parent, component.urn, resource.name);
    }
  });

  it("exposes the registry name, id and login server", async () => {
    assert.equal(await valueOf(prodRegistry.registryName, "registryName"), "crhireprodab12c");
    assert.match(
      await valueOf(prodRegistry.registryId, "registryId"),
      /\/providers\/Microsoft\.containerregistry\/Registry\/crhireprodab12c$/,
    );
    assert.equal(
      await valueOf(prodRegistry.loginServer, "loginServer"),
      "crhireprodab12c.azurecr.io",
    );
  });
});

describe("ContainerRegistry validation", () => {
  const rejects = (args: ContainerRegistryArgs, message: RegExp): Promise<void> =>
    assertRejectsBeforeRegistering(() => new ContainerRegistry("registry", args), message);

  it("rejects zone redundancy below Premium", async () => {
    await rejects(
      { ...devArgs(), sku: "Standard", zoneRedundancy: true },
      /ContainerRegistry "registry": zoneRedundancy: expected false unless sku is Premium, got sku Standard/,
    );
  });

  it("rejects a private endpoint below Premium", async () => {
    await rejects(
      { ...prodArgs(), sku: "Standard", zoneRedundancy: false },
      /ContainerRegistry "registry": privateEndpoint: expected none unless sku is Premium/,
    );
  });

  it("rejects an untagged retention outside 0-365 days", async () => {
    await rejects(
      { ...prodArgs(), untaggedRetentionDays: -1 },
      /ContainerRegistry "registry": untaggedRetentionDays: expected .* from 0 to 365, got -1/,
    );
    await rejects(
      { ...prodArgs(), untaggedRetentionDays: 366 },
      /untaggedRetentionDays: expected .* from 0 to 365, got 366/,
    );
    await rejects(
      { ...prodArgs(), untaggedRetentionDays: 1.5 },
      /untaggedRetentionDays: expected .* got 1\.5/,
    );
  });
});
