import * as containerservice from "@pulumi/azure-native/containerservice";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as monitor from "@pulumi/azure-native/monitor";
import type * as azureInputs from "@pulumi/azure-native/types/input";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AzureScope } from "./azure-scope";
import { type ArgsProblem, duplicatesOf, throwIfArgsProblems } from "../core/args-problems";
import { addressOffsetInCidr, cidrsOverlap, isIpv4Address, isIpv4Cidr } from "./cidr";
import {
  AksAddon,
  AksMaintenanceConfiguration,
  ContainerInsights,
  DefenderForContainers,
} from "./azure-identifiers";
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
  /**
   * Run Microsoft Defender for Containers' sensor (runtime threat detection), reporting to
   * `logAnalyticsWorkspaceId`. Billed per vCore; the stack turns it on in production.
   */
  readonly defenderForContainers: boolean;
}

/** Names of the two maintenance configurations AKS recognises for automatic upgrades. */
export const MAINTENANCE_CONFIGURATION_NAMES = AksMaintenanceConfiguration;

const SYSTEM_POOL_NAME = "system";
const USER_POOL_NAME = "apps";

/** The plain (non-Output) arguments {@link kubernetesClusterProblems} checks. */
export type KubernetesClusterSettings = Omit<
  KubernetesClusterArgs,
  "scope" | "nodeSubnetId" | "tenantId" | "subscriptionId" | "logAnalyticsWorkspaceId"
>;

function poolProblems(
  key: "systemPool" | "userPool",
  pool: NodePoolSettings,
  minimumNodes: number,
  minimumPods: number,
): ArgsProblem[] {
  const problems: ArgsProblem[] = [];
  const problem = (field: string, reason: string): void => {
    problems.push({ key: `${key}.${field}`, reason });
  };
  if (!Number.isInteger(pool.minCount) || pool.minCount < minimumNodes) {
    problem("minCount", `expected an integer of at least ${minimumNodes}, got ${pool.minCount}`);
  }
  if (!Number.isInteger(pool.maxCount)) {
    problem("maxCount", `expected an integer, got ${pool.maxCount}`);
  }
  if (pool.minCount > pool.maxCount) {
    problem(
      "maxCount",
      `expected at least ${key}.minCount (${pool.minCount}), got ${pool.maxCount}`,
    );
  }
  if (!Number.isInteger(pool.maxPods) || pool.maxPods < minimumPods || pool.maxPods > 250) {
    problem("maxPods", `expected an integer from ${minimumPods} to 250, got ${pool.maxPods}`);
  }
  if (!Number.isInteger(pool.osDiskSizeGB) || pool.osDiskSizeGB < 30) {
    problem("osDiskSizeGB", `expected an integer of at least 30, got ${pool.osDiskSizeGB}`);
  }
  return problems;
}

/**
 * Every argument AKS would reject, or that would leave the cluster unmanageable, as
 * `{ key, reason }` (never throws). The stack's config schema reports the same problems under
 * `hiring-infra:cluster.*`.
 */
