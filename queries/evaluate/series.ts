/**
 * Sample series and what a query expression makes of them over one window: which
 * series a metric's scope selects, space aggregation per group, `.as_count()` /
 * `.as_rate()`, `.rollup()`, arithmetic, and the time aggregation that reduces the
 * window to one number per group. Datadog's semantics, cited as PF-DD-EVAL-* rows in
 * docs/provider-facts.md. Pure; imports only the query model.
 */
import { seriesOf, type Expr, type Series, type TimeAggregation } from "../model";

/** How a series' values are meant (PF-DD-EVAL-4): counts per interval, per-second rates, gauges, or distribution samples. */
export type MetricType = "count" | "rate" | "gauge" | "distribution";
export const METRIC_TYPES: readonly MetricType[] = ["count", "rate", "gauge", "distribution"];

export interface Point {
  /** Seconds since the start of the test. */
  readonly t: number;
  readonly v: number;
}

/** One sample series: `trace.http.request.hits{env:prod,service:api}` with its points (missing points left out). */
export interface SampleSeries {
  readonly metric: string;
  /** `key:value` tags. */
  readonly tags: readonly string[];
  readonly type?: MetricType;
  /** Seconds between points. */
  readonly interval: number;
  /** In time order. */
  readonly points: readonly Point[];
}

/** An expression or window Lookout does not evaluate offline; the reason is for the user. */
export class NotEvaluable extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "NotEvaluable";
  }
}

/** A window `(start, end]` in seconds: a point at `t` counts when `start < t <= end` (PF-DD-EVAL-2). */
export interface Window {
  readonly start: number;
  readonly end: number;
}

/** One value per group; `*` is the only group of an ungrouped query. */
export type Grouped<T> = ReadonlyMap<string, T>;

const ALL = "*";

