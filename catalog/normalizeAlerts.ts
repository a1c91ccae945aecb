/**
 * Alerts, SLOs and Sentry rules of one service: schema-valid raw entries → model, with
 * every check a schema cannot make (the signal exists, units fit it, warning is less
 * severe than critical, windows Datadog and Sentry accept). Each problem is reported at
 * its path; nothing here throws on bad input.
 */
import type {
  Alert,
  BurnRateAlert,
  Comparison,
  Quantity,
  SentryIssueAlert,
  SentryMetricAlert,
  SentryProject,
  Sli,
  Slo,
  SourceRef,
} from "./model";
import type { RawAlert, RawDefaults, RawSentry, RawSlo } from "./schema";
import { CHANGE_TIMESHIFTS, isSignalName, SIGNAL_NAMES, signalSpec, type QuantityKind } from "./signals";
import { durationSeconds, formatSeconds, parseQuantity, percent, QUANTITY_EXAMPLES } from "./units";
import { trailingComparison } from "../queries";

/** Reports and locates paths inside one service of one file. */
export interface Site {
  report(path: readonly PropertyKey[], message: string): void;
  source(path: readonly PropertyKey[]): SourceRef;
}

/** Datadog metric monitors evaluate windows of 1 minute to 1 week. */
export const ALERT_WINDOW_SECONDS = { min: 60, max: 604_800 } as const;
/** Anomaly monitors take trigger windows of 15 minutes to 2 weeks (PF-DD-MON-3); alert windows stop at 1w. */
export const ANOMALY_WINDOW_SECONDS = { min: 900, max: 604_800 } as const;
/** Forecast monitors look 12 hours to 3 months ahead (PF-DD-MON-2); Lookout's horizon grammar stops at 1w. */
export const FORECAST_HORIZON_SECONDS = { min: 43_200, max: 604_800 } as const;
/** Datadog change alerts accept these windows. */
export const CHANGE_WINDOWS = ["1m", "5m", "10m", "15m", "30m", "1h", "2h", "4h", "1d", "2d"] as const;
/** Datadog SLO burn-rate alerts take long windows of at most 48 hours. */
export const MAX_BURN_RATE_LONG_WINDOW_SECONDS = 172_800;
/** Sentry metric alerts evaluate these windows (minutes). */
export const SENTRY_WINDOW_MINUTES = [1, 5, 10, 15, 30, 60, 120, 240, 1440] as const;
/** Span-based metric alerts (failure-rate, latency) refuse windows under 5 minutes (PF-SEN-2). */
export const SPAN_ALERT_MIN_WINDOW_MINUTES = 5;
/** Re-notification bounds: Datadog accepts up to 30 days (in minutes). */
const MAX_RENOTIFY_MINUTES = 43_200;

/** Every parameter a signal may take, and who takes it. */
const PARAMETER_OWNERS: ReadonlyArray<[keyof RawAlert, (name: string) => boolean, string]> = [
  ["route", (n) => Boolean(signalSpec(n as never).route), "HTTP signals"],
  ["page", (n) => Boolean(signalSpec(n as never).page), "RUM signals"],
  ["percentile", (n) => signalSpec(n as never).percentile !== undefined, "latency signals and web vitals"],
  ["aggregation", (n) => n === "metric", "the metric signal"],
  ["compareTo", (n) => signalSpec(n as never).form === "change", "change signals"],
  ["horizon", (n) => signalSpec(n as never).form === "forecast", "forecast signals"],
  ["deviations", (n) => signalSpec(n as never).form === "anomaly", "anomaly signals"],
  ["seasonality", (n) => signalSpec(n as never).form === "anomaly", "anomaly signals"],
  ["schedule", (n) => signalSpec(n as never).form === "threshold" && signalSpec(n as never).family !== "rum" && n !== "query", "threshold signals on metrics"],
  ["query", (n) => n === "query", "the query signal"],
  ["monitorType", (n) => n === "query", "the query signal"],
  ["filter", (n) => n !== "query", "every signal but query"],
];

