/**
 * The catalog's one schema source. From it come the TypeScript types of the raw
 * document (`RawCatalog`), the validation (`CatalogFileSchema.safeParse`) and the JSON
 * Schema the YAML files reference for editor completion (`npm run schema`).
 *
 * This is the *raw* form a person writes: durations stay strings (`30s`), percentages
 * stay strings (`99.9%`). `normalize.ts` turns a validated document into the model
 * (`model.ts`) that components read.
 */
import { z } from "zod";
import { MaintenanceWindow, Routing, Team } from "./schemaOncall";
import { StorageKeys } from "./schemaStorage";
import { Grafana } from "./schemaDashboards";
import { PERCENTILES } from "./signals";
import { RawQueryAlert } from "./rawAlerts";

import {
  BODY_ASSERTION_PATTERN,
  Duration,
  HttpMethod,
  Location,
  Name,
  Percent,
  QUANTITY_PATTERN,
  Severity,
  Url,
} from "./primitives";

export * from "./primitives";

const BodyAssertion = z
  .string()
  .regex(BODY_ASSERTION_PATTERN, {
    error: 'a JSON-body assertion such as $.status == "healthy", $.count > 0 or $.version exists',
  });

const Expectation = z.strictObject({
  status: z.number().int().min(100).max(599).default(200)
    .meta({ description: "Expected HTTP status code." }),
  responseTime: Duration.optional()
    .meta({ description: "Response-time bound: slower counts as a failure." }),
  body: z.array(BodyAssertion).optional()
    .meta({ description: 'JSON-body assertions, e.g. $.status == "healthy".' }),
  headers: z.record(z.string(), z.string()).optional()
    .meta({ description: "Response headers that must equal these values." }),
});

const Retry = z.strictObject({
  count: z.number().int().min(0).max(3),
  interval: Duration,
});

const Request = {
  method: HttpMethod.default("GET"),
  url: Url,
  headers: z.record(z.string(), z.string()).optional(),
  body: z.string().optional().meta({ description: "Request body (for POST/PUT/PATCH)." }),
  timeout: Duration.optional().meta({ description: "Request timeout (Datadog allows up to 60 s)." }),
};

export const Endpoint = z.strictObject({
  name: Name,
  renamedFrom: Name.optional().meta({ description: "The previous name: its resources get Pulumi aliases for the old names, so they keep their history." }),
  description: z.string().optional(),
  ...Request,
  interval: Duration.optional().meta({ description: "How often the check runs (30s to 7d)." }),
  locations: z.array(Location).min(1).optional(),
  expect: Expectation.default({ status: 200 }),
  severity: Severity,
  downAfter: Duration.optional()
    .meta({ description: "How long the endpoint must fail before it counts as down (e.g. 2m)." }),
  minLocationsFailed: z.number().int().min(1).optional(),
  retry: Retry.optional(),
  statusComponent: Name.optional()
    .meta({ description: "The status-page component this endpoint informs." }),
  tls: z.boolean().optional()
    .meta({ description: "Check this host's certificate expiry (default: true for https)." }),
});

const JourneyStep = z.strictObject({
  name: Name,
  ...Request,
  expect: Expectation.default({ status: 200 }),
  extract: z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/, { error: "an UPPER_SNAKE variable name" }), z.string().regex(/^\$/, { error: "a JSONPath starting with $" }))
    .optional()
    .meta({ description: "Variables to extract from the JSON body for later steps ({{ NAME }})." }),
});

export const Journey = z.strictObject({
  name: Name,
  renamedFrom: Name.optional().meta({ description: "The previous name: its resources get Pulumi aliases for the old names, so they keep their history." }),
  description: z.string().optional(),
  interval: Duration.optional(),
  locations: z.array(Location).min(1).optional(),
  maxDuration: Duration.meta({ description: "The whole journey must finish within this time." }),
  successRate: Percent.meta({ description: "Target share of successful runs (e.g. 99%)." }),
  severity: Severity,
  steps: z.array(JourneyStep).min(1),
});

// ---------------------------------------------------------------- alerts, SLOs, Sentry

export const Quantity = z
  .union([
    z.number(),
    z.string().regex(QUANTITY_PATTERN, { error: "a threshold such as 1%, -50%, 500ms, 2s, 50/h or 10" }),
  ], { error: "a threshold such as 1%, -50%, 500ms, 2s, 50/h or 10" })
  .meta({ description: "A threshold with its unit: 1% · -50% (a change) · 500ms · 2s · 50/h (a rate) · 0.1 (a plain number)." });

