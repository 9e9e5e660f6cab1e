import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { stringify as toYaml } from "yaml";
import { readStackConfigFile, REPO_ROOT } from "../../tests/harness/run-stack";
import { PROJECT } from "../../stacks/config";

/** One timed command: the median wall time of its runs. */
export interface Timing {
  readonly label: string;
  readonly medianMs: number;
  readonly runsMs: readonly number[];
  /** Resources in the plan, where the command is a plan. */
  readonly resources?: number;
}

const TSX_CLI = require.resolve("tsx/cli");

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** Runs `tsx <args>` `runs` times in fresh processes (as a user would) and times each run. */
function time(label: string, args: readonly string[], runs: number): Timing {
  const runsMs: number[] = [];
  let stdout = "";
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    const result = spawnSync(process.execPath, [TSX_CLI, ...args], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
    });
    runsMs.push(performance.now() - started);
    if (result.status !== 0) {
      throw new Error(`${label} failed (exit ${String(result.status)}):\n${result.stderr}`);
    }
    stdout = result.stdout;
  }
  const resources = /"resources":\s*\[/.test(stdout)
    ? (JSON.parse(stdout) as { resources: unknown[] }).resources.length
    : undefined;
  return { label, medianMs: median(runsMs), runsMs, ...(resources ? { resources } : {}) };
}

/** A copy of the dev stack with `count` generated apps, every other one with a database. */
function stackWithApps(directory: string, count: number): string {
  const stack = `bench-${count}`;
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(readStackConfigFile("dev"))) {
    try {
      config[key] = JSON.parse(value) as unknown;
    } catch {
      config[key] = value;
    }
  }
  config[`${PROJECT}:apps`] = Array.from({ length: count }, (_, index) => ({
    name: `app-${String(index).padStart(3, "0")}`,
    cpu: "1",
    memory: "1Gi",
    database: index % 2 === 1,
  }));
  writeFileSync(path.join(directory, `Pulumi.${stack}.yaml`), toYaml({ config }));
  return stack;
}

/** Least-squares slope and intercept of y over x. */
export function linearFit(points: readonly [number, number][]): {
  slope: number;
  intercept: number;
} {
  const n = points.length;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n;
  const covariance = points.reduce((sum, [x, y]) => sum + (x - meanX) * (y - meanY), 0);
  const variance = points.reduce((sum, [x]) => sum + (x - meanX) ** 2, 0);
  const slope = variance === 0 ? 0 : covariance / variance;
  return { slope, intercept: meanY - slope * meanX };
}

function main(): void {
  const { values } = parseArgs({
    options: {
      runs: { type: "string", default: "3" },
      json: { type: "boolean", default: false },
    },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) {
    throw new Error("--runs expects a positive whole number");
  }
  const sdk = time("load SDK packages only", ["tools/bench/load-sdk.ts"], runs);
  const stacks = ["dev", "prod"].map((stack) =>
    time(`plan ${stack}`, ["tools/plan/cli.ts", stack, "--json"], runs),
  );
  const directory = mkdtempSync(path.join(tmpdir(), "bench-"));
  let scaling: Timing[];
  try {
    scaling = [1, 50, 200].map((count) =>
      time(
        `plan dev with ${count} app${count === 1 ? "" : "s"}`,
        ["tools/plan/cli.ts", stackWithApps(directory, count), "--json", "--dir", directory],
        runs,
      ),
    );
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  const fit = linearFit(scaling.map((t) => [t.resources ?? 0, t.medianMs]));
  const report = {
    runs,
    sdkLoadMs: sdk.medianMs,
    stacks: stacks.map((t) => ({ ...t, ratioToSdkLoad: t.medianMs / sdk.medianMs })),
    scaling,
    msPerResource: fit.slope,
    fixedMs: fit.intercept,
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const row = (t: Timing, extra = ""): string =>
    `${t.label.padEnd(28)} ${t.medianMs.toFixed(0).padStart(6)} ms${t.resources ? `  ${String(t.resources).padStart(5)} resources` : ""}${extra}`;
  const lines = [
    `Median of ${runs} runs each, fresh process per run (what a user waits for):`,
    row(sdk),
    ...report.stacks.map((t) => row(t, `  ${t.ratioToSdkLoad.toFixed(2)}x SDK load`)),
    ...scaling.map((t) => row(t)),
    `growth: ${fit.slope.toFixed(1)} ms per resource on top of ${fit.intercept.toFixed(0)} ms`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

if (require.main === module) {
  main();
}
