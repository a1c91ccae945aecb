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
