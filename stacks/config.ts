import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import {
  type ConfigProblem,
  configKey,
  configProblemsOf,
  decodeConfig,
  describeConfigValue,
  InvalidConfigError,
} from "../core/config-problems";
import {
  appPlatformProblems,
  databaseNameOf,
  DB_PROVISIONING_NAMESPACE,
} from "../infra/app-platform";
import type { ArgsProblem } from "../core/args-problems";
import { AZURE_MAX_TAGS, AZURE_SUBNET_RESERVED_ADDRESSES } from "../infra/azure-identifiers";
import {
  cidrContains,
  cidrSize,
  cidrsOverlap,
  cidrUnionSize,
  isIpv4Address,
  isIpv4Cidr,
} from "../infra/cidr";
import { containerRegistryProblems } from "../infra/container-registry";
import { databaseProblems, POSTGRES_PORT, RESERVED_ADMIN_LOGINS } from "../infra/database";
import { IN_CLUSTER_DATABASE_NAMESPACE } from "../infra/in-cluster-database";
import { kubernetesClusterProblems } from "../infra/kubernetes-cluster";
import { ResourceNamer, NamingError, type AzureResourceKind } from "../infra/naming";
import { addressPlanProblems } from "../infra/network";
import {
  approverProblems,
  ingressProblems,
  jenkinsProblemPath,
  repositoryUrlProblems,
  signInProblems,
  targetProblems,
} from "../infra/cicd/args";
import { buildNamespaceOf, deployNamespaceOf } from "../infra/cicd/jcasc";
import { observabilityProblems } from "../infra/observability";
import { secretStoreProblems } from "../infra/secret-store";
import { STANDARD_TAG_NAMES } from "../infra/tags";

/** The Pulumi project name; config keys are `hiring-infra:<key>`. */
export const PROJECT = "hiring-infra";

// ---------------------------------------------------------------------------------------------
// Reusable field schemas. Messages say what is expected, in the words a stack file uses.
// ---------------------------------------------------------------------------------------------

const cidr = z
  .string()
  .refine(isIpv4Cidr, "expected an IPv4 CIDR block with zero host bits, like 10.20.0.0/16");
const ipv4 = z.string().refine(isIpv4Address, "expected an IPv4 address, like 172.16.0.10");
const azureRegion = z
  .string()
  .regex(/^[a-z][a-z0-9]+$/, "expected an Azure region name, like westeurope");
const vmSize = z
  .string()
  .regex(/^Standard_[A-Za-z0-9_]+$/, "expected an Azure VM size, like Standard_D4ds_v5");
const dnsLabel = z
  .string()
  .regex(
    /^[a-z](?:[a-z0-9-]{0,28}[a-z0-9])?$/,
    "expected a DNS label: 1-30 lowercase letters, digits and hyphens, starting with a letter",
  );
const kubernetesQuantity = z
  .string()
  .regex(
    /^\d+(?:\.\d+)?(?:m|Ki|Mi|Gi|Ti|k|M|G|T)?$/,
    'expected a Kubernetes quantity, like "2", "500m" or "4Gi"',
  );
const hhmm = z
  .string()
  .regex(/^(?:[01]\d|2[0-3]):[0-5]\d$/, 'expected a 24-hour time "HH:MM", like "01:00"');
const weekday = z.enum([
  "Monday",
  "Tuesday",
  "Wednesday",
  "Thursday",
  "Friday",
  "Saturday",
  "Sunday",
]);
const zone = z.enum(["1", "2", "3"]);
const uniqueZones = z
  .array(zone)
  .max(3)
  .refine((zones) => new Set(zones).size === zones.length, "expected each zone at most once");
const objectId = z.guid("expected an Entra ID object id (a GUID)");
const tagValue = z.string().min(1).max(256);
const armId = (what: string): z.ZodString =>
  z
    .string()
    .regex(
      /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[^/]+\/providers\/.+$/i,
      `expected the Azure resource id of ${what}, like /subscriptions/<id>/resourceGroups/<group>/providers/...`,
    );

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

