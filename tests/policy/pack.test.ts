import assert from "node:assert/strict";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct, type JavaScriptValue } from "google-protobuf/google/protobuf/struct_pb";
import devConfig from "../../policy/config.dev.json";
import prodConfig from "../../policy/config.prod.json";
import { POLICY_PACK_NAME, policies } from "../../policy/rules";
import { parsePolicyConfig, reconcilePolicyConfig } from "../../tools/plan/policy";
import { REPO_ROOT } from "../../tools/offline/run-stack";

/**
 * Boots `policy/` exactly as `pulumi preview --policy-pack policy` does for a Node.js pack (the
 * CLI's `pulumi-analyzer-policy` shim: resolve `@pulumi/pulumi/cmd/run-policy-pack` from the pack
 * directory, run it there with the engine address and `.`), then plays the engine's part over
 * gRPC: read the pack's info, configure it from a config file, send resources to analyse.
 */
const POLICY_DIR = path.join(REPO_ROOT, "policy");

function unary<T>(call: (callback: (error: grpc.ServiceError | null, value: T) => void) => void) {
  return new Promise<T>((resolve, reject) => {
    call((error, value) => {
      if (error) {
        reject(error);
      } else {
        resolve(value);
      }
    });
  });
}

function configureRequest(config: unknown, source: string): analyzer.ConfigureAnalyzerRequest {
  const request = new analyzer.ConfigureAnalyzerRequest();
  const settings = reconcilePolicyConfig(parsePolicyConfig(config, source));
  const levels: Record<string, analyzer.EnforcementLevel> = {
    advisory: analyzer.EnforcementLevel.ADVISORY,
    mandatory: analyzer.EnforcementLevel.MANDATORY,
    disabled: analyzer.EnforcementLevel.DISABLED,
    remediate: analyzer.EnforcementLevel.REMEDIATE,
  };
  for (const [name, setting] of settings) {
    const policyConfig = new analyzer.PolicyConfig();
    policyConfig.setEnforcementlevel(
      levels[setting.enforcementLevel] ?? analyzer.EnforcementLevel.ADVISORY,
    );
    policyConfig.setProperties(
      Struct.fromJavaScript(setting.properties as Record<string, JavaScriptValue>),
    );
    request.getPolicyconfigMap().set(name, policyConfig);
  }
  return request;
}

const URN_PREFIX = "urn:pulumi:prod::hiring-infra::";

function analyzeRequest(type: string, name: string, props: Record<string, JavaScriptValue>) {
  return new analyzer.AnalyzeRequest()
    .setUrn(`${URN_PREFIX}${type}::${name}`)
    .setType(type)
    .setName(name)
    .setProperties(Struct.fromJavaScript(props))
    .setOptions(new analyzer.AnalyzerResourceOptions().setProtect(false));
}

function diagnostics(
  response: analyzer.AnalyzeResponse,
): [string, analyzer.EnforcementLevel, string][] {
  return response
    .getDiagnosticsList()
    .map((item) => [item.getPolicyname(), item.getEnforcementlevel(), item.getUrn()]);
}

const WEAK_CLUSTER: Record<string, JavaScriptValue> = {
  disableLocalAccounts: false,
  enableRBAC: true,
  aadProfile: { managed: true, enableAzureRBAC: true },
  networkProfile: { networkPolicy: "cilium" },
  oidcIssuerProfile: { enabled: true },
  securityProfile: {
    workloadIdentity: { enabled: true },
    defender: { securityMonitoring: { enabled: true } },
  },
  autoUpgradeProfile: { upgradeChannel: "patch", nodeOSUpgradeChannel: "NodeImage" },
  apiServerAccessProfile: { authorizedIPRanges: ["203.0.113.0/24"] },
  agentPoolProfiles: [
    {
      name: "system",
      mode: "System",
      availabilityZones: ["1", "2", "3"],
      nodeTaints: ["CriticalAddonsOnly=true:NoSchedule"],
      enableEncryptionAtHost: true,
    },
  ],
  sku: { tier: "Standard" },
  addonProfiles: { omsagent: { enabled: true }, azurepolicy: { enabled: true } },
  tags: {
    project: "hiring-infra",
    stack: "prod",
    owner: "platform-team",
    "cost-center": "cc-1042",
    "managed-by": "pulumi",
  },
};

