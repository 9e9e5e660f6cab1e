/**
 * What production must have beyond what any stack must.
 */
import { cidrUnionSize, isIpv4Cidr } from "../../infra/cidr";
import type { RawAzure } from "./schema";
import type { Problem } from "./rule-kit";

/** Most addresses the production API server's authorised ranges may cover together (a /8). */
export const MAX_AUTHORIZED_ADDRESSES = 2 ** 24;

/** What production must have: SLA tier, zones, HA, geo backups, private data plane, alerts. */
export function productionRules(config: RawAzure, problem: Problem): void {
  const { cluster, database, registry, keyVault, observability } = config;
  if (cluster.tier !== "Standard") {
    problem(["cluster", "tier"], "expected Standard in production (uptime SLA)");
  }
  if (cluster.availabilityZones.length !== 3) {
    problem(["cluster", "availabilityZones"], 'expected ["1", "2", "3"] in production');
  }
  if (cluster.systemPool.minCount < 3) {
    problem(
      ["cluster", "systemPool", "minCount"],
      "expected at least 3 in production (one per zone)",
    );
  }
  if (cluster.userPool.minCount < 2) {
    problem(["cluster", "userPool", "minCount"], "expected at least 2 in production");
  }
  const ranges = cluster.apiServer.authorizedIpRanges;
  if (!cluster.apiServer.privateCluster && ranges.length === 0) {
    problem(
      ["cluster", "apiServer", "authorizedIpRanges"],
      "expected authorised ranges (or privateCluster: true) in production",
    );
  } else if (ranges.every(isIpv4Cidr) && cidrUnionSize(ranges) > MAX_AUTHORIZED_ADDRESSES) {
    problem(
      ["cluster", "apiServer", "authorizedIpRanges"],
      `expected ranges covering at most ${MAX_AUTHORIZED_ADDRESSES} addresses together (a /8) in production; these cover ${cidrUnionSize(ranges)}, which is no restriction`,
    );
  }
  if (!cluster.defenderForContainers) {
    problem(
      ["cluster", "defenderForContainers"],
      "expected true in production (runtime threat detection)",
    );
  }
  if (database.highAvailability !== "ZoneRedundant") {
    problem(["database", "highAvailability"], "expected ZoneRedundant in production");
  }
  if (!database.geoRedundantBackup) {
    problem(["database", "geoRedundantBackup"], "expected true in production");
  }
  if (database.backupRetentionDays < 35) {
    problem(["database", "backupRetentionDays"], "expected 35 in production");
  }
  if (!database.storageAutoGrow) {
    problem(
      ["database", "storageAutoGrow"],
      "expected true in production (a full disk makes the server read-only)",
    );
  }
  if (!keyVault.purgeProtection) {
    problem(["keyVault", "purgeProtection"], "expected true in production");
  }
  if (keyVault.softDeleteRetentionDays < 90) {
    problem(
      ["keyVault", "softDeleteRetentionDays"],
      "expected 90 in production (the longest recovery window; fixed when the vault is created)",
    );
  }
  if (keyVault.publicNetworkAccess) {
    problem(
      ["keyVault", "publicNetworkAccess"],
      "expected false in production (private endpoint only)",
    );
  }
  if (registry.sku !== "Premium" || !registry.zoneRedundancy) {
    problem(["registry", "sku"], "expected Premium with zoneRedundancy in production");
  }
  if (!observability.alerts.enabled) {
    problem(["observability", "alerts", "enabled"], "expected true in production");
  }
  if (observability.dailyQuotaGb !== -1) {
    problem(
      ["observability", "dailyQuotaGb"],
      "expected -1 (no cap) in production: a cap stops log collection mid-incident",
    );
  }
}
