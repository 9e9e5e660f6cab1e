import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  AppPlatform,
  type AppPlatformArgs,
  type AppSpec,
  DEFAULT_PROVISIONER_IMAGE,
  type DatabaseConnection,
  databaseNameOf,
  parseQuantity,
  provisioningScript,
} from "../../infra/app-platform";
import {
  assertRejectsBeforeRegistering,
  type ComponentRun,
  inputObject,
  ofType,
  recordComponent,
  single,
} from "../harness/component";
import { isSecretValue, type RecordedResource, unsecret } from "../../tools/offline/recorder";
import {
  installMocks,
  isSecretOutput,
  valueOf,
  waitForRegistrations,
} from "../../tools/offline/runtime";

const COMPONENT = "hiring:platform:AppPlatform";
const K8S_PROVIDER = "pulumi:providers:kubernetes";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const QUOTA = "kubernetes:core/v1:ResourceQuota";
const LIMIT_RANGE = "kubernetes:core/v1:LimitRange";
const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount";
const SECRET = "kubernetes:core/v1:Secret";
const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
const JOB = "kubernetes:batch/v1:Job";
const PASSWORD = "random:index/randomPassword:RandomPassword";

const ADMIN_USER = "hiringadmin";
const ADMIN_PASSWORD = "Mock-Admin-Passw0rd-7f3a9c";
const DATABASE_HOST = "psql-hire-test.postgres.database.azure.com";
const DATABASE_SUBNET = "10.20.8.0/28";
const PROVISIONING = "db-provisioning";

const APPS: readonly AppSpec[] = [
  { name: "web", cpu: "1", memory: "1Gi", database: false },
  { name: "api", cpu: "2", memory: "4Gi", database: true },
  { name: "interview-scheduler", cpu: "500m", memory: "512Mi", database: true },
];
const DATABASE_APPS = ["api", "interview-scheduler"];

function azureDatabase(overrides: Partial<DatabaseConnection> = {}): DatabaseConnection {
  return {
    host: DATABASE_HOST,
    port: 5432,
    adminUser: ADMIN_USER,
    adminPassword: pulumi.secret(ADMIN_PASSWORD),
    sslMode: "require",
    peer: { kind: "cidr", cidr: DATABASE_SUBNET },
    ...overrides,
  };
}

function platformArgs(overrides: Partial<AppPlatformArgs> = {}): AppPlatformArgs {
  return {
    apps: APPS,
    database: azureDatabase(),
    ingressNamespace: "ingress-nginx",
    ...overrides,
  };
}

/** Builds the platform with a real Kubernetes provider passed through `providers`. */
function buildPlatform(args: AppPlatformArgs): Promise<ComponentRun<AppPlatform>> {
  return recordComponent(() => {
    const provider = new k8s.Provider("k8s", { kubeconfig: "apiVersion: v1" });
    return new AppPlatform("platform", args, { providers: { kubernetes: provider } });
  });
}

/** A nested input, read through any secret wrapper. */
function field(resource: RecordedResource, ...path: string[]): unknown {
  let value: unknown = unsecret(resource.inputs);
  for (const key of path) {
    value = (value as Record<string, unknown> | undefined)?.[key];
  }
  return value;
}

const namespaceOf = (resource: RecordedResource): unknown =>
  field(resource, "metadata", "namespace");
const nameOf = (resource: RecordedResource): unknown => field(resource, "metadata", "name");

/** The one resource of `type` named `name` in `namespace`. */
function named(
  resources: readonly RecordedResource[],
  type: string,
  namespace: string,
  name: string,
): RecordedResource {
  const matches = ofType(resources, type).filter(
    (resource) => namespaceOf(resource) === namespace && nameOf(resource) === name,
  );
  assert.equal(matches.length, 1, `exactly one ${type} ${namespace}/${name}`);
  return matches[0] as RecordedResource;
}

function policiesIn(resources: readonly RecordedResource[], namespace: string): string[] {
  return ofType(resources, NETWORK_POLICY)
    .filter((policy) => namespaceOf(policy) === namespace)
    .map((policy) => String(nameOf(policy)))
    .sort();
}

