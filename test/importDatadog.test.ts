/**
 * `lookout import datadog` on hand-written fixtures of the other formats: the API's list
 * (`GET /api/v1/monitor`), SLOs (`{data: […]}`), synthetics API tests (`{tests: […]}`) and
 * a datadog-sync-cli resource file (PF-DD-IMP-5); the Pulumi import file (PF-PU-IMP-1);
 * the command's exit codes and its all-or-nothing writes.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonErrorOffset, readSources } from "../cli/commands/import";
import type { PlannedResource } from "../cli/engine/resource";
import { monitorApiJson, roundTripDiff } from "../cli/reports/exportDatadog";
import { slug } from "../cli/reports/importConvert";
import { importDatadog, type ImportResult } from "../cli/reports/importDatadog";
import { plannedResourceOf, pulumiImportFile } from "../cli/reports/pulumiImport";
import { matchSignal } from "../cli/reports/signalMatch";
import { parse } from "../queries";
import { importAndPlan } from "./support/imports";
import { runLookout } from "./support/plans";

const FIXTURES = path.join(__dirname, "fixtures", "import");
const temp = fs.mkdtempSync(path.join(os.tmpdir(), "lookout-import-"));
const SOURCES = readSources(FIXTURES);
let imported: ImportResult;
let planned: PlannedResource[];

const find = (file: string, id: string) => {
  const entry = imported.entries.find((e) => e.file === file && e.id === id);
  if (!entry) throw new Error(`no entry ${file} ${id}`);
  return entry;
};
const plannedOf = (file: string, id: string) => {
  const { type, name } = plannedResourceOf(find(file, id));
  const resource = planned.find((r) => r.type === type && r.name === name);
  if (!resource) throw new Error(`not planned: ${type} ${name}`);
  return resource;
};
const sourceMonitor = (file: string, id: string): Record<string, unknown> => {
  const value = SOURCES.find((s) => s.file === file)?.value;
  const list = Array.isArray(value) ? value : Object.entries(value as object).map(([key, v]) => ({ id: key, ...(v as object) }));
  return list.find((m) => String((m as { id: unknown }).id) === id) as Record<string, unknown>;
};

beforeAll(async () => {
  ({ imported, planned } = await importAndPlan(SOURCES, temp));
}, 120_000);

afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

describe("import datadog: the formats people have", () => {
  it("reads a list, an SLO list, a synthetics list and a sync-cli file, keyed by Datadog ID", () => {
    expect(imported.entries.map((e) => `${e.kind} ${e.service}/${e.name} ${e.id}`).sort()).toEqual([
      "endpoints payments/payments-health abc-123-xyz",
      "rawAlerts orders/queue-depth 5301",
      "rawAlerts payments/payments-api-can-connect 4212",
      "alerts payments/prod-payments-p99-latency 4211",
      "rawAlerts payments/payments-eu-queue-backlog 4213",
      "slos payments/payments-succeed c5d0f1a2b3c4d5e6f7a8b9c0d1e2f3a4",
    ].sort());
    // The service's owner comes from the team: tag.
    expect(imported.services.get("payments")).toEqual({ team: "checkout", apmOperation: "http.request" });
  });

  it("names what it cannot import or hold, per file and field", () => {
    expect(imported.unsupported).toEqual([
      expect.objectContaining({ file: "slos.json", id: "0a1b2c3d4e5f60718293a4b5c6d7e8f9", why: expect.stringContaining('a "monitor" SLO') }),
    ]);
    const notes = imported.notes.map((n) => `${n.file} ${n.id} ${n.field}`);
    expect(notes).toEqual(expect.arrayContaining([
      "monitors-list.json 4212 options.silenced",
      "synthetics.json abc-123-xyz config.assertions[2]",
      "synthetics.json abc-123-xyz message",
      "slos.json c5d0f1a2b3c4d5e6f7a8b9c0d1e2f3a4 tags",
    ]));
    // Read-only API fields and default values are normalization, not notes.
    expect(notes.some((n) => /creator|overall_state|locked|options\.silenced/.test(n) && n.includes("4211"))).toBe(false);
  });

  it("makes a monitor that matches a signal that signal's alert, compiling to the same query and thresholds", () => {
    expect(find("monitors-list.json", "4211").entry).toEqual({
      name: "prod-payments-p99-latency", signal: "http.latency", percentile: "p99", comparison: "above", critical: "2000ms", warning: "1500ms", window: "5m", severity: "P1",
    });
    expect(plannedOf("monitors-list.json", "4211").inputs).toMatchObject({
      type: "query alert",
      query: "percentile(last_5m):p99:trace.http.request{env:prod,service:payments} > 2",
      monitorThresholds: { critical: "2", warning: "1.5" },
    });
    // What the signal's alert does not keep is reported.
    expect(imported.notes.some((n) => n.id === "4211" && n.field === "name, message, tags, options, priority")).toBe(true);
  });

  it("plans raw monitors that equal their source after normalization (spacing, 2000.0, \"30\", \"3\")", () => {
    expect(roundTripDiff(sourceMonitor("monitors-list.json", "4213"), monitorApiJson(plannedOf("monitors-list.json", "4213").inputs))).toEqual([]);
    expect(plannedOf("monitors-list.json", "4213").inputs).toMatchObject({
      query: "max(last_15m):max:payments.queue.backlog{env:prod,service:payments,region:eu} >= 2000",
      message: "Backlog at {{value}} (100% full at 5000) @slack-acme-payments",
      renotifyInterval: 30,
      priority: "3",
    });
    expect(roundTripDiff(sourceMonitor("sync-cli/resources/source/monitors.json", "5301"), monitorApiJson(plannedOf("sync-cli/resources/source/monitors.json", "5301").inputs))).toEqual([]);
    // A muted monitor cannot be exact: the provider has no `silenced` (PF-DD-IMP-2).
    expect(roundTripDiff(sourceMonitor("monitors-list.json", "4212"), monitorApiJson(plannedOf("monitors-list.json", "4212").inputs))).toEqual(['options.silenced: {"*":null} ≠ undefined']);
  });

  it("plans the metric SLO with the source's numerator and denominator", () => {
    expect(plannedOf("slos.json", "c5d0f1a2b3c4d5e6f7a8b9c0d1e2f3a4").inputs).toMatchObject({
      query: {
        numerator: "sum:shop.payments.succeeded{env:prod,service:payments}.as_count()",
        denominator: "sum:shop.payments.attempted{env:prod,service:payments}.as_count()",
      },
      thresholds: expect.arrayContaining([expect.objectContaining({ timeframe: "30d", target: 99.9, warning: 99.95 })]),
    });
  });

  it("plans the API test with the source's request, interval and assertions", () => {
    const inputs = plannedOf("synthetics.json", "abc-123-xyz").inputs as Record<string, unknown>;
    expect(inputs).toMatchObject({ type: "api", subtype: "http", requestDefinition: { method: "GET", url: "https://pay.example.com/health" }, locations: ["aws:eu-west-1", "aws:us-east-1"] });
    expect(JSON.stringify(inputs.assertions)).toContain("1500");
    expect(JSON.stringify(inputs.optionsList)).toContain('"tickEvery":120');
  });

  it("writes Pulumi's import file: each ID under its planned name, parents as empty components (PF-PU-IMP-1, PF-PU-IMP-2)", () => {
    const file = pulumiImportFile(imported.entries, planned);
    expect(file.nameTable).toEqual({ datadog: "urn:pulumi:prod::lookout::pulumi:providers:datadog::datadog" });
    expect(file.resources).toEqual(expect.arrayContaining([
      { type: "lookout:alerts:Alerts", name: "alerts", component: true },
      { type: "lookout:alerts:ServiceAlerts", name: "alerts-payments", parent: "alerts", component: true },
      { type: "datadog:index/monitor:Monitor", name: "alerts-payments-prod-payments-p99-latency", id: "4211", parent: "alerts-payments", provider: "datadog" },
      { type: "datadog:index/monitor:Monitor", name: "alerts-orders-queue-depth", id: "5301", parent: "alerts-orders", provider: "datadog" },
      expect.objectContaining({ type: "datadog:index/serviceLevelObjective:ServiceLevelObjective", id: "c5d0f1a2b3c4d5e6f7a8b9c0d1e2f3a4" }),
      expect.objectContaining({ type: "datadog:index/syntheticsTest:SyntheticsTest", id: "abc-123-xyz" }),
    ]));
    // A parent is listed before its children, and every parent a resource names is in the file.
    const names = file.resources.map((r) => r.name);
    file.resources.forEach((r, i) => {
      if (r.parent) expect(names.indexOf(r.parent)).toBeLessThan(i);
    });
  });

  it("keeps no @-handle or {{ }} block in a catalog description: the SLO's is reported instead", () => {
    const slo = (SOURCES.find((f) => f.file === "slos.json")?.value as { data: Record<string, unknown>[] }).data[0];
    const result = importDatadog([{ file: "slo.json", value: { ...slo, description: "Pages {{#is_alert}}@pagerduty-payments{{/is_alert}}" } }], "prod");
    if ("unrecognized" in result) throw new Error("unrecognized");
    expect(result.entries[0].entry.description).toBeUndefined();
    expect(result.notes.map((n) => n.field)).toContain("description");
  });

  it.each([
    ["[Postgres] Connections on {{host.name}} near the limit", "postgres-connections-on-near-the-limit"],
    ["99% CPU", "cpu"],
    ["x".repeat(80), "x".repeat(60)],
  ])("slug(%s) is a catalog name", (title, expected) => {
    expect(slug(title)).toBe(expected);
  });
});

describe("matching a monitor to a signal: the signal's alert must compile to the same query", () => {
  it.each([
    ["avg(last_5m):avg:system.cpu.user{env:prod,service:api} > 90", { warning: 80 }, "metric"],
    ["sum(last_10m):sum:trace.http.request.errors{env:prod,service:api}.as_count() / sum:trace.http.request.hits{env:prod,service:api}.as_count() * 100 > 5", {}, "http.error-rate"],
    ["percentile(last_5m):p95:trace.web.request{env:prod,service:api} < 1", {}, "http.latency"],
    // Another scope, another service, a by-clause or a count the signal does not write: no match.
    ["avg(last_5m):avg:system.cpu.user{env:prod,service:api,host:a} > 90", {}, undefined],
    ["avg(last_5m):avg:system.cpu.user{env:prod,service:web} > 90", {}, undefined],
    ["avg(last_5m):avg:system.cpu.user{env:prod,service:api} by {host} > 90", {}, undefined],
    ["sum(last_10m):sum:trace.http.request.errors{env:prod,service:api}.as_count() / sum:trace.http.request.hits{env:prod,service:api}.as_count() > 5", {}, undefined],
    ["avg(last_5m):avg:system.cpu.user{env:prod,service:api} >= 90", {}, undefined],
  ])("%s", (query, extra, signal) => {
    const model = parse(query);
    const critical = (model as { threshold: number }).threshold;
    expect(matchSignal("prod", "api", "query alert", query, model, { critical, ...extra })?.alert.signal).toBe(signal);
  });
});

describe("where JSON text stops being JSON", () => {
  it.each([
    ['{"a": 1,,}', 8],
    ['{"a": 1', 7],
    ["[1 2]", 3],
    ['{"a": tru}', 6],
    ['"\\q"', 2],
    ["[1] x", 4],
    ['{"a": [1, {"b": null}], "c": "\\u00e9"}', 38],
  ])("%s → offset %i", (text, offset) => {
    expect(jsonErrorOffset(text)).toBe(offset);
  });
});

describe("lookout import datadog: the command", () => {
  it("writes the catalog and the Pulumi import file, and prints the report", () => {
    const out = path.join(temp, "cli.yaml");
    const importFile = path.join(temp, "import.json");
    const run = runLookout(["import", "datadog", "--from", FIXTURES, "--out", out, "--pulumi-import", importFile]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^imported 4 monitors \(1 as signal alerts\), 1 SLOs and 1 API tests/);
    expect(run.stdout).toContain("slos.json [0a1b2c3d4e5f60718293a4b5c6d7e8f9]");
    expect(fs.readFileSync(out, "utf8")).toContain("# monitors-list.json · Datadog ID 4211");
    expect(JSON.parse(fs.readFileSync(importFile, "utf8")).resources.length).toBeGreaterThan(5);

    // And back: the planned monitors as the API's JSON, one file each.
    const dir = path.join(temp, "export");
    const exported = runLookout(["export", "datadog", "--stack", "prod", "--catalog", out, "--out", dir]);
    expect(exported.code).toBe(0);
    // The 4 imported monitors and the imported SLO's burn-rate alerts.
    expect(exported.stdout).toBe(`wrote 10 monitors of stack prod to ${dir}\n`);
    const backlog = JSON.parse(fs.readFileSync(path.join(dir, "alerts-payments-payments-eu-queue-backlog.json"), "utf8"));
    expect(roundTripDiff(sourceMonitor("monitors-list.json", "4213"), backlog)).toEqual([]);
    expect(Object.keys(backlog)).toEqual([...Object.keys(backlog)].sort());
  }, 120_000);

  it("names an unknown source or target with exit 2", () => {
    const run = runLookout(["export", "grafana", "--stack", "prod", "--out", path.join(temp, "x")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('error: unknown export target "grafana"; expected datadog\n');
  }, 60_000);

  it.each([
    ["bad.json", '[{"name": "x",\n  "type": }]', /bad\.json:2:11: not valid JSON \(unexpected "\}"\)/],
    ["other.json", '{"hello": "world"}', /other\.json: not a Datadog monitor, SLO or synthetics test/],
  ])("rejects %s with exit 2 and writes nothing", (name, text, expected) => {
    const dir = fs.mkdtempSync(path.join(temp, "bad-"));
    fs.writeFileSync(path.join(dir, name), text);
    const out = path.join(dir, "out.yaml");
    const run = runLookout(["import", "datadog", "--from", dir, "--out", out]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(expected);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(out)).toBe(false);
  }, 60_000);
});
