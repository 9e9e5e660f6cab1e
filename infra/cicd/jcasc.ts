import { stringify as yamlStringify } from "yaml";
import {
  type Approver,
  type JenkinsIngress,
  type JenkinsSignIn,
  gitHubRepository,
  parseApprover,
  repositoryJobName,
} from "./args";
import {
  ADMIN_USER,
  AGENT_LISTENER_PORT,
  AGENT_POD_LABELS,
  CHART_ADMIN_VARIABLES,
  CONTROLLER_HTTP_PORT,
  DEPLOY_CLOUD_CREDENTIALS_ID,
  GIT_CREDENTIALS_ID,
  JENKINS_RELEASE_NAME,
  JNLP_AGENT_IMAGE,
  PRODUCTION_APPROVERS_VARIABLE,
  WORKLOAD_IDENTITY_USE_LABEL,
} from "./pins";
import {
  type RestrictedContainerSecurityContext,
  restrictedContainerSecurityContext,
} from "../kubernetes-baseline";

/**
 * The three agent kinds: `test` has no cloud identity at all (tests and the offline plan of
 * every branch and pull request), `preview` reads one target stack (previews of trusted changes,
 * the nightly drift report), `deploy` writes one target stack (the `main` job only, through its
 * own usage-restricted cloud and namespace).
 */
export type AgentKind = "test" | "preview" | "deploy";
/** The agent kinds that exist once per target stack and carry that stack's identity. */
export type IdentityKind = Exclude<AgentKind, "test">;
/** Identity-bearing agent kinds in a fixed order. */
export const IDENTITY_KINDS: readonly IdentityKind[] = ["preview", "deploy"];
/** The identity-less agent's label (and pod template name). */
export const TEST_AGENT_LABEL = "pulumi-test";

/**
 * Jenkins label (and pod template name) of an agent, as the Jenkinsfiles ask for it: the
 * convention agreed with the team is `pulumi-test`, `pulumi-preview-<stack>` (read-only
 * identity) and `pulumi-deploy-<stack>` (deploy identity, restricted cloud, `main` only).
 */
export function agentLabel(kind: AgentKind, stack?: string): string {
  return kind === "test" ? TEST_AGENT_LABEL : `pulumi-${kind}-${stack ?? ""}`;
}

/** Kubernetes service account of an agent (the workload identity subject). */
export function agentServiceAccount(kind: AgentKind, stack?: string): string {
  return kind === "test" ? "jenkins-agent-test" : `jenkins-agent-${kind}-${stack ?? ""}`;
}

/** The lock every build of every job takes before changing `stack`. */
export function stackLockName(repositoryUrl: string, stack: string): string {
  return `${repositoryJobName(repositoryUrl)}-${stack}`;
}

/** The Jenkinsfile of the nightly drift report (read-only previews of every target). */
export const DRIFT_JENKINSFILE = "Jenkinsfile.drift";

/** The Kubernetes cloud of the identity-less and preview agents. */
export const BUILD_CLOUD = "kubernetes";
/**
 * The usage-restricted Kubernetes cloud of the deploy agents: only jobs inside
 * {@link DEPLOY_FOLDER} may use it (kubernetes-plugin KubernetesFolderProperty).
 */
export const DEPLOY_CLOUD = "deploy";
/** Folder holding the job that builds `main`, the only one permitted {@link DEPLOY_CLOUD}. */
export const DEPLOY_FOLDER = "deploy";
/**
 * The Secret holding the deploy cloud's service account token, and its key; the chart projects
 * it as `${<name>-<key>}` (values.yaml `controller.additionalExistingSecrets`).
 */
export const DEPLOY_CLOUD_TOKEN_SECRET = {
  name: "jenkins-deploy-cloud-token",
  key: "token",
} as const;
/**
 * The deploy agents' namespace for a given controller namespace. Only the deploy cloud's own
 * service account may create pods there; the controller's account may not.
 */
