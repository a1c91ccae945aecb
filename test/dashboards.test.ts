/**
 * Dashboards from the catalog: the ticket guide's three dashboards (widgets, refresh
 * rates, data sources), the generated team dashboards (a row per service, each alert's
 * thresholds exactly its monitor's), stable IDs and UIDs across runs and reorderings, a
 * grid without overlaps, JSON with sorted keys that validates against the model, and
 * the `grafana` catalog key's checks. Pure: no Pulumi, except the component test.
 */
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { dashboardJson, dashboardProblems, dashboardTeams, dataSourceRefs, stackDashboards } from "../dashboards";
import type { DashboardDefinition } from "../dashboards/definition";
import { panelId, stableUid } from "../dashboards/ids";
import { stableStringify } from "../json/canonical";
import { GridLayout, gridProblems } from "../dashboards/layout";
import { DashboardModelError } from "../dashboards/model";
import { declaredQueries, seriesQuery } from "../dashboards/signals";
import { parse as parseQuery } from "../queries";
import { compileAlert } from "../catalog/alertQueries";
import { CatalogError } from "../catalog/errors";
import { loadCatalog, parseCatalog } from "../catalog/load";
import type { Alert, Catalog } from "../catalog/model";
import { readGrafanaConfig } from "../infra/stack/config";
import { Dashboards, folderUid } from "../infra/grafana/grafana";
import { runComponents, shapeOf } from "./support/mocks";

const FIXTURES = path.join(__dirname, "fixtures", "catalogs");
const fixture = (name: string) => path.join(FIXTURES, name);
const catalog = loadCatalog(fixture("dashboards.yaml"));
const definitions = stackDashboards(catalog);

interface ThresholdJson { value: number | null; color: string }
interface TargetJson { refId: string; datasource: { type: string; uid: string }; query?: string; queryType?: string; rawSql?: string; format?: string }
interface PanelJson {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: TargetJson[];
  fieldConfig?: { defaults: { unit?: string; thresholds?: { steps: ThresholdJson[] } }; overrides: { matcher: { id: string; options: string }; properties: { id: string; value: unknown }[] }[] };
}
interface DashboardJson { uid: string; title: string; refresh: string; tags: string[]; panels: PanelJson[] }

const json = (d: DashboardDefinition) => JSON.parse(dashboardJson(d)) as DashboardJson;
const dashboard = (defs: readonly DashboardDefinition[], key: string) => {
  const found = defs.find((d) => d.key === key);
  if (!found) throw new Error(`no dashboard ${key}`);
  return found;
};
const panelsOf = (key: string, defs: readonly DashboardDefinition[] = definitions) => json(dashboard(defs, key)).panels;
/** The threshold values (base null first) drawn for one query of a panel. */
function linesOf(panel: PanelJson, refId: string): (number | null)[] {
  const override = panel.fieldConfig?.overrides.find((o) => o.matcher.id === "byFrameRefID" && o.matcher.options === refId);
  const thresholds = override
    ? (override.properties.find((p) => p.id === "thresholds")?.value as { steps: ThresholdJson[] } | undefined)
    : panel.fieldConfig?.defaults.thresholds;
  return (thresholds?.steps ?? []).map((s) => s.value);
}
/** What compileAlert says the alert's lines are, as Grafana's ascending steps. */
function expectedLines(environment: string, catalogOf: Catalog, serviceName: string, alert: Alert): (number | null)[] {
  const service = catalogOf.services.find((s) => s.name === serviceName);
  if (!service) throw new Error(serviceName);
  const t = compileAlert(environment, service, alert).thresholds;
  const critical = Number(t.critical);
  const warning = t.warning === undefined ? [] : [Number(t.warning)];
  return alert.comparison === "above" ? [null, ...warning, critical] : [null, critical, ...warning];
}

