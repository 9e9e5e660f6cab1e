import type {
  EnforcementLevel,
  PolicyConfigSchema,
  PolicyResource,
  ResourceValidation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { BuiltInRole } from "../infra/azure-identifiers";
import { STATEFUL_TYPES } from "../core/resource-types";
import { isUnknownValueError } from "./sdk";

/** The pack's name as `pulumi preview` reports it. */
export const POLICY_PACK_NAME = "hiring-infra-baseline";

/**
 * Every rule's level when no config says otherwise. Config raises it: `policy/config.prod.json`
 * makes every rule mandatory, so production strictness lives in config, never in rule code.
 */
export const DEFAULT_ENFORCEMENT_LEVEL: EnforcementLevel = "advisory";

/** What every rule of this pack declares on top of `@pulumi/policy`'s fields. */
interface RuleMetadata {
  /** Resource types the rule reads (for a stack rule: the types it looks across). */
  readonly appliesTo: readonly string[];
  /** The level in code; config files override it. */
  readonly enforcementLevel: EnforcementLevel;
  /** How to fix a violation; also appended to every violation message. */
  readonly remediationSteps: string;
}

/** A rule that checks one resource's inputs at a time. */
export type HiringResourcePolicy = ResourceValidationPolicy &
  RuleMetadata & {
    readonly validateResource: ResourceValidation;
  };

/** A rule that checks relations across the whole stack. */
export type HiringStackPolicy = StackValidationPolicy & RuleMetadata;

/** One rule of the pack. */
export type HiringPolicy = HiringResourcePolicy | HiringStackPolicy;

/** True for a rule that runs once over the whole stack. */
export function isStackPolicy(policy: HiringPolicy): policy is HiringStackPolicy {
  return "validateStack" in policy;
}

type Props = Readonly<Record<string, unknown>>;

/** Reads `value.a.b[0]`; undefined when a step is missing. Unknown values throw (via the proxy). */
function at(value: unknown, ...path: readonly (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") {
      return undefined;
    }
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function items(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? (value as readonly unknown[]) : [];
}

function entries(value: unknown): [string, unknown][] {
  return value !== null && typeof value === "object" ? Object.entries(value) : [];
}

/** A value as a violation message shows it. */
function show(value: unknown): string {
  return value === undefined ? "unset" : JSON.stringify(value);
}

/** `read()`, or undefined when it reads a value that is unknown during preview. */
function known<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (isUnknownValueError(error)) {
      return undefined;
    }
    throw error;
  }
}

interface RuleSpec {
  readonly name: string;
  readonly description: string;
  readonly remediation: string;
  readonly appliesTo: readonly string[];
  readonly configSchema?: PolicyConfigSchema;
}

interface ResourceRuleSpec extends RuleSpec {
  /** Calls `report` once per finding; `props` are the resource's inputs. */
  readonly check: (
    props: Props,
    report: (finding: string) => void,
    args: ResourceValidationArgs,
  ) => void;
}

interface StackRuleSpec extends RuleSpec {
  /** Calls `report` once per finding, with the URN of the resource at fault. */
  readonly check: (
    resources: readonly PolicyResource[],
    report: (finding: string, urn: string) => void,
  ) => void;
}

function metadata(
  spec: RuleSpec,
): RuleMetadata & Omit<ResourceValidationPolicy, "validateResource"> {
  return {
    name: spec.name,
    description: spec.description,
    remediationSteps: spec.remediation,
    enforcementLevel: DEFAULT_ENFORCEMENT_LEVEL,
    appliesTo: spec.appliesTo,
    ...(spec.configSchema ? { configSchema: spec.configSchema } : {}),
  };
}

function resourceRule(spec: ResourceRuleSpec): HiringResourcePolicy {
  return {
    ...metadata(spec),
    validateResource: (args, reportViolation) => {
      if (!spec.appliesTo.includes(args.type)) {
        return;
      }
      spec.check(
        args.props,
        (finding) => {
          reportViolation(`${finding} Fix: ${spec.remediation}`);
        },
        args,
      );
    },
  };
}

function stackRule(spec: StackRuleSpec): HiringStackPolicy {
  return {
    ...metadata(spec),
    validateStack: (args, reportViolation) => {
      spec.check(args.resources, (finding, urn) => {
        reportViolation(`${finding} Fix: ${spec.remediation}`, urn);
      });
    },
  };
}

const MANAGED_CLUSTER = "azure-native:containerservice:ManagedCluster";
const AGENT_POOL = "azure-native:containerservice:AgentPool";
const DATA_COLLECTION_RULE = "azure-native:monitor:DataCollectionRule";
const DATA_COLLECTION_RULE_ASSOCIATION = "azure-native:monitor:DataCollectionRuleAssociation";
const POSTGRES_SERVER = "azure-native:dbforpostgresql:Server";
const POSTGRES_CONFIGURATION = "azure-native:dbforpostgresql:Configuration";
const KEY_VAULT = "azure-native:keyvault:Vault";
const REGISTRY = "azure-native:containerregistry:Registry";
const WORKSPACE = "azure-native:operationalinsights:Workspace";
const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";
const NAMESPACE = "kubernetes:core/v1:Namespace";

