import type * as pulumi from "@pulumi/pulumi";
import type { AzureScope } from "../azure-scope";
import { ADMIN_USER, GIT_CREDENTIALS_ID, PULUMI_BASE_IMAGE } from "./pins";
import { isPinnedImage, unpinnedImageReason } from "../image-reference";
import { isDnsLabel } from "../kubernetes-baseline";

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

/**
 * Who may sign in. `entra`: the organisation's Entra ID through the azure-ad plugin, the
 * controller authenticating to Entra with workload identity (no client secret); approvers are
 * Entra object ids. `local`: Jenkins' own user database holding only the admin from the Secret
 * (the local stack, and every stack in break-glass).
 */
export type JenkinsSignIn =
  | {
      readonly realm: "entra";
      /** Application (client) id of the Entra app registration Jenkins signs users in with. */
      readonly clientId: string;
      /** Entra tenant id of that app registration. */
      readonly tenantId: string;
    }
  | { readonly realm: "local" };

/** The realms {@link JenkinsSignIn} can choose. */
export type JenkinsRealm = JenkinsSignIn["realm"];

/** Where a target stack's resources are: the scopes of its identities' roles. */
export interface JenkinsTargetScopes {
  /** Resource id of the target stack's resource group (scope of Reader / Contributor). */
  readonly resourceGroupId: pulumi.Input<string>;
  /** Resource id of the target stack's AKS cluster (scope of the cluster roles). */
  readonly clusterId: pulumi.Input<string>;
}

/**
 * A stack this Jenkins previews and deploys. Each gets its own pod templates
 * (`pulumi-preview-<stack>`, `pulumi-deploy-<stack>`), service accounts, lock and, on Azure,
 * its own preview and deploy identities holding roles on that stack only.
 */
export interface JenkinsTarget {
  /** The Pulumi stack name, e.g. `dev`: lowercase letters, digits and hyphens. */
  readonly stack: string;
  /** Its Azure scopes; required when Jenkins has {@link JenkinsArgs.azure}, absent otherwise. */
  readonly azure?: JenkinsTargetScopes;
}

/**
 * What the agents need on Azure: where to create the identities (the CI stack) and what every
 * target's identities share. The identities live with Jenkins and federate with its cluster's
 * OIDC issuer; their roles are on the target stacks.
 */
export interface JenkinsAzureAccess {
  /** Resource group, region, names, tags and protection of the identities and the vault secret. */
  readonly scope: AzureScope;
  /** Subscription holding the built-in role definitions. */
  readonly subscriptionId: pulumi.Input<string>;
  /** Entra ID tenant of the identities (annotated on the agents' service accounts). */
  readonly tenantId: pulumi.Input<string>;
  /** The CI cluster's OIDC issuer URL, trusted by the federated identity credentials. */
  readonly oidcIssuerUrl: pulumi.Input<string>;
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
  /**
   * Namespace created for the controller, a DNS label of at most 56 characters; the
   * identity-less and preview agents get `<namespace>-agents`, the deploy agents
   * `<namespace>-deploy`. The stacks pass `jenkins`.
   */
  readonly namespace: string;
  /**
   * HTTPS URL of this repository on GitHub (`https://github.com/<owner>/<repo>.git`), without
   * credentials; the jobs scan it with the Jenkins credentials `git-credentials`.
   */
  readonly repositoryUrl: string;
  /** Sign-in realm. */
  readonly signIn: JenkinsSignIn;
  /**
   * The stacks this Jenkins previews and deploys, the stack hosting it included; at least one,
   * each named once. Adding an entry gives that stack its agents, lock and identities.
   */
  readonly targets: readonly JenkinsTarget[];
  /**
   * Break-glass: sign in with the local admin (password in the admin Secret and, on Azure, Key
   * Vault) instead of {@link signIn}'s realm, the admin being the only approver. Default `false`.
   */
  readonly breakGlass?: boolean;
  /**
   * Who may approve production deployments, in the realm's terms: with `entra`,
   * `group:<group object id>` or a user's object id; with `local`, only `admin`. They get
   * Job/Build and Job/Read, and are published as the global variable `PRODUCTION_APPROVERS`
   * that the Jenkinsfile passes as the `input` step's `submitter`. At least one.
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
   * `PULUMI_BACKEND_URL`). JCasC owns the controller's configuration and rewrites it on every
   * restart, so variables set by hand would be lost: declare them here. Values are written
   * literally (JCasC `${...}` and Helm `{{` are escaped). On Azure, `ARM_SUBSCRIPTION_ID` is
   * added from {@link JenkinsAzureAccess.subscriptionId}. Default: none.
   */
  readonly pipelineEnvironment?: Readonly<Record<string, string>>;
  /**
   * Image of the agent pods' build container, pinned by an exact version tag or a digest. On
   * Azure it is required: the AKS kubeconfig runs `kubelogin`, which the Pulumi base image lacks,
   * so it is the image `ci/agent-image/Dockerfile` builds (docs/operations.md, "The agent image").
   * Default off Azure: {@link PULUMI_BASE_IMAGE}.
   */
  readonly agentImage?: string;
}

