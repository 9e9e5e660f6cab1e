import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";

/** One problem in a Pulumi project's configuration. */
export interface ConfigProblem {
  /** Full config key, e.g. `hiring-infra:cluster.systemPool.maxCount`. */
  readonly key: string;
  /** What was expected. */
  readonly expected: string;
  /** The value found, as JSON, or `(not set)`. */
  readonly found: string;
}

/**
 * A stack's configuration is invalid. Raised before any resource is registered; it lists every
 * problem at once. Extends `RunError` so the Pulumi CLI prints the message without a stack trace.
 * Each project subclasses it, so a caller catches only its own project's error.
 */
export abstract class InvalidConfigError extends pulumi.RunError {
  /**
   * @param stackKind how the message names the stack, e.g. `stack` or `bootstrap stack`.
   * @param stackName the stack whose configuration is invalid.
   * @param problems every problem found.
   */
  protected constructor(
    stackKind: string,
    readonly stackName: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(
      [
        `Invalid configuration for ${stackKind} "${stackName}" (${problems.length} problem${problems.length === 1 ? "" : "s"}):`,
        ...problems.map((p) => `  - ${p.key}: ${p.expected}; found ${p.found}`),
      ].join("\n"),
    );
  }
}

/**
 * The full config key of a value, as a stack file spells it: `<project>:<top>` followed by
 * `.field` and `[index]` segments.
 *
 * @param project the Pulumi project name (the config namespace).
 * @param path the value's path from the top-level key.
 */
export function configKey(project: string, path: readonly PropertyKey[]): string {
  const [top, ...rest] = path;
  let key = `${project}:${String(top ?? "")}`;
  for (const segment of rest) {
    key += typeof segment === "number" ? `[${segment}]` : `.${String(segment)}`;
  }
  return key;
}

/**
 * A config value as a problem reports it: JSON cut to 120 characters, or `(not set)`.
 *
 * @param value the decoded value, `undefined` when the key is absent.
 */
export function describeConfigValue(value: unknown): string {
  if (value === undefined) {
    return "(not set)";
  }
  const json = JSON.stringify(value);
  return json.length > 120 ? `${json.slice(0, 117)}...` : json;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let value = data;
  for (const segment of path) {
    if (value === null || typeof value !== "object") {
      return undefined;
    }
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

/** How {@link configProblemsOf} words what it reports. */
export interface ConfigProblemWording {
  /** What an unrecognised key is said to be, e.g. `unknown key (misspelt, or ...)`. */
  readonly unknownKey: string;
  /**
   * The wording of an issue whose schema message would mislead, or `undefined` to keep the
   * message. Default: keep every message.
   */
  readonly reword?: (issue: z.core.$ZodIssue) => string | undefined;
}

/**
 * Every problem a failed schema parse found, one per issue and one per unrecognised key, in the
 * order the schema reported them.
 *
 * @param project the Pulumi project name (the config namespace).
 * @param error the schema's error.
 * @param data the decoded config that was parsed, to report the values found.
 * @param wording how unknown keys and misleading issues are worded.
 */
export function configProblemsOf(
  project: string,
  error: z.ZodError,
  data: unknown,
  wording: ConfigProblemWording,
): ConfigProblem[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((unknownKey) => {
        const path = [...issue.path, unknownKey];
        return {
          key: configKey(project, path),
          expected: wording.unknownKey,
          found: describeConfigValue(valueAt(data, path)),
        };
      });
    }
    return [
      {
        key: configKey(project, issue.path),
        expected: wording.reword?.(issue) ?? issue.message,
        found: describeConfigValue(valueAt(data, issue.path)),
      },
    ];
  });
}

/** How {@link decodeConfig} reads scalar values. */
export interface ConfigDecoding {
  /** Read `true` and `false` as booleans; otherwise every scalar stays a string. */
  readonly booleans: boolean;
}

/**
 * Turns raw Pulumi config (every value a string; objects and arrays as JSON) into plain data keyed
 * without the project namespace; keys of other namespaces are dropped. Scalars stay strings (unless
 * `decoding.booleans`), so a cost centre like `1234` is not made a number.
 *
 * @param project the Pulumi project name (the config namespace).
 * @param raw every config value keyed `<namespace>:<key>`, as `pulumi.runtime.allConfig()` returns.
 * @param decoding how scalars are read.
 */
export function decodeConfig(
  project: string,
  raw: Readonly<Record<string, string>>,
  decoding: ConfigDecoding,
): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  const prefix = `${project}:`;
  for (const [fullKey, value] of Object.entries(raw)) {
    if (!fullKey.startsWith(prefix)) {
      continue;
    }
    const key = fullKey.slice(prefix.length);
    const trimmed = value.trim();
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
      try {
        data[key] = JSON.parse(trimmed);
      } catch {
        data[key] = value;
      }
    } else if (decoding.booleans && (value === "true" || value === "false")) {
      data[key] = value === "true";
    } else {
      data[key] = value;
    }
  }
  return data;
}
