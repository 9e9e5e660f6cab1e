import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import * as ts from "typescript";

const REPO_ROOT = path.resolve(__dirname, "../..");
const AZURE = "@pulumi/azure-native";

/** Every `.ts` file under `dir` (relative to the repository root), recursively. */
function sources(dir: string): string[] {
  return readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => path.relative(REPO_ROOT, path.join(entry.parentPath, entry.name)));
}

/** The module specifiers a file imports, as TypeScript's own pre-processor reads them. */
function imports(file: string): string[] {
  const text = readFileSync(path.join(REPO_ROOT, file), "utf8");
  return ts.preProcessFile(text, true, true).importedFiles.map((imported) => imported.fileName);
}

/** The azure-native provider modules (`network`, `keyvault`…) the given files load at run time. */
function azureModules(files: readonly string[]): string[] {
  const modules = files
    .flatMap(imports)
    .filter((name) => name.startsWith(`${AZURE}/`))
    .map((name) => name.slice(AZURE.length + 1))
    // `types/input` is imported for types only; it is erased from the emitted JavaScript.
    .filter((name) => !name.startsWith("types/"));
  return [...new Set(modules)].sort();
}

describe("azure-native imports", () => {
  it("no product file imports the package's top level, which loads every service's enums", () => {
    const offenders = ["infra", "stacks", "bootstrap", "tools", "policy"]
      .flatMap(sources)
      .filter((file) => imports(file).includes(AZURE));
    assert.deepEqual(offenders, []);
  });

  it("the bench's SDK floor loads exactly the provider modules the program loads", () => {
    const program = azureModules([...sources("infra"), ...sources("stacks")]);
    assert.ok(program.includes("network"), "the program's imports were not found");
    assert.deepEqual(azureModules(["tools/bench/load-sdk.ts"]), program);
  });
});
