/**
 * Signals → Datadog monitor queries, as query models (`queries/`). Every named signal of
 * `signals.ts` has one compiler here (the `Record` type makes a missing one a compile
 * error). A threshold is written once in the catalog: the query's comparison and the
 * monitor's thresholds are both produced here from the same converted numbers, in the
 * unit the compiled query yields (`thresholdUnit`), so they always agree.
 */
import {
  convertUnit,
  converts,
  durationOf,
  format,
  formatNumber as formatQueryNumber,
  formatWindow,
  parseExact,
  thresholdUnit,
  type Argument,
  type Comparator,
  type Duration,
  type Evaluation,
  type Expr,
  type MetricQuery,
  type MonitorQuery,
  type QueryUnit,
  type Series,
  type SpaceAggregation,
  type TimeWindow,
} from "../queries";
import type { Alert, Quantity, Service } from "./model";
import { signalSpec, type SignalName } from "./signals";

/** Datadog's own thresholds object (strings, as the provider takes them). */
export interface MonitorThresholdValues {
  readonly critical: string;
  readonly warning?: string;
  readonly criticalRecovery?: string;
}

export interface CompiledAlert {
  /** Datadog monitor type: `query alert`, `rum alert`, … */
  readonly type: string;
  /** The query as a model; undefined only for a raw `query` of a form the model does not read. */
  readonly model: MonitorQuery | undefined;
  /** The full query, comparison included: `format(model)`, or the raw query as written. */
  readonly query: string;
  /** The unit of the query's numbers (its thresholds'). */
  readonly unit: QueryUnit;
  readonly thresholds: MonitorThresholdValues;
  /** Anomaly monitors: the trigger and recovery windows. */
  readonly thresholdWindows?: { readonly triggerWindow: string; readonly recoveryWindow: string };
  /** Counts, sparse signals and scheduled alerts must not wait for a full window of data (PF-DD-MON-5). */
  readonly requireFullWindow: boolean;
  /** Whether Datadog's no-data options apply to this monitor type. */
  readonly supportsNoData: boolean;
}

/** One number as Datadog reads it, without float noise: 0.30000000000000004 → 0.3. */
export function roundNumber(value: number): number {
  return Number(value.toPrecision(12));
}

/**
 * One number as Datadog reads it: no float noise (0.30000000000000004 → 0.3), never in
 * exponent notation (2.5e9 → 2500000000, 1e-7 → 0.0000001).
 */
export function formatNumber(value: number): string {
  return formatQueryNumber(roundNumber(value));
}

/**
 * An HTTP route as the APM `resource_name` tag of trace metrics:
 * `POST /api/charge` → `resource_name:post_/api/charge`. Datadog's tag normalization:
 * lower-case; any run of characters a tag cannot hold (space, `{`, `?` …) becomes one
 * underscore; no trailing underscore.
 */
export function routeTag(route: string): string {
  const value = route
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_\-:./]+/g, "_")
    .replace(/_+/g, "_")
    .replace(/_$/, "");
  return `resource_name:${value}`;
}

/** `env:prod`, `service:payments`, …: the scope terms every signal query of a service shares. */
export function scopeTerms(environment: string, service: Service, extra: readonly string[] = []): string[] {
  return [`env:${environment}`, `service:${service.name}`, ...extra];
}

/** `{env:prod,service:payments,...}`: the scope as the query writes it. */
export function scope(environment: string, service: Service, extra: readonly string[] = []): string {
  return `{${scopeTerms(environment, service, extra).join(",")}}`;
}

/**
 * A monitor window's span in Datadog's documented grammar (PF-DD-MON-4): `#m` (1–10080),
 * `#h` (1–168), `1d` or `1w`. 3 days is `72h`, never `3d`.
 */
function windowSpan(seconds: number): Duration {
  if (seconds === 86_400) return { amount: 1, unit: "d" };
  if (seconds === 604_800) return { amount: 1, unit: "w" };
  if (seconds > 0 && seconds % 3_600 === 0 && seconds <= 168 * 3_600) return { amount: seconds / 3_600, unit: "h" };
  if (seconds > 0 && seconds % 60 === 0 && seconds <= 10_080 * 60) return { amount: seconds / 60, unit: "m" };
  throw new Error(`a monitor window must be whole minutes up to 1w, found ${seconds}s`);
}

/** `last_5m`: the past `seconds`, rolling (PF-DD-MON-4). */
export function lastSpan(seconds: number): TimeWindow {
  return { kind: "last", duration: windowSpan(seconds) };
}

/** A monitor window as the query writes it: `last_5m`, `last_72h`. */
export function lastWindow(seconds: number): string {
  return formatWindow(lastSpan(seconds));
}

/** A forecast's horizon, `next_1d`, in the same grammar as a window. */
export function nextWindow(seconds: number): string {
  return formatWindow({ kind: "next", duration: windowSpan(seconds) });
}

