import { readFile, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { analyseDrift, driftExitCode, renderDriftMarkdown } from "./drift";
import { EXIT_CODES, describeRemoval, gate, type ExitCode } from "./gate";
import {
  checkEventLogMatches,
  parseEventLog,
  parsePreview,
  PreviewFormatError,
  type PolicyEvent,
} from "./parse";
import { renderMarkdown } from "./render";
import { summarise } from "./summarise";

const USAGE = `Usage:
  npm run preview-summary -- <preview.json | -> [--out summary.md]
                             [--allow-replace <urn | name | type>]... [--events <events.jsonl>]
  npm run preview-summary -- --drift <refresh-preview.json | -> [--out drift.md]

Reads the JSON that \`pulumi preview --json\` prints (\`-\` reads stdin) and writes a Markdown
summary for reviewers to --out, or to stdout. The gate's verdict goes to stderr.

  --allow-replace  a resource a reviewer accepts to see replaced or deleted: its full URN, its
                   logical name or its type token; repeat for each
  --events         the engine event log of the same preview (PULUMI_DEBUG_COMMANDS=true
                   pulumi preview --json --event-log <file>), to list policy violations, which
                   the preview JSON leaves out
  --drift          read \`pulumi refresh --preview-only --json\` instead and write a drift report:
                   which resources drifted, which properties, state value -> cloud value,
                   stateful ones first

Exit codes:
  0  nothing needs attention, or every stateful/protected replacement or deletion is allowed
  1  the summariser itself failed (a bug; the message says where)
  2  the input, the event log or an option could not be read
  3  a stateful or protected resource would be replaced or deleted and is not allowed
  4  the preview reported errors or mandatory policy violations (this wins over 3);
     with --drift: the refresh reported errors, so drift is not fully known
  5  with --drift: a resource no longer matches the stack's state (drift)`;

/** Where the CLI reads and writes; tests pass their own. */
export interface SummaryIo {
  out(text: string): void;
  err(text: string): void;
  /** The whole of standard input, for the `-` argument. */
  stdin(): Promise<string>;
}

class UsageError extends Error {}

/** A file that cannot be read or written: the message says which and why; no usage text. */
class FileError extends Error {}

async function readInput(file: string, io: SummaryIo): Promise<string> {
  try {
    return file === "-" ? await io.stdin() : await readFile(file, "utf8");
  } catch (error) {
    throw new FileError(`cannot read ${file}: ${(error as Error).message}`);
  }
}

async function writeReport(markdown: string, out: string | undefined, io: SummaryIo) {
  if (out === undefined) {
    io.out(markdown);
    return;
  }
  try {
    await writeFile(out, markdown);
  } catch (error) {
    throw new FileError(`cannot write ${out}: ${(error as Error).message}`);
  }
}

async function run(argv: readonly string[], io: SummaryIo): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      out: { type: "string" },
      "allow-replace": { type: "string", multiple: true, default: [] },
      events: { type: "string" },
      drift: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    io.out(`${USAGE}\n`);
    return EXIT_CODES.ok;
  }
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0) {
    throw new UsageError("expected one preview file (or - for stdin)");
  }
  const source = file === "-" ? "stdin" : file;
  if (values.drift) {
    if (values.events !== undefined || values["allow-replace"].length > 0) {
      throw new UsageError("--drift takes neither --events nor --allow-replace");
    }
    const report = analyseDrift(parsePreview(await readInput(file, io), source), source);
    await writeReport(await renderDriftMarkdown(report), values.out, io);
    const code = driftExitCode(report);
    for (const resource of report.drifted) {
      io.err(`drift: ${resource.drift} ${resource.type} ${resource.name}\n`);
    }
    io.err(`preview-summary --drift: exit ${code}\n`);
    return code;
  }
  const digest = parsePreview(await readInput(file, io), source);
  let policyEvents: readonly PolicyEvent[] | undefined;
  if (values.events !== undefined) {
    const log = parseEventLog(await readInput(values.events, io), values.events);
    checkEventLogMatches(digest, log, { preview: source, events: values.events });
    policyEvents = log.policyEvents;
  }

  const summary = summarise(digest, policyEvents);
  const verdict = gate(summary, { allow: values["allow-replace"] });
  await writeReport(await renderMarkdown(summary, { verdict }), values.out, io);

  for (const removal of verdict.allowed) {
    io.err(`allowed: ${describeRemoval(removal)}\n`);
  }
  for (const entry of verdict.unusedAllowances) {
    io.err(`warning: --allow-replace ${entry} matches no stateful or protected change\n`);
  }
  for (const reason of verdict.reasons) {
    io.err(`${reason}\n`);
  }
  io.err(`preview-summary: exit ${verdict.code}\n`);
  return verdict.code;
}

/** The `npm run preview-summary` command; returns the exit code (see {@link USAGE}). */
export async function main(argv: readonly string[], io: SummaryIo): Promise<ExitCode> {
  try {
    return await run(argv, io);
  } catch (error) {
    if (error instanceof PreviewFormatError || error instanceof FileError) {
      io.err(`${error.message}\n`);
      return EXIT_CODES.unreadableInput;
    }
    if (error instanceof UsageError || (error instanceof TypeError && "code" in error)) {
      io.err(`${error.message}\n\n${USAGE}\n`);
      return EXIT_CODES.unreadableInput;
    }
    throw error;
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin as AsyncIterable<Buffer | string>) {
    chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

if (require.main === module) {
  void main(process.argv.slice(2), {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    stdin: readStdin,
  }).then((code) => {
    process.exitCode = code;
  });
}
