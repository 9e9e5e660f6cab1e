import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { verifyOutputs } from "../../tools/ci/verify-outputs";
import { REPO_ROOT } from "../harness/run-stack";

const JENKINSFILE = path.join(REPO_ROOT, "Jenkinsfile");
const jenkinsfile = readFileSync(JENKINSFILE, "utf8");

function groovyAvailable(): boolean {
  return spawnSync("groovy", ["--version"], { env: groovyEnv() }).status === 0;
}

/** Debian's groovy needs JAVA_HOME; derive it from the java on PATH when unset. */
function groovyEnv(): NodeJS.ProcessEnv {
  if (process.env.JAVA_HOME) {
    return process.env;
  }
  const java = spawnSync("sh", ["-c", "command -v java"], { encoding: "utf8" }).stdout.trim();
  if (!java) {
    return process.env;
  }
  return { ...process.env, JAVA_HOME: path.dirname(path.dirname(realpathSync(java))) };
}

/** Compiles each file with Groovy in one JVM; maps file → "ok" or the compiler's message. */
function parseGroovy(files: readonly string[]): Map<string, string> {
  const result = spawnSync(
    "groovy",
    [path.join(REPO_ROOT, "tests/delivery/parse-groovy.groovy"), ...files],
    { encoding: "utf8", env: groovyEnv() },
  );
  assert.equal(result.status, 0, result.stderr);
  const verdicts = new Map<string, string>();
  for (const line of result.stdout.split("\n")) {
    const match = /^(ok|error) (\S+?)(?::\s(.*))?$/.exec(line);
    if (match?.[2]) {
      verdicts.set(match[2], match[1] === "ok" ? "ok" : (match[3] ?? "error"));
    }
  }
  return verdicts;
}

