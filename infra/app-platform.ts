import { createHash } from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type ArgsProblem, throwIfArgsProblems } from "../core/args-problems";
import { CLUSTER_NAMESPACES } from "./azure-identifiers";
import { isIpv4Cidr } from "./cidr";
import { generatedPassword } from "./generated-password";
import { POSTGRES_IMAGES } from "./in-cluster-database";
import {
  CLUSTER_DNS_EGRESS,
  isDnsLabel,
  PLATFORM_NAMESPACE_LABELS,
  restrictedContainerSecurityContext,
} from "./kubernetes-baseline";
import { requireKubernetesProvider } from "./kubernetes-provider";

/** How apps reach the PostgreSQL server, wherever it runs. */
export interface DatabaseConnection {
  /** Host name (or address) of the server as seen from pods. */
  readonly host: pulumi.Input<string>;
  /** TCP port of the server, 1-65535 (PostgreSQL's default is 5432). */
  readonly port: number;
  /** Admin login used only by the provisioning job, never given to apps. */
  readonly adminUser: pulumi.Input<string>;
  /** Password of the admin login (a Pulumi secret); only the provisioning job reads it. */
  readonly adminPassword: pulumi.Input<string>;
  /** libpq `sslmode` clients use: `require` for Azure, `disable` for an in-cluster server. */
  readonly sslMode: "require" | "disable";
  /**
   * Databases the server's platform creates itself (Azure), by database name
   * ({@link databaseNameOf}); an app's provisioning job waits for its own one only. Absent when
   * the job creates the database (in-cluster server). Default: none.
   */
  readonly databases?: Readonly<Record<string, pulumi.Resource>>;
  /**
   * Where the server is, for NetworkPolicy egress: an address block (Azure delegated subnet) or
   * pods in a namespace (in-cluster server).
   */
  readonly peer:
    | {
        readonly kind: "cidr";
        /** IPv4 block, e.g. the delegated database subnet `10.20.8.0/28`. */
        readonly cidr: string;
      }
    | {
        readonly kind: "pods";
        /** Namespace of the server's pods. */
        readonly namespace: string;
        /** Labels selecting the server's pods in that namespace; at least one. */
        readonly podLabels: Readonly<Record<string, string>>;
      };
}

/** One application hosted on the cluster. */
export interface AppSpec {
  /**
   * Name of the app: a DNS label (lowercase letters, digits, `-`, at most 63 characters). It
   * names the app's namespace and service account; an app with a database must start with a
   * letter, as its database and role are named after it ({@link databaseNameOf}).
   */
  readonly name: string;
  /** CPU of the whole namespace (requests and limits quota), a Kubernetes quantity ≥ 100m. */
  readonly cpu: string;
  /** Memory of the whole namespace (requests and limits quota), a Kubernetes quantity ≥ 128Mi. */
  readonly memory: string;
  /** Whether the app gets its own PostgreSQL database, login role and credentials Secret. */
  readonly database: boolean;
}

/** Arguments of {@link AppPlatform}. */
export interface AppPlatformArgs {
  /** Apps to host, each in its own namespace; names unique. */
  readonly apps: readonly AppSpec[];
  /** The PostgreSQL server; required when any app has `database: true`. Default: none. */
  readonly database?: DatabaseConnection;
  /** Namespace of the ingress controller allowed to reach the apps; none when undefined. */
  readonly ingressNamespace?: string;
  /**
   * Image used by the database provisioning job: an official postgres image pinned by an
   * exact version tag (`major.minor...`) or a digest, never `latest` or a floating `17-alpine`. Its `psql` must be 15 or newer (`\getenv`). Default:
   * {@link DEFAULT_PROVISIONER_IMAGE}.
   */
  readonly provisionerImage?: string;
  /**
   * Namespaces the stack creates besides the apps' (e.g. Jenkins', the in-cluster database's);
   * an app may not take one, or two Namespace resources would claim one name. Default: none.
   */
  readonly reservedNamespaces?: readonly string[];
  /**
   * PostgreSQL administrator role names (the password administrator, Entra administrators); an
   * app's database role may not be one. Plain names, so the check runs before anything exists.
   * Default: none.
   */
  readonly administratorRoles?: readonly string[];
}

