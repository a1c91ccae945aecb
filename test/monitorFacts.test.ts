/**
 * What `pulumi up` would really create for Datadog monitors, held to Datadog's own
 * documentation (docs/provider-facts.md, PF-DD-MON-*): per-transition routing, forecast
 * and anomaly forms, the window grammar, sparse and scheduled alerts, missing data on
 * paging monitors; and the policy rules that hold a catalog change to them.
 */
import * as datadog from "@pulumi/datadog";
import * as fs from "fs";
import * as path from "path";
import { beforeAll, describe, expect, it } from "vitest";
import { runPolicyPacks, type PolicyRunResult } from "../cli/engine/analyzer";
import { Alerts } from "../infra/alerts/alerts";
import { lastWindow } from "../catalog/alertQueries";
import { parseCatalog } from "../catalog/load";
import type { Service } from "../catalog/model";
import { notificationMessage } from "../infra/notify/conventions";
import { monitorArgs } from "../infra/alerts/monitors";
import { errorRatioMonitorArgs, shortWindow } from "../infra/slos/sloRules";
import {
  anomalyMonitorsNeedEnterprise,
  forecastComparators,
  monitorFactPolicies,
  monitorWindowsDocumented,
  pagingMonitorsReportNoData,
  sparseSignalsNoFullWindow,
  warningsNeverPage,
} from "../policies/monitorFacts";
import { DATADOG_MONITOR, DATADOG_SYNTHETICS_TEST } from "../policies/support";
import { catalogIssues } from "./support/catalogs";
import { runComponents } from "./support/mocks";
import { violations } from "./support/policies";

const POLICIES = path.join(__dirname, "..", "policies");
const FIXTURE = fs.readFileSync(path.join(__dirname, "fixtures", "catalogs", "oncall.yaml"), "utf8");
const SLOW_LINE = "      - { name: slow, signal: http.latency, percentile: p95, critical: 2s, severity: P3 }\n";

/** The on-call fixture (P0/P1 page, P3 chat only) with extra alerts on the checkout service. */
function catalogText(extraAlerts: readonly string[]): string {
  if (!FIXTURE.includes(SLOW_LINE)) throw new Error("the oncall fixture changed: update SLOW_LINE");
  return FIXTURE.replace(SLOW_LINE, SLOW_LINE + extraAlerts.map((a) => `      - ${a}\n`).join(""));
}

const EXTRA = [
  "{ name: sellout, signal: inventory.sellout-forecast, metrics: { remaining: shop.inventory.remaining }, critical: 0, horizon: 1d, severity: P1 }",
  "{ name: velocity, signal: inventory.velocity-anomaly, metrics: { sold: shop.tickets.sold }, critical: 100%, window: 1h, severity: P2 }",
  "{ name: lighthouse, signal: metric, comparison: below, metrics: { value: shop.lighthouse.performance }, critical: 90, window: 1d, sparse: true, severity: P1 }",
  "{ name: orders, signal: metric, metrics: { value: shop.orders.pending }, critical: 100, warning: 50, severity: P1 }",
  "{ name: orders-quiet, signal: metric, metrics: { value: shop.orders.pending }, critical: 100, noData: ignore, severity: P1 }",
  "{ name: queue, signal: metric, metrics: { value: shop.queue.depth }, critical: 100, severity: P3 }",
  '{ name: by-6pm, signal: metric, comparison: below, aggregation: sum, metrics: { value: shop.revenue.booked }, critical: 40000, schedule: { at: "18:00", timezone: America/New_York }, severity: P1 }',
];
const catalog = parseCatalog([{ file: "cat.yaml", text: catalogText(EXTRA) }]);
const checkout = catalog.services.find((s) => s.name === "checkout") as Service;
const monitor = (name: string) => {
  const alert = checkout.alerts.find((a) => a.name === name);
  if (!alert) throw new Error(`no alert ${name}`);
  return JSON.parse(JSON.stringify(monitorArgs("prod", checkout, alert))) as Record<string, unknown>;
};
const check = (policy: (typeof monitorFactPolicies)[number], props: Record<string, unknown>, type = DATADOG_MONITOR) => violations(policy, props, {}, type);

/** The text of one conditional block of a message. */
function block(message: unknown, variable: string): string | undefined {
  return new RegExp(`\\{\\{#${variable}\\}\\}\\n([\\s\\S]*?)\\{\\{/${variable}\\}\\}`).exec(String(message))?.[1];
}

