/**
 * The baseline of `npm run bench`: loads exactly the SDK packages and provider modules the
 * program uses (the same azure-native submodules infra/ and stacks/ import; a test keeps the two
 * lists equal), and nothing else, so the plan's cost can be compared with the cost of loading.
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as monitor from "@pulumi/azure-native/monitor";
import * as network from "@pulumi/azure-native/network";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as privatedns from "@pulumi/azure-native/privatedns";
import * as resources from "@pulumi/azure-native/resources";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

// azure-native and kubernetes load their modules lazily; touch each one the program uses.
const touched: unknown[] = [
  pulumi.ComponentResource,
  resources.ResourceGroup,
  network.VirtualNetwork,
  network.PrivateEndpoint,
  privatedns.PrivateZone,
  containerservice.ManagedCluster,
  dbforpostgresql.Server,
  keyvault.Vault,
  containerregistry.Registry,
  operationalinsights.Workspace,
  monitor.DiagnosticSetting,
  authorization.RoleAssignment,
  managedidentity.UserAssignedIdentity,
  k8s.Provider,
  k8s.core.v1.Namespace,
  k8s.networking.v1.NetworkPolicy,
  k8s.batch.v1.Job,
  k8s.helm.v3.Release,
  random.RandomPassword,
];
process.stdout.write(`${touched.length} SDK entry points loaded\n`);
