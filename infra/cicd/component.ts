import * as keyvault from "@pulumi/azure-native/keyvault";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { generatedPassword } from "../generated-password";
import { requireKubernetesProvider } from "../kubernetes-provider";
import { throwIfArgsProblems } from "../../core/args-problems";
import { type JenkinsArgs, jenkinsArgsProblems } from "./args";
import { jenkinsChartValues } from "./chart-values";
import { createTargetIdentities } from "./identities";
import {
  type AgentKind,
  DEPLOY_CLOUD_TOKEN_SECRET,
  IDENTITY_KINDS,
  type IdentityKind,
  type JenkinsSettings,
  agentServiceAccount,
  buildNamespaceOf,
  deployNamespaceOf,
} from "./jcasc";
import { createNetworkPolicies } from "./network-policies";
import {
  ADMIN_PASSWORD_VAULT_SECRET_NAME,
  ADMIN_SECRET_KEYS,
  ADMIN_SECRET_NAME,
  ADMIN_USER,
  AGENT_POD_LABELS,
  JENKINS_CHART,
  JENKINS_CHART_REPOSITORY,
  JENKINS_CHART_VERSION,
  JENKINS_RELEASE_NAME,
  PULUMI_BASE_IMAGE,
  WORKLOAD_IDENTITY_CLIENT_ID_ANNOTATION,
  WORKLOAD_IDENTITY_USE_LABEL,
} from "./pins";
import { PLATFORM_NAMESPACE_LABELS } from "../kubernetes-baseline";

const DEFAULT_PERSISTENT_VOLUME_SIZE = "20Gi";
/** The deploy cloud's Kubernetes service account (in the controller's namespace). */
const DEPLOY_CLOUD_SERVICE_ACCOUNT = "jenkins-deploy-cloud";

/**
 * Jenkins on the cluster from the official Helm chart (pinned): the controller configured
 * entirely as code (Entra ID sign-in with approvals by Entra group, or the local admin as
 * break-glass; matrix authorisation; no executors), three agent kinds with restricted security
 * contexts and their own service accounts — `pulumi-test` without any cloud identity and
 * `pulumi-preview` (read-only identity) in `<namespace>-agents`, `pulumi-deploy` (deploy
 * identity) in `<namespace>-deploy` behind a cloud only the `main` job may use — the jobs for
 * the repository (branches and pull requests; `main`), NetworkPolicies and, on Azure, one
 * workload identity per identity-bearing agent kind with the narrowest roles that let it
 * preview or deploy.
 *
 * The chart is installed with `k8s.helm.v3.Release`, not `k8s.helm.v4.Chart`: a Release previews
 * while the cluster does not exist yet (pulumi-kubernetes #1886), whereas Chart v4 fails to parse
 * an unknown kubeconfig (#3027), which would break the first preview of every new stack.
 *
 * Kubernetes objects go through the provider the caller passes in `opts.providers`
 * (`{ providers: { kubernetes: provider } }`) and every child inherits it; construction fails
 * without one, so an ambient kubeconfig is never used.
 */
export class Jenkins extends pulumi.ComponentResource {
  /** Namespace of the controller. */
  public readonly namespace: pulumi.Output<string>;
  /** Helm release name. */
  public readonly releaseName: pulumi.Output<string>;
  /** Password of the break-glass `admin` user (secret). */
  public readonly adminPassword: pulumi.Output<string>;
  /**
   * Client ids of each target stack's preview and deploy identities, by stack name; empty off
   * Azure.
   */
  public readonly identityClientIds: pulumi.Output<
    Record<string, { readonly preview: string; readonly deploy: string }>
  >;
  /** The pinned chart version. */
  public readonly chartVersion: pulumi.Output<string>;

