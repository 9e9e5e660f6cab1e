/**
 * The preview summariser: reads what `pulumi preview --json` prints, turns it into a summary a
 * reviewer can read in a pull request, and decides whether Jenkins may go on.
 *
 * The input format is Pulumi's preview digest (`previewDigest` / `display.PreviewDigest`, filled by
 * `ShowPreviewDigest` in pkg/backend/display/json.go). tests/tools/fixtures/preview/README.md lists
 * the format facts this module relies on and where in Pulumi's source each one comes from.
 */
import { z } from "zod";
import { STATEFUL_TYPES } from "../plan/resource-types";

/**
 * The summariser's exit codes, for Jenkins to gate on. When several apply the highest wins, except
 * that 2 means nothing else was looked at.
 */
export const EXIT_CODES = {
  /** No errors, and no stateful or protected resource at risk (or every one is allowed). */
  ok: 0,
  /** The preview JSON, the event log or a command-line option could not be read. */
  unreadableInput: 2,
  /** A stateful or protected resource would be replaced or deleted and is not in the allow list. */
  statefulChange: 3,
  /** The preview reported errors or mandatory policy violations: Pulumi would not apply it. */
  previewFailed: 4,
} as const;

/** One of {@link EXIT_CODES}. */
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** Every step operation the engine knows (`display.StepOp`, pkg/resource/deploy/step.go). */
export const STEP_OPS = [
  "same",
  "create",
  "update",
  "delete",
  "replace",
  "create-replacement",
  "delete-replaced",
  "read",
  "read-replacement",
  "refresh",
  "discard",
  "discard-replaced",
  "remove-pending-replace",
  "import",
  "import-replacement",
] as const;

/** A step operation. */
export type StepOp = (typeof STEP_OPS)[number];

/** How a property differs (`plugin.DiffKind.String()`); the `-replace` kinds force a replacement. */
export const DIFF_KINDS = [
  "add",
  "add-replace",
  "update",
  "update-replace",
  "delete",
  "delete-replace",
] as const;

/** A property diff kind. */
export type DiffKind = (typeof DIFF_KINDS)[number];

/** Steps that replace the resource: the old one is deleted once the new one exists (or before). */
const REPLACING_OPS: ReadonlySet<StepOp> = new Set([
  "replace",
  "create-replacement",
  "delete-replaced",
  "import-replacement",
]);

/** Policy enforcement levels (`apitype.EnforcementLevel`). */
export const ENFORCEMENT_LEVELS = ["advisory", "mandatory", "remediate", "disabled"] as const;

/** A policy enforcement level. */
export type EnforcementLevel = (typeof ENFORCEMENT_LEVELS)[number];

// ---------------------------------------------------------------------------------------------
// The input formats. Unknown fields are allowed (newer CLIs add some); the values this tool
// decides on are checked strictly, so a format change fails loudly instead of passing the gate.
// ---------------------------------------------------------------------------------------------

const urn = z
  .string()
  .regex(
    /^urn:pulumi:[^:]*::[^:]*::/,
    "expected a Pulumi URN (urn:pulumi:<stack>::<project>::...)",
  );

/** `apitype.ResourceV3`, as `stack.SerializeResource` writes it; secrets are already `[secret]`. */
const resourceStateSchema = z.looseObject({
  urn,
  custom: z.boolean().optional(),
  delete: z.boolean().optional(),
  id: z.string().optional(),
  type: z.string().min(1),
  inputs: z.record(z.string(), z.unknown()).optional(),
  outputs: z.record(z.string(), z.unknown()).optional(),
  parent: z.string().optional(),
  protect: z.boolean().optional(),
  provider: z.string().optional(),
});

const propertyDiffSchema = z.looseObject({
  kind: z.enum(DIFF_KINDS, {
    error: (issue) =>
      `unknown diff kind ${JSON.stringify(issue.input)}; expected one of ${DIFF_KINDS.join(", ")}`,
  }),
  inputDiff: z.boolean().optional(),
});

