import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import {
  KubernetesCluster,
  type KubernetesClusterArgs,
  type NodePoolSettings,
} from "../../infra/kubernetes-cluster";
import { BuiltInRole } from "../../infra/roles";
import {
  assertRejectsBeforeRegistering,
  ofType,
  recordComponent,
  single,
  testScope,
} from "../harness/component";
import { MOCK_AZURE, stableGuid } from "../../tools/offline/mocks";
import { isSecretValue, type RecordedResource, unsecret } from "../../tools/offline/recorder";
import { isSecretOutput, valueOf } from "../../tools/offline/runtime";

const CLUSTER = "azure-native:containerservice:ManagedCluster";
const AGENT_POOL = "azure-native:containerservice:AgentPool";
const MAINTENANCE = "azure-native:containerservice:MaintenanceConfiguration";
const IDENTITY = "azure-native:managedidentity:UserAssignedIdentity";
const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";
const K8S_PROVIDER = "pulumi:providers:kubernetes";

const NODE_SUBNET_ID = `/subscriptions/${MOCK_AZURE.subscriptionId}/resourceGroups/rg-hire-test/providers/Microsoft.Network/virtualNetworks/vnet-hire-test/subnets/snet-hire-test-nodes`;
const WORKSPACE_ID = `/subscriptions/${MOCK_AZURE.subscriptionId}/resourceGroups/rg-hire-test/providers/Microsoft.OperationalInsights/workspaces/log-hire-test`;
const ADMIN_GROUP = "11111111-2222-4333-8444-555555555555";

const systemPool: NodePoolSettings = {
  vmSize: "Standard_D2ds_v5",
  minCount: 1,
  maxCount: 2,
  maxPods: 110,
  osDiskSizeGB: 64,
  osDiskType: "Ephemeral",
};
const userPool: NodePoolSettings = {
  vmSize: "Standard_D4ds_v5",
  minCount: 1,
  maxCount: 3,
  maxPods: 110,
  osDiskSizeGB: 128,
  osDiskType: "Ephemeral",
};

const devArgs = (): KubernetesClusterArgs => ({
  scope: testScope(),
  kubernetesVersion: "1.34",
  tier: "Free",
  availabilityZones: [],
  systemPool,
  userPool,
  nodeSubnetId: NODE_SUBNET_ID,
  podCidr: "192.168.0.0/16",
  serviceCidr: "172.16.0.0/16",
  dnsServiceIp: "172.16.0.10",
  networkPolicy: "cilium",
  adminGroupObjectIds: [ADMIN_GROUP],
  tenantId: MOCK_AZURE.tenantId,
  subscriptionId: MOCK_AZURE.subscriptionId,
  authorizedIpRanges: ["203.0.113.4/32", "198.51.100.0/24"],
  privateCluster: false,
  upgradeChannel: "patch",
  nodeOsUpgradeChannel: "NodeImage",
  maintenanceWindow: { dayOfWeek: "Sunday", startTime: "02:00", durationHours: 4 },
  logAnalyticsWorkspaceId: WORKSPACE_ID,
  defenderForContainers: false,
});

const prodArgs = (): KubernetesClusterArgs => ({
  ...devArgs(),
  scope: testScope({ protect: true }),
  tier: "Standard",
  availabilityZones: ["1", "2", "3"],
  systemPool: { ...systemPool, vmSize: "Standard_D4ds_v5", minCount: 3, maxCount: 5 },
  userPool: { ...userPool, vmSize: "Standard_D8ds_v5", minCount: 3, maxCount: 10 },
  authorizedIpRanges: [],
  privateCluster: true,
  upgradeChannel: "stable",
  nodeOsUpgradeChannel: "SecurityPatch",
  maintenanceWindow: { dayOfWeek: "Saturday", startTime: "22:30", durationHours: 8 },
  defenderForContainers: true,
});

