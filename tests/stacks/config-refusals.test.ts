import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isProductionStack, parseStackConfig, PROJECT } from "../../stacks/config";
import { enforcementForStack } from "../../tools/plan/policy";
import { configErrorOf, itRefuses, problemFor, type RefusedChange } from "../harness/config-errors";
import { readStackConfigFile, withConfig } from "../../tools/offline/run-stack";

const dev = readStackConfigFile("dev");
const prod = readStackConfigFile("prod");
const local = readStackConfigFile("local");

/** Dev's apps with one more, `extra`, appended. */
const devAppsWith = (extra: Record<string, unknown>): Record<string, unknown>[] => [
  ...(JSON.parse(dev[`${PROJECT}:apps`] ?? "[]") as Record<string, unknown>[]),
  extra,
];

describe("config refuses what Azure, Kubernetes or PostgreSQL would reject at deploy time", () => {
  const cases: RefusedChange[] = [
    {
      title: "an app whose role is the database administrator login",
      change: { apps: devAppsWith({ name: "hiringadmin", database: true }) },
      key: "apps[3].name",
      mentions: "the administrator",
    },
    {
      title: "an app whose role is an Entra administrator's name",
      base: prod,
      stack: "prod",
      change: {
        "database.entraAdministrators": [
          {
            objectId: "7a3c2f10-5b8e-4d1a-9c47-2e6f0b9d8a31",
            principalName: "applicant_api",
            principalType: "Group",
          },
        ],
      },
      key: "apps[1].name",
      mentions: "entraAdministrators principalName",
    },
    {
      title: "an app named like Jenkins' namespace",
      change: { apps: devAppsWith({ name: "jenkins" }) },
      key: "apps[3].name",
      mentions: "a namespace the cluster or the stack already creates",
    },
    {
      title: "an app named like the Jenkins deploy agents' namespace",
      change: { apps: devAppsWith({ name: "jenkins-deploy" }) },
      key: "apps[3].name",
      mentions: "already creates",
    },
    {
      title: "an app named like the Azure Policy add-on's namespace",
      change: { apps: devAppsWith({ name: "gatekeeper-system" }) },
      key: "apps[3].name",
      mentions: "already creates",
    },
    {
      title: "an app named like the ingress controller's namespace",
      change: { apps: devAppsWith({ name: "ingress-nginx" }) },
      key: "apps[3].name",
      mentions: "already creates",
    },
    {
      title: "an app named like the provisioning namespace",
      change: { apps: devAppsWith({ name: "db-provisioning" }) },
      key: "apps[3].name",
      mentions: "already creates",
    },
    {
      title: "an app named kube-*",
      change: { apps: devAppsWith({ name: "kube-tools" }) },
      key: "apps[3].name",
      mentions: "already creates",
    },
    {
      title: "a local app named like the in-cluster database's namespace",
      base: local,
      stack: "local",
      change: { apps: [{ name: "database" }] },
      key: "apps[0].name",
      mentions: "already creates",
    },
    {
      title: "a local database size the server's volume claim would not take (millibytes)",
      base: local,
      stack: "local",
      change: { "database.storageSize": "500m" },
      key: "database.storageSize",
      mentions: "like 5Gi",
    },
    {
      title: 'an app cpu of "0"',
      change: { apps: [{ name: "web", cpu: "0" }] },
      key: "apps[0].cpu",
      mentions: "at least 100m",
    },
    {
      title: "an app memory below the per-container defaults",
      change: { apps: [{ name: "web", memory: "64Mi" }] },
      key: "apps[0].memory",
      mentions: "at least 128Mi",
    },
    {
      title: "an Entra administrator listed twice",
      base: prod,
      stack: "prod",
      change: {
        "database.entraAdministrators": [
          {
            objectId: "7a3c2f10-5b8e-4d1a-9c47-2e6f0b9d8a31",
            principalName: "a",
            principalType: "Group",
          },
          {
            objectId: "7A3C2F10-5B8E-4D1A-9C47-2E6F0B9D8A31",
            principalName: "b",
            principalType: "Group",
          },
        ],
      },
      key: "database.entraAdministrators[1].objectId",
      mentions: "once",
    },
    {
      title: "a database SKU from another tier",
      change: { "database.skuName": "Standard_D4ds_v5" },
      key: "database.skuName",
      mentions: "Burstable size",
    },
    {
      title: "a standby zone equal to the primary's",
      base: prod,
      stack: "prod",
      change: { "database.standbyAvailabilityZone": "1" },
      key: "database.standbyAvailabilityZone",
      mentions: "other than availabilityZone",
    },
    {
      title: "a DNS service IP that is the kubernetes service's address",
      change: { "cluster.dnsServiceIp": "172.16.0.1" },
      key: "cluster.dnsServiceIp",
      mentions: "first address of serviceCidr",
    },
    {
      title: "an admin group listed twice",
      change: {
        "cluster.adminGroupObjectIds": [
          "7a3c2f10-5b8e-4d1a-9c47-2e6f0b9d8a31",
          "7a3c2f10-5b8e-4d1a-9c47-2e6f0b9d8a31",
        ],
      },
      key: "cluster.adminGroupObjectIds[1]",
      mentions: "once",
    },
    {
      title: "a node subnet too small for both pools at maxCount plus the upgrade surge",
      change: { "network.subnets.nodes": "10.20.0.0/29" },
      key: "network.subnets.nodes",
      mentions: "usable addresses",
    },
    {
      title: "more tags than Azure allows on a resource",
      change: {
        "tags.extra": Object.fromEntries(
          Array.from({ length: 45 }, (_, index) => [`t${index}`, "x"]),
        ),
      },
      key: "tags.extra",
      mentions: "at most 44 extra tags",
    },
    {
      title: "a duplicated Key Vault firewall range",
      change: { "keyVault.allowedIpRanges": ["203.0.113.0/24", "203.0.113.0/24"] },
      key: "keyVault.allowedIpRanges[1]",
      mentions: "once",
    },
    {
      title: "a private range in the Key Vault firewall",
      change: { "keyVault.allowedIpRanges": ["10.1.0.0/16"] },
      key: "keyVault.allowedIpRanges[0]",
      mentions: "RFC 1918",
    },
    {
      title: "an alert address listed twice",
      change: {
        "observability.alerts": { enabled: true, emails: ["ops@example.com", "OPS@example.com"] },
      },
      key: "observability.alerts.emails[1]",
      mentions: "once",
    },
  ];
  itRefuses(cases, dev);

  it("a key in a misspelt namespace is refused, not ignored", async () => {
    const error = await configErrorOf("dev", { ...dev, "hiring-infr:protect": "true" });
    assert.match(problemFor(error, "hiring-infr:protect"), /known namespace/);
  });
});

