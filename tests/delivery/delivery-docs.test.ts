import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { parseStackFile, SECRETS_PROVIDER_PLACEHOLDER } from "../../tools/ci/preflight";
import { REPO_ROOT } from "../../tools/offline/run-stack";

const README = readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
const OPERATIONS = readFileSync(path.join(REPO_ROOT, "docs/operations.md"), "utf8");

/** Flags `preview` and `up` both define (pulumi/pulumi@v3.259.0 operations/preview.go, up.go). */
const UPDATE_FLAGS = [
  ...["--stack", "-s", "--policy-pack", "--policy-pack-config", "--diff", "--json", "-j"],
  ...["--refresh", "-r", "--expect-no-changes"],
];

/**
 * The flags of each Pulumi CLI command the docs use, as pulumi/pulumi@v3.259.0 defines them
 * (`pkg/cmd/pulumi/<file>`; `pulumi stack` subcommands also take the persistent `--stack/-s`
 * of stack/stack.go). `stack init` is an alias of `stack new` (stack/stack_new.go `Aliases`).
 */
const PULUMI_COMMAND_FLAGS: Readonly<Record<string, readonly string[]>> = {
  // auth/login.go
  login: ["--cloud-url", "-c", "--default-org", "--local", "-l", "--insecure", "--interactive"],
  // stack/stack_new.go
  "stack init": [
    "--stack",
    "-s",
    "--secrets-provider",
    "--copy-config-from",
    "--no-select",
    "--yes",
    "-y",
  ],
  // stack/stack_select.go
  "stack select": ["--stack", "-s", "--create", "-c", "--secrets-provider"],
  // stack/stack_export.go
  "stack export": ["--stack", "-s", "--file", "--version", "--show-secrets"],
  // stack/stack_import.go
  "stack import": ["--stack", "-s", "--force", "-f", "--file"],
  // stack/stack_output.go
  "stack output": ["--stack", "-s", "--json", "-j", "--shell", "--show-secrets"],
  // stack/stack_change_secrets_provider.go
  "stack change-secrets-provider": ["--stack", "-s"],
  // stack/stack_list.go
  "stack ls": ["--all", "-a", "--organization", "-o", "--project", "-p", "--tag", "-t"],
  // operations/preview.go
  preview: [...UPDATE_FLAGS, "--save-plan", "--event-log"],
  // operations/up.go
  up: [...UPDATE_FLAGS, "--plan", "--yes", "-y", "--skip-preview", "-f"],
  // operations/refresh.go
  refresh: ["--stack", "-s", "--yes", "-y", "--clear-pending-creates", "--run-program"],
  // cancel/cancel.go
  cancel: ["--stack", "-s", "--yes", "-y"],
  // config/config.go (`set`)
  "config set": ["--stack", "-s", "--secret", "--plaintext", "--path"],
};

/** The shell code blocks of a Markdown document, continuation lines joined. */
function shellBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```sh\n([^]*?)^```$/gm)].map((match) =>
    (match[1] ?? "").replace(/\\\n\s*/g, " "),
  );
}

