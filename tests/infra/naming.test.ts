import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import {
  checkName,
  checkUniqueSuffix,
  NamingError,
  namingRules,
  ResourceNamer,
} from "../../infra/naming";

function resolve<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((done) => output.apply(done));
}

describe("Azure naming limits", () => {
  it("Key Vault names are 3-24 characters", () => {
    assert.equal(checkName("keyVault", "kv1"), "kv1");
    assert.equal(checkName("keyVault", "k".repeat(24)), "k".repeat(24));
    assert.throws(() => checkName("keyVault", "kv"), /3-24/);
    assert.throws(
      () => checkName("keyVault", "k".repeat(25)),
      /keyVault name .* is 25 characters; Azure accepts 3-24/,
    );
  });

  it("Key Vault names start with a letter and have no consecutive hyphens", () => {
    assert.throws(() => checkName("keyVault", "1kv-hire"), NamingError);
    assert.throws(() => checkName("keyVault", "kv--hire"), /no consecutive hyphens/);
    assert.throws(() => checkName("keyVault", "kv-hire-"), NamingError);
  });

  it("ACR names are 5-50 letters and digits only", () => {
    assert.equal(checkName("containerRegistry", "crhire"), "crhire");
    assert.throws(() => checkName("containerRegistry", "cr1"), /5-50/);
    assert.throws(() => checkName("containerRegistry", "c".repeat(51)), /5-50/);
    assert.throws(() => checkName("containerRegistry", "cr-hire"), /letters and digits only/);
  });

  it("storage account names are 3-24 lowercase letters and digits", () => {
    assert.equal(checkName("storageAccount", "sthire01"), "sthire01");
    assert.throws(() => checkName("storageAccount", "st"), /3-24/);
    assert.throws(() => checkName("storageAccount", "s".repeat(25)), /3-24/);
    assert.throws(() => checkName("storageAccount", "stHire"), /lowercase/);
  });

  it("PostgreSQL server names are lowercase and do not end with a hyphen", () => {
    assert.throws(() => checkName("postgresServer", "psql-Hire"), /lowercase/);
    assert.throws(() => checkName("postgresServer", "psql-hire-"), NamingError);
    assert.throws(() => checkName("postgresServer", "p".repeat(64)), /3-63/);
  });

  it("every rule's abbreviation passes its own pattern when padded to the minimum", () => {
    for (const [kind, rule] of Object.entries(namingRules)) {
      const name = rule.abbreviation.padEnd(Math.max(rule.minLength, 3), "a");
      assert.equal(checkName(kind as keyof typeof namingRules, name), name, kind);
    }
  });
});

describe("ResourceNamer", () => {
  const namer = new ResourceNamer({ prefix: "hire", stack: "dev" }, "ab12c");

  it("names regional resources <abbr>-<prefix>-<stack>[-<qualifier>]", async () => {
    assert.equal(await resolve(namer.name("resourceGroup")), "rg-hire-dev");
    assert.equal(await resolve(namer.name("subnet", "nodes")), "snet-hire-dev-nodes");
  });

  it("appends the random suffix to globally unique names", async () => {
    assert.equal(await resolve(namer.name("keyVault")), "kv-hire-dev-ab12c");
    assert.equal(await resolve(namer.name("postgresServer")), "psql-hire-dev-ab12c");
  });

  it("drops separators for kinds that allow only letters and digits", async () => {
    assert.equal(await resolve(namer.name("containerRegistry")), "crhiredevab12c");
    assert.equal(await resolve(namer.name("storageAccount", "state")), "sthiredevstateab12c");
  });

  it("rejects a name that will not fit before any suffix is known", () => {
    const long = new ResourceNamer({ prefix: "hiring", stack: "staging-west" }, "ab12c");
    assert.throws(
      () => long.name("keyVault"),
      /keyVault name "kv-hiring-staging-west-xxxxx" is 28 characters/,
    );
  });

  it("rejects a suffix of the wrong form", () => {
    assert.equal(checkUniqueSuffix("ab12c"), "ab12c");
    assert.throws(() => checkUniqueSuffix("AB-12"), /must be 5 lowercase letters or digits/);
    assert.throws(() => checkUniqueSuffix("ab12"), NamingError);
  });
});
