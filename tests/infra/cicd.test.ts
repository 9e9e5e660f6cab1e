import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as k8s from "@pulumi/kubernetes";
import { parse as parseYaml } from "yaml";
import {
  agentImageProblems,
  agentServiceAccount,
  DEPLOY_ASSIGNABLE_ROLES,
  JENKINS_CHART,
  JENKINS_CHART_REPOSITORY,
  JENKINS_CHART_VERSION,
  JENKINS_PLUGINS,
  JNLP_AGENT_IMAGE,
  Jenkins,
  type JenkinsArgs,
  type JenkinsChartValues,
  type JenkinsSettings,
  PULUMI_BASE_IMAGE,
  jcascConfig,
  jenkinsChartValues,
} from "../../infra/cicd";
import { BuiltInRole, type BuiltInRoleName } from "../../infra/roles";
import {
  assertRejectsBeforeRegistering,
  inputObject,
  ofType,
  recordComponent,
  single,
  testScope,
} from "../harness/component";
import { jenkinsSettings } from "../harness/jenkins";
import { MOCK_AZURE, stableGuid } from "../../tools/offline/mocks";
import { isSecretValue, type RecordedResource, unsecret } from "../../tools/offline/recorder";
import { isSecretOutput, valueOf } from "../../tools/offline/runtime";

const COMPONENT = "hiring:cicd:Jenkins";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const SECRET = "kubernetes:core/v1:Secret";
const SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount";
const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const K8S_PROVIDER = "pulumi:providers:kubernetes";
const PASSWORD = "random:index/randomPassword:RandomPassword";
const IDENTITY = "azure-native:managedidentity:UserAssignedIdentity";
const FEDERATION = "azure-native:managedidentity:FederatedIdentityCredential";
const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";
const ROLE_DEFINITION = "azure-native:authorization:RoleDefinition";
const VAULT_SECRET = "azure-native:keyvault:Secret";

const SUBSCRIPTION = `/subscriptions/${MOCK_AZURE.subscriptionId}`;
const RESOURCE_GROUP_ID = `${SUBSCRIPTION}/resourceGroups/rg-hire-test`;
const CLUSTER_ID = `${RESOURCE_GROUP_ID}/providers/Microsoft.ContainerService/managedClusters/aks-hire-test`;
/** A second target stack, deployed by the same Jenkins. */
const DEV_RESOURCE_GROUP_ID = `/subscriptions/${MOCK_AZURE.subscriptionId}/resourceGroups/rg-hire-dev`;
const DEV_CLUSTER_ID = `${DEV_RESOURCE_GROUP_ID}/providers/Microsoft.ContainerService/managedClusters/aks-hire-dev`;
const STATE_ACCOUNT_ID = `${SUBSCRIPTION}/resourceGroups/rg-hire-state/providers/Microsoft.Storage/storageAccounts/sthirestate`;
const SECRETS_KEY_ID = `${SUBSCRIPTION}/resourceGroups/rg-hire-state/providers/Microsoft.KeyVault/vaults/kv-hire-state/keys/pulumi`;
const OIDC_ISSUER = `https://westeurope.oic.prod-aks.azure.com/${MOCK_AZURE.tenantId}/5f0c8e2a-1b3d-4c5e-8f70-9a1b2c3d4e5f/`;
const REPOSITORY_URL = "https://github.com/hiring/hiring-infra.git";
/** Entra object ids of the app registration, its tenant, an approver group and user. */
const ENTRA_CLIENT_ID = "3c8e5a2f-6d1b-4e9a-8f7c-0b2d4e6f8a1c";
const APPROVER_GROUP = "9d1e7c45-2b6a-4f83-a0c9-5e7d8f9a0b1c";
const APPROVER_USER = "0e2f4a6c-8b1d-4c3e-9f5a-7b9d1c3e5f70";
const ROLE = "kubernetes:rbac.authorization.k8s.io/v1:Role";
const ROLE_BINDING = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding";
const KUBECONFIG = [
  "apiVersion: v1",
  "kind: Config",
  "clusters: [{name: test, cluster: {server: 'https://127.0.0.1:6443'}}]",
  "contexts: [{name: test, context: {cluster: test, user: test}}]",
  "current-context: test",
  "users: [{name: test, user: {token: test}}]",
].join("\n");

/** The agent image an Azure Jenkins is given: built from ci/agent-image/Dockerfile into ACR. */
const AGENT_IMAGE = "crhiretest.azurecr.io/hiring-infra-agent:3.259.0-kubelogin-0.2.19";

const localArgs = (overrides: Partial<JenkinsArgs> = {}): JenkinsArgs => ({
  namespace: "jenkins",
  repositoryUrl: REPOSITORY_URL,
  signIn: { realm: "local" },
  targets: [{ stack: "local" }],
  approvers: ["admin"],
  ingress: { enabled: false },
  ...overrides,
});

const azureArgs = (
  overrides: Partial<JenkinsArgs> = {},
  access: Partial<NonNullable<JenkinsArgs["azure"]>> = {},
): JenkinsArgs =>
  localArgs({
    signIn: { realm: "entra", clientId: ENTRA_CLIENT_ID, tenantId: MOCK_AZURE.tenantId },
    approvers: [`group:${APPROVER_GROUP}`, APPROVER_USER],
    agentImage: AGENT_IMAGE,
    targets: [
      { stack: "prod", azure: { resourceGroupId: RESOURCE_GROUP_ID, clusterId: CLUSTER_ID } },
      {
        stack: "dev",
        azure: { resourceGroupId: DEV_RESOURCE_GROUP_ID, clusterId: DEV_CLUSTER_ID },
      },
    ],
    azure: {
      scope: testScope(),
      subscriptionId: MOCK_AZURE.subscriptionId,
      tenantId: MOCK_AZURE.tenantId,
      oidcIssuerUrl: OIDC_ISSUER,
      keyVaultName: "kv-hire-test-ab12c",
      stateStorageAccountId: STATE_ACCOUNT_ID,
      secretsKeyId: SECRETS_KEY_ID,
      ...access,
    },
    ...overrides,
  });

const settingsOf = jenkinsSettings;

interface Run {
  readonly component: Jenkins;
  readonly resources: readonly RecordedResource[];
}

/** Builds the component with a real Kubernetes provider passed through `opts.providers`. */
function build(args: JenkinsArgs, options: { readonly preview?: boolean } = {}): Promise<Run> {
  return recordComponent(() => {
    const provider = new k8s.Provider("k8s", { kubeconfig: KUBECONFIG });
    return new Jenkins("jenkins", args, { providers: { kubernetes: provider } });
  }, options);
}

type Json = Readonly<Record<string, unknown>>;
const object = (value: unknown, what: string): Json => inputObject(value, what);
const list = (value: unknown, what: string): readonly unknown[] => {
  assert.ok(Array.isArray(value), `${what} is a list`);
  return value;
};

const releaseValues = (resources: readonly RecordedResource[]): JenkinsChartValues =>
  unsecret(single(resources, RELEASE).inputs.values) as JenkinsChartValues;

/** The JCasC document as Jenkins reads it (parsed as YAML). */
const jcascOf = (values: JenkinsChartValues): Json => {
  const script = values.controller.JCasC.configScripts["hiring-infra"];
  assert.ok(script !== undefined, "the hiring-infra JCasC script exists");
  return object(parseYaml(script), "JCasC document");
};

interface MatrixEntry {
  readonly kind: string;
  readonly name: string;
  readonly permissions: readonly string[];
}
const matrixEntries = (jcasc: Json): MatrixEntry[] => {
  const jenkins = object(jcasc.jenkins, "jenkins");
  const matrix = object(object(jenkins.authorizationStrategy, "strategy").globalMatrix, "matrix");
  return list(matrix.entries, "entries").map((entry) => {
    const [kind, body] = Object.entries(object(entry, "entry"))[0] ?? [];
    const { name, permissions } = object(body, "entry body");
    return {
      kind: String(kind),
      name: String(name),
      permissions: list(permissions, "p") as string[],
    };
  });
};

