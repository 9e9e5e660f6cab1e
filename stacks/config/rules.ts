/**
 * Cross-field rules: what no single field's schema can see, mostly the components' own rules
 * placed under config keys.
 */
import { z } from "zod";
import { appPlatformProblems, databaseNameOf } from "../../infra/app-platform";
import { AZURE_MAX_TAGS, AZURE_SUBNET_RESERVED_ADDRESSES } from "../../infra/azure-identifiers";
import { cidrContains, cidrSize, cidrsOverlap, isIpv4Address, isIpv4Cidr } from "../../infra/cidr";
import { containerRegistryProblems } from "../../infra/container-registry";
import { databaseProblems, POSTGRES_PORT } from "../../infra/database";
import {
  IN_CLUSTER_DATABASE_NAMESPACE,
  inClusterDatabaseProblems,
} from "../../infra/in-cluster-database";
import { kubernetesClusterProblems } from "../../infra/kubernetes-cluster";
import { addressPlanProblems } from "../../infra/network";
import {
  agentImageProblems,
  approverProblems,
  ingressProblems,
  jenkinsProblemPath,
  repositoryUrlProblems,
  signInProblems,
} from "../../infra/cicd/args";
import { observabilityProblems } from "../../infra/observability";
import { secretStoreProblems } from "../../infra/secret-store";
import { STANDARD_TAG_NAMES } from "../../infra/tags";
import type { RawAzure, RawStack } from "./schema";
import { administratorRoles, stackNamespaces } from "./stack";
import { type Problem, pathOf, reportUnder } from "./rule-kit";
import { productionRules } from "./production";

/** Marks the issues the cross-field rules raise, so a field's own type error can outrank them. */
export const CROSS_FIELD = "crossField";

export function crossFieldRules(config: RawStack, ctx: z.RefinementCtx): void {
  const problem: Problem = (path, message) => {
    ctx.addIssue({ code: "custom", path, message, params: { [CROSS_FIELD]: true } });
  };
  // These rules also run when a field failed its own schema (so one wrong-typed value does not
  // hide every cross-field and production problem). A rule that meets such a value may throw;
  // it is skipped, since the field's own problem is already reported.
  const rules: ((config: RawStack, problem: Problem) => void)[] = [
    commonRules,
    (stack, report) => {
      if (stack.platform === "azure") {
        azureRules(stack, report);
      }
    },
    platformRules,
  ];
  for (const rule of rules) {
    try {
      rule(config, problem);
    } catch (error) {
      if (!(error instanceof TypeError)) {
        throw error;
      }
    }
  }
}

function commonRules(config: RawStack, problem: Problem): void {
  for (const tagName of Object.keys(config.tags.extra)) {
    if (STANDARD_TAG_NAMES.includes(tagName)) {
      problem(["tags", "extra", tagName], "expected a tag other than the standard ones");
    }
  }
  const tagCount = new Set([...STANDARD_TAG_NAMES, ...Object.keys(config.tags.extra)]).size;
  if (tagCount > AZURE_MAX_TAGS) {
    problem(
      ["tags", "extra"],
      `expected at most ${AZURE_MAX_TAGS - STANDARD_TAG_NAMES.length} extra tags (Azure allows ${AZURE_MAX_TAGS} per resource, ${STANDARD_TAG_NAMES.length} are standard)`,
    );
  }
  if (config.cicd.enabled) {
    cicdRules(config, problem);
  }
  if (config.environment === "production") {
    if (!config.protect) {
      problem(["protect"], "expected true in production (stateful resources are protected)");
    }
  }
}

/** The apps on the cluster, checked by the platform's own rule with the stack's reservations. */
function platformRules(config: RawStack, problem: Problem): void {
  reportUnder(
    appPlatformProblems({
      apps: config.apps,
      reservedNamespaces: stackNamespaces(config),
      // On Azure the Database's own rule reports an app role that is an administrator's.
      administratorRoles: config.platform === "local" ? administratorRoles(config) : [],
      // The stack always gives the platform its server (hosting-stack.ts); only the apps are
      // the stack file's to get wrong.
      database: {
        port: POSTGRES_PORT,
        sslMode: config.platform === "azure" ? "require" : "disable",
        peer:
          config.platform === "azure"
            ? { kind: "cidr", cidr: config.network.subnets.database }
            : {
                kind: "pods",
                namespace: IN_CLUSTER_DATABASE_NAMESPACE,
                podLabels: { server: "postgres" },
              },
      },
    }),
    problem,
    pathOf,
  );
  if (config.platform === "local") {
    // The server's own rule (storage quantity); the stack passes its default namespace and the
    // apps' namespaces, which the platform's rule above already checks.
    reportUnder(
      inClusterDatabaseProblems({ ...config.database, clientNamespaces: [] }),
      problem,
      (key) => ["database", ...pathOf(key)],
    );
  }
}