describe("production is tied to the stack", () => {
  it("prod and prod-* are production stacks; dev and production-like names are not", () => {
    assert.deepEqual(
      ["prod", "prod-weu", "dev", "local", "production", "preprod", "prod2"].map(isProductionStack),
      [true, true, false, false, false, false, false],
    );
  });

  it("the prod stack saying environment: development is refused, and still gets every production rule", async () => {
    const error = await configErrorOf(
      "prod",
      withConfig(prod, { environment: "development", "database.highAvailability": "Disabled" }),
    );
    assert.match(problemFor(error, "environment"), /"production" for stack "prod"/);
    assert.match(problemFor(error, "database.highAvailability"), /ZoneRedundant in production/);
  });

  it("a prod-* stack without the environment key gets the production rules", async () => {
    const raw = withConfig(prod, { environment: undefined, "cluster.tier": "Free" });
    const error = await configErrorOf("prod-weu", raw);
    problemFor(error, "environment");
    assert.match(problemFor(error, "cluster.tier"), /Standard in production/);
  });

  it("the offline plan checks a prod stack with the mandatory policy level whatever its file says", () => {
    const claimsDevelopment = withConfig(prod, { environment: "development" });
    assert.equal(enforcementForStack(claimsDevelopment, "prod").source, "policy/config.prod.json");
    assert.equal(enforcementForStack(dev, "dev").source, "policy/config.dev.json");
  });
});

describe("production refuses what weakens recovery or visibility", () => {
  const cases: RefusedChange[] = [
    {
      title: "authorised ranges whose union is all of IPv4 (two /1s)",
      change: { "cluster.apiServer.authorizedIpRanges": ["0.0.0.0/1", "128.0.0.0/1"] },
      key: "cluster.apiServer.authorizedIpRanges",
      mentions: "these cover 4294967296",
    },
    {
      title: "authorised ranges wider than a /8 together",
      change: { "cluster.apiServer.authorizedIpRanges": ["203.0.0.0/8", "198.0.0.0/8"] },
      key: "cluster.apiServer.authorizedIpRanges",
      mentions: "at most 16777216",
    },
    {
      title: "a short Key Vault soft-delete retention",
      change: { "keyVault.softDeleteRetentionDays": 30 },
      key: "keyVault.softDeleteRetentionDays",
      mentions: "90 in production",
    },
    {
      title: "a daily ingestion cap",
      change: { "observability.dailyQuotaGb": 5 },
      key: "observability.dailyQuotaGb",
      mentions: "-1 (no cap) in production",
    },
    {
      title: "storage auto-grow off",
      change: { "database.storageAutoGrow": false },
      key: "database.storageAutoGrow",
      mentions: "true in production",
    },
    {
      title: "Defender for Containers off",
      change: { "cluster.defenderForContainers": false },
      key: "cluster.defenderForContainers",
      mentions: "true in production",
    },
  ];
  itRefuses(
    cases.map((testCase) => ({ ...testCase, stack: "prod", base: prod })),
    dev,
  );

  it("accepts narrow authorised ranges (the committed prod file)", () => {
    assert.equal(parseStackConfig("prod", prod).environment, "production");
  });
});

describe("one wrong-typed value hides nothing else", () => {
  it("reports the type error, the cross-field problem and the production problems together", async () => {
    const error = await configErrorOf(
      "prod",
      withConfig(prod, {
        "cluster.systemPool.maxCount": "five",
        "cluster.userPool.minCount": 20,
        "database.highAvailability": "Disabled",
        "keyVault.softDeleteRetentionDays": 7,
        apps: [{ name: "web", cpu: "0" }],
      }),
    );
    assert.match(problemFor(error, "cluster.systemPool.maxCount"), /expected number/);
    assert.match(problemFor(error, "cluster.userPool.maxCount"), /at least userPool.minCount/);
    problemFor(error, "database.highAvailability");
    problemFor(error, "keyVault.softDeleteRetentionDays");
    problemFor(error, "apps[0].cpu");
  });

  it("does not restate a field's type error as a cross-field problem", async () => {
    const error = await configErrorOf(
      "dev",
      withConfig(dev, { "cluster.systemPool.minCount": "three" }),
    );
    const keys = error.problems.map((problem) => problem.key);
    assert.deepEqual(
      keys.filter((key) => key === `${PROJECT}:cluster.systemPool.minCount`),
      [`${PROJECT}:cluster.systemPool.minCount`],
      error.message,
    );
  });
});