function addonEnabled(props: Props, addon: string): boolean {
  const profile = entries(props.addonProfiles).find(
    ([key]) => key.toLowerCase() === addon.toLowerCase(),
  )?.[1];
  return at(profile, "enabled") === true;
}

/** `CriticalAddonsOnly=true:NoSchedule` (AKS's documented system-pool taint) or its NoExecute form. */
function isCriticalAddonsOnlyTaint(taint: unknown): boolean {
  return /^CriticalAddonsOnly(=[^:]*)?:(NoSchedule|NoExecute)$/.test(text(taint) ?? "");
}

function poolName(pool: unknown, index: number): string {
  return text(at(pool, "name")) ?? `agentPoolProfiles[${index}]`;
}

const ALL_ZONES = ["1", "2", "3"];

function missingZones(zones: unknown): string[] {
  const present = items(zones).map((zone) => text(zone) ?? String(zone));
  return ALL_ZONES.filter((zone) => !present.includes(zone));
}

const aksRules: HiringPolicy[] = [
  resourceRule({
    name: "aks-local-accounts-disabled",
    description:
      "AKS clusters have local accounts disabled, so every API call authenticates through Entra ID and can be revoked.",
    remediation: "set disableLocalAccounts: true on the ManagedCluster.",
    appliesTo: [MANAGED_CLUSTER],
    check: (props, report) => {
      if (props.disableLocalAccounts !== true) {
        report(
          `Local accounts are enabled (disableLocalAccounts is ${show(props.disableLocalAccounts)}): the static cluster-admin credential bypasses Entra ID.`,
        );
      }
    },
  }),
  resourceRule({
    name: "aks-azure-rbac",
    description:
      "AKS clusters authorise Kubernetes access with Azure RBAC over Entra ID identities, so access is granted and audited in one place.",
    remediation:
      "set aadProfile.managed: true and aadProfile.enableAzureRBAC: true, keep enableRBAC true.",
    appliesTo: [MANAGED_CLUSTER],
    check: (props, report) => {
      if (at(props, "aadProfile", "enableAzureRBAC") !== true) {
        report(
          `Azure RBAC for Kubernetes authorisation is off (aadProfile.enableAzureRBAC is ${show(at(props, "aadProfile", "enableAzureRBAC"))}).`,
        );
      }
      if (props.enableRBAC === false) {
        report("Kubernetes RBAC is disabled (enableRBAC is false).");
      }
    },
  }),
  resourceRule({
    name: "aks-network-policy",
    description:
      "AKS clusters run a network policy engine, so the default-deny NetworkPolicies of each app namespace are enforced.",
    remediation:
      'set networkProfile.networkPolicy to "cilium" (Azure CNI overlay), "azure" or "calico".',
    appliesTo: [MANAGED_CLUSTER],
    check: (props, report) => {
      const engine = text(at(props, "networkProfile", "networkPolicy"));
      if (engine === undefined || engine.toLowerCase() === "none") {
        report(
          `No network policy engine (networkProfile.networkPolicy is ${show(engine)}): NetworkPolicies would be accepted but not enforced.`,
        );
      }
    },
  }),
  resourceRule({
    name: "aks-workload-identity",
    description:
      "AKS clusters have the OIDC issuer and workload identity enabled, so pods use federated Entra ID identities instead of stored secrets.",
    remediation:
      "set oidcIssuerProfile.enabled: true and securityProfile.workloadIdentity.enabled: true.",
    appliesTo: [MANAGED_CLUSTER],
    check: (props, report) => {
      if (at(props, "oidcIssuerProfile", "enabled") !== true) {
        report(
          `The OIDC issuer is off (oidcIssuerProfile.enabled is ${show(at(props, "oidcIssuerProfile", "enabled"))}).`,
        );
      }
      if (at(props, "securityProfile", "workloadIdentity", "enabled") !== true) {
        report(
          `Workload identity is off (securityProfile.workloadIdentity.enabled is ${show(at(props, "securityProfile", "workloadIdentity", "enabled"))}).`,
        );
      }
    },
  }),
  resourceRule({
    name: "aks-auto-upgrade-channels",
    description:
      "AKS clusters have an auto-upgrade channel and a node-OS upgrade channel, so Kubernetes patches and node security updates are applied in the maintenance window.",
    remediation:
      'set autoUpgradeProfile.upgradeChannel (e.g. "patch") and autoUpgradeProfile.nodeOSUpgradeChannel (e.g. "NodeImage"), neither "none".',
    appliesTo: [MANAGED_CLUSTER],
    check: (props, report) => {
      for (const channel of ["upgradeChannel", "nodeOSUpgradeChannel"]) {
        const value = text(at(props, "autoUpgradeProfile", channel));
        if (value === undefined || value.toLowerCase() === "none") {
          report(`autoUpgradeProfile.${channel} is ${show(value)}: nothing applies these updates.`);
        }
      }
    },
  }),
  resourceRule({
    name: "aks-api-server-restricted",
    description:
      "The AKS API server is private or reachable only from authorised IP ranges, never from the whole internet.",
    remediation:
      "list the office/VPN egress ranges in apiServerAccessProfile.authorizedIPRanges (not 0.0.0.0/0), or set enablePrivateCluster: true.",
    appliesTo: [MANAGED_CLUSTER],
    check: (props, report) => {
      if (at(props, "apiServerAccessProfile", "enablePrivateCluster") === true) {
        return;
      }
      const ranges = items(at(props, "apiServerAccessProfile", "authorizedIPRanges")).map(
        (range) => text(range) ?? "",
      );
      const open = ranges.filter((range) => range === "0.0.0.0/0" || range === "::/0");
      if (ranges.length === 0) {
        report(
          "The API server is public with no authorised IP ranges (apiServerAccessProfile.authorizedIPRanges is empty).",
        );
      } else if (open.length > 0) {
        report(`The authorised IP ranges include ${open.join(", ")}, which is every address.`);
      }
    },
  }),
  resourceRule({
    name: "aks-system-pool-isolated",
    description:
      "System node pools carry the CriticalAddonsOnly taint, so application pods cannot starve CoreDNS, konnectivity and the other system add-ons.",
    remediation:
      'add nodeTaints: ["CriticalAddonsOnly=true:NoSchedule"] to every pool with mode "System" and run applications on a User pool.',
    appliesTo: [MANAGED_CLUSTER, AGENT_POOL],
    check: (props, report, args) => {
      const pools = args.type === AGENT_POOL ? [props] : items(props.agentPoolProfiles);
      if (args.type === MANAGED_CLUSTER && !pools.some((pool) => at(pool, "mode") === "System")) {
        report('No agent pool has mode "System".');
      }
      pools.forEach((pool, index) => {
        if (at(pool, "mode") !== "System") {
          return;
        }
        if (!items(at(pool, "nodeTaints")).some(isCriticalAddonsOnlyTaint)) {
          const name = args.type === AGENT_POOL ? args.name : poolName(pool, index);
          report(
            `System pool ${name} has no CriticalAddonsOnly taint (nodeTaints is ${show(at(pool, "nodeTaints"))}).`,
          );
        }
      });
    },
  }),
  resourceRule({
    name: "aks-zone-redundant-standard-tier",
    description:
      "AKS clusters spread every node pool over availability zones 1, 2 and 3 and run on the Standard (SLA-backed) tier, so a zone outage does not take the platform down.",
    remediation:
      'set sku.tier: "Standard" and availabilityZones: ["1", "2", "3"] on every pool (agentPoolProfiles and AgentPool resources).',
    appliesTo: [MANAGED_CLUSTER, AGENT_POOL],
    check: (props, report, args) => {
      if (args.type === MANAGED_CLUSTER) {
        const tier = text(at(props, "sku", "tier"));
        if (tier !== "Standard" && tier !== "Premium") {
          report(`The cluster runs on the ${show(tier)} tier, which has no uptime SLA.`);
        }
      }
      const pools = args.type === AGENT_POOL ? [props] : items(props.agentPoolProfiles);
      pools.forEach((pool, index) => {
        const missing = missingZones(at(pool, "availabilityZones"));
        if (missing.length > 0) {
          const name = args.type === AGENT_POOL ? args.name : poolName(pool, index);
          report(
            `Pool ${name} is not in zone(s) ${missing.join(", ")} (availabilityZones is ${show(at(pool, "availabilityZones"))}).`,
          );
        }
      });
    },
  }),
  resourceRule({
    name: "aks-monitoring-enabled",
    description:
      "AKS clusters send container logs and metrics to Log Analytics through the monitoring add-on (Container Insights).",
    remediation:
      "set addonProfiles.omsagent: { enabled: true, config: { logAnalyticsWorkspaceResourceID: <workspace id> } }.",
    appliesTo: [MANAGED_CLUSTER],
    check: (props, report) => {
      if (!addonEnabled(props, "omsagent")) {
        report("The monitoring add-on (addonProfiles.omsagent) is not enabled.");
      }
    },
  }),
  stackRule({
    name: "aks-container-insights-collection",
    description:
      "AKS clusters whose monitoring agents authenticate with Entra ID have a data collection rule with the Container Insights extension associated with them; without one the agents send nothing.",
    remediation:
      'add a monitor.DataCollectionRule with the "ContainerInsights" extension sending to the workspace, and a DataCollectionRuleAssociation "ContainerInsightsExtension" on the cluster.',
    appliesTo: [MANAGED_CLUSTER, DATA_COLLECTION_RULE, DATA_COLLECTION_RULE_ASSOCIATION],
    check: (resources, report) => {
      const rules = resources.filter((resource) => resource.type === DATA_COLLECTION_RULE);
      const associations = resources.filter(
        (resource) => resource.type === DATA_COLLECTION_RULE_ASSOCIATION,
      );
      for (const cluster of resources.filter((resource) => resource.type === MANAGED_CLUSTER)) {
        if (!addonEnabled(cluster.props, "omsagent")) {
          continue;
        }
        const collected = associations.some(
          (association) =>
            association.dependencies.some((dependency) => dependency.urn === cluster.urn) &&
            rules.some(
              (rule) =>
                association.dependencies.some((dependency) => dependency.urn === rule.urn) &&
                collectsContainerInsights(rule),
            ),
        );
        if (!collected) {
          report(
            `Cluster ${cluster.name} enables monitoring but no Container Insights data collection rule is associated with it.`,
            cluster.urn,
          );
        }
      }
    },
  }),
  resourceRule({
    name: "aks-azure-policy-addon",
    description:
      "AKS clusters run the Azure Policy add-on, so the organisation's Gatekeeper guardrails apply inside the cluster too.",
    remediation: "set addonProfiles.azurepolicy: { enabled: true }.",
    appliesTo: [MANAGED_CLUSTER],
    check: (props, report) => {
      if (!addonEnabled(props, "azurepolicy")) {
        report("The Azure Policy add-on (addonProfiles.azurepolicy) is not enabled.");
      }
    },
  }),

  resourceRule({
    name: "aks-host-encryption",
    description:
      "Every AKS node pool encrypts at the host, so temp disks, caches and ephemeral OS disks are encrypted too, not only managed disks at rest.",
    remediation:
      "set enableEncryptionAtHost: true on every pool (agentPoolProfiles and AgentPool resources); the subscription needs the EncryptionAtHost feature.",
    appliesTo: [MANAGED_CLUSTER, AGENT_POOL],
    check: (props, report, args) => {
      const pools = args.type === AGENT_POOL ? [props] : items(props.agentPoolProfiles);
      pools.forEach((pool, index) => {
        if (at(pool, "enableEncryptionAtHost") !== true) {
          const name = args.type === AGENT_POOL ? args.name : poolName(pool, index);
          report(
            `Pool ${name} does not encrypt at the host (enableEncryptionAtHost is ${show(at(pool, "enableEncryptionAtHost"))}).`,
          );
        }
      });
    },
  }),
  resourceRule({
    name: "aks-defender-for-containers",
    description:
      "AKS clusters run Microsoft Defender for Containers' sensor, so runtime threats on the nodes and in containers are detected and reported.",
    remediation:
      "set securityProfile.defender: { securityMonitoring: { enabled: true }, logAnalyticsWorkspaceResourceId: <workspace id> } (hiring-infra:cluster.defenderForContainers: true).",
    appliesTo: [MANAGED_CLUSTER],
    check: (props, report) => {
      const enabled = at(props, "securityProfile", "defender", "securityMonitoring", "enabled");
      if (enabled !== true) {
        report(
          `Defender for Containers is off (securityProfile.defender.securityMonitoring.enabled is ${show(enabled)}).`,
        );
      }
    },
  }),
];

