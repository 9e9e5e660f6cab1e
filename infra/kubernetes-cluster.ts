import * as azure from "@pulumi/azure-native";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AzureScope } from "./azure-scope";
import { addressInCidr, cidrsOverlap, isIpv4Address, isIpv4Cidr } from "./cidr";
import { AksAddon, AksMaintenanceConfiguration, ContainerInsights } from "./azure-identifiers";
import { grantRole } from "./roles";

/** Name AKS expects for the Container Insights extension and its rule association. */
const CONTAINER_INSIGHTS_EXTENSION = ContainerInsights.dataSourceName;
/** The stream group Container Insights collects by default. */
const CONTAINER_INSIGHTS_STREAM = ContainerInsights.streamGroup;
/** Size and scaling of one AKS node pool. The cluster autoscaler moves the node count between the bounds. */
export interface NodePoolSettings {
  /** VM size of every node, e.g. `Standard_D4ds_v5`. */
  readonly vmSize: string;
  /** Fewest nodes the autoscaler keeps (≥ 1 for the system pool); also the initial node count. */
  readonly minCount: number;
  /** Most nodes the autoscaler may add; at least `minCount`. */
  readonly maxCount: number;
  /** Pods per node, 10-250 (at least 30 for the system pool, which AKS requires). */
  readonly maxPods: number;
  /** OS disk size in GiB. For `Ephemeral` it must fit the VM size's cache or temp disk. */
  readonly osDiskSizeGB: number;
  /** `Ephemeral` (local, faster reimage, no disk cost; needs a VM size with enough cache) or `Managed`. */
  readonly osDiskType: "Ephemeral" | "Managed";
}

/** Day of the weekly maintenance window. */
export type MaintenanceDay =
  "Monday" | "Tuesday" | "Wednesday" | "Thursday" | "Friday" | "Saturday" | "Sunday";

/** When AKS may apply automatic Kubernetes and node OS upgrades. */
export interface MaintenanceWindowSettings {
  /** Day of the week the window opens, every week. */
  readonly dayOfWeek: MaintenanceDay;
  /** Start time in UTC, `HH:MM` (24-hour clock), e.g. `02:00`. */
  readonly startTime: string;
  /** Length of the window in hours, 4-24 (the range AKS accepts). */
  readonly durationHours: number;
}

