import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as pulumi from "@pulumi/pulumi";
import { assignableRolesCondition, type BuiltInRoleName, grantRole } from "../roles";
import type { JenkinsAzureAccess, JenkinsTargetScopes } from "./args";
import { type IdentityKind, agentServiceAccount } from "./jcasc";
import { WORKLOAD_IDENTITY_AUDIENCE } from "./pins";

/** One role a Jenkins identity holds, and why. */
export interface IdentityGrant {
  /** Suffix of the role assignment's logical name. */
  readonly part: string;
  /** The built-in role. */
  readonly role: BuiltInRoleName;
  /** Where it applies. */
  readonly scope: pulumi.Input<string>;
  /** Why the identity needs it (the assignment's description). */
  readonly description: string;
  /** ABAC condition limiting the role, if any. */
  readonly condition?: string;
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

/** Read-only roles on one target stack: enough to compute a preview of it. */
export function previewGrants(
  access: JenkinsAzureAccess,
  target: JenkinsTargetScopes,
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
      part: "aks-rbac-reader",
      role: "aksRbacReader",
      scope: target.clusterId,
      description:
        "Jenkins preview agents read cluster state; a Kubernetes preview needs cluster credentials (pulumi-kubernetes #2236)",
    },
    ...(access.secretsKeyId === undefined
      ? []
      : [
          {
            part: "secrets-key-crypto-user",
            role: "keyVaultCryptoUser",
            scope: access.secretsKeyId,
            description:
              "Jenkins preview agents decrypt stack secrets with the secrets provider key",
          } as const,
        ]),
    ...(access.stateStorageAccountId === undefined
      ? []
      : [
          {
            // Reader suffices: the self-managed backend takes no lock for a preview (pulumi #8642).
            part: "state-blob-reader",
            role: "storageBlobDataReader",
            scope: access.stateStorageAccountId,
            description:
              "Jenkins preview agents read the Pulumi state; a preview takes no lock on a self-managed backend",
          } as const,
        ]),
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
    ...(access.secretsKeyId === undefined
      ? []
      : [
          {
            part: "secrets-key-crypto-user",
            role: "keyVaultCryptoUser",
            scope: access.secretsKeyId,
            description:
              "Jenkins deploy agents encrypt and decrypt stack secrets with the secrets provider key",
          } as const,
        ]),
    ...(access.stateStorageAccountId === undefined
      ? []
      : [
          {
            part: "state-blob-contributor",
            role: "storageBlobDataContributor",
            scope: access.stateStorageAccountId,
            description: "Jenkins deploy agents write the Pulumi state and its lock",
          } as const,
        ]),
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
  const grants: Readonly<Record<IdentityKind, IdentityGrant[]>> = {
    preview: previewGrants(access, target),
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
          // The target's own subscription: it may differ from the one Jenkins lives in.
          subscriptionId: pulumi
            .output(target.resourceGroupId)
            .apply((id) => id.split("/")[2] ?? ""),
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
