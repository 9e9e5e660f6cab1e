/**
 * The rule kit: the pack's name and levels, a rule's metadata, safe readers of resource
 * properties and the two rule builders every area uses.
 */
import type {
  EnforcementLevel,
  PolicyConfigSchema,
  PolicyResource,
  ResourceValidation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { isUnknownValueError } from "../sdk";

/** The pack's name as `pulumi preview` reports it. */
export const POLICY_PACK_NAME = "hiring-infra-baseline";

/**
 * Every rule's level when no config says otherwise. Config raises it: `policy/config.prod.json`
 * makes every rule mandatory, so production strictness lives in config, never in rule code.
 */
export const DEFAULT_ENFORCEMENT_LEVEL: EnforcementLevel = "advisory";

/** What every rule of this pack declares on top of `@pulumi/policy`'s fields. */
interface RuleMetadata {
  /** Resource types the rule reads (for a stack rule: the types it looks across). */
  readonly appliesTo: readonly string[];
  /** The level in code; config files override it. */
  readonly enforcementLevel: EnforcementLevel;
  /** How to fix a violation; also appended to every violation message. */
  readonly remediationSteps: string;
}

/** A rule that checks one resource's inputs at a time. */
export type HiringResourcePolicy = ResourceValidationPolicy &
  RuleMetadata & {
    readonly validateResource: ResourceValidation;
  };

/** A rule that checks relations across the whole stack. */
export type HiringStackPolicy = StackValidationPolicy & RuleMetadata;

/** One rule of the pack. */
export type HiringPolicy = HiringResourcePolicy | HiringStackPolicy;

/** True for a rule that runs once over the whole stack. */
export function isStackPolicy(policy: HiringPolicy): policy is HiringStackPolicy {
  return "validateStack" in policy;
}

export type Props = Readonly<Record<string, unknown>>;

/** Reads `value.a.b[0]`; undefined when a step is missing. Unknown values throw (via the proxy). */
export function at(value: unknown, ...path: readonly (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") {
      return undefined;
    }
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

export function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function items(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? (value as readonly unknown[]) : [];
}

export function entries(value: unknown): [string, unknown][] {
  return value !== null && typeof value === "object" ? Object.entries(value) : [];
}

/** A value as a violation message shows it. */
export function show(value: unknown): string {
  return value === undefined ? "unset" : JSON.stringify(value);
}

/** `read()`, or undefined when it reads a value that is unknown during preview. */
export function known<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (isUnknownValueError(error)) {
      return undefined;
    }
    throw error;
  }
}

interface RuleSpec {
  readonly name: string;
  readonly description: string;
  readonly remediation: string;
  readonly appliesTo: readonly string[];
  readonly configSchema?: PolicyConfigSchema;
}

interface ResourceRuleSpec extends RuleSpec {
  /** Calls `report` once per finding; `props` are the resource's inputs. */
  readonly check: (
    props: Props,
    report: (finding: string) => void,
    args: ResourceValidationArgs,
  ) => void;
}

interface StackRuleSpec extends RuleSpec {
  /** Calls `report` once per finding, with the URN of the resource at fault. */
  readonly check: (
    resources: readonly PolicyResource[],
    report: (finding: string, urn: string) => void,
  ) => void;
}

function metadata(
  spec: RuleSpec,
): RuleMetadata & Omit<ResourceValidationPolicy, "validateResource"> {
  return {
    name: spec.name,
    description: spec.description,
    remediationSteps: spec.remediation,
    enforcementLevel: DEFAULT_ENFORCEMENT_LEVEL,
    appliesTo: spec.appliesTo,
    ...(spec.configSchema ? { configSchema: spec.configSchema } : {}),
  };
}

export function resourceRule(spec: ResourceRuleSpec): HiringResourcePolicy {
  return {
    ...metadata(spec),
    validateResource: (args, reportViolation) => {
      if (!spec.appliesTo.includes(args.type)) {
        return;
      }
      spec.check(
        args.props,
        (finding) => {
          reportViolation(`${finding} Fix: ${spec.remediation}`);
        },
        args,
      );
    },
  };
}

export function stackRule(spec: StackRuleSpec): HiringStackPolicy {
  return {
    ...metadata(spec),
    validateStack: (args, reportViolation) => {
      spec.check(args.resources, (finding, urn) => {
        reportViolation(`${finding} Fix: ${spec.remediation}`, urn);
      });
    },
  };
}

export const MANAGED_CLUSTER = "azure-native:containerservice:ManagedCluster";
export const AGENT_POOL = "azure-native:containerservice:AgentPool";
export const DATA_COLLECTION_RULE = "azure-native:monitor:DataCollectionRule";
export const DATA_COLLECTION_RULE_ASSOCIATION =
  "azure-native:monitor:DataCollectionRuleAssociation";
export const POSTGRES_SERVER = "azure-native:dbforpostgresql:Server";
export const POSTGRES_CONFIGURATION = "azure-native:dbforpostgresql:Configuration";
export const KEY_VAULT = "azure-native:keyvault:Vault";
export const REGISTRY = "azure-native:containerregistry:Registry";
export const WORKSPACE = "azure-native:operationalinsights:Workspace";
export const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";
export const NAMESPACE = "kubernetes:core/v1:Namespace";
