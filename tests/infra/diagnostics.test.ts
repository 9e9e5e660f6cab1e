import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import {
  CLUSTER_LOG_CATEGORIES,
  type DiagnosticTarget,
  Diagnostics,
  type DiagnosticsArgs,
} from "../../infra/diagnostics";
import {
  assertRejectsBeforeRegistering,
  ofType,
  recordComponent,
  single,
  testScope,
  type ComponentRun,
} from "../harness/component";
import type { RecordedResource } from "../../tools/offline/recorder";
import { valueOf } from "../../tools/offline/runtime";

const SETTING = "azure-native:monitor:DiagnosticSetting";
const ALERT = "azure-native:monitor:MetricAlert";
const COMPONENT = "hiring:observability:Diagnostics";

const GROUP = "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-hire-test";
const WORKSPACE_ID = `${GROUP}/providers/Microsoft.OperationalInsights/workspaces/log-hire-test`;
const ACTION_GROUP_ID = `${GROUP}/providers/Microsoft.Insights/actionGroups/ag-hire-test`;
const TARGET_IDS: Readonly<Record<DiagnosticTarget, string>> = {
  cluster: `${GROUP}/providers/Microsoft.ContainerService/managedClusters/aks-hire-test`,
  database: `${GROUP}/providers/Microsoft.DBforPostgreSQL/flexibleServers/psql-hire-test-ab12c`,
  keyVault: `${GROUP}/providers/Microsoft.KeyVault/vaults/kv-hire-test-ab12c`,
  registry: `${GROUP}/providers/Microsoft.ContainerRegistry/registries/crhiretestab12c`,
};

function args(overrides: Partial<DiagnosticsArgs> = {}): DiagnosticsArgs {
  return { scope: testScope(), workspaceId: WORKSPACE_ID, targets: TARGET_IDS, ...overrides };
}

function settingFor(resources: readonly RecordedResource[], target: string): RecordedResource {
  const matches = ofType(resources, SETTING).filter((s) => s.inputs.resourceUri === target);
  assert.equal(matches.length, 1, `one diagnostic setting for ${target}`);
  return matches[0] as RecordedResource;
}

describe("Diagnostics without an action group", () => {
  let run: ComponentRun<Diagnostics>;
  before(async () => {
    run = await recordComponent(() => new Diagnostics("diagnostics", args()));
  });

  it("creates one diagnostic setting per target, each sending to the workspace", () => {
    const settings = ofType(run.resources, SETTING);
    assert.equal(settings.length, 4);
    const component = single(run.resources, COMPONENT);
    for (const target of Object.values(TARGET_IDS)) {
      const setting = settingFor(run.resources, target);
      assert.equal(setting.inputs.workspaceId, WORKSPACE_ID);
      assert.equal(setting.inputs.name, "to-log-analytics");
      assert.equal(setting.parent, component.urn);
      assert.equal(setting.inputs.storageAccountId, undefined);
      assert.equal(setting.inputs.eventHubAuthorizationRuleId, undefined);
    }
  });

  it("names the settings after the component and target", () => {
    assert.deepEqual(
      ofType(run.resources, SETTING)
        .map((s) => s.name)
        .sort(),
      [
        "diagnostics-cluster",
        "diagnostics-database",
        "diagnostics-keyVault",
        "diagnostics-registry",
      ],
    );
  });

  it("collects the cluster's control-plane logs including kube-audit-admin and kube-apiserver", () => {
    const cluster = settingFor(run.resources, TARGET_IDS.cluster);
    const logs = cluster.inputs.logs as { category?: string; enabled: boolean }[];
    const categories = logs.map((log) => log.category);
    assert.ok(categories.includes("kube-audit-admin"));
    assert.ok(categories.includes("kube-apiserver"));
    assert.deepEqual(categories, [
      "kube-apiserver",
      "kube-audit-admin",
      "kube-controller-manager",
      "kube-scheduler",
      "cluster-autoscaler",
      "guard",
    ]);
    assert.deepEqual(categories, [...CLUSTER_LOG_CATEGORIES]);
    assert.ok(logs.every((log) => log.enabled));
  });

  it("leaves out the full kube-audit category, which is mostly get/list volume", () => {
    const cluster = settingFor(run.resources, TARGET_IDS.cluster);
    const logs = cluster.inputs.logs as { category?: string; categoryGroup?: string }[];
    assert.ok(!logs.some((log) => log.category === "kube-audit"));
    assert.ok(!logs.some((log) => log.categoryGroup !== undefined));
  });

  it("sends all metrics from every target", () => {
    for (const target of Object.values(TARGET_IDS)) {
      assert.deepEqual(settingFor(run.resources, target).inputs.metrics, [
        { category: "AllMetrics", enabled: true },
      ]);
    }
  });

  it("sends every log of the database, vault and registry through the allLogs group", () => {
    for (const target of [TARGET_IDS.database, TARGET_IDS.keyVault, TARGET_IDS.registry]) {
      assert.deepEqual(settingFor(run.resources, target).inputs.logs, [
        { categoryGroup: "allLogs", enabled: true },
      ]);
    }
  });

  it("writes to resource-specific tables except for PostgreSQL, which only has AzureDiagnostics", () => {
    const destination = (target: string): unknown =>
      settingFor(run.resources, target).inputs.logAnalyticsDestinationType;
    assert.equal(destination(TARGET_IDS.cluster), "Dedicated");
    assert.equal(destination(TARGET_IDS.keyVault), "Dedicated");
    assert.equal(destination(TARGET_IDS.registry), "Dedicated");
    assert.equal(destination(TARGET_IDS.database), undefined);
  });

  it("creates no alert rules and exposes no alert names", async () => {
    assert.equal(ofType(run.resources, ALERT).length, 0);
    assert.deepEqual(await valueOf(run.component.alertNames, "alertNames"), []);
  });

  it("exposes each target's diagnostic setting id", async () => {
    const ids = await valueOf(run.component.diagnosticSettingIds, "diagnosticSettingIds");
    assert.deepEqual(Object.keys(ids).sort(), ["cluster", "database", "keyVault", "registry"]);
    for (const id of Object.values(ids)) {
      assert.match(id, /\/DiagnosticSetting\/to-log-analytics$/);
    }
  });

  it("accepts ids that are outputs of other resources", async () => {
    const fromOutputs = await recordComponent(
      () =>
        new Diagnostics(
          "diagnostics",
          args({
            workspaceId: pulumi.output(WORKSPACE_ID),
            targets: { ...TARGET_IDS, cluster: pulumi.output(TARGET_IDS.cluster) },
          }),
        ),
    );
    assert.equal(
      settingFor(fromOutputs.resources, TARGET_IDS.cluster).inputs.workspaceId,
      WORKSPACE_ID,
    );
  });
});

