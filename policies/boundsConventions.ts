/**
 * The guides' threshold bounds as one table (CONVENTIONS): per signal (and percentile),
 * the loosest critical any guide accepts and the strictest any sets, each with its unit
 * and source; and the two config schemas the table writes. The rules that enforce it
 * are in thresholdBounds.ts.
 */
import type { PolicyConfigSchema } from "@pulumi/policy";
import type { QueryUnit } from "../queries/units";

// ---------------------------------------------------------------------------------------
// The conventions table
// ---------------------------------------------------------------------------------------

export const G000 = "000 Monitoring Dashboard guide";
export const G001 = "001 Production Monitoring Guide";
export const G002 = "002 Production Monitoring & Alerting Guide";
export const G003 = "003 CarBot Monitoring & Maintenance Guide";
export const G004 = "004 Phase 1 Complete";

/** A display unit: the query's threshold converts into it from the unit the query yields (queries/units.ts). */
export interface Unit {
  /** Suffix in messages: "%", " s", " ms", "". */
  readonly suffix: string;
  /** Suffix of the config key: Percent, Seconds, Ms, "". */
  readonly key: string;
  /** Words for the schema description. */
  readonly words: string;
  /** The unit bounds are written in. */
  readonly unit: QueryUnit;
}

const PERCENT: Unit = { suffix: "%", key: "Percent", words: "percent (0–100)", unit: "percent" };
const RATIO_AS_PERCENT: Unit = { suffix: "%", key: "Percent", words: "percent (0–100; the query's 0–1 ratio × 100)", unit: "percent" };
const SECONDS: Unit = { suffix: " s", key: "Seconds", words: "seconds (the APM query's unit)", unit: "seconds" };
const MS: Unit = { suffix: " ms", key: "Ms", words: "milliseconds (the query's unit)", unit: "milliseconds" };
const NS_AS_SECONDS: Unit = { suffix: " s", key: "Seconds", words: "seconds (the RUM query's nanoseconds ÷ 10⁹)", unit: "seconds" };
const NS_AS_MS: Unit = { suffix: " ms", key: "Ms", words: "milliseconds (the RUM query's nanoseconds ÷ 10⁶)", unit: "milliseconds" };
const SCORE: Unit = { suffix: "", key: "", words: "a unitless score", unit: "metric" };

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
export const PAGING_SEVERITIES = ["p0", "p1"];

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