describe("the ticket guide's dashboards (002 Real-Time Dashboards)", () => {
  it.each([
    ["executive", "30s", ["Revenue today", "Tickets sold today", "Conversion rate (24 h)", "Customer satisfaction (30 d)", "System health", "Upcoming workshops"]],
    ["operations", "10s", ["API response times", "Error rates by endpoint", "Inventory levels (all cities)", "Stripe webhook processing", "SMS delivery", "Database performance"]],
    ["business", "5m", ["Sales by city", "Ticket type popularity", "Member vs non-member sales", "Peak traffic patterns", "Marketing channel effectiveness", "Customer journey funnel"]],
  ])("%s refreshes every %s and has the guide's six widgets", (key, refresh, titles) => {
    const d = json(dashboard(definitions, key));
    expect(d.refresh).toBe(refresh);
    expect(d.panels.map((p) => p.title)).toEqual(titles);
    expect(d.tags).toEqual(["lookout", "env:prod", "team:storefront", "guide:002"]);
    expect(dashboard(definitions, key).team).toBe("storefront");
  });

  it("keeps business figures in Postgres and system health in Datadog", () => {
    const refs = dataSourceRefs("prod");
    const sources = (key: string) => Object.fromEntries(panelsOf(key).map((p) => [p.title, p.datasource?.type]));
    expect(sources("executive")).toEqual({
      "Revenue today": refs.postgres.type,
      "Tickets sold today": refs.postgres.type,
      "Conversion rate (24 h)": refs.postgres.type,
      "Customer satisfaction (30 d)": refs.postgres.type,
      "System health": refs.datadog.type,
      "Upcoming workshops": refs.postgres.type,
    });
    expect(new Set(panelsOf("business").map((p) => p.datasource?.uid))).toEqual(new Set([refs.postgres.uid]));
    expect(new Set(panelsOf("operations").map((p) => p.datasource?.uid))).toEqual(new Set([refs.datadog.uid]));
    for (const p of [...panelsOf("business"), ...panelsOf("executive")].filter((p) => p.datasource?.type === refs.postgres.type)) {
      expect(p.targets?.[0]).toMatchObject({ refId: "A", rawSql: expect.stringMatching(/^SELECT /), format: expect.stringMatching(/^(table|time_series)$/) });
    }
    const health = panelsOf("executive").find((p) => p.title === "System health");
    expect(health?.targets?.map((t) => t.refId)).toEqual(["api/endpoint/health/uptime", "web/endpoint/home/uptime"]);
    expect(health?.fieldConfig?.defaults.thresholds?.steps.map((s) => s.value)).toEqual([null, 99, 99.5, 99.9]);
  });

  it("draws the product's own alerts on the operations widgets, each with its monitor's lines", () => {
    const ops = Object.fromEntries(panelsOf("operations").map((p) => [p.title, p]));
    const refIds = (title: string) => ops[title].targets?.map((t) => t.refId);
    // latency-target has latency-p95's query: the more severe alert keeps its lines.
    expect(refIds("API response times")).toEqual(["api/alert/latency-p95", "api/alert/webhook-latency"]);
    expect(refIds("Error rates by endpoint")).toEqual(["api/alert/error-rate"]);
    expect(refIds("Inventory levels (all cities)")).toEqual(["api/alert/vip-low"]);
    expect(refIds("Stripe webhook processing")).toEqual(["api/alert/payment-success", "api/alert/webhook-latency"]);
    expect(refIds("SMS delivery")).toEqual(["api/alert/sms-delivery"]);
    expect(refIds("Database performance")).toEqual(["api/alert/slow-queries"]);
    const api = catalog.services.find((s) => s.name === "api")!;
    const alert = (name: string) => api.alerts.find((a) => a.name === name)!;
    expect(linesOf(ops["API response times"], "api/alert/latency-p95")).toEqual([null, 0.5, 1]);
    expect(linesOf(ops["Stripe webhook processing"], "api/alert/payment-success")).toEqual(expectedLines("prod", catalog, "api", alert("payment-success")));
    expect(linesOf(ops["Stripe webhook processing"], "api/alert/webhook-latency")).toEqual([null, 2]);
    expect(linesOf(ops["Inventory levels (all cities)"], "api/alert/vip-low")).toEqual([null, 3, 5]);
  });

  it("leaves a widget with nothing to draw in place and says what to declare", () => {
    const blogOnly = parseCatalog([{ file: "blog.yaml", text: fs.readFileSync(fixture("dashboards.yaml"), "utf8").replace("guideDashboards:\n    product: shop\n    team: storefront", "guideDashboards:\n    product: blog\n    team: content") }]);
    const sms = panelsOf("operations", stackDashboards(blogOnly)).find((p) => p.title === "SMS delivery");
    expect(sms?.targets ?? []).toEqual([]);
    expect((sms as { description?: string }).description).toContain("No alert of this product declares sms.delivery-rate yet");
  });
});

