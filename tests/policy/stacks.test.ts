import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { policies } from "../../policy/rules";
import { UNKNOWN_MARKER, type PlanResource, type StackPlan } from "../../tools/plan/plan";
import {
  enforcementForStack,
  evaluatePolicies,
  hasMandatoryViolations,
  renderPolicyReport,
  summarizePolicies,
  type PolicyEvaluation,
  type PolicyResult,
} from "../../tools/plan/policy";
import { readStackConfigFile } from "../../tools/offline/run-stack";
import { sharedPlan } from "../../tools/offline/shared-runs";

function result(evaluation: PolicyEvaluation, name: string): PolicyResult {
  const found = evaluation.results.find((item) => item.name === name);
  assert.ok(found, `no result for ${name}`);
  return found;
}

function resource(plan: StackPlan, type: string): PlanResource {
  const found = plan.resources.find((item) => item.type === type);
  assert.ok(found, `no ${type} in the ${plan.stack} plan`);
  return found;
}

/** A copy of the plan with one resource replaced by `change(resource)`. */
function mutate(
  plan: StackPlan,
  type: string,
  change: (resource: PlanResource) => PlanResource | undefined,
): StackPlan {
  const target = resource(plan, type);
  const copy = structuredClone(plan);
  return {
    ...copy,
    resources: copy.resources.flatMap((item) => {
      if (item.urn !== target.urn) {
        return [item];
      }
      const changed = change(item);
      return changed === undefined ? [] : [changed];
    }),
  };
}

function withInputs(item: PlanResource, inputs: Record<string, unknown>): PlanResource {
  return { ...item, inputs: { ...item.inputs, ...inputs } };
}

const SERVER = "azure-native:dbforpostgresql:Server";
const VAULT = "azure-native:keyvault:Vault";

