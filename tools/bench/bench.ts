import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { parse as parseYaml, stringify as toYaml } from "yaml";
import { readStackConfigFile, REPO_ROOT } from "../offline/run-stack";
import { PROJECT } from "../../stacks/config";

/** One timed command: the median wall time of its runs and the peak memory seen. */
export interface Timing {
  readonly label: string;
  readonly medianMs: number;
  readonly runsMs: readonly number[];
  /** Largest resident set of any process of any run, in MB. */
  readonly peakMb?: number;
  /** Resources in the plan, where the command is a plan. */
  readonly resources?: number;
  /** Dependency edges per resource in the plan, where the command is a plan. */
  readonly edgesPerResource?: number;
}

const TSX_CLI = require.resolve("tsx/cli");
const PROBE = path.join(__dirname, "probe.cjs");
const HOST_RUN = path.join(path.dirname(require.resolve("@pulumi/pulumi/package.json")), "cmd/run");

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** The environment without any setting that would change what is measured. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith("PULUMI_") || key.startsWith("BENCH_") || key === "NODE_OPTIONS") {
      Reflect.deleteProperty(env, key);
    }
  }
  return { ...env, ...extra };
}

/**
 * Runs `node <args>` `runs` times, each in a fresh process with a fresh temporary directory (so no
 * compile cache survives, as on a new CI pod), and times each run. Every node process it starts
 * reports its peak memory through the probe.
 */
