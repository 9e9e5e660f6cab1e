import * as pulumi from "@pulumi/pulumi";

/**
 * Azure resource kinds this project names. Each has an abbreviation from the Cloud Adoption
 * Framework and the length and character rules Azure enforces for that resource type.
 */
export type AzureResourceKind =
  | "resourceGroup"
  | "virtualNetwork"
  | "subnet"
  | "networkSecurityGroup"
  | "privateEndpoint"
  | "kubernetesCluster"
  | "kubernetesDnsPrefix"
  | "postgresServer"
  | "keyVault"
  | "containerRegistry"
  | "storageAccount"
  | "logAnalyticsWorkspace"
  | "managedIdentity"
  | "actionGroup"
  | "metricAlert"
  | "dataCollectionRule";

/** The naming rule Azure applies to one resource kind. */
export interface NamingRule {
  /** Cloud Adoption Framework abbreviation used as the first name segment. */
  readonly abbreviation: string;
  /** Shortest name Azure accepts, in characters. */
  readonly minLength: number;
  /** Longest name Azure accepts, in characters. */
  readonly maxLength: number;
  /** The full character rule, as Azure states it. */
  readonly pattern: RegExp;
  /** The rule in words, used in error messages. */
  readonly description: string;
  /** Joins segments; empty for kinds that allow only letters and digits. */
  readonly separator: "-" | "";
  /** The name is part of a public DNS name, so it must be unique across Azure. */
  readonly globallyUnique: boolean;
}

const ALNUM_HYPHEN_UNDERSCORE_PERIOD = /^[A-Za-z0-9][A-Za-z0-9_.-]*[A-Za-z0-9_]$/;

