import {
  buildNamespaceOf,
  type ContainerResources,
  type ContainerSecurityContextValues,
  DEPLOY_CLOUD_TOKEN_SECRET,
  type JenkinsSettings,
  POD_SECURITY_CONTEXT,
  type PodSecurityContextValues,
  containerSecurityContext,
  effectiveSignIn,
  jcascConfig,
  jenkinsUrl,
} from "./jcasc";
import {
  ADMIN_SECRET_KEYS,
  ADMIN_SECRET_NAME,
  CONTROLLER_SERVICE_ACCOUNT,
  JENKINS_PLUGINS,
  JENKINS_RELEASE_NAME,
  WORKLOAD_IDENTITY_CLIENT_ID_ANNOTATION,
  WORKLOAD_IDENTITY_USE_LABEL,
} from "./pins";

const DEFAULT_INGRESS_CLASS = "nginx";
/** Key of our JCasC document under `controller.JCasC.configScripts`. */
export const JCASC_SCRIPT_KEY = "hiring-infra";

/** The part of the official Jenkins chart's values this component sets (chart 5.9.x keys). */
export interface JenkinsChartValues {
  /** Stable resource names (`jenkins`, `jenkins-agent`) whatever the release is called. */
  readonly fullnameOverride: string;
  readonly controller: {
    readonly numExecutors: 0;
    readonly admin: {
      readonly createSecret: true;
      readonly existingSecret: string;
      readonly userKey: string;
      readonly passwordKey: string;
    };
    readonly additionalExistingSecrets: readonly {
      readonly name: string;
      readonly keyName: string;
    }[];
    readonly podLabels: Readonly<Record<string, string>>;
    readonly installPlugins: readonly string[];
    readonly installLatestPlugins: false;
    readonly installLatestSpecifiedPlugins: false;
    readonly overwritePlugins: true;
    readonly JCasC: {
      readonly defaultConfig: false;
      readonly overwriteConfiguration: true;
      readonly securityRealm: "";
      readonly authorizationStrategy: "";
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
  /**
   * The chart's own pod template stays off (the pod templates live in the JCasC document);
   * `namespace` is where the chart lets the controller schedule agent pods.
   */
  readonly agent: { readonly enabled: false; readonly namespace: string };
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
    readonly annotations: Readonly<Record<string, string>>;
  };
  /** Off: the component creates one service account per agent kind. */
  readonly serviceAccountAgent: { readonly create: false };
}

const CONTROLLER_RESOURCES: ContainerResources = {
  requests: { cpu: "500m", memory: "2Gi" },
  limits: { cpu: "2", memory: "4Gi" },
};

/**
 * The chart values for `settings`; plain data, so it can be tested without Pulumi. Each key is
 * read by jenkinsci/helm-charts@jenkins-5.9.29:charts/jenkins (values.yaml, templates/); what the
 * templates do with them is modelled in tests/infra/cicd-chart.test.ts.
 */
export function jenkinsChartValues(settings: JenkinsSettings): JenkinsChartValues {
  const { ingress } = settings;
  const signIn = effectiveSignIn(settings);
  // Entra sign-in: the controller exchanges its service account token for the app
  // registration's token (AKS workload identity), so no client secret exists anywhere.
  const entraClientId = signIn.realm === "entra" ? signIn.clientId : undefined;
  return {
    fullnameOverride: JENKINS_RELEASE_NAME,
    controller: {
      numExecutors: 0,
      admin: {
        // With an existing Secret the chart creates none of its own (templates/secret.yaml)
        // but still projects ours as chart-admin-username/-password and sets SECRETS
        // (templates/jenkins-controller-statefulset.yaml): both need createSecret true.
        createSecret: true,
        existingSecret: ADMIN_SECRET_NAME,
        userKey: ADMIN_SECRET_KEYS.user,
        passwordKey: ADMIN_SECRET_KEYS.password,
      },
      // Projected as ${jenkins-deploy-cloud-token-token} for the deploy cloud's credential.
      additionalExistingSecrets: [
        { name: DEPLOY_CLOUD_TOKEN_SECRET.name, keyName: DEPLOY_CLOUD_TOKEN_SECRET.key },
      ],
      podLabels: entraClientId === undefined ? {} : { [WORKLOAD_IDENTITY_USE_LABEL]: "true" },
      installPlugins: JENKINS_PLUGINS,
      // Dependencies at the minimum versions the pins require, not whatever is newest today.
      installLatestPlugins: false,
      installLatestSpecifiedPlugins: false,
      overwritePlugins: true,
      JCasC: {
        // The chart's default document would add its own cloud, realm and strategy.
        defaultConfig: false,
        overwriteConfiguration: true,
        // Empty, so templates/jcasc-config.yaml renders no realm or strategy document of its
        // own whatever the text of configScripts looks like (its guard is a substring test).
        securityRealm: "",
        authorizationStrategy: "",
        configScripts: { [JCASC_SCRIPT_KEY]: jcascConfig(settings) },
      },
      resources: CONTROLLER_RESOURCES,
      serviceType: "ClusterIP",
      agentListenerServiceType: "ClusterIP",
      jenkinsUrl: jenkinsUrl(settings),
      usePodSecurityContext: true,
      podSecurityContextOverride: POD_SECURITY_CONTEXT,
      containerSecurityContext: containerSecurityContext(true),
      sidecars: {
        configAutoReload: {
          // Also the switch that makes the chart render configScripts at all
          // (templates/jcasc-config.yaml).
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
    agent: { enabled: false, namespace: buildNamespaceOf(settings.namespace) },
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
      name: CONTROLLER_SERVICE_ACCOUNT,
      automountServiceAccountToken: true,
      annotations:
        entraClientId === undefined
          ? {}
          : { [WORKLOAD_IDENTITY_CLIENT_ID_ANNOTATION]: entraClientId },
    },
    serviceAccountAgent: { create: false },
  };
}