describe("the generated team dashboards", () => {
  it("one per team, a row per service in name order", () => {
    expect(definitions.map((d) => d.key)).toEqual(["business", "executive", "operations", "team-content", "team-storefront"]);
    const rows = panelsOf("team-storefront").filter((p) => p.type === "row").map((p) => p.title);
    expect(rows).toEqual(["api · shop · tier 0", "web · shop · tier 1"]);
    expect(json(dashboard(definitions, "team-storefront"))).toMatchObject({ title: "[prod] storefront services", refresh: "1m", tags: ["lookout", "env:prod", "team:storefront", "generated"] });
  });

  it("puts each panel under its service's row", () => {
    const panels = panelsOf("team-storefront");
    let row = "";
    for (const p of panels) {
      if (p.type === "row") row = p.title.split(" ")[0];
      else for (const t of p.targets ?? []) expect(t.refId.split("/")[0], p.title).toBe(row);
    }
  });

  it("draws each endpoint's uptime and response time, with the check's bound", () => {
    const panels = panelsOf("team-storefront");
    const byRef = (refId: string) => panels.find((p) => p.targets?.some((t) => t.refId === refId))!;
    expect(byRef("web/endpoint/home/uptime")).toMatchObject({ type: "stat", title: "home uptime" });
    expect(byRef("web/endpoint/home/uptime").targets?.[0].query).toBe(
      "sum:synthetics.test_runs{url:https://shop.example.com/,status:success}.as_count() / sum:synthetics.test_runs{url:https://shop.example.com/}.as_count() * 100",
    );
    expect(byRef("web/endpoint/home/response-time").targets?.[0].query).toBe("avg:synthetics.http.response.time{url:https://shop.example.com/}");
    expect(linesOf(byRef("web/endpoint/home/response-time"), "web/endpoint/home/response-time")).toEqual([null, 2000]);
    // No bound, no line; the URL as Datadog's tag (lower case, ? and = folded).
    expect(linesOf(byRef("api/endpoint/health/response-time"), "")).toEqual([null]);
    expect(byRef("api/endpoint/health/response-time").targets?.[0].query).toBe("avg:synthetics.http.response.time{url:https://shop.example.com/api/health_deep_1}");
  });

  it("draws every alert with its monitor's warning and critical thresholds, in the query's unit", () => {
    for (const team of ["storefront", "content"]) {
      const panels = panelsOf(`team-${team}`);
      for (const service of catalog.services.filter((s) => s.team === team)) {
        for (const alert of service.alerts) {
          const refId = `${service.name}/alert/${alert.name}`;
          const panel = panels.find((p) => p.targets?.some((t) => t.refId === refId));
          expect(panel, refId).toBeDefined();
          expect(linesOf(panel!, refId), refId).toEqual(expectedLines("prod", catalog, service.name, alert));
        }
      }
    }
    const page = panelsOf("team-storefront").find((p) => p.title === "register-page-load (P1)")!;
    expect(page.fieldConfig?.defaults.unit).toBe("ns");
    expect(page.fieldConfig?.defaults.thresholds?.steps).toEqual([
      { value: null, color: "green" },
      { value: 4_000_000_000, color: "orange" },
      { value: 6_000_000_000, color: "red" },
    ]);
    const conversion = panelsOf("team-storefront").find((p) => p.title === "checkout-conversion (P2)")!;
    expect(conversion.fieldConfig?.defaults.thresholds?.steps).toEqual([
      { value: null, color: "red" },
      { value: 85, color: "orange" },
      { value: 90, color: "green" },
    ]);
  });

  it("graphs every signal template with its monitor's thresholds (one alert per signal: alerts.yaml)", () => {
    const all = loadCatalog(fixture("alerts.yaml"));
    const [def] = stackDashboards(all);
    const panels = json(def).panels;
    const api = all.services[0];
    for (const alert of api.alerts) {
      const panel = panels.find((p) => p.targets?.some((t) => t.refId === `api/alert/${alert.name}`))!;
      const target = panel.targets![0];
      expect(target.query, alert.name).not.toMatch(/\s(>|<|>=|<=)\s-?\d/);
      if (alert.signal === "inventory.velocity-anomaly") {
        expect(linesOf(panel, target.refId)).toEqual([null]); // the anomaly band is the bound
        expect(target.query).toBe("anomalies(sum:shop.tickets.sold{env:prod,service:api}.as_count(), 'agile', 2)");
      } else {
        expect(linesOf(panel, target.refId), alert.name).toEqual(expectedLines("prod", all, "api", alert));
      }
    }
    const query = (name: string) => panels.find((p) => p.targets?.some((t) => t.refId === `api/alert/${name}`))!.targets![0];
    expect(query("error-rate").query).toBe("sum:trace.next.request.errors{env:prod,service:api}.as_count() / sum:trace.next.request.hits{env:prod,service:api}.as_count() * 100");
    expect(query("latency-p95").query).toBe("p95:trace.next.request{env:prod,service:api}");
    expect(query("revenue-drop").query).toBe(
      "100 * (sum:shop.revenue{env:prod,service:api}.as_count().rollup(sum, 3600) / timeshift(sum:shop.revenue{env:prod,service:api}.as_count().rollup(sum, 3600), -3600) - 1)",
    );
    expect(query("db-connection-errors").query).toBe("sum:shop.db.connection_errors{env:prod,service:api}.as_count().rollup(sum, 3600)");
    expect(query("sellout").query).toBe("forecast(min:shop.inventory.remaining{env:prod,service:api}, 'linear', 1, interval=3600, history='1w', model='default')");
    expect(query("lcp")).toMatchObject({ queryType: "rum", query: 'rum("@type:view service:api env:prod @view.url_path:/register").rollup("pc75", "@view.largest_contentful_paint")' });
    expect(query("cpu").query).toBe("avg:system.cpu.user{env:prod,service:api}");
  });

  it("shows core web vitals of RUM-measured services against LCP 2.5 s, FID 100 ms, CLS 0.1", () => {
    const panels = panelsOf("team-storefront");
    const vitals = panels.filter((p) => p.targets?.some((t) => t.refId.startsWith("web/vitals/")));
    expect(vitals.map((p) => [p.title, p.fieldConfig?.defaults.unit, linesOf(p, "")])).toEqual([
      ["LCP (p75, target 2.5s)", "ns", [null, 2_500_000_000]],
      ["FID (p75, target 100ms)", "ns", [null, 100_000_000]],
      ["CLS (p75, target 0.1)", "short", [null, 0.1]],
    ]);
    // api has no RUM alert: no web vitals.
    expect(panels.some((p) => p.targets?.some((t) => t.refId.startsWith("api/vitals/")))).toBe(false);
  });
});

