/**
 * The end-to-end project's global setup (vitest.config.mts): a fresh build (bin/build.js)
 * before any test file starts `lookout`, so the suite runs the compiled CLI, program,
 * shard workers and pack as users do after `npm ci`. Builds only when the build is stale
 * (an edit since, or none yet); vitest runs it only when an end-to-end file is in the run
 * (PF-FAST-5). A stale build would not be run anyway (bin/lookout.js falls back to tsx).
 */
import { spawnSync } from "child_process";
import * as path from "path";

export default function setup(): void {
  const root = path.resolve(__dirname, "..", "..");
  const run = spawnSync(process.execPath, [path.join(root, "bin", "build.js"), "--if-stale"], { cwd: root, stdio: "inherit" });
  if (run.status !== 0) throw new Error(`bin/build.js --if-stale exited ${run.status ?? run.signal}: the end-to-end tests need a build`);
}