/**
 * `psql` client for the provisioning job: PostgreSQL 17 talks to 16 and 17 servers alike; the
 * Alpine variant runs as uid 70 and is small.
 */
export const DEFAULT_PROVISIONER_IMAGE = POSTGRES_IMAGES["17"];

/** The database the platform created for `databaseName`, if it creates them, as a dependency. */
function ownDatabase(database: DatabaseConnection, databaseName: string): pulumi.Resource[] {
  const created = database.databases?.[databaseName];
  return created === undefined ? [] : [created];
}

/** Namespace holding the database admin Secret and the provisioning jobs. */
export const DB_PROVISIONING_NAMESPACE = "db-provisioning";

/** Pods (in a non-terminal phase) an app namespace may hold. */
export const APP_POD_QUOTA = 20;

/** Minimum `cpu` of an app, so the per-container defaults (1/4, 1/8) stay usable. */
export const MIN_APP_CPU_MILLICORES = 100;
/** Minimum `memory` of an app, so the per-container defaults (1/4, 1/8) stay usable. */
export const MIN_APP_MEMORY_BYTES = 128 * 1024 ** 2;

/** User id of `postgres` in the official Alpine images. */
const POSTGRES_ALPINE_UID = 70;

/** Namespaces an app must not take: the cluster's own and the platform's. */
const RESERVED_NAMESPACES: readonly string[] = [...CLUSTER_NAMESPACES, DB_PROVISIONING_NAMESPACE];

/**
 * Role and database names PostgreSQL or Azure reserve (besides any starting with `pg_` or
 * `azure_`); checked for both servers so an app moves between them unchanged.
 */
const RESERVED_DATABASE_NAMES: readonly string[] = [
  "postgres",
  "template0",
  "template1",
  "admin",
  "administrator",
  "root",
  "guest",
  "public",
];

const BINARY_SUFFIXES: Readonly<Record<string, number>> = {
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  Pi: 1024 ** 5,
  Ei: 1024 ** 6,
};
const DECIMAL_SUFFIXES: Readonly<Record<string, number>> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/**
 * The value of a Kubernetes resource quantity (`500m`, `2`, `1.5Gi`, `1e3`), or `undefined`
 * when `quantity` is not one.
 */
export function parseQuantity(quantity: string): number | undefined {
  const match = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))([eE][+-]?\d+|[KMGTPE]i|[numkMGTPE]?)$/.exec(
    quantity,
  );
  if (!match) {
    return undefined;
  }
  const [, numberText = "", suffix = ""] = match;
  const number = Number(numberText);
  if (/^[eE]/.test(suffix)) {
    return number * 10 ** Number(suffix.slice(1));
  }
  return number * (BINARY_SUFFIXES[suffix] ?? DECIMAL_SUFFIXES[suffix] ?? Number.NaN);
}

/** The database (and login role) name of an app: its name with `-` turned into `_`. */
export function databaseNameOf(appName: string): string {
  return appName.replace(/-/g, "_");
}

/**
 * Every argument Kubernetes or PostgreSQL would reject, or that would break the platform, as
 * `{ key, reason }` (never throws). The stack's config schema reports the app problems under
 * `hiring-infra:apps[<i>].*`.
 */