  /**
   * @param name logical name; children are named `<name>-<part>`.
   * @param args Jenkins settings.
   * @param opts component options; `providers` must carry the Kubernetes provider.
   */
  constructor(name: string, args: JenkinsArgs, opts?: pulumi.ComponentResourceOptions) {
    throwIfArgsProblems("Jenkins", name, jenkinsArgsProblems(args));
    requireKubernetesProvider("Jenkins", name, opts);
    super("hiring:cicd:Jenkins", name, {}, opts);
    const { azure: azureAccess } = args;
    const protect = azureAccess?.scope.protect ?? false;
    const settings: JenkinsSettings = {
      namespace: args.namespace,
      repositoryUrl: args.repositoryUrl,
      signIn: args.signIn,
      breakGlass: args.breakGlass ?? false,
      approvers: args.approvers,
      ingress: args.ingress,
      persistentVolumeSize: args.persistentVolumeSize ?? DEFAULT_PERSISTENT_VOLUME_SIZE,
      workloadIdentity: azureAccess !== undefined,
      agentImage: args.agentImage ?? PULUMI_BASE_IMAGE,
      pipelineEnvironment: args.pipelineEnvironment ?? {},
      targets: args.targets.map(({ stack }) => ({ stack })),
    };

    // Restricted, the strictest standard: every chart container gets a security context that
    // meets it through the values below (seccomp, non-root, no capabilities, no escalation), and
    // the agent pod templates set the same. A chart upgrade that adds a container without one
    // fails loudly here instead of silently running it with more privileges.
    const namespaceOf = (
      part: string,
      namespaceName: string,
      options: pulumi.CustomResourceOptions,
    ) =>
      new k8s.core.v1.Namespace(
        `${name}-${part}`,
        {
          metadata: {
            name: namespaceName,
            labels: PLATFORM_NAMESPACE_LABELS,
          },
        },
        { parent: this, ...options },
      );
    const namespace = namespaceOf("namespace", args.namespace, { protect });
    const buildNamespace = namespaceOf("agents-namespace", buildNamespaceOf(args.namespace), {});
    const deployNamespace = namespaceOf("deploy-namespace", deployNamespaceOf(args.namespace), {});
    const namespaceName = namespace.metadata.name;
    const agentNamespaces: Readonly<Record<AgentKind, pulumi.Output<string>>> = {
      test: buildNamespace.metadata.name,
      preview: buildNamespace.metadata.name,
      deploy: deployNamespace.metadata.name,
    };

    // No keepers: drawn once. JCasC re-applies it at every start, so the Secret is the truth.
    const adminPassword = generatedPassword(`${name}-admin-password`, { parent: this });

    const adminSecret = new k8s.core.v1.Secret(
      `${name}-admin-secret`,
      {
        metadata: { name: ADMIN_SECRET_NAME, namespace: namespaceName },
        type: "Opaque",
        stringData: {
          [ADMIN_SECRET_KEYS.user]: ADMIN_USER,
          [ADMIN_SECRET_KEYS.password]: adminPassword,
        },
      },
      { parent: this },
    );

    if (azureAccess !== undefined) {
      // Through ARM, so it works while the vault's data plane is private. Break-glass reads it.
      new keyvault.Secret(
        `${name}-admin-password-vault-secret`,
        {
          resourceGroupName: azureAccess.scope.resourceGroupName,
          vaultName: azureAccess.keyVaultName,
          secretName: ADMIN_PASSWORD_VAULT_SECRET_NAME,
          properties: { value: adminPassword, contentType: "text/plain" },
          tags: azureAccess.scope.tags,
        },
        { parent: this },
      );
    }

    const identities = new Map<
      string,
      Record<IdentityKind, managedidentity.UserAssignedIdentity>
    >();
    if (azureAccess !== undefined) {
      for (const target of args.targets) {
        if (target.azure !== undefined) {
          identities.set(
            target.stack,
            createTargetIdentities(
              name,
              azureAccess,
              target.stack,
              target.azure,
              { preview: agentNamespaces.preview, deploy: agentNamespaces.deploy },
              this,
            ),
          );
        }
      }
    }

    const serviceAccountOf = (
      part: string,
      kind: AgentKind,
      stack: string | undefined,
      identity: managedidentity.UserAssignedIdentity | undefined,
    ) =>
      new k8s.core.v1.ServiceAccount(
        `${name}-${part}-service-account`,
        {
          metadata: {
            name: agentServiceAccount(kind, stack),
            namespace: agentNamespaces[kind],
            labels: {
              ...AGENT_POD_LABELS,
              ...(identity === undefined ? {} : { [WORKLOAD_IDENTITY_USE_LABEL]: "true" }),
            },
            ...(identity === undefined || azureAccess === undefined
              ? {}
              : {
                  annotations: {
                    [WORKLOAD_IDENTITY_CLIENT_ID_ANNOTATION]: identity.clientId,
                    "azure.workload.identity/tenant-id": azureAccess.tenantId,
                  },
                }),
          },
          automountServiceAccountToken: false,
        },
        { parent: this },
      );
    serviceAccountOf("test", "test", undefined, undefined);
    for (const { stack } of args.targets) {
      for (const kind of IDENTITY_KINDS) {
        serviceAccountOf(`${kind}-${stack}`, kind, stack, identities.get(stack)?.[kind]);
      }
    }

    const deployCloudToken = this.createDeployCloudAccess(
      name,
      namespaceName,
      deployNamespace.metadata.name,
    );

    createNetworkPolicies(
      name,
      { controller: namespaceName, build: agentNamespaces.test, deploy: agentNamespaces.deploy },
      args.ingress,
      this,
    );

    const release = new k8s.helm.v3.Release(
      `${name}-release`,
      {
        name: JENKINS_RELEASE_NAME,
        namespace: namespaceName,
        createNamespace: false,
        chart: JENKINS_CHART,
        version: JENKINS_CHART_VERSION,
        repositoryOpts: { repo: JENKINS_CHART_REPOSITORY },
        // Each target's subscription is read from its resource group id (the CI stack's own is
        // known only from the deploying client); everything else is config.
        values: pulumi
          .all(args.targets.map((target) => pulumi.output(target.azure?.resourceGroupId)))
          .apply((groupIds) =>
            jenkinsChartValues({
              ...settings,
              targets: args.targets.map(({ stack }, index) => {
                const subscriptionId = groupIds[index]?.split("/")[2];
                return subscriptionId === undefined ? { stack } : { stack, subscriptionId };
              }),
            }),
          ),
        // First start downloads the plugins; a failed upgrade rolls back instead of half-applying.
        atomic: true,
        cleanupOnFail: true,
        timeout: 900,
        maxHistory: 10,
      },
      // The chart's agent Role lands in the agents' namespace, and the controller mounts the
      // admin Secret and the deploy cloud's token: all must exist before the install.
      {
        parent: this,
        protect,
        dependsOn: [adminSecret, deployCloudToken, buildNamespace, deployNamespace],
      },
    );

    this.namespace = namespaceName;
    this.releaseName = release.name;
    this.adminPassword = adminPassword;
    this.identityClientIds = pulumi
      .all(
        [...identities].map(([stack, kinds]) =>
          pulumi
            .all([kinds.preview.clientId, kinds.deploy.clientId])
            .apply(([preview, deploy]) => [stack, { preview, deploy }]),
        ),
      )
      .apply(
        (entries) =>
          Object.fromEntries(entries) as Record<string, { preview: string; deploy: string }>,
      );
    this.chartVersion = pulumi.output(JENKINS_CHART_VERSION);

    this.registerOutputs({
      namespace: this.namespace,
      releaseName: this.releaseName,
      adminPassword: this.adminPassword,
      identityClientIds: this.identityClientIds,
      chartVersion: this.chartVersion,
    });
  }