type Inputs = Readonly<Record<string, unknown>>;
const systemProfileOf = (cluster: RecordedResource): Inputs => {
  const profiles = cluster.inputs.agentPoolProfiles as Inputs[];
  assert.equal(profiles.length, 1, "only the system pool is declared inline");
  return profiles[0] as Inputs;
};
const addon = (cluster: RecordedResource, key: string): Inputs =>
  (cluster.inputs.addonProfiles as Record<string, Inputs>)[key] as Inputs;

describe("KubernetesCluster", () => {
  let dev: readonly RecordedResource[];
  let prod: readonly RecordedResource[];
  let devCluster: KubernetesCluster;
  let prodCluster: KubernetesCluster;
  before(async () => {
    ({ resources: prod, component: prodCluster } = await recordComponent(
      () => new KubernetesCluster("aks", prodArgs()),
    ));
    ({ resources: dev, component: devCluster } = await recordComponent(
      () => new KubernetesCluster("aks", devArgs()),
    ));
  });

  it("registers the component under its type token with every child parented to it", () => {
    const component = single(dev, "hiring:kubernetes:KubernetesCluster");
    for (const child of dev.filter((resource) => resource !== component)) {
      assert.equal(child.parent, component.urn, `${child.type} ${child.name}`);
    }
  });

  it("names the cluster and its DNS prefix from the naming convention", () => {
    const cluster = single(dev, CLUSTER);
    assert.equal(cluster.inputs.resourceName, "aks-hire-test");
    assert.equal(cluster.inputs.dnsPrefix, "aks-hire-test");
    assert.equal(cluster.inputs.location, "westeurope");
    assert.equal(cluster.inputs.resourceGroupName, "rg-hire-test");
    assert.equal(cluster.inputs.kubernetesVersion, "1.34");
  });

  it("keeps the system pool for critical add-ons only: mode System and tainted CriticalAddonsOnly", () => {
    const system = systemProfileOf(single(dev, CLUSTER));
    assert.equal(system.name, "system");
    assert.equal(system.mode, "System");
    assert.deepEqual(system.nodeTaints, ["CriticalAddonsOnly=true:NoSchedule"]);
  });

  it("autoscales the system pool between its bounds on Azure Linux VM scale sets in the node subnet", () => {
    const system = systemProfileOf(single(dev, CLUSTER));
    assert.deepEqual(
      {
        vmSize: system.vmSize,
        enableAutoScaling: system.enableAutoScaling,
        minCount: system.minCount,
        maxCount: system.maxCount,
        count: system.count,
        osSKU: system.osSKU,
        osType: system.osType,
        osDiskType: system.osDiskType,
        osDiskSizeGB: system.osDiskSizeGB,
        maxPods: system.maxPods,
        vnetSubnetID: system.vnetSubnetID,
        type: system.type,
      },
      {
        vmSize: "Standard_D2ds_v5",
        enableAutoScaling: true,
        minCount: 1,
        maxCount: 2,
        count: 1,
        osSKU: "AzureLinux",
        osType: "Linux",
        osDiskType: "Ephemeral",
        osDiskSizeGB: 64,
        maxPods: 110,
        vnetSubnetID: NODE_SUBNET_ID,
        type: "VirtualMachineScaleSets",
      },
    );
  });

  it("declares the user pool as a separate AgentPool, never inline, autoscaled between its bounds", () => {
    const pools = ofType(dev, AGENT_POOL);
    assert.equal(pools.length, 1);
    const apps = pools[0] as RecordedResource;
    assert.ok(
      !(single(dev, CLUSTER).inputs.agentPoolProfiles as Inputs[]).some((p) => p.mode === "User"),
    );
    assert.deepEqual(
      {
        agentPoolName: apps.inputs.agentPoolName,
        resourceName: apps.inputs.resourceName,
        resourceGroupName: apps.inputs.resourceGroupName,
        mode: apps.inputs.mode,
        vmSize: apps.inputs.vmSize,
        enableAutoScaling: apps.inputs.enableAutoScaling,
        minCount: apps.inputs.minCount,
        maxCount: apps.inputs.maxCount,
        count: apps.inputs.count,
        osSKU: apps.inputs.osSKU,
        osDiskType: apps.inputs.osDiskType,
        osDiskSizeGB: apps.inputs.osDiskSizeGB,
        maxPods: apps.inputs.maxPods,
        vnetSubnetID: apps.inputs.vnetSubnetID,
        nodeTaints: apps.inputs.nodeTaints,
      },
      {
        agentPoolName: "apps",
        resourceName: "aks-hire-test",
        resourceGroupName: "rg-hire-test",
        mode: "User",
        vmSize: "Standard_D4ds_v5",
        enableAutoScaling: true,
        minCount: 1,
        maxCount: 3,
        count: 1,
        osSKU: "AzureLinux",
        osDiskType: "Ephemeral",
        osDiskSizeGB: 128,
        maxPods: 110,
        vnetSubnetID: NODE_SUBNET_ID,
        nodeTaints: undefined,
      },
    );
    assert.ok(apps.options.dependsOn.includes(single(dev, CLUSTER).urn));
  });

  it("prod spreads both pools over zones 1-3 and pays for the Standard tier", () => {
    const cluster = single(prod, CLUSTER);
    assert.deepEqual(cluster.inputs.sku, { name: "Base", tier: "Standard" });
    assert.deepEqual(systemProfileOf(cluster).availabilityZones, ["1", "2", "3"]);
    assert.deepEqual(single(prod, AGENT_POOL).inputs.availabilityZones, ["1", "2", "3"]);
    assert.equal(systemProfileOf(cluster).minCount, 3);
    assert.equal(single(prod, AGENT_POOL).inputs.maxCount, 10);
  });

  it("dev uses the Free tier without zones", () => {
    const cluster = single(dev, CLUSTER);
    assert.deepEqual(cluster.inputs.sku, { name: "Base", tier: "Free" });
    assert.equal(systemProfileOf(cluster).availabilityZones, undefined);
    assert.equal(single(dev, AGENT_POOL).inputs.availabilityZones, undefined);
  });

  it("uses Azure CNI overlay with Cilium network policy and dataplane", () => {
    assert.deepEqual(single(dev, CLUSTER).inputs.networkProfile, {
      networkPlugin: "azure",
      networkPluginMode: "overlay",
      networkPolicy: "cilium",
      networkDataplane: "cilium",
      podCidr: "192.168.0.0/16",
      serviceCidr: "172.16.0.0/16",
      dnsServiceIP: "172.16.0.10",
      loadBalancerSku: "standard",
      outboundType: "loadBalancer",
    });
  });

  it("pairs Calico network policy with the Azure dataplane", async () => {
    const { resources } = await recordComponent(
      () => new KubernetesCluster("aks", { ...devArgs(), networkPolicy: "calico" }),
    );
    const network = single(resources, CLUSTER).inputs.networkProfile as Inputs;
    assert.equal(network.networkPolicy, "calico");
    assert.equal(network.networkDataplane, "azure");
  });

  it("disables local accounts and authorises with Entra ID and Azure RBAC for the admin groups", () => {
    const cluster = single(dev, CLUSTER);
    assert.equal(cluster.inputs.disableLocalAccounts, true);
    assert.equal(cluster.inputs.enableRBAC, true);
    assert.deepEqual(cluster.inputs.aadProfile, {
      managed: true,
      enableAzureRBAC: true,
      adminGroupObjectIDs: [ADMIN_GROUP],
      tenantID: MOCK_AZURE.tenantId,
    });
  });

  it("enables the OIDC issuer, workload identity and the image cleaner", () => {
    const cluster = single(dev, CLUSTER);
    assert.deepEqual(cluster.inputs.oidcIssuerProfile, { enabled: true });
    assert.deepEqual(cluster.inputs.securityProfile, {
      workloadIdentity: { enabled: true },
      imageCleaner: { enabled: true, intervalHours: 168 },
    });
  });

  it("enables the Key Vault CSI driver with secret rotation every two minutes", () => {
    assert.deepEqual(addon(single(dev, CLUSTER), "azureKeyvaultSecretsProvider"), {
      enabled: true,
      config: { enableSecretRotation: "true", rotationPollInterval: "2m" },
    });
  });

  // MicrosoftDocs/azure-aks-docs articles/aks/enable-host-encryption.md ("enableEncryptionAtHost": true).
  it("encrypts both node pools at the host", () => {
    assert.equal(systemProfileOf(single(prod, CLUSTER)).enableEncryptionAtHost, true);
    assert.equal(
      single(prod, "azure-native:containerservice:AgentPool").inputs.enableEncryptionAtHost,
      true,
    );
  });

  // ManagedClusterSecurityProfileDefender, as @pulumi/azure-native's input typings name it.
  it("prod runs Defender for Containers reporting to the workspace; dev does not", () => {
    const securityProfile = (resources: readonly RecordedResource[]): Inputs =>
      single(resources, CLUSTER).inputs.securityProfile as Inputs;
    assert.deepEqual(securityProfile(prod).defender, {
      logAnalyticsWorkspaceResourceId: WORKSPACE_ID,
      securityMonitoring: { enabled: true },
    });
    assert.equal(securityProfile(dev).defender, undefined);
  });

  it("enables the Azure Policy add-on", () => {
    assert.deepEqual(addon(single(dev, CLUSTER), "azurepolicy"), { enabled: true });
  });

  it("sends Container Insights to the given workspace with Entra ID authentication", () => {
    assert.deepEqual(addon(single(dev, CLUSTER), "omsagent"), {
      enabled: true,
      config: { logAnalyticsWorkspaceResourceID: WORKSPACE_ID, useAADAuth: "true" },
    });
  });

  it("collects Container Insights through a data collection rule associated with the cluster", () => {
    const rule = single(dev, "azure-native:monitor:DataCollectionRule");
    assert.equal(rule.inputs.dataCollectionRuleName, "dcr-hire-test-aks");
    assert.equal(rule.inputs.kind, "Linux");
    const extension = (rule.inputs.dataSources as { extensions: Record<string, unknown>[] })
      .extensions[0];
    assert.equal(extension?.extensionName, "ContainerInsights");
    assert.deepEqual(extension.streams, ["Microsoft-ContainerInsights-Group-Default"]);
    assert.deepEqual(rule.inputs.destinations, {
      logAnalytics: [{ name: "workspace", workspaceResourceId: WORKSPACE_ID }],
    });
    assert.deepEqual(rule.inputs.dataFlows, [
      { streams: ["Microsoft-ContainerInsights-Group-Default"], destinations: ["workspace"] },
    ]);
    const association = single(dev, "azure-native:monitor:DataCollectionRuleAssociation");
    assert.equal(association.inputs.associationName, "ContainerInsightsExtension");
    assert.equal(association.inputs.resourceUri, single(dev, CLUSTER).id);
    assert.equal(association.inputs.dataCollectionRuleId, rule.id);
  });

  it("sets the Kubernetes and node OS upgrade channels", () => {
    assert.deepEqual(single(dev, CLUSTER).inputs.autoUpgradeProfile, {
      upgradeChannel: "patch",
      nodeOSUpgradeChannel: "NodeImage",
    });
    assert.deepEqual(single(prod, CLUSTER).inputs.autoUpgradeProfile, {
      upgradeChannel: "stable",
      nodeOSUpgradeChannel: "SecurityPatch",
    });
  });

  it("schedules both automatic upgrades in the weekly maintenance window, in UTC", () => {
    const windows = ofType(prod, MAINTENANCE);
    assert.deepEqual(windows.map((window) => window.inputs.configName).sort(), [
      "aksManagedAutoUpgradeSchedule",
      "aksManagedNodeOSUpgradeSchedule",
    ]);
    for (const window of windows) {
      assert.equal(window.inputs.resourceName, "aks-hire-test");
      assert.equal(window.inputs.resourceGroupName, "rg-hire-test");
      assert.deepEqual(window.inputs.maintenanceWindow, {
        schedule: { weekly: { dayOfWeek: "Saturday", intervalWeeks: 1 } },
        durationHours: 8,
        startTime: "22:30",
        utcOffset: "+00:00",
      });
    }
  });

  it("restricts the public API server to the authorised ranges (as both committed stacks do)", () => {
    assert.deepEqual(single(dev, CLUSTER).inputs.apiServerAccessProfile, {
      enablePrivateCluster: false,
      authorizedIPRanges: ["203.0.113.4/32", "198.51.100.0/24"],
    });
  });

  it("makes the API server private when privateCluster is set", () => {
    assert.deepEqual(single(prod, CLUSTER).inputs.apiServerAccessProfile, {
      enablePrivateCluster: true,
    });
  });

  it("runs the control plane as its own user-assigned identity", () => {
    const identity = single(dev, IDENTITY);
    assert.equal(identity.inputs.resourceName, "id-hire-test-aks");
    const cluster = single(dev, CLUSTER);
    assert.deepEqual(cluster.inputs.identity, {
      type: "UserAssigned",
      userAssignedIdentities: [
        `/subscriptions/${MOCK_AZURE.subscriptionId}/resourceGroups/rg-hire-test/providers/Microsoft.managedidentity/UserAssignedIdentity/id-hire-test-aks`,
      ],
    });
  });

  it("grants the control plane Network Contributor on exactly the node subnet before the cluster is created", () => {
    const assignments = ofType(dev, ROLE_ASSIGNMENT);
    assert.equal(assignments.length, 1);
    const grant = assignments[0] as RecordedResource;
    assert.equal(grant.inputs.scope, NODE_SUBNET_ID);
    assert.equal(
      grant.inputs.roleDefinitionId,
      `/subscriptions/${MOCK_AZURE.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${BuiltInRole.networkContributor}`,
    );
    assert.equal(grant.inputs.principalId, stableGuid("aks-control-plane-identity:principal"));
    assert.equal(grant.inputs.principalType, "ServicePrincipal");
    assert.ok(single(dev, CLUSTER).options.dependsOn.includes(grant.urn));
  });

  it("ignores autoscaler-owned node counts on both pools", () => {
    assert.ok(single(dev, CLUSTER).options.ignoreChanges.includes("agentPoolProfiles[0].count"));
    assert.ok(single(dev, AGENT_POOL).options.ignoreChanges.includes("count"));
  });

  it("ignores versions the upgrade channel owns, so a refresh proposes no rollback", () => {
    assert.deepEqual([...single(prod, CLUSTER).options.ignoreChanges].sort(), [
      "agentPoolProfiles[0].count",
      "agentPoolProfiles[0].orchestratorVersion",
      "kubernetesVersion",
    ]);
    assert.deepEqual([...single(prod, AGENT_POOL).options.ignoreChanges].sort(), [
      "count",
      "orchestratorVersion",
    ]);
  });

  it("keeps versions under program control when the upgrade channel is none", async () => {
    const { resources } = await recordComponent(
      () => new KubernetesCluster("aks", { ...devArgs(), upgradeChannel: "none" }),
    );
    assert.deepEqual(single(resources, CLUSTER).options.ignoreChanges, [
      "agentPoolProfiles[0].count",
    ]);
    assert.deepEqual(single(resources, AGENT_POOL).options.ignoreChanges, ["count"]);
    assert.equal(systemProfileOf(single(resources, CLUSTER)).orchestratorVersion, "1.34");
    assert.equal(single(resources, AGENT_POOL).inputs.orchestratorVersion, "1.34");
  });

  it("protects the cluster in prod only", () => {
    assert.equal(single(prod, CLUSTER).options.protect, true);
    assert.equal(single(dev, CLUSTER).options.protect, false);
  });

  it("tags the cluster, the system pool, the user pool and the identity", () => {
    const tags = testScope().tags;
    assert.deepEqual(single(dev, CLUSTER).inputs.tags, tags);
    assert.deepEqual(systemProfileOf(single(dev, CLUSTER)).tags, tags);
    assert.deepEqual(single(dev, AGENT_POOL).inputs.tags, tags);
    assert.deepEqual(single(dev, IDENTITY).inputs.tags, tags);
  });

  it("exposes the exec-format user kubeconfig only as a secret", async () => {
    assert.equal(await isSecretOutput(devCluster.kubeconfig), true);
    const kubeconfig = await valueOf(devCluster.kubeconfig, "kubeconfig");
    assert.match(kubeconfig, /^apiVersion: v1/);
    assert.match(kubeconfig, /server: https:\/\/aks-hire-test\.hcp\./);
    assert.match(kubeconfig, /command: kubelogin/);
  });

  it("registers a Kubernetes provider with a secret kubeconfig, after the user pool", async () => {
    const provider = single(dev, K8S_PROVIDER);
    assert.equal(isSecretValue(provider.inputs.kubeconfig), true);
    assert.equal(unsecret(provider.inputs.kubeconfig), await valueOf(devCluster.kubeconfig));
    // Left to the provider's default (on), so a read-only preview can turn it off by env var.
    assert.equal(provider.inputs.enableServerSideApply, undefined);
    // The cluster's name, known before it exists, so previews never replace the provider.
    assert.equal(provider.inputs.clusterIdentifier, "aks-hire-test");
    assert.ok(provider.options.dependsOn.includes(single(dev, AGENT_POOL).urn));
    assert.equal(provider.urn, await valueOf(devCluster.provider.urn));
  });

  it("exposes the cluster's identities, issuer and node resource group", async () => {
    assert.equal(await valueOf(prodCluster.clusterName), "aks-hire-test");
    assert.match(await valueOf(prodCluster.clusterId), /\/ManagedCluster\/aks-hire-test$/);
    assert.match(await valueOf(prodCluster.oidcIssuerUrl), /^https:\/\/westeurope\.oic\./);
    assert.equal(
      await valueOf(prodCluster.kubeletIdentityObjectId),
      stableGuid("aks-cluster:kubelet:object"),
    );
    assert.equal(
      await valueOf(prodCluster.keyVaultSecretsProviderObjectId),
      stableGuid("aks-cluster:keyvault-secrets-provider:object"),
    );
    assert.equal(await valueOf(prodCluster.nodeResourceGroup), "MC_aks-hire-test");
  });
});

