import * as monitor from "@pulumi/azure-native/monitor";
import type * as azureInputs from "@pulumi/azure-native/types/input";
import * as pulumi from "@pulumi/pulumi";
import { type ArgsProblem, throwIfArgsProblems } from "../core/args-problems";
import type { AzureScope } from "./azure-scope";
import { AKS_LOG_CATEGORIES, DiagnosticCategory, Metric } from "./azure-identifiers";

/** ARM ids of the resources whose logs and metrics go to the workspace. */
export interface DiagnosticTargets {
  /** The AKS managed cluster. */
  readonly cluster: pulumi.Input<string>;
  /** The PostgreSQL flexible server. */
  readonly database: pulumi.Input<string>;
  /** The Key Vault. */
  readonly keyVault: pulumi.Input<string>;
  /** The container registry. */
  readonly registry: pulumi.Input<string>;
}

/** A resource that gets a diagnostic setting. */
export type DiagnosticTarget = keyof DiagnosticTargets;

/** Arguments of {@link Diagnostics}. */
export interface DiagnosticsArgs {
  /** Resource group, names and tags (the alert rules live in the group). */
  readonly scope: AzureScope;
  /** ARM id of the Log Analytics workspace that receives logs and metrics. */
  readonly workspaceId: pulumi.Input<string>;
  /** The resources to collect from. */
  readonly targets: DiagnosticTargets;
  /** ARM id of the action group alerts notify; without it no alert rules are created. */
  readonly actionGroupId?: pulumi.Input<string>;
}

/** Name of every diagnostic setting; unique per target resource, which is all Azure requires. */
export const DIAGNOSTIC_SETTING_NAME = "to-log-analytics";

/**
 * AKS control-plane log categories collected. `kube-audit-admin` rather than `kube-audit`: it
 * leaves out get/list events, which are most of the audit volume and cost, while keeping every
 * change made through the API server. `guard` records Entra ID and Azure RBAC decisions.
 */
export const CLUSTER_LOG_CATEGORIES: readonly string[] = AKS_LOG_CATEGORIES;

type LogSettings = azureInputs.monitor.DiagnosticsLogSettingsArgs;

const ALL_LOGS: readonly LogSettings[] = [
  { categoryGroup: DiagnosticCategory.allLogsGroup, enabled: true },
];

interface TargetSettings {
  readonly logs: readonly LogSettings[];
  /**
   * Send to resource-specific tables (AKSAudit, AZKVAuditLogs, ContainerRegistry*) instead of the
   * shared AzureDiagnostics table. Off for PostgreSQL flexible server, which only writes to
   * AzureDiagnostics: Azure drops the setting there and every preview would show a diff.
   * Sources: MicrosoftDocs/azure-databases-docs `articles/postgresql/flexible-server/concepts-logging.md`
   * (PostgreSQLLogs "Type … Always `AzureDiagnostics`"); the Azure Monitor "Supported logs" pages
   * for Microsoft.KeyVault/vaults (AuditEvent → `AZKVAuditLogs`) and, in
   * MicrosoftDocs/azure-monitor-docs `articles/azure-monitor/reference/supported-logs/`,
   * `microsoft-containerregistry-registries-logs.md` (`ContainerRegistryLoginEvents`,
   * `ContainerRegistryRepositoryEvents`).
   */
  readonly dedicatedTables: boolean;
}

const TARGET_SETTINGS: Readonly<Record<DiagnosticTarget, TargetSettings>> = {
  cluster: {
    logs: CLUSTER_LOG_CATEGORIES.map((category) => ({ category, enabled: true })),
    dedicatedTables: true,
  },
  database: { logs: ALL_LOGS, dedicatedTables: false },
  keyVault: { logs: ALL_LOGS, dedicatedTables: true },
  registry: { logs: ALL_LOGS, dedicatedTables: true },
};

const TARGETS = Object.keys(TARGET_SETTINGS) as DiagnosticTarget[];

