import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { runComponents, shapeOf } from "./support/mocks";
import { parseCatalog } from "../catalog/load";
import type { BurnRateAlert, Catalog, Slo } from "../catalog/model";
import {
  budgetConsumed,
  burnRateCompositeArgs,
  burnRateMonitorArgs,
  errorBudget,
  errorRateAt,
  errorRatioMonitorArgs,
  fitsBurnRateAlert,
  maxBurnRate,
  sliQuery,
  sloArgs,
} from "../infra/slos/sloRules";
import { formatNumber, routeTag } from "../catalog/alertQueries";

const CATALOG = `environment: prod
products: [{name: shop, description: Shop}]
services:
  - name: web
    product: shop
    team: storefront
    tier: 1
    description: Storefront pages.
    runbook: https://runbooks.example.com/web
  - name: payments
    product: shop
    team: payments
    tier: 0
    description: Payments API.
    runbook: https://runbooks.example.com/payments
    slos:
      - name: charge
        description: Card charges succeed.
        target: 99.9%
        warning: 99.95%
        severity: P0
        sli: {type: http, route: POST /api/charge}
      - name: webhooks
        target: 99.5%
        timeframe: 7d
        severity: P1
        sli:
          type: metrics
          good: stripe.webhooks.ok
          total: stripe.webhooks.received
          filter: [region:eu, provider:stripe]
`;

const catalog = parseCatalog([{ file: "slos.yaml", text: CATALOG }]);
const payments = catalog.services.find((s) => s.name === "payments")!;
const charge = payments.slos.find((s) => s.name === "charge")!;
const webhooks = payments.slos.find((s) => s.name === "webhooks")!;
const tier = (slo: Slo, name: string): BurnRateAlert => slo.burnRates.find((b) => b.name === name)!;

/** An input's value (the queries are Outputs built with pulumi.interpolate). */
function valueOf<T>(input: pulumi.Input<T> | undefined): Promise<T> {
  return new Promise((resolve) => pulumi.output(input as pulumi.Input<T>).apply((v) => resolve(v as T)));
}

const HITS = "sum:trace.http.request.hits{env:prod,service:payments,resource_name:post_/api/charge}.as_count()";
const ERRORS = "sum:trace.http.request.errors{env:prod,service:payments,resource_name:post_/api/charge}.as_count()";

describe("error-budget math", () => {
  it("a 99.9% target leaves a 0.001 budget and burns at most 1000× as fast as allowed", () => {
    expect(errorBudget(99.9)).toBe(0.001);
    expect(maxBurnRate(99.9)).toBe(1000);
    expect(errorBudget(99.5)).toBe(0.005);
    expect(maxBurnRate(99.5)).toBe(200);
    expect(errorBudget(99.99)).toBe(0.0001);
  });

  it.each([
    [14.4, 3_600, 0.02],
    [6, 6 * 3_600, 0.05],
    [3, 86_400, 0.1],
    [1, 3 * 86_400, 0.1],
  ])("%s× over %is consumes %s of a 30-day budget", (factor, longWindowSeconds, consumed) => {
    expect(budgetConsumed(factor, longWindowSeconds, "30d")).toBe(consumed);
  });

  it("scales with the timeframe", () => {
    expect(budgetConsumed(14.4, 3_600, "7d")).toBe(0.08571428571);
    expect(budgetConsumed(1, 3 * 86_400, "90d")).toBe(0.03333333333);
  });

  it.each([
    [14.4, 99.9, 0.0144],
    [6, 99.9, 0.006],
    [1, 99.9, 0.001],
    [14.4, 99.5, 0.072],
  ])("%s× of a %s% target is an error rate of %s", (factor, target, rate) => {
    expect(errorRateAt(factor, target)).toBe(rate);
  });

  it("writes numbers without floating-point noise or exponents", () => {
    expect(formatNumber(0.1 + 0.2)).toBe("0.3");
    expect(formatNumber(1e-7)).toBe("0.0000001");
    expect(formatNumber(14.4)).toBe("14.4");
  });
});

