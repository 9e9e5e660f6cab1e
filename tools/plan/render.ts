import { BuiltInRole } from "../../infra/roles";
import type { ChangedResource, PlanDiff, PropertyChange } from "./diff";
import { statefulRisks } from "./diff";
import { isSecretMarker, type PlanResource, type StackPlan } from "./plan";
import { STATEFUL_TYPES, SUMMARY_INPUTS } from "../../core/resource-types";

/** Reads `a.b[0].c` out of a value; undefined when any step is missing. */
export function valueAtPath(value: unknown, path: string): unknown {
  const segments = path.match(/[^.[\]]+/g) ?? [];
  let current = value;
  for (const segment of segments) {
    if (current === null || typeof current !== "object") {
      return undefined;
    }
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** A value as a reviewer reads it: secrets as `[secret]`, short JSON otherwise. */
export function formatValue(value: unknown): string {
  if (isSecretMarker(value)) {
    return "[secret]";
  }
  if (typeof value === "string") {
    return value;
  }
  if (value === undefined) {
    return "undefined";
  }
  const json = JSON.stringify(value, (_key, inner: unknown) =>
    isSecretMarker(inner) ? "[secret]" : inner,
  );
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

const ROLE_NAMES = new Map<string, string>(
  Object.entries(BuiltInRole).map(([name, guid]) => [guid, name]),
);

/** A role assignment reads as `role=acrPull on=Registry/crhiredev...` rather than two ids. */
function roleAssignmentSummary(inputs: Readonly<Record<string, unknown>>): string[] {
  const guid = String(inputs.roleDefinitionId).split("/").pop() ?? "";
  const scope = String(inputs.scope).split("/").slice(-2).join("/");
  return [`role=${ROLE_NAMES.get(guid) ?? guid}`, `on=${scope}`];
}

/** Facts whose keys contain dots (Kubernetes labels, quota names), read directly. */
function kubernetesSummary(resource: PlanResource): string[] {
  if (resource.type === "kubernetes:core/v1:Namespace") {
    const labels = valueAtPath(resource.inputs, "metadata.labels") as
      Record<string, string> | undefined;
    const enforce = labels?.["pod-security.kubernetes.io/enforce"];
    return enforce ? [`pod-security=${enforce}`] : [];
  }
  if (resource.type === "kubernetes:core/v1:ResourceQuota") {
    const hard = valueAtPath(resource.inputs, "spec.hard") as Record<string, string> | undefined;
    return ["limits.cpu", "limits.memory", "pods"]
      .filter((key) => hard?.[key] !== undefined)
      .map((key) => `${key}=${String(hard?.[key])}`);
  }
  return [];
}

function summary(resource: PlanResource): string {
  const parts: string[] =
    resource.type === "azure-native:authorization:RoleAssignment"
      ? roleAssignmentSummary(resource.inputs)
      : kubernetesSummary(resource);
  for (const path of SUMMARY_INPUTS[resource.type] ?? []) {
    const value = valueAtPath(resource.inputs, path);
    if (value !== undefined) {
      parts.push(`${path.replace(/^.*\./, "")}=${formatValue(value)}`);
    }
  }
  if (resource.options.protect) {
    parts.push("[protect]");
  }
  if (STATEFUL_TYPES.has(resource.type)) {
    parts.push("[stateful]");
  }
  return parts.join(" ");
}

function packageOf(type: string): string {
  const [head = type] = type.split(":");
  return head === "pulumi" ? type.replace(/^pulumi:providers:/, "provider:") : head;
}

/** Resource counts per provider package, components counted as `components`. */
export function countsByPackage(plan: StackPlan): [string, number][] {
  const counts = new Map<string, number>();
  for (const resource of plan.resources) {
    const key = resource.custom ? packageOf(resource.type) : "components";
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()].sort(([left], [right]) => left.localeCompare(right));
}

/**
 * The plan as `pulumi preview` shows it: a tree indented by parent component, each resource
 * with its type, logical name and the settings that matter; outputs at the end.
 */
export function renderPlan(plan: StackPlan, footer: readonly string[] = []): string {
  const children = new Map<string | undefined, PlanResource[]>();
  const urns = new Set(plan.resources.map((resource) => resource.urn));
  for (const resource of plan.resources) {
    const parent = resource.parent && urns.has(resource.parent) ? resource.parent : undefined;
    children.set(parent, [...(children.get(parent) ?? []), resource]);
  }
  const lines = [
    `Plan for ${plan.project}/${plan.stack} (offline: the real program under Pulumi's mocks; no cloud calls)`,
    `Resources: ${plan.resources.length} (${countsByPackage(plan)
      .map(([name, count]) => `${name} ${count}`)
      .join(", ")})`,
    "",
  ];
  const walk = (parent: string | undefined, depth: number): void => {
    for (const resource of children.get(parent) ?? []) {
      const line = `${"    ".repeat(depth)}+ ${resource.type}  ${resource.name}`;
      const details = summary(resource);
      lines.push(details ? `${line}  ${details}` : line);
      walk(resource.urn, depth + 1);
    }
  };
  walk(undefined, 0);
  lines.push("", "Outputs:");
  for (const [name, value] of Object.entries(plan.outputs).sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`    ${name}: ${formatValue(value)}`);
  }
  return [...lines, ...footer].join("\n") + "\n";
}

function describeChange(change: PropertyChange): string {
  const hint =
    change.replacement === "replaces"
      ? "  (forces replacement: part of the Azure resource id)"
      : "";
  if (change.secret) {
    return `${change.path}: secret ${change.kind} (value not shown)${hint}`;
  }
  switch (change.kind) {
    case "added":
      return `${change.path}: (none) → ${formatValue(change.after)}${hint}`;
    case "removed":
      return `${change.path}: ${formatValue(change.before)} → (none)${hint}`;
    case "changed":
      return `${change.path}: ${formatValue(change.before)} → ${formatValue(change.after)}${hint}`;
  }
}

const REPLACEMENT_NOTE =
  "Replacement is flagged only for properties that form the Azure resource id (name, resource " +
  "group, location, parent). For other properties the provider's schema metadata is not in the " +
  "npm package, so this offline diff cannot know; `pulumi preview` shows it.";

function headline(planDiff: PlanDiff): string {
  return `${planDiff.added.length} to add, ${planDiff.changed.length} to change, ${planDiff.removed.length} to remove`;
}

/** The diff as text for a terminal. */
export function renderDiff(planDiff: PlanDiff): string {
  const lines = [`Plan diff for ${planDiff.stack}: ${headline(planDiff)}`];
  for (const resource of planDiff.added) {
    lines.push(`+ ${resource.type}  ${resource.name}`);
  }
  for (const resource of planDiff.removed) {
    const flag = STATEFUL_TYPES.has(resource.type) ? "  [stateful: data is lost]" : "";
    lines.push(`- ${resource.type}  ${resource.name}${flag}`);
  }
  for (const resource of planDiff.changed) {
    lines.push(`~ ${resource.type}  ${resource.name}${resource.stateful ? "  [stateful]" : ""}`);
    for (const change of resource.changes) {
      lines.push(`    ~ ${resource.name}.${describeChange(change)}`);
    }
  }
  for (const change of planDiff.outputs) {
    lines.push(`~ output ${describeChange(change)}`);
  }
  const risks = statefulRisks(planDiff);
  if (risks.length > 0) {
    lines.push("", "Stateful resources at risk:", ...risks.map((risk) => `  ! ${risk}`));
  }
  if (planDiff.changed.length > 0) {
    lines.push("", REPLACEMENT_NOTE);
  }
  return lines.join("\n") + "\n";
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function changedRows(resource: ChangedResource): string[][] {
  return resource.changes.map((change) => [
    `\`${resource.type}\``,
    `\`${resource.name}\``,
    escapeCell(describeChange(change)),
  ]);
}

/** The diff as Markdown for a pull-request comment. */
export async function renderDiffMarkdown(planDiff: PlanDiff): Promise<string> {
  const { markdownTable } = await import("markdown-table");
  const sections = [`### Plan diff for \`${planDiff.stack}\`: ${headline(planDiff)}`];
  const risks = statefulRisks(planDiff);
  if (risks.length > 0) {
    sections.push(
      `> [!CAUTION]\n> Stateful resources at risk:\n${risks.map((risk) => `> - ${risk}`).join("\n")}`,
    );
  }
  const resourceRows = [
    ...planDiff.added.map((r) => ["+ add", `\`${r.type}\``, `\`${r.name}\``]),
    ...planDiff.removed.map((r) => [
      STATEFUL_TYPES.has(r.type) ? "- remove (stateful)" : "- remove",
      `\`${r.type}\``,
      `\`${r.name}\``,
    ]),
    ...planDiff.changed.map((r) => [
      r.stateful ? "~ change (stateful)" : "~ change",
      `\`${r.type}\``,
      `\`${r.name}\``,
    ]),
  ];
  if (resourceRows.length > 0) {
    sections.push(markdownTable([["", "type", "name"], ...resourceRows]));
  }
  const propertyRows = planDiff.changed.flatMap(changedRows);
  if (propertyRows.length > 0) {
    sections.push(
      "#### Property changes",
      markdownTable([["type", "name", "change"], ...propertyRows]),
      `_${REPLACEMENT_NOTE}_`,
    );
  }
  if (planDiff.outputs.length > 0) {
    sections.push(
      "#### Stack outputs",
      planDiff.outputs.map((change) => `- ${escapeCell(describeChange(change))}`).join("\n"),
    );
  }
  return sections.join("\n\n") + "\n";
}