/** The server parameter a Configuration sets: `configurationName` in inputs, `name` in outputs. */
function parameterName(configuration: PolicyResource): string | undefined {
  return (
    known(() => text(configuration.props.configurationName)) ??
    known(() => text(configuration.props.name))
  );
}

function serverNameOf(resource: PolicyResource): string | undefined {
  return known(() => text(resource.props.serverName)) ?? known(() => text(resource.props.name));
}

/**
 * Whether `configuration` sets a parameter of `server`: it depends on the server (the engine
 * records the dependency its `serverName` input carries), or, failing that, names it.
 */
/** True when a data collection rule runs the Container Insights extension. */
function collectsContainerInsights(rule: PolicyResource): boolean {
  const extensions = known(() => at(rule.props, "dataSources", "extensions"));
  return (
    Array.isArray(extensions) &&
    extensions.some((extension) => at(extension, "extensionName") === "ContainerInsights")
  );
}

function configures(configuration: PolicyResource, server: PolicyResource): boolean {
  if (configuration.dependencies.some((dependency) => dependency.urn === server.urn)) {
    return true;
  }
  const name = serverNameOf(server);
  return name !== undefined && known(() => text(configuration.props.serverName)) === name;
}

const DEFAULT_MINIMUM_BACKUP_RETENTION_DAYS = 7;

