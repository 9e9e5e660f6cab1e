import { type JenkinsSettings, PULUMI_BASE_IMAGE } from "../../infra/cicd";

/** The repository the Jenkins tests scan. */
export const TEST_REPOSITORY_URL = "https://github.com/hiring/hiring-infra.git";

/** Entra ids the Jenkins tests use: the app registration, its tenant, an approver group. */
export const TEST_ENTRA = {
  clientId: "3c8e5a2f-6d1b-4e9a-8f7c-0b2d4e6f8a1c",
  tenantId: "5b7d9f1e-3a2c-4e6b-9d8f-1a3c5e7b9d2f",
  approverGroup: "9d1e7c45-2b6a-4f83-a0c9-5e7d8f9a0b1c",
} as const;

/** Plain Jenkins settings (local realm, admin approves, no ingress), with `overrides`. */
export function jenkinsSettings(overrides: Partial<JenkinsSettings> = {}): JenkinsSettings {
  return {
    namespace: "jenkins",
    repositoryUrl: TEST_REPOSITORY_URL,
    signIn: { realm: "local" },
    breakGlass: false,
    approvers: ["admin"],
    ingress: { enabled: false },
    persistentVolumeSize: "20Gi",
    workloadIdentity: false,
    agentImage: PULUMI_BASE_IMAGE,
    pipelineEnvironment: {},
    targets: [{ stack: "prod" }, { stack: "dev" }],
    ...overrides,
  };
}

/** The same settings signing in with Entra ID, the test group approving. */
export function entraJenkinsSettings(overrides: Partial<JenkinsSettings> = {}): JenkinsSettings {
  return jenkinsSettings({
    signIn: { realm: "entra", clientId: TEST_ENTRA.clientId, tenantId: TEST_ENTRA.tenantId },
    approvers: [`group:${TEST_ENTRA.approverGroup}`],
    workloadIdentity: true,
    ...overrides,
  });
}
