import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as pulumi from "@pulumi/pulumi";
import type { AzureScope } from "./azure-scope";
import { type ArgsProblem, duplicatesOf, throwIfArgsProblems } from "../core/args-problems";
import { POSTGRES_PARAMETER_SOURCE, POSTGRES_SERVER_PARAMETERS } from "./azure-identifiers";
import { generatedPassword } from "./generated-password";

/** A Microsoft Entra principal that administers the server (gets `azure_pg_admin`). */
export interface DatabaseEntraAdministrator {
  /** Object id (GUID) of the user, group or service principal. */
  readonly objectId: string;
  /** Display name of the principal; it becomes the PostgreSQL role name. */
  readonly principalName: string;
  /** Kind of principal, as the Flexible Server API spells it. */
  readonly principalType: "Group" | "User" | "ServicePrincipal";
}

/** Arguments of {@link Database}. */
export interface DatabaseArgs {
  /** Resource group, region, names, tags and protection of the Azure resources. */
  readonly scope: AzureScope;
  /** PostgreSQL major version. */
  readonly version: "16" | "17";
  /** Compute size, e.g. `Standard_B1ms` or `Standard_D4ds_v5`; must belong to `skuTier`. */
  readonly skuName: string;
  /** Compute tier; `Burstable` has no high availability. */
  readonly skuTier: "Burstable" | "GeneralPurpose" | "MemoryOptimized";
  /** Provisioned storage in GiB; one of the sizes Azure offers (32, 64, 128, ... 32767). */
  readonly storageSizeGB: number;
  /** Grow storage automatically before it fills up. */
  readonly storageAutoGrow: boolean;
  /** Days of point-in-time restore, 7-35. */
  readonly backupRetentionDays: number;
  /** Copy backups to the paired region; can only be chosen when the server is created. */
  readonly geoRedundantBackup: boolean;
  /** Standby server mode; anything but `Disabled` needs `GeneralPurpose` or `MemoryOptimized`. */
  readonly highAvailability: "Disabled" | "ZoneRedundant" | "SameZone";
  /** Zone (`"1"`-`"3"`) of the primary server; default: Azure chooses. */
  readonly availabilityZone?: string;
  /** Zone (`"1"`-`"3"`) of the standby server; only with high availability. Default: Azure chooses. */
  readonly standbyAvailabilityZone?: string;
  /** Name of the password-based administrator role; cannot be changed after creation. */
  readonly administratorLogin: string;
  /** Weekly one-hour window for planned maintenance, in UTC. */
  readonly maintenanceWindow: {
    /** Day of the week, 0 = Sunday ... 6 = Saturday (the PostgreSQL API's numbering). */
    readonly dayOfWeek: number;
    /** Hour the window starts, 0-23 (UTC). */
    readonly startHour: number;
  };
  /** Resource id of the subnet delegated to `Microsoft.DBforPostgreSQL/flexibleServers`. */
  readonly delegatedSubnetId: pulumi.Input<string>;
  /** Resource id of the private DNS zone (`*.postgres.database.azure.com`) linked to the VNet. */
  readonly privateDnsZoneId: pulumi.Input<string>;
  /**
   * Name of the Key Vault that receives the administrator password, in the scope's resource
   * group. A name rather than an id because the ARM secret resource addresses the vault by
   * resource group and name.
   */
  readonly keyVaultName: pulumi.Input<string>;
  /** Entra ID tenant for Microsoft Entra authentication. */
  readonly tenantId: pulumi.Input<string>;
  /** Entra principals that administer the server; may be empty. */
  readonly entraAdministrators: readonly DatabaseEntraAdministrator[];
  /**
   * One database per app: lowercase letters, digits and underscores, starting with a letter or
   * underscore, at most 63 characters, unique. Callers convert app names (hyphens) themselves.
   */
  readonly databases: readonly string[];
}

/** PostgreSQL's listening port on Flexible Server. */
export const POSTGRES_PORT = 5432;

/** Name of the Key Vault secret that holds the administrator password. */
export const ADMIN_PASSWORD_SECRET_NAME = "postgres-admin-password";

/** Storage sizes (GiB) Flexible Server offers on Premium SSD. */
export const POSTGRES_STORAGE_SIZES_GB: readonly number[] = [
  32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32767,
];

/** Server parameters set on every server, applied in this order (sources in the identifiers module). */
export const SERVER_PARAMETERS = POSTGRES_SERVER_PARAMETERS;