describe("stable identifiers", () => {
  const reorder = (text: string): string => {
    const doc = parse(text) as { services: { alerts?: unknown[]; endpoints?: unknown[] }[]; products: unknown[] };
    doc.services.reverse();
    doc.products.reverse();
    for (const s of doc.services) {
      s.alerts?.reverse();
      s.endpoints?.reverse();
    }
    return stringify(doc);
  };
  const text = fs.readFileSync(fixture("dashboards.yaml"), "utf8");
  const jsonOf = (defs: readonly DashboardDefinition[]) => defs.map((d) => dashboardJson(d));

  it("are the same on every run", () => {
    expect(jsonOf(stackDashboards(loadCatalog(fixture("dashboards.yaml"))))).toEqual(jsonOf(definitions));
  });

  it("do not change when the catalog is reordered", () => {
    expect(jsonOf(stackDashboards(parseCatalog([{ file: "reordered.yaml", text: reorder(text) }])))).toEqual(jsonOf(definitions));
  });

  it("keep every existing panel's ID when an alert is added before them", () => {
    const doc = parse(text) as { services: { name: string; alerts: unknown[] }[] };
    doc.services.find((s) => s.name === "api")!.alerts.unshift({ name: "aaa-new", signal: "http.error-rate", critical: "2%", severity: "P2" });
    const grown = stackDashboards(parseCatalog([{ file: "grown.yaml", text: stringify(doc) }]));
    const ids = (defs: readonly DashboardDefinition[]) => new Map(panelsOf("team-storefront", defs).map((p) => [p.title, p.id]));
    const before = ids(definitions);
    const after = ids(grown);
    expect(after.size).toBe(before.size + 1);
    for (const [title, id] of before) expect(after.get(title), title).toBe(id);
    expect(dashboard(grown, "team-storefront").uid).toBe(dashboard(definitions, "team-storefront").uid);
  });

  it("derive UIDs and IDs from names: readable, at most 40 characters, per environment", () => {
    expect(definitions.map((d) => d.uid)).toEqual(definitions.map((d) => stableUid("prod", d.key)));
    expect(stableUid("prod", "executive")).toMatch(/^prod-executive-[0-9a-f]{10}$/);
    expect(stableUid("prod", "executive")).not.toBe(stableUid("staging", "executive"));
    const long = stableUid("production-eu", "team-" + "x".repeat(60));
    expect(long.length).toBeLessThanOrEqual(40);
    expect(long).not.toBe(stableUid("production-eu", "team-" + "x".repeat(59)));
    expect(panelId("team-a", "web/alert/x")).toBe(panelId("team-a", "web/alert/x"));
    expect(panelId("team-a", "web/alert/x")).not.toBe(panelId("team-a", "web/alert/y"));
    expect(panelId("team-a", "web/alert/x")).toBeGreaterThan(0);
    expect(panelId("team-a", "web/alert/x")).toBeLessThan(2 ** 31);
  });
});

