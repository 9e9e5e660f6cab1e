/**
 * What a stack is and reserves, whatever its file says.
 */
import { DB_PROVISIONING_NAMESPACE } from "../../infra/app-platform";
import { IN_CLUSTER_DATABASE_NAMESPACE } from "../../infra/in-cluster-database";
import { buildNamespaceOf, deployNamespaceOf } from "../../infra/cicd/jcasc";
import type { RawStack } from "./schema";

/** The Pulumi project name; config keys are `hiring-infra:<key>`. */
export const PROJECT = "hiring-infra";

/**
 * Stacks that are production by their name, whatever their file says: `prod` and `prod-<anything>`.
 * Their config must say `environment: production`, so the production rules (and the mandatory
 * policy level) follow the stack rather than a line anyone can edit.
 */
export const PRODUCTION_STACK_NAME = /^prod(?:-[a-z0-9-]+)?$/;

/** True when `stack` is production by its name ({@link PRODUCTION_STACK_NAME}). */
export function isProductionStack(stack: string): boolean {
  return PRODUCTION_STACK_NAME.test(stack);
}

/** The namespace Jenkins runs in, created by the stack when `cicd.enabled`. */
export const JENKINS_NAMESPACE = "jenkins";
/** The ingress controller's namespace the Jenkins ingress expects (the chart's default). */
const INGRESS_NAMESPACE = "ingress-nginx";

/** Namespaces the stack itself creates or relies on, which no app may take. */
export function stackNamespaces(config: Pick<RawStack, "platform">): string[] {
  return [
    JENKINS_NAMESPACE,
    buildNamespaceOf(JENKINS_NAMESPACE),
    deployNamespaceOf(JENKINS_NAMESPACE),
    DB_PROVISIONING_NAMESPACE,
    INGRESS_NAMESPACE,
    ...(config.platform === "local" ? [IN_CLUSTER_DATABASE_NAMESPACE] : []),
  ];
}

/** PostgreSQL administrator role names of the stack's server, which no app role may take. */
export function administratorRoles(config: RawStack): string[] {
  return config.platform === "azure"
    ? [
        config.database.administratorLogin,
        ...config.database.entraAdministrators.map((admin) => admin.principalName),
      ]
    : ["postgres"];
}
