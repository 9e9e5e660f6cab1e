import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { CLUSTER_DNS_EGRESS } from "../kubernetes-baseline";
import type { JenkinsIngress } from "./args";
import {
  AGENT_LISTENER_PORT,
  AGENT_POD_LABELS,
  CONTROLLER_HTTP_PORT,
  CONTROLLER_POD_LABELS,
} from "./pins";

const DEFAULT_INGRESS_NAMESPACE = "ingress-nginx";

/** The three namespaces Jenkins uses. */
export interface JenkinsNamespaces {
  /** The controller's (and its Secrets'). */
  readonly controller: pulumi.Input<string>;
  /** The identity-less and preview agents'. */
  readonly build: pulumi.Input<string>;
  /** The deploy agents'. */
  readonly deploy: pulumi.Input<string>;
}

const tcp = (port: number) => ({ protocol: "TCP", port });
const inNamespace = (namespace: pulumi.Input<string>) => ({
  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } },
});

/**
 * Default-deny ingress in every Jenkins namespace; the controller accepts agents (HTTP and
 * JNLP) from the two agent namespaces and, with an ingress, the ingress controller; agents may
 * reach DNS, the controller and HTTPS.
 *
 * @param name the component's name; policies are `<name>-<part>`.
 * @param namespaces the three namespaces.
 * @param ingress the controller's exposure.
 * @param parent the component.
 */
export function createNetworkPolicies(
  name: string,
  namespaces: JenkinsNamespaces,
  ingress: JenkinsIngress,
  parent: pulumi.Resource,
): void {
  const agentPods = { podSelector: { matchLabels: { ...AGENT_POD_LABELS } } };
  const controllerPods = { podSelector: { matchLabels: { ...CONTROLLER_POD_LABELS } } };
  const parts = [
    ["", namespaces.controller],
    ["agents-", namespaces.build],
    ["deploy-", namespaces.deploy],
  ] as const;
  for (const [prefix, namespace] of parts) {
    new k8s.networking.v1.NetworkPolicy(
      `${name}-${prefix}default-deny-ingress`,
      {
        metadata: { name: "default-deny-ingress", namespace },
        spec: { podSelector: {}, policyTypes: ["Ingress"] },
      },
      { parent },
    );
  }
  new k8s.networking.v1.NetworkPolicy(
    `${name}-controller-ingress`,
    {
      metadata: { name: "jenkins-controller-ingress", namespace: namespaces.controller },
      spec: {
        podSelector: controllerPods.podSelector,
        policyTypes: ["Ingress"],
        ingress: [
          {
            from: [
              { ...inNamespace(namespaces.build), ...agentPods },
              { ...inNamespace(namespaces.deploy), ...agentPods },
            ],
            ports: [tcp(CONTROLLER_HTTP_PORT), tcp(AGENT_LISTENER_PORT)],
          },
          ...(ingress.enabled
            ? [
                {
                  from: [inNamespace(ingress.controllerNamespace ?? DEFAULT_INGRESS_NAMESPACE)],
                  ports: [tcp(CONTROLLER_HTTP_PORT)],
                },
              ]
            : []),
        ],
      },
    },
    { parent },
  );
  // HTTPS goes to any address: Azure Resource Manager, Entra ID, the AKS API server, Git and
  // npm sit behind changing IPs, and a plain NetworkPolicy cannot select by FQDN.
  for (const [prefix, namespace] of [
    ["", namespaces.build],
    ["deploy-", namespaces.deploy],
  ] as const) {
    new k8s.networking.v1.NetworkPolicy(
      `${name}-${prefix}agent-egress`,
      {
        metadata: { name: "jenkins-agent-egress", namespace },
        spec: {
          podSelector: agentPods.podSelector,
          policyTypes: ["Egress"],
          egress: [
            CLUSTER_DNS_EGRESS,
            {
              to: [{ ...inNamespace(namespaces.controller), ...controllerPods }],
              ports: [tcp(CONTROLLER_HTTP_PORT), tcp(AGENT_LISTENER_PORT)],
            },
            { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [tcp(443)] },
          ],
        },
      },
      { parent },
    );
  }
}
