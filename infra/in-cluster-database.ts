import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type ArgsProblem, throwIfArgsProblems } from "../core/args-problems";
import { generatedPassword } from "./generated-password";
import {
  isDnsLabel,
  PLATFORM_NAMESPACE_LABELS,
  restrictedContainerSecurityContext,
} from "./kubernetes-baseline";
import { requireKubernetesProvider } from "./kubernetes-provider";

/** The generator inputs that set the password's character rules (not its length). */
const PASSWORD_RULE_INPUTS = [
  "special",
  "overrideSpecial",
  "minUpper",
  "minLower",
  "minNumeric",
  "minSpecial",
] as const;
/** Namespace of the server unless `namespace` says otherwise. */
export const IN_CLUSTER_DATABASE_NAMESPACE = "database";

/** The official PostgreSQL images, pinned by exact tag, per major version. */
export const POSTGRES_IMAGES = {
  "16": "postgres:16.10-alpine3.22",
  "17": "postgres:17.6-alpine3.22",
} as const;

/** The `postgres` user of the official Alpine image (uid/gid 70). */
const POSTGRES_UID = 70;
const PORT = 5432;
const LABELS = { "app.kubernetes.io/name": "postgresql", "app.kubernetes.io/part-of": "hiring" };

/** Arguments of {@link InClusterDatabase}. */
export interface InClusterDatabaseArgs {
  /** Namespace to create for the server. Default `database`. */
  readonly namespace?: string;
  /** PostgreSQL major version; selects the pinned image from {@link POSTGRES_IMAGES}. */
  readonly version: keyof typeof POSTGRES_IMAGES;
  /** Size of the data volume, a Kubernetes quantity such as `5Gi`. */
  readonly storageSize: string;
  /** Storage class of the data volume; the cluster's default class when undefined. */
  readonly storageClassName?: string;
  /**
   * Namespaces (by their `kubernetes.io/metadata.name`) whose pods may connect; everything else
   * is denied by the namespace's NetworkPolicy.
   */
  readonly clientNamespaces: readonly string[];
}

/**
 * Every problem with `args`, each naming the argument (`namespace`, `storageSize`); empty when
 * the arguments are valid. Pure: the stack's config reports the same rules under its own keys.
 */
export function inClusterDatabaseProblems(args: InClusterDatabaseArgs): ArgsProblem[] {
  const problems: ArgsProblem[] = [];
  const namespace = args.namespace ?? IN_CLUSTER_DATABASE_NAMESPACE;
  if (!isDnsLabel(namespace)) {
    problems.push({
      key: "namespace",
      reason: `expected a DNS label (at most 63 lowercase letters, digits or hyphens, starting and ending alphanumeric), got "${namespace}"`,
    });
  }
  if (!/^\d+(\.\d+)?(Mi|Gi|Ti)$/.test(args.storageSize)) {
    problems.push({
      key: "storageSize",
      reason: `expected a quantity like 5Gi, got "${args.storageSize}"`,
    });
  }
  for (const [index, client] of args.clientNamespaces.entries()) {
    if (!isDnsLabel(client)) {
      problems.push({
        key: `clientNamespaces[${index}]`,
        reason: `expected a DNS label, got "${client}"`,
      });
    }
  }
  return problems;
}

/**
 * PostgreSQL inside the cluster, for stacks without Azure (kind, minikube, on-prem): one
 * StatefulSet with a persistent volume, the official image pinned by tag, a generated password in
 * a Secret, a ClusterIP Service, probes, resource limits and a non-root, restricted pod. It
 * exposes the same connection facts as the Azure server so apps cannot tell them apart.
 * The Kubernetes provider comes from `opts.providers`.
 */
export class InClusterDatabase extends pulumi.ComponentResource {
  /** Namespace the server runs in. */
  public readonly namespace: pulumi.Output<string>;
  /** Service DNS name apps connect to. */
  public readonly host: pulumi.Output<string>;
  /** Port the Service listens on. */
  public readonly port: number;
  /** Superuser login, used only to provision app roles. */
  public readonly adminUser: pulumi.Output<string>;
  /** Superuser password (a Pulumi secret). */
  public readonly adminPassword: pulumi.Output<string>;
  /** Labels of the server's pods, for NetworkPolicy peers. */
  public readonly podLabels: Readonly<Record<string, string>>;

  /**
   * @param name logical name; children are named `<name>-<part>`.
   * @param args version, storage and allowed clients.
   * @param opts component options; must carry the Kubernetes provider.
   */
  constructor(name: string, args: InClusterDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    throwIfArgsProblems("InClusterDatabase", name, inClusterDatabaseProblems(args));
    requireKubernetesProvider("InClusterDatabase", name, opts);
    const namespaceName = args.namespace ?? IN_CLUSTER_DATABASE_NAMESPACE;
    super("hiring:data:InClusterDatabase", name, {}, opts);
    const parent = { parent: this };

    const namespace = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      {
        metadata: {
          name: namespaceName,
          labels: { ...PLATFORM_NAMESPACE_LABELS, ...LABELS },
        },
      },
      parent,
    );
    const ns = namespace.metadata.name;

