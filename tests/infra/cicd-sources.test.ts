/**
 * Every attribute the Jenkins component writes into its JCasC document exists for the pinned
 * core and plugins. Jenkins cannot run here, so the evidence is the table below: each attribute
 * path (`[]` for list entries, describable symbols as keys) with the source that defines it at
 * the pinned tag. The test walks the documents the component generates in every mode and fails
 * on an attribute the table does not vouch for, on a stale table row, and on attributes known
 * to be gone (JCasC refuses unknown attributes: `UnknownAttributesException`).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse as parseYaml } from "yaml";
import {
  JENKINS_CHART_VERSION,
  JENKINS_CORE_VERSION,
  JENKINS_PLUGINS,
  type JenkinsSettings,
  jcascConfig,
} from "../../infra/cicd";
import { entraJenkinsSettings, jenkinsSettings } from "../harness/jenkins";

const CORE = "jenkinsci/jenkins@jenkins-2.555.3";
const CASC = "jenkinsci/configuration-as-code-plugin@2100.vb_fd699d2a_09c";
const K8S = "jenkinsci/kubernetes-plugin@4423.vb_59f230b_ce53";
const AZURE_AD = "jenkinsci/azure-ad-plugin@699.v6dd03c77b_981";
const MATRIX = "jenkinsci/matrix-auth-plugin@matrix-auth-3.2.8";
const JOB_DSL = "jenkinsci/job-dsl-plugin@3654.vdf58f53e2d15";
const CREDENTIALS = "jenkinsci/credentials-plugin@1502.v5c95e620ddfe";
const LOCKS = "jenkinsci/lockable-resources-plugin@1539.v4db_b_fc1cc115";
const PLAIN_CREDENTIALS = "jenkinsci/plain-credentials-plugin@199.v9f8e1f741799";
const K8S_CLOUD = `${K8S}:src/main/java/org/csanchez/jenkins/plugins/kubernetes/KubernetesCloud.java`;
const K8S_TEMPLATE = `${K8S}:src/main/java/org/csanchez/jenkins/plugins/kubernetes/PodTemplate.java`;
const JENKINS = `${CORE}:core/src/main/java/jenkins/model/Jenkins.java`;

/**
 * Attribute path → where it is defined. Symbols without `@Symbol` come from JCasC's naming rule
 * (class name minus the extension point's name: KubernetesCloud → kubernetes,
 * AzureSecurityRealm → azure, GlobalMatrixAuthorizationStrategy → globalMatrix,
 * StringCredentialsImpl → string; ${CASC}:plugin/src/main/java/io/jenkins/plugins/casc/impl/
 * attributes/DescribableAttribute.java `getSymbols`).
 */