/** Every `pulumi ...` invocation in a document's shell blocks, comments removed, as tokens. */
function pulumiInvocations(markdown: string): string[][] {
  const invocations: string[][] = [];
  for (const block of shellBlocks(markdown)) {
    for (const line of block.split("\n")) {
      const code = line.replace(/(^|\s)#.*$/, "");
      for (const segment of code.split(/&&|\|\||;|\||\(|\)/)) {
        const tokens = segment.match(/"[^"]*"|'[^']*'|\S+/g) ?? [];
        if (tokens[0] === "pulumi") {
          invocations.push(tokens.slice(1));
        }
      }
    }
  }
  return invocations;
}

/** The problems of one invocation: an unknown command or a flag the command does not define. */
function invocationProblems(tokens: readonly string[]): string[] {
  const words = tokens.filter((token) => !token.startsWith("-"));
  const command = [2, 1]
    .map((count) => words.slice(0, count).join(" "))
    .find((candidate) => candidate in PULUMI_COMMAND_FLAGS);
  if (command === undefined) {
    return [`pulumi ${tokens.join(" ")}: command not in the checked table`];
  }
  const allowed = PULUMI_COMMAND_FLAGS[command] ?? [];
  return tokens
    .filter((token) => token.startsWith("-"))
    .map((token) => token.split("=")[0] ?? token)
    .filter((flag) => !allowed.includes(flag))
    .map((flag) => `pulumi ${command}: ${flag} is not a flag of this command`);
}

/** The text of a `## ` or `### ` section, from its heading to the next heading of any level. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`${heading}\n`);
  assert.ok(start >= 0, `missing section ${heading}`);
  const rest = markdown.slice(start + heading.length + 1);
  const next = rest.search(/^#{2,3} /m);
  return next < 0 ? rest : rest.slice(0, next);
}

describe("delivery docs: commands checked against the Pulumi CLI's source", () => {
  const documents = { "README.md": README, "docs/operations.md": OPERATIONS };

  for (const [name, text] of Object.entries(documents)) {
    it(`every pulumi command in ${name}'s shell blocks is a real command with real flags`, () => {
      const invocations = pulumiInvocations(text);
      assert.ok(invocations.length > 5, "expected the docs to show commands");
      assert.deepEqual(invocations.flatMap(invocationProblems), []);
    });
  }

  it("the flag check itself rejects a made-up flag and an unknown command", () => {
    assert.deepEqual(invocationProblems(["stack", "import", "--create", "--file", "x.json"]), [
      "pulumi stack import: --create is not a flag of this command",
    ]);
    assert.deepEqual(invocationProblems(["stack", "rotate"]), [
      "pulumi stack rotate: command not in the checked table",
    ]);
  });

  it("README deploys to the azblob backend with the Key Vault secrets provider, never Pulumi Cloud", () => {
    const deploy = section(README, "## Deploy with the Pulumi CLI");
    const logins = pulumiInvocations(deploy).filter((tokens) => tokens[0] === "login");
    assert.deepEqual(
      logins.map((tokens) => tokens[1]),
      ['"azblob://pulumi-state?storage_account=$AZURE_STORAGE_ACCOUNT"'],
      "a bare `pulumi login` logs in to Pulumi Cloud",
    );
    const init = pulumiInvocations(deploy).find((tokens) => tokens[1] === "init");
    assert.ok(init?.includes("--secrets-provider"), "stack init needs --secrets-provider");
    assert.ok(deploy.includes(SECRETS_PROVIDER_PLACEHOLDER), "the placeholder is documented");
  });
});

describe("delivery docs: secrets provider facts (pulumi v3.259.0, go-cloud b5401c07b5f1)", () => {
  it("no step sets AZURE_KEYVAULT_AUTH_VIA_CLI, which go-cloud no longer reads", () => {
    // google/go-cloud@b5401c07b5f1:secrets/azurekeyvault/akv.go DefaultClientMaker calls
    // azidentity.NewDefaultAzureCredential unconditionally; #3202 removed the variable.
    for (const text of [README, OPERATIONS]) {
      assert.doesNotMatch(text, /AZURE_KEYVAULT_AUTH_VIA_CLI=/);
    }
    assert.match(OPERATIONS, /`AZURE_KEYVAULT_AUTH_VIA_CLI`\s+is no longer read/);
  });

  it("restoring the bootstrap state creates the stack before importing into it", () => {
    // pkg/cmd/pulumi/stack/stack_import.go: RequireStack(..., LoadOnly) -> StackNotFoundError.
    const block = section(OPERATIONS, "### Changing the backend later");
    const commands = pulumiInvocations(block).map((tokens) => tokens.slice(0, 2).join(" "));
    const init = commands.indexOf("stack init");
    const importAt = commands.indexOf("stack import");
    assert.ok(init >= 0 && importAt > init, commands.join(", "));
  });

  it("after a key rotation the bootstrap output is updated by `up --refresh`, not `refresh`", () => {
    // pkg/resource/deploy/step.go RefreshStep.Apply: components (the root stack) never change
    // with a refresh; only a program run recomputes stack outputs.
    const rotation = section(OPERATIONS, "## Rotating the secrets key");
    const commands = pulumiInvocations(rotation);
    assert.ok(commands.some((tokens) => tokens[0] === "up" && tokens.includes("--refresh")));
    assert.ok(
      !commands.some((tokens) => tokens[0] === "refresh"),
      "plain refresh keeps old outputs",
    );
  });

  it("change-secrets-provider is described as a new data key, not a re-wrap", () => {
    // pkg/secrets/cloud/manager.go NewCloudSecretsManager: a changed URL -> generateNewDataKey.
    const rotation = section(OPERATIONS, "## Rotating the secrets key");
    assert.doesNotMatch(rotation, /wraps it with the new one/);
    assert.match(rotation, /does not re-wrap the old data key/);
    assert.match(rotation, /generate a new 32-byte data key/);
  });

  it("old key versions stay enabled for the state's retention window, so old checkpoints restore", () => {
    const rotation = section(OPERATIONS, "## Rotating the secrets key");
    assert.match(rotation, /Keep old versions \*\*enabled\*\*/);
    assert.match(rotation, /retention window \(blob versions and soft delete 30 days/);
    assert.match(rotation, /--enabled true/);
  });
});

describe("stack files: secrets provider", () => {
  const read = (stack: string) =>
    parseStackFile(readFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8"));

  for (const stack of ["dev", "prod"]) {
    it(`Pulumi.${stack}.yaml names the Key Vault secrets provider (placeholder until stack init)`, () => {
      const file = read(stack);
      assert.equal(file.platform, "azure");
      // pulumi/pulumi@v3.259.0:sdk/go/common/workspace/project.go ProjectStack:
      // `secretsprovider` and `encryptedkey` are the top-level keys the CLI reads.
      assert.ok(
        file.secretsProvider === SECRETS_PROVIDER_PLACEHOLDER ||
          /^azurekeyvault:\/\/[a-z0-9-]+\.vault\.azure\.net\/keys\/pulumi-secrets\/[0-9a-f]+$/.test(
            file.secretsProvider ?? "",
          ),
        String(file.secretsProvider),
      );
      const text = readFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8");
      assert.doesNotMatch(
        text,
        /^encryptionsalt:/m,
        "a passphrase salt would mean a passphrase stack",
      );
      if (file.secretsProvider !== SECRETS_PROVIDER_PLACEHOLDER) {
        assert.ok(file.encryptedKey, "a real provider comes with its encryptedkey");
      }
    });
  }

  it("Pulumi.local.yaml keeps the passphrase manager that `pulumi login --local` uses", () => {
    const file = read("local");
    assert.equal(file.platform, "local");
    assert.equal(file.secretsProvider, undefined);
    assert.equal(file.encryptedKey, undefined);
  });
});
