import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { generatedPassword } from "../../infra/generated-password";
import { recordComponent, single } from "../harness/component";
import { isSecretOutput, valueOf } from "../../tools/offline/runtime";

const RANDOM_PASSWORD = "random:index/randomPassword:RandomPassword";

/** A bare component to parent the password, as the components that use it do. */
class Owner extends pulumi.ComponentResource {
  public readonly password: pulumi.Output<string>;

  constructor(name: string, protect: boolean) {
    super("test:index:Owner", name, {});
    this.password = generatedPassword(`${name}-admin-password`, { parent: this, protect });
    this.registerOutputs({ password: this.password });
  }
}

describe("generatedPassword", () => {
  it("draws a 32-character password with two of each character class and URL-safe specials", async () => {
    const { resources } = await recordComponent(() => new Owner("owner", false));
    const password = single(resources, RANDOM_PASSWORD);
    assert.equal(password.name, "owner-admin-password");
    assert.deepEqual(password.inputs, {
      length: 32,
      special: true,
      overrideSpecial: "-_.~",
      minUpper: 2,
      minLower: 2,
      minNumeric: 2,
      minSpecial: 2,
    });
  });

  it("passes the caller's options through: parent and protect", async () => {
    const { resources } = await recordComponent(() => new Owner("owner", true));
    const owner = single(resources, "test:index:Owner");
    const password = single(resources, RANDOM_PASSWORD);
    assert.equal(password.parent, owner.urn);
    assert.equal(password.options.protect, true);
  });

  it("returns the result as a secret", async () => {
    const { component } = await recordComponent(() => new Owner("owner", false));
    assert.ok(await isSecretOutput(component.password));
    assert.equal(typeof (await valueOf(component.password)), "string");
  });
});
