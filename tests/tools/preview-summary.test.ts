import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { runSummaryCli } from "./summary-cli";
import { EXIT_CODES, gate } from "../../tools/preview-summary/gate";
import { parseEventLog, parsePreview, PreviewFormatError } from "../../tools/preview-summary/parse";
import { renderMarkdown } from "../../tools/preview-summary/render";
import { summarise, type PreviewSummary } from "../../tools/preview-summary/summarise";

const FIXTURES = path.join(__dirname, "fixtures", "preview");
const fixture = (name: string): string => path.join(FIXTURES, name);
const read = (name: string): string => readFileSync(fixture(name), "utf8");

const PROD_SERVER =
  "urn:pulumi:prod::hiring-infra::hiring:data:Database$azure-native:dbforpostgresql:Server::database-server";
const PROD_VAULT =
  "urn:pulumi:prod::hiring-infra::hiring:security:SecretStore$azure-native:keyvault:Vault::secrets-vault";
const DEV_SERVER =
  "urn:pulumi:dev::hiring-infra::hiring:data:Database$azure-native:dbforpostgresql:Server::database-server";

function summaryOf(name: string, events?: string): PreviewSummary {
  const digest = parsePreview(read(name), name);
  return summarise(
    digest,
    events === undefined ? undefined : parseEventLog(read(events)).policyEvents,
  );
}

/** Writes `text` to a fresh temporary file and returns its path. */
function tempFile(name: string, text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "preview-summary-")), name);
  writeFileSync(file, text);
  return file;
}

/** The Markdown section that starts with `heading`, up to the next `####` heading. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`#### ${heading}\n`);
  assert.notEqual(start, -1, `no "#### ${heading}" section`);
  const end = markdown.indexOf("\n#### ", start + 1);
  return markdown.slice(start, end === -1 ? undefined : end);
}

/** The body rows of the first Markdown table in `text`. */
function tableRows(text: string): string[] {
  return text
    .split("\n")
    .filter((line) => line.startsWith("|"))
    .slice(2);
}

