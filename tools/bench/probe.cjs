// Preloaded (`node --require`) into the processes `npm run bench` measures; plain JavaScript
// because it must load before any TypeScript hook (tsx or the Pulumi host's ts-node) exists.
//
// BENCH_PROBE=first-resource: stop the program at its first resource registration (after the
//   host has loaded and compiled every module), printing {"maxRssKb"} on stdout. Registrations
//   go to Pulumi's own mock monitor, so no engine is needed.
// BENCH_USAGE_FILE=<file>: on exit, append this process's peak memory as {"pid","maxRssKb"}.
"use strict";
const { appendFileSync } = require("node:fs");

const usageFile = process.env.BENCH_USAGE_FILE;
if (usageFile) {
  process.on("exit", () => {
    const line = { pid: process.pid, maxRssKb: process.resourceUsage().maxRSS };
    appendFileSync(usageFile, `${JSON.stringify(line)}\n`);
  });
}

if (process.env.BENCH_PROBE === "first-resource") {
  const pulumi = require("@pulumi/pulumi");
  const resource = require("@pulumi/pulumi/runtime/resource");
  const register = resource.registerResource;
  // The SDK's resource classes call registerResource through this module's exports.
  resource.registerResource = (res, parent, type, ...rest) => {
    if (type !== "pulumi:pulumi:Stack") {
      const line = { firstResource: type, maxRssKb: process.resourceUsage().maxRSS };
      process.stdout.write(`${JSON.stringify(line)}\n`);
      process.exit(0);
    }
    return register(res, parent, type, ...rest);
  };
  const mocks = {
    newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
    call: () => ({}),
  };
  void pulumi.runtime.setMocks(
    mocks,
    process.env.PULUMI_NODEJS_PROJECT,
    process.env.PULUMI_NODEJS_STACK,
    true,
  );
}