const cloudsOf = (jcasc: Json): Json[] =>
  list(object(jcasc.jenkins, "jenkins").clouds, "clouds").map((cloud) =>
    object(object(cloud, "cloud").kubernetes, "kubernetes cloud"),
  );

/** Every pod template of every cloud, in order. */
const podTemplates = (jcasc: Json): Json[] =>
  cloudsOf(jcasc).flatMap((cloud) =>
    list(cloud.templates, "templates").map((template) => object(template, "template")),
  );

const RESTRICTED_CONTAINER = {
  runAsNonRoot: true,
  runAsUser: 1000,
  runAsGroup: 1000,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};

describe("Jenkins on the local stack (no Azure, no ingress)", () => {
  let run: Run;
  let values: JenkinsChartValues;
  let jcasc: Json;
  before(async () => {
    run = await build(localArgs());
    values = releaseValues(run.resources);
    jcasc = jcascOf(values);
  });

  it("registers the component under hiring:cicd:Jenkins with every child parented", () => {
    const component = single(run.resources, COMPONENT);
    const children = run.resources.filter(
      (resource) => resource !== component && resource.type !== K8S_PROVIDER,
    );
    assert.ok(children.length > 0);
    for (const child of children) {
      assert.equal(child.parent, component.urn, `${child.type} ${child.name}`);
    }
  });

  it("sends every Kubernetes object through the provider passed in opts.providers", () => {
    const provider = single(run.resources, K8S_PROVIDER);
    const reference = `${provider.urn}::${provider.id}`;
    const kubernetesChildren = run.resources.filter((resource) =>
      resource.type.startsWith("kubernetes:"),
    );
    assert.ok(kubernetesChildren.length >= 7);
    for (const child of kubernetesChildren) {
      assert.equal(child.options.provider, reference, `${child.type} ${child.name}`);
    }
  });

  it("creates no Azure resource at all", () => {
    assert.deepEqual(
      run.resources.filter((resource) => resource.type.startsWith("azure-native:")),
      [],
    );
  });

  it("installs the official chart from charts.jenkins.io at the pinned version", () => {
    const release = single(run.resources, RELEASE);
    assert.equal(release.inputs.chart, JENKINS_CHART);
    assert.equal(release.inputs.chart, "jenkins");
    assert.equal(release.inputs.version, JENKINS_CHART_VERSION);
    assert.match(JENKINS_CHART_VERSION, /^\d+\.\d+\.\d+$/);
    assert.deepEqual(release.inputs.repositoryOpts, { repo: JENKINS_CHART_REPOSITORY });
    assert.equal(JENKINS_CHART_REPOSITORY, "https://charts.jenkins.io");
    assert.equal(release.inputs.name, "jenkins");
    assert.equal(release.inputs.namespace, "jenkins");
    assert.equal(release.inputs.createNamespace, false);
    assert.equal(release.inputs.atomic, true);
  });

  it("pins every plugin to an exact version, including the twelve the pipeline needs", () => {
    assert.deepEqual(values.controller.installPlugins, JENKINS_PLUGINS);
    for (const plugin of JENKINS_PLUGINS) {
      assert.match(plugin, /^[a-z0-9-]+:[0-9][A-Za-z0-9._-]*$/, plugin);
    }
    assert.deepEqual(JENKINS_PLUGINS.map((plugin) => plugin.split(":")[0]).sort(), [
      "azure-ad",
      "configuration-as-code",
      "credentials-binding",
      "git",
      "github-branch-source",
      "job-dsl",
      "kubernetes",
      "lockable-resources",
      "matrix-auth",
      "pipeline-utility-steps",
      "timestamper",
      "workflow-aggregator",
    ]);
    assert.equal(values.controller.installLatestPlugins, false);
    assert.equal(values.controller.installLatestSpecifiedPlugins, false);
  });

  it("keeps the admin password out of the release inputs and reads it from the admin Secret", async () => {
    const generated = single(run.resources, PASSWORD).outputs.result;
    assert.equal(typeof generated, "string");
    const release = single(run.resources, RELEASE);
    assert.ok(
      !JSON.stringify(unsecret(release.inputs)).includes(String(generated)),
      "password value in the Release inputs",
    );
    assert.deepEqual(values.controller.admin, {
      createSecret: true,
      existingSecret: "jenkins-admin",
      userKey: "jenkins-admin-user",
      passwordKey: "jenkins-admin-password",
    });
    assert.equal(await valueOf(run.component.adminPassword), generated);
  });

  it("stores the admin credentials in a Secret whose data is secret", () => {
    const secret = single(run.resources, SECRET, "-admin-secret");
    const metadata = object(secret.inputs.metadata, "metadata");
    assert.equal(metadata.name, values.controller.admin.existingSecret);
    assert.equal(metadata.namespace, "jenkins");
    assert.equal(isSecretValue(secret.inputs.stringData), true);
    const data = object(unsecret(secret.inputs.stringData), "stringData");
    assert.equal(data["jenkins-admin-user"], "admin");
    assert.equal(data["jenkins-admin-password"], single(run.resources, PASSWORD).outputs.result);
  });

  it("installs the release only after the admin Secret exists", () => {
    const release = single(run.resources, RELEASE);
    assert.ok(
      release.options.dependsOn.includes(single(run.resources, SECRET, "-admin-secret").urn),
    );
  });

  it("exposes the admin password only as a secret output", async () => {
    assert.equal(await isSecretOutput(run.component.adminPassword), true);
    assert.equal(await valueOf(run.component.chartVersion), JENKINS_CHART_VERSION);
    assert.equal(await valueOf(run.component.namespace), "jenkins");
    assert.equal(await valueOf(run.component.releaseName), "jenkins");
  });

  it("has no identity client ids off Azure", async () => {
    assert.deepEqual(await valueOf(run.component.identityClientIds), {});
  });

  it("enforces the restricted Pod Security Standard on the controller's and both agent namespaces", () => {
    const namespaces = ofType(run.resources, NAMESPACE);
    assert.deepEqual(
      namespaces.map((namespace) => object(namespace.inputs.metadata, "metadata").name),
      ["jenkins", "jenkins-agents", "jenkins-deploy"],
    );
    for (const namespace of namespaces) {
      const labels = object(object(namespace.inputs.metadata, "metadata").labels, "labels");
      assert.equal(labels["pod-security.kubernetes.io/enforce"], "restricted");
      assert.equal(labels["pod-security.kubernetes.io/enforce-version"], "v1.34");
      assert.equal(labels["pod-security.kubernetes.io/warn"], "restricted");
      assert.equal(labels["pod-security.kubernetes.io/audit"], "restricted");
    }
  });

  it("runs every chart container non-root without capabilities, as the restricted standard requires", () => {
    const controller = values.controller;
    assert.equal(controller.usePodSecurityContext, true);
    assert.deepEqual(controller.podSecurityContextOverride, {
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      fsGroup: 1000,
      fsGroupChangePolicy: "OnRootMismatch",
      seccompProfile: { type: "RuntimeDefault" },
    });
    for (const context of [
      controller.containerSecurityContext,
      controller.sidecars.configAutoReload.containerSecurityContext,
    ]) {
      assert.deepEqual(context, { ...RESTRICTED_CONTAINER, readOnlyRootFilesystem: true });
    }
  });

  it("gives the controller a persistent home volume and bounded resources", () => {
    assert.deepEqual(values.persistence, {
      enabled: true,
      size: "20Gi",
      accessMode: "ReadWriteOnce",
      annotations: { "helm.sh/resource-policy": "keep" },
    });
    assert.deepEqual(values.controller.resources, {
      requests: { cpu: "500m", memory: "2Gi" },
      limits: { cpu: "2", memory: "4Gi" },
    });
  });

  it("is not exposed by default: ClusterIP services, no ingress", () => {
    assert.deepEqual(values.controller.ingress, { enabled: false });
    assert.equal(values.controller.serviceType, "ClusterIP");
    assert.equal(values.controller.agentListenerServiceType, "ClusterIP");
    assert.equal(values.controller.jenkinsUrl, "http://jenkins.jenkins.svc.cluster.local:8080/");
  });

  it("leaves chart NetworkPolicies, agent service account and default agent off in favour of its own", () => {
    assert.deepEqual(values.networkPolicy, { enabled: false });
    assert.deepEqual(values.serviceAccountAgent, { create: false });
    // The chart's agent-scheduling Role goes to the agents' namespace, not the controller's.
    assert.deepEqual(values.agent, { enabled: false, namespace: "jenkins-agents" });
    assert.deepEqual(values.rbac, { create: true, readSecrets: false });
    assert.equal(values.controller.JCasC.defaultConfig, false);
  });

  it("configures Jenkins with no executors on the controller", () => {
    const jenkins = object(jcasc.jenkins, "jenkins");
    assert.equal(jenkins.numExecutors, 0);
    assert.equal(values.controller.numExecutors, 0);
  });

  it("uses a local realm without sign-up, the admin taken from the Secret by reference", () => {
    const realm = object(
      object(object(jcasc.jenkins, "jenkins").securityRealm, "realm").local,
      "l",
    );
    assert.equal(realm.allowsSignup, false);
    assert.deepEqual(realm.users, [
      { id: "${chart-admin-username}", name: "Jenkins Admin", password: "${chart-admin-password}" },
    ]);
  });

  it("authorises by matrix: admin administers, signed-in users only read, approvers build", () => {
    const entries = matrixEntries(jcasc);
    assert.deepEqual(entries, [
      { kind: "user", name: "${chart-admin-username}", permissions: ["Overall/Administer"] },
      { kind: "group", name: "authenticated", permissions: ["Overall/Read", "Job/Read"] },
      { kind: "user", name: "admin", permissions: ["Job/Build", "Job/Read"] },
    ]);
    for (const entry of entries.filter(
      (candidate) => candidate.name !== "${chart-admin-username}",
    )) {
      assert.ok(!entry.permissions.includes("Overall/Administer"), entry.name);
    }
    assert.ok(!JSON.stringify(jcasc).includes("loggedInUsersCanDoAnything"));
  });

  it("publishes the approvers for the Jenkinsfile's input submitter", () => {
    const properties = list(object(jcasc.jenkins, "jenkins").globalNodeProperties, "properties");
    assert.deepEqual(properties, [
      {
        envVars: {
          env: [{ key: "PRODUCTION_APPROVERS", value: "admin" }],
        },
      },
    ]);
  });

  it("defines a build cloud (test and preview agents) and a usage-restricted deploy cloud", () => {
    const [build, deploy] = cloudsOf(jcasc);
    assert.ok(build !== undefined && deploy !== undefined);
    assert.equal(cloudsOf(jcasc).length, 2);
    assert.equal(build.name, "kubernetes");
    assert.equal(build.namespace, "jenkins-agents");
    assert.equal(build.usageRestricted, undefined);
    assert.equal(build.credentialsId, undefined);
    assert.equal(deploy.name, "deploy");
    assert.equal(deploy.namespace, "jenkins-deploy");
    assert.equal(deploy.usageRestricted, true);
    assert.equal(deploy.credentialsId, "deploy-cloud-token");
    for (const cloud of [build, deploy]) {
      assert.equal(cloud.jenkinsUrl, "http://jenkins.jenkins.svc.cluster.local:8080/");
      assert.equal(cloud.jenkinsTunnel, "jenkins-agent.jenkins.svc.cluster.local:50000");
    }
    assert.deepEqual(
      podTemplates(jcasc).map((template) => [
        template.name,
        template.label,
        template.namespace,
        template.serviceAccount,
      ]),
      [
        ["pulumi-test", "pulumi-test", "jenkins-agents", "jenkins-agent-test"],
        [
          "pulumi-preview-local",
          "pulumi-preview-local",
          "jenkins-agents",
          "jenkins-agent-preview-local",
        ],
        [
          "pulumi-deploy-local",
          "pulumi-deploy-local",
          "jenkins-deploy",
          "jenkins-agent-deploy-local",
        ],
      ],
    );
  });

  it("runs every agent pod restricted: pinned images, own service account, no capabilities", () => {
    for (const template of podTemplates(jcasc)) {
      const pod = object(parseYaml(String(template.yaml)), "pod yaml");
      const spec = object(pod.spec, "spec");
      assert.equal(spec.serviceAccountName, template.serviceAccount);
      assert.equal(spec.automountServiceAccountToken, false);
      assert.deepEqual(object(spec.securityContext, "pod security context"), {
        runAsNonRoot: true,
        runAsUser: 1000,
        runAsGroup: 1000,
        fsGroup: 1000,
        fsGroupChangePolicy: "OnRootMismatch",
        seccompProfile: { type: "RuntimeDefault" },
      });
      const containers = list(spec.containers, "containers").map((c) => object(c, "container"));
      assert.deepEqual(
        containers.map((container) => [container.name, container.image]),
        [
          ["jnlp", JNLP_AGENT_IMAGE],
          ["pulumi", PULUMI_BASE_IMAGE],
        ],
      );
      for (const container of containers) {
        assert.match(String(container.image), /:[0-9][A-Za-z0-9._-]*$/, "exact version tag");
        assert.deepEqual(container.securityContext, RESTRICTED_CONTAINER);
        const resources = object(container.resources, "resources");
        assert.ok(resources.requests !== undefined && resources.limits !== undefined);
      }
      const labels = object(object(pod.metadata, "metadata").labels, "labels");
      assert.equal(labels["app.kubernetes.io/name"], "jenkins-agent");
      assert.equal(labels["azure.workload.identity/use"], undefined);
    }
  });

  it("discovers pull requests and branches other than main through the GitHub branch source", () => {
    const jobs = list(jcasc.jobs, "jobs").map((job) => String(object(job, "job").script));
    assert.equal(jobs.length, 3, "branches and pull requests, main, nightly drift");
    const [changes = ""] = jobs;
    assert.match(changes, /^multibranchPipelineJob\('hiring-infra'\)/);
    for (const line of [
      "github {",
      "repoOwner('hiring')",
      "repository('hiring-infra')",
      `repositoryUrl('${REPOSITORY_URL}')`,
      "configuredByUrl(true)",
      "credentialsId('git-credentials')",
      "gitHubBranchDiscovery { strategyId(1) }",
      "gitHubPullRequestDiscovery { strategyId(1) }",
      "gitHubForkDiscovery { strategyId(1); trust { gitHubTrustPermissions() } }",
      "headWildcardFilter { includes('*'); excludes('main') }",
      "scriptPath('Jenkinsfile')",
    ]) {
      assert.ok(changes.includes(line), line);
    }
    assert.doesNotMatch(
      changes,
      /remote\(|git \{/,
      "no plain git source (it yields no pull requests)",
    );
  });

  it("runs the nightly drift report from main's Jenkinsfile.drift, outside the deploy folder", () => {
    const [, , drift = ""] = list(jcasc.jobs, "jobs").map((job) =>
      String(object(job, "job").script),
    );
    assert.match(drift, /^pipelineJob\('hiring-infra-drift'\) \{/);
    for (const line of [
      `url('${REPOSITORY_URL}')`,
      "credentials('git-credentials')",
      "branch('main')",
      "scriptPath('Jenkinsfile.drift')",
      "cron { spec('H 2 * * *') }",
    ]) {
      assert.ok(drift.includes(line), line);
    }
    assert.doesNotMatch(drift, /deploy\//, "not in the folder that may use the deploy cloud");
  });

  it("builds main only in a job inside the one folder permitted the deploy cloud", () => {
    const [, deploy = ""] = list(jcasc.jobs, "jobs").map((job) =>
      String(object(job, "job").script),
    );
    assert.match(deploy, /^folder\('deploy'\) \{/);
    assert.ok(deploy.includes("kubernetes { permittedClouds(['deploy']) }"));
    assert.match(deploy, /multibranchPipelineJob\('deploy\/hiring-infra'\)/);
    assert.ok(deploy.includes("headWildcardFilter { includes('main'); excludes('') }"));
    assert.ok(!deploy.includes("PullRequestDiscovery") && !deploy.includes("ForkDiscovery"));
  });

  it("creates one service account per agent kind in its namespace, not annotated for workload identity", () => {
    const accounts = ofType(run.resources, SERVICE_ACCOUNT).filter(
      (account) =>
        account.name.endsWith("-service-account") && !account.name.includes("deploy-cloud"),
    );
    assert.deepEqual(
      accounts.map((account) => {
        const metadata = object(account.inputs.metadata, "metadata");
        return [metadata.name, metadata.namespace];
      }),
      [
        [agentServiceAccount("test"), "jenkins-agents"],
        [agentServiceAccount("preview", "local"), "jenkins-agents"],
        [agentServiceAccount("deploy", "local"), "jenkins-deploy"],
      ],
    );
    for (const account of accounts) {
      const metadata = object(account.inputs.metadata, "metadata");
      assert.equal(metadata.annotations, undefined);
      assert.equal(object(metadata.labels, "labels")["azure.workload.identity/use"], undefined);
      assert.equal(account.inputs.automountServiceAccountToken, false);
    }
  });

  it("gives the deploy cloud its own account, allowed pods in the deploy namespace only", () => {
    const account = single(run.resources, SERVICE_ACCOUNT, "-deploy-cloud-service-account");
    assert.deepEqual(
      [
        object(account.inputs.metadata, "metadata").name,
        object(account.inputs.metadata, "metadata").namespace,
      ],
      ["jenkins-deploy-cloud", "jenkins"],
    );
    const role = single(run.resources, ROLE);
    assert.equal(object(role.inputs.metadata, "metadata").namespace, "jenkins-deploy");
    const binding = single(run.resources, ROLE_BINDING);
    assert.equal(object(binding.inputs.metadata, "metadata").namespace, "jenkins-deploy");
    assert.deepEqual(binding.inputs.subjects, [
      { kind: "ServiceAccount", name: "jenkins-deploy-cloud", namespace: "jenkins" },
    ]);
    // The controller's own scheduling Role comes from the chart, in the agents' namespace only.
    assert.equal(values.agent.namespace, "jenkins-agents");
    const token = single(run.resources, SECRET, "-deploy-cloud-token");
    assert.equal(token.inputs.type, "kubernetes.io/service-account-token");
    const metadata = object(token.inputs.metadata, "metadata");
    assert.equal(metadata.name, "jenkins-deploy-cloud-token");
    assert.equal(metadata.namespace, "jenkins");
    assert.deepEqual(metadata.annotations, {
      "kubernetes.io/service-account.name": "jenkins-deploy-cloud",
    });
    assert.deepEqual(values.controller.additionalExistingSecrets, [
      { name: "jenkins-deploy-cloud-token", keyName: "token" },
    ]);
    const release = single(run.resources, RELEASE);
    assert.ok(release.options.dependsOn.includes(token.urn));
  });

  it("denies ingress to every Jenkins namespace by default", () => {
    const denies = ofType(run.resources, NETWORK_POLICY).filter((policy) =>
      policy.name.endsWith("default-deny-ingress"),
    );
    assert.deepEqual(
      denies.map((deny) => object(deny.inputs.metadata, "metadata").namespace),
      ["jenkins", "jenkins-agents", "jenkins-deploy"],
    );
    for (const deny of denies) {
      assert.deepEqual(unsecret(deny.inputs.spec), { podSelector: {}, policyTypes: ["Ingress"] });
    }
  });

  it("lets only agents reach the controller, on HTTP and JNLP", () => {
    const policy = single(run.resources, NETWORK_POLICY, "-controller-ingress");
    assert.deepEqual(unsecret(policy.inputs.spec), {
      podSelector: {
        matchLabels: {
          "app.kubernetes.io/component": "jenkins-controller",
          "app.kubernetes.io/instance": "jenkins",
        },
      },
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: ["jenkins-agents", "jenkins-deploy"].map((namespace) => ({
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } },
            podSelector: { matchLabels: { "app.kubernetes.io/name": "jenkins-agent" } },
          })),
          ports: [
            { protocol: "TCP", port: 8080 },
            { protocol: "TCP", port: 50000 },
          ],
        },
      ],
    });
  });

  it("limits agent egress in both agent namespaces to the CoreDNS pods, the controller and HTTPS", () => {
    const policies = ofType(run.resources, NETWORK_POLICY).filter((policy) =>
      policy.name.endsWith("agent-egress"),
    );
    assert.deepEqual(
      policies.map((policy) => object(policy.inputs.metadata, "metadata").namespace),
      ["jenkins-agents", "jenkins-deploy"],
    );
    for (const policy of policies) {
      const spec = object(unsecret(policy.inputs.spec), "spec");
      assert.deepEqual(spec.policyTypes, ["Egress"]);
      assert.deepEqual(spec.egress, [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
              podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
            },
          ],
          ports: [
            { protocol: "UDP", port: 53 },
            { protocol: "TCP", port: 53 },
          ],
        },
        {
          to: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "jenkins" } },
              podSelector: {
                matchLabels: {
                  "app.kubernetes.io/component": "jenkins-controller",
                  "app.kubernetes.io/instance": "jenkins",
                },
              },
            },
          ],
          ports: [
            { protocol: "TCP", port: 8080 },
            { protocol: "TCP", port: 50000 },
          ],
        },
        { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 443 }] },
      ]);
    }
  });

  it("protects nothing when there is no Azure scope asking for it", () => {
    assert.equal(single(run.resources, NAMESPACE, "jenkins-namespace").options.protect, false);
    assert.equal(single(run.resources, RELEASE).options.protect, false);
  });
});

