/**
 * The analysis of a parsed preview: what changes, what is replaced or deleted, which stateful or
 * protected resources are at risk, diagnostics and policy violations. Pure: no I/O, no Markdown.
 */
import { isDeepStrictEqual, stripVTControlCharacters } from "node:util";
import { STATEFUL_TYPES } from "../../core/resource-types";
import {
  targetOfUrn,
  type DiffKind,
  type EnforcementLevel,
  type PolicyEvent,
  type PolicySeverity,
  type PreviewDigest,
  type PreviewStep,
  type StepOp,
} from "./parse";

/** Steps that replace the resource: the old one is deleted once the new one exists (or before). */
const REPLACING_OPS: ReadonlySet<StepOp> = new Set([
  "replace",
  "create-replacement",
  "delete-replaced",
  "import-replacement",
]);

/** One changed property of a resource. */
export interface PropertyChange {
  /** Property path as the provider reports it, e.g. `sku.name` or `securityRules[0].priority`. */
  readonly path: string;
  /** Absent when the provider gave no structured diff (only `diffReasons`). */
  readonly kind?: DiffKind;
  /** True when this property is why the resource must be replaced. */
  readonly forcesReplacement: boolean;
}

/** Who a step is about. */
export interface ResourceRef {
  readonly urn: string;
  readonly type: string;
  /** The logical name: the URN's last segment. */
  readonly name: string;
  /** The type holds data ({@link STATEFUL_TYPES}). */
  readonly stateful: boolean;
  /** `protect` is set in the old or the new state. */
  readonly protected: boolean;
}

/** One step of the preview other than `same`, in the order Pulumi printed it. */
export interface ResourceChange extends ResourceRef {
  readonly op: StepOp;
  readonly properties: readonly PropertyChange[];
}

/** A resource the preview replaces or deletes; one entry per resource and action. */
export interface Removal extends ResourceRef {
  readonly action: "replace" | "delete";
  /** The steps that showed it (a replacement has up to three with `--show-replacement-steps`). */
  readonly ops: readonly StepOp[];
  /** For a replacement: the properties that force it. */
  readonly causes: readonly PropertyChange[];
  /**
   * A deletion of a resource whose state has `retainOnDelete`: Pulumi drops it from the stack and
   * leaves it in the cloud (`DeleteStep.Apply`, pulumi/pulumi@v3.259.0:pkg/resource/deploy/step.go),
   * so no data is lost.
   */
  readonly retained: boolean;
}

/**
 * Whether a removal can lose data: a stateful or protected resource replaced or deleted, unless
 * the deletion leaves it in the cloud (`retainOnDelete`). The gate and the report both ask this.
 */
export function isAtRisk(removal: Removal): boolean {
  return (removal.stateful || removal.protected) && !removal.retained;
}

/** A resource whose `protect` flag the preview turns on or off. */
export interface ProtectionChange extends ResourceRef {
  readonly protect: boolean;
}

/** An error or warning the preview reported. */
export interface Diagnostic {
  readonly severity: "error" | "warning";
  readonly urn?: string;
  /** Without the `error: ` / `warning: ` prefix Pulumi puts in front. */
  readonly message: string;
}

/** A policy violation from the engine event log. */
export interface PolicyViolation {
  readonly enforcementLevel: EnforcementLevel;
  readonly policyPack: string;
  readonly policyPackVersion?: string;
  readonly policyName: string;
  /** The policy's severity, when it declares one. */
  readonly severity?: PolicySeverity;
  readonly urn?: string;
  readonly message: string;
}

/** Everything the Markdown report and the gate need, derived from one preview. */
export interface PreviewSummary {
  /** From the steps' URNs; undefined when the preview has no steps. */
  readonly stack?: string;
  readonly project?: string;
  /**
   * Steps per operation, as printed (replacement steps counted separately), less the steps that
   * change nothing the program declares: `refresh` steps and `read` steps that read back what the
   * state had (see {@link isLogicalChange}).
   */
  readonly counts: Readonly<Partial<Record<StepOp, number>>>;
  /**
   * Unchanged resources: the engine's `changeSummary.same`. The steps list only shows the stack
   * itself and resources whose `protect` flag changes unless the preview ran with `--show-sames`.
   */
  readonly unchanged: number;
  readonly changes: readonly ResourceChange[];
  readonly removals: readonly Removal[];
  readonly protectionChanges: readonly ProtectionChange[];
  readonly diagnostics: readonly Diagnostic[];
  readonly policyViolations: readonly PolicyViolation[];
  /** Whether an event log was read: without one, policy violations are unknown. */
  readonly policyEventsRead: boolean;
}