/** The role password the mocks generated for `app`. */
function rolePasswordOf(resources: readonly RecordedResource[], app: string): string {
  const password = single(resources, PASSWORD, `-${app}-db-password`).outputs.result;
  assert.equal(typeof password, "string");
  return password as string;
}

describe("AppPlatform with web (no database), api and interview-scheduler (databases)", () => {
  let run: ComponentRun<AppPlatform>;
  let resources: readonly RecordedResource[];

  before(async () => {
    run = await buildPlatform(platformArgs());
    resources = run.resources;
  });

  it("registers as hiring:platform:AppPlatform with the Kubernetes provider in its providers", () => {
    const provider = single(resources, K8S_PROVIDER);
    const component = single(resources, COMPONENT);
    assert.equal(component.options.providers.kubernetes, `${provider.urn}::${provider.id}`);
  });

  it("creates every resource as a child, Kubernetes ones through the caller's provider", () => {
    const provider = single(resources, K8S_PROVIDER);
    const reference = `${provider.urn}::${provider.id}`;
    const component = single(resources, COMPONENT);
    const kubernetes = resources.filter((resource) => resource.type.startsWith("kubernetes:"));
    // 4 namespaces, 3 quotas, 3 limit ranges, 17 policies, 3 accounts, 5 secrets, 2 scripts, 2 jobs
    assert.equal(kubernetes.length, 39);
    for (const resource of kubernetes) {
      assert.equal(resource.options.provider, reference, resource.name);
    }
    for (const resource of resources.filter((r) => r !== component && r !== provider)) {
      assert.equal(resource.parent, component.urn, resource.name);
      assert.ok(resource.name.startsWith("platform-"), resource.name);
    }
  });

  it("gives each app its own namespace under the restricted Pod Security Standard", () => {
    const namespaces = ofType(resources, NAMESPACE);
    assert.deepEqual(
      namespaces.map(nameOf).sort(),
      [...APPS.map((app) => app.name), PROVISIONING].sort(),
    );
    for (const namespace of namespaces) {
      assert.deepEqual(field(namespace, "metadata", "labels"), {
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/enforce-version": "v1.34",
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/warn-version": "latest",
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/audit-version": "latest",
        "app.kubernetes.io/part-of": "hiring",
        "app.kubernetes.io/managed-by": "pulumi",
      });
    }
  });

  it("caps each namespace's requests and limits at the app's cpu and memory", () => {
    for (const app of APPS) {
      const quotas = ofType(resources, QUOTA).filter((quota) => namespaceOf(quota) === app.name);
      assert.equal(quotas.length, 1, app.name);
      assert.deepEqual(field(quotas[0] as RecordedResource, "spec", "hard"), {
        "requests.cpu": app.cpu,
        "limits.cpu": app.cpu,
        "requests.memory": app.memory,
        "limits.memory": app.memory,
        pods: "20",
        "services.loadbalancers": "0",
        "services.nodeports": "0",
      });
    }
    assert.equal(
      ofType(resources, QUOTA).filter((quota) => namespaceOf(quota) === PROVISIONING).length,
      0,
    );
  });

  it("defaults container limits to a quarter and requests to an eighth of the app's quota", () => {
    const expected: Record<string, unknown> = {
      web: {
        default: { cpu: "250m", memory: "256Mi" },
        defaultRequest: { cpu: "125m", memory: "128Mi" },
      },
      api: {
        default: { cpu: "500m", memory: "1024Mi" },
        defaultRequest: { cpu: "250m", memory: "512Mi" },
      },
      "interview-scheduler": {
        default: { cpu: "125m", memory: "128Mi" },
        defaultRequest: { cpu: "62m", memory: "64Mi" },
      },
    };
    for (const app of APPS) {
      const ranges = ofType(resources, LIMIT_RANGE).filter(
        (range) => namespaceOf(range) === app.name,
      );
      assert.equal(ranges.length, 1, app.name);
      assert.deepEqual(field(ranges[0] as RecordedResource, "spec", "limits"), [
        { type: "Container", ...(expected[app.name] as object) },
      ]);
    }
  });

  it("denies all ingress and egress by default in every namespace it creates", () => {
    for (const namespace of [...APPS.map((app) => app.name), PROVISIONING]) {
      const deny = named(resources, NETWORK_POLICY, namespace, "default-deny");
      assert.deepEqual(field(deny, "spec"), {
        podSelector: {},
        policyTypes: ["Ingress", "Egress"],
      });
    }
  });

  it("lets every namespace resolve names through kube-dns on port 53 over UDP and TCP", () => {
    for (const namespace of [...APPS.map((app) => app.name), PROVISIONING]) {
      const dns = named(resources, NETWORK_POLICY, namespace, "allow-dns");
      assert.deepEqual(field(dns, "spec"), {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [
          {
            to: [
              {
                namespaceSelector: {
                  matchLabels: { "kubernetes.io/metadata.name": "kube-system" },
                },
                podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
              },
            ],
            ports: [
              { protocol: "UDP", port: 53 },
              { protocol: "TCP", port: 53 },
            ],
          },
        ],
      });
    }
  });

  it("allows traffic within each app namespace, both ways", () => {
    for (const app of APPS) {
      const same = named(resources, NETWORK_POLICY, app.name, "allow-same-namespace");
      assert.deepEqual(field(same, "spec"), {
        podSelector: {},
        policyTypes: ["Ingress", "Egress"],
        ingress: [{ from: [{ podSelector: {} }] }],
        egress: [{ to: [{ podSelector: {} }] }],
      });
    }
  });

  it("admits the ingress controller's namespace into every app namespace", () => {
    for (const app of APPS) {
      const ingress = named(resources, NETWORK_POLICY, app.name, "allow-from-ingress");
      assert.deepEqual(field(ingress, "spec"), {
        podSelector: {},
        policyTypes: ["Ingress"],
        ingress: [
          {
            from: [
              {
                namespaceSelector: {
                  matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" },
                },
              },
            ],
          },
        ],
      });
    }
    assert.ok(!policiesIn(resources, PROVISIONING).includes("allow-from-ingress"));
  });

  it("opens egress to the database subnet on 5432 only for apps with a database and the jobs", () => {
    assert.deepEqual(policiesIn(resources, "web"), [
      "allow-dns",
      "allow-from-ingress",
      "allow-same-namespace",
      "default-deny",
    ]);
    for (const namespace of [...DATABASE_APPS, PROVISIONING]) {
      const database = named(resources, NETWORK_POLICY, namespace, "allow-database");
      assert.deepEqual(field(database, "spec"), {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [
          {
            to: [{ ipBlock: { cidr: DATABASE_SUBNET } }],
            ports: [{ protocol: "TCP", port: 5432 }],
          },
        ],
      });
    }
    assert.deepEqual(policiesIn(resources, PROVISIONING), [
      "allow-database",
      "allow-dns",
      "default-deny",
    ]);
  });

  it("gives each app a service account named after it that mounts no API token", () => {
    for (const app of APPS) {
      const account = named(resources, SERVICE_ACCOUNT, app.name, app.name);
      assert.equal(account.inputs.automountServiceAccountToken, false);
    }
  });

  it("creates a role password per database app and none for web", () => {
    assert.deepEqual(
      ofType(resources, PASSWORD)
        .map((password) => password.name)
        .sort(),
      ["platform-api-db-password", "platform-interview-scheduler-db-password"],
    );
    const api = rolePasswordOf(resources, "api");
    assert.notEqual(api, rolePasswordOf(resources, "interview-scheduler"));
    assert.notEqual(api, ADMIN_PASSWORD);
  });

  it("hands each database app its own role's credentials as a secret, never the admin's", () => {
    for (const app of DATABASE_APPS) {
      const secret = named(resources, SECRET, app, `${app}-database`);
      assert.ok(isSecretValue(secret.inputs.stringData), `${app} stringData is secret`);
      const data = field(secret, "stringData") as Record<string, string>;
      const role = databaseNameOf(app);
      const password = rolePasswordOf(resources, app);
      assert.notEqual(data.username, ADMIN_USER);
      assert.deepEqual(data, {
        host: DATABASE_HOST,
        port: "5432",
        database: role,
        username: role,
        password,
        sslmode: "require",
        url: `postgres://${role}:${password}@${DATABASE_HOST}:5432/${role}?sslmode=require`,
      });
      assert.ok(
        !JSON.stringify(data).includes(ADMIN_PASSWORD),
        `${app} secret has no admin password`,
      );
      assert.ok(!JSON.stringify(data).includes(ADMIN_USER), `${app} secret has no admin user`);
    }
    assert.equal(
      ofType(resources, SECRET).filter((secret) => namespaceOf(secret) === "web").length,
      0,
      "web has no database secret",
    );
  });

  it("names databases and roles after the app with underscores for hyphens", () => {
    const secret = named(resources, SECRET, "interview-scheduler", "interview-scheduler-database");
    assert.equal(field(secret, "stringData", "database"), "interview_scheduler");
    assert.equal(field(secret, "stringData", "username"), "interview_scheduler");
  });

  it("keeps the admin credentials in one secret Secret, in db-provisioning only", () => {
    const holders = ofType(resources, SECRET).filter((secret) =>
      JSON.stringify(unsecret(secret.inputs)).includes(ADMIN_PASSWORD),
    );
    assert.equal(holders.length, 1);
    const admin = holders[0] as RecordedResource;
    assert.equal(namespaceOf(admin), PROVISIONING);
    assert.ok(isSecretValue(admin.inputs.stringData));
    assert.deepEqual(field(admin, "stringData"), {
      username: ADMIN_USER,
      password: ADMIN_PASSWORD,
    });
  });

  it("runs one provisioning job per database app in db-provisioning, with a pinned image", () => {
    const jobs = ofType(resources, JOB);
    assert.deepEqual(jobs.map(nameOf).sort(), ["provision-api", "provision-interview-scheduler"]);
    for (const job of jobs) {
      assert.equal(namespaceOf(job), PROVISIONING);
      const [container, ...others] = field(job, "spec", "template", "spec", "containers") as Record<
        string,
        unknown
      >[];
      assert.equal(others.length, 0);
      const image = String(container?.image);
      assert.equal(image, DEFAULT_PROVISIONER_IMAGE);
      assert.match(image, /^postgres:\d+\.\d+-alpine\d+\.\d+$/, "exact version tag");
      assert.doesNotMatch(image, /latest/);
    }
  });

  it("runs the jobs under the restricted profile as the postgres user, with bounded resources", () => {
    for (const job of ofType(resources, JOB)) {
      const pod = inputObject(field(job, "spec", "template", "spec"), "pod spec");
      assert.equal(pod.restartPolicy, "Never");
      assert.equal(pod.automountServiceAccountToken, false);
      assert.deepEqual(pod.securityContext, {
        runAsNonRoot: true,
        runAsUser: 70,
        runAsGroup: 70,
        seccompProfile: { type: "RuntimeDefault" },
      });
      const container = (pod.containers as Record<string, unknown>[])[0] as Record<string, unknown>;
      assert.deepEqual(container.securityContext, {
        runAsNonRoot: true,
        runAsUser: 70,
        runAsGroup: 70,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ["ALL"] },
        seccompProfile: { type: "RuntimeDefault" },
      });
      assert.deepEqual(container.resources, {
        requests: { cpu: "50m", memory: "64Mi" },
        limits: { cpu: "250m", memory: "128Mi" },
      });
    }
  });

  it("awaits each job to completion, retries it, and never lets Kubernetes garbage-collect it", () => {
    for (const job of ofType(resources, JOB)) {
      const spec = inputObject(field(job, "spec"), "job spec");
      assert.equal(spec.backoffLimit, 4);
      assert.equal(spec.activeDeadlineSeconds, 480);
      assert.ok(!("ttlSecondsAfterFinished" in spec), "no TTL: Pulumi would recreate the job");
      const annotations = inputObject(field(job, "metadata", "annotations"), "annotations");
      assert.equal(annotations["pulumi.com/replaceUnready"], "true");
      assert.ok(!("pulumi.com/skipAwait" in annotations), "pulumi up waits for the job");
      assert.equal(job.options.deleteBeforeReplace, true);
      assert.deepEqual(job.options.replaceOnChanges, ["spec"]);
    }
  });

  it("starts the jobs only after db-provisioning's network allows exist", () => {
    const allows = ofType(resources, NETWORK_POLICY)
      .filter((policy) => namespaceOf(policy) === PROVISIONING && nameOf(policy) !== "default-deny")
      .map((policy) => policy.urn);
    for (const job of ofType(resources, JOB)) {
      for (const allow of allows) {
        assert.ok(job.options.dependsOn.includes(allow), `${job.name} waits for ${allow}`);
      }
    }
  });

  it("connects the jobs as admin through Secret references, never literal passwords", () => {
    for (const app of DATABASE_APPS) {
      const job = named(resources, JOB, PROVISIONING, `provision-${app}`);
      const container = (
        field(job, "spec", "template", "spec", "containers") as Record<string, unknown>[]
      )[0];
      const env = Object.fromEntries(
        (container?.env as { name: string; value?: unknown; valueFrom?: unknown }[]).map(
          (variable) => [variable.name, variable.value ?? variable.valueFrom],
        ),
      );
      assert.deepEqual(env, {
        PGHOST: DATABASE_HOST,
        PGPORT: "5432",
        PGDATABASE: "postgres",
        PGSSLMODE: "require",
        PGCONNECT_TIMEOUT: "10",
        PGAPPNAME: `provision-${app}`,
        PGUSER: { secretKeyRef: { name: "database-admin", key: "username" } },
        PGPASSWORD: { secretKeyRef: { name: "database-admin", key: "password" } },
        APP_ROLE_PASSWORD: { secretKeyRef: { name: `${app}-role`, key: "password" } },
      });
      const roleSecret = named(resources, SECRET, PROVISIONING, `${app}-role`);
      assert.ok(isSecretValue(roleSecret.inputs.stringData));
      assert.deepEqual(field(roleSecret, "stringData"), {
        password: rolePasswordOf(resources, app),
      });
    }
  });

  it("keeps every password out of the job specs and SQL scripts", () => {
    const passwords = [
      ADMIN_PASSWORD,
      ...DATABASE_APPS.map((app) => rolePasswordOf(resources, app)),
    ];
    const visible = [...ofType(resources, JOB), ...ofType(resources, CONFIG_MAP)];
    assert.equal(visible.length, 4);
    for (const resource of visible) {
      const text = JSON.stringify(unsecret(resource.inputs));
      for (const password of passwords) {
        assert.ok(!text.includes(password), `${resource.name} holds no password`);
      }
    }
  });

  it("mounts an idempotent script that creates the role, owns the database and shuts out PUBLIC", () => {
    const job = named(resources, JOB, PROVISIONING, "provision-interview-scheduler");
    const container = (
      field(job, "spec", "template", "spec", "containers") as Record<string, unknown>[]
    )[0];
    assert.deepEqual(container?.command, ["psql"]);
    assert.deepEqual(container.args, ["--no-psqlrc", "--file=/provision/provision.sql"]);
    const volumes = field(job, "spec", "template", "spec", "volumes") as {
      configMap: { name: string };
    }[];
    const configMapName = volumes[0]?.configMap.name;
    const configMap = named(resources, CONFIG_MAP, PROVISIONING, String(configMapName));
    assert.equal(configMap.inputs.immutable, true);
    const script = String(field(configMap, "data", "provision.sql"));
    assert.equal(script, provisioningScript("interview_scheduler"));
    assert.match(script, /^\\set ON_ERROR_STOP on$/m);
    assert.match(script, /^DO \$provision\$$/m);
    assert.match(
      script,
      /IF NOT EXISTS \(SELECT FROM pg_catalog\.pg_roles WHERE rolname = 'interview_scheduler'\)/,
    );
    assert.match(script, /CREATE ROLE "interview_scheduler" LOGIN;/);
    assert.match(script, /ALTER ROLE "interview_scheduler" WITH LOGIN PASSWORD :'role_password';/);
    assert.match(script, /^\\getenv role_password APP_ROLE_PASSWORD$/m);
    assert.match(
      script,
      /SELECT 'CREATE DATABASE "interview_scheduler"' WHERE NOT EXISTS \(SELECT FROM pg_catalog\.pg_database WHERE datname = 'interview_scheduler'\)\\gexec/,
    );
    assert.match(script, /ALTER DATABASE "interview_scheduler" OWNER TO "interview_scheduler";/);
    assert.match(
      script,
      /REVOKE CONNECT, TEMPORARY ON DATABASE "interview_scheduler" FROM PUBLIC;/,
    );
    assert.match(
      script,
      /GRANT CONNECT, TEMPORARY ON DATABASE "interview_scheduler" TO "interview_scheduler";/,
    );
    assert.doesNotMatch(script, /hiringadmin/);
  });

  it("creates each app's credentials Secret only after its job has run", () => {
    for (const app of DATABASE_APPS) {
      const job = named(resources, JOB, PROVISIONING, `provision-${app}`);
      const secret = named(resources, SECRET, app, `${app}-database`);
      assert.ok(secret.options.dependsOn.includes(job.urn));
    }
  });

  it("exposes the namespaces, service accounts and database secret names", async () => {
    const platform = run.component;
    assert.deepEqual(await valueOf(platform.namespaces), ["web", "api", "interview-scheduler"]);
    assert.deepEqual(await valueOf(platform.serviceAccountNames), {
      web: "web",
      api: "api",
      "interview-scheduler": "interview-scheduler",
    });
    assert.deepEqual(await valueOf(platform.databaseSecretNames), {
      api: "api-database",
      "interview-scheduler": "interview-scheduler-database",
    });
    assert.equal(await isSecretOutput(platform.databaseSecretNames), false);
  });
});