describe("the grid", () => {
  it("wraps panels that do not fit, puts rows on their own line", () => {
    const grid = new GridLayout();
    expect(grid.place(8, 8)).toEqual({ x: 0, y: 0, w: 8, h: 8 });
    expect(grid.place(12, 6)).toEqual({ x: 8, y: 0, w: 12, h: 6 });
    expect(grid.place(8, 4)).toEqual({ x: 0, y: 8, w: 8, h: 4 });
    expect(grid.row()).toEqual({ x: 0, y: 12, w: 24, h: 1 });
    expect(grid.place(24, 2)).toEqual({ x: 0, y: 13, w: 24, h: 2 });
    expect(() => grid.place(25, 1)).toThrow(/not 1–24 columns/);
  });

  it("finds overlaps and panels outside the grid", () => {
    expect(gridProblems([{ name: "a", gridPos: { x: 0, y: 0, w: 12, h: 8 } }, { name: "b", gridPos: { x: 12, y: 0, w: 12, h: 8 } }])).toEqual([]);
    expect(gridProblems([{ name: "a", gridPos: { x: 0, y: 0, w: 12, h: 8 } }, { name: "b", gridPos: { x: 11, y: 7, w: 4, h: 2 } }])).toEqual(['"a" and "b" overlap on the grid']);
    expect(gridProblems([{ name: "wide", gridPos: { x: 20, y: 0, w: 8, h: 8 } }])).toEqual(['"wide" lies outside the 24-column grid (x 20, y 0, w 8, h 8)']);
  });

  it("has no overlapping panels on any dashboard, fixture or shipped", () => {
    for (const defs of [definitions, stackDashboards(loadCatalog(path.join(__dirname, "..", "stacks", "prod.yaml")))]) {
      for (const d of defs) expect(gridProblems(json(d).panels.map((p) => ({ name: p.title, gridPos: p.gridPos }))), d.key).toEqual([]);
    }
  });
});