describe("the policy pack under Pulumi's policy-pack runner", { timeout: 120_000 }, () => {
  let pack: ChildProcess | undefined;
  let client: AnalyzerClient | undefined;
  let stderr = "";
  const connected = (): AnalyzerClient => {
    assert.ok(client, `the pack did not start:\n${stderr}`);
    return client;
  };

  before(async () => {
    // What the CLI's pulumi-analyzer-policy shim runs, from the pack directory.
    const runner = execFileSync(
      process.execPath,
      ["-e", "console.log(require.resolve('@pulumi/pulumi/cmd/run-policy-pack'))"],
      { cwd: POLICY_DIR, encoding: "utf8" },
    ).trim();
    const child = spawn(process.execPath, [runner, "127.0.0.1:0", "."], { cwd: POLICY_DIR });
    pack = child;
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const port = await new Promise<string>((resolve, reject) => {
      let stdout = "";
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        const line = /^(\d+)\n/.exec(stdout);
        if (line?.[1] !== undefined) {
          resolve(line[1]);
        }
      });
      child.on("exit", (code) => {
        reject(
          new Error(`the pack exited with ${String(code)} before serving:\n${stdout}${stderr}`),
        );
      });
    });
    client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  });

  after(() => {
    client?.close();
    pack?.kill();
  });

  it("starts (TypeScript compiled by the runner) and serves the pack's rules, advisory by default", async () => {
    const info = await unary<analyzer.AnalyzerInfo>((callback) => {
      connected().getAnalyzerInfo(new Empty(), callback);
    });
    assert.equal(info.getName(), POLICY_PACK_NAME);
    assert.equal(info.getVersion(), "0.1.0");
    assert.equal(info.getSupportsconfig(), true);
    const served = info.getPoliciesList();
    assert.deepEqual(
      served.map((item) => item.getName()),
      policies.map((item) => item.name),
    );
    for (const item of served) {
      assert.equal(item.getEnforcementlevel(), analyzer.EnforcementLevel.ADVISORY, item.getName());
      assert.ok(item.getRemediationSteps().length > 0, item.getName());
    }
    assert.equal(stderr, "");
  });

  it("with config.prod.json a violation is mandatory; with config.dev.json it is advisory", async () => {
    const request = analyzeRequest(
      "azure-native:containerservice:ManagedCluster",
      "cluster-cluster",
      WEAK_CLUSTER,
    );
    await unary((callback) => {
      connected().configure(configureRequest(prodConfig, "policy/config.prod.json"), callback);
    });
    const prod = await unary<analyzer.AnalyzeResponse>((callback) => {
      connected().analyze(request, callback);
    });
    // The engine attaches a resource diagnostic to the resource it analysed; the pack sends no URN.
    assert.deepEqual(diagnostics(prod), [
      ["aks-local-accounts-disabled", analyzer.EnforcementLevel.MANDATORY, ""],
    ]);
    assert.match(prod.getDiagnosticsList()[0]?.getMessage() ?? "", /Fix: set disableLocalAccounts/);

    await unary((callback) => {
      connected().configure(configureRequest(devConfig, "policy/config.dev.json"), callback);
    });
    const dev = await unary<analyzer.AnalyzeResponse>((callback) => {
      connected().analyze(request, callback);
    });
    assert.deepEqual(diagnostics(dev), [
      ["aks-local-accounts-disabled", analyzer.EnforcementLevel.ADVISORY, ""],
    ]);
  });

  it("runs the stack rules over the whole stack at the end of a preview", async () => {
    await unary((callback) => {
      connected().configure(configureRequest(prodConfig, "policy/config.prod.json"), callback);
    });
    const type = "azure-native:dbforpostgresql:Server";
    const server = new analyzer.AnalyzerResource()
      .setUrn(`${URN_PREFIX}${type}::database-server`)
      .setType(type)
      .setName("database-server")
      .setProperties(Struct.fromJavaScript({ serverName: "psql-hire-prod" }))
      .setOptions(new analyzer.AnalyzerResourceOptions().setProtect(false));
    const response = await unary<analyzer.AnalyzeResponse>((callback) => {
      connected().analyzeStack(
        new analyzer.AnalyzeStackRequest().setResourcesList([server]),
        callback,
      );
    });
    assert.deepEqual(diagnostics(response).sort(), [
      ["postgres-checkpoints-logged", analyzer.EnforcementLevel.MANDATORY, server.getUrn()],
      ["postgres-tls-enforced", analyzer.EnforcementLevel.MANDATORY, server.getUrn()],
      ["stateful-resources-protected", analyzer.EnforcementLevel.MANDATORY, server.getUrn()],
    ]);
  });
});
