import * as authorization from "@pulumi/azure-native/authorization";
import * as resources from "@pulumi/azure-native/resources";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import {
  AppPlatform,
  databaseNameOf,
  DB_PROVISIONING_NAMESPACE,
  type DatabaseConnection,
} from "../infra/app-platform";
import type { AzureScope } from "../infra/azure-scope";
import { ContainerRegistry } from "../infra/container-registry";
import { Database } from "../infra/database";
import { Diagnostics } from "../infra/diagnostics";
import { InClusterDatabase } from "../infra/in-cluster-database";
import {
  Jenkins,
  type JenkinsAzureAccess,
  type JenkinsTarget,
  type JenkinsTargetScopes,
} from "../infra/cicd";
import { KubernetesCluster } from "../infra/kubernetes-cluster";
import { ResourceNamer, UNIQUE_SUFFIX_LENGTH } from "../infra/naming";
import { Network } from "../infra/network";
import { Observability } from "../infra/observability";
import { SecretStore } from "../infra/secret-store";
import { standardTags } from "../infra/tags";
import {
  administratorRoles,
  JENKINS_NAMESPACE,
  PROJECT,
  stackNamespaces,
  type AzureStackConfig,
  type LocalStackConfig,
  type StackConfig,
} from "./config";

/** The stack outputs, as `pulumi stack output` shows them. */
export type HostingStackOutputs = Record<string, pulumi.Output<unknown>>;

function azureScope(
  config: AzureStackConfig,
): AzureScope & { resourceGroupId: pulumi.Output<string> } {
  const tags = standardTags({
    project: PROJECT,
    stack: config.stack,
    environment: config.environment,
    owner: config.tags.owner,
    costCenter: config.tags.costCenter,
    extra: config.tags.extra,
  });
  // One suffix per stack, kept in state, makes globally unique names (Key Vault, ACR,
  // PostgreSQL) stable across deployments yet free after a soft delete.
  // Protected with the stack: a new suffix would rename, so replace, every global resource.
  const suffix = new random.RandomString(
    "name-suffix",
    { length: UNIQUE_SUFFIX_LENGTH, special: false, upper: false, numeric: true, lower: true },
    { protect: config.protect },
  );
  const namer = new ResourceNamer(
    { prefix: config.namePrefix, stack: config.stack },
    suffix.result,
  );
  const resourceGroup = new resources.ResourceGroup(
    "resource-group",
    { resourceGroupName: namer.name("resourceGroup"), location: config.location, tags },
    { protect: config.protect },
  );
  return {
    resourceGroupName: resourceGroup.name,
    resourceGroupId: resourceGroup.id,
    location: config.location,
    namer,
    tags,
    protect: config.protect,
  };
}

/** What the cluster-side services need from the platform underneath. */
interface ClusterPlatform {
  /** Provider bound to the stack's cluster. */
  readonly provider: k8s.Provider;
  /** The PostgreSQL server, wherever it runs. */
  readonly database: DatabaseConnection;
  /** Stack outputs of the platform itself. */
  readonly outputs: HostingStackOutputs;
  /** What Jenkins needs to give its pipelines Azure identities; absent off Azure. */
  readonly jenkinsAzure?: JenkinsAzureAccess;
  /** This stack's own scopes as a Jenkins target; absent off Azure. */
  readonly jenkinsSelf?: JenkinsTargetScopes;
}