const MetricName = z
  .string()
  .regex(/^[a-zA-Z][a-zA-Z0-9_.]*$/, { error: "a Datadog metric name such as stripe.payments.succeeded" });

const TagFilter = z
  .string()
  .regex(/^[a-zA-Z][\w.\-/]*:[^\s,{}]+$/, { error: "a tag filter such as ticket_type:vip" });

/** `POST /api/payments/charge`: an HTTP resource as APM names it. */
const Route = z
  .string()
  .regex(/^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) \/\S*$/, { error: "an HTTP route such as POST /api/payments/charge" });

export const Alert = z.strictObject({
  name: Name,
  renamedFrom: Name.optional().meta({ description: "The previous name: its resources get Pulumi aliases for the old names, so they keep their history." }),
  description: z.string().optional().meta({ description: "What the alert means, in words (shown in the message)." }),
  signal: z.string().meta({ description: "What is measured: http.error-rate, http.latency, rum.lcp, payments.success-rate … (see the README), or query." }),
  comparison: z.enum(["above", "below"]).optional()
    .meta({ description: "The bad direction; each signal has a default (error rates above, success rates below)." }),
  critical: Quantity,
  warning: Quantity.optional().meta({ description: "Must be less severe than critical in the alert's direction." }),
  recovery: Quantity.optional().meta({ description: "Recover only past this value (hysteresis), on the good side of critical." }),
  window: Duration.optional().meta({ description: "Evaluation window (at least 1m); default defaults.alerts.window." }),
  severity: Severity,
  runbook: Url.optional().meta({ description: "Overrides the service's runbook for this alert." }),
  route: Route.optional().meta({ description: "HTTP signals: narrow to one route, e.g. POST /api/payments/charge." }),
  page: z.string().regex(/^\//, { error: "a URL path such as /register" }).optional()
    .meta({ description: "RUM signals: narrow to one page (URL path)." }),
  percentile: z.enum(PERCENTILES).optional().meta({ description: "Latency and web-vital percentile (p50, p75, p90, p95, p99)." }),
  metrics: z.record(z.string(), MetricName).optional()
    .meta({ description: "The custom metrics a business or dependency signal reads, by role (e.g. succeeded, attempted)." }),
  filter: z.array(TagFilter).optional().meta({ description: "Extra tag filters on the signal's scope." }),
  aggregation: z.enum(["avg", "min", "max", "sum"]).optional().meta({ description: "signal metric: how the window is aggregated." }),
  compareTo: Duration.optional().meta({ description: "Change signals: the earlier period compared against (5m … 1w)." }),
  horizon: Duration.optional().meta({ description: "Forecast signals: how far ahead (default 1d)." }),
  deviations: z.number().min(1).max(6).optional().meta({ description: "Anomaly signals: width of the expected band (default 2)." }),
  query: z.string().min(1).optional().meta({ description: "signal query: the Datadog query without its comparison." }),
  monitorType: z.enum(["query alert", "rum alert", "log alert", "trace-analytics alert", "event-v2 alert"]).optional()
    .meta({ description: "signal query: the monitor type (default query alert)." }),
  noData: z.enum(["alert", "notify", "ignore"]).optional()
    .meta({ description: "alert: missing data is an outage (the alert's route) · notify: report it in chat · ignore. Default per signal (throughput: alert); else a paging alert notifies." }),
  sparse: z.boolean().optional()
    .meta({ description: "The metric reports rarely (e.g. once a day): evaluate without a full window, report no missing data." }),
  seasonality: z.enum(["hourly", "daily", "weekly"]).optional()
    .meta({ description: "Anomaly signals: the cycle the expected band follows (default weekly)." }),
  schedule: z.strictObject({
    at: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: "a time of day such as 18:00" })
      .meta({ description: "Evaluate once a day at this time (HH:mm)." }),
    timezone: z.string().regex(/^(UTC|[A-Z][A-Za-z_]+(\/[A-Za-z0-9_+-]+)+)$/, { error: "a tz database time zone such as America/New_York" }),
  }).optional()
    .meta({ description: "Evaluate the day so far (from midnight in timezone) once a day at a time, e.g. revenue by 6 pm. Window 1d." }),
  evaluationDelay: Duration.optional().meta({ description: "Wait for late data (cloud integration metrics), e.g. 5m." }),
  renotify: z.union([Duration, z.literal("never")]).optional()
    .meta({ description: "Re-notify while still alerting; default by severity." }),
});

