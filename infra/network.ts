import * as network from "@pulumi/azure-native/network";
import * as privatedns from "@pulumi/azure-native/privatedns";
import type * as azureInputs from "@pulumi/azure-native/types/input";
import * as pulumi from "@pulumi/pulumi";
import type { AzureScope } from "./azure-scope";
import { type ArgsProblem, throwIfArgsProblems } from "../core/args-problems";
import { ServiceTag } from "./azure-identifiers";
import { cidrContains, cidrsOverlap, isIpv4Cidr } from "./cidr";

/** Address blocks of the three subnets. */
export interface SubnetRanges {
  /** AKS nodes. With Azure CNI overlay only nodes take addresses here; pods use the pod CIDR. */
  readonly nodes: string;
  /** Delegated to PostgreSQL Flexible Server; at least a /28. */
  readonly database: string;
  /** Private endpoints (Key Vault, container registry). */
  readonly privateEndpoints: string;
}

/** Arguments of {@link Network}. */
export interface NetworkArgs {
  /** Resource group, region, names, tags. */
  readonly scope: AzureScope;
  /** VNet address space, e.g. `10.20.0.0/16`. */
  readonly addressSpace: string;
  /** Subnet blocks; each inside `addressSpace`, none overlapping. */
  readonly subnets: SubnetRanges;
  /** The node subnet's inbound traffic beyond the subnets themselves. */
  readonly nodeTraffic: NodeTraffic;
}

/** What the node subnet's NSG must let in besides node-to-node traffic. */
export interface NodeTraffic {
  /**
   * The cluster's Azure CNI overlay pod CIDR. Overlay pod-to-pod traffic keeps pod addresses as
   * its source, and pod addresses are outside the VNet (so `VirtualNetwork` does not cover
   * them): without explicit allows node → pod and pod → pod, cross-node pod traffic is dropped.
   */
  readonly podCidr: string;
  /**
   * A public ingress load balancer (Jenkins' ingress) serves HTTP and HTTPS from the internet;
   * without an allow, `deny-internet` makes it unreachable. Default: no internet ingress.
   */
  readonly publicIngress: boolean;
}

/** Ports the public ingress load balancer serves (HTTP redirects to HTTPS). */
export const PUBLIC_INGRESS_PORTS = ["80", "443"] as const;

/** Private DNS zone ids, by the service they resolve. */
export interface PrivateDnsZoneIds {
  /** `<prefix>-<stack>.private.postgres.database.azure.com`, for the VNet-integrated server. */
  readonly postgres: pulumi.Output<string>;
  /** `privatelink.vaultcore.azure.net`. */
  readonly keyVault: pulumi.Output<string>;
  /** `privatelink.azurecr.io`. */
  readonly registry: pulumi.Output<string>;
}

type SecurityRule = azureInputs.network.SecurityRuleArgs;

const inbound = (
  name: string,
  priority: number,
  access: "Allow" | "Deny",
  rule: Pick<SecurityRule, "sourceAddressPrefix" | "destinationAddressPrefix" | "protocol"> & {
    readonly ports: string | readonly string[];
    readonly description: string;
  },
): SecurityRule => ({
  name,
  priority,
  direction: "Inbound",
  access,
  protocol: rule.protocol,
  sourceAddressPrefix: rule.sourceAddressPrefix,
  sourcePortRange: "*",
  destinationAddressPrefix: rule.destinationAddressPrefix,
  ...(typeof rule.ports === "string"
    ? { destinationPortRange: rule.ports }
    : { destinationPortRanges: [...rule.ports] }),
  description: rule.description,
});

/**
 * The explicit inbound rules of each subnet's NSG. Azure's default rules would allow any traffic
 * from anywhere in the VNet; these narrow it to the flows the platform needs.
 */