describe("the JSON", () => {
  const options = (c: Catalog) => ({ dataSources: Object.values(dataSourceRefs(c.environment)), declaredQueries: declaredQueries(c) });

  it("is serialized with sorted keys at every depth", () => {
    expect(stableStringify({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined, f: () => 1 } })).toBe('{"a":{"d":[3,{"y":2,"z":1}]},"b":1}');
    for (const d of definitions) {
      const text = dashboardJson(d);
      expect(stableStringify(JSON.parse(text))).toBe(text);
      expect(dashboardJson(d, { pretty: true })).toBe(`${stableStringify(JSON.parse(text), 2)}\n`);
    }
  });

  it.each(["prod", "staging"])("of every dashboard of the shipped %s catalog validates against the dashboard model", (stack) => {
    const shipped = loadCatalog(path.join(__dirname, "..", "stacks", `${stack}.yaml`));
    const shippedDashboards = stackDashboards(shipped);
    expect(shippedDashboards.map((d) => d.key)).toEqual(expect.arrayContaining(["business", "executive", "operations"]));
    for (const d of shippedDashboards) expect(dashboardProblems(JSON.parse(dashboardJson(d)), options(shipped)), d.key).toEqual([]);
  });

  it("of every fixture dashboard validates against the dashboard model", () => {
    for (const d of definitions) expect(dashboardProblems(JSON.parse(dashboardJson(d)), options(catalog)), d.key).toEqual([]);
  });

  it("is checked at run time: required fields, types, IDs, grid, thresholds, data sources, declared queries", () => {
    const model = JSON.parse(dashboardJson(dashboard(definitions, "team-storefront"))) as DashboardJson & Record<string, unknown>;
    const broken = structuredClone(model);
    delete (broken as Partial<DashboardJson>).uid;
    expect(dashboardProblems(broken, options(catalog))).toEqual(["dashboard.uid: Invalid input: expected string, received undefined"]);

    const panels = structuredClone(model);
    const [, first, second] = panels.panels;
    second.id = first.id;
    second.gridPos = { ...first.gridPos };
    first.targets![0].query = "avg:system.load.1{*}";
    first.fieldConfig!.defaults.thresholds!.steps = [{ value: null, color: "green" }, { value: 5, color: "red" }, { value: 1, color: "red" }];
    second.targets![0].datasource = { type: "prometheus", uid: "nope" };
    (panels.panels[3] as unknown as Record<string, unknown>).gridPos = { x: 0, y: 0, w: "8", h: 8 };
    const problems = dashboardProblems(panels, options(catalog));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^panels\[1\]\.targets\[0\]\.query: panel ".*" queries avg:system\.load\.1\{\*\}, which no alert, endpoint or RUM-measured service of the catalog declares$/),
        expect.stringMatching(/^panels\[1\]\.fieldConfig\.defaults\.thresholds\.steps\[2\]: .* threshold steps must ascend \(found 1 after 5\)$/),
        expect.stringMatching(/^panels\[2\]\.id: panel ".*" has the ID \d+ of ".*"$/),
        expect.stringMatching(/^panels\[2\]\.targets\[0\]\.datasource: panel ".*" names the data source nope, which the stack does not provision$/),
        expect.stringMatching(/^panels\[3\]\.gridPos\.w: Invalid input: expected number, received string$/),
        expect.stringMatching(/^panels: ".*" and ".*" overlap on the grid$/),
      ]),
    );
  });

  it("reports every problem of a dashboard Lookout would build, at once", () => {
    const error = new DashboardModelError(["team-x: panels: \"a\" and \"b\" overlap on the grid"]);
    expect(error.message).toBe('invalid dashboard JSON (1 problem):\n  team-x: panels: "a" and "b" overlap on the grid');
  });

  it("graphs only what a monitor query says: a query of another shape or monitor type draws no panel", () => {
    const alert = catalog.services.find((s) => s.name === "api")!.alerts[0];
    expect(seriesQuery(parseQuery("avg(current_1d):avg:system.load.1{*} > 1"), "query alert", alert)).toBeUndefined();
    expect(seriesQuery(parseQuery('logs("status:error").index("*").rollup("count").last("5m") > 10'), "log alert", alert)).toBeUndefined();
    const logs = parseCatalog([
      {
        file: "logs.yaml",
        text: fs.readFileSync(fixture("dashboards.yaml"), "utf8").replace(
          "    alerts:\n      - name: error-rate\n        signal: http.error-rate\n        critical: 5%",
          '    alerts:\n      - name: log-errors\n        signal: query\n        monitorType: log alert\n        query: logs("service:blog status:error").index("*").rollup("count").last("5m")\n        critical: 10\n        severity: P2\n      - name: error-rate\n        signal: http.error-rate\n        critical: 5%',
        ),
      },
    ]);
    expect(logs.services.find((s) => s.name === "blog")!.alerts.map((a) => a.name)).toEqual(["error-rate", "log-errors"]);
    const refIds = panelsOf("team-content", stackDashboards(logs)).flatMap((p) => p.targets?.map((t) => t.refId) ?? []);
    expect(refIds).toEqual(["blog/endpoint/home/uptime", "blog/endpoint/home/response-time", "blog/alert/error-rate"]);
  });
});

