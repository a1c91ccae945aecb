/**
 * `npm run bench`: plan synthetic catalogs of 10, 100 and 1,000 services with the
 * shipped prod catalog's mix (bench/catalog.ts) as `lookout plan` does, and print wall
 * time, the program's and the policies' share, and the peak memory of the whole process
 * tree (the policy pack and shard workers included) next to the floor: the same number
 * of bare resources registered under plain runtime mocks, given the same 2 GiB and a
 * time limit. Each measurement runs in fresh processes.
 *
 *   BENCH_SIZES=10,100        sizes to run (default 10,100,1000)
 *   BENCH_SHARDS=auto|N       lookout plan's --shards (default auto)
 *   BENCH_FLOOR_TIMEOUT_S=300 give up on a floor after this long
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import Table from "cli-table3";
import { syntheticCatalog } from "./catalog";
import { samplePeak } from "./treeRss";

/** The budget the 1,000-service goal sets, for the floors too. */
const FLOOR_HEAP_MB = 2048;

interface Measurement {
  readonly resources: number;
  readonly programMs: number;
  readonly policyMs?: number;
  readonly ownPeakMb: number;
}

type Outcome = { ok: true; wallMs: number; peakMb: number; m: Measurement } | { ok: false; wallMs: number; peakMb: number; why: string };

async function measure(args: string[], options: { heapMb?: number; timeoutS?: number } = {}): Promise<Outcome> {
  const start = performance.now();
  const child = spawn(process.execPath, ["--import", "tsx", ...(options.heapMb ? [`--max-old-space-size=${options.heapMb}`] : []), path.join(__dirname, "worker.ts"), ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stop = samplePeak(child.pid ?? 0);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  let timedOut = false;
  const timer = options.timeoutS ? setTimeout(() => ((timedOut = true), child.kill("SIGKILL")), options.timeoutS * 1000) : undefined;
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  clearTimeout(timer);
  const wallMs = performance.now() - start;
  const sampled = stop();
  if (code !== 0) {
    const why = timedOut ? `over ${options.timeoutS} s` : /heap out of memory|Allocation failed/.test(stderr) ? `out of memory at ${options.heapMb ?? "?"} MB heap` : `failed: ${stderr.trim().split("\n").pop() ?? code}`;
    return { ok: false, wallMs, peakMb: sampled, why };
  }
  const m = JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as Measurement;
  return { ok: true, wallMs, peakMb: Math.max(sampled, m.ownPeakMb), m };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const mb = (value: number) => (value > 0 ? `${Math.round(value)} MB` : "n/a");

async function main(): Promise<void> {
  const sizes = (process.env.BENCH_SIZES ?? "10,100,1000").split(",").map(Number);
  const floorTimeoutS = Number(process.env.BENCH_FLOOR_TIMEOUT_S ?? 300);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lookout-bench-"));
  const table = new Table({
    head: ["services", "resources", "wall", "program", "policies", "peak RSS", "plain floor", "floor RSS", "÷ plain floor", "tuned floor", "÷ tuned floor"],
    style: { head: [], border: [] },
  });
  try {
    for (const size of sizes) {
      const file = path.join(dir, `catalog-${size}.yaml`);
      fs.writeFileSync(file, syntheticCatalog(size));
      const plan = await measure(["plan", file]);
      if (!plan.ok) throw new Error(`plan of ${size} services ${plan.why}`);
      const count = String(plan.m.resources);
      const floor = await measure(["floor", count], { heapMb: FLOOR_HEAP_MB, timeoutS: floorTimeoutS });
      const tuned = await measure(["floor-tuned", count], { heapMb: FLOOR_HEAP_MB, timeoutS: floorTimeoutS });
      const ratio = (f: Outcome) => (f.ok ? `${(plan.wallMs / f.wallMs).toFixed(2)}×` : "–");
      table.push([
        String(size),
        count,
        seconds(plan.wallMs),
        seconds(plan.m.programMs),
        seconds(plan.m.policyMs ?? 0),
        mb(plan.peakMb),
        floor.ok ? seconds(floor.wallMs) : floor.why,
        mb(floor.peakMb),
        ratio(floor),
        tuned.ok ? seconds(tuned.wallMs) : tuned.why,
        ratio(tuned),
      ]);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  // The small-catalog goal: the shipped staging stack through the CLI itself, warm (the
  // second of two runs: the TypeScript transform and the pack's compile caches are filled).
  await cli(["plan", "--stack", "staging", "--json"]);
  const staging = await cli(["plan", "--stack", "staging", "--json"]);
  console.log(`Node ${process.version}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.cpus()[0]?.model ?? "unknown CPU"}`);
  console.log("wall: process start to plan, as `lookout plan` (node, modules, program, policy pack); peak RSS: the process tree's");
  console.log(table.toString());
  console.log(`lookout plan --stack staging (shipped catalog), warm: ${seconds(staging.wallMs)}, peak RSS ${mb(staging.peakMb)}`);
}

/** `lookout plan …` as a user runs it: wall time and the process tree's peak memory. */
async function cli(args: string[]): Promise<{ wallMs: number; peakMb: number }> {
  const start = performance.now();
  const child = spawn(process.execPath, [path.join(__dirname, "..", "bin", "lookout.js"), ...args], { cwd: path.join(__dirname, ".."), stdio: ["ignore", "ignore", "pipe"] });
  const stop = samplePeak(child.pid ?? 0);
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  const peakMb = stop();
  if (code !== 0) throw new Error(`lookout ${args.join(" ")} exited ${code}: ${stderr}`);
  return { wallMs: performance.now() - start, peakMb };
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
