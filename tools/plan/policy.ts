import type {
  EnforcementLevel,
  PolicyProviderResource,
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
} from "@pulumi/policy";
import * as policyProxy from "@pulumi/policy/proxy";
import devConfigJson from "../../policy/config.dev.json";
import prodConfigJson from "../../policy/config.prod.json";
import { isStackPolicy, policies as packPolicies, type HiringPolicy } from "../../policy/rules";
import { isUnknownValueError, unknownCheckingProxy } from "../../policy/sdk";
import { isProductionStack } from "../../stacks/config";
import { UNKNOWN_MARKER, type PlanResource, type StackPlan } from "./plan";

/** Files the CLI takes with `--policy-pack-config`, by the name reports show. */
export const POLICY_CONFIG_FILES = {
  prod: "policy/config.prod.json",
  dev: "policy/config.dev.json",
} as const;

const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = [
  "advisory",
  "mandatory",
  "remediate",
  "disabled",
];

/**
 * A policy-pack config file as `pulumi preview --policy-pack-config` reads it: per policy name
 * (or `all`), an enforcement level, or an object with an optional `enforcementLevel` and the
 * policy's config properties.
 */
export type PolicyConfigFile = Readonly<
  Record<string, EnforcementLevel | Readonly<Record<string, unknown>>>
>;

/** Which config applies to a run, and where it came from (for the report). */
export interface Enforcement {
  /** The config file, e.g. `policy/config.prod.json`. */
  readonly source: string;
  readonly config: PolicyConfigFile;
}

function isEnforcementLevel(value: unknown): value is EnforcementLevel {
  return ENFORCEMENT_LEVELS.includes(value as EnforcementLevel);
}

/**
 * Validates a policy-pack config the way the Pulumi CLI does (`parsePolicyPackConfig` in
 * pkg/resource/analyzer): values are a valid enforcement level or an object whose
 * `enforcementLevel`, if present, is one. Throws an error naming `source` and the key otherwise.
 */
export function parsePolicyConfig(value: unknown, source: string): PolicyConfigFile {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new Error(`${source}: expected a JSON object of policy names`);
  }
  for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
    const valid =
      entry !== null && typeof entry === "object" && !Array.isArray(entry)
        ? !("enforcementLevel" in entry) || isEnforcementLevel(entry.enforcementLevel)
        : isEnforcementLevel(entry);
    if (!valid) {
      throw new Error(
        `${source}: "${key}" must be one of ${ENFORCEMENT_LEVELS.join(", ")} or an object with a valid enforcementLevel; found ${JSON.stringify(entry)}`,
      );
    }
  }
  return value as PolicyConfigFile;
}

const PROD_ENFORCEMENT: Enforcement = {
  source: POLICY_CONFIG_FILES.prod,
  config: parsePolicyConfig(prodConfigJson, POLICY_CONFIG_FILES.prod),
};
const DEV_ENFORCEMENT: Enforcement = {
  source: POLICY_CONFIG_FILES.dev,
  config: parsePolicyConfig(devConfigJson, POLICY_CONFIG_FILES.dev),
};

/** The key of the stack setting that says whether a stack is production. */
export const ENVIRONMENT_CONFIG_KEY = "hiring-infra:environment";

/**
 * The enforcement a stack's offline plan is checked with, from its name and raw config (as
 * `readStackConfigFile` returns it): `policy/config.prod.json` for a production stack (by name,
 * see `isProductionStack`, or by `hiring-infra:environment: production`), `policy/config.dev.json`
 * otherwise (the schema's default is `development`).
 */
export function enforcementForStack(
  stackConfig: Readonly<Record<string, string>>,
  stackName = "",
): Enforcement {
  return isProductionStack(stackName) || stackConfig[ENVIRONMENT_CONFIG_KEY] === "production"
    ? PROD_ENFORCEMENT
    : DEV_ENFORCEMENT;
}

/** One policy's effective settings after config is applied. */
export interface PolicySettings {
  readonly enforcementLevel: EnforcementLevel;
  /** What `args.getConfig()` returns: schema defaults, then the file's properties. */
  readonly properties: Readonly<Record<string, unknown>>;
}

function entryOf(
  config: PolicyConfigFile,
  key: string,
): { level?: EnforcementLevel; properties: Record<string, unknown> } {
  const entry = config[key];
  if (entry === undefined) {
    return { properties: {} };
  }
  if (typeof entry === "string") {
    return { level: entry, properties: {} };
  }
  const { enforcementLevel, ...properties } = entry;
  return isEnforcementLevel(enforcementLevel)
    ? { level: enforcementLevel, properties }
    : { properties };
}