describe("AppPlatform variants", () => {
  it("opens egress to the in-cluster server's pods when the database runs in the cluster", async () => {
    const { resources } = await buildPlatform(
      platformArgs({
        database: azureDatabase({
          host: "postgres.database.svc.cluster.local",
          sslMode: "disable",
          peer: {
            kind: "pods",
            namespace: "database",
            podLabels: { "app.kubernetes.io/name": "postgres" },
          },
        }),
      }),
    );
    for (const namespace of [...DATABASE_APPS, PROVISIONING]) {
      const policy = named(resources, NETWORK_POLICY, namespace, "allow-database");
      assert.deepEqual(field(policy, "spec", "egress"), [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "database" } },
              podSelector: { matchLabels: { "app.kubernetes.io/name": "postgres" } },
            },
          ],
          ports: [{ protocol: "TCP", port: 5432 }],
        },
      ]);
    }
    const secret = named(resources, SECRET, "api", "api-database");
    assert.equal(field(secret, "stringData", "sslmode"), "disable");
    assert.match(
      String(field(secret, "stringData", "url")),
      /@postgres\.database\.svc\.cluster\.local:5432\/api\?sslmode=disable$/,
    );
  });

  it("admits no ingress controller when ingressNamespace is not given", async () => {
    const { resources } = await buildPlatform(platformArgs({ ingressNamespace: undefined }));
    const ingress = ofType(resources, NETWORK_POLICY).filter(
      (policy) => nameOf(policy) === "allow-from-ingress",
    );
    assert.deepEqual(ingress, []);
  });

  it("creates no provisioning namespace, secrets or jobs when no app needs a database", async () => {
    const { resources } = await buildPlatform({
      apps: [{ name: "web", cpu: "1", memory: "1Gi", database: false }],
    });
    assert.deepEqual(ofType(resources, NAMESPACE).map(nameOf), ["web"]);
    assert.deepEqual(ofType(resources, SECRET), []);
    assert.deepEqual(ofType(resources, JOB), []);
    assert.deepEqual(ofType(resources, PASSWORD), []);
  });

  it("uses the provisioner image it is given", async () => {
    const image = "myregistry.azurecr.io/library/postgres:16.10-alpine3.22";
    const { resources } = await buildPlatform(platformArgs({ provisionerImage: image }));
    for (const job of ofType(resources, JOB)) {
      const containers = field(job, "spec", "template", "spec", "containers") as {
        image: string;
      }[];
      assert.equal(containers[0]?.image, image);
    }
  });
});

