import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as k8s from "@pulumi/kubernetes";
import { parse as parseYaml } from "yaml";
import {
  AGENT_SERVICE_ACCOUNTS,
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
  PULUMI_AGENT_IMAGE,
  jcascConfig,
  jenkinsChartValues,
} from "../../infra/cicd";
import { BuiltInRole, type BuiltInRoleName } from "../../infra/roles";
import { inputObject, ofType, recordComponent, single, testScope } from "../harness/component";
import { MOCK_AZURE, stableGuid } from "../harness/mocks";
import { isSecretValue, type RecordedResource, unsecret } from "../harness/recorder";
import { installMocks, isSecretOutput, valueOf, waitForRegistrations } from "../harness/runtime";

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
const VAULT_SECRET = "azure-native:keyvault:Secret";

const SUBSCRIPTION = `/subscriptions/${MOCK_AZURE.subscriptionId}`;
const RESOURCE_GROUP_ID = `${SUBSCRIPTION}/resourceGroups/rg-hire-test`;
const CLUSTER_ID = `${RESOURCE_GROUP_ID}/providers/Microsoft.ContainerService/managedClusters/aks-hire-test`;
const STATE_ACCOUNT_ID = `${SUBSCRIPTION}/resourceGroups/rg-hire-state/providers/Microsoft.Storage/storageAccounts/sthirestate`;
const SECRETS_KEY_ID = `${SUBSCRIPTION}/resourceGroups/rg-hire-state/providers/Microsoft.KeyVault/vaults/kv-hire-state/keys/pulumi`;
const OIDC_ISSUER = `https://westeurope.oic.prod-aks.azure.com/${MOCK_AZURE.tenantId}/5f0c8e2a-1b3d-4c5e-8f70-9a1b2c3d4e5f/`;
const REPOSITORY_URL = "https://github.com/hiring/hiring-infra.git";
const KUBECONFIG = [
  "apiVersion: v1",
  "kind: Config",
  "clusters: [{name: test, cluster: {server: 'https://127.0.0.1:6443'}}]",
  "contexts: [{name: test, context: {cluster: test, user: test}}]",
  "current-context: test",
  "users: [{name: test, user: {token: test}}]",
].join("\n");

const localArgs = (overrides: Partial<JenkinsArgs> = {}): JenkinsArgs => ({
  namespace: "jenkins",
  repositoryUrl: REPOSITORY_URL,
  approvers: ["release-manager", "group:hiring-approvers"],
  ingress: { enabled: false },
  ...overrides,
});

const azureArgs = (
  overrides: Partial<JenkinsArgs> = {},
  access: Partial<NonNullable<JenkinsArgs["azure"]>> = {},
): JenkinsArgs =>
  localArgs({
    azure: {
      scope: testScope(),
      subscriptionId: MOCK_AZURE.subscriptionId,
      tenantId: MOCK_AZURE.tenantId,
      oidcIssuerUrl: OIDC_ISSUER,
      clusterId: CLUSTER_ID,
      resourceGroupId: RESOURCE_GROUP_ID,
      keyVaultName: "kv-hire-test-ab12c",
      stateStorageAccountId: STATE_ACCOUNT_ID,
      secretsKeyId: SECRETS_KEY_ID,
      ...access,
    },
    ...overrides,
  });

const settingsOf = (overrides: Partial<JenkinsSettings> = {}): JenkinsSettings => ({
  namespace: "jenkins",
  repositoryUrl: REPOSITORY_URL,
  approvers: ["release-manager", "group:hiring-approvers"],
  ingress: { enabled: false },
  persistentVolumeSize: "20Gi",
  workloadIdentity: false,
  pipelineEnvironment: {},
  ...overrides,
});

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