const stepSchema = z.looseObject({
  op: z.enum(STEP_OPS, {
    error: (issue) =>
      `unknown operation ${JSON.stringify(issue.input)}; expected one of ${STEP_OPS.join(", ")}`,
  }),
  urn,
  provider: z.string().optional(),
  oldState: resourceStateSchema.optional(),
  newState: resourceStateSchema.optional(),
  diffReasons: z.array(z.string()).optional(),
  replaceReasons: z.array(z.string()).optional(),
  // No `omitempty` on this field: steps without a structured diff carry `null`.
  detailedDiff: z.record(z.string(), propertyDiffSchema).nullable().optional(),
});

const diagnosticSchema = z.looseObject({
  urn: z.string().optional(),
  prefix: z.string().optional(),
  message: z.string().optional(),
  severity: z.string().optional(),
});

/** The document `pulumi preview --json` prints (every top-level field is `omitempty`). */
export const previewDigestSchema = z
  .looseObject({
    config: z.record(z.string(), z.string()).optional(),
    steps: z.array(stepSchema).optional(),
    diagnostics: z.array(diagnosticSchema).optional(),
    duration: z.number().int().nonnegative().optional(),
    changeSummary: z.record(z.string(), z.number().int().nonnegative()).optional(),
    maybeCorrupt: z.boolean().optional(),
  })
  .refine(
    (digest) =>
      digest.steps !== undefined ||
      digest.diagnostics !== undefined ||
      digest.changeSummary !== undefined,
    "expected `pulumi preview --json` output: none of steps, diagnostics, changeSummary is present",
  );

/** A parsed preview digest. */
export type PreviewDigest = z.infer<typeof previewDigestSchema>;
/** One step of a preview digest. */
export type PreviewStep = z.infer<typeof stepSchema>;

/** `apitype.PolicyEvent`: one policy violation in the engine event stream. */
const policyEventSchema = z.looseObject({
  resourceUrn: z.string().optional(),
  message: z.string(),
  color: z.string().optional(),
  policyName: z.string(),
  policyPackName: z.string(),
  policyPackVersion: z.string().optional(),
  policyPackVersionTag: z.string().optional(),
  enforcementLevel: z.enum(ENFORCEMENT_LEVELS, {
    error: (issue) =>
      `unknown enforcement level ${JSON.stringify(issue.input)}; expected one of ${ENFORCEMENT_LEVELS.join(", ")}`,
  }),
});

/** `apitype.EngineEvent`: exactly one payload field is set; only policy events are read here. */
const engineEventSchema = z.looseObject({
  sequence: z.number().int(),
  timestamp: z.number().optional(),
  policyEvent: policyEventSchema.optional(),
});

/** A policy violation as the engine event stream reports it. */
export type PolicyEvent = z.infer<typeof policyEventSchema>;

/** The input is not what `pulumi preview --json` (or the engine event log) produces. */
export class PreviewFormatError extends Error {
  override readonly name = "PreviewFormatError";
}

function formatPath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") {
      text += `[${segment}]`;
    } else {
      const key = String(segment);
      text += /^[A-Za-z_$][\w$]*$/.test(key)
        ? `${text === "" ? "" : "."}${key}`
        : `[${JSON.stringify(key)}]`;
    }
  }
  return text === "" ? "(top level)" : text;
}

