import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import {
  type ConfigProblem,
  configProblemsOf,
  decodeConfig,
  InvalidConfigError,
} from "../core/config-problems";
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

/**
 * The bootstrap configuration is invalid. Raised before any resource is registered, listing every
 * problem.
 */
export class BootstrapConfigError extends InvalidConfigError {
  /**
   * @param stackName the stack whose configuration is invalid.
   * @param problems every problem found.
   */
  constructor(stackName: string, problems: readonly ConfigProblem[]) {
    super("bootstrap stack", stackName, problems);
    this.name = "BootstrapConfigError";
  }
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
  // Scalars stay strings: no bootstrap setting is a boolean.
  const data = decodeConfig(BOOTSTRAP_PROJECT, raw, { booleans: false });
  const result = bootstrapConfigSchema.safeParse(data, { reportInput: true });
  if (!result.success) {
    throw new BootstrapConfigError(
      stack,
      configProblemsOf(BOOTSTRAP_PROJECT, result.error, data, {
        unknownKey: "unknown key (misspelt, or not a setting of the bootstrap)",
      }),
    );
  }
  return Object.freeze({ ...result.data, stack });
}

/** Reads the current stack's bootstrap config from Pulumi, validated. */
export function loadBootstrapConfig(): BootstrapConfig {
  return parseBootstrapConfig(pulumi.getStack(), pulumi.runtime.allConfig());
}
