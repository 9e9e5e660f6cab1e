import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { realpathSync } from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../../tools/offline/run-stack";

/** Debian's groovy needs JAVA_HOME; derive it from the java on PATH when unset. */
export function groovyEnv(): NodeJS.ProcessEnv {
  if (process.env.JAVA_HOME) {
    return process.env;
  }
  const java = spawnSync("sh", ["-c", "command -v java"], { encoding: "utf8" }).stdout.trim();
  if (!java) {
    return process.env;
  }
  return { ...process.env, JAVA_HOME: path.dirname(path.dirname(realpathSync(java))) };
}

/**
 * Skip reason for the Groovy checks: `.ci/run` installs Debian's groovy and sets
 * `REQUIRE_GROOVY=1`, so there a missing groovy fails the checks; elsewhere (a developer, or the
 * Jenkins test agent, whose image has no JVM) the skip is reported, never silently passed.
 * False when groovy runs.
 */
export function groovySkip(): string | false {
  const available = spawnSync("groovy", ["--version"], { env: groovyEnv() }).status === 0;
  return !available && process.env.REQUIRE_GROOVY !== "1" ? "groovy is not installed" : false;
}

/** Compiles each file with Groovy in one JVM; maps file → "ok" or the compiler's message. */
export function parseGroovy(files: readonly string[]): Map<string, string> {
  const result = spawnSync(
    "groovy",
    [path.join(REPO_ROOT, "tests/delivery/parse-groovy.groovy"), ...files],
    { encoding: "utf8", env: groovyEnv() },
  );
  assert.equal(result.status, 0, result.stderr);
  const verdicts = new Map<string, string>();
  for (const line of result.stdout.split("\n")) {
    const match = /^(ok|error) (\S+?)(?::\s(.*))?$/.exec(line);
    if (match?.[2]) {
      verdicts.set(match[2], match[1] === "ok" ? "ok" : (match[3] ?? "error"));
    }
  }
  return verdicts;
}
