/**
 * `npm run bench`: plan synthetic catalogs of 10, 100 and 1,000 services and print
 * wall time and peak memory next to the floor (the same number of bare resources under
 * the same mocks). Each measurement runs in its own process. Sizes: BENCH_SIZES=10,100.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import Table from "cli-table3";
import { syntheticCatalog } from "./catalog";

interface Measurement {
  resources: number;
  planMs: number;
  policyMs?: number;
  peakRssMb: number;
}

const sizes = (process.env.BENCH_SIZES ?? "10,100,1000").split(",").map(Number);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lookout-bench-"));

function measure(...args: string[]): Measurement {
  const out = execFileSync(process.execPath, ["--import", "tsx", path.join(__dirname, "worker.ts"), ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 20,
    env: { ...process.env, NODE_OPTIONS: "--max-old-space-size=8192" },
  });
  return JSON.parse(out.trim().split("\n").pop() ?? "{}") as Measurement;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const table = new Table({
  head: ["services", "resources", "plan", "policies", "plan+policies", "peak RSS", "floor", "floor RSS", "time ÷ floor"],
  style: { head: [], border: [] },
});
for (const size of sizes) {
  const file = path.join(dir, `catalog-${size}.yaml`);
  fs.writeFileSync(file, syntheticCatalog(size));
  const plan = measure("plan", file);
  const floor = measure("floor", String(plan.resources));
  const total = plan.planMs + (plan.policyMs ?? 0);
  table.push([
    String(size),
    String(plan.resources),
    seconds(plan.planMs),
    seconds(plan.policyMs ?? 0),
    seconds(total),
    `${Math.round(plan.peakRssMb)} MB`,
    seconds(floor.planMs),
    `${Math.round(floor.peakRssMb)} MB`,
    `${(total / floor.planMs).toFixed(2)}×`,
  ]);
}
console.log(`Node ${process.version}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.cpus()[0]?.model ?? "unknown CPU"}`);
console.log(table.toString());
fs.rmSync(dir, { recursive: true, force: true });