function formatIssues(error: z.ZodError, where: string): string {
  const shown = error.issues.slice(0, 5).map((issue) => {
    return `${where}: ${formatPath(issue.path)}: ${issue.message}`;
  });
  const hidden = error.issues.length - shown.length;
  return hidden > 0 ? [...shown, `... and ${hidden} more`].join("\n") : shown.join("\n");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function looksLikeEventStream(text: string): boolean {
  const firstLine = text.trimStart().split(/\r?\n/, 1)[0] ?? "";
  try {
    const first: unknown = JSON.parse(firstLine);
    return isRecord(first) && typeof first.sequence === "number";
  } catch {
    return false;
  }
}

/**
 * Parses and validates the text `pulumi preview --json` printed. Throws a
 * {@link PreviewFormatError} that names `source` and the offending path.
 */
export function parsePreview(text: string, source = "preview"): PreviewDigest {
  if (text.trim() === "") {
    throw new PreviewFormatError(
      `${source}: empty input; expected the JSON that \`pulumi preview --json\` prints`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const hint = looksLikeEventStream(text)
      ? " (this looks like an engine event stream, one JSON object per line: pass it with --events" +
        " and give the `pulumi preview --json` document as the input)"
      : "";
    throw new PreviewFormatError(`${source}: not valid JSON: ${(error as Error).message}${hint}`);
  }
  if (isRecord(data) && "resources" in data && "project" in data && !("steps" in data)) {
    throw new PreviewFormatError(
      `${source}: this is an offline plan (npm run plan -- <stack> --json), not the output of ` +
        "`pulumi preview --json`",
    );
  }
  const parsed = previewDigestSchema.safeParse(data);
  if (!parsed.success) {
    throw new PreviewFormatError(formatIssues(parsed.error, source));
  }
  return parsed.data;
}

/**
 * Reads the policy violations out of an engine event log (one `apitype.EngineEvent` JSON object
 * per line, as `pulumi preview --event-log` writes it). Other events are skipped.
 */
export function parsePolicyEvents(text: string, source = "events"): PolicyEvent[] {
  const violations: PolicyEvent[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    if (line.trim() === "") {
      return;
    }
    const where = `${source}:${index + 1}`;
    let data: unknown;
    try {
      data = JSON.parse(line);
    } catch (error) {
      throw new PreviewFormatError(`${where}: not valid JSON: ${(error as Error).message}`);
    }
    const parsed = engineEventSchema.safeParse(data);
    if (!parsed.success) {
      throw new PreviewFormatError(formatIssues(parsed.error, where));
    }
    if (parsed.data.policyEvent) {
      violations.push(parsed.data.policyEvent);
    }
  });
  return violations;
}

// ---------------------------------------------------------------------------------------------
// The summary model
// ---------------------------------------------------------------------------------------------

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
  readonly urn?: string;
  readonly message: string;
}

/** Everything the Markdown report and the gate need, derived from one preview. */
export interface PreviewSummary {
  /** From the steps' URNs; undefined when the preview has no steps. */
  readonly stack?: string;
  readonly project?: string;
  /** Steps per operation, as printed (replacement steps counted separately). */
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

function refOf(step: PreviewStep): ResourceRef {
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

function propertiesOf(step: PreviewStep): PropertyChange[] {
  const replaceReasons = step.replaceReasons ?? [];
  const detailed = Object.entries(step.detailedDiff ?? {})
    .sort(([left], [right]) => left.localeCompare(right))
    .map(([path, diff]) => ({
      path,
      kind: diff.kind,
      forcesReplacement:
        diff.kind.endsWith("-replace") || replaceReasons.some((reason) => isUnder(path, reason)),
    }));
  // Reasons are top-level keys; one the structured diff does not cover is still worth showing.
  const reasons = [...new Set([...replaceReasons, ...(step.diffReasons ?? [])])]
    .filter((reason) => !detailed.some((change) => isUnder(change.path, reason)))
    .sort((left, right) => left.localeCompare(right))
    .map((path) => ({ path, forcesReplacement: replaceReasons.includes(path) }));
  return [...detailed, ...reasons];
}

function cleanMessage(message: string): string {
  return (
    message
      // Colour directives survive in raw engine events (`<{%reset%}>`, `<{%fg 1%}>`).
      .replace(/<\{%[^%]*%\}>/g, "")
      .replace(/^(?:error|warning): /, "")
      .trim()
  );
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
    counts[step.op] = (counts[step.op] ?? 0) + 1;
    const ref = refOf(step);
    if (step.oldState && step.newState) {
      const before = step.oldState.protect === true;
      const after = step.newState.protect === true;
      if (before !== after) {
        protectionChanges.push({ ...ref, protect: after });
      }
    }
    if (step.op === "same") {
      continue;
    }
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
        : { ...ref, action, ops: [step.op], causes },
    );
  }

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

  const policyViolations = (policyEvents ?? []).map((event): PolicyViolation => ({
    enforcementLevel: event.enforcementLevel,
    policyPack: event.policyPackName,
    ...(event.policyPackVersion ? { policyPackVersion: event.policyPackVersion } : {}),
    policyName: event.policyName,
    ...(event.resourceUrn ? { urn: event.resourceUrn } : {}),
    message: cleanMessage(event.message),
  }));

  const [, stack, project] = /^urn:pulumi:([^:]*)::([^:]*)::/.exec(steps[0]?.urn ?? "") ?? [];

