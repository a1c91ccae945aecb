/**
 * The Datadog monitor query model: one typed value per monitor query, whatever the
 * monitor type. `format` (format.ts) writes the exact string Datadog expects; `parse`
 * (parse.ts) reads it back; `unitOf` (units.ts) says what unit its threshold is in.
 *
 * The grammar is Datadog's, as its API reference and monitor-type pages state it; the
 * rows are in docs/provider-facts.md (PF-DD-Q-*). This module imports nothing of ours.
 */

/** `<`, `<=`, `>`, `>=`, `==`, `!=` (PF-DD-Q-1). */
export type Comparator = "<" | "<=" | ">" | ">=" | "==" | "!=";
export const COMPARATORS: readonly Comparator[] = ["<", "<=", ">", ">=", "==", "!="];

/** A span of time as Datadog spells it: `5m`, `1h`, `1d`, `1w`, `1mo`. */
export type DurationUnit = "s" | "m" | "h" | "d" | "w" | "mo";
export const DURATION_UNITS: readonly DurationUnit[] = ["s", "m", "h", "d", "w", "mo"];

export interface Duration {
  readonly amount: number;
  readonly unit: DurationUnit;
}

/**
 * A metric monitor's evaluation window (PF-DD-Q-1, PF-DD-Q-4): `last_5m` (the past
 * 5 minutes, rolling), `current_1h` (the cumulative window since the start of the hour),
 * `next_3d` (a forecast's horizon); `5m_ago` is the older spelling of a change shift.
 */
export interface TimeWindow {
  readonly kind: "last" | "current" | "next" | "ago";
  readonly duration: Duration;
}

/** Reduces a series over the window (PF-DD-Q-1; `percentile` for APM percentiles, PF-DD-Q-6). */
export type TimeAggregation = "avg" | "sum" | "min" | "max" | "percentile";
export const TIME_AGGREGATIONS: readonly TimeAggregation[] = ["avg", "sum", "min", "max", "percentile"];

/**
 * How a metric monitor reduces its expression to one number:
 * `avg(last_5m)`, or `pct_change(sum(last_1h),last_1d)` (PF-DD-Q-1).
 */
export type Evaluation =
  | { readonly kind: "window"; readonly aggregation: TimeAggregation; readonly window: TimeWindow }
  | {
      readonly kind: "change";
      readonly change: "change" | "pct_change";
      readonly aggregation: TimeAggregation;
      readonly window: TimeWindow;
      /** How far back the comparison period lies. */
      readonly shift: TimeWindow;
    };

/** Reduces series across tags: `avg`, `sum`, `min`, `max`, `count`, or a percentile `p50`…`p99.9` (PF-DD-Q-1, PF-DD-Q-6). */
export type SpaceAggregation = "avg" | "sum" | "min" | "max" | "count" | `p${number}`;
export const SPACE_AGGREGATIONS: readonly SpaceAggregation[] = ["avg", "sum", "min", "max", "count"];

/** The rollup methods of `.rollup(method, seconds)` (PF-DD-Q-7). */
export type RollupMethod = "avg" | "sum" | "min" | "max" | "count";
export const ROLLUP_METHODS: readonly RollupMethod[] = ["avg", "sum", "min", "max", "count"];

/** The modes of `.fill(mode, limit)` (PF-DD-Q-7). */
export type FillMode = "null" | "zero" | "linear" | "last";
export const FILL_MODES: readonly FillMode[] = ["null", "zero", "linear", "last"];

/** A method applied to a metric series, in the order written (PF-DD-Q-7). */
export type SeriesMethod =
  | { readonly kind: "as_count" }
  | { readonly kind: "as_rate" }
  /** `.rollup(sum, 60)`, `.rollup(sum)` or `.rollup(60)`: a method, an interval, or both. */
  | { readonly kind: "rollup"; readonly method?: RollupMethod; readonly seconds?: number }
  | { readonly kind: "fill"; readonly mode: FillMode; readonly limit?: number };

/**
 * `sum:trace.web.request.hits{env:prod,service:api} by {host}.as_count()`.
 * `scope` holds the filter terms between the braces, comma-separated in the query
 * (`["*"]` for all); a term may itself be a boolean filter (`code:4* OR code:5*`).
 */
export interface Series {
  readonly kind: "series";
  /** Absent when the query names the metric alone (`rabbitmq.queue.consumers{*}`). */
  readonly space?: SpaceAggregation;
  readonly metric: string;
  readonly scope: readonly string[];
  /** `by {host,env}`; empty when not grouped. */
  readonly groupBy: readonly string[];
  readonly methods: readonly SeriesMethod[];
}

/**
 * The functions a monitor expression may call (PF-DD-Q-3, PF-DD-Q-4, PF-DD-Q-5,
 * PF-DD-Q-8). A name outside this list is an `unsupported: …` error, not a guess.
 */
