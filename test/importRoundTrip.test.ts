/**
 * The round trip over Datadog's own recommended monitors (../shared/corpora/datadog-monitors/):
 * every supported file imports into a catalog that validates, the catalog plans under the
 * offline engine's program run, and each planned monitor, exported as the API's JSON,
 * equals its source after the README's normalization. The rest are named with reasons.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSources } from "../cli/commands/import";
import type { PlannedResource } from "../cli/engine/resource";
import { monitorApiJson, roundTripDiff } from "../cli/reports/exportDatadog";
import { importedCatalogText, type ImportResult } from "../cli/reports/importDatadog";
import { plannedResourceOf } from "../cli/reports/pulumiImport";
import { parseCatalog } from "../catalog/load";
import { importAndPlan } from "./support/imports";
import { ROOT } from "./support/plans";

const CORPUS = path.resolve(ROOT, "..", "shared", "corpora", "datadog-monitors", "integrations-core");

/** Not imported: the query model's unsupported forms (the README lists the same). */
const NOT_IMPORTED: Readonly<Record<string, string>> = {
  "apache/high_keep_alive_and_cpu.json": "unary `+`",
  "aws_neuron/execution_errors.json": "without its evaluation",
  "cisco_aci/interface_down.json": "`default_zero:` as a space aggregator",
  "postgres/percent_usage_connections.json": "a group-by after the threshold",
  "snmp/traps_linkDown.json": "formula()",
};

/** Imported but not exact, and why (the README lists the same). */
const INEXACT: Readonly<Record<string, string>> = {
  "dcgm/gpu_temperature.json": "options.silenced",
  "dcgm/xid_errors.json": "options.silenced",
  "kubernetes_cluster_autoscaler/KCA_reporting_errors.json": "options.silenced",
  "redisdb/cmd_latency.json": "options.thresholds",
  "teamcity/build_status.json": "options.silenced",
};

/** The measured share of the corpus that round-trips exactly (README: the same figure). */
const EXACT_FLOOR = 0.9;

const SOURCES = readSources(CORPUS);
let imported: ImportResult;
let planned: PlannedResource[];
const temp = fs.mkdtempSync(path.join(os.tmpdir(), "lookout-import-"));

beforeAll(async () => {
  ({ imported, planned } = await importAndPlan(SOURCES, temp));
}, 120_000);

afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

describe("import datadog: the recommended-monitor corpus", () => {
  it("reads all 147 files", () => {
    expect(SOURCES).toHaveLength(147);
  });

  it("imports every file but the query model's unsupported ones, each with its reason", () => {
    const missing = Object.fromEntries(imported.unsupported.map((u) => [u.file, u.why]));
    expect(Object.keys(missing).sort()).toEqual(Object.keys(NOT_IMPORTED).sort());
    for (const [file, why] of Object.entries(NOT_IMPORTED)) expect(missing[file]).toContain(why);
    expect(imported.entries).toHaveLength(147 - Object.keys(NOT_IMPORTED).length);
  });

  it("writes a catalog that validates, each entry under a comment naming its file and Datadog ID", () => {
    const text = importedCatalogText(imported, "prod", "corpus");
    expect(() => parseCatalog([{ file: "imported.yaml", text }])).not.toThrow();
    expect(text).toContain("# ray/cpu_utilization.json · Datadog ID");
    for (const entry of imported.entries) expect(text).toContain(`# ${entry.file}`);
  });

  it("plans one monitor per imported entry, equal to its source after normalization", () => {
    const diffs: Record<string, string[]> = {};
    for (const entry of imported.entries) {
      const { type, name } = plannedResourceOf(entry);
      const resource = planned.find((r) => r.type === type && r.name === name);
      expect(resource, name).toBeDefined();
      const source = SOURCES.find((s) => s.file === entry.file)?.value as Record<string, unknown>;
      const diff = roundTripDiff(source, monitorApiJson(resource?.inputs ?? {}));
      if (diff.length > 0) diffs[entry.file] = diff;
    }
    expect(Object.keys(diffs).sort()).toEqual(Object.keys(INEXACT).sort());
    for (const [file, field] of Object.entries(INEXACT)) {
      expect(diffs[file].join("\n")).toContain(field);
      // Every difference is one the import report names.
      for (const d of diffs[file]) {
        const f = d.split(":")[0];
        expect(imported.notes.some((n) => n.file === file && n.field.startsWith(f)), `${file} ${f}`).toBe(true);
      }
    }
    // 137 of 147 files: 93.2 % (README "Round trip").
    const exact = (imported.entries.length - Object.keys(diffs).length) / SOURCES.length;
    expect(exact).toBeGreaterThanOrEqual(EXACT_FLOOR);
    expect(imported.entries.length - Object.keys(diffs).length).toBe(137);
  });

  it("reports why a monitor cannot be exact: fields the catalog does not hold are notes, not silence", () => {
    const silenced = imported.notes.filter((n) => n.field === "options.silenced").map((n) => n.file);
    expect(silenced.sort()).toEqual(Object.keys(INEXACT).filter((f) => INEXACT[f] === "options.silenced").sort());
  });
});