export function appPlatformProblems(
  args: Omit<AppPlatformArgs, "database"> & {
    readonly database?: Omit<DatabaseConnection, "host" | "adminUser" | "adminPassword">;
  },
): ArgsProblem[] {
  const problems: ArgsProblem[] = [];
  const fail = (key: string, reason: string): void => {
    problems.push({ key, reason });
  };
  const reservedNamespaces = new Set([...RESERVED_NAMESPACES, ...(args.reservedNamespaces ?? [])]);
  const administratorRoles = new Set(args.administratorRoles ?? []);
  const seen = new Set<string>();
  args.apps.forEach((app, index) => {
    const key = `apps[${index}]`;
    if (!isDnsLabel(app.name)) {
      fail(
        `${key}.name`,
        `expected a DNS label: 1-63 lowercase letters, digits or "-", starting and ending with a letter or digit, got "${app.name}"`,
      );
    }
    if (reservedNamespaces.has(app.name) || app.name.startsWith("kube-")) {
      fail(
        `${key}.name`,
        `expected a name other than "${app.name}", a namespace the cluster or the stack already creates`,
      );
    }
    if (app.name === args.ingressNamespace) {
      fail(`${key}.name`, `expected a name other than the ingressNamespace "${app.name}"`);
    }
    if (seen.has(app.name)) {
      fail(`${key}.name`, `expected unique app names; "${app.name}" appears twice`);
    }
    seen.add(app.name);
    const cpu = parseQuantity(app.cpu);
    if (cpu === undefined) {
      fail(`${key}.cpu`, `expected a Kubernetes quantity (e.g. "500m", "2"), got "${app.cpu}"`);
    } else if (cpu * 1000 < MIN_APP_CPU_MILLICORES) {
      fail(`${key}.cpu`, `expected at least 100m, got "${app.cpu}"`);
    }
    const memory = parseQuantity(app.memory);
    if (memory === undefined) {
      fail(
        `${key}.memory`,
        `expected a Kubernetes quantity (e.g. "512Mi", "2Gi"), got "${app.memory}"`,
      );
    } else if (memory < MIN_APP_MEMORY_BYTES) {
      fail(`${key}.memory`, `expected at least 128Mi, got "${app.memory}"`);
    }
    if (app.database) {
      const databaseName = databaseNameOf(app.name);
      if (!/^[a-z]/.test(app.name)) {
        fail(
          `${key}.name`,
          `expected a name starting with a letter: the app has a database, and its name names the database and role`,
        );
      }
      if (
        RESERVED_DATABASE_NAMES.includes(databaseName) ||
        databaseName.startsWith("pg_") ||
        databaseName.startsWith("azure_")
      ) {
        fail(
          `${key}.name`,
          `expected a database and role name PostgreSQL or Azure does not reserve, got "${databaseName}"`,
        );
      }
      // The provisioning job sets the app role's password: on an administrator's role it would
      // lock the administrator out and fail every later job.
      if (administratorRoles.has(databaseName)) {
        fail(
          `${key}.name`,
          `expected a database and role name other than the administrator role "${databaseName}"`,
        );
      }
    }
  });
  const databaseApps = args.apps.filter((app) => app.database).map((app) => app.name);
  if (databaseApps.length > 0 && args.database === undefined) {
    fail(
      "database",
      `expected a database connection: apps ${databaseApps.join(", ")} need a database`,
    );
  }
  if (args.database !== undefined) {
    const { port, peer } = args.database;
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      fail("database.port", `expected a whole number from 1 to 65535, got ${port}`);
    }
    if (peer.kind === "cidr" && !isIpv4Cidr(peer.cidr)) {
      fail("database.peer.cidr", `expected an IPv4 CIDR block, got "${peer.cidr}"`);
    }
    if (peer.kind === "pods") {
      if (!isDnsLabel(peer.namespace)) {
        fail("database.peer.namespace", `expected a namespace name, got "${peer.namespace}"`);
      }
      if (Object.keys(peer.podLabels).length === 0) {
        fail(
          "database.peer.podLabels",
          "expected at least one label: it must select the server's pods, not the whole namespace",
        );
      }
    }
  }
  if (args.ingressNamespace !== undefined && !isDnsLabel(args.ingressNamespace)) {
    fail("ingressNamespace", `expected a namespace name, got "${args.ingressNamespace}"`);
  }
  const image = args.provisionerImage;
  if (image !== undefined) {
    const [reference = "", digest] = image.split("@");
    const lastSegment = reference.slice(reference.lastIndexOf("/") + 1);
    const tag = lastSegment.includes(":") ? lastSegment.slice(lastSegment.indexOf(":") + 1) : "";
    const pinnedByDigest = digest !== undefined && /^sha256:[a-f0-9]{64}$/.test(digest);
    // A floating tag (`latest`, `17`, `17-alpine`) would change the job's psql under it.
    if (!pinnedByDigest && !/^v?\d+\.\d+/.test(tag)) {
      fail(
        "provisionerImage",
        `expected an image pinned by an exact version tag (e.g. "${DEFAULT_PROVISIONER_IMAGE}") or a digest, not latest or a floating tag, got "${image}"`,
      );
    }
  }
  return problems;
}

