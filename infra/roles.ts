import * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";
import { BuiltInRole as AzureBuiltInRole } from "./azure-identifiers";

/**
 * Built-in Azure role definition GUIDs this project assigns, each checked against Microsoft's
 * built-in roles reference (see {@link AzureBuiltInRole} for the sources).
 */
export const BuiltInRole = AzureBuiltInRole;

/** A built-in role's name, as used in {@link BuiltInRole}. */
export type BuiltInRoleName = keyof typeof BuiltInRole;

/** The principal a role is granted to. */
export interface RoleGrantee {
  /** Object id of the user, group or service principal (for a managed identity: its principalId). */
  readonly principalId: pulumi.Input<string>;
  /** Set explicitly so a just-created identity does not fail with `PrincipalNotFound`. */
  readonly principalType: "User" | "Group" | "ServicePrincipal";
}

/**
 * A custom role definition this program creates, when no built-in role fits (see
 * {@link grantRole}).
 */
export interface CustomRole {
  /** The role definition's GUID: the last segment of its resource id. */
  readonly guid: pulumi.Input<string>;
}

/** The full resource id of a built-in or custom role definition in `subscriptionId`. */
export function roleDefinitionId(
  subscriptionId: pulumi.Input<string>,
  role: BuiltInRoleName | CustomRole,
): pulumi.Output<string> {
  const guid = typeof role === "string" ? BuiltInRole[role] : role.guid;
  return pulumi.interpolate`/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
}

/** A role on a resource, as {@link grantRole} and {@link grantRoles} grant it. */
export interface RoleGrant {
  /** Resource id the role applies to (a resource or resource group, never a subscription). */
  readonly scope: pulumi.Input<string>;
  /** Role to grant: a built-in one, or a custom one this program defines. */
  readonly role: BuiltInRoleName | CustomRole;
  /** Subscription holding the role definition. */
  readonly subscriptionId: pulumi.Input<string>;
  /** Why the grant exists; kept as the assignment's description in Azure. */
  readonly description: string;
  /** An Azure ABAC condition (version 2.0) narrowing what the grant allows. */
  readonly condition?: string;
}

/**
 * An ABAC condition for a role that can assign roles (e.g. Role Based Access Control
 * Administrator): it may create or delete assignments of the `assignable` roles only, and create
 * them only for service principals and groups. Anything else, Owner or Contributor included,
 * stays with a person.
 */
export function assignableRolesCondition(assignable: readonly BuiltInRoleName[]): string {
  const guids = [...new Set(assignable.map((role) => BuiltInRole[role]))].sort().join(", ");
  return [
    "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR (",
    `@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${guids}}`,
    " AND @Request[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {'ServicePrincipal', 'Group'}",
    ")) AND ((!(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})) OR (",
    `@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${guids}}`,
    "))",
  ].join("");
}

/**
 * Grants `role` on `scope` to `grantee`. Every grant in this project goes through here, so the
 * principal type is always set and the scope is always a specific resource, never a subscription.
 */
export function grantRole(
  name: string,
  args: RoleGrant & {
    /** The principal the role is granted to. */
    readonly grantee: RoleGrantee;
  },
  opts: pulumi.CustomResourceOptions,
): authorization.RoleAssignment {
  return new authorization.RoleAssignment(
    name,
    {
      scope: args.scope,
      roleDefinitionId: roleDefinitionId(args.subscriptionId, args.role),
      principalId: args.grantee.principalId,
      principalType: args.grantee.principalType,
      description: args.description,
      ...(args.condition === undefined
        ? {}
        : { condition: args.condition, conditionVersion: "2.0" }),
    },
    opts,
  );
}

/**
 * Grants `role` on `scope` to each of `grantees` through {@link grantRole}, as children of
 * `parent`. The assignments are named `<prefix>-<index>` in the order of `grantees`, so adding
 * a grantee at the end leaves the existing assignments untouched.
 */
export function grantRoles(
  prefix: string,
  grantees: readonly RoleGrantee[],
  args: RoleGrant,
  parent: pulumi.Resource,
): authorization.RoleAssignment[] {
  return grantees.map((grantee, index) =>
    grantRole(`${prefix}-${index}`, { ...args, grantee }, { parent }),
  );
}