const SKU_PREFIX: Readonly<Partial<Record<string, string>>> = {
  Burstable: "Standard_B",
  GeneralPurpose: "Standard_D",
  MemoryOptimized: "Standard_E",
};

const ZONES: readonly string[] = ["1", "2", "3"];

/** Administrator logins Azure reserves (besides any starting with `pg_`). */
export const RESERVED_ADMIN_LOGINS: readonly string[] = [
  "azure_superuser",
  "azure_pg_admin",
  "admin",
  "administrator",
  "root",
  "guest",
  "public",
];

/** Databases every Flexible Server already has. */
const RESERVED_DATABASES: readonly string[] = [
  "postgres",
  "azure_maintenance",
  "azure_sys",
  "template0",
  "template1",
];

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const isIntegerIn = (value: number, min: number, max: number): boolean =>
  Number.isInteger(value) && value >= min && value <= max;

/** The plain (non-Output) arguments {@link databaseProblems} checks. */
export type DatabaseSettings = Omit<
  DatabaseArgs,
  "scope" | "delegatedSubnetId" | "privateDnsZoneId" | "keyVaultName" | "tenantId"
>;

/**
 * Every argument Azure or PostgreSQL would reject, or that would break the server's
 * administration, as `{ key, reason }` (never throws). The stack's config schema reports the same
 * problems under `hiring-infra:database.*`.
 */
export function databaseProblems(args: DatabaseSettings): ArgsProblem[] {
  const problems: ArgsProblem[] = [];
  const problem = (key: string, reason: string): void => {
    problems.push({ key, reason });
  };
  const prefix = SKU_PREFIX[args.skuTier];
  if (prefix !== undefined && !args.skuName.startsWith(prefix)) {
    problem("skuName", `expected a ${args.skuTier} size (${prefix}...), got "${args.skuName}"`);
  }
  if (args.highAvailability !== "Disabled" && args.skuTier === "Burstable") {
    problem(
      "highAvailability",
      `expected "Disabled" on the Burstable skuTier (Azure has no high availability there), got "${args.highAvailability}"`,
    );
  }
  if (!POSTGRES_STORAGE_SIZES_GB.includes(args.storageSizeGB)) {
    problem(
      "storageSizeGB",
      `expected one of ${POSTGRES_STORAGE_SIZES_GB.join(", ")}, got ${args.storageSizeGB}`,
    );
  }
  if (!isIntegerIn(args.backupRetentionDays, 7, 35)) {
    problem(
      "backupRetentionDays",
      `expected a whole number from 7 to 35, got ${args.backupRetentionDays}`,
    );
  }
  for (const key of ["availabilityZone", "standbyAvailabilityZone"] as const) {
    const zone = args[key];
    if (zone !== undefined && !ZONES.includes(zone)) {
      problem(key, `expected "1", "2" or "3", got "${zone}"`);
    }
  }
  if (args.standbyAvailabilityZone !== undefined && args.highAvailability === "Disabled") {
    problem("standbyAvailabilityZone", 'expected none while highAvailability is "Disabled"');
  }
  if (
    args.highAvailability === "ZoneRedundant" &&
    args.availabilityZone !== undefined &&
    args.standbyAvailabilityZone === args.availabilityZone
  ) {
    problem(
      "standbyAvailabilityZone",
      `expected a zone other than availabilityZone "${args.availabilityZone}" (ZoneRedundant)`,
    );
  }
  const login = args.administratorLogin;
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(login)) {
    problem(
      "administratorLogin",
      `expected 1-63 lowercase letters, digits or underscores, starting with a letter, got "${login}"`,
    );
  } else if (RESERVED_ADMIN_LOGINS.includes(login) || login.startsWith("pg_")) {
    problem("administratorLogin", `expected a login Azure does not reserve, got "${login}"`);
  }
  const { dayOfWeek, startHour } = args.maintenanceWindow;
  if (!isIntegerIn(dayOfWeek, 0, 6)) {
    problem("maintenanceWindow.dayOfWeek", `expected 0 (Sunday) to 6 (Saturday), got ${dayOfWeek}`);
  }
  if (!isIntegerIn(startHour, 0, 23)) {
    problem("maintenanceWindow.startHour", `expected a whole hour from 0 to 23, got ${startHour}`);
  }
  args.entraAdministrators.forEach((admin, index) => {
    const key = `entraAdministrators[${index}]`;
    if (!GUID.test(admin.objectId)) {
      problem(`${key}.objectId`, `expected a GUID, got "${admin.objectId}"`);
    }
    if (admin.principalName.trim() === "") {
      problem(`${key}.principalName`, "expected the principal's display name, got an empty one");
    }
  });
  // Each administrator becomes an ARM resource named after its object id: a repeat would be two
  // resources for one Azure object.
  for (const admin of duplicatesOf(args.entraAdministrators, (a) => a.objectId.toLowerCase())) {
    const index = args.entraAdministrators.lastIndexOf(admin);
    problem(
      `entraAdministrators[${index}].objectId`,
      `expected each objectId once; "${admin.objectId}" repeats`,
    );
  }
  // A database's login role that is an administrator's role would have its password reset by
  // the provisioning job, locking the administrator out.
  const administratorRoles = new Map<string, string>([
    [login, "the administratorLogin"],
    ...args.entraAdministrators.map(
      (admin) => [admin.principalName, "an entraAdministrators principalName"] as [string, string],
    ),
  ]);
  args.databases.forEach((database, index) => {
    const key = `databases[${index}]`;
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(database)) {
      problem(
        key,
        `expected 1-63 lowercase letters, digits or underscores, starting with a letter or underscore, got "${database}"`,
      );
    }
    if (RESERVED_DATABASES.includes(database)) {
      problem(key, `expected a name other than "${database}", which Azure already creates`);
    }
    const administrator = administratorRoles.get(database);
    if (administrator !== undefined) {
      problem(
        key,
        `expected a database and role name other than ${administrator} ("${database}"): its provisioning would reset that administrator's password`,
      );
    }
  });
  for (const database of duplicatesOf(args.databases, (name) => name)) {
    problem(`databases[${args.databases.lastIndexOf(database)}]`, `expected "${database}" once`);
  }
  return problems;
}