const JSON_TYPE_CHECKS: Readonly<Record<string, (value: unknown) => boolean>> = {
  string: (value) => typeof value === "string",
  number: (value) => typeof value === "number",
  integer: (value) => Number.isInteger(value),
  boolean: (value) => typeof value === "boolean",
  array: (value) => Array.isArray(value),
  object: (value) => value !== null && typeof value === "object" && !Array.isArray(value),
};

/** The CLI's schema check of a config property, for the keywords this pack's schemas use. */
function checkProperty(policy: HiringPolicy, key: string, value: unknown): void {
  const schema = policy.configSchema?.properties[key];
  if (typeof schema !== "object") {
    return;
  }
  const types = schema.type === undefined ? [] : [schema.type].flat();
  const fail = (expected: string): never => {
    throw new Error(`${policy.name}: ${key} must be ${expected}; found ${JSON.stringify(value)}`);
  };
  if (types.length > 0 && !types.some((type) => JSON_TYPE_CHECKS[type]?.(value) === true)) {
    fail(types.join(" or "));
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) {
      fail(`>= ${schema.minimum}`);
    }
    if (schema.maximum !== undefined && value > schema.maximum) {
      fail(`<= ${schema.maximum}`);
    }
  }
}

/**
 * Each policy's level and config as the Pulumi CLI reconciles them before it configures the pack
 * (`ReconcilePolicyPackConfig`): the policy's own level and schema defaults, then `all`'s level,
 * then the policy's own entry. Throws, naming the policy and key, for a property the policy's
 * schema rejects (the CLI fails the preview for those).
 */
export function reconcilePolicyConfig(
  config: PolicyConfigFile,
  rules: readonly HiringPolicy[] = packPolicies,
): ReadonlyMap<string, PolicySettings> {
  const all = entryOf(config, "all");
  return new Map(
    rules.map((policy) => {
      const defaults = Object.fromEntries(
        Object.entries(policy.configSchema?.properties ?? {}).flatMap(([key, schema]) =>
          typeof schema === "object" && schema.default !== undefined ? [[key, schema.default]] : [],
        ),
      );
      const own = entryOf(config, policy.name);
      for (const [key, value] of Object.entries(own.properties)) {
        checkProperty(policy, key, value);
      }
      return [
        policy.name,
        {
          enforcementLevel: own.level ?? all.level ?? policy.enforcementLevel,
          properties: { ...defaults, ...own.properties },
        },
      ];
    }),
  );
}

/** A violation: its message, how it counts and, for a resource, its URN. */
export interface PolicyFinding {
  readonly message: string;
  /**
   * The rule's level; always `advisory` when the rule could not run because it read a value
   * unknown until deployment (the policy server reports those as advisory).
   */
  readonly enforcementLevel: "mandatory" | "advisory";
  readonly urn?: string;
}

/** How a rule ended: passed, violated (at its level), disabled, or had nothing to check. */
export type PolicyStatus = "passed" | "advisory" | "mandatory" | "disabled" | "not-applicable";

/** One rule's outcome on a plan. */
export interface PolicyResult {
  readonly name: string;
  readonly description: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly status: PolicyStatus;
  /** Resources of the types the rule applies to. */
  readonly checked: number;
  readonly findings: readonly PolicyFinding[];
}

/** Every rule's outcome on one stack's plan. */
export interface PolicyEvaluation {
  readonly stack: string;
  /** The config file the levels came from. */
  readonly source: string;
  readonly results: readonly PolicyResult[];
}

const unknownStringValue: unknown = (policyProxy as unknown as Record<string, unknown>)
  .unknownStringValue;

/**
 * The plan's `[unknown]` markers as the policy SDK's unknown sentinel, so a rule that reads one
 * fails the way it does during `pulumi preview` instead of seeing a string.
 */
function withUnknowns(value: unknown): unknown {
  if (value === UNKNOWN_MARKER) {
    if (typeof unknownStringValue !== "string") {
      throw new Error("@pulumi/policy/proxy no longer exports unknownStringValue");
    }
    return unknownStringValue;
  }
  if (Array.isArray(value)) {
    return value.map(withUnknowns);
  }
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, child]) => [key, withUnknowns(child)]),
    );
  }
  return value;
}

function propsOf(resource: PlanResource): Record<string, unknown> {
  return unknownCheckingProxy(withUnknowns(resource.inputs) as Record<string, unknown>);
}

function optionsOf(resource: PlanResource): PolicyResourceOptions {
  return {
    protect: resource.options.protect === true,
    ignoreChanges: [...(resource.options.ignoreChanges ?? [])],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [...(resource.options.additionalSecretOutputs ?? [])],
    ...(resource.options.deleteBeforeReplace ? { deleteBeforeReplace: true } : {}),
    ...(resource.parent !== undefined ? { parent: resource.parent } : {}),
  };
}