const podTemplates = (jcasc: Json): Json[] => {
  const clouds = list(object(jcasc.jenkins, "jenkins").clouds, "clouds");
  const kubernetes = object(object(clouds[0], "cloud").kubernetes, "kubernetes cloud");
  return list(kubernetes.templates, "templates").map((template) => object(template, "template"));
};

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

  it("pins every plugin to an exact version, including the ten the pipeline needs", () => {
    assert.deepEqual(values.controller.installPlugins, JENKINS_PLUGINS);
    for (const plugin of JENKINS_PLUGINS) {
      assert.match(plugin, /^[a-z0-9-]+:[0-9][A-Za-z0-9._-]*$/, plugin);
    }
    assert.deepEqual(JENKINS_PLUGINS.map((plugin) => plugin.split(":")[0]).sort(), [
      "configuration-as-code",
      "credentials-binding",
      "git",
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
      createSecret: false,
      existingSecret: "jenkins-admin",
      userKey: "jenkins-admin-user",
      passwordKey: "jenkins-admin-password",
    });
    assert.equal(await valueOf(run.component.adminPassword), generated);
  });

  it("stores the admin credentials in a Secret whose data is secret", () => {
    const secret = single(run.resources, SECRET);
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
    assert.ok(release.options.dependsOn.includes(single(run.resources, SECRET).urn));
  });

  it("exposes the admin password only as a secret output", async () => {
    assert.equal(await isSecretOutput(run.component.adminPassword), true);
    assert.equal(await valueOf(run.component.chartVersion), JENKINS_CHART_VERSION);
    assert.equal(await valueOf(run.component.namespace), "jenkins");
    assert.equal(await valueOf(run.component.releaseName), "jenkins");
  });

  it("has no identity client ids off Azure", async () => {
    assert.equal(await valueOf(run.component.previewIdentityClientId), undefined);
    assert.equal(await valueOf(run.component.deployIdentityClientId), undefined);
  });

  it("enforces the restricted Pod Security Standard on the namespace", () => {
    const namespace = single(run.resources, NAMESPACE);
    const metadata = object(namespace.inputs.metadata, "metadata");
    assert.equal(metadata.name, "jenkins");
    const labels = object(metadata.labels, "labels");
    assert.equal(labels["pod-security.kubernetes.io/enforce"], "restricted");
    assert.equal(labels["pod-security.kubernetes.io/warn"], "restricted");
    assert.equal(labels["pod-security.kubernetes.io/audit"], "restricted");
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
    assert.deepEqual(values.agent, { enabled: false });
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
      { kind: "user", name: "release-manager", permissions: ["Job/Build", "Job/Read"] },
      { kind: "group", name: "hiring-approvers", permissions: ["Job/Build", "Job/Read"] },
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
          env: [{ key: "PRODUCTION_APPROVERS", value: "release-manager,hiring-approvers" }],
        },
      },
    ]);
  });

  it("defines a Kubernetes cloud with pulumi-preview and pulumi-deploy pod templates", () => {
    const clouds = list(object(jcasc.jenkins, "jenkins").clouds, "clouds");
    const cloud = object(object(clouds[0], "cloud").kubernetes, "kubernetes");
    assert.equal(cloud.namespace, "jenkins");
    assert.equal(cloud.jenkinsUrl, "http://jenkins.jenkins.svc.cluster.local:8080/");
    assert.equal(cloud.jenkinsTunnel, "jenkins-agent.jenkins.svc.cluster.local:50000");
    const templates = podTemplates(jcasc);
    assert.deepEqual(
      templates.map((template) => [template.name, template.label, template.serviceAccount]),
      [
        ["pulumi-preview", "pulumi-preview", "jenkins-agent-preview"],
        ["pulumi-deploy", "pulumi-deploy", "jenkins-agent-deploy"],
      ],
    );
  });

  it("runs both agent pods restricted: pinned images, own service account, no capabilities", () => {
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
          ["pulumi", PULUMI_AGENT_IMAGE],
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

  it("creates the multibranch job for the repository with credentials by id only", () => {
    const jobs = list(jcasc.jobs, "jobs");
    assert.equal(jobs.length, 1);
    const script = String(object(jobs[0], "job").script);
    assert.match(script, /^multibranchPipelineJob\('hiring-infra'\)/);
    assert.ok(script.includes(`remote('${REPOSITORY_URL}')`));
    assert.ok(script.includes("credentialsId('git-credentials')"));
    assert.ok(script.includes("scriptPath('Jenkinsfile')"));
  });

  it("keeps the JCasC text free of Helm template delimiters (the chart renders it with tpl)", () => {
    const script = values.controller.JCasC.configScripts["hiring-infra"] ?? "";
    assert.ok(!script.includes("{{"));
    assert.ok(!script.includes("}}"));
  });

  it("creates one service account per agent kind, not annotated for workload identity", () => {
    const accounts = ofType(run.resources, SERVICE_ACCOUNT);
    assert.deepEqual(
      accounts.map((account) => object(account.inputs.metadata, "metadata").name),
      [AGENT_SERVICE_ACCOUNTS.preview, AGENT_SERVICE_ACCOUNTS.deploy],
    );
    for (const account of accounts) {
      const metadata = object(account.inputs.metadata, "metadata");
      assert.equal(metadata.namespace, "jenkins");
      assert.equal(metadata.annotations, undefined);
      assert.equal(object(metadata.labels, "labels")["azure.workload.identity/use"], undefined);
      assert.equal(account.inputs.automountServiceAccountToken, false);
    }
  });

  it("denies ingress to the namespace by default", () => {
    const deny = single(run.resources, NETWORK_POLICY, "-default-deny-ingress");
    assert.deepEqual(unsecret(deny.inputs.spec), { podSelector: {}, policyTypes: ["Ingress"] });
    assert.equal(object(deny.inputs.metadata, "metadata").namespace, "jenkins");
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
          from: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "jenkins-agent" } } }],
          ports: [
            { protocol: "TCP", port: 8080 },
            { protocol: "TCP", port: 50000 },
          ],
        },
      ],
    });
  });

  it("limits agent egress to DNS in kube-system, the controller and HTTPS", () => {
    const policy = single(run.resources, NETWORK_POLICY, "-agent-egress");
    const spec = object(unsecret(policy.inputs.spec), "spec");
    assert.deepEqual(spec.policyTypes, ["Egress"]);
    assert.deepEqual(spec.egress, [
      {
        to: [
          { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } },
        ],
        ports: [
          { protocol: "UDP", port: 53 },
          { protocol: "TCP", port: 53 },
        ],
      },
      {
        to: [
          {
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
  });

  it("protects nothing when there is no Azure scope asking for it", () => {
    assert.equal(single(run.resources, NAMESPACE).options.protect, false);
    assert.equal(single(run.resources, RELEASE).options.protect, false);
  });
});

/** Role grants in the order {@link rolesOf} returns them. */
const sortedGrants = (grants: [BuiltInRoleName, string][]): [BuiltInRoleName, string][] =>
  [...grants].sort(([a, scopeA], [b, scopeB]) => `${a} ${scopeA}`.localeCompare(`${b} ${scopeB}`));

const rolesOf = (
  resources: readonly RecordedResource[],
  principalId: string,
): [BuiltInRoleName, string][] => {
  const byGuid = new Map<string, BuiltInRoleName>(
    Object.entries(BuiltInRole).map(([role, guid]) => [guid, role as BuiltInRoleName]),
  );
  return (
    ofType(resources, ROLE_ASSIGNMENT)
      .filter((assignment) => assignment.inputs.principalId === principalId)
      .map((assignment) => {
        const definition = String(assignment.inputs.roleDefinitionId);
        const prefix = `${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/`;
        assert.ok(definition.startsWith(prefix), definition);
        const role = byGuid.get(definition.slice(prefix.length));
        assert.ok(role !== undefined, `unknown role ${definition}`);
        return [role, String(assignment.inputs.scope)] as [BuiltInRoleName, string];
      })
      // Registrations complete in any order; compare sorted.
      .sort(([a, scopeA], [b, scopeB]) => `${a} ${scopeA}`.localeCompare(`${b} ${scopeB}`))
  );
};

const PREVIEW_PRINCIPAL = stableGuid("jenkins-preview-identity:principal");
const DEPLOY_PRINCIPAL = stableGuid("jenkins-deploy-identity:principal");

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

  it("creates a user-assigned identity per agent kind, named and tagged by the scope", () => {
    const identities = ofType(run.resources, IDENTITY);
    assert.deepEqual(
      identities.map((identity) => identity.inputs.resourceName),
      ["id-hire-test-jenkins-preview", "id-hire-test-jenkins-deploy"],
    );
    for (const identity of identities) {
      assert.equal(identity.inputs.location, "westeurope");
      assert.equal(identity.inputs.resourceGroupName, "rg-hire-test");
      assert.deepEqual(identity.inputs.tags, testScope().tags);
    }
  });

  it("federates each identity with its agent service account through the cluster's OIDC issuer", () => {
    const federations = ofType(run.resources, FEDERATION);
    assert.deepEqual(
      federations.map((federation) => [
        federation.inputs.resourceName,
        federation.inputs.issuer,
        federation.inputs.subject,
        federation.inputs.audiences,
      ]),
      [
        [
          "id-hire-test-jenkins-preview",
          OIDC_ISSUER,
          "system:serviceaccount:jenkins:jenkins-agent-preview",
          ["api://AzureADTokenExchange"],
        ],
        [
          "id-hire-test-jenkins-deploy",
          OIDC_ISSUER,
          "system:serviceaccount:jenkins:jenkins-agent-deploy",
          ["api://AzureADTokenExchange"],
        ],
      ],
    );
  });

  it("annotates the agent service accounts with their identity's client id", async () => {
    const accounts = ofType(run.resources, SERVICE_ACCOUNT);
    const expected = [
      ["jenkins-agent-preview", stableGuid("jenkins-preview-identity:client")],
      ["jenkins-agent-deploy", stableGuid("jenkins-deploy-identity:client")],
    ];
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
    assert.equal(await valueOf(run.component.previewIdentityClientId), expected[0]?.[1]);
    assert.equal(await valueOf(run.component.deployIdentityClientId), expected[1]?.[1]);
  });

  it("labels the agent pods for the workload identity webhook", () => {
    for (const template of podTemplates(jcascOf(values))) {
      const pod = object(parseYaml(String(template.yaml)), "pod");
      const labels = object(object(pod.metadata, "metadata").labels, "labels");
      assert.equal(labels["azure.workload.identity/use"], "true");
    }
  });

  it("grants the preview identity read-only roles: Reader, cluster user and reader, key decrypt, state read", () => {
    assert.deepEqual(
      rolesOf(run.resources, PREVIEW_PRINCIPAL),
      sortedGrants([
        ["reader", RESOURCE_GROUP_ID],
        ["aksClusterUser", CLUSTER_ID],
        ["aksRbacReader", CLUSTER_ID],
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
      assert.ok(!writers.includes(role), role);
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

  it("declares the pipelines' environment in JCasC, the subscription included on Azure", async () => {
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
    const jcasc = Object.values(scripts).join("\n");
    assert.match(
      jcasc,
      /"key":\s*"PULUMI_BACKEND_URL",\s*"value":\s*"azblob:\/\/pulumi-state\?storage_account=sthirestate"/,
    );
    assert.match(jcasc, /"key":\s*"ARM_SUBSCRIPTION_ID",\s*"value":\s*"[0-9a-f-]{36}"/);
  });

  it("rejects an environment variable name that is not an identifier", async () => {
    await assert.rejects(
      build(azureArgs({ pipelineEnvironment: { "not valid": "x" } })),
      /pipelineEnvironment "not valid" must be an environment variable name/,
    );
  });

  it("lets the deploy identity assign only workload roles, to service principals and groups", () => {
    const rbacAdmin = ofType(run.resources, ROLE_ASSIGNMENT).filter((assignment) =>
      String(assignment.inputs.roleDefinitionId).endsWith(
        BuiltInRole.roleBasedAccessControlAdministrator,
      ),
    );
    assert.equal(rbacAdmin.length, 1);
    const [assignment] = rbacAdmin;
    assert.ok(assignment);
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
  });

  it("never grants a role on a subscription, sets the principal type and says why", () => {
    const assignments = ofType(run.resources, ROLE_ASSIGNMENT);
    assert.equal(assignments.length, 11);
    const ownerOrContributor = ["8e3af657-a8ff-443c-a75c-2fe8c4bcb635", BuiltInRole.contributor];
    for (const assignment of assignments) {
      const scope = String(assignment.inputs.scope);
      assert.doesNotMatch(scope, /^\/subscriptions\/[^/]+\/?$/, assignment.name);
      const guid = String(assignment.inputs.roleDefinitionId).split("/").pop() ?? "";
      if (ownerOrContributor.includes(guid)) {
        assert.equal(scope, RESOURCE_GROUP_ID, assignment.name);
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
      [FEDERATION, ROLE_ASSIGNMENT, VAULT_SECRET, IDENTITY].sort(),
    );
  });

  it("protects the namespace and the release when the scope asks for it", () => {
    assert.equal(single(run.resources, NAMESPACE).options.protect, true);
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
    assert.equal(podTemplates(jcascOf(values)).length, 2);
  });
});

describe("Jenkins on Azure without a state account or secrets key", () => {
  it("grants no state or key roles", async () => {
    const run = await build(
      azureArgs({}, { stateStorageAccountId: undefined, secretsKeyId: undefined }),
    );
    assert.deepEqual(
      rolesOf(run.resources, PREVIEW_PRINCIPAL).map(([role]) => role),
      ["aksClusterUser", "aksRbacReader", "reader"],
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
    assert.deepEqual(Object.keys(document).sort(), ["jenkins", "jobs", "security", "unclassified"]);
    const security = object(document.security, "security");
    assert.deepEqual(object(security.globalJobDslSecurityConfiguration, "dsl"), {
      useScriptSecurity: true,
    });
  });

  it("place the cloud, its tunnel and the pod templates in the given namespace", () => {
    const document = object(parseYaml(jcascConfig(settingsOf({ namespace: "ci" }))), "document");
    const clouds = list(object(document.jenkins, "jenkins").clouds, "clouds");
    const cloud = object(object(clouds[0], "cloud").kubernetes, "kubernetes");
    assert.equal(cloud.namespace, "ci");
    assert.equal(cloud.jenkinsUrl, "http://jenkins.ci.svc.cluster.local:8080/");
    assert.equal(cloud.jenkinsTunnel, "jenkins-agent.ci.svc.cluster.local:50000");
    for (const template of podTemplates(document)) {
      assert.equal(template.namespace, "ci");
    }
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
  /** Constructs with `args` and expects `message` with nothing registered. */
  async function assertRejected(args: JenkinsArgs, message: RegExp): Promise<void> {
    const recorder = await installMocks("test");
    assert.throws(() => new Jenkins("jenkins", args), message);
    await waitForRegistrations();
    assert.deepEqual(
      recorder.resources.map((resource) => resource.type),
      [],
      "nothing may be registered before validation fails",
    );
  }

  it("rejects an ingress without a host", async () => {
    await assertRejected(
      localArgs({ ingress: { enabled: true, tlsSecretName: "jenkins-tls" } }),
      /Jenkins "jenkins": ingress\.host must be a lowercase DNS name/,
    );
  });

  it("rejects an ingress without TLS", async () => {
    await assertRejected(
      localArgs({ ingress: { enabled: true, host: "jenkins.example.com" } }),
      /Jenkins "jenkins": ingress\.tlsSecretName must name the TLS Secret/,
    );
  });

  it("rejects a repository URL that is not https", async () => {
    await assertRejected(
      localArgs({ repositoryUrl: "git@github.com:hiring/hiring-infra.git" }),
      /repositoryUrl "git@github\.com:hiring\/hiring-infra\.git" is not a URL/,
    );
    await assertRejected(
      localArgs({ repositoryUrl: "http://github.com/hiring/hiring-infra.git" }),
      /repositoryUrl "http:\/\/github\.com\/hiring\/hiring-infra\.git" must use https:\/\//,
    );
  });

  it("rejects a repository URL carrying credentials", async () => {
    await assertRejected(
      localArgs({ repositoryUrl: "https://bot:ghp_token@github.com/hiring/hiring-infra.git" }),
      /repositoryUrl must not carry credentials/,
    );
  });

  it("rejects a repository URL with characters unsafe in the job script", async () => {
    await assertRejected(
      localArgs({ repositoryUrl: "https://github.com/hiring/it's.git" }),
      /repositoryUrl ".*" must be a plain https:\/\/host\/path URL/,
    );
  });

  it("rejects a repository URL without a repository name", async () => {
    await assertRejected(
      localArgs({ repositoryUrl: "https://github.com/" }),
      /repositoryUrl "https:\/\/github\.com\/" must end in a repository name/,
    );
  });

  it("rejects a namespace that is not a DNS label", async () => {
    await assertRejected(
      localArgs({ namespace: "Jenkins_CI" }),
      /Jenkins "jenkins": namespace "Jenkins_CI" must be a DNS label/,
    );
  });

  it("rejects an empty or malformed approvers list", async () => {
    await assertRejected(localArgs({ approvers: [] }), /approvers must name at least one/);
    await assertRejected(
      localArgs({ approvers: ["alice,bob"] }),
      /approvers entry "alice,bob" must be a user id or group:<name>/,
    );
    await assertRejected(
      localArgs({ approvers: ["alice", "alice"] }),
      /approvers lists "alice" twice/,
    );
    await assertRejected(
      localArgs({ approvers: ["group:authenticated"] }),
      /approvers entry "group:authenticated" would let every authenticated user approve/,
    );
  });

  it("rejects a subscription as the scope of a state or key grant", async () => {
    await assertRejected(
      azureArgs({}, { stateStorageAccountId: SUBSCRIPTION }),
      /azure\.stateStorageAccountId ".*" must be a resource id/,
    );
  });

  it("rejects a bad persistent volume size", async () => {
    await assertRejected(
      localArgs({ persistentVolumeSize: "20GB" }),
      /persistentVolumeSize "20GB" must be a quantity in Gi or Mi/,
    );
  });

  it("refuses to run without a Kubernetes provider instead of using an ambient kubeconfig", async () => {
    await assertRejected(localArgs(), /opts\.providers must include the Kubernetes provider/);
  });
});
