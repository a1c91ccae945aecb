/**
 * The prod plan against the guides: every threshold named here is a line of one of the
 * five guides in ../shared/seeds, and must reach Datadog or Sentry with the guide's value
 * and severity. Read from the planned resources (what `lookout plan --json` prints), not
 * from the catalog, so a bug anywhere between YAML and provider inputs shows here.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Plan, PlanResource } from "../cli/engine/plan";
import { planOfStack } from "./support/plans";

let plan: Plan;
beforeAll(() => {
  // Exactly what the check runs: npm run plan -- --stack prod --json.
  plan = planOfStack("prod");
});

function resource(name: string): PlanResource {
  const found = plan.resources.find((r) => r.name === name);
  if (!found) throw new Error(`the prod plan has no resource ${name}`);
  return found;
}
const inputs = (name: string) => resource(name).inputs as Record<string, unknown>;

/** [guide line, monitor, text the query must contain, critical, warning, Datadog priority]. */
const MONITORS: [string, string, string, string, string | undefined, string][] = [
  ["000 Critical: High Error Rate > 1% for 5 minutes", "alerts-agents-api-error-rate-high", "sum(last_5m):", "1", undefined, "1"],
  ["000 Critical: Revenue Drop > 50% in hourly revenue", "alerts-agents-payments-revenue-drop", "pct_change(sum(last_1h)", "-50", undefined, "1"],
  ["000 Warning: Page load > 5 seconds", "alerts-agents-web-page-load-slow", '"@view.loading_time"', "5000000000", undefined, "3"],
  ["000 Warning: Cache hit ratio < 80%", "alerts-agents-web-cdn-cache-hit-low", "* 100 < 80", "80", undefined, "3"],
  ["000 Warning: Query time > 200ms", "alerts-agents-api-db-query-slow", "> 200", "200", undefined, "3"],
  ["000 Warning: Bounce rate > 70% for 30 minutes", "alerts-agents-web-bounce-rate-high", "sum(last_30m):", "70", undefined, "3"],
  ["000 Target: LCP < 2.5 seconds", "alerts-agents-web-lcp-target", '"@view.largest_contentful_paint"', "2500000000", undefined, "4"],
  ["001 P50 > 500ms: Warning", "alerts-prompts-api-latency-p50", "percentile(last_5m):p50:", "0.5", undefined, "3"],
  ["001 P95 > 1s: High priority", "alerts-prompts-api-latency-p95", "percentile(last_5m):p95:", "1", undefined, "2"],
  ["001 P99 > 2s: Critical", "alerts-prompts-api-latency-p99", "percentile(last_5m):p99:", "2", undefined, "1"],
  ["001 P1: API error rate > 1%", "alerts-prompts-api-error-rate-high", "trace.next.request.errors", "1", undefined, "2"],
  ["001 POST /api/auth/login target < 200ms", "alerts-prompts-api-login-latency-target", "resource_name:post_/api/auth/login", "0.2", undefined, "4"],
  ["001 Slow query log > 1s", "alerts-prompts-api-db-query-slow", "> 1000", "1000", undefined, "2"],
  ["002 Critical: payment success rate below 95% for 2m", "alerts-tickets-payments-payment-success-rate", "sum(last_2m):", "95", undefined, "1"],
  ["002 Critical: negative inventory detected", "alerts-tickets-checkout-inventory-negative", "min:sixfb.inventory.remaining", "0", undefined, "1"],
  ["002 Critical: API 5xx error rate above 5% for 1m", "alerts-tickets-checkout-api-error-rate", "sum(last_1m):", "5", undefined, "1"],
  ["002 High: response times > 5 seconds (P95)", "alerts-tickets-checkout-response-time-high", "percentile(last_5m):p95:", "5", undefined, "2"],
  ["002 High: GA tickets < 10 remaining", "alerts-tickets-checkout-inventory-low-ga", "ticket_type:ga", "10", undefined, "2"],
  ["002 High: VIP tickets < 3 remaining", "alerts-tickets-checkout-inventory-low-vip", "ticket_type:vip", "3", undefined, "2"],
  ["002 High: SMS success rate < 95%", "alerts-tickets-payments-sms-delivery-rate", "sixfb.sms.delivered", "95", undefined, "2"],
  ["002 Medium: conversion rate drops > 20%", "alerts-tickets-web-conversion-drop", "pct_change(avg(last_1h)", "-20", undefined, "3"],
  ["002 /api/create-checkout-session warning > 3s, critical > 5s", "alerts-tickets-checkout-checkout-session-latency", "resource_name:post_/api/create-checkout-session", "5", "3", "2"],
  ["002 High: city approaching sold-out status (sellout_prediction < 24 hours)", "alerts-tickets-checkout-sellout-forecast", "min(next_1d):forecast(", "1", undefined, "2"],
  ["003 Critical: Database Connection Errors > 10 failures/hour", "alerts-carbot-database-connection-errors", "sum(last_1h):", "10", undefined, "1"],
  ["003 Critical: Failed login attempts > 50/hour", "alerts-carbot-api-failed-logins", "sum(last_1h):", "50", undefined, "1"],
  ["003 Critical: Payment Processing Failures > 5% failure rate", "alerts-carbot-integrations-payment-failures", "* 100 < 95", "95", undefined, "1"],
  ["003 Warning: High API Costs > 50% increase day-over-day", "alerts-carbot-integrations-api-cost-increase", "pct_change(sum(last_1d),last_1d)", "50", undefined, "4"],
  ["003 Warning: Email bounce rate > 10%", "alerts-carbot-integrations-email-bounce-rate", "carbot.email.bounced", "10", undefined, "4"],
  ["003 Warning: Queries > 2s response time", "alerts-carbot-database-query-slow", "> 2000", "2000", undefined, "4"],
  ["003 Warning: Storage > 80% of allocated space", "alerts-carbot-database-storage-usage", "> 0.8", "0.8", undefined, "4"],
];

