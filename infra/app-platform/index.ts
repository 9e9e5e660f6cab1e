/**
 * The per-app hosting platform on the cluster, by concern: its arguments and their rules
 * (`args`), the NetworkPolicy rules its namespaces share (`network-policies`), the SQL that
 * provisions an app's role and database (`provisioning-script`) and the component (`component`).
 */
export * from "./args";
export { AppPlatform } from "./component";
export { provisioningScript } from "./provisioning-script";