function time(
  label: string,
  args: readonly string[],
  runs: number,
  extraEnv: Record<string, string> = {},
): Timing & { stdout: string } {
  const runsMs: number[] = [];
  let stdout = "";
  let peakKb = 0;
  for (let run = 0; run < runs; run++) {
    const scratch = mkdtempSync(path.join(tmpdir(), "bench-run-"));
    const usageFile = path.join(scratch, "usage.jsonl");
    try {
      const started = performance.now();
      const result = spawnSync(process.execPath, args, {
        cwd: REPO_ROOT,
        encoding: "utf8",
        maxBuffer: 512 * 1024 * 1024,
        env: cleanEnv({
          TMPDIR: scratch,
          BENCH_USAGE_FILE: usageFile,
          NODE_OPTIONS: `--require ${PROBE}`,
          ...extraEnv,
        }),
      });
      runsMs.push(performance.now() - started);
      if (result.status !== 0) {
        throw new Error(`${label} failed (exit ${String(result.status)}):\n${result.stderr}`);
      }
      stdout = result.stdout;
      const usage = existsSync(usageFile) ? readFileSync(usageFile, "utf8") : "";
      for (const line of usage.split("\n").filter(Boolean)) {
        peakKb = Math.max(peakKb, (JSON.parse(line) as { maxRssKb: number }).maxRssKb);
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  return { label, medianMs: median(runsMs), runsMs, peakMb: peakKb / 1024, stdout };
}

/** The timing alone, without the output it was read from. */
function withoutStdout(timing: Timing & { stdout: string }): Timing {
  return {
    label: timing.label,
    medianMs: timing.medianMs,
    runsMs: timing.runsMs,
    ...(timing.peakMb === undefined ? {} : { peakMb: timing.peakMb }),
  };
}

/** Times `tsx <args>` (as `npm run plan` runs it) and reads the plan it prints. */
function timePlan(label: string, args: readonly string[], runs: number): Timing {
  const { stdout, ...timing } = time(label, [TSX_CLI, ...args], runs);
  const plan = JSON.parse(stdout) as { resources: { options: { dependsOn?: string[] } }[] };
  const edges = plan.resources.reduce((sum, r) => sum + (r.options.dependsOn?.length ?? 0), 0);
  return {
    ...timing,
    resources: plan.resources.length,
    edgesPerResource: edges / plan.resources.length,
  };
}

/**
 * The program's start as Pulumi's nodejs host runs it (`@pulumi/pulumi/cmd/run`, its vendored
 * ts-node with the project's `typescript`), up to the first resource it registers.
 */
function timeHostStart(label: string, runs: number, env: Record<string, string>): Timing {
  const config = JSON.stringify(readStackConfigFile("dev"));
  return withoutStdout(
    time(
      label,
      [
        HOST_RUN,
        "--monitor=127.0.0.1:0",
        `--project=${PROJECT}`,
        "--stack=dev",
        "--dry-run",
        "stacks/",
      ],
      runs,
      {
        PULUMI_NODEJS_TYPESCRIPT: "true",
        PULUMI_CONFIG: config,
        PULUMI_NODEJS_PROJECT: PROJECT,
        PULUMI_NODEJS_STACK: "dev",
        BENCH_PROBE: "first-resource",
        ...env,
      },
    ),
  );
}

/** The tsconfig Pulumi.yaml points the host at (`runtime.options.tsconfig`), if any. */
export function deployTsconfig(): string | undefined {
  const project = parseYaml(readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8")) as {
    runtime?: { options?: { tsconfig?: string } };
  };
  return project.runtime?.options?.tsconfig;
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
    name: `app-${String(index).padStart(4, "0")}`,
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

/** Times an npm script once (the suite is long; its parts are what a developer compares). */
function timeNpm(label: string, script: string): Timing {
  const npm = process.env.npm_execpath;
  const command = npm !== undefined && npm.endsWith(".js") ? [npm] : [];
  if (command.length === 0) {
    throw new Error("run the bench through npm (npm run bench) so it can time npm scripts");
  }
  return withoutStdout(time(label, [...command, "run", "--silent", script], 1));
}

function main(): void {
  const { values } = parseArgs({
    options: {
      runs: { type: "string", default: "3" },
      json: { type: "boolean", default: false },
      "skip-tests": { type: "boolean", default: false },
      "skip-typecheck-start": { type: "boolean", default: false },
    },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) {
    throw new Error("--runs expects a positive whole number");
  }
  const tsconfig = deployTsconfig();
  // Row 1: program start under the host, beside the transpile-only floor, in the same run.
  const hostFloor = timeHostStart("host start, transpile-only (floor)", runs, {
    PULUMI_NODEJS_TRANSPILE_ONLY: "true",
  });
  const hostNow = timeHostStart(
    `host start, Pulumi.yaml (${tsconfig ?? "tsconfig.json"})`,
    runs,
    tsconfig ? { PULUMI_NODEJS_TSCONFIG_PATH: tsconfig } : {},
  );
  const hostChecked = values["skip-typecheck-start"]
    ? undefined
    : timeHostStart("host start, type-checking (before)", 1, {});

  // Row 2: the offline plan beside loading the SDK modules that declare its resource types.
  const sdk = time("load SDK modules only (floor)", [TSX_CLI, "tools/bench/load-sdk.ts"], runs);
  const stacks = ["dev", "prod"].map((stack) =>
    timePlan(`plan ${stack} --json`, ["tools/plan/cli.ts", stack, "--json"], runs),
  );

  // Row 4: growth with apps, and a thousand of them.
  const directory = mkdtempSync(path.join(tmpdir(), "bench-"));
  let scaling: Timing[];
  try {
    scaling = [1, 50, 200, 1000].map((count) =>
      timePlan(
        `plan dev, ${count} app${count === 1 ? "" : "s"}`,
        ["tools/plan/cli.ts", stackWithApps(directory, count), "--json", "--dir", directory],
        count === 1000 ? 1 : runs,
      ),
    );
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  const at = (count: number): Timing | undefined =>
    scaling.find((t) => t.label.endsWith(` ${count} apps`) || t.label.endsWith(` ${count} app`));
  const edgeGrowth = (at(200)?.edgesPerResource ?? 0) / (at(50)?.edgesPerResource ?? 1);
  const fit = linearFit(
    scaling.filter((t) => t !== at(1000)).map((t) => [t.resources ?? 0, t.medianMs]),
  );

  // Row 3: npm test and its parts, once each.
  const tests = values["skip-tests"]
    ? []
    : [
        timeNpm("npm run typecheck", "typecheck"),
        timeNpm("npm run lint", "lint"),
        timeNpm("npm run test:unit", "test:unit"),
      ];
  const testTotalMs = tests.reduce((sum, t) => sum + t.medianMs, 0);

  const report = {
    runs,
    host: {
      floor: hostFloor,
      now: hostNow,
      ratio: hostNow.medianMs / hostFloor.medianMs,
      ...(hostChecked ? { typeChecking: hostChecked } : {}),
    },
    plan: {
      floor: sdk,
      stacks: stacks.map((t) => ({ ...t, ratio: t.medianMs / sdk.medianMs })),
    },
    tests: { parts: tests, totalMs: testTotalMs },
    scaling: { plans: scaling, edgeGrowth50To200: edgeGrowth, msPerResource: fit.slope },
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(2).padStart(7)} s`;
  const row = (t: Timing, extra = ""): string =>
    `  ${t.label.padEnd(44)} ${seconds(t.medianMs)}${t.peakMb ? `  ${t.peakMb.toFixed(0).padStart(5)} MB` : ""}${extra}`;
  const planRow = (t: Timing, extra = ""): string =>
    row(
      t,
      `  ${String(t.resources).padStart(6)} resources  ${(t.edgesPerResource ?? 0).toFixed(2)} edges/resource${extra}`,
    );
  const lines = [
    `Median of ${runs} run(s) each, fresh process and temporary directory per run:`,
    "1. program start under Pulumi's nodejs host (goal: <= 1.3x floor, <= 400 MB)",
    row(hostFloor),
    row(hostNow, `  ${report.host.ratio.toFixed(2)}x floor`),
    ...(hostChecked
      ? [row(hostChecked, `  ${(hostChecked.medianMs / hostFloor.medianMs).toFixed(2)}x floor`)]
      : []),
    "2. offline plan (goal: <= 1.5x floor)",
    row(sdk),
    ...report.plan.stacks.map((t) => planRow(t, `  ${t.ratio.toFixed(2)}x floor`)),
    ...(tests.length > 0
      ? [
          "3. npm test (goal: <= 30 s)",
          ...tests.map((t) => row(t)),
          `  total ${seconds(testTotalMs)}`,
        ]
      : []),
    "4. growth with apps (goal: edges/resource <= 1.25x from 50 to 200; 1,000 apps <= 15 s, <= 1.5 GB)",
    ...scaling.map((t) => planRow(t)),
    `  edges per resource, 200 vs 50 apps: ${edgeGrowth.toFixed(2)}x; ${fit.slope.toFixed(1)} ms per resource`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

if (require.main === module) {
  main();
}
