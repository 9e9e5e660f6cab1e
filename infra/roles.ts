import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";

/** Built-in Azure role definition GUIDs this project assigns (stable across tenants). */
export const BuiltInRole = {
  /** Read everything, change nothing. */
  reader: "acdd72a7-3c48-4d53-9a43-8af35c1ecc6e",
  /** Manage everything except access. */
  contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
  /** Assign roles, limited by conditions. */
  roleBasedAccessControlAdministrator: "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
  /** Join and manage subnets (AKS control plane on a bring-your-own subnet). */
  networkContributor: "4d97b98b-1d4f-4787-a291-c67834d212e7",
  /** Read secret contents. */
  keyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
  /** Manage secrets. */
  keyVaultSecretsOfficer: "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
  /** Encrypt/decrypt with keys (Pulumi's azurekeyvault secrets provider). */
  keyVaultCryptoUser: "12338af0-0e69-4776-bea7-57ae8d297424",
  /** Pull images. */
  acrPull: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
  /** Push and pull images. */
  acrPush: "8311e382-0749-4cb8-b61a-304f252e45ec",
  /** Full access to Kubernetes resources through Azure RBAC. */
  aksRbacClusterAdmin: "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
  /** Read-only access to Kubernetes resources through Azure RBAC (no secrets). */
  aksRbacReader: "7f6c6a51-bcf8-42ba-9220-52d62157d7db",
  /** List the cluster user kubeconfig. */
  aksClusterUser: "4abbcc35-e782-43d8-92c5-2d3c1bd6b5ed",
  /** Read and write blobs (Pulumi state). */
  storageBlobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
  /** Read blobs (Pulumi state, preview only). */
  storageBlobDataReader: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
} as const;

/** A built-in role's name, as used in {@link BuiltInRole}. */
export type BuiltInRoleName = keyof typeof BuiltInRole;

/** The principal a role is granted to. */
export interface RoleGrantee {
  /** Object id of the user, group or service principal (for a managed identity: its principalId). */
  readonly principalId: pulumi.Input<string>;
  /** Set explicitly so a just-created identity does not fail with `PrincipalNotFound`. */
  readonly principalType: "User" | "Group" | "ServicePrincipal";
}

/** The full resource id of a built-in role definition in `subscriptionId`. */
export function roleDefinitionId(
  subscriptionId: pulumi.Input<string>,
  role: BuiltInRoleName,
): pulumi.Output<string> {
  return pulumi.interpolate`/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${BuiltInRole[role]}`;
}

/** A built-in role on a resource, as {@link grantRole} and {@link grantRoles} grant it. */
export interface RoleGrant {
  /** Resource id the role applies to (a resource or resource group, never a subscription). */
  readonly scope: pulumi.Input<string>;
  /** Built-in role to grant. */
  readonly role: BuiltInRoleName;
  /** Subscription holding the built-in role definition. */
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
): azure.authorization.RoleAssignment {
  return new azure.authorization.RoleAssignment(
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
): azure.authorization.RoleAssignment[] {
  return grantees.map((grantee, index) =>
    grantRole(`${prefix}-${index}`, { ...args, grantee }, { parent }),
  );
}
