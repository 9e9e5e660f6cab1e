import * as keyvault from "@pulumi/azure-native/keyvault";
import * as resources from "@pulumi/azure-native/resources";
import * as storage from "@pulumi/azure-native/storage";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { cidrsOverlap, isIpv4Address, isIpv4Cidr } from "../infra/cidr";
import { ResourceNamer, UNIQUE_SUFFIX_LENGTH, type AzureResourceKind } from "../infra/naming";
import { grantRoles, type RoleGrantee } from "../infra/roles";
import type { StandardTags } from "../infra/tags";

/** Blob container that holds every stack's state (`pulumi login azblob://pulumi-state?...`). */
export const STATE_CONTAINER_NAME = "pulumi-state";
/** Key Vault key that wraps each stack's data key (`azurekeyvault://...`). */
export const SECRETS_KEY_NAME = "pulumi-secrets";
/** Days a deleted or overwritten state blob, a blob version, or the container stays recoverable. */
export const STATE_RETENTION_DAYS = 30;
/** Stack segment of every name, so the backend's names never collide with an application stack's. */
export const STATE_NAME_SEGMENT = "state";

/** Arguments of {@link StateBackend}. */
export interface StateBackendArgs {
  /**
   * Short organisation prefix for names, 2-8 lowercase letters or digits starting with a letter
   * (e.g. `hire` gives `rg-hire-state`, `sthirestate<suffix>`, `kv-hire-state-<suffix>`).
   */
  readonly namePrefix: string;
  /** Azure region of every resource, e.g. `westeurope`. */
  readonly location: string;
  /** Standard tags for every taggable resource (see `standardTags`). */
  readonly tags: StandardTags;
  /** Entra ID tenant that authenticates requests to the vault. */
  readonly tenantId: pulumi.Input<string>;
  /** Subscription holding the built-in role definitions granted here. */
  readonly subscriptionId: pulumi.Input<string>;
  /**
   * Public IPv4 addresses or CIDR blocks (e.g. `203.0.113.0/24`) let through the storage and vault
   * firewalls: operators' egress and the CI agents' outbound IPs. At least one; no RFC 1918 ranges
   * and no `/31` or `/32` blocks (Azure Storage rejects them; write the single address instead).
   */
  readonly allowedIpRanges: readonly string[];
  /**
   * Principals that deploy stacks: read and write state ("Storage Blob Data Contributor" on the
   * container) and encrypt/decrypt secrets ("Key Vault Crypto User" on the key). Default none.
   */
  readonly stateWriters: readonly RoleGrantee[];
  /**
   * Principals that only preview: read state ("Storage Blob Data Reader" on the container) and
   * decrypt secrets ("Key Vault Crypto User" on the key). Default none.
   */
  readonly stateReaders: readonly RoleGrantee[];
}

/** Address blocks reserved for private networks (RFC 1918), which neither firewall accepts. */
const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] as const;

/**
 * Why `range` cannot be a firewall rule of both the storage account and the vault, or `undefined`
 * when it can. Shared by the component and the bootstrap config so both say the same thing.
 */
export function ipRangeProblem(range: string): string | undefined {
  if (!isIpv4Address(range) && !isIpv4Cidr(range)) {
    return `"${range}" is not an IPv4 address or CIDR block like 203.0.113.0/24`;
  }
  const block = isIpv4Address(range) ? `${range}/32` : range;
  if (/\/3[12]$/.test(range)) {
    return `"${range}" is a /31 or /32 block, which Azure Storage IP rules reject; list single addresses instead`;
  }
  if (PRIVATE_RANGES.some((privateRange) => cidrsOverlap(block, privateRange))) {
    return `"${range}" is a private (RFC 1918) range, which storage and Key Vault IP rules do not accept`;
  }
  return undefined;
}

/** The kinds this component names; checked up front so a long prefix fails before anything exists. */
const NAMED_KINDS: readonly AzureResourceKind[] = ["resourceGroup", "storageAccount", "keyVault"];

/**
 * What the main program's state needs, created once by the bootstrap program: a zone-redundant,
 * Entra-only storage account with a versioned, soft-deleted blob container for Pulumi state, and a
 * purge-protected Key Vault with an RSA key for the `azurekeyvault://` secrets provider. Access is
 * granted on the container and on the key only. Every stateful resource is protected.
 */
