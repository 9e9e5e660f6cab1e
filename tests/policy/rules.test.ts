import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import type {
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
  StackValidationArgs,
} from "@pulumi/policy";
import * as policyProxy from "@pulumi/policy/proxy";
import devConfig from "../../policy/config.dev.json";
import prodConfig from "../../policy/config.prod.json";
import {
  DEFAULT_REQUIRED_TAGS,
  isStackPolicy,
  policies,
  PRIVILEGED_ROLES,
  type HiringPolicy,
} from "../../policy/rules";
import { isUnknownValueError, unknownCheckingProxy } from "../../policy/sdk";
import { BuiltInRole } from "../../infra/roles";
import { STANDARD_TAG_NAMES } from "../../infra/tags";
import { parsePolicyConfig, reconcilePolicyConfig } from "../../tools/plan/policy";
import { AZURE_NAME_PROPERTY, TAGGABLE_TYPES } from "../../core/resource-types";
import { REPO_ROOT } from "../../tools/offline/run-stack";

type Props = Record<string, unknown>;

const OPTIONS: PolicyResourceOptions = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [],
};

function policy(name: string): HiringPolicy {
  const found = policies.find((candidate) => candidate.name === name);
  assert.ok(found, `no policy ${name}`);
  return found;
}

/** The violations `name` reports for one resource, its props behind the SDK's proxy. */
function checkResource(name: string, type: string, props: Props, config: Props = {}): string[] {
  const rule = policy(name);
  assert.ok(!isStackPolicy(rule), `${name} is a stack policy`);
  const violations: string[] = [];
  const args: ResourceValidationArgs = {
    type,
    props: unknownCheckingProxy(props),
    urn: `urn:pulumi:test::hiring-infra::${type}::subject`,
    name: "subject",
    opts: OPTIONS,
    stackTags: new Map(),
    getConfig: (() => config) as ResourceValidationArgs["getConfig"],
    notApplicable: (reason?: string) => {
      throw new Error(`not applicable: ${reason ?? ""}`);
    },
    isType: () => false,
    asType: () => undefined,
  };
  void rule.validateResource(args, (message) => violations.push(message));
  return violations;
}

interface StackEntry {
  readonly type: string;
  readonly name: string;
  readonly props: Props;
  readonly protect?: boolean;
  /** Names of entries this one depends on. */
  readonly dependsOn?: readonly string[];
}

/** The violations a stack policy reports, as `[urn name, message]` pairs. */
function checkStack(name: string, entries: readonly StackEntry[]): [string, string][] {
  const rule = policy(name);
  assert.ok(isStackPolicy(rule), `${name} is a resource policy`);
  const resources = new Map<string, PolicyResource>(
    entries.map((entry) => [
      entry.name,
      {
        type: entry.type,
        name: entry.name,
        urn: `urn:pulumi:test::hiring-infra::${entry.type}::${entry.name}`,
        props: unknownCheckingProxy(entry.props),
        opts: { ...OPTIONS, protect: entry.protect ?? false },
        dependencies: [],
        propertyDependencies: {},
        isType: () => false,
        asType: () => undefined,
      },
    ]),
  );
  for (const entry of entries) {
    const resource = resources.get(entry.name);
    assert.ok(resource);
    resource.dependencies = (entry.dependsOn ?? []).flatMap((dependency) => {
      const target = resources.get(dependency);
      return target ? [target] : [];
    });
  }
  const violations: [string, string][] = [];
  const args: StackValidationArgs = {
    resources: [...resources.values()],
    stackTags: new Map(),
    getConfig: (() => ({})) as StackValidationArgs["getConfig"],
    notApplicable: () => {
      throw new Error("not applicable");
    },
  };
  void rule.validateStack(args, (message, urn) => {
    violations.push([urn?.split("::").pop() ?? "", message]);
  });
  return violations;
}

/** A copy of `value` with the property at `dotted` path set (undefined deletes it). */
function withValue(value: Props, dotted: string, replacement: unknown): Props {
  const copy = structuredClone(value);
  const keys = dotted.split(".");
  let node: Record<string, unknown> = copy;
  for (const key of keys.slice(0, -1)) {
    node = node[key] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1] ?? "";
  if (replacement === undefined) {
    Reflect.deleteProperty(node, last);
  } else {
    node[last] = replacement;
  }
  return copy;
}

const TAGS = {
  project: "hiring-infra",
  stack: "prod",
  environment: "production",
  owner: "platform-team",
  "cost-center": "cc-1042",
  "managed-by": "pulumi",
};