describe("SLI queries", () => {
  it.each([
    ["POST /api/charge", "resource_name:post_/api/charge"],
    ["GET /", "resource_name:get_/"],
    ["GET /api/orders/{id}", "resource_name:get_/api/orders/_id"],
  ])("route %s is the APM tag %s", (route, tag) => expect(routeTag(route)).toBe(tag));

  it("http: requests without a server error over all requests, of one route", () => {
    expect(sliQuery("prod", payments, charge.sli)).toEqual({ numerator: `${HITS} - ${ERRORS}`, denominator: HITS });
  });

  it("http without a route: the whole service", () => {
    expect(sliQuery("staging", payments, { type: "http" })).toEqual({
      numerator:
        "sum:trace.http.request.hits{env:staging,service:payments}.as_count() - sum:trace.http.request.errors{env:staging,service:payments}.as_count()",
      denominator: "sum:trace.http.request.hits{env:staging,service:payments}.as_count()",
    });
  });

  it("metrics: good over total, narrowed by the sorted filters", () => {
    expect(sliQuery("prod", payments, webhooks.sli)).toEqual({
      numerator: "sum:stripe.webhooks.ok{env:prod,service:payments,provider:stripe,region:eu}.as_count()",
      denominator: "sum:stripe.webhooks.received{env:prod,service:payments,provider:stripe,region:eu}.as_count()",
    });
  });
});

describe("SLO arguments", () => {
  it("a 30-day SLO also shows the 7-day view, with the same target and warning", () => {
    const args = sloArgs("prod", payments, charge);
    expect(args).toMatchObject({
      name: "[prod] payments charge",
      type: "metric",
      query: { numerator: `${HITS} - ${ERRORS}`, denominator: HITS },
      timeframe: "30d",
      targetThreshold: 99.9,
      warningThreshold: 99.95,
      tags: ["env:prod", "service:payments", "team:payments", "severity:p0"],
    });
    expect(args.thresholds).toEqual([
      { timeframe: "7d", target: 99.9, warning: 99.95 },
      { timeframe: "30d", target: 99.9, warning: 99.95 },
    ]);
    expect(args.description).toContain("Card charges succeed.");
  });

  it("a 7-day SLO has one threshold", () => {
    const args = sloArgs("prod", payments, webhooks);
    expect(args.thresholds).toEqual([{ timeframe: "7d", target: 99.5 }]);
    expect(args).not.toHaveProperty("warningThreshold");
    expect(args.tags).toContain("severity:p1");
  });

  it("a 90-day SLO shows 7 and 90 days", () => {
    const args = sloArgs("prod", payments, { ...charge, timeframe: "90d" });
    expect((args.thresholds as Array<{ timeframe: string }>).map((t) => t.timeframe)).toEqual(["7d", "90d"]);
  });
});

