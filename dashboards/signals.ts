/**
 * What the catalog declares, as series a dashboard can draw: each alert's signal (its
 * monitor's query without the evaluation window and comparison, with the warning and
 * critical thresholds in the query's own unit, straight from `compileAlert`), each
 * endpoint's uptime and response time, and the core web vitals of services measured
 * with RUM. The dashboards draw nothing else, and `declaredQueries` is what the model
 * check holds every generated panel's query against.
 */
import { durationSeconds, formatExpr, formatSearchSeries, GRAFANA_UNITS, type Expr, type MonitorQuery, type Series as QuerySeries } from "../queries";
import { compileAlert } from "../catalog/alertQueries";
import { describeAlert } from "../catalog/describeAlert";
import type { Alert, Catalog, Comparison, Endpoint, Service, Severity } from "../catalog/model";
import { signalSpec, type SignalName } from "../catalog/signals";
import { formatSeconds, parseQuantity } from "../catalog/units";
import type { DatadogQueryType } from "./queries";

export interface Series {
  /** Unique within its service: `alert/<name>`, `endpoint/<name>/uptime`, `vitals/lcp`. */
  readonly key: string;
  readonly service: string;
  /** Panel title. */
  readonly title: string;
  /** What the series shows and where its thresholds come from, in words. */
  readonly description: string;
  /** The catalog signal (`http.latency` …), or the check an endpoint declares (`synthetics.uptime`, `synthetics.response-time`). */
  readonly signal: string;
  readonly queryType: DatadogQueryType;
  readonly query: string;
  /** Grafana's unit of the query's values. */
  readonly unit: string;
  /** The alert's lines, in the query's unit; absent when nothing is drawn. */
  readonly thresholds?: SeriesThresholds;
  readonly severity?: Severity;
}

export interface SeriesThresholds {
  /** The bad direction. */
  readonly comparison: Comparison;
  readonly critical: number;
  readonly warning?: number;
}

/** An endpoint check's series: not a monitor signal, the synthetics test's own metrics. */
export const UPTIME_SIGNAL = "synthetics.uptime";
export const RESPONSE_TIME_SIGNAL = "synthetics.response-time";

/**
 * Core web vitals and their "good" bounds: 002 "User Experience Metrics" (page_load_times
 * thresholds LCP 2.5s, FID 100ms, CLS 0.1), the same targets as 000 "1. Performance
 * Metrics" and 001 §2 "Vercel Analytics". Measured at p75, Google's web-vitals convention.
 */
export const WEB_VITAL_TARGETS: readonly { readonly signal: SignalName; readonly name: string; readonly target: string }[] = [
  { signal: "rum.lcp", name: "LCP", target: "2.5s" },
  { signal: "rum.fid", name: "FID", target: "100ms" },
  { signal: "rum.cls", name: "CLS", target: "0.1" },
];

/**
 * One alert as a series: the monitor's query and thresholds (`compileAlert`), graphed
 * over time. Undefined for a monitor Grafana cannot graph (a raw `query` of a log, trace
 * or event monitor): its panel is left out rather than drawn wrong.
 */
export function alertSeries(environment: string, service: Service, alert: Alert): Series | undefined {
  const compiled = compileAlert(environment, service, alert);
  const spec = signalSpec(alert.signal);
  const graphable = compiled.model && seriesQuery(compiled.model, compiled.type, alert);
  if (!graphable) return undefined;
  const { queryType, query } = graphable;
  const anomaly = spec.form === "anomaly";
  const number = (text: string | undefined) => (text === undefined ? undefined : Number(text));
  const describe = alert.description ? `${describeAlert(alert)}. ${alert.description}` : describeAlert(alert);
  return {
    key: `alert/${alert.name}`,
    service: service.name,
    title: `${alert.name} (${alert.severity})`,
    description:
      `${describe}. Monitor [${environment}] ${service.name} ${alert.name}, signal ${alert.signal}` +
      (anomaly ? "; the anomaly band is its bound, so no line is drawn." : "; lines at its warning and critical thresholds."),
    signal: alert.signal,
    queryType,
    query,
    unit: GRAFANA_UNITS[compiled.unit],
    ...(anomaly
      ? {}
      : {
          thresholds: {
            comparison: alert.comparison,
            critical: Number(compiled.thresholds.critical),
            ...(compiled.thresholds.warning !== undefined ? { warning: number(compiled.thresholds.warning) } : {}),
          },
        }),
    severity: alert.severity,
  };
}