const CLUSTER = "azure-native:containerservice:ManagedCluster";
const AGENT_POOL = "azure-native:containerservice:AgentPool";
const SERVER = "azure-native:dbforpostgresql:Server";
const CONFIGURATION = "azure-native:dbforpostgresql:Configuration";
const VAULT = "azure-native:keyvault:Vault";
const REGISTRY = "azure-native:containerregistry:Registry";

function cluster(): Props {
  return {
    disableLocalAccounts: true,
    enableRBAC: true,
    aadProfile: { managed: true, enableAzureRBAC: true },
    networkProfile: { networkPlugin: "azure", networkPolicy: "cilium" },
    oidcIssuerProfile: { enabled: true },
    securityProfile: {
      workloadIdentity: { enabled: true },
      defender: {
        logAnalyticsWorkspaceResourceId: "/subscriptions/x",
        securityMonitoring: { enabled: true },
      },
    },
    autoUpgradeProfile: { upgradeChannel: "patch", nodeOSUpgradeChannel: "NodeImage" },
    apiServerAccessProfile: { authorizedIPRanges: ["203.0.113.0/24"], enablePrivateCluster: false },
    agentPoolProfiles: [
      {
        name: "system",
        mode: "System",
        availabilityZones: ["1", "2", "3"],
        nodeTaints: ["CriticalAddonsOnly=true:NoSchedule"],
        enableEncryptionAtHost: true,
      },
    ],
    sku: { name: "Base", tier: "Standard" },
    addonProfiles: {
      omsagent: { enabled: true, config: { logAnalyticsWorkspaceResourceID: "/subscriptions/x" } },
      azurepolicy: { enabled: true },
    },
    tags: TAGS,
  };
}

function server(): Props {
  return {
    serverName: "psql-hire-prod",
    network: { publicNetworkAccess: "Disabled" },
    highAvailability: { mode: "ZoneRedundant", standbyAvailabilityZone: "2" },
    backup: { backupRetentionDays: 35, geoRedundantBackup: "Enabled" },
    storage: { storageSizeGB: 256, autoGrow: "Enabled" },
    tags: TAGS,
  };
}

function vault(): Props {
  return {
    properties: {
      enableRbacAuthorization: true,
      enableSoftDelete: true,
      enablePurgeProtection: true,
      publicNetworkAccess: "Disabled",
      networkAcls: { defaultAction: "Deny", bypass: "AzureServices" },
    },
    tags: TAGS,
  };
}

function registry(): Props {
  return { adminUserEnabled: false, anonymousPullEnabled: false, tags: TAGS };
}

function job(container: Props = {}): Props {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: "provision", namespace: "db-provisioning" },
    spec: {
      template: {
        spec: {
          securityContext: { runAsNonRoot: true, runAsUser: 70 },
          containers: [
            {
              name: "psql",
              image: "docker.io/library/postgres:16.4-alpine",
              resources: {
                requests: { cpu: "50m", memory: "64Mi" },
                limits: { cpu: "250m", memory: "128Mi" },
              },
              securityContext: { allowPrivilegeEscalation: false },
              ...container,
            },
          ],
        },
      },
    },
  };
}

function deployment(container: Props = {}): Props {
  const template = job(container).spec as Props;
  return { apiVersion: "apps/v1", kind: "Deployment", spec: { replicas: 2, ...template } };
}

function namespace(labels: Props): Props {
  return { metadata: { name: "careers-web", labels } };
}

function roleAssignment(role: string, scope: string): Props {
  return {
    principalId: "218ef740-9373-4dab-8766-60422b7ef818",
    principalType: "ServicePrincipal",
    roleDefinitionId: `/subscriptions/00000000-0000-4000-8000-000000000001/providers/Microsoft.Authorization/roleDefinitions/${role}`,
    scope,
  };
}

/** One resource that passes a rule and one that violates it, with the message expected. */
interface ResourceCase {
  readonly rule: string;
  readonly type: string;
  readonly passing: Props;
  readonly violating: Props;
  readonly message: RegExp;
  readonly config?: Props;
}

const SUBSCRIPTION = "/subscriptions/00000000-0000-4000-8000-000000000001";

