import { spawn } from "node:child_process";

/** One npm script's result: its combined output and exit code. */
export interface ScriptResult {
  readonly script: string;
  readonly code: number;
  readonly output: string;
  readonly seconds: number;
}

/**
 * Runs one npm script with its output captured, so scripts running side by side do not
 * interleave their lines.
 */
function runScript(script: string): Promise<ScriptResult> {
  const started = process.hrtime.bigint();
  // npm sets npm_execpath to its own CLI when it runs a script; fall back to `npm` on the PATH.
  const npm = process.env.npm_execpath;
  const [command, args] =
    npm !== undefined && npm.endsWith(".js")
      ? [process.execPath, [npm, "run", "--silent", script]]
      : ["npm", ["run", "--silent", script]];
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.on("close", (code, signal) => {
      resolve({
        script,
        code: code ?? (signal === null ? 1 : 128),
        output: Buffer.concat(chunks).toString("utf8"),
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
      });
    });
  });
}

/**
 * `npm test`: the type-check, lint and unit tests are independent, and tsc and eslint each use
 * one core, so they run side by side instead of one after another (on two cores the suite
 * took their sum). When all have ended, a line per script says how it went, then each script's
 * output is printed whole in the order given, so the last script's own closing lines (the test
 * runner's counts) end the log. The exit code is the first failing script's, or 0.
 */
async function main(scripts: readonly string[]): Promise<number> {
  if (scripts.length === 0) {
    process.stderr.write("usage: tsx tools/ci/run-scripts.ts <npm script>...\n");
    return 2;
  }
  const results = await Promise.all(scripts.map(runScript));
  for (const { script, code, seconds } of results) {
    process.stdout.write(`${code === 0 ? "ok  " : "FAIL"} ${script} (${seconds.toFixed(1)} s)\n`);
  }
  for (const { script, output } of results) {
    process.stdout.write(`\n> ${script}\n${output}`);
  }
  return results.find((result) => result.code !== 0)?.code ?? 0;
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
