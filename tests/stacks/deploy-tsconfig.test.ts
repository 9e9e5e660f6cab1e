import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { parse as parseYaml } from "yaml";
import { REPO_ROOT } from "../../tools/offline/run-stack";

/** The host's own reader of a tsconfig's compilerOptions (internal to @pulumi/pulumi). */
interface HostTsutils {
  loadTypeScriptCompilerOptions(tsConfigPath: string): Record<string, unknown>;
}

async function hostCompilerOptions(file: string): Promise<Record<string, unknown>> {
  const tsutils = (await import("@pulumi/pulumi/tsutils")) as unknown as HostTsutils;
  return tsutils.loadTypeScriptCompilerOptions(path.join(REPO_ROOT, file));
}

// pulumi/pulumi@v3.248.0: sdk/nodejs/cmd/pulumi-language-nodejs/main.go passes Pulumi.yaml's
// runtime.options.tsconfig as PULUMI_NODEJS_TSCONFIG_PATH; sdk/nodejs/cmd/run/run.ts makes ts-node
// transpile only when that file's compilerOptions say noCheck, and overlays those options on
// its defaults (module nodenext) without resolving "extends".
describe("deploy-time TypeScript", () => {
  const project = parseYaml(readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8")) as {
    runtime: { options: { typescript?: boolean; tsconfig?: string } };
  };
  const deployFile = project.runtime.options.tsconfig ?? "tsconfig.json";

  it("pulumi up transpiles only: the host reads noCheck from Pulumi.yaml's tsconfig", async () => {
    assert.equal(project.runtime.options.typescript, true);
    assert.notEqual(deployFile, "tsconfig.json");
    assert.equal((await hostCompilerOptions(deployFile)).noCheck, true);
  });

  it("npm test still type-checks: tsconfig.json, which tsc and editors use, has no noCheck", async () => {
    assert.equal((await hostCompilerOptions("tsconfig.json")).noCheck, undefined);
    const scripts = (
      JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    assert.equal(scripts.typecheck, "tsc --noEmit -p tsconfig.json");
    // npm test runs its parts side by side (tools/ci/run-scripts.ts); typecheck is one of them.
    assert.match(scripts.test ?? "", /^tsx tools\/ci\/run-scripts\.ts .*\btypecheck\b/);
  });

  it("the deploy config emits the same module system as tsconfig.json", async () => {
    const deploy = await hostCompilerOptions(deployFile);
    const checked = await hostCompilerOptions("tsconfig.json");
    for (const option of ["target", "module", "moduleResolution"]) {
      assert.equal(deploy[option], checked[option], option);
    }
  });
});
