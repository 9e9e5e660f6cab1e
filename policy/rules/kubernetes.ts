/**
 * Rules for what runs on the cluster: pinned images, resources, security contexts.
 */
import {
  type HiringPolicy,
  NAMESPACE,
  type Props,
  at,
  items,
  resourceRule,
  show,
  text,
} from "./kit";

/** Where each workload type keeps its pod spec. */
const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  "kubernetes:core/v1:Pod": ["spec"],
  "kubernetes:apps/v1:Deployment": ["spec", "template", "spec"],
  "kubernetes:apps/v1:StatefulSet": ["spec", "template", "spec"],
  "kubernetes:apps/v1:DaemonSet": ["spec", "template", "spec"],
  "kubernetes:apps/v1:ReplicaSet": ["spec", "template", "spec"],
  "kubernetes:batch/v1:Job": ["spec", "template", "spec"],
  "kubernetes:batch/v1:CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
};

/** The workload types the Kubernetes rules check. */
export const WORKLOAD_TYPES: readonly string[] = Object.keys(POD_SPEC_PATHS);

interface Container {
  readonly label: string;
  readonly spec: unknown;
}

function podSpecOf(type: string, props: Props): unknown {
  const path = POD_SPEC_PATHS[type];
  return path === undefined ? undefined : at(props, ...path);
}

function containersOf(podSpec: unknown): Container[] {
  const list = (field: string, kind: string): Container[] =>
    items(at(podSpec, field)).map((spec, index) => ({
      label: `${kind} ${text(at(spec, "name")) ?? String(index)}`,
      spec,
    }));
  return [...list("initContainers", "init container"), ...list("containers", "container")];
}

/** Why an image reference is not pinned, or undefined when it is. */
function unpinnedImage(image: string): string | undefined {
  if (image.includes("@sha256:")) {
    return undefined;
  }
  const lastSegment = image.slice(image.lastIndexOf("/") + 1);
  const colon = lastSegment.lastIndexOf(":");
  if (colon < 0) {
    return "has no tag, so it means :latest";
  }
  return lastSegment.slice(colon + 1) === "latest" ? "uses the :latest tag" : undefined;
}

const RESOURCE_FIELDS = ["requests.cpu", "requests.memory", "limits.cpu", "limits.memory"];

const HELM_TYPES = ["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart"];

export const kubernetesRules: HiringPolicy[] = [
  resourceRule({
    name: "k8s-image-pinned",
    description:
      "Workload containers use a pinned image: an explicit tag other than latest, or a digest, so a rollout deploys exactly what was reviewed.",
    remediation: 'reference images as "<registry>/<name>:<version>" or "<name>@sha256:<digest>".',
    appliesTo: WORKLOAD_TYPES,
    check: (props, report, args) => {
      for (const container of containersOf(podSpecOf(args.type, props))) {
        const image = text(at(container.spec, "image"));
        const problem = image === undefined ? undefined : unpinnedImage(image);
        if (image !== undefined && problem !== undefined) {
          report(`${container.label}: image ${image} ${problem}.`);
        }
      }
    },
  }),
  resourceRule({
    name: "k8s-resources-set",
    description:
      "Workload containers declare CPU and memory requests and limits, so the scheduler places them correctly and one pod cannot exhaust a node or the namespace quota.",
    remediation:
      "set resources.requests.{cpu,memory} and resources.limits.{cpu,memory} on every container and init container.",
    appliesTo: WORKLOAD_TYPES,
    check: (props, report, args) => {
      for (const container of containersOf(podSpecOf(args.type, props))) {
        const missing = RESOURCE_FIELDS.filter(
          (field) => at(container.spec, "resources", ...field.split(".")) === undefined,
        );
        if (missing.length > 0) {
          report(`${container.label}: no resources.${missing.join(", resources.")}.`);
        }
      }
    },
  }),
  resourceRule({
    name: "k8s-non-root-no-privilege-escalation",
    description:
      "Workload containers run as non-root without privilege escalation, as the restricted Pod Security Standard requires.",
    remediation:
      "set securityContext.runAsNonRoot: true (pod or container) and, per container, allowPrivilegeEscalation: false and no privileged: true.",
    appliesTo: WORKLOAD_TYPES,
    check: (props, report, args) => {
      const podSpec = podSpecOf(args.type, props);
      const podNonRoot = at(podSpec, "securityContext", "runAsNonRoot");
      for (const container of containersOf(podSpec)) {
        const context = at(container.spec, "securityContext");
        const nonRoot = at(context, "runAsNonRoot") ?? podNonRoot;
        if (nonRoot !== true) {
          report(`${container.label}: runAsNonRoot is ${show(nonRoot)}.`);
        }
        if (at(context, "allowPrivilegeEscalation") !== false) {
          report(
            `${container.label}: allowPrivilegeEscalation is ${show(at(context, "allowPrivilegeEscalation"))}.`,
          );
        }
        if (at(context, "privileged") === true) {
          report(`${container.label}: runs privileged.`);
        }
      }
    },
  }),
  resourceRule({
    name: "k8s-app-namespace-restricted",
    description:
      "Application namespaces (label app.kubernetes.io/part-of: hiring) enforce the restricted Pod Security Standard, so the API server rejects pods that break it.",
    remediation:
      'label the namespace pod-security.kubernetes.io/enforce: "restricted" (and warn/audit likewise).',
    appliesTo: [NAMESPACE],
    check: (props, report) => {
      const labels = at(props, "metadata", "labels");
      if (at(labels, "app.kubernetes.io/part-of") !== "hiring") {
        return;
      }
      const enforce = at(labels, "pod-security.kubernetes.io/enforce");
      if (enforce !== "restricted") {
        report(
          `App namespace enforces pod security level ${show(enforce)} (label pod-security.kubernetes.io/enforce).`,
        );
      }
    },
  }),
  resourceRule({
    name: "helm-chart-version-pinned",
    description:
      "Helm charts are pinned to an exact version, so a preview shows the chart that will be deployed. Chart values are not checked: a Release renders them in the cluster, out of the policy engine's sight.",
    remediation: 'set version to an exact chart version such as "5.8.110" (no ranges, not empty).',
    appliesTo: HELM_TYPES,
    check: (props, report) => {
      const version = text(props.version);
      if (version === undefined || !/^v?\d+\.\d+\.\d+([-+][0-9A-Za-z.+-]+)?$/.test(version)) {
        report(`Chart ${show(props.chart)} version is ${show(props.version)}.`);
      }
    },
  }),
];
