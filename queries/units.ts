/**
 * What unit a monitor query's number is in, read from the model's structure (the
 * evaluation, the functions, the arithmetic, the series' source), never guessed from
 * a metric's or signal's name.
 */
import type { Expr, MonitorQuery, SearchQuery } from "./model";

export type QueryUnit =
  /** 0–100: a share of two like quantities times 100, a `pct_change`. */
  | "percent"
  /** 0–1: a share of two like quantities. */
  | "fraction"
  /** Events counted in the window (`.as_count()`, a search's `count`, a check's runs). */
  | "count"
  /** Per second (`.as_rate()`). */
  | "per-second"
  /** APM trace durations (PF-DD-Q-6). */
  | "seconds"
  /** A metric the catalog declares in milliseconds (the query cannot tell: `metric` until declared). */
  | "milliseconds"
  /** Event-platform durations, RUM timings (PF-DD-Q-14). */
  | "nanoseconds"
  /** The share of the alert window's points that are anomalous, 0–1 (PF-DD-Q-3). */
  | "anomalous-fraction"
  /** A multiple of the rate that would spend the SLO's budget exactly (PF-DD-Q-12). */
  | "burn-rate"
  /** The percentage of the SLO's error budget consumed (PF-DD-Q-11). */
  | "budget-percent"
  /** The metric's own unit: its metadata (or the catalog's declaration), not the query, says what it is. */
  | "metric"
  /** No number is compared (composites). */
  | "none";

export function unitOf(query: MonitorQuery): QueryUnit {
  switch (query.kind) {
    case "composite":
      return "none";
    case "service-check":
      return "count";
    case "slo":
      return query.measure === "burn_rate" ? "burn-rate" : "budget-percent";
    case "search":
      return searchUnit(query);
    case "metric":
      if (query.evaluation.kind === "change") {
        return query.evaluation.change === "pct_change" ? "percent" : expressionUnit(query.expression);
      }
      return expressionUnit(query.expression);
  }
}

/**
 * The RUM view timings, measured in nanoseconds (PF-DD-Q-14); `@duration` of spans,
 * logs and RUM events is nanoseconds too.
 */
const NANOSECOND_MEASURES = new Set([
  "@duration",
  "@view.loading_time",
  "@view.largest_contentful_paint",
  "@view.first_contentful_paint",
  "@view.first_input_delay",
  "@view.interaction_to_next_paint",
  "@view.first_byte",
  "@view.dom_complete",
  "@view.dom_content_loaded",
  "@view.dom_interactive",
  "@view.load_event",
  "@view.time_spent",
]);

function searchUnit(query: SearchQuery): QueryUnit {
  const { method, measure } = query.rollup;
  if (method === "count" || method === "cardinality") return "count";
  if (measure !== undefined && NANOSECOND_MEASURES.has(measure)) return "nanoseconds";
  return "metric";
}

/** A trace metric's latency distribution: `trace.<operation>` read with a percentile (PF-DD-Q-6). */
function isTraceLatency(expr: Expr): boolean {
  return expr.kind === "series" && expr.space !== undefined && /^p\d/.test(expr.space) && expr.metric.startsWith("trace.");
}

/**
 * Functions whose result is not in their first argument's unit; every other modelled
 * function (forecast, default_zero, timeshift, top, cutoff_min, the smoothers…) keeps it.
 */
const CHANGES_UNIT: ReadonlyMap<string, QueryUnit> = new Map<string, QueryUnit>([
  ["anomalies", "anomalous-fraction"],
  ["outliers", "count"],
  ["count_nonzero", "count"],
  ["count_not_null", "count"],
  ["per_second", "metric"],
  ["per_minute", "metric"],
  ["per_hour", "metric"],
  ["dt", "seconds"],
  ["log2", "metric"],
  ["log10", "metric"],
]);

/** The unit of `x` in `100 * x` or `x * 100`, when `expr` is one. */
function timesHundredOf(expr: Expr): QueryUnit | undefined {
  if (expr.kind !== "binary" || expr.op !== "*") return undefined;
  if (expr.left.kind === "number" && expr.left.value === 100) return expressionUnit(expr.right);
  if (expr.right.kind === "number" && expr.right.value === 100) return expressionUnit(expr.left);
  return undefined;
}