export const FUNCTION_NAMES = [
  "anomalies",
  "forecast",
  "outliers",
  "abs",
  "log2",
  "log10",
  "cumsum",
  "integral",
  "diff",
  "derivative",
  "monotonic_diff",
  "per_second",
  "per_minute",
  "per_hour",
  "dt",
  "timeshift",
  "hour_before",
  "day_before",
  "week_before",
  "month_before",
  "top",
  "top_offset",
  "default_zero",
  "exclude_null",
  "cutoff_min",
  "cutoff_max",
  "clamp_min",
  "clamp_max",
  "count_nonzero",
  "count_not_null",
  "robust_trend",
  "trend_line",
  "piecewise_constant",
  "ewma_3",
  "ewma_5",
  "ewma_10",
  "ewma_20",
  "median_3",
  "median_5",
  "median_7",
  "median_9",
] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/** A literal argument of a function: `'agile'`, `2`, `'last_15m'`. */
export type Literal = { readonly kind: "string"; readonly value: string } | { readonly kind: "number"; readonly value: number };

/** A function argument: an expression, a quoted string, or `key=value`. */
export type Argument =
  | { readonly kind: "expr"; readonly value: Expr }
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "keyword"; readonly key: string; readonly value: Literal };

export type ArithmeticOperator = "+" | "-" | "*" | "/";

/**
 * A metric expression. Parentheses are kept as `group` nodes (Datadog accepts
 * `(a / b)` and `( a / b )`; `padded` keeps which one was written), so a query reads
 * back byte for byte. A tree whose shape needs parentheses it lacks (a sum under a
 * product) is not a valid model: `format` rejects it rather than guess.
 */
export type Expr =
  | Series
  | { readonly kind: "number"; readonly value: number }
  | { readonly kind: "binary"; readonly op: ArithmeticOperator; readonly left: Expr; readonly right: Expr }
  | { readonly kind: "negate"; readonly operand: Expr }
  | { readonly kind: "group"; readonly inner: Expr; readonly padded: boolean }
  | { readonly kind: "call"; readonly name: FunctionName; readonly args: readonly Argument[] };

/** `avg(last_5m):avg:system.cpu.user{env:prod} by {host} > 90` (type `query alert`, or the legacy `metric alert`). */
export interface MetricQuery {
  readonly kind: "metric";
  readonly evaluation: Evaluation;
  readonly expression: Expr;
  readonly comparator: Comparator;
  readonly threshold: number;
}

/** `"http.can_connect".over("env:prod").by("url").last(3).count_by_status()` (type `service check`, PF-DD-Q-9). */
export interface ServiceCheckQuery {
  readonly kind: "service-check";
  readonly check: string;
  /** `.over(…)`: quoted tags, `"*"` for all. */
  readonly over: readonly string[];
  /** `.by(…)`: quoted tag keys; empty when there is no `.by`. */
  readonly by: readonly string[];
  /** `.last(n)`: how many of the latest runs are counted. */
  readonly last: number;
  /**
   * Datadog's reference writes `.last(n).by(…)`, its own monitors `.by(…).last(n)`;
   * both mean the same. `true` keeps the reference's order (PF-DD-Q-9).
   */
  readonly byAfterLast?: true;
}

/**
 * The event-platform sources (PF-DD-Q-10): `logs(…)` (`log alert`), `rum(…)` (`rum alert`),
 * `events(…)` (`event-v2 alert`), `trace-analytics(…)` (`trace-analytics alert`), `audits(…)`,
 * `ci-pipelines(…)`, `ci-tests(…)`, `error-tracking-rum(…)`, `error-tracking-traces(…)`.
 */
export type SearchSource =
  | "logs"
  | "rum"
  | "events"
  | "trace-analytics"
  | "audits"
  | "ci-pipelines"
  | "ci-tests"
  | "error-tracking-rum"
  | "error-tracking-traces";
export const SEARCH_SOURCES: readonly SearchSource[] = [
  "logs",
  "rum",
  "events",
  "trace-analytics",
  "audits",
  "ci-pipelines",
  "ci-tests",
  "error-tracking-rum",
  "error-tracking-traces",
];

/**
 * `logs("service:web status:error").index("*").rollup("count").by("@http.status_code").last("5m") > 10`
 * (PF-DD-Q-10). `rollup` is `count`, `cardinality`, `avg`, `sum`, `min`, `max` or a
 * percentile `pc75`…`pc99`, with the measure or facet it reads.
 */
export interface SearchQuery {
  readonly kind: "search";
  readonly source: SearchSource;
  /** The search, in Datadog's log search syntax. */
  readonly search: string;
  /** `.index("main,audit")` as its names; absent when there is no `.index`. */
  readonly indexes?: readonly string[];
  readonly rollup: { readonly method: string; readonly measure?: string };
  /** `.by("@a,@b")` as its facets; empty when there is no `.by`. */
  readonly groupBy: readonly string[];
  readonly window: Duration;
  readonly comparator: Comparator;
  readonly threshold: number;
}

