/**
 * The dashboard rules of the pack: called directly on the dashboards Lookout generates
 * (which must pass) and on hand-broken variants (which must not), then once through the
 * real Analyzer gRPC path on a stack run under mocks.
 */
import * as path from "path";
import * as grafana from "@pulumiverse/grafana";
import { beforeAll, describe, expect, it } from "vitest";
import { runPolicyPacks, type PolicyRunResult } from "../cli/engine/analyzer";
import { stackDashboards } from "../dashboards";
import { loadCatalog } from "../catalog/load";
import { Dashboards, dashboardArgs } from "../infra/grafana/grafana";
import { dashboardPolicies, dashboardRefreshRate, dashboardUidTitleTagsFolder, GRAFANA_DASHBOARD, intervalSeconds } from "../policies/dashboards";
import { runComponents } from "./support/mocks";
import { violations } from "./support/policies";

const catalog = loadCatalog(path.join(__dirname, "fixtures", "catalogs", "dashboards.yaml"));
const definitions = stackDashboards(catalog);
const props = (key: string): Record<string, unknown> => {
  const definition = definitions.find((d) => d.key === key);
  if (!definition) throw new Error(key);
  return JSON.parse(JSON.stringify(dashboardArgs(catalog.environment, definition))) as Record<string, unknown>;
};
/** The props with the dashboard model changed by `edit`. */
const withModel = (key: string, edit: (model: Record<string, unknown>) => void): Record<string, unknown> => {
  const p = props(key);
  const model = JSON.parse(String(p.configJson)) as Record<string, unknown>;
  edit(model);
  return { ...p, configJson: JSON.stringify(model) };
};
const check = (policy: (typeof dashboardPolicies)[number], p: Record<string, unknown>, config: Record<string, unknown> = {}) => violations(policy, p, config, GRAFANA_DASHBOARD);

describe("what Lookout generates passes every dashboard rule", () => {
  it.each(definitions.map((d) => d.key))("%s", async (key) => {
    for (const policy of dashboardPolicies) expect(await check(policy, props(key)), policy.name).toEqual([]);
  });

  it("leaves other resource types alone", async () => {
    for (const policy of dashboardPolicies) expect(await violations(policy, { configJson: "{" }, {}, "grafana:oss/folder:Folder")).toEqual([]);
  });
});

describe("dashboard-refresh-rate", () => {
  it("rejects a refresh faster than 10 s, naming the guide", async () => {
    expect(await check(dashboardRefreshRate, withModel("operations", (m) => (m.refresh = "5s")))).toEqual([
      expect.stringMatching(
        /^Dashboard "checkout-health" refreshes every 5s, faster than every 10s\. Set "refresh" to 10s or slower: .*\(002 Production Monitoring & Alerting Guide §"Real-Time Dashboards": operations 10s, executive 30s, business intelligence 5m\)\.$/,
      ),
    ]);
    expect(await check(dashboardRefreshRate, withModel("operations", (m) => (m.refresh = "500ms")))).toHaveLength(1);
  });

  it("accepts 10 s and slower, and no auto-refresh at all", async () => {
    for (const refresh of ["10s", "30s", "1m", "5m", "1h", "", undefined]) {
      expect(await check(dashboardRefreshRate, withModel("operations", (m) => (m.refresh = refresh))), String(refresh)).toEqual([]);
    }
  });

  it("takes its floor from the config (minRefreshSeconds)", async () => {
    expect(await check(dashboardRefreshRate, props("operations"), { minRefreshSeconds: 30 })).toEqual([
      expect.stringContaining('refreshes every 10s, faster than every 30s. Set "refresh" to 30s or slower'),
    ]);
    expect(await check(dashboardRefreshRate, props("executive"), { minRefreshSeconds: 30 })).toEqual([]);
  });

  it("names a refresh that is no interval", async () => {
    expect(await check(dashboardRefreshRate, withModel("executive", (m) => (m.refresh = "fast")))).toEqual([
      'Dashboard "checkout-health" sets refresh "fast", which is no interval. Set "refresh" to an interval such as 10s, 30s or 5m, or "" for none.',
    ]);
  });

  it("reads intervals as Grafana writes them", () => {
    expect([intervalSeconds("10s"), intervalSeconds("5m"), intervalSeconds("1h"), intervalSeconds("2d"), intervalSeconds("250ms"), intervalSeconds("x")]).toEqual([10, 300, 3600, 172800, 0.25, undefined]);
  });
});