/** Per-kind naming rules (Azure "naming rules and restrictions for Azure resources"). */
export const namingRules: Readonly<Record<AzureResourceKind, NamingRule>> = {
  resourceGroup: {
    abbreviation: "rg",
    minLength: 1,
    maxLength: 90,
    pattern: /^[-\w.()]*[-\w()]$/,
    description:
      "letters, digits, underscores, hyphens, periods and parentheses; not ending in '.'",
    separator: "-",
    globallyUnique: false,
  },
  virtualNetwork: {
    abbreviation: "vnet",
    minLength: 2,
    maxLength: 64,
    pattern: ALNUM_HYPHEN_UNDERSCORE_PERIOD,
    description: "letters, digits, underscores, periods and hyphens; starting alphanumeric",
    separator: "-",
    globallyUnique: false,
  },
  subnet: {
    abbreviation: "snet",
    minLength: 1,
    maxLength: 80,
    pattern: ALNUM_HYPHEN_UNDERSCORE_PERIOD,
    description: "letters, digits, underscores, periods and hyphens; starting alphanumeric",
    separator: "-",
    globallyUnique: false,
  },
  networkSecurityGroup: {
    abbreviation: "nsg",
    minLength: 1,
    maxLength: 80,
    pattern: ALNUM_HYPHEN_UNDERSCORE_PERIOD,
    description: "letters, digits, underscores, periods and hyphens; starting alphanumeric",
    separator: "-",
    globallyUnique: false,
  },
  privateEndpoint: {
    abbreviation: "pep",
    minLength: 2,
    maxLength: 64,
    pattern: ALNUM_HYPHEN_UNDERSCORE_PERIOD,
    description: "letters, digits, underscores, periods and hyphens; starting alphanumeric",
    separator: "-",
    globallyUnique: false,
  },
  kubernetesCluster: {
    abbreviation: "aks",
    minLength: 1,
    maxLength: 63,
    pattern: /^[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?$/,
    description: "letters, digits, underscores and hyphens; starting and ending alphanumeric",
    separator: "-",
    globallyUnique: false,
  },
  kubernetesDnsPrefix: {
    abbreviation: "aks",
    minLength: 1,
    maxLength: 54,
    pattern: /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/,
    description: "letters, digits and hyphens; starting and ending alphanumeric",
    separator: "-",
    globallyUnique: false,
  },
  postgresServer: {
    abbreviation: "psql",
    minLength: 3,
    maxLength: 63,
    pattern: /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/,
    description: "lowercase letters, digits and hyphens; not starting or ending with a hyphen",
    separator: "-",
    globallyUnique: true,
  },
  keyVault: {
    abbreviation: "kv",
    minLength: 3,
    maxLength: 24,
    pattern: /^[A-Za-z](?!.*--)[A-Za-z0-9-]*[A-Za-z0-9]$/,
    description:
      "letters, digits and hyphens; starting with a letter, ending alphanumeric, no consecutive hyphens",
    separator: "-",
    globallyUnique: true,
  },
  containerRegistry: {
    abbreviation: "cr",
    minLength: 5,
    maxLength: 50,
    pattern: /^[A-Za-z0-9]+$/,
    description: "letters and digits only",
    separator: "",
    globallyUnique: true,
  },
  storageAccount: {
    abbreviation: "st",
    minLength: 3,
    maxLength: 24,
    pattern: /^[a-z0-9]+$/,
    description: "lowercase letters and digits only",
    separator: "",
    globallyUnique: true,
  },
  logAnalyticsWorkspace: {
    abbreviation: "log",
    minLength: 4,
    maxLength: 63,
    pattern: /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/,
    description: "letters, digits and hyphens; starting and ending alphanumeric",
    separator: "-",
    globallyUnique: false,
  },
  managedIdentity: {
    abbreviation: "id",
    minLength: 3,
    maxLength: 128,
    pattern: /^[A-Za-z0-9][A-Za-z0-9_-]*$/,
    description: "letters, digits, hyphens and underscores; starting alphanumeric",
    separator: "-",
    globallyUnique: false,
  },
  actionGroup: {
    abbreviation: "ag",
    minLength: 1,
    maxLength: 260,
    pattern: /^[^<>*%{}&:\\?+/#|]+$/,
    description: "any characters except <>*%{}&:\\?+/#|",
    separator: "-",
    globallyUnique: false,
  },
  dataCollectionRule: {
    abbreviation: "dcr",
    minLength: 3,
    maxLength: 64,
    pattern: ALNUM_HYPHEN_UNDERSCORE_PERIOD,
    description: "letters, digits, underscores, periods and hyphens; starting alphanumeric",
    separator: "-",
    globallyUnique: false,
  },
  metricAlert: {
    abbreviation: "alert",
    minLength: 1,
    maxLength: 260,
    pattern: /^[^<>*%{}&:\\?+/#|]+$/,
    description: "any characters except <>*%{}&:\\?+/#|",
    separator: "-",
    globallyUnique: false,
  },
};

/** Length of the random suffix appended to globally unique names. */
export const UNIQUE_SUFFIX_LENGTH = 5;

/** Raised when a composed name breaks the Azure rule for its kind. */
export class NamingError extends Error {
  /** @param message the broken rule, naming the kind, the name and the allowed form. */
  constructor(message: string) {
    super(message);
    this.name = "NamingError";
  }
}

/**
 * Checks `name` against the rule for `kind` and returns it, or throws a {@link NamingError}
 * that names the kind, the name and the accepted length and characters.
 */
export function checkName(kind: AzureResourceKind, name: string): string {
  const rule = namingRules[kind];
  if (name.length < rule.minLength || name.length > rule.maxLength) {
    throw new NamingError(
      `${kind} name "${name}" is ${name.length} characters; Azure accepts ${rule.minLength}-${rule.maxLength}`,
    );
  }
  if (!rule.pattern.test(name)) {
    throw new NamingError(`${kind} name "${name}" is invalid; Azure accepts ${rule.description}`);
  }
  return name;
}

/** Returns `suffix` when it is {@link UNIQUE_SUFFIX_LENGTH} lowercase letters or digits; throws otherwise. */
export function checkUniqueSuffix(suffix: string): string {
  if (suffix.length !== UNIQUE_SUFFIX_LENGTH || !/^[a-z0-9]+$/.test(suffix)) {
    throw new NamingError(
      `unique name suffix "${suffix}" must be ${UNIQUE_SUFFIX_LENGTH} lowercase letters or digits`,
    );
  }
  return suffix;
}

/** The segments every name is made of. */
export interface NamingConvention {
  /** Short organisation/workload prefix, lowercase letters and digits. */
  readonly prefix: string;
  /** The Pulumi stack name (e.g. `dev`, `prod`). */
  readonly stack: string;
}

/**
 * Composes Azure resource names as `<abbreviation>-<prefix>-<stack>[-<qualifier>]`, appending a
 * random suffix for globally unique kinds (Key Vault, ACR, storage, PostgreSQL) so that a
 * soft-deleted or taken name never blocks a deployment.
 */
export class ResourceNamer {
  /**
   * @param convention prefix and stack segments.
   * @param uniqueSuffix lowercase alphanumeric suffix of {@link UNIQUE_SUFFIX_LENGTH} characters,
   *   normally the result of a `random.RandomString`, so it is stable in state.
   */
  constructor(
    /** The prefix and stack segments, for names that follow another scheme (DNS zones). */
    readonly convention: NamingConvention,
    private readonly uniqueSuffix: pulumi.Input<string>,
  ) {}

  /**
   * The name of a resource of `kind`, validated against Azure's rules before any resource is
   * created (the random suffix is checked by its fixed length and alphabet).
   */
  name(kind: AzureResourceKind, qualifier?: string): pulumi.Output<string> {
    const rule = namingRules[kind];
    const compose = (suffix?: string): string => {
      const segments = [rule.abbreviation, this.convention.prefix, this.convention.stack];
      if (qualifier !== undefined) {
        segments.push(qualifier);
      }
      if (suffix !== undefined) {
        segments.push(suffix);
      }
      const joined = segments.join(rule.separator);
      return rule.separator === "" ? joined.replace(/[^A-Za-z0-9]/g, "") : joined;
    };
    if (!rule.globallyUnique) {
      return pulumi.output(checkName(kind, compose()));
    }
    checkName(kind, compose("x".repeat(UNIQUE_SUFFIX_LENGTH)));
    return pulumi
      .output(this.uniqueSuffix)
      .apply((suffix) => checkName(kind, compose(checkUniqueSuffix(suffix))));
  }

  /** A name for resources without an Azure rule of their own (e.g. Kubernetes objects). */
  plain(qualifier: string): string {
    return [this.convention.prefix, this.convention.stack, qualifier].join("-");
  }
}