const postgresRules: HiringPolicy[] = [
  resourceRule({
    name: "postgres-public-network-access-disabled",
    description:
      "PostgreSQL Flexible Servers are reachable only from their delegated subnet (private access), never from the internet.",
    remediation:
      'deploy into the delegated database subnet with a private DNS zone and set network.publicNetworkAccess: "Disabled".',
    appliesTo: [POSTGRES_SERVER],
    check: (props, report) => {
      const access = at(props, "network", "publicNetworkAccess");
      if (access !== "Disabled") {
        report(`Public network access is ${show(access)} (network.publicNetworkAccess).`);
      }
    },
  }),
  stackRule({
    name: "postgres-tls-enforced",
    description:
      "Every PostgreSQL Flexible Server has a require_secure_transport=on Configuration (and no ssl_min_protocol_version below TLSv1.2), so no client connects in clear text.",
    remediation:
      'add a dbforpostgresql.Configuration for the server with configurationName "require_secure_transport", value "on", source "user-override".',
    appliesTo: [POSTGRES_SERVER, POSTGRES_CONFIGURATION],
    check: (resources, report) => {
      const configurations = resources.filter(
        (resource) => resource.type === POSTGRES_CONFIGURATION,
      );
      for (const server of resources.filter((resource) => resource.type === POSTGRES_SERVER)) {
        const own = configurations.filter((configuration) => configures(configuration, server));
        const secure = own.find((item) => parameterName(item) === "require_secure_transport");
        const value = secure && known(() => text(secure.props.value));
        if (secure === undefined) {
          report(
            `PostgreSQL server ${server.name} has no require_secure_transport Configuration, so plain-text connections depend on the server default.`,
            server.urn,
          );
        } else if (value !== undefined && value.toLowerCase() !== "on") {
          report(
            `PostgreSQL server ${server.name} sets require_secure_transport to ${show(value)}.`,
            server.urn,
          );
        }
        const minimum = own.find((item) => parameterName(item) === "ssl_min_protocol_version");
        const version = minimum && known(() => text(minimum.props.value));
        if (version !== undefined && ["tlsv1", "tlsv1.1"].includes(version.toLowerCase())) {
          report(
            `PostgreSQL server ${server.name} accepts ${version} (ssl_min_protocol_version).`,
            server.urn,
          );
        }
      }
    },
  }),
  resourceRule({
    name: "postgres-zone-redundant-ha",
    description:
      "PostgreSQL Flexible Servers run zone-redundant high availability: a synchronous standby in another zone takes over automatically.",
    remediation:
      'set highAvailability: { mode: "ZoneRedundant", standbyAvailabilityZone: <a zone other than availabilityZone> } (General Purpose or Memory Optimized tier).',
    appliesTo: [POSTGRES_SERVER],
    check: (props, report) => {
      const mode = at(props, "highAvailability", "mode");
      if (mode !== "ZoneRedundant") {
        report(`High availability is ${show(mode)} (highAvailability.mode).`);
      }
    },
  }),
  resourceRule({
    name: "postgres-geo-redundant-backup",
    description:
      "PostgreSQL Flexible Server backups are geo-redundant, so the database can be restored in the paired region after a regional outage.",
    remediation:
      'set backup.geoRedundantBackup: "Enabled" (it can only be chosen when the server is created).',
    appliesTo: [POSTGRES_SERVER],
    check: (props, report) => {
      const geo = at(props, "backup", "geoRedundantBackup");
      if (geo !== "Enabled") {
        report(`Geo-redundant backup is ${show(geo)} (backup.geoRedundantBackup).`);
      }
    },
  }),
  resourceRule({
    name: "postgres-backup-retention",
    description:
      "PostgreSQL Flexible Servers keep backups for at least the configured number of days (minimumDays, default 7).",
    remediation: "raise backup.backupRetentionDays to at least minimumDays (Azure allows 7 to 35).",
    appliesTo: [POSTGRES_SERVER],
    configSchema: {
      properties: {
        minimumDays: {
          type: "integer",
          minimum: 1,
          maximum: 35,
          default: DEFAULT_MINIMUM_BACKUP_RETENTION_DAYS,
          description: "Fewest days of point-in-time restore a server must keep.",
        },
      },
    },
    check: (props, report, args) => {
      const configured = args.getConfig<{ minimumDays?: unknown }>().minimumDays;
      const minimum =
        typeof configured === "number" ? configured : DEFAULT_MINIMUM_BACKUP_RETENTION_DAYS;
      const days = at(props, "backup", "backupRetentionDays");
      if (typeof days !== "number" || days < minimum) {
        report(
          `Backups are kept for ${show(days)} days (backup.backupRetentionDays); at least ${minimum} required.`,
        );
      }
    },
  }),
  resourceRule({
    name: "postgres-storage-auto-grow",
    description:
      "PostgreSQL Flexible Servers grow their storage before it fills up, since a full disk turns the server read-only.",
    remediation: 'set storage.autoGrow: "Enabled" (hiring-infra:database.storageAutoGrow: true).',
    appliesTo: [POSTGRES_SERVER],
    check: (props, report) => {
      const autoGrow = at(props, "storage", "autoGrow");
      if (autoGrow !== "Enabled") {
        report(`Storage auto-grow is ${show(autoGrow)} (storage.autoGrow).`);
      }
    },
  }),
  stackRule({
    name: "postgres-checkpoints-logged",
    description:
      "Every PostgreSQL Flexible Server logs checkpoints (log_checkpoints=on), whose timing and volume explain write stalls and recovery time.",
    remediation:
      'add a dbforpostgresql.Configuration for the server with configurationName "log_checkpoints", value "on", source "user-override".',
    appliesTo: [POSTGRES_SERVER, POSTGRES_CONFIGURATION],
    check: (resources, report) => {
      const configurations = resources.filter(
        (resource) => resource.type === POSTGRES_CONFIGURATION,
      );
      for (const server of resources.filter((resource) => resource.type === POSTGRES_SERVER)) {
        const setting = configurations.find(
          (configuration) =>
            configures(configuration, server) && parameterName(configuration) === "log_checkpoints",
        );
        const value = setting && known(() => text(setting.props.value));
        if (setting === undefined || (value !== undefined && value.toLowerCase() !== "on")) {
          report(
            `PostgreSQL server ${server.name} does not log checkpoints (log_checkpoints is ${show(value ?? "unset")}).`,
            server.urn,
          );
        }
      }
    },
  }),
];

