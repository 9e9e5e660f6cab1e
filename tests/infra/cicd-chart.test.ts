/**
 * What the pinned Jenkins chart does with our values, for the parts we depend on. Helm cannot
 * run here, so the template logic is modelled from jenkinsci/helm-charts at tag jenkins-5.9.29
 * (each function cites the template it follows); the test then shows that with our values the
 * chart renders exactly one JCasC document (ours), projects the admin Secret and the deploy
 * cloud's token where JCasC reads them, and that every variable our document references
 * resolves to a projected file. The same model run on the values before the fix reproduces
 * the boot failure, so the model can fail.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { stringify as yamlStringify } from "yaml";
import {
  ADMIN_SECRET_KEYS,
  ADMIN_SECRET_NAME,
  CHART_ADMIN_VARIABLES,
  DEPLOY_CLOUD_TOKEN_SECRET,
  JCASC_SCRIPT_KEY,
  type JenkinsSettings,
  jenkinsChartValues,
} from "../../infra/cicd";
import { entraJenkinsSettings, jenkinsSettings } from "../harness/jenkins";

/** The subset of the chart's values the modelled templates read. */
interface ModelValues {
  readonly fullnameOverride: string;
  readonly controller: {
    readonly admin: {
      readonly createSecret: boolean;
      readonly existingSecret?: string;
      readonly userKey?: string;
      readonly passwordKey?: string;
    };
    readonly existingSecret?: string;
    readonly additionalSecrets?: readonly unknown[];
    readonly additionalExistingSecrets?: readonly { name: string; keyName: string }[];
    readonly JCasC: {
      readonly defaultConfig: boolean;
      readonly securityRealm?: string;
      readonly authorizationStrategy?: string;
      readonly configScripts: Readonly<Record<string, string>>;
    };
    readonly sidecars: { readonly configAutoReload: { readonly enabled: boolean } };
  };
}

/**
 * Defaults from jenkinsci/helm-charts@jenkins-5.9.29:charts/jenkins/values.yaml that matter when
 * our values leave a key out (Helm merges user values over these).
 */
const CHART_DEFAULT_SECURITY_REALM =
  'local:\n  allowsSignup: false\n  enableCaptcha: false\n  users:\n  - id: "${chart-admin-username}"\n    name: "Jenkins Admin"\n    password: "${chart-admin-password}"';
const CHART_DEFAULT_AUTHORIZATION_STRATEGY =
  "loggedInUsersCanDoAnything:\n  allowAnonymousRead: false";

/** Go template truthiness for the values used here: empty string, false, empty list are false. */
const truthy = (value: unknown): boolean =>
  value !== undefined &&
  value !== null &&
  value !== false &&
  value !== "" &&
  !(Array.isArray(value) && value.length === 0);

interface RenderedDocument {
  /** The ConfigMap's name. */
  readonly configMap: string;
  /** The file the config-reload sidecar writes for JCasC. */
  readonly file: string;
}

/**
 * The JCasC ConfigMaps templates/jcasc-config.yaml renders: nothing unless
 * `sidecars.configAutoReload.enabled`; one per non-empty configScripts value; the default
 * document when `defaultConfig`; and, when `defaultConfig` is off, a realm document unless
 * `toYaml configScripts` contains the text `securityRealm:` and a strategy document unless it
 * contains `authorizationStrategy:` — each only if the matching value is non-empty.
 */
function renderedJcascDocuments(values: ModelValues): RenderedDocument[] {
  const { JCasC, sidecars } = values.controller;
  const fullname = values.fullnameOverride;
  if (!sidecars.configAutoReload.enabled) {
    return [];
  }
  const documents: RenderedDocument[] = Object.entries(JCasC.configScripts)
    .filter(([, script]) => truthy(script))
    .map(([key]) => ({ configMap: `${fullname}-jenkins-config-${key}`, file: `${key}.yaml` }));
  if (JCasC.defaultConfig) {
    documents.push({
      configMap: `${fullname}-jenkins-jcasc-config`,
      file: "jcasc-default-config.yaml",
    });
  }
  // sprig's toYaml renders the map of scripts; the guard is a plain substring test on it.
  const configScripts = yamlStringify(JCasC.configScripts);
  const realm = JCasC.securityRealm ?? CHART_DEFAULT_SECURITY_REALM;
  if (truthy(realm) && !configScripts.includes("securityRealm:") && !JCasC.defaultConfig) {
    documents.push({
      configMap: `${fullname}-jenkins-config-securityrealm`,
      file: "securityrealm.yaml",
    });
  }
  const strategy = JCasC.authorizationStrategy ?? CHART_DEFAULT_AUTHORIZATION_STRATEGY;
  if (
    truthy(strategy) &&
    !configScripts.includes("authorizationStrategy:") &&
    !JCasC.defaultConfig
  ) {
    documents.push({
      configMap: `${fullname}-jenkins-config-authorizationstrategy`,
      file: "authorizationstrategy.yaml",
    });
  }
  return documents;
}