describe("AppPlatform validation", () => {
  const app = (overrides: Partial<AppSpec>): AppSpec => ({
    name: "api",
    cpu: "1",
    memory: "1Gi",
    database: false,
    ...overrides,
  });
  const rejects = (args: AppPlatformArgs, message: RegExp): Promise<void> =>
    assertRejectsBeforeRegistering(() => new AppPlatform("platform", args), message);

  it("rejects an app name that is not a DNS label", () =>
    rejects(
      { apps: [app({ name: "Api_Service" })] },
      /AppPlatform "platform": apps\[0\]\.name: expected a DNS label.*got "Api_Service"/,
    ));

  it("rejects a reserved namespace as an app name", () =>
    rejects(
      { apps: [app({ name: "kube-system" })] },
      /apps\[0\]\.name: expected a name other than "kube-system", a namespace the cluster or the stack already creates/,
    ));

  it("rejects the same app twice", () =>
    rejects(
      { apps: [app({}), app({ cpu: "2" })] },
      /apps\[1\]\.name: expected unique app names; "api" appears twice/,
    ));

  it("rejects a cpu that is not a Kubernetes quantity", () =>
    rejects(
      { apps: [app({ cpu: "two cores" })] },
      /apps\[0\]\.cpu: expected a Kubernetes quantity .*got "two cores"/,
    ));

  it("rejects a memory that is not a Kubernetes quantity", () =>
    rejects(
      { apps: [app({ memory: "1GB" })] },
      /apps\[0\]\.memory: expected a Kubernetes quantity .*got "1GB"/,
    ));

  it("rejects a quota too small for the per-container defaults", () =>
    rejects({ apps: [app({ cpu: "50m" })] }, /apps\[0\]\.cpu: expected at least 100m, got "50m"/));

  it("rejects apps needing a database when no database is given", () =>
    rejects(
      { apps: [app({ database: true }), app({ name: "web" })] },
      /database: expected a database connection: apps api need a database/,
    ));

  it("rejects a database app whose name would be a reserved role", () =>
    rejects(
      { apps: [app({ name: "postgres", database: true })], database: azureDatabase() },
      /apps\[0\]\.name: expected a database and role name PostgreSQL or Azure does not reserve, got "postgres"/,
    ));

  it("rejects a database app whose role would be the admin login", () =>
    rejects(
      {
        apps: [app({ name: "hiringadmin", database: true })],
        database: azureDatabase(),
        administratorRoles: [ADMIN_USER],
      },
      /apps\[0\]\.name: expected a database and role name other than the administrator role "hiringadmin"/,
    ));

  it("rejects a database peer that is not a CIDR block", () =>
    rejects(
      {
        apps: [app({ database: true })],
        database: azureDatabase({ peer: { kind: "cidr", cidr: "10.20.8.1/28" } }),
      },
      /database\.peer\.cidr: expected an IPv4 CIDR block, got "10\.20\.8\.1\/28"/,
    ));

  it("rejects a pods peer without labels", () =>
    rejects(
      {
        apps: [app({ database: true })],
        database: azureDatabase({ peer: { kind: "pods", namespace: "database", podLabels: {} } }),
      },
      /database\.peer\.podLabels: expected at least one label/,
    ));

  it("rejects a provisioner image on latest, a floating tag or no tag", async () => {
    for (const image of ["postgres:latest", "postgres", "postgres:17-alpine"]) {
      await rejects(
        { apps: [app({ database: true })], database: azureDatabase(), provisionerImage: image },
        /provisionerImage: expected an image pinned by an exact version tag .*got "postgres(:latest|:17-alpine)?"/,
      );
    }
  });

  it("rejects construction without a Kubernetes provider instead of using an ambient kubeconfig", async () => {
    const recorder = await installMocks("test");
    assert.throws(
      () => new AppPlatform("platform", { apps: [app({})] }),
      /AppPlatform "platform": opts\.providers must include the Kubernetes provider/,
    );
    await waitForRegistrations();
    assert.equal(recorder.resources.length, 0);
  });
});

describe("AppPlatform helpers", () => {
  it("reads Kubernetes quantities in decimal, binary and exponent forms", () => {
    assert.equal(parseQuantity("500m"), 0.5);
    assert.equal(parseQuantity("2"), 2);
    assert.equal(parseQuantity("1.5Gi"), 1.5 * 1024 ** 3);
    assert.equal(parseQuantity("1e3"), 1000);
    assert.equal(parseQuantity("128M"), 128e6);
    assert.equal(parseQuantity("1GB"), undefined);
    assert.equal(parseQuantity(""), undefined);
  });

  it("turns app names into database names", () => {
    assert.equal(databaseNameOf("interview-scheduler"), "interview_scheduler");
    assert.equal(databaseNameOf("api"), "api");
  });
});