/** `[app, value]` pairs as a record keyed by app name. */
const byApp = (pairs: [string, string][]): Record<string, string> => Object.fromEntries(pairs);

/** A CPU quantity in whole millicores (at least 1m). */
const millicores = (cores: number): string => `${Math.max(1, Math.floor(cores * 1000))}m`;

/** A memory quantity in whole MiB (at least 1Mi). */
const mebibytes = (bytes: number): string => `${Math.max(1, Math.floor(bytes / 1024 ** 2))}Mi`;

/**
 * The idempotent SQL that gives an app its login role and database. Identifiers are spliced in
 * (validated as `[a-z][a-z0-9_]*`, so quoting is safe); the password is not: psql reads it from
 * the job's environment (`\getenv`, psql 15+) and quotes it itself.
 */
export function provisioningScript(databaseName: string): string {
  const identifier = `"${databaseName}"`;
  const literal = `'${databaseName}'`;
  return [
    "\\set ON_ERROR_STOP on",
    "\\getenv role_password APP_ROLE_PASSWORD",
    "SET password_encryption = 'scram-sha-256';",
    "DO $provision$",
    "BEGIN",
    `  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = ${literal}) THEN`,
    `    CREATE ROLE ${identifier} LOGIN;`,
    "  END IF;",
    "END",
    "$provision$;",
    // The statement text carries the password to the server (hashed there with SCRAM); the
    // server logs it only if this statement fails or log_statement covers DDL.
    `ALTER ROLE ${identifier} WITH LOGIN PASSWORD :'role_password';`,
    // PostgreSQL 16 gives the creator of a role only ADMIN OPTION; changing a database's owner
    // to the role also needs membership (SET), which ADMIN OPTION lets the admin grant itself.
    `GRANT ${identifier} TO CURRENT_USER;`,
    // CREATE DATABASE cannot run inside a DO block (it refuses a transaction), so psql builds
    // and executes it only when missing. On Azure the Database component already created it.
    `SELECT 'CREATE DATABASE ${identifier}' WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_database WHERE datname = ${literal})\\gexec`,
    `ALTER DATABASE ${identifier} OWNER TO ${identifier};`,
    `REVOKE CONNECT, TEMPORARY ON DATABASE ${identifier} FROM PUBLIC;`,
    `GRANT CONNECT, TEMPORARY ON DATABASE ${identifier} TO ${identifier};`,
    "",
  ].join("\n");
}

/** A NetworkPolicy spec without its pod selector (every policy here selects all pods). */
type PolicyRules = Omit<k8s.types.input.networking.v1.NetworkPolicySpec, "podSelector">;

/** What every provisioning job shares. */
interface Provisioning {
  readonly namespace: pulumi.Output<string>;
  readonly policies: k8s.networking.v1.NetworkPolicy[];
  readonly adminSecretName: pulumi.Output<string>;
}

/** Egress to the cluster DNS pods. */
const dnsEgress: PolicyRules = { policyTypes: ["Egress"], egress: [CLUSTER_DNS_EGRESS] };

/** Egress to the PostgreSQL server on its port only. */
function databaseEgress(database: DatabaseConnection): PolicyRules {
  const { peer } = database;
  const to =
    peer.kind === "cidr"
      ? { ipBlock: { cidr: peer.cidr } }
      : {
          namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": peer.namespace } },
          podSelector: { matchLabels: { ...peer.podLabels } },
        };
  return {
    policyTypes: ["Egress"],
    egress: [{ to: [to], ports: [{ protocol: "TCP", port: database.port }] }],
  };
}

