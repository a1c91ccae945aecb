import * as path from "path";
import { catalogIssues } from "./support/catalogs";
import { describe, expect, it } from "vitest";
import { compileAlert, queryValue } from "../catalog/alertQueries";
import { describeAlert } from "../catalog/describeAlert";
import { Alerts } from "../infra/alerts/alerts";
import { loadCatalog } from "../catalog/load";
import type { Alert, Catalog } from "../catalog/model";
import { SIGNAL_NAMES } from "../catalog/signals";
import { parseQuantity } from "../catalog/units";
import { monitorArgs, noDataMinutes } from "../infra/alerts/monitors";
import { runComponents } from "./support/mocks";
import { format, parse } from "../queries";

const FIXTURE = path.join(__dirname, "fixtures", "catalogs", "alerts.yaml");
const catalog = loadCatalog(FIXTURE);
const api = catalog.services[0];
const alert = (name: string): Alert => {
  const found = api.alerts.find((a) => a.name === name);
  if (!found) throw new Error(`no alert ${name} in the fixture`);
  return found;
};
const compiled = (name: string) => compileAlert("prod", api, alert(name));

const S = "{env:prod,service:api}";
const CHARGE = "{env:prod,service:api,resource_name:post_/api/payments/charge}";

describe("signal templates compile to exact Datadog queries", () => {
  it.each([
    ["error-rate", "query alert", `sum(last_5m):sum:trace.next.request.errors${S}.as_count() / sum:trace.next.request.hits${S}.as_count() * 100 > 1`, { critical: "1", warning: "0.5", criticalRecovery: "0.8" }],
    ["charge-error-rate", "query alert", `sum(last_1m):sum:trace.next.request.errors${CHARGE}.as_count() / sum:trace.next.request.hits${CHARGE}.as_count() * 100 > 1`, { critical: "1" }],
    ["latency-p95", "query alert", `percentile(last_5m):p95:trace.next.request${S} > 1`, { critical: "1", warning: "0.5" }],
    ["charge-latency", "query alert", `percentile(last_5m):p99:trace.next.request${CHARGE} > 2`, { critical: "2" }],
    ["throughput-drop", "query alert", `pct_change(sum(last_1h),last_1w):sum:trace.next.request.hits${S}.as_count() < -50`, { critical: "-50" }],
    ["lcp", "rum alert", `rum("@type:view service:api env:prod @view.url_path:/register").rollup("pc75", "@view.largest_contentful_paint").last("15m") > 2500000000`, { critical: "2500000000" }],
    ["cls", "rum alert", `rum("@type:view service:api env:prod").rollup("pc75", "@view.cumulative_layout_shift").last("15m") > 0.1`, { critical: "0.1" }],
    ["fid", "rum alert", `rum("@type:view service:api env:prod").rollup("pc90", "@view.first_input_delay").last("15m") > 100000000`, { critical: "100000000" }],
    ["payment-success", "query alert", `sum(last_2m):sum:shop.payments.succeeded${S}.as_count() / sum:shop.payments.attempted${S}.as_count() * 100 < 95`, { critical: "95", warning: "97" }],
    ["webhook-failures", "query alert", `sum(last_5m):sum:shop.webhooks.failed${S}.as_count() / sum:shop.webhooks.received${S}.as_count() * 100 > 1`, { critical: "1" }],
    ["revenue-drop", "query alert", `pct_change(sum(last_1h),last_1h):sum:shop.revenue${S}.as_count() < -50`, { critical: "-50", warning: "-30" }],
    ["conversion-drop", "query alert", `pct_change(avg(last_1h),last_1d):avg:shop.checkout.conversion_rate${S} < -20`, { critical: "-20" }],
    ["oversold", "query alert", `min(last_1m):min:shop.inventory.remaining${S} < 0`, { critical: "0" }],
    ["vip-low", "query alert", `min(last_5m):min:shop.inventory.remaining{env:prod,service:api,ticket_type:vip} < 3`, { critical: "3", warning: "5" }],
    ["sellout", "query alert", `min(next_1d):forecast(min:shop.inventory.remaining${S}, 'linear', 1, interval=3600, history='1w', model='default') <= 1`, { critical: "1" }],
    ["velocity", "query alert", `avg(last_75m):anomalies(sum:shop.tickets.sold${S}.as_count(), 'agile', 2, direction='above', alert_window='last_15m', interval=60, count_default_zero='true', seasonality='weekly') >= 1`, { critical: "1", warning: "0.8", criticalRecovery: "0" }],
    ["sms-delivery", "query alert", `sum(last_15m):sum:shop.sms.delivered${S}.as_count() / sum:shop.sms.sent${S}.as_count() * 100 < 95`, { critical: "95" }],
    ["email-bounces", "query alert", `sum(last_1h):sum:shop.email.bounced${S}.as_count() / sum:shop.email.sent${S}.as_count() * 100 > 10`, { critical: "10" }],
    ["slow-queries", "query alert", `avg(last_5m):avg:shop.db.query_time${S} > 200`, { critical: "200" }],
    ["db-connection-errors", "query alert", `sum(last_1h):sum:shop.db.connection_errors${S}.as_count() > 10`, { critical: "10" }],
    ["failed-logins", "query alert", `sum(last_15m):sum:shop.auth.login_failed${S}.as_count() > 12.5`, { critical: "12.5" }],
    ["storage", "query alert", `max(last_1h):max:shop.storage.used_ratio${S} > 0.8`, { critical: "0.8" }],
    ["cache-hits", "query alert", `sum(last_5m):sum:shop.cdn.hits${S}.as_count() / sum:shop.cdn.requests${S}.as_count() * 100 < 80`, { critical: "80", warning: "90" }],
    ["api-cost", "query alert", `pct_change(sum(last_1d),last_1d):sum:shop.openai.cost${S}.as_count() > 50`, { critical: "50" }],
    ["queue-depth", "query alert", `max(last_5m):max:shop.queue.depth${S} > 1000`, { critical: "1000" }],
    ["cpu", "query alert", `avg(last_5m):avg:system.cpu.user{env:prod,service:api} > 90`, { critical: "90", warning: "80" }],
  ])("%s", (name, type, query, thresholds) => {
    const c = compiled(name);
    expect(c.type).toBe(type);
    expect(c.query).toBe(query);
    expect(c.thresholds).toEqual(thresholds);
  });

  it("the fixture exercises every signal template", () => {
    expect(new Set(api.alerts.map((a) => a.signal))).toEqual(new Set(SIGNAL_NAMES.filter((s) => !["rum.inp", "rum.ttfb", "rum.fcp", "rum.page-load", "email.delivery-rate", "web.bounce-rate", "ratio"].includes(s))));
  });

  it("ends every query with the critical threshold the monitor carries", () => {
    for (const a of api.alerts) {
      const c = compileAlert("prod", api, a);
      expect(c.query.endsWith(` ${c.thresholds.critical}`), a.name).toBe(true);
    }
  });

  it("compiles every alert to a query model that the query writes and reads back", () => {
    for (const a of api.alerts) {
      const c = compileAlert("prod", api, a);
      expect(c.model, a.name).toBeDefined();
      expect(c.query, a.name).toBe(format(c.model!));
      expect(parse(c.query), a.name).toEqual(c.model);
    }
  });

  it("compiles an alert once and shares the result", () => {
    expect(compileAlert("prod", api, alert("error-rate"))).toBe(compileAlert("prod", api, alert("error-rate")));
  });

  it("gives anomaly monitors their trigger and recovery windows", () => {
    expect(compiled("velocity").thresholdWindows).toEqual({ triggerWindow: "last_15m", recoveryWindow: "last_15m" });
    expect(compiled("error-rate").thresholdWindows).toBeUndefined();
  });
});