const nodePoolSchema = z.strictObject({
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
    .default({ authorizedIpRanges: [], privateCluster: false }),
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

const postgresStorageSizes = [32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32767];

const azureDatabaseSchema = z.strictObject({
  version: z.enum(["16", "17"]).default("16"),
  skuName: z
    .string()
    .regex(/^Standard_[A-Za-z0-9_]+$/, "expected a PostgreSQL SKU, like Standard_B1ms"),
  skuTier: z.enum(["Burstable", "GeneralPurpose", "MemoryOptimized"]),
  storageSizeGB: z
    .int()
    .refine(
      (size) => postgresStorageSizes.includes(size),
      `expected one of ${postgresStorageSizes.join(", ")}`,
    ),
  storageAutoGrow: z.boolean().default(true),
  backupRetentionDays: z.int().min(7).max(35).default(7),
  geoRedundantBackup: z.boolean().default(false),
  highAvailability: z.enum(["Disabled", "ZoneRedundant", "SameZone"]).default("Disabled"),
  availabilityZone: zone.optional(),
  standbyAvailabilityZone: zone.optional(),
  administratorLogin: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,62}$/, "expected a lowercase login name starting with a letter")
    .refine(
      (login) => !RESERVED_ADMIN_LOGINS.includes(login) && !login.startsWith("pg_"),
      "expected a login that is not reserved by Azure (admin, root, pg_*, ...)",
    )
    .default("hiringadmin"),
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
    softDeleteRetentionDays: z.int().min(7).max(90).default(90),
    purgeProtection: z.boolean().default(false),
    /** Disabled: reachable only through the private endpoint. */
    publicNetworkAccess: z.boolean().default(true),
    /** Public ranges allowed through the vault firewall when public access is on. */
    allowedIpRanges: z.array(cidr).default([]),
  })
  .default({
    sku: "standard",
    softDeleteRetentionDays: 90,
    purgeProtection: false,
    publicNetworkAccess: true,
    allowedIpRanges: [],
  });

const registrySchema = z
  .strictObject({
    sku: z.enum(["Basic", "Standard", "Premium"]).default("Basic"),
    zoneRedundancy: z.boolean().default(false),
    /** Days to keep untagged manifests (Premium only). */
    untaggedRetentionDays: z.int().min(0).max(365).default(7),
  })
  .default({ sku: "Basic", zoneRedundancy: false, untaggedRetentionDays: 7 });

const observabilitySchema = z
  .strictObject({
    retentionDays: z.int().min(30).max(730).default(30),
    /** Daily ingestion cap in GB; -1 for none (0 would stop all ingestion). */
    dailyQuotaGb: z
      .number()
      .refine((quota) => quota === -1 || quota > 0, "expected -1 (no cap) or a positive number")
      .default(-1),
    alerts: z
      .strictObject({
        enabled: z.boolean().default(false),
        emails: z.array(z.email("expected an email address")).default([]),
      })
      .default({ enabled: false, emails: [] }),
  })
  .default({ retentionDays: 30, dailyQuotaGb: -1, alerts: { enabled: false, emails: [] } });

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
  .default({
    enabled: true,
    repositoryUrl: "https://github.com/hiring/hiring-infra.git",
    targets: [],
    egressIpRanges: [],
    signIn: { realm: "local" },
    breakGlass: false,
    approvers: [],
    ingress: { enabled: false },
  });

