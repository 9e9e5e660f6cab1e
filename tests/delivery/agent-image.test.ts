import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { DockerfileParser, type Dockerfile } from "dockerfile-ast";
import { PULUMI_BASE_IMAGE } from "../../infra/cicd";
import { REPO_ROOT } from "../../tools/offline/run-stack";

const DOCKERFILE = path.join(REPO_ROOT, "ci/agent-image/Dockerfile");

/**
 * kubelogin release pinned for the agents. Its source at this tag is what the preflight and the
 * docs rely on: AAD_LOGIN_METHOD overrides the kubeconfig's `--login`, and workloadidentity reads
 * AZURE_CLIENT_ID / AZURE_TENANT_ID / AZURE_FEDERATED_TOKEN_FILE / AZURE_AUTHORITY_HOST
 * (Azure/kubelogin@v0.2.19:pkg/internal/token/options.go, `UpdateFromEnv`).
 */
const KUBELOGIN_VERSION = "0.2.19";
/**
 * SHA-256 of kubelogin-linux-amd64.zip v0.2.19, as its `.sha256` release asset publishes it
 * (written by `sha256sum` in Azure/kubelogin@v0.2.19:.github/workflows/release.yml). The asset
 * itself cannot be downloaded here; two unrelated public build scripts pin this same value for
 * that URL, and the image build compares the pin with the published file before using it.
 */
const KUBELOGIN_LINUX_AMD64_SHA256 =
  "ebaeff02aa899c5cae6a2b954b64fc02738185319df2570f7dc053451efa4b2f";

function parse(text: string): Dockerfile {
  return DockerfileParser.parse(text);
}

/** `ENV` values by name (later ones win, as in a build). */
function envValues(dockerfile: Dockerfile): Map<string, string> {
  const values = new Map<string, string>();
  for (const env of dockerfile.getENVs()) {
    for (const property of env.getProperties()) {
      values.set(property.getName(), property.getValue() ?? "");
    }
  }
  return values;
}

/** Every `RUN` instruction's shell text, continuation lines joined. */
function runScripts(dockerfile: Dockerfile): string[] {
  return dockerfile
    .getInstructions()
    .filter((instruction) => instruction.getKeyword() === "RUN")
    .map((instruction) => instruction.getArgumentsContent() ?? "");
}

/** The problems a Dockerfile's base image pin has; empty when it is pinned as required. */
function basePinProblems(dockerfile: Dockerfile): string[] {
  const froms = dockerfile.getFROMs();
  const [from] = froms;
  if (froms.length !== 1 || from === undefined) {
    return [`expected one FROM (one stage), found ${String(froms.length)}`];
  }
  const problems: string[] = [];
  const [baseName, baseTag] = PULUMI_BASE_IMAGE.split(":");
  if (from.getImageName() !== baseName || from.getImageTag() !== baseTag) {
    problems.push(`FROM ${String(from.getImage())} is not ${PULUMI_BASE_IMAGE}`);
  }
  const digest = from.getImageDigest();
  if (digest !== null && !/^sha256:[0-9a-f]{64}$/.test(digest)) {
    problems.push(`digest ${digest} is not sha256:<64 hex>`);
  }
  return problems;
}

describe("agent image (ci/agent-image/Dockerfile)", () => {
  const text = readFileSync(DOCKERFILE, "utf8");
  const dockerfile = parse(text);
  const env = envValues(dockerfile);
  const scripts = runScripts(dockerfile);
  const install = scripts.find((script) => script.includes("kubelogin")) ?? "";

  it("builds FROM the pinned Pulumi base image (PULUMI_BASE_IMAGE), by the same tag", () => {
    assert.deepEqual(basePinProblems(dockerfile), []);
  });

  it("pins kubelogin's release and the SHA-256 its release publishes, as ENV a build argument cannot change", () => {
    assert.equal(env.get("KUBELOGIN_VERSION"), KUBELOGIN_VERSION);
    assert.equal(env.get("KUBELOGIN_SHA256"), KUBELOGIN_LINUX_AMD64_SHA256);
    assert.deepEqual(
      dockerfile.getARGs().map((arg) => arg.getProperty()?.getName()),
      [],
      "no ARG may override the pins",
    );
  });

  it("downloads the linux-amd64 release archive and its published checksum file", () => {
    const base = "https://github.com/Azure/kubelogin/releases/download/v${KUBELOGIN_VERSION}";
    assert.ok(install.includes(`base="${base}"`), install);
    assert.match(install, /"\$base\/kubelogin-linux-amd64\.zip"/);
    assert.match(install, /"\$base\/kubelogin-linux-amd64\.zip\.sha256"/);
    assert.match(install, /curl -fsSL/, "curl must fail on an HTTP error, not save the error page");
  });

  it("fails the build unless the published checksum names the pin and the archive matches it", () => {
    assert.match(install, /^set -eu;/, "every step must stop the build when it fails");
    assert.match(install, /if \[ "\$published" != "\$KUBELOGIN_SHA256" \]; then[^]*?exit 1;/);
    assert.match(
      install,
      /echo "\$KUBELOGIN_SHA256 {2}\$work\/kubelogin-linux-amd64\.zip" \| sha256sum -c -/,
    );
    const verify = install.indexOf("sha256sum -c");
    const unpack = install.indexOf("unzip -q");
    assert.ok(verify > 0 && unpack > verify, "the archive is verified before it is unpacked");
  });

  it("installs the binary from the archive's bin/linux_amd64 onto PATH and runs it", () => {
    // The release zips bin/linux_amd64/kubelogin (Azure/kubelogin@v0.2.19 release.yml, Makefile BIN).
    assert.match(
      install,
      /install -m 0755 "\$work\/bin\/linux_amd64\/kubelogin" \/usr\/local\/bin\/kubelogin/,
    );
    assert.match(install, /kubelogin --version$/);
  });

  it("a tag-only FROM on another image, or a malformed digest, is reported", () => {
    assert.deepEqual(basePinProblems(parse("FROM pulumi/pulumi-nodejs:3.200.0\n")), [
      `FROM pulumi/pulumi-nodejs:3.200.0 is not ${PULUMI_BASE_IMAGE}`,
    ]);
    assert.deepEqual(basePinProblems(parse(`FROM ${PULUMI_BASE_IMAGE}@sha256:abc\n`)), [
      "digest sha256:abc is not sha256:<64 hex>",
    ]);
    assert.deepEqual(
      basePinProblems(parse(`FROM ${PULUMI_BASE_IMAGE}@sha256:${"0".repeat(64)}\n`)),
      [],
    );
  });
});
