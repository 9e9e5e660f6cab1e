import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseStackConfig } from "../../stacks/config";
import { configErrorOf, itRefuses, problemFor, type RefusedChange } from "../harness/config-errors";
import { readStackConfigFile, withConfig } from "../../tools/offline/run-stack";

const dev = readStackConfigFile("dev");
const prod = readStackConfigFile("prod");
const local = readStackConfigFile("local");
const DEV_GROUP = "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-hire-dev";
const DEV_CLUSTER = `${DEV_GROUP}/providers/Microsoft.ContainerService/managedClusters/aks-hire-dev`;

describe("committed stack files", () => {
  for (const [stack, raw] of [
    ["dev", dev],
    ["prod", prod],
    ["local", local],
  ] as const) {
    it(`${stack} parses into a frozen StackConfig`, () => {
      const config = parseStackConfig(stack, raw);
      assert.equal(config.stack, stack);
      assert.ok(Object.isFrozen(config));
      assert.throws(() => {
        (config.tags as { owner: string }).owner = "someone-else";
      }, TypeError);
    });
  }

  it("dev applies schema defaults where the file is silent", () => {
    const config = parseStackConfig("dev", dev);
    assert.equal(config.platform, "azure");
    assert.equal(config.cluster.upgradeChannel, "patch");
    assert.equal(config.database.storageAutoGrow, true);
    assert.equal(config.database.administratorLogin, "hiringadmin");
    assert.equal(config.registry.untaggedRetentionDays, 7);
    // dev is deployed by the Jenkins prod hosts, so it installs none of its own.
    assert.equal(config.cicd.enabled, false);
    assert.deepEqual(config.cicd.targets, []);
  });

  it("an absent block takes each field's own default, written once on the field", () => {
    const config = parseStackConfig(
      "dev",
      withConfig(dev, {
        keyVault: undefined,
        registry: undefined,
        observability: undefined,
        "cluster.apiServer": undefined,
      }),
    );
    assert.equal(config.platform, "azure");
    assert.deepEqual(config.keyVault, {
      sku: "standard",
      softDeleteRetentionDays: 90,
      purgeProtection: false,
      publicNetworkAccess: true,
      allowedIpRanges: [],
    });
    assert.deepEqual(config.registry, {
      sku: "Basic",
      zoneRedundancy: false,
      untaggedRetentionDays: 7,
    });
    assert.deepEqual(config.observability, {
      retentionDays: 30,
      dailyQuotaGb: -1,
      alerts: { enabled: false, emails: [] },
    });
    assert.deepEqual(config.cluster.apiServer, { authorizedIpRanges: [], privateCluster: false });
    const localConfig = parseStackConfig("local", withConfig(local, { database: undefined }));
    assert.equal(localConfig.platform, "local");
    assert.deepEqual(localConfig.database, { version: "16", storageSize: "5Gi" });
  });

  it("keeps a numeric-looking scalar such as a cost centre a string", () => {
    const config = parseStackConfig("dev", withConfig(dev, { "tags.costCenter": "1042" }));
    assert.equal(config.tags.costCenter, "1042");
  });
});

