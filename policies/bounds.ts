/**
 * Threshold bounds: the guides' numbers as one table (CONVENTIONS), enforced twice. The
 * mandatory rules hold every alert to the loosest value any guide accepts; the advisory
 * rules recommend the strictest. Both read the same table, which also writes both
 * config schemas' defaults, so each number is written once, with its unit and source.
 *
 * Thresholds are read from what Datadog will evaluate (a monitor's
 * `monitorThresholds.critical`, in the unit of its query: APM latency in seconds, RUM
 * timings in nanoseconds, shares in % except storage usage as a 0–1 ratio) and converted
 * per signal (the monitor's `signal:` tag), never from the catalog.
 */
import type {
  PolicyConfigSchema,
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { configOf, DATADOG_MONITOR, DATADOG_SLO, DATADOG_SYNTHETICS_TEST, objectProp, parseTags, readKnown, UNKNOWN } from "./support";

// ---------------------------------------------------------------------------------------
// The conventions table
// ---------------------------------------------------------------------------------------

export const G000 = "000 Monitoring Dashboard guide";
export const G001 = "001 Production Monitoring Guide";
export const G002 = "002 Production Monitoring & Alerting Guide";
export const G003 = "003 CarBot Monitoring & Maintenance Guide";
export const G004 = "004 Phase 1 Complete";

/** A display unit and how a monitor's query value converts into it. */
interface Unit {
  /** Suffix in messages: "%", " s", " ms", "". */
  readonly suffix: string;
  /** Suffix of the config key: Percent, Seconds, Ms, "". */
  readonly key: string;
  /** Words for the schema description. */
  readonly words: string;
  readonly fromQuery: (value: number) => number;
}

const PERCENT: Unit = { suffix: "%", key: "Percent", words: "percent (0–100)", fromQuery: (v) => v };
const RATIO_AS_PERCENT: Unit = { suffix: "%", key: "Percent", words: "percent (0–100; the query's 0–1 ratio × 100)", fromQuery: (v) => v * 100 };
const SECONDS: Unit = { suffix: " s", key: "Seconds", words: "seconds (the APM query's unit)", fromQuery: (v) => v };
const MS: Unit = { suffix: " ms", key: "Ms", words: "milliseconds (the query's unit)", fromQuery: (v) => v };
const NS_AS_SECONDS: Unit = { suffix: " s", key: "Seconds", words: "seconds (the RUM query's nanoseconds ÷ 10⁹)", fromQuery: (v) => v / 1e9 };
const NS_AS_MS: Unit = { suffix: " ms", key: "Ms", words: "milliseconds (the RUM query's nanoseconds ÷ 10⁶)", fromQuery: (v) => v / 1e6 };
const SCORE: Unit = { suffix: "", key: "", words: "a unitless score", fromQuery: (v) => v };

/** One guide value and where it is written. */
export interface Cited {
  readonly value: number;
  readonly source: string;
}

export interface Convention {
  /** Config key, e.g. errorRateCriticalMax (the unit is appended: errorRateCriticalMaxPercent). */
  readonly key: string;
  /** The monitor's `signal:` tag. */
  readonly signal: string;
  /** Only for monitors on this percentile (http.latency: p95, p99). */
  readonly percentile?: string;
  /** What is bounded, in words. */
  readonly what: string;
  readonly unit: Unit;
  /** "max": the alert fires above the value, a higher critical is looser; "min": the reverse. */
  readonly direction: "max" | "min";
  /** The loosest critical any guide accepts: the mandatory bound. */
  readonly loosest: Cited;
  /** The strictest critical any guide sets: the advisory bound. */
  readonly strictest: Cited;
  /**
   * "paging": only alerts of the paging severities (config `severities`) are held to it
   * (a P3 error-rate *target* at 0.1 % is fine; a P0 error-rate alert at 10 % is not).
   * "every": a target the guides set for every alert of the signal (web vitals).
   */
  readonly appliesTo: "paging" | "every";
}

export const CONVENTIONS: readonly Convention[] = [
  {
    key: "errorRateCriticalMax",
    signal: "http.error-rate",
    what: "HTTP error rate",
    unit: PERCENT,
    direction: "max",
    loosest: { value: 5, source: `${G002} §Critical Alerts: API Downtime "API error rate above 5%"; ${G004} §Critical Alerts to Set Up 1 "Error rate > 5% in 5 minutes"` },
    strictest: { value: 1, source: `${G000} §Critical Alerts 3 "> 1% error rate for 5 minutes"; ${G001} §6 Critical (P0) "API error rate >1%"; ${G003} §Application Performance "Keep below 1%"` },
    appliesTo: "paging",
  },
  {
    key: "p95LatencyCriticalMax",
    signal: "http.latency",
    percentile: "p95",
    what: "p95 API latency",
    unit: SECONDS,
    direction: "max",
    loosest: { value: 5, source: `${G002} §High Priority: Performance Degradation "Response times >5 seconds (P95)"` },
    strictest: { value: 1, source: `${G001} §2 API Response Times: Alerting Thresholds "P95 >1s: High priority"` },
    appliesTo: "paging",
  },
  {
    key: "p99LatencyCriticalMax",
    signal: "http.latency",
    percentile: "p99",
    what: "p99 API latency",
    unit: SECONDS,
    direction: "max",
    loosest: { value: 5, source: `${G002} §High Priority: Performance Degradation "Response times >5 seconds" and §Response Time Targets (API critical at most >5s)` },
    strictest: { value: 2, source: `${G001} §2 API Response Times: Alerting Thresholds "P99 >2s: Critical"` },
    appliesTo: "paging",
  },
  {
    key: "pageLoadCriticalMax",
    signal: "rum.page-load",
    what: "page load time",
    unit: NS_AS_SECONDS,
    direction: "max",
    loosest: { value: 6, source: `${G002} §Response Time Targets: "/register (page load)" Critical ">6s"` },
    strictest: { value: 2, source: `${G000} §1 Performance Metrics "Page Load Time: Target < 2 seconds"` },
    appliesTo: "paging",
  },
  {
    key: "paymentSuccessCriticalMin",
    signal: "payments.success-rate",
    what: "payment success rate",
    unit: PERCENT,
    direction: "min",
    loosest: { value: 95, source: `${G002} §Critical Alerts: Payment System Failures "Payment success rate drops below 95%"; ${G003} §Critical Alerts ">5% failure rate"; ${G004} §Success Metrics "Payment success rate > 95%"` },
    strictest: { value: 95, source: `${G002} §Critical Alerts: Payment System Failures "drops below 95%" (every guide: 95%)` },
    appliesTo: "paging",
  },
  {
    key: "webhookFailureCriticalMax",
    signal: "webhooks.failure-rate",
    what: "webhook failure rate",
    unit: PERCENT,
    direction: "max",
    loosest: { value: 1, source: `${G004} §Critical Alerts to Set Up 4 "Webhook failure rate > 1%"` },
    strictest: { value: 0, source: `${G001} §6 Critical (P0) "Payment webhook failures" (any)` },
    appliesTo: "paging",
  },
  {
    key: "smsDeliveryCriticalMin",
    signal: "sms.delivery-rate",
    what: "SMS delivery rate",
    unit: PERCENT,
    direction: "min",
    loosest: { value: 90, source: `${G002} §Availability Targets: SMS Notifications Critical "<90%"` },
    strictest: { value: 95, source: `${G002} §High Priority: SMS Delivery Failures "SMS success rate <95%"` },
    appliesTo: "paging",
  },
  {
    key: "emailBounceCriticalMax",
    signal: "email.bounce-rate",
    what: "e-mail bounce rate",
    unit: PERCENT,
    direction: "max",
    loosest: { value: 10, source: `${G003} §Warning Alerts "Email Delivery Issues (>10% bounce rate)"` },
    strictest: { value: 2, source: `${G003} §Success Criteria "Email Delivery: >98%" (at most 2% undelivered)` },
    appliesTo: "paging",
  },
  {
    key: "emailDeliveryCriticalMin",
    signal: "email.delivery-rate",
    what: "e-mail delivery rate",
    unit: PERCENT,
    direction: "min",
    loosest: { value: 90, source: `${G003} §Warning Alerts "Email Delivery Issues (>10% bounce rate)" (delivery below 90%)` },
    strictest: { value: 98, source: `${G003} §Success Criteria "Email Delivery: >98%"` },
    appliesTo: "paging",
  },
  {
    key: "dbQueryTimeCriticalMax",
    signal: "db.query-time",
    what: "database query time",
    unit: MS,
    direction: "max",
    loosest: { value: 1000, source: `${G001} §2 Database Performance "Slow query log (>1s)"; ${G002} §Performance Instrumentation "alerts: if query_time > 1s"` },
    strictest: { value: 200, source: `${G000} §Warning Alerts "Database Slowdown: Query time > 200ms"` },
    appliesTo: "paging",
  },
  {
    key: "storageUsageCriticalMax",
    signal: "storage.usage",
    what: "storage usage",
    unit: RATIO_AS_PERCENT,
    direction: "max",
    loosest: { value: 80, source: `${G003} §Warning Alerts "Storage Usage (>80% of allocated space)"` },
    strictest: { value: 80, source: `${G003} §Warning Alerts "Storage Usage (>80% of allocated space)"` },
    appliesTo: "paging",
  },
  {
    key: "cdnCacheHitCriticalMin",
    signal: "cdn.cache-hit-ratio",
    what: "CDN cache hit ratio",
    unit: PERCENT,
    direction: "min",
    loosest: { value: 80, source: `${G000} §Warning Alerts "CDN Issues: Cache hit ratio < 80%"` },
    strictest: { value: 90, source: `${G000} §3 Technical Metrics "CDN Cache Hit Ratio: Target > 90%"` },
    appliesTo: "paging",
  },
  {
    key: "lcpMax",
    signal: "rum.lcp",
    what: "Largest Contentful Paint",
    unit: NS_AS_SECONDS,
    direction: "max",
    loosest: { value: 2.5, source: `${G000} §1 "Largest Contentful Paint: Target < 2.5 seconds"; ${G001} §2 "(target: <2.5s)"; ${G002} §User Experience Metrics "LCP": "2.5s" (no guide gives a looser one)` },
    strictest: { value: 2.5, source: `${G000} §1; ${G001} §2; ${G002} §User Experience Metrics "LCP": "2.5s"` },
    appliesTo: "every",
  },
  {
    key: "fidMax",
    signal: "rum.fid",
    what: "First Input Delay",
    unit: NS_AS_MS,
    direction: "max",
    loosest: { value: 100, source: `${G000} §1 "First Input Delay: Target < 100ms"; ${G001} §2; ${G002} §User Experience Metrics "FID": "100ms"` },
    strictest: { value: 100, source: `${G000} §1; ${G001} §2; ${G002} §User Experience Metrics "FID": "100ms"` },
    appliesTo: "every",
  },
  {
    key: "inpMax",
    signal: "rum.inp",
    what: "Interaction to Next Paint",
    unit: NS_AS_MS,
    direction: "max",
    loosest: { value: 200, source: `no guide names INP (FID's successor; the guides' FID is 100ms: ${G000} §1, ${G002} §User Experience Metrics); 200 ms is Core Web Vitals' "good" INP` },
    strictest: { value: 200, source: `Core Web Vitals' "good" INP (not in the guides)` },
    appliesTo: "every",
  },
  {
    key: "clsMax",
    signal: "rum.cls",
    what: "Cumulative Layout Shift",
    unit: SCORE,
    direction: "max",
    loosest: { value: 0.1, source: `${G000} §1 "Cumulative Layout Shift: Target < 0.1"; ${G001} §2; ${G002} §User Experience Metrics "CLS": "0.1"` },
    strictest: { value: 0.1, source: `${G000} §1; ${G001} §2; ${G002} §User Experience Metrics "CLS": "0.1"` },
    appliesTo: "every",
  },
  {
    key: "ttfbMax",
    signal: "rum.ttfb",
    what: "Time to First Byte",
    unit: NS_AS_MS,
    direction: "max",
    loosest: { value: 500, source: `${G001} §2 Vercel Analytics "Time to First Byte (target: <500ms)"` },
    strictest: { value: 200, source: `${G000} §1 "Time to First Byte (TTFB): Target < 200ms"` },
    appliesTo: "every",
  },
  {
    key: "fcpMax",
    signal: "rum.fcp",
    what: "First Contentful Paint",
    unit: NS_AS_SECONDS,
    direction: "max",
    loosest: { value: 1.5, source: `${G000} §1 "First Contentful Paint: Target < 1.5 seconds"; ${G001} §2 "(target: <1.5s)"` },
    strictest: { value: 1.5, source: `${G000} §1; ${G001} §2 "(target: <1.5s)"` },
    appliesTo: "every",
  },
];

/** The config key of a convention: errorRateCriticalMax + Percent. */
export const configKey = (c: Convention): string => `${c.key}${c.unit.key}`;

/** Severities whose alerts page (DESIGN.md severity ladder; 001 §6; 002 §Critical Alert Categories). */
const PAGING_SEVERITIES = ["p0", "p1"];

const severitiesProperty = {
  type: "array" as const,
  items: { type: "string" as const, minLength: 1 },
  uniqueItems: true,
  default: PAGING_SEVERITIES,
  description:
    "Values of the severity: tag held to the alert bounds (default [\"p0\", \"p1\"]: the paging class — 001 Production Monitoring Guide §6 " +
    "P0 Immediate, P1 15 minutes; 002 §Critical Alert Categories). Lower severities are targets and reviews, not pages; the web-vitals targets apply to every severity.",
};

function boundsSchema(level: "loosest" | "strictest"): PolicyConfigSchema {
  const properties: PolicyConfigSchema["properties"] = { severities: severitiesProperty };
  for (const c of CONVENTIONS) {
    const cited = c[level];
    const scope = c.appliesTo === "every" ? "every alert" : "alerts of the paging severities";
    properties[configKey(c)] = {
      type: "number",
      default: cited.value,
      description:
        `${c.direction === "max" ? "Highest" : "Lowest"} critical threshold of a ${c.signal}${c.percentile ? ` ${c.percentile}` : ""} monitor (${c.what}) for ${scope}, in ${c.unit.words}; ` +
        `the ${level} value of the guides: ${cited.source}.`,
    };
  }
  return { properties };
}

export const withinBoundsSchema = boundsSchema("loosest");
export const recommendedSchema = boundsSchema("strictest");

// ---------------------------------------------------------------------------------------
// Reading monitors
// ---------------------------------------------------------------------------------------

/** One number as people write it: no float noise. */
export function formatValue(value: number): string {
  return String(Number(value.toPrecision(10)));
}

function numberOf(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

/** Monitors whose query names other resources' IDs (unknown in a preview): never read. */
const QUERY_NAMES_IDS: ReadonlySet<string> = new Set(["slo alert", "composite"]);

interface MonitorView {
  readonly tags: Map<string, string>;
  readonly severity: string;
  /** The query, or "" when it is not readable (unknown, or names IDs). */
  readonly query: string;
  readonly critical?: number;
  readonly criticalText?: string;
}

function readMonitor(props: Record<string, unknown>): MonitorView | undefined {
  const tags = readKnown(() => parseTags(props.tags));
  if (tags === UNKNOWN) return undefined;
  const type = readKnown(() => props.type);
  const query = type === UNKNOWN || QUERY_NAMES_IDS.has(String(type)) ? "" : readKnown(() => props.query);
  const thresholds = readKnown(() => {
    const t = objectProp(props.monitorThresholds);
    return t === undefined ? undefined : t.critical;
  });
  const critical = thresholds === UNKNOWN ? undefined : numberOf(thresholds);
  return {
    tags,
    severity: (tags.get("severity") ?? "").toLowerCase(),
    query: typeof query === "string" ? query : "",
    ...(critical === undefined ? {} : { critical, criticalText: String(thresholds) }),
  };
}

/** `percentile(last_5m):p95:trace.…` → "p95". */
function percentileOf(query: string): string | undefined {
  return /^percentile\([^)]*\):(p\d+):/.exec(query)?.[1];
}

/** The catalog keys a message names: alert <alert> of service <service>. */
function catalogPlace(tags: Map<string, string>): string {
  const alert = tags.get("alert");
  const service = tags.get("service");
  if (alert && service) return `the catalog alert ${alert} of service ${service}`;
  if (service) return `the catalog alerts of service ${service}`;
  return "the catalog";
}

function conventionFor(view: MonitorView): Convention | undefined {
  const signal = view.tags.get("signal");
  if (!signal) return undefined;
  const candidates = CONVENTIONS.filter((c) => c.signal === signal);
  if (candidates.length === 0) return undefined;
  const percentile = percentileOf(view.query);
  return candidates.find((c) => c.percentile === undefined || c.percentile === percentile);
}

interface BoundsConfig {
  readonly severities: string[];
  readonly [key: string]: unknown;
}

function boundsValidator(schema: PolicyConfigSchema, level: "mandatory" | "advisory") {
  return (args: ResourceValidationArgs, reportViolation: ReportViolation): void => {
    if (args.type !== DATADOG_MONITOR) return;
    const view = readMonitor(args.props);
    if (!view || view.critical === undefined) return;
    const convention = conventionFor(view);
    if (!convention) return;
    const config = configOf<BoundsConfig>(schema, args);
    const severities = (config.severities ?? PAGING_SEVERITIES).map((s) => s.toLowerCase());
    if (convention.appliesTo === "paging" && !severities.includes(view.severity)) return;
    const bound = numberOf(config[configKey(convention)]);
    if (bound === undefined) return;
    const value = convention.unit.fromQuery(view.critical);
    const epsilon = 1e-9 * Math.max(1, Math.abs(bound));
    const looser = convention.direction === "max" ? value > bound + epsilon : value < bound - epsilon;
    if (!looser) return;
    const u = convention.unit.suffix;
    const cited = level === "mandatory" ? convention.loosest : convention.strictest;
    const fromConfig = bound !== cited.value;
    const limit = `${convention.direction === "max" ? "at most" : "at least"} ${formatValue(bound)}${u}`;
    const who = convention.appliesTo === "paging" ? `a ${view.severity.toUpperCase()} (paging) alert` : "every alert";
    const subject = `Monitor "${args.name}" (${view.severity.toUpperCase() || "no severity"} ${convention.signal}${convention.percentile ? ` ${convention.percentile}` : ""})`;
    const fires = convention.direction === "max" ? `fires only above ${formatValue(value)}${u}` : `fires only below ${formatValue(value)}${u}`;
    const verb = convention.direction === "max" ? "Lower" : "Raise";
    const orWord = convention.direction === "max" ? "or less" : "or more";
    reportViolation(
      `${subject} ${fires}: ${level === "mandatory" ? "looser than any guide accepts" : "looser than the guides recommend"} for ${who} ` +
        `(${convention.what} critical ${limit}${fromConfig ? `, config ${configKey(convention)}` : ""}; ${cited.source}). ` +
        `${verb} critical to ${formatValue(bound)}${u} ${orWord} in ${catalogPlace(view.tags)}.`,
    );
  };
}

const COVERED = [...new Set(CONVENTIONS.map((c) => c.signal + (c.percentile ? ` ${c.percentile}` : "")))].join(", ");

export const alertThresholdsWithinBounds: ResourceValidationPolicy = {
  name: "alert-thresholds-within-bounds",
  description:
    "A paging (P0/P1) Datadog monitor's critical threshold is no looser than the loosest value any guide accepts " +
    `(error rate ≤ 5 %, p95/p99 latency ≤ 5 s, payment success ≥ 95 % …; web-vitals targets for every severity). Covers ${COVERED}.`,
  enforcementLevel: "mandatory",
  configSchema: withinBoundsSchema,
  validateResource: boundsValidator(withinBoundsSchema, "mandatory"),
};

export const alertThresholdsRecommended: ResourceValidationPolicy = {
  name: "alert-thresholds-recommended",
  description:
    "A paging (P0/P1) Datadog monitor's critical threshold is as strict as the strictest guide " +
    "(error rate ≤ 1 %, p95 latency ≤ 1 s, p99 ≤ 2 s, DB query time ≤ 200 ms …): the same table as alert-thresholds-within-bounds, at its other end.",
  enforcementLevel: "advisory",
  configSchema: recommendedSchema,
  validateResource: boundsValidator(recommendedSchema, "advisory"),
};

// ---------------------------------------------------------------------------------------
// slo-targets-within-bounds
// ---------------------------------------------------------------------------------------

export const SLO_TARGET: { readonly loosest: Cited; readonly strictest: Cited } = {
  loosest: { value: 99, source: `${G002} §Availability Targets: "SMS Notifications" Target 99% (the loosest target any guide sets)` },
  strictest: {
    value: 99.9,
    source: `${G000} §3 "Uptime: Target 99.9%"; ${G002} §Monitoring Objectives "99.9% uptime"; ${G003} §Application Performance "Target 99.9% availability"; ${G004} §Success Metrics "99.9% uptime"`,
  },
};

function sloSchema(level: "loosest" | "strictest"): PolicyConfigSchema {
  return {
    properties: {
      minTargetPercent: {
        type: "number",
        minimum: 0,
        maximum: 100,
        default: SLO_TARGET[level].value,
        description: `Lowest target of a Datadog SLO (every threshold and timeframe), in percent; the ${level} value of the guides: ${SLO_TARGET[level].source}.`,
      },
    },
  };
}

export const sloTargetsSchema = sloSchema("loosest");
export const sloTargetsRecommendedSchema = sloSchema("strictest");

function sloValidator(schema: PolicyConfigSchema, level: "mandatory" | "advisory") {
  return (args: ResourceValidationArgs, reportViolation: ReportViolation): void => {
    if (args.type !== DATADOG_SLO) return;
    const thresholds = readKnown(() => args.props.thresholds);
    if (thresholds === UNKNOWN || !Array.isArray(thresholds)) return;
    const tags = readKnown(() => parseTags(args.props.tags));
    const config = configOf<{ minTargetPercent: number }>(schema, args);
    const min = config.minTargetPercent;
    const cited = level === "mandatory" ? SLO_TARGET.loosest : SLO_TARGET.strictest;
    const lowest = thresholds
      .map((t) => ({ target: numberOf(objectProp(t)?.target), timeframe: String(objectProp(t)?.timeframe ?? "?") }))
      .filter((t): t is { target: number; timeframe: string } => t.target !== undefined && t.target < min);
    if (lowest.length === 0) return;
    const service = tags === UNKNOWN ? undefined : tags.get("service");
    reportViolation(
      `SLO "${args.name}" targets ${lowest.map((t) => `${formatValue(t.target)}% over ${t.timeframe}`).join(", ")}: ` +
        `${level === "mandatory" ? "looser than any guide accepts" : "looser than the guides recommend"} (at least ${formatValue(min)}%; ${cited.source}). ` +
        `Raise the target to ${formatValue(min)}% or more in the catalog SLO${service ? ` of service ${service}` : ""}.`,
    );
  };
}

export const sloTargetsWithinBounds: ResourceValidationPolicy = {
  name: "slo-targets-within-bounds",
  description: "Every Datadog SLO target is at least the loosest availability target any guide sets (99 %: 002's SMS notifications).",
  enforcementLevel: "mandatory",
  configSchema: sloTargetsSchema,
  validateResource: sloValidator(sloTargetsSchema, "mandatory"),
};

export const sloTargetsRecommended: ResourceValidationPolicy = {
  name: "slo-targets-recommended",
  description: "Every Datadog SLO target is at least the guides' common availability target (99.9 %).",
  enforcementLevel: "advisory",
  configSchema: sloTargetsRecommendedSchema,
  validateResource: sloValidator(sloTargetsRecommendedSchema, "advisory"),
};

// ---------------------------------------------------------------------------------------
// alert-windows-not-flapping
// ---------------------------------------------------------------------------------------

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3_600, d: 86_400, w: 604_800 };