/** The largest of Datadog's usual rollups (seconds) that fits `fraction` of a window at least once. */
function rollupWithin(windowSeconds: number, fraction: number): number {
  const fits = [60, 300, 600, 900, 1_800, 3_600, 7_200, 14_400].filter((s) => s <= windowSeconds * fraction);
  return fits.length > 0 ? fits[fits.length - 1] : 60;
}

/**
 * A catalog threshold → the number the query compares with, in the query's unit:
 * percentages stay percentages when the query yields one (`* 100`), become fractions
 * when it yields 0–1; durations become the query's unit (APM: seconds, RUM:
 * nanoseconds, ms metrics: ms); rates per hour become a count in the alert's window.
 * On a metric of undeclared unit a percentage is taken as written and a duration in
 * seconds, Datadog's base unit of time.
 */
export function queryValue(alert: Alert, quantity: Quantity, unit: QueryUnit): number {
  switch (quantity.kind) {
    case "percent":
      return converts("percent", unit) ? convertUnit(quantity.value, "percent", unit) : quantity.value;
    case "duration":
      return convertUnit(quantity.value, "milliseconds", converts("milliseconds", unit) ? unit : "seconds");
    case "per-hour":
      return (quantity.value * alert.windowSeconds) / 3_600;
    case "number":
      return quantity.value;
  }
}

interface Context {
  readonly environment: string;
  readonly service: Service;
  readonly alert: Alert;
  /** The scope terms with the alert's route and filters. */
  readonly scope: readonly string[];
  readonly window: TimeWindow;
  readonly comparator: Comparator;
  readonly threshold: number;
}

interface Built {
  readonly type: string;
  readonly model: MonitorQuery | undefined;
  readonly query: string;
  readonly thresholdWindows?: CompiledAlert["thresholdWindows"];
}

type Compiler = (ctx: Context) => Pick<Built, "type" | "model" | "thresholdWindows"> & { readonly raw?: string };

const metric = (ctx: Context, role: string): string => ctx.alert.metrics[role];
const seriesOf = (space: SpaceAggregation, name: string, ctx: Context, counted = false): Series => ({
  kind: "series",
  space,
  metric: name,
  scope: ctx.scope,
  groupBy: [],
  methods: counted ? [{ kind: "as_count" }] : [],
});
const countOf = (ctx: Context, name: string): Series => seriesOf("sum", name, ctx, true);
const window = (aggregation: Evaluation["aggregation"], w: TimeWindow): Evaluation => ({ kind: "window", aggregation, window: w });
const number = (value: number): Expr => ({ kind: "number", value });

/** A metric monitor: `<evaluation>:<expression> <comparator> <threshold>`. */
const metricAlert = (ctx: Context, evaluation: Evaluation, expression: Expr): Pick<Built, "type" | "model"> => {
  const model: MetricQuery = { kind: "metric", evaluation, expression, comparator: ctx.comparator, threshold: ctx.threshold };
  return { type: "query alert", model };
};

/** `a / b * 100`: a share of two counts, in %. */
const percentOf = (part: Expr, whole: Expr): Expr => ({
  kind: "binary",
  op: "*",
  left: { kind: "binary", op: "/", left: part, right: whole },
  right: number(100),
});

/** `sum(last_5m):a / b * 100 > 1`: a share of two counts, in %. */
const share = (part: string, whole: string): Compiler => (ctx) =>
  metricAlert(ctx, window("sum", ctx.window), percentOf(countOf(ctx, metric(ctx, part)), countOf(ctx, metric(ctx, whole))));

/** A gauge aggregated over the window. */
const gaugeOf = (role: string, aggregation: "avg" | "min" | "max"): Compiler => (ctx) =>
  metricAlert(ctx, window(aggregation, ctx.window), seriesOf(aggregation, metric(ctx, role), ctx));

/** A count summed over the window (rates per hour are converted into the window). */
const total = (role: string): Compiler => (ctx) => metricAlert(ctx, window("sum", ctx.window), countOf(ctx, metric(ctx, role)));

/** `pct_change(sum(last_1h),last_1h):… < -50`: the change against an earlier period, in %. */
const changeOf = (series: (ctx: Context) => Series, aggregation: "sum" | "avg", defaultShift: number): Compiler => (ctx) =>
  metricAlert(
    ctx,
    { kind: "change", change: "pct_change", aggregation, window: ctx.window, shift: lastSpan(ctx.alert.compareToSeconds ?? defaultShift) },
    series(ctx),
  );
const change = (role: string, kind: "count" | "gauge"): Compiler =>
  kind === "count"
    ? changeOf((ctx) => countOf(ctx, metric(ctx, role)), "sum", 3_600)
    : changeOf((ctx) => seriesOf("avg", metric(ctx, role), ctx), "avg", 3_600);

