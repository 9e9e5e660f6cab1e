import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";

/** Where the test files live: `tests/<area>/<name>.test.ts`. */
export const TESTS_DIR = path.resolve(__dirname, "..");

/** Every test file, as `<area>/<name>.test.ts`, sorted. */
export function testFiles(directory = TESTS_DIR): string[] {
  return readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) =>
      readdirSync(path.join(directory, entry.name))
        .filter((file) => file.endsWith(".test.ts"))
        .map((file) => `${entry.name}/${file}`),
    )
    .sort();
}

/** A test file and what it is expected to cost (its size stands in for its work). */
export interface WeightedFile {
  readonly file: string;
  readonly weight: number;
  /** Files sharing whole-program runs ({@link sharedRun}) must share a process to share them. */
  readonly sharesRuns: boolean;
}

/**
 * Splits test files into `count` groups of about equal weight, deterministically: files that
 * share program runs form one unit, then the heaviest unit goes to the lightest group. Every
 * file lands in exactly one group.
 */
export function shardFiles(files: readonly WeightedFile[], count: number): string[][] {
  const shared = files.filter((file) => file.sharesRuns);
  const units = [
    ...(shared.length > 0
      ? [{ files: shared.map((f) => f.file), weight: shared.reduce((sum, f) => sum + f.weight, 0) }]
      : []),
    ...files.filter((file) => !file.sharesRuns).map((f) => ({ files: [f.file], weight: f.weight })),
  ].sort((a, b) => b.weight - a.weight || (a.files[0] ?? "").localeCompare(b.files[0] ?? ""));
  const groups = Array.from({ length: count }, () => ({ files: [] as string[], weight: 0 }));
  for (const unit of units) {
    const lightest = groups.reduce((best, group) => (group.weight < best.weight ? group : best));
    lightest.files.push(...unit.files);
    lightest.weight += unit.weight;
  }
  return groups.map((group) => [...group.files].sort());
}

/**
 * What a whole-program run weighs against a file's size: in the measured suite one run of the
 * program cost about as much as 20 kB of component tests.
 */
const PROGRAM_RUN_WEIGHT = 20_000;

/** The test files of shard `index` (0-based) out of `count`, weighted by size and program runs. */
export function shard(index: number, count: number, directory = TESTS_DIR): string[] {
  const weighted = testFiles(directory).map((file): WeightedFile => {
    const text = readFileSync(path.join(directory, file), "utf8");
    const programRuns = text.match(/\b(?:runStack|planStack|sharedRun|sharedPlan|cachedPlan)\(/g);
    return {
      file,
      weight: text.length + PROGRAM_RUN_WEIGHT * (programRuns?.length ?? 0),
      sharesRuns: text.includes("shared-runs"),
    };
  });
  return shardFiles(weighted, count)[index] ?? [];
}

/**
 * Loads shard `index` of `count` into this process. One process per shard instead of one per
 * file: each file used to pay for its own Node, tsx and Pulumi SDK start-up, more than most
 * files' tests take. Files run one after another here; each installs its own mocks.
 */
export function loadShard(index: number, count: number): void {
  for (const file of shard(index, count)) {
    // node:test collects a file's tests while it loads, so the files are loaded synchronously.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(path.join(TESTS_DIR, file));
  }
}
