import { readFileSync } from "node:fs";
import { z } from "zod";

/** How `pulumi stack output --json` prints a secret without `--show-secrets`. */
const SECRET = "[secret]";

const httpsUrl = (suffix: RegExp, what: string): z.ZodString =>
  z.string().regex(suffix, `expected ${what}`);

/** What every deployed Azure stack must output, and in which form. */
const azureOutputs = z.looseObject({
  platform: z.literal("azure"),
  resourceGroupName: z.string().regex(/^rg-/, "expected a resource group name"),
  clusterName: z.string().regex(/^aks-/, "expected an AKS cluster name"),
  oidcIssuerUrl: httpsUrl(/^https:\/\/\S+\/$/, "the cluster's OIDC issuer URL"),
  kubeconfig: z.literal(SECRET, "expected the kubeconfig to be a secret"),
  keyVaultUri: httpsUrl(/^https:\/\/[\w-]+\.vault\.azure\.net\/$/, "a Key Vault URI"),
  registryLoginServer: z.string().regex(/^[a-z0-9]+\.azurecr\.io$/, "expected an ACR login server"),
  databaseHost: z
    .string()
    .regex(/\.postgres\.database\.azure\.com$/, "expected a PostgreSQL server host name"),
});

/** What a stack on an existing cluster must output. */
const localOutputs = z.looseObject({ platform: z.literal("local") });

const stackOutputs = z.discriminatedUnion("platform", [azureOutputs, localOutputs]);

/**
 * Checks the outputs of a freshly deployed stack: every expected output is there, in the right
 * form, and nothing that must be secret is printed in clear. Returns the problems found.
 */
export function verifyOutputs(outputs: unknown): string[] {
  const result = stackOutputs.safeParse(outputs);
  if (result.success) {
    return [];
  }
  return result.error.issues.map(
    (issue) => `${issue.path.join(".") || "(outputs)"}: ${issue.message}`,
  );
}

function main(argv: readonly string[]): number {
  const [file] = argv;
  if (file === undefined) {
    process.stderr.write("usage: npm run verify-outputs -- <outputs.json>\n");
    return 2;
  }
  let outputs: unknown;
  try {
    outputs = JSON.parse(readFileSync(file === "-" ? 0 : file, "utf8"));
  } catch (error) {
    process.stderr.write(`cannot read ${file}: ${(error as Error).message}\n`);
    return 2;
  }
  const problems = verifyOutputs(outputs);
  for (const problem of problems) {
    process.stderr.write(`stack output ${problem}\n`);
  }
  if (problems.length === 0) {
    process.stdout.write("stack outputs verified\n");
  }
  return problems.length === 0 ? 0 : 1;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
