import * as monitor from "@pulumi/azure-native/monitor";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as pulumi from "@pulumi/pulumi";
import { type ArgsProblem, duplicatesOf, throwIfArgsProblems } from "../core/args-problems";
import type { AzureScope } from "./azure-scope";

/** Shortest and longest retention a PerGB2018 workspace accepts, in days. */
export const WORKSPACE_RETENTION_DAYS = { min: 30, max: 730 } as const;

/** Longest short name Azure accepts for an action group (it prefixes SMS and email subjects). */
export const ACTION_GROUP_SHORT_NAME_MAX_LENGTH = 12;

/** Arguments of {@link Observability}. */
export interface ObservabilityArgs {
  /** Resource group, region, names, tags and protection. */
  readonly scope: AzureScope;
  /** Days the workspace keeps data; an integer from 30 to 730. */
  readonly retentionDays: number;
  /** Daily ingestion cap in GB; `-1` for no cap, otherwise greater than zero. */
  readonly dailyQuotaGb: number;
  /** Addresses that receive alert emails; at least one when `alertsEnabled`. */
  readonly alertEmails: readonly string[];
  /** Create the action group that metric alerts notify. */
  readonly alertsEnabled: boolean;
}

const EMAIL_ADDRESS = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Every argument Log Analytics or Azure Monitor would reject, or that would duplicate a
 * receiver, as `{ key, reason }` (never throws). The stack's config schema reports the same
 * problems under `hiring-infra:observability.*`.
 */
export function observabilityProblems(args: Omit<ObservabilityArgs, "scope">): ArgsProblem[] {
  const problems: ArgsProblem[] = [];
  const { min, max } = WORKSPACE_RETENTION_DAYS;
  if (
    !Number.isInteger(args.retentionDays) ||
    args.retentionDays < min ||
    args.retentionDays > max
  ) {
    problems.push({
      key: "retentionDays",
      reason: `expected an integer from ${min} to ${max} days, got ${args.retentionDays}`,
    });
  }
  if (!Number.isFinite(args.dailyQuotaGb) || (args.dailyQuotaGb !== -1 && args.dailyQuotaGb <= 0)) {
    problems.push({
      key: "dailyQuotaGb",
      reason: `expected -1 (no cap) or more than 0 GB, got ${args.dailyQuotaGb}`,
    });
  }
  if (args.alertsEnabled && args.alertEmails.length === 0) {
    problems.push({
      key: "alertEmails",
      reason: "expected at least one address when alerts are enabled",
    });
  }
  args.alertEmails.forEach((email, index) => {
    if (!EMAIL_ADDRESS.test(email)) {
      problems.push({
        key: `alertEmails[${index}]`,
        reason: `expected an email address, got "${email}"`,
      });
    }
  });
  // Each address becomes one email receiver: a repeat mails the same person twice per alert.
  for (const email of duplicatesOf(args.alertEmails, (value) => value.toLowerCase())) {
    problems.push({
      key: `alertEmails[${args.alertEmails.lastIndexOf(email)}]`,
      reason: `expected each address once; "${email}" repeats`,
    });
  }
  return problems;
}

/**
 * An action group short name from the stack's plain name: Azure caps it at 12 characters, and a
 * cut that ends on a separator would read as a typo in every alert subject.
 */
export function actionGroupShortName(plainName: string): string {
  return plainName.slice(0, ACTION_GROUP_SHORT_NAME_MAX_LENGTH).replace(/-+$/, "");
}

/**
 * The Log Analytics workspace every Azure resource reports to and, when alerts are on, the action
 * group that metric alerts notify. Separate from {@link Diagnostics} because the workspace must
 * exist before the AKS cluster (Container Insights needs its id), while diagnostic settings need
 * the ids of resources created after the cluster.
 */
export class Observability extends pulumi.ComponentResource {
  /** ARM id of the Log Analytics workspace. */
  public readonly workspaceId: pulumi.Output<string>;
  /** Azure name of the workspace. */
  public readonly workspaceName: pulumi.Output<string>;
  /** The workspace's customer id (the GUID agents and queries address it by). */
  public readonly workspaceCustomerId: pulumi.Output<string>;
  /** ARM id of the alert action group; `undefined` when alerts are off. */
  public readonly actionGroupId: pulumi.Output<string | undefined>;

  constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
    throwIfArgsProblems("Observability", name, observabilityProblems(args));
    super("hiring:observability:Observability", name, {}, opts);
    const { scope } = args;

    const workspace = new operationalinsights.Workspace(
      `${name}-workspace`,
      {
        workspaceName: scope.namer.name("logAnalyticsWorkspace"),
        resourceGroupName: scope.resourceGroupName,
        location: scope.location,
        sku: { name: operationalinsights.WorkspaceSkuNameEnum.PerGB2018 },
        retentionInDays: args.retentionDays,
        ...(args.dailyQuotaGb >= 0
          ? { workspaceCapping: { dailyQuotaGb: args.dailyQuotaGb } }
          : {}),
        features: {
          // Ingestion only with Entra tokens: a leaked shared key cannot write forged logs. The
          // AKS monitoring add-on authenticates with its managed identity (useAADAuth).
          disableLocalAuth: true,
          // Resource-context access: whoever may read a resource may read its logs, without
          // being granted the whole workspace.
          enableLogAccessUsingOnlyResourcePermissions: true,
        },
        tags: scope.tags,
      },
      { parent: this, protect: scope.protect },
    );

    let actionGroupId: pulumi.Output<string | undefined> = pulumi.output(undefined);
    if (args.alertsEnabled) {
      const actionGroup = new monitor.ActionGroup(
        `${name}-action-group`,
        {
          actionGroupName: scope.namer.name("actionGroup"),
          resourceGroupName: scope.resourceGroupName,
          // Action groups are a global service; a regional location is rejected.
          location: "global",
          groupShortName: actionGroupShortName(scope.namer.plain("ag")),
          enabled: true,
          emailReceivers: args.alertEmails.map((emailAddress, index) => ({
            name: `email-${index + 1}`,
            emailAddress,
            useCommonAlertSchema: true,
          })),
          tags: scope.tags,
        },
        { parent: this },
      );
      actionGroupId = actionGroup.id;
    }

    this.workspaceId = workspace.id;
    this.workspaceName = workspace.name;
    this.workspaceCustomerId = workspace.customerId;
    this.actionGroupId = actionGroupId;
    this.registerOutputs({
      workspaceId: this.workspaceId,
      workspaceName: this.workspaceName,
      workspaceCustomerId: this.workspaceCustomerId,
      actionGroupId: this.actionGroupId,
    });
  }
}
