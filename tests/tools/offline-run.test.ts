import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { runStack, StackRunFailure } from "../../tools/offline/run-stack";

/** Runs the program with no config at all, which it refuses, and returns the failure. */
async function refusedRun(): Promise<StackRunFailure> {
  const failure: unknown = await runStack({ stack: "dev", config: {} }).then(
    () => assert.fail("the program accepted an empty config"),
    (error: unknown) => error,
  );
  assert.ok(failure instanceof StackRunFailure);
  return failure;
}

/** Whether an error's stack names any frame (`    at …` lines). */
const hasFrames = (error: unknown): boolean =>
  error instanceof Error && /\n\s+at /.test(error.stack ?? "");

describe("offline run", () => {
  afterEach(() => {
    delete process.env.PULUMI_DEBUG_PROMISE_LEAKS;
  });

  it("captures no stack frames while the program runs (the SDK's per-promise traces), and restores the limit", async () => {
    const limit = Error.stackTraceLimit;
    const failure = await refusedRun();
    assert.equal(hasFrames(failure.cause), false, String((failure.cause as Error).stack));
    assert.ok((failure.cause as Error).message.length > 0);
    assert.equal(Error.stackTraceLimit, limit);
    assert.equal(hasFrames(new Error("after the run")), true);
  });

  it("keeps stack frames when PULUMI_DEBUG_PROMISE_LEAKS asks for leak details", async () => {
    process.env.PULUMI_DEBUG_PROMISE_LEAKS = "1";
    const failure = await refusedRun();
    assert.equal(hasFrames(failure.cause), true);
  });
});
