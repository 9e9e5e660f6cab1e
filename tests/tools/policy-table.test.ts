import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { policies } from "../../policy/rules";
import {
  README,
  renderPolicyTable,
  replaceTable,
  TABLE_END,
  TABLE_START,
  tableInReadme,
} from "../../tools/policy-table";

describe("README policy table", () => {
  it("is the table generated from the pack (else: npm run policy:table -- --write)", async () => {
    const readme = readFileSync(README, "utf8");
    assert.equal(tableInReadme(readme), (await renderPolicyTable()).trim());
  });

  it("has one row per rule with its prod and dev level", async () => {
    const rows = (await renderPolicyTable()).trim().split("\n").slice(2);
    assert.equal(rows.length, policies.length);
    assert.match(
      rows.find((row) => row.includes("`postgres-backup-retention`")) ?? "",
      /\| mandatory \(minimumDays: 35\) +\| advisory +\|/,
    );
  });

  it("--write replaces only the text between the markers", () => {
    const readme = `# Title\n\n${TABLE_START}\n\nold\n\n${TABLE_END}\n\nAfter.\n`;
    assert.equal(
      replaceTable(readme, "| new |\n"),
      `# Title\n\n${TABLE_START}\n\n| new |\n\n${TABLE_END}\n\nAfter.\n`,
    );
    assert.throws(
      () => replaceTable("# No markers\n", "x"),
      /README.md has no <!-- policy-table:start -->/,
    );
  });
});
