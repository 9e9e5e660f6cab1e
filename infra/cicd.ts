import * as azure from "@pulumi/azure-native";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AzureScope } from "./azure-scope";
import { generatedPassword } from "./generated-password";
import { requireKubernetesProvider } from "./kubernetes-provider";
import { assignableRolesCondition, type BuiltInRoleName, grantRole } from "./roles";

/** Helm repository of the official Jenkins chart. */
export const JENKINS_CHART_REPOSITORY = "https://charts.jenkins.io";
/** Name of the official Jenkins chart in {@link JENKINS_CHART_REPOSITORY}. */
export const JENKINS_CHART = "jenkins";
/**
 * Pinned chart version. 5.9.29 ships Jenkins LTS 2.555.3; the plugin pins below were resolved
 * against that core. Bump chart and plugins together.
 */
export const JENKINS_CHART_VERSION = "5.9.29";

/**
 * Plugins installed on the controller, each pinned (`name:version`), so a restart never pulls a
 * different plugin set.
 */
export const JENKINS_PLUGINS: readonly string[] = [
  "kubernetes:4423.vb_59f230b_ce53",
  "workflow-aggregator:608.v67378e9d3db_1",
  "git:5.10.1",
  "configuration-as-code:2100.vb_fd699d2a_09c",
  "job-dsl:3654.vdf58f53e2d15",
  "matrix-auth:3.2.10",
  "lockable-resources:1539.v4db_b_fc1cc115",
  "timestamper:1.30",
  "pipeline-utility-steps:2.20.0",
  "credentials-binding:728.v902a_273b_8947",
];

/** Image of the build container in both agent pods: Node.js and the Pulumi CLI. */
export const PULUMI_AGENT_IMAGE = "pulumi/pulumi-nodejs:3.263.0";
/** Image of the `jnlp` container that connects an agent pod to the controller. */
export const JNLP_AGENT_IMAGE = "jenkins/inbound-agent:3355.v388858a_47b_33-22";

/** Helm release name; also the chart's resource name prefix (`fullnameOverride`). */
export const JENKINS_RELEASE_NAME = "jenkins";

/** Kubernetes Secret holding the admin credentials, referenced by the chart. */
export const ADMIN_SECRET_NAME = "jenkins-admin";
/** Keys of {@link ADMIN_SECRET_NAME} (the chart's default key names). */
export const ADMIN_SECRET_KEYS = {
  user: "jenkins-admin-user",
  password: "jenkins-admin-password",
} as const;
/** The admin's Jenkins user id. */
export const ADMIN_USER = "admin";
/** Name of the Key Vault secret holding the admin password (Azure only). */
export const ADMIN_PASSWORD_VAULT_SECRET_NAME = "jenkins-admin-password";

/** Jenkins credentials id the multibranch job uses to read the repository; created out of band. */
export const GIT_CREDENTIALS_ID = "git-credentials";
/**
 * Global environment variable holding the production approvers, comma separated, for the
 * Jenkinsfile's `input(submitter: env.PRODUCTION_APPROVERS)`.
 */
export const PRODUCTION_APPROVERS_VARIABLE = "PRODUCTION_APPROVERS";

/** The two agent kinds: preview (read-only cloud access) and deploy (writes). */
export type AgentKind = "preview" | "deploy";
/** Agent kinds in a fixed order. */
export const AGENT_KINDS: readonly AgentKind[] = ["preview", "deploy"];
/** Kubernetes service account of each agent kind (the workload identity subject). */
export const AGENT_SERVICE_ACCOUNTS: Readonly<Record<AgentKind, string>> = {
  preview: "jenkins-agent-preview",
  deploy: "jenkins-agent-deploy",
};
/** Jenkins label (and pod template name) of each agent kind, as the Jenkinsfile asks for it. */
export const AGENT_LABELS: Readonly<Record<AgentKind, string>> = {
  preview: "pulumi-preview",
  deploy: "pulumi-deploy",
};

/** Audience of the tokens AKS workload identity exchanges for Entra ID tokens. */
export const WORKLOAD_IDENTITY_AUDIENCE = "api://AzureADTokenExchange";
/** Pod and service account label that makes the workload identity webhook inject credentials. */
export const WORKLOAD_IDENTITY_USE_LABEL = "azure.workload.identity/use";

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

const DEFAULT_INGRESS_CLASS = "nginx";
const DEFAULT_INGRESS_NAMESPACE = "ingress-nginx";
const DEFAULT_PERSISTENT_VOLUME_SIZE = "20Gi";
/** Agent pods run by the cloud at once; the pipeline serialises deployments per stack anyway. */
const AGENT_CONTAINER_CAP = 4;
/** Working directory the Kubernetes plugin mounts into every agent container. */
const AGENT_WORKING_DIR = "/home/jenkins/agent";
const JENKINS_UID = 1000;

/** How the controller is exposed; not at all by default (ClusterIP service only). */
export interface JenkinsIngress {
  /** Create an Ingress for the controller UI. Default in the stacks: `false`. */
  readonly enabled: boolean;
  /** Public host name, e.g. `jenkins.example.com`; required when enabled. */
  readonly host?: string;
  /**
   * Kubernetes TLS Secret (in the Jenkins namespace) with the certificate for `host`; required
   * when enabled, because the UI carries credentials.
   */
  readonly tlsSecretName?: string;
  /** IngressClass to use. Default `nginx`. */
  readonly className?: string;
  /**
   * Namespace of the ingress controller pods, the only namespace allowed to reach the controller
   * besides the agents. Default `ingress-nginx`.
   */
  readonly controllerNamespace?: string;
}

