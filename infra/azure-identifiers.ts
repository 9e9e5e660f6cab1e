/**
 * Every identifier this program sends to Azure that Azure, not this code, defines: built-in role
 * GUIDs, add-on and maintenance-configuration names, metric names and namespaces, diagnostic
 * log categories, private-link zones and group ids, server parameters, Defender settings.
 *
 * A wrong value here is accepted by every mock and rejected (or silently ignored) only by the
 * real cloud, so each value carries the primary source it was checked against, and
 * `tests/infra/azure-identifiers.test.ts` pins it with the same citation. This module imports
 * nothing from the repository, so every other module can depend on it.
 */

/**
 * Built-in Azure role definition GUIDs this project assigns or recognises (the same in every
 * tenant). Source: MicrosoftDocs/azure-docs `articles/role-based-access-control/built-in-roles/`
 * (one page per area; the GUID is the role's `name` in its JSON definition), page named per role.
 */
export const BuiltInRole = {
  /** Reader — built-in-roles/general.md ("View all resources, but does not allow you to make any changes."). */
  reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
  /** Contributor — built-in-roles/privileged.md. */
  contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
  /** Owner — built-in-roles/privileged.md. Never granted; recognised by policy. */
  owner: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
  /** User Access Administrator — built-in-roles/privileged.md. Never granted; recognised by policy. */
  userAccessAdministrator: "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
  /** Role Based Access Control Administrator — built-in-roles/privileged.md. */
  roleBasedAccessControlAdministrator: "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
  /** Network Contributor — built-in-roles/networking.md. */
  networkContributor: "4d97b98b-1d4f-4787-a291-c67834d212e7",
  /** Key Vault Secrets User — built-in-roles/security.md ("Read secret contents..."). */
  keyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
  /** Key Vault Secrets Officer — built-in-roles/security.md. */
  keyVaultSecretsOfficer: "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
  /** Key Vault Crypto User — built-in-roles/security.md ("Perform cryptographic operations using keys..."). */
  keyVaultCryptoUser: "12338af0-0e69-4776-bea7-57ae8d297424",
  /** AcrPull — built-in-roles/containers.md ("acr pull"). */
  acrPull: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
  /** AcrPush — built-in-roles/containers.md ("acr push"). */
  acrPush: "8311e382-0749-4cb8-b61a-304f252e45ec",
  /** Azure Kubernetes Service RBAC Cluster Admin — built-in-roles/containers.md. */
  aksRbacClusterAdmin: "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
  /** Azure Kubernetes Service RBAC Reader — built-in-roles/containers.md. */
  aksRbacReader: "7f6c6a51-bcf8-42ba-9220-52d62157d7db",
  /** Azure Kubernetes Service Cluster User Role — built-in-roles/containers.md. */
  aksClusterUser: "4abbcc35-e782-43d8-92c5-2d3f1bd2253f",
  /** Storage Blob Data Contributor — built-in-roles/storage.md. */
  storageBlobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
  /** Storage Blob Data Reader — built-in-roles/storage.md. */
  storageBlobDataReader: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
} as const;

/**
 * Data actions of the custom role through which a preview identity reads a target cluster:
 * every Kubernetes read, Secrets included, and nothing else.
 *
 * Why not the built-in role: Azure Kubernetes Service RBAC Reader lists its data actions one
 * resource kind at a time and leaves out `secrets/read` and the `rbac.authorization.k8s.io`
 * kinds ("This role does not allow viewing Secrets..."; MicrosoftDocs/azure-docs
 * `articles/role-based-access-control/built-in-roles/containers.md`), yet a refresh reads every
 * resource of the stack: Kubernetes Secrets, Roles and RoleBindings, and the Helm release record,
 * which Helm stores as a Secret.
 *
 * The one string's parts, all from MicrosoftDocs/azure-docs: `Microsoft.ContainerService/
 * managedClusters/` is the prefix of every data action of the AKS RBAC roles (containers.md;
 * Cluster Admin's is `Microsoft.ContainerService/managedClusters/*`); in
 * `articles/role-based-access-control/role-definitions.md` ("Actions format"), `*` matches any
 * action string and a `read` action is a GET, as in its `Microsoft.Network` example ("read
 * actions for all resource types in the Microsoft.Network resource provider"); `articles/role-based-access-control/custom-roles.md`
 * ("Custom role limits") allows one wildcard per action string. A write, delete or
 * `.../action` (e.g. `serviceaccounts/impersonate/action`) ends otherwise, so it does not match.
 */
export const AKS_CLUSTER_READ_DATA_ACTIONS: readonly string[] = [
  "Microsoft.ContainerService/managedClusters/*/read",
];

/**
 * AKS add-on profile keys (`addonProfiles.<key>`). Source: MicrosoftDocs/azure-aks-docs
 * `articles/aks/csi-secrets-store-driver.md` (`azureKeyvaultSecretsProvider`),
 * `articles/aks/create-postgresql-ha.md` (`omsagent`); MicrosoftDocs/azure-docs
 * `articles/governance/policy/concepts/policy-for-kubernetes.md`
 * (`az aks show --query addonProfiles.azurepolicy`).
 */
