import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import {
  CLUSTER_DNS_EGRESS,
  isDnsLabel,
  POD_SECURITY_ENFORCE_VERSION,
  RESTRICTED_NAMESPACE_LABELS,
  restrictedContainerSecurityContext,
} from "../../infra/kubernetes-baseline";
import { unsecret, type RecordedResource } from "../../tools/offline/recorder";
import type { StackRun } from "../../tools/offline/run-stack";
import { sharedRun } from "../../tools/offline/shared-runs";
import { readStackConfigFile } from "../../tools/offline/run-stack";

/** `metadata.labels` of a recorded resource. */
function labelsOf(resource: RecordedResource): Record<string, string> {
  const metadata = unsecret(resource.inputs.metadata) as { labels?: Record<string, string> };
  return metadata.labels ?? {};
}

/** Every container (and init container) of every pod template or Job the run registers. */
function containersOf(run: StackRun): { owner: string; securityContext: unknown }[] {
  return run.resources
    .filter(
      (r) => r.type === "kubernetes:apps/v1:StatefulSet" || r.type === "kubernetes:batch/v1:Job",
    )
    .flatMap((r) => {
      const spec = unsecret(r.inputs.spec) as {
        template: { spec: { containers: { securityContext?: unknown }[] } };
      };
      return spec.template.spec.containers.map((c) => ({
        owner: r.name,
        securityContext: c.securityContext,
      }));
    });
}

describe("one Kubernetes baseline", () => {
  let local: StackRun;
  let prod: StackRun;
  before(async () => {
    local = await sharedRun("local");
    prod = await sharedRun("prod");
  });

  it("spells the Pod Security Admission labels as the admission plugin reads them", () => {
    // Keys and values: kubernetes/kubernetes staging/src/k8s.io/pod-security-admission/api/
    // constants.go (labelPrefix "pod-security.kubernetes.io/", the six level/version labels,
    // LevelRestricted "restricted", VersionLatest "latest").
    assert.deepEqual(RESTRICTED_NAMESPACE_LABELS, {
      "pod-security.kubernetes.io/enforce": "restricted",
      "pod-security.kubernetes.io/enforce-version": "v1.34",
      "pod-security.kubernetes.io/warn": "restricted",
      "pod-security.kubernetes.io/warn-version": "latest",
      "pod-security.kubernetes.io/audit": "restricted",
      "pod-security.kubernetes.io/audit-version": "latest",
    });
    // pod-security-admission/api/helpers.go: versionRegexp `^v1\.([0-9]|[1-9][0-9]*)$`;
    // anything else falls back to latest, which would defeat the pin.
    assert.match(POD_SECURITY_ENFORCE_VERSION, /^v1\.([0-9]|[1-9][0-9]*)$/);
  });

  it("pins enforce to the minor version of the clusters the stacks create", () => {
    for (const stack of ["dev", "prod"]) {
      const raw = readStackConfigFile(stack)["hiring-infra:cluster"];
      const cluster = JSON.parse(String(raw)) as { kubernetesVersion: string };
      const [major, minor] = cluster.kubernetesVersion.split(".");
      assert.equal(POD_SECURITY_ENFORCE_VERSION, `v${major}.${minor}`, stack);
    }
  });

  it("puts every namespace of Jenkins, the app platform and the in-cluster database under the same labels", () => {
    for (const run of [local, prod]) {
      const namespaces = run.resources.filter((r) => r.type === "kubernetes:core/v1:Namespace");
      assert.ok(namespaces.length >= 5, `${run.stack}: ${namespaces.length} namespaces`);
      for (const namespace of namespaces) {
        const labels = labelsOf(namespace);
        const podSecurity = Object.fromEntries(
          Object.entries(labels).filter(([key]) => key.startsWith("pod-security.kubernetes.io/")),
        );
        assert.deepEqual(
          podSecurity,
          RESTRICTED_NAMESPACE_LABELS,
          `${run.stack} ${namespace.name}`,
        );
      }
    }
    const names = local.resources
      .filter((r) => r.type === "kubernetes:core/v1:Namespace")
      .map((r) => r.name);
    for (const owner of ["jenkins-", "apps-", "database-"]) {
      assert.ok(
        names.some((name) => name.includes(owner)),
        `no ${owner} namespace in ${names.join(", ")}`,
      );
    }
  });

  it("gives every container of the database and the provisioning jobs the restricted context", () => {
    const containers = containersOf(local);
    assert.ok(containers.length >= 2);
    for (const { owner, securityContext } of containers) {
      const context = securityContext as Record<string, unknown>;
      assert.equal(context.runAsNonRoot, true, owner);
      assert.equal(context.allowPrivilegeEscalation, false, owner);
      assert.deepEqual(context.capabilities, { drop: ["ALL"] }, owner);
      assert.deepEqual(context.seccompProfile, { type: "RuntimeDefault" }, owner);
    }
    assert.deepEqual(restrictedContainerSecurityContext(70), {
      runAsNonRoot: true,
      runAsUser: 70,
      runAsGroup: 70,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
  });

  it("lets pods reach only the CoreDNS pods for DNS, in every component", () => {
    // kubeadm (kind): kubernetes/kubernetes cmd/kubeadm/app/phases/addons/dns/manifests.go labels
    // the CoreDNS pods `k8s-app: kube-dns`; AKS restarts its CoreDNS pods with
    // `--selector k8s-app=kube-dns` (https://learn.microsoft.com/azure/aks/coredns-custom).
    assert.deepEqual(CLUSTER_DNS_EGRESS, {
      to: [
        {
          namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
          podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
        },
      ],
      ports: [
        { protocol: "UDP", port: 53 },
        { protocol: "TCP", port: 53 },
      ],
    });
    for (const run of [local, prod]) {
      const rules = run.resources
        .filter((r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy")
        .flatMap(
          (r) =>
            (unsecret(r.inputs.spec) as { egress?: { ports?: { port?: unknown }[] }[] }).egress ??
            [],
        )
        .filter((rule) => rule.ports?.some((port) => port.port === 53));
      assert.ok(rules.length >= 3, `${run.stack}: ${rules.length} DNS rules`);
      for (const rule of rules) {
        assert.deepEqual(rule, CLUSTER_DNS_EGRESS, run.stack);
      }
    }
  });

  it("accepts exactly the DNS labels Kubernetes accepts as namespace names", () => {
    // k8s.io/apimachinery IsDNS1123Label: `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters.
    for (const good of ["a", "jenkins", "db-provisioning", "a1", "x".repeat(63)]) {
      assert.equal(isDnsLabel(good), true, good);
    }
    for (const bad of ["", "-a", "a-", "A", "a_b", "a.b", "x".repeat(64)]) {
      assert.equal(isDnsLabel(bad), false, bad);
    }
  });
});
