import type * as k8s from "@pulumi/kubernetes";
import { CLUSTER_DNS_EGRESS } from "../kubernetes-baseline";
import type { DatabaseConnection } from "./args";

/** A NetworkPolicy spec without its pod selector (every policy here selects all pods). */
export type PolicyRules = Omit<k8s.types.input.networking.v1.NetworkPolicySpec, "podSelector">;

/** Egress to the cluster DNS pods. */
export const dnsEgress: PolicyRules = { policyTypes: ["Egress"], egress: [CLUSTER_DNS_EGRESS] };

/** Egress to the PostgreSQL server on its port only. */
export function databaseEgress(database: DatabaseConnection): PolicyRules {
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