export function subnetSecurityRules(
  subnets: SubnetRanges,
  nodeTraffic: NodeTraffic,
): Record<keyof SubnetRanges, SecurityRule[]> {
  const { podCidr } = nodeTraffic;
  return {
    nodes: [
      inbound("allow-azure-load-balancer", 100, "Allow", {
        protocol: "*",
        sourceAddressPrefix: ServiceTag.azureLoadBalancer,
        destinationAddressPrefix: subnets.nodes,
        ports: "*",
        description: "Load balancer health probes for services and the cluster's outbound rules",
      }),
      inbound("allow-nodes-to-nodes", 110, "Allow", {
        protocol: "*",
        sourceAddressPrefix: subnets.nodes,
        destinationAddressPrefix: subnets.nodes,
        ports: "*",
        description: "Node-to-node traffic",
      }),
      // Azure CNI overlay: a deny affecting pod CIDR traffic needs node CIDR -> pod CIDR and
      // pod CIDR -> pod CIDR allowed on all ports and protocols (MicrosoftDocs/azure-aks-docs
      // articles/aks/concepts-network-cni-overview.md).
      inbound("allow-nodes-to-pods", 120, "Allow", {
        protocol: "*",
        sourceAddressPrefix: subnets.nodes,
        destinationAddressPrefix: podCidr,
        ports: "*",
        description: "Overlay: nodes reach pods (kubelet probes, host-network pods)",
      }),
      inbound("allow-pods-to-pods", 130, "Allow", {
        protocol: "*",
        sourceAddressPrefix: podCidr,
        destinationAddressPrefix: podCidr,
        ports: "*",
        description: "Overlay: pod-to-pod traffic keeps pod addresses across nodes",
      }),
      ...(nodeTraffic.publicIngress
        ? [
            inbound("allow-internet-to-ingress", 140, "Allow", {
              protocol: "Tcp",
              sourceAddressPrefix: ServiceTag.internet,
              destinationAddressPrefix: "*",
              ports: PUBLIC_INGRESS_PORTS,
              description: "The public ingress load balancer serves HTTP and HTTPS",
            }),
          ]
        : []),
      inbound("deny-internet", 4096, "Deny", {
        protocol: "*",
        sourceAddressPrefix: ServiceTag.internet,
        destinationAddressPrefix: "*",
        ports: "*",
        description: "Nothing is exposed to the internet unless a rule above says so",
      }),
    ],
    database: [
      inbound("allow-postgres-from-nodes", 100, "Allow", {
        protocol: "Tcp",
        sourceAddressPrefix: subnets.nodes,
        destinationAddressPrefix: subnets.database,
        ports: "5432",
        description: "Applications on AKS reach PostgreSQL",
      }),
      inbound("allow-within-database-subnet", 110, "Allow", {
        protocol: "*",
        sourceAddressPrefix: subnets.database,
        destinationAddressPrefix: subnets.database,
        ports: "*",
        description: "Replication between the HA primary and standby",
      }),
      inbound("deny-vnet", 4000, "Deny", {
        protocol: "*",
        sourceAddressPrefix: ServiceTag.virtualNetwork,
        destinationAddressPrefix: "*",
        ports: "*",
        description: "No other VNet traffic reaches the database subnet",
      }),
      inbound("deny-internet", 4096, "Deny", {
        protocol: "*",
        sourceAddressPrefix: ServiceTag.internet,
        destinationAddressPrefix: "*",
        ports: "*",
        description: "The database subnet is private",
      }),
    ],
    privateEndpoints: [
      inbound("allow-https-from-nodes", 100, "Allow", {
        protocol: "Tcp",
        sourceAddressPrefix: subnets.nodes,
        destinationAddressPrefix: subnets.privateEndpoints,
        ports: "443",
        description: "AKS workloads and the CI agents reach Key Vault and ACR",
      }),
      inbound("deny-vnet", 4000, "Deny", {
        protocol: "*",
        sourceAddressPrefix: ServiceTag.virtualNetwork,
        destinationAddressPrefix: "*",
        ports: "*",
        description: "No other VNet traffic reaches the private endpoints",
      }),
      inbound("deny-internet", 4096, "Deny", {
        protocol: "*",
        sourceAddressPrefix: ServiceTag.internet,
        destinationAddressPrefix: "*",
        ports: "*",
        description: "Private endpoints are private",
      }),
    ],
  };
}