const vaultAndRegistryRules: HiringPolicy[] = [
  resourceRule({
    name: "keyvault-rbac-authorization",
    description:
      "Key Vaults authorise data access with Azure RBAC, not vault access policies, so secret access is granted per identity and audited with every other role.",
    remediation:
      "set properties.enableRbacAuthorization: true and grant Key Vault roles via grantRole.",
    appliesTo: [KEY_VAULT],
    check: (props, report) => {
      const rbac = at(props, "properties", "enableRbacAuthorization");
      if (rbac !== true) {
        report(`RBAC authorisation is ${show(rbac)} (properties.enableRbacAuthorization).`);
      }
    },
  }),
  resourceRule({
    name: "keyvault-soft-delete",
    description:
      "Key Vaults keep soft delete on, so a deleted vault or secret can be recovered during its retention period.",
    remediation: "remove properties.enableSoftDelete: false (or set it to true).",
    appliesTo: [KEY_VAULT],
    check: (props, report) => {
      if (at(props, "properties", "enableSoftDelete") === false) {
        report("Soft delete is disabled (properties.enableSoftDelete is false).");
      }
    },
  }),
  resourceRule({
    name: "keyvault-purge-protection",
    description:
      "Key Vaults have purge protection, so nobody can permanently delete a vault or secret before its soft-delete retention ends.",
    remediation:
      "set properties.enablePurgeProtection: true (irreversible: the vault name stays taken until retention ends).",
    appliesTo: [KEY_VAULT],
    check: (props, report) => {
      const purge = at(props, "properties", "enablePurgeProtection");
      if (purge !== true) {
        report(`Purge protection is ${show(purge)} (properties.enablePurgeProtection).`);
      }
    },
  }),
  resourceRule({
    name: "keyvault-soft-delete-retention",
    description:
      "Key Vaults keep deleted vaults and secrets recoverable for 90 days, Azure's longest window (fixed when the vault is created).",
    remediation:
      "set properties.softDeleteRetentionInDays: 90 or leave it unset (Azure's default is 90).",
    appliesTo: [KEY_VAULT],
    check: (props, report) => {
      const days = at(props, "properties", "softDeleteRetentionInDays");
      if (days !== undefined && (typeof days !== "number" || days < 90)) {
        report(
          `Deleted secrets are recoverable for ${show(days)} days (properties.softDeleteRetentionInDays); 90 required.`,
        );
      }
    },
  }),
  resourceRule({
    name: "keyvault-network-restricted",
    description:
      "Key Vaults are private (public network access disabled) or deny by default behind a firewall, never open to the internet.",
    remediation:
      'set properties.publicNetworkAccess: "Disabled" with a private endpoint, or properties.networkAcls.defaultAction: "Deny" with explicit ipRules/virtualNetworkRules.',
    appliesTo: [KEY_VAULT],
    check: (props, report) => {
      const access = text(at(props, "properties", "publicNetworkAccess"));
      const defaultAction = at(props, "properties", "networkAcls", "defaultAction");
      if (access?.toLowerCase() !== "disabled" && defaultAction !== "Deny") {
        report(
          `The vault is reachable from any network (publicNetworkAccess is ${show(access)}, networkAcls.defaultAction is ${show(defaultAction)}).`,
        );
      }
    },
  }),
  resourceRule({
    name: "acr-admin-user-disabled",
    description:
      "Container registries have the admin user disabled: its shared password cannot be scoped, attributed or federated.",
    remediation: "set adminUserEnabled: false and grant AcrPull/AcrPush to identities instead.",
    appliesTo: [REGISTRY],
    check: (props, report) => {
      if (props.adminUserEnabled === true) {
        report("The admin user is enabled (adminUserEnabled is true).");
      }
    },
  }),
  resourceRule({
    name: "acr-anonymous-pull-disabled",
    description:
      "Container registries do not allow anonymous pull, so images are readable only by identities with AcrPull.",
    remediation: "set anonymousPullEnabled: false.",
    appliesTo: [REGISTRY],
    check: (props, report) => {
      if (props.anonymousPullEnabled === true) {
        report("Anonymous pull is enabled (anonymousPullEnabled is true).");
      }
    },
  }),
];

