import { loadStackConfig } from "./config";
import { createHostingStack, type HostingStackOutputs } from "./hosting-stack";

/**
 * The Pulumi entry point. Pulumi calls the exported function and publishes what it returns as the
 * stack outputs. Config is validated before anything is created, so a bad stack file fails with
 * every problem listed and no resource registered.
 */
export = async function main(): Promise<HostingStackOutputs> {
  return Promise.resolve(createHostingStack(loadStackConfig()));
};
