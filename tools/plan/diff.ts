import diff from "microdiff";
import { isSecretMarker, type PlanResource, type StackPlan } from "./plan";
import { AZURE_ID_INPUTS, AZURE_NAME_PROPERTY, STATEFUL_TYPES } from "../../core/resource-types";

/** Whether a property change makes Pulumi replace the resource, as far as can be known offline. */
export type ReplacementHint =
  /** The property is part of the Azure resource id: a new id is a new resource. */
  | "replaces"
  /** The provider's schema metadata is not shipped in the npm package; only `pulumi preview` knows. */
  | "unknown"
  /** Resource options and Kubernetes metadata never replace by themselves. */
  | "no";

/** One changed property of a resource. */
export interface PropertyChange {
  /** `inputs.sku.tier`, `options.protect`, `inputs.agentPoolProfiles[0].count`... */
  readonly path: string;
  readonly kind: "added" | "removed" | "changed";
  readonly before?: unknown;
  readonly after?: unknown;
  /** A secret changed: before and after are markers, never values. */
  readonly secret: boolean;
  readonly replacement: ReplacementHint;
}

/** A resource present in both plans with different inputs or options. */
export interface ChangedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** Holds data: a replacement would lose it. */
  readonly stateful: boolean;
  readonly changes: readonly PropertyChange[];
}

/** What a change to the program or a stack file does to a stack's plan. */
export interface PlanDiff {
  readonly stack: string;
  readonly added: readonly PlanResource[];
  readonly removed: readonly PlanResource[];
  readonly changed: readonly ChangedResource[];
  /** Stack outputs that appeared, disappeared or changed. */
  readonly outputs: readonly PropertyChange[];
}

function formatPath(path: readonly (string | number)[]): string {
  return path
    .map((segment, index) =>
      typeof segment === "number" ? `[${segment}]` : index === 0 ? segment : `.${segment}`,
    )
    .join("");
}

function replacementHint(type: string, path: readonly (string | number)[]): ReplacementHint {
  const [section, property] = path;
  if (section !== "inputs" || typeof property !== "string") {
    return "no";
  }
  if (!type.startsWith("azure-native:")) {
    return "unknown";
  }
  return property === AZURE_NAME_PROPERTY[type] || AZURE_ID_INPUTS.includes(property)
    ? "replaces"
    : "unknown";
}

function propertyChanges(
  type: string,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): PropertyChange[] {
  return diff(before, after).map((change) => {
    const path = formatPath(change.path);
    const oldValue: unknown = change.type === "CREATE" ? undefined : change.oldValue;
    const value: unknown = change.type === "REMOVE" ? undefined : change.value;
    const secret = isSecretMarker(oldValue) || isSecretMarker(value);
    const base = { path, secret, replacement: replacementHint(type, change.path) };
    switch (change.type) {
      case "CREATE":
        return { ...base, kind: "added" as const, after: value };
      case "REMOVE":
        return { ...base, kind: "removed" as const, before: oldValue };
      case "CHANGE":
        return { ...base, kind: "changed" as const, before: oldValue, after: value };
    }
  });
}

/** Compares two plans of the same stack, resource by resource (matched by URN). */
export function diffPlans(before: StackPlan, after: StackPlan): PlanDiff {
  const beforeByUrn = new Map(before.resources.map((resource) => [resource.urn, resource]));
  const afterByUrn = new Map(after.resources.map((resource) => [resource.urn, resource]));
  const changed: ChangedResource[] = [];
  for (const resource of after.resources) {
    const previous = beforeByUrn.get(resource.urn);
    if (!previous) {
      continue;
    }
    const changes = propertyChanges(
      resource.type,
      { inputs: previous.inputs, options: previous.options },
      { inputs: resource.inputs, options: resource.options },
    );
    if (changes.length > 0) {
      changed.push({
        urn: resource.urn,
        type: resource.type,
        name: resource.name,
        stateful: STATEFUL_TYPES.has(resource.type),
        changes,
      });
    }
  }
  return {
    stack: after.stack,
    added: after.resources.filter((resource) => !beforeByUrn.has(resource.urn)),
    removed: before.resources.filter((resource) => !afterByUrn.has(resource.urn)),
    changed,
    outputs: propertyChanges("output", { ...before.outputs }, { ...after.outputs }),
  };
}

/** True when the two plans declare exactly the same thing. */
export function isEmptyDiff(planDiff: PlanDiff): boolean {
  return (
    planDiff.added.length === 0 &&
    planDiff.removed.length === 0 &&
    planDiff.changed.length === 0 &&
    planDiff.outputs.length === 0
  );
}

/** Stateful resources the diff would remove, or change in a way that replaces them. */
export function statefulRisks(planDiff: PlanDiff): string[] {
  const removed = planDiff.removed
    .filter((resource) => STATEFUL_TYPES.has(resource.type))
    .map((resource) => `${resource.type} ${resource.name} is removed`);
  const replaced = planDiff.changed
    .filter((resource) => resource.stateful)
    .flatMap((resource) =>
      resource.changes
        .filter((change) => change.replacement === "replaces")
        .map((change) => `${resource.type} ${resource.name} is replaced (${change.path})`),
    );
  return [...removed, ...replaced];
}