describe("every guide threshold reaches Datadog with the guide's value and severity", () => {
  it.each(MONITORS)("%s", (_line, name, fragment, critical, warning, priority) => {
    const monitor = inputs(name);
    expect(String(monitor.query)).toContain(fragment);
    expect(monitor.monitorThresholds).toMatchObject({ critical, ...(warning ? { warning } : {}) });
    expect(monitor.priority).toBe(priority);
  });

  it.each([
    ["002 Web Application 99.9%", "slos-tickets-web-availability", 99.9],
    ["002 Payment Processing 99.95%", "slos-tickets-payments-payment-processing", 99.95],
    ["002 SMS Notifications 99%", "slos-tickets-payments-sms-notifications", 99],
    ["002 Inventory System 99.9%", "slos-tickets-checkout-inventory-system", 99.9],
    ["000 Uptime 99.9%", "slos-agents-api-availability", 99.9],
    ["001 99.9% uptime", "slos-prompts-api-availability", 99.9],
    ["003 Uptime 99.9%", "slos-carbot-api-availability", 99.9],
  ])("%s is an SLO over 7 and 30 days with burn-rate alerts", (_line, name, target) => {
    const slo = inputs(name);
    expect(slo.thresholds).toEqual(expect.arrayContaining([expect.objectContaining({ timeframe: "30d", target }), expect.objectContaining({ timeframe: "7d", target })]));
    for (const tier of ["fast", "medium", "slow", "drift"]) expect(() => resource(`${name}-burn-${tier}`), tier).not.toThrow();
  });

  it.each([
    ["004 Error rate > 5% in 5 minutes", "sentry-prompts-api-metric-high-error-rate", "failure_rate()", 0.05, 5],
    ["004 Payment error rate > 10%", "sentry-prompts-payments-metric-payment-failure-rate", "failure_rate()", 0.1, undefined],
    ["004 API latency p95 > 2 seconds", "sentry-prompts-api-metric-api-latency-p95", "p95(span.duration)", 2000, undefined],
    ["004 Webhook failure rate > 1%", "sentry-prompts-payments-metric-webhook-failure-rate", "failure_rate()", 0.01, undefined],
  ])("%s is a Sentry metric alert", (_line, name, aggregate, threshold, window) => {
    const alert = inputs(name);
    expect(alert.aggregate).toBe(aggregate);
    expect((alert.triggers as { label: string; alertThreshold: number }[]).find((t) => t.label === "critical")?.alertThreshold).toBe(threshold);
    if (window !== undefined) expect(alert.timeWindow).toBe(window);
  });

  it("001's critical Sentry errors are P0 issue alerts: payments, database connections, authentication", () => {
    for (const name of ["sentry-prompts-payments-issue-payment-processing-failures", "sentry-prompts-api-issue-database-connection-errors", "sentry-prompts-api-issue-auth-system-failures"]) {
      expect(String(inputs(name).name), name).toMatch(/\(P0\)$/);
    }
  });

  it("001's immediate Sentry rules fire on the first event, not from the second (PF-SEN-7)", () => {
    for (const name of ["sentry-prompts-payments-issue-payment-processing-failures", "sentry-prompts-api-issue-database-connection-errors", "sentry-prompts-api-issue-auth-system-failures"]) {
      expect(inputs(name).conditions, name).toEqual([{ id: "sentry.rules.conditions.event_frequency.EventFrequencyCondition", value: "0", interval: "1h", comparisonType: "count" }]);
    }
  });
});

