import { createHash } from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { throwIfArgsProblems } from "../../core/args-problems";
import { generatedPassword } from "../generated-password";
import {
  PLATFORM_NAMESPACE_LABELS,
  restrictedContainerSecurityContext,
} from "../kubernetes-baseline";
import { requireKubernetesProvider } from "../kubernetes-provider";
import {
  APP_POD_QUOTA,
  type AppPlatformArgs,
  appPlatformProblems,
  type AppSpec,
  type DatabaseConnection,
  databaseNameOf,
  DB_PROVISIONING_NAMESPACE,
  DEFAULT_PROVISIONER_IMAGE,
  parseQuantity,
} from "./args";
import { databaseEgress, dnsEgress, type PolicyRules } from "./network-policies";
import { provisioningScript } from "./provisioning-script";

/** The database the platform created for `databaseName`, if it creates them, as a dependency. */
function ownDatabase(database: DatabaseConnection, databaseName: string): pulumi.Resource[] {
  const created = database.databases?.[databaseName];
  return created === undefined ? [] : [created];
}

/** User id of `postgres` in the official Alpine images. */
const POSTGRES_ALPINE_UID = 70;

/** `[app, value]` pairs as a record keyed by app name. */
const byApp = (pairs: [string, string][]): Record<string, string> => Object.fromEntries(pairs);

/** A CPU quantity in whole millicores (at least 1m). */
const millicores = (cores: number): string => `${Math.max(1, Math.floor(cores * 1000))}m`;

/** A memory quantity in whole MiB (at least 1Mi). */
const mebibytes = (bytes: number): string => `${Math.max(1, Math.floor(bytes / 1024 ** 2))}Mi`;

/** What every provisioning job shares. */
interface Provisioning {
  readonly namespace: pulumi.Output<string>;
  readonly policies: k8s.networking.v1.NetworkPolicy[];
  readonly adminSecretName: pulumi.Output<string>;
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