const enabled = (on: boolean): "Enabled" | "Disabled" => (on ? "Enabled" : "Disabled");

/**
 * Azure Database for PostgreSQL Flexible Server reachable only through its delegated subnet and
 * private DNS zone, with TLS 1.2+ enforced, Entra ID and password authentication, backups and
 * high availability as the stack asks, one database per app, and the administrator password
 * generated once and kept in Key Vault.
 */
export class Database extends pulumi.ComponentResource {
  /** Azure name of the server. */
  public readonly serverName: pulumi.Output<string>;
  /** Resource id of the server (for diagnostic settings and alerts). */
  public readonly serverId: pulumi.Output<string>;
  /** Private host name clients connect to. */
  public readonly fqdn: pulumi.Output<string>;
  /** TCP port, always 5432. */
  public readonly port: pulumi.Output<number>;
  /** Password-based administrator role. */
  public readonly administratorLogin: pulumi.Output<string>;
  /** Password of the administrator role (secret). */
  public readonly administratorPassword: pulumi.Output<string>;
  /** Name of the Key Vault secret holding the administrator password. */
  public readonly adminPasswordSecretName: pulumi.Output<string>;
  /** Names of the app databases, in the order given. */
  public readonly databaseNames: pulumi.Output<string[]>;
  /**
   * Each app database by name, for `dependsOn`: a client that needs one database waits for that
   * one only, not for every app's (which would tie each app to all the others).
   */
  public readonly databases: Readonly<Record<string, pulumi.CustomResource>>;

  /**
   * @param name logical name; child resources derive theirs from it.
   * @param args server sizing, resilience, networking and databases.
   * @param opts component options.
   */
  constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    throwIfArgsProblems("Database", name, databaseProblems(args));
    super("hiring:data:Database", name, {}, opts);
    const { scope } = args;

    // No keepers: the password is drawn once and never regenerated by an unrelated change.
    // Protected with the server, because replacing it would put a new value in Key Vault
    // that the server (which ignores password changes, below) never receives.
    const adminPassword = generatedPassword(`${name}-admin-password`, {
      parent: this,
      protect: scope.protect,
    });

