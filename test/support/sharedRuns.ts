/**
 * The suite's global setup (vitest.config.mts): a folder, for this run only, where
 * `sharedRun` (plans.ts) keeps the `lookout` runs that test files share. Nothing is
 * planned here: the first test file that needs a run makes it, so a run of files that
 * need none plans nothing. The folder goes when the run ends. Every project reads what
 * the root's setup provides (PF-FAST-5).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** The folder of this test run's shared `lookout` runs. */
    lookoutSharedRuns: string;
  }
}

export default function setup(project: TestProject): () => void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lookout-shared-runs-"));
  project.provide("lookoutSharedRuns", dir);
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