describe("unit conversions", () => {
  const q = (written: string | number) => parseQuantity(written);
  it("keeps 1 % as 1 on a query that yields a percentage", () => expect(queryValue(alert("error-rate"), q("1%"), compiled("error-rate").unit)).toBe(1));
  it("makes 1 % a ratio of 0.01 on a gauge that reports 0–1", () => expect(queryValue(alert("storage"), q("1%"), compiled("storage").unit)).toBe(0.01));
  it("reads APM latency in seconds", () => expect(queryValue(alert("latency-p95"), q("500ms"), compiled("latency-p95").unit)).toBe(0.5));
  it("reads RUM durations in nanoseconds", () => expect(queryValue(alert("lcp"), q("2.5s"), compiled("lcp").unit)).toBe(2_500_000_000));
  it("reads millisecond metrics in milliseconds", () => expect(queryValue(alert("slow-queries"), q("2s"), compiled("slow-queries").unit)).toBe(2000));
  it("turns a rate per hour into a count in the window", () => expect(queryValue(alert("failed-logins"), q("50/h"), compiled("failed-logins").unit)).toBe(12.5));
  it.each([
    ["error-rate", "percent"],
    ["storage", "fraction"],
    ["latency-p95", "seconds"],
    ["lcp", "nanoseconds"],
    ["slow-queries", "milliseconds"],
    ["failed-logins", "count"],
  ])("reads the unit of %s from its compiled query: %s", (name, unit) => expect(compiled(name).unit).toBe(unit));
  it("reads a rate per day per hour", () => expect(parseQuantity("48/d")).toEqual({ text: "48/d", kind: "per-hour", value: 2 }));
});

