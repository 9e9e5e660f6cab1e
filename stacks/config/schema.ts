/**
 * The blocks of a stack file, one schema per area, and the two platforms they make up.
 *
 * A field's range or format that a component's own rule checks (`...Problems(args)` in `infra/`)
 * is not repeated here: the schema checks the type, and the cross-field rules report the
 * component's problems under the field's key.
 *
 * An object whose every field has a default uses `.prefault({})`: an absent object is parsed as
 * `{}`, so each default is written once, on its field (zod 4 `$ZodPrefault` runs the inner schema
 * on the prefault value; `.default(value)` returns `value` unparsed, so it repeats every default).
 */
import { z } from "zod";
import {
  armId,
  azureRegion,
  cidr,
  dnsLabel,
  hhmm,
  ipv4,
  kubernetesQuantity,
  objectId,
  tagValue,
  uniqueZones,
  vmSize,
  weekday,
  zone,
} from "./fields";

// ---------------------------------------------------------------------------------------------
// Azure platform blocks
// ---------------------------------------------------------------------------------------------

const networkSchema = z.strictObject({
  /** VNet address space. */
  addressSpace: cidr,
  subnets: z.strictObject({
    /** AKS node subnet; with Azure CNI overlay only nodes take addresses from it. */
    nodes: cidr,
    /** Delegated to PostgreSQL Flexible Server; Azure requires at least a /28. */
    database: cidr,
    /** Private endpoints (Key Vault, ACR). */
    privateEndpoints: cidr,
  }),
});

export const nodePoolSchema = z.strictObject({
  vmSize,
  minCount: z.int().min(1).max(1000),
  maxCount: z.int().min(1).max(1000),
  /** Azure CNI overlay allows up to 250 pods per node. */
  maxPods: z.int().min(30).max(250).default(50),
  osDiskSizeGB: z.int().min(30).max(2048).default(64),
  /** Ephemeral needs a VM size whose cache or temp disk holds the OS disk. */
  osDiskType: z.enum(["Ephemeral", "Managed"]).default("Ephemeral"),
});

const maintenanceWindowSchema = z.strictObject({
  dayOfWeek: weekday,
  startTime: hhmm,
  /** AKS requires at least four hours. */
  durationHours: z.int().min(4).max(24),
});

const clusterSchema = z.strictObject({
  kubernetesVersion: z
    .string()
    .regex(/^1\.\d{2}(?:\.\d+)?$/, 'expected a Kubernetes version, like "1.34" or "1.34.2"'),
  tier: z.enum(["Free", "Standard"]).default("Free"),
  availabilityZones: uniqueZones.default([]),
  systemPool: nodePoolSchema,
  userPool: nodePoolSchema,
  podCidr: cidr.default("192.168.0.0/16"),
  serviceCidr: cidr.default("172.16.0.0/16"),
  dnsServiceIp: ipv4.default("172.16.0.10"),
  networkPolicy: z.enum(["cilium", "calico"]).default("cilium"),
  adminGroupObjectIds: z.array(objectId).min(1, "expected at least one Entra ID group object id"),
  apiServer: z
    .strictObject({
      authorizedIpRanges: z.array(cidr).default([]),
      privateCluster: z.boolean().default(false),
    })
    .prefault({}),
  upgradeChannel: z.enum(["patch", "stable", "rapid", "node-image", "none"]).default("patch"),
  nodeOsUpgradeChannel: z
    .enum(["NodeImage", "SecurityPatch", "Unmanaged", "None"])
    .default("NodeImage"),
  maintenanceWindow: maintenanceWindowSchema.default({
    dayOfWeek: "Sunday",
    startTime: "01:00",
    durationHours: 4,
  }),
  /** Microsoft Defender for Containers (runtime threat detection); required in production. */
  defenderForContainers: z.boolean().default(false),
});

