import * as authorization from "@pulumi/azure-native/authorization";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as pulumi from "@pulumi/pulumi";
import { AKS_CLUSTER_READ_DATA_ACTIONS } from "../azure-identifiers";
import {
  assignableRolesCondition,
  type BuiltInRoleName,
  type CustomRole,
  grantRole,
} from "../roles";
import type { JenkinsAzureAccess, JenkinsTargetScopes } from "./args";
import { type IdentityKind, agentServiceAccount } from "./jcasc";
import { WORKLOAD_IDENTITY_AUDIENCE } from "./pins";

/** One role a Jenkins identity holds, and why. */
export interface IdentityGrant {
  /** Suffix of the role assignment's logical name. */
  readonly part: string;
  /** The role: built-in, or the custom cluster reader of {@link createTargetIdentities}. */
  readonly role: BuiltInRoleName | CustomRole;
  /** Where it applies. */
  readonly scope: pulumi.Input<string>;
  /** Why the identity needs it (the assignment's description). */
  readonly description: string;
  /** ABAC condition limiting the role, if any. */
  readonly condition?: string;
}

/** The grant when its scope is configured (the state account and key are optional). */
function grantWhenScoped(
  scope: string | undefined,
  grant: Omit<IdentityGrant, "scope">,
): IdentityGrant[] {
  return scope === undefined ? [] : [{ ...grant, scope }];
}

/**
 * The roles the deploy identity may assign inside the resource group: those the stack grants to
 * workloads (AcrPull, Network Contributor, Key Vault secrets roles, read-only cluster roles).
 * Privileged grants (Contributor, RBAC Administrator, AKS RBAC Cluster Admin), including the
 * deploy identity's own, can only be changed by a person.
 */
export const DEPLOY_ASSIGNABLE_ROLES: readonly BuiltInRoleName[] = [
  "reader",
  "networkContributor",
  "keyVaultSecretsUser",
  "keyVaultSecretsOfficer",
  "acrPull",
  "acrPush",
  "aksClusterUser",
  "aksRbacReader",
];

/**
 * Read-only roles on one target stack: enough to compute a preview of it, and to refresh it.
 *
 * @param clusterReader the custom role reading every Kubernetes object of the target cluster,
 *   Secrets included (see {@link AKS_CLUSTER_READ_DATA_ACTIONS}).
 */
export function previewGrants(
  access: JenkinsAzureAccess,
  target: JenkinsTargetScopes,
  clusterReader: CustomRole,
): IdentityGrant[] {
  return [
    {
      part: "reader-resource-group",
      role: "reader",
      scope: target.resourceGroupId,
      description: "Jenkins preview agents read the stack's Azure resources to compute a preview",
    },
    {
      part: "aks-cluster-user",
      role: "aksClusterUser",
      scope: target.clusterId,
      description:
        "Jenkins preview agents list the cluster user kubeconfig (kubelogin exec format)",
    },
    {
      // Not AKS RBAC Reader: it cannot read Secrets, Roles or RoleBindings, which a refresh
      // (the nightly drift report) reads like every other resource of the stack.
      part: "aks-cluster-reader",
      role: clusterReader,
      scope: target.clusterId,
      description:
        "Jenkins preview agents read cluster state, Secrets and Helm release records included; a Kubernetes preview needs cluster credentials (pulumi-kubernetes #2236)",
    },
    ...grantWhenScoped(access.secretsKeyId, {
      part: "secrets-key-crypto-user",
      role: "keyVaultCryptoUser",
      description: "Jenkins preview agents decrypt stack secrets with the secrets provider key",
    }),
    ...grantWhenScoped(access.stateStorageAccountId, {
      // Reader suffices: the self-managed backend takes no lock for a preview (pulumi #8642).
      part: "state-blob-reader",
      role: "storageBlobDataReader",
      description:
        "Jenkins preview agents read the Pulumi state; a preview takes no lock on a self-managed backend",
    }),
  ];
}

/** What a deployment of one target stack needs, on that stack's own resources only. */
export function deployGrants(
  access: JenkinsAzureAccess,
  target: JenkinsTargetScopes,
): IdentityGrant[] {
  return [
    {
      // Also covers Key Vault secrets: the stack writes them through ARM, so Key Vault Secrets
      // Officer on the vault (a data-plane role) is not needed.
      part: "contributor-resource-group",
      role: "contributor",
      scope: target.resourceGroupId,
      description:
        "Jenkins deploy agents create, change and delete the stack's resources, Key Vault secrets included (written through ARM)",
    },
    {
      // The stack grants roles itself (AcrPull, Network Contributor, ...); the condition keeps
      // the pipeline from granting anything privileged, to itself or anyone else.
      part: "rbac-admin-resource-group",
      role: "roleBasedAccessControlAdministrator",
      scope: target.resourceGroupId,
      condition: assignableRolesCondition(DEPLOY_ASSIGNABLE_ROLES),
      description:
        "Jenkins deploy agents create the stack's own role assignments inside its resource group",
    },
    {
      part: "aks-cluster-user",
      role: "aksClusterUser",
      scope: target.clusterId,
      description: "Jenkins deploy agents list the cluster user kubeconfig (kubelogin exec format)",
    },
    {
      part: "aks-rbac-cluster-admin",
      role: "aksRbacClusterAdmin",
      scope: target.clusterId,
      description:
        "Jenkins deploy agents apply the stack's Kubernetes objects: namespaces, RBAC, Helm releases",
    },
    ...grantWhenScoped(access.secretsKeyId, {
      part: "secrets-key-crypto-user",
      role: "keyVaultCryptoUser",
      description:
        "Jenkins deploy agents encrypt and decrypt stack secrets with the secrets provider key",
    }),
    ...grantWhenScoped(access.stateStorageAccountId, {
      part: "state-blob-contributor",
      role: "storageBlobDataContributor",
      description: "Jenkins deploy agents write the Pulumi state and its lock",
    }),
  ];
}

