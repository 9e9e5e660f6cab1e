import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { shard, shardFiles, testFiles } from "./shards";

describe("test shards", () => {
  it("loads every test file in exactly one of the two shards", () => {
    const files = testFiles();
    assert.ok(files.includes("harness/shards.test.ts"));
    const loaded = [...shard(0, 2), ...shard(1, 2)];
    assert.deepEqual([...loaded].sort(), files);
  });

  it("keeps files that share program runs in one shard and balances the rest by weight", () => {
    const groups = shardFiles(
      [
        { file: "a", weight: 50, sharesRuns: true },
        { file: "b", weight: 40, sharesRuns: false },
        { file: "c", weight: 30, sharesRuns: true },
        { file: "d", weight: 20, sharesRuns: false },
        { file: "e", weight: 10, sharesRuns: false },
      ],
      2,
    );
    assert.deepEqual(groups, [
      ["a", "c"],
      ["b", "d", "e"],
    ]);
  });
});