/**
 * The hosting platform on the cluster: per app a namespace under the `restricted` Pod Security
 * Standard, a ResourceQuota and LimitRange from the app's CPU and memory, default-deny
 * NetworkPolicies with the allows the app needs (DNS, its own namespace, the ingress controller,
 * the database), a service account, and — for apps with a database — its own database, login
 * role and a `<app>-database` Secret with the app's (never the admin's) credentials.
 *
 * Kubernetes resources go through the provider the caller passes in `opts.providers`
 * (`{ providers: { kubernetes: provider } }`), inherited by every child; construction fails
 * without one, so nothing falls back to an ambient kubeconfig. The component does not know
 * where PostgreSQL runs: it gets a {@link DatabaseConnection}.
 *
 * **Database roles are created by a Job in the cluster.** The server is private (Azure:
 * VNet-integrated, no public endpoint; local: a pod), so SQL must run where the server is
 * reachable, not wherever `pulumi up` runs. The `db-provisioning` namespace (restricted, default
 * deny, egress only to DNS and the server) holds the admin credentials Secret, one Secret per
 * app with its role password, and per app a ConfigMap with an idempotent SQL script and a Job
 * that runs it with `psql` from a pinned postgres image. Pulumi awaits the Job: `pulumi up`
 * succeeds only once it has completed, and fails when it fails (`backoffLimit` retries first);
 * the `<app>-database` Secret is created after it, so workloads never get credentials of a role
 * that does not exist yet. The Job is replaced (deleted first, same name) when its spec or
 * script changes, and — through `pulumi.com/replaceUnready` — when a previous run failed; it is
 * not re-run otherwise (`pulumi up --replace <job urn>` forces a run). It has no
 * `ttlSecondsAfterFinished`: Kubernetes would delete it and Pulumi would create it again.
 *
 * Not chosen: the `@pulumi/postgresql` provider pointed at the server. It needs a network path
 * from the machine running `pulumi up` to the private server (VPN, jump host or a public
 * endpoint), which neither operators nor pipelines have by design.
 *
 * **Workload identity.** Each app gets a service account named like the app, with
 * `automountServiceAccountToken: false` (the workload identity webhook projects its own token
 * regardless). To give an app an Entra identity: create a user-assigned identity with a
 * federated credential for issuer = the cluster's OIDC issuer and subject
 * `system:serviceaccount:<app>:<app>`, annotate the service account with
 * `azure.workload.identity/client-id: <client id>`, and label the app's pods
 * `azure.workload.identity/use: "true"`.
 *
 * Egress beyond DNS, the namespace and the database is denied; an app needing more adds its own
 * NetworkPolicy (policies are additive). An in-cluster server must itself admit ingress from the
 * app namespaces and `db-provisioning`.
 */
export class AppPlatform extends pulumi.ComponentResource {
  /** Namespaces created for the apps, in the order of `apps`. */
  public readonly namespaces: pulumi.Output<string[]>;
  /** Name of each database app's credentials Secret (in the app's namespace), by app name. */
  public readonly databaseSecretNames: pulumi.Output<Record<string, string>>;
  /** Name of each app's service account (in the app's namespace), by app name. */
  public readonly serviceAccountNames: pulumi.Output<Record<string, string>>;

