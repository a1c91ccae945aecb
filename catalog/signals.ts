/**
 * The signals an alert can name: what each one measures, the unit its thresholds are
 * written in, the direction that is bad, the detection form (threshold, change,
 * anomaly, forecast) and the custom metrics the catalog must name for it.
 *
 * This is the catalog's half of a signal (validation). `alertQueries.ts` beside it holds
 * the other half (the query model each one compiles to), keyed by the same names, so a
 * signal cannot exist on one side only.
 */
import type { DeclaredMetricUnit } from "../queries/units";

/** What a threshold is written in: `1%`, `500ms`, `50/h`, or a plain number (`0.1`, `10`). */
export type QuantityKind = "percent" | "duration" | "per-hour" | "number";

export type Comparison = "above" | "below";

/**
 * How the monitor detects: a static threshold; a change against an earlier period
 * (`pct_change`); Datadog's anomaly bounds; a forecast crossing a bound.
 */
export type SignalForm = "threshold" | "change" | "anomaly" | "forecast";

export type SignalFamily = "http" | "rum" | "business" | "dependency" | "generic";

export interface MetricRole {
  /** `count`: summed and `.as_count()`; `gauge`: averaged (or min/max by direction). */
  readonly kind: "count" | "gauge";
  readonly description: string;
}

export interface SignalSpec {
  readonly family: SignalFamily;
  readonly description: string;
  readonly quantity: QuantityKind;
  readonly comparison: Comparison;
  readonly form: SignalForm;
  /** Custom metrics the alert must name, by role (business and dependency signals). */
  readonly metrics: Readonly<Record<string, MetricRole>>;
  /** Percentiles (http.latency; RUM vitals default to p75, Google's web-vitals convention). */
  readonly percentile?: "required" | "optional";
  /** `route` (HTTP resource, e.g. `POST /api/charge`) narrows an HTTP signal to one endpoint. */
  readonly route?: boolean;
  /** `page` (URL path) narrows a RUM signal to one page. */
  readonly page?: boolean;
  /** RUM view attribute measured, in nanoseconds for durations. */
  readonly rumMeasure?: string;
  /** Default `compareTo` for change signals (the earlier period). */
  readonly compareTo?: string;
  /**
   * The unit of the gauge the query reads, which the query itself cannot tell (it is the
   * metric's metadata): a gauge that reports 0–1 while thresholds are written in %, a
   * metric in milliseconds. Every other unit follows from the compiled query (queries/units.ts).
   */
  readonly metricUnit?: DeclaredMetricUnit;
  /** No data means the thing is down (throughput): alert on missing data. */
  readonly noDataIsOutage?: boolean;
}

const count = (description: string): MetricRole => ({ kind: "count", description });
const gauge = (description: string): MetricRole => ({ kind: "gauge", description });

const rum = (description: string, measure: string, quantity: QuantityKind): SignalSpec => ({
  family: "rum",
  description,
  quantity,
  comparison: "above",
  form: "threshold",
  metrics: {},
  percentile: "optional",
  page: true,
  rumMeasure: measure,
});

