/**
 * One benchmark measurement in a fresh process (the bench samples its memory):
 *   plan        <catalog.yaml>  `lookout plan`'s computation: the program (sharded as the
 *                               CLI would), then the policy pack over gRPC
 *   floor       <count>         the same number of bare resources under plain runtime
 *                               mocks, as a Pulumi program's unit test registers them
 *   floor-tuned <count>         bare resources under Lookout's mock run (no stack frames
 *                               for the SDK's promises)
 * Prints one JSON line.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type * as planModule from "../cli/engine/plan";
import type * as mockRunModule from "../cli/engine/mockRun";

const ROOT = path.resolve(__dirname, "..");
/** The engine as `lookout` runs it: the build when it is fresh (the bench builds first), else the TypeScript. */
const ENGINE = (require(path.join(ROOT, "bin", "build.js")) as { isFresh(): boolean }).isFresh() ? path.join(ROOT, "dist", "cli", "engine") : path.join(ROOT, "cli", "engine");
const { computePlan } = require(path.join(ENGINE, "plan")) as typeof planModule;
const { runUnderMocks } = require(path.join(ENGINE, "mockRun")) as typeof mockRunModule;

/** The smallest custom resource: what the SDK itself costs per resource. */
class Bare extends pulumi.CustomResource {
  constructor(name: string, value: number) {
    super("bench:index:Bare", name, { value });
  }
}

/** `count` resources in all, the root stack included. */
function registerBare(count: number): Record<string, never> {
  for (let i = 1; i < count; i++) new Bare(`bare-${i}`, i);
  return {};
}

async function plan(catalog: string) {
  const start = performance.now();
  const marks: Record<string, number> = {};
  const shards = process.env.BENCH_SHARDS;
  const result = await computePlan({
    projectRoot: ROOT,
    stack: "prod",
    catalog,
    ...(shards ? { shards: shards === "auto" ? "auto" : Number(shards) } : {}),
    onTiming: (finished) => (marks[finished] = performance.now()),
  });
  return {
    resources: result.summary.resources,
    programMs: marks.program - start,
    policyMs: marks.policies - marks.program,
    mandatory: result.summary.mandatory,
  };
}

/** Plain mocks: `setMocks`, the program in the root stack, stack traces and source maps as they come. */
async function floor(count: number) {
  const start = performance.now();
  let registered = 0;
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered++;
        return { id: undefined, state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    "bench",
    "floor",
    true,
  );
  await pulumi.runtime.runInPulumiStack(async () => registerBare(count));
  await pulumi.runtime.disconnect();
  return { resources: registered + 1, programMs: performance.now() - start };
}

async function floorTuned(count: number) {
  const start = performance.now();
  const run = await runUnderMocks({ project: "bench", stack: "floor", config: {}, secretKeys: [], preview: true, program: async () => registerBare(count) });
  return { resources: run.resources.length, programMs: performance.now() - start };
}

(async () => {
  const [mode, arg] = process.argv.slice(2);
  const result = mode === "plan" ? await plan(arg) : mode === "floor" ? await floor(Number(arg)) : await floorTuned(Number(arg));
  const ownPeakMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ mode, ...result, ownPeakMb })}\n`);
  process.exit(0);
})().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