/**
 * SLO alerts (type `slo alert`, PF-DD-Q-11, PF-DD-Q-12):
 * `error_budget("<slo id>").over("7d") > 50` (percent of the budget consumed) and
 * `burn_rate("<slo id>").over("30d").long_window("1h").short_window("5m") > 14.4`.
 */
export type SloQuery =
  | {
      readonly kind: "slo";
      readonly measure: "error_budget";
      readonly sloId: string;
      readonly timeframe: Duration;
      readonly comparator: Comparator;
      readonly threshold: number;
    }
  | {
      readonly kind: "slo";
      readonly measure: "burn_rate";
      readonly sloId: string;
      readonly timeframe: Duration;
      readonly longWindow: Duration;
      readonly shortWindow: Duration;
      readonly comparator: Comparator;
      readonly threshold: number;
    };

/** A composite's condition over monitor IDs: `12345 && 67890`, `1 || !2`, `(1 || 2) && 3` (PF-DD-Q-13). */
export type CompositeExpr =
  | { readonly kind: "monitor"; readonly id: string }
  | { readonly kind: "not"; readonly operand: CompositeExpr }
  | { readonly kind: "and" | "or"; readonly left: CompositeExpr; readonly right: CompositeExpr }
  | { readonly kind: "group"; readonly inner: CompositeExpr };

/** The condition with each monitor ID replaced by `map`'s. */
export function mapCompositeIds(expr: CompositeExpr, map: (id: string) => string): CompositeExpr {
  switch (expr.kind) {
    case "monitor":
      return { kind: "monitor", id: map(expr.id) };
    case "not":
      return { kind: "not", operand: mapCompositeIds(expr.operand, map) };
    case "and":
    case "or":
      return { kind: expr.kind, left: mapCompositeIds(expr.left, map), right: mapCompositeIds(expr.right, map) };
    case "group":
      return { kind: "group", inner: mapCompositeIds(expr.inner, map) };
  }
}

export interface CompositeQuery {
  readonly kind: "composite";
  readonly expression: CompositeExpr;
}

/** Any monitor query Lookout models. */
export type MonitorQuery = MetricQuery | ServiceCheckQuery | SearchQuery | SloQuery | CompositeQuery;

/** A query of a form that carries its comparison and threshold in the query string. */
export type ComparingQuery = Extract<MonitorQuery, { comparator: Comparator }>;

/** Metric, search and SLO queries end in their comparison; service checks and composites compare in options. */
export function comparesInQuery(query: MonitorQuery): query is ComparingQuery {
  return query.kind === "metric" || query.kind === "search" || query.kind === "slo";
}

/** The Datadog monitor `type` values a query of this form may carry (PF-DD-Q-2). */
export function monitorTypesOf(query: MonitorQuery): readonly string[] {
  switch (query.kind) {
    case "metric":
      return ["query alert", "metric alert"];
    case "service-check":
      return ["service check"];
    case "slo":
      return ["slo alert"];
    case "composite":
      return ["composite"];
    case "search":
      return [SEARCH_MONITOR_TYPES[query.source]];
  }
}

const SEARCH_MONITOR_TYPES: Readonly<Record<SearchSource, string>> = {
  logs: "log alert",
  rum: "rum alert",
  events: "event-v2 alert",
  "trace-analytics": "trace-analytics alert",
  audits: "audit alert",
  "ci-pipelines": "ci-pipelines alert",
  "ci-tests": "ci-tests alert",
  "error-tracking-rum": "error-tracking alert",
  "error-tracking-traces": "error-tracking alert",
};

/** The expressions directly under one: operands, the grouped expression, a call's expression arguments. */
export function childrenOf(expr: Expr): Expr[] {
  switch (expr.kind) {
    case "series":
    case "number":
      return [];
    case "binary":
      return [expr.left, expr.right];
    case "negate":
      return [expr.operand];
    case "group":
      return [expr.inner];
    case "call":
      return expr.args.flatMap((a) => (a.kind === "expr" ? [a.value] : []));
  }
}

/**
 * The percentile a query reduces by, 95 for p95: a space aggregation `p95:` across tags
 * (PF-DD-Q-6) or a search rollup `pc95` (PF-DD-Q-10); undefined for any other form.
 */
export function percentileOf(q: MonitorQuery): number | undefined {
  const written =
    q.kind === "metric" ? seriesOf(q.expression).map((s) => /^p(\d+(?:\.\d+)?)$/.exec(s.space ?? "")?.[1]).find((x) => x !== undefined)
    : q.kind === "search" ? /^pc(\d+(?:\.\d+)?)$/.exec(q.rollup.method)?.[1]
    : undefined;
  return written === undefined ? undefined : Number(written);
}

/** Every metric series an expression reads, in the order written. */
export function seriesOf(expr: Expr): Series[] {
  return expr.kind === "series" ? [expr] : childrenOf(expr).flatMap(seriesOf);
}
