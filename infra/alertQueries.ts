/**
 * Signals → Datadog monitor queries. Every named signal of `catalog/signals.ts` has one
 * compiler here (the `Record` type makes a missing one a compile error). A threshold is
 * written once in the catalog: the query's comparison and the monitor's thresholds are
 * both produced here from the same converted numbers, so they always agree.
 */
import type { Alert, Quantity, Service } from "./catalog/model";
import { signalSpec, type SignalName } from "./catalog/signals";
import { formatSeconds } from "./catalog/units";

/** Datadog's own thresholds object (strings, as the provider takes them). */
export interface MonitorThresholdValues {
  readonly critical: string;
  readonly warning?: string;
  readonly criticalRecovery?: string;
}

export interface CompiledAlert {
  /** Datadog monitor type: `query alert`, `rum alert`, … */
  readonly type: string;
  /** The full query, comparison included. */
  readonly query: string;
  readonly thresholds: MonitorThresholdValues;
  /** Anomaly monitors: the trigger and recovery windows. */
  readonly thresholdWindows?: { readonly triggerWindow: string; readonly recoveryWindow: string };
  /** Counts, sparse signals and scheduled alerts must not wait for a full window of data (PF-DD-MON-5). */
  readonly requireFullWindow: boolean;
  /** Whether Datadog's no-data options apply to this monitor type. */
  readonly supportsNoData: boolean;
}

/**
 * One number as Datadog reads it: no float noise (0.30000000000000004 → 0.3), never in
 * exponent notation (2.5e9 → 2500000000, 1e-7 → 0.0000001).
 */
