import assert from "node:assert/strict";
import { ConfigError, PROJECT } from "../../stacks/config";
import { runStack, StackRunFailure, type RawConfig } from "./run-stack";

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