describe("warnings never page: each transition notifies its own handles (PF-DD-MON-1)", () => {
  const message = String(monitor("orders").message);

  it("pages on the alert and its recovery, and tells chat only of a warning", () => {
    expect(block(message, "is_alert")).toContain("Notify: @pagerduty-shop-payments @slack-acme-pay-alerts");
    expect(block(message, "is_alert_recovery")).toContain("Notify: @pagerduty-shop-payments @slack-acme-pay-alerts");
    expect(block(message, "is_warning")).toContain("Notify: @slack-acme-pay-alerts");
    expect(block(message, "is_warning")).not.toContain("@pagerduty");
    expect(block(message, "is_warning_recovery")).not.toContain("@pagerduty");
  });

  it("writes no handle outside a conditional block", () => {
    const outside = message.replace(/\{\{#(\w+)\}\}[\s\S]*?\{\{\/\1\}\}/g, "");
    expect(outside).not.toMatch(/@\S/);
    expect(outside).toContain("Runbook: https://runbooks.example.com/checkout");
  });

  it("routes missing data as the catalog says: a backup's to the page, a paging monitor's to chat", () => {
    expect(block(message, "is_no_data")).toContain("Notify: @slack-acme-pay-alerts");
    expect(block(message, "is_no_data")).not.toContain("@pagerduty");
    const outage = notificationMessage({ title: "t", condition: "c", service: checkout, severity: "P1", noData: "alert" });
    expect(block(outage, "is_no_data")).toContain("@pagerduty-shop-payments");
    expect(notificationMessage({ title: "t", condition: "c", service: checkout, severity: "P1" })).not.toContain("is_no_data");
  });

  it("warnings-never-page passes what Lookout writes and catches a trailing Notify: line", async () => {
    expect(await check(warningsNeverPage, monitor("orders"))).toEqual([]);
    const old = `{{#is_alert}}\nP1 down.\n{{/is_alert}}\n{{#is_warning}}\nwarn\n{{/is_warning}}\nRunbook: https://r\n\nNotify: @pagerduty-shop-payments @slack-acme-pay-alerts`;
    expect(await check(warningsNeverPage, { ...monitor("orders"), message: old })).toEqual([
      expect.stringMatching(/^"checkout-health" names @pagerduty-shop-payments outside the \{\{#is_alert\}\}.*PF-DD-MON-1/),
    ]);
    const inWarning = `{{#is_warning}}\nwarn @pagerduty-shop-payments\n{{/is_warning}}`;
    expect(await check(warningsNeverPage, { message: inWarning }, DATADOG_SYNTHETICS_TEST)).toHaveLength(1);
  });
});

describe("forecast and anomaly monitors in Datadog's documented form", () => {
  it("compares a forecast with <= below its bound, with interval, history and model (PF-DD-MON-2)", () => {
    expect(monitor("sellout").query).toBe(
      "min(next_1d):forecast(min:shop.inventory.remaining{env:prod,service:checkout}, 'linear', 1, interval=3600, history='1w', model='default') <= 0",
    );
  });

  it("writes the anomaly query with interval= and seasonality=, its window 5× the alert window (PF-DD-MON-3)", () => {
    expect(monitor("velocity").query).toBe(
      "avg(last_5h):anomalies(sum:shop.tickets.sold{env:prod,service:checkout}.as_count(), 'agile', 2, direction='above', " +
        "alert_window='last_1h', interval=600, count_default_zero='true', seasonality='weekly') >= 1",
    );
  });

  it("forecast-comparators catches < and > on forecasts and anomalies", async () => {
    expect(await check(forecastComparators, monitor("sellout"))).toEqual([]);
    expect(await check(forecastComparators, monitor("velocity"))).toEqual([]);
    const strict = { ...monitor("sellout"), query: String(monitor("sellout").query).replace("<= 0", "< 1") };
    expect(await check(forecastComparators, strict)).toEqual([expect.stringMatching(/compares a forecast with <\. .* <= \(alert below\) or >= .*PF-DD-MON-2/)]);
    const anomaly = { ...monitor("velocity"), query: String(monitor("velocity").query).replace(">= 1", "> 0.5") };
    expect(await check(forecastComparators, anomaly)).toHaveLength(1);
  });

  it("anomaly-monitors-need-enterprise flags anomaly monitors only (advisory)", async () => {
    expect(anomalyMonitorsNeedEnterprise.enforcementLevel).toBe("advisory");
    expect(await check(anomalyMonitorsNeedEnterprise, monitor("velocity"))).toEqual([expect.stringMatching(/enterprise plan .*PF-DD-MON-3/)]);
    expect(await check(anomalyMonitorsNeedEnterprise, monitor("sellout"))).toEqual([]);
  });

  it("rejects an anomaly window under 15 minutes and a forecast horizon under 12 hours", () => {
    const issues = catalogIssues(catalogText([
      "{ name: fast, signal: inventory.velocity-anomaly, metrics: { sold: shop.tickets.sold }, critical: 100%, window: 5m, severity: P2 }",
      "{ name: near, signal: inventory.sellout-forecast, metrics: { remaining: shop.inventory.remaining }, critical: 0, horizon: 1h, severity: P2 }",
    ]));
    expect(issues).toEqual([
      expect.stringMatching(/window expected an anomaly window from 15m to 1w/),
      expect.stringMatching(/horizon expected a horizon of whole hours from 12h to 1w/),
    ]);
  });
});

describe("windows in the documented grammar (PF-DD-MON-4, PF-DD-MON-8)", () => {
  it.each([
    [300, "last_5m"],
    [5_400, "last_90m"],
    [86_400, "last_1d"],
    [172_800, "last_48h"],
    [259_200, "last_72h"],
    [604_800, "last_1w"],
  ])("%ss is %s", (seconds, window) => {
    expect(lastWindow(seconds)).toBe(window);
  });

  it("writes a burn-rate short window in minutes", () => {
    expect(shortWindow(7_200)).toBe("120m");
    expect(shortWindow(300)).toBe("5m");
  });

  it("monitor-windows-documented catches last_3d and last_200h", async () => {
    expect(await check(monitorWindowsDocumented, monitor("orders"))).toEqual([]);
    const bad = { ...monitor("orders"), query: "sum(last_3d):sum:a{*}.as_count() / sum:b{*}.as_count() > 1 + avg(last_200h)" };
    expect(await check(monitorWindowsDocumented, bad)).toEqual([expect.stringMatching(/windows last_3d, last_200h, outside .*last_72h/)]);
  });
});

describe("sparse signals (PF-DD-MON-5) and missing data on paging monitors (PF-DD-MON-6)", () => {
  it("evaluates a sparse gauge without a full window and without a missing-data report", () => {
    expect(monitor("lighthouse")).toMatchObject({ requireFullWindow: false, notifyNoData: false });
    expect(monitor("lighthouse").tags).toContain("data:sparse");
    expect(monitor("orders").requireFullWindow).toBe(true);
  });

  it("makes a paging monitor report missing data after twice its window; a chat-only one, or noData: ignore, does not", () => {
    expect(monitor("orders")).toMatchObject({ notifyNoData: true, noDataTimeframe: 10 });
    expect(monitor("lighthouse").notifyNoData).toBe(false);
    expect(monitor("orders-quiet").notifyNoData).toBe(false);
    expect(monitor("queue").notifyNoData).toBe(false);
  });

  it("sparse-signals-no-full-window catches a sparse or scheduled monitor that waits for a full window", async () => {
    expect(await check(sparseSignalsNoFullWindow, monitor("lighthouse"))).toEqual([]);
    expect(await check(sparseSignalsNoFullWindow, { ...monitor("lighthouse"), requireFullWindow: true })).toEqual([
      expect.stringMatching(/is tagged data:sparse but does not set requireFullWindow: false.*PF-DD-MON-5/),
    ]);
    expect(await check(sparseSignalsNoFullWindow, { ...monitor("by-6pm"), requireFullWindow: true })).toEqual([expect.stringMatching(/runs on a custom schedule/)]);
  });

  it("paging-monitors-report-no-data catches a paging monitor that stays silent without data", async () => {
    expect(await check(pagingMonitorsReportNoData, monitor("orders"))).toEqual([]);
    expect(await check(pagingMonitorsReportNoData, monitor("lighthouse"))).toEqual([]);
    expect(await check(pagingMonitorsReportNoData, monitor("queue"))).toEqual([]);
    expect(await check(pagingMonitorsReportNoData, monitor("orders-quiet"))).toEqual([
      expect.stringMatching(/pages but does not notify on missing data.*PF-DD-MON-6/),
    ]);
    const { noDataTimeframe: _, ...noTimeframe } = monitor("orders");
    expect(await check(pagingMonitorsReportNoData, noTimeframe)).toEqual([expect.stringMatching(/pages but sets no noDataTimeframe/)]);
  });

  it("rejects a sparse signal whose missing data would notify", () => {
    expect(catalogIssues(catalogText(["{ name: q, signal: metric, metrics: { value: a.b }, critical: 1, sparse: true, noData: notify, severity: P1 }"])))
      .toEqual([expect.stringMatching(/noData a sparse signal reports rarely/)]);
  });
});

describe("a daily cumulative window on a custom schedule: revenue by 6 pm (PF-DD-MON-7)", () => {
  it("sums the day so far and evaluates once a day at 18:00 in the time zone, not a rolling window every minute", () => {
    expect(monitor("by-6pm")).toMatchObject({
      query: "sum(current_1d):sum:shop.revenue.booked{env:prod,service:checkout}.as_count() < 40000",
      requireFullWindow: false,
      schedulingOptions: {
        evaluationWindow: { dayStarts: "00:00", monthStarts: 1, timezone: "America/New_York" },
        customSchedule: { recurrence: { rrule: "FREQ=DAILY;BYHOUR=18;BYMINUTE=0", timezone: "America/New_York" } },
      },
    });
    expect(String(monitor("by-6pm").message)).toContain("below 40000 today by 18:00 (America/New_York)");
  });

  it("rejects a scheduled alert with a window other than the day, and a schedule on a change signal", () => {
    expect(catalogIssues(catalogText([
      '{ name: s, signal: metric, metrics: { value: a.b }, critical: 1, window: 18h, schedule: { at: "18:00", timezone: UTC }, severity: P3 }',
      '{ name: c, signal: revenue.change, metrics: { revenue: a.b }, critical: -50%, schedule: { at: "18:00", timezone: UTC }, severity: P3 }',
    ]))).toEqual([
      expect.stringMatching(/window expected window 1d \(or none\) for a scheduled alert/),
      expect.stringMatching(/schedule "schedule" applies to threshold signals on metrics only/),
    ]);
  });
});

describe("composite children carry the routing tags downtimes select by (PF-DD-MON-9)", () => {
  it("tags both error-ratio halves with env, service and team", () => {
    const text = catalogText([]).replace("    alerts:\n      - { name: errors, signal: http.error-rate, critical: 1%, severity: P1 }",
      "    slos:\n      - { name: charge, target: 99.9%, severity: P1, sli: { type: http } }\n    alerts:\n      - { name: errors, signal: http.error-rate, critical: 1%, severity: P1 }");
    const withSlo = parseCatalog([{ file: "cat.yaml", text }]).services.find((s) => s.name === "checkout") as Service;
    const slo = withSlo.slos[0];
    const drift = slo.burnRates.find((b) => b.name === "drift");
    if (!drift) throw new Error("no drift tier");
    for (const half of ["long", "short"] as const) {
      expect(errorRatioMonitorArgs("prod", withSlo, slo, drift, half).tags).toEqual(expect.arrayContaining(["env:prod", "service:checkout", "team:payments"]));
    }
  });
});

describe("the rules through the real pack over gRPC", () => {
  const RULES = monitorFactPolicies.filter((p) => p.enforcementLevel === "mandatory").map((p) => p.name);
  const options = { project: "lookout", stack: "prod", dryRun: true };
  /** One planned resource changed per rule; every other resource as planned. */
  const BREAKS: Readonly<Record<string, [string, (inputs: Record<string, unknown>) => Record<string, unknown>]>> = {
    "warnings-never-page": ["alerts-checkout-orders", (i) => ({ ...i, message: `${String(i.message)}\n\nNotify: @pagerduty-shop-payments` })],
    "forecast-comparators": ["alerts-checkout-sellout", (i) => ({ ...i, query: String(i.query).replace("<= 0", "< 0") })],
    "monitor-windows-documented": ["alerts-checkout-queue", (i) => ({ ...i, query: String(i.query).replace("last_5m", "last_3d") })],
    "sparse-signals-no-full-window": ["alerts-checkout-lighthouse", (i) => ({ ...i, requireFullWindow: true })],
    "paging-monitors-report-no-data": ["alerts-checkout-by-6pm", (i) => ({ ...i, notifyNoData: false })],
  };
  let good: PolicyRunResult;
  let bad: PolicyRunResult;

  beforeAll(async () => {
    const text = catalogText(EXTRA.filter((a) => !a.includes("orders-quiet")));
    const services = parseCatalog([{ file: "cat.yaml", text }]).services;
    const run = await runComponents(() => {
      new Alerts("alerts", { environment: "prod", services }, { providers: { datadog: new datadog.Provider("datadog", {}) } });
    });
    const broken = run.resources.map((r) => {
      const hit = Object.values(BREAKS).find(([name]) => name === r.name);
      return hit ? { ...r, inputs: hit[1]({ ...r.inputs }) } : r;
    });
    [good, bad] = await Promise.all([runPolicyPacks([POLICIES], run.resources, options), runPolicyPacks([POLICIES], broken, options)]);
  }, 180_000);

  it("what Lookout plans passes every mandatory rule", () => {
    expect(good.diagnostics.filter((d) => RULES.includes(d.policy)).map((d) => `${d.policy}: ${d.message}`)).toEqual([]);
  });

  it.each(Object.entries(BREAKS))("%s reports the monitor a change broke", (rule, [name]) => {
    const found = bad.diagnostics.filter((d) => d.policy === rule);
    expect(found.map((d) => String(d.urn).split("::").pop())).toEqual([name]);
    expect(found[0]).toMatchObject({ enforcementLevel: "mandatory" });
  });
});
