/**
 * The gate: the summariser's exit code for Jenkins, from a {@link PreviewSummary}.
 */
import { plural } from "./text";
import { isAtRisk, type PreviewSummary, type Removal } from "./summarise";

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
  /**
   * The preview reported errors or mandatory policy violations: Pulumi would not apply it. With
   * `--drift`: the refresh preview reported errors, so drift is not fully known.
   */
  previewFailed: 4,
  /** With `--drift` only: a resource in the cloud no longer matches the stack's state. */
  drift: 5,
} as const;

/** One of {@link EXIT_CODES}. */
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** What {@link gate} decided and why. */
export interface GateResult {
  readonly code: Exclude<ExitCode, typeof EXIT_CODES.unreadableInput | typeof EXIT_CODES.drift>;
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
  const atRisk = summary.removals.filter(isAtRisk);
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