/** The logical name of a URN (everything after the third `::`). */
export function nameOfUrn(resourceUrn: string): string {
  return resourceUrn.split("::").slice(3).join("::");
}

function typeOfUrn(resourceUrn: string): string {
  const qualifiedType = resourceUrn.split("::")[2] ?? "";
  return qualifiedType.split("$").at(-1) ?? qualifiedType;
}

/** Who a step is about: URN, type, logical name, stateful and protected flags. */
export function refOf(step: PreviewStep): ResourceRef {
  const type = step.newState?.type ?? step.oldState?.type ?? typeOfUrn(step.urn);
  return {
    urn: step.urn,
    type,
    name: nameOfUrn(step.urn),
    stateful: STATEFUL_TYPES.has(type),
    protected: step.oldState?.protect === true || step.newState?.protect === true,
  };
}

/** True when `path` is `key` or a path inside it (`sku.name`, `rules[0]` inside `sku`, `rules`). */
function isUnder(path: string, key: string): boolean {
  return path === key || path.startsWith(`${key}.`) || path.startsWith(`${key}[`);
}

/**
 * With no structured diff (`detailedDiff: null`: providers that only name changed keys), the
 * step's `diffReasons` may name computed outputs the program never set. The inputs are what the
 * program changes, so compare the old and new inputs' top-level keys instead; `diffReasons` are
 * the fallback only when a state carries no inputs.
 */
function inputChangesOf(step: PreviewStep): Record<string, { kind: DiffKind }> | undefined {
  const before = step.oldState?.inputs;
  const after = step.newState?.inputs;
  if (step.detailedDiff || before === undefined || after === undefined) {
    return undefined;
  }
  const changed: Record<string, { kind: DiffKind }> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (!(key in before)) {
      changed[key] = { kind: "add" };
    } else if (!(key in after)) {
      changed[key] = { kind: "delete" };
    } else if (!isDeepStrictEqual(before[key], after[key])) {
      changed[key] = { kind: "update" };
    }
  }
  return changed;
}

function propertiesOf(step: PreviewStep): PropertyChange[] {
  const replaceReasons = step.replaceReasons ?? [];
  const inputChanges = inputChangesOf(step);
  const detailed = Object.entries(step.detailedDiff ?? inputChanges ?? {})
    .sort(([left], [right]) => left.localeCompare(right))
    .map(([path, diff]) => ({
      path,
      kind: diff.kind,
      forcesReplacement:
        diff.kind.endsWith("-replace") || replaceReasons.some((reason) => isUnder(path, reason)),
    }));
  // Reasons are top-level keys; one the structured diff does not cover is still worth showing.
  const reasons = [
    ...new Set([...replaceReasons, ...(inputChanges ? [] : (step.diffReasons ?? []))]),
  ]
    .filter((reason) => !detailed.some((change) => isUnder(change.path, reason)))
    .sort((left, right) => left.localeCompare(right))
    .map((path) => ({ path, forcesReplacement: replaceReasons.includes(path) }));
  return [...detailed, ...reasons];
}

function cleanMessage(message: string): string {
  // Colour directives survive in raw engine events (`<{%reset%}>`, `<{%fg 1%}>`), and ANSI escapes
  // that providers and programs print pass through `colors.Never.Colorize` (which only renders
  // Pulumi's own directives) into the `--json` digest.
  return stripVTControlCharacters(message.replace(/<\{%[^%]*%\}>/g, ""))
    .replace(/^(?:error|warning): /, "")
    .trim();
}

/**
 * Whether a step changes something the program declares. `refresh` steps (`preview --refresh`,
 * or a resource whose state has `refreshBeforeUpdate`) only read the cloud: `Logical()` is false
 * and `changeSummary` leaves them out. A `read` step counts only when the outputs it read differ
 * from the state's (`shouldRecordReadStep`). Both: pulumi/pulumi@v3.259.0:pkg/engine/update.go.
 */