export const SIGNALS = {
  // ---------------------------------------------------------------- HTTP (APM trace metrics)
  "http.error-rate": {
    family: "http",
    description: "Share of requests that fail with a server error (APM errors / hits), in %.",
    quantity: "percent",
    comparison: "above",
    form: "threshold",
    metrics: {},
    route: true,
  },
  "http.latency": {
    family: "http",
    description: "A latency percentile of requests (APM trace distribution).",
    quantity: "duration",
    comparison: "above",
    form: "threshold",
    metrics: {},
    percentile: "required",
    route: true,
  },
  "http.throughput-drop": {
    family: "http",
    description: "Requests per period against the same period earlier (default a week ago), change in %.",
    quantity: "percent",
    comparison: "below",
    form: "change",
    metrics: {},
    route: true,
    compareTo: "1w",
    noDataIsOutage: true,
  },
  // ---------------------------------------------------------------- web vitals (Datadog RUM)
  "rum.lcp": rum("Largest Contentful Paint of page views.", "@view.largest_contentful_paint", "duration"),
  "rum.fid": rum("First Input Delay of page views.", "@view.first_input_delay", "duration"),
  "rum.inp": rum("Interaction to Next Paint of page views.", "@view.interaction_to_next_paint", "duration"),
  "rum.cls": rum("Cumulative Layout Shift of page views (unitless).", "@view.cumulative_layout_shift", "number"),
  "rum.ttfb": rum("Time to First Byte of page views.", "@view.first_byte", "duration"),
  "rum.fcp": rum("First Contentful Paint of page views.", "@view.first_contentful_paint", "duration"),
  "rum.page-load": rum("Page load time (Datadog's loading time) of page views.", "@view.loading_time", "duration"),
  // ---------------------------------------------------------------- business
  "payments.success-rate": {
    family: "business",
    description: "Share of payment attempts that succeed, in %.",
    quantity: "percent",
    comparison: "below",
    form: "threshold",
    metrics: { succeeded: count("successful payments"), attempted: count("payment attempts") },
  },
  "webhooks.failure-rate": {
    family: "business",
    description: "Share of received webhooks whose processing failed, in %.",
    quantity: "percent",
    comparison: "above",
    form: "threshold",
    metrics: { failed: count("webhooks that failed processing"), received: count("webhooks received") },
  },
  "revenue.change": {
    family: "business",
    description: "Revenue in the window against the same window earlier (default an hour before), change in %.",
    quantity: "percent",
    comparison: "below",
    form: "change",
    metrics: { revenue: count("revenue booked (currency units)") },
    compareTo: "1h",
  },
  "conversion.change": {
    family: "business",
    description: "Conversion rate against the same window earlier (default a day before), change in %.",
    quantity: "percent",
    comparison: "below",
    form: "change",
    metrics: { rate: gauge("conversion rate reported by the application") },
    compareTo: "1d",
  },
  "inventory.negative": {
    family: "business",
    description: "Inventory counts below zero (oversold): any is an incident.",
    quantity: "number",
    comparison: "below",
    form: "threshold",
    metrics: { remaining: gauge("tickets or items remaining, per inventory item") },
  },
  "inventory.low": {
    family: "business",
    description: "Items remaining of an inventory (narrow it with filter, e.g. ticket_type:vip).",
    quantity: "number",
    comparison: "below",
    form: "threshold",
    metrics: { remaining: gauge("tickets or items remaining, per inventory item") },
  },
  "inventory.sellout-forecast": {
    family: "business",
    description: "Items remaining as forecast over a horizon (default 24h): sell-out predicted.",
    quantity: "number",
    comparison: "below",
    form: "forecast",
    metrics: { remaining: gauge("tickets or items remaining, per inventory item") },
  },
  "inventory.velocity-anomaly": {
    family: "business",
    description: "Sales velocity outside the bounds its own history predicts (Datadog anomaly detection).",
    quantity: "percent",
    comparison: "above",
    form: "anomaly",
    metrics: { sold: count("items sold") },
  },
  "sms.delivery-rate": {
    family: "dependency",
    description: "Share of SMS sent that were delivered, in %.",
    quantity: "percent",
    comparison: "below",
    form: "threshold",
    metrics: { delivered: count("SMS delivered"), sent: count("SMS sent") },
  },
  "email.delivery-rate": {
    family: "dependency",
    description: "Share of emails sent that were delivered, in %.",
    quantity: "percent",
    comparison: "below",
    form: "threshold",
    metrics: { delivered: count("emails delivered"), sent: count("emails sent") },
  },
  "email.bounce-rate": {
    family: "dependency",
    description: "Share of emails sent that bounced, in %.",
    quantity: "percent",
    comparison: "above",
    form: "threshold",
    metrics: { bounced: count("emails bounced"), sent: count("emails sent") },
  },
  "db.query-time": {
    family: "dependency",
    description: "Database query time (a gauge in milliseconds; narrow it with filter).",
    quantity: "duration",
    comparison: "above",
    form: "threshold",
    metrics: { time: gauge("query time in milliseconds") },
    metricUnit: "milliseconds",
  },
  "db.connection-errors": {
    family: "dependency",
    description: "Database connection errors per hour.",
    quantity: "per-hour",
    comparison: "above",
    form: "threshold",
    metrics: { errors: count("failed database connections") },
  },
  "auth.failed-logins": {
    family: "business",
    description: "Failed login attempts per hour.",
    quantity: "per-hour",
    comparison: "above",
    form: "threshold",
    metrics: { failures: count("failed logins") },
  },
  "storage.usage": {
    family: "dependency",
    description: "Share of allocated storage in use (a gauge reporting 0–1), written in %.",
    quantity: "percent",
    comparison: "above",
    form: "threshold",
    metrics: { used: gauge("fraction of allocated storage in use, 0–1") },
    metricUnit: "fraction",
  },
  "cdn.cache-hit-ratio": {
    family: "dependency",
    description: "Share of CDN requests served from cache, in %.",
    quantity: "percent",
    comparison: "below",
    form: "threshold",
    metrics: { hits: count("requests served from cache"), requests: count("requests") },
  },
  "web.bounce-rate": {
    family: "business",
    description: "Share of sessions that leave after one page, in %.",
    quantity: "percent",
    comparison: "above",
    form: "threshold",
    metrics: { bounces: count("single-page sessions"), sessions: count("sessions") },
  },
  "api-cost.change": {
    family: "dependency",
    description: "Third-party API spend against the day before, change in %.",
    quantity: "percent",
    comparison: "above",
    form: "change",
    metrics: { cost: count("spend (currency units)") },
    compareTo: "1d",
  },
  // ---------------------------------------------------------------- generic
  ratio: {
    family: "generic",
    description: "Any share of two counts, in % (numerator / denominator).",
    quantity: "percent",
    comparison: "above",
    form: "threshold",
    metrics: { numerator: count("the part"), denominator: count("the whole") },
  },
  metric: {
    family: "generic",
    description: "Any one custom metric against a plain number (aggregation: avg, min, max or sum).",
    quantity: "number",
    comparison: "above",
    form: "threshold",
    metrics: { value: gauge("the metric") },
  },
  query: {
    family: "generic",
    description: "The escape hatch: a raw Datadog monitor query without its comparison (Lookout appends it).",
    quantity: "number",
    comparison: "above",
    form: "threshold",
    metrics: {},
  },
} as const satisfies Record<string, SignalSpec>;

export type SignalName = keyof typeof SIGNALS;
export const SIGNAL_NAMES = Object.keys(SIGNALS).sort() as SignalName[];

export function isSignalName(name: string): name is SignalName {
  return Object.hasOwn(SIGNALS, name);
}

export function signalSpec(name: SignalName): SignalSpec {
  return SIGNALS[name];
}

export const PERCENTILES = ["p50", "p75", "p90", "p95", "p99"] as const;
export type Percentile = (typeof PERCENTILES)[number];

/** Earlier periods a Datadog change alert can compare against (its `timeshift`). */
export const CHANGE_TIMESHIFTS = ["5m", "10m", "15m", "30m", "1h", "2h", "4h", "1d", "1w"] as const;
