import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import { PROJECT } from "../../stacks/config";
import type { RecordedResource } from "./recorder";
import { installMocks, resolveOutput, waitForRegistrations, type ResolvedOutput } from "./runtime";

/** The repository root (where `Pulumi.yaml` lives). */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** Raw Pulumi config: every value a string, objects and arrays as JSON, keys `<ns>:<key>`. */
export type RawConfig = Record<string, string>;

/**
 * Reads `Pulumi.<stack>.yaml` the way the Pulumi CLI hands it to a program: structured values
 * become JSON strings, scalars become strings. `secure:` values cannot be decrypted without the
 * CLI, so they are refused (committed stacks must preview without them).
 */
export function readStackConfigFile(stack: string, directory = REPO_ROOT): RawConfig {
  const file = path.join(directory, `Pulumi.${stack}.yaml`);
  const document: unknown = parseYaml(readFileSync(file, "utf8"));
  const config =
    document !== null && typeof document === "object" && "config" in document
      ? document.config
      : {};
  if (config === null || typeof config !== "object") {
    throw new Error(`${file}: "config" must be a map`);
  }
  const raw: RawConfig = {};
  for (const [key, value] of Object.entries(config)) {
    if (value !== null && typeof value === "object" && "secure" in value) {
      throw new Error(`${file}: ${key} is a secure value, which cannot be read without the CLI`);
    }
    const fullKey = key.includes(":") ? key : `${PROJECT}:${key}`;
    raw[fullKey] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return raw;
}

/**
 * Returns `raw` with `overrides` applied: each key is a path under the project namespace
 * (`cluster.systemPool.maxCount`), each value the new value, `undefined` removes the key.
 */
export function withConfig(
  raw: RawConfig,
  overrides: Readonly<Record<string, unknown>>,
): RawConfig {
  const result: RawConfig = { ...raw };
  for (const [dotted, value] of Object.entries(overrides)) {
    const [top = "", ...rest] = dotted.split(".");
    const key = `${PROJECT}:${top}`;
    if (rest.length === 0) {
      if (value === undefined) {
        Reflect.deleteProperty(result, key);
      } else {
        result[key] = typeof value === "string" ? value : JSON.stringify(value);
      }
      continue;
    }
    const existing = result[key];
    const root: unknown = existing === undefined ? {} : JSON.parse(existing);
    let node = root as Record<string, unknown>;
    rest.slice(0, -1).forEach((segment) => {
      const child = node[segment];
      if (child === null || typeof child !== "object") {
        node[segment] = {};
      }
      node = node[segment] as Record<string, unknown>;
    });
    const last = rest[rest.length - 1] ?? "";
    if (value === undefined) {
      Reflect.deleteProperty(node, last);
    } else {
      node[last] = value;
    }
    result[key] = JSON.stringify(root);
  }
  return result;
}

/** What one run of the program registered and returned. */
export interface StackRun {
  readonly stack: string;
  readonly resources: readonly RecordedResource[];
  readonly outputs: Readonly<Record<string, ResolvedOutput>>;
}

/** How to run the program. */
export interface RunStackOptions {
  /** Stack name; its `Pulumi.<stack>.yaml` is the config unless `config` is given. */
  readonly stack: string;
  /** Raw config to use instead of the stack file. */
  readonly config?: RawConfig;
  /** Run as a preview (outputs the mocks do not return stay unknown). Default false. */
  readonly preview?: boolean;
  /** How long to wait for one stack output, in ms. Default 10 000. */
  readonly outputTimeoutMs?: number;
}

type Program = () => Promise<Record<string, unknown>>;

/** The program threw; `resources` is what it had registered before. */
export class StackRunFailure extends Error {
  /**
   * @param cause what the program threw.
   * @param resources every resource registered before the throw.
   */
  constructor(
    override readonly cause: unknown,
    readonly resources: readonly RecordedResource[],
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = "StackRunFailure";
  }
}

/**
 * Runs the real program (`stacks/index.ts`) for a stack under Pulumi's mocks and records every
 * resource it registers. Runs are sequential within a process; each installs fresh mocks.
 * When the program throws (a `ConfigError`, say) the promise rejects with a
 * {@link StackRunFailure} that carries the error and what was registered before it.
 *
 * While the program runs, errors capture no stack frames unless `PULUMI_DEBUG_PROMISE_LEAKS` is
 * set: the SDK records `new Error().stack` for every promise it tracks, to print only when that
 * variable asks for leak details (@pulumi/pulumi runtime/debuggable.js, `debuggablePromise`),
 * and under tsx each capture is mapped through source maps. With 1,000 apps that was about half
 * of the plan's time. Errors keep their messages, which is what the plan and the tests report.
 */
export async function runStack(options: RunStackOptions): Promise<StackRun> {
  const limit = Error.stackTraceLimit;
  if (!process.env.PULUMI_DEBUG_PROMISE_LEAKS) {
    Error.stackTraceLimit = 0;
  }
  try {
    return await runProgram(options);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** {@link runStack} without its stack-trace setting. */
async function runProgram(options: RunStackOptions): Promise<StackRun> {
  const raw = options.config ?? readStackConfigFile(options.stack);
  const recorder = await installMocks(options.stack, options.preview ?? false);
  pulumi.runtime.setAllConfig(raw, []);
  const { default: program } = (await import("../../stacks/index")) as { default: Program };
  let returned: Record<string, unknown>;
  try {
    returned = await program();
  } catch (error) {
    await waitForRegistrations();
    throw new StackRunFailure(error, recorder.resources);
  }
  const timeout = options.outputTimeoutMs ?? 10_000;
  const entries = await Promise.all(
    Object.entries(returned).map(
      async ([name, value]) => [name, await resolveOutput(name, value, timeout)] as const,
    ),
  );
  await waitForRegistrations();
  return {
    stack: options.stack,
    resources: recorder.resources,
    outputs: Object.fromEntries(entries),
  };
}
