/** Planning a shipped stack exactly as a user does: `lookout plan --stack <stack> --json`. */
import { spawnSync } from "child_process";
import * as path from "path";
import type { Plan } from "../../cli/engine/plan";

export const ROOT = path.resolve(__dirname, "..", "..");

export function planOfStack(stack: string): Plan {
  const run = spawnSync(process.execPath, [path.join(ROOT, "bin", "lookout.js"), "plan", "--stack", stack, "--json"], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 120_000,
    maxBuffer: 256 * 1024 * 1024, // the prod plan is a few MB of JSON
  });
  if (run.status !== 0) throw new Error(`lookout plan --stack ${stack} exited ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout) as Plan;
}

/** `lookout <args>` as a user runs it: exit code and both streams. */
export function runLookout(args: readonly string[], cwd = ROOT): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [path.join(ROOT, "bin", "lookout.js"), ...args], { cwd, encoding: "utf8", timeout: 180_000, maxBuffer: 256 * 1024 * 1024 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}