describe("KubernetesCluster validation", () => {
  const rejects = (args: KubernetesClusterArgs, message: RegExp): Promise<void> =>
    assertRejectsBeforeRegistering(() => new KubernetesCluster("aks", args), message);

  it("rejects a system pool whose minCount exceeds maxCount", async () => {
    await rejects(
      { ...devArgs(), systemPool: { ...systemPool, minCount: 4, maxCount: 2 } },
      /KubernetesCluster "aks": systemPool\.maxCount: expected at least systemPool\.minCount \(4\), got 2/,
    );
  });

  it("rejects a user pool whose minCount exceeds maxCount", async () => {
    await rejects(
      { ...devArgs(), userPool: { ...userPool, minCount: 5, maxCount: 3 } },
      /userPool\.maxCount: expected at least userPool\.minCount \(5\), got 3/,
    );
  });

  it("rejects a system pool that may scale to zero nodes", async () => {
    await rejects(
      { ...devArgs(), systemPool: { ...systemPool, minCount: 0 } },
      /systemPool\.minCount: expected an integer of at least 1, got 0/,
    );
  });

  it("rejects a system pool with room for fewer than 30 pods per node", async () => {
    await rejects(
      { ...devArgs(), systemPool: { ...systemPool, maxPods: 20 } },
      /systemPool\.maxPods: expected an integer from 30 to 250, got 20/,
    );
  });

  it("rejects more than 250 pods per node", async () => {
    await rejects(
      { ...devArgs(), userPool: { ...userPool, maxPods: 300 } },
      /userPool\.maxPods: expected an integer from 10 to 250, got 300/,
    );
  });

  it("rejects an OS disk below 30 GiB", async () => {
    await rejects(
      { ...devArgs(), userPool: { ...userPool, osDiskSizeGB: 16 } },
      /userPool\.osDiskSizeGB: expected an integer of at least 30, got 16/,
    );
  });

  it("rejects an empty list of admin groups", async () => {
    await rejects(
      { ...devArgs(), adminGroupObjectIds: [] },
      /adminGroupObjectIds: expected at least one Entra ID group/,
    );
  });

  it("rejects a private cluster with authorised IP ranges", async () => {
    await rejects(
      { ...devArgs(), privateCluster: true },
      /authorizedIpRanges: expected none with privateCluster/,
    );
  });

  it("rejects an authorised IP range that is not a CIDR block", async () => {
    await rejects(
      { ...devArgs(), authorizedIpRanges: ["203.0.113.4"] },
      /authorizedIpRanges\[0\]: expected an IPv4 CIDR block .*got "203\.0\.113\.4"/,
    );
  });

  it("rejects a Kubernetes version that is not major.minor[.patch]", async () => {
    await rejects(
      { ...devArgs(), kubernetesVersion: "latest" },
      /kubernetesVersion: expected major\.minor or major\.minor\.patch, got "latest"/,
    );
  });

  it("rejects a zone listed twice", async () => {
    await rejects(
      { ...devArgs(), availabilityZones: ["1", "1"] },
      /availabilityZones: expected each zone once/,
    );
  });

  it("rejects a pod or service range that is not a CIDR block", async () => {
    await rejects(
      { ...devArgs(), podCidr: "192.168.0.0" },
      /podCidr: expected an IPv4 CIDR block .*got "192\.168\.0\.0"/,
    );
    await rejects(
      { ...devArgs(), serviceCidr: "172.16.0.1/16" },
      /serviceCidr: expected an IPv4 CIDR block .*got "172\.16\.0\.1\/16"/,
    );
  });

  it("rejects overlapping pod and service ranges", async () => {
    await rejects(
      { ...devArgs(), podCidr: "172.16.0.0/12" },
      /serviceCidr: expected no overlap with podCidr 172\.16\.0\.0\/12/,
    );
  });

  it("rejects a DNS service address outside the service range", async () => {
    await rejects(
      { ...devArgs(), dnsServiceIp: "10.0.0.10" },
      /dnsServiceIp: expected an address inside serviceCidr 172\.16\.0\.0\/16, got "10\.0\.0\.10"/,
    );
  });

  it("rejects a maintenance window start that is not HH:MM", async () => {
    await rejects(
      {
        ...devArgs(),
        maintenanceWindow: { dayOfWeek: "Sunday", startTime: "24:00", durationHours: 4 },
      },
      /maintenanceWindow\.startTime: expected HH:MM .*got "24:00"/,
    );
  });

  it("rejects a maintenance window shorter than four hours", async () => {
    await rejects(
      {
        ...devArgs(),
        maintenanceWindow: { dayOfWeek: "Sunday", startTime: "02:00", durationHours: 2 },
      },
      /maintenanceWindow\.durationHours: expected an integer from 4 to 24, got 2/,
    );
  });
});
