/**
 * The normalized catalog: what components read. Durations are numbers with their
 * unit in the field name, defaults are applied, every record knows where in which
 * file it was written. Produced only by `loadCatalog`, frozen.
 */

import type { Comparison, Percentile, SignalName } from "./signals";
import type { Quantity } from "./units";
import type { Backup, LogRetention, StatusPage } from "./modelStorage";
import type { GrafanaSettings } from "./modelDashboards";
import type { RawQueryAlertModel } from "./rawAlerts";
import type { Severity, SourceRef } from "./modelShared";

export type { Comparison, Percentile, SignalName } from "./signals";
export type { Quantity } from "./units";
export type * from "./modelStorage";
export type * from "./modelDashboards";
export * from "./modelShared";

export type BodyOperator = "==" | "!=" | "<" | "<=" | ">" | ">=" | "contains" | "matches" | "exists";

export interface BodyAssertion {
  readonly path: string;
  readonly operator: BodyOperator;
  /** The expected value, unquoted (absent for `exists`). */
  readonly value?: string;
}

export interface Expectation {
  readonly status: number;
  readonly responseTimeMs?: number;
  readonly body: readonly BodyAssertion[];
  readonly headers: Readonly<Record<string, string>>;
}

export interface HttpRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeoutSeconds: number;
}

export interface Retry {
  readonly count: number;
  readonly intervalMs: number;
}

export interface Endpoint {
  readonly name: string;
  /** The previous name (`renamedFrom`): its resources get aliases for the old names. */
  readonly renamedFrom?: string;
  readonly description?: string;
  readonly request: HttpRequest;
  readonly intervalSeconds: number;
  readonly locations: readonly string[];
  readonly expect: Expectation;
  readonly severity: Severity;
  /** How long the check must fail before it alerts (Datadog `min_failure_duration`). */
  readonly downAfterSeconds: number;
  readonly minLocationsFailed: number;
  readonly retry: Retry;
  readonly statusComponent?: string;
  /** Whether this endpoint's https host gets a certificate check (catalog `tls`, default true). */
  readonly checkTls: boolean;
  readonly source: SourceRef;
}

export interface JourneyStep {
  readonly name: string;
  readonly request: HttpRequest;
  readonly expect: Expectation;
  readonly extract: Readonly<Record<string, string>>;
}

export interface Journey {
  readonly name: string;
  /** The previous name (`renamedFrom`): its resources get aliases for the old names. */
  readonly renamedFrom?: string;
  readonly description?: string;
  readonly intervalSeconds: number;
  readonly locations: readonly string[];
  readonly maxDurationSeconds: number;
  /** Target share of successful runs, as a percentage (99 for 99 %). */
  readonly successRatePercent: number;
  readonly severity: Severity;
  readonly steps: readonly JourneyStep[];
  readonly source: SourceRef;
}

/** One certificate-expiry check per host, owned by one service. */
export interface TlsCheck {
  readonly host: string;
  readonly port: number;
  readonly warnDays: number;
  readonly intervalSeconds: number;
  readonly locations: readonly string[];
  /** `defaults.tls.severity`. */
  readonly severity: Severity;
  readonly source: SourceRef;
}

/**
 * A Datadog monitor on a signal. Thresholds are written once; the query's comparison
 * and the monitor's thresholds are both derived from them.
 */
export interface Alert {
  readonly name: string;
  /** The previous name (`renamedFrom`): its resources get aliases for the old names. */
  readonly renamedFrom?: string;
  readonly description?: string;
  readonly signal: SignalName;
  readonly comparison: Comparison;
  readonly critical: Quantity;
  readonly warning?: Quantity;
  readonly recovery?: Quantity;
  readonly windowSeconds: number;
  readonly severity: Severity;
  /** The alert's runbook, or else the service's. */
  readonly runbook: string;
  /** HTTP signals: one route, `POST /api/payments/charge`. */
  readonly route?: string;
  /** RUM signals: one page (URL path). */
  readonly page?: string;
  /** Latency signals (and RUM vitals, default p75). */
  readonly percentile?: Percentile;
  /** Custom metrics by the signal's roles. */
  readonly metrics: Readonly<Record<string, string>>;
  /** Extra tag filters, sorted. */
  readonly filter: readonly string[];
  /** signal `metric`: the window's aggregation. */
  readonly aggregation?: "avg" | "min" | "max" | "sum";
  /** Change signals: the earlier period compared against. */
  readonly compareToSeconds?: number;
  /** Forecast signals: how far ahead. */
  readonly horizonSeconds?: number;
  /** Anomaly signals: the band's width in deviations. */
  readonly deviations?: number;
  /** Anomaly signals: the cycle the expected band follows (PF-DD-MON-3). */
  readonly seasonality?: "hourly" | "daily" | "weekly";
  /** signal `query`: the raw query, without its comparison. */
  readonly query?: string;
  readonly monitorType?: string;
  /**
   * What missing data is, as the catalog (or the signal) says: `alert` an outage, `notify`
   * a broken signal to report in chat, `ignore` nothing to report. Undefined: decided by
   * the route (a paging monitor reports it, PF-DD-MON-6).
   */
  readonly noData?: "alert" | "notify" | "ignore";
  /** The metric reports rarely (a once-a-day gauge): no full window, no missing-data report (PF-DD-MON-5). */
  readonly sparse?: boolean;
  /**
   * Evaluated once a day at `at` over the day so far (a cumulative window from midnight in
   * `timezone`), not over a rolling window every minute (PF-DD-MON-7).
   */
  readonly schedule?: { readonly at: string; readonly timezone: string };
  readonly evaluationDelaySeconds?: number;
  /** Minutes between re-notifications; 0 never; undefined: the severity's default. */
  readonly renotifyMinutes?: number;
  readonly source: SourceRef;
}