export const BurnRate = z.strictObject({
  name: Name,
  factor: z.number().positive().meta({ description: "Burn rate: how many times faster than the budget allows." }),
  longWindow: Duration,
  shortWindow: Duration,
  notify: z.enum(["page", "ticket"]).meta({ description: "page: the SLO's severity · ticket: defaults.slos.ticketSeverity." }),
});

const Sli = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("http"),
    route: Route.optional(),
  }).meta({ description: "Good events: requests without a server error (APM hits − errors) over all requests." }),
  z.strictObject({
    type: z.literal("metrics"),
    good: MetricName,
    total: MetricName,
    filter: z.array(TagFilter).optional(),
  }).meta({ description: "Good events over all events, from two count metrics." }),
], { error: 'an SLI with type "http" or "metrics"' });

export const Slo = z.strictObject({
  name: Name,
  renamedFrom: Name.optional().meta({ description: "The previous name: its resources get Pulumi aliases for the old names, so they keep their history." }),
  description: z.string().optional(),
  target: Percent.meta({ description: "The objective, e.g. 99.9%." }),
  warning: Percent.optional().meta({ description: "Warn below this (above the target)." }),
  timeframe: z.enum(["7d", "30d", "90d"]).optional().meta({ description: "Default defaults.slos.timeframe (30d)." }),
  severity: Severity.meta({ description: "Severity of the paging burn-rate alerts." }),
  sli: Sli,
});

const SENTRY_INTERVALS = ["1m", "5m", "15m", "1h", "1d", "1w", "30d"] as const;

export const SentryIssueAlert = z.strictObject({
  name: Name,
  when: z.enum(["any-event", "new-issue", "regression", "frequency"])
    .meta({ description: "any-event: every event of a matching issue (the guides' immediate rules) · new-issue: first seen · regression: a resolved issue came back · frequency: more than count events in interval." }),
  count: z.number().int().min(1).optional().meta({ description: "frequency: the rule fires once the issue has more than this many events in the interval (count 1: from the second event; use any-event for the first)." }),
  interval: z.enum(SENTRY_INTERVALS).optional().meta({ description: "frequency: the interval (1m, 5m, 15m, 1h, 1d, 1w, 30d)." }),
  tags: z.record(z.string(), z.string()).optional().meta({ description: "Only events with these tags (e.g. transaction: /api/payments/charge)." }),
  message: z.string().optional().meta({ description: "Only events whose message contains this text." }),
  level: z.enum(["fatal", "error", "warning", "info", "debug"]).optional().meta({ description: "Only events at this level or above." }),
  severity: Severity,
  notifyEvery: Duration.optional().meta({ description: "At most one notification per issue in this time (default 30m)." }),
});

export const SentryMetricAlert = z.strictObject({
  name: Name,
  signal: z.enum(["failure-rate", "latency", "error-count"])
    .meta({ description: "failure-rate: failed transactions in % · latency: a transaction-duration percentile · error-count: error events." }),
  percentile: z.enum(PERCENTILES).optional(),
  query: z.string().optional().meta({ description: "Sentry search filter, e.g. transaction:/api/payments/*." }),
  comparison: z.enum(["above", "below"]).optional(),
  critical: Quantity,
  warning: Quantity.optional(),
  recovery: Quantity.optional(),
  window: Duration,
  severity: Severity,
});

export const Sentry = z.strictObject({
  project: Name.optional().meta({ description: "Project slug (default: the service name)." }),
  platform: z.string().default("javascript-nextjs"),
  issueAlerts: z.array(SentryIssueAlert).default([]),
  metricAlerts: z.array(SentryMetricAlert).default([]),
});

export const Service = z.strictObject({
  name: Name,
  renamedFrom: Name.optional().meta({ description: "The service's previous name: its resources keep their history (Pulumi aliases for the old names) instead of being deleted and created." }),
  product: Name.meta({ description: "The product this service belongs to (see products)." }),
  team: Name.meta({ description: "The owning team." }),
  tier: z.number().int().min(0).max(3)
    .meta({ description: "0: revenue or data critical · 1: user-facing core · 2: supporting · 3: internal." }),
  description: z.string().min(1),
  runbook: Url.meta({ description: "The runbook every alert of this service links to." }),
  endpoints: z.array(Endpoint).default([]),
  journeys: z.array(Journey).default([]),
  apmOperation: z.string().regex(/^[a-z][a-z0-9_.]*$/, { error: "an APM operation name such as http.request" }).optional()
    .meta({ description: "The APM operation of the service's requests (default defaults.alerts.apmOperation)." }),
  alerts: z.array(Alert).default([]),
  rawAlerts: z.array(RawQueryAlert).optional()
    .meta({ description: "Datadog monitors written as Datadog writes them (what lookout import datadog adopts); names share the alerts' name space." }),
  slos: z.array(Slo).default([]),
  sentry: Sentry.optional(),
});