describe("policies on the committed stacks", () => {
  let prod: StackPlan;
  let dev: StackPlan;
  const prodEnforcement = enforcementForStack(readStackConfigFile("prod"));
  const devEnforcement = enforcementForStack(readStackConfigFile("dev"));

  before(async () => {
    prod = await sharedPlan("prod");
    dev = await sharedPlan("dev");
  });

  it("the stack's environment picks the config: production → config.prod.json, else config.dev.json", () => {
    assert.equal(prodEnforcement.source, "policy/config.prod.json");
    assert.equal(devEnforcement.source, "policy/config.dev.json");
    assert.equal(
      enforcementForStack(readStackConfigFile("local")).source,
      "policy/config.dev.json",
    );
    assert.equal(enforcementForStack({}).source, "policy/config.dev.json");
  });

  it("prod passes every rule, each enforced as mandatory", async () => {
    const evaluation = await evaluatePolicies(prod, prodEnforcement);
    assert.equal(evaluation.results.length, policies.length);
    for (const item of evaluation.results) {
      assert.equal(item.enforcementLevel, "mandatory", item.name);
      assert.deepEqual(item.findings, [], `${item.name}: ${JSON.stringify(item.findings)}`);
    }
    assert.equal(hasMandatoryViolations(evaluation), false);
    assert.match(
      renderPolicyReport(evaluation),
      /^policies: \d+ passed, 0 mandatory violations, 0 advisory violations, \d+ not applicable$/m,
    );
  });

  it("prod's rules see the resources they are about", async () => {
    const evaluation = await evaluatePolicies(prod, prodEnforcement);
    for (const name of [
      "aks-system-pool-isolated",
      "postgres-tls-enforced",
      "keyvault-purge-protection",
      "acr-admin-user-disabled",
      "required-tags",
      "stateful-resources-protected",
      "no-privileged-role-at-subscription-scope",
      "k8s-app-namespace-restricted",
    ]) {
      assert.equal(result(evaluation, name).status, "passed", name);
      assert.ok(result(evaluation, name).checked > 0, name);
    }
  });

  it("dev is advisory only and reports exactly where it differs from the production baseline", async () => {
    const evaluation = await evaluatePolicies(dev, devEnforcement);
    assert.equal(hasMandatoryViolations(evaluation), false);
    const advisory = evaluation.results.filter((item) => item.status === "advisory");
    // Dev runs without Defender, with a short soft-delete window and an ingestion cap: cheaper,
    // and refused only in production.
    assert.deepEqual(advisory.map((item) => item.name).sort(), [
      "aks-defender-for-containers",
      "aks-zone-redundant-standard-tier",
      "keyvault-purge-protection",
      "keyvault-soft-delete-retention",
      "log-analytics-no-daily-cap",
      "postgres-geo-redundant-backup",
      "postgres-zone-redundant-ha",
      "stateful-resources-protected",
    ]);
    const cluster = resource(dev, "azure-native:containerservice:ManagedCluster");
    const zones = result(evaluation, "aks-zone-redundant-standard-tier").findings;
    assert.ok(
      zones.some((finding) => finding.urn === cluster.urn && /"Free" tier/.test(finding.message)),
      JSON.stringify(zones),
    );
    assert.ok(zones.every((finding) => finding.enforcementLevel === "advisory"));
    const protectedFindings = result(evaluation, "stateful-resources-protected").findings;
    assert.ok(protectedFindings.some((finding) => finding.urn === resource(dev, SERVER).urn));
  });

  it("dev's report lists its advisory findings and the summary line", async () => {
    const evaluation = await evaluatePolicies(dev, devEnforcement);
    const report = renderPolicyReport(evaluation);
    const summary = summarizePolicies(evaluation);
    assert.match(report, /^Policies for dev \(levels from policy\/config\.dev\.json\)$/m);
    assert.match(
      report,
      /^ {2}advisory {2}aks-zone-redundant-standard-tier\n {6}azure-native:containerservice:\S+ cluster-\S+: /m,
    );
    assert.match(report, /database-server: High availability is "Disabled"/);
    assert.ok(summary.advisoryViolations >= 5);
    assert.ok(
      report.endsWith(
        `policies: ${summary.passed} passed, 0 mandatory violations, ${summary.advisoryViolations} advisory violations, ${summary.notApplicable} not applicable\n`,
      ),
    );
  });

  describe("a weakened prod plan fails the matching rule as mandatory", () => {
    async function mandatoryFindings(plan: StackPlan): Promise<[string, string][]> {
      const evaluation = await evaluatePolicies(plan, prodEnforcement);
      assert.equal(hasMandatoryViolations(evaluation), true);
      return evaluation.results
        .filter((item) => item.status === "mandatory")
        .flatMap((item) =>
          item.findings.map((finding): [string, string] => [item.name, finding.urn ?? ""]),
        );
    }

    it("database high availability switched off", async () => {
      const changed = mutate(prod, SERVER, (server) =>
        withInputs(server, { highAvailability: { mode: "Disabled", standbyAvailabilityZone: "" } }),
      );
      assert.deepEqual(await mandatoryFindings(changed), [
        ["postgres-zone-redundant-ha", resource(prod, SERVER).urn],
      ]);
      const report = renderPolicyReport(await evaluatePolicies(changed, prodEnforcement));
      assert.match(report, /^ {2}MANDATORY postgres-zone-redundant-ha$/m);
      assert.match(report, /^policies: \d+ passed, 1 mandatory violations, 0 advisory violations/m);
    });

    it("Key Vault opened to public networks", async () => {
      const changed = mutate(prod, VAULT, (vault) => {
        const properties = vault.inputs.properties as Record<string, unknown>;
        return withInputs(vault, {
          properties: {
            ...properties,
            publicNetworkAccess: "Enabled",
            networkAcls: { defaultAction: "Allow", bypass: "AzureServices" },
          },
        });
      });
      assert.deepEqual(await mandatoryFindings(changed), [
        ["keyvault-network-restricted", resource(prod, VAULT).urn],
      ]);
    });

    it("the vault's protect option dropped", async () => {
      const changed = mutate(prod, VAULT, (vault) => ({ ...vault, options: {} }));
      assert.deepEqual(await mandatoryFindings(changed), [
        ["stateful-resources-protected", resource(prod, VAULT).urn],
      ]);
    });

    it("the Container Insights data collection rule association removed", async () => {
      const changed: StackPlan = {
        ...prod,
        resources: prod.resources.filter(
          (item) => item.type !== "azure-native:monitor:DataCollectionRuleAssociation",
        ),
      };
      assert.deepEqual(await mandatoryFindings(changed), [
        [
          "aks-container-insights-collection",
          resource(prod, "azure-native:containerservice:ManagedCluster").urn,
        ],
      ]);
    });

    it("the require_secure_transport parameter removed", async () => {
      const changed: StackPlan = {
        ...prod,
        resources: prod.resources.filter(
          (item) =>
            !(
              item.type === "azure-native:dbforpostgresql:Configuration" &&
              item.inputs.configurationName === "require_secure_transport"
            ),
        ),
      };
      assert.deepEqual(await mandatoryFindings(changed), [
        ["postgres-tls-enforced", resource(prod, SERVER).urn],
      ]);
    });
  });

  it("a rule that reads a value unknown until deployment is reported as advisory, as under the CLI", async () => {
    const changed = mutate(prod, "azure-native:containerservice:ManagedCluster", (cluster) =>
      withInputs(cluster, { disableLocalAccounts: UNKNOWN_MARKER }),
    );
    const evaluation = await evaluatePolicies(changed, prodEnforcement);
    const item = result(evaluation, "aks-local-accounts-disabled");
    assert.equal(item.status, "advisory");
    assert.match(
      item.findings[0]?.message ?? "",
      /^can't run policy 'aks-local-accounts-disabled' during preview: .*disableLocalAccounts/,
    );
    assert.equal(hasMandatoryViolations(evaluation), false);
  });

  it("a disabled rule is skipped and counted", async () => {
    const evaluation = await evaluatePolicies(dev, {
      source: "inline",
      config: { all: "advisory", "stateful-resources-protected": "disabled" },
    });
    assert.equal(result(evaluation, "stateful-resources-protected").status, "disabled");
    assert.match(renderPolicyReport(evaluation), /, 1 disabled\n$/);
  });
});
