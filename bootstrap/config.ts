import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ipRangeProblem } from "./state-backend";

/** The bootstrap program's Pulumi project name; its config keys are `hiring-infra-bootstrap:<key>`. */
export const BOOTSTRAP_PROJECT = "hiring-infra-bootstrap";

const objectId = z.guid("expected an Entra ID object id (a GUID)");
const tagValue = z.string().min(1, "expected a non-empty tag value").max(256);

const granteeSchema = z.strictObject({
  /** Object id of the user, group or service principal (a managed identity's principalId). */
  objectId,
  principalType: z.enum(["User", "Group", "ServicePrincipal"]),
});

const ipRange = z.string().superRefine((range, ctx) => {
  const problem = ipRangeProblem(range);
  if (problem !== undefined) {
    ctx.addIssue({ code: "custom", message: `expected a public IPv4 range: ${problem}` });
  }
});

/** Every key `Pulumi.<stack>.yaml` can set under `hiring-infra-bootstrap:`. */
export const bootstrapConfigSchema = z.strictObject({
  location: z.string().regex(/^[a-z][a-z0-9]+$/, "expected an Azure region name, like westeurope"),
  namePrefix: z
    .string()
    .regex(
      /^[a-z][a-z0-9]{1,7}$/,
      "expected 2-8 lowercase letters or digits, starting with a letter",
    ),
  owner: tagValue,
  costCenter: tagValue,
  /** Public ranges let through the storage and vault firewalls (operators, CI egress). */
  allowedIpRanges: z
    .array(ipRange)
    .min(1, "expected at least one public range, or nobody can reach the state")
    .refine((ranges) => new Set(ranges).size === ranges.length, "expected each range once"),
  /** Principals that deploy: state read/write and secrets encrypt/decrypt. */
  stateWriters: z.array(granteeSchema).default([]),
  /** Principals that preview only: state read and secrets decrypt. */
  stateReaders: z.array(granteeSchema).default([]),
});

/** The bootstrap stack's validated configuration. */
export type BootstrapConfig = z.output<typeof bootstrapConfigSchema> & {
  /** The Pulumi stack name. */
  readonly stack: string;
};

/** One problem in the bootstrap configuration. */
export interface BootstrapConfigProblem {
  /** Full config key, e.g. `hiring-infra-bootstrap:allowedIpRanges[0]`. */
  readonly key: string;
  /** What was expected. */
  readonly expected: string;
  /** The value found, as JSON, or `(not set)`. */
  readonly found: string;
}

/**
 * The bootstrap configuration is invalid. Raised before any resource is registered, listing every
 * problem; a `RunError` so the CLI prints the message without a stack trace.
 */
export class BootstrapConfigError extends pulumi.RunError {
  /**
   * @param stackName the stack whose configuration is invalid.
   * @param problems every problem found.
   */
  constructor(
    readonly stackName: string,
    readonly problems: readonly BootstrapConfigProblem[],
  ) {
    super(
      [
        `Invalid configuration for bootstrap stack "${stackName}" (${problems.length} problem${problems.length === 1 ? "" : "s"}):`,
        ...problems.map((p) => `  - ${p.key}: ${p.expected}; found ${p.found}`),
      ].join("\n"),
    );
    this.name = "BootstrapConfigError";
  }
}

function keyOf(path: readonly PropertyKey[]): string {
  const [top, ...rest] = path;
  let key = `${BOOTSTRAP_PROJECT}:${String(top ?? "")}`;
  for (const segment of rest) {
    key += typeof segment === "number" ? `[${segment}]` : `.${String(segment)}`;
  }
  return key;
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

function describeValue(value: unknown): string {
  if (value === undefined) {
    return "(not set)";
  }
  const json = JSON.stringify(value);
  return json.length > 120 ? `${json.slice(0, 117)}...` : json;
}

function problemsOf(error: z.ZodError, data: unknown): BootstrapConfigProblem[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((unknownKey) => ({
        key: keyOf([...issue.path, unknownKey]),
        expected: "unknown key (misspelt, or not a setting of the bootstrap)",
        found: describeValue(valueAt(data, [...issue.path, unknownKey])),
      }));
    }
    return [
      {
        key: keyOf(issue.path),
        expected: issue.message,
        found: describeValue(valueAt(data, issue.path)),
      },
    ];
  });
}

/**
 * Turns raw Pulumi config (every value a string; objects and arrays as JSON) into plain data.
 * Scalars stay strings, so a cost centre like `1042` is not made a number.
 */
function decode(raw: Readonly<Record<string, string>>): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  const prefix = `${BOOTSTRAP_PROJECT}:`;
  for (const [fullKey, value] of Object.entries(raw)) {
    if (!fullKey.startsWith(prefix)) {
      continue;
    }
    const trimmed = value.trim();
    let decoded: unknown = value;
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
      try {
        decoded = JSON.parse(trimmed);
      } catch {
        decoded = value;
      }
    }
    data[fullKey.slice(prefix.length)] = decoded;
  }
  return data;
}

/**
 * Parses and validates raw bootstrap config. Throws one {@link BootstrapConfigError} listing
 * every problem.
 *
 * @param stack the stack name.
 * @param raw every config value keyed `<namespace>:<key>`, as `pulumi.runtime.allConfig()` returns.
 */
export function parseBootstrapConfig(
  stack: string,
  raw: Readonly<Record<string, string>>,
): BootstrapConfig {
  const data = decode(raw);
  const result = bootstrapConfigSchema.safeParse(data, { reportInput: true });
  if (!result.success) {
    throw new BootstrapConfigError(stack, problemsOf(result.error, data));
  }
  return Object.freeze({ ...result.data, stack });
}

/** Reads the current stack's bootstrap config from Pulumi, validated. */
export function loadBootstrapConfig(): BootstrapConfig {
  return parseBootstrapConfig(pulumi.getStack(), pulumi.runtime.allConfig());
}