/** A built-in role's name, or `clusterReader` for the preview identity's custom role. */
type GrantedRole = BuiltInRoleName | "clusterReader";

/** Role grants in the order {@link rolesOf} returns them. */
const sortedGrants = (grants: [GrantedRole, string][]): [GrantedRole, string][] =>
  [...grants].sort(([a, scopeA], [b, scopeB]) => `${a} ${scopeA}`.localeCompare(`${b} ${scopeB}`));

const rolesOf = (
  resources: readonly RecordedResource[],
  principalId: string,
): [GrantedRole, string][] => {
  const byGuid = new Map<string, GrantedRole>([
    ...Object.entries(BuiltInRole).map(([role, guid]) => [guid, role as BuiltInRoleName] as const),
    // The custom role definitions the component creates, by the GUID ending their id.
    ...ofType(resources, ROLE_DEFINITION).map(
      (definition) => [definition.id.split("/").pop() ?? "", "clusterReader"] as const,
    ),
  ]);
  return (
    ofType(resources, ROLE_ASSIGNMENT)
      .filter((assignment) => assignment.inputs.principalId === principalId)
      .map((assignment) => {
        const definition = String(assignment.inputs.roleDefinitionId);
        const prefix = `${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/`;
        assert.ok(definition.startsWith(prefix), definition);
        const role = byGuid.get(definition.slice(prefix.length));
        assert.ok(role !== undefined, `unknown role ${definition}`);
        return [role, String(assignment.inputs.scope)] as [GrantedRole, string];
      })
      // Registrations complete in any order; compare sorted.
      .sort(([a, scopeA], [b, scopeB]) => `${a} ${scopeA}`.localeCompare(`${b} ${scopeB}`))
  );
};

