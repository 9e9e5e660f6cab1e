/**
 * The Markdown report of a {@link PreviewSummary} for a pull-request comment.
 */
import { EXIT_CODES, type GateResult } from "./gate";
import type { StepOp } from "./parse";
import {
  isAtRisk,
  nameOfUrn,
  type Diagnostic,
  type PreviewSummary,
  type PropertyChange,
  type ResourceRef,
} from "./summarise";
import { cell, code, plural, tableCode } from "./text";

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
function propertyText(change: PropertyChange): string {
  return change.kind ? `${code(change.path)} (${change.kind})` : code(change.path);
}

/** `stateful`, `protected`: the notes a resource gets in every table. */
export function flagsOf(ref: ResourceRef): string[] {
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
  const atRisk = summary.removals.filter(isAtRisk);
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

/** The errors and warnings as a table, or a line saying there are none. */
export async function diagnosticsBlock(diagnostics: readonly Diagnostic[]): Promise<string> {
  if (diagnostics.length === 0) {
    return "_No errors or warnings._";
  }
  const { markdownTable } = await import("markdown-table");
  return markdownTable([
    ["severity", "resource", "message"],
    ...diagnostics.map((diagnostic) => [
      diagnostic.severity,
      diagnostic.urn ? tableCode(nameOfUrn(diagnostic.urn)) : "",
      cell(diagnostic.message),
    ]),
  ]);
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
            lines.push(
              removal.retained
                ? "  - no longer declared by the program; `retainOnDelete`: Pulumi leaves it in the cloud"
                : "  - no longer declared by the program",
            );
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

  sections.push("#### Diagnostics", await diagnosticsBlock(summary.diagnostics));

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
        ["level", "severity", "policy", "resource", "message"],
        ...summary.policyViolations.map((violation) => [
          violation.enforcementLevel,
          violation.severity ?? "",
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
