import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { AZURE_NAME_PROPERTY } from "../../core/resource-types";

/** Identity of the fake Azure tenant and deploying principal every invoke answers with. */
export const MOCK_AZURE = {
  subscriptionId: "00000000-0000-4000-8000-000000000001",
  tenantId: "00000000-0000-4000-8000-000000000002",
  clientId: "00000000-0000-4000-8000-000000000003",
  objectId: "00000000-0000-4000-8000-000000000004",
} as const;

type Props = Record<string, unknown>;

/** A deterministic value derived from a resource's name, so plans never change between runs. */
export function stableToken(seed: string, length: number, alphabet: string): string {
  const digest = createHash("sha256").update(seed).digest();
  let token = "";
  for (let index = 0; index < length; index++) {
    token += alphabet.charAt((digest[index % digest.length] ?? 0) % alphabet.length);
  }
  return token;
}

/** A deterministic GUID derived from `seed`. */
export function stableGuid(seed: string): string {
  const hex = createHash("sha256").update(seed).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const str = (value: unknown, fallback: string): string =>
  typeof value === "string" ? value : fallback;

function azureId(type: string, name: string, inputs: Props): string {
  const [, module = "", resource = ""] = type.split(":");
  // Extension resources live under the resource they extend, as in Azure.
  if (typeof inputs.resourceUri === "string") {
    return `${inputs.resourceUri}/providers/Microsoft.Insights/${resource}/${name}`;
  }
  if (typeof inputs.scope === "string") {
    return `${inputs.scope}/providers/Microsoft.Authorization/${resource}/${stableGuid(name)}`;
  }
  const group = str(inputs.resourceGroupName, "rg");
  return `/subscriptions/${MOCK_AZURE.subscriptionId}/resourceGroups/${group}/providers/Microsoft.${module}/${resource}/${name}`;
}

/** The outputs Azure computes that the program dereferences, per resource type. */
function computedOutputs(type: string, name: string, inputs: Props): Props {
  const azureName = str(inputs[AZURE_NAME_PROPERTY[type] ?? ""], name);
  switch (type) {
    case "random:index/randomString:RandomString":
      return {
        result: stableToken(
          name,
          Number(inputs.length ?? 16),
          inputs.upper === false
            ? "abcdefghijklmnopqrstuvwxyz0123456789"
            : "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789",
        ),
      };
    case "random:index/randomPassword:RandomPassword":
      return {
        result: stableToken(
          `password:${name}`,
          Number(inputs.length ?? 32),
          "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789-_",
        ),
      };
    case "azure-native:containerservice:ManagedCluster":
      return {
        fqdn: `${azureName}.hcp.westeurope.azmk8s.io`,
        privateFQDN: `${azureName}.privatelink.westeurope.azmk8s.io`,
        oidcIssuerProfile: {
          enabled: true,
          issuerURL: `https://westeurope.oic.prod-aks.azure.com/${MOCK_AZURE.tenantId}/${stableGuid(name)}/`,
        },
        identityProfile: {
          kubeletidentity: {
            clientId: stableGuid(`${name}:kubelet:client`),
            objectId: stableGuid(`${name}:kubelet:object`),
            resourceId: `/subscriptions/${MOCK_AZURE.subscriptionId}/resourceGroups/MC_${azureName}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${azureName}-agentpool`,
          },
        },
        identity: {
          type: "SystemAssigned",
          principalId: stableGuid(`${name}:principal`),
          tenantId: MOCK_AZURE.tenantId,
        },
        nodeResourceGroup: `MC_${azureName}`,
        addonProfiles: {
          ...(inputs.addonProfiles as Props | undefined),
          azureKeyvaultSecretsProvider: {
            ...((inputs.addonProfiles as Props | undefined)?.azureKeyvaultSecretsProvider as
              Props | undefined),
            identity: {
              clientId: stableGuid(`${name}:keyvault-secrets-provider:client`),
              objectId: stableGuid(`${name}:keyvault-secrets-provider:object`),
              resourceId: `/subscriptions/${MOCK_AZURE.subscriptionId}/resourceGroups/MC_${azureName}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/azurekeyvaultsecretsprovider-${azureName}`,
            },
          },
        },
      };
    case "azure-native:dbforpostgresql:Server":
      return { fullyQualifiedDomainName: `${azureName}.postgres.database.azure.com` };
    case "azure-native:keyvault:Vault":
      return {
        properties: {
          ...(inputs.properties as Props),
          vaultUri: `https://${azureName}.vault.azure.net/`,
        },
      };
    case "azure-native:keyvault:Secret":
      return { properties: { secretUri: `https://vault.vault.azure.net/secrets/${azureName}` } };
    case "azure-native:keyvault:Key": {
      const keyUri = `https://${str(inputs.vaultName, "vault")}.vault.azure.net/keys/${azureName}`;
      return {
        keyUri,
        keyUriWithVersion: `${keyUri}/${stableToken(`${name}:version`, 32, "0123456789abcdef")}`,
      };
    }
    case "azure-native:containerregistry:Registry":
      return { loginServer: `${azureName.toLowerCase()}.azurecr.io` };
    case "azure-native:operationalinsights:Workspace":
      return { customerId: stableGuid(`${name}:workspace`) };
    case "azure-native:managedidentity:UserAssignedIdentity":
      return {
        clientId: stableGuid(`${name}:client`),
        principalId: stableGuid(`${name}:principal`),
        tenantId: MOCK_AZURE.tenantId,
      };
    default:
      return {};
  }
}

/** A base64 kubeconfig in the shape AKS returns for user credentials (kubelogin exec format). */
export function mockKubeconfig(clusterName: string): string {
  const kubeconfig = [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    `- name: ${clusterName}`,
    "  cluster:",
    "    certificate-authority-data: bW9jaw==",
    `    server: https://${clusterName}.hcp.westeurope.azmk8s.io:443`,
    "contexts:",
    `- name: ${clusterName}`,
    "  context:",
    `    cluster: ${clusterName}`,
    `    user: clusterUser_${clusterName}`,
    `current-context: ${clusterName}`,
    "users:",
    `- name: clusterUser_${clusterName}`,
    "  user:",
    "    exec:",
    "      apiVersion: client.authentication.k8s.io/v1beta1",
    "      command: kubelogin",
    "      args: [get-token, --login, devicecode, --server-id, 6dae42f8-4368-4678-94ff-3960e28e3630]",
  ].join("\n");
  return Buffer.from(kubeconfig).toString("base64");
}

/**
 * Pulumi mocks that answer like Azure and Kubernetes would for this program: realistic ids and
 * the computed outputs the program reads. Invokes the program does not use are an error, so a
 * new invoke cannot silently return junk.
 */
export class HostingMocks implements pulumi.runtime.Mocks {
  newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Props } {
    const inputs = args.inputs as Props;
    if (!args.custom) {
      return { id: undefined, state: inputs };
    }
    const azureName = str(inputs[AZURE_NAME_PROPERTY[args.type] ?? ""], args.name);
    const id = args.type.startsWith("azure-native:")
      ? azureId(args.type, azureName, inputs)
      : `${args.name}-id`;
    const state: Props = { ...inputs, ...computedOutputs(args.type, args.name, inputs) };
    if (args.type.startsWith("azure-native:")) {
      state.name = azureName;
    }
    return { id, state };
  }

  call(args: pulumi.runtime.MockCallArgs): Props {
    switch (args.token) {
      case "azure-native:authorization:getClientConfig":
        return { ...MOCK_AZURE };
      case "azure-native:containerservice:listManagedClusterUserCredentials": {
        const inputs = args.inputs as Props;
        const clusterName = str(inputs.resourceName, "cluster");
        return { kubeconfigs: [{ name: "clusterUser", value: mockKubeconfig(clusterName) }] };
      }
      default:
        throw new Error(
          `The test mocks do not answer invoke "${args.token}"; add a realistic response in tools/offline/mocks.ts`,
        );
    }
  }
}