function providerOf(
  resource: PlanResource,
  byUrn: ReadonlyMap<string, PlanResource>,
): PolicyProviderResource | undefined {
  const provider =
    resource.options.provider === undefined ? undefined : byUrn.get(resource.options.provider);
  return provider === undefined
    ? undefined
    : { type: provider.type, props: propsOf(provider), urn: provider.urn, name: provider.name };
}

function typeChecks(type: string, props: Record<string, unknown>) {
  const isType = (resourceClass: object): boolean =>
    Reflect.get(resourceClass, "__pulumiType") === type;
  return {
    isType,
    asType: ((resourceClass: object) =>
      isType(resourceClass) ? props : undefined) as ResourceValidationArgs["asType"],
  };
}

class NotApplicable extends Error {}

function throwNotApplicable(reason?: string): never {
  throw new NotApplicable(reason);
}

/** The stack's resources as a stack rule sees them, parents and dependencies linked. */
function stackResources(plan: StackPlan): PolicyResource[] {
  const byUrn = new Map(plan.resources.map((resource) => [resource.urn, resource]));
  const converted = new Map<string, PolicyResource>();
  for (const resource of plan.resources) {
    const props = propsOf(resource);
    const provider = providerOf(resource, byUrn);
    converted.set(resource.urn, {
      type: resource.type,
      props,
      urn: resource.urn,
      name: resource.name,
      opts: optionsOf(resource),
      ...(provider ? { provider } : {}),
      dependencies: [],
      propertyDependencies: {},
      ...typeChecks(resource.type, props),
    } as PolicyResource);
  }
  for (const resource of plan.resources) {
    const target = converted.get(resource.urn);
    if (target === undefined) {
      continue;
    }
    const parent = resource.parent === undefined ? undefined : converted.get(resource.parent);
    if (parent !== undefined) {
      target.parent = parent;
    }
    target.dependencies = (resource.options.dependsOn ?? []).flatMap((urn) => {
      const dependency = converted.get(urn);
      return dependency === undefined ? [] : [dependency];
    });
  }
  return [...converted.values()];
}

const EMPTY_STACK_TAGS: ReadonlyMap<string, string> = new Map();

async function runPolicy(
  policy: HiringPolicy,
  settings: PolicySettings,
  plan: StackPlan,
): Promise<PolicyFinding[]> {
  const findings: PolicyFinding[] = [];
  // As in the policy server: a remediate-level rule that only validates counts as mandatory.
  const level = settings.enforcementLevel === "advisory" ? "advisory" : "mandatory";
  const getConfig = (() => settings.properties) as ResourceValidationArgs["getConfig"];
  const run = async (validate: () => unknown, urn?: string): Promise<void> => {
    try {
      await validate();
    } catch (error) {
      if (error instanceof NotApplicable) {
        return;
      }
      if (!isUnknownValueError(error)) {
        throw error;
      }
      // The policy server turns this into an advisory diagnostic, whatever the level.
      findings.push({
        message: `can't run policy '${policy.name}' during preview: ${error.message}`,
        enforcementLevel: "advisory",
        ...(urn === undefined ? {} : { urn }),
      });
    }
  };
  if (isStackPolicy(policy)) {
    await run(() =>
      policy.validateStack(
        {
          resources: stackResources(plan),
          stackTags: EMPTY_STACK_TAGS,
          getConfig,
          notApplicable: throwNotApplicable,
        },
        (message, urn) => {
          findings.push({
            message,
            enforcementLevel: level,
            ...(urn === undefined ? {} : { urn }),
          });
        },
      ),
    );
    return findings;
  }
  const byUrn = new Map(plan.resources.map((resource) => [resource.urn, resource]));
  for (const resource of plan.resources) {
    const props = propsOf(resource);
    const provider = providerOf(resource, byUrn);
    const args: ResourceValidationArgs = {
      type: resource.type,
      props,
      urn: resource.urn,
      name: resource.name,
      opts: optionsOf(resource),
      ...(provider ? { provider } : {}),
      stackTags: EMPTY_STACK_TAGS,
      getConfig,
      notApplicable: throwNotApplicable,
      ...typeChecks(resource.type, props),
    };
    await run(
      () =>
        policy.validateResource(args, (message) => {
          findings.push({ message, enforcementLevel: level, urn: resource.urn });
        }),
      resource.urn,
    );
  }
  return findings;
}