/** The series with one more method: `S.rollup(sum, 300)`; undefined when `expr` is not one series. */
function rolledUp(expr: Expr, method: "sum" | "avg", seconds: number): QuerySeries | undefined {
  return expr.kind === "series" ? { ...expr, methods: [...expr.methods, { kind: "rollup", method, seconds }] } : undefined;
}

/**
 * The graphable part of a monitor query: `sum(last_5m):a / b * 100 > 1` → `a / b * 100`.
 * Change monitors become the change itself, `100 * (S / timeshift(S, -period) - 1)`, so
 * their % thresholds apply; a count compared per window is rolled up per window, so the
 * line and the count mean the same thing. Undefined for a query of another shape (the
 * tests graph one alert of every signal, so a compiler change cannot drop panels unseen).
 */
export function seriesQuery(model: MonitorQuery, monitorType: string, alert: Alert): { queryType: DatadogQueryType; query: string } | undefined {
  const spec = signalSpec(alert.signal);
  if (monitorType === "rum alert") {
    return model.kind === "search" && model.source === "rum" ? { queryType: "rum", query: formatSearchSeries(model) } : undefined;
  }
  if (monitorType !== "query alert" || model.kind !== "metric") return undefined;
  const { evaluation, expression } = model;
  if (spec.form === "change") {
    if (evaluation.kind !== "change" || evaluation.change !== "pct_change" || evaluation.window.kind !== "last" || evaluation.shift.kind !== "last") return undefined;
    if (evaluation.aggregation !== "sum" && evaluation.aggregation !== "avg") return undefined;
    const series = rolledUp(expression, evaluation.aggregation, alert.windowSeconds);
    if (!series) return undefined;
    const shifted: Expr = { kind: "call", name: "timeshift", args: [{ kind: "expr", value: series }, { kind: "expr", value: { kind: "number", value: -durationSeconds(evaluation.shift.duration) } }] };
    const ratio: Expr = { kind: "binary", op: "-", left: { kind: "binary", op: "/", left: series, right: shifted }, right: { kind: "number", value: 1 } };
    return { queryType: "metrics", query: formatExpr({ kind: "binary", op: "*", left: { kind: "number", value: 100 }, right: { kind: "group", inner: ratio, padded: false } }) };
  }
  if (evaluation.kind !== "window") return undefined;
  if (spec.form === "forecast") return evaluation.window.kind === "next" ? { queryType: "metrics", query: formatExpr(expression) } : undefined;
  if (evaluation.window.kind !== "last") return undefined;
  if (spec.form === "anomaly") {
    if (expression.kind !== "call" || expression.name !== "anomalies") return undefined;
    return { queryType: "metrics", query: formatExpr({ ...expression, args: expression.args.slice(0, 3) }) };
  }
  // A count compared per window: summed per window.
  const counted = expression.kind === "series" && expression.space === "sum" && expression.groupBy.length === 0 && expression.methods.at(-1)?.kind === "as_count";
  const series = counted ? rolledUp(expression, "sum", alert.windowSeconds) : undefined;
  return { queryType: "metrics", query: formatExpr(series ?? expression) };
}

/** A URL as the `url:` tag of Datadog's synthetics metrics (tag normalization: lower case, no `?`, `=`, `&` …). */
export function urlTag(url: string): string {
  return `url:${url.trim().toLowerCase().replace(/[^a-z0-9_\-:./]+/g, "_").replace(/_+/g, "_").replace(/_$/, "")}`;
}