/** The evaluation window of a monitor's query, in seconds (forecasts and unreadable queries: undefined). */
export function windowSeconds(query: string): number | undefined {
  const rum = /\.last\("(\d+)([smhdw])"\)/.exec(query);
  if (rum) return Number(rum[1]) * UNIT_SECONDS[rum[2]];
  const metric = /^[a-z_]+\((?:[a-z_]+\()?last_(\d+)([smhdw])\)/.exec(query);
  if (metric) return Number(metric[1]) * UNIT_SECONDS[metric[2]];
  return undefined;
}

function formatWindow(seconds: number): string {
  for (const [unit, size] of [["d", 86_400], ["h", 3_600], ["m", 60]] as const) {
    if (seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}

export const windowsSchema: PolicyConfigSchema = {
  properties: {
    minWindowSeconds: {
      type: "number",
      minimum: 0,
      default: 60,
      description:
        `Shortest evaluation window of any monitor, in seconds (default 60: the shortest duration a guide gives, ${G002} §Critical Alerts: API Downtime "duration: 1m").`,
    },
    minWindowSecondsRecommended: {
      type: "number",
      minimum: 0,
      default: 300,
      description:
        `Advisory: shortest window of a monitor below the short-window severities, in seconds (default 300: ${G000} §Critical Alerts 3 "for 5 minutes"; ${G004} §Critical Alerts to Set Up 1 "in 5 minutes").`,
    },
    shortWindowSeverities: {
      type: "array",
      items: { type: "string", minLength: 1 },
      uniqueItems: true,
      default: ["p0"],
      description: `Severities allowed a window shorter than minWindowSecondsRecommended (default ["p0"]: 002's critical alerts use 1–2 minutes).`,
    },
  },
};

interface WindowsConfig {
  readonly minWindowSeconds: number;
  readonly minWindowSecondsRecommended: number;
  readonly shortWindowSeverities: string[];
}

function windowsValidator(level: "mandatory" | "advisory") {
  return (args: ResourceValidationArgs, reportViolation: ReportViolation): void => {
    if (args.type !== DATADOG_MONITOR) return;
    const view = readMonitor(args.props);
    if (!view) return;
    const seconds = windowSeconds(view.query);
    if (seconds === undefined) return;
    const config = configOf<WindowsConfig>(windowsSchema, args);
    const place = catalogPlace(view.tags);
    if (level === "mandatory") {
      if (seconds >= config.minWindowSeconds) return;
      reportViolation(
        `Monitor "${args.name}" evaluates only the last ${formatWindow(seconds)}: one noisy sample flips it (it flaps). ` +
          `Set window to ${formatWindow(config.minWindowSeconds)} or more in ${place} (the shortest a guide gives: ${G002} §Critical Alerts: API Downtime "duration: 1m").`,
      );
      return;
    }
    const exempt = config.shortWindowSeverities.map((s) => s.toLowerCase()).includes(view.severity);
    if (exempt || seconds >= config.minWindowSecondsRecommended) return;
    reportViolation(
      `Monitor "${args.name}" (${view.severity.toUpperCase() || "no severity"}) evaluates only the last ${formatWindow(seconds)}; ` +
        `below P0 the guides alert on ${formatWindow(config.minWindowSecondsRecommended)} (${G000} §Critical Alerts 3 "for 5 minutes"; ${G004} §Critical Alerts to Set Up 1 "in 5 minutes"). ` +
        `Set window to ${formatWindow(config.minWindowSecondsRecommended)} or more in ${place}.`,
    );
  };
}

export const alertWindowsNotFlapping: ResourceValidationPolicy = {
  name: "alert-windows-not-flapping",
  description: "Every Datadog monitor evaluates at least 1 minute of data (config minWindowSeconds), so a single sample cannot flip it.",
  enforcementLevel: "mandatory",
  configSchema: windowsSchema,
  validateResource: windowsValidator("mandatory"),
};

export const alertWindowsRecommended: ResourceValidationPolicy = {
  name: "alert-windows-recommended",
  description: "Monitors below P0 evaluate at least 5 minutes of data (config minWindowSecondsRecommended, shortWindowSeverities).",
  enforcementLevel: "advisory",
  configSchema: windowsSchema,
  validateResource: windowsValidator("advisory"),
};

// ---------------------------------------------------------------------------------------
// monitoring-budget
// ---------------------------------------------------------------------------------------

const SECONDS_PER_MONTH = 30 * 86_400;

export const budgetSchema: PolicyConfigSchema = {
  properties: {
    monthlyBudgetUsd: {
      type: "number",
      minimum: 0,
      default: 60,
      description: `Monthly monitoring budget in US dollars (default 60: ${G001} §10 Monitoring Budget "Total: ~$60/month").`,
    },
    pricePer10kApiRunsUsd: {
      type: "number",
      minimum: 0,
      default: 5,
      description:
        "US dollars per 10,000 Datadog API test runs (single and multistep; a multistep test's every step counts). Default 5: Datadog's list price billed annually — an assumption, not from the guides; set your contract's price.",
    },
    pricePer1kBrowserRunsUsd: {
      type: "number",
      minimum: 0,
      default: 12,
      description: "US dollars per 1,000 Datadog browser test runs (per device). Default 12: Datadog's list price billed annually — an assumption, not from the guides.",
    },
  },
};

interface BudgetConfig {
  readonly monthlyBudgetUsd: number;
  readonly pricePer10kApiRunsUsd: number;
  readonly pricePer1kBrowserRunsUsd: number;
}

export interface TestRuns {
  readonly name: string;
  readonly kind: "api" | "browser";
  readonly runs: number;
}

/** A synthetics test's runs a month: locations × runs per location (× steps, × devices); paused and unreadable tests: undefined. */
export function monthlyRuns(resource: Pick<PolicyResource, "name" | "props">): TestRuns | undefined {
  const read = readKnown(() => {
    const props = resource.props;
    if (props.status === "paused") return undefined;
    const options = objectProp(props.optionsList);
    const tickEvery = numberOf(options?.tickEvery);
    const locations = Array.isArray(props.locations) ? props.locations.length : 0;
    if (tickEvery === undefined || tickEvery <= 0 || locations === 0) return undefined;
    const perLocation = SECONDS_PER_MONTH / tickEvery;
    if (props.type === "browser") {
      const devices = Array.isArray(props.deviceIds) && props.deviceIds.length > 0 ? props.deviceIds.length : 1;
      return { name: resource.name, kind: "browser" as const, runs: perLocation * locations * devices };
    }
    if (props.type !== "api") return undefined;
    const steps = props.subtype === "multi" && Array.isArray(props.apiSteps) && props.apiSteps.length > 0 ? props.apiSteps.length : 1;
    return { name: resource.name, kind: "api" as const, runs: perLocation * locations * steps };
  });
  return read === UNKNOWN ? undefined : read;
}

const usd = (value: number): string => `$${value.toFixed(2)}`;
const count = (value: number): string => Math.round(value).toLocaleString("en-US");

function validateBudget(args: StackValidationArgs, reportViolation: ReportViolation): void {
  const config = configOf<BudgetConfig>(budgetSchema, args);
  // In name order: a floating-point sum depends on its order, and the engine's resource
  // order is not the stack's (a sharded plan analyzes the same stack in another order).
  const tests = args.resources
    .filter((r) => r.type === DATADOG_SYNTHETICS_TEST)
    .flatMap((r) => monthlyRuns(r) ?? [])
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (tests.length === 0) return;
  const costOf = (t: TestRuns) =>
    t.kind === "api" ? (t.runs / 10_000) * config.pricePer10kApiRunsUsd : (t.runs / 1_000) * config.pricePer1kBrowserRunsUsd;
  const apiRuns = tests.filter((t) => t.kind === "api").reduce((sum, t) => sum + t.runs, 0);
  const browserRuns = tests.filter((t) => t.kind === "browser").reduce((sum, t) => sum + t.runs, 0);
  const total = (apiRuns / 10_000) * config.pricePer10kApiRunsUsd + (browserRuns / 1_000) * config.pricePer1kBrowserRunsUsd;
  if (total <= config.monthlyBudgetUsd) return;
  const costliest = [...tests].sort((a, b) => costOf(b) - costOf(a) || a.name.localeCompare(b.name)).slice(0, 3);
  reportViolation(
    `The stack's ${tests.length} synthetic tests run about ${count(apiRuns)} API test runs` +
      `${browserRuns > 0 ? ` and ${count(browserRuns)} browser test runs` : ""} a month: about ${usd(total)} ` +
      `at ${usd(config.pricePer10kApiRunsUsd)} per 10,000 API runs${browserRuns > 0 ? ` and ${usd(config.pricePer1kBrowserRunsUsd)} per 1,000 browser runs` : ""}, ` +
      `over the monitoring budget of ${usd(config.monthlyBudgetUsd)} a month (${G001} §10 Monitoring Budget "Total: ~$60/month"). ` +
      `Lengthen the interval (the catalog's uptime interval / journey interval, i.e. tickEvery) or use fewer locations on the costliest tests: ` +
      `${costliest.map((t) => `${t.name} (${count(t.runs)} runs, ${usd(costOf(t))})`).join(", ")}; or raise monthlyBudgetUsd.`,
  );
}

export const monitoringBudget: StackValidationPolicy = {
  name: "monitoring-budget",
  description:
    "The stack's synthetic test runs a month (locations × runs per month from tickEvery; multistep per step; browser tests counted apart) " +
    "cost no more than the monitoring budget ($60/month, 001 §10), at config prices per 10,000 API and 1,000 browser runs.",
  enforcementLevel: "advisory",
  configSchema: budgetSchema,
  validateStack: validateBudget,
};

export const boundsPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
  alertThresholdsWithinBounds,
  alertThresholdsRecommended,
  sloTargetsWithinBounds,
  sloTargetsRecommended,
  alertWindowsNotFlapping,
  alertWindowsRecommended,
  monitoringBudget,
];