function azurePlatform(config: AzureStackConfig): ClusterPlatform {
  const scope = azureScope(config);
  const client = authorization.getClientConfigOutput();
  const { cluster: clusterConfig, database: databaseConfig } = config;

  const network = new Network("network", {
    scope,
    addressSpace: config.network.addressSpace,
    subnets: config.network.subnets,
    nodeTraffic: {
      podCidr: clusterConfig.podCidr,
      publicIngress: config.cicd.enabled && config.cicd.ingress.enabled,
    },
  });

  const observability = new Observability("observability", {
    scope,
    retentionDays: config.observability.retentionDays,
    dailyQuotaGb: config.observability.dailyQuotaGb,
    alertsEnabled: config.observability.alerts.enabled,
    alertEmails: config.observability.alerts.emails,
  });

  const cluster = new KubernetesCluster("cluster", {
    scope,
    kubernetesVersion: clusterConfig.kubernetesVersion,
    tier: clusterConfig.tier,
    availabilityZones: clusterConfig.availabilityZones,
    systemPool: clusterConfig.systemPool,
    userPool: clusterConfig.userPool,
    nodeSubnetId: network.nodeSubnetId,
    podCidr: clusterConfig.podCidr,
    serviceCidr: clusterConfig.serviceCidr,
    dnsServiceIp: clusterConfig.dnsServiceIp,
    networkPolicy: clusterConfig.networkPolicy,
    adminGroupObjectIds: clusterConfig.adminGroupObjectIds,
    tenantId: client.tenantId,
    subscriptionId: client.subscriptionId,
    authorizedIpRanges: clusterConfig.apiServer.authorizedIpRanges,
    privateCluster: clusterConfig.apiServer.privateCluster,
    upgradeChannel: clusterConfig.upgradeChannel,
    nodeOsUpgradeChannel: clusterConfig.nodeOsUpgradeChannel,
    maintenanceWindow: clusterConfig.maintenanceWindow,
    logAnalyticsWorkspaceId: observability.workspaceId,
    defenderForContainers: clusterConfig.defenderForContainers,
  });

  const adminGroups = clusterConfig.adminGroupObjectIds.map((principalId) => ({
    principalId,
    principalType: "Group" as const,
  }));
  const secretStore = new SecretStore("secrets", {
    scope,
    tenantId: client.tenantId,
    subscriptionId: client.subscriptionId,
    sku: config.keyVault.sku,
    softDeleteRetentionDays: config.keyVault.softDeleteRetentionDays,
    purgeProtection: config.keyVault.purgeProtection,
    publicNetworkAccess: config.keyVault.publicNetworkAccess,
    allowedIpRanges: config.keyVault.publicNetworkAccess ? config.keyVault.allowedIpRanges : [],
    allowedSubnetIds: config.keyVault.publicNetworkAccess ? [network.nodeSubnetId] : [],
    ...(config.keyVault.publicNetworkAccess
      ? {}
      : {
          privateEndpoint: {
            subnetId: network.privateEndpointSubnetId,
            privateDnsZoneId: network.privateDnsZoneIds.keyVault,
          },
        }),
    // The cluster's secrets-store CSI driver mounts app secrets; the admin groups manage them.
    secretReaders: [
      { principalId: cluster.keyVaultSecretsProviderObjectId, principalType: "ServicePrincipal" },
    ],
    secretOfficers: adminGroups,
  });

  const registry = new ContainerRegistry("registry", {
    scope,
    subscriptionId: client.subscriptionId,
    sku: config.registry.sku,
    zoneRedundancy: config.registry.zoneRedundancy,
    untaggedRetentionDays: config.registry.untaggedRetentionDays,
    // Private endpoints need Premium; a Premium registry is reachable only through one.
    ...(config.registry.sku === "Premium"
      ? {
          privateEndpoint: {
            subnetId: network.privateEndpointSubnetId,
            privateDnsZoneId: network.privateDnsZoneIds.registry,
          },
        }
      : {}),
    pullers: [{ principalId: cluster.kubeletIdentityObjectId, principalType: "ServicePrincipal" }],
    pushers: [],
  });

  const database = new Database("database", {
    scope,
    version: databaseConfig.version,
    skuName: databaseConfig.skuName,
    skuTier: databaseConfig.skuTier,
    storageSizeGB: databaseConfig.storageSizeGB,
    storageAutoGrow: databaseConfig.storageAutoGrow,
    backupRetentionDays: databaseConfig.backupRetentionDays,
    geoRedundantBackup: databaseConfig.geoRedundantBackup,
    highAvailability: databaseConfig.highAvailability,
    ...(databaseConfig.availabilityZone
      ? { availabilityZone: databaseConfig.availabilityZone }
      : {}),
    ...(databaseConfig.standbyAvailabilityZone
      ? { standbyAvailabilityZone: databaseConfig.standbyAvailabilityZone }
      : {}),
    administratorLogin: databaseConfig.administratorLogin,
    maintenanceWindow: databaseConfig.maintenanceWindow,
    delegatedSubnetId: network.databaseSubnetId,
    privateDnsZoneId: network.privateDnsZoneIds.postgres,
    keyVaultName: secretStore.vaultName,
    tenantId: client.tenantId,
    entraAdministrators: databaseConfig.entraAdministrators,
    databases: config.apps.filter((app) => app.database).map((app) => databaseNameOf(app.name)),
  });

  new Diagnostics("diagnostics", {
    scope,
    workspaceId: observability.workspaceId,
    targets: {
      cluster: cluster.clusterId,
      database: database.serverId,
      keyVault: secretStore.vaultId,
      registry: registry.registryId,
    },
    ...(config.observability.alerts.enabled
      ? { actionGroupId: observability.actionGroupId.apply((id) => id ?? "") }
      : {}),
  });

  return {
    provider: cluster.provider,
    jenkinsAzure: {
      scope,
      subscriptionId: client.subscriptionId,
      tenantId: client.tenantId,
      oidcIssuerUrl: cluster.oidcIssuerUrl,
      keyVaultName: secretStore.vaultName,
      ...(config.cicd.stateStorageAccountId
        ? { stateStorageAccountId: config.cicd.stateStorageAccountId }
        : {}),
      ...(config.cicd.secretsKeyId ? { secretsKeyId: config.cicd.secretsKeyId } : {}),
    },
    jenkinsSelf: { resourceGroupId: scope.resourceGroupId, clusterId: cluster.clusterId },
    database: {
      host: database.fqdn,
      // Each app's provisioning job waits for its own Azure database only.
      databases: database.databases,
      port: 5432,
      adminUser: database.administratorLogin,
      adminPassword: database.administratorPassword,
      sslMode: "require",
      peer: { kind: "cidr", cidr: config.network.subnets.database },
    },
    outputs: {
      platform: pulumi.output(config.platform),
      resourceGroupName: pulumi.output(scope.resourceGroupName),
      // What the CI stack's cicd.targets entry for this stack needs.
      resourceGroupId: scope.resourceGroupId,
      clusterId: cluster.clusterId,
      clusterName: cluster.clusterName,
      oidcIssuerUrl: cluster.oidcIssuerUrl,
      kubeconfig: cluster.kubeconfig,
      keyVaultUri: secretStore.vaultUri,
      registryLoginServer: registry.loginServer,
      databaseHost: database.fqdn,
      databaseAdminPasswordSecret: database.adminPasswordSecretName,
      logAnalyticsWorkspaceId: observability.workspaceId,
    },
  };
}