/** One multi-window burn-rate alert of an SLO. */
export interface BurnRateAlert {
  readonly name: string;
  readonly factor: number;
  readonly longWindowSeconds: number;
  readonly shortWindowSeconds: number;
  readonly severity: Severity;
  /** page or ticket, as configured. */
  readonly notify: "page" | "ticket";
}

export type Sli =
  | { readonly type: "http"; readonly route?: string }
  | { readonly type: "metrics"; readonly good: string; readonly total: string; readonly filter: readonly string[] };

export interface Slo {
  readonly name: string;
  /** The previous name (`renamedFrom`): its resources get aliases for the old names. */
  readonly renamedFrom?: string;
  readonly description?: string;
  /** The objective as a percentage (99.9). */
  readonly targetPercent: number;
  readonly warningPercent?: number;
  readonly timeframe: "7d" | "30d" | "90d";
  readonly severity: Severity;
  readonly sli: Sli;
  readonly burnRates: readonly BurnRateAlert[];
  readonly source: SourceRef;
}

export interface SentryIssueAlert {
  readonly name: string;
  readonly when: "any-event" | "new-issue" | "regression" | "frequency";
  readonly count?: number;
  /** Sentry's interval text: 1m, 5m, 15m, 1h, 1d, 1w, 30d. */
  readonly interval?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly message?: string;
  readonly level?: "fatal" | "error" | "warning" | "info" | "debug";
  readonly severity: Severity;
  /** Minutes between notifications about one issue. */
  readonly notifyEveryMinutes: number;
  readonly source: SourceRef;
}

export interface SentryMetricAlert {
  readonly name: string;
  readonly signal: "failure-rate" | "latency" | "error-count";
  readonly percentile?: Percentile;
  readonly query: string;
  readonly comparison: Comparison;
  readonly critical: Quantity;
  readonly warning?: Quantity;
  readonly recovery?: Quantity;
  readonly windowMinutes: number;
  readonly severity: Severity;
  readonly source: SourceRef;
}

export interface SentryProject {
  readonly slug: string;
  readonly platform: string;
  readonly issueAlerts: readonly SentryIssueAlert[];
  readonly metricAlerts: readonly SentryMetricAlert[];
  readonly source: SourceRef;
}

/** A Slack channel as Datadog's Slack integration knows it. */
export interface SlackTarget {
  readonly account: string;
  /** With its `#`. */
  readonly channel: string;
}

/** Where one severity of one service's alerts goes: resolved from `routing` and the owning team. */
export interface ResolvedRoute {
  readonly severity: Severity;
  /** The PagerDuty service paged (by name) and the urgency; absent: no page. */
  readonly pagerduty?: { readonly service: string; readonly urgency: "high" | "low" };
  readonly slack: readonly SlackTarget[];
  readonly email: readonly string[];
  /** Datadog notification handles: `@pagerduty-…`, `@slack-…`, `@<e-mail>`. */
  readonly handles: readonly string[];
}

export interface TeamMember {
  readonly email: string;
  readonly name?: string;
  readonly role?: string;
}

export interface Rotation {
  readonly name: string;
  /** E-mails, in rotation order. */
  readonly members: readonly string[];
  readonly turnSeconds: number;
  readonly handoffDay?: string;
  readonly handoffTime: string;
  /** The first handoff with the time zone's offset, e.g. 2026-01-05T09:00:00-05:00. */
  readonly start: string;
}

export type EscalationTarget = { readonly type: "schedule"; readonly rotation: string } | { readonly type: "user"; readonly email: string };