const resourceCases: readonly ResourceCase[] = [
  {
    rule: "aks-host-encryption",
    type: CLUSTER,
    passing: cluster(),
    violating: withValue(cluster(), "agentPoolProfiles", [
      { name: "system", mode: "System", enableEncryptionAtHost: false },
    ]),
    message: /Pool system does not encrypt at the host/,
  },
  {
    rule: "aks-host-encryption",
    type: AGENT_POOL,
    passing: { mode: "User", enableEncryptionAtHost: true },
    violating: { mode: "User" },
    message: /Pool subject does not encrypt at the host \(enableEncryptionAtHost is unset\)/,
  },
  {
    rule: "aks-defender-for-containers",
    type: CLUSTER,
    passing: cluster(),
    violating: withValue(cluster(), "securityProfile.defender", undefined),
    message: /Defender for Containers is off/,
  },
  {
    rule: "postgres-storage-auto-grow",
    type: SERVER,
    passing: server(),
    violating: withValue(server(), "storage.autoGrow", "Disabled"),
    message: /Storage auto-grow is "Disabled"/,
  },
  {
    rule: "keyvault-soft-delete-retention",
    type: VAULT,
    passing: withValue(vault(), "properties.softDeleteRetentionInDays", 90),
    violating: withValue(vault(), "properties.softDeleteRetentionInDays", 7),
    message: /recoverable for 7 days/,
  },
  {
    rule: "log-analytics-no-daily-cap",
    type: "azure-native:operationalinsights:Workspace",
    passing: { sku: { name: "PerGB2018" }, tags: TAGS },
    violating: { sku: { name: "PerGB2018" }, workspaceCapping: { dailyQuotaGb: 5 }, tags: TAGS },
    message: /Ingestion stops each day after 5 GB/,
  },
  {
    rule: "aks-local-accounts-disabled",
    type: CLUSTER,
    passing: cluster(),
    violating: withValue(cluster(), "disableLocalAccounts", false),
    message:
      /Local accounts are enabled \(disableLocalAccounts is false\).*Fix: set disableLocalAccounts: true/,
  },
  {
    rule: "aks-azure-rbac",
    type: CLUSTER,
    passing: cluster(),
    violating: withValue(cluster(), "aadProfile.enableAzureRBAC", undefined),
    message:
      /Azure RBAC for Kubernetes authorisation is off \(aadProfile.enableAzureRBAC is unset\)/,
  },
  {
    rule: "aks-network-policy",
    type: CLUSTER,
    passing: cluster(),
    violating: withValue(cluster(), "networkProfile.networkPolicy", "none"),
    message: /No network policy engine \(networkProfile.networkPolicy is "none"\)/,
  },
  {
    rule: "aks-workload-identity",
    type: CLUSTER,
    passing: cluster(),
    violating: withValue(cluster(), "securityProfile.workloadIdentity.enabled", false),
    message: /Workload identity is off/,
  },
  {
    rule: "aks-auto-upgrade-channels",
    type: CLUSTER,
    passing: cluster(),
    violating: withValue(cluster(), "autoUpgradeProfile.nodeOSUpgradeChannel", "None"),
    message: /autoUpgradeProfile.nodeOSUpgradeChannel is "None"/,
  },
  {
    rule: "aks-api-server-restricted",
    type: CLUSTER,
    passing: withValue(
      withValue(cluster(), "apiServerAccessProfile.authorizedIPRanges", []),
      "apiServerAccessProfile.enablePrivateCluster",
      true,
    ),
    violating: withValue(cluster(), "apiServerAccessProfile.authorizedIPRanges", ["0.0.0.0/0"]),
    message: /authorised IP ranges include 0.0.0.0\/0/,
  },
  {
    rule: "aks-system-pool-isolated",
    type: CLUSTER,
    passing: cluster(),
    violating: withValue(cluster(), "agentPoolProfiles", [
      { name: "system", mode: "System", nodeTaints: [] },
    ]),
    message: /System pool system has no CriticalAddonsOnly taint/,
  },
  {
    rule: "aks-zone-redundant-standard-tier",
    type: CLUSTER,
    passing: cluster(),
    violating: withValue(cluster(), "sku.tier", "Free"),
    message: /runs on the "Free" tier/,
  },
  {
    rule: "aks-monitoring-enabled",
    type: CLUSTER,
    passing: cluster(),
    violating: withValue(cluster(), "addonProfiles.omsagent.enabled", false),
    message: /monitoring add-on \(addonProfiles.omsagent\) is not enabled/,
  },
  {
    rule: "aks-azure-policy-addon",
    type: CLUSTER,
    passing: cluster(),
    violating: withValue(cluster(), "addonProfiles.azurepolicy", undefined),
    message: /Azure Policy add-on \(addonProfiles.azurepolicy\) is not enabled/,
  },
  {
    rule: "postgres-public-network-access-disabled",
    type: SERVER,
    passing: server(),
    violating: withValue(server(), "network.publicNetworkAccess", "Enabled"),
    message: /Public network access is "Enabled"/,
  },
  {
    rule: "postgres-zone-redundant-ha",
    type: SERVER,
    passing: server(),
    violating: withValue(server(), "highAvailability.mode", "SameZone"),
    message: /High availability is "SameZone"/,
  },
  {
    rule: "postgres-geo-redundant-backup",
    type: SERVER,
    passing: server(),
    violating: withValue(server(), "backup.geoRedundantBackup", "Disabled"),
    message: /Geo-redundant backup is "Disabled"/,
  },
  {
    rule: "postgres-backup-retention",
    type: SERVER,
    passing: withValue(server(), "backup.backupRetentionDays", 7),
    violating: withValue(server(), "backup.backupRetentionDays", 3),
    message: /kept for 3 days .*at least 7 required/,
  },
  {
    rule: "keyvault-rbac-authorization",
    type: VAULT,
    passing: vault(),
    violating: withValue(vault(), "properties.enableRbacAuthorization", false),
    message: /RBAC authorisation is false/,
  },
  {
    rule: "keyvault-soft-delete",
    type: VAULT,
    passing: withValue(vault(), "properties.enableSoftDelete", undefined),
    violating: withValue(vault(), "properties.enableSoftDelete", false),
    message: /Soft delete is disabled/,
  },
  {
    rule: "keyvault-purge-protection",
    type: VAULT,
    passing: vault(),
    violating: withValue(vault(), "properties.enablePurgeProtection", undefined),
    message: /Purge protection is unset/,
  },
  {
    rule: "keyvault-network-restricted",
    type: VAULT,
    passing: withValue(vault(), "properties.publicNetworkAccess", "Enabled"),
    violating: withValue(
      withValue(vault(), "properties.publicNetworkAccess", "Enabled"),
      "properties.networkAcls.defaultAction",
      "Allow",
    ),
    message:
      /reachable from any network \(publicNetworkAccess is "Enabled", networkAcls.defaultAction is "Allow"\)/,
  },
  {
    rule: "acr-admin-user-disabled",
    type: REGISTRY,
    passing: registry(),
    violating: withValue(registry(), "adminUserEnabled", true),
    message: /admin user is enabled/,
  },
  {
    rule: "acr-anonymous-pull-disabled",
    type: REGISTRY,
    passing: registry(),
    violating: withValue(registry(), "anonymousPullEnabled", true),
    message: /Anonymous pull is enabled/,
  },
  {
    rule: "k8s-image-pinned",
    type: "kubernetes:apps/v1:Deployment",
    passing: deployment({ image: "crhireprod.azurecr.io/careers-web@sha256:" + "a".repeat(64) }),
    violating: deployment({ image: "localhost:5000/careers-web" }),
    message: /container psql: image localhost:5000\/careers-web has no tag/,
  },
  {
    rule: "k8s-resources-set",
    type: "kubernetes:batch/v1:Job",
    passing: job(),
    violating: job({ resources: { requests: { cpu: "50m", memory: "64Mi" } } }),
    message: /container psql: no resources.limits.cpu, resources.limits.memory/,
  },
  {
    rule: "k8s-non-root-no-privilege-escalation",
    type: "kubernetes:batch/v1:Job",
    passing: job(),
    violating: job({ securityContext: { runAsNonRoot: false, allowPrivilegeEscalation: false } }),
    message: /container psql: runAsNonRoot is false/,
  },
  {
    rule: "k8s-app-namespace-restricted",
    type: "kubernetes:core/v1:Namespace",
    passing: namespace({
      "app.kubernetes.io/part-of": "hiring",
      "pod-security.kubernetes.io/enforce": "restricted",
    }),
    violating: namespace({
      "app.kubernetes.io/part-of": "hiring",
      "pod-security.kubernetes.io/enforce": "baseline",
    }),
    message: /App namespace enforces pod security level "baseline"/,
  },
  {
    rule: "helm-chart-version-pinned",
    type: "kubernetes:helm.sh/v3:Release",
    passing: { chart: "jenkins", version: "5.9.29", values: { controller: {} } },
    violating: { chart: "jenkins", version: "^5.9.0" },
    message: /Chart "jenkins" version is "\^5.9.0"/,
  },
  {
    rule: "required-tags",
    type: "azure-native:network:VirtualNetwork",
    passing: { tags: TAGS },
    violating: { tags: { ...TAGS, owner: " ", "cost-center": undefined } },
    message: /Missing tag\(s\): owner, cost-center\./,
  },
  {
    rule: "no-privileged-role-at-subscription-scope",
    type: "azure-native:authorization:RoleAssignment",
    passing: roleAssignment(BuiltInRole.contributor, `${SUBSCRIPTION}/resourceGroups/rg-hire-prod`),
    violating: roleAssignment("8e3af657-a8ff-443c-a75c-2fe8c4bcb635", SUBSCRIPTION),
    message: /Owner is assigned at scope \/subscriptions\/00000000-0000-4000-8000-000000000001\./,
  },
];

