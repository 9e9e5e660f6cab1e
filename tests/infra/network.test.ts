import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { addressPlanProblems, Network, type NetworkArgs } from "../../infra/network";
import {
  assertRejectsBeforeRegistering,
  ofType,
  recordComponent,
  single,
  testScope,
} from "../harness/component";
import type { RecordedResource } from "../../tools/offline/recorder";
import { valueOf } from "../../tools/offline/runtime";

const subnets = {
  nodes: "10.20.0.0/22",
  database: "10.20.8.0/28",
  privateEndpoints: "10.20.9.0/27",
};
const POD_CIDR = "192.168.0.0/16";
const args = (publicIngress = false): NetworkArgs => ({
  scope: testScope(),
  addressSpace: "10.20.0.0/16",
  subnets,
  nodeTraffic: { podCidr: POD_CIDR, publicIngress },
});

type Rule = {
  name: string;
  access: string;
  priority: number;
  sourceAddressPrefix: string;
  destinationPortRange: string;
};

describe("Network", () => {
  let resources: readonly RecordedResource[];
  let network: Network;
  before(async () => {
    ({ resources, component: network } = await recordComponent(
      () => new Network("network", args()),
    ));
  });

  const subnet = (qualifier: string): RecordedResource =>
    single(resources, "azure-native:network:Subnet", `-${qualifier}`);
  const rulesOf = (qualifier: string): Rule[] =>
    single(resources, "azure-native:network:NetworkSecurityGroup", `-${qualifier}`).inputs
      .securityRules as Rule[];

  it("declares the VNet's address space and no inline subnets", () => {
    const vnet = single(resources, "azure-native:network:VirtualNetwork");
    assert.deepEqual(vnet.inputs.addressSpace, { addressPrefixes: ["10.20.0.0/16"] });
    assert.equal(vnet.inputs.subnets, undefined);
    assert.equal(vnet.inputs.virtualNetworkName, "vnet-hire-test");
  });

  it("creates three subnets with the configured blocks, each behind its own NSG", () => {
    assert.equal(ofType(resources, "azure-native:network:Subnet").length, 3);
    assert.equal(ofType(resources, "azure-native:network:NetworkSecurityGroup").length, 3);
    assert.equal(subnet("nodes").inputs.addressPrefix, "10.20.0.0/22");
    assert.equal(subnet("database").inputs.addressPrefix, "10.20.8.0/28");
    assert.equal(subnet("pep").inputs.addressPrefix, "10.20.9.0/27");
    for (const qualifier of ["nodes", "database", "pep"]) {
      const nsg = single(resources, "azure-native:network:NetworkSecurityGroup", `-${qualifier}`);
      const nsgId = `/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-hire-test/providers/Microsoft.network/NetworkSecurityGroup/nsg-hire-test-${qualifier}`;
      assert.equal(nsg.inputs.networkSecurityGroupName, `nsg-hire-test-${qualifier}`);
      assert.deepEqual(subnet(qualifier).inputs.networkSecurityGroup, { id: nsgId });
    }
  });

  it("delegates the database subnet to PostgreSQL Flexible Server", () => {
    assert.deepEqual(subnet("database").inputs.delegations, [
      {
        name: "postgres-flexible-server",
        serviceName: "Microsoft.DBforPostgreSQL/flexibleServers",
      },
    ]);
  });

  it("enforces NSGs on private endpoints and gives the node subnet a Key Vault service endpoint", () => {
    assert.equal(subnet("pep").inputs.privateEndpointNetworkPolicies, "Enabled");
    assert.deepEqual(subnet("nodes").inputs.serviceEndpoints, [{ service: "Microsoft.KeyVault" }]);
  });

  it("creates subnets one after another (Azure refuses concurrent subnet changes)", () => {
    const subnetUrns = ofType(resources, "azure-native:network:Subnet").map((r) => r.urn);
    assert.deepEqual(
      subnet("nodes").options.dependsOn.filter((urn) => subnetUrns.includes(urn)),
      [],
    );
    assert.ok(subnet("database").options.dependsOn.includes(subnet("nodes").urn));
    assert.ok(subnet("pep").options.dependsOn.includes(subnet("database").urn));
  });

  it("lets only the node subnet reach PostgreSQL on 5432 and denies the rest of the VNet", () => {
    const rules = rulesOf("database");
    const allow = rules.find((rule) => rule.name === "allow-postgres-from-nodes");
    assert.ok(allow);
    assert.deepEqual(
      {
        access: allow.access,
        source: allow.sourceAddressPrefix,
        port: allow.destinationPortRange,
      },
      { access: "Allow", source: "10.20.0.0/22", port: "5432" },
    );
    const deny = rules.find((rule) => rule.name === "deny-vnet");
    assert.ok(deny);
    assert.equal(deny.access, "Deny");
    assert.equal(deny.sourceAddressPrefix, "VirtualNetwork");
    assert.ok(deny.priority > allow.priority);
  });

  it("lets only the node subnet reach private endpoints, on 443", () => {
    const allow = rulesOf("pep").filter((rule) => rule.access === "Allow");
    assert.deepEqual(
      allow.map((rule) => [rule.sourceAddressPrefix, rule.destinationPortRange]),
      [["10.20.0.0/22", "443"]],
    );
  });

  it("denies inbound internet traffic on every subnet explicitly", () => {
    for (const qualifier of ["nodes", "database", "pep"]) {
      assert.ok(
        rulesOf(qualifier).some(
          (rule) => rule.sourceAddressPrefix === "Internet" && rule.access === "Deny",
        ),
        qualifier,
      );
    }
  });

  // MicrosoftDocs/azure-aks-docs articles/aks/concepts-network-cni-overview.md: "With Azure CNI
  // Overlay, if an NSG deny rule affects pod CIDR traffic, you must also allow traffic from the
  // node CIDR to the pod CIDR and from the pod CIDR to the pod CIDR on all ports and protocols."
  it("allows node CIDR -> pod CIDR and pod CIDR -> pod CIDR on all ports, above the deny (overlay)", () => {
    const rules = rulesOf("nodes") as (Rule & {
      destinationAddressPrefix: string;
      protocol: string;
    })[];
    const deny = rules.find((rule) => rule.name === "deny-internet");
    for (const [source, name] of [
      ["10.20.0.0/22", "allow-nodes-to-pods"],
      [POD_CIDR, "allow-pods-to-pods"],
    ] as const) {
      const rule = rules.find((candidate) => candidate.name === name);
      assert.ok(rule, name);
      assert.deepEqual(
        [rule.access, rule.sourceAddressPrefix, rule.destinationAddressPrefix, rule.protocol],
        ["Allow", source, POD_CIDR, "*"],
      );
      assert.equal(rule.destinationPortRange, "*");
      assert.ok(deny && rule.priority < deny.priority, `${name} is evaluated before the deny`);
    }
  });

  it("lets nothing from the internet into the node subnet without a public ingress", () => {
    assert.ok(
      !rulesOf("nodes").some(
        (rule) => rule.sourceAddressPrefix === "Internet" && rule.access === "Allow",
      ),
    );
  });

  it("opens 80 and 443 from the internet to the nodes, above the deny, when the ingress is public", async () => {
    const { resources: withIngress } = await recordComponent(
      () => new Network("network", args(true)),
    );
    const rules = single(withIngress, "azure-native:network:NetworkSecurityGroup", "-nodes").inputs
      .securityRules as (Rule & { destinationPortRanges?: string[] })[];
    const allow = rules.find((rule) => rule.name === "allow-internet-to-ingress");
    const deny = rules.find((rule) => rule.name === "deny-internet");
    assert.ok(allow && deny);
    assert.deepEqual(
      [allow.access, allow.sourceAddressPrefix, allow.destinationPortRanges],
      ["Allow", "Internet", ["80", "443"]],
    );
    assert.ok(allow.priority < deny.priority);
  });

  it("links private DNS zones for PostgreSQL, Key Vault and ACR to the VNet without auto-registration", async () => {
    const zones = ofType(resources, "azure-native:privatedns:PrivateZone").map(
      (zone) => zone.inputs.privateZoneName,
    );
    assert.deepEqual(zones.sort(), [
      "hire-test.private.postgres.database.azure.com",
      "privatelink.azurecr.io",
      "privatelink.vaultcore.azure.net",
    ]);
    const links = ofType(resources, "azure-native:privatedns:VirtualNetworkLink");
    assert.equal(links.length, 3);
    const vnetId = await valueOf(network.virtualNetworkId);
    for (const link of links) {
      assert.deepEqual(link.inputs.virtualNetwork, { id: vnetId });
      assert.equal(link.inputs.registrationEnabled, false);
      assert.equal(link.inputs.location, "global");
    }
    assert.match(
      await valueOf(network.privateDnsZoneIds.postgres),
      /hire-test\.private\.postgres\.database\.azure\.com$/,
    );
  });

  it("tags every taggable resource", () => {
    const taggable = resources.filter((r) => r.custom && r.type !== "azure-native:network:Subnet");
    assert.ok(taggable.length >= 10);
    for (const resource of taggable) {
      assert.equal(
        (resource.inputs.tags as Record<string, string> | undefined)?.["managed-by"],
        "pulumi",
        resource.name,
      );
    }
  });

  it("exposes the subnet ids it created", async () => {
    assert.match(await valueOf(network.nodeSubnetId), /snet-hire-test-nodes$/);
    assert.match(await valueOf(network.databaseSubnetId), /snet-hire-test-database$/);
    assert.match(await valueOf(network.privateEndpointSubnetId), /snet-hire-test-pep$/);
  });
});

