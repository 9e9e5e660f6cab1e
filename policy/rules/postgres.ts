/**
 * Rules for the PostgreSQL Flexible Server and its parameters.
 */
import type { PolicyResource } from "@pulumi/policy";
import {
  type HiringPolicy,
  POSTGRES_CONFIGURATION,
  POSTGRES_SERVER,
  at,
  known,
  resourceRule,
  show,
  stackRule,
  text,
} from "./kit";

/** The server parameter a Configuration sets: `configurationName` in inputs, `name` in outputs. */
function parameterName(configuration: PolicyResource): string | undefined {
  return (
    known(() => text(configuration.props.configurationName)) ??
    known(() => text(configuration.props.name))
  );
}

function serverNameOf(resource: PolicyResource): string | undefined {
  return known(() => text(resource.props.serverName)) ?? known(() => text(resource.props.name));
}

/**
 * Whether `configuration` sets a parameter of `server`: it depends on the server (the engine
 * records the dependency its `serverName` input carries), or, failing that, names it.
 */

function configures(configuration: PolicyResource, server: PolicyResource): boolean {
  if (configuration.dependencies.some((dependency) => dependency.urn === server.urn)) {
    return true;
  }
  const name = serverNameOf(server);
  return name !== undefined && known(() => text(configuration.props.serverName)) === name;
}

const DEFAULT_MINIMUM_BACKUP_RETENTION_DAYS = 7;

