import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import {
  parseStackFile,
  preflightProblems,
  type PreflightInputs,
  SECRETS_PROVIDER_PLACEHOLDER,
} from "../../tools/ci/preflight";
import { REPO_ROOT } from "../../tools/offline/run-stack";

const PROVIDER =
  "azurekeyvault://kv-hire-state-ab12c.vault.azure.net/keys/pulumi-secrets/0123456789abcdef0123456789abcdef";

/** What `kubelogin --version` prints for a release build: cobra's version template around
 * Azure/kubelogin@v0.2.19:version.go `String()`, the tag set by the release's GIT_TAG. */
const KUBELOGIN_0_2_19_VERSION_OUTPUT =
  "kubelogin version \ngit hash: v0.2.19/a9b10fbf8422f0c5b687eb58f26d7995f2fe206d\nGo version: go1.26.4\nBuild time: 2026-06-23T17:26:47Z\nPlatform: linux/amd64\n";

/** A ready Azure deploy agent; each test breaks one thing. */
function ready(overrides: Partial<PreflightInputs> = {}): PreflightInputs {
  return {
    stack: "dev",
    stackFile: { platform: "azure", secretsProvider: PROVIDER, encryptedKey: "ZGF0YWtleQ==" },
    env: {
      AAD_LOGIN_METHOD: "workloadidentity",
      AZURE_CLIENT_ID: "11111111-1111-1111-1111-111111111111",
      AZURE_TENANT_ID: "22222222-2222-2222-2222-222222222222",
      AZURE_FEDERATED_TOKEN_FILE: "/var/run/secrets/azure/tokens/azure-identity-token",
      KUBELOGIN_VERSION: "0.2.19",
    },
    kubelogin: { found: true, output: KUBELOGIN_0_2_19_VERSION_OUTPUT },
    fileExists: () => true,
    ...overrides,
  };
}