describe("bad config fails before any resource is registered, naming the key", () => {
  const cases: RefusedChange[] = [
    {
      title: "missing platform",
      change: { platform: undefined },
      key: "platform",
      mentions: '"azure" or "local"',
    },
    {
      title: "unknown platform",
      change: { platform: "gcp" },
      key: "platform",
      mentions: 'found "gcp"',
    },
    {
      title: "missing location",
      change: { location: undefined },
      key: "location",
      mentions: "(not set)",
    },
    {
      title: "node count of the wrong type",
      change: { "cluster.systemPool.maxCount": "three" },
      key: "cluster.systemPool.maxCount",
      mentions: "expected number",
    },
    {
      title: "max node count below min",
      change: { "cluster.userPool.minCount": 4, "cluster.userPool.maxCount": 2 },
      key: "cluster.userPool.maxCount",
      mentions: "at least userPool.minCount (4)",
    },
    {
      title: "node count out of range",
      change: { "cluster.systemPool.minCount": 0 },
      key: "cluster.systemPool.minCount",
      mentions: ">=1",
    },
    {
      title: "bad CIDR",
      change: { "network.addressSpace": "10.20.0.0/33" },
      key: "network.addressSpace",
      mentions: "IPv4 CIDR",
    },
    {
      title: "CIDR with host bits",
      change: { "network.subnets.nodes": "10.20.0.1/22" },
      key: "network.subnets.nodes",
      mentions: "zero host bits",
    },
    {
      title: "subnet outside the VNet",
      change: { "network.subnets.privateEndpoints": "10.99.0.0/27" },
      key: "network.subnets.privateEndpoints",
      mentions: "inside 10.20.0.0/16",
    },
    {
      title: "overlapping subnets",
      change: { "network.subnets.database": "10.20.1.0/28" },
      key: "network.subnets.database",
      mentions: "no overlap with subnets.nodes",
    },
    {
      title: "pod CIDR overlapping the VNet",
      change: { "cluster.podCidr": "10.20.128.0/17" },
      key: "cluster.podCidr",
      mentions: "no overlap with the VNet",
    },
    {
      title: "DNS service IP outside the service CIDR",
      change: { "cluster.dnsServiceIp": "10.0.0.10" },
      key: "cluster.dnsServiceIp",
      mentions: "inside serviceCidr",
    },
    {
      title: "unknown top-level key",
      change: { clustr: { tier: "Free" } },
      key: "clustr",
      mentions: "unknown key",
    },
    {
      title: "misspelt nested key",
      change: { "cluster.systemPool.maxcount": 3 },
      key: "cluster.systemPool.maxcount",
      mentions: "unknown key",
    },
    {
      title: "bad enum value",
      change: { "cluster.tier": "Premium" },
      key: "cluster.tier",
      mentions: '"Free"|"Standard"',
    },
    {
      title: "admin group that is not a GUID",
      change: { "cluster.adminGroupObjectIds": ["platform-admins"] },
      key: "cluster.adminGroupObjectIds[0]",
      mentions: "GUID",
    },
    {
      title: "no admin group",
      change: { "cluster.adminGroupObjectIds": [] },
      key: "cluster.adminGroupObjectIds",
      mentions: "at least one",
    },
    {
      title: "HA on a Burstable database",
      change: { "database.highAvailability": "ZoneRedundant" },
      key: "database.highAvailability",
      mentions: "Burstable",
    },
    {
      title: "unsupported storage size",
      change: { "database.storageSizeGB": 50 },
      key: "database.storageSizeGB",
      mentions: "32, 64, 128",
    },
    {
      title: "reserved database login",
      change: { "database.administratorLogin": "admin" },
      key: "database.administratorLogin",
      mentions: "a login Azure does not reserve",
    },
    {
      title: "duplicate app names",
      change: { apps: [{ name: "web" }, { name: "web" }] },
      key: "apps[1].name",
      mentions: "appears twice",
    },
    {
      title: "app name that is not a DNS label",
      change: { apps: [{ name: "Careers_Web" }] },
      key: "apps[0].name",
      mentions: "DNS label",
    },
    {
      title: "bad Kubernetes quantity",
      change: { apps: [{ name: "web", memory: "4 gigs" }] },
      key: "apps[0].memory",
      mentions: "Kubernetes quantity",
    },
    {
      title: "tag overriding a standard tag",
      change: { "tags.extra": { owner: "x" } },
      key: "tags.extra.owner",
      mentions: "other than the standard",
    },
    {
      title: "prefix too long for Azure names",
      change: { namePrefix: "hiringplatform" },
      key: "namePrefix",
      mentions: "2-8 lowercase",
    },
    {
      title: "zone listed twice",
      change: { "cluster.availabilityZones": ["1", "1"] },
      key: "cluster.availabilityZones",
      mentions: "at most once",
    },
    {
      title: "zone redundancy on a Basic registry",
      change: { "registry.zoneRedundancy": true },
      key: "registry.zoneRedundancy",
      mentions: "Premium",
    },
    {
      title: "plain http repository",
      base: prod,
      stack: "prod",
      change: { "cicd.repositoryUrl": "http://example.com/repo.git" },
      key: "cicd.repositoryUrl",
      mentions: "https://",
    },
    {
      title: "an Azure Jenkins without its agent image (the base image has no kubelogin)",
      base: prod,
      stack: "prod",
      change: { "cicd.agentImage": undefined },
      key: "cicd.agentImage",
      mentions: "built from ci/agent-image/Dockerfile",
    },
    {
      title: "an agent image on a floating tag",
      base: prod,
      stack: "prod",
      change: { "cicd.agentImage": "crhireprod.azurecr.io/hiring-infra-agent:latest" },
      key: "cicd.agentImage",
      mentions: "not latest or a floating tag",
    },
    {
      title: "an untagged agent image",
      base: prod,
      stack: "prod",
      change: { "cicd.agentImage": "crhireprod.azurecr.io/hiring-infra-agent" },
      key: "cicd.agentImage",
      mentions: "not latest or a floating tag",
    },
    {
      title: "Jenkins without approvers",
      base: prod,
      stack: "prod",
      change: { "cicd.approvers": [] },
      key: "cicd.approvers",
      mentions: "at least one approver",
    },
    {
      title: "an approver named where Entra sign-in knows only object ids",
      base: prod,
      stack: "prod",
      change: { "cicd.approvers": ["group:platform-team"] },
      key: "cicd.approvers[0]",
      mentions: "Entra group object id",
    },
    {
      title: "an approver the local realm can never satisfy",
      base: local,
      stack: "local",
      change: { "cicd.approvers": ["group:platform-leads"] },
      key: "cicd.approvers[0]",
      mentions: "the local realm has no groups",
    },
    {
      title: "Entra sign-in on the local platform",
      base: local,
      stack: "local",
      change: {
        "cicd.signIn": {
          realm: "entra",
          clientId: "3c8e5a2f-6d1b-4e9a-8f7c-0b2d4e6f8a1c",
          tenantId: "5b7d9f1e-3a2c-4e6b-9d8f-1a3c5e7b9d2f",
        },
        "cicd.approvers": ["group:9d1e7c45-2b6a-4f83-a0c9-5e7d8f9a0b1c"],
      },
      key: "cicd.signIn.realm",
      mentions: "expected local off Azure",
    },
    {
      title: "an Entra app registration id that is not a GUID",
      base: prod,
      stack: "prod",
      change: { "cicd.signIn.clientId": "jenkins-app" },
      key: "cicd.signIn.clientId",
      mentions: "lowercase GUID",
    },
    {
      title: "an ingress without a host",
      base: prod,
      stack: "prod",
      change: { "cicd.ingress": { enabled: true, tlsSecretName: "jenkins-tls" } },
      key: "cicd.ingress.host",
      mentions: "lowercase DNS name",
    },
    {
      title: "a CI egress range the CI stack's own API server does not admit",
      base: prod,
      stack: "prod",
      change: { "cicd.egressIpRanges": ["192.0.2.1/32"] },
      key: "cicd.egressIpRanges[0]",
      mentions: "inside cluster.apiServer.authorizedIpRanges",
    },
    {
      title: "the CI stack listed as its own target",
      base: prod,
      stack: "prod",
      change: {
        "cicd.targets": [{ stack: "prod", resourceGroupId: DEV_GROUP, clusterId: DEV_CLUSTER }],
      },
      key: "cicd.targets[0].stack",
      mentions: "expected each stack once",
    },
    {
      title: "a target whose resource group id is not one",
      base: prod,
      stack: "prod",
      change: {
        "cicd.targets": [{ stack: "dev", resourceGroupId: "rg-hire-dev", clusterId: DEV_CLUSTER }],
      },
      key: "cicd.targets[0].resourceGroupId",
      mentions: "resource id of a resource group",
    },
    {
      title: "state storage that is not an Azure resource id",
      change: { "cicd.stateStorageAccountId": "sthirestate" },
      key: "cicd.stateStorageAccountId",
      mentions: "Azure resource id of a storage account",
    },
    {
      title: "prod without database HA",
      base: prod,
      stack: "prod",
      change: { "database.highAvailability": "Disabled" },
      key: "database.highAvailability",
      mentions: "ZoneRedundant in production",
    },
    {
      title: "prod without zones",
      base: prod,
      stack: "prod",
      change: { "cluster.availabilityZones": [] },
      key: "cluster.availabilityZones",
      mentions: "in production",
    },
    {
      title: "prod without protection",
      base: prod,
      stack: "prod",
      change: { protect: "false" },
      key: "protect",
      mentions: "expected true in production",
    },
    {
      title: "prod on the Free tier",
      base: prod,
      stack: "prod",
      change: { "cluster.tier": "Free" },
      key: "cluster.tier",
      mentions: "Standard in production",
    },
    {
      title: "prod with a public Key Vault",
      base: prod,
      stack: "prod",
      change: { "keyVault.publicNetworkAccess": true },
      key: "keyVault.publicNetworkAccess",
      mentions: "false in production",
    },
    {
      title: "local stack with an Azure key",
      base: local,
      stack: "local",
      change: { location: "westeurope" },
      key: "location",
      mentions: "unknown key",
    },
  ];
  itRefuses(cases, dev);

  it("lists every problem in one error", async () => {
    const error = await configErrorOf(
      "dev",
      withConfig(dev, {
        "cluster.systemPool.minCount": 0,
        "network.addressSpace": "nope",
        location: undefined,
      }),
    );
    assert.ok(error.problems.length >= 3, error.message);
    assert.match(error.message, /Invalid configuration for stack "dev" \(\d+ problems\)/);
    problemFor(error, "cluster.systemPool.minCount");
    problemFor(error, "network.addressSpace");
    problemFor(error, "location");
  });

  it("is a RunError, so the CLI prints it without a stack trace", async () => {
    const { RunError } = await import("@pulumi/pulumi");
    const error = await configErrorOf("dev", withConfig(dev, { location: undefined }));
    assert.ok(RunError.isInstance(error));
  });

  it("ignores other namespaces such as azure-native:location", () => {
    const config = parseStackConfig("dev", { ...dev, "azure-native:location": "westeurope" });
    assert.equal(config.platform, "azure");
  });
});