/** One static-threshold metric alert on one target. */
export interface MetricAlertRule {
  /** Name qualifier, e.g. `aks-node-cpu` in `alert-<prefix>-<stack>-aks-node-cpu`. */
  readonly qualifier: string;
  /** The resource the rule watches (its only scope). */
  readonly target: DiagnosticTarget;
  /** Shown in the alert email. */
  readonly description: string;
  /** 0 critical, 1 error, 2 warning, 3 informational, 4 verbose. */
  readonly severity: 0 | 1 | 2 | 3 | 4;
  /** The target's resource type, which is also its platform metric namespace. */
  readonly metricNamespace: string;
  /** Metric name as the Azure Monitor REST API spells it. */
  readonly metricName: string;
  /** How the aggregated value is compared with `threshold`. */
  readonly operator: monitor.Operator;
  /** Value that fires the alert, in the metric's unit (percent or count). */
  readonly threshold: number;
  /** How samples in each 15-minute window are aggregated. */
  readonly timeAggregation: monitor.AggregationTypeEnum;
  /** Dimension filters, e.g. only pods in phase `Failed`. */
  readonly dimensions?: readonly {
    readonly name: string;
    readonly operator: "Include" | "Exclude";
    readonly values: readonly string[];
  }[];
}

const AKS = Metric.aksNamespace;
const POSTGRES = Metric.postgresNamespace;

/** The alert rules created when an action group is given (Azure Monitor platform metrics). */
export const METRIC_ALERT_RULES: readonly MetricAlertRule[] = [
  {
    qualifier: "aks-node-cpu",
    target: "cluster",
    description: "Average node CPU usage above 80% for 15 minutes",
    severity: 2,
    metricNamespace: AKS,
    metricName: Metric.aksNodeCpuPercent,
    operator: "GreaterThan",
    threshold: 80,
    timeAggregation: "Average",
  },
  {
    qualifier: "aks-node-memory",
    target: "cluster",
    description: "Average node working-set memory above 80% for 15 minutes",
    severity: 2,
    metricNamespace: AKS,
    metricName: Metric.aksNodeMemoryWorkingSetPercent,
    operator: "GreaterThan",
    threshold: 80,
    timeAggregation: "Average",
  },
  {
    qualifier: "aks-failed-pods",
    target: "cluster",
    description: "Pods in the Failed phase",
    severity: 2,
    metricNamespace: AKS,
    metricName: Metric.aksPodPhase,
    operator: "GreaterThan",
    threshold: 0,
    timeAggregation: "Average",
    dimensions: [{ name: Metric.aksPodPhaseDimension, operator: "Include", values: ["Failed"] }],
  },
  {
    qualifier: "psql-cpu",
    target: "database",
    description: "Average database CPU above 80% for 15 minutes",
    severity: 2,
    metricNamespace: POSTGRES,
    metricName: Metric.postgresCpuPercent,
    operator: "GreaterThan",
    threshold: 80,
    timeAggregation: "Average",
  },
  {
    // Error rather than warning: a full disk turns the server read-only.
    qualifier: "psql-storage",
    target: "database",
    description: "Database storage above 85% used",
    severity: 1,
    metricNamespace: POSTGRES,
    metricName: Metric.postgresStoragePercent,
    operator: "GreaterThan",
    threshold: 85,
    timeAggregation: "Average",
  },
];

const ARM_RESOURCE_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/[^/]+\/.+$/i;
const WORKSPACE_ID =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.OperationalInsights\/workspaces\/[^/]+$/i;

/**
 * Every id in `args` that is a plain string and not the kind of Azure resource id expected, as
 * `{ key, reason }` (never throws). Outputs of other resources are ids by construction, so only
 * plain strings are checked.
 */