describe("deploy preflight (npm run ci:preflight)", () => {
  it("a ready Azure agent passes", () => {
    assert.deepEqual(preflightProblems(ready()), []);
  });

  it("a missing kubelogin fails with the reason and the image to use", () => {
    const [problem, ...rest] = preflightProblems(
      ready({ kubelogin: { found: false, output: "" } }),
    );
    assert.deepEqual(rest, []);
    assert.match(problem ?? "", /^kubelogin is not on PATH: .*ci\/agent-image\/Dockerfile/);
  });

  it("a kubelogin other than the image's pinned version fails", () => {
    const other = KUBELOGIN_0_2_19_VERSION_OUTPUT.replace("v0.2.19", "v0.2.10");
    assert.deepEqual(
      preflightProblems(ready({ kubelogin: { found: true, output: other } })).map((p) =>
        p.slice(0, 51),
      ),
      ["kubelogin on PATH is not the image's pinned v0.2.19"],
    );
  });

  it("without AAD_LOGIN_METHOD, or with a login that waits for a person, it fails", () => {
    const unset = preflightProblems(
      ready({ env: { ...ready().env, AAD_LOGIN_METHOD: undefined } }),
    );
    assert.equal(unset.length, 1);
    assert.match(unset[0] ?? "", /^AAD_LOGIN_METHOD is not set: .*device-code/);
    const interactive = preflightProblems(
      ready({ env: { ...ready().env, AAD_LOGIN_METHOD: "devicecode" } }),
    );
    assert.match(interactive[0] ?? "", /^AAD_LOGIN_METHOD=devicecode waits for a person/);
  });

  it("workload identity without the webhook's variables or token file fails", () => {
    const missing = preflightProblems(
      ready({ env: { AAD_LOGIN_METHOD: "workloadidentity", AZURE_TENANT_ID: "t" } }),
    );
    assert.equal(missing.length, 1);
    assert.match(missing[0] ?? "", /AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE unset/);
    const noFile = preflightProblems(ready({ fileExists: () => false }));
    assert.match(noFile[0] ?? "", /^AZURE_FEDERATED_TOKEN_FILE=.* does not exist$/);
  });

  it("a stack file without a secrets provider, or with the placeholder, fails before any CLI call", () => {
    const none = preflightProblems(
      ready({
        stackFile: { platform: "azure", secretsProvider: undefined, encryptedKey: undefined },
      }),
    );
    assert.equal(none.length, 1);
    assert.match(none[0] ?? "", /^Pulumi\.dev\.yaml has no secretsprovider: .*passphrase/);
    const placeholder = preflightProblems(
      ready({
        stackFile: {
          platform: "azure",
          secretsProvider: SECRETS_PROVIDER_PLACEHOLDER,
          encryptedKey: undefined,
        },
      }),
    );
    assert.equal(placeholder.length, 1);
    assert.match(
      placeholder[0] ?? "",
      /still the placeholder; create the stack with `pulumi stack init dev --secrets-provider/,
    );
  });

  it("a versionless key URL or a missing encryptedkey fails", () => {
    const problems = preflightProblems(
      ready({
        stackFile: {
          platform: "azure",
          secretsProvider:
            "azurekeyvault://kv-hire-state-ab12c.vault.azure.net/keys/pulumi-secrets",
          encryptedKey: undefined,
        },
      }),
    );
    assert.equal(problems.length, 2);
    assert.match(
      problems[0] ?? "",
      /must be azurekeyvault:\/\/<vault>\.vault\.azure\.net\/keys\/<key>\/<version>/,
    );
    assert.match(problems[1] ?? "", /has no encryptedkey: every run would generate a new data key/);
  });

  it("a local stack needs neither kubelogin nor a Key Vault provider", () => {
    assert.deepEqual(
      preflightProblems({
        ...ready({ kubelogin: { found: false, output: "" }, env: {} }),
        stackFile: { platform: "local", secretsProvider: undefined, encryptedKey: undefined },
      }),
      [],
    );
  });

  it("reads platform, secretsprovider and encryptedkey from a stack file", () => {
    const file = parseStackFile(
      `secretsprovider: ${PROVIDER}\nencryptedkey: a2V5\nconfig:\n  hiring-infra:platform: azure\n`,
    );
    assert.deepEqual(file, { platform: "azure", secretsProvider: PROVIDER, encryptedKey: "a2V5" });
  });

  it("as a command: exits 1 naming each problem when kubelogin is absent from PATH, 0 for local", () => {
    const emptyBin = mkdtempSync(path.join(tmpdir(), "preflight-bin-"));
    const run = (stack: string, extraPath: string) =>
      spawnSync(process.execPath, ["--import", "tsx", "tools/ci/preflight.ts", stack], {
        cwd: REPO_ROOT,
        encoding: "utf8",
        env: {
          PATH: `${extraPath}:${path.dirname(process.execPath)}`,
          AAD_LOGIN_METHOD: "workloadidentity",
        },
      });
    const dev = run("dev", emptyBin);
    assert.equal(dev.status, 1, dev.stderr);
    assert.match(
      dev.stderr,
      /^preflight dev: Pulumi\.dev\.yaml: secretsprovider is still the placeholder/m,
    );
    assert.match(dev.stderr, /^preflight dev: kubelogin is not on PATH/m);
    const local = run("local", emptyBin);
    assert.equal(local.status, 0, local.stderr);
    assert.match(local.stdout, /a local stack needs no Azure tooling/);
  });

  it("as a command: runs the kubelogin found on PATH", () => {
    const bin = mkdtempSync(path.join(tmpdir(), "preflight-bin-"));
    const kubelogin = path.join(bin, "kubelogin");
    writeFileSync(kubelogin, `#!/bin/sh\nprintf '%s' '${KUBELOGIN_0_2_19_VERSION_OUTPUT}'\n`);
    chmodSync(kubelogin, 0o755);
    const result = spawnSync(
      process.execPath,
      ["--import", "tsx", "tools/ci/preflight.ts", "prod"],
      {
        cwd: REPO_ROOT,
        encoding: "utf8",
        env: {
          PATH: `${bin}:${path.dirname(process.execPath)}:/bin:/usr/bin`,
          KUBELOGIN_VERSION: "0.2.18",
        },
      },
    );
    assert.equal(result.status, 1);
    assert.match(result.stderr, /kubelogin on PATH is not the image's pinned v0\.2\.18/);
    assert.doesNotMatch(result.stderr, /kubelogin is not on PATH/);
  });

  it("the Jenkinsfile runs it before every preview, so each stack stage fails fast", () => {
    const jenkinsfile = readFileSync(path.join(REPO_ROOT, "Jenkinsfile"), "utf8");
    const start = jenkinsfile.indexOf("def previewAndSummarise(");
    const body = jenkinsfile.slice(start, jenkinsfile.indexOf("\n}\n", start));
    const preflight = body.indexOf('sh "npm run --silent ci:preflight -- ${stack}"');
    assert.ok(start >= 0 && preflight > 0, body);
    assert.ok(preflight < body.indexOf("pulumi preview"), "the preflight runs before the preview");
  });

  it("usage errors exit 2", () => {
    const result = spawnSync(
      process.execPath,
      ["--import", "tsx", "tools/ci/preflight.ts", "nosuch"],
      {
        cwd: REPO_ROOT,
        encoding: "utf8",
      },
    );
    assert.equal(result.status, 2);
    assert.match(result.stderr, /no Pulumi\.nosuch\.yaml/);
  });
});