export interface EscalationLevel {
  /** Minutes since the incident began when the next level is notified. */
  readonly untilMinutes: number;
  /** PagerDuty's escalation delay: minutes this level has before the next one. */
  readonly delayMinutes: number;
  readonly targets: readonly EscalationTarget[];
}

export interface Team {
  readonly name: string;
  /** The previous name (`renamedFrom`): its resources get aliases for the old names. */
  readonly renamedFrom?: string;
  readonly description?: string;
  readonly timeZone: string;
  readonly members: readonly TeamMember[];
  readonly rotations: readonly Rotation[];
  readonly escalation: { readonly loops: number; readonly levels: readonly EscalationLevel[] };
  readonly chat: Readonly<Record<string, string>>;
  readonly email: readonly string[];
  readonly supportHours?: { readonly days: readonly string[]; readonly start: string; readonly end: string };
  readonly acknowledgementTimeoutSeconds: number;
  readonly autoResolveTimeoutSeconds: number;
  /** Sentry's ID of the team's PagerDuty service, or `pending` before the first deployment (PF-SEN-8). */
  readonly sentryPagerdutyService?: string;
  readonly source: SourceRef;
}

/** One PagerDuty service per team and product that some route pages. */
export interface PagerdutyService {
  /** `<product>-<team>`: also the Datadog handle `@pagerduty-<name>`. */
  readonly name: string;
  readonly team: string;
  readonly product: string;
  /** The catalog services whose alerts it receives. */
  readonly services: readonly string[];
  /** Whether a Sentry project of these services pages it (a Sentry integration is needed). */
  readonly sentry: boolean;
}

export interface RouteRule {
  readonly page?: "high" | "low";
  readonly chat: readonly string[];
  readonly email: boolean;
}

export interface Routing {
  readonly slackAccount: string;
  readonly sentry?: {
    readonly slackWorkspace?: string;
    readonly pagerdutyAccount?: string;
    /** Slack channel ID by channel name, for Sentry's Slack actions. */
    readonly slackChannels?: Readonly<Record<string, string>>;
  };
  readonly severities: Readonly<Record<Severity, RouteRule>>;
  /** PagerDuty alert grouping on every service: `content` groups by summary (an add-on, PF-PD-3); `none` by default. */
  readonly alertGrouping: "none" | "content";
  readonly source: SourceRef;
}

export interface MaintenanceWindow {
  readonly name: string;
  readonly description: string;
  readonly start: string;
  readonly end: string;
  readonly services: readonly string[];
  readonly source: SourceRef;
}

export interface Service {
  readonly name: string;
  /** The previous name (`renamedFrom`): its resources get aliases for the old names. */
  readonly renamedFrom?: string;
  readonly product: string;
  readonly team: string;
  readonly tier: number;
  readonly description: string;
  readonly runbook: string;
  readonly endpoints: readonly Endpoint[];
  readonly journeys: readonly Journey[];
  readonly tlsChecks: readonly TlsCheck[];
  /** The APM operation of the service's HTTP requests (`trace.<operation>.hits`). */
  readonly apmOperation: string;
  readonly alerts: readonly Alert[];
  /** Raw-query alerts (`rawAlerts.ts`), sorted by name; absent when the service has none. */
  readonly rawAlerts?: readonly RawQueryAlertModel[];
  readonly slos: readonly Slo[];
  readonly sentry?: SentryProject;
  /** Where each severity's alerts go; absent when the catalog has no routing. */
  readonly routes?: Readonly<Record<Severity, ResolvedRoute>>;
  readonly source: SourceRef;
}

export interface Product {
  readonly name: string;
  readonly description: string;
  readonly guide?: string;
  readonly source: SourceRef;
}

export interface Catalog {
  readonly environment: string;
  /** The files the catalog was read from, relative to the working directory. */
  readonly files: readonly string[];
  readonly products: readonly Product[];
  /** Sorted by name: the catalog's order never reaches a resource. */
  readonly services: readonly Service[];
  readonly teams: readonly Team[];
  readonly routing?: Routing;
  /** The PagerDuty services routes page, sorted by name. */
  readonly pagerdutyServices: readonly PagerdutyService[];
  readonly maintenance: readonly MaintenanceWindow[];
  /** Backups kept in S3, sorted by name. */
  readonly backups: readonly Backup[];
  /** Log retention per product and level, sorted by product. */
  readonly logs: readonly LogRetention[];
  /** Status pages, one per product, sorted by product; components in display order. */
  readonly statusPages: readonly StatusPage[];
  /** Grafana folders, data sources and dashboards; absent: the stack creates no Grafana resource. */
  readonly grafana?: GrafanaSettings;
}
