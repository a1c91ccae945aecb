/**
 * Sharded plans merge to the one-process plan byte for byte, whatever the catalog's
 * shape: services with and without alerts, SLOs, Sentry and journeys in any order,
 * shards of one service, more shards than services. A shard whose services have no SLO
 * exports an empty map where another's is unknown (IDs are unknown in a preview); the
 * merge must give what one process gives, as it does for every other output.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { prodMix, type ServiceShape, syntheticCatalog } from "../bench/catalog";
import { SHARD_WEIGHT, shardWeight } from "../cli/engine/plan";
import { SECRET_SIG, SIG_KEY, UNKNOWN } from "../cli/engine/marshal";
import { autoShardJobs, mergeRuns, serviceWeight, ShardMergeError } from "../cli/engine/shards";
import { loadCatalog } from "../catalog/load";
import { runLookout, sharedRun } from "./support/plans";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lookout-shapes-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let written = 0;
function catalogOf(shapes: readonly ServiceShape[]): string {
  const file = path.join(dir, `catalog-${written++}.yaml`);
  fs.writeFileSync(file, syntheticCatalog(shapes.length, "prod", (i) => shapes[i]));
  return file;
}

const plan = (args: readonly string[], env: NodeJS.ProcessEnv = {}) => runLookout(["plan", "--stack", "prod", ...args, "--json"], undefined, env);

/** The one-process plan and the sharded one, as compared: exit code, stderr, stdout. */
function expectSameAsOneProcess(catalogArgs: readonly string[], shardArgs: readonly string[], env: NodeJS.ProcessEnv = {}): string {
  // The shipped stack's one-process plan is the run other files share (support/plans.ts).
  const single = catalogArgs.length === 0 ? sharedRun(["plan", "--stack", "prod", "--shards", "1", "--json"]) : plan([...catalogArgs, "--shards", "1"]);
  expect({ code: single.code, stderr: single.stderr }).toEqual({ code: 0, stderr: "" });
  const sharded = plan([...catalogArgs, ...shardArgs], env);
  expect({ args: shardArgs, code: sharded.code, stderr: sharded.stderr }).toEqual({ args: shardArgs, code: 0, stderr: "" });
  expect(sharded.stdout === single.stdout, `${shardArgs.join(" ")} gives the one-process plan`).toBe(true);
  return single.stdout;
}

const bare: ServiceShape = { journey: false, alerts: false, slo: false, sentry: false };
const full: ServiceShape = { journey: true, alerts: true, slo: true, sentry: true };