/** An endpoint's checks: the share of its synthetics runs that passed, and its response time with the check's bound. */
export function endpointSeries(service: Service, endpoint: Endpoint): Series[] {
  const scope = `{${urlTag(endpoint.request.url)}}`;
  const passed = `{${urlTag(endpoint.request.url)},status:success}`;
  const target = `${endpoint.request.method} ${endpoint.request.url}`;
  const bound = endpoint.expect.responseTimeMs;
  return [
    {
      key: `endpoint/${endpoint.name}/uptime`,
      service: service.name,
      title: `${endpoint.name} uptime`,
      description: `Share of the synthetics runs of ${target} that passed (expects ${endpoint.expect.status}; ${endpoint.severity} when down for ${formatSeconds(endpoint.downAfterSeconds)}).`,
      signal: UPTIME_SIGNAL,
      queryType: "metrics",
      query: `sum:synthetics.test_runs${passed}.as_count() / sum:synthetics.test_runs${scope}.as_count() * 100`,
      unit: "percent",
      severity: endpoint.severity,
    },
    {
      key: `endpoint/${endpoint.name}/response-time`,
      service: service.name,
      title: `${endpoint.name} response time`,
      description:
        `Response time of ${target} from each synthetics location` +
        (bound !== undefined ? `; the line is the check's bound (expect.responseTime ${formatSeconds(bound / 1000)}).` : "."),
      signal: RESPONSE_TIME_SIGNAL,
      queryType: "metrics",
      query: `avg:synthetics.http.response.time${scope}`,
      unit: "ms",
      ...(bound !== undefined ? { thresholds: { comparison: "above" as const, critical: bound } } : {}),
      severity: endpoint.severity,
    },
  ];
}

/** Whether the service is measured with Datadog RUM (some alert names a rum.* signal). */
export function usesRum(service: Service): boolean {
  return service.alerts.some((a) => signalSpec(a.signal).family === "rum");
}

/**
 * The core web vitals of a RUM-measured service against their targets, compiled as the
 * alerts of the same signals would be (p75 over the whole service), so units and queries
 * are `compileAlert`'s, not re-derived.
 */
export function webVitalSeries(environment: string, service: Service): Series[] {
  if (!usesRum(service)) return [];
  return WEB_VITAL_TARGETS.map(({ signal, name, target }) => {
    const critical = parseQuantity(target);
    const alert: Alert = {
      name: `web-vitals-${name.toLowerCase()}`,
      signal,
      comparison: "above",
      critical,
      windowSeconds: 300,
      severity: "P3",
      runbook: service.runbook,
      percentile: "p75",
      metrics: {},
      filter: [],
      source: service.source,
    };
    const series = alertSeries(environment, service, alert);
    if (!series) throw new Error(`web vital ${name} of ${service.name} did not compile to a RUM query`);
    return {
      ...series,
      key: `vitals/${name.toLowerCase()}`,
      title: `${name} (p75, target ${critical.text})`,
      description: `${name} of ${service.name}'s page views at p75 against its ${critical.text} target (002 "User Experience Metrics": core web vitals; 000 "1. Performance Metrics"; 001 §2).`,
      severity: undefined,
    };
  });
}

/** Everything a service declares that a dashboard can draw, in catalog-name order. */
export function serviceSeries(environment: string, service: Service): Series[] {
  return [
    ...service.endpoints.flatMap((e) => endpointSeries(service, e)),
    ...service.alerts.flatMap((a) => alertSeries(environment, service, a) ?? []),
    ...webVitalSeries(environment, service),
  ];
}

/** `<queryType>:<query>` of every series the catalog declares: what generated panels may query. */
export function declaredQueries(catalog: Catalog): Set<string> {
  const queries = new Set<string>();
  for (const service of catalog.services) {
    for (const s of serviceSeries(catalog.environment, service)) queries.add(queryKey(s.queryType, s.query));
  }
  return queries;
}

export function queryKey(queryType: string, query: string): string {
  return `${queryType}:${query}`;
}