/**
 * For one target stack, one user-assigned identity per identity-bearing agent kind, living with
 * Jenkins and federated with that kind's service account through the CI cluster's OIDC issuer
 * (no client secret ever exists), holding the kind's grants on the target stack only.
 *
 * @param name the component's name; children are `<name>-<kind>-<stack>-<part>`.
 * @param access where the identities live and what every target shares.
 * @param stack the target stack's name.
 * @param target the target stack's scopes.
 * @param namespaces the namespace of each kind's service account (the federation subject).
 * @param parent the component.
 */
export function createTargetIdentities(
  name: string,
  access: JenkinsAzureAccess,
  stack: string,
  target: JenkinsTargetScopes,
  namespaces: Readonly<Record<IdentityKind, pulumi.Input<string>>>,
  parent: pulumi.Resource,
): Record<IdentityKind, managedidentity.UserAssignedIdentity> {
  const { scope } = access;
  // The target's own subscription: it may differ from the one Jenkins lives in.
  const subscriptionId = pulumi
    .output(target.resourceGroupId)
    .apply((id) => id.split("/")[2] ?? "");
  const clusterReader = new authorization.RoleDefinition(
    `${name}-preview-${stack}-cluster-reader-role`,
    {
      // Defined and assignable in the target's resource group, as custom-roles.md advises
      // (MicrosoftDocs/azure-docs articles/role-based-access-control/custom-roles.md, "Assignable
      // scopes"); assigned on the cluster only.
      scope: target.resourceGroupId,
      assignableScopes: [target.resourceGroupId],
      // Role names are unique in the tenant.
      roleName: pulumi
        .output(target.resourceGroupId)
        .apply((id) => `Jenkins preview cluster reader (${stack}, ${id.split("/")[4] ?? ""})`),
      // role-definitions.md: "Set to ... `CustomRole` for custom roles."
      roleType: "CustomRole",
      description:
        "Reads every Kubernetes object of the cluster, Secrets included, and changes nothing: the Jenkins preview agents' refresh of the stack",
      permissions: [
        {
          actions: [],
          notActions: [],
          dataActions: [...AKS_CLUSTER_READ_DATA_ACTIONS],
          notDataActions: [],
        },
      ],
    },
    { parent },
  );
  const grants: Readonly<Record<IdentityKind, IdentityGrant[]>> = {
    preview: previewGrants(access, target, {
      guid: clusterReader.id.apply((id) => id.split("/").pop() ?? ""),
    }),
    deploy: deployGrants(access, target),
  };
  const identityOf = (kind: IdentityKind) => {
    const identity = new managedidentity.UserAssignedIdentity(
      `${name}-${kind}-${stack}-identity`,
      {
        resourceGroupName: scope.resourceGroupName,
        location: scope.location,
        resourceName: scope.namer.name("managedIdentity", `jenkins-${kind}-${stack}`),
        tags: scope.tags,
      },
      { parent },
    );
    new managedidentity.FederatedIdentityCredential(
      `${name}-${kind}-${stack}-federation`,
      {
        resourceGroupName: scope.resourceGroupName,
        resourceName: identity.name,
        federatedIdentityCredentialResourceName: `jenkins-${kind}-${stack}`,
        issuer: access.oidcIssuerUrl,
        subject: pulumi.interpolate`system:serviceaccount:${namespaces[kind]}:${agentServiceAccount(kind, stack)}`,
        audiences: [WORKLOAD_IDENTITY_AUDIENCE],
      },
      { parent },
    );
    for (const grant of grants[kind]) {
      grantRole(
        `${name}-${kind}-${stack}-${grant.part}`,
        {
          scope: grant.scope,
          role: grant.role,
          subscriptionId,
          description: `${grant.description} (stack ${stack})`,
          ...(grant.condition === undefined ? {} : { condition: grant.condition }),
          grantee: { principalId: identity.principalId, principalType: "ServicePrincipal" },
        },
        { parent },
      );
    }
    return identity;
  };
  // Preview first, as IDENTITY_KINDS lists them (object literals evaluate left to right).
  return { preview: identityOf("preview"), deploy: identityOf("deploy") };
}