const apm = (ctx: Context, suffix: string): string => `trace.${ctx.service.apmOperation}${suffix}`;

const rumQuery: Compiler = (ctx) => {
  const spec = signalSpec(ctx.alert.signal);
  const search = [`@type:view`, `service:${ctx.service.name}`, `env:${ctx.environment}`];
  if (ctx.alert.page) search.push(`@view.url_path:${ctx.alert.page}`);
  for (const f of ctx.alert.filter) search.push(f);
  const rollup = `pc${(ctx.alert.percentile ?? "p75").slice(1)}`;
  return {
    type: "rum alert",
    model: {
      kind: "search",
      source: "rum",
      search: search.join(" "),
      rollup: { method: rollup, ...(spec.rumMeasure ? { measure: spec.rumMeasure } : {}) },
      groupBy: [],
      window: durationOf(ctx.alert.windowSeconds),
      comparator: ctx.comparator,
      threshold: ctx.threshold,
    },
  };
};

const keyword = (key: string, value: string | number): Argument => ({
  kind: "keyword",
  key,
  value: typeof value === "number" ? { kind: "number", value } : { kind: "string", value },
});

const COMPILERS: Readonly<Record<SignalName, Compiler>> = {
  "http.error-rate": (ctx) =>
    metricAlert(ctx, window("sum", ctx.window), percentOf(countOf(ctx, apm(ctx, ".errors")), countOf(ctx, apm(ctx, ".hits")))),
  "http.latency": (ctx) =>
    metricAlert(ctx, window("percentile", ctx.window), seriesOf(ctx.alert.percentile as SpaceAggregation, apm(ctx, ""), ctx)),
  "http.throughput-drop": changeOf((ctx) => countOf(ctx, apm(ctx, ".hits")), "sum", 604_800),
  "rum.lcp": rumQuery,
  "rum.fid": rumQuery,
  "rum.inp": rumQuery,
  "rum.cls": rumQuery,
  "rum.ttfb": rumQuery,
  "rum.fcp": rumQuery,
  "rum.page-load": rumQuery,
  "payments.success-rate": share("succeeded", "attempted"),
  "webhooks.failure-rate": share("failed", "received"),
  "revenue.change": change("revenue", "count"),
  "conversion.change": change("rate", "gauge"),
  "inventory.negative": gaugeOf("remaining", "min"),
  "inventory.low": gaugeOf("remaining", "min"),
  // PF-DD-MON-2: `<min|max>(<window>):forecast(<query>, '<algorithm>', <deviations>, interval=<s>[, history=…][, model=…]) <=|>= <n>`,
  // min with <= for a bound below, max with >= above; a rollup of a 24th of the horizon.
  "inventory.sellout-forecast": (ctx) => {
    const horizon = ctx.alert.horizonSeconds ?? 86_400;
    const args: Argument[] = [
      { kind: "expr", value: seriesOf("min", metric(ctx, "remaining"), ctx) },
      { kind: "string", value: "linear" },
      { kind: "expr", value: number(1) },
      keyword("interval", rollupWithin(horizon, 1 / 24)),
      keyword("history", "1w"),
      keyword("model", "default"),
    ];
    const next: TimeWindow = { kind: "next", duration: windowSpan(horizon) };
    return metricAlert(ctx, window(ctx.alert.comparison === "below" ? "min" : "max", next), { kind: "call", name: "forecast", args });
  },
  // PF-DD-MON-3: `avg(<query_window>):anomalies(<query>, '<algorithm>', <deviations>, direction=…, alert_window=…,
  // interval=<s>, count_default_zero=…, seasonality=…) >= <fraction>`; the query window about 5× the alert window
  // (at most 1w), the rollup at most a fifth of the alert window.
  "inventory.velocity-anomaly": (ctx) => {
    const alertWindow = lastWindow(ctx.alert.windowSeconds);
    const args: Argument[] = [
      { kind: "expr", value: countOf(ctx, metric(ctx, "sold")) },
      { kind: "string", value: "agile" },
      { kind: "expr", value: number(ctx.alert.deviations ?? 2) },
      keyword("direction", ctx.alert.comparison),
      keyword("alert_window", alertWindow),
      keyword("interval", rollupWithin(ctx.alert.windowSeconds, 1 / 5)),
      keyword("count_default_zero", "true"),
      keyword("seasonality", ctx.alert.seasonality ?? "weekly"),
    ];
    const history = lastSpan(Math.min(5 * ctx.alert.windowSeconds, 604_800));
    return {
      ...metricAlert(ctx, window("avg", history), { kind: "call", name: "anomalies", args }),
      thresholdWindows: { triggerWindow: alertWindow, recoveryWindow: alertWindow },
    };
  },
  "sms.delivery-rate": share("delivered", "sent"),
  "email.delivery-rate": share("delivered", "sent"),
  "email.bounce-rate": share("bounced", "sent"),
  "db.query-time": gaugeOf("time", "avg"),
  "db.connection-errors": total("errors"),
  "auth.failed-logins": total("failures"),
  "storage.usage": gaugeOf("used", "max"),
  "cdn.cache-hit-ratio": share("hits", "requests"),
  "web.bounce-rate": share("bounces", "sessions"),
  "api-cost.change": change("cost", "count"),
  ratio: share("numerator", "denominator"),
  metric: (ctx) => {
    const aggregation = ctx.alert.aggregation ?? "avg";
    const series = aggregation === "sum" ? countOf(ctx, metric(ctx, "value")) : seriesOf(aggregation, metric(ctx, "value"), ctx);
    return metricAlert(ctx, window(aggregation, ctx.window), series);
  },
  // The escape hatch: the query as written, read as a model when it is one Lookout writes back the same.
  query: (ctx) => {
    const raw = `${ctx.alert.query} ${ctx.comparator} ${formatQueryNumber(ctx.threshold)}`;
    return { type: ctx.alert.monitorType ?? "query alert", model: readable(raw), raw };
  },
};

