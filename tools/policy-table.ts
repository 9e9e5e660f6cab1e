import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { format, resolveConfig } from "prettier";
import devConfigJson from "../policy/config.dev.json";
import prodConfigJson from "../policy/config.prod.json";
import { policies, WORKLOAD_TYPES, type HiringPolicy } from "../policy/rules";
import { TAGGABLE_TYPES } from "../core/resource-types";
import {
  parsePolicyConfig,
  POLICY_CONFIG_FILES,
  reconcilePolicyConfig,
  type PolicySettings,
} from "./plan/policy";
import { STATEFUL_TYPES } from "../core/resource-types";

/** The README this table lives in. */
export const README = path.resolve(__dirname, "..", "README.md");

/** The lines around the generated table in the README. */
export const TABLE_START = "<!-- policy-table:start -->";
export const TABLE_END = "<!-- policy-table:end -->";

function sameTypes(left: readonly string[], right: Iterable<string>): boolean {
  const other = new Set(right);
  return left.length === other.size && left.every((type) => other.has(type));
}

/** `containerservice:ManagedCluster` for `azure-native:containerservice:ManagedCluster`. */
function shortType(type: string): string {
  return type.split(":").slice(1).join(":");
}

function appliesTo(policy: HiringPolicy): string {
  if (sameTypes(policy.appliesTo, TAGGABLE_TYPES)) {
    return `taggable azure-native types (${TAGGABLE_TYPES.size}, \`TAGGABLE_TYPES\`)`;
  }
  if (sameTypes(policy.appliesTo, STATEFUL_TYPES)) {
    return `stateful types (${STATEFUL_TYPES.size}, \`STATEFUL_TYPES\`)`;
  }
  if (sameTypes(policy.appliesTo, WORKLOAD_TYPES)) {
    return `workloads: ${WORKLOAD_TYPES.map((type) => type.split(":").pop() ?? type).join(", ")}`;
  }
  return policy.appliesTo.map(shortType).join(", ");
}

/** The level, with any config property that differs from the rule's schema default. */
function level(policy: HiringPolicy, settings: PolicySettings | undefined): string {
  if (settings === undefined) {
    return policy.enforcementLevel;
  }
  const changed = Object.entries(settings.properties).filter(([key, value]) => {
    const schema = policy.configSchema?.properties[key];
    const fallback = typeof schema === "object" ? schema.default : undefined;
    return JSON.stringify(value) !== JSON.stringify(fallback);
  });
  const details = changed.map(([key, value]) => `${key}: ${JSON.stringify(value)}`).join(", ");
  return details === "" ? settings.enforcementLevel : `${settings.enforcementLevel} (${details})`;
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/**
 * The README's policy table, from the pack itself: each rule's name, the resource types it
 * reads, its level under `policy/config.prod.json` and `policy/config.dev.json`, and its
 * description. Formatted with the repository's Prettier settings, so the README stays as
 * Prettier writes it.
 */
export async function renderPolicyTable(): Promise<string> {
  const prod = reconcilePolicyConfig(parsePolicyConfig(prodConfigJson, POLICY_CONFIG_FILES.prod));
  const dev = reconcilePolicyConfig(parsePolicyConfig(devConfigJson, POLICY_CONFIG_FILES.dev));
  const rows = policies.map((policy) =>
    [
      `\`${policy.name}\``,
      appliesTo(policy),
      level(policy, prod.get(policy.name)),
      level(policy, dev.get(policy.name)),
      policy.description,
    ].map(cell),
  );
  const markdown = [
    "| rule | applies to | prod | dev | what it requires |",
    "| --- | --- | --- | --- | --- |",
    ...rows.map((row) => `| ${row.join(" | ")} |`),
  ].join("\n");
  const options = (await resolveConfig(README)) ?? {};
  return format(markdown, { ...options, parser: "markdown" });
}

/** The README with the text between the table markers replaced by `table`. */
export function replaceTable(readme: string, table: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) {
    throw new Error(`README.md has no ${TABLE_START} ... ${TABLE_END} section`);
  }
  return `${readme.slice(0, start + TABLE_START.length)}\n\n${table.trim()}\n\n${readme.slice(end)}`;
}

/** The table currently between the README's markers. */
export function tableInReadme(readme: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) {
    throw new Error(`README.md has no ${TABLE_START} ... ${TABLE_END} section`);
  }
  return readme.slice(start + TABLE_START.length, end).trim();
}

async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: { write: { type: "boolean", default: false } },
  });
  const table = await renderPolicyTable();
  if (values.write) {
    writeFileSync(README, replaceTable(readFileSync(README, "utf8"), table));
    process.stdout.write(`updated the policy table in ${path.basename(README)}\n`);
  } else {
    process.stdout.write(table);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