/**
 * Runs every rule of the policy pack (the same functions `pulumi preview --policy-pack policy`
 * runs) over a plan's resources, with the levels `enforcement` gives them. Props are the plan's
 * inputs (secrets stay masked markers) behind the SDK's unknown-checking proxy.
 */
export async function evaluatePolicies(
  plan: StackPlan,
  enforcement: Enforcement,
  rules: readonly HiringPolicy[] = packPolicies,
): Promise<PolicyEvaluation> {
  const settings = reconcilePolicyConfig(enforcement.config, rules);
  const results: PolicyResult[] = [];
  for (const policy of rules) {
    const effective = settings.get(policy.name) ?? {
      enforcementLevel: policy.enforcementLevel,
      properties: {},
    };
    const checked = plan.resources.filter((resource) =>
      policy.appliesTo.includes(resource.type),
    ).length;
    const base = {
      name: policy.name,
      description: policy.description,
      enforcementLevel: effective.enforcementLevel,
      checked,
    };
    if (effective.enforcementLevel === "disabled") {
      results.push({ ...base, status: "disabled", findings: [] });
      continue;
    }
    const findings = await runPolicy(policy, effective, plan);
    const status: PolicyStatus = findings.some(
      (finding) => finding.enforcementLevel === "mandatory",
    )
      ? "mandatory"
      : findings.length > 0
        ? "advisory"
        : checked === 0
          ? "not-applicable"
          : "passed";
    results.push({ ...base, status, findings });
  }
  return { stack: plan.stack, source: enforcement.source, results };
}

/** Counts for the report's summary line. */
export interface PolicySummary {
  /** Rules that checked at least one resource and found nothing. */
  readonly passed: number;
  /** Violations of mandatory rules (each blocks a deployment). */
  readonly mandatoryViolations: number;
  /** Violations of advisory rules. */
  readonly advisoryViolations: number;
  readonly notApplicable: number;
  readonly disabled: number;
}

/** The summary counts of an evaluation. */
export function summarizePolicies(evaluation: PolicyEvaluation): PolicySummary {
  const count = (status: PolicyStatus): number =>
    evaluation.results.filter((result) => result.status === status).length;
  const violations = (level: PolicyFinding["enforcementLevel"]): number =>
    evaluation.results
      .flatMap((result) => result.findings)
      .filter((finding) => finding.enforcementLevel === level).length;
  return {
    passed: count("passed"),
    mandatoryViolations: violations("mandatory"),
    advisoryViolations: violations("advisory"),
    notApplicable: count("not-applicable"),
    disabled: count("disabled"),
  };
}

/** True when a mandatory rule was violated: `pulumi preview` would fail. */
export function hasMandatoryViolations(evaluation: PolicyEvaluation): boolean {
  return summarizePolicies(evaluation).mandatoryViolations > 0;
}

/** `azure-native:dbforpostgresql:Server database-server` for the resource's URN. */
function describeUrn(urn: string): string {
  const [, , typeChain = "", ...name] = urn.split("::");
  return `${typeChain.split("$").pop() ?? typeChain} ${name.join("::")}`;
}

const STATUS_LABEL: Readonly<Record<PolicyStatus, string>> = {
  passed: "passed",
  mandatory: "MANDATORY",
  advisory: "advisory",
  disabled: "disabled",
  "not-applicable": "n/a",
};

/**
 * The policy section of the offline plan: violations first (mandatory, then advisory) with the
 * resource and message, then the rules that passed, then the summary line
 * `policies: N passed, M mandatory violations, A advisory violations, ...`.
 */
export function renderPolicyReport(evaluation: PolicyEvaluation): string {
  const order: PolicyStatus[] = ["mandatory", "advisory", "passed", "not-applicable", "disabled"];
  const lines = [`Policies for ${evaluation.stack} (levels from ${evaluation.source})`];
  for (const status of order) {
    for (const result of evaluation.results.filter((item) => item.status === status)) {
      const subject =
        result.status === "passed"
          ? ` (${result.checked} resource${result.checked === 1 ? "" : "s"})`
          : "";
      lines.push(`  ${STATUS_LABEL[status].padEnd(9)} ${result.name}${subject}`);
      for (const finding of result.findings) {
        const where = finding.urn === undefined ? "" : `${describeUrn(finding.urn)}: `;
        lines.push(`      ${where}${finding.message}`);
      }
    }
  }
  const summary = summarizePolicies(evaluation);
  lines.push(
    `policies: ${summary.passed} passed, ${summary.mandatoryViolations} mandatory violations, ` +
      `${summary.advisoryViolations} advisory violations, ${summary.notApplicable} not applicable` +
      (summary.disabled > 0 ? `, ${summary.disabled} disabled` : ""),
  );
  return `${lines.join("\n")}\n`;
}
