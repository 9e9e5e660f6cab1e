import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { stackLockName } from "../../infra/cicd/jcasc";
import { main } from "../../tools/preview-summary/cli";
import { EXIT_CODES } from "../../tools/preview-summary/gate";
import { REPO_ROOT } from "../../tools/offline/run-stack";
import { groovySkip, parseGroovy } from "./groovy";

const DRIFT_JOB = path.join(REPO_ROOT, "Jenkinsfile.drift");
const job = readFileSync(DRIFT_JOB, "utf8");
/** The pipeline without its `//` comment lines, which name what the job must never do. */
const code = job
  .split("\n")
  .filter((line) => !line.trimStart().startsWith("//"))
  .join("\n");

/** The stacks of the matrix's STACK axis. */
function stacks(): string[] {
  const axis = /axis \{\s*name 'STACK'\s*values ([^\n]+)\n/.exec(code);
  assert.ok(axis?.[1], "a STACK axis");
  return [...axis[1].matchAll(/'([^']+)'/g)].map((match) => match[1] ?? "");
}

/** Every `agent` directive, as written. */
function agents(): string[] {
  return [...code.matchAll(/^\s*agent (.+)$/gm)].map((match) => match[1] ?? "");
}

/** The shell commands the pipeline runs, with `${STACK}` set to `stack`. */
function commands(stack: string): string[] {
  const scripts = [
    ...code.matchAll(/\bsh\s*\(?\s*(?:returnStatus: true, script: )?(["'])(.+?)\1/g),
  ].map((match) => match[2] ?? "");
  return scripts.map((script) => script.replaceAll("${STACK}", stack));
}

describe("Jenkinsfile.drift (nightly drift report)", () => {
  it(
    "parses with a real Groovy parser, which rejects a broken copy",
    { skip: groovySkip() },
    () => {
      const broken = path.join(mkdtempSync(path.join(tmpdir(), "drift-job-")), "Jenkinsfile.drift");
      writeFileSync(broken, job.replace("matrix {", "matrix {{"));
      const verdicts = parseGroovy([DRIFT_JOB, broken]);
      assert.equal(verdicts.get(DRIFT_JOB), "ok", verdicts.get(DRIFT_JOB));
      assert.notEqual(verdicts.get(broken), "ok", "the check must be able to fail");
    },
  );

  it("runs once per stack, dev and prod, each on that stack's read-only preview agent", () => {
    assert.deepEqual(stacks(), ["dev", "prod"]);
    assert.deepEqual(agents(), [
      "none",
      `{ kubernetes { inheritFrom "pulumi-preview-\${STACK}"; defaultContainer 'pulumi' } }`,
    ]);
    // The matrix interpolates the axis into the template name, as pipeline-model-definition's
    // matrixStageDirectives.groovy test does with `label "${OS_VALUE}-agent"`.
    const templates = stacks().map((stack) =>
      (/inheritFrom "([^"]+)"/.exec(code)?.[1] ?? "").replaceAll("${STACK}", stack),
    );
    assert.deepEqual(templates, ["pulumi-preview-dev", "pulumi-preview-prod"]);
  });

  it("only ever uses the read-only identity: no deploy template, no pulumi up, no state write", () => {
    assert.doesNotMatch(code, /pulumi-deploy/);
    assert.doesNotMatch(code, /withCredentials|credentials\(/, "no identity but the agent's own");
    for (const stack of stacks()) {
      const pulumi = commands(stack).filter((command) => /^pulumi\b/.test(command));
      assert.deepEqual(pulumi, [
        `pulumi refresh --stack ${stack} --preview-only --json > reports/drift-${stack}.json`,
      ]);
      for (const command of commands(stack)) {
        assert.doesNotMatch(
          command,
          /pulumi (up|destroy|import|state|cancel|stack rm)\b|--yes|--skip-preview/,
        );
      }
    }
    // Every Pulumi invocation anywhere in the code is a preview-only refresh.
    for (const match of code.matchAll(/\bpulumi (\w+)[^\n"]*/g)) {
      assert.equal(match[1], "refresh", match[0]);
      assert.match(match[0], /--preview-only/, match[0]);
    }
  });

  it("summarises the refresh JSON with the drift report it archives", () => {
    for (const stack of stacks()) {
      assert.ok(
        commands(stack).includes(
          `npm run --silent preview-summary -- --drift reports/drift-${stack}.json --out reports/drift-${stack}.md`,
        ),
      );
    }
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    assert.equal(pkg.scripts["preview-summary"], "tsx tools/preview-summary/cli.ts");
    assert.match(
      code,
      /post \{\s*always \{ archiveArtifacts artifacts: "reports\/drift-\$\{STACK\}\.\*", allowEmptyArchive: true \}/,
    );
  });

  it("goes UNSTABLE on the summariser's drift exit code and fails on any other non-zero", async () => {
    // The literal in the pipeline is the summariser's drift code, and the summariser gives it on
    // the drift fixture.
    assert.match(code, new RegExp(`if \\(code == ${EXIT_CODES.drift}\\) \\{\\s*unstable "`));
    assert.match(code, /\} else if \(code != 0\) \{\s*error "/);
    const fixture = path.join(REPO_ROOT, "tests/tools/fixtures/preview/dev-drift.json");
    const exit = await main(["--drift", fixture], {
      out: () => undefined,
      err: () => undefined,
      stdin: () => Promise.resolve(""),
    });
    assert.equal(exit, EXIT_CODES.drift);
  });

  it("is tracked by git (the nightly job reads it from the repository)", () => {
    const tracked = execFileSync("git", ["ls-files", "Jenkinsfile.drift"], {
      cwd: REPO_ROOT,
      encoding: "utf8",
    });
    assert.equal(tracked.trim(), "Jenkinsfile.drift");
  });

  it("refreshes each stack under the lock its deployments hold, so work in flight is not drift", () => {
    // The lock name the one Jenkins declares for the committed repository (Pulumi.prod.yaml).
    const declared = stackLockName("https://github.com/hiring/hiring-infra.git", "${STACK}");
    const locked = new RegExp(
      `lock\\(resource: "${declared.replace(/[$.{}]/g, "\\$&")}"\\) \\{[^]*pulumi refresh`,
    );
    assert.match(code, locked);
  });

  it("keeps each stack's run within a timeout and one build at a time", () => {
    assert.match(code, /options \{ timeout\(time: 60, unit: 'MINUTES'\) \}/);
    assert.match(code, /disableConcurrentBuilds\(\)/);
  });
});