/** The provisioning jobs and the apps are the only clients of an in-cluster server. */
function localPlatform(config: LocalStackConfig): ClusterPlatform {
  const provider = new k8s.Provider("kubernetes", {
    ...(config.kubernetes.kubeconfigPath ? { kubeconfig: config.kubernetes.kubeconfigPath } : {}),
    ...(config.kubernetes.context ? { context: config.kubernetes.context } : {}),
    enableServerSideApply: true,
  });
  const database = new InClusterDatabase(
    "database",
    {
      version: config.database.version,
      storageSize: config.database.storageSize,
      ...(config.database.storageClassName
        ? { storageClassName: config.database.storageClassName }
        : {}),
      clientNamespaces: [
        DB_PROVISIONING_NAMESPACE,
        ...config.apps.filter((app) => app.database).map((app) => app.name),
      ],
    },
    { providers: { kubernetes: provider } },
  );
  return {
    provider,
    database: {
      host: database.host,
      port: database.port,
      adminUser: database.adminUser,
      adminPassword: database.adminPassword,
      // Traffic never leaves the cluster network; the NetworkPolicy admits only the clients.
      sslMode: "disable",
      peer: { kind: "pods", namespace: "database", podLabels: database.podLabels },
    },
    outputs: {
      platform: pulumi.output(config.platform),
      databaseHost: database.host,
    },
  };
}

