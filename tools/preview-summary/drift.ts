/**
 * The drift report: what `pulumi refresh --preview-only --json` found changed in the cloud since
 * the stack's state was last written, for the nightly drift job.
 *
 * Why `refresh --preview-only` and not `preview --refresh`: both print the same digest
 * (`ShowPreviewDigest`, pulumi/pulumi@v3.259.0:pkg/backend/display/json.go), but only a refresh
 * operation (`isRefresh`) turns a refresh step into its result (`RefreshStep.ResultOp`:
 * `update`, `delete` or `same`, pkg/engine/update.go `previewActions.OnResourceStepPost`), and
 * only then does the digest swap the step for one that carries the refreshed state and the
 * provider's diff (`if refresh && ((m.Op == deploy.OpUpdate && m.DetailedDiff != nil) || m.Op ==
 * deploy.OpDelete)`). Under `preview --refresh` every refresh step stays `refresh`, with the old
 * state on both sides and no diff: drift is invisible there, except as the program's next update.
 * `refresh --preview-only` also takes no stack lock (`diyBackend.Refresh`,
 * pkg/backend/diy/backend.go), so a read-only identity can run it.
 *
 * The refresh diff is the one a no-change `pulumi up` would show, inverted so that it reads from
 * the state to the cloud (`RefreshStep.Apply`, `diff.Invert()`, pkg/resource/deploy/step.go):
 * `add` means the property appeared outside Pulumi, `delete` that it was removed there. Paths
 * under the resource's `ignoreChanges` are left out of that diff.
 */
import get from "lodash.get";
import { EXIT_CODES } from "./gate";
import {
  PreviewFormatError,
  targetOfUrn,
  type DiffKind,
  type PreviewDigest,
  type PreviewStep,
} from "./parse";
import { cell, code, plural, tableCode } from "./text";
import { diagnosticsBlock, flagsOf } from "./render";
import { diagnosticsOf, refOf, type Diagnostic, type ResourceRef } from "./summarise";

/** Steps a refresh preview's digest holds: a resource in sync stays `refresh`. */
const REFRESH_OPS: ReadonlySet<string> = new Set(["refresh", "update", "delete"]);

/** One property that differs between the stack's state and the cloud. */
export interface DriftedProperty {
  /** Property path as the provider reports it, e.g. `tags.owner`, `agentPoolProfiles[0].vmSize`. */
  readonly path: string;
  /** Read from the state towards the cloud: `add` appeared outside Pulumi, `delete` went away. */
  readonly kind: DiffKind;
  /** The value in the stack's state; undefined when absent there. */
  readonly stateValue?: unknown;
  /** The value the cloud has now; undefined when absent there. */
  readonly cloudValue?: unknown;
  /** The provider would replace the resource to bring this back to the program's value. */
  readonly forcesReplacement: boolean;
}

/** A resource that no longer matches the stack's state. */
export interface DriftedResource extends ResourceRef {
  /** `modified`: properties differ; `deleted`: the resource no longer exists in the cloud. */
  readonly drift: "modified" | "deleted";
  readonly properties: readonly DriftedProperty[];
}

/** Everything the drift report and its exit code need. */
export interface DriftReport {
  readonly stack?: string;
  readonly project?: string;
  /** Stateful ones first, then protected ones, each group in the order Pulumi printed it. */
  readonly drifted: readonly DriftedResource[];
  /**
   * Drifted resources the digest shows no detail for: `changeSummary` counts them as `update` or
   * `delete`, but the step stayed `refresh` because the provider gave no structured diff
   * (external resources, or the legacy refresh diff).
   */
  readonly driftedWithoutDetail: number;
  /** Resources the refresh found in sync (`changeSummary.same`). */
  readonly inSync: number;
  readonly diagnostics: readonly Diagnostic[];
}

/** Reads a property path (`a.b[0]["c.d"]`) out of a state's inputs, falling back to its outputs. */
function valueAt(state: PreviewStep["oldState"], path: string): unknown {
  if (state === undefined) {
    return undefined;
  }
  const fromInputs: unknown = get(state.inputs, path);
  const fromOutputs: unknown = get(state.outputs, path);
  return fromInputs !== undefined ? fromInputs : fromOutputs;
}

function driftOf(step: PreviewStep): DriftedResource {
  const ref = refOf(step);
  if (step.op === "delete") {
    return { ...ref, drift: "deleted", properties: [] };
  }
  const properties = Object.entries(step.detailedDiff ?? {})
    .sort(([left], [right]) => left.localeCompare(right))
    .map(([path, diff]): DriftedProperty => {
      const stateValue = valueAt(step.oldState, path);
      const cloudValue = valueAt(step.newState, path);
      return {
        path,
        kind: diff.kind,
        ...(stateValue === undefined ? {} : { stateValue }),
        ...(cloudValue === undefined ? {} : { cloudValue }),
        forcesReplacement: diff.kind.endsWith("-replace"),
      };
    });
  return { ...ref, drift: "modified", properties };
}

function rank(resource: ResourceRef): number {
  return resource.stateful ? 0 : resource.protected ? 1 : 2;
}

/**
 * Builds the drift report of a parsed `pulumi refresh --preview-only --json` digest. Throws a
 * {@link PreviewFormatError} for a digest that is not a refresh preview (a `pulumi preview`
 * shows `same`, `create`, `replace`... steps, which a refresh never does).
 */