/** Where each workload type keeps its pod spec. */
const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  "kubernetes:core/v1:Pod": ["spec"],
  "kubernetes:apps/v1:Deployment": ["spec", "template", "spec"],
  "kubernetes:apps/v1:StatefulSet": ["spec", "template", "spec"],
  "kubernetes:apps/v1:DaemonSet": ["spec", "template", "spec"],
  "kubernetes:apps/v1:ReplicaSet": ["spec", "template", "spec"],
  "kubernetes:batch/v1:Job": ["spec", "template", "spec"],
  "kubernetes:batch/v1:CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
};

/** The workload types the Kubernetes rules check. */
export const WORKLOAD_TYPES: readonly string[] = Object.keys(POD_SPEC_PATHS);

interface Container {
  readonly label: string;
  readonly spec: unknown;
}

function podSpecOf(type: string, props: Props): unknown {
  const path = POD_SPEC_PATHS[type];
  return path === undefined ? undefined : at(props, ...path);
}

function containersOf(podSpec: unknown): Container[] {
  const list = (field: string, kind: string): Container[] =>
    items(at(podSpec, field)).map((spec, index) => ({
      label: `${kind} ${text(at(spec, "name")) ?? String(index)}`,
      spec,
    }));
  return [...list("initContainers", "init container"), ...list("containers", "container")];
}

/** Why an image reference is not pinned, or undefined when it is. */
function unpinnedImage(image: string): string | undefined {
  if (image.includes("@sha256:")) {
    return undefined;
  }
  const lastSegment = image.slice(image.lastIndexOf("/") + 1);
  const colon = lastSegment.lastIndexOf(":");
  if (colon < 0) {
    return "has no tag, so it means :latest";
  }
  return lastSegment.slice(colon + 1) === "latest" ? "uses the :latest tag" : undefined;
}