describe("the grafana catalog key", () => {
  const base = fs.readFileSync(fixture("dashboards.yaml"), "utf8");
  const load = (text: string) => {
    try {
      parseCatalog([{ file: "c.yaml", text }]);
      return [];
    } catch (error) {
      if (error instanceof CatalogError) return error.issues.map((i) => `${i.line}:${i.column} ${i.path} ${i.message}`);
      throw error;
    }
  };
  const grafanaLine = base.split("\n").indexOf("grafana:") + 1;

  it("names the guide dashboards' unknown product and team, at their line:column", () => {
    expect(load(base.replace("guideDashboards:\n    product: shop\n    team: storefront", "guideDashboards:\n    product: shoe\n    team: store"))).toEqual([
      `${grafanaLine + 2}:14 grafana.guideDashboards.product unknown product "shoe"; expected one of blog, shop`,
      `${grafanaLine + 3}:11 grafana.guideDashboards.team unknown team "store"; expected a team that owns a service: content, storefront`,
    ]);
  });

  it("asks for Postgres when the guide dashboards are on", () => {
    const withoutPostgres = base.slice(0, base.indexOf("  postgres:"));
    expect(load(withoutPostgres)).toEqual([
      `${grafanaLine + 2}:5 grafana.guideDashboards the guide dashboards read business metrics from Postgres (002 "Implementation Tools": "Custom Postgres + Grafana"); add grafana.postgres`,
    ]);
  });

  it("rejects unknown keys and a password in the catalog", () => {
    expect(load(base.replace("    user: grafana_reader", "    user: grafana_reader\n    password: hunter2"))).toEqual([
      expect.stringMatching(/^\d+:5 grafana\.postgres\.password unknown key "password"; expected one of host, database, user, sslMode$/),
    ]);
  });

  it("may be set in one file of a folder only; without it the model has none", () => {
    const issues = (() => {
      try {
        parseCatalog([
          { file: "a.yaml", text: base },
          { file: "b.yaml", text: "grafana:\n  postgres: { host: db.example.com, database: x, user: y }\n" },
        ]);
        return [];
      } catch (error) {
        return (error as CatalogError).issues.map((i) => `${i.file}:${i.line} ${i.message}`);
      }
    })();
    expect(issues).toEqual(['b.yaml:2 "grafana" is already set in a.yaml; set it in one file of the catalog only']);
    const plain = loadCatalog(fixture("minimal.yaml"));
    expect(plain.grafana).toBeUndefined();
    expect(stackDashboards(plain).map((d) => d.key)).toEqual(["team-storefront"]);
    expect(catalog.grafana).toMatchObject({ guideDashboards: { product: "shop", team: "storefront" }, postgres: { host: "shop-db.example.com:5432", sslMode: "require" } });
  });
});

