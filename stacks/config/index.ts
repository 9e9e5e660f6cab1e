import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import {
  type ConfigProblem,
  configKey,
  configProblemsOf,
  decodeConfig,
  describeConfigValue,
  InvalidConfigError,
} from "../../core/config-problems";
import { ResourceNamer, NamingError, type AzureResourceKind } from "../../infra/naming";
import { jenkinsProblemPath, targetProblems } from "../../infra/cicd/args";
import { appSchema, azureStackSchema, localStackSchema, nodePoolSchema } from "./schema";
import { PROJECT, isProductionStack } from "./stack";
import { CROSS_FIELD, crossFieldRules } from "./rules";
export {
  administratorRoles,
  isProductionStack,
  JENKINS_NAMESPACE,
  PRODUCTION_STACK_NAME,
  PROJECT,
  stackNamespaces,
} from "./stack";
export { MAX_AUTHORIZED_ADDRESSES } from "./production";

/** The schema of every key a stack file can set under `hiring-infra:`. */
export const stackConfigSchema = z
  .discriminatedUnion("platform", [azureStackSchema, localStackSchema])
  .superRefine(crossFieldRules, {
    // Run even when a field failed its own schema, as long as the platform is known.
    when: ({ value }) =>
      value !== null &&
      typeof value === "object" &&
      ["azure", "local"].includes(String((value as { platform?: unknown }).platform)),
  });

/** A stack's validated configuration, read once from `Pulumi.<stack>.yaml`. */
export type StackConfig = z.output<typeof stackConfigSchema> & {
  /** The Pulumi stack name. */
  readonly stack: string;
};
/** Configuration of a stack on Azure. */
export type AzureStackConfig = Extract<StackConfig, { platform: "azure" }>;
/** Configuration of a stack on an existing Kubernetes cluster. */
export type LocalStackConfig = Extract<StackConfig, { platform: "local" }>;
/** One application hosted on the platform. */
export type AppConfig = z.output<typeof appSchema>;
/** An AKS node pool's sizing. */
export type NodePoolConfig = z.output<typeof nodePoolSchema>;

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------

export type { ConfigProblem } from "../../core/config-problems";

/** A stack's configuration is invalid; the message lists every problem. */
export class ConfigError extends InvalidConfigError {
  /**
   * @param stackName the stack whose configuration is invalid.
   * @param problems every problem found.
   */
  constructor(stackName: string, problems: readonly ConfigProblem[]) {
    super("stack", stackName, problems);
    this.name = "ConfigError";
  }
}

function problemsOf(error: z.ZodError, data: unknown): ConfigProblem[] {
  return configProblemsOf(PROJECT, error, data, {
    unknownKey: "unknown key (misspelt, or not a setting of this project)",
    reword: (issue) =>
      issue.code === "invalid_union" && issue.path.length === 1 && issue.path[0] === "platform"
        ? 'expected "azure" or "local"'
        : undefined,
  });
}

/** Names that must fit Azure's limits for the chosen prefix and stack name. */
const NAMED_KINDS: readonly AzureResourceKind[] = [
  "resourceGroup",
  "kubernetesCluster",
  "kubernetesDnsPrefix",
  "postgresServer",
  "keyVault",
  "containerRegistry",
  "storageAccount",
  "logAnalyticsWorkspace",
];

function namingProblems(config: StackConfig): ConfigProblem[] {
  if (config.platform !== "azure") {
    return [];
  }
  const namer = new ResourceNamer(
    { prefix: config.namePrefix, stack: config.stack },
    "x".repeat(5),
  );
  const problems: ConfigProblem[] = [];
  for (const kind of NAMED_KINDS) {
    try {
      namer.name(kind);
    } catch (error) {
      if (!(error instanceof NamingError)) {
        throw error;
      }
      problems.push({
        key: configKey(PROJECT, ["namePrefix"]),
        expected: `expected a prefix short enough for Azure names with stack "${config.stack}": ${error.message}`,
        found: describeConfigValue(config.namePrefix),
      });
    }
  }
  return problems;
}

/**
 * The Jenkins component's target rule, on this stack plus its `cicd.targets` (this stack is
 * always a target of the Jenkins it hosts); needs the stack name, so it runs after the schema.
 */