/** Does a scope term (`env:prod`, `!host:a`, `code:5*`, `a OR b`, `*`) hold for these tags? (PF-DD-EVAL-5) */
function termHolds(term: string, tags: readonly string[]): boolean {
  const alternatives = term.split(/\s+OR\s+/);
  if (alternatives.length > 1) return alternatives.some((a) => termHolds(a.trim(), tags));
  if (term === "*") return true;
  if (term.startsWith("!") || term.startsWith("-")) return !termHolds(term.slice(1), tags);
  const pattern = new RegExp(`^${term.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
  return tags.some((tag) => pattern.test(tag));
}

/** `host:a` → `a` for each group-by key, joined: the group a series belongs to; undefined when a key is missing. */
function groupOf(groupBy: readonly string[], tags: readonly string[]): string | undefined {
  if (groupBy.length === 0) return ALL;
  const values: string[] = [];
  for (const key of groupBy) {
    const tag = tags.find((t) => t.startsWith(`${key}:`));
    if (tag === undefined) return undefined;
    values.push(tag);
  }
  return values.join(",");
}

/** The series a metric leaf selects, grouped (PF-DD-EVAL-5: a series without a group-by tag is not in any group). */
export function selectSeries(series: Series, samples: readonly SampleSeries[]): Map<string, SampleSeries[]> {
  const name = series.space?.startsWith("p") ? `${series.space}:${series.metric}` : series.metric;
  const groups = new Map<string, SampleSeries[]>();
  for (const sample of samples) {
    if (sample.metric !== series.metric && sample.metric !== name) continue;
    if (!series.scope.every((term) => termHolds(term, sample.tags))) continue;
    const group = groupOf(series.groupBy, sample.tags);
    if (group === undefined) continue;
    groups.set(group, [...(groups.get(group) ?? []), sample]);
  }
  return groups;
}

/**
 * A point's value as the query reads it (PF-DD-EVAL-4): `.as_count()` turns a rate into
 * the count of its interval, `.as_rate()` a count into a per-second rate; gauges and
 * distributions are left as they are. A series without a type is a count when the
 * query applies a modifier to it, a gauge otherwise.
 */
function modifierScale(series: Series, sample: SampleSeries): number {
  const modifier = [...series.methods].reverse().find((m) => m.kind === "as_count" || m.kind === "as_rate")?.kind;
  const type = sample.type ?? (modifier ? "count" : "gauge");
  if (type === "count" && modifier === "as_rate") return 1 / sample.interval;
  if (type === "rate" && modifier === "as_count") return sample.interval;
  return 1;
}

function aggregate(method: string, values: readonly number[]): number {
  switch (method) {
    case "sum":
      return values.reduce((a, b) => a + b, 0);
    case "min":
      return Math.min(...values);
    case "max":
      return Math.max(...values);
    case "count":
      return values.length;
    case "avg":
      return values.reduce((a, b) => a + b, 0) / values.length;
    default: {
      const p = /^pc?([0-9.]+)$/.exec(method);
      if (!p) throw new NotEvaluable(`aggregation "${method}" is not evaluated offline`);
      return percentile(values, Number(p[1]));
    }
  }
}

/** The p-th percentile by linear interpolation between closest ranks (PF-DD-EVAL-6: Datadog's sketches approximate the same). */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

/** A timeseries: value by timestamp. */
type Timeseries = Map<number, number>;

/** One group's points at each timestamp, space-aggregated (PF-DD-EVAL-5), after `.rollup()`. */
function leafTimeseries(series: Series, members: readonly SampleSeries[], window: Window, reach: number): Timeseries {
  const byTime = new Map<number, number[]>();
  for (const sample of members) {
    const scale = modifierScale(series, sample);
    for (const point of sample.points) {
      if (point.t <= window.start - reach || point.t > window.end) continue;
      byTime.set(point.t, [...(byTime.get(point.t) ?? []), point.v * scale]);
    }
  }
  const space = series.space ?? "avg";
  const method = space.startsWith("p") ? "avg" : space; // a supplied percentile series (`p95:metric`) is read as it is
  let out: Timeseries = new Map([...byTime].sort((a, b) => a[0] - b[0]).map(([t, vs]) => [t, aggregate(method, vs)]));
  for (const m of series.methods) {
    if (m.kind === "rollup") out = rollup(out, m.method ?? "avg", m.seconds ?? 60);
    if (m.kind === "fill" && m.mode !== "null") throw new NotEvaluable(`.fill(${m.mode}) is not evaluated offline`);
  }
  return out;
}

/** `.rollup(method, seconds)`: points bucketed into `seconds`-wide intervals (PF-DD-Q-7). */
function rollup(points: Timeseries, method: string, seconds: number): Timeseries {
  const buckets = new Map<number, number[]>();
  for (const [t, v] of points) {
    const bucket = Math.floor(t / seconds) * seconds;
    buckets.set(bucket, [...(buckets.get(bucket) ?? []), v]);
  }
  return new Map([...buckets].map(([t, vs]) => [t, aggregate(method, vs)]));
}

function inWindow(points: Timeseries, window: Window): number[] {
  return [...points].filter(([t]) => t > window.start && t <= window.end).map(([, v]) => v);
}

const FUNCTIONS: Readonly<Record<string, (v: number) => number>> = { abs: Math.abs, log2: Math.log2, log10: Math.log10 };

function arithmetic(op: string, a: number, b: number): number | undefined {
  switch (op) {
    case "+":
      return a + b;
    case "-":
      return a - b;
    case "*":
      return a * b;
    default:
      return b === 0 ? undefined : a / b; // PF-DD-EVAL-3: a point dividing by zero is rejected
  }
}

/** Groups of a binary operation: matched by key; an ungrouped side applies to every group of the other. */
function combine<T>(left: Grouped<T>, right: Grouped<T>, fn: (a: T, b: T) => T): Map<string, T> {
  const out = new Map<string, T>();
  const keys = left.size === 1 && left.has(ALL) ? [...right.keys()] : [...left.keys()];
  for (const key of keys) {
    const a = left.get(key) ?? left.get(ALL);
    const b = right.get(key) ?? right.get(ALL);
    if (a !== undefined && b !== undefined) out.set(key, fn(a, b));
  }
  return out;
}

/** The sub-expressions of a node, in the order written. */

/** Does the expression hold a series with `.as_count()`? Then arithmetic comes after time aggregation (PF-DD-EVAL-3). */
export function usesAsCount(expr: Expr): boolean {
  return seriesOf(expr).some((s) => s.methods.some((m) => m.kind === "as_count"));
}

function callArgument(expr: Extract<Expr, { kind: "call" }>): Expr {
  if (!(expr.name in FUNCTIONS)) throw new NotEvaluable(`${expr.name}() is not evaluated offline`);
  const arg = expr.args[0];
  if (expr.args.length !== 1 || arg.kind !== "expr") throw new NotEvaluable(`${expr.name}() with these arguments is not evaluated offline`);
  return arg.value;
}

/**
 * The classic path (PF-DD-EVAL-3): the expression point by point (a timestamp missing
 * on one side drops out), then the time aggregation over the window.
 */
function pointwise(expr: Expr, samples: readonly SampleSeries[], window: Window, reach: number): Grouped<Timeseries> | number {
  switch (expr.kind) {
    case "series": {
      const groups = selectSeries(expr, samples);
      return new Map([...groups].map(([key, members]) => [key, leafTimeseries(expr, members, window, reach)]));
    }
    case "number":
      return expr.value;
    case "group":
      return pointwise(expr.inner, samples, window, reach);
    case "negate": {
      const inner = pointwise(expr.operand, samples, window, reach);
      return typeof inner === "number" ? -inner : mapSeries(inner, (v) => -v);
    }
    case "call": {
      const fn = FUNCTIONS[expr.name];
      const inner = pointwise(callArgument(expr), samples, window, reach);
      return typeof inner === "number" ? fn(inner) : mapSeries(inner, fn);
    }
    case "binary": {
      const left = pointwise(expr.left, samples, window, reach);
      const right = pointwise(expr.right, samples, window, reach);
      if (typeof left === "number" && typeof right === "number") return arithmetic(expr.op, left, right) ?? Number.NaN;
      const asSeries = (side: Grouped<Timeseries> | number, other: Grouped<Timeseries>): Grouped<Timeseries> =>
        typeof side === "number" ? new Map([...other].map(([k, ts]) => [k, new Map([...ts.keys()].map((t) => [t, side]))])) : side;
      const l = asSeries(left, right as Grouped<Timeseries>);
      const r = asSeries(right, l);
      return combine(l, r, (a, b) => {
        const out: Timeseries = new Map();
        for (const [t, av] of a) {
          const bv = b.get(t);
          const v = bv === undefined ? undefined : arithmetic(expr.op, av, bv);
          if (v !== undefined) out.set(t, v);
        }
        return out;
      });
    }
  }
}

function mapSeries(groups: Grouped<Timeseries>, fn: (v: number) => number): Grouped<Timeseries> {
  return new Map([...groups].map(([k, ts]) => [k, new Map([...ts].map(([t, v]) => [t, fn(v)]))]));
}

/** The as_count path (PF-DD-EVAL-3): each series reduced over the window first, then the arithmetic. */
function aggregatedFirst(expr: Expr, aggregation: TimeAggregation, samples: readonly SampleSeries[], window: Window, reach: number): Grouped<number> | number {
  switch (expr.kind) {
    case "series": {
      const reduced = new Map<string, number>();
      for (const [key, ts] of pointwise(expr, samples, window, reach) as Grouped<Timeseries>) {
        const values = inWindow(ts, window);
        if (values.length > 0) reduced.set(key, aggregate(aggregation === "percentile" ? percentileMethod(expr) : aggregation, values));
      }
      return reduced;
    }
    case "number":
      return expr.value;
    case "group":
      return aggregatedFirst(expr.inner, aggregation, samples, window, reach);
    case "negate": {
      const inner = aggregatedFirst(expr.operand, aggregation, samples, window, reach);
      return typeof inner === "number" ? -inner : new Map([...inner].map(([k, v]) => [k, -v]));
    }
    case "call": {
      const fn = FUNCTIONS[expr.name];
      const inner = aggregatedFirst(callArgument(expr), aggregation, samples, window, reach);
      return typeof inner === "number" ? fn(inner) : new Map([...inner].map(([k, v]) => [k, fn(v)]));
    }
    case "binary": {
      const left = aggregatedFirst(expr.left, aggregation, samples, window, reach);
      const right = aggregatedFirst(expr.right, aggregation, samples, window, reach);
      if (typeof left === "number" && typeof right === "number") return arithmetic(expr.op, left, right) ?? Number.NaN;
      const l: Grouped<number> = typeof left === "number" ? new Map([[ALL, left]]) : left;
      const r: Grouped<number> = typeof right === "number" ? new Map([[ALL, right]]) : right;
      const out = combine(l, r, (a, b) => arithmetic(expr.op, a, b) ?? Number.NaN);
      return new Map([...out].filter(([, v]) => !Number.isNaN(v)));
    }
  }
}

/** `percentile(last_5m):p95:metric{…}`: the percentile the series names (PF-DD-EVAL-6). */
function percentileMethod(expr: Expr): string {
  if (expr.kind === "series" && expr.space?.startsWith("p")) return expr.space;
  throw new NotEvaluable("percentile() needs a percentile space aggregation (p50 … p99.9)");
}

/** A distribution's percentile over the window is over every sample in it, across the selected series (PF-DD-EVAL-6). */
function distributionPercentile(expr: Series, samples: readonly SampleSeries[], window: Window): Grouped<number> {
  const out = new Map<string, number>();
  for (const [key, members] of selectSeries(expr, samples)) {
    const values = members.flatMap((m) => m.points.filter((p) => p.t > window.start && p.t <= window.end).map((p) => p.v));
    if (values.length > 0) out.set(key, percentile(values, Number(percentileMethod(expr).slice(1))));
  }
  return out;
}

/**
 * The expression reduced to one number per group over the window (PF-DD-EVAL-1,
 * PF-DD-EVAL-3). `reach` extends the points read before the window (for `.rollup()`
 * buckets that start earlier). Groups without a value in the window are absent.
 */
export function reduceWindow(expr: Expr, aggregation: TimeAggregation, samples: readonly SampleSeries[], window: Window, reach = 0): Grouped<number> {
  if (aggregation === "percentile" && expr.kind === "series") {
    const isDistribution = samples.some((s) => s.metric === expr.metric && s.type === "distribution");
    if (isDistribution) return distributionPercentile(expr, samples, window);
  }
  if (aggregation === "percentile" || usesAsCount(expr)) {
    const result = aggregatedFirst(expr, aggregation, samples, window, reach);
    return typeof result === "number" ? new Map(Number.isNaN(result) ? [] : [[ALL, result]]) : result;
  }
  const result = pointwise(expr, samples, window, reach);
  if (typeof result === "number") return new Map(Number.isNaN(result) ? [] : [[ALL, result]]);
  const out = new Map<string, number>();
  for (const [key, ts] of result) {
    const values = inWindow(ts, window);
    if (values.length > 0) out.set(key, aggregate(aggregation, values));
  }
  return out;
}

/**
 * Whether the window is covered by data (PF-DD-EVAL-7, `require_full_window`): every
 * selected series has a point within its first interval and one within its last.
 */
export function windowFull(expr: Expr, samples: readonly SampleSeries[], window: Window): boolean {
  const leaves = seriesOf(expr);
  return leaves.every((leaf) =>
    [...selectSeries(leaf, samples).values()].flat().every((s) => {
      const inside = s.points.filter((p) => p.t > window.start && p.t <= window.end);
      return inside.length > 0 && inside[0].t <= window.start + s.interval && inside[inside.length - 1].t > window.end - s.interval;
    }),
  );
}

/** Whether any selected series has a point in the window (no-data, PF-DD-EVAL-8). */
export function hasData(expr: Expr, samples: readonly SampleSeries[], window: Window): boolean {
  return seriesOf(expr).some((leaf) => [...selectSeries(leaf, samples).values()].flat().some((s) => s.points.some((p) => p.t > window.start && p.t <= window.end)));
}