/** What the agents need on Azure: where to create their identities and what to grant them. */
export interface JenkinsAzureAccess {
  /** Resource group, region, names, tags and protection of the identities and the vault secret. */
  readonly scope: AzureScope;
  /** Subscription holding the built-in role definitions. */
  readonly subscriptionId: pulumi.Input<string>;
  /** Entra ID tenant of the identities (annotated on the agents' service accounts). */
  readonly tenantId: pulumi.Input<string>;
  /** The cluster's OIDC issuer URL, trusted by the federated identity credentials. */
  readonly oidcIssuerUrl: pulumi.Input<string>;
  /** Resource id of the AKS cluster (scope of the cluster roles). */
  readonly clusterId: pulumi.Input<string>;
  /** Resource id of the stack's resource group (scope of Reader / Contributor). */
  readonly resourceGroupId: pulumi.Input<string>;
  /** Name of the Key Vault (in the scope's resource group) that receives the admin password. */
  readonly keyVaultName: pulumi.Input<string>;
  /** Resource id of the storage account holding the Pulumi state; no state grants when absent. */
  readonly stateStorageAccountId?: string;
  /**
   * Resource id of the Key Vault key of Pulumi's `azurekeyvault` secrets provider
   * (`.../vaults/<vault>/keys/<key>`); no key grants when absent.
   */
  readonly secretsKeyId?: string;
}

/** Arguments of {@link Jenkins}. */
export interface JenkinsArgs {
  /** Namespace created for Jenkins, a DNS label; the stacks pass `jenkins`. */
  readonly namespace: string;
  /**
   * HTTPS Git URL of this repository, without credentials; the multibranch job scans it with the
   * Jenkins credentials `git-credentials`.
   */
  readonly repositoryUrl: string;
  /**
   * Jenkins users (`alice`) or groups (`group:release-managers`) who may approve production
   * deployments. They get Job/Build and Job/Read, and are published as the global variable
   * `PRODUCTION_APPROVERS` (comma separated names) that the Jenkinsfile passes as the `input`
   * step's `submitter`, so nobody else can approve. At least one.
   */
  readonly approvers: readonly string[];
  /** Exposure of the controller UI; off means ClusterIP only (reach it by port-forward). */
  readonly ingress: JenkinsIngress;
  /** Size of the controller's home volume (Kubernetes quantity, `Gi` or `Mi`). Default `20Gi`. */
  readonly persistentVolumeSize?: string;
  /**
   * Azure workload identities and role assignments for the agents; present on Azure stacks,
   * absent on the local stack (no Azure resource at all then).
   */
  readonly azure?: JenkinsAzureAccess;
  /**
   * Global environment variables of the controller, available to every pipeline (e.g.
   * `PULUMI_BACKEND_URL`, `AZURE_STORAGE_ACCOUNT`). JCasC owns the controller's configuration and
   * rewrites it on every restart, so variables set by hand would be lost: declare them here.
   * On Azure, `ARM_SUBSCRIPTION_ID` is added from {@link JenkinsAzureAccess.subscriptionId}.
   * Default: none.
   */
  readonly pipelineEnvironment?: Readonly<Record<string, string>>;
}

/** The settings the chart values and the JCasC document are derived from (plain data only). */
export interface JenkinsSettings {
  /** Namespace of the controller and its agents. */
  readonly namespace: string;
  /** HTTPS Git URL of the repository the multibranch job scans. */
  readonly repositoryUrl: string;
  /** Production approvers as given in {@link JenkinsArgs.approvers}. */
  readonly approvers: readonly string[];
  /** Controller exposure. */
  readonly ingress: JenkinsIngress;
  /** Size of the controller's home volume. */
  readonly persistentVolumeSize: string;
  /** Label agent pods for the AKS workload identity webhook. */
  readonly workloadIdentity: boolean;
  /** Global environment variables for every pipeline, besides the approvers. */
  readonly pipelineEnvironment: Readonly<Record<string, string>>;
}

/** CPU and memory quantities of a container. */
export interface ResourceQuantities {
  /** CPU, e.g. `500m`. */
  readonly cpu: string;
  /** Memory, e.g. `2Gi`. */
  readonly memory: string;
}

/** Requests and limits of a container. */
export interface ContainerResources {
  /** What the scheduler reserves. */
  readonly requests: ResourceQuantities;
  /** The ceiling. */
  readonly limits: ResourceQuantities;
}

/** A pod-level security context as the chart passes it through. */
export interface PodSecurityContextValues {
  readonly runAsNonRoot: true;
  readonly runAsUser: number;
  readonly runAsGroup: number;
  readonly fsGroup: number;
  readonly fsGroupChangePolicy: "OnRootMismatch";
  readonly seccompProfile: { readonly type: "RuntimeDefault" };
}

/** A container security context meeting the `restricted` Pod Security Standard. */
export interface ContainerSecurityContextValues {
  readonly runAsNonRoot: true;
  readonly runAsUser: number;
  readonly runAsGroup: number;
  readonly allowPrivilegeEscalation: false;
  readonly readOnlyRootFilesystem?: boolean;
  readonly capabilities: { readonly drop: readonly ["ALL"] };
  readonly seccompProfile: { readonly type: "RuntimeDefault" };
}