  return {
    ...(stack ? { stack } : {}),
    ...(project ? { project } : {}),
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

// ---------------------------------------------------------------------------------------------
// The gate
// ---------------------------------------------------------------------------------------------

/** What {@link gate} decided and why. */
export interface GateResult {
  readonly code: Exclude<ExitCode, typeof EXIT_CODES.unreadableInput>;
  /** One line per reason the code is not 0. */
  readonly reasons: readonly string[];
  /** Stateful or protected resources replaced or deleted without an allowance. */
  readonly blocked: readonly Removal[];
  /** Stateful or protected resources replaced or deleted with an allowance. */
  readonly allowed: readonly Removal[];
  /** Allow-list entries that matched no resource at risk (a typo, or a change since review). */
  readonly unusedAllowances: readonly string[];
}

/** Options of {@link gate}. */
export interface GateOptions {
  /**
   * Resources a reviewer accepts to see replaced or deleted: a full URN, a logical name (the URN's
   * last segment) or a type token (every resource of that type). Default: none.
   */
  readonly allow: readonly string[];
}

function matches(entry: string, removal: Removal): boolean {
  return entry === removal.urn || entry === removal.name || entry === removal.type;
}

/** Describes a removal in one line for logs and reasons. */
export function describeRemoval(removal: Removal): string {
  const flags = [removal.stateful ? "stateful" : "", removal.protected ? "protected" : ""]
    .filter(Boolean)
    .join(", ");
  const causes = removal.causes.map((cause) => cause.path).join(", ");
  return (
    `${removal.action} ${removal.type} ${removal.name}` +
    (flags ? ` (${flags})` : "") +
    (causes ? `, forced by ${causes}` : "")
  );
}

/**
 * Decides the exit code: 4 when the preview has errors or mandatory policy violations, else 3 when
 * a stateful or protected resource would be replaced or deleted and `allow` does not name it,
 * else 0.
 */
export function gate(summary: PreviewSummary, options: GateOptions): GateResult {
  const atRisk = summary.removals.filter((removal) => removal.stateful || removal.protected);
  const allowed = atRisk.filter((removal) =>
    options.allow.some((entry) => matches(entry, removal)),
  );
  const blocked = atRisk.filter((removal) => !allowed.includes(removal));
  const unusedAllowances = options.allow.filter(
    (entry) => !atRisk.some((removal) => matches(entry, removal)),
  );

  const errors = summary.diagnostics.filter((diagnostic) => diagnostic.severity === "error");
  const mandatory = summary.policyViolations.filter(
    (violation) => violation.enforcementLevel === "mandatory",
  );
  const reasons = [
    ...(errors.length > 0 ? [`the preview reported ${plural(errors.length, "error")}`] : []),
    ...(mandatory.length > 0 ? [plural(mandatory.length, "mandatory policy violation")] : []),
    ...blocked.map((removal) => `not allowed: ${describeRemoval(removal)}`),
  ];
  const code =
    errors.length > 0 || mandatory.length > 0
      ? EXIT_CODES.previewFailed
      : blocked.length > 0
        ? EXIT_CODES.statefulChange
        : EXIT_CODES.ok;
  return { code, reasons, blocked, allowed, unusedAllowances };
}

/** `1 error`, `3 errors`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

// ---------------------------------------------------------------------------------------------
// The Markdown report
// ---------------------------------------------------------------------------------------------

/** Options of {@link renderMarkdown}. */
export interface RenderOptions {
  /** The gate's decision, shown at the top; left out when not given. */
  readonly verdict?: GateResult;
  /** How many properties a row of the changes table lists before `+N more`. Default: 6. */
  readonly maxPropertiesPerRow?: number;
}

/** The order operations are listed in: what adds, what changes, what removes, then the rest. */
const DISPLAY_ORDER: readonly StepOp[] = [
  "create",
  "update",
  "replace",
  "create-replacement",
  "delete-replaced",
  "delete",
  "import",
  "import-replacement",
  "read",
  "read-replacement",
  "refresh",
  "discard",
  "discard-replaced",
  "remove-pending-replace",
];

const HEADLINE_OPS: readonly [StepOp, string][] = [
  ["create", "to create"],
  ["update", "to update"],
  ["replace", "to replace"],
  ["delete", "to delete"],
  ["import", "to import"],
];

/** Text for a table cell: pipes escaped, HTML neutralised, lines joined with `<br>`. */
function cell(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\|/g, "\\|")
    .replace(/\r?\n/g, "<br>");
}

/** A code span that survives backticks in the text. */
function code(text: string): string {
  const fence = text.includes("`") ? "``" : "`";
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** A code span inside a table cell, where a pipe would end the cell. */
function tableCode(text: string): string {
  return code(text).replace(/\|/g, "\\|");
}

function propertyText(change: PropertyChange): string {
  return change.kind ? `${code(change.path)} (${change.kind})` : code(change.path);
}

function flagsOf(ref: ResourceRef): string[] {
  return [ref.stateful ? "stateful" : "", ref.protected ? "protected" : ""].filter(Boolean);
}

function headline(summary: PreviewSummary): string {
  const parts = HEADLINE_OPS.flatMap(([op, label]) => {
    const count = summary.counts[op] ?? 0;
    return count > 0 ? [`${count} ${label}`] : [];
  });
  parts.push(`${summary.unchanged} unchanged`);
  const target =
    summary.project && summary.stack ? ` for ${code(`${summary.project}/${summary.stack}`)}` : "";
  return `### Pulumi preview${target}: ${parts.join(", ")}`;
}

function verdictLines(verdict: GateResult): string[] {
  switch (verdict.code) {
    case EXIT_CODES.ok:
      return [
        `**Gate: passed** (exit ${verdict.code})` +
          (verdict.allowed.length > 0
            ? `; allowed by \`--allow-replace\`: ${verdict.allowed.map((r) => code(r.name)).join(", ")}`
            : ""),
      ];
    case EXIT_CODES.statefulChange:
      return [
        `**Gate: blocked** (exit ${verdict.code}): a stateful or protected resource would be ` +
          "replaced or deleted. Once reviewed, re-run with `--allow-replace <urn or name>` for each.",
      ];
    case EXIT_CODES.previewFailed:
      return [
        `**Gate: failed** (exit ${verdict.code}): ${verdict.reasons
          .filter((reason) => !reason.startsWith("not allowed: "))
          .join("; ")}. Pulumi would not apply this preview as it is.`,
      ];
  }
}

function cautionCallout(summary: PreviewSummary, verdict?: GateResult): string | undefined {
  const atRisk = summary.removals.filter((removal) => removal.stateful || removal.protected);
  if (atRisk.length === 0) {
    return undefined;
  }
  const lines = atRisk.map((removal) => {
    const causes =
      removal.causes.length > 0
        ? `; forced by ${removal.causes.map((cause) => code(cause.path)).join(", ")}`
        : "";
    const allowed = verdict?.allowed.includes(removal) ? " — allowed by `--allow-replace`" : "";
    return (
      `> - **${removal.action}** ${code(removal.name)} (${code(removal.type)}): ` +
      `${flagsOf(removal).join(", ")}${causes}${allowed}`
    );
  });
  return [
    "> [!CAUTION]",
    "> Stateful or protected resources would be replaced or deleted; data they hold is lost.",
    ...lines,
  ].join("\n");
}

function errorCallout(summary: PreviewSummary): string | undefined {
  const errors = summary.diagnostics.filter((d) => d.severity === "error").length;
  const mandatory = summary.policyViolations.filter(
    (v) => v.enforcementLevel === "mandatory",
  ).length;
  if (errors === 0 && mandatory === 0) {
    return undefined;
  }
  const what = [
    errors > 0 ? plural(errors, "error") : "",
    mandatory > 0 ? plural(mandatory, "mandatory policy violation") : "",
  ].filter(Boolean);
  return [
    "> [!WARNING]",
    `> The preview reported ${what.join(" and ")}; Pulumi would not apply it as it is.`,
  ].join("\n");
}

/**
 * The summary as Markdown for a pull-request comment: headline counts, the gate's verdict, a
 * CAUTION callout for stateful or protected resources at risk, a counts table, every change,
 * the replacements and deletions with their causes, diagnostics and policy violations.
 */
export async function renderMarkdown(
  summary: PreviewSummary,
  options: RenderOptions = {},
): Promise<string> {
  const { markdownTable } = await import("markdown-table");
  const maxProperties = options.maxPropertiesPerRow ?? 6;
  const sections: string[] = [headline(summary)];
  if (options.verdict) {
    sections.push(...verdictLines(options.verdict));
  }
  const caution = cautionCallout(summary, options.verdict);
  if (caution) {
    sections.push(caution);
  }
  const failure = errorCallout(summary);
  if (failure) {
    sections.push(failure);
  }

  const countRows = DISPLAY_ORDER.flatMap((op) => {
    const count = summary.counts[op] ?? 0;
    return count === 0 ? [] : [[op, String(count)]];
  });
  sections.push(
    "#### Operations",
    markdownTable(
      [["operation", "resources"], ...countRows, ["unchanged", String(summary.unchanged)]],
      {
        align: ["l", "r"],
      },
    ),
  );

  sections.push("#### Changes");
  if (summary.changes.length === 0) {
    sections.push("_No changes._");
  } else {
    const rows = summary.changes.map((change) => {
      const shown = change.properties.slice(0, maxProperties).map(propertyText);
      const more = change.properties.length - shown.length;
      return [
        change.op,
        tableCode(change.name),
        tableCode(change.type),
        cell([...shown, ...(more > 0 ? [`+${more} more`] : [])].join(", ")),
        flagsOf(change).join(", "),
      ];
    });
    sections.push(
      markdownTable([["operation", "resource", "type", "properties", "notes"], ...rows]),
    );
  }

  sections.push("#### Replacements and deletions");
  if (summary.removals.length === 0) {
    sections.push("_None._");
  } else {
    sections.push(
      summary.removals
        .map((removal) => {
          const flags = flagsOf(removal);
          const lines = [
            `- **${removal.action}** ${code(removal.name)} (${code(removal.type)})` +
              (flags.length > 0 ? `: ${flags.join(", ")}` : ""),
            `  - URN: ${code(removal.urn)}`,
          ];
          if (removal.action === "replace") {
            lines.push(
              removal.causes.length > 0
                ? `  - forced by: ${removal.causes.map(propertyText).join(", ")}`
                : "  - forced by: (the provider named no property)",
            );
          } else {
            lines.push("  - no longer declared by the program");
          }
          if (removal.ops.length > 1) {
            lines.push(`  - steps: ${removal.ops.join(" → ")}`);
          }
          return lines.join("\n");
        })
        .join("\n"),
    );
  }

  if (summary.protectionChanges.length > 0) {
    sections.push(
      "#### Protection changes",
      summary.protectionChanges
        .map(
          (change) =>
            `- ${code(change.name)} (${code(change.type)}): protection ` +
            (change.protect ? "added" : "**removed**"),
        )
        .join("\n"),
    );
  }

  sections.push("#### Diagnostics");
  if (summary.diagnostics.length === 0) {
    sections.push("_No errors or warnings._");
  } else {
    sections.push(
      markdownTable([
        ["severity", "resource", "message"],
        ...summary.diagnostics.map((diagnostic) => [
          diagnostic.severity,
          diagnostic.urn ? tableCode(nameOfUrn(diagnostic.urn)) : "",
          cell(diagnostic.message),
        ]),
      ]),
    );
  }

  sections.push("#### Policy violations");
  if (!summary.policyEventsRead) {
    sections.push(
      "_Not available: `pulumi preview --json` leaves policy violations out (a mandatory one shows " +
        "only as `preview failed`). Pass the engine event log with `--events` to list them._",
    );
  } else if (summary.policyViolations.length === 0) {
    sections.push("_None._");
  } else {
    sections.push(
      markdownTable([
        ["level", "policy", "resource", "message"],
        ...summary.policyViolations.map((violation) => [
          violation.enforcementLevel,
          `${tableCode(violation.policyName)} (${cell(violation.policyPack)}` +
            (violation.policyPackVersion ? `@${cell(violation.policyPackVersion)}` : "") +
            ")",
          violation.urn ? tableCode(nameOfUrn(violation.urn)) : "",
          cell(violation.message),
        ]),
      ]),
    );
  }

  return sections.join("\n\n") + "\n";
}
