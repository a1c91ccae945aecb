#!/usr/bin/env node
// The `lookout` command. Runs the build (dist/, bin/build.js) when it is fresh: every
// source file exactly as the build read it. Otherwise (an edit since, a checkout, no
// build at all) registers tsx so the TypeScript (the CLI, the program infra/, the
// catalog) runs as it is: a stale build never runs.
"use strict";
const path = require("path");
const compiled = require("./build").isFresh();
if (!compiled) require("tsx/cjs/api").register();
// Source-mapped stack traces cost the Pulumi SDK dearly (it builds one per internal
// promise); the CLI prints messages, not stacks.
process.setSourceMapsEnabled(false);
require(compiled ? path.join(__dirname, "..", "dist", "cli", "main.js") : "../cli/main.ts")
  .main(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