/** The part of the official Jenkins chart's values this component sets (chart 5.9.x keys). */
export interface JenkinsChartValues {
  /** Stable resource names (`jenkins`, `jenkins-agent`) whatever the release is called. */
  readonly fullnameOverride: string;
  readonly controller: {
    readonly numExecutors: 0;
    readonly admin: {
      readonly createSecret: false;
      readonly existingSecret: string;
      readonly userKey: string;
      readonly passwordKey: string;
    };
    readonly installPlugins: readonly string[];
    readonly installLatestPlugins: false;
    readonly installLatestSpecifiedPlugins: false;
    readonly overwritePlugins: true;
    readonly JCasC: {
      readonly defaultConfig: false;
      readonly overwriteConfiguration: true;
      readonly configScripts: Readonly<Record<string, string>>;
    };
    readonly resources: ContainerResources;
    readonly serviceType: "ClusterIP";
    readonly agentListenerServiceType: "ClusterIP";
    readonly jenkinsUrl: string;
    readonly usePodSecurityContext: true;
    readonly podSecurityContextOverride: PodSecurityContextValues;
    readonly containerSecurityContext: ContainerSecurityContextValues;
    readonly sidecars: {
      readonly configAutoReload: {
        readonly enabled: true;
        readonly containerSecurityContext: ContainerSecurityContextValues;
      };
    };
    readonly ingress: {
      readonly enabled: boolean;
      readonly apiVersion?: "networking.k8s.io/v1";
      readonly ingressClassName?: string;
      readonly hostName?: string;
      readonly path?: string;
      readonly pathType?: "Prefix";
      readonly tls?: readonly { readonly secretName: string; readonly hosts: readonly string[] }[];
    };
    readonly testEnabled: false;
  };
  /** The chart's own pod template stays off: the pod templates live in the JCasC document. */
  readonly agent: { readonly enabled: false };
  readonly persistence: {
    readonly enabled: true;
    readonly size: string;
    readonly accessMode: "ReadWriteOnce";
    readonly annotations: Readonly<Record<string, string>>;
  };
  /** Off: the component creates its own NetworkPolicies (agent egress included). */
  readonly networkPolicy: { readonly enabled: false };
  readonly rbac: { readonly create: true; readonly readSecrets: false };
  readonly serviceAccount: {
    readonly create: true;
    readonly name: string;
    readonly automountServiceAccountToken: true;
  };
  /** Off: the component creates one service account per agent kind. */
  readonly serviceAccountAgent: { readonly create: false };
}

const CONTROLLER_RESOURCES: ContainerResources = {
  requests: { cpu: "500m", memory: "2Gi" },
  limits: { cpu: "2", memory: "4Gi" },
};
/** The Pulumi container: azure-native and kubernetes provider plugins are memory hungry. */
const PULUMI_CONTAINER_RESOURCES: ContainerResources = {
  requests: { cpu: "500m", memory: "1Gi" },
  limits: { cpu: "2", memory: "4Gi" },
};
const JNLP_CONTAINER_RESOURCES: ContainerResources = {
  requests: { cpu: "100m", memory: "256Mi" },
  limits: { cpu: "500m", memory: "512Mi" },
};

const podSecurityContext: PodSecurityContextValues = {
  runAsNonRoot: true,
  runAsUser: JENKINS_UID,
  runAsGroup: JENKINS_UID,
  fsGroup: JENKINS_UID,
  fsGroupChangePolicy: "OnRootMismatch",
  seccompProfile: { type: "RuntimeDefault" },
};

const containerSecurityContext = (
  readOnlyRootFilesystem?: boolean,
): ContainerSecurityContextValues => ({
  runAsNonRoot: true,
  runAsUser: JENKINS_UID,
  runAsGroup: JENKINS_UID,
  allowPrivilegeEscalation: false,
  ...(readOnlyRootFilesystem === undefined ? {} : { readOnlyRootFilesystem }),
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
});

/** A principal named in {@link JenkinsArgs.approvers}. */
interface Approver {
  readonly kind: "user" | "group";
  readonly name: string;
}

const GROUP_PREFIX = "group:";
/** Jenkins' pseudo-groups; as approvers they would open production to everyone. */
const BUILT_IN_GROUPS: readonly string[] = ["authenticated", "anonymous"];
const APPROVER_PATTERN = /^(?:group:)?[A-Za-z0-9._@-]+$/;

function parseApprover(entry: string): Approver {
  return entry.startsWith(GROUP_PREFIX)
    ? { kind: "group", name: entry.slice(GROUP_PREFIX.length) }
    : { kind: "user", name: entry };
}

