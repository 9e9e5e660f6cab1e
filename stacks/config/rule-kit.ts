/**
 * How cross-field rules report a problem, and how they place a component's problems under config
 * keys.
 */
import type { ArgsProblem } from "../../core/args-problems";

/** Reports one problem at a config path (without the project namespace). */
export type Problem = (path: (string | number)[], message: string) => void;

/** Reports a component's problems at the config paths `path` maps their argument keys to. */
export function reportUnder(
  problems: readonly ArgsProblem[],
  problem: Problem,
  path: (key: string) => (string | number)[],
): void {
  for (const found of problems) {
    problem(path(found.key), found.reason);
  }
}

/** `a.b[2].c` as a path: `["a", "b", 2, "c"]`. */
export function pathOf(key: string): (string | number)[] {
  return [...key.matchAll(/\[(\d+)\]|([^.[\]]+)/g)].map(([, index, field]) =>
    index !== undefined ? Number(index) : (field ?? ""),
  );
}