    const adminPassword = generatedPassword(`${name}-admin-password`, {
      ...parent,
      // Databases created before the shared generator drew `{ length: 32, special: false }`.
      // PostgreSQL reads POSTGRES_PASSWORD only when it initialises its data directory, so a
      // replaced password would reach the Secret but not the server and lock every client out.
      // Changes to the character rules therefore never replace an existing password.
      ignoreChanges: [...PASSWORD_RULE_INPUTS],
    });
    const secret = new k8s.core.v1.Secret(
      `${name}-admin`,
      {
        metadata: { name: "postgresql-admin", namespace: ns, labels: LABELS },
        type: "Opaque",
        stringData: { username: "postgres", password: adminPassword },
      },
      parent,
    );

    const service = new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: { name: "postgresql", namespace: ns, labels: LABELS },
        spec: {
          type: "ClusterIP",
          selector: LABELS,
          ports: [{ name: "postgres", port: PORT, targetPort: "postgres", protocol: "TCP" }],
        },
      },
      parent,
    );

    const probe = (initialDelaySeconds: number): k8s.types.input.core.v1.Probe => ({
      exec: { command: ["pg_isready", "-U", "postgres", "-h", "127.0.0.1"] },
      initialDelaySeconds,
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: 6,
    });
    new k8s.apps.v1.StatefulSet(
      `${name}-statefulset`,
      {
        metadata: { name: "postgresql", namespace: ns, labels: LABELS },
        spec: {
          serviceName: service.metadata.name,
          replicas: 1,
          selector: { matchLabels: LABELS },
          template: {
            metadata: { labels: LABELS },
            spec: {
              automountServiceAccountToken: false,
              securityContext: {
                runAsNonRoot: true,
                runAsUser: POSTGRES_UID,
                runAsGroup: POSTGRES_UID,
                fsGroup: POSTGRES_UID,
                seccompProfile: { type: "RuntimeDefault" },
              },
              containers: [
                {
                  name: "postgresql",
                  image: POSTGRES_IMAGES[args.version],
                  ports: [{ name: "postgres", containerPort: PORT }],
                  env: [
                    {
                      name: "POSTGRES_PASSWORD",
                      valueFrom: { secretKeyRef: { name: secret.metadata.name, key: "password" } },
                    },
                    // A subdirectory: the volume's root holds lost+found on many storage classes.
                    { name: "PGDATA", value: "/var/lib/postgresql/data/pgdata" },
                  ],
                  resources: {
                    requests: { cpu: "250m", memory: "512Mi" },
                    limits: { cpu: "1", memory: "1Gi" },
                  },
                  readinessProbe: probe(5),
                  livenessProbe: probe(30),
                  securityContext: restrictedContainerSecurityContext(POSTGRES_UID),
                  volumeMounts: [
                    { name: "data", mountPath: "/var/lib/postgresql/data" },
                    { name: "run", mountPath: "/var/run/postgresql" },
                  ],
                },
              ],
              volumes: [{ name: "run", emptyDir: {} }],
            },
          },
          volumeClaimTemplates: [
            {
              metadata: { name: "data", labels: LABELS },
              spec: {
                accessModes: ["ReadWriteOnce"],
                ...(args.storageClassName ? { storageClassName: args.storageClassName } : {}),
                resources: { requests: { storage: args.storageSize } },
              },
            },
          ],
        },
      },
      parent,
    );

    new k8s.networking.v1.NetworkPolicy(
      `${name}-network-policy`,
      {
        metadata: { name: "postgresql-clients", namespace: ns },
        spec: {
          podSelector: { matchLabels: LABELS },
          policyTypes: ["Ingress", "Egress"],
          ingress: [
            {
              from: args.clientNamespaces.map((client) => ({
                namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": client } },
              })),
              ports: [{ protocol: "TCP", port: PORT }],
            },
          ],
          // The server starts no connections of its own.
          egress: [],
        },
      },
      parent,
    );

    this.namespace = ns;
    this.host = pulumi.interpolate`${service.metadata.name}.${ns}.svc.cluster.local`;
    this.port = PORT;
    this.adminUser = pulumi.output("postgres");
    this.adminPassword = adminPassword;
    this.podLabels = LABELS;
    this.registerOutputs({
      namespace: this.namespace,
      host: this.host,
      port: this.port,
      adminUser: this.adminUser,
      adminPassword: this.adminPassword,
    });
  }
}