export function deployNamespaceOf(namespace: string): string {
  return `${namespace}-deploy`;
}
/**
 * The identity-less and preview agents' namespace. It is not the controller's: a branch's
 * Jenkinsfile can shape its pod freely (service account, volumes, namespace within the cloud's
 * reach), so the controller's Secrets must not be mountable from where builds run. The chart's
 * agent-scheduling Role goes here (templates/rbac.yaml, `agent.namespace`).
 */
export function buildNamespaceOf(namespace: string): string {
  return `${namespace}-agents`;
}

/** Agent pods run by each cloud at once; the pipeline serialises deployments per stack anyway. */
const AGENT_CONTAINER_CAP = 4;
/** Working directory the Kubernetes plugin mounts into every agent container. */
const AGENT_WORKING_DIR = "/home/jenkins/agent";
/** uid/gid of the `jenkins` user in the official controller and agent images. */
export const JENKINS_UID = 1000;

/** The settings the chart values and the JCasC document are derived from (plain data only). */
export interface JenkinsSettings {
  /** Namespace of the controller; the agents run in `<namespace>-agents` and `-deploy`. */
  readonly namespace: string;
  /** HTTPS URL of the GitHub repository the jobs scan. */
  readonly repositoryUrl: string;
  /** Sign-in realm. */
  readonly signIn: JenkinsSignIn;
  /** Sign in with the local admin instead, the admin being the only approver. */
  readonly breakGlass: boolean;
  /** Production approvers as given in the arguments. */
  readonly approvers: readonly string[];
  /** Controller exposure. */
  readonly ingress: JenkinsIngress;
  /** Size of the controller's home volume. */
  readonly persistentVolumeSize: string;
  /** Label agent pods for the AKS workload identity webhook. */
  readonly workloadIdentity: boolean;
  /** Image of the agent pods' build container (`pulumi`). */
  readonly agentImage: string;
  /** Global environment variables for every pipeline, besides the approvers. */
  readonly pipelineEnvironment: Readonly<Record<string, string>>;
  /**
   * The stacks this Jenkins deploys, with the subscription of each when known (set as the
   * agents' `ARM_SUBSCRIPTION_ID`, so a stack in another subscription is addressed right).
   */
  readonly targets: readonly { readonly stack: string; readonly subscriptionId?: string }[];
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
export type ContainerSecurityContextValues = RestrictedContainerSecurityContext;

/** Pod security context of the controller and every agent pod. */
export const POD_SECURITY_CONTEXT: PodSecurityContextValues = {
  runAsNonRoot: true,
  runAsUser: JENKINS_UID,
  runAsGroup: JENKINS_UID,
  fsGroup: JENKINS_UID,
  fsGroupChangePolicy: "OnRootMismatch",
  seccompProfile: { type: "RuntimeDefault" },
};

/** A container security context meeting the restricted standard, as the Jenkins user. */
export function containerSecurityContext(
  readOnlyRootFilesystem?: boolean,
): ContainerSecurityContextValues {
  return restrictedContainerSecurityContext(JENKINS_UID, readOnlyRootFilesystem);
}

/** The Pulumi container: azure-native and kubernetes provider plugins are memory hungry. */
const PULUMI_CONTAINER_RESOURCES: ContainerResources = {
  requests: { cpu: "500m", memory: "1Gi" },
  limits: { cpu: "2", memory: "4Gi" },
};
const JNLP_CONTAINER_RESOURCES: ContainerResources = {
  requests: { cpu: "100m", memory: "256Mi" },
  limits: { cpu: "500m", memory: "512Mi" },
};

/**
 * A value written literally into the JCasC document: JCasC expands `${...}` in every value,
 * secrets included (configuration-as-code-plugin@2100.vb_fd699d2a_09c:
 * docs/features/secrets.adoc, SecretSourceResolver.java `escapedWith = '^'`), so a value holding
 * `${chart-admin-password}` would publish the admin password. `^${` is its escape.
 */
export function jcascLiteral(value: string): string {
  return value.replaceAll("${", "^${");
}

/**
 * Text the chart passes through Helm's `tpl` (jenkinsci/helm-charts@jenkins-5.9.29:
 * charts/jenkins/templates/jcasc-config.yaml renders each `configScripts` value with
 * `tpl $val $`): `{{` would start a template action, so it is written as the action
 * `{{ "{{" }}`, which renders back to `{{`. A lone `}}` is plain text to Go templates.
 */
export function helmTemplateLiteral(text: string): string {
  return text.replaceAll("{{", '{{ "{{" }}');
}

/** The URL Jenkins announces (links, sign-in redirects): the ingress host, else the service. */
export function jenkinsUrl(settings: JenkinsSettings): string {
  const { ingress } = settings;
  return ingress.enabled && ingress.host !== undefined
    ? `https://${ingress.host}/`
    : `http://${JENKINS_RELEASE_NAME}.${settings.namespace}.svc.cluster.local:${CONTROLLER_HTTP_PORT}/`;
}

/** Namespace of each agent kind's pods. */
export function agentNamespace(kind: AgentKind, settings: JenkinsSettings): string {
  return kind === "deploy"
    ? deployNamespaceOf(settings.namespace)
    : buildNamespaceOf(settings.namespace);
}

/** One agent: its kind and, for identity-bearing kinds, its target stack. */
interface Agent {
  readonly kind: AgentKind;
  readonly stack?: string;
  readonly subscriptionId?: string;
}

/** The agent pod (YAML, here JSON) of one agent, merged by the Kubernetes plugin. */
function agentPod(agent: Agent, settings: JenkinsSettings): Record<string, unknown> {
  const withIdentity = agent.kind !== "test" && settings.workloadIdentity;
  const labels: Record<string, string> = {
    ...AGENT_POD_LABELS,
    "app.kubernetes.io/component": agentLabel(agent.kind, agent.stack),
    ...(withIdentity ? { [WORKLOAD_IDENTITY_USE_LABEL]: "true" } : {}),
  };
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { labels },
    spec: {
      serviceAccountName: agentServiceAccount(agent.kind, agent.stack),
      // Builds never call the Kubernetes API with the pod's own token; the workload identity
      // webhook projects its own token for Entra ID.
      automountServiceAccountToken: false,
      securityContext: POD_SECURITY_CONTEXT,
      containers: [
        {
          name: "jnlp",
          image: JNLP_AGENT_IMAGE,
          resources: JNLP_CONTAINER_RESOURCES,
          securityContext: containerSecurityContext(),
        },
        {
          name: "pulumi",
          image: settings.agentImage,
          command: ["sleep"],
          args: ["infinity"],
          // The image's user is root; as uid 1000 the CLI keeps its state in the workspace.
          env: [
            { name: "HOME", value: AGENT_WORKING_DIR },
            { name: "PULUMI_SKIP_UPDATE_CHECK", value: "true" },
            ...(agent.subscriptionId === undefined
              ? []
              : [{ name: "ARM_SUBSCRIPTION_ID", value: agent.subscriptionId }]),
          ],
          resources: PULUMI_CONTAINER_RESOURCES,
          securityContext: containerSecurityContext(),
        },
      ],
    },
  };
}

