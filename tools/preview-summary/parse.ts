/**
 * Reading what the Pulumi CLI prints: the preview digest (`pulumi preview --json`, and
 * `pulumi refresh --preview-only --json`, which prints the same document) and the engine event
 * log (`--event-log`). Unknown fields are allowed (newer CLIs add some); the values this tool
 * decides on are checked strictly, so a format change fails loudly instead of passing the gate.
 *
 * The digest is Pulumi's `display.PreviewDigest` (pulumi/pulumi@v3.259.0:pkg/display/json.go),
 * filled by `ShowPreviewDigest` (pulumi/pulumi@v3.259.0:pkg/backend/display/json.go).
 * tests/tools/fixtures/preview/README.md lists every format fact this module relies on and where
 * in Pulumi's source it comes from.
 */
import { z } from "zod";

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

/** Policy enforcement levels (`apitype.EnforcementLevel`). */
export const ENFORCEMENT_LEVELS = ["advisory", "mandatory", "remediate", "disabled"] as const;

/** A policy enforcement level. */
export type EnforcementLevel = (typeof ENFORCEMENT_LEVELS)[number];

/**
 * Policy severities (`apitype.PolicySeverity`, pulumi/pulumi@v3.259.0:sdk/go/common/apitype/policy.go);
 * the event carries `""` or leaves the field out when a policy sets none.
 */
export const POLICY_SEVERITIES = ["low", "medium", "high", "critical"] as const;

/** A policy severity. */
export type PolicySeverity = (typeof POLICY_SEVERITIES)[number];

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
  // Pulumi leaves the cloud resource in place when it deletes one of these from the stack
  // (`DeleteStep.Apply`, pulumi/pulumi@v3.259.0:pkg/resource/deploy/step.go).
  retainOnDelete: z.boolean().optional(),
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
  severity: z
    .enum([...POLICY_SEVERITIES, ""], {
      error: (issue) =>
        `unknown severity ${JSON.stringify(issue.input)}; expected one of ${POLICY_SEVERITIES.join(", ")}`,
    })
    .optional(),
});

/** `apitype.StepEventMetadata`, of which only the URN is read (to tie the log to the preview). */
const stepMetadataSchema = z.looseObject({ metadata: z.looseObject({ urn }) });

/**
 * `apitype.EngineEvent` (pulumi/pulumi@v3.259.0:sdk/go/common/apitype/events.go): exactly one
 * payload field is set. Policy events are read for the report; the URNs of resource and
 * diagnostic events and the summary's `isPreview` tie the log to the preview it came with.
 */
const engineEventSchema = z.looseObject({
  sequence: z.number().int(),
  timestamp: z.number().optional(),
  policyEvent: policyEventSchema.optional(),
  diagnosticEvent: z.looseObject({ urn: z.string().optional() }).optional(),
  resourcePreEvent: stepMetadataSchema.optional(),
  resOutputsEvent: stepMetadataSchema.optional(),
  // `isPreview` has no `omitempty`: every CLI that writes it writes it.
  summaryEvent: z.looseObject({ isPreview: z.boolean().optional() }).optional(),
});

/** What an engine event log says, as far as the summariser reads it. */
export interface EventLog {
  readonly policyEvents: readonly PolicyEvent[];
  /** Every `<project>/<stack>` a URN in the log names. */
  readonly targets: ReadonlySet<string>;
  /** The summary event's `isPreview`; undefined when the log has no summary event. */
  readonly isPreview?: boolean;
}

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

/** The stack and project a URN names (`urn:pulumi:<stack>::<project>::...`). */
export function targetOfUrn(resourceUrn: string): { stack: string; project: string } | undefined {
  const [, stack, project] = /^urn:pulumi:([^:]*)::([^:]*)::/.exec(resourceUrn) ?? [];
  return stack !== undefined && project !== undefined ? { stack, project } : undefined;
}

function targetKey(resourceUrn: string): string | undefined {
  const target = targetOfUrn(resourceUrn);
  return target && `${target.project}/${target.stack}`;
}

/**
 * Reads an engine event log (one `apitype.EngineEvent` JSON object per line, as
 * `pulumi preview --event-log` writes it): its policy violations, the stacks its URNs name and
 * whether it is a preview's. Other events are skipped.
 */
export function parseEventLog(text: string, source = "events"): EventLog {
  const violations: PolicyEvent[] = [];
  const targets = new Set<string>();
  let isPreview: boolean | undefined;
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
    const event = parsed.data;
    if (event.policyEvent) {
      violations.push(event.policyEvent);
    }
    for (const resourceUrn of [
      event.policyEvent?.resourceUrn,
      event.diagnosticEvent?.urn,
      event.resourcePreEvent?.metadata.urn,
      event.resOutputsEvent?.metadata.urn,
    ]) {
      const key = resourceUrn && targetKey(resourceUrn);
      if (key) {
        targets.add(key);
      }
    }
    if (event.summaryEvent?.isPreview !== undefined) {
      isPreview = event.summaryEvent.isPreview;
    }
  });
  return { policyEvents: violations, targets, ...(isPreview === undefined ? {} : { isPreview }) };
}

/**
 * Refuses an event log that is not of this preview: one written by an update (`pulumi up`), or
 * whose URNs name another stack or project. Its policy violations would otherwise be reported
 * against a preview they were never raised on.
 */
export function checkEventLogMatches(
  digest: PreviewDigest,
  log: EventLog,
  sources: { readonly preview: string; readonly events: string },
): void {
  if (log.isPreview === false) {
    throw new PreviewFormatError(
      `${sources.events}: this event log is of an update (summaryEvent.isPreview is false), ` +
        `not of a preview; pass the log the same \`pulumi preview\` as ${sources.preview} wrote`,
    );
  }
  const previewTargets = new Set((digest.steps ?? []).flatMap((step) => targetKey(step.urn) ?? []));
  const foreign = [...log.targets].filter((target) => !previewTargets.has(target));
  if (previewTargets.size > 0 && foreign.length > 0) {
    throw new PreviewFormatError(
      `${sources.events}: this event log is of ${foreign.map((t) => `\`${t}\``).join(", ")}, ` +
        `but ${sources.preview} previews ${[...previewTargets].map((t) => `\`${t}\``).join(", ")} ` +
        "(project/stack); pass the log the same `pulumi preview` wrote",
    );
  }
}
