import * as network from "@pulumi/azure-native/network";
import type * as pulumi from "@pulumi/pulumi";
import type { AzureScope } from "./azure-scope";
import { PrivateLinkDnsZone as AzurePrivateLinkDnsZone } from "./azure-identifiers";

/**
 * The private DNS zone Azure resolves each private-link sub-resource in, keyed by the
 * sub-resource (group id) the endpoint connects to (sources in the identifiers module).
 */
export const PrivateLinkDnsZone = AzurePrivateLinkDnsZone;

/** A private-link sub-resource this project connects to, as named in {@link PrivateLinkDnsZone}. */
export type PrivateLinkGroupId = keyof typeof PrivateLinkDnsZone;

/** Where a private endpoint lives and the private DNS zone that resolves it. */
export interface PrivateEndpointPlacement {
  /** Subnet the private endpoint takes its addresses from (the network's private endpoint subnet). */
  readonly subnetId: pulumi.Input<string>;
  /**
   * Id of the private DNS zone linked to the VNet that resolves the target, e.g. the
   * `privatelink.vaultcore.azure.net` zone for a vault (see {@link PrivateLinkDnsZone}).
   */
  readonly privateDnsZoneId: pulumi.Input<string>;
}

/** Arguments of {@link privateEndpoint}. */
export interface PrivateEndpointArgs extends PrivateEndpointPlacement {
  /** Resource group, region, names and tags of the endpoint. */
  readonly scope: AzureScope;
  /** Last segment of the endpoint's Azure name, e.g. `kv` gives `pep-<prefix>-<stack>-kv`. */
  readonly qualifier: string;
  /** Id of the resource the endpoint connects to (the vault, the registry). */
  readonly targetResourceId: pulumi.Input<string>;
  /** Sub-resource of the target to connect to; also names the connection. */
  readonly groupId: PrivateLinkGroupId;
}

/**
 * Connects `targetResourceId` to a subnet through a private endpoint named `name`, and registers
 * the endpoint's address in the private DNS zone (a zone group named `<name>-dns`), so clients in
 * the VNet resolve the target's public host name to its private address. Both are children of
 * `parent`. Neither is protected: they hold no data and can be recreated.
 *
 * @returns the private endpoint.
 */
export function privateEndpoint(
  name: string,
  args: PrivateEndpointArgs,
  parent: pulumi.Resource,
): network.PrivateEndpoint {
  const { scope } = args;
  const endpoint = new network.PrivateEndpoint(
    name,
    {
      resourceGroupName: scope.resourceGroupName,
      location: scope.location,
      privateEndpointName: scope.namer.name("privateEndpoint", args.qualifier),
      subnet: { id: args.subnetId },
      privateLinkServiceConnections: [
        {
          name: args.groupId,
          privateLinkServiceId: args.targetResourceId,
          groupIds: [args.groupId],
        },
      ],
      tags: scope.tags,
    },
    { parent },
  );
  new network.PrivateDnsZoneGroup(
    `${name}-dns`,
    {
      resourceGroupName: scope.resourceGroupName,
      privateEndpointName: endpoint.name,
      privateDnsZoneGroupName: "default",
      privateDnsZoneConfigs: [
        {
          name: PrivateLinkDnsZone[args.groupId].replaceAll(".", "-"),
          privateDnsZoneId: args.privateDnsZoneId,
        },
      ],
    },
    { parent },
  );
  return endpoint;
}