/** Arguments of {@link KubernetesCluster}. */
export interface KubernetesClusterArgs {
  /** Resource group, region, names, tags and protection. */
  readonly scope: AzureScope;
  /**
   * Kubernetes version, `major.minor` (e.g. `1.34`, AKS picks the latest GA patch) or
   * `major.minor.patch`. Only the initial version when `upgradeChannel` is `patch`, `stable` or
   * `rapid`: from then on the channel owns it.
   */
  readonly kubernetesVersion: string;
  /** AKS pricing tier: `Free` (no uptime SLA) or `Standard` (financially backed API server SLA). */
  readonly tier: "Free" | "Standard";
  /** Availability zones both node pools spread over; empty for no zones (regional placement). */
  readonly availabilityZones: readonly ("1" | "2" | "3")[];
  /** The system pool: tainted `CriticalAddonsOnly`, runs only AKS add-ons and kube-system. */
  readonly systemPool: NodePoolSettings;
  /** The user pool (`apps`): runs every workload, including Jenkins and the applications. */
  readonly userPool: NodePoolSettings;
  /** Resource id of the node subnet (bring-your-own subnet; pods do not take addresses from it). */
  readonly nodeSubnetId: pulumi.Input<string>;
  /** Azure CNI overlay pod address space, IPv4 CIDR, e.g. `192.168.0.0/16`; private to the cluster. */
  readonly podCidr: string;
  /** Kubernetes service address space, IPv4 CIDR, e.g. `172.16.0.0/16`; must not overlap the VNet or `podCidr`. */
  readonly serviceCidr: string;
  /** Cluster DNS service address, inside `serviceCidr` (conventionally its `.10`). */
  readonly dnsServiceIp: string;
  /** Network policy engine: `cilium` (eBPF dataplane) or `calico` (Azure dataplane). */
  readonly networkPolicy: "cilium" | "calico";
  /** Entra ID group object ids granted cluster admin; at least one, so someone can always administer the cluster. */
  readonly adminGroupObjectIds: readonly string[];
  /** Entra ID tenant of the cluster's users and groups. */
  readonly tenantId: pulumi.Input<string>;
  /** Subscription holding the cluster, for role definition ids. */
  readonly subscriptionId: pulumi.Input<string>;
  /**
   * IPv4 CIDR ranges allowed to reach the public API server (e.g. the Jenkins egress IP as
   * `x.y.z.w/32`); empty for no restriction. Must be empty when `privateCluster` is true.
   */
  readonly authorizedIpRanges: readonly string[];
  /**
   * Give the API server a private endpoint in the VNet only. Whoever runs `pulumi up` (and reads
   * the kubeconfig) then needs network access to the VNet. Cannot be changed after creation.
   */
  readonly privateCluster: boolean;
  /**
   * Kubernetes auto-upgrade channel: `patch`, `stable` and `rapid` upgrade the control plane and
   * nodes automatically; `node-image` only the node images (legacy); `none` leaves versions to
   * `kubernetesVersion`.
   */
  readonly upgradeChannel: "patch" | "stable" | "rapid" | "node-image" | "none";
  /** Node OS patching: `NodeImage` (weekly reimage, recommended), `SecurityPatch`, `Unmanaged` or `None`. */
  readonly nodeOsUpgradeChannel: "NodeImage" | "SecurityPatch" | "Unmanaged" | "None";
  /** Weekly window for both the Kubernetes and the node OS automatic upgrades. */
  readonly maintenanceWindow: MaintenanceWindowSettings;
  /** Log Analytics workspace resource id that Container Insights sends logs and metrics to. */
  readonly logAnalyticsWorkspaceId: pulumi.Input<string>;
}

/** Names of the two maintenance configurations AKS recognises for automatic upgrades. */
export const MAINTENANCE_CONFIGURATION_NAMES = AksMaintenanceConfiguration;

const SYSTEM_POOL_NAME = "system";
const USER_POOL_NAME = "apps";

function checkPool(
  name: string,
  key: "systemPool" | "userPool",
  pool: NodePoolSettings,
  minimumNodes: number,
  minimumPods: number,
): void {
  const fail = (message: string): never => {
    throw new Error(`KubernetesCluster "${name}": ${key}.${message}`);
  };
  if (!Number.isInteger(pool.minCount) || pool.minCount < minimumNodes) {
    fail(`minCount must be an integer of at least ${minimumNodes}, got ${pool.minCount}`);
  }
  if (!Number.isInteger(pool.maxCount)) {
    fail(`maxCount must be an integer, got ${pool.maxCount}`);
  }
  if (pool.minCount > pool.maxCount) {
    fail(`minCount (${pool.minCount}) must not exceed ${key}.maxCount (${pool.maxCount})`);
  }
  if (!Number.isInteger(pool.maxPods) || pool.maxPods < minimumPods || pool.maxPods > 250) {
    fail(`maxPods must be an integer from ${minimumPods} to 250, got ${pool.maxPods}`);
  }
  if (!Number.isInteger(pool.osDiskSizeGB) || pool.osDiskSizeGB < 30) {
    fail(`osDiskSizeGB must be an integer of at least 30, got ${pool.osDiskSizeGB}`);
  }
}