export function kubernetesClusterProblems(args: KubernetesClusterSettings): ArgsProblem[] {
  const problems: ArgsProblem[] = [];
  const problem = (key: string, reason: string): void => {
    problems.push({ key, reason });
  };
  if (!/^\d+\.\d+(?:\.\d+)?$/.test(args.kubernetesVersion)) {
    problem(
      "kubernetesVersion",
      `expected major.minor or major.minor.patch, got "${args.kubernetesVersion}"`,
    );
  }
  // AKS requires system pools to keep a node and room for its add-ons.
  problems.push(...poolProblems("systemPool", args.systemPool, 1, 30));
  problems.push(...poolProblems("userPool", args.userPool, 0, 10));
  if (new Set(args.availabilityZones).size !== args.availabilityZones.length) {
    problem(
      "availabilityZones",
      `expected each zone once, got ${args.availabilityZones.join(", ")}`,
    );
  }
  if (args.adminGroupObjectIds.length === 0) {
    problem(
      "adminGroupObjectIds",
      "expected at least one Entra ID group: with local accounts disabled it is the only way to administer the cluster",
    );
  }
  for (const id of duplicatesOf(args.adminGroupObjectIds, (value) => value.toLowerCase())) {
    problem(
      `adminGroupObjectIds[${args.adminGroupObjectIds.lastIndexOf(id)}]`,
      `expected "${id}" once`,
    );
  }
  if (args.privateCluster && args.authorizedIpRanges.length > 0) {
    problem(
      "authorizedIpRanges",
      "expected none with privateCluster: a private API server has no public endpoint to restrict",
    );
  }
  args.authorizedIpRanges.forEach((range, index) => {
    if (!isIpv4Cidr(range)) {
      problem(
        `authorizedIpRanges[${index}]`,
        `expected an IPv4 CIDR block like 203.0.113.4/32, got "${range}"`,
      );
    }
  });
  for (const range of duplicatesOf(args.authorizedIpRanges, (value) => value)) {
    problem(
      `authorizedIpRanges[${args.authorizedIpRanges.lastIndexOf(range)}]`,
      `expected "${range}" once`,
    );
  }
  let cidrsValid = true;
  for (const key of ["podCidr", "serviceCidr"] as const) {
    if (!isIpv4Cidr(args[key])) {
      cidrsValid = false;
      problem(key, `expected an IPv4 CIDR block like 172.16.0.0/16, got "${args[key]}"`);
    }
  }
  if (cidrsValid && cidrsOverlap(args.podCidr, args.serviceCidr)) {
    problem("serviceCidr", `expected no overlap with podCidr ${args.podCidr}`);
  }
  if (cidrsValid) {
    const offset = isIpv4Address(args.dnsServiceIp)
      ? addressOffsetInCidr(args.dnsServiceIp, args.serviceCidr)
      : undefined;
    if (offset === undefined) {
      problem(
        "dnsServiceIp",
        `expected an address inside serviceCidr ${args.serviceCidr}, got "${args.dnsServiceIp}"`,
      );
    } else if (offset <= 1) {
      // The network address is no host, and Kubernetes gives the first host address to the
      // `kubernetes` service (MicrosoftDocs/azure-aks-docs articles/aks/concepts-network-ip-address-planning.md).
      problem(
        "dnsServiceIp",
        `expected neither the network address nor the first address of serviceCidr (the kubernetes service), got "${args.dnsServiceIp}"`,
      );
    }
  }
  const window = args.maintenanceWindow;
  if (!/^(?:[01]\d|2[0-3]):[0-5]\d$/.test(window.startTime)) {
    problem(
      "maintenanceWindow.startTime",
      `expected HH:MM from 00:00 to 23:59, got "${window.startTime}"`,
    );
  }
  if (
    !Number.isInteger(window.durationHours) ||
    window.durationHours < 4 ||
    window.durationHours > 24
  ) {
    problem(
      "maintenanceWindow.durationHours",
      `expected an integer from 4 to 24, got ${window.durationHours}`,
    );
  }
  return problems;
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
    throwIfArgsProblems("KubernetesCluster", name, kubernetesClusterProblems(args));
    super("hiring:kubernetes:KubernetesCluster", name, {}, opts);
    const { scope } = args;
    const zones = args.availabilityZones.length > 0 ? [...args.availabilityZones] : undefined;
    // With these channels AKS moves the control plane and node versions itself; the program's
    // version is only the starting point (pulumi-azure-native #2059, #1298).
    const channelOwnsVersions = ["patch", "stable", "rapid"].includes(args.upgradeChannel);

    const controlPlaneIdentity = new managedidentity.UserAssignedIdentity(
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
      // Temp disks, caches and the ephemeral OS disk are encrypted on the host too, not only
      // the managed disks at rest (needs the subscription's EncryptionAtHost feature; see
      // MicrosoftDocs/azure-aks-docs articles/aks/enable-host-encryption.md).
      enableEncryptionAtHost: true,
      // Baseline surge: faster upgrades than the 10% default while keeping most capacity.
      upgradeSettings: { maxSurge: "33%" },
      tags: scope.tags,
    });

    // Known before the cluster exists: previews of later changes keep a known kubeconfig and
    // provider identity instead of marking every Kubernetes resource for replacement
    // (pulumi-kubernetes #1148).
    const clusterName = scope.namer.name("kubernetesCluster");
    const cluster = new containerservice.ManagedCluster(
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
          ...(args.defenderForContainers
            ? {
                defender: {
                  [DefenderForContainers.workspaceProperty]: args.logAnalyticsWorkspaceId,
                  [DefenderForContainers.securityMonitoringProperty]: { enabled: true },
                },
              }
            : {}),
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

    const userPool = new containerservice.AgentPool(
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

    const window: azureInputs.containerservice.MaintenanceWindowArgs = {
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
      new containerservice.MaintenanceConfiguration(
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
    const credentials = containerservice.listManagedClusterUserCredentialsOutput(
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
    const containerInsights = new monitor.DataCollectionRule(
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
    new monitor.DataCollectionRuleAssociation(
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
