/**
 * Running `lookout` as a user does, and the runs test files share: a shipped stack's plan
 * is made once per test run (the first file that asks makes it, the others wait for it and
 * read it), for every test that only reads it.
 */
import { spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { inject } from "vitest";
import type { Plan } from "../../cli/engine/plan";

export const ROOT = path.resolve(__dirname, "..", "..");

export interface LookoutRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `lookout <args>` as a user runs it: exit code and both streams (`env` added to this process's environment). */
export function runLookout(args: readonly string[], cwd = ROOT, env: NodeJS.ProcessEnv = {}): LookoutRun {
  const run = spawnSync(process.execPath, [path.join(ROOT, "bin", "lookout.js"), ...args], {
    cwd,
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 180_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** How long a test file waits for another to finish a shared run. */
const WAIT_MS = 300_000;

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * `lookout <args>` in the project, exactly as `runLookout(args)`, made once per test run
 * and shared by every test file that asks for the same args: for runs that read nothing
 * but the project's own files and the default environment (a shipped stack's plan, say),
 * and tests that only read what they print. A test that needs its own catalog, config,
 * environment or process keeps `runLookout`. Outside the suite's setup it just runs.
 */
export function sharedRun(args: readonly string[]): LookoutRun {
  const dir = inject("lookoutSharedRuns");
  if (!dir) return runLookout(args);
  const name = createHash("sha256").update(JSON.stringify(args)).digest("hex").slice(0, 24);
  const result = path.join(dir, `${name}.json`);
  try {
    // The first to make the lock makes the run (mkdir is atomic); the others wait for its result.
    fs.mkdirSync(path.join(dir, `${name}.lock`));
  } catch {
    for (const deadline = Date.now() + WAIT_MS; !fs.existsSync(result); sleep(100)) {
      if (Date.now() > deadline) throw new Error(`lookout ${args.join(" ")}: another test file has not finished it in ${WAIT_MS / 1000} s`);
    }
    return JSON.parse(fs.readFileSync(result, "utf8")) as LookoutRun;
  }
  const run = runLookout(args);
  fs.writeFileSync(`${result}.tmp`, JSON.stringify(run));
  fs.renameSync(`${result}.tmp`, result); // whole or absent to the waiting files (PF-FAST-3)
  return run;
}

/** `lookout plan --stack <stack> --json` of a shipped stack (shared, see `sharedRun`): its plan, or an error with its exit code and stderr. */
export function planOfStack(stack: string): Plan {
  const run = sharedRun(["plan", "--stack", stack, "--json"]);
  if (run.code !== 0) throw new Error(`lookout plan --stack ${stack} exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as Plan;
}

let entry: typeof import("../../cli/main") | undefined;

/** What bin/lookout.js runs: the build when it is fresh (the end-to-end setup makes it), else the TypeScript under tsx. */
function cliEntry(): typeof import("../../cli/main") {
  if (entry) return entry;
  // Node's own loader, as the CLI's: cli/main.ts requires each command when it runs.
  const build = require(path.join(ROOT, "bin", "build.js")) as { isFresh(): boolean };
  const fresh = build.isFresh();
  if (!fresh) (require("tsx/cjs/api") as { register(): void }).register();
  entry = require(fresh ? path.join(ROOT, "dist", "cli", "main.js") : path.join(ROOT, "cli", "main.ts")) as typeof import("../../cli/main");
  return entry;
}

/**
 * `lookout <args>` through the entry `bin/lookout.js` calls (`main` of cli/main.ts), in
 * this test process: the same exit code and streams as `runLookout`, without a process's
 * start. For runs that end before anything starts a process of its own (bad input, say);
 * one at a time, since it takes over `process.stderr`. A test file that runs the CLI so
 * keeps one `runLookout` of the same kind, to prove the process path.
 */
export async function lookoutInProcess(args: readonly string[]): Promise<LookoutRun> {
  const { main } = cliEntry();
  let stdout = "";
  let stderr = "";
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await main(["node", "lookout", ...args], (text) => (stdout += text));
    return { code, stdout, stderr };
  } finally {
    process.stderr.write = write;
  }
}