const PREVIEW_PRINCIPAL = stableGuid("jenkins-preview-prod-identity:principal");
const DEPLOY_PRINCIPAL = stableGuid("jenkins-deploy-prod-identity:principal");
const DEV_PREVIEW_PRINCIPAL = stableGuid("jenkins-preview-dev-identity:principal");
const DEV_DEPLOY_PRINCIPAL = stableGuid("jenkins-deploy-dev-identity:principal");

describe("Jenkins on Azure (workload identities, state and secrets key given)", () => {
  let run: Run;
  let values: JenkinsChartValues;
  before(async () => {
    run = await build(
      azureArgs({ persistentVolumeSize: "50Gi" }, { scope: testScope({ protect: true }) }),
    );
    values = releaseValues(run.resources);
  });

  it("keeps every Kubernetes object on the passed provider and Azure on the default one", () => {
    const provider = single(run.resources, K8S_PROVIDER);
    for (const child of run.resources.filter((r) => r.type.startsWith("kubernetes:"))) {
      assert.equal(child.options.provider, `${provider.urn}::${provider.id}`, child.name);
    }
    for (const child of run.resources.filter((r) => r.type.startsWith("azure-native:"))) {
      assert.ok(!String(child.options.provider).includes(K8S_PROVIDER), child.name);
    }
  });

  it("also stores the admin password in Key Vault, as a secret input", () => {
    const secret = single(run.resources, VAULT_SECRET);
    assert.equal(secret.inputs.vaultName, "kv-hire-test-ab12c");
    assert.equal(secret.inputs.resourceGroupName, "rg-hire-test");
    assert.equal(secret.inputs.secretName, "jenkins-admin-password");
    const properties = secret.inputs.properties;
    assert.ok(
      isSecretValue(properties) || isSecretValue(object(properties, "properties").value),
      "value is secret",
    );
    const plain = object(unsecret(properties), "properties");
    assert.equal(plain.value, single(run.resources, PASSWORD).outputs.result);
    assert.equal(plain.contentType, "text/plain");
    assert.deepEqual(secret.inputs.tags, testScope().tags);
  });

  it("creates a preview and a deploy identity per target stack, with Jenkins, named and tagged by its scope", () => {
    const identities = ofType(run.resources, IDENTITY);
    assert.deepEqual(
      identities.map((identity) => identity.inputs.resourceName),
      [
        "id-hire-test-jenkins-preview-prod",
        "id-hire-test-jenkins-deploy-prod",
        "id-hire-test-jenkins-preview-dev",
        "id-hire-test-jenkins-deploy-dev",
      ],
    );
    for (const identity of identities) {
      assert.equal(identity.inputs.location, "westeurope");
      assert.equal(identity.inputs.resourceGroupName, "rg-hire-test");
      assert.deepEqual(identity.inputs.tags, testScope().tags);
    }
  });

  it("federates each identity with its stack's agent service account through the CI cluster's OIDC issuer", () => {
    const federations = ofType(run.resources, FEDERATION);
    assert.deepEqual(
      federations.map((federation) => [
        federation.inputs.resourceName,
        federation.inputs.issuer,
        federation.inputs.subject,
        federation.inputs.audiences,
      ]),
      ["prod", "dev"].flatMap((stack) => [
        [
          `id-hire-test-jenkins-preview-${stack}`,
          OIDC_ISSUER,
          `system:serviceaccount:jenkins-agents:jenkins-agent-preview-${stack}`,
          ["api://AzureADTokenExchange"],
        ],
        [
          `id-hire-test-jenkins-deploy-${stack}`,
          OIDC_ISSUER,
          `system:serviceaccount:jenkins-deploy:jenkins-agent-deploy-${stack}`,
          ["api://AzureADTokenExchange"],
        ],
      ]),
    );
  });

  it("annotates the preview and deploy service accounts with their identity's client id", async () => {
    const accounts = ofType(run.resources, SERVICE_ACCOUNT).filter((account) =>
      /-(preview|deploy)-(prod|dev)-service-account$/.test(account.name),
    );
    const expected = ["prod", "dev"].flatMap((stack) => [
      [`jenkins-agent-preview-${stack}`, stableGuid(`jenkins-preview-${stack}-identity:client`)],
      [`jenkins-agent-deploy-${stack}`, stableGuid(`jenkins-deploy-${stack}-identity:client`)],
    ]);
    assert.deepEqual(
      accounts.map((account) => {
        const metadata = object(account.inputs.metadata, "metadata");
        const annotations = object(metadata.annotations, "annotations");
        assert.equal(annotations["azure.workload.identity/tenant-id"], MOCK_AZURE.tenantId);
        assert.equal(object(metadata.labels, "labels")["azure.workload.identity/use"], "true");
        return [metadata.name, annotations["azure.workload.identity/client-id"]];
      }),
      expected,
    );
    assert.deepEqual(await valueOf(run.component.identityClientIds), {
      prod: { preview: expected[0]?.[1], deploy: expected[1]?.[1] },
      dev: { preview: expected[2]?.[1], deploy: expected[3]?.[1] },
    });
  });

  it("runs every agent pod's build container from the configured agent image, not the base image", () => {
    const images = podTemplates(jcascOf(values)).map((template) => {
      const pod = object(parseYaml(String(template.yaml)), "pod");
      const containers = list(object(pod.spec, "spec").containers, "containers");
      return containers.map((c) => object(c, "container")).find((c) => c.name === "pulumi")?.image;
    });
    assert.deepEqual(images, Array<string>(5).fill(AGENT_IMAGE));
  });

  it("labels the preview and deploy pods for the workload identity webhook, never the test pod", () => {
    const labelled = podTemplates(jcascOf(values)).map((template) => {
      const pod = object(parseYaml(String(template.yaml)), "pod");
      const labels = object(object(pod.metadata, "metadata").labels, "labels");
      return [template.name, labels["azure.workload.identity/use"]];
    });
    assert.deepEqual(labelled, [
      ["pulumi-test", undefined],
      ["pulumi-preview-prod", "true"],
      ["pulumi-preview-dev", "true"],
      ["pulumi-deploy-prod", "true"],
      ["pulumi-deploy-dev", "true"],
    ]);
    const test = ofType(run.resources, SERVICE_ACCOUNT).find((a) =>
      a.name.endsWith("-test-service-account"),
    );
    assert.ok(test !== undefined);
    assert.equal(object(test.inputs.metadata, "metadata").annotations, undefined);
  });

  it("grants the preview identity read-only roles: Reader, cluster user and cluster reader, key decrypt, state read", () => {
    assert.deepEqual(
      rolesOf(run.resources, PREVIEW_PRINCIPAL),
      sortedGrants([
        ["reader", RESOURCE_GROUP_ID],
        ["aksClusterUser", CLUSTER_ID],
        ["clusterReader", CLUSTER_ID],
        ["keyVaultCryptoUser", SECRETS_KEY_ID],
        ["storageBlobDataReader", STATE_ACCOUNT_ID],
      ]),
    );
  });

  it("gives the preview identity no role that writes", () => {
    const writers: readonly BuiltInRoleName[] = [
      "contributor",
      "roleBasedAccessControlAdministrator",
      "aksRbacClusterAdmin",
      "storageBlobDataContributor",
      "keyVaultSecretsOfficer",
      "networkContributor",
      "acrPush",
    ];
    for (const [role] of rolesOf(run.resources, PREVIEW_PRINCIPAL)) {
      assert.ok(role === "clusterReader" || !writers.includes(role), role);
    }
  });

  it("defines one custom cluster reader per target stack: data reads only, Secrets included, in the stack's resource group", () => {
    const definitions = ofType(run.resources, ROLE_DEFINITION);
    assert.deepEqual(
      definitions.map((definition) => [
        definition.inputs.scope,
        definition.inputs.assignableScopes,
        definition.inputs.roleName,
        definition.inputs.roleType,
      ]),
      [
        [
          RESOURCE_GROUP_ID,
          [RESOURCE_GROUP_ID],
          "Jenkins preview cluster reader (prod, rg-hire-test)",
          "CustomRole",
        ],
        [
          DEV_RESOURCE_GROUP_ID,
          [DEV_RESOURCE_GROUP_ID],
          "Jenkins preview cluster reader (dev, rg-hire-dev)",
          "CustomRole",
        ],
      ],
    );
    for (const definition of definitions) {
      // Spelled out rather than taken from infra/azure-identifiers.ts (which cites its sources).
      assert.deepEqual(definition.inputs.permissions, [
        {
          actions: [],
          notActions: [],
          dataActions: ["Microsoft.ContainerService/managedClusters/*/read"],
          notDataActions: [],
        },
      ]);
    }
  });

  it("grants the deploy identity what a deployment needs, on the stack's own resources", () => {
    assert.deepEqual(
      rolesOf(run.resources, DEPLOY_PRINCIPAL),
      sortedGrants([
        ["contributor", RESOURCE_GROUP_ID],
        ["roleBasedAccessControlAdministrator", RESOURCE_GROUP_ID],
        ["aksClusterUser", CLUSTER_ID],
        ["aksRbacClusterAdmin", CLUSTER_ID],
        ["keyVaultCryptoUser", SECRETS_KEY_ID],
        ["storageBlobDataContributor", STATE_ACCOUNT_ID],
      ]),
    );
  });

  it("gives each target stack's identities roles on that stack only", () => {
    assert.deepEqual(
      rolesOf(run.resources, DEV_PREVIEW_PRINCIPAL),
      sortedGrants([
        ["reader", DEV_RESOURCE_GROUP_ID],
        ["aksClusterUser", DEV_CLUSTER_ID],
        ["clusterReader", DEV_CLUSTER_ID],
        ["keyVaultCryptoUser", SECRETS_KEY_ID],
        ["storageBlobDataReader", STATE_ACCOUNT_ID],
      ]),
    );
    assert.deepEqual(
      rolesOf(run.resources, DEV_DEPLOY_PRINCIPAL),
      sortedGrants([
        ["contributor", DEV_RESOURCE_GROUP_ID],
        ["roleBasedAccessControlAdministrator", DEV_RESOURCE_GROUP_ID],
        ["aksClusterUser", DEV_CLUSTER_ID],
        ["aksRbacClusterAdmin", DEV_CLUSTER_ID],
        ["keyVaultCryptoUser", SECRETS_KEY_ID],
        ["storageBlobDataContributor", STATE_ACCOUNT_ID],
      ]),
    );
    for (const [, scope] of rolesOf(run.resources, DEPLOY_PRINCIPAL)) {
      assert.ok(!scope.includes("rg-hire-dev"), scope);
    }
  });

  it("addresses each stack's subscription from its agents and declares one lock per stack", () => {
    const document = jcascOf(values);
    const subscriptions = podTemplates(document).map((template) => {
      const pod = object(parseYaml(String(template.yaml)), "pod");
      const [, pulumiContainer] = list(object(pod.spec, "spec").containers, "containers");
      const env = list(object(pulumiContainer, "pulumi").env, "env").map((v) => object(v, "env"));
      return [template.name, env.find((v) => v.name === "ARM_SUBSCRIPTION_ID")?.value];
    });
    assert.deepEqual(subscriptions, [
      ["pulumi-test", undefined],
      ["pulumi-preview-prod", MOCK_AZURE.subscriptionId],
      ["pulumi-preview-dev", MOCK_AZURE.subscriptionId],
      ["pulumi-deploy-prod", MOCK_AZURE.subscriptionId],
      ["pulumi-deploy-dev", MOCK_AZURE.subscriptionId],
    ]);
    const manager = object(
      object(document.unclassified, "unclassified").lockableResourcesManager,
      "locks",
    );
    assert.deepEqual(
      list(manager.declaredResources, "declared").map((lock) => object(lock, "lock").name),
      ["hiring-infra-prod", "hiring-infra-dev"],
    );
  });

  it("declares the pipelines' environment in JCasC", async () => {
    const withEnvironment = await build(
      azureArgs({
        pipelineEnvironment: {
          PULUMI_BACKEND_URL: "azblob://pulumi-state?storage_account=sthirestate",
        },
      }),
    );
    const release = single(withEnvironment.resources, "kubernetes:helm.sh/v3:Release");
    const scripts = (
      release.inputs.values as { controller: { JCasC: { configScripts: Record<string, string> } } }
    ).controller.JCasC.configScripts;
    const document = object(parseYaml(Object.values(scripts).join("\n")), "JCasC");
    const [properties] = list(object(document.jenkins, "jenkins").globalNodeProperties, "p");
    const env = list(object(object(properties, "p").envVars, "envVars").env, "env");
    assert.deepEqual(env.slice(1), [
      { key: "PULUMI_BACKEND_URL", value: "azblob://pulumi-state?storage_account=sthirestate" },
    ]);
  });

  it("lets the deploy identity assign only workload roles, to service principals and groups", () => {
    const rbacAdmin = ofType(run.resources, ROLE_ASSIGNMENT).filter((assignment) =>
      String(assignment.inputs.roleDefinitionId).endsWith(
        BuiltInRole.roleBasedAccessControlAdministrator,
      ),
    );
    assert.equal(rbacAdmin.length, 2, "one per target stack");
    for (const assignment of rbacAdmin) {
      assert.equal(assignment.inputs.conditionVersion, "2.0");
      const condition = String(assignment.inputs.condition);
      for (const role of DEPLOY_ASSIGNABLE_ROLES) {
        assert.ok(condition.includes(BuiltInRole[role]), role);
      }
      for (const privileged of [
        "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", // Owner
        "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", // User Access Administrator
        BuiltInRole.contributor,
        BuiltInRole.roleBasedAccessControlAdministrator,
        BuiltInRole.aksRbacClusterAdmin,
      ]) {
        assert.ok(!condition.includes(privileged), privileged);
      }
      assert.match(condition, /roleAssignments\/write.*PrincipalType.*'ServicePrincipal', 'Group'/);
      assert.match(condition, /roleAssignments\/delete/);
    }
  });

  it("never grants a role on a subscription, sets the principal type and says why", () => {
    const assignments = ofType(run.resources, ROLE_ASSIGNMENT);
    // 5 preview + 6 deploy roles for each of the two stacks.
    assert.equal(assignments.length, 22);
    const ownerOrContributor = ["8e3af657-a8ff-443c-a75c-2fe8c4bcb635", BuiltInRole.contributor];
    for (const assignment of assignments) {
      const scope = String(assignment.inputs.scope);
      assert.doesNotMatch(scope, /^\/subscriptions\/[^/]+\/?$/, assignment.name);
      const guid = String(assignment.inputs.roleDefinitionId).split("/").pop() ?? "";
      if (ownerOrContributor.includes(guid)) {
        assert.equal(
          scope,
          assignment.name.includes("-dev-") ? DEV_RESOURCE_GROUP_ID : RESOURCE_GROUP_ID,
          assignment.name,
        );
      }
      assert.equal(assignment.inputs.principalType, "ServicePrincipal");
      assert.ok(String(assignment.inputs.description).length > 20, assignment.name);
    }
  });

  it("creates no client secret: identities authenticate by federation only", () => {
    const types = new Set(
      run.resources.filter((r) => r.type.startsWith("azure-native:")).map((r) => r.type),
    );
    assert.deepEqual(
      [...types].sort(),
      [FEDERATION, ROLE_ASSIGNMENT, ROLE_DEFINITION, VAULT_SECRET, IDENTITY].sort(),
    );
  });

  it("protects the namespace and the release when the scope asks for it", () => {
    assert.equal(single(run.resources, NAMESPACE, "jenkins-namespace").options.protect, true);
    assert.equal(single(run.resources, RELEASE).options.protect, true);
  });

  it("sizes the home volume from the arguments", () => {
    assert.equal(values.persistence.size, "50Gi");
  });
});