const RESOURCE_FIELDS = ["requests.cpu", "requests.memory", "limits.cpu", "limits.memory"];

const HELM_TYPES = ["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart"];

const kubernetesRules: HiringPolicy[] = [
  resourceRule({
    name: "k8s-image-pinned",
    description:
      "Workload containers use a pinned image: an explicit tag other than latest, or a digest, so a rollout deploys exactly what was reviewed.",
    remediation: 'reference images as "<registry>/<name>:<version>" or "<name>@sha256:<digest>".',
    appliesTo: WORKLOAD_TYPES,
    check: (props, report, args) => {
      for (const container of containersOf(podSpecOf(args.type, props))) {
        const image = text(at(container.spec, "image"));
        const problem = image === undefined ? undefined : unpinnedImage(image);
        if (image !== undefined && problem !== undefined) {
          report(`${container.label}: image ${image} ${problem}.`);
        }
      }
    },
  }),
  resourceRule({
    name: "k8s-resources-set",
    description:
      "Workload containers declare CPU and memory requests and limits, so the scheduler places them correctly and one pod cannot exhaust a node or the namespace quota.",
    remediation:
      "set resources.requests.{cpu,memory} and resources.limits.{cpu,memory} on every container and init container.",
    appliesTo: WORKLOAD_TYPES,
    check: (props, report, args) => {
      for (const container of containersOf(podSpecOf(args.type, props))) {
        const missing = RESOURCE_FIELDS.filter(
          (field) => at(container.spec, "resources", ...field.split(".")) === undefined,
        );
        if (missing.length > 0) {
          report(`${container.label}: no resources.${missing.join(", resources.")}.`);
        }
      }
    },
  }),
  resourceRule({
    name: "k8s-non-root-no-privilege-escalation",
    description:
      "Workload containers run as non-root without privilege escalation, as the restricted Pod Security Standard requires.",
    remediation:
      "set securityContext.runAsNonRoot: true (pod or container) and, per container, allowPrivilegeEscalation: false and no privileged: true.",
    appliesTo: WORKLOAD_TYPES,
    check: (props, report, args) => {
      const podSpec = podSpecOf(args.type, props);
      const podNonRoot = at(podSpec, "securityContext", "runAsNonRoot");
      for (const container of containersOf(podSpec)) {
        const context = at(container.spec, "securityContext");
        const nonRoot = at(context, "runAsNonRoot") ?? podNonRoot;
        if (nonRoot !== true) {
          report(`${container.label}: runAsNonRoot is ${show(nonRoot)}.`);
        }
        if (at(context, "allowPrivilegeEscalation") !== false) {
          report(
            `${container.label}: allowPrivilegeEscalation is ${show(at(context, "allowPrivilegeEscalation"))}.`,
          );
        }
        if (at(context, "privileged") === true) {
          report(`${container.label}: runs privileged.`);
        }
      }
    },
  }),
  resourceRule({
    name: "k8s-app-namespace-restricted",
    description:
      "Application namespaces (label app.kubernetes.io/part-of: hiring) enforce the restricted Pod Security Standard, so the API server rejects pods that break it.",
    remediation:
      'label the namespace pod-security.kubernetes.io/enforce: "restricted" (and warn/audit likewise).',
    appliesTo: [NAMESPACE],
    check: (props, report) => {
      const labels = at(props, "metadata", "labels");
      if (at(labels, "app.kubernetes.io/part-of") !== "hiring") {
        return;
      }
      const enforce = at(labels, "pod-security.kubernetes.io/enforce");
      if (enforce !== "restricted") {
        report(
          `App namespace enforces pod security level ${show(enforce)} (label pod-security.kubernetes.io/enforce).`,
        );
      }
    },
  }),
  resourceRule({
    name: "helm-chart-version-pinned",
    description:
      "Helm charts are pinned to an exact version, so a preview shows the chart that will be deployed. Chart values are not checked: a Release renders them in the cluster, out of the policy engine's sight.",
    remediation: 'set version to an exact chart version such as "5.8.110" (no ranges, not empty).',
    appliesTo: HELM_TYPES,
    check: (props, report) => {
      const version = text(props.version);
      if (version === undefined || !/^v?\d+\.\d+\.\d+([-+][0-9A-Za-z.+-]+)?$/.test(version)) {
        report(`Chart ${show(props.chart)} version is ${show(props.version)}.`);
      }
    },
  }),
];

/**
 * The azure-native types this program declares that accept `tags` (their `...Args` typings have
 * a `tags` input). Types without one (Subnet, RoleAssignment, DiagnosticSetting, a server's
 * Configuration or Database...) cannot carry tags and are not checked. A test compares this list
 * with the typings for every type in `core/resource-types.ts`.
 */
export const TAGGABLE_TYPES: ReadonlySet<string> = new Set([
  "azure-native:resources:ResourceGroup",
  "azure-native:network:VirtualNetwork",
  "azure-native:network:NetworkSecurityGroup",
  "azure-native:network:PrivateEndpoint",
  "azure-native:privatedns:PrivateZone",
  "azure-native:privatedns:VirtualNetworkLink",
  "azure-native:containerservice:ManagedCluster",
  "azure-native:containerservice:AgentPool",
  "azure-native:dbforpostgresql:Server",
  "azure-native:keyvault:Vault",
  "azure-native:keyvault:Secret",
  "azure-native:keyvault:Key",
  "azure-native:containerregistry:Registry",
  "azure-native:operationalinsights:Workspace",
  "azure-native:managedidentity:UserAssignedIdentity",
  "azure-native:monitor:ActionGroup",
  "azure-native:monitor:MetricAlert",
  "azure-native:monitor:DataCollectionRule",
  "azure-native:storage:StorageAccount",
]);