  /**
   * The deploy cloud's own Kubernetes identity: a service account in the controller's namespace
   * (where no build can run a pod) allowed to manage pods in the deploy namespace only, and its
   * long-lived token Secret, which the chart projects for JCasC. The controller's own account
   * cannot create pods there, so a branch build asking the build cloud for the deploy namespace
   * is refused by the API server.
   */
  private createDeployCloudAccess(
    name: string,
    controllerNamespace: pulumi.Output<string>,
    deployNamespace: pulumi.Output<string>,
  ): k8s.core.v1.Secret {
    const serviceAccount = new k8s.core.v1.ServiceAccount(
      `${name}-deploy-cloud-service-account`,
      {
        metadata: { name: DEPLOY_CLOUD_SERVICE_ACCOUNT, namespace: controllerNamespace },
        automountServiceAccountToken: false,
      },
      { parent: this },
    );
    // Same rules the chart gives the controller in the agents' namespace (templates/rbac.yaml).
    const role = new k8s.rbac.v1.Role(
      `${name}-deploy-cloud-role`,
      {
        metadata: { name: "jenkins-schedule-deploy-agents", namespace: deployNamespace },
        rules: [
          {
            apiGroups: [""],
            resources: ["pods", "pods/exec", "pods/log", "persistentvolumeclaims", "events"],
            verbs: ["get", "list", "watch"],
          },
          {
            apiGroups: [""],
            resources: ["pods", "pods/exec", "persistentvolumeclaims"],
            verbs: ["create", "delete", "deletecollection", "patch", "update"],
          },
        ],
      },
      { parent: this },
    );
    new k8s.rbac.v1.RoleBinding(
      `${name}-deploy-cloud-role-binding`,
      {
        metadata: { name: "jenkins-schedule-deploy-agents", namespace: deployNamespace },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
        subjects: [
          {
            kind: "ServiceAccount",
            name: serviceAccount.metadata.name,
            namespace: controllerNamespace,
          },
        ],
      },
      { parent: this },
    );
    // The API server fills in the token (kubernetes.io/service-account-token Secret type).
    return new k8s.core.v1.Secret(
      `${name}-deploy-cloud-token`,
      {
        metadata: {
          name: DEPLOY_CLOUD_TOKEN_SECRET.name,
          namespace: controllerNamespace,
          annotations: { "kubernetes.io/service-account.name": serviceAccount.metadata.name },
        },
        type: "kubernetes.io/service-account-token",
      },
      { parent: this },
    );
  }
}
