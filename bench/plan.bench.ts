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
 *   BENCH_SUITE=0             leave out the test suite's wall time (`npx vitest run`)
 *
 * Then the review loop on the shipped prod stack, each next to the same-count floor:
 * `lookout plan --stack prod --json`, `lookout diff` against the previous commit with the
 * base plan cache empty (cold) and filled (cached), and the test suite's wall time.
 */
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import Table from "cli-table3";
import { syntheticCatalog } from "./catalog";
import { samplePeak } from "./treeRss";
import { makeReviewRepo } from "../test/support/reviewRepo";
import { prodCatalogText } from "../test/support/stackText";

const ROOT = path.join(__dirname, "..");

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
  // The compiled path, as after `npm ci`: a fresh build first (bin/build.js).
  execFileSync(process.execPath, [path.join(ROOT, "bin", "build.js"), "--if-stale"], { stdio: "inherit" });
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
  console.log(await reviewLoop());
}

/**
 * The review loop on the shipped prod stack, in a temporary repository whose two commits
 * are the shipped catalog and the same with one alert's critical threshold raised:
 * `lookout plan`, `lookout diff --base HEAD~1` cold (an empty cache folder) and cached
 * (the same folder again), each warm (the second of two runs), against the floor of the
 * plan's resource count; then the whole test suite's wall time.
 */
async function reviewLoop(): Promise<string> {
  // The prod stack as one file (base.yaml with the prod overlay's own keys): the repository's commits hold one catalog each.
  const shipped = prodCatalogText(ROOT);
  const changed = shipped.replace(/critical: (\d+)%/, (_, n: string) => `critical: ${Number(n) + 1}%`);
  if (changed === shipped) throw new Error("the shipped prod catalog has no percent critical threshold to change");
  const repo = makeReviewRepo(ROOT, [shipped, changed]);
  // Its head runs compiled (the copied build, fresh; the base's worktree has none: tsx).
  execFileSync(process.execPath, [path.join(repo, "bin", "build.js"), "--if-stale"], { stdio: "inherit" });
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "lookout-bench-cache-"));
  const table = new Table({ head: ["shipped prod (lookout …)", "wall", "peak RSS", "floor", "÷ floor", "÷ plan", "target"], style: { head: [], border: [] } });
  try {
    const planArgs = ["plan", "--stack", "prod", "--json"];
    await cli(planArgs, repo);
    const plan = await cli(planArgs, repo);
    const resources = (JSON.parse(plan.stdout) as { summary: { resources: number } }).summary.resources;
    const floor = await measure(["floor", String(resources)], { heapMb: FLOOR_HEAP_MB });
    const diffArgs = ["diff", "--base", "HEAD~1", "--stack", "prod", "--format", "json"];
    const env = { LOOKOUT_CACHE_DIR: cacheDir };
    await cli(diffArgs, repo, env); // warms the transform caches of the base worktree's path too
    fs.rmSync(cacheDir, { recursive: true, force: true });
    const cold = await cli(diffArgs, repo, env);
    const cached = await cli(diffArgs, repo, env);
    const vsFloor = (ms: number) => (floor.ok ? `${(ms / floor.wallMs).toFixed(2)}×` : "–");
    const floorCell = floor.ok ? seconds(floor.wallMs) : floor.why;
    table.push([`plan (${resources} resources)`, seconds(plan.wallMs), mb(plan.peakMb), floorCell, vsFloor(plan.wallMs), "1.00×", "≤ 1.5× floor"]);
    table.push(["diff, base plan cold", seconds(cold.wallMs), mb(cold.peakMb), floorCell, vsFloor(cold.wallMs), `${(cold.wallMs / plan.wallMs).toFixed(2)}×`, "≤ 1.6× plan"]);
    table.push(["diff, base plan cached", seconds(cached.wallMs), mb(cached.peakMb), floorCell, vsFloor(cached.wallMs), `${(cached.wallMs / plan.wallMs).toFixed(2)}×`, "≤ 1.1× plan"]);
    if (process.env.BENCH_SUITE !== "0") {
      const start = performance.now();
      const suite = spawn(process.execPath, [path.join(ROOT, "node_modules", "vitest", "vitest.mjs"), "run"], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
      let tail = "";
      suite.stderr.on("data", (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-2000)));
      const code = await new Promise<number | null>((resolve) => suite.on("exit", resolve));
      const wall = performance.now() - start;
      // No floor: the suite is not one plan.
      table.push([`npm test (vitest run${code === 0 ? "" : `, exit ${code}`})`, seconds(wall), "", "–", "–", `${(wall / plan.wallMs).toFixed(2)}×`, "< 90 s"]);
    }
  } finally {
    fs.rmSync(repo, { recursive: true, force: true });
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
  return `the review loop on the shipped prod stack, warm; floor: bare resources of the plan's count under plain mocks\n${table.toString()}`;
}

/** `lookout …` as a user runs it, in `cwd`: wall time, the process tree's peak memory and stdout. */
async function cli(args: string[], cwd = ROOT, env: NodeJS.ProcessEnv = {}): Promise<{ wallMs: number; peakMb: number; stdout: string }> {
  const start = performance.now();
  const child = spawn(process.execPath, [path.join(cwd, "bin", "lookout.js"), ...args], { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const stop = samplePeak(child.pid ?? 0);
  const stdout: Buffer[] = [];
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  const peakMb = stop();
  if (code !== 0) throw new Error(`lookout ${args.join(" ")} exited ${code}: ${stderr}`);
  return { wallMs: performance.now() - start, peakMb, stdout: Buffer.concat(stdout).toString("utf8") };
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
