/**
 * Every version and fixed name the Jenkins component depends on, each checked against its
 * primary source at the pinned version (cited beside it and in tests/infra/cicd-sources.test.ts).
 */

/** Helm repository of the official Jenkins chart. */
export const JENKINS_CHART_REPOSITORY = "https://charts.jenkins.io";
/** Name of the official Jenkins chart in {@link JENKINS_CHART_REPOSITORY}. */
export const JENKINS_CHART = "jenkins";
/**
 * Pinned chart version. jenkinsci/helm-charts@jenkins-5.9.29:charts/jenkins/Chart.yaml ships
 * `appVersion: 2.555.3`; the plugin pins below were resolved against that core. Bump chart and
 * plugins together.
 */
export const JENKINS_CHART_VERSION = "5.9.29";
/** The Jenkins core the pinned chart runs (its `appVersion`). */
export const JENKINS_CORE_VERSION = "2.555.3";

/**
 * Plugins installed on the controller, each pinned (`name:version`), so a restart never pulls a
 * different plugin set. Each plugin's `pom.xml` `jenkins.version` at its tag is at most
 * {@link JENKINS_CORE_VERSION} (azure-ad 699.v6dd03c77b_981 requires exactly 2.555.3).
 */
export const JENKINS_PLUGINS: readonly string[] = [
  "kubernetes:4423.vb_59f230b_ce53",
  "workflow-aggregator:608.v67378e9d3db_1",
  "git:5.10.1",
  "configuration-as-code:2100.vb_fd699d2a_09c",
  "job-dsl:3654.vdf58f53e2d15",
  // The newest release jenkinsci/matrix-auth-plugin's tags show (matrix-auth-3.2.8, pom.xml
  // jenkins.version 2.479.3); 3.2.10 could not be found there, and a version the update site
  // lacks stops the controller from starting.
  "matrix-auth:3.2.8",
  "lockable-resources:1539.v4db_b_fc1cc115",
  "timestamper:1.30",
  "pipeline-utility-steps:2.20.0",
  "credentials-binding:728.v902a_273b_8947",
  // Entra ID sign-in with workload identity (credentialType "WorkloadIdentity"): no client secret.
  "azure-ad:699.v6dd03c77b_981",
  // Pull request discovery (CHANGE_ID/CHANGE_TARGET) and fork trust for GitHub repositories.
  "github-branch-source:1967.1970.vd86979736546",
];

/**
 * Base image of the agents' build container: Node.js and the Pulumi CLI. `ci/agent-image/Dockerfile`
 * builds FROM it and adds kubelogin (the Azure stacks' kubeconfig needs it); the agent pods run
 * the built image (`cicd.agentImage`), or this one where no kubelogin is needed (the local
 * stack's default). The CLI version is the one whose source the Jenkinsfile's flags and the
 * preview summariser were checked against (pulumi/pulumi@v3.259.0, the newest release tag there);
 * pulumi/pulumi-docker-containers tags `3.259.0` and its `.github/workflows/release.yml` publishes
 * `pulumi/pulumi-<sdk>:<version>`. Move it together with those checks and the Dockerfile.
 */
export const PULUMI_BASE_IMAGE = "pulumi/pulumi-nodejs:3.259.0";
/** Image of the `jnlp` container that connects an agent pod to the controller. */
export const JNLP_AGENT_IMAGE = "jenkins/inbound-agent:3355.v388858a_47b_33-22";

/** Helm release name; also the chart's resource name prefix (`fullnameOverride`). */
export const JENKINS_RELEASE_NAME = "jenkins";
/**
 * The controller's service account: the chart names it after `serviceAccount.name`
 * (templates/service-account.yaml); Entra sign-in federates with it.
 */
export const CONTROLLER_SERVICE_ACCOUNT = JENKINS_RELEASE_NAME;

/** Kubernetes Secret holding the admin credentials, referenced by the chart. */
export const ADMIN_SECRET_NAME = "jenkins-admin";
/** Keys of {@link ADMIN_SECRET_NAME} (the chart's default key names, values.yaml `controller.admin`). */
export const ADMIN_SECRET_KEYS = {
  user: "jenkins-admin-user",
  password: "jenkins-admin-password",
} as const;
/**
 * File names the chart projects the admin Secret's keys to under `SECRETS`
 * (templates/jenkins-controller-statefulset.yaml), which JCasC reads as `${<file name>}`.
 */
export const CHART_ADMIN_VARIABLES = {
  user: "chart-admin-username",
  password: "chart-admin-password",
} as const;
/** The break-glass admin's Jenkins user id. */
export const ADMIN_USER = "admin";
/** Name of the Key Vault secret holding the admin password (Azure only). */
export const ADMIN_PASSWORD_VAULT_SECRET_NAME = "jenkins-admin-password";

/** Jenkins credentials id the multibranch jobs use to read the repository; created out of band. */
export const GIT_CREDENTIALS_ID = "git-credentials";
/** Jenkins credentials id (system scope) of the deploy cloud's Kubernetes token. */
export const DEPLOY_CLOUD_CREDENTIALS_ID = "deploy-cloud-token";
/**
 * Global environment variable holding the production approvers, comma separated, for the
 * Jenkinsfile's `input(submitter: env.PRODUCTION_APPROVERS)`.
 */
export const PRODUCTION_APPROVERS_VARIABLE = "PRODUCTION_APPROVERS";

/** Audience of the tokens AKS workload identity exchanges for Entra ID tokens. */
export const WORKLOAD_IDENTITY_AUDIENCE = "api://AzureADTokenExchange";
/** Pod and service account label that makes the workload identity webhook inject credentials. */
export const WORKLOAD_IDENTITY_USE_LABEL = "azure.workload.identity/use";
/** Service account annotation naming the Entra client the webhook federates the pod with. */
export const WORKLOAD_IDENTITY_CLIENT_ID_ANNOTATION = "azure.workload.identity/client-id";

/** Controller HTTP port (chart default). */
export const CONTROLLER_HTTP_PORT = 8080;
/** Controller inbound agent (JNLP) port (chart default). */
export const AGENT_LISTENER_PORT = 50000;

/** Labels the chart puts on the controller pod. */
export const CONTROLLER_POD_LABELS: Readonly<Record<string, string>> = {
  "app.kubernetes.io/component": "jenkins-controller",
  "app.kubernetes.io/instance": JENKINS_RELEASE_NAME,
};
/** Label every agent pod carries (set in the pod templates). */
export const AGENT_POD_LABELS: Readonly<Record<string, string>> = {
  "app.kubernetes.io/name": "jenkins-agent",
};
