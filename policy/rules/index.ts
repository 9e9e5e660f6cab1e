/**
 * The pack's rules, by area (one file each), in the order reports list them.
 */
import type { HiringPolicy } from "./kit";

export {
  DEFAULT_ENFORCEMENT_LEVEL,
  type HiringPolicy,
  type HiringResourcePolicy,
  type HiringStackPolicy,
  isStackPolicy,
  POLICY_PACK_NAME,
} from "./kit";
export { WORKLOAD_TYPES } from "./kubernetes";
export { DEFAULT_REQUIRED_TAGS, PRIVILEGED_ROLES } from "./cross-cutting";
import { aksRules } from "./aks";
import { postgresRules } from "./postgres";
import { vaultAndRegistryRules } from "./vault-registry";
import { kubernetesRules } from "./kubernetes";
import { crossCuttingRules } from "./cross-cutting";

/** Every rule of the pack, in the order reports list them. */
export const policies: readonly HiringPolicy[] = [
  ...aksRules,
  ...postgresRules,
  ...vaultAndRegistryRules,
  ...kubernetesRules,
  ...crossCuttingRules,
];