    const server = new dbforpostgresql.Server(
      `${name}-server`,
      {
        serverName: scope.namer.name("postgresServer"),
        resourceGroupName: scope.resourceGroupName,
        location: scope.location,
        createMode: "Default",
        version: args.version,
        sku: { name: args.skuName, tier: args.skuTier },
        storage: {
          storageSizeGB: args.storageSizeGB,
          autoGrow: enabled(args.storageAutoGrow),
        },
        backup: {
          backupRetentionDays: args.backupRetentionDays,
          geoRedundantBackup: enabled(args.geoRedundantBackup),
        },
        highAvailability: {
          mode: args.highAvailability,
          ...(args.standbyAvailabilityZone !== undefined
            ? { standbyAvailabilityZone: args.standbyAvailabilityZone }
            : {}),
        },
        ...(args.availabilityZone !== undefined ? { availabilityZone: args.availabilityZone } : {}),
        network: {
          delegatedSubnetResourceId: args.delegatedSubnetId,
          privateDnsZoneArmResourceId: args.privateDnsZoneId,
          publicNetworkAccess: "Disabled",
        },
        authConfig: {
          activeDirectoryAuth: "Enabled",
          passwordAuth: "Enabled",
          tenantId: args.tenantId,
        },
        maintenanceWindow: {
          customWindow: "Enabled",
          dayOfWeek: args.maintenanceWindow.dayOfWeek,
          startHour: args.maintenanceWindow.startHour,
          startMinute: 0,
        },
        administratorLogin: args.administratorLogin,
        administratorLoginPassword: adminPassword,
        tags: scope.tags,
      },
      {
        parent: this,
        protect: scope.protect,
        ignoreChanges: [
          // Rotating the administrator password is a deliberate runbook step (new value in
          // Key Vault, then on the server, then restart the consumers), not a side effect of
          // `pulumi up`: a changed password input can replace the server
          // (pulumi/pulumi-azure-native#1911).
          "administratorLoginPassword",
          // Azure swaps the primary and standby zones on failover; following the stack file
          // afterwards would force a second failover back.
          "availabilityZone",
          "highAvailability.standbyAvailabilityZone",
        ],
      },
    );

    // Azure rejects concurrent changes to one server (ServerBusy), so every child operation
    // on the server waits for the previous one.
    let previous: pulumi.Resource = server;
    for (const [parameter, value] of SERVER_PARAMETERS) {
      previous = new dbforpostgresql.Configuration(
        `${name}-param-${parameter}`,
        {
          resourceGroupName: scope.resourceGroupName,
          serverName: server.name,
          configurationName: parameter,
          value,
          source: POSTGRES_PARAMETER_SOURCE,
        },
        { parent: this, dependsOn: [previous] },
      );
    }

    // AdministratorsMicrosoftEntra rather than Administrator: same Azure resource, but on the
    // GA API (2025-08-01, like the server) instead of 2025-01-01-preview; it aliases the old
    // type, so either can be adopted without a replacement.
    for (const admin of args.entraAdministrators) {
      previous = new dbforpostgresql.AdministratorsMicrosoftEntra(
        `${name}-entra-admin-${admin.objectId}`,
        {
          resourceGroupName: scope.resourceGroupName,
          serverName: server.name,
          objectId: admin.objectId,
          principalName: admin.principalName,
          principalType: admin.principalType,
          tenantId: args.tenantId,
        },
        { parent: this, dependsOn: [previous] },
      );
    }

    const databasesByName: Record<string, pulumi.CustomResource> = {};
    const databases = args.databases.map((databaseName) => {
      const database = new dbforpostgresql.Database(
        `${name}-db-${databaseName}`,
        {
          resourceGroupName: scope.resourceGroupName,
          serverName: server.name,
          databaseName,
          charset: "UTF8",
          collation: "en_US.utf8",
        },
        { parent: this, dependsOn: [previous], protect: scope.protect },
      );
      previous = database;
      databasesByName[databaseName] = database;
      return database;
    });

    // Written through ARM (management plane), so it works while the vault's data plane is
    // private, and the value never passes through a shell or a pipeline variable.
    const passwordSecret = new keyvault.Secret(
      `${name}-admin-password-secret`,
      {
        resourceGroupName: scope.resourceGroupName,
        vaultName: args.keyVaultName,
        secretName: ADMIN_PASSWORD_SECRET_NAME,
        properties: { value: adminPassword, contentType: "text/plain" },
        tags: scope.tags,
      },
      { parent: this },
    );

    this.serverName = server.name;
    this.serverId = server.id;
    this.fqdn = server.fullyQualifiedDomainName;
    this.port = pulumi.output(POSTGRES_PORT);
    this.administratorLogin = pulumi.output(args.administratorLogin);
    this.administratorPassword = adminPassword;
    this.adminPasswordSecretName = passwordSecret.name;
    this.databaseNames = pulumi.all(databases.map((database) => database.name));
    this.databases = databasesByName;

    this.registerOutputs({
      serverName: this.serverName,
      serverId: this.serverId,
      fqdn: this.fqdn,
      port: this.port,
      administratorLogin: this.administratorLogin,
      administratorPassword: this.administratorPassword,
      adminPasswordSecretName: this.adminPasswordSecretName,
      databaseNames: this.databaseNames,
    });
  }
}
