import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { ESLint, Linter } from "eslint";
import * as ts from "typescript";
import tseslint from "typescript-eslint";
import { REPO_ROOT } from "../../tools/offline/run-stack";

/** The source folders, lowest layer first (docs/architecture.md#layers). */
const SOURCE_FOLDERS = ["core", "infra", "stacks", "policy", "bootstrap", "tools"] as const;

/** Lints `code` as if it were the file `file` with only the repository's import-direction rule. */
async function layerErrors(file: string, code: string): Promise<string[]> {
  const config = (await new ESLint({ cwd: REPO_ROOT }).calculateConfigForFile(file)) as {
    rules?: Record<string, Linter.RuleEntry>;
  };
  const rule = config.rules?.["no-restricted-imports"];
  assert.ok(rule !== undefined, `${file}: no import-direction rule applies`);
  const messages = new Linter({ configType: "flat" }).verify(
    code,
    [
      {
        files: ["**/*.ts"],
        languageOptions: { parser: tseslint.parser },
        rules: { "no-restricted-imports": rule },
      },
    ],
    { filename: path.join(REPO_ROOT, file) },
  );
  return messages.map((message) => message.message);
}

/** Every `.ts` file the program, the pack, bootstrap and the tools are made of. */
function sourceFiles(): string[] {
  return ts.sys
    .readDirectory(
      REPO_ROOT,
      [".ts"],
      undefined,
      SOURCE_FOLDERS.map((folder) => `${folder}/**/*`),
    )
    .map((file) => path.relative(REPO_ROOT, file));
}

/** The repository files `file` imports (relative imports resolved as Node resolves them). */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(path.join(REPO_ROOT, file), "utf8"));
  return importedFiles
    .map((imported) => imported.fileName)
    .filter((spec) => spec.startsWith("."))
    .flatMap((spec) => {
      const target = path.join(path.dirname(file), spec);
      return [`${target}.ts`, path.join(target, "index.ts"), target].filter(
        (candidate) => candidate.endsWith(".ts") && existsSync(path.join(REPO_ROOT, candidate)),
      );
    })
    .slice(0, 1);
}

describe("layers", () => {
  it("a lower layer importing a higher one fails lint", async () => {
    const cases: [file: string, code: string][] = [
      ["core/example.ts", 'import { Network } from "../infra/network";'],
      ["infra/example.ts", 'import { PROJECT } from "../stacks/config";'],
      ["infra/cicd/example.ts", 'import type { StackPlan } from "../../tools/plan/plan";'],
      ["stacks/example.ts", 'export { policies } from "../policy/rules";'],
      ["policy/example.ts", 'import { diffPlans } from "../tools/plan/diff";'],
      ["bootstrap/example.ts", 'import { loadStackConfig } from "../stacks/config";'],
      [
        "tools/plan/example.ts",
        'import { expectProblem } from "../../tests/harness/config-errors";',
      ],
    ];
    for (const [file, code] of cases) {
      const errors = await layerErrors(file, code);
      assert.equal(errors.length, 1, `${file}: ${code}`);
      assert.match(errors[0] ?? "", /may import only/);
    }
  });

  it("imports of the same or a lower layer pass", async () => {
    const cases: [file: string, code: string][] = [
      ["core/example.ts", 'import { configKey } from "./config-problems";'],
      ["infra/cicd/example.ts", 'import { throwIfArgsProblems } from "../../core/args-problems";'],
      ["policy/example.ts", 'import { BuiltInRole } from "../infra/azure-identifiers";'],
      ["tools/plan/example.ts", 'import devConfig from "../../policy/config.dev.json";'],
      ["tools/offline/example.ts", 'import { PROJECT } from "../../stacks/config";'],
    ];
    for (const [file, code] of cases) {
      assert.deepEqual(await layerErrors(file, code), [], `${file}: ${code}`);
    }
  });

  it("the source files import each other without a cycle", () => {
    const files = sourceFiles();
    assert.ok(files.length > 50, `found only ${files.length} source files`);
    const graph = new Map(files.map((file) => [file, importsOf(file)]));
    const done = new Set<string>();
    const cycles: string[] = [];
    const visit = (file: string, trail: string[]): void => {
      const at = trail.indexOf(file);
      if (at >= 0) {
        cycles.push([...trail.slice(at), file].join(" → "));
        return;
      }
      if (done.has(file)) {
        return;
      }
      for (const next of graph.get(file) ?? []) {
        visit(next, [...trail, file]);
      }
      done.add(file);
    };
    files.forEach((file) => {
      visit(file, []);
    });
    assert.deepEqual(cycles, []);
  });
});
