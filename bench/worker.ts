/**
 * One benchmark measurement in a fresh process (so peak RSS is its own):
 *   plan  <catalog.yaml>  the Lookout program under mocks, then the policy pack
 *   floor <count>         the same number of bare resources under the same mocks
 * Prints one JSON line.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { runPolicyPacks } from "../cli/engine/analyzer";
import { runUnderMocks } from "../cli/engine/mockRun";
import { readStackSettings } from "../cli/engine/stackConfig";

const ROOT = path.resolve(__dirname, "..");

/** The smallest custom resource: what the engine itself costs per resource. */
class Bare extends pulumi.CustomResource {
  constructor(name: string, value: number) {
    super("bench:index:Bare", name, { value });
  }
}

async function plan(catalog: string) {
  const settings = readStackSettings(ROOT, "prod", { "lookout:catalog": catalog });
  const program = require(path.join(ROOT, "infra")) as () => Promise<unknown>;
  const start = process.hrtime.bigint();
  const run = await runUnderMocks({ ...settings, preview: true, program });
  const planned = process.hrtime.bigint();
  const analysis = await runPolicyPacks([path.join(ROOT, "policies")], run.resources, {
    project: settings.project,
    stack: settings.stack,
    dryRun: true,
    config: settings.config,
  });
  const analyzed = process.hrtime.bigint();
  return {
    resources: run.resources.length,
    planMs: Number(planned - start) / 1e6,
    policyMs: Number(analyzed - planned) / 1e6,
    violations: analysis.diagnostics.length,
  };
}

async function floor(count: number) {
  const start = process.hrtime.bigint();
  const run = await runUnderMocks({
    project: "bench",
    stack: "floor",
    config: {},
    secretKeys: [],
    preview: true,
    program: async () => {
      // count includes the root stack, which runUnderMocks registers itself
      for (let i = 1; i < count; i++) new Bare(`bare-${i}`, i);
      return {};
    },
  });
  return { resources: run.resources.length, planMs: Number(process.hrtime.bigint() - start) / 1e6 };
}

(async () => {
  const [mode, arg] = process.argv.slice(2);
  const result = mode === "plan" ? await plan(arg) : await floor(Number(arg));
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ mode, ...result, peakRssMb })}\n`);
})().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
