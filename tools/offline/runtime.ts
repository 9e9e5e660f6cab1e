import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "../../stacks/config";
import { HostingMocks } from "./mocks";
import { ResourceRecorder } from "./recorder";

/** A value after the run: the plain value and whether Pulumi holds it as a secret. */
export interface ResolvedOutput {
  readonly value: unknown;
  readonly secret: boolean;
}

/**
 * Installs fresh {@link HostingMocks} for `stack` and returns a recorder of every registration
 * made from now on. Resources keep the monitor they were created with, so install before
 * constructing anything.
 */
export async function installMocks(stack: string, preview = false): Promise<ResourceRecorder> {
  // The SDK sends a component's outputs to whichever monitor is current when they resolve; one
  // still in flight from an earlier test would reach the new mocks, which never saw it.
  await waitForRegistrations();
  await pulumi.runtime.setMocks(new HostingMocks(), PROJECT, stack, preview);
  return new ResourceRecorder();
}

/** Waits until every registration and invoke in flight has been answered. */
export async function waitForRegistrations(): Promise<void> {
  const runtime = pulumi.runtime as typeof pulumi.runtime & { waitForRPCs?: () => Promise<void> };
  if (typeof runtime.waitForRPCs !== "function") {
    throw new Error("this @pulumi/pulumi version does not expose runtime.waitForRPCs");
  }
  await runtime.waitForRPCs();
}

/**
 * Resolves an output (or plain value) with its secretness. Rejects after `timeoutMs`, naming the
 * output, instead of hanging when a value stays unknown (a preview, or a missing mock output).
 */
export function resolveOutput(
  name: string,
  value: unknown,
  timeoutMs = 10_000,
): Promise<ResolvedOutput> {
  if (!pulumi.Output.isInstance(value)) {
    return Promise.resolve({ value, secret: false });
  }
  const output = value;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        new Error(
          `output "${name}" did not resolve in ${timeoutMs} ms (unknown in preview? missing mock output?)`,
        ),
      );
    }, timeoutMs);
    pulumi.all([pulumi.unsecret(output), pulumi.isSecret(output)]).apply(([plain, secret]) => {
      clearTimeout(timer);
      resolve({ value: plain, secret });
    });
  });
}

/** The plain value of an output (see {@link resolveOutput}). */
export async function valueOf<T>(output: pulumi.Output<T>, name = "value"): Promise<T> {
  return (await resolveOutput(name, output)).value as T;
}

/** Whether Pulumi holds an output as a secret. */
export async function isSecretOutput(output: pulumi.Output<unknown>): Promise<boolean> {
  return (await resolveOutput("secret check", output)).secret;
}