const TLS_ON = { configurationName: "require_secure_transport", value: "on" };

/** Stack policies: one passing stack and one violating stack. */
const CHECKPOINTS_ON = { configurationName: "log_checkpoints", value: "on" };

const stackCases: readonly {
  readonly rule: string;
  readonly passing: readonly StackEntry[];
  readonly violating: readonly StackEntry[];
  readonly expected: [string, RegExp];
}[] = [
  {
    rule: "aks-container-insights-collection",
    passing: [
      { type: CLUSTER, name: "cluster-cluster", props: cluster() },
      {
        type: "azure-native:monitor:DataCollectionRule",
        name: "cluster-container-insights",
        props: { dataSources: { extensions: [{ extensionName: "ContainerInsights" }] } },
      },
      {
        type: "azure-native:monitor:DataCollectionRuleAssociation",
        name: "cluster-container-insights-association",
        props: { associationName: "ContainerInsightsExtension" },
        dependsOn: ["cluster-cluster", "cluster-container-insights"],
      },
    ],
    violating: [{ type: CLUSTER, name: "cluster-cluster", props: cluster() }],
    expected: ["cluster-cluster", /no Container Insights data collection rule is associated/],
  },
  {
    rule: "postgres-checkpoints-logged",
    passing: [
      { type: SERVER, name: "database-server", props: server() },
      {
        type: CONFIGURATION,
        name: "database-param-log_checkpoints",
        props: { ...CHECKPOINTS_ON, serverName: "psql-hire-prod" },
        dependsOn: ["database-server"],
      },
    ],
    violating: [
      { type: SERVER, name: "database-server", props: server() },
      {
        type: CONFIGURATION,
        name: "database-param-log_checkpoints",
        props: { configurationName: "log_checkpoints", value: "off" },
        dependsOn: ["database-server"],
      },
    ],
    expected: ["database-server", /does not log checkpoints \(log_checkpoints is "off"\)/],
  },
  {
    rule: "postgres-tls-enforced",
    passing: [
      { type: SERVER, name: "database-server", props: server() },
      {
        type: CONFIGURATION,
        name: "database-param-require_secure_transport",
        props: { ...TLS_ON, serverName: "psql-hire-prod" },
        dependsOn: ["database-server"],
      },
    ],
    violating: [
      { type: SERVER, name: "database-server", props: server() },
      {
        type: CONFIGURATION,
        name: "database-param-log_connections",
        props: { configurationName: "log_connections", value: "on" },
        dependsOn: ["database-server"],
      },
    ],
    expected: ["database-server", /no require_secure_transport Configuration/],
  },
  {
    rule: "stateful-resources-protected",
    passing: [
      { type: VAULT, name: "secrets-vault", props: vault(), protect: true },
      { type: "azure-native:network:Subnet", name: "network-snet-nodes", props: {} },
    ],
    violating: [{ type: SERVER, name: "database-server", props: server() }],
    expected: ["database-server", /stateful resource is not protected/],
  },
];

