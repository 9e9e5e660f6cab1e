/**
 * Rules that apply across types: tags, role assignments, protection of stateful resources.
 */
import { BuiltInRole } from "../../infra/azure-identifiers";
import { STATEFUL_TYPES, TAGGABLE_TYPES } from "../../core/resource-types";
import {
  type HiringPolicy,
  ROLE_ASSIGNMENT,
  WORKSPACE,
  at,
  resourceRule,
  show,
  stackRule,
  text,
} from "./kit";

/** The tags cost reports and ownership lookups rely on (`infra/tags.ts` sets them all). */
export const DEFAULT_REQUIRED_TAGS: readonly string[] = [
  "project",
  "stack",
  "owner",
  "cost-center",
  "managed-by",
];

/**
 * Built-in roles that can change or hand out everything in their scope, by definition GUID
 * (the same in every tenant).
 */
export const PRIVILEGED_ROLES: Readonly<Record<string, string>> = {
  [BuiltInRole.owner]: "Owner",
  [BuiltInRole.contributor]: "Contributor",
  [BuiltInRole.userAccessAdministrator]: "User Access Administrator",
  [BuiltInRole.roleBasedAccessControlAdministrator]: "Role Based Access Control Administrator",
};

/** A subscription, a management group or the tenant root: wider than this stack's resources. */
function isBroadScope(scope: string): boolean {
  const normalized = scope.replace(/\/+$/, "").toLowerCase();
  return (
    normalized === "" ||
    /^\/subscriptions\/[^/]+$/.test(normalized) ||
    /^\/providers\/microsoft\.management\/managementgroups\/[^/]+$/.test(normalized)
  );
}

export const crossCuttingRules: HiringPolicy[] = [
  resourceRule({
    name: "log-analytics-no-daily-cap",
    description:
      "Log Analytics workspaces have no daily ingestion cap, so logs keep flowing during the incident that produces the most of them.",
    remediation:
      "leave workspaceCapping unset (hiring-infra:observability.dailyQuotaGb: -1); control cost with retention and collection settings instead.",
    appliesTo: [WORKSPACE],
    check: (props, report) => {
      const quota = at(props, "workspaceCapping", "dailyQuotaGb");
      if (quota !== undefined && quota !== -1) {
        report(`Ingestion stops each day after ${show(quota)} GB (workspaceCapping.dailyQuotaGb).`);
      }
    },
  }),
  resourceRule({
    name: "required-tags",
    description:
      "Taggable Azure resources carry the project, stack, owner, cost-center and managed-by tags (configurable: requiredTags), which cost reports and ownership lookups rely on.",
    remediation: "pass tags: args.scope.tags (infra/tags.ts standardTags) to the resource.",
    appliesTo: [...TAGGABLE_TYPES],
    configSchema: {
      properties: {
        requiredTags: {
          type: "array",
          items: { type: "string", minLength: 1 },
          default: [...DEFAULT_REQUIRED_TAGS],
          description: "Tag names every taggable Azure resource must carry with a non-empty value.",
        },
      },
    },
    check: (props, report, args) => {
      const configured = args.getConfig<{ requiredTags?: unknown }>().requiredTags;
      const required = Array.isArray(configured)
        ? configured.filter((tag): tag is string => typeof tag === "string")
        : DEFAULT_REQUIRED_TAGS;
      const missing = required.filter((tag) => (text(at(props, "tags", tag)) ?? "").trim() === "");
      if (missing.length > 0) {
        report(`Missing tag(s): ${missing.join(", ")}.`);
      }
    },
  }),
  stackRule({
    name: "stateful-resources-protected",
    description:
      "Stateful resources (cluster, database server and databases, Key Vault, registry, Log Analytics workspace, storage, StatefulSets and volume claims) are protected, so no update or destroy can delete them without an explicit unprotect.",
    remediation:
      "pass protect: args.scope.protect in the resource options (hiring-infra:protect: true in the stack config).",
    appliesTo: [...STATEFUL_TYPES],
    check: (resources, report) => {
      for (const resource of resources) {
        if (STATEFUL_TYPES.has(resource.type) && !resource.opts.protect) {
          report(
            "This stateful resource is not protected (protect is unset): a replace or destroy would delete its data.",
            resource.urn,
          );
        }
      }
    },
  }),
  resourceRule({
    name: "no-privileged-role-at-subscription-scope",
    description:
      "No Owner, Contributor, User Access Administrator or RBAC Administrator role is assigned at subscription, management-group or root scope: grants are scoped to the resource that needs them.",
    remediation:
      "grant the narrowest built-in role on the specific resource or resource group with grantRole (infra/roles.ts).",
    appliesTo: [ROLE_ASSIGNMENT],
    check: (props, report) => {
      const roleId = text(props.roleDefinitionId)?.split("/").pop()?.toLowerCase() ?? "";
      const role = PRIVILEGED_ROLES[roleId];
      const scope = text(props.scope);
      if (role !== undefined && scope !== undefined && isBroadScope(scope)) {
        report(`${role} is assigned at scope ${scope === "" ? "/" : scope}.`);
      }
    },
  }),
];