const appSchema = z.strictObject({
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

const azureStackSchema = z.strictObject({
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

const localStackSchema = z.strictObject({
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
    .default({ version: "16", storageSize: "5Gi" }),
});

/** The schema of every key a stack file can set under `hiring-infra:`. */
export const stackConfigSchema = z
  .discriminatedUnion("platform", [azureStackSchema, localStackSchema])
  .superRefine(crossFieldRules, {
    // Run even when a field failed its own schema, as long as the platform is known.
    when: ({ value }) =>
      value !== null &&
      typeof value === "object" &&
      ["azure", "local"].includes(String((value as { platform?: unknown }).platform)),
  });

/** A stack's validated configuration, read once from `Pulumi.<stack>.yaml`. */
export type StackConfig = z.output<typeof stackConfigSchema> & {
  /** The Pulumi stack name. */
  readonly stack: string;
};
/** Configuration of a stack on Azure. */
export type AzureStackConfig = Extract<StackConfig, { platform: "azure" }>;
/** Configuration of a stack on an existing Kubernetes cluster. */
export type LocalStackConfig = Extract<StackConfig, { platform: "local" }>;
/** One application hosted on the platform. */
export type AppConfig = z.output<typeof appSchema>;
/** An AKS node pool's sizing. */
export type NodePoolConfig = z.output<typeof nodePoolSchema>;

// ---------------------------------------------------------------------------------------------
// Cross-field rules
// ---------------------------------------------------------------------------------------------

type RawStack = z.output<typeof azureStackSchema> | z.output<typeof localStackSchema>;
type RawAzure = z.output<typeof azureStackSchema>;

/** Marks the issues the cross-field rules raise, so a field's own type error can outrank them. */
const CROSS_FIELD = "crossField";

function crossFieldRules(config: RawStack, ctx: z.RefinementCtx): void {
  const problem: Problem = (path, message) => {
    ctx.addIssue({ code: "custom", path, message, params: { [CROSS_FIELD]: true } });
  };
  // These rules also run when a field failed its own schema (so one wrong-typed value does not
  // hide every cross-field and production problem). A rule that meets such a value may throw;
  // it is skipped, since the field's own problem is already reported.
  const rules: ((config: RawStack, problem: Problem) => void)[] = [
    commonRules,
    (stack, report) => {
      if (stack.platform === "azure") {
        azureRules(stack, report);
      }
    },
    platformRules,
  ];
  for (const rule of rules) {
    try {
      rule(config, problem);
    } catch (error) {
      if (!(error instanceof TypeError)) {
        throw error;
      }
    }
  }
}

type Problem = (path: (string | number)[], message: string) => void;

/**
 * Stacks that are production by their name, whatever their file says: `prod` and `prod-<anything>`.
 * Their config must say `environment: production`, so the production rules (and the mandatory
 * policy level) follow the stack rather than a line anyone can edit.
 */
export const PRODUCTION_STACK_NAME = /^prod(?:-[a-z0-9-]+)?$/;

/** True when `stack` is production by its name ({@link PRODUCTION_STACK_NAME}). */
export function isProductionStack(stack: string): boolean {
  return PRODUCTION_STACK_NAME.test(stack);
}

/** The namespace Jenkins runs in, created by the stack when `cicd.enabled`. */
export const JENKINS_NAMESPACE = "jenkins";
/** The ingress controller's namespace the Jenkins ingress expects (the chart's default). */
const INGRESS_NAMESPACE = "ingress-nginx";

/** Namespaces the stack itself creates or relies on, which no app may take. */
export function stackNamespaces(config: Pick<StackConfig, "platform">): string[] {
  return [
    JENKINS_NAMESPACE,
    buildNamespaceOf(JENKINS_NAMESPACE),
    deployNamespaceOf(JENKINS_NAMESPACE),
    DB_PROVISIONING_NAMESPACE,
    INGRESS_NAMESPACE,
    ...(config.platform === "local" ? [IN_CLUSTER_DATABASE_NAMESPACE] : []),
  ];
}

/** PostgreSQL administrator role names of the stack's server, which no app role may take. */
export function administratorRoles(config: StackConfig | RawStack): string[] {
  return config.platform === "azure"
    ? [
        config.database.administratorLogin,
        ...config.database.entraAdministrators.map((admin) => admin.principalName),
      ]
    : ["postgres"];
}

/** Reports a component's problems at the config paths `path` maps their argument keys to. */
function reportUnder(
  problems: readonly ArgsProblem[],
  problem: Problem,
  path: (key: string) => (string | number)[],
): void {
  for (const found of problems) {
    problem(path(found.key), found.reason);
  }
}

/** `a.b[2].c` as a path: `["a", "b", 2, "c"]`. */
function pathOf(key: string): (string | number)[] {
  return [...key.matchAll(/\[(\d+)\]|([^.[\]]+)/g)].map(([, index, field]) =>
    index !== undefined ? Number(index) : (field ?? ""),
  );
}

function commonRules(config: RawStack, problem: Problem): void {
  for (const tagName of Object.keys(config.tags.extra)) {
    if (STANDARD_TAG_NAMES.includes(tagName)) {
      problem(["tags", "extra", tagName], "expected a tag other than the standard ones");
    }
  }
  const tagCount = new Set([...STANDARD_TAG_NAMES, ...Object.keys(config.tags.extra)]).size;
  if (tagCount > AZURE_MAX_TAGS) {
    problem(
      ["tags", "extra"],
      `expected at most ${AZURE_MAX_TAGS - STANDARD_TAG_NAMES.length} extra tags (Azure allows ${AZURE_MAX_TAGS} per resource, ${STANDARD_TAG_NAMES.length} are standard)`,
    );
  }
  if (config.cicd.enabled) {
    cicdRules(config, problem);
  }
  if (config.environment === "production") {
    if (!config.protect) {
      problem(["protect"], "expected true in production (stateful resources are protected)");
    }
  }
}

/** The apps on the cluster, checked by the platform's own rule with the stack's reservations. */
function platformRules(config: RawStack, problem: Problem): void {
  reportUnder(
    appPlatformProblems({
      apps: config.apps,
      reservedNamespaces: stackNamespaces(config),
      // On Azure the Database's own rule reports an app role that is an administrator's.
      administratorRoles: config.platform === "local" ? administratorRoles(config) : [],
      // The stack always gives the platform its server (hosting-stack.ts); only the apps are
      // the stack file's to get wrong.
      database: {
        port: POSTGRES_PORT,
        sslMode: config.platform === "azure" ? "require" : "disable",
        peer:
          config.platform === "azure"
            ? { kind: "cidr", cidr: config.network.subnets.database }
            : {
                kind: "pods",
                namespace: IN_CLUSTER_DATABASE_NAMESPACE,
                podLabels: { server: "postgres" },
              },
      },
    }),
    problem,
    pathOf,
  );
}

/** The Jenkins component's own rules, reported under `cicd`; plus the platform's constraint. */
function cicdRules(config: RawStack, problem: Problem): void {
  const { cicd } = config;
  for (const { key, reason } of [
    ...repositoryUrlProblems(cicd.repositoryUrl),
    ...signInProblems(cicd.signIn),
    ...approverProblems(cicd.signIn.realm, cicd.approvers),
    ...ingressProblems(cicd.ingress),
  ]) {
    problem(["cicd", ...jenkinsProblemPath(key)], reason);
  }
  if (cicd.targets.length > 0 && config.platform !== "azure") {
    problem(
      ["cicd", "targets"],
      "expected no other stacks off Azure: the local Jenkins deploys only its own stack",
    );
  }
  if (config.platform === "azure") {
    const admitted = config.cluster.apiServer.authorizedIpRanges;
    cicd.egressIpRanges.forEach((range, index) => {
      if (
        !config.cluster.apiServer.privateCluster &&
        !admitted.some((allowed) => cidrContains(allowed, range))
      ) {
        problem(
          ["cicd", "egressIpRanges", index],
          "expected inside cluster.apiServer.authorizedIpRanges: Jenkins deploys this stack too",
        );
      }
    });
  }
  if (cicd.signIn.realm === "entra" && config.platform !== "azure") {
    problem(
      ["cicd", "signIn", "realm"],
      "expected local off Azure: Entra sign-in authenticates the controller with AKS workload identity",
    );
  }
}

function azureRules(config: RawAzure, problem: Problem): void {
  const { network, cluster, database, registry, keyVault, observability } = config;
  networkRules(network, cluster, problem);
  reportUnder(
    kubernetesClusterProblems({
      ...cluster,
      authorizedIpRanges: cluster.apiServer.authorizedIpRanges,
      privateCluster: cluster.apiServer.privateCluster,
    }),
    problem,
    (key) =>
      key.startsWith("authorizedIpRanges")
        ? ["cluster", "apiServer", ...pathOf(key)]
        : ["cluster", ...pathOf(key)],
  );
  const databaseApps = config.apps.flatMap((app, index) => (app.database ? [index] : []));
  reportUnder(
    databaseProblems({
      ...database,
      databases: databaseApps.map((index) => databaseNameOf(config.apps[index]?.name ?? "")),
    }),
    problem,
    (key) => {
      const [field, index] = pathOf(key);
      // An app database is named after its app: report it on the app's name.
      return field === "databases" && typeof index === "number"
        ? ["apps", databaseApps[index] ?? index, "name"]
        : ["database", ...pathOf(key)];
    },
  );
  reportUnder(
    secretStoreProblems({
      ...keyVault,
      // What the stack passes: a private endpoint exactly when public access is off.
      allowedSubnetIds: [],
      ...(keyVault.publicNetworkAccess
        ? {}
        : { privateEndpoint: { subnetId: "", privateDnsZoneId: "" } }),
    }),
    problem,
    (key) => ["keyVault", ...pathOf(key)],
  );
  reportUnder(containerRegistryProblems(registry), problem, (key) => ["registry", ...pathOf(key)]);
  reportUnder(
    observabilityProblems({
      retentionDays: observability.retentionDays,
      dailyQuotaGb: observability.dailyQuotaGb,
      alertsEnabled: observability.alerts.enabled,
      alertEmails: observability.alerts.emails,
    }),
    problem,
    (key) =>
      key.startsWith("alertEmails")
        ? ["observability", "alerts", "emails", ...pathOf(key).slice(1)]
        : ["observability", ...pathOf(key)],
  );
  if (config.environment === "production") {
    productionRules(config, problem);
  }
}

/** Pods per node the upgrade surge (33% of a pool) adds on top of a pool's maximum. */
const UPGRADE_SURGE = 0.33;

/** Address plan: subnets inside the VNet, nothing overlapping, cluster ranges outside the VNet. */
function networkRules(
  network: RawAzure["network"],
  cluster: RawAzure["cluster"],
  problem: Problem,
): void {
  const ranges = [
    network.addressSpace,
    ...Object.values(network.subnets),
    cluster.podCidr,
    cluster.serviceCidr,
  ];
  // Malformed blocks are reported by the field schema; comparing them would say nothing more.
  if (!ranges.every(isIpv4Cidr) || !isIpv4Address(cluster.dnsServiceIp)) {
    return;
  }
  for (const { key, reason } of addressPlanProblems(network.addressSpace, network.subnets)) {
    problem(["network", ...key.split(".")], reason);
  }
  for (const key of ["podCidr", "serviceCidr"] as const) {
    if (cidrsOverlap(cluster[key], network.addressSpace)) {
      problem(["cluster", key], `expected no overlap with the VNet ${network.addressSpace}`);
    }
  }
  // Every node takes an address from the node subnet, and an upgrade surges each pool by a third.
  const nodes = [cluster.systemPool, cluster.userPool].reduce(
    (total, pool) => total + pool.maxCount + Math.ceil(pool.maxCount * UPGRADE_SURGE),
    0,
  );
  const usable = cidrSize(network.subnets.nodes) - AZURE_SUBNET_RESERVED_ADDRESSES;
  if (Number.isFinite(nodes) && usable < nodes) {
    problem(
      ["network", "subnets", "nodes"],
      `expected room for ${nodes} nodes (both pools at maxCount plus the upgrade surge); it has ${usable} usable addresses`,
    );
  }
}

/** Most addresses the production API server's authorised ranges may cover together (a /8). */
export const MAX_AUTHORIZED_ADDRESSES = 2 ** 24;

/** What production must have: SLA tier, zones, HA, geo backups, private data plane, alerts. */
function productionRules(config: RawAzure, problem: Problem): void {
  const { cluster, database, registry, keyVault, observability } = config;
  if (cluster.tier !== "Standard") {
    problem(["cluster", "tier"], "expected Standard in production (uptime SLA)");
  }
  if (cluster.availabilityZones.length !== 3) {
    problem(["cluster", "availabilityZones"], 'expected ["1", "2", "3"] in production');
  }
  if (cluster.systemPool.minCount < 3) {
    problem(
      ["cluster", "systemPool", "minCount"],
      "expected at least 3 in production (one per zone)",
    );
  }
  if (cluster.userPool.minCount < 2) {
    problem(["cluster", "userPool", "minCount"], "expected at least 2 in production");
  }
  const ranges = cluster.apiServer.authorizedIpRanges;
  if (!cluster.apiServer.privateCluster && ranges.length === 0) {
    problem(
      ["cluster", "apiServer", "authorizedIpRanges"],
      "expected authorised ranges (or privateCluster: true) in production",
    );
  } else if (ranges.every(isIpv4Cidr) && cidrUnionSize(ranges) > MAX_AUTHORIZED_ADDRESSES) {
    problem(
      ["cluster", "apiServer", "authorizedIpRanges"],
      `expected ranges covering at most ${MAX_AUTHORIZED_ADDRESSES} addresses together (a /8) in production; these cover ${cidrUnionSize(ranges)}, which is no restriction`,
    );
  }
  if (!cluster.defenderForContainers) {
    problem(
      ["cluster", "defenderForContainers"],
      "expected true in production (runtime threat detection)",
    );
  }
  if (database.highAvailability !== "ZoneRedundant") {
    problem(["database", "highAvailability"], "expected ZoneRedundant in production");
  }
  if (!database.geoRedundantBackup) {
    problem(["database", "geoRedundantBackup"], "expected true in production");
  }
  if (database.backupRetentionDays < 35) {
    problem(["database", "backupRetentionDays"], "expected 35 in production");
  }
  if (!database.storageAutoGrow) {
    problem(
      ["database", "storageAutoGrow"],
      "expected true in production (a full disk makes the server read-only)",
    );
  }
  if (!keyVault.purgeProtection) {
    problem(["keyVault", "purgeProtection"], "expected true in production");
  }
  if (keyVault.softDeleteRetentionDays < 90) {
    problem(
      ["keyVault", "softDeleteRetentionDays"],
      "expected 90 in production (the longest recovery window; fixed when the vault is created)",
    );
  }
  if (keyVault.publicNetworkAccess) {
    problem(
      ["keyVault", "publicNetworkAccess"],
      "expected false in production (private endpoint only)",
    );
  }
  if (registry.sku !== "Premium" || !registry.zoneRedundancy) {
    problem(["registry", "sku"], "expected Premium with zoneRedundancy in production");
  }
  if (!observability.alerts.enabled) {
    problem(["observability", "alerts", "enabled"], "expected true in production");
  }
  if (observability.dailyQuotaGb !== -1) {
    problem(
      ["observability", "dailyQuotaGb"],
      "expected -1 (no cap) in production: a cap stops log collection mid-incident",
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------

export type { ConfigProblem } from "../core/config-problems";

/** A stack's configuration is invalid; the message lists every problem. */
export class ConfigError extends InvalidConfigError {
  /**
   * @param stackName the stack whose configuration is invalid.
   * @param problems every problem found.
   */
  constructor(stackName: string, problems: readonly ConfigProblem[]) {
    super("stack", stackName, problems);
    this.name = "ConfigError";
  }
}

function problemsOf(error: z.ZodError, data: unknown): ConfigProblem[] {
  return configProblemsOf(PROJECT, error, data, {
    unknownKey: "unknown key (misspelt, or not a setting of this project)",
    reword: (issue) =>
      issue.code === "invalid_union" && issue.path.length === 1 && issue.path[0] === "platform"
        ? 'expected "azure" or "local"'
        : undefined,
  });
}

/** Names that must fit Azure's limits for the chosen prefix and stack name. */
const NAMED_KINDS: readonly AzureResourceKind[] = [
  "resourceGroup",
  "kubernetesCluster",
  "kubernetesDnsPrefix",
  "postgresServer",
  "keyVault",
  "containerRegistry",
  "storageAccount",
  "logAnalyticsWorkspace",
];

function namingProblems(config: StackConfig): ConfigProblem[] {
  if (config.platform !== "azure") {
    return [];
  }
  const namer = new ResourceNamer(
    { prefix: config.namePrefix, stack: config.stack },
    "x".repeat(5),
  );
  const problems: ConfigProblem[] = [];
  for (const kind of NAMED_KINDS) {
    try {
      namer.name(kind);
    } catch (error) {
      if (!(error instanceof NamingError)) {
        throw error;
      }
      problems.push({
        key: configKey(PROJECT, ["namePrefix"]),
        expected: `expected a prefix short enough for Azure names with stack "${config.stack}": ${error.message}`,
        found: describeConfigValue(config.namePrefix),
      });
    }
  }
  return problems;
}

/**
 * The Jenkins component's target rule, on this stack plus its `cicd.targets` (this stack is
 * always a target of the Jenkins it hosts); needs the stack name, so it runs after the schema.
 */
function cicdTargetProblems(config: StackConfig): ConfigProblem[] {
  if (!config.cicd.enabled) {
    return [];
  }
  const targets = [{ stack: config.stack }, ...config.cicd.targets];
  return targetProblems(targets).map(({ key, reason }) => {
    // Index 0 is this stack itself; the stack file's list starts at the next one.
    const [top = "", index, ...rest] = jenkinsProblemPath(key);
    const path =
      typeof index === "number" && index > 0 ? ["cicd", top, index - 1, ...rest] : ["cicd", top];
    const found =
      typeof index === "number" && index > 0 ? config.cicd.targets[index - 1] : config.stack;
    return { key: configKey(PROJECT, path), expected: reason, found: describeConfigValue(found) };
  });
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) {
      deepFreeze(child);
    }
  }
  return value;
}

/**
 * Parses and validates raw stack config. Throws one {@link ConfigError} listing every problem.
 *
 * @param stack the stack name.
 * @param raw every config value, keyed `<namespace>:<key>`, as `pulumi.runtime.allConfig()` returns.
 */
export function parseStackConfig(
  stack: string,
  raw: Readonly<Record<string, string>>,
): StackConfig {
  const data = decodeConfig(PROJECT, raw, { booleans: true });
  const problems = [...namespaceProblems(raw), ...environmentProblems(stack, data)];
  // A production stack is checked by the production rules whatever its file says.
  const checked = isProductionStack(stack) ? { ...data, environment: "production" } : data;
  const result = stackConfigSchema.safeParse(checked, { reportInput: true });
  if (!result.success) {
    throw new ConfigError(stack, [
      ...problems,
      ...problemsOf(withoutShadowedIssues(result.error), data),
    ]);
  }
  const config: StackConfig = { ...result.data, stack };
  // Naming and CI target rules need the parsed config and the stack name, so they run last.
  problems.push(...namingProblems(config), ...cicdTargetProblems(config));
  if (problems.length > 0) {
    throw new ConfigError(stack, problems);
  }
  return deepFreeze(config);
}

/**
 * Config namespaces a stack file may use: this project's and those of the providers the program
 * uses. Anything else is most likely a misspelt `hiring-infra:` key the program would ignore.
 */
export const KNOWN_CONFIG_NAMESPACES: readonly string[] = [
  PROJECT,
  "azure-native",
  "kubernetes",
  "random",
  "pulumi",
];

function namespaceProblems(raw: Readonly<Record<string, string>>): ConfigProblem[] {
  return Object.keys(raw)
    .filter((key) => !KNOWN_CONFIG_NAMESPACES.includes(key.slice(0, key.indexOf(":"))))
    .map((key) => ({
      key,
      expected: `a key in a known namespace (${KNOWN_CONFIG_NAMESPACES.join(", ")}); a misspelt namespace is ignored by the program`,
      found: describeConfigValue(raw[key]),
    }));
}

function environmentProblems(
  stack: string,
  data: Readonly<Record<string, unknown>>,
): ConfigProblem[] {
  if (!isProductionStack(stack) || data.environment === "production") {
    return [];
  }
  return [
    {
      key: configKey(PROJECT, ["environment"]),
      expected: `expected "production" for stack "${stack}" (a stack named prod or prod-* is production)`,
      found: describeConfigValue(data.environment),
    },
  ];
}

/**
 * The schema's issues without cross-field ones about a value whose own schema already failed
 * (at or inside its path): those would only restate the type error in other words.
 */
function withoutShadowedIssues(error: z.ZodError): z.ZodError {
  const isCrossField = (issue: z.core.$ZodIssue): boolean =>
    issue.code === "custom" && issue.params?.[CROSS_FIELD] === true;
  const fieldPaths = error.issues
    .filter((issue) => !isCrossField(issue) && issue.code !== "unrecognized_keys")
    .map((issue) => issue.path.map(String).join("."));
  const shadowed = (issue: z.core.$ZodIssue): boolean => {
    const path = issue.path.map(String).join(".");
    return fieldPaths.some((field) => path === field || path.startsWith(`${field}.`));
  };
  return new z.ZodError(error.issues.filter((issue) => !isCrossField(issue) || !shadowed(issue)));
}

/** Reads the current stack's config from Pulumi, validated. The only place config is read. */
export function loadStackConfig(): StackConfig {
  return parseStackConfig(pulumi.getStack(), pulumi.runtime.allConfig());
}
