import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AKS_CLUSTER_READ_DATA_ACTIONS,
  AKS_LOG_CATEGORIES,
  AksAddon,
  AksMaintenanceConfiguration,
  AZURE_MAX_TAGS,
  AZURE_SUBNET_RESERVED_ADDRESSES,
  BuiltInRole,
  CLUSTER_NAMESPACES,
  ContainerInsights,
  DefenderForContainers,
  DiagnosticCategory,
  Metric,
  POSTGRES_PARAMETER_SOURCE,
  POSTGRES_PRIVATE_DNS_ZONE_SUFFIX,
  POSTGRES_SERVER_PARAMETERS,
  PrivateLinkDnsZone,
  ServiceTag,
} from "../../infra/azure-identifiers";
import { assignableRolesCondition, BuiltInRole as GrantedRole } from "../../infra/roles";
import { PRIVILEGED_ROLES } from "../../policy/rules";

// Each expected value below was copied from the cited source, not from infra/azure-identifiers.ts.
const BUILT_IN_ROLES = "MicrosoftDocs/azure-docs articles/role-based-access-control/built-in-roles";

describe("Azure identifiers are the values Microsoft publishes", () => {
  it(`built-in role GUIDs match the role definitions' "name" in ${BUILT_IN_ROLES}/*.md`, () => {
    assert.deepEqual(BuiltInRole, {
      // general.md: "roleName": "Reader"
      reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
      // privileged.md: "roleName": "Contributor"
      contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
      // privileged.md: "roleName": "Owner"
      owner: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
      // privileged.md: "roleName": "User Access Administrator"
      userAccessAdministrator: "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
      // privileged.md: "roleName": "Role Based Access Control Administrator"
      roleBasedAccessControlAdministrator: "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
      // networking.md: Network Contributor
      networkContributor: "4d97b98b-1d4f-4787-a291-c67834d212e7",
      // security.md: Key Vault Secrets User ("Read secret contents...")
      keyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
      // security.md: Key Vault Secrets Officer
      keyVaultSecretsOfficer: "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
      // security.md: Key Vault Crypto User
      keyVaultCryptoUser: "12338af0-0e69-4776-bea7-57ae8d297424",
      // containers.md: AcrPull ("acr pull")
      acrPull: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
      // containers.md: AcrPush ("acr push")
      acrPush: "8311e382-0749-4cb8-b61a-304f252e45ec",
      // containers.md: Azure Kubernetes Service RBAC Cluster Admin
      aksRbacClusterAdmin: "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
      // containers.md: Azure Kubernetes Service RBAC Reader
      aksRbacReader: "7f6c6a51-bcf8-42ba-9220-52d62157d7db",
      // containers.md: "roleName": "Azure Kubernetes Service Cluster User Role"
      aksClusterUser: "4abbcc35-e782-43d8-92c5-2d3f1bd2253f",
      // storage.md: Storage Blob Data Contributor
      storageBlobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
      // storage.md: Storage Blob Data Reader
      storageBlobDataReader: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
    });
  });

  it(`the preview cluster reader's data actions read everything AKS RBAC Reader leaves out (${BUILT_IN_ROLES}/containers.md)`, () => {
    assert.deepEqual(AKS_CLUSTER_READ_DATA_ACTIONS, [
      // containers.md: every AKS RBAC data action starts "Microsoft.ContainerService/managedClusters/"
      // (Cluster Admin: "Microsoft.ContainerService/managedClusters/*"; Reader lists
      // ".../configmaps/read", ".../pods/read", ... and no ".../secrets/read"). role-definitions.md,
      // "Actions format": "*" matches any string, "read" is a GET; custom-roles.md: one wildcard.
      "Microsoft.ContainerService/managedClusters/*/read",
    ]);
  });

  it("grants, the RBAC Administrator condition and the privileged-role policy use those GUIDs", () => {
    assert.equal(GrantedRole, BuiltInRole);
    const condition = assignableRolesCondition(["reader", "aksClusterUser"]);
    assert.match(condition, /acdd72a7-3385-48ef-bd42-f606fba81ae7/);
    assert.match(condition, /4abbcc35-e782-43d8-92c5-2d3f1bd2253f/);
    assert.deepEqual(Object.keys(PRIVILEGED_ROLES).sort(), [
      "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
      "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
      "b24988ac-6180-42a0-ab88-20f7382dd24c",
      "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
    ]);
  });

  // MicrosoftDocs/azure-aks-docs articles/aks/csi-secrets-store-driver.md ("azureKeyvaultSecretsProvider"),
  // articles/aks/create-postgresql-ha.md ("omsagent"); `az aks show --query addonProfiles.azurepolicy`.
  it("AKS add-on keys are the addonProfiles keys AKS reports", () => {
    assert.deepEqual(AksAddon, {
      keyVaultSecretsProvider: "azureKeyvaultSecretsProvider",
      azurePolicy: "azurepolicy",
      monitoring: "omsagent",
    });
  });

  // MicrosoftDocs/azure-aks-docs articles/aks/planned-maintenance.md
  it("maintenance configurations are the two AKS reads for automatic upgrades", () => {
    assert.deepEqual(AksMaintenanceConfiguration, {
      kubernetes: "aksManagedAutoUpgradeSchedule",
      nodeOs: "aksManagedNodeOSUpgradeSchedule",
    });
  });

  // MicrosoftDocs/azure-aks-docs articles/aks/monitor-aks.md (diagnostic-settings example)
  it("AKS log categories are among those AKS publishes, audit as kube-audit-admin", () => {
    assert.deepEqual(AKS_LOG_CATEGORIES, [
      "kube-apiserver",
      "kube-audit-admin",
      "kube-controller-manager",
      "kube-scheduler",
      "cluster-autoscaler",
      "guard",
    ]);
    // MicrosoftDocs/azure-monitor-docs articles/azure-monitor/platform/diagnostic-settings.md:
    // "`allLogs`: All categories for the resource"; "For **Metrics**, select **AllMetrics**".
    assert.deepEqual(DiagnosticCategory, { allLogsGroup: "allLogs", allMetrics: "AllMetrics" });
  });

  // microsoft/Docker-Provider scripts/onboarding/aks/onboarding-using-msi-auth/existingClusterOnboarding.json:
  // data source "name": "ContainerInsightsExtension", "extensionName": "ContainerInsights",
  // "associationName": "ContainerInsightsExtension". MicrosoftDocs/azure-monitor-docs
  // articles/azure-monitor/containers/includes/data-collection-rule-streams.md:
  // "Microsoft-ContainerInsights-Group-Default | Group stream that includes all of the above streams".
  it("Container Insights uses the extension, data source and stream group AKS expects", () => {
    assert.deepEqual(ContainerInsights, {
      extensionName: "ContainerInsights",
      dataSourceName: "ContainerInsightsExtension",
      streamGroup: "Microsoft-ContainerInsights-Group-Default",
    });
  });

  // MicrosoftDocs/azure-monitor-docs articles/azure-monitor/reference/supported-metrics/
  // microsoft-containerservice-managedclusters-metrics.md ("Name in REST API": node_cpu_usage_percentage,
  // node_memory_working_set_percentage, kube_pod_status_phase with dimension `phase`);
  // MicrosoftDocs/azure-databases-docs articles/postgresql/flexible-server/concepts-monitoring.md
  // ("Default Metrics", Metric ID cpu_percent, storage_percent).
  it("alert metrics and namespaces are Azure Monitor platform metrics", () => {
    assert.deepEqual(Metric, {
      aksNamespace: "Microsoft.ContainerService/managedClusters",
      aksNodeCpuPercent: "node_cpu_usage_percentage",
      aksNodeMemoryWorkingSetPercent: "node_memory_working_set_percentage",
      aksPodPhase: "kube_pod_status_phase",
      aksPodPhaseDimension: "phase",
      postgresNamespace: "Microsoft.DBforPostgreSQL/flexibleServers",
      postgresCpuPercent: "cpu_percent",
      postgresStoragePercent: "storage_percent",
    });
  });

  // MicrosoftDocs/azure-docs articles/private-link/private-endpoint-dns.md:
  // "Azure Key Vault (Microsoft.KeyVault/vaults) | vault | privatelink.vaultcore.azure.net",
  // "Azure Container Registry (Microsoft.ContainerRegistry/registries) | registry | privatelink.azurecr.io".
  it("private-link group ids resolve in the zones Azure names", () => {
    assert.deepEqual(PrivateLinkDnsZone, {
      vault: "privatelink.vaultcore.azure.net",
      registry: "privatelink.azurecr.io",
    });
    assert.equal(POSTGRES_PRIVATE_DNS_ZONE_SUFFIX, "postgres.database.azure.com");
  });

  // MicrosoftDocs/azure-databases-docs articles/postgresql/server-parameters/includes/:
  // param-16-tls.md (require_secure_transport, on,off); param-16-connections-authentication-ssl.md
  // (ssl_min_protocol_version, TLSv1.2,TLSv1.3); param-16-reporting-logging-what-log.md
  // (log_connections, log_disconnections, log_checkpoints, on,off); param-16-customized-options.md
  // (connection_throttle.enable, on,off, default off).
  it("PostgreSQL server parameters enforce TLS 1.2+ and log connections and checkpoints", () => {
    // Azure/azure-rest-api-specs specification/postgresql/resource-manager/Microsoft.DBforPostgreSQL/
    // stable/2025-08-01/examples/ConfigurationsUpdateUsingPut.json: "source": "user-override".
    assert.equal(POSTGRES_PARAMETER_SOURCE, "user-override");
    assert.deepEqual(Object.fromEntries(POSTGRES_SERVER_PARAMETERS), {
      require_secure_transport: "on",
      ssl_min_protocol_version: "TLSv1.2",
      log_connections: "on",
      log_disconnections: "on",
      log_checkpoints: "on",
      "connection_throttle.enable": "on",
    });
  });

  // ManagedClusterSecurityProfileDefender in @pulumi/azure-native types/input.d.ts (api 2025-09-01).
  it("Defender for Containers is configured through securityProfile.defender", () => {
    assert.deepEqual(DefenderForContainers, {
      securityMonitoringProperty: "securityMonitoring",
      workspaceProperty: "logAnalyticsWorkspaceResourceId",
    });
  });

  it("service tags, reserved subnet addresses, tag limit and cluster namespaces", () => {
    assert.deepEqual(ServiceTag, {
      virtualNetwork: "VirtualNetwork",
      azureLoadBalancer: "AzureLoadBalancer",
      internet: "Internet",
    });
    // MicrosoftDocs/azure-aks-docs articles/aks/concepts-network-azure-cni-overlay.md: "Azure
    // reserves the first four and last IP addresses, leaving 251 usable addresses" in a /24.
    assert.equal(256 - AZURE_SUBNET_RESERVED_ADDRESSES, 251);
    assert.equal(AZURE_MAX_TAGS, 50);
    // MicrosoftDocs/azure-aks-docs articles/aks/limit-egress-traffic.md ("kube-system or gatekeeper-system").
    assert.ok(CLUSTER_NAMESPACES.includes("gatekeeper-system"));
    assert.ok(CLUSTER_NAMESPACES.includes("kube-system"));
  });
});