interface Projection {
  /** The controller's `SECRETS` variable, or undefined when the chart sets none. */
  readonly secretsDirectory: string | undefined;
  /** File name in that directory → the Secret and key it comes from. */
  readonly files: ReadonlyMap<string, { readonly secret: string; readonly key: string }>;
}

/**
 * The `jenkins-secrets` projected volume and the `SECRETS` variable of
 * templates/jenkins-controller-statefulset.yaml: both exist only if additionalSecrets,
 * existingSecret, additionalExistingSecrets or admin.createSecret is set; each
 * additionalExistingSecrets entry lands as `<name>-<keyName>`; the admin Secret
 * (`admin.existingSecret`, else the release's fullname) lands as chart-admin-username and
 * chart-admin-password, and only when admin.createSecret is true.
 */
function projectedSecrets(values: ModelValues): Projection {
  const { controller } = values;
  const projected =
    truthy(controller.additionalSecrets) ||
    truthy(controller.existingSecret) ||
    truthy(controller.additionalExistingSecrets) ||
    controller.admin.createSecret;
  const files = new Map<string, { secret: string; key: string }>();
  if (!projected) {
    return { secretsDirectory: undefined, files };
  }
  for (const { name, keyName } of controller.additionalExistingSecrets ?? []) {
    files.set(`${name}-${keyName}`, { secret: name, key: keyName });
  }
  if (controller.admin.createSecret) {
    const secret = truthy(controller.admin.existingSecret)
      ? String(controller.admin.existingSecret)
      : values.fullnameOverride;
    files.set("chart-admin-username", {
      secret,
      key: controller.admin.userKey ?? "jenkins-admin-user",
    });
    files.set("chart-admin-password", {
      secret,
      key: controller.admin.passwordKey ?? "jenkins-admin-password",
    });
  }
  return { secretsDirectory: "/run/secrets/additional", files };
}

/**
 * The `${name}` references JCasC resolves in a document; `^${` is the escape
 * (configuration-as-code-plugin@2100.vb_fd699d2a_09c: docs/features/secrets.adoc).
 */
function jcascVariables(text: string): string[] {
  return [...text.matchAll(/(?<!\^)\$\{([^}:]+)(?::-[^}]*)?\}/g)].map((match) => match[1] ?? "");
}

/**
 * Text after the chart's `tpl` for the one action our documents contain: `{{ "{{" }}` renders
 * `{{`. Any other `{{` would be an action Helm evaluates, which the caller asserts never occurs.
 */
function afterTpl(text: string): string {
  return text.replaceAll('{{ "{{" }}', "{{");
}

const settingsOf = jenkinsSettings;
const ENTRA: Partial<JenkinsSettings> = entraJenkinsSettings();

/**
 * The values as the component shipped them before this fix: createSecret false and the JCasC
 * document written as JSON (`"securityRealm": {`), no empty realm or strategy values.
 */
const valuesBeforeTheFix = (): ModelValues => ({
  fullnameOverride: "jenkins",
  controller: {
    admin: {
      createSecret: false,
      existingSecret: ADMIN_SECRET_NAME,
      userKey: ADMIN_SECRET_KEYS.user,
      passwordKey: ADMIN_SECRET_KEYS.password,
    },
    JCasC: {
      defaultConfig: false,
      configScripts: {
        "hiring-infra": JSON.stringify(
          {
            jenkins: {
              securityRealm: { local: { users: [{ id: "${chart-admin-username}" }] } },
              authorizationStrategy: { globalMatrix: { entries: [] } },
            },
          },
          null,
          2,
        ),
      },
    },
    sidecars: { configAutoReload: { enabled: true } },
  },
});

