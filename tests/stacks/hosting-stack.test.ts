import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { PULUMI_BASE_IMAGE } from "../../infra/cicd";
import { pipelineEnvironment } from "../../stacks/hosting-stack";
import { isSecretValue, unsecret, type RecordedResource } from "../../tools/offline/recorder";
import {
  readStackConfigFile,
  REPO_ROOT,
  runStack,
  withConfig,
  type StackRun,
} from "../../tools/offline/run-stack";
import { sharedRun } from "../../tools/offline/shared-runs";

const STATEFUL = [
  "azure-native:containerservice:ManagedCluster",
  "azure-native:dbforpostgresql:Server",
  "azure-native:dbforpostgresql:Database",
  "azure-native:keyvault:Vault",
  "azure-native:containerregistry:Registry",
  "azure-native:operationalinsights:Workspace",
];

function one(run: StackRun, type: string, name?: string): RecordedResource {
  const matches = run.resources.filter((r) => r.type === type && (!name || r.name === name));
  assert.equal(matches.length, 1, `expected one ${type} ${name ?? ""}, found ${matches.length}`);
  return matches[0] as RecordedResource;
}

function at(value: unknown, ...keys: (string | number)[]): unknown {
  return keys.reduce<unknown>(
    (current, key) =>
      current !== null && typeof current === "object"
        ? (current as Record<string | number, unknown>)[key]
        : undefined,
    value,
  );
}