export const AksAddon = {
  keyVaultSecretsProvider: "azureKeyvaultSecretsProvider",
  azurePolicy: "azurepolicy",
  monitoring: "omsagent",
} as const;

/**
 * Names of the maintenance configurations AKS reads for automatic upgrades. Source:
 * MicrosoftDocs/azure-aks-docs `articles/aks/planned-maintenance.md`.
 */
export const AksMaintenanceConfiguration = {
  kubernetes: "aksManagedAutoUpgradeSchedule",
  nodeOs: "aksManagedNodeOSUpgradeSchedule",
} as const;

/**
 * Container Insights data collection names. Sources:
 * - microsoft/Docker-Provider
 *   `scripts/onboarding/aks/onboarding-using-msi-auth/existingClusterOnboarding.json`: the data
 *   source `"name": "ContainerInsightsExtension"` with `"extensionName": "ContainerInsights"`, and
 *   `"associationName": "ContainerInsightsExtension"` for the cluster's rule association;
 * - MicrosoftDocs/azure-monitor-docs
 *   `articles/azure-monitor/containers/includes/data-collection-rule-streams.md`:
 *   "Microsoft-ContainerInsights-Group-Default | Group stream that includes all of the above
 *   streams" (the same name goes in the data source's `streams` and in `dataFlows`).
 */
export const ContainerInsights = {
  extensionName: "ContainerInsights",
  dataSourceName: "ContainerInsightsExtension",
  streamGroup: "Microsoft-ContainerInsights-Group-Default",
} as const;

/**
 * AKS control-plane resource log categories collected. Source: MicrosoftDocs/azure-aks-docs
 * `articles/aks/monitor-aks.md` (the category list of its `az monitor diagnostic-settings
 * create` example, and its advice to prefer `kube-audit-admin`, which leaves out get/list).
 */
export const AKS_LOG_CATEGORIES: readonly string[] = [
  "kube-apiserver",
  "kube-audit-admin",
  "kube-controller-manager",
  "kube-scheduler",
  "cluster-autoscaler",
  "guard",
];

/**
 * Diagnostic-setting category group and metric category. Source: MicrosoftDocs/azure-monitor-docs
 * `articles/azure-monitor/platform/diagnostic-settings.md`, "Category groups" ("`allLogs`: All
 * categories for the resource") and the portal steps ("For **Metrics**, select **AllMetrics**").
 * PostgreSQL flexible server, Key Vault and Container Registry take the `allLogs` group; which of
 * them write resource-specific tables is cited in `infra/diagnostics.ts`.
 */
export const DiagnosticCategory = {
  allLogsGroup: "allLogs",
  allMetrics: "AllMetrics",
} as const;

/**
 * Platform metric namespaces (the resource type) and metric names alerts watch. Sources:
 * - MicrosoftDocs/azure-monitor-docs
 *   `articles/azure-monitor/reference/supported-metrics/microsoft-containerservice-managedclusters-metrics.md`
 *   ("Supported metrics for Microsoft.ContainerService/managedClusters"; "Name in REST API"
 *   `node_cpu_usage_percentage` and `node_memory_working_set_percentage`, aggregation Maximum,
 *   Average; `kube_pod_status_phase`, dimensions `phase`, `namespace`, `pod`, aggregation Total,
 *   Average);
 * - MicrosoftDocs/azure-databases-docs `articles/postgresql/flexible-server/concepts-monitoring.md`
 *   ("Default Metrics", Metric ID `cpu_percent` and `storage_percent`); the namespace is the page
 *   name of azure-monitor-docs `supported-metrics/microsoft-dbforpostgresql-flexibleservers-metrics.md`.
 */
export const Metric = {
  aksNamespace: "Microsoft.ContainerService/managedClusters",
  aksNodeCpuPercent: "node_cpu_usage_percentage",
  aksNodeMemoryWorkingSetPercent: "node_memory_working_set_percentage",
  aksPodPhase: "kube_pod_status_phase",
  aksPodPhaseDimension: "phase",
  postgresNamespace: "Microsoft.DBforPostgreSQL/flexibleServers",
  postgresCpuPercent: "cpu_percent",
  postgresStoragePercent: "storage_percent",
} as const;

/**
 * Private-link sub-resources (group ids) and the private DNS zone Azure resolves each in.
 * Source: MicrosoftDocs/azure-docs `articles/private-link/private-endpoint-dns.md`
 * (Key Vault `vault` → `privatelink.vaultcore.azure.net`; Container Registry `registry` →
 * `privatelink.azurecr.io`).
 */
export const PrivateLinkDnsZone = {
  /** Key Vault. */
  vault: "privatelink.vaultcore.azure.net",
  /** Container Registry (registry and its data endpoints). */
  registry: "privatelink.azurecr.io",
} as const;

