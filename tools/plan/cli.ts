import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, PROJECT } from "../../stacks/config";
import {
  readStackConfigFile,
  REPO_ROOT,
  runStack,
  StackRunFailure,
  type RawConfig,
} from "../offline/run-stack";
import { diffPlans, isEmptyDiff } from "./diff";
import { buildPlan, parsePlan, serializePlan, type StackPlan } from "./plan";
import {
  enforcementForStack,
  evaluatePolicies,
  hasMandatoryViolations,
  renderPolicyReport,
} from "./policy";
import { renderDiff, renderDiffMarkdown, renderPlan } from "./render";

/** Where the committed plan snapshots live. */
export const PLANS_DIR = path.join(REPO_ROOT, "plans");

const USAGE = `Usage:
  npm run plan -- <stack>                      the resource tree, like pulumi preview
  npm run plan -- <stack> --json               the full plan as stable JSON (secrets masked)
  npm run plan -- <stack> --diff [file|ref]    changes against plans/<stack>.json, a plan file
                                               or the snapshot at a git ref (e.g. origin/main)
  npm run plan -- <stack> --diff --markdown    the same, as Markdown for a pull request
  npm run plan:update                          rewrite plans/<stack>.json for every stack

Stacks are the Pulumi.<stack>.yaml files at the repository root (or in --dir <directory>).
Exit codes: 0 ok, 1 the program failed, 2 invalid stack configuration or usage,
3 the plan breaks a mandatory policy of the stack's environment.`;

/** Where the CLI writes; tests pass their own. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** Every stack with a `Pulumi.<stack>.yaml` at the repository root, sorted. */
export function committedStacks(directory = REPO_ROOT): string[] {
  return readdirSync(directory)
    .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
    .filter((stack): stack is string => stack !== undefined)
    .sort();
}

/** Runs a stack's program under mocks, with `config` or its stack file, and returns its plan. */
export async function planStack(stack: string, config?: RawConfig): Promise<StackPlan> {
  const run = await runStack({ stack, ...(config ? { config } : {}) });
  return buildPlan(PROJECT, run);
}

/** How the CLI turns a stack and its raw config into a plan; tests substitute their own. */
export type Planner = (stack: string, config: RawConfig) => Promise<StackPlan>;

/** The snapshot file of a stack. */
export function snapshotPath(stack: string): string {
  return path.join(PLANS_DIR, `${stack}.json`);
}

function baselinePlan(stack: string, against: string | undefined): StackPlan {
  if (against === undefined) {
    const file = snapshotPath(stack);
    if (!existsSync(file)) {
      throw new UsageError(
        `no snapshot ${path.relative(REPO_ROOT, file)}; run npm run plan:update`,
      );
    }
    return parsePlan(readFileSync(file, "utf8"), path.relative(REPO_ROOT, file));
  }
  if (existsSync(against)) {
    return parsePlan(readFileSync(against, "utf8"), against);
  }
  const snapshot = `plans/${stack}.json`;
  let json: string;
  try {
    json = execFileSync("git", ["show", `${against}:${snapshot}`], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch {
    throw new UsageError(`"${against}" is neither a plan file nor a git ref with ${snapshot}`);
  }
  return parsePlan(json, `${against}:${snapshot}`);
}

class UsageError extends Error {}

async function run(argv: readonly string[], io: Io, planner: Planner): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      json: { type: "boolean", default: false },
      diff: { type: "boolean", default: false },
      markdown: { type: "boolean", default: false },
      update: { type: "boolean", default: false },
      dir: { type: "string", default: REPO_ROOT },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    io.out(`${USAGE}\n`);
    return 0;
  }
  const stacks = committedStacks(values.dir);
  const planOf = (stack: string): Promise<StackPlan> =>
    planner(stack, readStackConfigFile(stack, values.dir));
  if (values.update) {
    mkdirSync(PLANS_DIR, { recursive: true });
    for (const stack of positionals.length > 0 ? positionals : stacks) {
      const plan = await planOf(stack);
      writeFileSync(snapshotPath(stack), serializePlan(plan));
      io.out(`wrote plans/${stack}.json (${plan.resources.length} resources)\n`);
    }
    return 0;
  }
  const [stack, against, ...extra] = positionals;
  if (stack === undefined || extra.length > 0 || (against !== undefined && !values.diff)) {
    throw new UsageError("expected one stack name (and, with --diff, one file or git ref)");
  }
  if (!stacks.includes(stack)) {
    throw new UsageError(`no Pulumi.${stack}.yaml in ${values.dir}; stacks: ${stacks.join(", ")}`);
  }
  if (values.markdown && !values.diff) {
    throw new UsageError("--markdown goes with --diff");
  }
  const baseline = values.diff ? baselinePlan(stack, against) : undefined;
  const plan = await planOf(stack);
  if (baseline) {
    const planDiff = diffPlans(baseline, plan);
    io.out(values.markdown ? await renderDiffMarkdown(planDiff) : renderDiff(planDiff));
    if (isEmptyDiff(planDiff)) {
      io.err("no changes\n");
    }
    return 0;
  }
  if (values.json) {
    io.out(serializePlan(plan));
    return 0;
  }
  // The policy pack's own rules, at the enforcement the stack's environment gets in CI.
  const policyResults = await evaluatePolicies(
    plan,
    enforcementForStack(readStackConfigFile(stack, values.dir), stack),
  );
  io.out(`${renderPlan(plan)}\n${renderPolicyReport(policyResults)}`);
  return hasMandatoryViolations(policyResults) ? 3 : 0;
}

/**
 * The `npm run plan` command. Returns the exit code: 2 for invalid configuration or usage, 1 when
 * the program throws, 3 when the plan breaks a mandatory policy, 0 otherwise.
 */
export async function main(
  argv: readonly string[],
  io: Io,
  planner: Planner = planStack,
): Promise<number> {
  try {
    return await run(argv, io, planner);
  } catch (error) {
    const cause = error instanceof StackRunFailure ? error.cause : error;
    if (cause instanceof ConfigError) {
      io.err(`${cause.message}\n`);
      return 2;
    }
    if (cause instanceof UsageError || (cause instanceof TypeError && "code" in cause)) {
      io.err(`${cause.message}\n\n${USAGE}\n`);
      return 2;
    }
    const message = cause instanceof Error ? cause.message : String(cause);
    io.err(`The program failed: ${message}\n`);
    return 1;
  }
}

if (require.main === module) {
  // The SDK captures a stack trace for every resource it registers; mapping each through source
  // maps costs about a quarter of the plan's run time, and the plan prints no stack traces.
  process.setSourceMapsEnabled(false);
  void main(process.argv.slice(2), {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  }).then((code) => {
    process.exitCode = code;
  });
}
