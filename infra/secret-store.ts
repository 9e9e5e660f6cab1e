import * as keyvault from "@pulumi/azure-native/keyvault";
import * as pulumi from "@pulumi/pulumi";
import { type ArgsProblem, duplicatesOf, throwIfArgsProblems } from "../core/args-problems";
import type { AzureScope } from "./azure-scope";
import { cidrsOverlap, isIpv4Address, isIpv4Cidr } from "./cidr";
import { privateEndpoint, type PrivateEndpointPlacement } from "./private-endpoint";
import { grantRoles, type RoleGrantee } from "./roles";

/** Arguments of {@link SecretStore}. */
export interface SecretStoreArgs {
  /** Resource group, region, names, tags and protection. */
  readonly scope: AzureScope;
  /** Entra ID tenant that authenticates requests to the vault. */
  readonly tenantId: pulumi.Input<string>;
  /** Subscription holding the built-in role definitions granted on the vault. */
  readonly subscriptionId: pulumi.Input<string>;
  /** Vault tier; `premium` adds HSM-backed keys. */
  readonly sku: "standard" | "premium";
  /**
   * Days a deleted vault or secret stays recoverable, 7-90. Azure fixes it when the vault is
   * created; a later change is rejected.
   */
  readonly softDeleteRetentionDays: number;
  /**
   * Forbid purging deleted vaults and secrets before the retention period ends. Irreversible
   * once on, so production only.
   */
  readonly purgeProtection: boolean;
  /**
   * Accept traffic from public networks (subject to the firewall). When `false` the vault is
   * reachable only through `privateEndpoint` and trusted Azure services.
   */
  readonly publicNetworkAccess: boolean;
  /**
   * Public IPv4 addresses or CIDR blocks let through the firewall, e.g. `203.0.113.0/24`.
   * Azure accepts no private (RFC 1918) ranges here. Only meaningful with public access on.
   */
  readonly allowedIpRanges: readonly string[];
  /**
   * Subnets with the `Microsoft.KeyVault` service endpoint (e.g. AKS nodes) let through the
   * firewall. Only meaningful with public access on.
   */
  readonly allowedSubnetIds: readonly pulumi.Input<string>[];
  /**
   * Private endpoint for the vault, resolved through the `privatelink.vaultcore.azure.net` zone;
   * required when `publicNetworkAccess` is `false`.
   */
  readonly privateEndpoint?: PrivateEndpointPlacement;
  /** Principals that read secret values ("Key Vault Secrets User"), e.g. workload identities. */
  readonly secretReaders: readonly RoleGrantee[];
  /** Principals that create and manage secrets ("Key Vault Secrets Officer"), e.g. the deployer. */
  readonly secretOfficers: readonly RoleGrantee[];
}

/** Address blocks Azure reserves for private networks (RFC 1918). */
const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] as const;

/**
 * An Azure Key Vault authorised through Azure RBAC only, with soft delete, optional purge
 * protection, a deny-by-default firewall and, where public access is off, a private endpoint.
 */
export class SecretStore extends pulumi.ComponentResource {
  /** Vault name (globally unique, with the random suffix). */
  public readonly vaultName: pulumi.Output<string>;
  /** Vault resource id; the scope for further role assignments and diagnostic settings. */
  public readonly vaultId: pulumi.Output<string>;
  /** Data-plane URI, e.g. `https://kv-hire-prod-ab12c.vault.azure.net/`. */
  public readonly vaultUri: pulumi.Output<string>;

