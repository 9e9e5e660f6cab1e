import assert from "node:assert/strict";
import { it } from "node:test";
import { ConfigError, PROJECT } from "../../stacks/config";
import {
  runStack,
  StackRunFailure,
  withConfig,
  type RawConfig,
} from "../../tools/offline/run-stack";

/** Runs the program with `config` and returns the ConfigError, proving nothing was registered. */
export async function configErrorOf(stack: string, config: RawConfig): Promise<ConfigError> {
  try {
    await runStack({ stack, config });
  } catch (error) {
    assert.ok(error instanceof StackRunFailure, `expected a StackRunFailure, got ${String(error)}`);
    assert.equal(error.resources.length, 0, "no resource may be registered before config fails");
    assert.ok(
      error.cause instanceof ConfigError,
      `expected a ConfigError, got ${String(error.cause)}`,
    );
    return error.cause;
  }
  assert.fail("expected the program to reject the config");
}

/** The message line of the problem naming `hiring-infra:<key>`; fails when there is none. */
export function problemFor(error: ConfigError, key: string): string {
  const fullKey = key.includes(":") ? key : `${PROJECT}:${key}`;
  const problem = error.problems.find((p) => p.key === fullKey);
  assert.ok(problem, `expected a problem naming ${fullKey}; got:\n${error.message}`);
  const line = `${problem.key}: ${problem.expected}; found ${problem.found}`;
  assert.ok(error.message.includes(line), "the message lists the problem");
  return line;
}

/** A stack file change the config must refuse, and the problem it must report. */
export interface RefusedChange {
  /** What the change is, as the test name says it. */
  readonly title: string;
  /** Stack name; default `dev`. */
  readonly stack?: string;
  /** The stack file changed; default the committed `dev` file. */
  readonly base?: RawConfig;
  /** Dotted keys (under `hiring-infra:`) to set; `undefined` removes one. */
  readonly change: Readonly<Record<string, unknown>>;
  /** Key (under `hiring-infra:`) the problem must name. */
  readonly key: string;
  /** Text the problem's line must contain. */
  readonly mentions: string;
}

/**
 * One test per case: the program refuses the changed stack before registering anything, with a
 * problem naming the case's key and mentioning its text.
 */
export function itRefuses(cases: readonly RefusedChange[], devConfig: RawConfig): void {
  for (const testCase of cases) {
    it(`${testCase.title} → ${PROJECT}:${testCase.key}`, async () => {
      const error = await configErrorOf(
        testCase.stack ?? "dev",
        withConfig(testCase.base ?? devConfig, testCase.change),
      );
      const line = problemFor(error, testCase.key);
      assert.ok(line.includes(testCase.mentions), `"${line}" should mention ${testCase.mentions}`);
    });
  }
}
