/**
 * The nightly drift report (`Jenkinsfile.drift`) runs on the one Jenkins the prod stack hosts:
 * its job builds `main` nightly outside the deploy folder, and every agent it asks for is a
 * `pulumi-preview-<stack>` pod template of that Jenkins whose service account is federated with
 * that stack's read-only preview identity and nothing else.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { parse as parseYaml } from "yaml";
import {
  BUILD_CLOUD,
  DRIFT_JENKINSFILE,
  JCASC_SCRIPT_KEY,
  type JenkinsChartValues,
  agentLabel,
  agentServiceAccount,
} from "../../infra/cicd";
import { BuiltInRole } from "../../infra/roles";
import { unsecret } from "../../tools/offline/recorder";
import { REPO_ROOT, runStack, type StackRun } from "../../tools/offline/run-stack";

const DRIFT = path.join(REPO_ROOT, DRIFT_JENKINSFILE);
/** Roles that change anything; a drift report needs none. */
const WRITERS: readonly string[] = [
  BuiltInRole.contributor,
  BuiltInRole.roleBasedAccessControlAdministrator,
  BuiltInRole.aksRbacClusterAdmin,
  BuiltInRole.storageBlobDataContributor,
];

type Json = Record<string, unknown>;

/**
 * Whether the role-definition action `pattern` covers `action`: `*` "grants access to all actions
 * that match the string" (MicrosoftDocs/azure-docs
 * articles/role-based-access-control/role-definitions.md, "Actions format"); case-insensitive.
 */
const covers = (pattern: string, action: string): boolean =>
  new RegExp(
    `^${pattern
      .split("*")
      .map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, "\\$&"))
      .join(".*")}$`,
    "i",
  ).test(action);

/** The custom role definition behind `roleDefinitionId`, if the stack defines it. */
const customRole = (run: StackRun, roleDefinitionId: string) =>
  run.resources.find(
    (r) =>
      r.type === "azure-native:authorization:RoleDefinition" &&
      r.id.split("/").pop() === roleDefinitionId.split("/").pop(),
  );

describe("the nightly drift report", () => {
  let prod: StackRun;
  let jcasc: Json;
  before(async () => {
    prod = await runStack({ stack: "prod" });
    const release = prod.resources.find((r) => r.type === "kubernetes:helm.sh/v3:Release");
    assert.ok(release !== undefined);
    const values = unsecret(release.inputs.values) as JenkinsChartValues;
    jcasc = parseYaml(values.controller.JCasC.configScripts[JCASC_SCRIPT_KEY] ?? "") as Json;
  });

  /** Pod templates of the build cloud, by label. */
  const buildTemplates = (): Map<string, Json> => {
    const clouds = (jcasc.jenkins as { clouds: { kubernetes: Json }[] }).clouds;
    const build = clouds.find((cloud) => cloud.kubernetes.name === BUILD_CLOUD)?.kubernetes;
    assert.ok(build !== undefined);
    return new Map(
      (build.templates as Json[]).map((template) => [String(template.label), template]),
    );
  };

  it("is a nightly job on main that reads Jenkinsfile.drift, outside the deploy folder", () => {
    const scripts = (jcasc.jobs as { script: string }[]).map((job) => job.script);
    const drift = scripts.find((script) => script.includes(`scriptPath('${DRIFT_JENKINSFILE}')`));
    assert.ok(drift !== undefined);
    assert.match(drift, /^pipelineJob\('hiring-infra-drift'\)/);
    assert.match(drift, /branch\('main'\)/);
    assert.match(drift, /cron \{ spec\('H 2 \* \* \*'\) \}/);
  });

  it("has a read-only preview template for every stack the Jenkins deploys", () => {
    const templates = buildTemplates();
    for (const stack of ["prod", "dev"]) {
      const template = templates.get(agentLabel("preview", stack));
      assert.ok(template !== undefined, stack);
      assert.equal(template.serviceAccount, agentServiceAccount("preview", stack));
    }
  });

  it(
    "asks only for pulumi-preview-<stack> agents, each federated with that stack's preview identity alone",
    { skip: existsSync(DRIFT) ? false : `${DRIFT_JENKINSFILE} is not in this tree yet` },
    () => {
      const text = readFileSync(DRIFT, "utf8");
      // Agent names, literal (pulumi-preview-dev) or per stack (pulumi-preview-${stack}).
      const named = [...text.matchAll(/pulumi-([a-z]+)(?:-(\$\{[^}]+\}|[a-z0-9-]+))?/g)];
      assert.ok(named.length > 0, "the drift pipeline names its agents");
      for (const [name, kind] of named) {
        assert.equal(kind, "preview", `${name}: the drift report runs on read-only agents only`);
      }
      const stacks = [...buildTemplates().keys()]
        .map((label) => /^pulumi-preview-(.+)$/.exec(label)?.[1])
        .filter((stack): stack is string => stack !== undefined);
      const labels = [
        ...new Set(
          named.flatMap(([, , stack = ""]) =>
            stack.startsWith("${")
              ? stacks.map((s) => agentLabel("preview", s))
              : [agentLabel("preview", stack)],
          ),
        ),
      ];
      const templates = buildTemplates();
      for (const label of labels) {
        const stack = /^pulumi-preview-([a-z0-9-]+)$/.exec(label)?.[1];
        assert.ok(stack !== undefined, `${label} is a read-only preview agent`);
        assert.ok(templates.has(label), `${label} is a pod template of the one Jenkins`);
        const subject = `:${agentServiceAccount("preview", stack)}`;
        const federations = prod.resources.filter(
          (r) =>
            r.type === "azure-native:managedidentity:FederatedIdentityCredential" &&
            String(r.inputs.subject).endsWith(subject),
        );
        assert.deepEqual(
          federations.map(
            (federation) => federation.inputs.federatedIdentityCredentialResourceName,
          ),
          [`jenkins-preview-${stack}`],
        );
        const grants = prod.resources.filter(
          (r) =>
            r.type === "azure-native:authorization:RoleAssignment" &&
            r.name.startsWith(`jenkins-preview-${stack}-`),
        );
        assert.ok(grants.length > 0);
        // A refresh reads every resource: Kubernetes Secrets and the Helm release records too.
        let readsSecrets = false;
        for (const grant of grants) {
          const role = String(grant.inputs.roleDefinitionId).split("/").pop() ?? "";
          assert.ok(!WRITERS.includes(role), `${grant.name} must not write`);
          const custom = customRole(prod, String(grant.inputs.roleDefinitionId));
          if (custom === undefined) {
            continue;
          }
          for (const permission of custom.inputs.permissions as Json[]) {
            assert.deepEqual(permission.actions, [], `${custom.name}: no control-plane action`);
            const dataActions = permission.dataActions as string[];
            for (const action of dataActions) {
              assert.match(action, /\/read$/, `${custom.name}: ${action} only reads`);
            }
            for (const write of ["secrets/write", "secrets/delete", "pods/exec/action"]) {
              const action = `Microsoft.ContainerService/managedClusters/${write}`;
              assert.ok(!dataActions.some((a) => covers(a, action)), `${custom.name}: ${action}`);
            }
            readsSecrets ||= dataActions.some((a) =>
              covers(a, "Microsoft.ContainerService/managedClusters/secrets/read"),
            );
          }
        }
        assert.ok(readsSecrets, `${stack}: the preview identity reads Secrets`);
      }
    },
  );
});
