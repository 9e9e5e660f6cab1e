import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as k8s from "@pulumi/kubernetes";
import { GENERATED_PASSWORD_ARGS } from "../../infra/generated-password";
import { InClusterDatabase, POSTGRES_IMAGES } from "../../infra/in-cluster-database";
import { assertRejectsBeforeRegistering, recordComponent, single } from "../harness/component";
import { isSecretValue, unsecret, type RecordedResource } from "../../tools/offline/recorder";
import { isSecretOutput, valueOf } from "../../tools/offline/runtime";

type Container = {
  image: string;
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  readinessProbe?: unknown;
  livenessProbe?: unknown;
  securityContext: { allowPrivilegeEscalation: boolean; capabilities: { drop: string[] } };
  env: { name: string; value?: string; valueFrom?: unknown }[];
};

describe("InClusterDatabase", () => {
  let resources: readonly RecordedResource[];
  let database: InClusterDatabase;
  let providerUrn: string;
  before(async () => {
    ({ resources, component: database } = await recordComponent(() => {
      const provider = new k8s.Provider("k8s", { kubeconfig: "apiVersion: v1" });
      return new InClusterDatabase(
        "postgres",
        {
          version: "16",
          storageSize: "5Gi",
          clientNamespaces: ["applicant-api", "db-provisioning"],
        },
        { providers: { kubernetes: provider } },
      );
    }));
    providerUrn = single(resources, "pulumi:providers:kubernetes").urn;
  });

  const statefulSet = (): RecordedResource => single(resources, "kubernetes:apps/v1:StatefulSet");
  const container = (): Container =>
    (statefulSet().inputs as { spec: { template: { spec: { containers: Container[] } } } }).spec
      .template.spec.containers[0] as Container;

  it("runs the official image pinned by an exact tag", () => {
    assert.equal(container().image, POSTGRES_IMAGES["16"]);
    assert.match(container().image, /^postgres:\d+\.\d+-alpine[\d.]+$/);
  });

  it("sets resource requests and limits, and readiness and liveness probes", () => {
    assert.deepEqual(container().resources, {
      requests: { cpu: "250m", memory: "512Mi" },
      limits: { cpu: "1", memory: "1Gi" },
    });
    assert.ok(container().readinessProbe);
    assert.ok(container().livenessProbe);
  });

  it("runs as the non-root postgres user without privilege escalation", () => {
    const spec = (statefulSet().inputs as { spec: { template: { spec: Record<string, unknown> } } })
      .spec.template.spec;
    assert.deepEqual(spec.securityContext, {
      runAsNonRoot: true,
      runAsUser: 70,
      runAsGroup: 70,
      fsGroup: 70,
      seccompProfile: { type: "RuntimeDefault" },
    });
    assert.equal(container().securityContext.allowPrivilegeEscalation, false);
    assert.deepEqual(container().securityContext.capabilities.drop, ["ALL"]);
  });

  it("keeps its data on a persistent volume claim of the configured size", () => {
    const claims = (statefulSet().inputs as { spec: { volumeClaimTemplates: unknown[] } }).spec
      .volumeClaimTemplates;
    assert.deepEqual(claims, [
      {
        metadata: {
          name: "data",
          labels: { "app.kubernetes.io/name": "postgresql", "app.kubernetes.io/part-of": "hiring" },
        },
        spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "5Gi" } } },
      },
    ]);
  });

  it("reads the generated password from a Secret, which holds it as a secret", async () => {
    const env = container().env.find((variable) => variable.name === "POSTGRES_PASSWORD");
    assert.deepEqual(env?.valueFrom, {
      secretKeyRef: { name: "postgresql-admin", key: "password" },
    });
    const secret = single(resources, "kubernetes:core/v1:Secret");
    assert.ok(isSecretValue(secret.inputs.stringData));
    const password = (unsecret(secret.inputs.stringData) as { password: string }).password;
    assert.equal(password.length, 32);
    assert.equal(await isSecretOutput(database.adminPassword), true);
  });

  it("admits only the client namespaces, on 5432", () => {
    const policy = single(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy");
    const spec = policy.inputs.spec as {
      ingress: { from: unknown[]; ports: unknown[] }[];
      policyTypes: string[];
    };
    assert.deepEqual(spec.policyTypes, ["Ingress", "Egress"]);
    const [rule] = spec.ingress;
    assert.ok(rule);
    assert.deepEqual(rule.ports, [{ protocol: "TCP", port: 5432 }]);
    assert.equal(rule.from.length, 2);
  });

  it("labels its namespace for the restricted pod security standard, enforced at the pinned version", () => {
    const namespace = single(resources, "kubernetes:core/v1:Namespace");
    const labels = (namespace.inputs.metadata as { labels: Record<string, string> }).labels;
    assert.equal(labels["pod-security.kubernetes.io/enforce"], "restricted");
    assert.equal(labels["pod-security.kubernetes.io/enforce-version"], "v1.34");
    assert.equal(labels["pod-security.kubernetes.io/warn"], "restricted");
    assert.equal(labels["pod-security.kubernetes.io/audit"], "restricted");
  });

  it("exposes the in-cluster service address and uses the given provider for everything", async () => {
    assert.equal(await valueOf(database.host), "postgresql.database.svc.cluster.local");
    assert.equal(database.port, 5432);
    for (const resource of resources.filter((r) => r.type.startsWith("kubernetes:"))) {
      assert.ok(resource.options.provider?.startsWith(providerUrn), resource.name);
    }
  });

  it("rejects a malformed storage size before registering anything", async () => {
    await assertRejectsBeforeRegistering(
      () =>
        new InClusterDatabase("postgres", {
          version: "16",
          storageSize: "5 GB",
          clientNamespaces: [],
        }),
      /InClusterDatabase "postgres": storageSize: expected a quantity like 5Gi, got "5 GB"/,
    );
  });

  it("lists every bad argument in one error, before registering anything", async () => {
    await assertRejectsBeforeRegistering(
      () =>
        new InClusterDatabase("postgres", {
          namespace: "Database",
          version: "16",
          storageSize: "5 GB",
          clientNamespaces: ["apps", "-bad"],
        }),
      /namespace: expected a DNS label.*; storageSize: expected a quantity.*; clientNamespaces\[1\]: expected a DNS label, got "-bad"/,
    );
  });

  it("refuses to fall back to the ambient kubeconfig when no Kubernetes provider is given", async () => {
    await assertRejectsBeforeRegistering(
      () =>
        new InClusterDatabase("postgres", {
          version: "16",
          storageSize: "5Gi",
          clientNamespaces: [],
        }),
      /InClusterDatabase "postgres": opts.providers must include the Kubernetes provider/,
    );
  });

  it("draws its admin password with the shared generator (URI-safe specials, minimums of each class)", () => {
    const password = single(resources, "random:index/randomPassword:RandomPassword");
    // The generator's own values are pinned by tests/infra/generated-password.test.ts.
    assert.deepEqual(password.inputs, GENERATED_PASSWORD_ARGS);
  });

  it("never replaces an existing password over changed character rules (the server keeps its first one)", () => {
    const password = single(resources, "random:index/randomPassword:RandomPassword");
    const ruleInputs = Object.keys(GENERATED_PASSWORD_ARGS).filter((key) => key !== "length");
    assert.deepEqual([...password.options.ignoreChanges].sort(), ruleInputs.sort());
  });
});