export function normalizeAlert(raw: RawAlert, serviceRunbook: string, defaults: RawDefaults, site: Site): Alert | undefined {
  if (!isSignalName(raw.signal)) {
    site.report(["signal"], `unknown signal "${raw.signal}"; expected one of ${SIGNAL_NAMES.join(", ")}`);
    return undefined;
  }
  const signal = raw.signal;
  const spec = signalSpec(signal);
  let ok = true;
  const fail = (path: readonly PropertyKey[], message: string) => {
    site.report(path, message);
    ok = false;
  };

  for (const [key, takes, who] of PARAMETER_OWNERS) {
    if (raw[key] !== undefined && !takes(signal)) fail([key], `"${key}" applies to ${who} only, not to ${signal}`);
  }
  if (spec.percentile === "required" && raw.percentile === undefined) {
    fail([], `missing "percentile" for ${signal} (one of p50, p75, p90, p95, p99; latency alerts use percentiles, never averages)`);
  }
  if (signal === "query" && raw.query === undefined) fail([], `missing "query" for the query signal`);
  if (raw.query !== undefined && trailingComparison(raw.query) !== undefined) {
    fail(["query"], "expected the query without its comparison: write the threshold once, in critical");
  }

  // Metric roles: exactly those the signal reads.
  const roles = Object.keys(spec.metrics);
  const metrics = raw.metrics ?? {};
  for (const role of Object.keys(metrics)) {
    if (!roles.includes(role)) {
      fail(["metrics", role], roles.length === 0
        ? `${signal} reads no custom metric; remove "metrics"`
        : `unknown metric role "${role}" for ${signal}; expected ${roles.join(", ")}`);
    }
  }
  const missing = roles.filter((r) => metrics[r] === undefined);
  if (missing.length > 0) {
    fail(raw.metrics ? ["metrics"] : [], `missing metric${missing.length > 1 ? "s" : ""} ${missing.map((m) => `"${m}"`).join(", ")} for ${signal} (${roles.map((r) => `${r}: ${spec.metrics[r].description}`).join("; ")})`);
  }

  const comparison: Comparison = raw.comparison ?? spec.comparison;
  const kind: QuantityKind | "any" = spec.form === "anomaly" ? "percent" : signal === "metric" ? "any" : spec.quantity;
  const thresholds = readThresholds(raw, kind, comparison, spec.form === "change", fail);
  if (spec.form === "anomaly" && thresholds && (thresholds.critical.value <= 0 || thresholds.critical.value > 100)) {
    fail(["critical"], `expected the share of the alert window outside the band, above 0% and at most 100%, found "${thresholds.critical.text}"`);
  }

  // A scheduled alert evaluates the day so far: its window is the day (PF-DD-MON-7).
  const window = raw.window ?? (raw.schedule ? "1d" : defaults.alerts.window);
  const windowSeconds = durationSeconds(window);
  const windowPath = raw.window === undefined ? [] : ["window"];
  if (raw.schedule && windowSeconds !== 86_400) {
    fail(windowPath, `expected window 1d (or none) for a scheduled alert: it evaluates the day so far, found "${window}"`);
  } else if (windowSeconds < ALERT_WINDOW_SECONDS.min || windowSeconds > ALERT_WINDOW_SECONDS.max) {
    fail(windowPath, `expected a window from 1m to 1w, found "${window}"`);
  } else if (windowSeconds % 60 !== 0) {
    fail(windowPath, `expected a window in whole minutes, found "${window}"`);
  } else if (spec.form === "change" && !(CHANGE_WINDOWS as readonly string[]).includes(formatSeconds(windowSeconds))) {
    fail(windowPath, `expected a change window of ${CHANGE_WINDOWS.join(", ")} (Datadog's change alerts), found "${window}"`);
  } else if (spec.form === "anomaly" && (windowSeconds < ANOMALY_WINDOW_SECONDS.min || windowSeconds > ANOMALY_WINDOW_SECONDS.max)) {
    fail(windowPath, `expected an anomaly window from 15m to 1w (Datadog's anomaly trigger window, PF-DD-MON-3), found "${window}"`);
  }
  if (raw.sparse && raw.noData !== undefined && raw.noData !== "ignore") {
    fail(["noData"], `a sparse signal reports rarely, so missing data is expected; remove "noData: ${raw.noData}" or "sparse"`);
  }

  let compareToSeconds: number | undefined;
  if (spec.form === "change") {
    const compareTo = raw.compareTo ?? spec.compareTo ?? "1h";
    compareToSeconds = durationSeconds(compareTo);
    if (!(CHANGE_TIMESHIFTS as readonly string[]).includes(formatSeconds(compareToSeconds))) {
      fail(["compareTo"], `expected an earlier period of ${CHANGE_TIMESHIFTS.join(", ")}, found "${compareTo}"`);
    }
  }
  let horizonSeconds: number | undefined;
  if (spec.form === "forecast") {
    horizonSeconds = durationSeconds(raw.horizon ?? "1d");
    if (horizonSeconds < FORECAST_HORIZON_SECONDS.min || horizonSeconds > FORECAST_HORIZON_SECONDS.max || horizonSeconds % 3_600 !== 0) {
      fail(["horizon"], `expected a horizon of whole hours from 12h to 1w (Datadog's forecast monitors, PF-DD-MON-2), found "${raw.horizon}"`);
    }
  }

  const renotifyMinutes = raw.renotify === undefined ? undefined : raw.renotify === "never" ? 0 : durationSeconds(raw.renotify) / 60;
  if (renotifyMinutes !== undefined && renotifyMinutes !== 0 && (renotifyMinutes < 1 || renotifyMinutes > MAX_RENOTIFY_MINUTES || !Number.isInteger(renotifyMinutes))) {
    fail(["renotify"], `expected whole minutes from 1m to 30d, or never, found "${raw.renotify}"`);
  }
  const evaluationDelaySeconds = raw.evaluationDelay === undefined ? undefined : durationSeconds(raw.evaluationDelay);
  if (evaluationDelaySeconds !== undefined && evaluationDelaySeconds > 86_400) {
    fail(["evaluationDelay"], `expected at most 1d, found "${raw.evaluationDelay}"`);
  }

  if (!ok || !thresholds) return undefined;
  return {
    name: raw.name,
    ...(raw.renamedFrom !== undefined ? { renamedFrom: raw.renamedFrom } : {}),
    description: raw.description,
    signal,
    comparison,
    ...thresholds,
    windowSeconds,
    severity: raw.severity,
    runbook: raw.runbook ?? serviceRunbook,
    route: raw.route,
    page: raw.page,
    percentile: raw.percentile ?? (spec.percentile === "optional" && spec.family === "rum" ? "p75" : undefined),
    metrics: sortKeys(metrics),
    filter: [...(raw.filter ?? [])].sort(),
    aggregation: raw.aggregation,
    compareToSeconds,
    horizonSeconds,
    deviations: spec.form === "anomaly" ? (raw.deviations ?? 2) : undefined,
    seasonality: spec.form === "anomaly" ? (raw.seasonality ?? "weekly") : undefined,
    query: raw.query?.trim(),
    monitorType: signal === "query" ? (raw.monitorType ?? "query alert") : undefined,
    noData: raw.noData ?? (spec.noDataIsOutage ? "alert" : undefined),
    ...(raw.sparse ? { sparse: true } : {}),
    ...(raw.schedule ? { schedule: { at: raw.schedule.at, timezone: raw.schedule.timezone } } : {}),
    evaluationDelaySeconds,
    renotifyMinutes,
    source: site.source([]),
  };
}