/** The tags cost reports and ownership lookups rely on (`infra/tags.ts` sets them all). */
export const DEFAULT_REQUIRED_TAGS: readonly string[] = [
  "project",
  "stack",
  "owner",
  "cost-center",
  "managed-by",
];

/**
 * Built-in roles that can change or hand out everything in their scope, by definition GUID
 * (the same in every tenant).
 */
export const PRIVILEGED_ROLES: Readonly<Record<string, string>> = {
  [BuiltInRole.owner]: "Owner",
  [BuiltInRole.contributor]: "Contributor",
  [BuiltInRole.userAccessAdministrator]: "User Access Administrator",
  [BuiltInRole.roleBasedAccessControlAdministrator]: "Role Based Access Control Administrator",
};

/** A subscription, a management group or the tenant root: wider than this stack's resources. */
function isBroadScope(scope: string): boolean {
  const normalized = scope.replace(/\/+$/, "").toLowerCase();
  return (
    normalized === "" ||
    /^\/subscriptions\/[^/]+$/.test(normalized) ||
    /^\/providers\/microsoft\.management\/managementgroups\/[^/]+$/.test(normalized)
  );
}

const crossCuttingRules: HiringPolicy[] = [
  resourceRule({
    name: "log-analytics-no-daily-cap",
    description:
      "Log Analytics workspaces have no daily ingestion cap, so logs keep flowing during the incident that produces the most of them.",
    remediation:
      "leave workspaceCapping unset (hiring-infra:observability.dailyQuotaGb: -1); control cost with retention and collection settings instead.",
    appliesTo: [WORKSPACE],
    check: (props, report) => {
      const quota = at(props, "workspaceCapping", "dailyQuotaGb");
      if (quota !== undefined && quota !== -1) {
        report(`Ingestion stops each day after ${show(quota)} GB (workspaceCapping.dailyQuotaGb).`);
      }
    },
  }),
  resourceRule({
    name: "required-tags",
    description:
      "Taggable Azure resources carry the project, stack, owner, cost-center and managed-by tags (configurable: requiredTags), which cost reports and ownership lookups rely on.",
    remediation: "pass tags: args.scope.tags (infra/tags.ts standardTags) to the resource.",
    appliesTo: [...TAGGABLE_TYPES],
    configSchema: {
      properties: {
        requiredTags: {
          type: "array",
          items: { type: "string", minLength: 1 },
          default: [...DEFAULT_REQUIRED_TAGS],
          description: "Tag names every taggable Azure resource must carry with a non-empty value.",
        },
      },
    },
    check: (props, report, args) => {
      const configured = args.getConfig<{ requiredTags?: unknown }>().requiredTags;
      const required = Array.isArray(configured)
        ? configured.filter((tag): tag is string => typeof tag === "string")
        : DEFAULT_REQUIRED_TAGS;
      const missing = required.filter((tag) => (text(at(props, "tags", tag)) ?? "").trim() === "");
      if (missing.length > 0) {
        report(`Missing tag(s): ${missing.join(", ")}.`);
      }
    },
  }),
  stackRule({
    name: "stateful-resources-protected",
    description:
      "Stateful resources (cluster, database server and databases, Key Vault, registry, Log Analytics workspace, storage, StatefulSets and volume claims) are protected, so no update or destroy can delete them without an explicit unprotect.",
    remediation:
      "pass protect: args.scope.protect in the resource options (hiring-infra:protect: true in the stack config).",
    appliesTo: [...STATEFUL_TYPES],
    check: (resources, report) => {
      for (const resource of resources) {
        if (STATEFUL_TYPES.has(resource.type) && !resource.opts.protect) {
          report(
            "This stateful resource is not protected (protect is unset): a replace or destroy would delete its data.",
            resource.urn,
          );
        }
      }
    },
  }),
  resourceRule({
    name: "no-privileged-role-at-subscription-scope",
    description:
      "No Owner, Contributor, User Access Administrator or RBAC Administrator role is assigned at subscription, management-group or root scope: grants are scoped to the resource that needs them.",
    remediation:
      "grant the narrowest built-in role on the specific resource or resource group with grantRole (infra/roles.ts).",
    appliesTo: [ROLE_ASSIGNMENT],
    check: (props, report) => {
      const roleId = text(props.roleDefinitionId)?.split("/").pop()?.toLowerCase() ?? "";
      const role = PRIVILEGED_ROLES[roleId];
      const scope = text(props.scope);
      if (role !== undefined && scope !== undefined && isBroadScope(scope)) {
        report(`${role} is assigned at scope ${scope === "" ? "/" : scope}.`);
      }
    },
  }),
];

/** Every rule of the pack, in the order reports list them. */
export const policies: readonly HiringPolicy[] = [
  ...aksRules,
  ...postgresRules,
  ...vaultAndRegistryRules,
  ...kubernetesRules,
  ...crossCuttingRules,
];
