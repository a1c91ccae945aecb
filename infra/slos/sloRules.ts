/**
 * Catalog SLOs → Datadog SLO and burn-rate alert arguments. Pure functions, typed
 * against the provider SDK: the error-budget math, the SLI queries, the SLO itself and
 * its multi-window, multi-burn-rate alerts (Google SRE workbook ch. 5).
 *
 * Every threshold is computed once, as a number, and written from that one value into
 * both the query and `monitorThresholds` (Datadog rejects a monitor whose two disagree).
 */
import type * as datadog from "@pulumi/datadog";
import * as pulumi from "@pulumi/pulumi";
import type { input } from "@pulumi/datadog/types";
import type { BurnRateAlert, Service, Sli, Slo } from "../../catalog/model";
import { formatNumber, lastWindow, routeTag, scope } from "../../catalog/alertQueries";
import { durationSeconds, formatSeconds } from "../../catalog/units";
import { monitorPriority, notificationMessage, standardTags } from "../notify/conventions";

// ---------------------------------------------------------------- error-budget math

/** Rounds away binary floating-point noise: 10 significant digits (0.0010000000000000002 → 0.001). */
export function precise(value: number): number {
  return Number(value.toPrecision(10));
}

/** An SLO timeframe in seconds: `30d` → 2,592,000. */
export function timeframeSeconds(timeframe: Slo["timeframe"]): number {
  return durationSeconds(timeframe);
}

/**
 * The error budget as a fraction of all events: the share that may be bad.
 * `errorBudget(99.9)` → 0.001.
 */
export function errorBudget(targetPercent: number): number {
  return precise((100 - targetPercent) / 100);
}

/**
 * The fastest the budget can burn, when every event is bad: 1 / (1 − target), the
 * highest burn rate Datadog lets a burn-rate alert take (PF-DD-VX-2).
 * `maxBurnRate(99.9)` → 1000.
 */
export function maxBurnRate(targetPercent: number): number {
  return precise(1 / errorBudget(targetPercent));
}

/**
 * The share of the whole period's budget gone once the alert fires: burning `factor`
 * times faster than allowed for the long window uses factor × long / period of it.
 * `budgetConsumed(14.4, 3600, "30d")` → 0.02 (2 %).
 */
export function budgetConsumed(factor: number, longWindowSeconds: number, timeframe: Slo["timeframe"]): number {
  return precise((factor * longWindowSeconds) / timeframeSeconds(timeframe));
}

/**
 * The error rate (bad / total) at which the budget burns `factor` times faster than
 * allowed: factor × budget. `errorRateAt(14.4, 99.9)` → 0.0144.
 */
export function errorRateAt(factor: number, targetPercent: number): number {
  return precise(factor * errorBudget(targetPercent));
}

// ---------------------------------------------------------------- SLI queries

/** Good and total events, as Datadog metric queries (`query.numerator`, `query.denominator`). */
export interface SliQuery {
  readonly numerator: string;
  readonly denominator: string;
}

/**
 * The SLI's good and total events. http: requests without a server error
 * (`trace.<op>.hits − trace.<op>.errors`) over all requests, optionally of one route;
 * metrics: the two count metrics, narrowed by the SLI's tag filters.
 */
export function sliQuery(environment: string, service: Service, sli: Sli): SliQuery {
  if (sli.type === "http") {
    const tags = scope(environment, service, sli.route === undefined ? [] : [routeTag(sli.route)]);
    const hits = `sum:trace.${service.apmOperation}.hits${tags}.as_count()`;
    const errors = `sum:trace.${service.apmOperation}.errors${tags}.as_count()`;
    return { numerator: `${hits} - ${errors}`, denominator: hits };
  }
  const tags = scope(environment, service, sli.filter);
  return { numerator: `sum:${sli.good}${tags}.as_count()`, denominator: `sum:${sli.total}${tags}.as_count()` };
}

/** Bad events, total − good, for error-ratio monitors. */
export function badEventsQuery(query: SliQuery): string {
  return `${query.denominator} - (${query.numerator})`;
}

/** The SLI in words, for descriptions. */
export function describeSli(sli: Sli): string {
  if (sli.type === "http") {
    const what = sli.route === undefined ? "requests" : `${sli.route} requests`;
    return `share of ${what} without a server error (APM hits − errors over hits)`;
  }
  const filter = sli.filter.length > 0 ? ` where ${sli.filter.join(", ")}` : "";
  return `share of good events (${sli.good} over ${sli.total}${filter})`;
}

// ---------------------------------------------------------------- the SLO