const azureDatabaseSchema = z.strictObject({
  version: z.enum(["16", "17"]).default("16"),
  skuName: z
    .string()
    .regex(/^Standard_[A-Za-z0-9_]+$/, "expected a PostgreSQL SKU, like Standard_B1ms"),
  skuTier: z.enum(["Burstable", "GeneralPurpose", "MemoryOptimized"]),
  /** One of the sizes Azure offers (checked by the Database component's own rule). */
  storageSizeGB: z.int(),
  storageAutoGrow: z.boolean().default(true),
  backupRetentionDays: z.int().default(7),
  geoRedundantBackup: z.boolean().default(false),
  highAvailability: z.enum(["Disabled", "ZoneRedundant", "SameZone"]).default("Disabled"),
  availabilityZone: zone.optional(),
  standbyAvailabilityZone: zone.optional(),
  /** Checked by the Database component's own rule (format, logins Azure reserves). */
  administratorLogin: z.string().default("hiringadmin"),
  /** Entra ID principals made PostgreSQL administrators (beside the password admin). */
  entraAdministrators: z
    .array(
      z.strictObject({
        objectId,
        principalName: z.string().min(1),
        principalType: z.enum(["Group", "User", "ServicePrincipal"]),
      }),
    )
    .default([]),
  maintenanceWindow: z
    .strictObject({
      /** 0 = Sunday ... 6 = Saturday, as the PostgreSQL API counts. */
      dayOfWeek: z.int().min(0).max(6),
      startHour: z.int().min(0).max(23),
    })
    .default({ dayOfWeek: 0, startHour: 2 }),
});

const keyVaultSchema = z
  .strictObject({
    sku: z.enum(["standard", "premium"]).default("standard"),
    softDeleteRetentionDays: z.int().default(90),
    purgeProtection: z.boolean().default(false),
    /** Disabled: reachable only through the private endpoint. */
    publicNetworkAccess: z.boolean().default(true),
    /** Public ranges allowed through the vault firewall when public access is on. */
    allowedIpRanges: z.array(cidr).default([]),
  })
  .prefault({});

const registrySchema = z
  .strictObject({
    sku: z.enum(["Basic", "Standard", "Premium"]).default("Basic"),
    zoneRedundancy: z.boolean().default(false),
    /** Days to keep untagged manifests (Premium only). */
    untaggedRetentionDays: z.int().min(0).max(365).default(7),
  })
  .prefault({});

const observabilitySchema = z
  .strictObject({
    retentionDays: z.int().default(30),
    /** Daily ingestion cap in GB; -1 for none (0 would stop all ingestion). */
    dailyQuotaGb: z.number().default(-1),
    alerts: z
      .strictObject({
        enabled: z.boolean().default(false),
        emails: z.array(z.email("expected an email address")).default([]),
      })
      .prefault({}),
  })
  .prefault({});

// ---------------------------------------------------------------------------------------------
// Blocks shared by every platform
// ---------------------------------------------------------------------------------------------

const resourceGroupIdSchema = z
  .string()
  .regex(
    /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[^/]+$/i,
    "expected the Azure resource id of a resource group, like /subscriptions/<id>/resourceGroups/<group>",
  );

/** Another stack the organisation's Jenkins deploys: one entry onboards it. */
const cicdTargetSchema = z.strictObject({
  /** The Pulumi stack name, e.g. `dev`. */
  stack: z.string(),
  /** Its resource group (`pulumi stack output -s <stack> resourceGroupId`). */
  resourceGroupId: resourceGroupIdSchema,
  /** Its AKS cluster (`pulumi stack output -s <stack> clusterId`). */
  clusterId: armId("an AKS cluster"),
});

