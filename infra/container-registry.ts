import * as containerregistry from "@pulumi/azure-native/containerregistry";
import * as pulumi from "@pulumi/pulumi";
import { type ArgsProblem, throwIfArgsProblems } from "../core/args-problems";
import type { AzureScope } from "./azure-scope";
import { privateEndpoint, type PrivateEndpointPlacement } from "./private-endpoint";
import { grantRoles, type RoleGrantee } from "./roles";

/** Arguments of {@link ContainerRegistry}. */
export interface ContainerRegistryArgs {
  /** Resource group, region, names, tags and protection. */
  readonly scope: AzureScope;
  /** Subscription holding the built-in role definitions granted on the registry. */
  readonly subscriptionId: pulumi.Input<string>;
  /** Registry tier. Zone redundancy, retention and private endpoints need `Premium`. */
  readonly sku: "Basic" | "Standard" | "Premium";
  /** Spread the registry over availability zones. `Premium` only. */
  readonly zoneRedundancy: boolean;
  /**
   * Days an untagged manifest is kept before it is purged, 0-365 (0 purges at once). Applied
   * on `Premium` only, the one tier whose API accepts a retention policy.
   */
  readonly untaggedRetentionDays: number;
  /**
   * Private endpoint for the registry, resolved through the `privatelink.azurecr.io` zone; public
   * access is then disabled. `Premium` only. Without it the registry is reachable publicly,
   * authenticated through Entra ID.
   */
  readonly privateEndpoint?: PrivateEndpointPlacement;
  /** Principals that pull images (AcrPull), e.g. the AKS kubelet identity. */
  readonly pullers: readonly RoleGrantee[];
  /** Principals that push images (AcrPush), e.g. the CI identity. */
  readonly pushers: readonly RoleGrantee[];
}

/**
 * An Azure Container Registry reached only with Entra ID identities (no admin user, no anonymous
 * pull); in production Premium, zone-redundant, with untagged-manifest retention and reachable
 * only through a private endpoint.
 */
export class ContainerRegistry extends pulumi.ComponentResource {
  /** Registry name (globally unique, with the random suffix). */
  public readonly registryName: pulumi.Output<string>;
  /** Registry resource id; the scope for further role assignments and diagnostic settings. */
  public readonly registryId: pulumi.Output<string>;
  /** Login server, e.g. `crhireprodab12c.azurecr.io`; the host part of image references. */
  public readonly loginServer: pulumi.Output<string>;

  /**
   * @param name logical name; children are named `<name>-<part>`.
   * @param args registry settings and access.
   * @param opts component options.
   */
  constructor(name: string, args: ContainerRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    throwIfArgsProblems("ContainerRegistry", name, containerRegistryProblems(args));
    super("hiring:registry:ContainerRegistry", name, {}, opts);
    const { scope } = args;
    const premium = args.sku === "Premium";
    const isPrivate = args.privateEndpoint !== undefined;

    const registry = new containerregistry.Registry(
      `${name}-registry`,
      {
        resourceGroupName: scope.resourceGroupName,
        location: scope.location,
        registryName: scope.namer.name("containerRegistry"),
        sku: { name: args.sku },
        // Only Entra ID identities with AcrPull/AcrPush reach the registry: no shared password.
        adminUserEnabled: false,
        anonymousPullEnabled: false,
        zoneRedundancy: args.zoneRedundancy ? "Enabled" : "Disabled",
        ...(premium
          ? {
              policies: {
                retentionPolicy: { days: args.untaggedRetentionDays, status: "enabled" },
              },
            }
          : {}),
        // With a private endpoint, the data endpoints get private addresses too, so dedicated
        // data endpoints (for client-side firewall rules) add nothing and stay off.
        publicNetworkAccess: isPrivate ? "Disabled" : "Enabled",
        // Trusted Azure services (e.g. Defender image scanning) still reach a private registry.
        networkRuleBypassOptions: "AzureServices",
        tags: scope.tags,
      },
      { parent: this, protect: scope.protect },
    );

    if (args.privateEndpoint !== undefined) {
      privateEndpoint(
        `${name}-pep`,
        {
          ...args.privateEndpoint,
          scope,
          qualifier: "cr",
          targetResourceId: registry.id,
          groupId: "registry",
        },
        this,
      );
    }

    grantRoles(
      `${name}-acr-pull`,
      args.pullers,
      {
        scope: registry.id,
        role: "acrPull",
        subscriptionId: args.subscriptionId,
        description: "Pulls images from this registry only (e.g. AKS nodes)",
      },
      this,
    );
    grantRoles(
      `${name}-acr-push`,
      args.pushers,
      {
        scope: registry.id,
        role: "acrPush",
        subscriptionId: args.subscriptionId,
        description: "Pushes images built by CI to this registry only",
      },
      this,
    );

    this.registryName = registry.name;
    this.registryId = registry.id;
    this.loginServer = registry.loginServer;
    this.registerOutputs({
      registryName: this.registryName,
      registryId: this.registryId,
      loginServer: this.loginServer,
    });
  }
}

/**
 * Every argument Container Registry would reject, as `{ key, reason }` (never throws). The
 * stack's config schema reports the same problems under `hiring-infra:registry.*`.
 */
export function containerRegistryProblems(
  args: Pick<ContainerRegistryArgs, "sku" | "zoneRedundancy" | "untaggedRetentionDays"> & {
    readonly privateEndpoint?: unknown;
  },
): ArgsProblem[] {
  const problems: ArgsProblem[] = [];
  if (args.zoneRedundancy && args.sku !== "Premium") {
    problems.push({
      key: "zoneRedundancy",
      reason: `expected false unless sku is Premium, got sku ${args.sku}`,
    });
  }
  if (args.privateEndpoint !== undefined && args.sku !== "Premium") {
    problems.push({
      key: "privateEndpoint",
      reason: `expected none unless sku is Premium (Azure offers private endpoints on Premium only), got sku ${args.sku}`,
    });
  }
  const days = args.untaggedRetentionDays;
  if (!Number.isInteger(days) || days < 0 || days > 365) {
    problems.push({
      key: "untaggedRetentionDays",
      reason: `expected a whole number of days from 0 to 365, got ${days}`,
    });
  }
  return problems;
}
