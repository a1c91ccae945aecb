/**
 * queries/evaluate: monitors evaluated over sample series with Datadog's semantics
 * (PF-DD-EVAL-*). Tables for each rule, and properties that must hold for any series.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse, type MonitorQuery } from "../queries";
import {
  combineStates,
  evaluate,
  nextState,
  stateAt,
  type EvaluatedMonitor,
  type EvaluationContext,
  type MonitorState,
  type SampleSeries,
} from "../queries/evaluate";

const M = 60;

function series(metric: string, tags: string[], values: (number | null)[], extra: Partial<SampleSeries> = {}): SampleSeries {
  const interval = extra.interval ?? M;
  const points = values.flatMap((v, i) => (v === null ? [] : [{ t: i * interval, v }]));
  return { metric, tags, interval, points, ...extra };
}

function monitor(query: string, options: Partial<EvaluatedMonitor> = {}): EvaluatedMonitor {
  return { name: "m", query: parse(query), ...options };
}

function stateOf(m: EvaluatedMonitor, context: EvaluationContext, at: number, group = "*"): { state: MonitorState; value?: number } {
  const timeline = evaluate(m, context, at);
  if (timeline.kind !== "timeline") throw new Error(timeline.reason);
  return stateAt(timeline.evaluations, at, group);
}

const repeat = (v: number, n: number): number[] => Array.from({ length: n }, () => v);
const ERRORS = "trace.http.request.errors";
const HITS = "trace.http.request.hits";
const TAGS = ["env:prod", "service:api"];
const ERROR_RATE = `sum(last_5m):sum:${ERRORS}{env:prod,service:api}.as_count() / sum:${HITS}{env:prod,service:api}.as_count() * 100 > 1`;

describe("evaluate: metric monitors", () => {
  // The example: 0 errors for 11 minutes, then 3 of 100 requests fail.
  const context = { series: [series(ERRORS, TAGS, [...repeat(0, 11), ...repeat(3, 11)]), series(HITS, TAGS, repeat(100, 21))] };

  it.each([
    [8 * M, "OK", 0],
    [11 * M, "OK", 0.6], // PF-DD-EVAL-3: sum(errors) / sum(hits) over (6m, 11m] = 3 / 500
    [12 * M, "ALERT", 1.2],
    [16 * M, "ALERT", 3],
  ])("the error-rate alert at %is is %s (%f %%)", (at, expected, value) => {
    const result = stateOf(monitor(ERROR_RATE), context, at);
    expect(result.state).toBe(expected);
    expect(result.value).toBeCloseTo(value);
  });

  it("reads an as_count ratio as the ratio of the sums, and an as_rate ratio as the sum of the ratios (PF-DD-EVAL-3)", () => {
    const ctx = { series: [series("e", ["a:b"], [0, 1, 2, 3, 4, 5]), series("t", ["a:b"], [10, 10, 10, 10, 10, 10])] };
    expect(stateOf(monitor("sum(last_5m):sum:e{*}.as_count() / sum:t{*}.as_count() > 100"), ctx, 5 * M).value).toBeCloseTo(0.3);
    expect(stateOf(monitor("sum(last_5m):sum:e{*}.as_rate() / sum:t{*}.as_rate() > 100"), ctx, 5 * M).value).toBeCloseTo(1.5);
  });

  it.each([
    ["avg", 3],
    ["sum", 15],
    ["min", 1],
    ["max", 5],
  ])("%s over the window (PF-DD-EVAL-1)", (aggregation, expected) => {
    const ctx = { series: [series("g", ["a:b"], [9, 1, 2, 3, 4, 5])] };
    expect(stateOf(monitor(`${aggregation}(last_5m):avg:g{*} > 100`), ctx, 5 * M).value).toBe(expected);
  });

  it("converts counts and rates with .as_count() / .as_rate() (PF-DD-EVAL-4)", () => {
    const rate = { series: [series("r", ["a:b"], repeat(2, 6), { type: "rate" })] };
    expect(stateOf(monitor("sum(last_5m):sum:r{*}.as_count() > 100"), rate, 5 * M).value).toBe(5 * 2 * 60);
    const count = { series: [series("c", ["a:b"], repeat(120, 6), { type: "count" })] };
    expect(stateOf(monitor("avg(last_5m):sum:c{*}.as_rate() > 100"), count, 5 * M).value).toBe(2);
  });

  it("alerts per group of a multi-alert query, space-aggregating within each (PF-DD-EVAL-5)", () => {
    const ctx = {
      series: [
        series("cpu", ["host:a", "az:1"], repeat(95, 6)),
        series("cpu", ["host:b", "az:1"], repeat(10, 6)),
        series("cpu", ["host:c", "az:2"], repeat(20, 6)),
      ],
    };
    const byHost = monitor("avg(last_5m):avg:cpu{*} by {host} > 90");
    expect(stateOf(byHost, ctx, 5 * M, "host:a").state).toBe("ALERT");
    expect(stateOf(byHost, ctx, 5 * M, "host:b").state).toBe("OK");
    const byAz = monitor("avg(last_5m):max:cpu{az:1} by {az} > 90");
    expect(stateOf(byAz, ctx, 5 * M, "az:1").value).toBe(95);
    expect(stateOf(monitor("avg(last_5m):avg:cpu{!host:a} > 90"), ctx, 5 * M).value).toBe(15);
  });

  it("uses the warning threshold and the recovery thresholds (PF-DD-EVAL-10)", () => {
    const thresholds = { critical: 90, warning: 70, criticalRecovery: 80 };
    expect(nextState("OK", 75, ">", thresholds)).toBe("WARN");
    expect(nextState("OK", 95, ">", thresholds)).toBe("ALERT");
    expect(nextState("ALERT", 85, ">", thresholds)).toBe("ALERT"); // not yet at or below 80
    expect(nextState("ALERT", 80, ">", thresholds)).toBe("WARN");
    expect(nextState("ALERT", 50, ">", thresholds)).toBe("OK");
    expect(nextState("OK", 85, ">", thresholds)).toBe("WARN");
    expect(nextState("OK", 5, "<", { critical: 10, warning: 20 })).toBe("ALERT");
    expect(nextState("WARN", 25, "<", { critical: 10, warning: 20, warningRecovery: 30 })).toBe("WARN");
  });

  it("skips an evaluation without a full window when require_full_window is on (PF-DD-EVAL-7)", () => {
    const ctx = { series: [series("g", ["a:b"], [null, null, null, 95, 95, 95])] };
    expect(stateOf(monitor("avg(last_5m):avg:g{*} > 90", { requireFullWindow: true }), ctx, 5 * M).state).toBe("OK");
    expect(stateOf(monitor("avg(last_5m):avg:g{*} > 90", { requireFullWindow: false }), ctx, 5 * M).state).toBe("ALERT");
  });

  it("goes NO DATA after the no-data timeframe, and keeps its state without notify_no_data (PF-DD-EVAL-8)", () => {
    const ctx = { series: [series("g", ["a:b"], [...repeat(95, 6), ...Array<null>(20).fill(null)])] };
    const noData = monitor("avg(last_5m):avg:g{*} > 90", { notifyNoData: true, noDataTimeframeMinutes: 10 });
    expect(stateOf(noData, ctx, 14 * M).state).toBe("ALERT");
    expect(stateOf(noData, ctx, 16 * M).state).toBe("NO DATA");
    expect(stateOf(monitor("avg(last_5m):avg:g{*} > 90"), ctx, 20 * M).state).toBe("ALERT");
  });

  it("reads the window evaluation_delay seconds earlier (PF-DD-EVAL-11)", () => {
    const ctx = { series: [series("g", ["a:b"], [...repeat(10, 10), ...repeat(95, 10)])] };
    expect(stateOf(monitor("max(last_1m):avg:g{*} > 90"), ctx, 10 * M).state).toBe("ALERT");
    expect(stateOf(monitor("max(last_1m):avg:g{*} > 90", { evaluationDelaySeconds: 300 }), ctx, 10 * M).state).toBe("OK");
    expect(stateOf(monitor("max(last_1m):avg:g{*} > 90", { evaluationDelaySeconds: 300 }), ctx, 15 * M).state).toBe("ALERT");
  });

  it("sums a cumulative window from the start of the hour (PF-DD-EVAL-2)", () => {
    const ctx = { series: [series("c", ["a:b"], repeat(1, 130), { type: "count" })] };
    expect(stateOf(monitor("sum(current_1h):sum:c{*}.as_count() > 1000"), ctx, 125 * M).value).toBe(6); // 2:00 … 2:05
    expect(stateOf(monitor("sum(last_1h):sum:c{*}.as_count() > 1000"), ctx, 125 * M).value).toBe(60);
  });

  it("compares the window with the same window a shift earlier: change and pct_change (PF-DD-EVAL-12)", () => {
    const ctx = { series: [series("c", ["a:b"], [...repeat(10, 60), ...repeat(4, 60)], { type: "count" })] };
    const pct = stateOf(monitor("pct_change(sum(last_1h),last_1h):sum:c{*}.as_count() < -50"), ctx, 119 * M);
    expect(pct.value).toBeCloseTo(-60);
    expect(pct.state).toBe("ALERT");
    expect(stateOf(monitor("change(sum(last_1h),last_1h):sum:c{*}.as_count() < -500"), ctx, 119 * M).value).toBe(-360);
  });

  it("takes an APM percentile over the supplied series, and a distribution's over every sample (PF-DD-EVAL-6)", () => {
    const supplied = { series: [series("p95:trace.http.request", TAGS, [0.1, 0.2, 2, 2, 2, 2])] };
    expect(stateOf(monitor("percentile(last_5m):p95:trace.http.request{env:prod,service:api} > 1"), supplied, 5 * M).state).toBe("ALERT");
    const samples = { series: [series("lat", ["a:b"], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], { type: "distribution" })] };
    expect(stateOf(monitor("percentile(last_10m):p50:lat{*} > 100"), samples, 10 * M).value).toBe(6.5);
  });

  it("evaluates a RUM percentile from the supplied rollup series (PF-DD-EVAL-6)", () => {
    const query = 'rum("@type:view service:web env:prod").rollup("pc75", "@view.loading_time").last("5m") > 5000000000';
    const metric = 'rum("@type:view service:web env:prod").rollup("pc75", "@view.loading_time")';
    const slow = { series: [series(metric, [], repeat(6e9, 6))] };
    expect(stateOf(monitor(query), slow, 5 * M).state).toBe("ALERT");
    expect(stateOf(monitor(query), { series: [series(metric, [], repeat(1e9, 6))] }, 5 * M).state).toBe("OK");
  });

  it.each([
    ["avg(last_4h):anomalies(sum:c{*}.as_count(), 'agile', 2) >= 1", /anomaly monitors cannot be evaluated offline/],
    ["min(next_1d):forecast(min:c{*}, 'linear', 1) < 1", /forecast monitors cannot be evaluated offline/],
  ])("says %s cannot be evaluated offline", (query, reason) => {
    const timeline = evaluate(monitor(query), { series: [] }, 5 * M);
    expect(timeline.kind).toBe("not-evaluable");
    expect(timeline.kind === "not-evaluable" && timeline.reason).toMatch(reason);
  });
});

describe("evaluate: SLO burn rates and composites", () => {
  const expression = (text: string) => (parse(`sum(last_5m):${text} > 0`) as Extract<MonitorQuery, { kind: "metric" }>).expression;
  const slo = (good: string, total: string) => ({ good: expression(good), total: expression(total), targets: { "30d": 99.9 } });
  const hits = `sum:${HITS}{env:prod,service:api}.as_count()`;
  const errors = `sum:${ERRORS}{env:prod,service:api}.as_count()`;
  const slos = new Map([["slo-1", slo(`${hits} - ${errors}`, hits)]]);
  const fast = monitor('burn_rate("slo-1").over("30d").long_window("1h").short_window("5m") > 14.4');

  it("alerts when both the long and the short window burn faster than the threshold (PF-DD-EVAL-13)", () => {
    // 2 % errors (burn rate 20) for the last 70 minutes of two hours.
    const ctx = { series: [series(HITS, TAGS, repeat(100, 121)), series(ERRORS, TAGS, [...repeat(0, 51), ...repeat(2, 70)])], slos };
    const result = stateOf(fast, ctx, 120 * M);
    expect(result.state).toBe("ALERT");
    expect(result.value).toBeCloseTo(20);
    // 20 minutes in: the short window burns at 20, the long one at 20/3 only.
    expect(stateOf(fast, ctx, 70 * M).state).toBe("OK");
  });

  it("recovers as soon as the short window does (PF-DD-EVAL-13)", () => {
    const ctx = { series: [series(HITS, TAGS, repeat(100, 121)), series(ERRORS, TAGS, [...repeat(2, 100), ...repeat(0, 21)])], slos };
    expect(stateOf(fast, ctx, 99 * M).state).toBe("ALERT");
    expect(stateOf(fast, ctx, 110 * M).state).toBe("OK");
  });

  it.each([
    ["ALERT", "WARN", "and", "WARN"],
    ["ALERT", "WARN", "or", "ALERT"],
    ["ALERT", "OK", "and", "OK"],
    ["WARN", "OK", "or", "WARN"],
    ["NO DATA", "OK", "and", "OK"],
    ["NO DATA", "OK", "or", "NO DATA"],
  ] as const)("%s %s %s → %s (PF-DD-EVAL-14)", (a, b, op, expected) => {
    const expr = { kind: op, left: { kind: "monitor", id: "1" }, right: { kind: "monitor", id: "2" } } as const;
    expect(combineStates(expr, (id) => (id === "1" ? a : b))).toBe(expected);
  });

  it("evaluates a composite from its monitors' states over time (PF-DD-EVAL-14)", () => {
    const monitors = new Map([
      ["1", monitor("max(last_1m):avg:a{*} > 1", { name: "a" })],
      ["2", monitor("max(last_1m):avg:b{*} > 1", { name: "b" })],
    ]);
    const ctx = { series: [series("a", ["x:y"], [0, 5, 5, 5]), series("b", ["x:y"], [0, 0, 5, 5])], monitors };
    const both = monitor("1 && 2");
    expect(stateOf(both, ctx, 1 * M).state).toBe("OK");
    expect(stateOf(both, ctx, 2 * M).state).toBe("ALERT");
    expect(stateOf(monitor("!1"), ctx, 1 * M).state).toBe("OK");
  });
});

describe("evaluate: properties", () => {
  const values = fc.array(fc.integer({ min: 0, max: 1_000 }), { minLength: 6, maxLength: 30 });

  it("a series above the threshold for the whole window fires, whatever the aggregation", () => {
    fc.assert(
      fc.property(values, fc.constantFrom("avg", "sum", "min", "max"), (vs, aggregation) => {
        const threshold = Math.min(...vs) - 1;
        const ctx = { series: [series("g", ["a:b"], vs)] };
        const at = (vs.length - 1) * M;
        return stateOf(monitor(`${aggregation}(last_5m):avg:g{*} > ${threshold}`), ctx, at).state === "ALERT";
      }),
    );
  });

  it("raising the threshold of an above-alert never turns OK into ALERT (monotonic in the threshold)", () => {
    fc.assert(
      fc.property(values, fc.integer({ min: 0, max: 1_000 }), fc.integer({ min: 0, max: 500 }), (vs, low, step) => {
        const ctx = { series: [series("g", ["a:b"], vs)] };
        const at = (vs.length - 1) * M;
        const lower = stateOf(monitor(`avg(last_5m):avg:g{*} > ${low}`), ctx, at).state;
        const higher = stateOf(monitor(`avg(last_5m):avg:g{*} > ${low + step}`), ctx, at).state;
        return !(lower === "OK" && higher === "ALERT");
      }),
    );
  });
});