export const postgresRules: HiringPolicy[] = [
  resourceRule({
    name: "postgres-public-network-access-disabled",
    description:
      "PostgreSQL Flexible Servers are reachable only from their delegated subnet (private access), never from the internet.",
    remediation:
      'deploy into the delegated database subnet with a private DNS zone and set network.publicNetworkAccess: "Disabled".',
    appliesTo: [POSTGRES_SERVER],
    check: (props, report) => {
      const access = at(props, "network", "publicNetworkAccess");
      if (access !== "Disabled") {
        report(`Public network access is ${show(access)} (network.publicNetworkAccess).`);
      }
    },
  }),
  stackRule({
    name: "postgres-tls-enforced",
    description:
      "Every PostgreSQL Flexible Server has a require_secure_transport=on Configuration (and no ssl_min_protocol_version below TLSv1.2), so no client connects in clear text.",
    remediation:
      'add a dbforpostgresql.Configuration for the server with configurationName "require_secure_transport", value "on", source "user-override".',
    appliesTo: [POSTGRES_SERVER, POSTGRES_CONFIGURATION],
    check: (resources, report) => {
      const configurations = resources.filter(
        (resource) => resource.type === POSTGRES_CONFIGURATION,
      );
      for (const server of resources.filter((resource) => resource.type === POSTGRES_SERVER)) {
        const own = configurations.filter((configuration) => configures(configuration, server));
        const secure = own.find((item) => parameterName(item) === "require_secure_transport");
        const value = secure && known(() => text(secure.props.value));
        if (secure === undefined) {
          report(
            `PostgreSQL server ${server.name} has no require_secure_transport Configuration, so plain-text connections depend on the server default.`,
            server.urn,
          );
        } else if (value !== undefined && value.toLowerCase() !== "on") {
          report(
            `PostgreSQL server ${server.name} sets require_secure_transport to ${show(value)}.`,
            server.urn,
          );
        }
        const minimum = own.find((item) => parameterName(item) === "ssl_min_protocol_version");
        const version = minimum && known(() => text(minimum.props.value));
        if (version !== undefined && ["tlsv1", "tlsv1.1"].includes(version.toLowerCase())) {
          report(
            `PostgreSQL server ${server.name} accepts ${version} (ssl_min_protocol_version).`,
            server.urn,
          );
        }
      }
    },
  }),
  resourceRule({
    name: "postgres-zone-redundant-ha",
    description:
      "PostgreSQL Flexible Servers run zone-redundant high availability: a synchronous standby in another zone takes over automatically.",
    remediation:
      'set highAvailability: { mode: "ZoneRedundant", standbyAvailabilityZone: <a zone other than availabilityZone> } (General Purpose or Memory Optimized tier).',
    appliesTo: [POSTGRES_SERVER],
    check: (props, report) => {
      const mode = at(props, "highAvailability", "mode");
      if (mode !== "ZoneRedundant") {
        report(`High availability is ${show(mode)} (highAvailability.mode).`);
      }
    },
  }),
  resourceRule({
    name: "postgres-geo-redundant-backup",
    description:
      "PostgreSQL Flexible Server backups are geo-redundant, so the database can be restored in the paired region after a regional outage.",
    remediation:
      'set backup.geoRedundantBackup: "Enabled" (it can only be chosen when the server is created).',
    appliesTo: [POSTGRES_SERVER],
    check: (props, report) => {
      const geo = at(props, "backup", "geoRedundantBackup");
      if (geo !== "Enabled") {
        report(`Geo-redundant backup is ${show(geo)} (backup.geoRedundantBackup).`);
      }
    },
  }),
  resourceRule({
    name: "postgres-backup-retention",
    description:
      "PostgreSQL Flexible Servers keep backups for at least the configured number of days (minimumDays, default 7).",
    remediation: "raise backup.backupRetentionDays to at least minimumDays (Azure allows 7 to 35).",
    appliesTo: [POSTGRES_SERVER],
    configSchema: {
      properties: {
        minimumDays: {
          type: "integer",
          minimum: 1,
          maximum: 35,
          default: DEFAULT_MINIMUM_BACKUP_RETENTION_DAYS,
          description: "Fewest days of point-in-time restore a server must keep.",
        },
      },
    },
    check: (props, report, args) => {
      const configured = args.getConfig<{ minimumDays?: unknown }>().minimumDays;
      const minimum =
        typeof configured === "number" ? configured : DEFAULT_MINIMUM_BACKUP_RETENTION_DAYS;
      const days = at(props, "backup", "backupRetentionDays");
      if (typeof days !== "number" || days < minimum) {
        report(
          `Backups are kept for ${show(days)} days (backup.backupRetentionDays); at least ${minimum} required.`,
        );
      }
    },
  }),
  resourceRule({
    name: "postgres-storage-auto-grow",
    description:
      "PostgreSQL Flexible Servers grow their storage before it fills up, since a full disk turns the server read-only.",
    remediation: 'set storage.autoGrow: "Enabled" (hiring-infra:database.storageAutoGrow: true).',
    appliesTo: [POSTGRES_SERVER],
    check: (props, report) => {
      const autoGrow = at(props, "storage", "autoGrow");
      if (autoGrow !== "Enabled") {
        report(`Storage auto-grow is ${show(autoGrow)} (storage.autoGrow).`);
      }
    },
  }),
  stackRule({
    name: "postgres-checkpoints-logged",
    description:
      "Every PostgreSQL Flexible Server logs checkpoints (log_checkpoints=on), whose timing and volume explain write stalls and recovery time.",
    remediation:
      'add a dbforpostgresql.Configuration for the server with configurationName "log_checkpoints", value "on", source "user-override".',
    appliesTo: [POSTGRES_SERVER, POSTGRES_CONFIGURATION],
    check: (resources, report) => {
      const configurations = resources.filter(
        (resource) => resource.type === POSTGRES_CONFIGURATION,
      );
      for (const server of resources.filter((resource) => resource.type === POSTGRES_SERVER)) {
        const setting = configurations.find(
          (configuration) =>
            configures(configuration, server) && parameterName(configuration) === "log_checkpoints",
        );
        const value = setting && known(() => text(setting.props.value));
        if (setting === undefined || (value !== undefined && value.toLowerCase() !== "on")) {
          report(
            `PostgreSQL server ${server.name} does not log checkpoints (log_checkpoints is ${show(value ?? "unset")}).`,
            server.urn,
          );
        }
      }
    },
  }),
];