describe("preview summariser: reading pulumi preview --json", () => {
  it("accepts every fixture, which follows the format Pulumi's ShowPreviewDigest writes", () => {
    for (const name of ["prod-risky.json", "dev-replace.json", "dev-clean.json"]) {
      const digest = parsePreview(read(name), name);
      assert.ok((digest.steps ?? []).length > 0, name);
    }
    assert.equal(parseEventLog(read("prod-risky.events.jsonl")).policyEvents.length, 1);
  });

  it("counts steps per operation and takes unchanged resources from changeSummary", () => {
    const prod = summaryOf("prod-risky.json");
    assert.deepEqual(prod.counts, { same: 1, replace: 1, create: 1, update: 1, delete: 1 });
    assert.equal(prod.unchanged, 57);
    assert.equal(prod.stack, "prod");
    assert.equal(prod.project, "hiring-infra");

    const dev = summaryOf("dev-replace.json");
    assert.deepEqual(dev.counts, {
      same: 1,
      update: 1,
      "create-replacement": 1,
      replace: 1,
      delete: 1,
      "delete-replaced": 1,
    });
    assert.equal(dev.unchanged, 51);
  });

  it("lists every step but the sames, in the order Pulumi printed them", () => {
    const prod = summaryOf("prod-risky.json");
    assert.deepEqual(
      prod.changes.map((change) => `${change.op} ${change.name}`),
      [
        "replace database-server",
        "create database-db-offer_letters",
        "update registry-registry",
        "delete secrets-vault",
      ],
    );
    const registry = prod.changes.find((change) => change.op === "update");
    assert.deepEqual(registry?.properties, [
      { path: "adminUserEnabled", kind: "update", forcesReplacement: false },
    ]);
  });

  it("calls out the server replacement with the property that forces it", () => {
    const replacement = summaryOf("prod-risky.json").removals.find((r) => r.urn === PROD_SERVER);
    assert.ok(replacement);
    assert.equal(replacement.action, "replace");
    assert.equal(replacement.type, "azure-native:dbforpostgresql:Server");
    assert.deepEqual(replacement.causes, [
      { path: "serverName", kind: "update-replace", forcesReplacement: true },
    ]);
  });

  it("takes the causes from replaceReasons when the diff has no -replace kind for them", () => {
    const state = { urn: DEV_SERVER, custom: true, type: "azure-native:dbforpostgresql:Server" };
    const digest = parsePreview(
      JSON.stringify({
        steps: [
          {
            op: "replace",
            urn: DEV_SERVER,
            oldState: state,
            newState: state,
            diffReasons: ["network", "tags"],
            replaceReasons: ["network", "location"],
            detailedDiff: {
              "network.delegatedSubnetResourceId": { kind: "update", inputDiff: true },
              "tags.owner": { kind: "update", inputDiff: true },
            },
          },
        ],
      }),
    );
    const [replacement] = summarise(digest).removals;
    assert.deepEqual(replacement?.causes, [
      { path: "network.delegatedSubnetResourceId", kind: "update", forcesReplacement: true },
      { path: "location", forcesReplacement: true },
    ]);
  });

  it("flags the deletion of the protected Key Vault as stateful and protected", () => {
    const deletion = summaryOf("prod-risky.json").removals.find((r) => r.urn === PROD_VAULT);
    assert.ok(deletion);
    assert.equal(deletion.action, "delete");
    assert.equal(deletion.protected, true);
    assert.equal(deletion.stateful, true);
  });

  it("flags stateful types without protection (dev) and leaves other types unflagged", () => {
    const dev = summaryOf("dev-replace.json");
    const server = dev.removals.find((r) => r.urn === DEV_SERVER);
    assert.equal(server?.stateful, true);
    assert.equal(server.protected, false);
    const nsg = dev.changes.find((change) => change.name === "network-nsg-database");
    assert.equal(nsg?.stateful, false);
    assert.equal(nsg.protected, false);
  });

  it("merges the create-replacement / replace / delete-replaced steps into one replacement", () => {
    const dev = summaryOf("dev-replace.json");
    assert.deepEqual(
      dev.removals.map((r) => [r.action, r.name, r.ops.join(",")]),
      [
        ["replace", "database-server", "create-replacement,replace,delete-replaced"],
        ["delete", "database-db-interview_scheduler", "delete"],
      ],
    );
    assert.deepEqual(
      dev.removals[0]?.causes.map((cause) => cause.path),
      ["serverName"],
    );
  });

  it("lists errors and warnings without Pulumi's prefix, and skips info messages", () => {
    const prod = summaryOf("prod-risky.json");
    assert.deepEqual(
      prod.diagnostics.map((d) => [d.severity, d.urn, d.message.split("\n")[0]]),
      [
        ["error", PROD_SERVER, `unable to replace resource "${PROD_SERVER}"`],
        ["error", PROD_VAULT, `Preview failed: resource "${PROD_VAULT}" cannot be deleted`],
        ["error", undefined, "preview failed"],
      ],
    );
    const digest = parsePreview(
      JSON.stringify({
        steps: [],
        diagnostics: [
          { message: "Creating offer_letters\n", severity: "info" },
          { message: "warning: plugin mismatch\n", severity: "warning" },
        ],
      }),
    );
    assert.deepEqual(summarise(digest).diagnostics, [
      { severity: "warning", message: "plugin mismatch" },
    ]);
  });

  it("lists policy violations from the engine event log, colour directives removed", () => {
    const prod = summaryOf("prod-risky.json", "prod-risky.events.jsonl");
    assert.equal(prod.policyEventsRead, true);
    assert.deepEqual(
      prod.policyViolations.map((v) => [v.enforcementLevel, v.policyName, v.policyPack]),
      [["mandatory", "acr-admin-user-disabled", "hiring-infra-baseline"]],
    );
    assert.match(
      prod.policyViolations[0]?.message ?? "",
      /^Container registries have the admin user disabled: .*\nThe admin user is enabled \(adminUserEnabled is true\)\. Fix: /,
    );
    assert.doesNotMatch(prod.policyViolations[0]?.message ?? "", /<\{%/);
    assert.equal(summaryOf("prod-risky.json").policyEventsRead, false);
  });

  it("notes a resource whose protection is turned off", () => {
    const digest = parsePreview(read("prod-risky.json"));
    const registryStep = digest.steps?.find((step) => step.op === "update");
    assert.ok(registryStep?.newState);
    registryStep.newState.protect = false;
    const summary = summarise(digest);
    assert.deepEqual(
      summary.protectionChanges.map((change) => [change.name, change.protect]),
      [["registry-registry", false]],
    );
  });
});

describe("preview summariser: the gate", () => {
  it("passes a clean preview with 0", () => {
    const verdict = gate(summaryOf("dev-clean.json"), { allow: [] });
    assert.equal(verdict.code, EXIT_CODES.ok);
    assert.deepEqual(verdict.reasons, []);
  });

  it("blocks a stateful replacement or deletion with 3", () => {
    const verdict = gate(summaryOf("dev-replace.json"), { allow: [] });
    assert.equal(verdict.code, EXIT_CODES.statefulChange);
    assert.deepEqual(
      verdict.blocked.map((r) => r.name),
      ["database-server", "database-db-interview_scheduler"],
    );
  });

  it("allows exactly the resources named by URN, logical name or type", () => {
    const dev = summaryOf("dev-replace.json");
    const serverOnly = gate(dev, { allow: [DEV_SERVER] });
    assert.equal(
      serverOnly.code,
      EXIT_CODES.statefulChange,
      "the database deletion is still blocked",
    );
    assert.deepEqual(
      serverOnly.allowed.map((r) => r.name),
      ["database-server"],
    );
    assert.deepEqual(
      serverOnly.blocked.map((r) => r.name),
      ["database-db-interview_scheduler"],
    );

    assert.equal(
      gate(dev, { allow: [DEV_SERVER, "database-db-interview_scheduler"] }).code,
      EXIT_CODES.ok,
    );
    assert.equal(
      gate(dev, {
        allow: ["azure-native:dbforpostgresql:Server", "azure-native:dbforpostgresql:Database"],
      }).code,
      EXIT_CODES.ok,
    );
    const typo = gate(dev, { allow: ["database-servr"] });
    assert.equal(typo.code, EXIT_CODES.statefulChange);
    assert.deepEqual(typo.unusedAllowances, ["database-servr"]);
  });

  it("fails a preview with errors with 4, even when every removal is allowed", () => {
    const prod = summaryOf("prod-risky.json");
    assert.equal(gate(prod, { allow: [] }).code, EXIT_CODES.previewFailed);
    assert.equal(gate(prod, { allow: [PROD_SERVER, PROD_VAULT] }).code, EXIT_CODES.previewFailed);
  });

  it("fails on a mandatory policy violation with 4, and not on an advisory one", () => {
    const events = parseEventLog(read("prod-risky.events.jsonl")).policyEvents;
    const clean = parsePreview(read("dev-clean.json"));
    assert.equal(gate(summarise(clean, events), { allow: [] }).code, EXIT_CODES.previewFailed);
    const advisory = events.map((event) => ({ ...event, enforcementLevel: "advisory" as const }));
    assert.equal(gate(summarise(clean, advisory), { allow: [] }).code, EXIT_CODES.ok);
  });
});

describe("preview summariser: rejecting what is not a preview", () => {
  it("names the step and the unknown operation", () => {
    const text = JSON.stringify({
      steps: [{ op: "explode", urn: DEV_SERVER, detailedDiff: null }],
    });
    assert.throws(
      () => parsePreview(text, "bad.json"),
      (error: unknown) =>
        error instanceof PreviewFormatError &&
        /^bad\.json: steps\[0\]\.op: unknown operation "explode"/.test(error.message),
    );
  });

  it("names the detailedDiff entry with an unknown kind", () => {
    const text = JSON.stringify({
      steps: [
        {
          op: "update",
          urn: DEV_SERVER,
          detailedDiff: { "sku.name": { kind: "mutate", inputDiff: false } },
        },
      ],
    });
    assert.throws(
      () => parsePreview(text, "bad.json"),
      /bad\.json: steps\[0\]\.detailedDiff\["sku\.name"\]\.kind: unknown diff kind "mutate"/,
    );
  });

  it("rejects JSON that is not a preview digest, and says what it looks like", () => {
    assert.throws(
      () => parsePreview("{}", "x.json"),
      /x\.json: \(top level\): expected `pulumi preview --json` output/,
    );
    assert.throws(
      () => parsePreview("[]", "x.json"),
      /x\.json: \(top level\): Invalid input: expected object/,
    );
    assert.throws(
      () =>
        parsePreview(
          readFileSync(path.join(__dirname, "../../plans/dev.json"), "utf8"),
          "plans/dev.json",
        ),
      /this is an offline plan/,
    );
    assert.throws(
      () => parsePreview(read("prod-risky.events.jsonl"), "events.jsonl"),
      /not valid JSON: .*looks like an engine event stream/,
    );
    assert.throws(() => parsePreview("  \n", "empty.json"), /empty\.json: empty input/);
  });

  it("refuses an event log of another stack or project, or of an update, naming both files", async () => {
    const otherStack = tempFile(
      "dev.events.jsonl",
      read("prod-risky.events.jsonl").replaceAll("urn:pulumi:prod::", "urn:pulumi:dev::"),
    );
    const wrongStack = await runSummaryCli([fixture("prod-risky.json"), "--events", otherStack]);
    assert.equal(wrongStack.code, EXIT_CODES.unreadableInput);
    assert.match(
      wrongStack.err,
      /dev\.events\.jsonl: this event log is of `hiring-infra\/dev`, but .*prod-risky\.json previews `hiring-infra\/prod`/,
    );
    assert.equal(wrongStack.out, "", "no report is written from a mismatched log");

    const otherProject = tempFile(
      "other.events.jsonl",
      read("prod-risky.events.jsonl").replaceAll("::hiring-infra::", "::payroll::"),
    );
    assert.match(
      (await runSummaryCli([fixture("prod-risky.json"), "--events", otherProject])).err,
      /this event log is of `payroll\/prod`/,
    );

    // The engine's summary event says whether the run was a preview (`summaryEvent` in
    // pulumi/pulumi@v3.259.0:pkg/engine/events.go, `IsPreview` in sdk/go/common/apitype/events.go).
    const update = tempFile(
      "up.events.jsonl",
      read("prod-risky.events.jsonl").replace('"isPreview":true', '"isPreview":false'),
    );
    const fromUpdate = await runSummaryCli([fixture("prod-risky.json"), "--events", update]);
    assert.equal(fromUpdate.code, EXIT_CODES.unreadableInput);
    assert.match(
      fromUpdate.err,
      /up\.events\.jsonl: this event log is of an update \(summaryEvent\.isPreview is false\)/,
    );
    assert.equal(parseEventLog(read("prod-risky.events.jsonl")).isPreview, true);
  });

  it("names the line of a malformed event log", () => {
    const text = read("prod-risky.events.jsonl").replace(
      '"enforcementLevel":"mandatory"',
      '"enforcementLevel":"loud"',
    );
    assert.throws(
      () => parseEventLog(text, "events.jsonl"),
      /: events\.jsonl:2: policyEvent\.enforcementLevel: unknown enforcement level "loud"/,
    );
    assert.throws(() => parseEventLog("{\n", "events.jsonl"), /: events\.jsonl:1: not valid JSON/);
  });
});

describe("preview summariser: Markdown", () => {
  it("has the headline, counts, changes, removals, diagnostics and policy sections", async () => {
    const markdown = await renderMarkdown(summaryOf("prod-risky.json", "prod-risky.events.jsonl"));
    assert.match(
      markdown,
      /^### Pulumi preview for `hiring-infra\/prod`: 1 to create, 1 to update, 1 to replace, 1 to delete, 57 unchanged\n/,
    );
    for (const heading of [
      "Operations",
      "Changes",
      "Replacements and deletions",
      "Diagnostics",
      "Policy violations",
    ]) {
      assert.match(markdown, new RegExp(`^#### ${heading}$`, "m"));
    }
    assert.deepEqual(tableRows(section(markdown, "Operations")), [
      "| create    |         1 |",
      "| update    |         1 |",
      "| replace   |         1 |",
      "| delete    |         1 |",
      "| unchanged |        57 |",
    ]);
  });

  it("has a row in the changes table for every step but the sames", async () => {
    const markdown = await renderMarkdown(summaryOf("dev-replace.json"));
    const rows = tableRows(section(markdown, "Changes"));
    assert.equal(rows.length, 5);
    assert.match(
      rows[0] ?? "",
      /^\| update +\| `network-nsg-database` .*`securityRules\[0\]\.sourceAddressPrefix` \(update\)/,
    );
    assert.match(
      rows[2] ?? "",
      /^\| replace +\| `database-server` .*`serverName` \(update-replace\) .*\| stateful +\|$/,
    );
    assert.match(rows[4] ?? "", /^\| delete-replaced +\| `database-server` /);
    assert.doesNotMatch(
      section(markdown, "Changes"),
      /hiring-infra-dev/,
      "the stack's same step is left out",
    );
  });

  it("puts a CAUTION callout first when a stateful or protected resource is at risk", async () => {
    const markdown = await renderMarkdown(summaryOf("prod-risky.json"));
    const caution = markdown.slice(markdown.indexOf("> [!CAUTION]"));
    assert.ok(markdown.indexOf("> [!CAUTION]") < markdown.indexOf("#### Operations"));
    assert.match(
      caution,
      /^> - \*\*replace\*\* `database-server` \(`azure-native:dbforpostgresql:Server`\): stateful, protected; forced by `serverName`$/m,
    );
    assert.match(
      caution,
      /^> - \*\*delete\*\* `secrets-vault` \(`azure-native:keyvault:Vault`\): stateful, protected$/m,
    );
    assert.match(markdown, /^> \[!WARNING\]\n> The preview reported 3 errors;/m);
    assert.doesNotMatch(await renderMarkdown(summaryOf("dev-clean.json")), /\[!CAUTION\]/);
  });

  it("lists each replacement and deletion with its URN and the properties that cause it", async () => {
    const removals = section(
      await renderMarkdown(summaryOf("prod-risky.json")),
      "Replacements and deletions",
    );
    assert.ok(
      removals.includes(
        `  - URN: \`${PROD_SERVER}\`\n  - forced by: \`serverName\` (update-replace)`,
      ),
    );
    assert.ok(
      removals.includes(`  - URN: \`${PROD_VAULT}\`\n  - no longer declared by the program`),
    );
    assert.match(
      section(await renderMarkdown(summaryOf("dev-clean.json")), "Replacements and deletions"),
      /_None\._/,
    );
  });

  it("lists diagnostics and policy violations, or says the policy results are missing", async () => {
    const withEvents = await renderMarkdown(
      summaryOf("prod-risky.json", "prod-risky.events.jsonl"),
    );
    const diagnostics = tableRows(section(withEvents, "Diagnostics"));
    assert.equal(diagnostics.length, 3);
    assert.match(
      diagnostics[1] ?? "",
      /^\| error +\| `secrets-vault` +\| Preview failed: .*cannot be deleted<br>because it is protected/,
    );
    const policies = tableRows(section(withEvents, "Policy violations"));
    assert.match(
      policies[0] ?? "",
      /^\| mandatory +\| +\| `acr-admin-user-disabled` \(hiring-infra-baseline@0\.1\.0\) +\| `registry-registry` /,
    );
    const withoutEvents = await renderMarkdown(summaryOf("prod-risky.json"));
    assert.match(
      section(withoutEvents, "Policy violations"),
      /_Not available: `pulumi preview --json` leaves policy violations out/,
    );
  });
});

describe("preview summariser: the command", () => {
  it("exits 0 for a clean preview and writes the summary to stdout", async () => {
    const { code, out, err } = await runSummaryCli([fixture("dev-clean.json")]);
    assert.equal(code, 0);
    assert.match(
      out,
      /^### Pulumi preview for `hiring-infra\/dev`: 1 to create, 53 unchanged\n\n\*\*Gate: passed\*\* \(exit 0\)/,
    );
    assert.match(err, /preview-summary: exit 0\n$/);
  });

  it("exits 3 for a stateful replacement, and --allow-replace turns that into 0 for exactly those resources", async () => {
    const blocked = await runSummaryCli([fixture("dev-replace.json")]);
    assert.equal(blocked.code, 3);
    assert.match(blocked.out, /\*\*Gate: blocked\*\* \(exit 3\)/);
    assert.match(
      blocked.err,
      /^not allowed: replace azure-native:dbforpostgresql:Server database-server \(stateful\), forced by serverName$/m,
    );

    const serverOnly = await runSummaryCli([
      fixture("dev-replace.json"),
      "--allow-replace",
      DEV_SERVER,
    ]);
    assert.equal(serverOnly.code, 3);
    assert.match(serverOnly.err, /^allowed: replace .* database-server/m);
    assert.match(serverOnly.err, /^not allowed: delete .* database-db-interview_scheduler/m);
    assert.match(serverOnly.out, /forced by `serverName` — allowed by `--allow-replace`/);

    const both = await runSummaryCli([
      fixture("dev-replace.json"),
      "--allow-replace",
      DEV_SERVER,
      "--allow-replace",
      "database-db-interview_scheduler",
    ]);
    assert.equal(both.code, 0);
    assert.match(
      both.out,
      /\*\*Gate: passed\*\* \(exit 0\); allowed by `--allow-replace`: `database-server`, `database-db-interview_scheduler`/,
    );
  });

  it("warns about an --allow-replace entry that matches nothing", async () => {
    const { code, err } = await runSummaryCli([
      fixture("dev-replace.json"),
      "--allow-replace",
      "secrets-vault",
    ]);
    assert.equal(code, 3);
    assert.match(
      err,
      /^warning: --allow-replace secrets-vault matches no stateful or protected change$/m,
    );
  });

  it("exits 4 for a preview with errors and a mandatory policy violation", async () => {
    const { code, out, err } = await runSummaryCli([
      fixture("prod-risky.json"),
      "--events",
      fixture("prod-risky.events.jsonl"),
      "--allow-replace",
      PROD_SERVER,
      "--allow-replace",
      PROD_VAULT,
    ]);
    assert.equal(code, 4);
    assert.match(
      out,
      /\*\*Gate: failed\*\* \(exit 4\): the preview reported 3 errors; 1 mandatory policy violation\./,
    );
    assert.match(err, /^1 mandatory policy violation$/m);
  });

  it("reads stdin for - and writes --out", async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), "preview-summary-")), "summary.md");
    const result = await runSummaryCli(["-", "--out", out], read("dev-replace.json"));
    assert.equal(result.code, 3);
    assert.equal(result.out, "");
    assert.match(readFileSync(out, "utf8"), /^### Pulumi preview for `hiring-infra\/dev`/);
  });

  it("exits 2 with a message naming the problem for malformed or missing input", async () => {
    const broken = tempFile("broken.json", '{"steps": [');
    const notJson = await runSummaryCli([broken]);
    assert.equal(notJson.code, 2);
    assert.match(
      notJson.err,
      new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: not valid JSON: `),
    );
    assert.equal(notJson.out, "");

    const badStep = tempFile(
      "bad-step.json",
      JSON.stringify({ steps: [{ op: "update", urn: DEV_SERVER, oldState: { urn: DEV_SERVER } }] }),
    );
    const invalid = await runSummaryCli([badStep]);
    assert.equal(invalid.code, 2);
    assert.match(
      invalid.err,
      /bad-step\.json: steps\[0\]\.oldState\.type: Invalid input: expected string, received undefined/,
    );

    const fromStdin = await runSummaryCli(["-"], "not json");
    assert.equal(fromStdin.code, 2);
    assert.match(fromStdin.err, /^stdin: not valid JSON: /);

    const missing = await runSummaryCli([path.join(FIXTURES, "missing.json")]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /^cannot read .*missing\.json: ENOENT/);

    const badEvents = await runSummaryCli([fixture("dev-clean.json"), "--events", broken]);
    assert.equal(badEvents.code, 2);
    assert.match(badEvents.err, /broken\.json:1: not valid JSON/);
  });

  it("exits 2 with usage for bad arguments", async () => {
    for (const argv of [[], ["a.json", "b.json"], [fixture("dev-clean.json"), "--frobnicate"]]) {
      const { code, err } = await runSummaryCli(argv);
      assert.equal(code, 2, argv.join(" "));
      assert.match(err, /Usage:\n {2}npm run preview-summary -- /);
    }
  });
});

describe("preview summariser: what real previews also contain (pulumi/pulumi@v3.259.0)", () => {
  const RG = "urn:pulumi:dev::hiring-infra::azure-native:resources:ResourceGroup::resource-group";
  const PASSWORD =
    "urn:pulumi:dev::hiring-infra::hiring:data:Database$random:index/randomPassword:RandomPassword::database-admin-password";
  const rgState = (tags: Record<string, string>) => ({
    urn: RG,
    custom: true,
    type: "azure-native:resources:ResourceGroup",
    inputs: { location: "westeurope", tags },
    outputs: { location: "westeurope", name: "rg-hire-dev", tags },
  });

  it("neither lists nor counts refresh steps and reads that changed nothing, as changeSummary does not", async () => {
    // `preview --refresh` shows one `refresh` step per resource (`Logical()` is false, so
    // previewActions.OnResourceStepPost never counts it); a `read` counts only when the outputs it
    // read differ from the state's (`shouldRecordReadStep`, pkg/engine/update.go).
    const digest = parsePreview(read("dev-clean.json"));
    const tags = { owner: "platform-team" };
    digest.steps = [
      {
        op: "refresh",
        urn: RG,
        oldState: rgState(tags),
        newState: rgState(tags),
        detailedDiff: null,
      },
      { op: "read", urn: RG, oldState: rgState(tags), newState: rgState(tags), detailedDiff: null },
      ...(digest.steps ?? []),
    ];
    const summary = summarise(digest);
    assert.deepEqual(summary.counts, { same: 1, create: 1 });
    assert.deepEqual(
      summary.changes.map((change) => change.op),
      ["create"],
    );
    assert.doesNotMatch(section(await renderMarkdown(summary), "Changes"), /refresh|read/);

    const changedRead = parsePreview(read("dev-clean.json"));
    changedRead.steps = [
      {
        op: "read",
        urn: RG,
        oldState: rgState(tags),
        newState: rgState({ owner: "someone" }),
        detailedDiff: null,
      },
    ];
    assert.deepEqual(summarise(changedRead).counts, { read: 1 });
  });

  it("strips ANSI escapes from diagnostics, which the --json path passes through", async () => {
    const digest = parsePreview(
      JSON.stringify({
        steps: [],
        diagnostics: [
          {
            urn: RG,
            message: "warning: \u001b[33mAPI version 2021-01-01 is deprecated\u001b[0m\n",
            severity: "warning",
          },
        ],
      }),
    );
    const summary = summarise(digest);
    assert.deepEqual(
      summary.diagnostics.map((d) => d.message),
      ["API version 2021-01-01 is deprecated"],
    );
    const markdown = await renderMarkdown(summary);
    assert.ok(
      !markdown.includes("\u001b") && !markdown.includes("[33m"),
      "no escape reaches the report",
    );
  });

  it("does not gate a stateful deletion whose state has retainOnDelete: Pulumi leaves it in the cloud", async () => {
    // DeleteStep.Apply does nothing for `s.old.RetainOnDelete` (pkg/resource/deploy/step.go).
    const digest = parsePreview(read("dev-replace.json"));
    const deletion = digest.steps?.find((step) => step.op === "delete");
    assert.ok(deletion?.oldState);
    deletion.oldState.retainOnDelete = true;
    const summary = summarise(digest);
    const removal = summary.removals.find((r) => r.action === "delete");
    assert.equal(removal?.retained, true);
    const verdict = gate(summary, { allow: [DEV_SERVER] });
    assert.equal(verdict.code, EXIT_CODES.ok);
    const markdown = await renderMarkdown(summary);
    assert.doesNotMatch(
      markdown,
      /^> - \*\*delete\*\*/m,
      "no CAUTION line for the retained deletion",
    );
    assert.match(
      section(markdown, "Replacements and deletions"),
      /`retainOnDelete`: Pulumi leaves it in the cloud/,
    );
    // Without the flag the same deletion is still blocked.
    assert.equal(
      gate(summaryOf("dev-replace.json"), { allow: [DEV_SERVER] }).code,
      EXIT_CODES.statefulChange,
    );
  });

  it("names the changed inputs, not computed outputs, when the step has no detailedDiff", () => {
    // A provider without structured diffs leaves `detailedDiff` null (`PreviewStep` has no
    // omitempty on it, pkg/display/json.go) and its changed keys can be outputs such as `result`.
    const state = (length: number) => ({
      urn: PASSWORD,
      custom: true,
      type: "random:index/randomPassword:RandomPassword",
      inputs: { length, special: true },
      outputs: { length, special: true, result: "[secret]", bcryptHash: "[secret]" },
    });
    const digest = parsePreview(
      JSON.stringify({
        steps: [
          {
            op: "replace",
            urn: PASSWORD,
            oldState: state(24),
            newState: { ...state(32), outputs: undefined },
            diffReasons: ["bcryptHash", "length", "result"],
            replaceReasons: ["length"],
            detailedDiff: null,
          },
        ],
      }),
    );
    const [change] = summarise(digest).changes;
    assert.deepEqual(change?.properties, [
      { path: "length", kind: "update", forcesReplacement: true },
    ]);
  });

  it("reports each policy violation's severity", async () => {
    const line = read("prod-risky.events.jsonl")
      .split("\n")
      .find((l) => l.includes("policyEvent"));
    assert.ok(line);
    const withSeverity = line.replace(
      '"enforcementLevel":"mandatory"',
      '"enforcementLevel":"mandatory","severity":"high"',
    );
    const [violation] = parseEventLog(withSeverity).policyEvents;
    const summary = summarise(parsePreview(read("prod-risky.json")), violation ? [violation] : []);
    assert.equal(summary.policyViolations[0]?.severity, "high");
    assert.match(
      tableRows(section(await renderMarkdown(summary), "Policy violations"))[0] ?? "",
      /^\| mandatory +\| high +\| `acr-admin-user-disabled`/,
    );
    assert.throws(
      () =>
        parseEventLog(
          line.replace(
            '"enforcementLevel":"mandatory"',
            '"enforcementLevel":"mandatory","severity":"dire"',
          ),
        ),
      /policyEvent\.severity: unknown severity "dire"/,
    );
  });

  it("cites Pulumi's source at a pinned tag, at paths that exist there", () => {
    const readme = readFileSync(path.join(FIXTURES, "README.md"), "utf8");
    assert.match(readme, /pulumi\/pulumi@v3\.259\.0/);
    // The digest struct lives in pkg/display/json.go at v3.259.0; sdk/pkg/display does not exist.
    assert.doesNotMatch(readme, /sdk\/pkg\/display/);
    assert.match(readme, /`PreviewDigest`[^.]*`pkg\/display\/json\.go`/);
  });
});