const DNS_LABEL = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN =
  /^(?=.{1,253}$)[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;
/** Characters a repository URL may contain: safe in a Groovy string, JCasC and Helm templates. */
const SAFE_URL = /^[A-Za-z0-9._~:/%+-]+$/;
const RESOURCE_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/.+$/i;

/** The multibranch job's name: the repository's last path segment without `.git`. */
export function repositoryJobName(repositoryUrl: string): string {
  const segments = new URL(repositoryUrl).pathname.split("/").filter((part) => part !== "");
  return (segments[segments.length - 1] ?? "").replace(/\.git$/, "");
}

/**
 * Throws, naming the argument, when `args` is invalid; called before anything is registered.
 */
export function validateJenkinsArgs(name: string, args: JenkinsArgs): void {
  const fail = (message: string): never => {
    throw new Error(`Jenkins "${name}": ${message}`);
  };
  for (const key of Object.keys(args.pipelineEnvironment ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      fail(
        `pipelineEnvironment "${key}" must be an environment variable name (letters, digits, _)`,
      );
    }
  }
  if (!DNS_LABEL.test(args.namespace)) {
    fail(
      `namespace "${args.namespace}" must be a DNS label: 1-63 lowercase letters, digits or hyphens, starting and ending alphanumeric`,
    );
  }
  let url: URL | undefined;
  try {
    url = new URL(args.repositoryUrl);
  } catch {
    fail(`repositoryUrl "${args.repositoryUrl}" is not a URL`);
  }
  if (url?.protocol !== "https:") {
    fail(`repositoryUrl "${args.repositoryUrl}" must use https://`);
  }
  if (url !== undefined && (url.username !== "" || url.password !== "")) {
    fail(
      `repositoryUrl must not carry credentials; the job reads them from the Jenkins credentials "${GIT_CREDENTIALS_ID}"`,
    );
  }
  if (
    url !== undefined &&
    (url.search !== "" || url.hash !== "" || !SAFE_URL.test(args.repositoryUrl))
  ) {
    fail(
      `repositoryUrl "${args.repositoryUrl}" must be a plain https://host/path URL (letters, digits and . _ ~ : / % + -)`,
    );
  }
  if (!/^[A-Za-z0-9._-]+$/.test(repositoryJobName(args.repositoryUrl))) {
    fail(
      `repositoryUrl "${args.repositoryUrl}" must end in a repository name of letters, digits and . _ - (it names the Jenkins job)`,
    );
  }
  if (args.approvers.length === 0) {
    fail("approvers must name at least one user or group, or nobody but the admin can deploy");
  }
  const seen = new Set<string>();
  for (const approver of args.approvers) {
    if (!APPROVER_PATTERN.test(approver)) {
      fail(
        `approvers entry "${approver}" must be a user id or group:<name> of letters, digits and . _ @ -`,
      );
    }
    if (BUILT_IN_GROUPS.includes(parseApprover(approver).name)) {
      fail(
        `approvers entry "${approver}" would let every ${parseApprover(approver).name} user approve production; name real users or groups`,
      );
    }
    if (seen.has(approver)) {
      fail(`approvers lists "${approver}" twice`);
    }
    seen.add(approver);
  }
  const { ingress } = args;
  if (ingress.enabled) {
    if (ingress.host === undefined || !DNS_SUBDOMAIN.test(ingress.host)) {
      fail(
        `ingress.host must be a lowercase DNS name when ingress is enabled, got ${ingress.host === undefined ? "nothing" : `"${ingress.host}"`}`,
      );
    }
    if (ingress.tlsSecretName === undefined || !DNS_SUBDOMAIN.test(ingress.tlsSecretName)) {
      fail(
        "ingress.tlsSecretName must name the TLS Secret when ingress is enabled: the UI carries credentials and is served over HTTPS only",
      );
    }
    if (ingress.controllerNamespace !== undefined && !DNS_LABEL.test(ingress.controllerNamespace)) {
      fail(`ingress.controllerNamespace "${ingress.controllerNamespace}" must be a DNS label`);
    }
  }
  const size = args.persistentVolumeSize;
  if (size !== undefined && !/^[1-9]\d*(?:Gi|Mi)$/.test(size)) {
    fail(`persistentVolumeSize "${size}" must be a quantity in Gi or Mi, e.g. 20Gi`);
  }
  for (const key of ["stateStorageAccountId", "secretsKeyId"] as const) {
    const id = args.azure?.[key];
    if (id !== undefined && !RESOURCE_ID.test(id)) {
      fail(
        `azure.${key} "${id}" must be a resource id (/subscriptions/.../resourceGroups/.../providers/...), never a subscription`,
      );
    }
  }
}

/** The URL Jenkins announces (links, webhooks): the ingress host, else the in-cluster service. */
export function jenkinsUrl(settings: JenkinsSettings): string {
  const { ingress } = settings;
  return ingress.enabled && ingress.host !== undefined
    ? `https://${ingress.host}/`
    : `http://${JENKINS_RELEASE_NAME}.${settings.namespace}.svc.cluster.local:${CONTROLLER_HTTP_PORT}/`;
}

/** The agent pod (YAML, here JSON) of one agent kind, merged by the Kubernetes plugin. */
function agentPod(kind: AgentKind, settings: JenkinsSettings): Record<string, unknown> {
  const labels: Record<string, string> = {
    ...AGENT_POD_LABELS,
    "app.kubernetes.io/component": AGENT_LABELS[kind],
    ...(settings.workloadIdentity ? { [WORKLOAD_IDENTITY_USE_LABEL]: "true" } : {}),
  };
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { labels },
    spec: {
      serviceAccountName: AGENT_SERVICE_ACCOUNTS[kind],
      // Builds never call the Kubernetes API with the pod's own token; the workload identity
      // webhook projects its own token for Entra ID.
      automountServiceAccountToken: false,
      securityContext: podSecurityContext,
      containers: [
        {
          name: "jnlp",
          image: JNLP_AGENT_IMAGE,
          resources: JNLP_CONTAINER_RESOURCES,
          securityContext: containerSecurityContext(),
        },
        {
          name: "pulumi",
          image: PULUMI_AGENT_IMAGE,
          command: ["sleep"],
          args: ["infinity"],
          // The image's user is root; as uid 1000 the CLI keeps its state in the workspace.
          env: [
            { name: "HOME", value: AGENT_WORKING_DIR },
            { name: "PULUMI_SKIP_UPDATE_CHECK", value: "true" },
          ],
          resources: PULUMI_CONTAINER_RESOURCES,
          securityContext: containerSecurityContext(),
        },
      ],
    },
  };
}