const ATTRIBUTE_SOURCES: Readonly<Record<string, string>> = {
  "jenkins.systemMessage": `${JENKINS} setSystemMessage`,
  "jenkins.numExecutors": `${JENKINS} setNumExecutors`,
  "jenkins.mode": `${JENKINS} setMode`,
  "jenkins.slaveAgentPort": `${JENKINS} setSlaveAgentPort`,
  "jenkins.markupFormatter": `${CORE}:core/src/main/java/hudson/markup/EscapedMarkupFormatter.java @Symbol("plainText")`,
  "jenkins.crumbIssuer": `${CORE}:core/src/main/java/hudson/security/csrf/DefaultCrumbIssuer.java @Symbol("standard"), no-argument @DataBoundConstructor`,
  "jenkins.securityRealm.local.allowsSignup": `${CORE}:core/src/main/java/hudson/security/HudsonPrivateSecurityRealm.java @DataBoundConstructor(allowsSignup, enableCaptcha, captchaSupport), @Symbol("local")`,
  "jenkins.securityRealm.local.enableCaptcha": `${CORE}:core/src/main/java/hudson/security/HudsonPrivateSecurityRealm.java @DataBoundConstructor`,
  "jenkins.securityRealm.local.users[].id": `${CASC}:plugin/src/main/java/io/jenkins/plugins/casc/core/HudsonPrivateSecurityRealmConfigurator.java UserWithPassword(id, password)`,
  "jenkins.securityRealm.local.users[].password": `${CASC}:plugin/src/main/java/io/jenkins/plugins/casc/core/HudsonPrivateSecurityRealmConfigurator.java UserWithPassword(id, password)`,
  "jenkins.securityRealm.local.users[].name": `${CASC}:plugin/src/main/java/io/jenkins/plugins/casc/core/HudsonPrivateSecurityRealmConfigurator.java UserWithPassword.setName`,
  "jenkins.securityRealm.azure.tenant": `${AZURE_AD}:src/main/java/com/microsoft/jenkins/azuread/AzureSecurityRealm.java @DataBoundConstructor(tenant, clientId, clientSecret, cacheDuration)`,
  "jenkins.securityRealm.azure.clientId": `${AZURE_AD}:src/main/java/com/microsoft/jenkins/azuread/AzureSecurityRealm.java @DataBoundConstructor`,
  "jenkins.securityRealm.azure.cacheDuration": `${AZURE_AD}:src/main/java/com/microsoft/jenkins/azuread/AzureSecurityRealm.java @DataBoundConstructor`,
  "jenkins.securityRealm.azure.credentialType": `${AZURE_AD}:src/main/java/com/microsoft/jenkins/azuread/AzureSecurityRealm.java setCredentialType ("WorkloadIdentity"); src/test/resources/.../configuration-as-code-workload-identity.yml`,
  "jenkins.securityRealm.azure.fromRequest": `${AZURE_AD}:src/main/java/com/microsoft/jenkins/azuread/AzureSecurityRealm.java setFromRequest`,
  "jenkins.authorizationStrategy.globalMatrix.entries[].user.name": `${MATRIX}:src/main/java/org/jenkinsci/plugins/matrixauth/integrations/casc/DefinitionEntry.java (user)`,
  "jenkins.authorizationStrategy.globalMatrix.entries[].user.permissions[]": `${MATRIX}:src/main/java/org/jenkinsci/plugins/matrixauth/integrations/casc/MatrixAuthorizationStrategyConfigurator.java "permissions"`,
  "jenkins.authorizationStrategy.globalMatrix.entries[].group.name": `${MATRIX}:src/main/java/org/jenkinsci/plugins/matrixauth/integrations/casc/DefinitionEntry.java (group)`,
  "jenkins.authorizationStrategy.globalMatrix.entries[].group.permissions[]": `${MATRIX}:src/main/java/org/jenkinsci/plugins/matrixauth/integrations/casc/MatrixAuthorizationStrategyConfigurator.java "permissions"`,
  "jenkins.globalNodeProperties[].envVars.env[].key": `${CORE}:core/src/main/java/hudson/slaves/EnvironmentVariablesNodeProperty.java @Symbol("envVars"), Entry(key, value)`,
  "jenkins.globalNodeProperties[].envVars.env[].value": `${CORE}:core/src/main/java/hudson/slaves/EnvironmentVariablesNodeProperty.java Entry(key, value)`,
  "jenkins.clouds[].kubernetes.name": `${K8S_CLOUD} @DataBoundConstructor KubernetesCloud(name)`,
  "jenkins.clouds[].kubernetes.serverUrl": `${K8S_CLOUD} setServerUrl`,
  "jenkins.clouds[].kubernetes.credentialsId": `${K8S_CLOUD} setCredentialsId`,
  "jenkins.clouds[].kubernetes.usageRestricted": `${K8S_CLOUD} setUsageRestricted`,
  "jenkins.clouds[].kubernetes.namespace": `${K8S_CLOUD} setNamespace`,
  "jenkins.clouds[].kubernetes.jenkinsUrl": `${K8S_CLOUD} setJenkinsUrl`,
  "jenkins.clouds[].kubernetes.jenkinsTunnel": `${K8S_CLOUD} setJenkinsTunnel`,
  "jenkins.clouds[].kubernetes.containerCapStr": `${K8S_CLOUD} setContainerCapStr`,
  "jenkins.clouds[].kubernetes.connectTimeout": `${K8S_CLOUD} setConnectTimeout`,
  "jenkins.clouds[].kubernetes.readTimeout": `${K8S_CLOUD} setReadTimeout`,
  "jenkins.clouds[].kubernetes.templates[].id": `${K8S_TEMPLATE} @DataBoundConstructor PodTemplate(id)`,
  "jenkins.clouds[].kubernetes.templates[].name": `${K8S_TEMPLATE} setName`,
  "jenkins.clouds[].kubernetes.templates[].label": `${K8S_TEMPLATE} setLabel`,
  "jenkins.clouds[].kubernetes.templates[].namespace": `${K8S_TEMPLATE} setNamespace`,
  "jenkins.clouds[].kubernetes.templates[].serviceAccount": `${K8S_TEMPLATE} setServiceAccount`,
  "jenkins.clouds[].kubernetes.templates[].nodeUsageMode": `${K8S_TEMPLATE} setNodeUsageMode(String)`,
  "jenkins.clouds[].kubernetes.templates[].idleMinutes": `${K8S_TEMPLATE} setIdleMinutes`,
  "jenkins.clouds[].kubernetes.templates[].showRawYaml": `${K8S_TEMPLATE} setShowRawYaml`,
  "jenkins.clouds[].kubernetes.templates[].yaml": `${K8S_TEMPLATE} setYaml`,
  "credentials.system.domainCredentials[].credentials[].string.scope": `${PLAIN_CREDENTIALS}:src/main/java/org/jenkinsci/plugins/plaincredentials/impl/StringCredentialsImpl.java @DataBoundConstructor(scope, id, description, secret); ${CREDENTIALS}:src/test/resources/com/cloudbees/plugins/credentials/casc/SystemCredentialsTest.yaml`,
  "credentials.system.domainCredentials[].credentials[].string.id": `${PLAIN_CREDENTIALS}:src/main/java/org/jenkinsci/plugins/plaincredentials/impl/StringCredentialsImpl.java @DataBoundConstructor`,
  "credentials.system.domainCredentials[].credentials[].string.description": `${PLAIN_CREDENTIALS}:src/main/java/org/jenkinsci/plugins/plaincredentials/impl/StringCredentialsImpl.java @DataBoundConstructor`,
  "credentials.system.domainCredentials[].credentials[].string.secret": `${PLAIN_CREDENTIALS}:src/main/java/org/jenkinsci/plugins/plaincredentials/impl/StringCredentialsImpl.java @DataBoundConstructor`,
  "security.apiToken.creationOfLegacyTokenEnabled": `${CORE}:core/src/main/java/jenkins/security/apitoken/ApiTokenPropertyConfiguration.java @Symbol("apiToken"); jenkinsci/helm-charts@jenkins-5.9.29:charts/jenkins/values.yaml JCasC.security.apiToken`,
  "security.apiToken.tokenGenerationOnCreationEnabled": `${CORE}:core/src/main/java/jenkins/security/apitoken/ApiTokenPropertyConfiguration.java`,
  "security.apiToken.usageStatisticsEnabled": `${CORE}:core/src/main/java/jenkins/security/apitoken/ApiTokenPropertyConfiguration.java`,
  "security.globalJobDslSecurityConfiguration.useScriptSecurity": `${JOB_DSL}:job-dsl-plugin/src/main/groovy/javaposse/jobdsl/plugin/GlobalJobDslSecurityConfiguration.groovy useScriptSecurity`,
  "unclassified.lockableResourcesManager.declaredResources[].name": `${LOCKS}:src/main/java/org/jenkins/plugins/lockableresources/LockableResource.java @DataBoundConstructor LockableResource(name); LockableResourcesManager.setDeclaredResources; src/test/resources/org/jenkins/plugins/lockableresources/configuration-as-code.yml`,
  "unclassified.lockableResourcesManager.declaredResources[].description": `${LOCKS}:src/main/java/org/jenkins/plugins/lockableresources/LockableResource.java @DataBoundSetter setDescription`,
  "unclassified.location.url": `${CORE}:core/src/main/java/jenkins/model/JenkinsLocationConfiguration.java @Symbol("location"), setUrl`,
  "jobs[].script": `${JOB_DSL}:job-dsl-plugin/src/main/java/javaposse/jobdsl/plugin/casc/SeedJobConfigurator.java root "jobs"`,
};

