import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";

/**
 * The `secretsprovider` committed in `Pulumi.<stack>.yaml` until the stack is created. `<` and `>`
 * cannot appear in a vault's host name, so it can never reach someone else's vault;
 * `pulumi stack init <stack> --secrets-provider <bootstrap secretsProvider output>` replaces it
 * and adds `encryptedkey`.
 */
export const SECRETS_PROVIDER_PLACEHOLDER =
  "azurekeyvault://kv-hire-state-<suffix>.vault.azure.net/keys/pulumi-secrets/<version>";

/**
 * A Key Vault key URL that names a key version. go-cloud's azurekeyvault keeper takes
 * `<vault>.vault.azure.net/keys/<key>[/<version>]` and, without a version, encrypts and decrypts
 * with the newest one (google/go-cloud@b5401c07b5f1:secrets/azurekeyvault/akv.go, `openKeeper`),
 * so a rotation would make every stack's data key unreadable (pulumi/pulumi#22338).
 */
const VERSIONED_KEY_VAULT_URL =
  /^azurekeyvault:\/\/[a-z0-9-]+\.vault\.azure\.net\/keys\/[^/?#]+\/[^/?#<>]+$/;

/**
 * kubelogin's login modes that need no person at a terminal
 * (Azure/kubelogin@v0.2.19:pkg/internal/token/options.go). `devicecode` and `interactive` wait
 * for someone to sign in, which in a pipeline means hanging until the stage times out.
 */
const UNATTENDED_LOGIN_MODES = [
  "workloadidentity",
  "azurecli",
  "spn",
  "msi",
  "azd",
  "ropc",
  "azurepipelines",
] as const;

/**
 * Variables kubelogin's workloadidentity mode reads (`UpdateFromEnv` in
 * Azure/kubelogin@v0.2.19:pkg/internal/token/options.go; names in pkg/internal/env/variables.go),
 * all injected by the AKS workload identity webhook. AZURE_AUTHORITY_HOST is optional there.
 */
const WORKLOAD_IDENTITY_VARIABLES = [
  "AZURE_CLIENT_ID",
  "AZURE_TENANT_ID",
  "AZURE_FEDERATED_TOKEN_FILE",
] as const;

/** The parts of `Pulumi.<stack>.yaml` the preflight reads. */
export interface StackFile {
  /** `hiring-infra:platform` (`azure` or `local`); undefined when absent. */
  readonly platform: string | undefined;
  /** Top-level `secretsprovider`. */
  readonly secretsProvider: string | undefined;
  /** Top-level `encryptedkey` (the data key wrapped by the secrets provider). */
  readonly encryptedKey: string | undefined;
}

/** What running `kubelogin --version` found. */
export interface KubeloginProbe {
  /** Whether a `kubelogin` on PATH ran and exited 0. */
  readonly found: boolean;
  /** Its combined output, for the version check. */
  readonly output: string;
}

/** Everything the preflight checks, gathered by the caller so the rules stay pure. */
export interface PreflightInputs {
  /** Stack name, for messages. */
  readonly stack: string;
  readonly stackFile: StackFile;
  /** The process environment. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly kubelogin: KubeloginProbe;
  /** Whether a file exists (for AZURE_FEDERATED_TOKEN_FILE). */
  readonly fileExists: (file: string) => boolean;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** Reads the preflight's fields from the text of a `Pulumi.<stack>.yaml`. */
export function parseStackFile(text: string): StackFile {
  const document: unknown = parseYaml(text);
  const root = document !== null && typeof document === "object" ? document : {};
  const config =
    "config" in root && root.config !== null && typeof root.config === "object" ? root.config : {};
  return {
    platform: optionalString((config as Record<string, unknown>)["hiring-infra:platform"]),
    secretsProvider: optionalString((root as Record<string, unknown>).secretsprovider),
    encryptedKey: optionalString((root as Record<string, unknown>).encryptedkey),
  };
}

function secretsProviderProblems(stack: string, file: StackFile): string[] {
  const where = `Pulumi.${stack}.yaml`;
  const create = `create the stack with \`pulumi stack init ${stack} --secrets-provider <secretsProvider output of the bootstrap>\` and commit the file (docs/operations.md, "The first deployment")`;
  const provider = file.secretsProvider;
  if (provider === undefined) {
    // pulumi/pulumi@v3.259.0:pkg/cmd/pulumi/stack/secrets.go (GetSecretsManager) and
    // pkg/backend/diy/backend.go (DefaultSecretManager): no provider, no salt -> passphrase.
    return [
      `${where} has no secretsprovider: on the azblob backend the CLI would fall back to a passphrase secrets manager; ${create}`,
    ];
  }
  if (provider === SECRETS_PROVIDER_PLACEHOLDER) {
    return [`${where}: secretsprovider is still the placeholder; ${create}`];
  }
  const problems: string[] = [];
  if (!VERSIONED_KEY_VAULT_URL.test(provider)) {
    problems.push(
      `${where}: secretsprovider must be azurekeyvault://<vault>.vault.azure.net/keys/<key>/<version> (a pinned key version, as the bootstrap's secretsProvider output); found "${provider}"`,
    );
  }
  if (file.encryptedKey === undefined) {
    // pulumi/pulumi@v3.259.0:pkg/secrets/cloud/manager.go (NewCloudSecretsManager): without
    // encryptedkey every run generates and wraps a new data key.
    problems.push(
      `${where} has no encryptedkey: every run would generate a new data key; ${create}`,
    );
  }
  return problems;
}

function kubeloginProblems(inputs: PreflightInputs): string[] {
  const { env, kubelogin } = inputs;
  const problems: string[] = [];
  if (!kubelogin.found) {
    problems.push(
      'kubelogin is not on PATH: the AKS kubeconfig runs it for every Kubernetes and Helm call, so the deploy would fail after the Azure part was applied; run this stage in the agent image built from ci/agent-image/Dockerfile (docs/operations.md, "The agent image")',
    );
  } else {
    const pinned = optionalString(env.KUBELOGIN_VERSION);
    // Release builds print `git hash: v<version>/<commit>` (Azure/kubelogin@v0.2.19:version.go).
    if (
      pinned !== undefined &&
      !new RegExp(`\\bv${pinned.replace(/\./g, "\\.")}\\b`).test(kubelogin.output)
    ) {
      problems.push(
        `kubelogin on PATH is not the image's pinned v${pinned} (KUBELOGIN_VERSION); \`kubelogin --version\` printed: ${kubelogin.output.trim().replace(/\s+/g, " ")}`,
      );
    }
  }
  const mode = optionalString(env.AAD_LOGIN_METHOD);
  if (mode === undefined) {
    problems.push(
      "AAD_LOGIN_METHOD is not set: kubelogin would use the kubeconfig's device-code login and wait for a person; set it to workloadidentity (the Jenkinsfile's environment)",
    );
  } else if (!(UNATTENDED_LOGIN_MODES as readonly string[]).includes(mode)) {
    problems.push(
      `AAD_LOGIN_METHOD=${mode} waits for a person to sign in; expected one of ${UNATTENDED_LOGIN_MODES.join(", ")}`,
    );
  } else if (mode === "workloadidentity") {
    const missing = WORKLOAD_IDENTITY_VARIABLES.filter((name) => !optionalString(env[name]));
    if (missing.length > 0) {
      problems.push(
        `workload identity is not injected (${missing.join(", ")} unset): the agent pod needs the label azure.workload.identity/use=true and a service account annotated with the identity's client id`,
      );
    } else {
      const tokenFile = env.AZURE_FEDERATED_TOKEN_FILE ?? "";
      if (!inputs.fileExists(tokenFile)) {
        problems.push(`AZURE_FEDERATED_TOKEN_FILE=${tokenFile} does not exist`);
      }
    }
  }
  return problems;
}

/**
 * What would make a preview or deployment of `stack` fail late, found before any Pulumi command
 * runs. An Azure stack needs its Key Vault secrets provider recorded in the stack file, a
 * runnable kubelogin and an unattended kubelogin login; a local stack needs none of these.
 */
export function preflightProblems(inputs: PreflightInputs): string[] {
  if (inputs.stackFile.platform !== "azure") {
    return [];
  }
  return [...secretsProviderProblems(inputs.stack, inputs.stackFile), ...kubeloginProblems(inputs)];
}

/** Runs `kubelogin --version` from PATH. */
export function probeKubelogin(env: NodeJS.ProcessEnv = process.env): KubeloginProbe {
  const result = spawnSync("kubelogin", ["--version"], { encoding: "utf8", env, timeout: 30_000 });
  // When the binary cannot be started, Node leaves stdout and stderr null despite the typings.
  const output = [result.stdout as string | null, result.stderr as string | null].join("");
  return { found: result.error === undefined && result.status === 0, output };
}

function main(argv: readonly string[]): number {
  const [stack, ...rest] = argv;
  if (stack === undefined || rest.length > 0) {
    process.stderr.write("usage: npm run ci:preflight -- <stack>\n");
    return 2;
  }
  const file = path.resolve(__dirname, "..", "..", `Pulumi.${stack}.yaml`);
  if (!existsSync(file)) {
    process.stderr.write(`preflight: no Pulumi.${stack}.yaml\n`);
    return 2;
  }
  const stackFile = parseStackFile(readFileSync(file, "utf8"));
  const problems = preflightProblems({
    stack,
    stackFile,
    env: process.env,
    kubelogin: stackFile.platform === "azure" ? probeKubelogin() : { found: false, output: "" },
    fileExists: existsSync,
  });
  for (const problem of problems) {
    process.stderr.write(`preflight ${stack}: ${problem}\n`);
  }
  if (problems.length > 0) {
    return 1;
  }
  process.stdout.write(
    stackFile.platform === "azure"
      ? `preflight ${stack}: secrets provider, kubelogin and its login are ready\n`
      : `preflight ${stack}: a ${stackFile.platform ?? "non-Azure"} stack needs no Azure tooling\n`,
  );
  return 0;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