/** Throws, naming the argument, when `args` holds a combination Azure would reject or that is unsafe. */
export function validateKubernetesClusterArgs(name: string, args: KubernetesClusterArgs): void {
  const fail = (message: string): never => {
    throw new Error(`KubernetesCluster "${name}": ${message}`);
  };
  if (!/^\d+\.\d+(?:\.\d+)?$/.test(args.kubernetesVersion)) {
    fail(`kubernetesVersion "${args.kubernetesVersion}" must be major.minor or major.minor.patch`);
  }
  // AKS requires system pools to keep a node and room for its add-ons.
  checkPool(name, "systemPool", args.systemPool, 1, 30);
  checkPool(name, "userPool", args.userPool, 0, 10);
  if (new Set(args.availabilityZones).size !== args.availabilityZones.length) {
    fail(`availabilityZones lists a zone twice: ${args.availabilityZones.join(", ")}`);
  }
  if (args.adminGroupObjectIds.length === 0) {
    fail(
      "adminGroupObjectIds must name at least one Entra ID group: with local accounts disabled it is the only way to administer the cluster",
    );
  }
  if (args.privateCluster && args.authorizedIpRanges.length > 0) {
    fail(
      "privateCluster and authorizedIpRanges cannot both be set: a private API server has no public endpoint to restrict",
    );
  }
  for (const range of args.authorizedIpRanges) {
    if (!isIpv4Cidr(range)) {
      fail(`authorizedIpRanges entry "${range}" is not an IPv4 CIDR block like 203.0.113.4/32`);
    }
  }
  for (const key of ["podCidr", "serviceCidr"] as const) {
    if (!isIpv4Cidr(args[key])) {
      fail(`${key} "${args[key]}" is not an IPv4 CIDR block like 172.16.0.0/16`);
    }
  }
  if (cidrsOverlap(args.podCidr, args.serviceCidr)) {
    fail(`podCidr ${args.podCidr} overlaps serviceCidr ${args.serviceCidr}`);
  }
  if (!isIpv4Address(args.dnsServiceIp) || !addressInCidr(args.dnsServiceIp, args.serviceCidr)) {
    fail(
      `dnsServiceIp "${args.dnsServiceIp}" must be an address inside serviceCidr ${args.serviceCidr}`,
    );
  }
  const window = args.maintenanceWindow;
  if (!/^(?:[01]\d|2[0-3]):[0-5]\d$/.test(window.startTime)) {
    fail(`maintenanceWindow.startTime "${window.startTime}" must be HH:MM from 00:00 to 23:59`);
  }
  if (
    !Number.isInteger(window.durationHours) ||
    window.durationHours < 4 ||
    window.durationHours > 24
  ) {
    fail(
      `maintenanceWindow.durationHours must be an integer from 4 to 24, got ${window.durationHours}`,
    );
  }
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) {
    throw new Error(`AKS did not return ${what}`);
  }
  return value;
}

/**
 * An AKS cluster after Microsoft's AKS baseline: a tainted system pool for critical add-ons and a
 * separate autoscaled user pool, Azure CNI overlay with network policy, Entra ID with Azure RBAC
 * and no local accounts, OIDC issuer and workload identity, Key Vault CSI driver with rotation,
 * Azure Policy, Container Insights, automatic upgrades inside a maintenance window. Exposes a
 * Kubernetes provider built from the user (kubelogin exec) kubeconfig.
 */
export class KubernetesCluster extends pulumi.ComponentResource {
  /** The managed cluster's Azure name. */
  public readonly clusterName: pulumi.Output<string>;
  /** The managed cluster's resource id. */
  public readonly clusterId: pulumi.Output<string>;
  /** OIDC issuer URL, the issuer of federated identity credentials for workload identity. */
  public readonly oidcIssuerUrl: pulumi.Output<string>;
  /** Object id of the kubelet identity (grant it `AcrPull` on the registry). */
  public readonly kubeletIdentityObjectId: pulumi.Output<string>;
  /** Object id of the Key Vault CSI driver's identity (grant it `Key Vault Secrets User`). */
  public readonly keyVaultSecretsProviderObjectId: pulumi.Output<string>;
  /** User kubeconfig in kubelogin exec format; secret. */
  public readonly kubeconfig: pulumi.Output<string>;
  /** Resource group AKS manages for nodes, load balancers and disks. */
  public readonly nodeResourceGroup: pulumi.Output<string>;
  /** Kubernetes provider for this cluster; pass it to Kubernetes resources via `providers`. */
  public readonly provider: k8s.Provider;

