/**
 * Rules for Key Vault and the container registry.
 */
import { type HiringPolicy, KEY_VAULT, REGISTRY, at, resourceRule, show, text } from "./kit";

export const vaultAndRegistryRules: HiringPolicy[] = [
  resourceRule({
    name: "keyvault-rbac-authorization",
    description:
      "Key Vaults authorise data access with Azure RBAC, not vault access policies, so secret access is granted per identity and audited with every other role.",
    remediation:
      "set properties.enableRbacAuthorization: true and grant Key Vault roles via grantRole.",
    appliesTo: [KEY_VAULT],
    check: (props, report) => {
      const rbac = at(props, "properties", "enableRbacAuthorization");
      if (rbac !== true) {
        report(`RBAC authorisation is ${show(rbac)} (properties.enableRbacAuthorization).`);
      }
    },
  }),
  resourceRule({
    name: "keyvault-soft-delete",
    description:
      "Key Vaults keep soft delete on, so a deleted vault or secret can be recovered during its retention period.",
    remediation: "remove properties.enableSoftDelete: false (or set it to true).",
    appliesTo: [KEY_VAULT],
    check: (props, report) => {
      if (at(props, "properties", "enableSoftDelete") === false) {
        report("Soft delete is disabled (properties.enableSoftDelete is false).");
      }
    },
  }),
  resourceRule({
    name: "keyvault-purge-protection",
    description:
      "Key Vaults have purge protection, so nobody can permanently delete a vault or secret before its soft-delete retention ends.",
    remediation:
      "set properties.enablePurgeProtection: true (irreversible: the vault name stays taken until retention ends).",
    appliesTo: [KEY_VAULT],
    check: (props, report) => {
      const purge = at(props, "properties", "enablePurgeProtection");
      if (purge !== true) {
        report(`Purge protection is ${show(purge)} (properties.enablePurgeProtection).`);
      }
    },
  }),
  resourceRule({
    name: "keyvault-soft-delete-retention",
    description:
      "Key Vaults keep deleted vaults and secrets recoverable for 90 days, Azure's longest window (fixed when the vault is created).",
    remediation:
      "set properties.softDeleteRetentionInDays: 90 or leave it unset (Azure's default is 90).",
    appliesTo: [KEY_VAULT],
    check: (props, report) => {
      const days = at(props, "properties", "softDeleteRetentionInDays");
      if (days !== undefined && (typeof days !== "number" || days < 90)) {
        report(
          `Deleted secrets are recoverable for ${show(days)} days (properties.softDeleteRetentionInDays); 90 required.`,
        );
      }
    },
  }),
  resourceRule({
    name: "keyvault-network-restricted",
    description:
      "Key Vaults are private (public network access disabled) or deny by default behind a firewall, never open to the internet.",
    remediation:
      'set properties.publicNetworkAccess: "Disabled" with a private endpoint, or properties.networkAcls.defaultAction: "Deny" with explicit ipRules/virtualNetworkRules.',
    appliesTo: [KEY_VAULT],
    check: (props, report) => {
      const access = text(at(props, "properties", "publicNetworkAccess"));
      const defaultAction = at(props, "properties", "networkAcls", "defaultAction");
      if (access?.toLowerCase() !== "disabled" && defaultAction !== "Deny") {
        report(
          `The vault is reachable from any network (publicNetworkAccess is ${show(access)}, networkAcls.defaultAction is ${show(defaultAction)}).`,
        );
      }
    },
  }),
  resourceRule({
    name: "acr-admin-user-disabled",
    description:
      "Container registries have the admin user disabled: its shared password cannot be scoped, attributed or federated.",
    remediation: "set adminUserEnabled: false and grant AcrPull/AcrPush to identities instead.",
    appliesTo: [REGISTRY],
    check: (props, report) => {
      if (props.adminUserEnabled === true) {
        report("The admin user is enabled (adminUserEnabled is true).");
      }
    },
  }),
  resourceRule({
    name: "acr-anonymous-pull-disabled",
    description:
      "Container registries do not allow anonymous pull, so images are readable only by identities with AcrPull.",
    remediation: "set anonymousPullEnabled: false.",
    appliesTo: [REGISTRY],
    check: (props, report) => {
      if (props.anonymousPullEnabled === true) {
        report("Anonymous pull is enabled (anonymousPullEnabled is true).");
      }
    },
  }),
];