describe("burn-rate alerts", () => {
  it("only tiers with a 1h–48h long window fit Datadog's burn-rate alert", () => {
    expect(charge.burnRates.map((b) => [b.name, fitsBurnRateAlert(b)])).toEqual([
      ["fast", true],
      ["medium", true],
      ["slow", true],
      ["drift", false],
    ]);
  });

  it.each([
    ["fast", `burn_rate("slo-123").over("30d").long_window("1h").short_window("5m") > 14.4`, "14.4", "1"],
    ["medium", `burn_rate("slo-123").over("30d").long_window("6h").short_window("30m") > 6`, "6", "1"],
    ["slow", `burn_rate("slo-123").over("30d").long_window("24h").short_window("120m") > 3`, "3", "4"],
  ])("%s: the query's factor and the critical threshold agree", async (name, query, critical, priority) => {
    const args = burnRateMonitorArgs("prod", payments, charge, "slo-123", tier(charge, name));
    expect(args.type).toBe("slo alert");
    expect(await valueOf(args.query)).toBe(query);
    expect(args.monitorThresholds).toEqual({ critical });
    expect(args.priority).toBe(priority);
    expect(args.tags).toEqual(
      expect.arrayContaining(["env:prod", "service:payments", "slo:charge", `burn-rate:${name}`]),
    );
  });

  it("says in words how fast the budget burns and how much of it is gone", () => {
    const args = burnRateMonitorArgs("prod", payments, charge, "slo-123", tier(charge, "fast"));
    expect(args.name).toBe("[prod] payments charge burn rate fast");
    expect(args.message).toContain(
      "burning the error budget 14.4× faster than allowed over 1h and 5m: 2% of the 30-day budget gone",
    );
    expect(args.message).toContain("Runbook: https://runbooks.example.com/payments");
    expect(args.tags).toContain("severity:p0");
    const slow = burnRateMonitorArgs("prod", payments, charge, "slo-123", tier(charge, "slow"));
    expect(slow.message).toContain("3× faster than allowed over 1d and 2h: 10% of the 30-day budget gone");
    expect(slow.tags).toContain("severity:p3");
  });

  it("refuses a tier Datadog's burn-rate alert cannot hold", () => {
    expect(() => burnRateMonitorArgs("prod", payments, charge, "slo-123", tier(charge, "drift"))).toThrow(/outside Datadog's 1h–48h/);
  });

  it("turns 1× over 3d / 6h into two error-ratio monitors at factor × budget", () => {
    const drift = tier(charge, "drift");
    const long = errorRatioMonitorArgs("prod", payments, charge, drift, "long");
    const short = errorRatioMonitorArgs("prod", payments, charge, drift, "short");
    const bad = `${HITS} - (${HITS} - ${ERRORS})`;
    expect(long).toMatchObject({
      type: "query alert",
      query: `sum(last_72h):(${bad}) / (${HITS}) > 0.001`,
      monitorThresholds: { critical: "0.001" },
    });
    expect(short).toMatchObject({
      type: "query alert",
      query: `sum(last_6h):(${bad}) / (${HITS}) > 0.001`,
      monitorThresholds: { critical: "0.001" },
    });
    for (const part of [long, short]) {
      expect(part.priority).toBeUndefined();
      expect(part.message).not.toMatch(/@/);
      expect(part.message).not.toContain("{{#is_alert}}");
    }
  });

  it("writes a factor × budget threshold precisely", () => {
    const args = errorRatioMonitorArgs("prod", payments, webhooks, { ...tier(webhooks, "drift"), factor: 1.2 }, "long");
    expect(args.monitorThresholds).toEqual({ critical: "0.006" });
    expect(String(args.query).endsWith("> 0.006")).toBe(true);
  });

  it("a composite of both windows carries the message, priority and tags", async () => {
    const drift = tier(charge, "drift");
    const args = burnRateCompositeArgs("prod", payments, charge, drift, "111", "222");
    expect(args.type).toBe("composite");
    expect(await valueOf(args.query)).toBe("111 && 222");
    expect(args.priority).toBe("4");
    expect(args.tags).toEqual(["env:prod", "service:payments", "team:payments", "severity:p3", "slo:charge", "burn-rate:drift", "burn-factor:1", "long-window:3d", "short-window:6h"]);
    expect(args.message).toContain("burning the error budget 1× faster than allowed over 3d and 6h: 10% of the 30-day budget gone");
  });
});

async function planFor(c: Catalog, preview: boolean) {
  const { Slos } = await import("../infra/slos/slos");
  return runComponents(() => {
    const slos = new Slos("slo", { environment: c.environment, services: c.services });
    return { sloIds: slos.sloIds };
  }, { preview });
}

describe("the Slos component under mocks", () => {
  it("registers each SLO and its burn-rate monitors, parented per service", async () => {
    const run = await planFor(catalog, true);
    const names = shapeOf(run);
    const monitor = "datadog:index/monitor:Monitor";
    const slo = "datadog:index/serviceLevelObjective:ServiceLevelObjective";
    const monitors = (s: string) => [
      `${monitor} slo-payments-${s}-burn-drift <- slo-payments`,
      `${monitor} slo-payments-${s}-burn-drift-long <- slo-payments`,
      `${monitor} slo-payments-${s}-burn-drift-short <- slo-payments`,
      `${monitor} slo-payments-${s}-burn-fast <- slo-payments`,
      `${monitor} slo-payments-${s}-burn-medium <- slo-payments`,
      `${monitor} slo-payments-${s}-burn-slow <- slo-payments`,
    ];
    expect(names).toEqual([
      ...monitors("charge"),
      ...monitors("webhooks"),
      `${slo} slo-payments-charge <- slo-payments`,
      `${slo} slo-payments-webhooks <- slo-payments`,
      "lookout:slo:ServiceSlos slo-payments <- slo",
      "lookout:slo:Slos slo <- lookout-test",
      "pulumi:pulumi:Stack lookout-test <- ",
    ]);
  });

  it("wires the burn-rate query to the SLO's id and the composite to its parts' ids", async () => {
    const run = await planFor(catalog, false);
    const inputs = (name: string) => run.resources.find((r) => r.name === name)!.inputs;
    expect(inputs("slo-payments-charge-burn-fast")).toMatchObject({
      type: "slo alert",
      query: `burn_rate("slo-payments-charge-id").over("30d").long_window("1h").short_window("5m") > 14.4`,
      monitorThresholds: { critical: "14.4" },
    });
    expect(inputs("slo-payments-charge-burn-drift")).toMatchObject({
      type: "composite",
      query: "slo-payments-charge-burn-drift-long-id && slo-payments-charge-burn-drift-short-id",
      priority: "4",
    });
    expect(run.outputs.sloIds).toEqual({
      "payments/charge": "slo-payments-charge-id",
      "payments/webhooks": "slo-payments-webhooks-id",
    });
  });
});
