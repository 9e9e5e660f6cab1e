import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { grantRoles } from "../../infra/roles";
import {
  assertGrantsOnlyOn,
  granteesOf,
  ofType,
  recordComponent,
  single,
} from "../harness/component";
import { MOCK_AZURE } from "../../tools/offline/mocks";
import type { RecordedResource } from "../../tools/offline/recorder";

const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";
const PARENT = "test:index:Parent";
const VAULT_ID = `/subscriptions/${MOCK_AZURE.subscriptionId}/resourceGroups/rg-hire-test/providers/Microsoft.KeyVault/vaults/kv-hire-test-ab12c`;
const WORKLOAD_PRINCIPAL = "11111111-1111-4111-8111-111111111111";
const OPERATORS_GROUP = "33333333-3333-4333-8333-333333333333";
const DESCRIPTION = "Reads application secrets from this vault only";

describe("grantRoles", () => {
  let resources: readonly RecordedResource[];
  let returned: readonly unknown[];
  before(async () => {
    ({ resources, component: returned } = await recordComponent(() =>
      grantRoles(
        "secrets-secrets-user",
        [
          { principalId: WORKLOAD_PRINCIPAL, principalType: "ServicePrincipal" },
          { principalId: OPERATORS_GROUP, principalType: "Group" },
        ],
        {
          scope: VAULT_ID,
          role: "keyVaultSecretsUser",
          subscriptionId: MOCK_AZURE.subscriptionId,
          description: DESCRIPTION,
        },
        new pulumi.ComponentResource(PARENT, "parent"),
      ),
    ));
  });

  it("names one assignment per grantee <prefix>-<index>, in the grantees' order", () => {
    assert.deepEqual(
      ofType(resources, ROLE_ASSIGNMENT).map((assignment) => assignment.name),
      ["secrets-secrets-user-0", "secrets-secrets-user-1"],
    );
    assert.equal(returned.length, 2, "returns every assignment");
  });

  it("grants the built-in role to each grantee with its principal type, on the scope only", () => {
    assert.deepEqual(granteesOf(resources, "keyVaultSecretsUser"), [
      [WORKLOAD_PRINCIPAL, "ServicePrincipal"],
      [OPERATORS_GROUP, "Group"],
    ]);
    assertGrantsOnlyOn(resources, VAULT_ID);
    for (const assignment of ofType(resources, ROLE_ASSIGNMENT)) {
      assert.equal(assignment.inputs.description, DESCRIPTION);
    }
  });

  it("parents every assignment to the given parent", () => {
    const parent = single(resources, PARENT);
    for (const assignment of ofType(resources, ROLE_ASSIGNMENT)) {
      assert.equal(assignment.parent, parent.urn, assignment.name);
    }
  });

  it("creates nothing for no grantees", async () => {
    const { resources: none, component } = await recordComponent(() =>
      grantRoles(
        "secrets-secrets-user",
        [],
        {
          scope: VAULT_ID,
          role: "keyVaultSecretsUser",
          subscriptionId: MOCK_AZURE.subscriptionId,
          description: DESCRIPTION,
        },
        new pulumi.ComponentResource(PARENT, "parent"),
      ),
    );
    assert.deepEqual(component, []);
    assert.equal(ofType(none, ROLE_ASSIGNMENT).length, 0);
  });
});
