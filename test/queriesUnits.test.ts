/**
 * The one place units and durations live (queries/units.ts, queries/durations.ts): the
 * threshold's unit from a query's shape and a signal's declared gauge unit, conversions
 * exact to the power of ten, every unit's Grafana unit, and durations both ways.
 */
import { describe, expect, it } from "vitest";
import {
  convertUnit,
  converts,
  describeValue,
  durationOf,
  formatSeconds,
  GRAFANA_UNITS,
  parse,
  parseTags,
  percentileOf,
  tagTerm,
  thresholdUnit,
  windowWords,
  writtenMilliseconds,
  writtenSeconds,
} from "../queries";

describe("queries: threshold units", () => {
  it.each([
    ["sum(last_5m):sum:a{*}.as_count() / sum:b{*}.as_count() * 100 > 1", undefined, "percent"],
    ["percentile(last_5m):p95:trace.web.request{*} > 0.5", undefined, "seconds"],
    ['rum("@type:view").rollup("pc75", "@view.loading_time").last("5m") > 2000000000', undefined, "nanoseconds"],
    ["max(last_5m):max:storage.used{*} > 0.8", "fraction", "fraction"],
    ["avg(last_5m):avg:db.query.time{*} > 200", "milliseconds", "milliseconds"],
    ["avg(last_5m):avg:db.query.time{*} > 200", undefined, "metric"],
    // The query's shape wins over a declaration: a declared unit names only a bare gauge.
    ["sum(last_5m):sum:a{*}.as_count() > 10", "fraction", "count"],
  ] as const)("%s (declared %s) is in %s", (query, declared, unit) => expect(thresholdUnit(parse(query), declared)).toBe(unit));

  it("converts by powers of ten exactly, both ways", () => {
    expect(convertUnit(500, "milliseconds", "seconds")).toBe(0.5);
    expect(convertUnit(2500, "milliseconds", "nanoseconds")).toBe(2_500_000_000);
    expect(convertUnit(2_500_000_000, "nanoseconds", "seconds")).toBe(2.5);
    expect(convertUnit(0.8, "fraction", "percent")).toBe(80);
    expect(convertUnit(1, "percent", "anomalous-fraction")).toBe(0.01);
    expect(convertUnit(7, "metric", "metric")).toBe(7);
  });

  it("refuses to convert across dimensions", () => {
    expect(converts("percent", "seconds")).toBe(false);
    expect(converts("count", "percent")).toBe(false);
    expect(() => convertUnit(1, "count", "seconds")).toThrow(/does not convert/);
  });

  it("names a Grafana unit for every unit and writes values for readers", () => {
    expect(GRAFANA_UNITS.fraction).toBe("percentunit");
    expect(GRAFANA_UNITS.nanoseconds).toBe("ns");
    expect(describeValue(2_500_000_000, "nanoseconds")).toBe("2.5 s");
    expect(describeValue(0.25, "seconds")).toBe("250 ms");
    expect(describeValue(0.8, "fraction")).toBe("80%");
    expect(describeValue(3, "count")).toBe("3");
  });
});

describe("queries: durations and tags", () => {
  it("writes the shortest exact form and reads written durations", () => {
    expect(formatSeconds(120)).toBe("2m");
    expect(formatSeconds(90)).toBe("90s");
    expect(formatSeconds(604_800)).toBe("1w");
    expect(durationOf(7_200)).toEqual({ amount: 2, unit: "h" });
    expect(writtenMilliseconds("1.5s")).toBe(1_500);
    expect(writtenMilliseconds("500ms")).toBe(500);
    expect(writtenSeconds("1mo")).toBe(2_592_000);
    expect(writtenSeconds("5 minutes")).toBeUndefined();
  });

  it("names every window word of a query, even one that does not parse", () => {
    expect(windowWords("sum(last_3d):a{*} > 1 + avg(last_200h)").map((w) => w.text)).toEqual(["last_3d", "last_200h"]);
    expect(windowWords("avg(last_1w):anomalies(a{*}, 'agile', 2, alert_window='last_15m') >= 1").map((w) => w.text)).toEqual(["last_1w", "last_15m"]);
  });

  it("reads tags as key and value, the first of a key winning", () => {
    expect([...parseTags(["service:api", "env: prod ", "service:web", "sparse", 3])]).toEqual([["service", "api"], ["env", "prod"], ["sparse", ""]]);
  });
});

describe("what a query reduces by and filters on, read from the model", () => {
  it("reads the percentile of a metric space aggregation and of a search rollup, and none elsewhere", () => {
    expect(percentileOf(parse("percentile(last_5m):p95:trace.http.request{service:api} > 0.5"))).toBe(95);
    expect(percentileOf(parse("avg(last_5m):p99.9:trace.http.request{service:api} > 0.5"))).toBe(99.9);
    expect(percentileOf(parse('rum("@type:view").rollup("pc75", "@view.loading_time").last("5m") > 3000000000'))).toBe(75);
    expect(percentileOf(parse("avg(last_5m):avg:system.cpu.user{*} > 90"))).toBeUndefined();
  });

  it("reads a key:value scope term, and nothing from wildcards, negations or bare words", () => {
    expect(tagTerm("env:prod")).toEqual({ key: "env", value: "prod" });
    expect(tagTerm("kube_namespace:a/b")).toEqual({ key: "kube_namespace", value: "a/b" });
    expect(tagTerm("env:prod*")).toBeUndefined();
    expect(tagTerm("!env:prod")).toBeUndefined();
    expect(tagTerm("*")).toBeUndefined();
    expect(tagTerm("prod")).toBeUndefined();
  });
});