describe("Jenkins in a preview", () => {
  it("computes the release values from plain settings, so a preview works before the cluster exists", async () => {
    const run = await build(azureArgs(), { preview: true });
    const values = releaseValues(run.resources);
    assert.equal(values.controller.installPlugins.length, JENKINS_PLUGINS.length);
    assert.equal(podTemplates(jcascOf(values)).length, 5, "test, and preview and deploy per stack");
  });
});

describe("Jenkins on Azure without a state account or secrets key", () => {
  it("grants no state or key roles", async () => {
    const run = await build(
      azureArgs({}, { stateStorageAccountId: undefined, secretsKeyId: undefined }),
    );
    assert.deepEqual(
      rolesOf(run.resources, PREVIEW_PRINCIPAL).map(([role]) => role),
      ["aksClusterUser", "clusterReader", "reader"],
    );
    assert.deepEqual(
      rolesOf(run.resources, DEPLOY_PRINCIPAL).map(([role]) => role),
      [
        "aksClusterUser",
        "aksRbacClusterAdmin",
        "contributor",
        "roleBasedAccessControlAdministrator",
      ],
    );
  });
});

describe("Jenkins with an ingress", () => {
  const ingress = {
    enabled: true,
    host: "jenkins.hiring.example.com",
    tlsSecretName: "jenkins-tls",
    controllerNamespace: "app-routing-system",
  } as const;
  let run: Run;
  before(async () => {
    run = await build(localArgs({ ingress }));
  });

  it("serves the UI over TLS on the given host", () => {
    const values = releaseValues(run.resources);
    assert.deepEqual(values.controller.ingress, {
      enabled: true,
      apiVersion: "networking.k8s.io/v1",
      ingressClassName: "nginx",
      hostName: "jenkins.hiring.example.com",
      path: "/",
      pathType: "Prefix",
      tls: [{ secretName: "jenkins-tls", hosts: ["jenkins.hiring.example.com"] }],
    });
    assert.equal(values.controller.jenkinsUrl, "https://jenkins.hiring.example.com/");
    const location = object(object(jcascOf(values).unclassified, "unclassified").location, "loc");
    assert.equal(location.url, "https://jenkins.hiring.example.com/");
  });

  it("lets the ingress controller's namespace reach the controller's HTTP port only", () => {
    const policy = single(run.resources, NETWORK_POLICY, "-controller-ingress");
    const rules = list(object(unsecret(policy.inputs.spec), "spec").ingress, "rules");
    assert.equal(rules.length, 2);
    assert.deepEqual(rules[1], {
      from: [
        {
          namespaceSelector: {
            matchLabels: { "kubernetes.io/metadata.name": "app-routing-system" },
          },
        },
      ],
      ports: [{ protocol: "TCP", port: 8080 }],
    });
  });
});