describe("monitor arguments", () => {
  it("carries priority, tags, thresholds and renotification from the severity", () => {
    const args = monitorArgs("prod", api, alert("error-rate"));
    expect(args).toMatchObject({
      name: "[prod] api error-rate",
      type: "query alert",
      priority: "1",
      monitorThresholds: { critical: "1", warning: "0.5", criticalRecovery: "0.8" },
      renotifyInterval: 30,
      renotifyStatuses: ["alert", "no data"],
      requireFullWindow: false,
      notifyNoData: false,
      includeTags: true,
      tags: ["env:prod", "service:api", "team:storefront", "severity:p0", "signal:http.error-rate", "alert:error-rate"],
    });
  });

  it("states the condition in words and links the runbook", () => {
    const message = String(monitorArgs("prod", api, alert("charge-latency")).message);
    expect(message).toContain("P0 [prod] api charge-latency: p99 http.latency of POST /api/payments/charge above 2s over 5m.");
    expect(message).toContain("{{#is_warning}}");
    expect(message).toContain("\nRunbook: https://runbooks.example.com/api");
    expect(String(monitorArgs("prod", api, alert("cpu")).message)).toContain("\nRunbook: https://runbooks.example.com/api/cpu");
  });

  it("alerts on missing data where it means an outage", () => {
    expect(monitorArgs("prod", api, alert("throughput-drop"))).toMatchObject({ notifyNoData: true, noDataTimeframe: 120 });
    expect(noDataMinutes(60)).toBe(10);
    const rum = monitorArgs("prod", api, alert("lcp"));
    expect(rum.notifyNoData).toBeUndefined();
    expect(rum.requireFullWindow).toBeUndefined();
  });

  it("renotifies P1 hourly, P2 never, and honours renotify: never", () => {
    expect(monitorArgs("prod", api, alert("latency-p95")).renotifyInterval).toBe(60);
    expect(monitorArgs("prod", api, alert("slow-queries")).renotifyInterval).toBeUndefined();
    expect(monitorArgs("prod", api, alert("cpu")).renotifyInterval).toBeUndefined();
  });

  it("requires a full window for gauges but not for sparse counts", () => {
    expect(monitorArgs("prod", api, alert("slow-queries")).requireFullWindow).toBe(true);
    expect(monitorArgs("prod", api, alert("payment-success")).requireFullWindow).toBe(false);
  });

  it("describes change, forecast and anomaly forms", () => {
    expect(describeAlert(alert("revenue-drop"))).toBe("revenue.change against 1h earlier below -50% over 1h (warning at -30%)");
    expect(describeAlert(alert("sellout"))).toBe("inventory.sellout-forecast forecast over the next 1d at or below 1 over 1h");
    expect(describeAlert(alert("velocity"))).toBe("inventory.velocity-anomaly above its expected band (2 deviations) for 100% of 15m (warning at 80%)");
  });
});