/** The shape of each Datadog monitor type's query (the API's grammar, less its depth). */
const NUMBER = String.raw`-?\d+(?:\.\d+)?`;
/** Datadog's documented windows: last_#m, last_#h, last_1d, last_1w (PF-DD-MON-4); never last_3d. */
const WINDOW = String.raw`(?:\d+[mh]|1d|1w)`;
const QUERY_SHAPES: Readonly<Record<string, RegExp>> = {
  "query alert": new RegExp(
    String.raw`^(?:(?:avg|sum|min|max|percentile)\((?:last_${WINDOW}|current_1d)\)|pct_change\((?:avg|sum)\(last_${WINDOW}\),last_${WINDOW}\)|(?:min|max)\(next_${WINDOW}\)):\S.* (?:>|<|>=|<=) ${NUMBER}$`,
  ),
  "rum alert": new RegExp(String.raw`^rum\("[^"]+"\)\.rollup\("(?:pc\d\d|avg|count)"(?:, "@[\w.]+")?\)\.last\("${WINDOW}"\) (?:>|<) ${NUMBER}$`),
};

function balanced(text: string): boolean {
  let depth = 0;
  for (const c of text) {
    if ("({".includes(c)) depth++;
    if (")}".includes(c) && --depth < 0) return false;
  }
  return depth === 0;
}

describe("every prod monitor has a valid query for its type", () => {
  it("matches its type's grammar, with balanced brackets, ending in its critical threshold", () => {
    const monitors = plan.resources.filter((r) => r.type === "datadog:index/monitor:Monitor").map((r) => [r.name, r.inputs as Record<string, unknown>] as const);
    expect(monitors.length).toBeGreaterThan(100);
    const bad: string[] = [];
    for (const [name, m] of monitors) {
      const type = String(m.type);
      const query = String(m.query);
      if (type === "slo alert" || type === "composite") {
        // Their queries name IDs that exist only once the SLO and monitors do.
        if (query !== "[unknown]") bad.push(`${name}: ${type} query known in a preview: ${query}`);
        continue;
      }
      const shape = QUERY_SHAPES[type];
      if (!shape) bad.push(`${name}: unexpected type ${type}`);
      else if (!shape.test(query)) bad.push(`${name}: ${query}`);
      else if (!balanced(query)) bad.push(`${name}: unbalanced ${query}`);
      else if (!query.endsWith(` ${String((m.monitorThresholds as { critical: string }).critical)}`)) bad.push(`${name}: threshold ≠ query`);
    }
    expect(bad).toEqual([]);
  });
});