  /**
   * @param name logical name; children are named `<name>-<part>`.
   * @param args cluster settings.
   * @param opts component options.
   */
  constructor(name: string, args: KubernetesClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    validateKubernetesClusterArgs(name, args);
    super("hiring:kubernetes:KubernetesCluster", name, {}, opts);
    const { scope } = args;
    const zones = args.availabilityZones.length > 0 ? [...args.availabilityZones] : undefined;
    // With these channels AKS moves the control plane and node versions itself; the program's
    // version is only the starting point (pulumi-azure-native #2059, #1298).
    const channelOwnsVersions = ["patch", "stable", "rapid"].includes(args.upgradeChannel);

    const controlPlaneIdentity = new azure.managedidentity.UserAssignedIdentity(
      `${name}-control-plane-identity`,
      {
        resourceGroupName: scope.resourceGroupName,
        location: scope.location,
        resourceName: scope.namer.name("managedIdentity", "aks"),
        tags: scope.tags,
      },
      { parent: this },
    );

    // A bring-your-own subnet needs the control plane to join it (load balancers, node NICs).
    // Granted before the cluster exists, otherwise creation races the assignment.
    const subnetAccess = grantRole(
      `${name}-control-plane-network-contributor`,
      {
        scope: args.nodeSubnetId,
        role: "networkContributor",
        grantee: {
          principalId: controlPlaneIdentity.principalId,
          principalType: "ServicePrincipal",
        },
        subscriptionId: args.subscriptionId,
        description: "AKS control plane manages node NICs and load balancers in the node subnet",
      },
      { parent: this },
    );

    const poolSettings = (pool: NodePoolSettings) => ({
      vmSize: pool.vmSize,
      enableAutoScaling: true,
      minCount: pool.minCount,
      maxCount: pool.maxCount,
      count: pool.minCount,
      availabilityZones: zones,
      osType: "Linux",
      osSKU: "AzureLinux",
      osDiskType: pool.osDiskType,
      osDiskSizeGB: pool.osDiskSizeGB,
      maxPods: pool.maxPods,
      vnetSubnetID: args.nodeSubnetId,
      orchestratorVersion: args.kubernetesVersion,
      type: "VirtualMachineScaleSets",
      // Baseline surge: faster upgrades than the 10% default while keeping most capacity.
      upgradeSettings: { maxSurge: "33%" },
      tags: scope.tags,
    });

    // Known before the cluster exists: previews of later changes keep a known kubeconfig and
    // provider identity instead of marking every Kubernetes resource for replacement
    // (pulumi-kubernetes #1148).
    const clusterName = scope.namer.name("kubernetesCluster");
    const cluster = new azure.containerservice.ManagedCluster(
      `${name}-cluster`,
      {
        resourceGroupName: scope.resourceGroupName,
        location: scope.location,
        resourceName: clusterName,
        dnsPrefix: scope.namer.name("kubernetesDnsPrefix"),
        identity: {
          type: "UserAssigned",
          userAssignedIdentities: [controlPlaneIdentity.id],
        },
        kubernetesVersion: args.kubernetesVersion,
        sku: { name: "Base", tier: args.tier },
        // Only the system pool inline: user pools declared here would be removed by every
        // update that does not list them (pulumi-azure-native #4264, #2719).
        agentPoolProfiles: [
          {
            ...poolSettings(args.systemPool),
            name: SYSTEM_POOL_NAME,
            mode: "System",
            nodeTaints: ["CriticalAddonsOnly=true:NoSchedule"],
          },
        ],
        networkProfile: {
          networkPlugin: "azure",
          networkPluginMode: "overlay",
          networkPolicy: args.networkPolicy,
          networkDataplane: args.networkPolicy === "cilium" ? "cilium" : "azure",
          podCidr: args.podCidr,
          serviceCidr: args.serviceCidr,
          dnsServiceIP: args.dnsServiceIp,
          loadBalancerSku: "standard",
          outboundType: "loadBalancer",
        },
        aadProfile: {
          managed: true,
          enableAzureRBAC: true,
          adminGroupObjectIDs: [...args.adminGroupObjectIds],
          tenantID: args.tenantId,
        },
        disableLocalAccounts: true,
        enableRBAC: true,
        oidcIssuerProfile: { enabled: true },
        securityProfile: {
          workloadIdentity: { enabled: true },
          imageCleaner: { enabled: true, intervalHours: 168 },
        },
        addonProfiles: {
          [AksAddon.keyVaultSecretsProvider]: {
            enabled: true,
            config: { enableSecretRotation: "true", rotationPollInterval: "2m" },
          },
          [AksAddon.azurePolicy]: { enabled: true },
          [AksAddon.monitoring]: {
            enabled: true,
            config: {
              logAnalyticsWorkspaceResourceID: args.logAnalyticsWorkspaceId,
              useAADAuth: "true",
            },
          },
        },
        autoUpgradeProfile: {
          upgradeChannel: args.upgradeChannel,
          nodeOSUpgradeChannel: args.nodeOsUpgradeChannel,
        },
        apiServerAccessProfile: args.privateCluster
          ? { enablePrivateCluster: true }
          : {
              enablePrivateCluster: false,
              ...(args.authorizedIpRanges.length > 0
                ? { authorizedIPRanges: [...args.authorizedIpRanges] }
                : {}),
            },
        tags: scope.tags,
      },
      {
        parent: this,
        protect: scope.protect,
        dependsOn: [subnetAccess],
        // The autoscaler owns node counts; a refresh would otherwise propose scaling back.
        ignoreChanges: [
          "agentPoolProfiles[0].count",
          ...(channelOwnsVersions
            ? ["kubernetesVersion", "agentPoolProfiles[0].orchestratorVersion"]
            : []),
        ],
      },
    );

    const userPool = new azure.containerservice.AgentPool(
      `${name}-${USER_POOL_NAME}-pool`,
      {
        resourceGroupName: scope.resourceGroupName,
        resourceName: cluster.name,
        agentPoolName: USER_POOL_NAME,
        mode: "User",
        ...poolSettings(args.userPool),
      },
      {
        parent: this,
        dependsOn: [cluster],
        ignoreChanges: ["count", ...(channelOwnsVersions ? ["orchestratorVersion"] : [])],
      },
    );

    const window: azure.types.input.containerservice.MaintenanceWindowArgs = {
      schedule: { weekly: { dayOfWeek: args.maintenanceWindow.dayOfWeek, intervalWeeks: 1 } },
      durationHours: args.maintenanceWindow.durationHours,
      startTime: args.maintenanceWindow.startTime,
      utcOffset: "+00:00",
    };
    const upgradeWindows = [
      ["kubernetes-upgrade-window", MAINTENANCE_CONFIGURATION_NAMES.kubernetes],
      ["node-os-upgrade-window", MAINTENANCE_CONFIGURATION_NAMES.nodeOs],
    ] as const;
    for (const [part, configName] of upgradeWindows) {
      new azure.containerservice.MaintenanceConfiguration(
        `${name}-${part}`,
        {
          resourceGroupName: scope.resourceGroupName,
          resourceName: cluster.name,
          configName,
          maintenanceWindow: window,
        },
        // AKS rejects concurrent operations on one cluster, so these wait for the pool.
        { parent: this, dependsOn: [userPool] },
      );
    }

    // Local accounts are disabled, so there are no admin credentials; the exec format hands
    // token acquisition to kubelogin, which can log in as a user or as a pipeline's workload
    // identity (pulumi-azure-native #2399, #2579).
    const credentials = azure.containerservice.listManagedClusterUserCredentialsOutput(
      { resourceGroupName: scope.resourceGroupName, resourceName: clusterName, format: "exec" },
      { parent: this, dependsOn: [cluster] },
    );
    this.kubeconfig = pulumi.secret(
      credentials.apply(({ kubeconfigs }) =>
        Buffer.from(required(kubeconfigs[0], "a user kubeconfig").value, "base64").toString("utf8"),
      ),
    );

    // With Entra-authenticated monitoring (useAADAuth) the agents send data only where a data
    // collection rule associated with the cluster says; ARM does not create one by itself.
    const containerInsights = new azure.monitor.DataCollectionRule(
      `${name}-container-insights`,
      {
        resourceGroupName: scope.resourceGroupName,
        location: scope.location,
        dataCollectionRuleName: scope.namer.name("dataCollectionRule", "aks"),
        kind: "Linux",
        description: "Container Insights for the cluster, into the stack's Log Analytics workspace",
        dataSources: {
          extensions: [
            {
              name: CONTAINER_INSIGHTS_EXTENSION,
              extensionName: ContainerInsights.extensionName,
              streams: [CONTAINER_INSIGHTS_STREAM],
              extensionSettings: {
                dataCollectionSettings: {
                  interval: "1m",
                  namespaceFilteringMode: "Off",
                  enableContainerLogV2: true,
                },
              },
            },
          ],
        },
        destinations: {
          logAnalytics: [{ name: "workspace", workspaceResourceId: args.logAnalyticsWorkspaceId }],
        },
        dataFlows: [{ streams: [CONTAINER_INSIGHTS_STREAM], destinations: ["workspace"] }],
        tags: scope.tags,
      },
      { parent: this },
    );
    new azure.monitor.DataCollectionRuleAssociation(
      `${name}-container-insights-association`,
      {
        associationName: CONTAINER_INSIGHTS_EXTENSION,
        resourceUri: cluster.id,
        dataCollectionRuleId: containerInsights.id,
        description: "Sends the cluster's Container Insights data through its collection rule",
      },
      { parent: this },
    );

    this.provider = new k8s.Provider(
      `${name}-k8s`,
      {
        kubeconfig: this.kubeconfig,
        // Server-side apply is the provider's default; leaving it unset lets the read-only PR
        // preview turn it off (PULUMI_K8S_ENABLE_SERVER_SIDE_APPLY=false), since server-side
        // dry runs need write permission.
        // Replace the provider (and everything it manages) only for another cluster, not when
        // the kubeconfig changes or is unknown during a preview of a cluster update.
        clusterIdentifier: clusterName,
      },
      // The system pool is tainted, so workloads can only schedule once the user pool exists.
      { parent: this, dependsOn: [userPool] },
    );

    this.clusterName = cluster.name;
    this.clusterId = cluster.id;
    this.oidcIssuerUrl = cluster.oidcIssuerProfile.apply((profile) =>
      required(profile?.issuerURL, "oidcIssuerProfile.issuerURL"),
    );
    this.kubeletIdentityObjectId = cluster.identityProfile.apply((profiles) =>
      required(profiles?.kubeletidentity?.objectId, "identityProfile.kubeletidentity.objectId"),
    );
    this.keyVaultSecretsProviderObjectId = cluster.addonProfiles.apply((addons) =>
      required(
        addons?.azureKeyvaultSecretsProvider?.identity.objectId,
        "addonProfiles.azureKeyvaultSecretsProvider.identity.objectId",
      ),
    );
    this.nodeResourceGroup = cluster.nodeResourceGroup.apply((group) =>
      required(group, "nodeResourceGroup"),
    );

    this.registerOutputs({
      clusterName: this.clusterName,
      clusterId: this.clusterId,
      oidcIssuerUrl: this.oidcIssuerUrl,
      kubeletIdentityObjectId: this.kubeletIdentityObjectId,
      keyVaultSecretsProviderObjectId: this.keyVaultSecretsProviderObjectId,
      kubeconfig: this.kubeconfig,
      nodeResourceGroup: this.nodeResourceGroup,
      provider: this.provider,
    });
  }
}