export const Product = z.strictObject({
  name: Name,
  description: z.string().min(1),
  guide: z.string().optional().meta({ description: "The monitoring guide this product's thresholds come from." }),
});

const UptimeDefaults = z.strictObject({
  interval: Duration.default("5m"),
  locations: z.array(Location).min(1).default(["aws:us-east-1", "aws:us-west-2", "aws:eu-west-1"]),
  timeout: Duration.default("30s"),
  downAfter: Duration.default("2m"),
  minLocationsFailed: z.number().int().min(1).default(1),
  retry: Retry.default({ count: 1, interval: "1s" }),
});

const TlsDefaults = z.strictObject({
  warnDays: z.number().int().min(1).max(365).default(30)
    .meta({ description: "Alert this many days before a certificate expires." }),
  interval: Duration.default("1d"),
  severity: Severity.default("P2")
    .meta({ description: "Severity of a certificate about to expire: weeks of warning call for a P2, not a page." }),
});

const AlertDefaults = z.strictObject({
  window: Duration.default("5m"),
  apmOperation: z.string().default("http.request")
    .meta({ description: "APM operation of HTTP requests (trace.<operation>.hits …); next.request for Next.js." }),
});

/** The Google SRE workbook's multi-window, multi-burn-rate alerts for a 30-day SLO. */
export const SRE_BURN_RATES: readonly z.input<typeof BurnRate>[] = [
  { name: "fast", factor: 14.4, longWindow: "1h", shortWindow: "5m", notify: "page" },
  { name: "medium", factor: 6, longWindow: "6h", shortWindow: "30m", notify: "page" },
  { name: "slow", factor: 3, longWindow: "1d", shortWindow: "2h", notify: "ticket" },
  { name: "drift", factor: 1, longWindow: "3d", shortWindow: "6h", notify: "ticket" },
];

const SloDefaults = z.strictObject({
  timeframe: z.enum(["7d", "30d", "90d"]).default("30d"),
  burnRates: z.array(BurnRate).min(1).default(SRE_BURN_RATES.map((b) => BurnRate.parse(b))),
  ticketSeverity: Severity.default("P3"),
});

export const Defaults = z.strictObject({
  uptime: UptimeDefaults.default(UptimeDefaults.parse({})),
  tls: TlsDefaults.default(TlsDefaults.parse({})),
  alerts: AlertDefaults.default(AlertDefaults.parse({})),
  slos: SloDefaults.default(SloDefaults.parse({})),
});

/**
 * One catalog file. A catalog is one file, or a folder of files merged: lists are
 * concatenated (names stay unique across files) and `environment` / `defaults` may be
 * set in one file only.
 */
export const CatalogFileSchema = z
  .strictObject({
    environment: Name.optional()
      .meta({ description: "The environment, e.g. prod or staging: the env tag on everything." }),
    defaults: Defaults.optional(),
    products: z.array(Product).default([]),
    services: z.array(Service).default([]),
    teams: z.array(Team).default([]).meta({ description: "On-call teams: members, rotations, escalation ladder, chat channels." }),
    routing: Routing.optional().meta({ description: "For each severity, where alerts go and how urgently (set in one file)." }),
    maintenance: z.array(MaintenanceWindow).default([]).meta({ description: "Planned windows: no page, no alert." }),
    ...StorageKeys,
    grafana: Grafana.optional(),
  })
  .meta({ title: "Lookout catalog", description: "Monitoring as code: one catalog per Pulumi stack." });

export type RawCatalogFile = z.output<typeof CatalogFileSchema>;
export type RawService = z.output<typeof Service>;
export type RawEndpoint = z.output<typeof Endpoint>;
export type RawJourney = z.output<typeof Journey>;
export type RawDefaults = z.output<typeof Defaults>;
export type RawAlert = z.output<typeof Alert>;
export type RawSlo = z.output<typeof Slo>;
export type RawSentry = z.output<typeof Sentry>;

/** The JSON Schema written to `schema/catalog.schema.json` for editors. */
export function catalogJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(CatalogFileSchema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
}