export function formatNumber(value: number): string {
  const rounded = Number(value.toPrecision(12));
  const text = String(rounded);
  if (!/e/i.test(text)) return text;
  return rounded.toFixed(20).replace(/0+$/, "").replace(/\.$/, "");
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

/** `{env:prod,service:payments,...}`: the scope every signal query of a service shares. */
export function scope(environment: string, service: Service, extra: readonly string[] = []): string {
  return `{${[`env:${environment}`, `service:${service.name}`, ...extra].join(",")}}`;
}

/**
 * A monitor window in Datadog's documented grammar (PF-DD-MON-4): `last_#m` (1–10080),
 * `last_#h` (1–168), `last_1d` or `last_1w`. 3 days is `last_72h`, never `last_3d`.
 */
export function lastWindow(seconds: number): string {
  return `last_${windowUnit(seconds)}`;
}

function windowUnit(seconds: number): string {
  if (seconds === 86_400) return "1d";
  if (seconds === 604_800) return "1w";
  if (seconds > 0 && seconds % 3_600 === 0 && seconds <= 168 * 3_600) return `${seconds / 3_600}h`;
  if (seconds > 0 && seconds % 60 === 0 && seconds <= 10_080 * 60) return `${seconds / 60}m`;
  throw new Error(`a monitor window must be whole minutes up to 1w, found ${seconds}s`);
}

/** A forecast's horizon, `next_1d`, in the same grammar as a window. */
export function nextWindow(seconds: number): string {
  return `next_${windowUnit(seconds)}`;
}

/** The largest of Datadog's usual rollups (seconds) that fits `fraction` of a window at least once. */
function rollupWithin(windowSeconds: number, fraction: number): number {
  const fits = [60, 300, 600, 900, 1_800, 3_600, 7_200, 14_400].filter((s) => s <= windowSeconds * fraction);
  return fits.length > 0 ? fits[fits.length - 1] : 60;
}

/**
 * A catalog threshold → the number the query compares with. Percentages stay
 * percentages when the query yields one (`* 100`), become ratios when the metric is
 * 0–1; durations become the query's unit (APM: seconds, RUM: nanoseconds, ms metrics:
 * ms); rates per hour become a count in the alert's window.
 */
export function queryValue(alert: Alert, quantity: Quantity): number {
  const spec = signalSpec(alert.signal);
  switch (quantity.kind) {
    case "percent":
      return spec.form === "anomaly" || spec.scale === "ratio" ? quantity.value / 100 : quantity.value;
    case "duration":
      if (spec.family === "rum") return quantity.value * 1_000_000;
      if (spec.scale === "ms") return quantity.value;
      return quantity.value / 1000;
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
  /** The scope with the alert's route and filters. */
  readonly scope: string;
  readonly window: string;
  /** The comparison and critical threshold, e.g. `> 1`. */
  readonly condition: string;
}

type Compiler = (ctx: Context) => Pick<CompiledAlert, "type" | "query"> & Partial<Pick<CompiledAlert, "thresholdWindows">>;

const metric = (ctx: Context, role: string): string => ctx.alert.metrics[role];
const countOf = (ctx: Context, name: string): string => `sum:${name}${ctx.scope}.as_count()`;

/** `sum(last_5m):a / b * 100 > 1`: a share of two counts, in %. */
const share = (part: string, whole: string): Compiler => (ctx) => ({
  type: "query alert",
  query: `sum(${ctx.window}):${countOf(ctx, metric(ctx, part))} / ${countOf(ctx, metric(ctx, whole))} * 100 ${ctx.condition}`,
});

/** A gauge aggregated over the window. */
const gaugeOf = (role: string, aggregation: "avg" | "min" | "max"): Compiler => (ctx) => ({
  type: "query alert",
  query: `${aggregation}(${ctx.window}):${aggregation}:${metric(ctx, role)}${ctx.scope} ${ctx.condition}`,
});

/** A count summed over the window (rates per hour are converted into the window). */
const total = (role: string): Compiler => (ctx) => ({
  type: "query alert",
  query: `sum(${ctx.window}):${countOf(ctx, metric(ctx, role))} ${ctx.condition}`,
});

/** `pct_change(sum(last_1h),last_1h):… < -50`: the change against an earlier period, in %. */
const change = (role: string, kind: "count" | "gauge"): Compiler => (ctx) => {
  const shift = lastWindow(ctx.alert.compareToSeconds ?? 3_600);
  const series = kind === "count" ? countOf(ctx, metric(ctx, role)) : `avg:${metric(ctx, role)}${ctx.scope}`;
  const aggregation = kind === "count" ? "sum" : "avg";
  return { type: "query alert", query: `pct_change(${aggregation}(${ctx.window}),${shift}):${series} ${ctx.condition}` };
};

const apm = (ctx: Context, suffix: string): string => `trace.${ctx.service.apmOperation}${suffix}`;

const rumQuery = (ctx: Context): Pick<CompiledAlert, "type" | "query"> => {
  const spec = signalSpec(ctx.alert.signal);
  const search = [`@type:view`, `service:${ctx.service.name}`, `env:${ctx.environment}`];
  if (ctx.alert.page) search.push(`@view.url_path:${ctx.alert.page}`);
  for (const f of ctx.alert.filter) search.push(f);
  const rollup = `pc${(ctx.alert.percentile ?? "p75").slice(1)}`;
  return {
    type: "rum alert",
    query: `rum("${search.join(" ")}").rollup("${rollup}", "${spec.rumMeasure}").last("${formatSeconds(ctx.alert.windowSeconds)}") ${ctx.condition}`,
  };
};

const COMPILERS: Readonly<Record<SignalName, Compiler>> = {
  "http.error-rate": (ctx) => ({
    type: "query alert",
    query: `sum(${ctx.window}):sum:${apm(ctx, ".errors")}${ctx.scope}.as_count() / sum:${apm(ctx, ".hits")}${ctx.scope}.as_count() * 100 ${ctx.condition}`,
  }),
  "http.latency": (ctx) => ({
    type: "query alert",
    query: `percentile(${ctx.window}):${ctx.alert.percentile}:${apm(ctx, "")}${ctx.scope} ${ctx.condition}`,
  }),
  "http.throughput-drop": (ctx) => ({
    type: "query alert",
    query: `pct_change(sum(${ctx.window}),${lastWindow(ctx.alert.compareToSeconds ?? 604_800)}):sum:${apm(ctx, ".hits")}${ctx.scope}.as_count() ${ctx.condition}`,
  }),
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
    const aggregation = ctx.alert.comparison === "below" ? "min" : "max";
    const args = [`min:${metric(ctx, "remaining")}${ctx.scope}`, "'linear'", "1", `interval=${rollupWithin(horizon, 1 / 24)}`, "history='1w'", "model='default'"];
    return { type: "query alert", query: `${aggregation}(${nextWindow(horizon)}):forecast(${args.join(", ")}) ${ctx.condition}` };
  },
  // PF-DD-MON-3: `avg(<query_window>):anomalies(<query>, '<algorithm>', <deviations>, direction=…, alert_window=…,
  // interval=<s>, count_default_zero=…, seasonality=…) >= <fraction>`; the query window about 5× the alert window
  // (at most 1w), the rollup at most a fifth of the alert window.
  "inventory.velocity-anomaly": (ctx) => {
    const alertWindow = lastWindow(ctx.alert.windowSeconds);
    const history = lastWindow(Math.min(5 * ctx.alert.windowSeconds, 604_800));
    const args = [
      countOf(ctx, metric(ctx, "sold")),
      "'agile'",
      String(ctx.alert.deviations ?? 2),
      `direction='${ctx.alert.comparison}'`,
      `alert_window='${alertWindow}'`,
      `interval=${rollupWithin(ctx.alert.windowSeconds, 1 / 5)}`,
      "count_default_zero='true'",
      `seasonality='${ctx.alert.seasonality ?? "weekly"}'`,
    ];
    return {
      type: "query alert",
      query: `avg(${history}):anomalies(${args.join(", ")}) ${ctx.condition}`,
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
    const series = aggregation === "sum" ? countOf(ctx, metric(ctx, "value")) : `${aggregation}:${metric(ctx, "value")}${ctx.scope}`;
    return { type: "query alert", query: `${aggregation}(${ctx.window}):${series} ${ctx.condition}` };
  },
  query: (ctx) => ({ type: ctx.alert.monitorType ?? "query alert", query: `${ctx.alert.query} ${ctx.condition}` }),
};

/**
 * The comparison operator: anomaly monitors alert at or above their share of the window
 * (PF-DD-MON-3); forecasts at or beyond their bound, `<=` below and `>=` above (PF-DD-MON-2).
 */
function operator(alert: Alert): string {
  const form = signalSpec(alert.signal).form;
  if (form === "anomaly") return ">=";
  if (form === "forecast") return alert.comparison === "above" ? ">=" : "<=";
  return alert.comparison === "above" ? ">" : "<";
}

/** One alert → its Datadog monitor type, query and thresholds, all from the same numbers. */
export function compileAlert(environment: string, service: Service, alert: Alert): CompiledAlert {
  const spec = signalSpec(alert.signal);
  const critical = formatNumber(queryValue(alert, alert.critical));
  const extra = [...(alert.route ? [routeTag(alert.route)] : []), ...alert.filter];
  const ctx: Context = {
    environment,
    service,
    alert,
    scope: scope(environment, service, extra),
    // A scheduled alert reads the day so far: Datadog's cumulative day window (PF-DD-MON-7).
    window: alert.schedule ? "current_1d" : lastWindow(alert.windowSeconds),
    condition: `${operator(alert)} ${critical}`,
  };
  const compiled = COMPILERS[alert.signal](ctx);
  const usesCounts = Object.values(spec.metrics).some((m) => m.kind === "count") || spec.family === "http";
  return {
    ...compiled,
    thresholds: {
      critical,
      ...(alert.warning ? { warning: formatNumber(queryValue(alert, alert.warning)) } : {}),
      ...(alert.recovery
        ? { criticalRecovery: formatNumber(queryValue(alert, alert.recovery)) }
        : spec.form === "anomaly" ? { criticalRecovery: "0" } : {}),
    },
    // Sparse metrics must not wait for a full window (PF-DD-MON-5); a custom schedule takes none.
    requireFullWindow: !usesCounts && !alert.sparse && !alert.schedule && compiled.type === "query alert",
    supportsNoData: compiled.type === "query alert",
  };
}

const COMPARISON_WORDS = { above: "above", below: "below" } as const;

/** "p95 latency of POST /api/charge above 1s over 5m (warning at 500ms)": the condition in words. */
export function describeAlert(alert: Alert): string {
  const spec = signalSpec(alert.signal);
  const subject = [
    alert.percentile && (spec.family === "http" || spec.family === "rum") ? `${alert.percentile} ` : "",
    alert.signal,
    alert.route ? ` of ${alert.route}` : "",
    alert.page ? ` on ${alert.page}` : "",
    alert.filter.length > 0 ? ` where ${alert.filter.join(", ")}` : "",
  ].join("");
  if (spec.form === "anomaly") {
    const band = `${subject} ${alert.comparison} its expected band (${alert.deviations ?? 2} deviations)`;
    return `${band} for ${alert.critical.text} of ${formatSeconds(alert.windowSeconds)}${alert.warning ? ` (warning at ${alert.warning.text})` : ""}`;
  }
  const form =
    spec.form === "change" ? ` against ${formatSeconds(alert.compareToSeconds ?? 3_600)} earlier` :
    spec.form === "forecast" ? ` forecast over the next ${formatSeconds(alert.horizonSeconds ?? 86_400)}` : "";
  const comparison = spec.form === "forecast" ? `at or ${COMPARISON_WORDS[alert.comparison]}` : COMPARISON_WORDS[alert.comparison];
  const over = alert.schedule ? `today by ${alert.schedule.at} (${alert.schedule.timezone})` : `over ${formatSeconds(alert.windowSeconds)}`;
  const parts = [`${subject}${form} ${comparison} ${alert.critical.text} ${over}`];
  if (alert.warning) parts.push(`(warning at ${alert.warning.text})`);
  return parts.join(" ");
}
