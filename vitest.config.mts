import { defineConfig } from "vitest/config";

/**
 * The test files that run `lookout` end to end as a process (a plan, a diff in a
 * temporary repository, a cancelled run). Everything else is a unit test: `npm run
 * test:unit` runs those alone in well under a minute; `npm test` runs both projects.
 */
const END_TO_END = [
  "backtest",
  "baseChange",
  "boundsPolicies",
  "cancel",
  "catalogCommand",
  "cli",
  "dashboardsCli",
  "enginePaths",
  "exitCodes",
  "guides",
  "guidesDashboards",
  "guidesStorage",
  "hardeningFiles",
  "hardeningSecrets",
  "importDatadog",
  "loading",
  "lookoutTest",
  "names",
  "planCache",
  "planPins",
  "policiesCli",
  "renames",
  "review",
  "shardShapes",
  "storagePolicies",
].map((name) => `test/${name}.test.ts`);

const shared = {
  // The Pulumi runtime is process-global: each test file gets its own worker process.
  pool: "forks",
  testTimeout: 30_000,
  hookTimeout: 120_000,
} as const;

export default defineConfig({
  test: {
    // Two test files at a time on the 2-core CI machine: much of an end-to-end file's time
    // is spent waiting on the lookout processes it starts (274 s with one worker, 207 s with
    // two, quiet, 2026-12-01).
    maxWorkers: 2,
    // One folder per run for the `lookout` runs test files share (test/support/plans.ts: sharedRun).
    globalSetup: ["test/support/sharedRuns.ts"],
    projects: [
      { test: { ...shared, name: "unit", include: ["test/**/*.test.ts"], exclude: END_TO_END } },
      // A fresh build first (test/support/build.ts): `lookout` runs compiled, as after `npm ci`.
      { test: { ...shared, name: "e2e", include: END_TO_END, globalSetup: ["test/support/build.ts"] } },
    ],
  },
});