describe("policy rules", () => {
  it("every rule has a passing and a violating case below", () => {
    const covered = new Set([...resourceCases, ...stackCases].map((item) => item.rule));
    assert.deepEqual(
      policies.map((rule) => rule.name).filter((name) => !covered.has(name)),
      [],
    );
  });

  it("every rule is advisory in code, documented, and has a unique kebab-case name", () => {
    const names = policies.map((rule) => rule.name);
    assert.equal(new Set(names).size, names.length);
    for (const rule of policies) {
      assert.match(rule.name, /^[a-z0-9]+(-[a-z0-9]+)+$/);
      assert.notEqual(rule.name, "all");
      assert.equal(rule.enforcementLevel, "advisory", rule.name);
      assert.ok(rule.description.length > 40, `${rule.name} description`);
      assert.ok(rule.remediationSteps.length > 10, `${rule.name} remediation`);
      assert.ok(rule.appliesTo.length > 0, `${rule.name} appliesTo`);
    }
  });

  for (const item of resourceCases) {
    describe(item.rule, () => {
      it("passes a compliant resource", () => {
        assert.deepEqual(checkResource(item.rule, item.type, item.passing, item.config), []);
      });
      it("reports a violation with the finding and how to fix it", () => {
        const violations = checkResource(item.rule, item.type, item.violating, item.config);
        assert.equal(violations.length, 1, violations.join("\n"));
        assert.match(violations[0] ?? "", item.message);
        assert.match(violations[0] ?? "", / Fix: \S/);
      });
      it("ignores resources of other types", () => {
        assert.deepEqual(
          checkResource(item.rule, "random:index/randomString:RandomString", item.violating),
          [],
        );
      });
    });
  }

  for (const item of stackCases) {
    describe(item.rule, () => {
      it("passes a compliant stack", () => {
        assert.deepEqual(checkStack(item.rule, item.passing), []);
      });
      it("reports the violating resource's URN", () => {
        const violations = checkStack(item.rule, item.violating);
        assert.equal(violations.length, 1, JSON.stringify(violations));
        const [urnName, message] = violations[0] ?? ["", ""];
        assert.equal(urnName, item.expected[0]);
        assert.match(message, item.expected[1]);
        assert.match(message, / Fix: \S/);
      });
    });
  }

  describe("details", () => {
    it("system-pool isolation checks AgentPool resources in System mode too", () => {
      const pool = { mode: "System", availabilityZones: ["1", "2", "3"], nodeTaints: [] };
      assert.match(
        checkResource("aks-system-pool-isolated", AGENT_POOL, pool)[0] ?? "",
        /System pool subject has no CriticalAddonsOnly taint/,
      );
      assert.deepEqual(checkResource("aks-system-pool-isolated", AGENT_POOL, { mode: "User" }), []);
    });

    it("zone redundancy names every pool that misses a zone", () => {
      const violations = checkResource("aks-zone-redundant-standard-tier", AGENT_POOL, {
        mode: "User",
        availabilityZones: ["1"],
      });
      assert.deepEqual(violations.length, 1);
      assert.match(violations[0] ?? "", /Pool subject is not in zone\(s\) 2, 3/);
    });

    it("an API server with no authorised ranges and no private cluster is a violation", () => {
      const open = withValue(cluster(), "apiServerAccessProfile", {});
      assert.match(
        checkResource("aks-api-server-restricted", CLUSTER, open)[0] ?? "",
        /public with no authorised IP ranges/,
      );
    });

    it("images: latest and untagged fail, tags and digests pass, registry ports are not tags", () => {
      const image = (reference: string): string[] =>
        checkResource("k8s-image-pinned", "kubernetes:batch/v1:Job", job({ image: reference }));
      assert.match(image("nginx:latest")[0] ?? "", /uses the :latest tag/);
      assert.match(image("nginx")[0] ?? "", /has no tag/);
      assert.deepEqual(image("registry.local:5000/team/nginx:1.27.1"), []);
      assert.deepEqual(image("nginx@sha256:" + "0".repeat(64)), []);
    });

    it("pod-level runAsNonRoot counts, but escalation must be off per container (init containers too)", () => {
      const props = job({ securityContext: {} });
      const violations = checkResource(
        "k8s-non-root-no-privilege-escalation",
        "kubernetes:batch/v1:Job",
        props,
      );
      assert.deepEqual(violations.length, 1);
      assert.match(violations[0] ?? "", /allowPrivilegeEscalation is unset/);
      const withInit = withValue(job(), "spec.template.spec.initContainers", [
        {
          name: "migrate",
          image: "app:1.0.0",
          securityContext: { privileged: true, allowPrivilegeEscalation: false },
        },
      ]);
      assert.match(
        checkResource(
          "k8s-non-root-no-privilege-escalation",
          "kubernetes:batch/v1:Job",
          withInit,
        )[0] ?? "",
        /init container migrate: runs privileged/,
      );
    });

    it("workload rules read CronJob and StatefulSet pod templates", () => {
      const template = (job({ image: "nginx:latest" }).spec as Props).template;
      const cronJob = { spec: { jobTemplate: { spec: { template } } } };
      const statefulSet = { spec: { template } };
      assert.equal(
        checkResource("k8s-image-pinned", "kubernetes:batch/v1:CronJob", cronJob).length,
        1,
      );
      assert.equal(
        checkResource("k8s-image-pinned", "kubernetes:apps/v1:StatefulSet", statefulSet).length,
        1,
      );
    });

    it("namespaces outside the hiring platform are not checked", () => {
      assert.deepEqual(
        checkResource(
          "k8s-app-namespace-restricted",
          "kubernetes:core/v1:Namespace",
          namespace({}),
        ),
        [],
      );
    });

    it("role scope: resource groups pass; management groups, the root and Contributor at a subscription fail", () => {
      const check = (role: string, scope: string): string[] =>
        checkResource(
          "no-privileged-role-at-subscription-scope",
          "azure-native:authorization:RoleAssignment",
          roleAssignment(role, scope),
        );
      assert.deepEqual(check(BuiltInRole.acrPull, SUBSCRIPTION), []);
      assert.match(
        check(BuiltInRole.contributor, `${SUBSCRIPTION}/`)[0] ?? "",
        /Contributor is assigned/,
      );
      assert.match(
        check(
          "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
          "/providers/Microsoft.Management/managementGroups/hiring",
        )[0] ?? "",
        /User Access Administrator is assigned/,
      );
      assert.match(check(BuiltInRole.contributor, "/")[0] ?? "", /assigned at scope \//);
    });

    it("backup retention and required tags take their thresholds from policy config", () => {
      assert.match(
        checkResource(
          "postgres-backup-retention",
          SERVER,
          withValue(server(), "backup.backupRetentionDays", 30),
          {
            minimumDays: 35,
          },
        )[0] ?? "",
        /at least 35 required/,
      );
      assert.deepEqual(
        checkResource(
          "required-tags",
          REGISTRY,
          { tags: { team: "a" } },
          { requiredTags: ["team"] },
        ),
        [],
      );
    });

    it("TLS: a server named by serverName counts even without a recorded dependency", () => {
      const stack: StackEntry[] = [
        { type: SERVER, name: "database-server", props: server() },
        { type: CONFIGURATION, name: "tls", props: { ...TLS_ON, serverName: "psql-hire-prod" } },
      ];
      assert.deepEqual(checkStack("postgres-tls-enforced", stack), []);
    });

    it("TLS: require_secure_transport off and TLS 1.0 are violations", () => {
      const stack: StackEntry[] = [
        { type: SERVER, name: "database-server", props: server() },
        {
          type: CONFIGURATION,
          name: "tls",
          props: { ...TLS_ON, value: "off" },
          dependsOn: ["database-server"],
        },
        {
          type: CONFIGURATION,
          name: "min-tls",
          props: { configurationName: "ssl_min_protocol_version", value: "TLSv1" },
          dependsOn: ["database-server"],
        },
      ];
      const messages = checkStack("postgres-tls-enforced", stack).map(([, message]) => message);
      assert.equal(messages.length, 2);
      assert.match(messages[0] ?? "", /sets require_secure_transport to "off"/);
      assert.match(messages[1] ?? "", /accepts TLSv1 \(ssl_min_protocol_version\)/);
    });
  });

  describe("unknown values", () => {
    const unknown = (policyProxy as unknown as Record<string, unknown>).unknownStringValue;

    it("reading a value unknown during preview throws the SDK's UnknownValueError", () => {
      assert.equal(typeof unknown, "string");
      assert.throws(
        () =>
          checkResource(
            "aks-local-accounts-disabled",
            CLUSTER,
            withValue(cluster(), "disableLocalAccounts", unknown),
          ),
        (error: unknown) =>
          isUnknownValueError(error) && /disableLocalAccounts/.test(error.message),
      );
    });

    it("the TLS rule still links a Configuration to its server by dependency when names are unknown", () => {
      const stack: StackEntry[] = [
        {
          type: SERVER,
          name: "database-server",
          props: withValue(server(), "serverName", unknown),
        },
        {
          type: CONFIGURATION,
          name: "tls",
          props: { ...TLS_ON, serverName: unknown },
          dependsOn: ["database-server"],
        },
      ];
      assert.deepEqual(checkStack("postgres-tls-enforced", stack), []);
    });
  });
});

describe("what the rules assume about this repository", () => {
  /** Whether `XxxArgs` in the azure-native typings of `type` has a `tags` input. */
  function acceptsTags(type: string): boolean {
    const [, module = "", resource = ""] = type.split(":");
    const file = path.join(
      REPO_ROOT,
      "node_modules/@pulumi/azure-native",
      module,
      `${resource.charAt(0).toLowerCase()}${resource.slice(1)}.d.ts`,
    );
    const typings = readFileSync(file, "utf8");
    const args = new RegExp(`export interface ${resource}Args \\{([\\s\\S]*?)\\n\\}`).exec(typings);
    assert.ok(args, `no ${resource}Args in ${file}`);
    return /\n {4}tags\?:/.test(args[1] ?? "");
  }

  it("TAGGABLE_TYPES is exactly the known azure-native types whose typings accept tags", () => {
    const azureTypes = Object.keys(AZURE_NAME_PROPERTY).filter((type) =>
      type.startsWith("azure-native:"),
    );
    assert.deepEqual(azureTypes.filter(acceptsTags).sort(), [...TAGGABLE_TYPES].sort());
  });

  it("every azure-native type in the committed plans is one the tag rule knows about", () => {
    for (const stack of ["dev", "prod", "local"]) {
      const plan = JSON.parse(
        readFileSync(path.join(REPO_ROOT, "plans", `${stack}.json`), "utf8"),
      ) as {
        resources: { type: string }[];
      };
      for (const { type } of plan.resources) {
        if (type.startsWith("azure-native:")) {
          assert.ok(type in AZURE_NAME_PROPERTY, `${type} (plans/${stack}.json)`);
        }
      }
    }
  });

  it("the role GUIDs and required tags agree with infra/roles.ts and infra/tags.ts", () => {
    assert.equal(PRIVILEGED_ROLES[BuiltInRole.contributor], "Contributor");
    assert.equal(
      PRIVILEGED_ROLES[BuiltInRole.roleBasedAccessControlAdministrator],
      "Role Based Access Control Administrator",
    );
    for (const tag of DEFAULT_REQUIRED_TAGS) {
      assert.ok(STANDARD_TAG_NAMES.includes(tag), tag);
    }
  });
});

describe("policy config files", () => {
  const names = new Set(["all", ...policies.map((rule) => rule.name)]);

  for (const [file, config] of [
    ["policy/config.prod.json", prodConfig],
    ["policy/config.dev.json", devConfig],
  ] as const) {
    it(`${file} is valid and names only policies of the pack`, () => {
      const parsed = parsePolicyConfig(config, file);
      assert.deepEqual(
        Object.keys(parsed).filter((key) => !names.has(key)),
        [],
      );
    });
  }

  it("prod makes every rule mandatory and raises backup retention to 35 days; dev keeps them advisory", () => {
    const prod = reconcilePolicyConfig(parsePolicyConfig(prodConfig, "prod"));
    const dev = reconcilePolicyConfig(parsePolicyConfig(devConfig, "dev"));
    for (const rule of policies) {
      assert.equal(prod.get(rule.name)?.enforcementLevel, "mandatory", rule.name);
      assert.equal(dev.get(rule.name)?.enforcementLevel, "advisory", rule.name);
    }
    assert.deepEqual(prod.get("postgres-backup-retention")?.properties, { minimumDays: 35 });
    assert.deepEqual(dev.get("postgres-backup-retention")?.properties, { minimumDays: 7 });
    assert.deepEqual(dev.get("required-tags")?.properties, {
      requiredTags: [...DEFAULT_REQUIRED_TAGS],
    });
  });

  it("a policy's own entry overrides all, as in the CLI", () => {
    const settings = reconcilePolicyConfig({
      all: "mandatory",
      "keyvault-purge-protection": { enforcementLevel: "disabled" },
      "aks-network-policy": "advisory",
    });
    assert.equal(settings.get("keyvault-purge-protection")?.enforcementLevel, "disabled");
    assert.equal(settings.get("aks-network-policy")?.enforcementLevel, "advisory");
    assert.equal(settings.get("aks-azure-rbac")?.enforcementLevel, "mandatory");
  });

  it("rejects a property its policy's schema does not accept, as the CLI does", () => {
    assert.throws(
      () => reconcilePolicyConfig({ "postgres-backup-retention": { minimumDays: "35" } }),
      /postgres-backup-retention: minimumDays must be integer; found "35"/,
    );
    assert.throws(
      () => reconcilePolicyConfig({ "postgres-backup-retention": { minimumDays: 40 } }),
      /minimumDays must be <= 35; found 40/,
    );
  });

  it("rejects an invalid enforcement level, naming the file and the key", () => {
    assert.throws(
      () => parsePolicyConfig({ "aks-azure-rbac": "strict" }, "policy/config.x.json"),
      /policy\/config\.x\.json: "aks-azure-rbac" must be one of advisory, mandatory, remediate, disabled/,
    );
    assert.throws(
      () => parsePolicyConfig({ all: { enforcementLevel: 3 } }, "x.json"),
      /x\.json: "all" must be one of/,
    );
  });
});