describe("Network address plan validation", () => {
  it("accepts the dev plan", () => {
    assert.deepEqual(addressPlanProblems("10.20.0.0/16", subnets), []);
  });

  it("names the subnet that lies outside, overlaps, is too small or is malformed", () => {
    assert.deepEqual(
      addressPlanProblems("10.20.0.0/16", { ...subnets, privateEndpoints: "10.21.0.0/27" }),
      [{ key: "subnets.privateEndpoints", reason: "expected a block inside 10.20.0.0/16" }],
    );
    assert.deepEqual(
      addressPlanProblems("10.20.0.0/16", { ...subnets, database: "10.20.1.0/28" }),
      [
        {
          key: "subnets.database",
          reason: "expected no overlap with subnets.nodes (10.20.0.0/22)",
        },
      ],
    );
    assert.deepEqual(
      addressPlanProblems("10.20.0.0/16", { ...subnets, database: "10.20.8.0/29" }),
      [{ key: "subnets.database", reason: "expected a /28 or larger block" }],
    );
    assert.equal(
      addressPlanProblems("10.20.0.0/16", { ...subnets, nodes: "10.20.0.1/22" })[0]?.key,
      "subnets.nodes",
    );
  });

  it("throws before registering anything, the component included", async () => {
    await assertRejectsBeforeRegistering(
      () => new Network("network", { ...args(), addressSpace: "10.99.0.0/16" }),
      /Network "network": subnets\.nodes: expected a block inside 10\.99\.0\.0\/16; subnets\.database: expected a block inside/,
    );
  });
});