export function isLogicalChange(step: PreviewStep): boolean {
  if (step.op === "same" || step.op === "refresh") {
    return false;
  }
  if (step.op === "read") {
    const before = step.oldState?.outputs;
    const after = step.newState?.outputs;
    return before !== undefined && after !== undefined && !isDeepStrictEqual(before, after);
  }
  return true;
}

function mergeCauses(
  existing: readonly PropertyChange[],
  added: readonly PropertyChange[],
): PropertyChange[] {
  const byPath = new Map(existing.map((change) => [change.path, change]));
  for (const change of added) {
    if (!byPath.has(change.path)) {
      byPath.set(change.path, change);
    }
  }
  return [...byPath.values()];
}

/** The preview's errors and warnings, cleaned of prefixes, colour directives and ANSI escapes. */
export function diagnosticsOf(digest: PreviewDigest): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const diagnostic of digest.diagnostics ?? []) {
    if (diagnostic.severity !== "error" && diagnostic.severity !== "warning") {
      continue;
    }
    diagnostics.push({
      severity: diagnostic.severity,
      ...(diagnostic.urn ? { urn: diagnostic.urn } : {}),
      message: cleanMessage(diagnostic.message ?? ""),
    });
  }
  return diagnostics;
}

/**
 * Builds the summary of a parsed preview; `policyEvents` come from the engine event log, since the
 * preview JSON itself leaves policy violations out.
 */
export function summarise(
  digest: PreviewDigest,
  policyEvents?: readonly PolicyEvent[],
): PreviewSummary {
  const steps = digest.steps ?? [];
  const counts: Partial<Record<StepOp, number>> = {};
  const changes: ResourceChange[] = [];
  const removals = new Map<string, Removal>();
  const protectionChanges: ProtectionChange[] = [];

  for (const step of steps) {
    const ref = refOf(step);
    if (step.oldState && step.newState) {
      const before = step.oldState.protect === true;
      const after = step.newState.protect === true;
      if (before !== after) {
        protectionChanges.push({ ...ref, protect: after });
      }
    }
    if (step.op === "same") {
      counts.same = (counts.same ?? 0) + 1;
      continue;
    }
    if (!isLogicalChange(step)) {
      continue;
    }
    counts[step.op] = (counts[step.op] ?? 0) + 1;
    const properties = propertiesOf(step);
    changes.push({ ...ref, op: step.op, properties });

    const action = step.op === "delete" ? "delete" : REPLACING_OPS.has(step.op) ? "replace" : null;
    if (action === null) {
      continue;
    }
    const key = `${action} ${step.urn}`;
    const causes = action === "replace" ? properties.filter((p) => p.forcesReplacement) : [];
    const seen = removals.get(key);
    removals.set(
      key,
      seen
        ? {
            ...seen,
            protected: seen.protected || ref.protected,
            ops: [...seen.ops, step.op],
            causes: mergeCauses(seen.causes, causes),
          }
        : {
            ...ref,
            action,
            ops: [step.op],
            causes,
            retained: action === "delete" && step.oldState?.retainOnDelete === true,
          },
    );
  }

  const diagnostics = diagnosticsOf(digest);

  const policyViolations = (policyEvents ?? []).map((event): PolicyViolation => ({
    enforcementLevel: event.enforcementLevel,
    policyPack: event.policyPackName,
    ...(event.policyPackVersion ? { policyPackVersion: event.policyPackVersion } : {}),
    policyName: event.policyName,
    ...(event.severity ? { severity: event.severity } : {}),
    ...(event.resourceUrn ? { urn: event.resourceUrn } : {}),
    message: cleanMessage(event.message),
  }));

  const target = targetOfUrn(steps[0]?.urn ?? "");

  return {
    ...(target?.stack ? { stack: target.stack } : {}),
    ...(target?.project ? { project: target.project } : {}),
    counts,
    unchanged: digest.changeSummary?.same ?? counts.same ?? 0,
    changes,
    removals: [...removals.values()],
    protectionChanges,
    diagnostics,
    policyViolations,
    policyEventsRead: policyEvents !== undefined,
  };
}
