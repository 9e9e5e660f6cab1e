import type * as k8s from "@pulumi/kubernetes";

/**
 * The basics every namespace and pod this program puts on a cluster share (Jenkins, the app
 * platform, the in-cluster database), written once so they cannot drift apart.
 */

/**
 * Pod Security Standards version `enforce` is pinned to: the minor version of the clusters the
 * stacks run (`cluster.kubernetesVersion: "1.34"` in Pulumi.dev.yaml and Pulumi.prod.yaml), so an
 * upgrade cannot start rejecting running workloads. The admission plugin accepts `latest` or
 * `v1.<minor>` (kubernetes/kubernetes staging/src/k8s.io/pod-security-admission/api/helpers.go,
 * `ParseVersion`); a value it cannot parse falls back to `latest`.
 */
export const POD_SECURITY_ENFORCE_VERSION = "v1.34";

/**
 * Pod Security Admission labels putting a namespace under the `restricted` standard: `enforce`
 * at the pinned version, `warn` and `audit` at `latest` to announce what the next version would
 * reject. Keys and values: kubernetes/kubernetes
 * staging/src/k8s.io/pod-security-admission/api/constants.go (`EnforceLevelLabel` …
 * `WarnVersionLabel`, `LevelRestricted`, `VersionLatest`).
 */
export const RESTRICTED_NAMESPACE_LABELS: Readonly<Record<string, string>> = {
  "pod-security.kubernetes.io/enforce": "restricted",
  "pod-security.kubernetes.io/enforce-version": POD_SECURITY_ENFORCE_VERSION,
  "pod-security.kubernetes.io/warn": "restricted",
  "pod-security.kubernetes.io/warn-version": "latest",
  "pod-security.kubernetes.io/audit": "restricted",
  "pod-security.kubernetes.io/audit-version": "latest",
};

/** Labels of every namespace this program creates: the restricted standard and ownership. */
export const PLATFORM_NAMESPACE_LABELS: Readonly<Record<string, string>> = {
  ...RESTRICTED_NAMESPACE_LABELS,
  "app.kubernetes.io/part-of": "hiring",
  "app.kubernetes.io/managed-by": "pulumi",
};

/** A container security context that meets the `restricted` standard. */
export interface RestrictedContainerSecurityContext {
  readonly runAsNonRoot: true;
  readonly runAsUser: number;
  readonly runAsGroup: number;
  readonly allowPrivilegeEscalation: false;
  readonly readOnlyRootFilesystem?: boolean;
  // A mutable tuple: the Kubernetes provider's input type takes `string[]`.
  readonly capabilities: { readonly drop: ["ALL"] };
  readonly seccompProfile: { readonly type: "RuntimeDefault" };
}

/**
 * The container security context the `restricted` standard asks for (non-root, no privilege
 * escalation, every capability dropped, the runtime's seccomp profile), run as `uid`.
 *
 * @param uid user and group id the image's process runs as.
 * @param readOnlyRootFilesystem set when the container can run with a read-only root.
 */
export function restrictedContainerSecurityContext(
  uid: number,
  readOnlyRootFilesystem?: boolean,
): RestrictedContainerSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    allowPrivilegeEscalation: false,
    ...(readOnlyRootFilesystem === undefined ? {} : { readOnlyRootFilesystem }),
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/**
 * Labels of the cluster DNS pods. kubeadm (which kind runs) deploys CoreDNS with
 * `k8s-app: kube-dns` in kube-system (kubernetes/kubernetes
 * cmd/kubeadm/app/phases/addons/dns/manifests.go, `CoreDNSDeployment`); AKS keeps the same
 * label on its CoreDNS pods, which its documentation restarts with
 * `kubectl delete pod --namespace kube-system --selector k8s-app=kube-dns`
 * (https://learn.microsoft.com/azure/aks/coredns-custom).
 */
export const CLUSTER_DNS_POD_LABELS: Readonly<Record<string, string>> = { "k8s-app": "kube-dns" };

/** Egress to the cluster DNS pods only (not the rest of kube-system), on port 53 UDP and TCP. */
export const CLUSTER_DNS_EGRESS: k8s.types.input.networking.v1.NetworkPolicyEgressRule = {
  to: [
    {
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
      podSelector: { matchLabels: { ...CLUSTER_DNS_POD_LABELS } },
    },
  ],
  ports: [
    { protocol: "UDP", port: 53 },
    { protocol: "TCP", port: 53 },
  ],
};

/**
 * An RFC 1123 DNS label, what Kubernetes requires of a namespace name: at most 63 lowercase
 * letters, digits or hyphens, starting and ending alphanumeric (kubernetes/kubernetes
 * staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go, `IsDNS1123Label`).
 */
const DNS_LABEL = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;

/** Whether `value` is a DNS label, as Kubernetes requires of namespace names. */
export function isDnsLabel(value: string): boolean {
  return DNS_LABEL.test(value);
}