describe("the pinned chart (jenkins-5.9.29) with our values", () => {
  for (const [mode, settings] of [
    ["local realm", settingsOf()],
    ["Entra realm", settingsOf(ENTRA)],
    ["break-glass", settingsOf({ ...ENTRA, breakGlass: true })],
  ] as const) {
    describe(mode, () => {
      const values = jenkinsChartValues(settings);

      it("renders exactly one JCasC document, ours: no second realm or strategy", () => {
        assert.deepEqual(renderedJcascDocuments(values), [
          { configMap: `jenkins-jenkins-config-${JCASC_SCRIPT_KEY}`, file: "hiring-infra.yaml" },
        ]);
      });

      it("projects the admin Secret and the deploy cloud's token into SECRETS", () => {
        const projection = projectedSecrets(values);
        assert.equal(projection.secretsDirectory, "/run/secrets/additional");
        assert.deepEqual(Object.fromEntries(projection.files), {
          [`${DEPLOY_CLOUD_TOKEN_SECRET.name}-${DEPLOY_CLOUD_TOKEN_SECRET.key}`]: {
            secret: DEPLOY_CLOUD_TOKEN_SECRET.name,
            key: DEPLOY_CLOUD_TOKEN_SECRET.key,
          },
          [CHART_ADMIN_VARIABLES.user]: { secret: ADMIN_SECRET_NAME, key: ADMIN_SECRET_KEYS.user },
          [CHART_ADMIN_VARIABLES.password]: {
            secret: ADMIN_SECRET_NAME,
            key: ADMIN_SECRET_KEYS.password,
          },
        });
      });

      it("references only variables that resolve to a projected file, after tpl", () => {
        const script = values.controller.JCasC.configScripts[JCASC_SCRIPT_KEY] ?? "";
        const withoutEscapes = script.replaceAll('{{ "{{" }}', "");
        assert.ok(!withoutEscapes.includes("{{"), "no Helm action other than the escape");
        const files = projectedSecrets(values).files;
        for (const name of jcascVariables(afterTpl(script))) {
          assert.ok(files.has(name), `\${${name}} resolves to nothing the chart projects`);
        }
      });
    });
  }

  it("keeps the realm's variables away from every value a pipeline or a config key controls", () => {
    const values = jenkinsChartValues(
      settingsOf({
        pipelineEnvironment: {
          LEAK: "${chart-admin-password}",
          TEMPLATE: "{{ .Values.controller.admin.password }}",
          DEFAULTED: "${POD_NAME:-x}",
        },
      }),
    );
    const script = afterTpl(values.controller.JCasC.configScripts[JCASC_SCRIPT_KEY] ?? "");
    // The admin user's own two references remain; nothing from the environment resolves.
    assert.deepEqual(jcascVariables(script).sort(), [
      "chart-admin-password",
      "chart-admin-username",
      "chart-admin-username",
      `${DEPLOY_CLOUD_TOKEN_SECRET.name}-${DEPLOY_CLOUD_TOKEN_SECRET.key}`,
    ]);
    assert.ok(script.includes("^${chart-admin-password}"));
    assert.ok(script.includes("{{ .Values.controller.admin.password }}"));
  });

  it("reproduces the boot failure on the values before the fix (the model can fail)", () => {
    const before = valuesBeforeTheFix();
    // Three documents: ours plus the chart's local realm and loggedInUsersCanDoAnything.
    assert.deepEqual(
      renderedJcascDocuments(before).map((document) => document.file),
      ["hiring-infra.yaml", "securityrealm.yaml", "authorizationstrategy.yaml"],
    );
    // No SECRETS and no files: ${chart-admin-username} resolves to nothing.
    const projection = projectedSecrets(before);
    assert.equal(projection.secretsDirectory, undefined);
    assert.equal(projection.files.size, 0);
  });

  it("renders nothing at all without the config-reload sidecar, so it must stay on", () => {
    const values = jenkinsChartValues(settingsOf());
    assert.equal(values.controller.sidecars.configAutoReload.enabled, true);
    assert.deepEqual(
      renderedJcascDocuments({
        ...values,
        controller: { ...values.controller, sidecars: { configAutoReload: { enabled: false } } },
      }),
      [],
    );
  });

  it("runs the controller with the Entra app's workload identity only when Entra signs in", () => {
    const entra = jenkinsChartValues(settingsOf(ENTRA));
    assert.deepEqual(entra.controller.podLabels, { "azure.workload.identity/use": "true" });
    assert.deepEqual(entra.serviceAccount.annotations, {
      "azure.workload.identity/client-id": "3c8e5a2f-6d1b-4e9a-8f7c-0b2d4e6f8a1c",
    });
    const breakGlass = jenkinsChartValues(settingsOf({ ...ENTRA, breakGlass: true }));
    assert.deepEqual(breakGlass.controller.podLabels, {});
    assert.deepEqual(breakGlass.serviceAccount.annotations, {});
  });
});
