import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HostingMocks, stableGuid, stableToken } from "../../tools/offline/mocks";

describe("test harness mocks", () => {
  const mocks = new HostingMocks();

  it("refuse invokes they do not know, naming the token", () => {
    assert.throws(
      () =>
        mocks.call({ token: "azure-native:compute:getVirtualMachine", inputs: {}, provider: "" }),
      /do not answer invoke "azure-native:compute:getVirtualMachine"/,
    );
  });

  it("answer getClientConfig with every field the program reads", () => {
    const answer = mocks.call({
      token: "azure-native:authorization:getClientConfig",
      inputs: {},
      provider: "",
    });
    for (const field of ["clientId", "objectId", "subscriptionId", "tenantId"]) {
      assert.match(String(answer[field]), /^[0-9a-f-]{36}$/, field);
    }
  });

  it("return a base64 kubelogin kubeconfig for user credentials", () => {
    const answer = mocks.call({
      token: "azure-native:containerservice:listManagedClusterUserCredentials",
      inputs: { resourceName: "aks-hire-dev" },
      provider: "",
    }) as { kubeconfigs: { value: string }[] };
    const kubeconfig = Buffer.from(answer.kubeconfigs[0]?.value ?? "", "base64").toString();
    assert.match(kubeconfig, /command: kubelogin/);
    assert.match(kubeconfig, /server: https:\/\/aks-hire-dev/);
  });

  it("give Azure-shaped ids and computed outputs", () => {
    const result = mocks.newResource({
      type: "azure-native:keyvault:Vault",
      name: "vault",
      inputs: { vaultName: "kv-hire-dev-ab12c", resourceGroupName: "rg-hire-dev", properties: {} },
      custom: true,
    });
    assert.match(
      String(result.id),
      /\/resourceGroups\/rg-hire-dev\/providers\/Microsoft.keyvault\/Vault\/kv-hire-dev-ab12c$/,
    );
    assert.deepEqual(result.state.properties, {
      vaultUri: "https://kv-hire-dev-ab12c.vault.azure.net/",
    });
  });

  it("are deterministic", () => {
    assert.equal(stableToken("a", 8, "abc"), stableToken("a", 8, "abc"));
    assert.notEqual(stableGuid("a"), stableGuid("b"));
  });
});