describe("dashboard-uid-title-tags-folder", () => {
  it("names everything missing and what to give", async () => {
    const bare = { ...withModel("executive", (m) => { delete m.uid; m.title = " "; m.tags = []; }), folder: "" };
    expect(await check(dashboardUidTitleTagsFolder, bare)).toEqual([
      expect.stringMatching(/^Dashboard "checkout-health" lacks a UID, a title, tags and a folder\. Give it a stable "uid" .*, a "title" .*, "tags" .* and a folder \(its team's: who owns the dashboard, and who may edit it\)\. Each guide dashboard has an audience and an owner \(002 .*\)\.$/),
    ]);
  });

  it("checks one field at a time", async () => {
    expect(await check(dashboardUidTitleTagsFolder, withModel("business", (m) => (m.uid = "has spaces")))).toEqual([expect.stringContaining('a "uid" of 1–40 letters, digits, - or _ (found "has spaces")')]);
    expect(await check(dashboardUidTitleTagsFolder, withModel("business", (m) => (m.tags = ["", " "])))).toEqual([expect.stringContaining("lacks tags.")]);
    expect(await check(dashboardUidTitleTagsFolder, { ...props("business"), folder: undefined })).toEqual([expect.stringContaining("lacks a folder.")]);
  });

  it("rejects configJson that is no JSON object", async () => {
    expect(await check(dashboardUidTitleTagsFolder, { ...props("business"), configJson: "{not json" })).toEqual([
      expect.stringMatching(/^Dashboard "checkout-health": its configJson is not a JSON object, so Grafana cannot import it\./),
    ]);
    expect(await check(dashboardRefreshRate, { ...props("business"), configJson: "[]" })).toEqual([]);
  });
});

describe("over the Analyzer gRPC protocol", () => {
  let result: PolicyRunResult;
  beforeAll(async () => {
    const run = await runComponents(() => {
      new Dashboards("dashboards", { catalog, config: { datadogApiUrl: "https://api.datadoghq.com" } });
      const model = JSON.parse(String(props("operations").configJson)) as Record<string, unknown>;
      new grafana.oss.Dashboard("hand-made", { configJson: JSON.stringify({ ...model, uid: undefined, refresh: "5s" }) });
    });
    result = await runPolicyPacks([path.join(__dirname, "..", "policies")], run.resources, { project: "lookout", stack: "test", dryRun: true });
  }, 120_000);

  it("registers both rules in the pack", () => {
    expect(result.packs[0].policies.map((p) => p.name)).toEqual(expect.arrayContaining(["dashboard-refresh-rate", "dashboard-uid-title-tags-folder"]));
    expect(result.packs[0].config["dashboard-refresh-rate"]).toEqual({ enforcementLevel: "mandatory", properties: { minRefreshSeconds: 10 } });
  });

  it("flags only the hand-made dashboard, as mandatory", () => {
    const ours = result.diagnostics.filter((d) => d.policy.startsWith("dashboard-"));
    expect(ours.map((d) => [d.policy, d.enforcementLevel, d.urn?.split("::").pop()])).toEqual([
      ["dashboard-refresh-rate", "mandatory", "hand-made"],
      ["dashboard-uid-title-tags-folder", "mandatory", "hand-made"],
    ]);
    expect(ours[1].message).toContain("lacks a UID and a folder");
  });
});
