#!/usr/bin/env node
// The build: the CLI, the program, the shard workers and the policy pack compiled to
// JavaScript under dist/ (the project's layout mirrored: dist/cli, dist/infra, …), so that
// `lookout` does not transpile TypeScript each time it starts. `npm ci` runs it (the
// `prepare` script, PF-FAST-FL-1); `npm run build` runs it by hand; `bin/build.js --if-stale` builds only
// when the build is not fresh (the end-to-end tests' setup).
//
// A build is fresh while every source file is exactly as the build read it: dist/.sources
// records each file's path and a hash of its content, and bin/lookout.js runs the
// compiled CLI only when they all still match (otherwise it runs the TypeScript under
// tsx). An edit, a checkout of other content, a new or deleted file: the build is stale,
// never run. (Content, not times: a copy of the project and its build stays fresh.)
"use strict";
const { spawnSync } = require("child_process");
const { createHash } = require("crypto");
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const DIST = path.join(ROOT, "dist");
/** What a run may load: the folders the build compiles, and the files that shape it. */
const SOURCE_DIRS = ["cli", "catalog", "infra", "dashboards", "queries", "json", "policies"];
const SOURCE_FILES = ["tsconfig.json", "tsconfig.build.json"];
/** Files the build copies as they are (tsc compiles only .ts): the pack's project and package files (PF-FAST-FL-2), the pack's guard. */
const COPIED = ["policies/PulumiPolicy.yaml", "policies/package.json", "cli/engine/exitWithParent.js"];
const STAMP = path.join(DIST, ".sources");

/** Every source file's path and content hash, one line each, in a fixed order. */
function sourceState(root = ROOT) {
  const lines = [];
  const visit = (rel) => {
    const full = path.join(root, rel);
    let stat;
    try {
      stat = fs.statSync(full);
    } catch {
      lines.push(`${rel} absent`);
      return;
    }
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(full).sort()) if (name !== "node_modules") visit(path.join(rel, name));
    } else {
      lines.push(`${rel} ${createHash("sha256").update(fs.readFileSync(full)).digest("hex")}`);
    }
  };
  for (const rel of [...SOURCE_DIRS, ...SOURCE_FILES]) visit(rel);
  return `${lines.join("\n")}\n`;
}

/** Whether dist/ holds a build of the sources exactly as they are now. */
function isFresh(root = ROOT) {
  let stamp;
  try {
    stamp = fs.readFileSync(path.join(root, "dist", ".sources"), "utf8");
  } catch {
    return false;
  }
  return stamp === sourceState(root);
}

/** Compiles the sources to dist/; returns tsc's exit code (the stamp is written only on success). */
function build() {
  const before = sourceState();
  fs.rmSync(STAMP, { force: true });
  let tsc;
  try {
    tsc = require.resolve("typescript/bin/tsc", { paths: [ROOT] });
  } catch {
    // An install without devDependencies: no build, lookout runs the TypeScript under tsx.
    console.error("lookout build: typescript is not installed (devDependencies omitted); lookout runs under tsx");
    return 0;
  }
  const run = spawnSync(process.execPath, [tsc, "-p", path.join(ROOT, "tsconfig.build.json")], { cwd: ROOT, stdio: "inherit" });
  if (run.status !== 0) return run.status ?? 1;
  for (const rel of COPIED) fs.copyFileSync(path.join(ROOT, rel), path.join(DIST, rel));
  // Sources edited while tsc ran leave the build stale (no stamp), never marked fresh.
  if (sourceState() === before) fs.writeFileSync(STAMP, before);
  return 0;
}

module.exports = { isFresh, build, sourceState };

if (require.main === module) process.exitCode = process.argv.includes("--if-stale") && isFresh() ? 0 : build();