  /**
   * @param name logical name; child resources derive theirs from it.
   * @param args apps, database connection and ingress namespace.
   * @param opts component options; `providers` must carry the Kubernetes provider.
   */
  constructor(name: string, args: AppPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    throwIfArgsProblems("AppPlatform", name, appPlatformProblems(args));
    requireKubernetesProvider("AppPlatform", name, opts);
    super("hiring:platform:AppPlatform", name, {}, opts);

    const databaseApps = args.apps.filter((app) => app.database);
    const provisioning =
      args.database !== undefined && databaseApps.length > 0
        ? this.provisioningNamespace(name, args.database)
        : undefined;
    const image = args.provisionerImage ?? DEFAULT_PROVISIONER_IMAGE;

    const namespaceNames: pulumi.Output<string>[] = [];
    const serviceAccountNames: pulumi.Output<[string, string]>[] = [];
    const databaseSecretNames: pulumi.Output<[string, string]>[] = [];

    for (const app of args.apps) {
      const prefix = `${name}-${app.name}`;
      const appLabels = {
        "app.kubernetes.io/part-of": "hiring",
        "app.kubernetes.io/name": app.name,
      };
      const namespace = new k8s.core.v1.Namespace(
        `${prefix}-namespace`,
        { metadata: { name: app.name, labels: PLATFORM_NAMESPACE_LABELS } },
        { parent: this },
      );
      const ns = namespace.metadata.name;
      namespaceNames.push(ns);

      const cores = parseQuantity(app.cpu) ?? 0;
      const bytes = parseQuantity(app.memory) ?? 0;
      new k8s.core.v1.ResourceQuota(
        `${prefix}-quota`,
        {
          metadata: { name: "compute", namespace: ns, labels: appLabels },
          spec: {
            hard: {
              "requests.cpu": app.cpu,
              "limits.cpu": app.cpu,
              "requests.memory": app.memory,
              "limits.memory": app.memory,
              pods: String(APP_POD_QUOTA),
              // Apps are reached through the ingress controller, never exposed on their own.
              "services.loadbalancers": "0",
              "services.nodeports": "0",
            },
          },
        },
        { parent: this },
      );
      // The quota covers limits.*, so every container needs them; defaults let pods that
      // declare none be admitted, sized so four such containers fit in the namespace.
      new k8s.core.v1.LimitRange(
        `${prefix}-limits`,
        {
          metadata: { name: "container-defaults", namespace: ns, labels: appLabels },
          spec: {
            limits: [
              {
                type: "Container",
                default: { cpu: millicores(cores / 4), memory: mebibytes(bytes / 4) },
                defaultRequest: { cpu: millicores(cores / 8), memory: mebibytes(bytes / 8) },
              },
            ],
          },
        },
        { parent: this },
      );

      this.networkPolicy(`${prefix}-default-deny`, ns, "default-deny", {
        policyTypes: ["Ingress", "Egress"],
      });
      this.networkPolicy(`${prefix}-allow-dns`, ns, "allow-dns", dnsEgress);
      this.networkPolicy(`${prefix}-allow-same-namespace`, ns, "allow-same-namespace", {
        policyTypes: ["Ingress", "Egress"],
        ingress: [{ from: [{ podSelector: {} }] }],
        egress: [{ to: [{ podSelector: {} }] }],
      });
      if (args.ingressNamespace !== undefined) {
        this.networkPolicy(`${prefix}-allow-from-ingress`, ns, "allow-from-ingress", {
          policyTypes: ["Ingress"],
          ingress: [
            {
              from: [
                {
                  namespaceSelector: {
                    matchLabels: { "kubernetes.io/metadata.name": args.ingressNamespace },
                  },
                },
              ],
            },
          ],
        });
      }
      if (app.database && args.database !== undefined) {
        this.networkPolicy(
          `${prefix}-allow-database`,
          ns,
          "allow-database",
          databaseEgress(args.database),
        );
      }

      const serviceAccount = new k8s.core.v1.ServiceAccount(
        `${prefix}-service-account`,
        {
          metadata: { name: app.name, namespace: ns, labels: appLabels },
          automountServiceAccountToken: false,
        },
        { parent: this },
      );
      serviceAccountNames.push(
        serviceAccount.metadata.name.apply((saName): [string, string] => [app.name, saName]),
      );

      if (app.database && args.database !== undefined && provisioning !== undefined) {
        const secretName = this.appDatabase(prefix, app, ns, args.database, provisioning, image);
        databaseSecretNames.push(
          secretName.apply((secret): [string, string] => [app.name, secret]),
        );
      }
    }

    this.namespaces = pulumi.all(namespaceNames);
    this.serviceAccountNames = pulumi.all(serviceAccountNames).apply(byApp);
    this.databaseSecretNames = pulumi.all(databaseSecretNames).apply(byApp);

    this.registerOutputs({
      namespaces: this.namespaces,
      databaseSecretNames: this.databaseSecretNames,
      serviceAccountNames: this.serviceAccountNames,
    });
  }