/** The timeframe every SLO also shows, so the 7-day view the guides ask about exists. */
export const WEEK_TIMEFRAME = "7d";

/** `[prod] api checkout`: the SLO's name, and the prefix of its alerts' names. */
export function sloTitle(environment: string, service: Service, slo: Slo): string {
  return `[${environment}] ${service.name} ${slo.name}`;
}

/**
 * A metric (count-based) SLO: good / total events, the target over its timeframe, and
 * the same target over 7 days when the timeframe is longer.
 */
export function sloArgs(environment: string, service: Service, slo: Slo): datadog.ServiceLevelObjectiveArgs {
  const threshold = (timeframe: string): input.ServiceLevelObjectiveThreshold => ({
    timeframe,
    target: slo.targetPercent,
    ...(slo.warningPercent === undefined ? {} : { warning: slo.warningPercent }),
  });
  const timeframes = slo.timeframe === WEEK_TIMEFRAME ? [slo.timeframe] : [WEEK_TIMEFRAME, slo.timeframe];
  const summary = `${describeSli(slo.sli)}; target ${slo.targetPercent}% over ${slo.timeframe}.`;
  return {
    name: sloTitle(environment, service, slo),
    type: "metric",
    description: slo.description === undefined ? capitalize(summary) : `${slo.description} (${summary})`,
    query: { ...sliQuery(environment, service, slo.sli) },
    timeframe: slo.timeframe,
    targetThreshold: slo.targetPercent,
    ...(slo.warningPercent === undefined ? {} : { warningThreshold: slo.warningPercent }),
    thresholds: timeframes.map(threshold),
    tags: standardTags(environment, service, slo.severity),
  };
}

// ---------------------------------------------------------------- burn-rate alerts

/** Datadog's burn-rate alerts take a long window of 1 h to 48 h. */
export const BURN_RATE_LONG_WINDOW_SECONDS = { min: 3_600, max: 48 * 3_600 } as const;

/**
 * Whether a tier fits a Datadog burn-rate (`slo alert`) monitor. The rest (the SRE
 * workbook's 1× over 3 d / 6 h) become two error-ratio monitors and a composite.
 */
export function fitsBurnRateAlert(tier: BurnRateAlert): boolean {
  return tier.longWindowSeconds >= BURN_RATE_LONG_WINDOW_SECONDS.min && tier.longWindowSeconds <= BURN_RATE_LONG_WINDOW_SECONDS.max;
}

/**
 * A burn-rate alert's long window, as Datadog documents it: whole hours, `1h` to `48h`
 * (PF-DD-MON-8). 3600 → `1h`, 86400 → `24h`.
 */
export function longWindow(seconds: number): string {
  if (seconds % 3_600 === 0) return `${seconds / 3_600}h`;
  throw new Error(`a burn-rate long window must be whole hours, found ${seconds}s`);
}

/**
 * A burn-rate alert's short window, in minutes as Datadog documents it (`5m`, `30m`,
 * `120m`: PF-DD-MON-8). 7200 → `120m`.
 */
export function shortWindow(seconds: number): string {
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  throw new Error(`a burn-rate short window must be whole minutes, found ${seconds}s`);
}

