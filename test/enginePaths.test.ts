/**
 * The offline engine's paths: one process, or the services split into shards planned by
 * worker processes (one after another, or several at a time, finishing in any order).
 * Whichever path runs, the plan is the same, byte for byte; and bad input fails the same
 * way, whole.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { beforeAll, describe, expect, it } from "vitest";
import { syntheticCatalog } from "../bench/catalog";
import { repeatedField } from "../cli/engine/analyzerProtocol";
import type { ProgramRun } from "../cli/engine/program";
import type { PlannedResource } from "../cli/engine/resource";
import { autoShardJobs, mergeRuns, runShards, ShardMergeError, serviceWeight, shardJobs, splitServices } from "../cli/engine/shards";
import { loadCatalog } from "../catalog/load";
import { runUnderMocks } from "../cli/engine/mockRun";
import { SHARD_WEIGHT } from "../cli/engine/plan";
import type { Catalog, Service } from "../catalog/model";
import { CatalogRunError, lookout as lookoutProgram } from "../infra/program";
import { Progress } from "../cli/render/progress";
import { lookoutInProcess, sharedRun } from "./support/plans";

const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, "bin", "lookout.js");

function lookout(args: string[], cwd = ROOT) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8", timeout: 180_000, maxBuffer: 256 * 1024 * 1024 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("every engine path gives the same plan", () => {
  const synthetic = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lookout-paths-")), "catalog.yaml");
  const runs: Record<string, ReturnType<typeof lookout>> = {};

  beforeAll(() => {
    fs.writeFileSync(synthetic, syntheticCatalog(24));
    const plans: Record<string, string[]> = {
      "prod, one process": ["--stack", "prod", "--shards", "1"],
      "prod, 3 shards, one worker": ["--stack", "prod", "--shards", "3", "--jobs", "1"],
      "prod, 3 shards, two workers": ["--stack", "prod", "--shards", "3", "--jobs", "2"],
      "24 services, one process": ["--stack", "prod", "--catalog", synthetic, "--shards", "1"],
      "24 services, 5 shards, two workers": ["--stack", "prod", "--catalog", synthetic, "--shards", "5", "--jobs", "2"],
    };
    // The one-process plan of the shipped stack is the run other files share (support/plans.ts).
    for (const [name, args] of Object.entries(plans)) runs[name] = name === "prod, one process" ? sharedRun(["plan", ...args, "--json"]) : lookout(["plan", ...args, "--json"]);
  }, 240_000);

  it("plans each way without error", () => {
    for (const [name, run] of Object.entries(runs)) {
      expect({ name, code: run.code, stderr: run.stderr }).toEqual({ name, code: 0, stderr: "" });
    }
  });

  it("gives the shipped prod stack's plan byte for byte, however it is split", () => {
    const single = runs["prod, one process"].stdout;
    expect(JSON.parse(single).summary.resources).toBeGreaterThan(400);
    expect(runs["prod, 3 shards, one worker"].stdout).toBe(single);
    expect(runs["prod, 3 shards, two workers"].stdout).toBe(single);
  });

  it("gives a generated catalog's plan byte for byte, stack-wide resources, merged outputs and sources included", () => {
    const single = runs["24 services, one process"].stdout;
    expect(runs["24 services, 5 shards, two workers"].stdout).toBe(single);
    const plan = JSON.parse(single);
    // Stack-wide resources (one shard registers them), merged keyed outputs, catalog sources.
    expect(plan.summary.byType).toMatchObject({ "lookout:backups:BackupSet": 1, "datadog:index/statusPage:StatusPage": 1 });
    expect(Object.keys(plan.outputs.sentryProjects)).toHaveLength(8);
    expect(plan.resources.filter((r: { source?: string }) => r.source?.startsWith(synthetic)).length).toBeGreaterThan(200);
  });
});

describe("bad input fails the same way on every path, and whole", () => {
  it("exits 2 on a bad catalog with the same errors, before any worker starts", () => {
    const bad = path.join("test", "fixtures", "catalogs", "three-errors.yaml");
    const single = lookout(["plan", "--stack", "prod", "--catalog", bad, "--shards", "1", "--json"]);
    const sharded = lookout(["plan", "--stack", "prod", "--catalog", bad, "--shards", "3", "--json"]);
    expect(single.code).toBe(2);
    expect(sharded).toEqual(single);
    expect(sharded.stdout).toBe("");
  });

  it("exits 2 with the program's own message when the stack config is bad inside the workers", () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "lookout-shard-config-"));
    fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: lookout\nruntime: nodejs\nmain: infra/\n");
    const prod = fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8");
    expect(prod).toMatch(/lookout:bucketPrefix: .+/);
    fs.writeFileSync(
      path.join(project, "Pulumi.ci.yaml"),
      prod.replace(/lookout:bucketPrefix: .+/, "lookout:bucketPrefix: Not_A_Prefix").replace(/lookout:catalog: .+/, `lookout:catalog: ${path.join(ROOT, "stacks", "prod.yaml")}`),
    );
    fs.mkdirSync(path.join(project, "infra"));
    fs.writeFileSync(path.join(project, "infra", "index.js"), `module.exports = require(${JSON.stringify(path.join(ROOT, "infra"))});\n`);
    fs.symlinkSync(path.join(ROOT, "policies"), path.join(project, "policies"));
    const single = lookout(["plan", "--stack", "ci", "--shards", "1", "--json"], project);
    const sharded = lookout(["plan", "--stack", "ci", "--shards", "4", "--jobs", "2", "--json"], project);
    expect(single.stderr).toMatch(/^error: invalid stack config: lookout:bucketPrefix "Not_A_Prefix"/);
    expect(single.code).toBe(2);
    expect(sharded).toEqual(single);
  });

  it("is refused by the program itself too, as under pulumi up: the same errors, nothing registered but the stack", async () => {
    const bad = path.join(ROOT, "test", "fixtures", "catalogs", "three-errors.yaml");
    const cli = lookout(["plan", "--stack", "prod", "--catalog", bad, "--json"]);
    let registered = 0;
    const failure = await runUnderMocks({
      project: "lookout",
      stack: "prod",
      config: { "lookout:catalog": bad },
      secretKeys: [],
      preview: true,
      program: lookoutProgram,
      onRegister: (count) => (registered = count),
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CatalogRunError);
    expect(cli.stderr).toMatch(/^error: invalid catalog \(3 errors\)/);
    expect(`error: ${(failure as CatalogRunError).catalogError.message}\n`).toBe(cli.stderr);
    expect(registered).toBe(1);
  });

  it("refuses a shard or worker count that is not a whole number of at least 1", async () => {
    // The CLI's entry in this process: the option parser refuses it before anything starts.
    for (const args of [["--shards", "0"], ["--shards", "two"], ["--jobs", "0"], ["--jobs", "1.5"]]) {
      const run = await lookoutInProcess(["plan", "--stack", "prod", ...args]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`${args[0]} takes a whole number of at least 1, got "${args[1]}"`);
      expect(run.stdout).toBe("");
    }
  });
});

describe("a worker that fails", () => {
  it("fails the plan with the shard and the program's error, and no plan is made of the shards that ended", async () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "lookout-failing-worker-"));
    fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: lookout\nruntime: nodejs\nmain: infra/\n");
    fs.writeFileSync(path.join(project, "Pulumi.prod.yaml"), "config: {}\n");
    fs.mkdirSync(path.join(project, "infra"));
    // A program that registers in the first shard and crashes in the second.
    fs.writeFileSync(
      path.join(project, "infra", "index.js"),
      `const shard = require(${JSON.stringify(path.join(ROOT, "infra", "stack", "shard.ts"))});
module.exports = async (run) => {
  if (shard.registersStackWide(run)) return {};
  throw new Error("the program crashed in a later shard");
};
`,
    );
    const catalog = { services: [{ name: "a" }, { name: "b" }] } as unknown as Catalog;
    const registered: number[] = [];
    const shards: number[] = [];
    const failure = await runShards({ projectRoot: project, stack: "prod", overrides: {}, catalog }, shardJobs(["a", "b"], 2), {
      workers: 1,
      onRegister: (count) => registered.push(count),
      onResources: (resources) => shards.push(resources.length),
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(/^shard 2 of 2 \(1 services from b\): Error: the program crashed in a later shard/);
    // The first shard's root stack came back (counted as it registered, then as the
    // shard's new resources); the second shard sent nothing; no plan was merged.
    expect(shards).toEqual([1]);
    expect(registered).toEqual([1, 1]);
  }, 60_000);
});

describe("splitting services into shards", () => {
  const names = Array.from({ length: 10 }, (_, i) => `svc-${i}`);

  it("cuts contiguous, nearly even runs that cover every service once", () => {
    const shards = splitServices(names, 3);
    expect(shards.map((s) => s.length)).toEqual([3, 3, 4]);
    expect(shards.flat()).toEqual(names);
  });

  it("by default plans a catalog in this process until its services weigh more than a shard, then cuts shards by weight", () => {
    const services = (weights: number[]) =>
      weights.map((alerts, i) => ({ name: `svc-${i}`, endpoints: [], tlsChecks: [], journeys: [], alerts: Array.from({ length: alerts }), slos: [] }) as unknown as Service);
    // A service weighs 4 (its components) plus a resource per alert here.
    expect(services([6]).map(serviceWeight)).toEqual([10]);
    expect(autoShardJobs(services([6, 6, 6]), 30)).toBeUndefined();
    // 60 in all against 30 a shard: two shards of 30.
    expect(autoShardJobs(services([6, 6, 6, 6, 6, 6]), 30)).toEqual([
      { services: ["svc-0", "svc-1", "svc-2"], stackWide: true },
      { services: ["svc-3", "svc-4", "svc-5"], stackWide: false },
    ]);
    // 100 in all: four shards of about 25; the heavy service is one alone.
    expect(autoShardJobs(services([6, 6, 6, 6, 46, 6]), 30)?.map((j) => j.services)).toEqual([["svc-0", "svc-1"], ["svc-2", "svc-3"], ["svc-4"], ["svc-5"]]);
  });

  it("keeps the shipped stacks in one process and splits 100 services of their mix in two", () => {
    for (const file of ["stacks/prod.yaml", "stacks/staging.yaml"]) expect(autoShardJobs(loadCatalog(file).services, SHARD_WEIGHT)).toBeUndefined();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lookout-weights-"));
    fs.writeFileSync(path.join(dir, "catalog.yaml"), syntheticCatalog(100));
    expect(autoShardJobs(loadCatalog(path.join(dir, "catalog.yaml")).services, SHARD_WEIGHT)?.map((j) => j.services.length)).toEqual([50, 50]);
  });

  it("never makes an empty shard, and the first one alone registers the stack-wide resources", () => {
    expect(splitServices(names.slice(0, 2), 5)).toEqual([["svc-0"], ["svc-1"]]);
    expect(shardJobs(names, 4).map((j) => j.stackWide)).toEqual([true, false, false, false]);
  });
});

describe("merging the shards' runs", () => {
  const resource = (urn: string, inputs: Record<string, unknown> = {}): PlannedResource => ({
    urn,
    type: urn.split("::")[2],
    name: urn.split("::")[3],
    dependencies: [],
    protect: false,
    custom: true,
    inputs,
  });
  const run = (resources: PlannedResource[], outputs: Record<string, unknown> = {}, sources: [string, { file: string; line: number; column: number }][] = []): ProgramRun => ({
    resources,
    outputs,
    sources: new Map(sources),
  });
  const urn = (name: string) => `urn:pulumi:prod::lookout::t:index:T::${name}`;

  it("keeps every resource once, a shared one from the first shard, in shard order", () => {
    const merged = mergeRuns([run([resource(urn("provider")), resource(urn("a"))]), run([resource(urn("provider")), resource(urn("b"))])]);
    expect(merged.resources.map((r) => r.name)).toEqual(["provider", "a", "b"]);
  });

  it("refuses a resource two shards registered differently", () => {
    expect(() => mergeRuns([run([resource(urn("oncall"), { handle: "a" })]), run([resource(urn("oncall"), { handle: "b" })])])).toThrow(ShardMergeError);
  });

  it("joins keyed outputs (keys sorted, as a single run gives them) and keeps equal ones", () => {
    const merged = mergeRuns([
      run([], { environment: "prod", monitorIds: { "web/x": "1", "api/y": "2" } }),
      run([], { environment: "prod", monitorIds: { "db/z": "3" } }),
    ]);
    expect(merged.outputs).toEqual({ environment: "prod", monitorIds: { "api/y": "2", "db/z": "3", "web/x": "1" } });
    expect(Object.keys(merged.outputs.monitorIds as object)).toEqual(["api/y", "db/z", "web/x"]);
    expect(() => mergeRuns([run([], { environment: "prod" }), run([], { environment: "staging" })])).toThrow('stack output "environment" differs');
  });

  it("joins the catalog sources and refuses two places for one resource", () => {
    const at = (line: number) => ({ file: "stacks/prod.yaml", line, column: 3 });
    expect([...mergeRuns([run([], {}, [["a", at(1)]]), run([], {}, [["b", at(2)]])]).sources.keys()]).toEqual(["a", "b"]);
    expect(() => mergeRuns([run([], {}, [["a", at(1)]]), run([], {}, [["a", at(2)]])])).toThrow(ShardMergeError);
  });
});

describe("AnalyzeStack written from serialized entries", () => {
  it("is the bytes protobuf writes for the same resources", () => {
    const pb = require(require.resolve("@pulumi/pulumi/proto/analyzer_pb.js")) as typeof import("@pulumi/pulumi/proto/analyzer_pb");
    const resources = ["a", "b".repeat(300), "c"].map((name) => {
      const r = new pb.AnalyzerResource();
      r.setUrn(`urn:pulumi:prod::lookout::t::${name}`);
      r.setType("t");
      r.setName(name);
      r.setDependenciesList([name]);
      return r;
    });
    const request = new pb.AnalyzeStackRequest();
    request.setResourcesList(resources);
    const written = repeatedField(1, resources.map((r) => r.serializeBinary()));
    expect(Buffer.from(request.serializeBinary()).equals(written)).toBe(true);
    expect(pb.AnalyzeStackRequest.deserializeBinary(written).getResourcesList().map((r) => r.getName())).toEqual(["a", "b".repeat(300), "c"]);
  });
});

describe("progress", () => {
  it("shows registered and analyzed resources on a terminal, redrawn on one line and erased at the end", () => {
    const written: string[] = [];
    let now = 0;
    const progress = new Progress(true, (text) => written.push(text), () => (now += 200));
    progress.update({ phase: "register", done: 500 });
    progress.update({ phase: "analyze", done: 120 });
    progress.update({ phase: "analyze", done: 900, total: 1000 });
    progress.done();
    expect(written).toEqual([
      "\r\x1b[2Kregistered 500 resources, analyzed 0",
      "\r\x1b[2Kregistered 500 resources, analyzed 120",
      "\r\x1b[2Kregistered 500 resources, analyzed 900/1000",
      "\r\x1b[2K",
    ]);
  });

  it("writes nothing when off (--json, or not a terminal)", () => {
    const written: string[] = [];
    const progress = new Progress(false, (text) => written.push(text));
    progress.update({ phase: "register", done: 10 });
    progress.done();
    expect(written).toEqual([]);
  });
});