function podTemplate(agent: Agent, settings: JenkinsSettings): Record<string, unknown> {
  const label = agentLabel(agent.kind, agent.stack);
  return {
    id: label,
    name: label,
    label,
    namespace: agentNamespace(agent.kind, settings),
    serviceAccount: agentServiceAccount(agent.kind, agent.stack),
    // Only builds that ask for the label get the pod.
    nodeUsageMode: "EXCLUSIVE",
    idleMinutes: 0,
    showRawYaml: false,
    yaml: JSON.stringify(agentPod(agent, settings), null, 2),
  };
}

/** Every agent of one kind: one per target stack, or the single identity-less one. */
function agentsOf(kind: AgentKind, settings: JenkinsSettings): Agent[] {
  return kind === "test" ? [{ kind }] : settings.targets.map((target) => ({ kind, ...target }));
}

/** A Job DSL string literal: single-quoted Groovy, backslashes and quotes escaped. */
function groovyString(value: string): string {
  return `'${value.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
}

/**
 * The GitHub branch source of a multibranch job (github-branch-source
 * @1967.1970.vd86979736546: GitHubSCMSource `@Symbol("github")` and its constructor
 * `repoOwner, repository, repositoryUrl, configuredByUrl`; trait symbols from
 * BranchDiscoveryTrait, OriginPullRequestDiscoveryTrait, ForkPullRequestDiscoveryTrait;
 * scm-api WildcardSCMHeadFilterTrait `headWildcardFilter`).
 */
function gitHubSource(
  id: string,
  repositoryUrl: string,
  traits: readonly string[],
): readonly string[] {
  const repository = gitHubRepository(repositoryUrl);
  return [
    "  branchSources {",
    "    branchSource {",
    "      source {",
    "        github {",
    `          id(${groovyString(id)})`,
    `          repoOwner(${groovyString(repository?.owner ?? "")})`,
    `          repository(${groovyString(repository?.repository ?? "")})`,
    `          repositoryUrl(${groovyString(repositoryUrl)})`,
    "          configuredByUrl(true)",
    `          credentialsId(${groovyString(GIT_CREDENTIALS_ID)})`,
    "          traits {",
    ...traits.map((trait) => `            ${trait}`),
    "          }",
    "        }",
    "      }",
    "    }",
    "  }",
  ];
}

const BRANCH_JOB_TAIL = [
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
];

/**
 * The nightly drift report: `Jenkinsfile.drift` from `main`, outside the deploy folder, so only
 * the read-only `pulumi-preview-<stack>` agents are open to it (core TimerTrigger
 * `@Symbol("cron")`; Job DSL `pipelineJob`, `cpsScm`).
 */
function driftJobScript(repositoryUrl: string): string {
  const job = repositoryJobName(repositoryUrl);
  return [
    `pipelineJob(${groovyString(`${job}-drift`)}) {`,
    `  displayName(${groovyString(`${job}: nightly drift report`)})`,
    "  definition {",
    "    cpsScm {",
    "      scm {",
    "        git {",
    "          remote {",
    `            url(${groovyString(repositoryUrl)})`,
    `            credentials(${groovyString(GIT_CREDENTIALS_ID)})`,
    "          }",
    "          branch('main')",
    "        }",
    "      }",
    `      scriptPath(${groovyString(DRIFT_JENKINSFILE)})`,
    "      lightweight(true)",
    "    }",
    "  }",
    "  properties {",
    "    disableConcurrentBuilds()",
    "    pipelineTriggers {",
    "      triggers {",
    "        cron { spec('H 2 * * *') }",
    "      }",
    "    }",
    "  }",
    "}",
  ].join("\n");
}

/**
 * The job for branches and pull requests: every branch but `main`, pull requests from the
 * repository and from forks. A fork's pull request from someone without write permission is
 * built with the target branch's Jenkinsfile (GitHubSCMSource trust `gitHubTrustPermissions`),
 * so it cannot choose its own agents; BranchDiscoveryTrait strategy 1 builds branches that
 * are not also pull requests, pull request strategy 1 builds the merge with the target.
 */
function changesJobScript(repositoryUrl: string): string {
  const job = repositoryJobName(repositoryUrl);
  return [
    `multibranchPipelineJob(${groovyString(job)}) {`,
    `  displayName(${groovyString(`${job}: branches and pull requests`)})`,
    ...gitHubSource(job, repositoryUrl, [
      "gitHubBranchDiscovery { strategyId(1) }",
      "gitHubPullRequestDiscovery { strategyId(1) }",
      "gitHubForkDiscovery { strategyId(1); trust { gitHubTrustPermissions() } }",
      // main is built by the deploy job only.
      "headWildcardFilter { includes('*'); excludes('main') }",
    ]),
    ...BRANCH_JOB_TAIL,
  ].join("\n");
}

/**
 * The folder whose jobs may use the deploy cloud (kubernetes-plugin@4423.vb_59f230b_ce53:
 * KubernetesFolderProperty `permittedClouds`, descriptor `@Symbol("kubernetes")`), and in it the
 * job that builds `main` and nothing else.
 */
function deployJobScript(repositoryUrl: string): string {
  const job = repositoryJobName(repositoryUrl);
  return [
    `folder(${groovyString(DEPLOY_FOLDER)}) {`,
    "  displayName('Deployments (main only)')",
    "  properties {",
    `    kubernetes { permittedClouds([${groovyString(DEPLOY_CLOUD)}]) }`,
    "  }",
    "}",
    `multibranchPipelineJob(${groovyString(`${DEPLOY_FOLDER}/${job}`)}) {`,
    `  displayName(${groovyString(`${job}: main`)})`,
    ...gitHubSource(`${job}-deploy`, repositoryUrl, [
      "gitHubBranchDiscovery { strategyId(3) }",
      "headWildcardFilter { includes('main'); excludes('') }",
    ]),
    ...BRANCH_JOB_TAIL,
  ].join("\n");
}

/** A JCasC variable reference, resolved by JCasC from a file the chart projects. */
function variable(name: string): string {
  return `\${${name}}`;
}

/** The approvers as the `input` step's `submitter` sees them, honouring break-glass. */
export function effectiveApprovers(settings: JenkinsSettings): Approver[] {
  return settings.breakGlass
    ? [{ kind: "user", name: ADMIN_USER }]
    : settings.approvers.map(parseApprover);
}

/** The realm Jenkins actually uses: the local admin in break-glass, else the configured one. */
export function effectiveSignIn(settings: JenkinsSettings): JenkinsSignIn {
  return settings.breakGlass ? { realm: "local" } : settings.signIn;
}

function securityRealm(signIn: JenkinsSignIn, ingress: JenkinsIngress): Record<string, unknown> {
  if (signIn.realm === "entra") {
    // azure-ad-plugin@699.v6dd03c77b_981: AzureSecurityRealm (constructor tenant, clientId,
    // clientSecret, cacheDuration; setters credentialType, fromRequest); "WorkloadIdentity"
    // reads AZURE_FEDERATED_TOKEN_FILE (GraphClientCache.getWorkloadIdentityToken).
    return {
      azure: {
        tenant: signIn.tenantId,
        clientId: signIn.clientId,
        credentialType: "WorkloadIdentity",
        cacheDuration: 3600,
        // Without an ingress the UI is reached by port-forward (http://localhost:8080), not at
        // the in-cluster root URL, so the sign-in redirect is built from the request; with one,
        // from the configured https URL only.
        fromRequest: !ingress.enabled,
      },
    };
  }
  return {
    local: {
      allowsSignup: false,
      enableCaptcha: false,
      users: [
        {
          id: variable(CHART_ADMIN_VARIABLES.user),
          name: "Jenkins Admin",
          password: variable(CHART_ADMIN_VARIABLES.password),
        },
      ],
    },
  };
}

/**
 * The Jenkins Configuration as Code document, as YAML: security realm, authorisation matrix,
 * the build cloud (identity-less and preview agents) and the restricted deploy cloud, the jobs.
 * The admin credentials and the deploy cloud's token appear only as JCasC variables resolved
 * from the files the chart projects; every other value is written literally
 * ({@link jcascLiteral}) and the text is safe for the chart's `tpl` ({@link helmTemplateLiteral}).
 */
export function jcascConfig(settings: JenkinsSettings): string {
  const signIn = effectiveSignIn(settings);
  const approvers = effectiveApprovers(settings);
  const literal = jcascLiteral;
  const cloud = (name: string, kinds: readonly AgentKind[], restricted: boolean) => ({
    kubernetes: {
      name,
      // The deploy cloud leaves the URL empty so the client autoconfigures from the pod's
      // in-cluster CA and uses the token credential instead of the controller's own account
      // (kubernetes-plugin KubernetesFactoryAdapter.createClient).
      ...(restricted
        ? { credentialsId: DEPLOY_CLOUD_CREDENTIALS_ID, usageRestricted: true }
        : { serverUrl: "https://kubernetes.default" }),
      namespace: agentNamespace(kinds[0] ?? "test", settings),
      jenkinsUrl: `http://${JENKINS_RELEASE_NAME}.${settings.namespace}.svc.cluster.local:${CONTROLLER_HTTP_PORT}/`,
      jenkinsTunnel: `${JENKINS_RELEASE_NAME}-agent.${settings.namespace}.svc.cluster.local:${AGENT_LISTENER_PORT}`,
      containerCapStr: String(AGENT_CONTAINER_CAP),
      connectTimeout: 5,
      readTimeout: 15,
      templates: kinds
        .flatMap((kind) => agentsOf(kind, settings))
        .map((agent) => podTemplate(agent, settings)),
    },
  });
  const document = {
    jenkins: {
      systemMessage:
        "Managed by Pulumi (hiring-infra) through Configuration as Code; changes made in the UI are overwritten.",
      numExecutors: 0,
      mode: "EXCLUSIVE",
      slaveAgentPort: AGENT_LISTENER_PORT,
      securityRealm: securityRealm(signIn, settings.ingress),
      // matrix-auth GlobalMatrixAuthorizationStrategy; replaces the chart's default strategy.
      authorizationStrategy: {
        globalMatrix: {
          entries: [
            ...(signIn.realm === "local"
              ? [
                  {
                    user: {
                      name: variable(CHART_ADMIN_VARIABLES.user),
                      permissions: ["Overall/Administer"],
                    },
                  },
                ]
              : []),
            { group: { name: "authenticated", permissions: ["Overall/Read", "Job/Read"] } },
            ...approvers.map((approver) => ({
              [approver.kind]: {
                name: literal(approver.name),
                permissions: ["Job/Build", "Job/Read"],
              },
            })),
          ],
        },
      },
      // Core 2.543+ dropped excludeClientIPFromCrumb (DefaultCrumbIssuer has a no-argument
      // @DataBoundConstructor only at jenkins-2.555.3), so the issuer takes no attribute.
      crumbIssuer: "standard",
      markupFormatter: "plainText",
      globalNodeProperties: [
        {
          envVars: {
            env: [
              {
                key: PRODUCTION_APPROVERS_VARIABLE,
                value: literal(approvers.map((approver) => approver.name).join(",")),
              },
              ...Object.entries(settings.pipelineEnvironment)
                .sort(([a], [b]) => a.localeCompare(b))
                .map(([key, value]) => ({ key, value: literal(value) })),
            ],
          },
        },
      ],
      clouds: [
        cloud(BUILD_CLOUD, ["test", "preview"], false),
        cloud(DEPLOY_CLOUD, ["deploy"], true),
      ],
    },
    // System scope: Jenkins itself (the deploy cloud) may use it, no job can bind it.
    credentials: {
      system: {
        domainCredentials: [
          {
            credentials: [
              {
                string: {
                  scope: "SYSTEM",
                  id: DEPLOY_CLOUD_CREDENTIALS_ID,
                  description: "Token of the deploy cloud's Kubernetes service account",
                  secret: variable(
                    `${DEPLOY_CLOUD_TOKEN_SECRET.name}-${DEPLOY_CLOUD_TOKEN_SECRET.key}`,
                  ),
                },
              },
            ],
          },
        ],
      },
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
    unclassified: {
      location: { url: jenkinsUrl(settings) },
      // One lock per stack, declared so every job of this one Jenkins sees the same resource
      // (lockable-resources@1539.v4db_b_fc1cc115: LockableResourcesManager
      // setDeclaredResources, LockableResource(name) and setDescription).
      lockableResourcesManager: {
        declaredResources: settings.targets.map(({ stack }) => ({
          name: stackLockName(settings.repositoryUrl, stack),
          description: `Held while a build changes the ${stack} stack`,
        })),
      },
    },
    jobs: [
      { script: literal(changesJobScript(settings.repositoryUrl)) },
      { script: literal(deployJobScript(settings.repositoryUrl)) },
      { script: literal(driftJobScript(settings.repositoryUrl)) },
    ],
  };
  return helmTemplateLiteral(yamlStringify(document, { lineWidth: 0 }));
}