/** Whether the azure-native typings give this resource type a `tags` input. */
function isTaggable(type: string): boolean {
  const [, module = "", resource = ""] = type.split(":");
  const file = path.join(
    REPO_ROOT,
    "node_modules/@pulumi/azure-native",
    module,
    `${resource.charAt(0).toLowerCase()}${resource.slice(1)}.d.ts`,
  );
  assert.ok(existsSync(file), `no typings for ${type}`);
  const args = readFileSync(file, "utf8").split(/export interface \w+Args \{/)[1] ?? "";
  return /^\s+tags\?:/m.test(args);
}

describe("hosting stack composition", () => {
  let dev: StackRun;
  let prod: StackRun;
  let local: StackRun;
  before(async () => {
    dev = await sharedRun("dev");
    prod = await sharedRun("prod");
    local = await sharedRun("local");
  });

  it("puts the cluster's nodes on the network's node subnet", () => {
    const subnet = one(dev, "azure-native:network:Subnet", "network-snet-nodes");
    const cluster = one(dev, "azure-native:containerservice:ManagedCluster");
    const pool = one(dev, "azure-native:containerservice:AgentPool");
    assert.equal(at(cluster.inputs, "agentPoolProfiles", 0, "vnetSubnetID"), subnet.id);
    assert.equal(pool.inputs.vnetSubnetID, subnet.id);
  });

  it("places the database in the delegated subnet and the network's PostgreSQL DNS zone", () => {
    const server = one(dev, "azure-native:dbforpostgresql:Server");
    const subnet = one(dev, "azure-native:network:Subnet", "network-snet-database");
    const zone = one(dev, "azure-native:privatedns:PrivateZone", "network-dns-postgres");
    assert.equal(at(server.inputs, "network", "delegatedSubnetResourceId"), subnet.id);
    assert.equal(at(server.inputs, "network", "privateDnsZoneArmResourceId"), zone.id);
    assert.equal(at(server.inputs, "network", "publicNetworkAccess"), "Disabled");
    const link = one(
      dev,
      "azure-native:privatedns:VirtualNetworkLink",
      "network-dns-postgres-link",
    );
    assert.ok(
      server.options.dependsOn.includes(link.urn),
      "the server waits for the zone's VNet link",
    );
  });

  it("grants AcrPull on the registry to the cluster's kubelet identity", () => {
    const cluster = one(dev, "azure-native:containerservice:ManagedCluster");
    const registry = one(dev, "azure-native:containerregistry:Registry");
    const pulls = dev.resources.filter(
      (r) =>
        r.type === "azure-native:authorization:RoleAssignment" &&
        String(r.inputs.roleDefinitionId).endsWith("7f951dda-4ed3-4680-a7ca-43fe172d538d"),
    );
    const [pull] = pulls;
    assert.ok(pull && pulls.length === 1);
    assert.equal(pull.inputs.scope, registry.id);
    assert.equal(
      pull.inputs.principalId,
      at(cluster.outputs, "identityProfile", "kubeletidentity", "objectId"),
    );
  });

  it("lets the cluster's Key Vault CSI identity read secrets, and writes the DB password there", () => {
    const cluster = one(dev, "azure-native:containerservice:ManagedCluster");
    const vault = one(dev, "azure-native:keyvault:Vault");
    const reader = dev.resources.find(
      (r) =>
        r.type === "azure-native:authorization:RoleAssignment" &&
        String(r.inputs.roleDefinitionId).endsWith("4633458b-17de-408a-b874-0445c86b69e6"),
    );
    assert.equal(reader?.inputs.scope, vault.id);
    assert.equal(
      reader.inputs.principalId,
      at(cluster.outputs, "addonProfiles", "azureKeyvaultSecretsProvider", "identity", "objectId"),
    );
    const secret = one(dev, "azure-native:keyvault:Secret", "database-admin-password-secret");
    assert.equal(secret.inputs.vaultName, vault.inputs.vaultName);
  });

  it("sends Container Insights and every diagnostic setting to the one workspace", () => {
    const workspace = one(dev, "azure-native:operationalinsights:Workspace");
    const cluster = one(dev, "azure-native:containerservice:ManagedCluster");
    assert.equal(
      at(cluster.inputs, "addonProfiles", "omsagent", "config", "logAnalyticsWorkspaceResourceID"),
      workspace.id,
    );
    const settings = dev.resources.filter(
      (r) => r.type === "azure-native:monitor:DiagnosticSetting",
    );
    const targets = [
      "azure-native:containerservice:ManagedCluster",
      "azure-native:dbforpostgresql:Server",
      "azure-native:keyvault:Vault",
      "azure-native:containerregistry:Registry",
    ].map((type) => one(dev, type).id);
    assert.deepEqual(settings.map((s) => s.inputs.resourceUri).sort(), [...targets].sort());
    for (const setting of settings) {
      assert.equal(setting.inputs.workspaceId, workspace.id);
    }
  });

  it("creates a database per app that asks for one", () => {
    const names = dev.resources
      .filter((r) => r.type === "azure-native:dbforpostgresql:Database")
      .map((r) => r.inputs.databaseName);
    assert.deepEqual(names.sort(), ["applicant_api", "interview_scheduler"]);
  });

  it("reaches Key Vault and ACR privately in prod, publicly behind a firewall in dev", () => {
    const endpoints = (run: StackRun): unknown[] =>
      run.resources
        .filter((r) => r.type === "azure-native:network:PrivateEndpoint")
        .map((r) => at(r.inputs, "privateLinkServiceConnections", 0, "groupIds", 0))
        .sort();
    assert.deepEqual(endpoints(prod), ["registry", "vault"]);
    assert.deepEqual(endpoints(dev), []);
    const vault = one(dev, "azure-native:keyvault:Vault");
    assert.equal(at(vault.inputs, "properties", "networkAcls", "defaultAction"), "Deny");
  });

  it("adds alerts to an action group in prod only", () => {
    const alerts = (run: StackRun): number =>
      run.resources.filter((r) => r.type === "azure-native:monitor:MetricAlert").length;
    assert.equal(alerts(dev), 0);
    assert.ok(alerts(prod) >= 5);
    const group = one(prod, "azure-native:monitor:ActionGroup");
    for (const alert of prod.resources.filter(
      (r) => r.type === "azure-native:monitor:MetricAlert",
    )) {
      assert.equal(at(alert.inputs, "actions", 0, "actionGroupId"), group.id);
    }
  });

  it("protects every stateful resource in prod and none in dev", () => {
    for (const type of STATEFUL) {
      for (const resource of prod.resources.filter((r) => r.type === type)) {
        assert.equal(resource.options.protect, true, `${resource.name} in prod`);
      }
      for (const resource of dev.resources.filter((r) => r.type === type)) {
        assert.equal(resource.options.protect, false, `${resource.name} in dev`);
      }
    }
    assert.equal(one(prod, "azure-native:resources:ResourceGroup").options.protect, true);
    // A new name suffix would rename, and so replace, every globally named resource.
    assert.equal(
      one(prod, "random:index/randomString:RandomString", "name-suffix").options.protect,
      true,
    );
  });

  it("tags every taggable Azure resource with the standard tags", () => {
    for (const run of [dev, prod]) {
      const azure = run.resources.filter((r) => r.custom && r.type.startsWith("azure-native:"));
      const taggable = azure.filter((r) => isTaggable(r.type));
      assert.ok(taggable.length >= 15, `${run.stack}: ${taggable.length} taggable resources`);
      for (const resource of taggable) {
        const tags = resource.inputs.tags as Record<string, string> | undefined;
        assert.deepEqual(
          tags && {
            project: tags.project,
            stack: tags.stack,
            owner: tags.owner,
            costCenter: tags["cost-center"],
            managedBy: tags["managed-by"],
          },
          {
            project: "hiring-infra",
            stack: run.stack,
            owner: "platform-team",
            costCenter: "cc-1042",
            managedBy: "pulumi",
          },
          `${run.stack}: ${resource.type} ${resource.name}`,
        );
      }
    }
  });

  it("keeps the kubeconfig and the database password secret end to end", () => {
    assert.equal(dev.outputs.kubeconfig?.secret, true);
    const server = one(dev, "azure-native:dbforpostgresql:Server");
    assert.ok(isSecretValue(server.inputs.administratorLoginPassword));
    const password = unsecret(server.inputs.administratorLoginPassword);
    assert.equal(typeof password, "string");
    for (const resource of dev.resources) {
      for (const [key, value] of Object.entries(resource.inputs)) {
        if (JSON.stringify(unsecret(value)).includes(String(password))) {
          assert.ok(isSecretValue(value), `${resource.name}.${key} carries the password in clear`);
        }
      }
    }
    const provider = one(dev, "pulumi:providers:kubernetes");
    assert.ok(isSecretValue(provider.inputs.kubeconfig));
  });

  it("draws the unique-name suffix from @pulumi/random, lowercase alphanumeric", () => {
    const suffix = one(dev, "random:index/randomString:RandomString");
    assert.deepEqual(
      { length: suffix.inputs.length, upper: suffix.inputs.upper, special: suffix.inputs.special },
      { length: 5, upper: false, special: false },
    );
  });

  it("registers no Azure resource for the local stack", () => {
    assert.equal(local.resources.filter((r) => r.type.startsWith("azure-native:")).length, 0);
    assert.equal(local.outputs.platform?.value, "local");
  });

  it("runs Jenkins locally without any Azure identity", () => {
    const accounts = local.resources.filter(
      (r) =>
        r.type === "kubernetes:core/v1:ServiceAccount" &&
        String(at(r.inputs, "metadata", "namespace")).startsWith("jenkins"),
    );
    // Three agent kinds (test, preview, deploy) and the deploy cloud's own account.
    assert.equal(accounts.length, 4);
    for (const account of accounts) {
      const annotations = at(account.inputs, "metadata", "annotations") as
        Record<string, string> | undefined;
      assert.equal(annotations?.["azure.workload.identity/client-id"], undefined, account.name);
    }
    assert.ok(local.resources.some((r) => r.type === "kubernetes:helm.sh/v3:Release"));
    assert.deepEqual(local.outputs.jenkinsIdentityClientIds?.value, {});
  });

  it("gives each of dev's three apps its own namespace, quota and default-deny policy", () => {
    const namespaces = dev.resources
      .filter((r) => r.type === "kubernetes:core/v1:Namespace")
      .map((r) => at(r.inputs, "metadata", "name"));
    for (const app of ["careers-web", "applicant-api", "interview-scheduler"]) {
      assert.ok(namespaces.includes(app), app);
      const inApp = dev.resources.filter((r) => at(r.inputs, "metadata", "namespace") === app);
      assert.ok(
        inApp.some((r) => r.type === "kubernetes:core/v1:ResourceQuota"),
        app,
      );
      assert.ok(
        inApp.some(
          (r) =>
            r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy" &&
            at(r.inputs, "metadata", "name") === "default-deny",
        ),
        app,
      );
    }
  });

  it("runs everything on the cluster through the cluster's provider", () => {
    for (const [run, providerName] of [
      [dev, "cluster-k8s"],
      [local, "kubernetes"],
    ] as const) {
      const provider = one(run, "pulumi:providers:kubernetes", providerName);
      const onCluster = run.resources.filter((r) => r.type.startsWith("kubernetes:"));
      assert.ok(onCluster.length > 20);
      for (const resource of onCluster) {
        assert.ok(resource.options.provider?.startsWith(`${provider.urn}::`), resource.name);
      }
    }
  });

  it("points the apps' database secrets at the platform's server, never the admin login", () => {
    const secretData = (run: StackRun, name: string): Record<string, string> =>
      unsecret(one(run, "kubernetes:core/v1:Secret", name).inputs.stringData) as Record<
        string,
        string
      >;
    const azure = secretData(dev, "apps-applicant-api-database-secret");
    assert.match(azure.host ?? "", /^psql-hire-dev-\w+\.postgres\.database\.azure\.com$/);
    assert.equal(azure.sslmode, "require");
    assert.notEqual(azure.username, "hiringadmin");
    const inCluster = secretData(local, "apps-applicant-api-database-secret");
    assert.equal(inCluster.host, "postgresql.database.svc.cluster.local");
    assert.notEqual(inCluster.username, "postgres");
  });

  it("provisions each app's role only after Azure created that app's own database", () => {
    const databases = dev.resources.filter(
      (r) => r.type === "azure-native:dbforpostgresql:Database",
    );
    assert.deepEqual(databases.map((database) => database.name).sort(), [
      "database-db-applicant_api",
      "database-db-interview_scheduler",
    ]);
    for (const app of ["applicant-api", "interview-scheduler"]) {
      const own = `database-db-${app.replaceAll("-", "_")}`;
      for (const name of [`apps-${app}-provision-job`, `apps-${app}-database-secret`]) {
        const resource = dev.resources.find((r) => r.name === name);
        assert.ok(resource, name);
        const waitsFor = databases
          .filter((database) => resource.options.dependsOn.includes(database.urn))
          .map((database) => database.name);
        // The secret waits for the job, which waits for the database.
        assert.deepEqual(waitsFor, name.endsWith("-job") ? [own] : [], name);
      }
    }
  });

  it("keeps every app's inputs free of the other apps' names", () => {
    const apps = ["careers-web", "applicant-api", "interview-scheduler"];
    for (const resource of dev.resources.filter((r) => r.name.startsWith("apps-"))) {
      const app = apps.find((name) => resource.name.startsWith(`apps-${name}-`));
      if (app === undefined) {
        continue;
      }
      const text = JSON.stringify(unsecret(resource.inputs));
      for (const other of apps.filter((name) => name !== app)) {
        for (const spelling of [other, other.replaceAll("-", "_")]) {
          assert.ok(!text.includes(spelling), `${resource.name} mentions ${spelling}`);
        }
      }
    }
  });

  it("derives the pipelines' backend environment from cicd.backendUrl", () => {
    assert.deepEqual(
      pipelineEnvironment("azblob://pulumi-state?storage_account=sthirestateab12c"),
      {
        PULUMI_BACKEND_URL: "azblob://pulumi-state?storage_account=sthirestateab12c",
        AZURE_STORAGE_ACCOUNT: "sthirestateab12c",
      },
    );
    assert.deepEqual(pipelineEnvironment("file:///srv/pulumi"), {
      PULUMI_BACKEND_URL: "file:///srv/pulumi",
    });
    assert.deepEqual(pipelineEnvironment(undefined), {});
  });

  it("runs the agent pods from cicd.agentImage on Azure, and from the Pulumi base image locally", () => {
    const releaseText = (run: StackRun): string =>
      JSON.stringify(unsecret(one(run, "kubernetes:helm.sh/v3:Release", "jenkins-release").inputs));
    const prodImage = String(
      (
        JSON.parse(readStackConfigFile("prod")["hiring-infra:cicd"] ?? "{}") as Record<
          string,
          unknown
        >
      ).agentImage,
    );
    assert.match(prodImage, /\.azurecr\.io\/hiring-infra-agent:/);
    const prodRelease = releaseText(prod);
    assert.ok(prodRelease.includes(prodImage), "prod's pod templates name cicd.agentImage");
    assert.ok(!prodRelease.includes(PULUMI_BASE_IMAGE), "and never the base image");
    assert.ok(releaseText(local).includes(PULUMI_BASE_IMAGE), "local defaults to the base image");
  });

  it("runs one Jenkins, in prod, with a preview and a deploy identity per stack it deploys", () => {
    assert.equal(dev.resources.filter((r) => r.type === "hiring:cicd:Jenkins").length, 0);
    assert.equal(prod.resources.filter((r) => r.type === "hiring:cicd:Jenkins").length, 1);
    const identities = prod.resources
      .filter((r) => r.type === "azure-native:managedidentity:UserAssignedIdentity")
      .map((r) => String(r.inputs.resourceName))
      .filter((name) => name.includes("jenkins"));
    assert.deepEqual(identities.sort(), [
      "id-hire-prod-jenkins-deploy-dev",
      "id-hire-prod-jenkins-deploy-prod",
      "id-hire-prod-jenkins-preview-dev",
      "id-hire-prod-jenkins-preview-prod",
    ]);
    const issuer = prod.outputs.oidcIssuerUrl?.value;
    const federations = prod.resources.filter(
      (r) => r.type === "azure-native:managedidentity:FederatedIdentityCredential",
    );
    assert.equal(federations.length, 4);
    for (const federation of federations) {
      assert.equal(federation.inputs.issuer, issuer, "the CI cluster's issuer");
    }
    // dev's identities hold roles on dev's resource group, as prod's cicd.targets names it.
    const devScopes = prod.resources
      .filter(
        (r) => r.type === "azure-native:authorization:RoleAssignment" && r.name.includes("-dev-"),
      )
      .map((r) => String(r.inputs.scope));
    assert.ok(devScopes.length > 0);
    for (const scope of devScopes) {
      assert.match(scope, /^\/subscriptions\/[^/]+\/resourceGroups\/rg-hire-dev(\/|$)/, scope);
    }
  });

  it("leaves Jenkins out when cicd.enabled is false", async () => {
    const withoutJenkins = await runStack({
      stack: "local",
      config: withConfig(readStackConfigFile("local"), { "cicd.enabled": false }),
    });
    assert.equal(
      withoutJenkins.resources.filter((r) => r.type === "hiring:cicd:Jenkins").length,
      0,
    );
    assert.equal(local.resources.filter((r) => r.type === "hiring:cicd:Jenkins").length, 1);
    assert.equal(withoutJenkins.outputs.jenkinsNamespace, undefined);
  });

  it("is deterministic: the same config yields the same registrations", async () => {
    const again = await runStack({ stack: "dev" });
    assert.deepEqual(again.resources, dev.resources);
  });
});