export class StateBackend extends pulumi.ComponentResource {
  /** Resource group holding the backend, `rg-<prefix>-state`. */
  public readonly resourceGroupName: pulumi.Output<string>;
  /** Storage account name (globally unique, with the random suffix). */
  public readonly storageAccountName: pulumi.Output<string>;
  /** Storage account resource id. */
  public readonly storageAccountId: pulumi.Output<string>;
  /** Resource id of the `pulumi-state` container; the scope of the state role assignments. */
  public readonly containerId: pulumi.Output<string>;
  /** Key Vault name (globally unique, with the random suffix). */
  public readonly vaultName: pulumi.Output<string>;
  /** ARM resource id of the `pulumi-secrets` key; the scope for Key Vault Crypto User grants. */
  public readonly keyId: pulumi.Output<string>;
  /** `pulumi login` URL: `azblob://pulumi-state?storage_account=<account>`. */
  public readonly backendUrl: pulumi.Output<string>;
  /**
   * `--secrets-provider` URL pinned to the key's current version:
   * `azurekeyvault://<vault>.vault.azure.net/keys/pulumi-secrets/<version>`. Pinned because a
   * versionless URL decrypts with the newest version, which fails for data keys wrapped before a
   * rotation (pulumi/pulumi#22338).
   */
  public readonly secretsProvider: pulumi.Output<string>;