interface Thresholds {
  readonly critical: Quantity;
  readonly warning?: Quantity;
  readonly recovery?: Quantity;
}

/**
 * Parses critical, warning and recovery, checks their unit against the signal's, and
 * their order in the alert's direction: warning fires before critical, recovery lies on
 * the good side of critical.
 */
function readThresholds(
  raw: { critical: string | number; warning?: string | number; recovery?: string | number },
  kind: QuantityKind | "any",
  comparison: Comparison,
  signed: boolean,
  fail: (path: readonly PropertyKey[], message: string) => void,
): Thresholds | undefined {
  const read = (key: "critical" | "warning" | "recovery"): Quantity | undefined | null => {
    const written = raw[key];
    if (written === undefined) return undefined;
    const q = parseQuantity(written);
    if (kind !== "any" && q.kind !== kind) {
      fail([key], `expected ${QUANTITY_EXAMPLES[kind]} for this signal, found "${q.text}"`);
      return null;
    }
    // A custom metric carries no unit Lookout could convert a duration or a rate into.
    if (kind === "any" && q.kind !== "number" && q.kind !== "percent") {
      fail([key], `expected a plain number or a percentage in the metric's own unit, found "${q.text}"`);
      return null;
    }
    if (!signed && q.value < 0) {
      fail([key], `expected a value of at least 0, found "${q.text}" (only change signals take negative values)`);
      return null;
    }
    if (q.kind === "percent" && !signed && q.value > 100) {
      fail([key], `expected a percentage of at most 100%, found "${q.text}"`);
      return null;
    }
    return q;
  };
  const critical = read("critical");
  const warning = read("warning");
  const recovery = read("recovery");
  if (critical === null || critical === undefined || warning === null || recovery === null) return undefined;
  const worse = (a: Quantity, b: Quantity) => (comparison === "above" ? a.value > b.value : a.value < b.value);
  if (warning && warning.kind === critical.kind && !worse(critical, warning)) {
    const side = comparison === "above" ? "below" : "above";
    fail(["warning"], `expected warning ${side} critical (${critical.text}) for an alert on values ${comparison} it, found "${warning.text}"`);
    return undefined;
  }
  if (recovery && recovery.kind === critical.kind && !worse(critical, recovery)) {
    const side = comparison === "above" ? "below" : "above";
    fail(["recovery"], `expected recovery ${side} critical (${critical.text}) so the alert can resolve, found "${recovery.text}"`);
    return undefined;
  }
  if (kind === "any" && ((warning && warning.kind !== critical.kind) || (recovery && recovery.kind !== critical.kind))) {
    fail([warning && warning.kind !== critical.kind ? "warning" : "recovery"], `expected the same unit as critical (${critical.text})`);
    return undefined;
  }
  return { critical, warning, recovery };
}