/** The Jenkins component's own rules, reported under `cicd`; plus the platform's constraint. */
function cicdRules(config: RawStack, problem: Problem): void {
  const { cicd } = config;
  for (const { key, reason } of [
    ...repositoryUrlProblems(cicd.repositoryUrl),
    ...signInProblems(cicd.signIn),
    ...approverProblems(cicd.signIn.realm, cicd.approvers),
    ...ingressProblems(cicd.ingress),
    ...agentImageProblems(cicd.agentImage, config.platform === "azure"),
  ]) {
    problem(["cicd", ...jenkinsProblemPath(key)], reason);
  }
  if (cicd.targets.length > 0 && config.platform !== "azure") {
    problem(
      ["cicd", "targets"],
      "expected no other stacks off Azure: the local Jenkins deploys only its own stack",
    );
  }
  if (config.platform === "azure") {
    const admitted = config.cluster.apiServer.authorizedIpRanges;
    cicd.egressIpRanges.forEach((range, index) => {
      if (
        !config.cluster.apiServer.privateCluster &&
        !admitted.some((allowed) => cidrContains(allowed, range))
      ) {
        problem(
          ["cicd", "egressIpRanges", index],
          "expected inside cluster.apiServer.authorizedIpRanges: Jenkins deploys this stack too",
        );
      }
    });
  }
  if (cicd.signIn.realm === "entra" && config.platform !== "azure") {
    problem(
      ["cicd", "signIn", "realm"],
      "expected local off Azure: Entra sign-in authenticates the controller with AKS workload identity",
    );
  }
}

function azureRules(config: RawAzure, problem: Problem): void {
  const { network, cluster, database, registry, keyVault, observability } = config;
  networkRules(network, cluster, problem);
  reportUnder(
    kubernetesClusterProblems({
      ...cluster,
      authorizedIpRanges: cluster.apiServer.authorizedIpRanges,
      privateCluster: cluster.apiServer.privateCluster,
    }),
    problem,
    (key) =>
      key.startsWith("authorizedIpRanges")
        ? ["cluster", "apiServer", ...pathOf(key)]
        : ["cluster", ...pathOf(key)],
  );
  const databaseApps = config.apps.flatMap((app, index) => (app.database ? [index] : []));
  reportUnder(
    databaseProblems({
      ...database,
      databases: databaseApps.map((index) => databaseNameOf(config.apps[index]?.name ?? "")),
    }),
    problem,
    (key) => {
      const [field, index] = pathOf(key);
      // An app database is named after its app: report it on the app's name.
      return field === "databases" && typeof index === "number"
        ? ["apps", databaseApps[index] ?? index, "name"]
        : ["database", ...pathOf(key)];
    },
  );
  reportUnder(
    secretStoreProblems({
      ...keyVault,
      // What the stack passes: a private endpoint exactly when public access is off.
      allowedSubnetIds: [],
      ...(keyVault.publicNetworkAccess
        ? {}
        : { privateEndpoint: { subnetId: "", privateDnsZoneId: "" } }),
    }),
    problem,
    (key) => ["keyVault", ...pathOf(key)],
  );
  reportUnder(containerRegistryProblems(registry), problem, (key) => ["registry", ...pathOf(key)]);
  reportUnder(
    observabilityProblems({
      retentionDays: observability.retentionDays,
      dailyQuotaGb: observability.dailyQuotaGb,
      alertsEnabled: observability.alerts.enabled,
      alertEmails: observability.alerts.emails,
    }),
    problem,
    (key) =>
      key.startsWith("alertEmails")
        ? ["observability", "alerts", "emails", ...pathOf(key).slice(1)]
        : ["observability", ...pathOf(key)],
  );
  if (config.environment === "production") {
    productionRules(config, problem);
  }
}

/** Pods per node the upgrade surge (33% of a pool) adds on top of a pool's maximum. */
const UPGRADE_SURGE = 0.33;

/** Address plan: subnets inside the VNet, nothing overlapping, cluster ranges outside the VNet. */
function networkRules(
  network: RawAzure["network"],
  cluster: RawAzure["cluster"],
  problem: Problem,
): void {
  const ranges = [
    network.addressSpace,
    ...Object.values(network.subnets),
    cluster.podCidr,
    cluster.serviceCidr,
  ];
  // Malformed blocks are reported by the field schema; comparing them would say nothing more.
  if (!ranges.every(isIpv4Cidr) || !isIpv4Address(cluster.dnsServiceIp)) {
    return;
  }
  for (const { key, reason } of addressPlanProblems(network.addressSpace, network.subnets)) {
    problem(["network", ...key.split(".")], reason);
  }
  for (const key of ["podCidr", "serviceCidr"] as const) {
    if (cidrsOverlap(cluster[key], network.addressSpace)) {
      problem(["cluster", key], `expected no overlap with the VNet ${network.addressSpace}`);
    }
  }
  // Every node takes an address from the node subnet, and an upgrade surges each pool by a third.
  const nodes = [cluster.systemPool, cluster.userPool].reduce(
    (total, pool) => total + pool.maxCount + Math.ceil(pool.maxCount * UPGRADE_SURGE),
    0,
  );
  const usable = cidrSize(network.subnets.nodes) - AZURE_SUBNET_RESERVED_ADDRESSES;
  if (Number.isFinite(nodes) && usable < nodes) {
    problem(
      ["network", "subnets", "nodes"],
      `expected room for ${nodes} nodes (both pools at maxCount plus the upgrade surge); it has ${usable} usable addresses`,
    );
  }
}
