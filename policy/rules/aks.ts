/**
 * Rules for the AKS cluster and its node pools.
 */
import type { PolicyResource } from "@pulumi/policy";
import {
  AGENT_POOL,
  DATA_COLLECTION_RULE,
  DATA_COLLECTION_RULE_ASSOCIATION,
  type HiringPolicy,
  MANAGED_CLUSTER,
  type Props,
  at,
  entries,
  items,
  known,
  resourceRule,
  show,
  stackRule,
  text,
} from "./kit";

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

/** True when a data collection rule runs the Container Insights extension. */
function collectsContainerInsights(rule: PolicyResource): boolean {
  const extensions = known(() => at(rule.props, "dataSources", "extensions"));
  return (
    Array.isArray(extensions) &&
    extensions.some((extension) => at(extension, "extensionName") === "ContainerInsights")
  );
}

export const aksRules: HiringPolicy[] = [
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