/** One problem with Jenkins' arguments: the setting (e.g. `ingress.host`) and what is wrong. */
export interface JenkinsProblem {
  /** Path of the setting, dot-separated, `[i]` for list entries (e.g. `approvers[1]`). */
  readonly key: string;
  /** What was expected. */
  readonly reason: string;
}

/** A problem key as a path (`approvers[1]` → `["approvers", 1]`), for the config's reports. */
export function jenkinsProblemPath(key: string): (string | number)[] {
  return (key.match(/[^.[\]]+/g) ?? []).map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** A principal named in {@link JenkinsArgs.approvers}. */
export interface Approver {
  readonly kind: "user" | "group";
  readonly name: string;
}

const GROUP_PREFIX = "group:";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DNS_SUBDOMAIN =
  /^(?=.{1,253}$)[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;
/** Characters a repository URL may contain: safe in a Groovy string, JCasC and Helm templates. */
const SAFE_URL = /^[A-Za-z0-9._~:/%+-]+$/;
const GITHUB_REPOSITORY =
  /^https:\/\/github\.com\/([A-Za-z0-9._-]+)\/([A-Za-z0-9._-]+?)(?:\.git)?$/;
const RESOURCE_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/.+$/i;
const ENVIRONMENT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/**
 * A target stack's name becomes part of service account names (`jenkins-agent-preview-<stack>`,
 * a DNS subdomain) and of Azure identity names: lowercase letters, digits and hyphens.
 */
const STACK_NAME = /^[a-z](?:[a-z0-9-]{0,28}[a-z0-9])?$/;
/** `-agents` / `-deploy` is appended for the agents' namespaces, which must stay DNS labels. */
const MAX_NAMESPACE_LENGTH = 63 - "-agents".length;

/** Parses an approvers entry (`group:<name>` or a user id). */
export function parseApprover(entry: string): Approver {
  return entry.startsWith(GROUP_PREFIX)
    ? { kind: "group", name: entry.slice(GROUP_PREFIX.length) }
    : { kind: "user", name: entry };
}

/** The GitHub owner and repository of a repository URL, or undefined if it is not one. */
export function gitHubRepository(
  repositoryUrl: string,
): { readonly owner: string; readonly repository: string } | undefined {
  const match = GITHUB_REPOSITORY.exec(repositoryUrl);
  return match?.[1] !== undefined && match[2] !== undefined
    ? { owner: match[1], repository: match[2] }
    : undefined;
}

/** The multibranch job's name: the repository's name without `.git`. */
export function repositoryJobName(repositoryUrl: string): string {
  return gitHubRepository(repositoryUrl)?.repository ?? "";
}

/**
 * Approvers the realm can satisfy. The azure-ad plugin makes a user's id its Entra object id
 * and adds each group's object id as an authority (jenkinsci/azure-ad-plugin@699.v6dd03c77b_981:
 * AzureAdUser.java `getUsername`, `setAuthorities`; AzureAdGroup.java `getAuthority`), so with
 * `entra` only object ids ever match; display names are neither unique nor stable. The local
 * realm (core HudsonPrivateSecurityRealm) has no groups and holds only the admin here.
 */
export function approverProblems(
  realm: JenkinsRealm,
  approvers: readonly string[],
): JenkinsProblem[] {
  if (approvers.length === 0) {
    return [
      {
        key: "approvers",
        reason: "expected at least one approver, or nobody but the admin can deploy",
      },
    ];
  }
  const problems: JenkinsProblem[] = [];
  approvers.forEach((entry, index) => {
    const key = `approvers[${index}]`;
    const approver = parseApprover(entry);
    if (approvers.indexOf(entry) !== index) {
      problems.push({ key, reason: `expected each approver once; "${entry}" appears twice` });
    } else if (realm === "entra" && !UUID.test(approver.name)) {
      problems.push({
        key,
        reason:
          "expected group:<Entra group object id> or a user's Entra object id (lowercase GUID): Entra sign-in knows users and groups only by object id",
      });
    } else if (realm === "local" && approver.kind === "group") {
      problems.push({
        key,
        reason: "expected no group: the local realm has no groups, so a group can never approve",
      });
    } else if (realm === "local" && approver.name !== ADMIN_USER) {
      problems.push({
        key,
        reason: `expected "${ADMIN_USER}": the local realm holds no other user, so "${entry}" could never sign in`,
      });
    }
  });
  return problems;
}

/** An ingress the chart can render and that serves the UI over TLS only. */
export function ingressProblems(ingress: JenkinsIngress): JenkinsProblem[] {
  if (!ingress.enabled) {
    return [];
  }
  const problems: JenkinsProblem[] = [];
  if (ingress.host === undefined || !DNS_SUBDOMAIN.test(ingress.host)) {
    problems.push({
      key: "ingress.host",
      reason: "expected a lowercase DNS name when the ingress is enabled, like jenkins.example.com",
    });
  }
  if (ingress.tlsSecretName === undefined || !DNS_SUBDOMAIN.test(ingress.tlsSecretName)) {
    problems.push({
      key: "ingress.tlsSecretName",
      reason:
        "expected the TLS Secret's name when the ingress is enabled: the UI carries credentials and is served over HTTPS only",
    });
  }
  if (ingress.controllerNamespace !== undefined && !isDnsLabel(ingress.controllerNamespace)) {
    problems.push({ key: "ingress.controllerNamespace", reason: "expected a DNS label" });
  }
  if (ingress.className !== undefined && !DNS_SUBDOMAIN.test(ingress.className)) {
    problems.push({ key: "ingress.className", reason: "expected an IngressClass name" });
  }
  return problems;
}

/**
 * A GitHub repository URL that is safe to write into the Job DSL script (single-quoted Groovy),
 * the JCasC document and the chart's templates.
 */
export function repositoryUrlProblems(repositoryUrl: string): JenkinsProblem[] {
  const key = "repositoryUrl";
  let url: URL;
  try {
    url = new URL(repositoryUrl);
  } catch {
    return [{ key, reason: "expected an https://github.com/<owner>/<repo>.git URL" }];
  }
  if (url.username !== "" || url.password !== "") {
    return [
      {
        key,
        reason: `expected no credentials in the URL; the jobs read them from the Jenkins credentials "${GIT_CREDENTIALS_ID}"`,
      },
    ];
  }
  if (!SAFE_URL.test(repositoryUrl) || gitHubRepository(repositoryUrl) === undefined) {
    return [
      {
        key,
        reason:
          "expected an https://github.com/<owner>/<repo>.git URL of letters, digits and . _ - (the GitHub branch source discovers its pull requests)",
      },
    ];
  }
  return [];
}

/** Environment variable names; any value is allowed, since values are escaped when written. */
export function pipelineEnvironmentProblems(
  environment: Readonly<Record<string, string>>,
): JenkinsProblem[] {
  return Object.keys(environment)
    .filter((name) => !ENVIRONMENT_NAME.test(name))
    .map((name) => ({
      key: `pipelineEnvironment.${name}`,
      reason:
        "expected an environment variable name (letters, digits, _; not starting with a digit)",
    }));
}

/** The Entra app registration's ids are GUIDs, as Entra writes them (lowercase). */
export function signInProblems(signIn: JenkinsSignIn): JenkinsProblem[] {
  if (signIn.realm !== "entra") {
    return [];
  }
  return (["clientId", "tenantId"] as const)
    .filter((field) => !UUID.test(signIn[field]))
    .map((field) => ({
      key: `signIn.${field}`,
      reason: "expected a lowercase GUID, like 7a3c2f10-5b8e-4d1a-9c47-2e6f0b9d8a31",
    }));
}

/** Target stacks: at least one, each a short lowercase name, listed once. */
export function targetProblems(targets: readonly { readonly stack: string }[]): JenkinsProblem[] {
  if (targets.length === 0) {
    return [{ key: "targets", reason: "expected at least one stack for Jenkins to deploy" }];
  }
  const problems: JenkinsProblem[] = [];
  targets.forEach(({ stack }, index) => {
    if (!STACK_NAME.test(stack)) {
      problems.push({
        key: `targets[${index}].stack`,
        reason:
          "expected a stack name of 1-30 lowercase letters, digits and hyphens, starting with a letter",
      });
    } else if (targets.findIndex((target) => target.stack === stack) !== index) {
      problems.push({
        key: `targets[${index}].stack`,
        reason: `expected each stack once; "${stack}" appears twice`,
      });
    }
  });
  return problems;
}

/**
 * The agent image's rule: pinned (the shared image rule), and present when the agents deploy to
 * Azure, whose kubeconfig needs the `kubelogin` the base image lacks (every preview's preflight
 * would fail on it).
 */
export function agentImageProblems(
  agentImage: string | undefined,
  onAzure: boolean,
): JenkinsProblem[] {
  if (agentImage === undefined) {
    return onAzure
      ? [
          {
            key: "agentImage",
            reason: `expected the agent image built from ci/agent-image/Dockerfile (the base image ${PULUMI_BASE_IMAGE} has no kubelogin, which the AKS kubeconfig runs), like <registry>.azurecr.io/hiring-infra-agent:3.259.0-kubelogin-0.2.19`,
          },
        ]
      : [];
  }
  return isPinnedImage(agentImage)
    ? []
    : [{ key: "agentImage", reason: unpinnedImageReason(agentImage, PULUMI_BASE_IMAGE) }];
}

/** Every problem with `args`; empty when they are valid. Pure: never throws. */
export function jenkinsArgsProblems(args: JenkinsArgs): JenkinsProblem[] {
  const problems: JenkinsProblem[] = [
    ...pipelineEnvironmentProblems(args.pipelineEnvironment ?? {}),
    ...repositoryUrlProblems(args.repositoryUrl),
    ...approverProblems(args.signIn.realm, args.approvers),
    ...ingressProblems(args.ingress),
    ...targetProblems(args.targets),
    ...agentImageProblems(args.agentImage, args.azure !== undefined),
  ];
  args.targets.forEach((target, index) => {
    if ((target.azure === undefined) !== (args.azure === undefined)) {
      problems.push({
        key: `targets[${index}].azure`,
        reason:
          args.azure === undefined
            ? "expected no Azure scopes: this Jenkins has no Azure access"
            : "expected the stack's resource group and cluster ids: its identities need roles there",
      });
    }
  });
  if (!isDnsLabel(args.namespace) || args.namespace.length > MAX_NAMESPACE_LENGTH) {
    problems.push({
      key: "namespace",
      reason: `expected a DNS label of at most ${MAX_NAMESPACE_LENGTH} lowercase letters, digits or hyphens, starting and ending alphanumeric`,
    });
  }
  problems.push(...signInProblems(args.signIn));
  if (args.signIn.realm === "entra") {
    if (args.azure === undefined) {
      problems.push({
        key: "signIn.realm",
        reason:
          "expected local off Azure: Entra sign-in authenticates the controller with AKS workload identity",
      });
    }
  }
  const size = args.persistentVolumeSize;
  if (size !== undefined && !/^[1-9]\d*(?:Gi|Mi)$/.test(size)) {
    problems.push({
      key: "persistentVolumeSize",
      reason: "expected a quantity in Gi or Mi, e.g. 20Gi",
    });
  }
  for (const field of ["stateStorageAccountId", "secretsKeyId"] as const) {
    const id = args.azure?.[field];
    if (id !== undefined && !RESOURCE_ID.test(id)) {
      problems.push({
        key: `azure.${field}`,
        reason:
          "expected a resource id (/subscriptions/.../resourceGroups/.../providers/...), never a subscription",
      });
    }
  }
  return problems;
}