export function normalizeSlo(raw: RawSlo, defaults: RawDefaults, site: Site): Slo | undefined {
  let ok = true;
  const fail = (path: readonly PropertyKey[], message: string) => {
    site.report(path, message);
    ok = false;
  };
  const target = percent(raw.target);
  if (target <= 0 || target >= 100) fail(["target"], `expected a target above 0% and below 100%, found "${raw.target}"`);
  const warning = raw.warning === undefined ? undefined : percent(raw.warning);
  if (warning !== undefined && (warning <= target || warning >= 100)) {
    fail(["warning"], `expected a warning above the target (${raw.target}) and below 100%, found "${raw.warning}"`);
  }
  // The fastest an error budget can burn: every event bad; Datadog blocks a burn-rate alert above it (PF-DD-VX-2).
  const maxBurnRate = 100 / (100 - target);
  const burnRates: BurnRateAlert[] = [];
  defaults.slos.burnRates.forEach((b) => {
    const longWindowSeconds = durationSeconds(b.longWindow);
    const shortWindowSeconds = durationSeconds(b.shortWindow);
    if (b.factor > maxBurnRate) {
      fail(["target"], `the ${b.name} burn rate (${b.factor}×) exceeds the most this target can burn (${round(maxBurnRate)}× at ${raw.target}); lower the target or the factor`);
    }
    burnRates.push({
      name: b.name,
      factor: b.factor,
      longWindowSeconds,
      shortWindowSeconds,
      notify: b.notify,
      severity: b.notify === "page" ? raw.severity : defaults.slos.ticketSeverity,
    });
  });
  const sli: Sli = raw.sli.type === "http"
    ? { type: "http", route: raw.sli.route }
    : { type: "metrics", good: raw.sli.good, total: raw.sli.total, filter: [...(raw.sli.filter ?? [])].sort() };
  if (!ok) return undefined;
  return {
    name: raw.name,
    ...(raw.renamedFrom !== undefined ? { renamedFrom: raw.renamedFrom } : {}),
    description: raw.description,
    targetPercent: target,
    warningPercent: warning,
    timeframe: raw.timeframe ?? defaults.slos.timeframe,
    severity: raw.severity,
    sli,
    burnRates: [...burnRates].sort((a, b) => a.longWindowSeconds - b.longWindowSeconds || a.name.localeCompare(b.name)),
    source: site.source([]),
  };
}

/** Burn-rate tiers are checked once, where they are configured. */
export function checkBurnRates(defaults: RawDefaults, report: (path: readonly PropertyKey[], message: string) => void): void {
  const seen = new Set<string>();
  defaults.slos.burnRates.forEach((b, i) => {
    const path = ["defaults", "slos", "burnRates", i];
    if (seen.has(b.name)) report([...path, "name"], `duplicate burn-rate name "${b.name}"`);
    seen.add(b.name);
    const long = durationSeconds(b.longWindow);
    const short = durationSeconds(b.shortWindow);
    if (short >= long) report([...path, "shortWindow"], `expected a short window below the long one (${b.longWindow}), found "${b.shortWindow}"`);
    if (short < 60 || short % 60 !== 0) report([...path, "shortWindow"], `expected whole minutes of at least 1m, found "${b.shortWindow}"`);
    if (long % 3_600 !== 0 && long > 3_600) report([...path, "longWindow"], `expected whole hours, found "${b.longWindow}"`);
    if (long > 7 * 86_400) report([...path, "longWindow"], `expected at most 1w, found "${b.longWindow}"`);
  });
}