function cicdTargetProblems(config: StackConfig): ConfigProblem[] {
  if (!config.cicd.enabled) {
    return [];
  }
  const targets = [{ stack: config.stack }, ...config.cicd.targets];
  return targetProblems(targets).map(({ key, reason }) => {
    // Index 0 is this stack itself; the stack file's list starts at the next one.
    const [top = "", index, ...rest] = jenkinsProblemPath(key);
    const path =
      typeof index === "number" && index > 0 ? ["cicd", top, index - 1, ...rest] : ["cicd", top];
    const found =
      typeof index === "number" && index > 0 ? config.cicd.targets[index - 1] : config.stack;
    return { key: configKey(PROJECT, path), expected: reason, found: describeConfigValue(found) };
  });
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) {
      deepFreeze(child);
    }
  }
  return value;
}

/**
 * Parses and validates raw stack config. Throws one {@link ConfigError} listing every problem.
 *
 * @param stack the stack name.
 * @param raw every config value, keyed `<namespace>:<key>`, as `pulumi.runtime.allConfig()` returns.
 */
export function parseStackConfig(
  stack: string,
  raw: Readonly<Record<string, string>>,
): StackConfig {
  const data = decodeConfig(PROJECT, raw, { booleans: true });
  const problems = [...namespaceProblems(raw), ...environmentProblems(stack, data)];
  // A production stack is checked by the production rules whatever its file says.
  const checked = isProductionStack(stack) ? { ...data, environment: "production" } : data;
  const result = stackConfigSchema.safeParse(checked, { reportInput: true });
  if (!result.success) {
    throw new ConfigError(stack, [
      ...problems,
      ...problemsOf(withoutShadowedIssues(result.error), data),
    ]);
  }
  const config: StackConfig = { ...result.data, stack };
  // Naming and CI target rules need the parsed config and the stack name, so they run last.
  problems.push(...namingProblems(config), ...cicdTargetProblems(config));
  if (problems.length > 0) {
    throw new ConfigError(stack, problems);
  }
  return deepFreeze(config);
}

/**
 * Config namespaces a stack file may use: this project's and those of the providers the program
 * uses. Anything else is most likely a misspelt `hiring-infra:` key the program would ignore.
 */
export const KNOWN_CONFIG_NAMESPACES: readonly string[] = [
  PROJECT,
  "azure-native",
  "kubernetes",
  "random",
  "pulumi",
];

function namespaceProblems(raw: Readonly<Record<string, string>>): ConfigProblem[] {
  return Object.keys(raw)
    .filter((key) => !KNOWN_CONFIG_NAMESPACES.includes(key.slice(0, key.indexOf(":"))))
    .map((key) => ({
      key,
      expected: `a key in a known namespace (${KNOWN_CONFIG_NAMESPACES.join(", ")}); a misspelt namespace is ignored by the program`,
      found: describeConfigValue(raw[key]),
    }));
}

function environmentProblems(
  stack: string,
  data: Readonly<Record<string, unknown>>,
): ConfigProblem[] {
  if (!isProductionStack(stack) || data.environment === "production") {
    return [];
  }
  return [
    {
      key: configKey(PROJECT, ["environment"]),
      expected: `expected "production" for stack "${stack}" (a stack named prod or prod-* is production)`,
      found: describeConfigValue(data.environment),
    },
  ];
}

/**
 * The schema's issues without cross-field ones about a value whose own schema already failed
 * (at or inside its path): those would only restate the type error in other words.
 */
function withoutShadowedIssues(error: z.ZodError): z.ZodError {
  const isCrossField = (issue: z.core.$ZodIssue): boolean =>
    issue.code === "custom" && issue.params?.[CROSS_FIELD] === true;
  const fieldPaths = error.issues
    .filter((issue) => !isCrossField(issue) && issue.code !== "unrecognized_keys")
    .map((issue) => issue.path.map(String).join("."));
  const shadowed = (issue: z.core.$ZodIssue): boolean => {
    const path = issue.path.map(String).join(".");
    return fieldPaths.some((field) => path === field || path.startsWith(`${field}.`));
  };
  return new z.ZodError(error.issues.filter((issue) => !isCrossField(issue) || !shadowed(issue)));
}

/** Reads the current stack's config from Pulumi, validated. The only place config is read. */
export function loadStackConfig(): StackConfig {
  return parseStackConfig(pulumi.getStack(), pulumi.runtime.allConfig());
}
