import { PolicyPack } from "@pulumi/policy";
import { DEFAULT_ENFORCEMENT_LEVEL, POLICY_PACK_NAME, policies } from "./rules";

// The pack's entry point, run by the Pulumi CLI for `--policy-pack policy`. Constructing a
// PolicyPack starts the analyzer's gRPC server (one per process), so nothing else may import this
// module: tests and the offline plan import the rules from ./rules.
new PolicyPack(POLICY_PACK_NAME, {
  description:
    "Security and reliability baseline for hiring-infra: AKS, PostgreSQL, Key Vault, ACR, Kubernetes workloads, tags, protection and role scope.",
  enforcementLevel: DEFAULT_ENFORCEMENT_LEVEL,
  policies: [...policies],
});