/**
 * Attributes that no longer exist at the pinned versions. excludeClientIPFromCrumb: at
 * jenkins-2.555.3 DefaultCrumbIssuer's @DataBoundConstructor takes no argument and the field is
 * transient (removed in 2.543); JCasC fails the boot on it.
 */
const REMOVED_ATTRIBUTES = ["excludeClientIPFromCrumb"];

const base = jenkinsSettings({
  pipelineEnvironment: { PULUMI_BACKEND_URL: "azblob://pulumi-state?storage_account=sthirestate" },
});
const entra = entraJenkinsSettings({
  approvers: [...entraJenkinsSettings().approvers, "0e2f4a6c-8b1d-4c3e-9f5a-7b9d1c3e5f70"],
  pipelineEnvironment: base.pipelineEnvironment,
});
const MODES: Readonly<Record<string, JenkinsSettings>> = {
  local: base,
  entra,
  "entra in break-glass": { ...entra, breakGlass: true },
  "with an ingress": {
    ...base,
    ingress: { enabled: true, host: "jenkins.example.com", tlsSecretName: "jenkins-tls" },
  },
};

/** Attribute paths of a parsed JCasC document: keys joined by dots, `[]` for list entries. */
function attributePaths(value: unknown, path = "", into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    value.forEach((entry) => attributePaths(entry, `${path}[]`, into));
  } else if (value !== null && typeof value === "object") {
    for (const [key, entry] of Object.entries(value)) {
      attributePaths(entry, path === "" ? key : `${path}.${key}`, into);
    }
  } else {
    into.add(path);
  }
  return into;
}