function podTemplate(kind: AgentKind, settings: JenkinsSettings): Record<string, unknown> {
  return {
    id: AGENT_LABELS[kind],
    name: AGENT_LABELS[kind],
    label: AGENT_LABELS[kind],
    namespace: settings.namespace,
    serviceAccount: AGENT_SERVICE_ACCOUNTS[kind],
    nodeUsageMode: "EXCLUSIVE",
    idleMinutes: 0,
    showRawYaml: false,
    yaml: JSON.stringify(agentPod(kind, settings), null, 2),
  };
}

/** The multibranch pipeline job for the repository, as a Job DSL script. */
function multibranchJobScript(repositoryUrl: string): string {
  // repositoryUrl is validated to plain URL characters, so single quotes cannot be broken out of.
  return [
    `multibranchPipelineJob('${repositoryJobName(repositoryUrl)}') {`,
    "  branchSources {",
    "    git {",
    `      id('${repositoryJobName(repositoryUrl)}')`,
    `      remote('${repositoryUrl}')`,
    `      credentialsId('${GIT_CREDENTIALS_ID}')`,
    "    }",
    "  }",
    "  factory {",
    "    workflowBranchProjectFactory {",
    "      scriptPath('Jenkinsfile')",
    "    }",
    "  }",
    "  orphanedItemStrategy {",
    "    discardOldItems {",
    "      numToKeep(20)",
    "    }",
    "  }",
    "  triggers {",
    "    periodicFolderTrigger {",
    "      interval('15m')",
    "    }",
    "  }",
    "}",
  ].join("\n");
}

/**
 * The complete Jenkins Configuration as Code document: security realm, authorisation matrix,
 * the Kubernetes cloud with the two agent pod templates, and the multibranch job. It is JSON,
 * which is valid YAML, so it needs no YAML library at run time. The admin credentials appear
 * only as `${chart-admin-username}` / `${chart-admin-password}`, resolved by JCasC from the
 * Secret the chart projects into the controller.
 */
export function jcascConfig(settings: JenkinsSettings): string {
  const approvers = settings.approvers.map(parseApprover);
  const document = {
    jenkins: {
      systemMessage:
        "Managed by Pulumi (hiring-infra) through Configuration as Code; changes made in the UI are overwritten.",
      numExecutors: 0,
      mode: "EXCLUSIVE",
      slaveAgentPort: AGENT_LISTENER_PORT,
      securityRealm: {
        local: {
          allowsSignup: false,
          enableCaptcha: false,
          users: [
            {
              id: "${chart-admin-username}",
              name: "Jenkins Admin",
              password: "${chart-admin-password}",
            },
          ],
        },
      },
      // Replaces the chart default "logged-in users can do anything".
      authorizationStrategy: {
        globalMatrix: {
          entries: [
            { user: { name: "${chart-admin-username}", permissions: ["Overall/Administer"] } },
            { group: { name: "authenticated", permissions: ["Overall/Read", "Job/Read"] } },
            ...approvers.map((approver) => ({
              [approver.kind]: { name: approver.name, permissions: ["Job/Build", "Job/Read"] },
            })),
          ],
        },
      },
      crumbIssuer: { standard: { excludeClientIPFromCrumb: true } },
      markupFormatter: "plainText",
      globalNodeProperties: [
        {
          envVars: {
            env: [
              {
                key: PRODUCTION_APPROVERS_VARIABLE,
                value: approvers.map((approver) => approver.name).join(","),
              },
              ...Object.entries(settings.pipelineEnvironment)
                .sort(([a], [b]) => a.localeCompare(b))
                .map(([key, value]) => ({ key, value })),
            ],
          },
        },
      ],
      clouds: [
        {
          kubernetes: {
            name: "kubernetes",
            serverUrl: "https://kubernetes.default",
            namespace: settings.namespace,
            jenkinsUrl: `http://${JENKINS_RELEASE_NAME}.${settings.namespace}.svc.cluster.local:${CONTROLLER_HTTP_PORT}/`,
            jenkinsTunnel: `${JENKINS_RELEASE_NAME}-agent.${settings.namespace}.svc.cluster.local:${AGENT_LISTENER_PORT}`,
            containerCapStr: String(AGENT_CONTAINER_CAP),
            connectTimeout: 5,
            readTimeout: 15,
            templates: AGENT_KINDS.map((kind) => podTemplate(kind, settings)),
          },
        },
      ],
    },
    security: {
      apiToken: {
        creationOfLegacyTokenEnabled: false,
        tokenGenerationOnCreationEnabled: false,
        // Records when each token was last used, which tells which ones can be revoked.
        usageStatisticsEnabled: true,
      },
      globalJobDslSecurityConfiguration: { useScriptSecurity: true },
    },
    unclassified: { location: { url: jenkinsUrl(settings) } },
    jobs: [{ script: multibranchJobScript(settings.repositoryUrl) }],
  };
  return JSON.stringify(document, null, 2);
}