  /**
   * @param name logical name; children are named `<name>-<part>`.
   * @param args vault settings and access.
   * @param opts component options.
   */
  constructor(name: string, args: SecretStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    throwIfArgsProblems("SecretStore", name, secretStoreProblems(args));
    super("hiring:security:SecretStore", name, {}, opts);
    const { scope } = args;

    const vault = new keyvault.Vault(
      `${name}-vault`,
      {
        resourceGroupName: scope.resourceGroupName,
        location: scope.location,
        // Includes the random suffix: a deleted vault keeps its name until purged.
        vaultName: scope.namer.name("keyVault"),
        properties: {
          tenantId: args.tenantId,
          sku: { family: "A", name: args.sku },
          // Access is granted only by role assignments below; no access policies, so the
          // vault has a single permission model that Azure's activity log audits.
          enableRbacAuthorization: true,
          enableSoftDelete: true,
          softDeleteRetentionInDays: args.softDeleteRetentionDays,
          // Azure rejects `false` here (purge protection cannot be turned off), so leave it out.
          ...(args.purgeProtection ? { enablePurgeProtection: true } : {}),
          publicNetworkAccess: args.publicNetworkAccess ? "Enabled" : "Disabled",
          networkAcls: {
            defaultAction: "Deny",
            // Lets trusted Azure services (e.g. Azure Resource Manager deployments) through.
            bypass: "AzureServices",
            ipRules: args.allowedIpRanges.map((value) => ({ value })),
            virtualNetworkRules: args.allowedSubnetIds.map((id) => ({ id })),
          },
        },
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
          qualifier: "kv",
          targetResourceId: vault.id,
          groupId: "vault",
        },
        this,
      );
    }

    grantRoles(
      `${name}-secrets-user`,
      args.secretReaders,
      {
        scope: vault.id,
        role: "keyVaultSecretsUser",
        subscriptionId: args.subscriptionId,
        description: "Reads application secrets from this vault only",
      },
      this,
    );
    grantRoles(
      `${name}-secrets-officer`,
      args.secretOfficers,
      {
        scope: vault.id,
        role: "keyVaultSecretsOfficer",
        subscriptionId: args.subscriptionId,
        description: "Writes and rotates the secrets this stack stores in this vault",
      },
      this,
    );

    this.vaultName = vault.name;
    this.vaultId = vault.id;
    this.vaultUri = vault.properties.vaultUri;
    this.registerOutputs({
      vaultName: this.vaultName,
      vaultId: this.vaultId,
      vaultUri: this.vaultUri,
    });
  }
}

/**
 * Every argument Key Vault would reject, or that would leave the vault unreachable, as
 * `{ key, reason }` (never throws). The stack's config schema reports the same problems under
 * `hiring-infra:keyVault.*`.
 */
export function secretStoreProblems(
  args: Pick<
    SecretStoreArgs,
    "softDeleteRetentionDays" | "publicNetworkAccess" | "allowedIpRanges" | "privateEndpoint"
  > & { readonly allowedSubnetIds: readonly unknown[] },
): ArgsProblem[] {
  const problems: ArgsProblem[] = [];
  const retention = args.softDeleteRetentionDays;
  if (!Number.isInteger(retention) || retention < 7 || retention > 90) {
    problems.push({
      key: "softDeleteRetentionDays",
      reason: `expected a whole number of days from 7 to 90, got ${retention}`,
    });
  }
  if (!args.publicNetworkAccess && args.privateEndpoint === undefined) {
    problems.push({
      key: "privateEndpoint",
      reason: "expected one when publicNetworkAccess is false, or nothing can reach the vault",
    });
  }
  if (
    !args.publicNetworkAccess &&
    (args.allowedIpRanges.length > 0 || args.allowedSubnetIds.length > 0)
  ) {
    problems.push({
      key: "allowedIpRanges",
      reason: "expected none when publicNetworkAccess is false (Azure ignores firewall rules then)",
    });
  }
  args.allowedIpRanges.forEach((range, index) => {
    const key = `allowedIpRanges[${index}]`;
    const block = isIpv4Address(range) ? `${range}/32` : range;
    if (!isIpv4Cidr(block)) {
      problems.push({
        key,
        reason: `expected an IPv4 address or CIDR block like 203.0.113.0/24, got "${range}"`,
      });
    } else if (PRIVATE_RANGES.some((privateRange) => cidrsOverlap(block, privateRange))) {
      problems.push({
        key,
        reason: `expected a public range, got "${range}": Key Vault IP rules accept no private (RFC 1918) ranges; VNet traffic uses the subnet rule or the private endpoint`,
      });
    }
  });
  for (const range of duplicatesOf(args.allowedIpRanges, (value) => value)) {
    problems.push({
      key: `allowedIpRanges[${args.allowedIpRanges.lastIndexOf(range)}]`,
      reason: `expected "${range}" once`,
    });
  }
  return problems;
}