describe("the Dashboards component under mocks", () => {
  it("requires the data sources' secrets on pulumi up, before any resource, but not in a preview", async () => {
    await expect(runComponents(() => void readGrafanaConfig(true), { preview: false })).rejects.toThrow(
      /the Grafana data sources need the stack secrets .*lookout:grafanaPostgresPassword: set them with pulumi config set --secret/,
    );
    const preview = await runComponents(() => void readGrafanaConfig(true));
    expect(preview.resources.map((r) => r.type)).toEqual(["pulumi:pulumi:Stack"]);
  });


  it("makes a folder per team, the data sources, and every dashboard in its team's folder", async () => {
    const secret = (await import("@pulumi/pulumi")).secret;
    const run = await runComponents(() => {
      new Dashboards("dashboards", {
        catalog,
        config: { datadogApiUrl: "https://api.datadoghq.eu", datadogApiKey: secret("k"), datadogAppKey: secret("a"), postgresPassword: secret("pw") },
      });
    });
    expect(shapeOf(run)).toEqual(
      [
        "grafana:oss/dashboard:Dashboard dashboards-business <- dashboards",
        "grafana:oss/dashboard:Dashboard dashboards-executive <- dashboards",
        "grafana:oss/dashboard:Dashboard dashboards-operations <- dashboards",
        "grafana:oss/dashboard:Dashboard dashboards-team-content <- dashboards",
        "grafana:oss/dashboard:Dashboard dashboards-team-storefront <- dashboards",
        "grafana:oss/dataSource:DataSource dashboards-datasource-datadog <- dashboards",
        "grafana:oss/dataSource:DataSource dashboards-datasource-postgres <- dashboards",
        "grafana:oss/folder:Folder dashboards-folder-content <- dashboards",
        "grafana:oss/folder:Folder dashboards-folder-storefront <- dashboards",
        "lookout:dashboards:Dashboards dashboards <- lookout-test",
        "pulumi:pulumi:Stack lookout-test <- ",
      ].sort(),
    );
    expect(dashboardTeams(catalog)).toEqual(["content", "storefront"]);
    const inputs = (name: string) => run.resources.find((r) => r.name === name)!.inputs as Record<string, unknown>;
    expect(inputs("dashboards-executive")).toMatchObject({ configJson: dashboardJson(dashboard(definitions, "executive")), folder: folderUid("prod", "storefront"), overwrite: true });
    expect(inputs("dashboards-team-content").folder).toBe(folderUid("prod", "content"));
    expect(inputs("dashboards-folder-storefront")).toEqual({ title: "[prod] storefront", uid: folderUid("prod", "storefront") });
    expect(inputs("dashboards-datasource-postgres")).toMatchObject({
      type: "grafana-postgresql-datasource",
      uid: dataSourceRefs("prod").postgres.uid,
      url: "shop-db.example.com:5432",
      username: "grafana_reader",
      jsonDataEncoded: '{"database":"shop","sslmode":"require"}',
    });
    expect(inputs("dashboards-datasource-datadog")).toMatchObject({ type: "grafana-datadog-datasource", jsonDataEncoded: '{"url":"https://api.datadoghq.eu"}' });
    // Secrets reach the provider as secrets (Pulumi's wire form), which reports print as [secret].
    const secretOf = (value: string) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value });
    expect(inputs("dashboards-datasource-postgres").secureJsonDataEncoded).toEqual(secretOf('{"password":"pw"}'));
    expect(inputs("dashboards-datasource-datadog").secureJsonDataEncoded).toEqual(secretOf('{"apiKey":"k","appKey":"a"}'));
  });
});
