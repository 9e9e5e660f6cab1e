/**
 * What the offline plan and the test mocks know about the resource types this program declares.
 * One table, so the mocks' names, the plan's summaries and the diff's replacement hints agree.
 */

/** The input that holds each azure-native type's Azure name (a segment of its resource id). */
export const AZURE_NAME_PROPERTY: Readonly<Record<string, string>> = {
  "azure-native:resources:ResourceGroup": "resourceGroupName",
  "azure-native:network:VirtualNetwork": "virtualNetworkName",
  "azure-native:network:Subnet": "subnetName",
  "azure-native:network:NetworkSecurityGroup": "networkSecurityGroupName",
  "azure-native:network:PrivateEndpoint": "privateEndpointName",
  "azure-native:network:PrivateDnsZoneGroup": "privateDnsZoneGroupName",
  "azure-native:privatedns:PrivateZone": "privateZoneName",
  "azure-native:privatedns:VirtualNetworkLink": "virtualNetworkLinkName",
  "azure-native:containerservice:ManagedCluster": "resourceName",
  "azure-native:containerservice:AgentPool": "agentPoolName",
  "azure-native:containerservice:MaintenanceConfiguration": "configName",
  "azure-native:dbforpostgresql:Server": "serverName",
  "azure-native:dbforpostgresql:Database": "databaseName",
  "azure-native:dbforpostgresql:Configuration": "configurationName",
  "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra": "objectId",
  "azure-native:keyvault:Vault": "vaultName",
  "azure-native:keyvault:Secret": "secretName",
  "azure-native:keyvault:Key": "keyName",
  "azure-native:containerregistry:Registry": "registryName",
  "azure-native:operationalinsights:Workspace": "workspaceName",
  "azure-native:managedidentity:UserAssignedIdentity": "resourceName",
  "azure-native:managedidentity:FederatedIdentityCredential":
    "federatedIdentityCredentialResourceName",
  "azure-native:authorization:RoleAssignment": "roleAssignmentName",
  // RoleDefinitionArgs.roleDefinitionId: "The ID of the role definition" (its GUID, the id's last segment).
  "azure-native:authorization:RoleDefinition": "roleDefinitionId",
  "azure-native:monitor:ActionGroup": "actionGroupName",
  "azure-native:monitor:MetricAlert": "ruleName",
  "azure-native:monitor:DiagnosticSetting": "name",
  "azure-native:monitor:DataCollectionRule": "dataCollectionRuleName",
  "azure-native:monitor:DataCollectionRuleAssociation": "associationName",
  "azure-native:storage:StorageAccount": "accountName",
  "azure-native:storage:BlobContainer": "containerName",
  "azure-native:storage:BlobServiceProperties": "blobServicesName",
};

/**
 * Inputs that form an azure-native resource's id besides its own name: a change to any of them
 * addresses a different Azure resource, so Pulumi must replace it.
 */
export const AZURE_ID_INPUTS: readonly string[] = [
  "resourceGroupName",
  "location",
  "scope",
  "resourceUri",
  "virtualNetworkName",
  "serverName",
  "vaultName",
  "accountName",
  "privateZoneName",
  "privateEndpointName",
  "identityName",
];

/** Types that hold data or state: replacing or deleting one loses something. */
export const STATEFUL_TYPES: ReadonlySet<string> = new Set([
  "azure-native:containerservice:ManagedCluster",
  "azure-native:dbforpostgresql:Server",
  "azure-native:dbforpostgresql:Database",
  "azure-native:keyvault:Vault",
  "azure-native:containerregistry:Registry",
  "azure-native:operationalinsights:Workspace",
  "azure-native:storage:StorageAccount",
  "kubernetes:apps/v1:StatefulSet",
  "kubernetes:core/v1:PersistentVolumeClaim",
]);

/** Per type, the input paths worth a glance in the plan's one-line summary. */
export const SUMMARY_INPUTS: Readonly<Record<string, readonly string[]>> = {
  "azure-native:resources:ResourceGroup": ["location"],
  "azure-native:network:VirtualNetwork": ["addressSpace.addressPrefixes"],
  "azure-native:network:Subnet": ["addressPrefix", "delegations[0].serviceName"],
  "azure-native:containerservice:ManagedCluster": [
    "kubernetesVersion",
    "sku.tier",
    "agentPoolProfiles[0].vmSize",
    "agentPoolProfiles[0].minCount",
    "agentPoolProfiles[0].maxCount",
    "agentPoolProfiles[0].availabilityZones",
    "networkProfile.networkPolicy",
    "disableLocalAccounts",
  ],
  "azure-native:containerservice:AgentPool": [
    "vmSize",
    "minCount",
    "maxCount",
    "availabilityZones",
    "osSKU",
  ],
  "azure-native:dbforpostgresql:Server": [
    "version",
    "sku.name",
    "sku.tier",
    "storage.storageSizeGB",
    "highAvailability.mode",
    "backup.backupRetentionDays",
    "backup.geoRedundantBackup",
    "network.publicNetworkAccess",
  ],
  "azure-native:dbforpostgresql:Configuration": ["configurationName", "value"],
  "azure-native:keyvault:Vault": [
    "properties.sku.name",
    "properties.enablePurgeProtection",
    "properties.publicNetworkAccess",
  ],
  "azure-native:containerregistry:Registry": [
    "sku.name",
    "zoneRedundancy",
    "adminUserEnabled",
    "publicNetworkAccess",
  ],
  "azure-native:operationalinsights:Workspace": ["sku.name", "retentionInDays"],
  "azure-native:authorization:RoleAssignment": ["principalType"],
  "azure-native:monitor:MetricAlert": ["severity", "criteria.allOf[0].metricName"],
  "kubernetes:helm.sh/v3:Release": ["chart", "version", "namespace"],
  "kubernetes:batch/v1:Job": ["spec.template.spec.containers[0].image"],
  "kubernetes:apps/v1:StatefulSet": ["spec.replicas", "spec.template.spec.containers[0].image"],
};

/**
 * The azure-native types this program declares that accept `tags` (their `...Args` typings have
 * a `tags` input). Types without one (Subnet, RoleAssignment, DiagnosticSetting, a server's
 * Configuration or Database...) cannot carry tags and are not checked. A test compares this list
 * with the typings for every type in this module's tables.
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
