import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { stringify as toYaml } from "yaml";
import { committedStacks, main, planStack, snapshotPath, type Io } from "../../tools/plan/cli";
import { diffPlans, isEmptyDiff, statefulRisks } from "../../tools/plan/diff";
import {
  isSecretMarker,
  parsePlan,
  secretMarker,
  serializePlan,
  type StackPlan,
} from "../../tools/plan/plan";
import { renderDiff, renderDiffMarkdown } from "../../tools/plan/render";
import { readStackConfigFile, withConfig, type RawConfig } from "../../tools/offline/run-stack";
import { sharedPlan, sharedRun } from "../../tools/offline/shared-runs";

interface Captured {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

async function cli(argv: string[], planner?: Parameters<typeof main>[2]): Promise<Captured> {
  let out = "";
  let err = "";
  const io: Io = {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
  };
  const code = await main(argv, io, planner);
  return { code, out, err };
}

/** Writes `config` as `Pulumi.<stack>.yaml` in a fresh directory, the way a user would. */
function stackDirectory(stack: string, config: RawConfig): string {
  const directory = mkdtempSync(path.join(tmpdir(), "plan-"));
  const document = {
    config: Object.fromEntries(
      Object.entries(config).map(([key, value]) => {
        try {
          return [key, JSON.parse(value) as unknown];
        } catch {
          return [key, value];
        }
      }),
    ),
  };
  writeFileSync(path.join(directory, `Pulumi.${stack}.yaml`), toYaml(document));
  return directory;
}

const dev = readStackConfigFile("dev");

/** Plans are deterministic (the --json test proves it): tests that only read one share it. */
function cachedPlan(stack: string, config?: RawConfig): Promise<StackPlan> {
  return sharedPlan(stack, config);
}

describe("offline plan", () => {
  let devPlan: StackPlan;
  before(async () => {
    devPlan = await cachedPlan("dev");
  });

  it("prints the resource tree with a header, settings per resource and masked outputs", async () => {
    const { code, out } = await cli(["dev"], cachedPlan);
    assert.equal(code, 0);
    assert.match(out, /^Plan for hiring-infra\/dev /);
    assert.match(out, /^Resources: \d+ \(azure-native \d+, components \d+/m);
    assert.match(
      out,
      /^\+ hiring:kubernetes:KubernetesCluster {2}cluster\n {4}\+ azure-native:/m,
      "children are indented under their component",
    );
    assert.match(out, /ManagedCluster {2}cluster-cluster {2}kubernetesVersion=1\.34 tier=Free/);
    assert.match(out, /^ {4}kubeconfig: \[secret\]$/m);
    assert.match(out, /^ {4}resourceGroupName: rg-hire-dev$/m);
  });

  it("shows protection and zones for prod", async () => {
    const { out } = await cli(["prod"], cachedPlan);
    assert.match(
      out,
      /dbforpostgresql:Server {2}database-server .*mode=ZoneRedundant.*\[protect\]/,
    );
    assert.match(out, /availabilityZones=\["1","2","3"\]/);
    assert.match(out, /^policies: \d+ passed, 0 mandatory violations/m);
  });

  it("--json is stable: same input, byte-identical output, sorted by URN", async () => {
    const first = await cli(["dev", "--json"]);
    const second = await cli(["dev", "--json"]);
    assert.equal(first.out, second.out);
    const plan = parsePlan(first.out, "stdout");
    const urns = plan.resources.map((resource) => resource.urn);
    assert.deepEqual(
      urns,
      [...urns].sort((a, b) => a.localeCompare(b)),
    );
    for (const resource of plan.resources) {
      assert.ok(resource.urn && resource.type && resource.name && resource.options, resource.urn);
    }
  });

  it("never prints a secret value, only a marker", async () => {
    const server = devPlan.resources.find((r) => r.type === "azure-native:dbforpostgresql:Server");
    assert.ok(isSecretMarker(server?.inputs.administratorLoginPassword));
    const { out } = await cli(["dev", "--json"], cachedPlan);
    const run = await sharedRun("dev");
    const password = run.resources.find(
      (r) => r.type === "random:index/randomPassword:RandomPassword",
    );
    const value = password && (password.outputs.result as string);
    assert.ok(value && value.length >= 16);
    assert.ok(!out.includes(value), "the generated password appears in the plan");
    assert.ok(!out.includes("certificate-authority-data"), "the kubeconfig appears in the plan");
  });

  it("exits 2 with the config error for a bad stack file", async () => {
    const directory = stackDirectory(
      "broken",
      withConfig(dev, { "cluster.systemPool.minCount": 0 }),
    );
    const { code, err, out } = await cli(["broken", "--dir", directory]);
    assert.equal(code, 2);
    assert.equal(out, "");
    assert.match(err, /hiring-infra:cluster\.systemPool\.minCount: .*found 0/);
  });

  it("exits 1 with a readable message when the program throws", async () => {
    const { code, err } = await cli(["dev"], () => Promise.reject(new Error("boom")));
    assert.equal(code, 1);
    assert.equal(err, "The program failed: boom\n");
  });

  it("exits 3 when the plan breaks a mandatory policy of the stack's environment", async () => {
    const prod = await cachedPlan("prod");
    const broken: StackPlan = {
      ...prod,
      resources: prod.resources.map((resource) =>
        resource.type === "azure-native:containerregistry:Registry"
          ? { ...resource, inputs: { ...resource.inputs, adminUserEnabled: true } }
          : resource,
      ),
    };
    const { code, out } = await cli(["prod"], () => Promise.resolve(broken));
    assert.equal(code, 3);
    assert.match(out, /MANDATORY +acr-admin-user-disabled/);
    assert.match(out, /^policies: \d+ passed, 1 mandatory violations/m);
  });

  it("exits 2 for an unknown stack or bad usage", async () => {
    assert.equal((await cli(["staging"])).code, 2);
    assert.equal((await cli(["dev", "--markdown"])).code, 2);
    assert.equal((await cli(["dev", "--nope"])).code, 2);
  });
});

describe("plan snapshots", () => {
  for (const stack of committedStacks()) {
    it(`plans/${stack}.json matches the program and Pulumi.${stack}.yaml (else: npm run plan:update)`, async () => {
      const snapshot = readFileSync(snapshotPath(stack), "utf8");
      const plan = await cachedPlan(stack);
      if (serializePlan(plan) !== snapshot) {
        const changes = renderDiff(diffPlans(parsePlan(snapshot, stack), plan));
        assert.fail(`plans/${stack}.json is out of date; run npm run plan:update\n${changes}`);
      }
    });
  }

  it("fails on an unreviewed change: a stack file edit no longer matches the snapshot", async () => {
    const snapshot = readFileSync(snapshotPath("dev"), "utf8");
    const changed = await cachedPlan("dev", withConfig(dev, { "cluster.userPool.maxCount": 5 }));
    assert.notEqual(serializePlan(changed), snapshot);
  });

  it("the diff against a git ref reads the snapshot committed there", async () => {
    const { code, out } = await cli(["dev", "--diff", "HEAD"], cachedPlan);
    assert.equal(code, 0);
    assert.match(out, /^Plan diff for dev: \d+ to add, \d+ to change, \d+ to remove/);
    const missing = await cli(["dev", "--diff", "no-such-ref"], cachedPlan);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /neither a plan file nor a git ref/);
  });
});

describe("plan diff", () => {
  let base: StackPlan;
  before(async () => {
    base = await cachedPlan("dev");
  });

  it("reports a changed setting at property level", async () => {
    const after = await cachedPlan("dev", withConfig(dev, { "cluster.userPool.maxCount": 5 }));
    const planDiff = diffPlans(base, after);
    assert.deepEqual(
      planDiff.changed.map((r) => r.name),
      ["cluster-apps-pool"],
    );
    assert.match(renderDiff(planDiff), /~ cluster-apps-pool\.inputs\.maxCount: 3 → 5/);
    assert.equal(planDiff.added.length + planDiff.removed.length, 0);
  });

  it("reports an added and a removed resource", async () => {
    const apps = [
      { name: "careers-web" },
      { name: "applicant-api", database: true },
      { name: "offers", database: true },
    ];
    const after = await planStack("dev", withConfig(dev, { apps }));
    const planDiff = diffPlans(base, after);
    const databases = (resources: readonly { type: string; name: string }[]): string[] =>
      resources
        .filter((r) => r.type === "azure-native:dbforpostgresql:Database")
        .map((r) => r.name);
    assert.deepEqual(databases(planDiff.added), ["database-db-offers"]);
    assert.deepEqual(databases(planDiff.removed), ["database-db-interview_scheduler"]);
    assert.ok(planDiff.added.some((r) => r.name === "apps-offers-namespace"));
    assert.ok(planDiff.removed.some((r) => r.name === "apps-interview-scheduler-namespace"));
    const text = renderDiff(planDiff);
    assert.match(text, /^\+ azure-native:dbforpostgresql:Database {2}database-db-offers$/m);
    assert.match(
      text,
      /^- azure-native:dbforpostgresql:Database {2}database-db-interview_scheduler {2}\[stateful: data is lost\]$/m,
    );
    assert.match(
      text,
      /Stateful resources at risk:\n(?: {2}! .*\n)* {2}! azure-native:dbforpostgresql:Database database-db-interview_scheduler is removed/,
    );
  });

  it("flags a change to an id-forming property of a stateful resource as a replacement", async () => {
    const after = await planStack("dev", withConfig(dev, { location: "northeurope" }));
    const risks = statefulRisks(diffPlans(base, after));
    assert.ok(
      risks.some((risk) =>
        /ManagedCluster cluster-cluster is replaced \(inputs\.location\)/.test(risk),
      ),
      risks.join("\n"),
    );
    assert.match(
      renderDiff(diffPlans(base, after)),
      /inputs\.location: westeurope → northeurope {2}\(forces replacement: part of the Azure resource id\)/,
    );
  });

  it("says a secret changed without printing it", () => {
    const after: StackPlan = {
      ...base,
      resources: base.resources.map((resource) =>
        resource.type === "azure-native:dbforpostgresql:Server"
          ? {
              ...resource,
              inputs: {
                ...resource.inputs,
                administratorLoginPassword: secretMarker("a-rotated-password", resource.urn),
              },
            }
          : resource,
      ),
    };
    const text = renderDiff(diffPlans(base, after));
    assert.match(
      text,
      /database-server\.inputs\.administratorLoginPassword: secret changed \(value not shown\)/,
    );
    assert.ok(!text.includes("a-rotated-password"));
    assert.ok(!text.includes("[secret "), "not even the marker digests are printed");
  });

  it("renders Markdown for a pull request", async () => {
    const after = await planStack(
      "dev",
      withConfig(dev, { "cluster.userPool.maxCount": 5, apps: [] }),
    );
    const markdown = await renderDiffMarkdown(diffPlans(base, after));
    assert.match(markdown, /^### Plan diff for `dev`: 0 to add, \d+ to change, \d+ to remove/);
    assert.match(markdown, /> \[!CAUTION\]/);
    assert.match(markdown, /\| ~ change +\| `azure-native:containerservice:AgentPool` +\|/);
    assert.match(markdown, /#### Property changes/);
  });

  it("an identical plan is an empty diff", () => {
    assert.ok(isEmptyDiff(diffPlans(base, base)));
  });
});