describe("jenkinsChartValues and jcascConfig (pure)", () => {
  it("derive the same document and never embed a secret value", () => {
    const settings = settingsOf();
    assert.equal(
      jenkinsChartValues(settings).controller.JCasC.configScripts["hiring-infra"],
      jcascConfig(settings),
    );
    assert.ok(!jcascConfig(settings).includes("jenkins-admin-password"));
  });

  it("produce valid YAML for the configuration-as-code plugin", () => {
    const document = object(parseYaml(jcascConfig(settingsOf())), "document");
    assert.deepEqual(Object.keys(document).sort(), [
      "credentials",
      "jenkins",
      "jobs",
      "security",
      "unclassified",
    ]);
    const security = object(document.security, "security");
    assert.deepEqual(object(security.globalJobDslSecurityConfiguration, "dsl"), {
      useScriptSecurity: true,
    });
  });

  it("derive the clouds' namespaces, tunnel and URL from the given namespace", () => {
    const document = object(parseYaml(jcascConfig(settingsOf({ namespace: "ci" }))), "document");
    assert.deepEqual(
      cloudsOf(document).map((cloud) => [cloud.namespace, cloud.jenkinsUrl, cloud.jenkinsTunnel]),
      [
        [
          "ci-agents",
          "http://jenkins.ci.svc.cluster.local:8080/",
          "jenkins-agent.ci.svc.cluster.local:50000",
        ],
        [
          "ci-deploy",
          "http://jenkins.ci.svc.cluster.local:8080/",
          "jenkins-agent.ci.svc.cluster.local:50000",
        ],
      ],
    );
    assert.deepEqual(
      podTemplates(document).map((template) => template.namespace),
      ["ci-agents", "ci-agents", "ci-agents", "ci-deploy", "ci-deploy"],
    );
  });

  it("honour a custom ingress class", () => {
    const values = jenkinsChartValues(
      settingsOf({
        ingress: {
          enabled: true,
          host: "ci.example.com",
          tlsSecretName: "ci-tls",
          className: "webapprouting.kubernetes.azure.com",
        },
      }),
    );
    assert.equal(values.controller.ingress.ingressClassName, "webapprouting.kubernetes.azure.com");
  });
});

