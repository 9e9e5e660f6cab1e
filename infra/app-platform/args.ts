import type * as pulumi from "@pulumi/pulumi";
import type { ArgsProblem } from "../../core/args-problems";
import { CLUSTER_NAMESPACES } from "../azure-identifiers";
import { isIpv4Cidr } from "../cidr";
import { isPinnedImage, unpinnedImageReason } from "../image-reference";
import { POSTGRES_IMAGES } from "../in-cluster-database";
import { isDnsLabel } from "../kubernetes-baseline";

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

/** Namespace holding the database admin Secret and the provisioning jobs. */
export const DB_PROVISIONING_NAMESPACE = "db-provisioning";

/** Pods (in a non-terminal phase) an app namespace may hold. */
export const APP_POD_QUOTA = 20;

/** Minimum `cpu` of an app, so the per-container defaults (1/4, 1/8) stay usable. */
export const MIN_APP_CPU_MILLICORES = 100;
/** Minimum `memory` of an app, so the per-container defaults (1/4, 1/8) stay usable. */
export const MIN_APP_MEMORY_BYTES = 128 * 1024 ** 2;

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
  // A floating tag (`latest`, `17`, `17-alpine`) would change the job's psql under it.
  if (image !== undefined && !isPinnedImage(image)) {
    fail("provisionerImage", unpinnedImageReason(image, DEFAULT_PROVISIONER_IMAGE));
  }
  return problems;
}