/**
 * What every pipeline needs to reach the state backend: the backend URL for the Pulumi CLI and,
 * for `azblob://`, the storage account, which DefaultAzureCredential-based access also reads.
 */
export function pipelineEnvironment(backendUrl: string | undefined): Record<string, string> {
  if (backendUrl === undefined) {
    return {};
  }
  const account = /[?&]storage_account=([a-z0-9]+)/.exec(backendUrl)?.[1];
  return {
    PULUMI_BACKEND_URL: backendUrl,
    ...(backendUrl.startsWith("azblob://") && account ? { AZURE_STORAGE_ACCOUNT: account } : {}),
  };
}

/**
 * The stacks the Jenkins hosted here deploys: this stack first, then each `cicd.targets` entry
 * (one entry onboards a stack). Off Azure there are no scopes, hence no identities.
 */
function jenkinsTargets(config: StackConfig, platform: ClusterPlatform): JenkinsTarget[] {
  if (platform.jenkinsSelf === undefined) {
    return [{ stack: config.stack }];
  }
  return [
    { stack: config.stack, azure: platform.jenkinsSelf },
    ...config.cicd.targets.map(({ stack, resourceGroupId, clusterId }) => ({
      stack,
      azure: { resourceGroupId, clusterId },
    })),
  ];
}

/** Services on the cluster, the same on every platform. */
function clusterServices(config: StackConfig, platform: ClusterPlatform): HostingStackOutputs {
  const providers = { providers: { kubernetes: platform.provider } };
  const apps = new AppPlatform(
    "apps",
    {
      apps: config.apps,
      reservedNamespaces: stackNamespaces(config),
      administratorRoles: administratorRoles(config),
      ...(config.apps.some((app) => app.database) ? { database: platform.database } : {}),
    },
    providers,
  );
  const outputs: HostingStackOutputs = {
    ...platform.outputs,
    appNamespaces: apps.namespaces,
    appDatabaseSecrets: apps.databaseSecretNames,
  };
  if (!config.cicd.enabled) {
    return outputs;
  }
  const jenkins = new Jenkins(
    "jenkins",
    {
      namespace: JENKINS_NAMESPACE,
      repositoryUrl: config.cicd.repositoryUrl,
      signIn: config.cicd.signIn,
      targets: jenkinsTargets(config, platform),
      breakGlass: config.cicd.breakGlass,
      approvers: config.cicd.approvers,
      ingress: config.cicd.ingress,
      pipelineEnvironment: pipelineEnvironment(config.cicd.backendUrl),
      ...(config.cicd.agentImage === undefined ? {} : { agentImage: config.cicd.agentImage }),
      ...(platform.jenkinsAzure ? { azure: platform.jenkinsAzure } : {}),
    },
    providers,
  );
  return {
    ...outputs,
    jenkinsNamespace: jenkins.namespace,
    jenkinsAdminPassword: jenkins.adminPassword,
    jenkinsIdentityClientIds: jenkins.identityClientIds,
  };
}

/**
 * The composition root: creates the stack's components in dependency order, passing each one's
 * typed outputs to the next. The platform (Azure or an existing cluster) is chosen here, once.
 */
export function createHostingStack(config: StackConfig): HostingStackOutputs {
  const platform = config.platform === "azure" ? azurePlatform(config) : localPlatform(config);
  return clusterServices(config, platform);
}
