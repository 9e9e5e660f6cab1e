import * as pulumi from "@pulumi/pulumi";

/**
 * One problem with a component's arguments: the argument's path as the component spells it
 * (e.g. `systemPool.maxCount`, `entraAdministrators[1].objectId`) and what was expected.
 * Components export a pure `xxxProblems(args)` returning these, so the stack's config schema
 * reports the same rule under its own key before anything is registered.
 */
export interface ArgsProblem {
  /** Argument path, `.field` and `[index]` segments from the component's args. */
  readonly key: string;
  /** What was expected, worded for a person reading a stack file. */
  readonly reason: string;
}

/**
 * Throws one `RunError` listing every problem (the CLI prints it without a stack trace), or
 * returns when there are none. Components call it before `super`, so nothing is registered.
 *
 * @param component the component's class name, e.g. `Database`.
 * @param name the component's logical name.
 * @param problems every problem found.
 */
export function throwIfArgsProblems(
  component: string,
  name: string,
  problems: readonly ArgsProblem[],
): void {
  if (problems.length > 0) {
    throw new pulumi.RunError(
      `${component} "${name}": ${problems.map((problem) => `${problem.key}: ${problem.reason}`).join("; ")}`,
    );
  }
}

/** Every value listed more than once in `values` (compared by `key`), in first-repeat order. */
export function duplicatesOf<T>(values: readonly T[], key: (value: T) => string): T[] {
  const seen = new Set<string>();
  const repeated: T[] = [];
  for (const value of values) {
    const id = key(value);
    if (seen.has(id)) {
      repeated.push(value);
    }
    seen.add(id);
  }
  return repeated;
}
