import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import {
  ACTION_GROUP_SHORT_NAME_MAX_LENGTH,
  actionGroupShortName,
  Observability,
  type ObservabilityArgs,
} from "../../infra/observability";
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

const WORKSPACE = "azure-native:operationalinsights:Workspace";
const ACTION_GROUP = "azure-native:monitor:ActionGroup";
const COMPONENT = "hiring:observability:Observability";

function args(overrides: Partial<ObservabilityArgs> = {}): ObservabilityArgs {
  return {
    scope: testScope(),
    retentionDays: 30,
    dailyQuotaGb: 2,
    alertEmails: [],
    alertsEnabled: false,
    ...overrides,
  };
}

function build(overrides: Partial<ObservabilityArgs> = {}): Promise<ComponentRun<Observability>> {
  return recordComponent(() => new Observability("observability", args(overrides)));
}

describe("Observability in dev (capped, no alerts)", () => {
  let run: ComponentRun<Observability>;
  let workspace: RecordedResource;
  before(async () => {
    run = await build();
    workspace = single(run.resources, WORKSPACE);
  });

  it("creates a PerGB2018 workspace with the configured retention and daily cap", () => {
    assert.equal(workspace.name, "observability-workspace");
    assert.equal(workspace.inputs.workspaceName, "log-hire-test");
    assert.equal(workspace.inputs.resourceGroupName, "rg-hire-test");
    assert.equal(workspace.inputs.location, "westeurope");
    assert.deepEqual(workspace.inputs.sku, { name: "PerGB2018" });
    assert.equal(workspace.inputs.retentionInDays, 30);
    assert.deepEqual(workspace.inputs.workspaceCapping, { dailyQuotaGb: 2 });
  });

  it("accepts ingestion only with Entra ID tokens and allows resource-context log access", () => {
    assert.deepEqual(workspace.inputs.features, {
      disableLocalAuth: true,
      enableLogAccessUsingOnlyResourcePermissions: true,
    });
  });

  it("tags the workspace with the standard tags", () => {
    assert.deepEqual(workspace.inputs.tags, testScope().tags);
  });

  it("does not protect the dev workspace", () => {
    assert.equal(workspace.options.protect, false);
  });

  it("parents the workspace to the component", () => {
    const component = single(run.resources, COMPONENT);
    assert.equal(workspace.parent, component.urn);
  });

  it("creates no action group when alerts are off and exposes no action group id", async () => {
    assert.equal(ofType(run.resources, ACTION_GROUP).length, 0);
    assert.equal(await valueOf(run.component.actionGroupId, "actionGroupId"), undefined);
  });

  it("exposes the workspace id, name and customer id", async () => {
    const id = await valueOf(run.component.workspaceId, "workspaceId");
    assert.match(id, /\/providers\/Microsoft\.operationalinsights\/Workspace\/log-hire-test$/);
    assert.equal(await valueOf(run.component.workspaceName, "workspaceName"), "log-hire-test");
    assert.match(
      await valueOf(run.component.workspaceCustomerId, "workspaceCustomerId"),
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});

describe("Observability in prod (uncapped, alerts on)", () => {
  const emails = ["platform-oncall@example.com", "db-team@example.com"];
  let run: ComponentRun<Observability>;
  let workspace: RecordedResource;
  let actionGroup: RecordedResource;
  before(async () => {
    run = await recordComponent(
      () =>
        new Observability(
          "observability",
          args({
            scope: testScope({ protect: true, stack: "prod" }),
            retentionDays: 90,
            dailyQuotaGb: -1,
            alertEmails: emails,
            alertsEnabled: true,
          }),
        ),
      { stack: "prod" },
    );
    workspace = single(run.resources, WORKSPACE);
    actionGroup = single(run.resources, ACTION_GROUP);
  });

  it("protects the prod workspace from deletion", () => {
    assert.equal(workspace.options.protect, true);
  });

  it("keeps 90 days and sets no daily cap when the quota is -1", () => {
    assert.equal(workspace.inputs.retentionInDays, 90);
    assert.equal(workspace.inputs.workspaceCapping, undefined);
  });

  it("creates an enabled, global action group with a short name Azure accepts", () => {
    assert.equal(actionGroup.inputs.actionGroupName, "ag-hire-prod");
    assert.equal(actionGroup.inputs.resourceGroupName, "rg-hire-test");
    assert.equal(actionGroup.inputs.location, "global");
    assert.equal(actionGroup.inputs.enabled, true);
    assert.equal(actionGroup.inputs.groupShortName, "hire-prod-ag");
    assert.deepEqual(actionGroup.inputs.tags, testScope({ stack: "prod" }).tags);
    assert.equal(actionGroup.parent, single(run.resources, COMPONENT).urn);
  });

  it("emails every configured address with the common alert schema", () => {
    assert.deepEqual(actionGroup.inputs.emailReceivers, [
      { name: "email-1", emailAddress: "platform-oncall@example.com", useCommonAlertSchema: true },
      { name: "email-2", emailAddress: "db-team@example.com", useCommonAlertSchema: true },
    ]);
  });

  it("exposes the action group's id for the alert rules", async () => {
    assert.match(
      String(await valueOf(run.component.actionGroupId, "actionGroupId")),
      /\/providers\/Microsoft\.monitor\/ActionGroup\/ag-hire-prod$/,
    );
  });
});

describe("action group short name", () => {
  it("cuts at 12 characters without leaving a trailing hyphen", () => {
    assert.equal(actionGroupShortName("hire-dev-ag"), "hire-dev-ag");
    assert.equal(actionGroupShortName("hire-staging-ag"), "hire-staging");
    assert.equal(actionGroupShortName("hire-stagin-ag"), "hire-stagin");
    assert.ok(actionGroupShortName("x".repeat(40)).length <= ACTION_GROUP_SHORT_NAME_MAX_LENGTH);
  });
});

describe("Observability validation", () => {
  const rejects = (overrides: Partial<ObservabilityArgs>, message: RegExp): Promise<void> =>
    assertRejectsBeforeRegistering(
      () => new Observability("observability", args(overrides)),
      message,
    );

  it("rejects retention below 30 days", async () => {
    await rejects(
      { retentionDays: 29 },
      /retentionDays: expected an integer from 30 to 730 days, got 29/,
    );
  });

  it("rejects retention above 730 days", async () => {
    await rejects({ retentionDays: 731 }, /retentionDays: .* got 731/);
  });

  it("rejects a fractional retention", async () => {
    await rejects({ retentionDays: 30.5 }, /retentionDays: .* got 30\.5/);
  });

  it("rejects a daily quota that is neither -1 nor positive", async () => {
    await rejects(
      { dailyQuotaGb: 0 },
      /dailyQuotaGb: expected -1 \(no cap\) or more than 0 GB, got 0/,
    );
    await rejects({ dailyQuotaGb: -0.5 }, /dailyQuotaGb: .* got -0\.5/);
  });

  it("rejects alerts without an email address", async () => {
    await rejects(
      { alertsEnabled: true, alertEmails: [] },
      /alertEmails: expected at least one address when alerts are enabled/,
    );
  });

  it("rejects an alert address that is not an email", async () => {
    await rejects(
      { alertsEnabled: true, alertEmails: ["platform-oncall"] },
      /alertEmails\[0\]: expected an email address, got "platform-oncall"/,
    );
  });

  it("rejects an address listed twice", async () => {
    await rejects(
      { alertsEnabled: true, alertEmails: ["ops@example.com", "OPS@example.com"] },
      /alertEmails\[1\]: expected each address once; "OPS@example\.com" repeats/,
    );
  });

  it("names the component in the message", async () => {
    await rejects({ retentionDays: 1 }, /^Error: Observability "observability": /);
  });
});
