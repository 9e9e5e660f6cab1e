import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { requireKubernetesProvider } from "../../infra/kubernetes-provider";
import { recordComponent } from "../harness/component";
import { installMocks, waitForRegistrations } from "../../tools/offline/runtime";

const MISSING =
  'Widget "w": opts.providers must include the Kubernetes provider ({ providers: { kubernetes: provider } }); an ambient kubeconfig is never used';

/** A component that, like AppPlatform and Jenkins, checks its options before registering. */
class Widget extends pulumi.ComponentResource {
  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    requireKubernetesProvider("Widget", name, opts);
    super("test:index:Widget", name, {}, opts);
    this.registerOutputs({});
  }
}

/** Builds a Widget under mocks with the options `optsWith` makes from a Kubernetes provider. */
async function accepts(
  optsWith: (provider: k8s.Provider) => pulumi.ComponentResourceOptions,
): Promise<void> {
  const { component } = await recordComponent(() => {
    const provider = new k8s.Provider("k8s", { kubeconfig: "apiVersion: v1" });
    return new Widget("w", optsWith(provider));
  });
  assert.ok(component instanceof Widget);
}

describe("requireKubernetesProvider", () => {
  it("accepts a Kubernetes provider in the providers map", () =>
    accepts((provider) => ({ providers: { kubernetes: provider } })));

  it("accepts a Kubernetes provider in a providers array", () =>
    accepts((provider) => ({ providers: [provider] })));

  it("accepts a Kubernetes provider given as provider", () =>
    accepts((provider) => ({ provider })));

  it("accepts a Kubernetes provider inherited from the parent", () =>
    accepts((provider) => ({
      parent: new pulumi.ComponentResource(
        "test:index:Parent",
        "parent",
        {},
        {
          providers: { kubernetes: provider },
        },
      ),
    })));

  it("rejects no options, and providers of other packages only, naming the component", async () => {
    const recorder = await installMocks("test");
    const other = new random.Provider("random");
    for (const opts of [undefined, {}, { providers: [other] }, { providers: { random: other } }]) {
      assert.throws(() => new Widget("w", opts), { message: MISSING });
    }
    await waitForRegistrations();
    assert.deepEqual(
      recorder.resources.map((resource) => resource.type),
      ["pulumi:providers:random"],
    );
  });
});