describe("Jenkinsfile", () => {
  // CI installs Debian's groovy (.ci/run); a developer without it is told, not silently passed.
  const skip = !groovyAvailable() && process.env.CI !== "true" ? "groovy is not installed" : false;

  it("parses with a real Groovy parser, which rejects a broken copy", { skip }, () => {
    const broken = path.join(mkdtempSync(path.join(tmpdir(), "jenkinsfile-")), "Jenkinsfile");
    writeFileSync(broken, jenkinsfile.replace("stages {", "stages {{"));
    const verdicts = parseGroovy([JENKINSFILE, broken]);
    assert.equal(verdicts.get(JENKINSFILE), "ok", verdicts.get(JENKINSFILE));
    assert.notEqual(verdicts.get(broken), "ok", "the check must be able to fail");
    assert.ok(verdicts.has(broken));
  });

  it("sets timestamps, a timeout, no concurrent builds and a build discarder", () => {
    for (const option of [
      "timestamps()",
      "timeout(time:",
      "disableConcurrentBuilds()",
      "buildDiscarder(logRotator(",
    ]) {
      assert.ok(jenkinsfile.includes(option), option);
    }
  });

  it("tests and diffs the offline plan on every branch and pull request", () => {
    assert.match(jenkinsfile, /sh 'npm ci'\n\s+sh 'npm test'/);
    assert.match(jenkinsfile, /npm run --silent plan -- \$\{stack\} --diff \$\{base\} --markdown/);
  });

  it("previews pull requests only with the preview identity and gates on the summariser", () => {
    const preview = jenkinsfile.slice(
      jenkinsfile.indexOf("stage('Preview')"),
      jenkinsfile.indexOf("stage('Deploy dev')"),
    );
    assert.match(preview, /when \{ changeRequest\(\) \}/);
    assert.match(preview, /inheritFrom 'pulumi-preview'/);
    assert.doesNotMatch(preview, /pulumi-deploy|pulumi up/);
    assert.match(preview, /previewAndSummarise\(stack, ''\)/);
    const summarise = jenkinsfile.slice(
      jenkinsfile.indexOf("def previewAndSummarise"),
      jenkinsfile.indexOf("def deployStack"),
    );
    assert.match(
      summarise,
      /returnStatus: true, script: "pulumi preview --stack \$\{stack\} --diff --json --policy-pack policy/,
    );
    assert.match(
      summarise,
      /npm run --silent preview-summary -- reports\/preview-\$\{stack\}\.json --events/,
    );
  });

  it("deploys main to dev, then prod behind an approval, applying the previewed plan under a lock", () => {
    const deploy = jenkinsfile.slice(
      jenkinsfile.indexOf("def deployStack"),
      jenkinsfile.indexOf("pipeline {"),
    );
    assert.match(deploy, /lock\(resource: "hiring-infra-\$\{stack\}"\)/);
    assert.match(
      deploy,
      /previewAndSummarise\(stack, "--save-plan reports\/\$\{stack\}\.plan\.json"\)/,
    );
    assert.match(deploy, /pulumi up --stack \$\{stack\} --plan reports\/\$\{stack\}\.plan\.json/);
    assert.match(deploy, /pulumi preview --stack \$\{stack\} --expect-no-changes/);
    assert.match(deploy, /npm run --silent verify-outputs/);
    const order = ["stage('Deploy dev')", "stage('Approve prod')", "stage('Deploy prod')"].map(
      (s) => jenkinsfile.indexOf(s),
    );
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      order,
    );
    assert.match(
      jenkinsfile,
      /input message: .*submitter: \(params\.PROD_APPROVERS \?: env\.PRODUCTION_APPROVERS\)/,
    );
    assert.equal((jenkinsfile.match(/when \{ branch 'main' \}/g) ?? []).length, 3);
  });

  it("calls only npm scripts that exist", () => {
    const scripts = (
      JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    for (const [, name] of jenkinsfile.matchAll(/npm run (?:--silent )?([\w:-]+)/g)) {
      assert.ok(name && name in scripts, `npm run ${String(name)}`);
    }
  });

  it("holds no credentials: identities come from workload identity", () => {
    assert.doesNotMatch(jenkinsfile, /ARM_CLIENT_SECRET|AZURE_CLIENT_SECRET|password\s*=/i);
    assert.match(jenkinsfile, /ARM_USE_DEFAULT_AZURE_CREDENTIAL = 'true'/);
  });

  it("is tracked by git (Jenkins reads it from the repository)", () => {
    const tracked = execFileSync("git", ["ls-files", "Jenkinsfile"], {
      cwd: REPO_ROOT,
      encoding: "utf8",
    });
    assert.equal(tracked.trim(), "Jenkinsfile");
  });
});

describe("post-deploy output check", () => {
  const good = {
    platform: "azure",
    resourceGroupName: "rg-hire-dev",
    clusterName: "aks-hire-dev",
    oidcIssuerUrl: "https://westeurope.oic.prod-aks.azure.com/tenant/issuer/",
    kubeconfig: "[secret]",
    keyVaultUri: "https://kv-hire-dev-ab12c.vault.azure.net/",
    registryLoginServer: "crhiredevab12c.azurecr.io",
    databaseHost: "psql-hire-dev-ab12c.postgres.database.azure.com",
  };

  it("accepts a complete set of Azure outputs", () => {
    assert.deepEqual(verifyOutputs(good), []);
  });

  it("rejects a kubeconfig printed in clear and a missing output, naming them", () => {
    const problems = verifyOutputs({
      ...good,
      kubeconfig: "apiVersion: v1",
      databaseHost: undefined,
    });
    assert.ok(
      problems.some((p) => p.startsWith("kubeconfig: expected the kubeconfig to be a secret")),
      problems.join("\n"),
    );
    assert.ok(
      problems.some((p) => p.startsWith("databaseHost:")),
      problems.join("\n"),
    );
  });

  it("accepts the local stack's outputs", () => {
    assert.deepEqual(verifyOutputs({ platform: "local" }), []);
  });
});