export function analyseDrift(digest: PreviewDigest, source = "preview"): DriftReport {
  const steps = digest.steps ?? [];
  const foreign = steps.find((step) => !REFRESH_OPS.has(step.op));
  if (foreign) {
    throw new PreviewFormatError(
      `${source}: a \`${foreign.op}\` step (${foreign.urn}): this is not the output of ` +
        "`pulumi refresh --preview-only --json`, whose steps are only refresh, update and delete",
    );
  }
  const drifted = steps
    .filter((step) => step.op !== "refresh")
    .map(driftOf)
    // Array.prototype.sort is stable: within a group the digest's order stays.
    .sort((left, right) => rank(left) - rank(right));
  const counted = (digest.changeSummary?.update ?? 0) + (digest.changeSummary?.delete ?? 0);
  const target = targetOfUrn(steps[0]?.urn ?? "");
  return {
    ...(target?.stack ? { stack: target.stack } : {}),
    ...(target?.project ? { project: target.project } : {}),
    drifted,
    driftedWithoutDetail: Math.max(0, counted - drifted.length),
    inSync: digest.changeSummary?.same ?? 0,
    diagnostics: diagnosticsOf(digest),
  };
}

/** Drift's exit code: 4 when the refresh reported errors (drift is not fully known), 5 on drift. */
export function driftExitCode(
  report: DriftReport,
): typeof EXIT_CODES.ok | typeof EXIT_CODES.previewFailed | typeof EXIT_CODES.drift {
  if (report.diagnostics.some((diagnostic) => diagnostic.severity === "error")) {
    return EXIT_CODES.previewFailed;
  }
  return report.drifted.length + report.driftedWithoutDetail > 0 ? EXIT_CODES.drift : EXIT_CODES.ok;
}

/** A value for a table cell: JSON, so strings, numbers and objects read unambiguously. */
function valueText(value: unknown): string {
  return value === undefined ? "_(absent)_" : tableCode(JSON.stringify(value));
}

const KIND_WORDS: Readonly<Record<DiffKind, string>> = {
  add: "added outside Pulumi",
  "add-replace": "added outside Pulumi",
  update: "changed",
  "update-replace": "changed",
  delete: "removed outside Pulumi",
  "delete-replace": "removed outside Pulumi",
};

/**
 * The drift report as Markdown: a headline, the verdict, a table of drifted resources (stateful
 * first), then per resource each property with its value in the state and in the cloud.
 */
export async function renderDriftMarkdown(report: DriftReport): Promise<string> {
  const { markdownTable } = await import("markdown-table");
  const exitCode = driftExitCode(report);
  const total = report.drifted.length + report.driftedWithoutDetail;
  const stateful = report.drifted.filter((resource) => resource.stateful).length;
  const target =
    report.project && report.stack ? ` for ${code(`${report.project}/${report.stack}`)}` : "";
  const sections = [
    `### Drift report${target}: ${plural(total, "resource")} drifted` +
      (stateful > 0 ? ` (${stateful} stateful)` : "") +
      `, ${report.inSync} in sync`,
  ];
  sections.push(
    exitCode === EXIT_CODES.ok
      ? `**No drift** (exit ${exitCode}): the cloud matches the stack's state.`
      : exitCode === EXIT_CODES.drift
        ? `**Drift found** (exit ${exitCode}): the cloud no longer matches the stack's state. ` +
          'See docs/operations.md, "Drift", for how to resolve it (refresh or re-apply).'
        : `**Refresh failed** (exit ${exitCode}): the refresh reported errors, so the drift ` +
          "below may be incomplete.",
  );

  sections.push("#### Drifted resources");
  if (report.drifted.length === 0) {
    sections.push("_None._");
  } else {
    sections.push(
      markdownTable([
        ["resource", "type", "drift", "properties", "notes"],
        ...report.drifted.map((resource) => [
          tableCode(resource.name),
          tableCode(resource.type),
          resource.drift,
          cell(resource.properties.map((property) => code(property.path)).join(", ")),
          flagsOf(resource).join(", "),
        ]),
      ]),
    );
  }
  if (report.driftedWithoutDetail > 0) {
    sections.push(
      `_${plural(report.driftedWithoutDetail, "more resource")} drifted without a property ` +
        "diff from the provider (external resources or the legacy refresh diff); " +
        "`pulumi refresh --preview-only --diff` shows them._",
    );
  }

  for (const resource of report.drifted) {
    const flags = flagsOf(resource);
    const heading =
      `##### ${resource.drift} ${code(resource.name)} (${code(resource.type)})` +
      (flags.length > 0 ? `: ${flags.join(", ")}` : "");
    if (resource.drift === "deleted") {
      sections.push(
        heading,
        `URN: ${code(resource.urn)}\n\nNo longer exists in the cloud, but the stack's state still ` +
          "has it: a plain `pulumi up` diffs against the state and will not recreate it; " +
          "`pulumi up --refresh` does, from the program's values.",
      );
      continue;
    }
    sections.push(
      heading,
      `URN: ${code(resource.urn)}`,
      resource.properties.length === 0
        ? "_The provider named no property._"
        : markdownTable([
            ["property", "drift", "in the stack's state", "in the cloud now"],
            ...resource.properties.map((property) => [
              tableCode(property.path),
              KIND_WORDS[property.kind] +
                (property.forcesReplacement ? " (re-applying replaces the resource)" : ""),
              valueText(property.stateValue),
              valueText(property.cloudValue),
            ]),
          ]),
    );
  }

  sections.push("#### Diagnostics", await diagnosticsBlock(report.diagnostics));
  return sections.join("\n\n") + "\n";
}