function readable(query: string): MonitorQuery | undefined {
  try {
    return parseExact(query);
  } catch {
    return undefined;
  }
}

/**
 * The comparison operator: anomaly monitors alert at or above their share of the window
 * (PF-DD-MON-3); forecasts at or beyond their bound, `<=` below and `>=` above (PF-DD-MON-2).
 */
function operator(alert: Alert): Comparator {
  const form = signalSpec(alert.signal).form;
  if (form === "anomaly") return ">=";
  if (form === "forecast") return alert.comparison === "above" ? ">=" : "<=";
  return alert.comparison === "above" ? ">" : "<";
}

/** The alert's query with a given comparison: its type, model, text and unit. */
function buildQuery(environment: string, service: Service, alert: Alert, condition: Pick<Context, "comparator" | "threshold">): Built & { readonly unit: QueryUnit } {
  const extra = [...(alert.route ? [routeTag(alert.route)] : []), ...alert.filter];
  const ctx: Context = {
    environment,
    service,
    alert,
    scope: scopeTerms(environment, service, extra),
    // A scheduled alert reads the day so far: Datadog's cumulative day window (PF-DD-MON-7).
    window: alert.schedule ? { kind: "current", duration: { amount: 1, unit: "d" } } : lastSpan(alert.windowSeconds),
    ...condition,
  };
  const { raw, ...built } = COMPILERS[alert.signal](ctx);
  const unit = built.model ? thresholdUnit(built.model, signalSpec(alert.signal).metricUnit) : "metric";
  return { ...built, query: built.model ? format(built.model) : (raw ?? ""), unit };
}

const COMPILED = new WeakMap<Alert, Map<string, CompiledAlert>>();

/** One alert → its Datadog monitor type, query and thresholds, all from the same numbers; compiled once per alert. */
export function compileAlert(environment: string, service: Service, alert: Alert): CompiledAlert {
  const key = `${environment}\u0000${service.name}\u0000${service.apmOperation}`;
  const known = COMPILED.get(alert)?.get(key);
  if (known) return known;
  const compiled = compile(environment, service, alert);
  const byKey = COMPILED.get(alert) ?? new Map<string, CompiledAlert>();
  byKey.set(key, compiled);
  COMPILED.set(alert, byKey);
  return compiled;
}

function compile(environment: string, service: Service, alert: Alert): CompiledAlert {
  const spec = signalSpec(alert.signal);
  // The unit follows from the query's shape, not its numbers: read it once with a stand-in threshold.
  const unit = buildQuery(environment, service, alert, { comparator: operator(alert), threshold: 0 }).unit;
  const value = (quantity: Quantity) => roundNumber(queryValue(alert, quantity, unit));
  const critical = value(alert.critical);
  const built = buildQuery(environment, service, alert, { comparator: operator(alert), threshold: critical });
  const usesCounts = Object.values(spec.metrics).some((m) => m.kind === "count") || spec.family === "http";
  return {
    ...built,
    thresholds: {
      critical: formatQueryNumber(critical),
      ...(alert.warning ? { warning: formatQueryNumber(value(alert.warning)) } : {}),
      ...(alert.recovery
        ? { criticalRecovery: formatQueryNumber(value(alert.recovery)) }
        : spec.form === "anomaly" ? { criticalRecovery: "0" } : {}),
    },
    // Sparse metrics must not wait for a full window (PF-DD-MON-5); a custom schedule takes none.
    requireFullWindow: !usesCounts && !alert.sparse && !alert.schedule && built.type === "query alert",
    supportsNoData: built.type === "query alert",
  };
}