export function expressionUnit(expr: Expr): QueryUnit {
  switch (expr.kind) {
    case "series": {
      if (isTraceLatency(expr)) return "seconds";
      const last = [...expr.methods].reverse().find((m) => m.kind === "as_count" || m.kind === "as_rate");
      if (last) return last.kind === "as_count" ? "count" : "per-second";
      return "metric";
    }
    case "number":
      return "none";
    case "group":
    case "negate":
      return expressionUnit(expr.kind === "group" ? expr.inner : expr.operand);
    case "call": {
      const changed = CHANGES_UNIT.get(expr.name);
      if (changed) return changed;
      const first = expr.args[0];
      return first?.kind === "expr" ? expressionUnit(first.value) : "metric";
    }
    case "binary": {
      const left = expressionUnit(expr.left);
      const right = expressionUnit(expr.right);
      switch (expr.op) {
        case "+":
        case "-":
          if (left === "none") return right;
          if (right === "none" || left === right) return left;
          return "metric";
        case "/":
          if (right === "none") return left;
          // `100 * a / b` reads as `(100 * a) / b`: a share times 100.
          if (right !== "metric" && timesHundredOf(expr.left) === right) return "percent";
          // A quantity over a like one (counts over counts, the same metric unit): a share.
          if (left !== "none" && left === right) return "fraction";
          return "metric";
        case "*": {
          const [unit, factor] = left === "none" ? [right, expr.left] : [left, expr.right];
          if (unit === "fraction" && factor.kind === "number" && factor.value === 100) return "percent";
          if (left === "none" || right === "none") return unit;
          return "metric";
        }
      }
    }
  }
}

/** What a catalog may declare of a bare metric's unit, where the query says only `metric` (PF-DD-Q-6). */
export type DeclaredMetricUnit = "fraction" | "milliseconds";

/**
 * The unit of a monitor's threshold: the query's structure, and for a bare metric the
 * unit its signal declares (a 0–1 gauge, a millisecond gauge).
 */
export function thresholdUnit(query: MonitorQuery, declared?: DeclaredMetricUnit): QueryUnit {
  const unit = unitOf(query);
  return unit === "metric" && declared !== undefined ? declared : unit;
}

/** Units that convert into one another: durations, and shares (a fraction is 100 percent). */
const SCALES: Partial<Record<QueryUnit, { readonly dimension: "time" | "share"; readonly size: number }>> = {
  nanoseconds: { dimension: "time", size: 1 },
  milliseconds: { dimension: "time", size: 1e6 },
  seconds: { dimension: "time", size: 1e9 },
  percent: { dimension: "share", size: 1 },
  "budget-percent": { dimension: "share", size: 1 },
  fraction: { dimension: "share", size: 100 },
  "anomalous-fraction": { dimension: "share", size: 100 },
};

/** Whether a number in `from` converts into `to` (the same unit, or the same dimension). */
export function converts(from: QueryUnit, to: QueryUnit): boolean {
  return from === to || (SCALES[from] !== undefined && SCALES[from]?.dimension === SCALES[to]?.dimension);
}

/**
 * `value` in `from` as `to`: 2.5 s → 2500000000 ns, 0.8 fraction → 80 percent. Multiplies
 * or divides by a power of ten only, so 500 ms is exactly 0.5 s. Throws between units of
 * different dimensions.
 */
export function convertUnit(value: number, from: QueryUnit, to: QueryUnit): number {
  if (from === to) return value;
  const a = SCALES[from];
  const b = SCALES[to];
  if (!a || !b || a.dimension !== b.dimension) throw new Error(`a number in ${from} does not convert into ${to}`);
  return a.size >= b.size ? value * (a.size / b.size) : value / (b.size / a.size);
}

/** Grafana's unit for values in each unit (every unit has one: a new unit without one does not compile). */
export const GRAFANA_UNITS: Readonly<Record<QueryUnit, string>> = {
  percent: "percent",
  fraction: "percentunit",
  count: "short",
  "per-second": "short",
  seconds: "s",
  milliseconds: "ms",
  nanoseconds: "ns",
  "anomalous-fraction": "short",
  "burn-rate": "short",
  "budget-percent": "percent",
  metric: "short",
  none: "short",
};

/** A millisecond count for readers: 250 ms, 2.5 s. */
function readableMilliseconds(ms: number): string {
  return ms >= 1000 ? `${Number((ms / 1000).toPrecision(6))} s` : `${Number(ms.toPrecision(6))} ms`;
}

/** A threshold in its unit, written for a reader: durations in ms or s, shares in %, anything else as is. */
export function describeValue(value: number, unit: QueryUnit): string {
  switch (unit) {
    case "nanoseconds":
    case "seconds":
    case "milliseconds":
      return readableMilliseconds(convertUnit(value, unit, "milliseconds"));
    case "fraction":
      return `${Number(convertUnit(value, unit, "percent").toPrecision(6))}%`;
    case "percent":
      return `${value}%`;
    default:
      return String(value);
  }
}