export function diagnosticsProblems(args: DiagnosticsArgs): ArgsProblem[] {
  const problems: ArgsProblem[] = [];
  const check = (key: string, value: unknown, pattern: RegExp, expected: string): void => {
    if (typeof value === "string" && !pattern.test(value)) {
      problems.push({ key, reason: `expected ${expected}, got "${value}"` });
    }
  };
  check("workspaceId", args.workspaceId, WORKSPACE_ID, "a Log Analytics workspace resource id");
  for (const target of TARGETS) {
    check(`targets.${target}`, args.targets[target], ARM_RESOURCE_ID, "an Azure resource id");
  }
  check("actionGroupId", args.actionGroupId, ARM_RESOURCE_ID, "an Azure resource id");
  return problems;
}

/**
 * Diagnostic settings that send the logs and metrics of the cluster, database, vault and registry
 * to the Log Analytics workspace, and, given an action group, metric alerts on cluster and
 * database saturation.
 */
export class Diagnostics extends pulumi.ComponentResource {
  /** ARM id of each target's diagnostic setting. */
  public readonly diagnosticSettingIds: pulumi.Output<Record<DiagnosticTarget, string>>;
  /** Azure names of the metric alert rules; empty without an action group. */
  public readonly alertNames: pulumi.Output<string[]>;

  constructor(name: string, args: DiagnosticsArgs, opts?: pulumi.ComponentResourceOptions) {
    throwIfArgsProblems("Diagnostics", name, diagnosticsProblems(args));
    super("hiring:observability:Diagnostics", name, {}, opts);
    const { scope } = args;

    const settingIds = {} as Record<DiagnosticTarget, pulumi.Output<string>>;
    for (const target of TARGETS) {
      const settings = TARGET_SETTINGS[target];
      const setting = new monitor.DiagnosticSetting(
        `${name}-${target}`,
        {
          name: DIAGNOSTIC_SETTING_NAME,
          resourceUri: args.targets[target],
          workspaceId: args.workspaceId,
          ...(settings.dedicatedTables ? { logAnalyticsDestinationType: "Dedicated" } : {}),
          logs: [...settings.logs],
          metrics: [{ category: DiagnosticCategory.allMetrics, enabled: true }],
        },
        { parent: this },
      );
      settingIds[target] = setting.id;
    }

    const alertNames: pulumi.Output<string>[] = [];
    const { actionGroupId } = args;
    if (actionGroupId !== undefined) {
      for (const rule of METRIC_ALERT_RULES) {
        const alert = new monitor.MetricAlert(
          `${name}-alert-${rule.qualifier}`,
          {
            ruleName: scope.namer.name("metricAlert", rule.qualifier),
            resourceGroupName: scope.resourceGroupName,
            // Single-resource metric alerts are a global service; the target's region is implied.
            location: "global",
            description: rule.description,
            severity: rule.severity,
            enabled: true,
            scopes: [args.targets[rule.target]],
            evaluationFrequency: "PT5M",
            windowSize: "PT15M",
            criteria: {
              odataType: "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
              allOf: [
                {
                  criterionType: "StaticThresholdCriterion",
                  name: rule.qualifier,
                  metricNamespace: rule.metricNamespace,
                  metricName: rule.metricName,
                  operator: rule.operator,
                  threshold: rule.threshold,
                  timeAggregation: rule.timeAggregation,
                  ...(rule.dimensions
                    ? {
                        dimensions: rule.dimensions.map((dimension) => ({
                          name: dimension.name,
                          operator: dimension.operator,
                          values: [...dimension.values],
                        })),
                      }
                    : {}),
                },
              ],
            },
            actions: [{ actionGroupId }],
            autoMitigate: true,
            tags: scope.tags,
          },
          { parent: this },
        );
        alertNames.push(alert.name);
      }
    }

    this.diagnosticSettingIds = pulumi.output(settingIds);
    this.alertNames = pulumi.all(alertNames);
    this.registerOutputs({
      diagnosticSettingIds: this.diagnosticSettingIds,
      alertNames: this.alertNames,
    });
  }
}