describe("Jenkins argument validation", () => {
  /**
   * Constructs with `args` and expects `message` with nothing registered. Validation comes
   * before the provider check, so no provider is needed to reach it.
   */
  const assertRejected = (args: JenkinsArgs, message: RegExp): Promise<void> =>
    assertRejectsBeforeRegistering(() => new Jenkins("jenkins", args), message);

  it("rejects an Azure Jenkins without an agent image: the base image has no kubelogin", async () => {
    await assertRejected(
      azureArgs({ agentImage: undefined }),
      /Jenkins "jenkins": agentImage: expected the agent image built from ci\/agent-image\/Dockerfile \(the base image pulumi\/pulumi-nodejs:3\.259\.0 has no kubelogin/,
    );
  });

  it("rejects an agent image on latest, untagged or on a floating tag, and accepts a digest", async () => {
    for (const image of [
      "crhiretest.azurecr.io/hiring-infra-agent:latest",
      "crhiretest.azurecr.io/hiring-infra-agent",
      "localhost:5000/hiring-infra-agent",
      "pulumi/pulumi-nodejs:3",
    ]) {
      await assertRejected(
        azureArgs({ agentImage: image }),
        new RegExp(
          `agentImage: expected an image pinned by an exact version tag \\(e\\.g\\. "pulumi/pulumi-nodejs:3\\.259\\.0"\\) or a digest, not latest or a floating tag, got "${image.replace(/\./g, "\\.")}"`,
        ),
      );
    }
    assert.deepEqual(
      agentImageProblems(`crhiretest.azurecr.io/hiring-infra-agent@sha256:${"a".repeat(64)}`, true),
      [],
    );
    assert.deepEqual(agentImageProblems(undefined, false), [], "off Azure the base image serves");
  });

  it("rejects an ingress without a host or TLS, naming each setting", async () => {
    await assertRejected(
      localArgs({ ingress: { enabled: true, tlsSecretName: "jenkins-tls" } }),
      /Jenkins "jenkins": ingress\.host: expected a lowercase DNS name/,
    );
    await assertRejected(
      localArgs({ ingress: { enabled: true, host: "jenkins.example.com" } }),
      /ingress\.tlsSecretName: expected the TLS Secret's name/,
    );
  });

  it("lists every problem in one error", async () => {
    await assertRejected(
      localArgs({ namespace: "Jenkins_CI", approvers: [], persistentVolumeSize: "20GB" }),
      /approvers: .*; namespace: .*; persistentVolumeSize: /,
    );
  });

  it("rejects a repository URL that is not an https GitHub repository", async () => {
    for (const url of [
      "git@github.com:hiring/hiring-infra.git",
      "http://github.com/hiring/hiring-infra.git",
      "https://gitlab.com/hiring/hiring-infra.git",
      "https://github.com/",
      "https://github.com/hiring/it's.git",
    ]) {
      await assertRejected(
        localArgs({ repositoryUrl: url }),
        /repositoryUrl: expected an https:\/\/github\.com\/<owner>\/<repo>\.git URL/,
      );
    }
  });

  it("rejects a repository URL carrying credentials", async () => {
    await assertRejected(
      localArgs({ repositoryUrl: "https://bot:ghp_token@github.com/hiring/hiring-infra.git" }),
      /repositoryUrl: expected no credentials in the URL/,
    );
  });

  it("rejects a namespace that is not a DNS label or leaves no room for the agents' suffix", async () => {
    await assertRejected(localArgs({ namespace: "Jenkins_CI" }), /namespace: expected a DNS label/);
    await assertRejected(
      localArgs({ namespace: "j".repeat(57) }),
      /namespace: expected a DNS label of at most 56/,
    );
  });

  it("rejects an environment variable name that is not an identifier", async () => {
    await assertRejected(
      localArgs({ pipelineEnvironment: { "not valid": "x" } }),
      /pipelineEnvironment\.not valid: expected an environment variable name/,
    );
  });

  it("refuses approvers the local realm can never satisfy: groups, and users other than the admin", async () => {
    await assertRejected(localArgs({ approvers: [] }), /approvers: expected at least one approver/);
    await assertRejected(
      localArgs({ approvers: ["group:platform-leads"] }),
      /approvers\[0\]: expected no group: the local realm has no groups/,
    );
    await assertRejected(
      localArgs({ approvers: ["admin", "release-manager"] }),
      /approvers\[1\]: expected "admin": the local realm holds no other user/,
    );
    await assertRejected(
      localArgs({ approvers: ["admin", "admin"] }),
      /approvers\[1\]: expected each approver once/,
    );
  });

  it("refuses Entra approvers by name: Entra sign-in knows users and groups by object id only", async () => {
    for (const approver of [
      "group:platform-leads",
      "alice",
      "group:authenticated",
      `group:${APPROVER_GROUP.toUpperCase()}`,
    ]) {
      await assertRejected(
        azureArgs({ approvers: [approver] }),
        /approvers\[0\]: expected group:<Entra group object id> or a user's Entra object id/,
      );
    }
  });

  it("refuses Entra sign-in without Azure, and malformed app registration ids", async () => {
    await assertRejected(
      localArgs({
        signIn: { realm: "entra", clientId: ENTRA_CLIENT_ID, tenantId: MOCK_AZURE.tenantId },
        approvers: [`group:${APPROVER_GROUP}`],
      }),
      /signIn\.realm: expected local off Azure/,
    );
    await assertRejected(
      azureArgs({ signIn: { realm: "entra", clientId: "jenkins", tenantId: MOCK_AZURE.tenantId } }),
      /signIn\.clientId: expected a lowercase GUID/,
    );
  });

  it("rejects no target, a target twice, a bad stack name, and targets without scopes on Azure", async () => {
    await assertRejected(localArgs({ targets: [] }), /targets: expected at least one stack/);
    await assertRejected(
      localArgs({ targets: [{ stack: "local" }, { stack: "local" }] }),
      /targets\[1\]\.stack: expected each stack once/,
    );
    await assertRejected(
      localArgs({ targets: [{ stack: "Prod_EU" }] }),
      /targets\[0\]\.stack: expected a stack name of 1-30 lowercase letters/,
    );
    await assertRejected(
      azureArgs({ targets: [{ stack: "prod" }] }),
      /targets\[0\]\.azure: expected the stack's resource group and cluster ids/,
    );
  });

  it("rejects a subscription as the scope of a state or key grant", async () => {
    await assertRejected(
      azureArgs({}, { stateStorageAccountId: SUBSCRIPTION }),
      /azure\.stateStorageAccountId: expected a resource id/,
    );
  });

  it("rejects a bad persistent volume size", async () => {
    await assertRejected(
      localArgs({ persistentVolumeSize: "20GB" }),
      /persistentVolumeSize: expected a quantity in Gi or Mi/,
    );
  });

  it("refuses to run without a Kubernetes provider instead of using an ambient kubeconfig", async () => {
    await assertRejectsBeforeRegistering(
      () => new Jenkins("jenkins", localArgs()),
      /opts\.providers must include the Kubernetes provider/,
    );
  });
});

describe("Jenkins sign-in: Entra ID, and the local admin as break-glass", () => {
  const entraSettings = (overrides: Partial<JenkinsSettings> = {}): JenkinsSettings =>
    settingsOf({
      signIn: { realm: "entra", clientId: ENTRA_CLIENT_ID, tenantId: MOCK_AZURE.tenantId },
      approvers: [`group:${APPROVER_GROUP}`, APPROVER_USER],
      workloadIdentity: true,
      ...overrides,
    });
  const documentOf = (settings: JenkinsSettings): Json =>
    object(parseYaml(jcascConfig(settings)), "JCasC document");

  it("signs in through the azure-ad realm with workload identity: no client secret anywhere", () => {
    const document = documentOf(entraSettings());
    const realm = object(object(document.jenkins, "jenkins").securityRealm, "realm");
    assert.deepEqual(realm, {
      azure: {
        tenant: MOCK_AZURE.tenantId,
        clientId: ENTRA_CLIENT_ID,
        credentialType: "WorkloadIdentity",
        cacheDuration: 3600,
        fromRequest: true,
      },
    });
    const behindIngress = documentOf(
      entraSettings({
        ingress: { enabled: true, host: "jenkins.example.com", tlsSecretName: "jenkins-tls" },
      }),
    );
    const azureRealm = object(
      object(object(behindIngress.jenkins, "jenkins").securityRealm, "realm").azure,
      "azure",
    );
    assert.equal(azureRealm.fromRequest, false, "the redirect uses the configured https URL");
    assert.doesNotMatch(jcascConfig(entraSettings()), /clientSecret|clientCertificate/i);
  });

  it("lets approvers build by Entra object id and gives nobody Overall/Administer", () => {
    const entries = matrixEntries(documentOf(entraSettings()));
    assert.deepEqual(entries, [
      { kind: "group", name: "authenticated", permissions: ["Overall/Read", "Job/Read"] },
      { kind: "group", name: APPROVER_GROUP, permissions: ["Job/Build", "Job/Read"] },
      { kind: "user", name: APPROVER_USER, permissions: ["Job/Build", "Job/Read"] },
    ]);
    const env = list(
      object(
        object(
          list(object(documentOf(entraSettings()).jenkins, "jenkins").globalNodeProperties, "p")[0],
          "p",
        ).envVars,
        "envVars",
      ).env,
      "env",
    );
    assert.deepEqual(env[0], {
      key: "PRODUCTION_APPROVERS",
      value: `${APPROVER_GROUP},${APPROVER_USER}`,
    });
  });

  it("in break-glass, signs in the local admin from the Secret, who alone administers and approves", () => {
    const document = documentOf(entraSettings({ breakGlass: true }));
    const realm = object(object(document.jenkins, "jenkins").securityRealm, "realm");
    assert.deepEqual(Object.keys(realm), ["local"]);
    assert.deepEqual(matrixEntries(document), [
      { kind: "user", name: "${chart-admin-username}", permissions: ["Overall/Administer"] },
      { kind: "group", name: "authenticated", permissions: ["Overall/Read", "Job/Read"] },
      { kind: "user", name: "admin", permissions: ["Job/Build", "Job/Read"] },
    ]);
    const [properties] = list(object(document.jenkins, "jenkins").globalNodeProperties, "p");
    const env = list(object(object(properties, "p").envVars, "envVars").env, "env");
    assert.deepEqual(env[0], { key: "PRODUCTION_APPROVERS", value: "admin" });
  });

  it("writes pipeline values literally: JCasC ${...} and Helm {{ are escaped", () => {
    const text = jcascConfig(
      settingsOf({
        pipelineEnvironment: {
          PULUMI_BACKEND_URL: "azblob://state?x=${chart-admin-password}",
          NOTE: "{{ .Release.Name }}",
        },
      }),
    );
    assert.ok(text.includes("azblob://state?x=^${chart-admin-password}"));
    assert.ok(text.includes('{{ "{{" }} .Release.Name }}'));
  });
});