/**
 * The suffix a VNet-integrated flexible server's private DNS zone must end with. Source:
 * MicrosoftDocs/azure-databases-docs `articles/postgresql/flexible-server/concepts-networking-private.md`
 * ("the private DNS zone name must end with `postgres.database.azure.com`").
 */
export const POSTGRES_PRIVATE_DNS_ZONE_SUFFIX = "postgres.database.azure.com";

/**
 * Server parameters set on every PostgreSQL flexible server, applied in this order. Source: the
 * per-version server parameter tables in MicrosoftDocs/azure-databases-docs
 * `articles/postgresql/server-parameters/includes/` (PostgreSQL 16; 17 for `ssl_min_protocol_version`):
 * - `param-16-tls.md`: `require_secure_transport`, boolean, allowed `on,off`, dynamic;
 * - `param-16-connections-authentication-ssl.md` and `param-17-…-ssl.md`:
 *   `ssl_min_protocol_version`, enumeration, allowed `TLSv1.2,TLSv1.3`, dynamic;
 * - `param-16-reporting-logging-what-log.md`: `log_connections`, `log_disconnections`,
 *   `log_checkpoints`, boolean, allowed `on,off`, dynamic;
 * - `param-16-customized-options.md`: `connection_throttle.enable` ("Enables temporary connection
 *   throttling per IP for too many login failures"), boolean, default `off`, dynamic.
 * All but the throttle are already Azure's defaults; setting them pins them against a portal or
 * CLI change. All are dynamic, so applying them restarts nothing.
 */
export const POSTGRES_SERVER_PARAMETERS: readonly (readonly [name: string, value: string])[] = [
  ["require_secure_transport", "on"],
  ["ssl_min_protocol_version", "TLSv1.2"],
  ["log_connections", "on"],
  ["log_disconnections", "on"],
  // Checkpoint timing and volume explain write stalls and recovery time after a failover.
  ["log_checkpoints", "on"],
  // Throttles an IP after repeated failed logins.
  ["connection_throttle.enable", "on"],
];

/**
 * The `source` a server parameter is written with to override Azure's default. Source:
 * Azure/azure-rest-api-specs
 * `specification/postgresql/resource-manager/Microsoft.DBforPostgreSQL/stable/2025-08-01/examples/ConfigurationsUpdateUsingPut.json`
 * (`"source": "user-override"`; a parameter left alone reads `"system-default"` in
 * `ConfigurationsGet.json`), the api-version `@pulumi/azure-native`'s
 * `dbforpostgresql/configuration.d.ts` uses.
 */
export const POSTGRES_PARAMETER_SOURCE = "user-override";

/**
 * Microsoft Defender for Containers on AKS: `securityProfile.defender` with
 * `securityMonitoring.enabled` and the workspace it reports to. Source: Azure/azure-rest-api-specs
 * `specification/containerservice/resource-manager/Microsoft.ContainerService/aks/stable/2025-09-01/managedClusters.json`
 * (`ManagedClusterSecurityProfileDefender`), the api-version `@pulumi/azure-native`'s
 * `containerservice/managedCluster.d.ts` uses.
 */
export const DefenderForContainers = {
  /** Property that turns on the Defender sensor's threat detection. */
  securityMonitoringProperty: "securityMonitoring",
  /** Property naming the Log Analytics workspace Defender reports to. */
  workspaceProperty: "logAnalyticsWorkspaceResourceId",
} as const;

/**
 * Service tags used as NSG rule sources (`VirtualNetwork`, `AzureLoadBalancer`, `Internet`).
 * Source: MicrosoftDocs/azure-docs `articles/virtual-network/service-tags-overview.md`.
 */
export const ServiceTag = {
  virtualNetwork: "VirtualNetwork",
  azureLoadBalancer: "AzureLoadBalancer",
  internet: "Internet",
} as const;

/**
 * Namespaces AKS or its add-ons create on every cluster this program builds, which an app must
 * not take. Source: MicrosoftDocs/azure-aks-docs `articles/aks/limit-egress-traffic.md`
 * ("the `kube-system` or `gatekeeper-system` namespaces", the Azure Policy add-on's), Kubernetes'
 * own (`kube-*`, `default`).
 */
export const CLUSTER_NAMESPACES: readonly string[] = [
  "default",
  "kube-system",
  "kube-public",
  "kube-node-lease",
  "gatekeeper-system",
];

/**
 * Addresses Azure keeps in every subnet (the first four and the last), so a subnet of `/n` has
 * `2^(32-n) - 5` usable addresses. Source: MicrosoftDocs/azure-aks-docs
 * `articles/aks/concepts-network-azure-cni-overlay.md` ("A `/24` subnet contains 256 IP
 * addresses. Azure reserves the first four and last IP addresses, leaving 251 usable addresses").
 */
export const AZURE_SUBNET_RESERVED_ADDRESSES = 5;

/**
 * Most tags one Azure resource carries. Source: MicrosoftDocs/azure-docs
 * `articles/azure-resource-manager/management/tag-resources.md` ("Each resource, resource group,
 * and subscription can have a maximum of 50 tag name-value pairs").
 */
export const AZURE_MAX_TAGS = 50;
