import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { runStack, type StackRun } from "../harness/run-stack";

describe("hosting stack composition", () => {
  let dev: StackRun;
  let prod: StackRun;
  let local: StackRun;
  before(async () => {
    dev = await runStack({ stack: "dev" });
    prod = await runStack({ stack: "prod" });
    local = await runStack({ stack: "local" });
  });

  it("creates the resource group with the standard tags", () => {
    const group = dev.resources.find((r) => r.type === "azure-native:resources:ResourceGroup");
    assert.ok(group);
    assert.equal(group.inputs.resourceGroupName, "rg-hire-dev");
    assert.equal(group.inputs.location, "westeurope");
    assert.deepEqual(group.inputs.tags, {
      project: "hiring-infra",
      stack: "dev",
      environment: "development",
      owner: "platform-team",
      "cost-center": "cc-1042",
      "managed-by": "pulumi",
    });
  });

  it("protects the resource group in prod only", () => {
    const protectedIn = (run: StackRun): boolean =>
      run.resources.find((r) => r.type === "azure-native:resources:ResourceGroup")?.options
        .protect ?? false;
    assert.equal(protectedIn(prod), true);
    assert.equal(protectedIn(dev), false);
  });

  it("draws the unique-name suffix from @pulumi/random, lowercase alphanumeric", () => {
    const suffix = dev.resources.find((r) => r.type === "random:index/randomString:RandomString");
    assert.ok(suffix);
    assert.deepEqual(
      { length: suffix.inputs.length, upper: suffix.inputs.upper, special: suffix.inputs.special },
      { length: 5, upper: false, special: false },
    );
  });

  it("registers no Azure resource for the local stack", () => {
    assert.equal(local.resources.filter((r) => r.type.startsWith("azure-native:")).length, 0);
    assert.equal(local.outputs.platform?.value, "local");
  });

  it("is deterministic: the same config yields the same registrations", async () => {
    const again = await runStack({ stack: "dev" });
    assert.deepEqual(again.resources, dev.resources);
  });
});
