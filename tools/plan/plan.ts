import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { configure } from "safe-stable-stringify";
import type { RecordedResource } from "../offline/recorder";
import type { StackRun } from "../offline/run-stack";

/** What stands in for a secret in a plan: never the value, only whether it changed. */
export const SECRET_PREFIX = "[secret";
/** What stands in for a value not known until deployment. */
export const UNKNOWN_MARKER = "[unknown]";

/** Resource options worth reviewing; empty or default ones are left out. */
export interface PlanOptions {
  readonly protect?: true;
  readonly provider?: string;
  readonly dependsOn?: readonly string[];
  readonly ignoreChanges?: readonly string[];
  readonly replaceOnChanges?: readonly string[];
  readonly retainOnDelete?: true;
  readonly deleteBeforeReplace?: true;
  readonly additionalSecretOutputs?: readonly string[];
}

/** One resource of a plan. */
export interface PlanResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** False for components. */
  readonly custom: boolean;
  readonly parent?: string;
  readonly options: PlanOptions;
  /** Inputs with secrets replaced by a `[secret <digest>]` marker. */
  readonly inputs: Readonly<Record<string, unknown>>;
}

/** Everything a stack's program declares, as the Pulumi engine would receive it. */
export interface StackPlan {
  readonly project: string;
  readonly stack: string;
  /** Sorted by URN. */
  readonly resources: readonly PlanResource[];
  /** Stack outputs, secrets replaced by a marker. */
  readonly outputs: Readonly<Record<string, unknown>>;
}

/**
 * A marker for a secret value: a short digest salted with where the value sits, so a reviewer
 * sees that a secret changed without the plan revealing or letting anyone compare the value.
 */
export function secretMarker(value: unknown, location: string): string {
  const digest = createHash("sha256")
    .update(`${location}\0${JSON.stringify(value === undefined ? null : value)}`)
    .digest("hex")
    .slice(0, 8);
  return `${SECRET_PREFIX} ${digest}]`;
}

/** True for a value produced by {@link secretMarker}. */
export function isSecretMarker(value: unknown): value is string {
  return typeof value === "string" && value.startsWith(`${SECRET_PREFIX} `) && value.endsWith("]");
}

/** Replaces every secret (and unknown) inside `value`, recursively. */
export function redact(value: unknown, location: string): unknown {
  if (pulumi.runtime.isRpcSecret(value)) {
    return secretMarker(pulumi.runtime.unwrapRpcSecret(value), location);
  }
  if (value === pulumi.runtime.unknownValue) {
    return UNKNOWN_MARKER;
  }
  if (Array.isArray(value)) {
    return value.map((item, index) => redact(item, `${location}[${index}]`));
  }
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, child]) => [key, redact(child, `${location}.${key}`)]),
    );
  }
  return value;
}

function planOptions(resource: RecordedResource): PlanOptions {
  const { options } = resource;
  const nonEmpty = (list: readonly string[]): readonly string[] | undefined =>
    list.length > 0 ? [...list].sort() : undefined;
  const entries: [keyof PlanOptions, unknown][] = [
    ["protect", options.protect ? true : undefined],
    // A provider reference is "<urn>::<id>"; the URN is what identifies it across runs.
    ["provider", options.provider?.split("::").slice(0, -1).join("::")],
    ["dependsOn", nonEmpty(options.dependsOn)],
    ["ignoreChanges", nonEmpty(options.ignoreChanges)],
    ["replaceOnChanges", nonEmpty(options.replaceOnChanges)],
    ["retainOnDelete", options.retainOnDelete ? true : undefined],
    ["deleteBeforeReplace", options.deleteBeforeReplace ? true : undefined],
    ["additionalSecretOutputs", nonEmpty(options.additionalSecretOutputs)],
  ];
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined));
}

/** Turns one program run into a plan: sorted, redacted, options reduced to what matters. */
export function buildPlan(project: string, run: StackRun): StackPlan {
  const resources = run.resources
    .map((resource): PlanResource => ({
      urn: resource.urn,
      type: resource.type,
      name: resource.name,
      custom: resource.custom,
      ...(resource.parent ? { parent: resource.parent } : {}),
      options: planOptions(resource),
      inputs: redact(resource.inputs, resource.urn) as Record<string, unknown>,
    }))
    .sort((left, right) => left.urn.localeCompare(right.urn));
  const outputs = Object.fromEntries(
    Object.entries(run.outputs).map(([name, output]) => [
      name,
      output.secret ? secretMarker(output.value, `output:${name}`) : redact(output.value, name),
    ]),
  );
  return { project, stack: run.stack, resources, outputs };
}

const stableStringify = configure({ deterministic: true, bigint: false });

/** The plan as stable JSON: keys sorted, two-space indent, trailing newline. Same plan, same bytes. */
export function serializePlan(plan: StackPlan): string {
  return `${stableStringify(plan, null, 2)}\n`;
}

/** Reads a plan back from {@link serializePlan}'s JSON. */
export function parsePlan(json: string, source: string): StackPlan {
  const value: unknown = JSON.parse(json);
  if (
    value === null ||
    typeof value !== "object" ||
    !Array.isArray((value as { resources?: unknown }).resources) ||
    typeof (value as { stack?: unknown }).stack !== "string"
  ) {
    throw new Error(`${source} is not a plan (expected an object with "stack" and "resources")`);
  }
  return value as StackPlan;
}