  /**
   * @param name logical name; children are named `<name>-<part>`.
   * @param args names, region, tags, firewall ranges and who may read or write state.
   * @param opts component options.
   */
  constructor(name: string, args: StateBackendArgs, opts?: pulumi.ComponentResourceOptions) {
    validateStateBackendArgs(args);
    super("hiring:bootstrap:StateBackend", name, {}, opts);
    // State is precious: nothing here may be deleted by a `pulumi destroy` or a replacement.
    const keep = { parent: this, protect: true };

    // The suffix is part of globally unique names; losing it from state would rename them all.
    const suffix = new random.RandomString(
      `${name}-suffix`,
      { length: UNIQUE_SUFFIX_LENGTH, special: false, upper: false, numeric: true, lower: true },
      keep,
    );
    const namer = new ResourceNamer(
      { prefix: args.namePrefix, stack: STATE_NAME_SEGMENT },
      suffix.result,
    );

    const resourceGroup = new resources.ResourceGroup(
      `${name}-rg`,
      {
        resourceGroupName: namer.name("resourceGroup"),
        location: args.location,
        tags: args.tags,
      },
      keep,
    );
    const resourceGroupName = resourceGroup.name;

    const account = new storage.StorageAccount(
      `${name}-storage`,
      {
        resourceGroupName,
        location: args.location,
        accountName: namer.name("storageAccount"),
        kind: "StorageV2",
        // Zone-redundant: state survives the loss of one availability zone.
        sku: { name: "Standard_ZRS" },
        accessTier: "Hot",
        minimumTlsVersion: "TLS1_2",
        enableHttpsTrafficOnly: true,
        allowBlobPublicAccess: false,
        // Entra ID only: the CLI's azblob backend and the portal use DefaultAzureCredential, so an
        // account key that could leak is never needed.
        allowSharedKeyAccess: false,
        defaultToOAuthAuthentication: true,
        allowCrossTenantReplication: false,
        // Public endpoint, but only for the listed ranges and trusted Azure services.
        publicNetworkAccess: "Enabled",
        networkRuleSet: {
          defaultAction: "Deny",
          bypass: "AzureServices",
          ipRules: args.allowedIpRanges.map((range) => ({
            iPAddressOrRange: range,
            action: "Allow",
          })),
        },
        encryption: {
          keySource: "Microsoft.Storage",
          services: { blob: { enabled: true, keyType: "Account" } },
        },
        tags: args.tags,
      },
      keep,
    );

    new storage.BlobServiceProperties(
      `${name}-blob-service`,
      {
        resourceGroupName,
        accountName: account.name,
        blobServicesName: "default",
        // Every state write keeps the previous blob as a version, so any earlier checkpoint can be
        // promoted back.
        isVersioningEnabled: true,
        deleteRetentionPolicy: { enabled: true, days: STATE_RETENTION_DAYS },
        containerDeleteRetentionPolicy: { enabled: true, days: STATE_RETENTION_DAYS },
        // Change feed plus versioning and soft delete allow a point-in-time restore of the whole
        // container; Azure requires the restore window to be shorter than the soft-delete window.
        changeFeed: { enabled: true, retentionInDays: STATE_RETENTION_DAYS },
        restorePolicy: { enabled: true, days: STATE_RETENTION_DAYS - 1 },
      },
      keep,
    );

    const container = new storage.BlobContainer(
      `${name}-container`,
      {
        resourceGroupName,
        accountName: account.name,
        containerName: STATE_CONTAINER_NAME,
        publicAccess: "None",
      },
      keep,
    );

    const vault = new keyvault.Vault(
      `${name}-vault`,
      {
        resourceGroupName,
        location: args.location,
        vaultName: namer.name("keyVault"),
        properties: {
          tenantId: args.tenantId,
          sku: { family: "A", name: "standard" },
          // Access only through role assignments, so the key can be granted on its own.
          enableRbacAuthorization: true,
          enableSoftDelete: true,
          softDeleteRetentionInDays: 90,
          // Losing the key loses every stack's secrets; nobody may purge it early.
          enablePurgeProtection: true,
          publicNetworkAccess: "Enabled",
          networkAcls: {
            defaultAction: "Deny",
            bypass: "AzureServices",
            ipRules: args.allowedIpRanges.map((value) => ({ value })),
            virtualNetworkRules: [],
          },
        },
        tags: args.tags,
      },
      keep,
    );

    const key = new keyvault.Key(
      `${name}-key`,
      {
        resourceGroupName,
        vaultName: vault.name,
        keyName: SECRETS_KEY_NAME,
        properties: {
          kty: "RSA",
          keySize: 3072,
          // The secrets provider wraps each stack's data key with RSA-OAEP-256 encrypt/decrypt.
          keyOps: ["encrypt", "decrypt", "wrapKey", "unwrapKey"],
          attributes: { enabled: true },
          rotationPolicy: {
            // Each rotated version is valid for two years, leaving a year to re-encrypt stacks.
            attributes: { expiryTime: "P2Y" },
            lifetimeActions: [
              { trigger: { timeAfterCreate: "P1Y" }, action: { type: "rotate" } },
              { trigger: { timeBeforeExpiry: "P30D" }, action: { type: "notify" } },
            ],
          },
        },
        tags: args.tags,
      },
      keep,
    );

    const grants = [
      {
        prefix: `${name}-state-writer`,
        grantees: args.stateWriters,
        scope: container.id,
        role: "storageBlobDataContributor",
        description: "Reads, writes and locks Pulumi state in this container only",
      },
      {
        prefix: `${name}-state-writer-key`,
        grantees: args.stateWriters,
        scope: key.id,
        role: "keyVaultCryptoUser",
        description: "Encrypts and decrypts Pulumi stack secrets with this key only",
      },
      {
        prefix: `${name}-state-reader`,
        grantees: args.stateReaders,
        scope: container.id,
        role: "storageBlobDataReader",
        description: "Reads Pulumi state in this container for previews",
      },
      {
        prefix: `${name}-state-reader-key`,
        grantees: args.stateReaders,
        scope: key.id,
        role: "keyVaultCryptoUser",
        description: "Decrypts Pulumi stack secrets with this key for previews",
      },
    ] as const;
    for (const grant of grants) {
      grantRoles(
        grant.prefix,
        grant.grantees,
        {
          scope: grant.scope,
          role: grant.role,
          subscriptionId: args.subscriptionId,
          description: grant.description,
        },
        this,
      );
    }

    this.resourceGroupName = resourceGroupName;
    this.storageAccountName = account.name;
    this.storageAccountId = account.id;
    this.containerId = container.id;
    this.vaultName = vault.name;
    this.keyId = key.id;
    this.backendUrl = pulumi.interpolate`azblob://${STATE_CONTAINER_NAME}?storage_account=${account.name}`;
    this.secretsProvider = key.keyUriWithVersion.apply((uri) =>
      uri.replace(/^https:\/\//, "azurekeyvault://"),
    );
    this.registerOutputs({
      resourceGroupName: this.resourceGroupName,
      storageAccountName: this.storageAccountName,
      storageAccountId: this.storageAccountId,
      containerId: this.containerId,
      vaultName: this.vaultName,
      keyId: this.keyId,
      backendUrl: this.backendUrl,
      secretsProvider: this.secretsProvider,
    });
  }
}

function validateStateBackendArgs(args: StateBackendArgs): void {
  if (!/^[a-z][a-z0-9]{1,7}$/.test(args.namePrefix)) {
    throw new Error(
      `StateBackend namePrefix: "${args.namePrefix}" is not 2-8 lowercase letters or digits starting with a letter`,
    );
  }
  const namer = new ResourceNamer(
    { prefix: args.namePrefix, stack: STATE_NAME_SEGMENT },
    "x".repeat(UNIQUE_SUFFIX_LENGTH),
  );
  for (const kind of NAMED_KINDS) {
    // Throws a NamingError that names the kind and the limit.
    namer.name(kind);
  }
  if (!/^[a-z][a-z0-9]+$/.test(args.location)) {
    throw new Error(
      `StateBackend location: "${args.location}" is not an Azure region name like westeurope`,
    );
  }
  if (args.allowedIpRanges.length === 0) {
    throw new Error(
      "StateBackend allowedIpRanges: at least one public range is required, or the firewalls shut out every operator and CI agent",
    );
  }
  for (const range of args.allowedIpRanges) {
    const problem = ipRangeProblem(range);
    if (problem !== undefined) {
      throw new Error(`StateBackend allowedIpRanges: ${problem}`);
    }
  }
  if (new Set(args.allowedIpRanges).size !== args.allowedIpRanges.length) {
    throw new Error("StateBackend allowedIpRanges: each range may appear only once");
  }
}
