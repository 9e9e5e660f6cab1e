import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { STANDARD_TAG_NAMES, standardTags } from "../../infra/tags";

describe("standard tags", () => {
  const tags = standardTags({
    project: "hiring-infra",
    stack: "dev",
    environment: "development",
    owner: "platform-team",
    costCenter: "cc-1042",
    extra: { criticality: "high", owner: "attempted-override" },
  });

  it("carry project, stack, environment, owner, cost centre and managed-by", () => {
    assert.deepEqual(tags, {
      criticality: "high",
      owner: "platform-team",
      project: "hiring-infra",
      stack: "dev",
      environment: "development",
      "cost-center": "cc-1042",
      "managed-by": "pulumi",
    });
    for (const name of STANDARD_TAG_NAMES) {
      assert.ok(name in tags, name);
    }
  });

  it("cannot be overridden by extra tags and are frozen", () => {
    assert.equal(tags.owner, "platform-team");
    assert.ok(Object.isFrozen(tags));
  });
});