describe("every alert of every kind carries a route", () => {
  it("every notifying Datadog monitor and synthetics test names its handles; P0/P1 page", () => {
    const bad: string[] = [];
    for (const r of plan.resources.filter((x) => x.type === "datadog:index/monitor:Monitor" || x.type === "datadog:index/syntheticsTest:SyntheticsTest")) {
      const inputs = r.inputs as { message?: string; tags?: string[] };
      const message = String(inputs.message ?? "");
      // The two halves of a composite notify nobody: the composite does.
      if (/one half of the composite/i.test(message)) continue;
      // The alert block's handles: the route a transition to ALERT notifies (PF-DD-MON-1).
      const notify = /\{\{#is_alert\}\}\n(?:.*\n)*?Notify: (.+)\n\{\{\/is_alert\}\}/.exec(message)?.[1] ?? "";
      const severity = (inputs.tags ?? []).find((t) => t.startsWith("severity:"))?.slice("severity:".length);
      if (notify === "") bad.push(`${r.name}: no handles`);
      else if ((severity === "p0" || severity === "p1") && !/@pagerduty-\S+/.test(notify)) bad.push(`${r.name}: ${severity} without a page`);
    }
    expect(bad).toEqual([]);
  });

  it("every Sentry rule has an action; P0 issue alerts page through Sentry's PagerDuty integration", () => {
    for (const r of plan.resources.filter((x) => x.type === "sentry:index/sentryIssueAlert:SentryIssueAlert")) {
      const actions = (r.inputs as { actions: { id: string }[]; name: string }).actions;
      expect(actions.length, r.name).toBeGreaterThan(0);
      if (String((r.inputs as { name: string }).name).endsWith("(P0)")) {
        expect(actions.map((a) => a.id), r.name).toContain("sentry.integrations.pagerduty.notify_action.PagerDutyNotifyServiceAction");
      }
    }
  });

  it("shows the guides' ladders: 002's 0–5, 5–15, 15–30 minutes and 001's primary, secondary, manager", () => {
    const delays = (name: string) => (inputs(name).rules as { escalationDelayInMinutes: number }[]).map((r) => r.escalationDelayInMinutes);
    expect(delays("oncall-tickets-engineering")).toEqual([5, 10, 15]);
    expect(delays("oncall-prompts-devops")).toEqual([5, 10, 15]);
    expect(inputs("oncall-prompts-devops-primary")).toMatchObject({ name: "prompts-devops-primary", timeZone: "UTC" });
    expect(inputs("oncall-prompts-devops-secondary")).toMatchObject({ name: "prompts-devops-secondary" });
    expect(inputs("oncall-sixfb-ticketing-tickets-engineering")).toMatchObject({ incidentUrgencyRule: { type: "constant", urgency: "severity_based" } });
    expect(plan.resources.filter((r) => r.type === "pagerduty:index/serviceIntegration:ServiceIntegration").map((r) => r.name).sort()).toEqual([
      "oncall-agent-marketplace-agents-devops-datadog",
      "oncall-carbot-crm-carbot-dev-datadog",
      "oncall-prompt-marketplace-prompts-devops-datadog",
      "oncall-prompt-marketplace-prompts-devops-sentry",
      "oncall-sixfb-ticketing-tickets-engineering-datadog",
      "oncall-sixfb-ticketing-tickets-engineering-sentry",
    ]);
  });

  it("staging never pages: no PagerDuty resource, no @pagerduty handle", () => {
    const staging = planOfStack("staging");
    expect(staging.resources.filter((r) => r.type.startsWith("pagerduty:"))).toEqual([]);
    expect(staging.resources.filter((r) => JSON.stringify(r.inputs).includes("@pagerduty-")).map((r) => r.name)).toEqual([]);
  });
});