describe("JCasC attributes against the pinned core and plugins", () => {
  const used = new Set<string>();
  for (const [mode, settings] of Object.entries(MODES)) {
    it(`sets only attributes the pinned versions define (${mode})`, () => {
      const paths = attributePaths(parseYaml(jcascConfig(settings)));
      for (const path of paths) {
        used.add(path);
        assert.ok(ATTRIBUTE_SOURCES[path] !== undefined, `no source vouches for ${path}`);
      }
    });
  }

  it("keeps no table row that no mode uses (a stale row would vouch for nothing)", () => {
    for (const mode of Object.values(MODES)) {
      attributePaths(parseYaml(jcascConfig(mode)), "", used);
    }
    assert.deepEqual(
      Object.keys(ATTRIBUTE_SOURCES).filter((path) => !used.has(path)),
      [],
    );
  });

  it("never sets an attribute removed from the pinned core (boot failure: UnknownAttributesException)", () => {
    for (const settings of Object.values(MODES)) {
      const text = jcascConfig(settings);
      for (const removed of REMOVED_ATTRIBUTES) {
        assert.ok(!text.includes(removed), removed);
      }
    }
  });

  it("cites the chart's core version and pins a plugin for every plugin-defined attribute", () => {
    assert.equal(JENKINS_CHART_VERSION, "5.9.29");
    assert.equal(CORE, `jenkinsci/jenkins@jenkins-${JENKINS_CORE_VERSION}`);
    const pinned = new Map(JENKINS_PLUGINS.map((plugin) => plugin.split(":") as [string, string]));
    // Pinned explicitly, at the cited tag.
    assert.equal(pinned.get("configuration-as-code"), "2100.vb_fd699d2a_09c");
    assert.equal(pinned.get("kubernetes"), "4423.vb_59f230b_ce53");
    assert.equal(pinned.get("azure-ad"), "699.v6dd03c77b_981");
    assert.equal(pinned.get("job-dsl"), "3654.vdf58f53e2d15");
    assert.equal(pinned.get("lockable-resources"), "1539.v4db_b_fc1cc115");
    // The tag the globalMatrix attributes were read at (MATRIX).
    assert.equal(`jenkinsci/matrix-auth-plugin@matrix-auth-${pinned.get("matrix-auth")}`, MATRIX);
    // credentials and plain-credentials come as dependencies of credentials-binding, azure-ad
    // and kubernetes (azure-ad-plugin@699.v6dd03c77b_981:pom.xml lists plain-credentials).
    assert.ok(pinned.has("credentials-binding"));
  });
});