/** The chart values for `settings`; plain data, so it can be tested without Pulumi. */
export function jenkinsChartValues(settings: JenkinsSettings): JenkinsChartValues {
  const { ingress } = settings;
  return {
    fullnameOverride: JENKINS_RELEASE_NAME,
    controller: {
      numExecutors: 0,
      admin: {
        createSecret: false,
        existingSecret: ADMIN_SECRET_NAME,
        userKey: ADMIN_SECRET_KEYS.user,
        passwordKey: ADMIN_SECRET_KEYS.password,
      },
      installPlugins: JENKINS_PLUGINS,
      // Dependencies at the minimum versions the pins require, not whatever is newest today.
      installLatestPlugins: false,
      installLatestSpecifiedPlugins: false,
      overwritePlugins: true,
      JCasC: {
        // The chart's default document would add its own cloud, realm and strategy.
        defaultConfig: false,
        overwriteConfiguration: true,
        configScripts: { "hiring-infra": jcascConfig(settings) },
      },
      resources: CONTROLLER_RESOURCES,
      serviceType: "ClusterIP",
      agentListenerServiceType: "ClusterIP",
      jenkinsUrl: jenkinsUrl(settings),
      usePodSecurityContext: true,
      podSecurityContextOverride: podSecurityContext,
      containerSecurityContext: containerSecurityContext(true),
      sidecars: {
        configAutoReload: {
          enabled: true,
          containerSecurityContext: containerSecurityContext(true),
        },
      },
      ingress:
        ingress.enabled && ingress.host !== undefined && ingress.tlsSecretName !== undefined
          ? {
              enabled: true,
              apiVersion: "networking.k8s.io/v1",
              ingressClassName: ingress.className ?? DEFAULT_INGRESS_CLASS,
              hostName: ingress.host,
              path: "/",
              pathType: "Prefix",
              tls: [{ secretName: ingress.tlsSecretName, hosts: [ingress.host] }],
            }
          : { enabled: false },
      testEnabled: false,
    },
    agent: { enabled: false },
    persistence: {
      enabled: true,
      size: settings.persistentVolumeSize,
      accessMode: "ReadWriteOnce",
      // Jobs and build history survive an uninstall of the release.
      annotations: { "helm.sh/resource-policy": "keep" },
    },
    networkPolicy: { enabled: false },
    rbac: { create: true, readSecrets: false },
    serviceAccount: {
      create: true,
      name: JENKINS_RELEASE_NAME,
      automountServiceAccountToken: true,
    },
    serviceAccountAgent: { create: false },
  };
}

/** One role a Jenkins identity holds, and why. */
interface IdentityGrant {
  readonly part: string;
  readonly role: BuiltInRoleName;
  readonly scope: pulumi.Input<string>;
  readonly description: string;
  readonly condition?: string;
}

/**
 * The roles the deploy identity may assign inside the resource group: those the stack grants to
 * workloads (AcrPull, Network Contributor, Key Vault secrets roles, read-only cluster roles).
 * Privileged grants (Contributor, RBAC Administrator, AKS RBAC Cluster Admin), including the
 * deploy identity's own, can only be changed by a person.
 */
export const DEPLOY_ASSIGNABLE_ROLES: readonly BuiltInRoleName[] = [
  "reader",
  "networkContributor",
  "keyVaultSecretsUser",
  "keyVaultSecretsOfficer",
  "acrPull",
  "acrPush",
  "aksClusterUser",
  "aksRbacReader",
];

function previewGrants(azure: JenkinsAzureAccess): IdentityGrant[] {
  return [
    {
      part: "reader-resource-group",
      role: "reader",
      scope: azure.resourceGroupId,
      description: "Jenkins preview agents read the stack's Azure resources to compute a preview",
    },
    {
      part: "aks-cluster-user",
      role: "aksClusterUser",
      scope: azure.clusterId,
      description:
        "Jenkins preview agents list the cluster user kubeconfig (kubelogin exec format)",
    },
    {
      part: "aks-rbac-reader",
      role: "aksRbacReader",
      scope: azure.clusterId,
      description:
        "Jenkins preview agents read cluster state; a Kubernetes preview needs cluster credentials (pulumi-kubernetes #2236)",
    },
    ...(azure.secretsKeyId === undefined
      ? []
      : [
          {
            part: "secrets-key-crypto-user",
            role: "keyVaultCryptoUser",
            scope: azure.secretsKeyId,
            description:
              "Jenkins preview agents decrypt stack secrets with the secrets provider key",
          } as const,
        ]),
    ...(azure.stateStorageAccountId === undefined
      ? []
      : [
          {
            // Reader suffices: the self-managed backend takes no lock for a preview (pulumi #8642).
            part: "state-blob-reader",
            role: "storageBlobDataReader",
            scope: azure.stateStorageAccountId,
            description:
              "Jenkins preview agents read the Pulumi state; a preview takes no lock on a self-managed backend",
          } as const,
        ]),
  ];
}

function deployGrants(azure: JenkinsAzureAccess): IdentityGrant[] {
  return [
    {
      // Also covers Key Vault secrets: the stack writes them through ARM, so Key Vault Secrets
      // Officer on the vault (a data-plane role) is not needed.
      part: "contributor-resource-group",
      role: "contributor",
      scope: azure.resourceGroupId,
      description:
        "Jenkins deploy agents create, change and delete the stack's resources, Key Vault secrets included (written through ARM)",
    },
    {
      // The stack grants roles itself (AcrPull, Network Contributor, ...); the condition keeps
      // the pipeline from granting anything privileged, to itself or anyone else.
      part: "rbac-admin-resource-group",
      role: "roleBasedAccessControlAdministrator",
      scope: azure.resourceGroupId,
      condition: assignableRolesCondition(DEPLOY_ASSIGNABLE_ROLES),
      description:
        "Jenkins deploy agents create the stack's own role assignments inside its resource group",
    },
    {
      part: "aks-cluster-user",
      role: "aksClusterUser",
      scope: azure.clusterId,
      description: "Jenkins deploy agents list the cluster user kubeconfig (kubelogin exec format)",
    },
    {
      part: "aks-rbac-cluster-admin",
      role: "aksRbacClusterAdmin",
      scope: azure.clusterId,
      description:
        "Jenkins deploy agents apply the stack's Kubernetes objects: namespaces, RBAC, Helm releases",
    },
    ...(azure.secretsKeyId === undefined
      ? []
      : [
          {
            part: "secrets-key-crypto-user",
            role: "keyVaultCryptoUser",
            scope: azure.secretsKeyId,
            description:
              "Jenkins deploy agents encrypt and decrypt stack secrets with the secrets provider key",
          } as const,
        ]),
    ...(azure.stateStorageAccountId === undefined
      ? []
      : [
          {
            part: "state-blob-contributor",
            role: "storageBlobDataContributor",
            scope: azure.stateStorageAccountId,
            description: "Jenkins deploy agents write the Pulumi state and its lock",
          } as const,
        ]),
  ];
}