const cicdSchema = z
  .strictObject({
    /**
     * This stack hosts the organisation's one Jenkins (the CI stack; `prod` in the committed
     * files). Every other stack sets `false` and is listed in the CI stack's `targets`.
     */
    enabled: z.boolean().default(true),
    /**
     * The other stacks this Jenkins deploys, besides the stack hosting it; one entry each gives
     * a stack its agents, its lock and its preview and deploy identities.
     */
    targets: z.array(cicdTargetSchema).default([]),
    /**
     * The CI cluster's outbound addresses (its load balancer's outbound IPs). Every target's
     * `cluster.apiServer.authorizedIpRanges` must admit them; the stack files' test checks it.
     */
    egressIpRanges: z.array(cidr).default([]),
    /**
     * HTTPS URL of this repository on GitHub; the jobs discover its branches and pull requests.
     * Checked by the Jenkins component's own rule (`repositoryUrlProblems`).
     */
    repositoryUrl: z.string().default("https://github.com/hiring/hiring-infra.git"),
    /**
     * Image of the agent pods' build container, pinned by an exact version tag or a digest:
     * the image `ci/agent-image/Dockerfile` builds into the CI registry (docs/operations.md,
     * "The agent image"). Required on Azure, whose kubeconfig runs kubelogin; the local stack
     * defaults to the Pulumi base image. Checked by the Jenkins component's own rule
     * (`agentImageProblems`).
     */
    agentImage: z.string().optional(),
    /**
     * Who signs in: `entra` (the Entra app registration's client and tenant id; Azure stacks)
     * or `local` (only the admin; the local stack).
     */
    signIn: z
      .discriminatedUnion("realm", [
        z.strictObject({
          realm: z.literal("entra"),
          clientId: z.string(),
          tenantId: z.string(),
        }),
        z.strictObject({ realm: z.literal("local") }),
      ])
      .default({ realm: "local" }),
    /** Break-glass: the local admin signs in instead of the realm, and is the only approver. */
    breakGlass: z.boolean().default(false),
    /**
     * Who may approve a production deployment, in the realm's terms: with `entra`,
     * `group:<group object id>` (or a user's object id); with `local`, `admin`.
     */
    approvers: z.array(z.string().min(1)).default([]),
    /**
     * Pulumi state backend the pipelines log in to, e.g. the bootstrap's
     * `azblob://pulumi-state?storage_account=<name>` (`backendUrl` output).
     */
    backendUrl: z
      .string()
      .regex(
        /^(azblob|s3|gs|file):\/\/\S+$/,
        "expected a Pulumi backend URL, like azblob://pulumi-state?storage_account=<name>",
      )
      .optional(),
    /** ARM id of the storage account holding Pulumi state (from the bootstrap stack). */
    stateStorageAccountId: armId("a storage account").optional(),
    /** ARM id of the Key Vault key of the stacks' secrets provider (from the bootstrap stack). */
    secretsKeyId: armId("a Key Vault key").optional(),
    ingress: z
      .strictObject({
        enabled: z.boolean().default(false),
        host: z.string().optional(),
        tlsSecretName: z.string().optional(),
      })
      .default({ enabled: false }),
  })
  .prefault({});

export const appSchema = z.strictObject({
  name: dnsLabel,
  /** Namespace CPU quota (requests and limits). */
  cpu: kubernetesQuantity.default("2"),
  /** Namespace memory quota (requests and limits). */
  memory: kubernetesQuantity.default("4Gi"),
  /** Give the app its own database and login on the stack's PostgreSQL server. */
  database: z.boolean().default(false),
});

const tagsSchema = z.strictObject({
  owner: tagValue,
  costCenter: tagValue,
  extra: z
    .record(
      z.string().regex(/^[^<>%&\\?/]{1,512}$/, "expected a tag name without <>%&\\?/"),
      tagValue,
    )
    .default({}),
});

const commonShape = {
  environment: z.enum(["development", "production"]).default("development"),
  namePrefix: z
    .string()
    .regex(
      /^[a-z][a-z0-9]{1,7}$/,
      "expected 2-8 lowercase letters or digits, starting with a letter",
    ),
  tags: tagsSchema,
  protect: z.boolean().default(false),
  cicd: cicdSchema,
  apps: z.array(appSchema).default([]),
};

export const azureStackSchema = z.strictObject({
  platform: z.literal("azure"),
  ...commonShape,
  location: azureRegion,
  network: networkSchema,
  cluster: clusterSchema,
  database: azureDatabaseSchema,
  keyVault: keyVaultSchema,
  registry: registrySchema,
  observability: observabilitySchema,
});

export const localStackSchema = z.strictObject({
  platform: z.literal("local"),
  ...commonShape,
  kubernetes: z
    .strictObject({
      /** Path to a kubeconfig file; the default is the standard one ($KUBECONFIG, ~/.kube/config). */
      kubeconfigPath: z.string().min(1).optional(),
      /** Context in that kubeconfig; the default is its current context. */
      context: z.string().min(1).optional(),
    })
    .default({}),
  database: z
    .strictObject({
      version: z.enum(["16", "17"]).default("16"),
      storageSize: kubernetesQuantity.default("5Gi"),
      storageClassName: z.string().min(1).optional(),
    })
    .prefault({}),
});

export type RawStack = z.output<typeof azureStackSchema> | z.output<typeof localStackSchema>;
export type RawAzure = z.output<typeof azureStackSchema>;