describe("a sharded plan is the one-process plan, byte for byte", () => {
  it("for the shipped prod stack in 8 shards (a shard without an SLO exports no SLO IDs)", () => {
    const single = expectSameAsOneProcess([], ["--shards", "8", "--jobs", "2"]);
    expect(JSON.parse(single).outputs.sloIds).toBe("[unknown]");
  }, 240_000);

  it("for one service in more shards than services", () => {
    expectSameAsOneProcess(["--catalog", catalogOf([full])], ["--shards", "3"]);
  }, 240_000);

  it("for bare services first, then full ones, one service a shard: empty and unknown maps merge to unknown", () => {
    const single = expectSameAsOneProcess(["--catalog", catalogOf([bare, bare, bare, full, full])], ["--shards", "5", "--jobs", "2"]);
    const outputs = JSON.parse(single).outputs;
    expect([outputs.monitorIds, outputs.sloIds, outputs.syntheticsTestIds]).toEqual(["[unknown]", "[unknown]", "[unknown]"]);
    expect(Object.keys(outputs.sentryProjects)).toEqual(["svc-3", "svc-4"]);
  }, 240_000);

  it("for a catalog where no service has an SLO or an alert: the maps stay empty", () => {
    const single = expectSameAsOneProcess(["--catalog", catalogOf([bare, bare, bare])], ["--shards", "2"]);
    const outputs = JSON.parse(single).outputs;
    expect([outputs.monitorIds, outputs.sloIds]).toEqual([{}, {}]);
  }, 240_000);

  it("with default flags for 6 services whose first ones have no SLO (sharded by weight, LOOKOUT_SHARD_WEIGHT half theirs)", () => {
    const shapes = Array.from({ length: 6 }, (_, i) => ({ ...prodMix(i), slo: i >= 3 && prodMix(i).slo }));
    const file = catalogOf(shapes);
    const services = loadCatalog(file).services;
    // A shard of half the catalog's weight: the auto path shards as a catalog heavier than SHARD_WEIGHT does.
    const weight = String(Math.ceil(services.map(serviceWeight).reduce((a, b) => a + b, 0) / 2));
    const jobs = autoShardJobs(services, shardWeight({ LOOKOUT_SHARD_WEIGHT: weight })) ?? [];
    // The first shard holds no SLO: its SLO IDs are an empty map, the next shard's unknown.
    expect(jobs.length).toBeGreaterThan(1);
    expect(jobs[0].services.every((name) => Number(name.slice("svc-".length)) < 3)).toBe(true);
    expect(services.filter((s) => s.slos.length > 0).map((s) => s.name)).not.toEqual([]);
    expectSameAsOneProcess(["--catalog", file], [], { LOOKOUT_SHARD_WEIGHT: weight });
  }, 300_000);

  it("plans in one process, without LOOKOUT_SHARD_WEIGHT, up to SHARD_WEIGHT; the variable takes a whole number", () => {
    expect(shardWeight({})).toBe(SHARD_WEIGHT);
    expect(shardWeight({ LOOKOUT_SHARD_WEIGHT: "" })).toBe(SHARD_WEIGHT);
    expect(shardWeight({ LOOKOUT_SHARD_WEIGHT: "61" })).toBe(61);
    for (const bad of ["0", "1.5", "many"]) expect(() => shardWeight({ LOOKOUT_SHARD_WEIGHT: bad })).toThrow(`LOOKOUT_SHARD_WEIGHT takes a whole number of at least 1, got "${bad}"`);
  });

  it("for generated shapes in any order, split into any number of shards", async () => {
    const shape = fc.record({ journey: fc.boolean(), alerts: fc.boolean(), slo: fc.boolean(), sentry: fc.boolean() });
    await fc.assert(
      fc.property(fc.array(shape, { minLength: 1, maxLength: 6 }), fc.integer({ min: 2, max: 8 }), fc.integer({ min: 1, max: 2 }), (shapes, shards, jobs) => {
        expectSameAsOneProcess(["--catalog", catalogOf(shapes)], ["--shards", String(shards), "--jobs", String(jobs)]);
      }),
      // Each case plans twice (seconds): a few cases, no shrinking.
      { numRuns: 2, endOnFailure: true },
    );
  }, 300_000);
});

describe("merging the shards' stack outputs as one run computes them", () => {
  const merged = (...outputs: Record<string, unknown>[]) => mergeRuns(outputs.map((o) => ({ resources: [], outputs: o, sources: new Map() }))).outputs;
  const secret = (value: unknown) => ({ [SIG_KEY]: SECRET_SIG, value });

  it.each([
    ["an empty map, then an unknown one", [{}, UNKNOWN], UNKNOWN],
    ["an unknown map, then an empty one", [UNKNOWN, {}], UNKNOWN],
    ["a known map and an unknown one", [{ "a/x": "1" }, UNKNOWN], UNKNOWN],
    ["two empty maps", [{}, {}], {}],
    ["maps of different services", [{ "b/y": "2" }, {}, { "a/x": "1" }], { "a/x": "1", "b/y": "2" }],
    ["a secret part and a plain one", [secret({ "a/x": "1" }), { "b/y": "2" }], secret({ "a/x": "1", "b/y": "2" })],
  ])("%s: as pulumi.all over every service's part (PF-PULUMI-1)", (_, parts, expected) => {
    expect(merged(...parts.map((ids) => ({ sloIds: ids })))).toEqual({ sloIds: expected });
  });

  it("refuses values that are no keyed map and differ, known or not", () => {
    expect(() => merged({ environment: "prod" }, { environment: UNKNOWN })).toThrow(ShardMergeError);
    expect(() => merged({ monitorIds: { "a/x": "1" } }, { monitorIds: { "a/x": "2" } })).toThrow('stack output "monitorIds.a/x" differs');
  });
});
