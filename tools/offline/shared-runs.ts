import { PROJECT } from "../../stacks/config";
import { buildPlan, type StackPlan } from "../plan/plan";
import { readStackConfigFile, runStack, type RawConfig, type StackRun } from "./run-stack";

/**
 * Runs of the whole program, shared by every test file in the process that asks for the same
 * stack and config. A run is deterministic (the hosting-stack and plan tests prove it with
 * fresh runs), so tests that only read a run's registrations need not pay for their own: the
 * stack tests, the policy tests and the plan tests used to run dev and prod three times over.
 */
const runs = new Map<string, Promise<StackRun>>();

/** The run of `stack` with `config` (default: its committed `Pulumi.<stack>.yaml`), made once. */
export function sharedRun(
  stack: string,
  config: RawConfig = readStackConfigFile(stack),
): Promise<StackRun> {
  const key = `${stack}\0${JSON.stringify(config)}`;
  let run = runs.get(key);
  if (run === undefined) {
    // Runs install their own mocks, so they must not overlap: chain after the previous one.
    run = Promise.all([...runs.values()].map((other) => other.catch(() => undefined))).then(() =>
      runStack({ stack, config }),
    );
    runs.set(key, run);
  }
  return run;
}

/** The plan of {@link sharedRun}'s run. */
export async function sharedPlan(stack: string, config?: RawConfig): Promise<StackPlan> {
  return buildPlan(PROJECT, await sharedRun(stack, config));
}