export function normalizeSentry(raw: RawSentry, serviceName: string, site: Site): SentryProject | undefined {
  let ok = true;
  const fail = (path: readonly PropertyKey[], message: string) => {
    site.report(path, message);
    ok = false;
  };
  const issueAlerts: SentryIssueAlert[] = raw.issueAlerts.map((a, i) => {
    const path = ["issueAlerts", i];
    if (a.when === "frequency") {
      if (a.count === undefined) fail(path, `missing "count" for a frequency alert`);
      if (a.interval === undefined) fail(path, `missing "interval" for a frequency alert`);
    } else {
      const hint = a.when === "any-event" ? ` (any-event fires on every event, the first included)` : "";
      if (a.count !== undefined) fail([...path, "count"], `"count" applies to frequency alerts only${hint}`);
      if (a.interval !== undefined) fail([...path, "interval"], `"interval" applies to frequency alerts only${hint}`);
    }
    const notifyEveryMinutes = durationSeconds(a.notifyEvery ?? "30m") / 60;
    if (notifyEveryMinutes < 5 || notifyEveryMinutes > 43_200 || !Number.isInteger(notifyEveryMinutes)) {
      fail([...path, "notifyEvery"], `expected whole minutes from 5m to 30d (Sentry's action interval), found "${a.notifyEvery}"`);
    }
    return {
      name: a.name,
      when: a.when,
      count: a.count,
      interval: a.interval,
      tags: sortKeys(a.tags ?? {}),
      message: a.message,
      level: a.level,
      severity: a.severity,
      notifyEveryMinutes,
      source: site.source(path),
    };
  });
  const metricAlerts: SentryMetricAlert[] = [];
  raw.metricAlerts.forEach((a, i) => {
    const path = ["metricAlerts", i];
    const at = (p: readonly PropertyKey[], message: string) => fail([...path, ...p], message);
    const kind: QuantityKind = a.signal === "failure-rate" ? "percent" : a.signal === "latency" ? "duration" : "number";
    const comparison = a.comparison ?? "above";
    if (a.percentile !== undefined && a.signal !== "latency") at(["percentile"], `"percentile" applies to the latency signal only`);
    const thresholds = readThresholds(a, kind, comparison, false, at);
    const windowSeconds = durationSeconds(a.window);
    const windowMinutes = windowSeconds / 60;
    if (!(SENTRY_WINDOW_MINUTES as readonly number[]).includes(windowMinutes)) {
      at(["window"], `expected a window of ${SENTRY_WINDOW_MINUTES.map((m) => formatSeconds(m * 60)).join(", ")} (Sentry's metric alerts), found "${a.window}"`);
    } else if (a.signal !== "error-count" && windowMinutes < SPAN_ALERT_MIN_WINDOW_MINUTES) {
      // PF-SEN-2: span-based (events_analytics_platform) alerts evaluate windows of 5 minutes or more.
      at(["window"], `expected a window of at least 5m for a ${a.signal} alert (Sentry's span-based alerts), found "${a.window}"`);
    }
    if (!thresholds) return;
    metricAlerts.push({
      name: a.name,
      signal: a.signal,
      percentile: a.signal === "latency" ? (a.percentile ?? "p95") : undefined,
      query: a.query ?? "",
      comparison,
      ...thresholds,
      windowMinutes,
      severity: a.severity,
      source: site.source(path),
    });
  });
  if (!ok) return undefined;
  const byName = <T extends { name: string }>(list: readonly T[]) => [...list].sort((x, y) => x.name.localeCompare(y.name));
  return {
    slug: raw.project ?? serviceName,
    platform: raw.platform,
    issueAlerts: byName(issueAlerts),
    metricAlerts: byName(metricAlerts),
    source: site.source([]),
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function sortKeys<V>(record: Readonly<Record<string, V>>): Record<string, V> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