/**
 * The stack's network: a VNet, three subnets each behind its own NSG, and the private DNS zones
 * the private endpoints and the VNet-integrated PostgreSQL server resolve through.
 */
export class Network extends pulumi.ComponentResource {
  /** VNet resource id. */
  public readonly virtualNetworkId: pulumi.Output<string>;
  /** VNet name. */
  public readonly virtualNetworkName: pulumi.Output<string>;
  /** Subnet for AKS nodes. */
  public readonly nodeSubnetId: pulumi.Output<string>;
  /** Subnet delegated to PostgreSQL Flexible Server. */
  public readonly databaseSubnetId: pulumi.Output<string>;
  /** Subnet for private endpoints. */
  public readonly privateEndpointSubnetId: pulumi.Output<string>;
  /** Private DNS zones linked to the VNet. */
  public readonly privateDnsZoneIds: PrivateDnsZoneIds;

  /**
   * @param name logical name; children are named `<name>-<part>`.
   * @param args address plan and placement.
   * @param opts component options.
   */
  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    throwIfArgsProblems("Network", name, addressPlanProblems(args.addressSpace, args.subnets));
    super("hiring:network:Network", name, {}, opts);
    const { scope } = args;
    const common = {
      resourceGroupName: scope.resourceGroupName,
      location: scope.location,
      tags: scope.tags,
    };

    const vnet = new network.VirtualNetwork(
      `${name}-vnet`,
      {
        ...common,
        virtualNetworkName: scope.namer.name("virtualNetwork"),
        addressSpace: { addressPrefixes: [args.addressSpace] },
        // Subnets are separate resources only: mixing inline and separate subnets makes each
        // update delete what the other declared (pulumi-azure-native #611).
      },
      { parent: this },
    );

    const rules = subnetSecurityRules(args.subnets, args.nodeTraffic);
    const subnetSettings: Record<keyof SubnetRanges, Partial<network.SubnetArgs>> = {
      nodes: {
        // Lets the dev Key Vault firewall admit the cluster without a private endpoint.
        serviceEndpoints: [{ service: "Microsoft.KeyVault" }],
        // Egress goes through the AKS load balancer's outbound rules, never implicit SNAT.
        defaultOutboundAccess: false,
      },
      database: {
        delegations: [
          {
            name: "postgres-flexible-server",
            serviceName: "Microsoft.DBforPostgreSQL/flexibleServers",
          },
        ],
      },
      privateEndpoints: {
        // Makes the NSG apply to private endpoint traffic too.
        privateEndpointNetworkPolicies: "Enabled",
        defaultOutboundAccess: false,
      },
    };

    // Azure rejects concurrent changes to subnets of one VNet, so each waits for the previous.
    let previous: pulumi.Resource | undefined;
    const subnetIds = {} as Record<keyof SubnetRanges, pulumi.Output<string>>;
    for (const key of ["nodes", "database", "privateEndpoints"] as const) {
      const qualifier = key === "privateEndpoints" ? "pep" : key;
      const nsg = new network.NetworkSecurityGroup(
        `${name}-nsg-${qualifier}`,
        {
          ...common,
          networkSecurityGroupName: scope.namer.name("networkSecurityGroup", qualifier),
          securityRules: rules[key],
        },
        { parent: this },
      );
      const subnet: network.Subnet = new network.Subnet(
        `${name}-snet-${qualifier}`,
        {
          resourceGroupName: scope.resourceGroupName,
          virtualNetworkName: vnet.name,
          subnetName: scope.namer.name("subnet", qualifier),
          addressPrefix: args.subnets[key],
          networkSecurityGroup: { id: nsg.id },
          ...subnetSettings[key],
        },
        { parent: this, dependsOn: previous ? [previous] : [] },
      );
      subnetIds[key] = subnet.id;
      previous = subnet;
    }

