import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { DEPLOY_CLOUD, DEPLOY_FOLDER, jcascConfig } from "../../infra/cicd";
import { verifyOutputs } from "../../tools/ci/verify-outputs";
import { jenkinsSettings } from "../harness/jenkins";
import { REPO_ROOT } from "../../tools/offline/run-stack";
import { groovySkip, parseGroovy } from "./groovy";

const JENKINSFILE = path.join(REPO_ROOT, "Jenkinsfile");
const jenkinsfile = readFileSync(JENKINSFILE, "utf8");

/** Each stage's text, from its `stage('...')` line to the next stage, keyed by name, in order. */
function stages(): Record<string, string> {
  const found = [...jenkinsfile.matchAll(/^\s+stage\('([^']+)'\) \{$/gm)];
  const result: Record<string, string> = {};
  found.forEach((match, i) => {
    const name = match[1] ?? "";
    result[name] = jenkinsfile.slice(match.index, found[i + 1]?.index ?? jenkinsfile.length);
  });
  return result;
}

/** The text of one stage after its `stage('...') {` line; fails the test when it is missing. */
function stageBody(name: string): string {
  const body = stages()[name];
  assert.ok(body !== undefined, `stage('${name}')`);
  return body.slice(body.indexOf("\n") + 1);
}

describe("Jenkinsfile", () => {
  const skip = groovySkip();

  it("parses with a real Groovy parser, which rejects a broken copy", { skip }, () => {
    const broken = path.join(mkdtempSync(path.join(tmpdir(), "jenkinsfile-")), "Jenkinsfile");
    writeFileSync(broken, jenkinsfile.replace("stages {", "stages {{"));
    const verdicts = parseGroovy([JENKINSFILE, broken]);
    assert.equal(verdicts.get(JENKINSFILE), "ok", verdicts.get(JENKINSFILE));
    assert.notEqual(verdicts.get(broken), "ok", "the check must be able to fail");
    assert.ok(verdicts.has(broken));
  });

  it("sets timestamps, no concurrent builds, a build discarder and a timeout on every agent stage", () => {
    for (const option of [
      "timestamps()",
      "disableConcurrentBuilds()",
      "buildDiscarder(logRotator(",
    ]) {
      assert.ok(jenkinsfile.includes(option), option);
    }
    // A pipeline-wide timeout would also cut the 24-hour approval short.
    const pipelineOptions = jenkinsfile.slice(
      jenkinsfile.indexOf("    options {"),
      jenkinsfile.indexOf("    environment {"),
    );
    assert.doesNotMatch(pipelineOptions, /timeout\(/);
    // 'Preview' only groups the per-stack preview stages, each with its own timeout.
    for (const name of Object.keys(stages()).filter(
      (n) => n !== "Approve prod" && n !== "Preview",
    )) {
      assert.match(stageBody(name), /options \{ timeout\(time: 90, unit: 'MINUTES'\) \}/, name);
    }
  });

  it("tests and diffs the offline plan on every branch and pull request", () => {
    assert.match(jenkinsfile, /sh 'npm ci'\n\s+sh 'npm test'/);
    assert.match(jenkinsfile, /npm run --silent plan -- \$\{stack\} --diff \$\{base\} --markdown/);
  });

  it("previews only trusted pull requests (not from forks) with the preview identity, gated on the summariser", () => {
    const preview = jenkinsfile.slice(
      jenkinsfile.indexOf("stage('Preview')"),
      jenkinsfile.indexOf("stage('Deploy dev')"),
    );
    assert.match(
      preview,
      /when \{\s+beforeAgent true\s+allOf \{ changeRequest\(\); expression \{ env\.CHANGE_FORK == null \} \}\s+\}/,
    );
    // Each stack with its own read-only identity, never a deploy one.
    for (const stack of ["dev", "prod"]) {
      assert.match(
        stageBody(`PR preview ${stack}`),
        new RegExp(
          `inheritFrom 'pulumi-preview-${stack}'[\\s\\S]*previewAndSummarise\\('${stack}', ''\\)`,
        ),
      );
    }
    assert.doesNotMatch(preview, /pulumi-deploy|pulumi up/);
    const summarise = jenkinsfile.slice(
      jenkinsfile.indexOf("def previewAndSummarise"),
      jenkinsfile.indexOf("def applySavedPlan"),
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

  it("runs main through dev, a saved prod plan, an approval and the apply of that plan, in order", () => {
    const names = Object.keys(stages());
    assert.deepEqual(names.slice(names.indexOf("Deploy dev")), [
      "Deploy dev",
      "Preview prod",
      "Approve prod",
      "Deploy prod",
    ]);
    for (const name of ["Deploy dev", "Preview prod", "Approve prod", "Deploy prod"]) {
      assert.match(stageBody(name), /^\s+when \{ beforeAgent true; branch 'main' \}/, name);
    }
    assert.equal((jenkinsfile.match(/branch 'main'/g) ?? []).length, 4);
  });

  it("applies a saved plan, then gates on an empty preview and verifies the outputs, in one function", () => {
    const apply = jenkinsfile.slice(
      jenkinsfile.indexOf("def applySavedPlan"),
      jenkinsfile.indexOf("pipeline {"),
    );
    const steps = [
      /pulumi up --stack \$\{stack\} --plan reports\/\$\{stack\}\.plan\.json --policy-pack policy --policy-pack-config policy\/config\.\$\{stack\}\.json --yes --skip-preview/,
      /pulumi preview --stack \$\{stack\} --expect-no-changes/,
      /pulumi stack output --stack \$\{stack\} --json > reports\/outputs-\$\{stack\}\.json/,
      /npm run --silent verify-outputs -- reports\/outputs-\$\{stack\}\.json/,
    ];
    const positions = steps.map((step) => apply.search(step));
    assert.ok(
      positions.every((at) => at >= 0),
      String(positions),
    );
    assert.deepEqual(
      [...positions].sort((a, b) => a - b),
      positions,
    );
    // Written once: the stages only call the function.
    assert.equal((jenkinsfile.match(/sh "pulumi up /g) ?? []).length, 1);
    assert.equal((jenkinsfile.match(/--expect-no-changes/g) ?? []).length, 1);
  });

  it("previews and applies dev under the dev lock", () => {
    const dev = stageBody("Deploy dev");
    assert.match(dev, /inheritFrom 'pulumi-deploy-dev'/);
    assert.match(
      dev,
      /lock\(resource: 'hiring-infra-dev'\) \{\s+sh 'npm ci'\s+previewAndSummarise\('dev', "--save-plan reports\/dev\.plan\.json"\)\s+applySavedPlan\('dev'\)\s+\}/,
    );
  });

  it("saves the prod plan for the approvers and stashes it for the deploy", () => {
    const preview = stageBody("Preview prod");
    assert.match(preview, /inheritFrom 'pulumi-deploy-prod'/);
    assert.match(
      preview,
      /sh 'npm ci'\s+sh 'mkdir -p reports'\s+previewAndSummarise\('prod', "--save-plan reports\/prod\.plan\.json"\)\s+stash name: 'prod-plan', includes: 'reports\/prod\.plan\.json'/,
    );
    assert.match(preview, /archiveArtifacts artifacts: 'reports\/\*'/);
    assert.doesNotMatch(preview, /pulumi up|applySavedPlan|lock\(/);
  });

  it("lets only PRODUCTION_APPROVERS approve prod, pointing at the preview summary, for 24 hours", () => {
    assert.doesNotMatch(jenkinsfile, /parameters \{/);
    assert.doesNotMatch(jenkinsfile, /PROD_APPROVERS|params\./);
    const approve = stageBody("Approve prod");
    assert.doesNotMatch(approve, /agent /);
    assert.match(
      approve,
      /timeout\(time: 24, unit: 'HOURS'\) \{\s+input message: '[^']*reports\/preview-prod\.md[^']*',\s+ok: 'Deploy', submitter: env\.PRODUCTION_APPROVERS\s+\}/,
    );
    assert.equal((jenkinsfile.match(/submitter:/g) ?? []).length, 1);
  });

  it("deploys prod by applying the unstashed approved plan under the prod lock", () => {
    const deploy = stageBody("Deploy prod");
    assert.match(deploy, /inheritFrom 'pulumi-deploy-prod'/);
    assert.match(
      deploy,
      /lock\(resource: 'hiring-infra-prod'\) \{\s+sh 'npm ci'\s+unstash 'prod-plan'\s+applySavedPlan\('prod'\)\s+\}/,
    );
    // Never a fresh preview: the deploy applies what the approvers saw.
    assert.doesNotMatch(deploy, /previewAndSummarise|--save-plan/);
  });

  it("decides every when before the agent: a skipped stage never starts a pod", () => {
    const whens = [...jenkinsfile.matchAll(/^\s+when \{([^}]*(?:\{[^}]*\}[^}]*)*)\}/gm)];
    assert.equal(whens.length, 5);
    for (const [text, body] of whens) {
      assert.match(body ?? "", /^\s*beforeAgent true\b/, text);
    }
    assert.equal((jenkinsfile.match(/when \{/g) ?? []).length, whens.length);
  });

  it("runs tests and the offline plan on the identity-less agent, and nothing else there", () => {
    const test = stageBody("Test and offline plan");
    assert.doesNotMatch(test, /when /, "every branch and pull request");
    assert.match(test, /inheritFrom 'pulumi-test'/);
    assert.doesNotMatch(test, /pulumi (preview|up)|previewAndSummarise/);
  });

  it("asks for the deploy agent only in main-only stages, and the deploy cloud only lets the deploy folder use it", () => {
    for (const [name, body] of Object.entries(stages())) {
      if (body.includes("inheritFrom 'pulumi-deploy-")) {
        assert.match(body, /when \{ beforeAgent true; branch 'main' \}/, name);
      }
    }
    // The labels the Jenkinsfile asks for are pod templates of the one Jenkins the committed
    // CI stack (prod, with dev as its target) declares.
    const document = jcascConfig(jenkinsSettings({ workloadIdentity: true }));
    const labels = new Set([...jenkinsfile.matchAll(/inheritFrom '([^']+)'/g)].map((m) => m[1]));
    assert.deepEqual([...labels].sort(), [
      "pulumi-deploy-dev",
      "pulumi-deploy-prod",
      "pulumi-preview-dev",
      "pulumi-preview-prod",
      "pulumi-test",
    ]);
    for (const label of labels) {
      assert.ok(document.includes(`label: ${String(label)}\n`), String(label));
    }
    assert.ok(document.includes(`kubernetes { permittedClouds(['${DEPLOY_CLOUD}']) }`));
    assert.ok(document.includes(`multibranchPipelineJob('${DEPLOY_FOLDER}/hiring-infra')`));
  });

  it("keeps Pulumi's server-side apply default on pull request previews", () => {
    // Setting it writes "false" into the provider's inputs, so every PR preview would show a
    // provider update main never performs; a Forbidden dry run already falls back quietly.
    assert.doesNotMatch(jenkinsfile, /PULUMI_K8S_ENABLE_SERVER_SIDE_APPLY/);
  });

  it("preserves stashes so 'Restart from stage: Deploy prod' finds the approved plan", () => {
    assert.match(jenkinsfile, /options \{[^}]*preserveStashes\(buildCount: 5\)/);
    assert.match(stageBody("Deploy prod"), /unstash 'prod-plan'/);
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