/**
 * Jenkins on the cluster from the official Helm chart (pinned): the controller configured
 * entirely as code (local admin from a generated password, matrix authorisation, no executors),
 * two Kubernetes pod templates (`pulumi-preview`, `pulumi-deploy`) with restricted security
 * contexts and their own service accounts, a multibranch job for this repository, NetworkPolicies
 * and, on Azure, one workload identity per agent kind with the narrowest roles that let it preview
 * or deploy.
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
  /** Namespace of the controller and its agents. */
  public readonly namespace: pulumi.Output<string>;
  /** Helm release name. */
  public readonly releaseName: pulumi.Output<string>;
  /** Password of the `admin` user (secret). */
  public readonly adminPassword: pulumi.Output<string>;
  /** Client id of the preview agents' identity; undefined off Azure. */
  public readonly previewIdentityClientId: pulumi.Output<string | undefined>;
  /** Client id of the deploy agents' identity; undefined off Azure. */
  public readonly deployIdentityClientId: pulumi.Output<string | undefined>;
  /** The pinned chart version. */
  public readonly chartVersion: pulumi.Output<string>;

  /**
   * @param name logical name; children are named `<name>-<part>`.
   * @param args Jenkins settings.
   * @param opts component options; `providers` must carry the Kubernetes provider.
   */
  constructor(name: string, args: JenkinsArgs, opts?: pulumi.ComponentResourceOptions) {
    validateJenkinsArgs(name, args);
    requireKubernetesProvider("Jenkins", name, opts);
    super("hiring:cicd:Jenkins", name, {}, opts);
    const { azure: azureAccess } = args;
    const protect = azureAccess?.scope.protect ?? false;
    const settings: JenkinsSettings = {
      namespace: args.namespace,
      repositoryUrl: args.repositoryUrl,
      approvers: args.approvers,
      ingress: args.ingress,
      persistentVolumeSize: args.persistentVolumeSize ?? DEFAULT_PERSISTENT_VOLUME_SIZE,
      workloadIdentity: azureAccess !== undefined,
      pipelineEnvironment: args.pipelineEnvironment ?? {},
    };

    // Restricted, the strictest standard: every chart container gets a security context that
    // meets it through the values below (seccomp, non-root, no capabilities, no escalation), and
    // the agent pod templates set the same. A chart upgrade that adds a container without one
    // fails loudly here instead of silently running it with more privileges.
    const namespace = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      {
        metadata: {
          name: args.namespace,
          labels: {
            "pod-security.kubernetes.io/enforce": "restricted",
            "pod-security.kubernetes.io/enforce-version": "latest",
            "pod-security.kubernetes.io/warn": "restricted",
            "pod-security.kubernetes.io/audit": "restricted",
            "app.kubernetes.io/part-of": "hiring",
            "app.kubernetes.io/managed-by": "pulumi",
          },
        },
      },
      { parent: this, protect },
    );
    const namespaceName = namespace.metadata.name;

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
      // Through ARM, so it works while the vault's data plane is private.
      new azure.keyvault.Secret(
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

    const identities: Partial<Record<AgentKind, azure.managedidentity.UserAssignedIdentity>> = {};
    if (azureAccess !== undefined) {
      const { scope } = azureAccess;
      const grants: Readonly<Record<AgentKind, IdentityGrant[]>> = {
        preview: previewGrants(azureAccess),
        deploy: deployGrants(azureAccess),
      };
      for (const kind of AGENT_KINDS) {
        const identity = new azure.managedidentity.UserAssignedIdentity(
          `${name}-${kind}-identity`,
          {
            resourceGroupName: scope.resourceGroupName,
            location: scope.location,
            resourceName: scope.namer.name("managedIdentity", `jenkins-${kind}`),
            tags: scope.tags,
          },
          { parent: this },
        );
        identities[kind] = identity;
        // Client secrets never exist: the agent's service account token is exchanged for an
        // Entra ID token.
        new azure.managedidentity.FederatedIdentityCredential(
          `${name}-${kind}-federation`,
          {
            resourceGroupName: scope.resourceGroupName,
            resourceName: identity.name,
            federatedIdentityCredentialResourceName: `jenkins-${kind}`,
            issuer: azureAccess.oidcIssuerUrl,
            subject: pulumi.interpolate`system:serviceaccount:${namespaceName}:${AGENT_SERVICE_ACCOUNTS[kind]}`,
            audiences: [WORKLOAD_IDENTITY_AUDIENCE],
          },
          { parent: this },
        );
        for (const grant of grants[kind]) {
          grantRole(
            `${name}-${kind}-${grant.part}`,
            {
              scope: grant.scope,
              role: grant.role,
              subscriptionId: azureAccess.subscriptionId,
              description: grant.description,
              ...(grant.condition === undefined ? {} : { condition: grant.condition }),
              grantee: { principalId: identity.principalId, principalType: "ServicePrincipal" },
            },
            { parent: this },
          );
        }
      }
    }

    for (const kind of AGENT_KINDS) {
      const identity = identities[kind];
      new k8s.core.v1.ServiceAccount(
        `${name}-${kind}-service-account`,
        {
          metadata: {
            name: AGENT_SERVICE_ACCOUNTS[kind],
            namespace: namespaceName,
            labels: {
              ...AGENT_POD_LABELS,
              ...(identity === undefined ? {} : { [WORKLOAD_IDENTITY_USE_LABEL]: "true" }),
            },
            ...(identity === undefined || azureAccess === undefined
              ? {}
              : {
                  annotations: {
                    "azure.workload.identity/client-id": identity.clientId,
                    "azure.workload.identity/tenant-id": azureAccess.tenantId,
                  },
                }),
          },
          automountServiceAccountToken: false,
        },
        { parent: this },
      );
    }

    this.createNetworkPolicies(name, namespaceName, args.ingress);

    const release = new k8s.helm.v3.Release(
      `${name}-release`,
      {
        name: JENKINS_RELEASE_NAME,
        namespace: namespaceName,
        createNamespace: false,
        chart: JENKINS_CHART,
        version: JENKINS_CHART_VERSION,
        repositoryOpts: { repo: JENKINS_CHART_REPOSITORY },
        // The subscription is known only from the deploying client; everything else is config.
        values: pulumi.output(azureAccess?.subscriptionId).apply((subscriptionId) =>
          jenkinsChartValues(
            subscriptionId === undefined
              ? settings
              : {
                  ...settings,
                  pipelineEnvironment: {
                    ...settings.pipelineEnvironment,
                    ARM_SUBSCRIPTION_ID: subscriptionId,
                  },
                },
          ),
        ),
        // First start downloads the plugins; a failed upgrade rolls back instead of half-applying.
        atomic: true,
        cleanupOnFail: true,
        timeout: 900,
        maxHistory: 10,
      },
      { parent: this, protect, dependsOn: [adminSecret] },
    );

    this.namespace = namespaceName;
    this.releaseName = release.name;
    this.adminPassword = adminPassword;
    this.previewIdentityClientId = identities.preview?.clientId ?? pulumi.output(undefined);
    this.deployIdentityClientId = identities.deploy?.clientId ?? pulumi.output(undefined);
    this.chartVersion = pulumi.output(JENKINS_CHART_VERSION);

    this.registerOutputs({
      namespace: this.namespace,
      releaseName: this.releaseName,
      adminPassword: this.adminPassword,
      previewIdentityClientId: this.previewIdentityClientId,
      deployIdentityClientId: this.deployIdentityClientId,
      chartVersion: this.chartVersion,
    });
  }

  /**
   * Default-deny ingress for the namespace; the controller accepts agents (HTTP and JNLP) and,
   * with an ingress, the ingress controller; agents may reach DNS, the controller and HTTPS.
   */
  private createNetworkPolicies(
    name: string,
    namespaceName: pulumi.Output<string>,
    ingress: JenkinsIngress,
  ): void {
    const tcp = (port: number) => ({ protocol: "TCP", port });
    const agents = { podSelector: { matchLabels: { ...AGENT_POD_LABELS } } };
    const controller = { podSelector: { matchLabels: { ...CONTROLLER_POD_LABELS } } };
    new k8s.networking.v1.NetworkPolicy(
      `${name}-default-deny-ingress`,
      {
        metadata: { name: "default-deny-ingress", namespace: namespaceName },
        spec: { podSelector: {}, policyTypes: ["Ingress"] },
      },
      { parent: this },
    );
    new k8s.networking.v1.NetworkPolicy(
      `${name}-controller-ingress`,
      {
        metadata: { name: "jenkins-controller-ingress", namespace: namespaceName },
        spec: {
          podSelector: controller.podSelector,
          policyTypes: ["Ingress"],
          ingress: [
            { from: [agents], ports: [tcp(CONTROLLER_HTTP_PORT), tcp(AGENT_LISTENER_PORT)] },
            ...(ingress.enabled
              ? [
                  {
                    from: [
                      {
                        namespaceSelector: {
                          matchLabels: {
                            "kubernetes.io/metadata.name":
                              ingress.controllerNamespace ?? DEFAULT_INGRESS_NAMESPACE,
                          },
                        },
                      },
                    ],
                    ports: [tcp(CONTROLLER_HTTP_PORT)],
                  },
                ]
              : []),
          ],
        },
      },
      { parent: this },
    );
    // HTTPS goes to any address: Azure Resource Manager, Entra ID, the AKS API server, Git and
    // npm sit behind changing IPs, and a plain NetworkPolicy cannot select by FQDN.
    new k8s.networking.v1.NetworkPolicy(
      `${name}-agent-egress`,
      {
        metadata: { name: "jenkins-agent-egress", namespace: namespaceName },
        spec: {
          podSelector: agents.podSelector,
          policyTypes: ["Egress"],
          egress: [
            {
              to: [
                {
                  namespaceSelector: {
                    matchLabels: { "kubernetes.io/metadata.name": "kube-system" },
                  },
                },
              ],
              ports: [
                { protocol: "UDP", port: 53 },
                { protocol: "TCP", port: 53 },
              ],
            },
            { to: [controller], ports: [tcp(CONTROLLER_HTTP_PORT), tcp(AGENT_LISTENER_PORT)] },
            { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [tcp(443)] },
          ],
        },
      },
      { parent: this },
    );
  }
}
