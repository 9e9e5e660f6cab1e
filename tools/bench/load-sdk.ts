/**
 * The baseline of `npm run bench`: loads exactly the SDK packages and provider modules the
 * program uses, and nothing else, so the plan's cost can be compared with the cost of loading.
 */
import * as azure from "@pulumi/azure-native";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

// azure-native and kubernetes load their modules lazily; touch each one the program uses.
const touched: unknown[] = [
  pulumi.ComponentResource,
  azure.resources.ResourceGroup,
  azure.network.VirtualNetwork,
  azure.network.PrivateEndpoint,
  azure.privatedns.PrivateZone,
  azure.containerservice.ManagedCluster,
  azure.dbforpostgresql.Server,
  azure.keyvault.Vault,
  azure.containerregistry.Registry,
  azure.operationalinsights.Workspace,
  azure.monitor.DiagnosticSetting,
  azure.authorization.RoleAssignment,
  azure.managedidentity.UserAssignedIdentity,
  k8s.Provider,
  k8s.core.v1.Namespace,
  k8s.networking.v1.NetworkPolicy,
  k8s.batch.v1.Job,
  k8s.helm.v3.Release,
  random.RandomPassword,
];
process.stdout.write(`${touched.length} SDK entry points loaded\n`);