/** A one-service catalog whose single alert is `alertYaml` (indented under alerts:). */
function withAlert(alertYaml: string): string {
  return [
    "environment: prod",
    "products: [{ name: shop, description: Shop. }]",
    "services:",
    "  - name: api",
    "    product: shop",
    "    team: storefront",
    "    tier: 1",
    "    description: API.",
    "    runbook: https://runbooks.example.com/api",
    "    alerts:",
    alertYaml.replace(/^/gm, "      "),
  ].join("\n");
}

const errorsOf = (text: string): string[] => catalogIssues(text);

describe("bad alerts: every error at its line:column", () => {
  it("names the valid signals when one is unknown", () => {
    const [error] = errorsOf(withAlert("- { name: x, signal: http.errors, critical: 1%, severity: P1 }"));
    expect(error).toMatch(/^11:\d+ services\[0\]\.alerts\[0\]\.signal unknown signal "http.errors"; expected one of .*http\.error-rate, http\.latency/);
  });

  it("rejects a warning as severe as critical, in the alert's direction", () => {
    expect(errorsOf(withAlert("- { name: x, signal: http.error-rate, warning: 2%, critical: 1%, severity: P1 }"))).toEqual([
      '11:54 services[0].alerts[0].warning expected warning below critical (1%) for an alert on values above it, found "2%"',
    ]);
    expect(errorsOf(withAlert("- { name: x, signal: payments.success-rate, metrics: { succeeded: a, attempted: b }, warning: 90%, critical: 95%, severity: P0 }"))[0])
      .toMatch(/warning expected warning above critical \(95%\) for an alert on values below it, found "90%"/);
  });

  it("rejects a recovery on the alerting side of critical", () => {
    expect(errorsOf(withAlert("- { name: x, signal: http.error-rate, critical: 1%, recovery: 2%, severity: P1 }"))[0])
      .toMatch(/recovery expected recovery below critical \(1%\) so the alert can resolve/);
  });

  it("rejects units that do not fit the signal", () => {
    expect(errorsOf(withAlert("- { name: x, signal: http.error-rate, critical: 500ms, severity: P1 }"))[0])
      .toMatch(/critical expected a percentage such as 1% for this signal, found "500ms"/);
    expect(errorsOf(withAlert("- { name: x, signal: http.latency, percentile: p95, critical: 5%, severity: P1 }"))[0])
      .toMatch(/critical expected a duration such as 500ms or 2s for this signal, found "5%"/);
    expect(errorsOf(withAlert("- { name: x, signal: metric, metrics: { value: a.b }, critical: 2s, severity: P1 }"))[0])
      .toMatch(/expected a plain number or a percentage in the metric's own unit/);
  });

  it("rejects windows under a minute and negative values outside change signals", () => {
    expect(errorsOf(withAlert("- { name: x, signal: http.error-rate, critical: 1%, window: 30s, severity: P1 }"))[0])
      .toMatch(/window expected a window from 1m to 1w, found "30s"/);
    expect(errorsOf(withAlert("- { name: x, signal: http.error-rate, critical: -1%, severity: P1 }"))[0])
      .toMatch(/only change signals take negative values/);
  });

  it("requires a known percentile for latency, never an average", () => {
    expect(errorsOf(withAlert("- { name: x, signal: http.latency, critical: 1s, severity: P1 }"))[0])
      .toMatch(/missing "percentile" for http.latency .*never averages/);
    expect(errorsOf(withAlert("- { name: x, signal: http.latency, percentile: p98, critical: 1s, severity: P1 }"))[0])
      .toMatch(/percentile/);
  });

  it("names the metrics a signal needs, and rejects roles it does not read", () => {
    expect(errorsOf(withAlert("- { name: x, signal: payments.success-rate, metrics: { succeeded: a }, critical: 95%, severity: P0 }"))[0])
      .toMatch(/metrics missing metric "attempted" for payments.success-rate \(succeeded: successful payments; attempted: payment attempts\)/);
    expect(errorsOf(withAlert("- { name: x, signal: http.error-rate, metrics: { errors: a }, critical: 1%, severity: P0 }"))[0])
      .toMatch(/metrics\.errors http.error-rate reads no custom metric/);
  });

  it("rejects parameters of other signals and a query that carries its own comparison", () => {
    expect(errorsOf(withAlert("- { name: x, signal: http.error-rate, page: /home, critical: 1%, severity: P1 }"))[0])
      .toMatch(/page "page" applies to RUM signals only, not to http.error-rate/);
    expect(errorsOf(withAlert("- { name: x, signal: query, query: 'avg(last_5m):avg:a{*} > 3', critical: 3, severity: P1 }"))[0])
      .toMatch(/query expected the query without its comparison: write the threshold once, in critical/);
  });

  it("rejects change windows Datadog does not offer", () => {
    expect(errorsOf(withAlert("- { name: x, signal: revenue.change, metrics: { revenue: r }, critical: -50%, window: 3h, severity: P0 }"))[0])
      .toMatch(/window expected a change window of 1m, 5m, .*found "3h"/);
    expect(errorsOf(withAlert("- { name: x, signal: revenue.change, metrics: { revenue: r }, critical: -50%, compareTo: 3d, window: 1h, severity: P0 }"))[0])
      .toMatch(/compareTo expected an earlier period of 5m, .*found "3d"/);
  });

  it("reports duplicate alert names and several bad alerts at once", () => {
    const errors = errorsOf(withAlert([
      "- { name: x, signal: http.error-rate, critical: 1%, severity: P1 }",
      "- { name: x, signal: nope, critical: 1%, severity: P1 }",
      "- { name: y, signal: http.error-rate, critical: 1%, window: 10s, severity: P1 }",
    ].join("\n")));
    expect(errors).toEqual([
      expect.stringMatching(/^12:\d+ services\[0\]\.alerts\[1\]\.name duplicate alert name "x" \(first declared at cat.yaml:11\)/),
      expect.stringMatching(/^12:\d+ services\[0\]\.alerts\[1\]\.signal unknown signal "nope"/),
      expect.stringMatching(/^13:\d+ services\[0\]\.alerts\[2\]\.window expected a window from 1m to 1w, found "10s"/),
    ]);
  });
});

async function planFor(c: Catalog) {
  return runComponents(() => {
    new Alerts("alerts", { environment: c.environment, services: c.services });
  });
}

describe("the Alerts component under mocks", () => {
  it("registers one monitor per alert, named by keys and parented per service", async () => {
    const run = await planFor(catalog);
    const monitors = run.resources.filter((r) => r.type === "datadog:index/monitor:Monitor");
    expect(monitors).toHaveLength(api.alerts.length);
    expect(monitors.every((m) => m.parent?.endsWith("lookout:alerts:Alerts$lookout:alerts:ServiceAlerts::alerts-api"))).toBe(true);
    const payment = monitors.find((m) => m.name === "alerts-api-payment-success");
    expect(payment?.inputs).toMatchObject({ type: "query alert", priority: "1", monitorThresholds: { critical: "95", warning: "97" } });
  });
});

describe("the README's signal table", () => {
  it("documents every signal", async () => {
    const { readFileSync } = await import("fs");
    const readme = readFileSync(path.join(__dirname, "..", "README.md"), "utf8");
    const undocumented = SIGNAL_NAMES.filter((name) => !readme.includes(`\`${name}\``));
    expect(undocumented).toEqual([]);
  });
});

/** A one-service catalog with `block` (YAML, at service indentation) and optional defaults. */
function withService(block: string, defaults = ""): string {
  return [
    "environment: prod",
    defaults,
    "products: [{ name: shop, description: Shop. }]",
    "services:",
    "  - name: api",
    "    product: shop",
    "    team: storefront",
    "    tier: 1",
    "    description: API.",
    "    runbook: https://runbooks.example.com/api",
    block.replace(/^/gm, "    "),
  ].join("\n");
}

describe("bad SLOs and Sentry rules: every error at its line:column", () => {
  it("rejects a warning at or below the target and a target of 100%", () => {
    expect(errorsOf(withService("slos:\n  - { name: a, target: 99.9%, warning: 99.5%, severity: P1, sli: { type: http } }"))).toEqual([
      expect.stringMatching(/^12:\d+ services\[0\]\.slos\[0\]\.warning expected a warning above the target \(99.9%\) and below 100%, found "99.5%"/),
    ]);
    expect(errorsOf(withService("slos:\n  - { name: a, target: 100%, severity: P1, sli: { type: http } }"))[0])
      .toMatch(/target expected a target above 0% and below 100%/);
  });

  it("rejects a target whose whole budget burns slower than a tier (1/(1 − target), PF-DD-VX-2)", () => {
    expect(errorsOf(withService("slos:\n  - { name: a, target: 95%, severity: P1, sli: { type: http } }"))).toEqual([]); // 20× ≥ 14.4×
    const errors = errorsOf(withService("slos:\n  - { name: a, target: 92%, severity: P1, sli: { type: http } }"));
    expect(errors).toEqual([expect.stringMatching(/slos\[0\]\.target the fast burn rate \(14\.4×\) exceeds the most this target can burn \(12\.5× at 92%\)/)]);
    // Datadog's range is 0 < burn rate ≤ 1/(1 − target): the maximum itself is allowed.
    const tier = (factor: number) => `defaults:\n  slos:\n    burnRates:\n      - { name: fast, factor: ${factor}, longWindow: 1h, shortWindow: 5m, notify: page }`;
    const slo = "slos:\n  - { name: a, target: 95%, severity: P1, sli: { type: http } }";
    expect(errorsOf(withService(slo, tier(20)))).toEqual([]);
    expect(errorsOf(withService(slo, tier(20.5)))).toEqual([expect.stringMatching(/slos\[0\]\.target the fast burn rate \(20\.5×\) exceeds the most this target can burn \(20× at 95%\)/)]);
  });

  it("names the SLI types it knows", () => {
    expect(errorsOf(withService("slos:\n  - { name: a, target: 99%, severity: P1, sli: { type: logs } }"))[0]).toMatch(/sli.*"http" or "metrics"|sli\.type/);
  });

  it("checks burn-rate tiers where they are configured", () => {
    const defaults = "defaults:\n  slos:\n    burnRates:\n      - { name: fast, factor: 14.4, longWindow: 1h, shortWindow: 2h, notify: page }";
    expect(errorsOf(withService("slos: []", defaults))).toEqual([
      expect.stringMatching(/^5:\d+ defaults\.slos\.burnRates\[0\]\.shortWindow expected a short window below the long one \(1h\), found "2h"/),
    ]);
  });

  it("requires count and interval for frequency issue alerts, and only for them", () => {
    const errors = errorsOf(withService([
      "sentry:",
      "  issueAlerts:",
      "    - { name: a, when: frequency, severity: P1 }",
      "    - { name: b, when: new-issue, count: 3, severity: P1 }",
    ].join("\n")));
    expect(errors).toEqual([
      expect.stringMatching(/^13:\d+ services\[0\]\.sentry\.issueAlerts\[0\] missing "count" for a frequency alert/),
      expect.stringMatching(/^13:\d+ services\[0\]\.sentry\.issueAlerts\[0\] missing "interval" for a frequency alert/),
      expect.stringMatching(/^14:\d+ services\[0\]\.sentry\.issueAlerts\[1\]\.count "count" applies to frequency alerts only/),
    ]);
  });

  it("rejects Sentry windows Sentry does not offer, wrong units, and names shared by issue and metric alerts", () => {
    const errors = errorsOf(withService([
      "sentry:",
      "  issueAlerts:",
      "    - { name: a, when: new-issue, severity: P1 }",
      "  metricAlerts:",
      "    - { name: a, signal: failure-rate, critical: 5%, window: 3m, severity: P1 }",
      "    - { name: b, signal: latency, critical: 5%, window: 5m, severity: P1 }",
    ].join("\n")));
    expect(errors).toEqual([
      expect.stringMatching(/^15:\d+ services\[0\]\.sentry\.metricAlerts\[0\]\.name duplicate Sentry alert name "a"/),
      expect.stringMatching(/^15:\d+ services\[0\]\.sentry\.metricAlerts\[0\]\.window expected a window of 1m, 5m, 10m, 15m, 30m, 1h, 2h, 4h, 1d \(Sentry's metric alerts\), found "3m"/),
      expect.stringMatching(/^16:\d+ services\[0\]\.sentry\.metricAlerts\[1\]\.critical expected a duration such as 500ms or 2s for this signal, found "5%"/),
    ]);
  });
});
