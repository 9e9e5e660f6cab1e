import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import {
  analyseDrift,
  driftExitCode,
  renderDriftMarkdown,
} from "../../tools/preview-summary/drift";
import { runSummaryCli } from "./summary-cli";
import { EXIT_CODES } from "../../tools/preview-summary/gate";
import { parsePreview, PreviewFormatError } from "../../tools/preview-summary/parse";

// The fixture is `pulumi refresh --preview-only --json` as pulumi/pulumi@v3.259.0 prints it; see
// tests/tools/fixtures/preview/README.md for where each fact comes from.
const FIXTURES = path.join(__dirname, "fixtures", "preview");
const fixture = (name: string): string => path.join(FIXTURES, name);
const read = (name: string): string => readFileSync(fixture(name), "utf8");

const driftDigest = () => parsePreview(read("dev-drift.json"), "dev-drift.json");

/** The dev-drift digest with every drifted step put back to an in-sync `refresh` step. */
function inSyncDigest() {
  const digest = driftDigest();
  digest.steps = (digest.steps ?? []).filter((step) => step.op === "refresh");
  digest.changeSummary = { same: 113 };
  return digest;
}

describe("drift report: reading pulumi refresh --preview-only --json", () => {
  it("lists the drifted resources, stateful ones first, and counts the ones in sync", () => {
    const report = analyseDrift(driftDigest());
    assert.equal(report.stack, "dev");
    assert.equal(report.project, "hiring-infra");
    assert.deepEqual(
      report.drifted.map((resource) => [resource.drift, resource.name, resource.stateful]),
      [
        ["modified", "cluster-cluster", true],
        ["modified", "resource-group", false],
        ["deleted", "database-admin-password-secret", false],
      ],
    );
    assert.equal(report.inSync, 110);
    assert.equal(report.driftedWithoutDetail, 0);
  });

  it("gives each drifted property its value in the state and in the cloud", () => {
    const report = analyseDrift(driftDigest());
    const byName = new Map(report.drifted.map((resource) => [resource.name, resource]));
    assert.deepEqual(byName.get("resource-group")?.properties, [
      {
        path: "tags.owner",
        kind: "update",
        stateValue: "platform-team",
        cloudValue: "data-team",
        forcesReplacement: false,
      },
      // The refresh diff is inverted (`diff.Invert()`): a tag only the cloud has is an `add`.
      { path: "tags.temporary", kind: "add", cloudValue: "true", forcesReplacement: false },
    ]);
    assert.deepEqual(
      byName
        .get("cluster-cluster")
        ?.properties.map((property) => [property.path, property.stateValue, property.cloudValue]),
      [
        ["agentPoolProfiles[0].orchestratorVersion", "1.31", "1.33"],
        ["kubernetesVersion", "1.31", "1.33"],
      ],
    );
    assert.deepEqual(byName.get("database-admin-password-secret")?.properties, []);
  });

  it("counts drift that changeSummary reports but no step details", () => {
    const digest = inSyncDigest();
    // An external resource or the legacy refresh diff: ResultOp is `update`, but without a
    // DetailedDiff ShowPreviewDigest keeps the `refresh` step.
    digest.changeSummary = { same: 112, update: 1 };
    const report = analyseDrift(digest);
    assert.equal(report.drifted.length, 0);
    assert.equal(report.driftedWithoutDetail, 1);
    assert.equal(driftExitCode(report), EXIT_CODES.drift);
  });

  it("refuses a pulumi preview digest, whose steps a refresh never has", () => {
    assert.throws(
      () => analyseDrift(parsePreview(read("dev-clean.json")), "dev-clean.json"),
      (error: unknown) =>
        error instanceof PreviewFormatError &&
        /^dev-clean\.json: a `same` step .*not the output of `pulumi refresh --preview-only --json`/.test(
          error.message,
        ),
    );
  });

  it("exits 5 on drift, 0 in sync and 4 when the refresh reported errors", () => {
    assert.equal(driftExitCode(analyseDrift(driftDigest())), EXIT_CODES.drift);
    assert.equal(driftExitCode(analyseDrift(inSyncDigest())), EXIT_CODES.ok);
    const failed = inSyncDigest();
    failed.diagnostics = [
      {
        urn: "urn:pulumi:dev::hiring-infra::azure-native:resources:ResourceGroup::resource-group",
        message: "error: AuthorizationFailed: the client does not have authorization\n",
        severity: "error",
      },
    ];
    assert.equal(driftExitCode(analyseDrift(failed)), EXIT_CODES.previewFailed);
  });
});

describe("drift report: Markdown and the command", () => {
  it("renders the headline, the drifted resources and old → new per property", async () => {
    const markdown = await renderDriftMarkdown(analyseDrift(driftDigest()));
    assert.match(
      markdown,
      /^### Drift report for `hiring-infra\/dev`: 3 resources drifted \(1 stateful\), 110 in sync\n\n\*\*Drift found\*\* \(exit 5\)/,
    );
    const rows = markdown.split("\n").filter((line) => line.startsWith("| `"));
    assert.match(rows[0] ?? "", /^\| `cluster-cluster` .*\| modified .*\| stateful \|$/);
    assert.match(markdown, /^\| `kubernetesVersion` +\| changed +\| `"1\.31"` +\| `"1\.33"` +\|$/m);
    assert.match(
      markdown,
      /^\| `tags\.temporary` +\| added outside Pulumi +\| _\(absent\)_ +\| `"true"` +\|$/m,
    );
    assert.match(markdown, /a plain `pulumi up` diffs against the state and will not recreate it/);
    const clean = await renderDriftMarkdown(analyseDrift(inSyncDigest()));
    assert.match(clean, /: 0 resources drifted, 113 in sync\n\n\*\*No drift\*\* \(exit 0\)/);
  });

  it("npm run preview-summary -- --drift writes the report and exits 5 on the drift fixture", async () => {
    const { code, out, err } = await runSummaryCli(["--drift", fixture("dev-drift.json")]);
    assert.equal(code, EXIT_CODES.drift);
    assert.match(out, /^### Drift report for `hiring-infra\/dev`/);
    assert.match(
      err,
      /^drift: deleted azure-native:keyvault:Secret database-admin-password-secret$/m,
    );
    assert.match(err, /preview-summary --drift: exit 5\n$/);
  });

  it("--drift exits 2 for a preview digest and for --events or --allow-replace", async () => {
    const preview = await runSummaryCli(["--drift", fixture("dev-clean.json")]);
    assert.equal(preview.code, EXIT_CODES.unreadableInput);
    assert.match(preview.err, /not the output of `pulumi refresh --preview-only --json`/);
    for (const extra of [
      ["--events", "x.jsonl"],
      ["--allow-replace", "x"],
    ]) {
      const { code, err } = await runSummaryCli(["--drift", fixture("dev-drift.json"), ...extra]);
      assert.equal(code, EXIT_CODES.unreadableInput);
      assert.match(err, /--drift takes neither --events nor --allow-replace/);
    }
  });
});