    const zone = (key: string, zoneName: string): pulumi.Output<string> => {
      const privateZone = new privatedns.PrivateZone(
        `${name}-dns-${key}`,
        {
          resourceGroupName: scope.resourceGroupName,
          privateZoneName: zoneName,
          location: "global",
          tags: scope.tags,
        },
        { parent: this },
      );
      const link = new privatedns.VirtualNetworkLink(
        `${name}-dns-${key}-link`,
        {
          resourceGroupName: scope.resourceGroupName,
          privateZoneName: privateZone.name,
          virtualNetworkLinkName: vnet.name,
          location: "global",
          virtualNetwork: { id: vnet.id },
          // Names are resolved, never auto-registered: nothing in the VNet registers itself.
          registrationEnabled: false,
          tags: scope.tags,
        },
        { parent: this },
      );
      // Consumers (the PostgreSQL server, private DNS zone groups) must wait for the link,
      // not only the zone: an unlinked zone does not resolve inside the VNet.
      return pulumi.all([privateZone.id, link.id]).apply(([zoneId]) => zoneId);
    };
    const { prefix, stack } = scope.namer.convention;

    this.virtualNetworkId = vnet.id;
    this.virtualNetworkName = vnet.name;
    this.nodeSubnetId = subnetIds.nodes;
    this.databaseSubnetId = subnetIds.database;
    this.privateEndpointSubnetId = subnetIds.privateEndpoints;
    this.privateDnsZoneIds = {
      // The VNet-integrated flexible server needs a zone ending in .postgres.database.azure.com;
      // a per-stack name keeps two stacks' zones apart.
      postgres: zone("postgres", `${prefix}-${stack}.private.postgres.database.azure.com`),
      keyVault: zone("keyvault", "privatelink.vaultcore.azure.net"),
      registry: zone("registry", "privatelink.azurecr.io"),
    };
    this.registerOutputs({
      virtualNetworkId: this.virtualNetworkId,
      virtualNetworkName: this.virtualNetworkName,
      nodeSubnetId: this.nodeSubnetId,
      databaseSubnetId: this.databaseSubnetId,
      privateEndpointSubnetId: this.privateEndpointSubnetId,
      privateDnsZoneIds: this.privateDnsZoneIds,
    });
  }
}

/**
 * Checks a VNet address plan: every block valid CIDR, subnets inside the address space, no two
 * subnets overlapping, the database subnet at least a /28 (Azure's minimum for delegation).
 */
export function addressPlanProblems(addressSpace: string, subnets: SubnetRanges): ArgsProblem[] {
  const entries: [string, string][] = [
    ["subnets.nodes", subnets.nodes],
    ["subnets.database", subnets.database],
    ["subnets.privateEndpoints", subnets.privateEndpoints],
  ];
  const malformed = [["addressSpace", addressSpace], ...entries].filter(
    ([, range]) => !isIpv4Cidr(range ?? ""),
  );
  if (malformed.length > 0) {
    return malformed.map(([key = ""]) => ({
      key,
      reason: "expected an IPv4 CIDR block with zero host bits, like 10.20.0.0/16",
    }));
  }
  const problems: ArgsProblem[] = [];
  entries.forEach(([key, range], index) => {
    if (!cidrContains(addressSpace, range)) {
      problems.push({ key, reason: `expected a block inside ${addressSpace}` });
    }
    for (const [otherKey, other] of entries.slice(index + 1)) {
      if (cidrsOverlap(range, other)) {
        problems.push({ key: otherKey, reason: `expected no overlap with ${key} (${range})` });
      }
    }
  });
  if (Number(subnets.database.split("/")[1]) > 28) {
    problems.push({ key: "subnets.database", reason: "expected a /28 or larger block" });
  }
  return problems;
}
