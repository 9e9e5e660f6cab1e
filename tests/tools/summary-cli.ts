import { main, type SummaryIo } from "../../tools/preview-summary/cli";

/** What one run of the preview-summary command returned and printed. */
export interface Captured {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs `npm run preview-summary -- <argv>` in-process, `stdin` as standard input. */
export async function runSummaryCli(argv: string[], stdin = ""): Promise<Captured> {
  let out = "";
  let err = "";
  const io: SummaryIo = {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
    stdin: () => Promise.resolve(stdin),
  };
  const code = await main(argv, io);
  return { code, out, err };
}
