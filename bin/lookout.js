#!/usr/bin/env node
// The `lookout` command. Registers tsx so the TypeScript program (infra/), the CLI and
// the catalog run as they are, then hands over to cli/main.ts.
"use strict";
require("tsx/cjs/api").register();
// Source-mapped stack traces cost the Pulumi SDK dearly (it builds one per internal
// promise); the CLI prints messages, not stacks.
process.setSourceMapsEnabled(false);
require("../cli/main.ts")
  .main(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
