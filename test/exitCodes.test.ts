/**
 * Exit codes that do not lie (issue 14, items 5 and 7): every command maps bad input to
 * exit 2 with a clear message naming the file or flag, nothing on stdout and no stack
 * trace. Each row is a reproduction from the issue.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import { InputError } from "../cli/errors";
import { asInputError } from "../cli/engine/program";
import { baseFailure } from "../cli/reports/diff";
import { lookoutInProcess } from "./support/plans";

const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, "bin", "lookout.js");
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "lookout-exit-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

function lookout(args: readonly string[]) {
  // stdin a pipe, as in CI (and /dev/stdin with it).
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: "utf8", timeout: 180_000, input: "", stdio: ["pipe", "pipe", "pipe"] });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const notAPack = path.join(scratch, "not-a-pack");
fs.mkdirSync(notAPack);
const fifo = path.join(scratch, "config.fifo");
spawnSync("mkfifo", [fifo]);
const loop = path.join(scratch, "loop.yaml");
fs.symlinkSync(loop, loop);
/** A catalog folder in the project would be the project's: this one is outside, and holds a stray name. */
const odd = path.join(scratch, "catalog");
fs.mkdirSync(odd);
fs.copyFileSync(path.join(__dirname, "fixtures", "catalogs", "minimal.yaml"), path.join(odd, "a.yaml"));
fs.writeFileSync(path.join(odd, "b.YAML"), "environment: prod\n");
/** An --out folder where a dashboard's file would go is a folder. */
const blocked = path.join(scratch, "blocked");
fs.mkdirSync(path.join(blocked, "executive.json"), { recursive: true });

/**
 * The rows run as a process: stdin the process's own pipe, a pack that fails when the
 * program has run, a folder written after the plan, and one cheap command.
 */
const AS_PROCESS = new Set([
  "plan --catalog /dev/stdin (a pipe or socket here)",
  "plan, a --policy-pack that is no pack",
  "dashboards --out where a file would be a folder",
  "policies, the same",
]);

describe("bad input is exit 2 with one clear message, on every command", () => {
  const rows: [string, string[], string | RegExp][] = [
    ["plan, a --policy-pack that is no pack", ["plan", "--stack", "prod", "--policy-pack", notAPack], `error: policy pack ${notAPack} has no PulumiPolicy.yaml: not a policy pack`],
    ["policies, the same", ["policies", "--policy-pack", notAPack], `error: policy pack ${notAPack} has no PulumiPolicy.yaml: not a policy pack`],
    ["plan --catalog /dev/zero", ["plan", "--stack", "prod", "--catalog", "/dev/zero"], "/dev/zero:1:1  a character device, not a regular file or folder"],
    ["plan --catalog /dev/stdin (a pipe or socket here)", ["plan", "--stack", "prod", "--catalog", "/dev/stdin"], /\/dev\/stdin:1:1 {2}an? (FIFO \(named pipe\)|socket), not a regular file/],
    ["plan --policy-config /dev/zero", ["plan", "--stack", "prod", "--policy-config", "/dev/zero"], "error: /dev/zero:1:1  a character device, not a regular file"],
    ["plan --policy-config a FIFO (no hang)", ["plan", "--stack", "prod", "--policy-config", fifo], `error: ${fifo}:1:1  a FIFO (named pipe), not a regular file`],
    ["thresholds --catalog a symlink loop", ["thresholds", "--stack", "prod", "--catalog", loop], `${loop}:1:1  a symlink loop`],
    ["dashboards --catalog a folder with b.YAML", ["dashboards", "--stack", "prod", "--catalog", odd, "--out", path.join(scratch, "out")], `${path.join(odd, "b.YAML")}:1:1  not a catalog file`],
    ["dashboards --out where a file would be a folder", ["dashboards", "--stack", "prod", "--out", blocked], `error: cannot write ${path.join(blocked, "executive.json")}: not a regular file\n`],
  ];

  it("runs every row meant to run as a process as one", () => {
    expect(rows.filter(([what]) => AS_PROCESS.has(what))).toHaveLength(AS_PROCESS.size);
  });

  it.each(rows)("%s", async (what, args, expected) => {
    const started = Date.now();
    // Refused before anything starts: the CLI's entry in this process (AS_PROCESS: a process).
    const result = AS_PROCESS.has(what) ? lookout(args) : await lookoutInProcess(args);
    if (typeof expected === "string") expect(result.stderr).toContain(expected);
    else expect(result.stderr).toMatch(expected);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).not.toMatch(/^\s+at /m);
    // A refused file costs the CLI's start, nothing more.
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 60_000);

  it("diff --base at a revision without the CLI says so in one line", () => {
    const first = execFileSync("git", ["-C", ROOT, "rev-list", "--max-parents=0", "HEAD"], { encoding: "utf8" }).trim().split("\n")[0];
    const result = lookout(["diff", "--stack", "prod", "--base", first]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`error: cannot plan ${first} (${first.slice(0, 12)}): that revision has no bin/lookout.js (it predates lookout plan)\n`);
  }, 180_000);
});

describe("stack config the program cannot read", () => {
  it("is bad input: a value getBoolean refuses (PF-PUL-FILES-1)", () => {
    const error = new Error("Configuration 'lookout:allowOutsideProject' value 'yes' is not a valid boolean");
    expect(asInputError(error)).toBeInstanceOf(InputError);
    expect(asInputError(error)?.message).toBe(error.message);
    expect(asInputError(new Error("Configuration is broken"))).toBeUndefined();
  });
});

describe("what a base revision's failed plan reads as", () => {
  it.each<[number | null, string, string]>([
    [
      1,
      "/x/node_modules/tsx/dist/register.cjs:22\n`)},\"createLog\")\n   ^\n\nError: Cannot find module './analyzer'\nRequire stack:\n- /tmp/b/cli/engine/plan.ts\n    at Module._resolveFilename (node:internal/modules/cjs/loader:1207:15)\n",
      "its own lookout plan exited 1: Error: Cannot find module './analyzer'",
    ],
    [2, "error: invalid catalog (2 errors):\n  a.yaml:1:1  x\n  a.yaml:2:1  y\n", "its own lookout plan exited 2: invalid catalog (2 errors):\n  a.yaml:1:1  x\n  a.yaml:2:1  y"],
    [3, "internal error: TypeError: boom\n    at f (y.ts:1:1)\n", "its own lookout plan exited 3: TypeError: boom"],
    [null, "", "its own lookout plan was killed"],
  ])("exit %s", (status, stderr, expected) => {
    expect(baseFailure(status, stderr)).toBe(expected);
  });
});