  private networkPolicy(
    logicalName: string,
    namespace: pulumi.Input<string>,
    policyName: string,
    spec: PolicyRules,
  ): k8s.networking.v1.NetworkPolicy {
    return new k8s.networking.v1.NetworkPolicy(
      logicalName,
      {
        metadata: { name: policyName, namespace },
        spec: { podSelector: {}, ...spec },
      },
      { parent: this },
    );
  }

  /** The namespace, policies and admin Secret shared by every provisioning job. */
  private provisioningNamespace(name: string, database: DatabaseConnection): Provisioning {
    const prefix = `${name}-db-provisioning`;
    const namespace = new k8s.core.v1.Namespace(
      `${prefix}-namespace`,
      { metadata: { name: DB_PROVISIONING_NAMESPACE, labels: PLATFORM_NAMESPACE_LABELS } },
      { parent: this },
    );
    const ns = namespace.metadata.name;
    const policies = [
      this.networkPolicy(`${prefix}-default-deny`, ns, "default-deny", {
        policyTypes: ["Ingress", "Egress"],
      }),
      this.networkPolicy(`${prefix}-allow-dns`, ns, "allow-dns", dnsEgress),
      this.networkPolicy(
        `${prefix}-allow-database`,
        ns,
        "allow-database",
        databaseEgress(database),
      ),
    ];
    const adminSecret = new k8s.core.v1.Secret(
      `${prefix}-admin-secret`,
      {
        metadata: { name: "database-admin", namespace: ns },
        type: "Opaque",
        stringData: pulumi.secret({
          username: database.adminUser,
          password: database.adminPassword,
        }),
      },
      { parent: this },
    );
    return { namespace: ns, policies, adminSecretName: adminSecret.metadata.name };
  }

