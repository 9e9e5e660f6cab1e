import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import {
  type ConfigProblem,
  configKey,
  configProblemsOf,
  decodeConfig,
  describeConfigValue,
  InvalidConfigError,
} from "../../core/config-problems";

class ExampleConfigError extends InvalidConfigError {
  constructor(stackName: string, problems: readonly ConfigProblem[]) {
    super("example stack", stackName, problems);
    this.name = "ExampleConfigError";
  }
}

const schema = z.strictObject({
  mode: z.union([z.literal("a"), z.literal("b")]),
  pools: z.array(z.strictObject({ size: z.number().int("expected a whole number") })),
});

function problemsOf(data: unknown, reword?: (issue: z.core.$ZodIssue) => string | undefined) {
  const result = schema.safeParse(data, { reportInput: true });
  assert.ok(!result.success, "expected the data to be rejected");
  return configProblemsOf("example", result.error, data, {
    unknownKey: "unknown key (not a setting)",
    ...(reword === undefined ? {} : { reword }),
  });
}

describe("config problems", () => {
  it("name keys as a stack file spells them: fields with dots, indexes in brackets", () => {
    assert.equal(configKey("example", ["pools", 0, "size"]), "example:pools[0].size");
    assert.equal(configKey("example", []), "example:");
  });

  it("describe a value as JSON cut to 120 characters, or (not set)", () => {
    assert.equal(describeConfigValue(undefined), "(not set)");
    assert.equal(describeConfigValue({ a: 1 }), '{"a":1}');
    const long = describeConfigValue("x".repeat(200));
    assert.equal(long.length, 120);
    assert.ok(long.endsWith("..."));
  });

  it("list each unknown key and each invalid value with the value found", () => {
    assert.deepEqual(problemsOf({ mode: "a", pools: [{ size: 1.5, extra: true }], typo: 1 }), [
      {
        key: "example:pools[0].size",
        expected: "expected a whole number",
        found: "1.5",
      },
      { key: "example:pools[0].extra", expected: "unknown key (not a setting)", found: "true" },
      { key: "example:typo", expected: "unknown key (not a setting)", found: "1" },
    ]);
  });

  it("reword only the issues the caller rewords, and report a missing key as (not set)", () => {
    const problems = problemsOf({ mode: "c" }, (issue) =>
      issue.code === "invalid_union" ? 'expected "a" or "b"' : undefined,
    );
    assert.deepEqual(problems, [
      { key: "example:mode", expected: 'expected "a" or "b"', found: '"c"' },
      { key: "example:pools", expected: problems[1]?.expected, found: "(not set)" },
    ]);
    assert.notEqual(problems[1]?.expected, 'expected "a" or "b"');
  });

  it("decode JSON objects and arrays, keep other scalars as strings, and drop other namespaces", () => {
    const raw = {
      "example:pools": '[{"size": 2}]',
      "example:costCenter": "1234",
      "example:flag": "true",
      "example:broken": "{not json",
      "other:key": "x",
    };
    assert.deepEqual(decodeConfig("example", raw, { booleans: false }), {
      pools: [{ size: 2 }],
      costCenter: "1234",
      flag: "true",
      broken: "{not json",
    });
    assert.deepEqual(decodeConfig("example", raw, { booleans: true }), {
      pools: [{ size: 2 }],
      costCenter: "1234",
      flag: true,
      broken: "{not json",
    });
  });

  it("raise one RunError naming the stack and listing every problem", () => {
    const one = new ExampleConfigError("dev", [{ key: "example:a", expected: "x", found: "1" }]);
    assert.ok(pulumi.RunError.isInstance(one));
    assert.equal(one.name, "ExampleConfigError");
    assert.equal(
      one.message,
      'Invalid configuration for example stack "dev" (1 problem):\n  - example:a: x; found 1',
    );
    const two = new ExampleConfigError("dev", [
      { key: "example:a", expected: "x", found: "1" },
      { key: "example:b", expected: "y", found: "(not set)" },
    ]);
    assert.match(two.message, /^Invalid configuration for example stack "dev" \(2 problems\):\n/);
    assert.equal(two.problems.length, 2);
    assert.equal(two.stackName, "dev");
  });
});