interface RecordedCriterion {
  readonly criterionType: string;
  readonly name: string;
  readonly metricNamespace: string;
  readonly metricName: string;
  readonly operator: string;
  readonly threshold: number;
  readonly timeAggregation: string;
  readonly dimensions?: readonly { name: string; operator: string; values: string[] }[];
}

describe("Diagnostics with an action group", () => {
  let run: ComponentRun<Diagnostics>;
  let alerts: RecordedResource[];
  before(async () => {
    run = await recordComponent(
      () => new Diagnostics("diagnostics", args({ actionGroupId: ACTION_GROUP_ID })),
    );
    alerts = ofType(run.resources, ALERT);
  });

  const alert = (qualifier: string): RecordedResource =>
    single(alerts, ALERT, `-alert-${qualifier}`);
  const criterion = (qualifier: string): RecordedCriterion => {
    const criteria = alert(qualifier).inputs.criteria as {
      odataType: string;
      allOf: RecordedCriterion[];
    };
    assert.equal(
      criteria.odataType,
      "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
    );
    assert.equal(criteria.allOf.length, 1);
    return criteria.allOf[0] as RecordedCriterion;
  };

  it("still creates the four diagnostic settings", () => {
    assert.equal(ofType(run.resources, SETTING).length, 4);
  });

  it("creates five metric alerts, each notifying the action group and resolving itself", () => {
    assert.equal(alerts.length, 5);
    const component = single(run.resources, COMPONENT);
    for (const rule of alerts) {
      assert.deepEqual(rule.inputs.actions, [{ actionGroupId: ACTION_GROUP_ID }]);
      assert.equal(rule.inputs.location, "global");
      assert.equal(rule.inputs.resourceGroupName, "rg-hire-test");
      assert.equal(rule.inputs.enabled, true);
      assert.equal(rule.inputs.autoMitigate, true);
      assert.equal(rule.inputs.evaluationFrequency, "PT5M");
      assert.equal(rule.inputs.windowSize, "PT15M");
      assert.deepEqual(rule.inputs.tags, testScope().tags);
      assert.equal(rule.parent, component.urn);
      assert.equal(typeof rule.inputs.severity, "number");
      assert.ok(String(rule.inputs.description).length > 0);
    }
  });

  it("names the alerts with the metricAlert naming kind and a qualifier", async () => {
    const names = alerts.map((rule) => rule.inputs.ruleName).sort();
    assert.deepEqual(names, [
      "alert-hire-test-aks-failed-pods",
      "alert-hire-test-aks-node-cpu",
      "alert-hire-test-aks-node-memory",
      "alert-hire-test-psql-cpu",
      "alert-hire-test-psql-storage",
    ]);
    assert.deepEqual([...(await valueOf(run.component.alertNames, "alertNames"))].sort(), names);
  });

  it("alerts when average node CPU on the cluster is above 80%", () => {
    assert.deepEqual(alert("aks-node-cpu").inputs.scopes, [TARGET_IDS.cluster]);
    assert.deepEqual(criterion("aks-node-cpu"), {
      criterionType: "StaticThresholdCriterion",
      name: "aks-node-cpu",
      metricNamespace: "Microsoft.ContainerService/managedClusters",
      metricName: "node_cpu_usage_percentage",
      operator: "GreaterThan",
      threshold: 80,
      timeAggregation: "Average",
    });
  });

  it("alerts when node working-set memory on the cluster is above 80%", () => {
    assert.deepEqual(alert("aks-node-memory").inputs.scopes, [TARGET_IDS.cluster]);
    const memory = criterion("aks-node-memory");
    assert.equal(memory.metricName, "node_memory_working_set_percentage");
    assert.equal(memory.operator, "GreaterThan");
    assert.equal(memory.threshold, 80);
    assert.equal(memory.timeAggregation, "Average");
  });

  it("alerts when any pod on the cluster is in the Failed phase", () => {
    assert.deepEqual(alert("aks-failed-pods").inputs.scopes, [TARGET_IDS.cluster]);
    const failed = criterion("aks-failed-pods");
    assert.equal(failed.metricName, "kube_pod_status_phase");
    assert.equal(failed.operator, "GreaterThan");
    assert.equal(failed.threshold, 0);
    assert.deepEqual(failed.dimensions, [
      { name: "phase", operator: "Include", values: ["Failed"] },
    ]);
  });

  it("alerts when database CPU is above 80%", () => {
    assert.deepEqual(alert("psql-cpu").inputs.scopes, [TARGET_IDS.database]);
    const cpu = criterion("psql-cpu");
    assert.equal(cpu.metricNamespace, "Microsoft.DBforPostgreSQL/flexibleServers");
    assert.equal(cpu.metricName, "cpu_percent");
    assert.equal(cpu.operator, "GreaterThan");
    assert.equal(cpu.threshold, 80);
    assert.equal(cpu.dimensions, undefined);
  });

  it("alerts at error severity when database storage is above 85%", () => {
    assert.deepEqual(alert("psql-storage").inputs.scopes, [TARGET_IDS.database]);
    const storage = criterion("psql-storage");
    assert.equal(storage.metricName, "storage_percent");
    assert.equal(storage.operator, "GreaterThan");
    assert.equal(storage.threshold, 85);
    assert.equal(alert("psql-storage").inputs.severity, 1);
  });

  it("puts no alert on the vault or the registry", () => {
    const scoped = alerts.flatMap((rule) => rule.inputs.scopes as string[]);
    assert.ok(!scoped.includes(TARGET_IDS.keyVault));
    assert.ok(!scoped.includes(TARGET_IDS.registry));
  });
});

describe("Diagnostics validation", () => {
  const rejects = (overrides: Partial<DiagnosticsArgs>, message: RegExp): Promise<void> =>
    assertRejectsBeforeRegistering(() => new Diagnostics("diagnostics", args(overrides)), message);

  it("rejects a workspace id that is not a Log Analytics workspace", async () => {
    await rejects(
      { workspaceId: TARGET_IDS.keyVault },
      /Diagnostics "diagnostics": workspaceId: expected a Log Analytics workspace resource id/,
    );
  });

  it("rejects a target that is not a resource id", async () => {
    await rejects(
      { targets: { ...TARGET_IDS, registry: "crhiretestab12c" } },
      /targets\.registry: expected an Azure resource id, got "crhiretestab12c"/,
    );
  });

  it("rejects an empty target id", async () => {
    await rejects(
      { targets: { ...TARGET_IDS, database: "" } },
      /targets\.database: expected an Azure resource id, got ""/,
    );
  });

  it("rejects an action group id that is not a resource id", async () => {
    await rejects(
      { actionGroupId: "ag-hire-test" },
      /actionGroupId: expected an Azure resource id/,
    );
  });
});