  /**
   * An app's role password, the Job that creates its role and database, and the Secret with the
   * app's credentials; returns the Secret's name.
   */
  private appDatabase(
    prefix: string,
    app: AppSpec,
    appNamespace: pulumi.Output<string>,
    database: DatabaseConnection,
    provisioning: Provisioning,
    image: string,
  ): pulumi.Output<string> {
    const databaseName = databaseNameOf(app.name);
    const labels = {
      "app.kubernetes.io/name": "db-provisioner",
      "app.kubernetes.io/instance": app.name,
      "app.kubernetes.io/part-of": "hiring",
      "app.kubernetes.io/managed-by": "pulumi",
    };

    // No keepers: drawn once; rotating it is a deliberate `pulumi up --replace` of this and the
    // job, since a new value alone does not change the job's spec.
    const rolePassword = generatedPassword(`${prefix}-db-password`, { parent: this });

    // The job can only read Secrets of its own namespace, so the role password is also kept
    // in db-provisioning.
    const roleSecret = new k8s.core.v1.Secret(
      `${prefix}-role-secret`,
      {
        metadata: { name: `${app.name}-role`, namespace: provisioning.namespace, labels },
        type: "Opaque",
        stringData: pulumi.secret({ password: rolePassword }),
      },
      { parent: this },
    );

    const script = provisioningScript(databaseName);
    // Immutable and named after its content: a changed script is a new ConfigMap, which
    // changes the job's pod template and so replaces (re-runs) the job.
    const scriptHash = createHash("sha256").update(script).digest("hex").slice(0, 10);
    const scriptConfigMap = new k8s.core.v1.ConfigMap(
      `${prefix}-provision-script`,
      {
        metadata: {
          name: `provision-${app.name}-${scriptHash}`,
          namespace: provisioning.namespace,
          labels,
        },
        immutable: true,
        data: { "provision.sql": script },
      },
      { parent: this },
    );

    const containerSecurityContext = restrictedContainerSecurityContext(POSTGRES_ALPINE_UID, true);
    const job = new k8s.batch.v1.Job(
      `${prefix}-provision-job`,
      {
        metadata: {
          name: `provision-${app.name}`,
          namespace: provisioning.namespace,
          labels,
          annotations: {
            // A failed run (e.g. the server was not reachable yet) is replaced on the next
            // `pulumi up` instead of being awaited again.
            "pulumi.com/replaceUnready": "true",
          },
        },
        spec: {
          backoffLimit: 4,
          // Fails the job before Pulumi's default 10-minute await gives up, with a clearer error.
          activeDeadlineSeconds: 480,
          template: {
            metadata: { labels },
            spec: {
              restartPolicy: "Never",
              automountServiceAccountToken: false,
              securityContext: {
                runAsNonRoot: true,
                runAsUser: POSTGRES_ALPINE_UID,
                runAsGroup: POSTGRES_ALPINE_UID,
                seccompProfile: { type: "RuntimeDefault" },
              },
              containers: [
                {
                  name: "psql",
                  image,
                  command: ["psql"],
                  args: ["--no-psqlrc", "--file=/provision/provision.sql"],
                  env: [
                    { name: "PGHOST", value: database.host },
                    { name: "PGPORT", value: String(database.port) },
                    { name: "PGDATABASE", value: "postgres" },
                    { name: "PGSSLMODE", value: database.sslMode },
                    { name: "PGCONNECT_TIMEOUT", value: "10" },
                    { name: "PGAPPNAME", value: `provision-${app.name}` },
                    {
                      name: "PGUSER",
                      valueFrom: {
                        secretKeyRef: { name: provisioning.adminSecretName, key: "username" },
                      },
                    },
                    {
                      name: "PGPASSWORD",
                      valueFrom: {
                        secretKeyRef: { name: provisioning.adminSecretName, key: "password" },
                      },
                    },
                    {
                      name: "APP_ROLE_PASSWORD",
                      valueFrom: {
                        secretKeyRef: { name: roleSecret.metadata.name, key: "password" },
                      },
                    },
                  ],
                  volumeMounts: [{ name: "script", mountPath: "/provision", readOnly: true }],
                  resources: {
                    requests: { cpu: "50m", memory: "64Mi" },
                    limits: { cpu: "250m", memory: "128Mi" },
                  },
                  securityContext: containerSecurityContext,
                },
              ],
              volumes: [{ name: "script", configMap: { name: scriptConfigMap.metadata.name } }],
            },
          },
        },
      },
      {
        parent: this,
        // Without the allows, default-deny would block the first attempt.
        // The app's own database only (when the platform creates it): waiting for every app's
        // would make each job depend on all databases and the graph grow with apps squared.
        dependsOn: [...provisioning.policies, ...ownDatabase(database, databaseName)],
        // Any spec change must re-run the SQL; a Job's pod template cannot be updated in place.
        replaceOnChanges: ["spec"],
        // The replacement has the same name, so the old job must go first.
        deleteBeforeReplace: true,
      },
    );

    const url = pulumi
      .all([database.host, rolePassword])
      .apply(
        ([host, secretPassword]) =>
          `postgres://${encodeURIComponent(databaseName)}:${encodeURIComponent(secretPassword)}@${host}:${database.port}/${databaseName}?sslmode=${database.sslMode}`,
      );
    const credentials = new k8s.core.v1.Secret(
      `${prefix}-database-secret`,
      {
        metadata: { name: `${app.name}-database`, namespace: appNamespace, labels },
        type: "Opaque",
        stringData: pulumi.secret({
          host: database.host,
          port: String(database.port),
          database: databaseName,
          username: databaseName,
          password: rolePassword,
          sslmode: database.sslMode,
          url,
        }),
      },
      // Workloads that mount the Secret start only once the role exists.
      { parent: this, dependsOn: [job] },
    );
    return credentials.metadata.name;
  }
}