function percentText(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(3))}%`;
}

/**
 * The alert's condition in words: "burning the error budget 14.4× faster than allowed
 * over 1h and 5m: 2% of the 30-day budget gone (error rate above 1.44% against 99.9%)".
 */
export function describeBurnRate(slo: Slo, tier: BurnRateAlert): string {
  const days = timeframeSeconds(slo.timeframe) / 86_400;
  return (
    `burning the error budget ${formatNumber(tier.factor)}× faster than allowed` +
    ` over ${formatSeconds(tier.longWindowSeconds)} and ${formatSeconds(tier.shortWindowSeconds)}:` +
    ` ${percentText(budgetConsumed(tier.factor, tier.longWindowSeconds, slo.timeframe))} of the ${days}-day budget gone` +
    ` (error rate above ${percentText(errorRateAt(tier.factor, slo.targetPercent))} against a ${slo.targetPercent}% target)`
  );
}

/** `[prod] api checkout burn rate fast`. */
export function burnRateTitle(environment: string, service: Service, slo: Slo, tier: BurnRateAlert): string {
  return `${sloTitle(environment, service, slo)} burn rate ${tier.name}`;
}

function burnRateTags(environment: string, service: Service, slo: Slo, tier: BurnRateAlert): string[] {
  // The windows and factor as tags too: in a preview the query (it names the SLO's ID) is unknown,
  // and reviewers' reports read them here.
  return [
    ...standardTags(environment, service, tier.severity),
    `slo:${slo.name}`,
    `burn-rate:${tier.name}`,
    `burn-factor:${formatNumber(tier.factor)}`,
    `long-window:${formatSeconds(tier.longWindowSeconds)}`,
    `short-window:${formatSeconds(tier.shortWindowSeconds)}`,
  ];
}

/** What notifies: message (condition, severity, runbook), priority and tags. */
function notifyingParts(environment: string, service: Service, slo: Slo, tier: BurnRateAlert) {
  const name = burnRateTitle(environment, service, slo, tier);
  return {
    name,
    message: notificationMessage({ title: name, condition: describeBurnRate(slo, tier), service, severity: tier.severity }),
    priority: String(monitorPriority(tier.severity)),
    tags: burnRateTags(environment, service, slo, tier),
  };
}

/**
 * A Datadog burn-rate alert for a tier whose long window is 1–48 h:
 * `burn_rate("<id>").over("30d").long_window("1h").short_window("5m") > 14.4`, with
 * `monitorThresholds.critical` the same factor.
 */
export function burnRateMonitorArgs(
  environment: string,
  service: Service,
  slo: Slo,
  sloId: pulumi.Input<string>,
  tier: BurnRateAlert,
): datadog.MonitorArgs {
  if (!fitsBurnRateAlert(tier)) {
    throw new Error(
      `burn-rate tier "${tier.name}" has a long window of ${formatSeconds(tier.longWindowSeconds)}, outside Datadog's 1h–48h; ` +
        `use errorRatioMonitorArgs and burnRateCompositeArgs`,
    );
  }
  const factor = formatNumber(tier.factor);
  return {
    ...notifyingParts(environment, service, slo, tier),
    type: "slo alert",
    query: pulumi.interpolate`burn_rate("${sloId}").over("${slo.timeframe}").long_window("${longWindow(tier.longWindowSeconds)}").short_window("${shortWindow(tier.shortWindowSeconds)}") > ${factor}`,
    monitorThresholds: { critical: factor },
  };
}

export type BurnRateWindow = "long" | "short";

/**
 * For a tier Datadog's burn-rate alert cannot hold: the SLI's error ratio (bad / total)
 * over one of the tier's windows above factor × budget. It carries no notification
 * handles and no priority: the composite over both windows notifies.
 */
export function errorRatioMonitorArgs(
  environment: string,
  service: Service,
  slo: Slo,
  tier: BurnRateAlert,
  window: BurnRateWindow,
): datadog.MonitorArgs {
  const seconds = window === "long" ? tier.longWindowSeconds : tier.shortWindowSeconds;
  const threshold = formatNumber(errorRateAt(tier.factor, slo.targetPercent));
  const sli = sliQuery(environment, service, slo.sli);
  const composite = burnRateTitle(environment, service, slo, tier);
  return {
    name: `${composite} (${window} window, ${formatSeconds(seconds)})`,
    type: "query alert",
    // The window in the documented grammar (PF-DD-MON-4): 3 days is last_72h.
    query: `sum(${lastWindow(seconds)}):(${badEventsQuery(sli)}) / (${sli.denominator}) > ${threshold}`,
    monitorThresholds: { critical: threshold },
    requireFullWindow: false,
    message: [
      `Error ratio of ${slo.name} over ${formatSeconds(seconds)} above ${percentText(errorRateAt(tier.factor, slo.targetPercent))}` +
        ` (${formatNumber(tier.factor)}× the ${slo.targetPercent}% target's budget).`,
      `One half of the composite monitor "${composite}", which notifies; this monitor does not.`,
      `Runbook: ${service.runbook}`,
    ].join("\n"),
    // env/service/team like every monitor: downtimes select the composite's halves by tag (PF-DD-MON-9).
    tags: [...burnRateTags(environment, service, slo, tier), `window:${window}`],
  };
}

/**
 * The composite that alerts when both error-ratio monitors of a tier do: the multi-window
 * condition, with the tier's message, priority and tags.
 */
export function burnRateCompositeArgs(
  environment: string,
  service: Service,
  slo: Slo,
  tier: BurnRateAlert,
  longMonitorId: pulumi.Input<string>,
  shortMonitorId: pulumi.Input<string>,
): datadog.MonitorArgs {
  return {
    ...notifyingParts(environment, service, slo, tier),
    type: "composite",
    query: pulumi.interpolate`${longMonitorId} && ${shortMonitorId}`,
  };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
