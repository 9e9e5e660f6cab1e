import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import type * as network from "@pulumi/azure-native/network";
import * as pulumi from "@pulumi/pulumi";
import {
  PrivateLinkDnsZone,
  privateEndpoint,
  type PrivateEndpointArgs,
} from "../../infra/private-endpoint";
import { inputObject, ofType, recordComponent, single, testScope } from "../harness/component";
import { MOCK_AZURE } from "../../tools/offline/mocks";
import type { RecordedResource } from "../../tools/offline/recorder";
import { valueOf } from "../../tools/offline/runtime";

const PRIVATE_ENDPOINT = "azure-native:network:PrivateEndpoint";
const DNS_ZONE_GROUP = "azure-native:network:PrivateDnsZoneGroup";
const PARENT = "test:index:Parent";

const GROUP = `/subscriptions/${MOCK_AZURE.subscriptionId}/resourceGroups/rg-hire-prod`;
const PEP_SUBNET_ID = `${GROUP}/providers/Microsoft.Network/virtualNetworks/vnet-hire-prod/subnets/snet-hire-prod-pep`;
const VAULT_ID = `${GROUP}/providers/Microsoft.KeyVault/vaults/kv-hire-prod-ab12c`;
const REGISTRY_ID = `${GROUP}/providers/Microsoft.ContainerRegistry/registries/crhireprodab12c`;
const VAULT_ZONE_ID = `${GROUP}/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net`;
const REGISTRY_ZONE_ID = `${GROUP}/providers/Microsoft.Network/privateDnsZones/privatelink.azurecr.io`;

/** A protected prod scope, to show the endpoint is not protected along with its target. */
const prodScope = () => testScope({ protect: true, stack: "prod" });

const vaultEndpoint = (): PrivateEndpointArgs => ({
  scope: prodScope(),
  qualifier: "kv",
  subnetId: PEP_SUBNET_ID,
  privateDnsZoneId: VAULT_ZONE_ID,
  targetResourceId: VAULT_ID,
  groupId: "vault",
});

/** Runs `build` with a bare component as the parent, as a component's constructor would. */
const underParent =
  <T>(build: (parent: pulumi.Resource) => T): (() => T) =>
  () =>
    build(new pulumi.ComponentResource(PARENT, "parent"));

describe("privateEndpoint", () => {
  let vault: readonly RecordedResource[];
  let vaultPep: network.PrivateEndpoint;
  let registry: readonly RecordedResource[];
  before(async () => {
    ({ resources: vault, component: vaultPep } = await recordComponent(
      underParent((parent) => privateEndpoint("secrets-pep", vaultEndpoint(), parent)),
      { stack: "prod" },
    ));
    ({ resources: registry } = await recordComponent(
      underParent((parent) =>
        privateEndpoint(
          "registry-pep",
          {
            scope: prodScope(),
            qualifier: "cr",
            subnetId: PEP_SUBNET_ID,
            privateDnsZoneId: REGISTRY_ZONE_ID,
            targetResourceId: REGISTRY_ID,
            groupId: "registry",
          },
          parent,
        ),
      ),
      { stack: "prod" },
    ));
  });

  it("creates exactly one endpoint and one DNS zone group, named after the given name", () => {
    assert.deepEqual(
      vault.filter((r) => r.custom).map((r) => [r.type, r.name]),
      [
        [PRIVATE_ENDPOINT, "secrets-pep"],
        [DNS_ZONE_GROUP, "secrets-pep-dns"],
      ],
    );
  });

  it("names the endpoint with the qualifier and places it in the scope's group, region and subnet", () => {
    const endpoint = single(vault, PRIVATE_ENDPOINT);
    assert.equal(endpoint.inputs.privateEndpointName, "pep-hire-prod-kv");
    assert.equal(endpoint.inputs.resourceGroupName, "rg-hire-test");
    assert.equal(endpoint.inputs.location, "westeurope");
    // The SDK fills in subnet policy defaults on the reference; Azure uses only its id.
    assert.equal(inputObject(endpoint.inputs.subnet, "subnet").id, PEP_SUBNET_ID);
    assert.equal(single(registry, PRIVATE_ENDPOINT).inputs.privateEndpointName, "pep-hire-prod-cr");
  });

  it("connects to the target's sub-resource, naming the connection after it", () => {
    assert.deepEqual(single(vault, PRIVATE_ENDPOINT).inputs.privateLinkServiceConnections, [
      { name: "vault", privateLinkServiceId: VAULT_ID, groupIds: ["vault"] },
    ]);
    assert.deepEqual(single(registry, PRIVATE_ENDPOINT).inputs.privateLinkServiceConnections, [
      { name: "registry", privateLinkServiceId: REGISTRY_ID, groupIds: ["registry"] },
    ]);
  });

  it("returns the endpoint", async () => {
    assert.equal(await valueOf(vaultPep.name, "endpoint name"), "pep-hire-prod-kv");
    assert.match(await valueOf(vaultPep.id, "endpoint id"), /\/PrivateEndpoint\/pep-hire-prod-kv$/);
  });

  it("registers the endpoint in the given zone, with a config named after the service's privatelink zone", () => {
    for (const [resources, zoneId, configName] of [
      [vault, VAULT_ZONE_ID, "privatelink-vaultcore-azure-net"],
      [registry, REGISTRY_ZONE_ID, "privatelink-azurecr-io"],
    ] as const) {
      const group = single(resources, DNS_ZONE_GROUP);
      assert.equal(group.inputs.resourceGroupName, "rg-hire-test");
      assert.equal(group.inputs.privateDnsZoneGroupName, "default");
      assert.deepEqual(group.inputs.privateDnsZoneConfigs, [
        { name: configName, privateDnsZoneId: zoneId },
      ]);
    }
    assert.equal(single(vault, DNS_ZONE_GROUP).inputs.privateEndpointName, "pep-hire-prod-kv");
    assert.equal(single(registry, DNS_ZONE_GROUP).inputs.privateEndpointName, "pep-hire-prod-cr");
  });

  it("knows the privatelink zone of every sub-resource it accepts", () => {
    assert.deepEqual(PrivateLinkDnsZone, {
      vault: "privatelink.vaultcore.azure.net",
      registry: "privatelink.azurecr.io",
    });
  });

  it("tags the endpoint with the scope's tags (a zone group takes no tags)", () => {
    assert.deepEqual(single(vault, PRIVATE_ENDPOINT).inputs.tags, prodScope().tags);
    assert.equal(single(vault, DNS_ZONE_GROUP).inputs.tags, undefined);
  });

  it("parents both resources to the given parent and protects neither, even in a protected scope", () => {
    const parent = single(vault, PARENT);
    for (const resource of [...ofType(vault, PRIVATE_ENDPOINT), ...ofType(vault, DNS_ZONE_GROUP)]) {
      assert.equal(resource.parent, parent.urn, resource.name);
      assert.equal(resource.options.protect, false, resource.name);
    }
  });
});
