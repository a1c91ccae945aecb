/**
 * The raw-query alert: a Datadog monitor written as Datadog writes it (type, query,
 * options, message, tags) for what no catalog signal measures, and the form
 * `lookout import datadog` adopts existing monitors into. Its threshold is written once,
 * as every alert's: the query is stored without its comparison; the comparator and
 * `critical` produce both the query's comparison and `thresholds.critical`
 * (PF-DD-IMP-1). The query must read with the query model (`queries/`).
 *
 * `DATADOG_OPTIONS` is the one table of the monitor options this form carries: the
 * Datadog API's name, the catalog's, the provider's, and the value's kind. The schema,
 * the compiler (`infra/alerts/rawMonitors.ts`), the importer and the exporter all read it.
 */
import { z } from "zod";
import { COMPARATORS, comparesInQuery, formatNumber, monitorTypesOf, parse, QueryParseError, type Comparator, type MonitorQuery } from "../queries";
import type { Severity, SourceRef } from "./modelShared";
import { Name, Severity as SeveritySchema, Url } from "./primitives";

export type OptionKind = "boolean" | "integer" | "string" | "strings";

export interface DatadogOption {
  /** The key in the API's `options` object (PF-DD-IMP-2). */
  readonly api: string;
  /** The key in the catalog's `options`. */
  readonly catalog: string;
  /** The `datadog.MonitorArgs` property. */
  readonly arg: string;
  readonly kind: OptionKind;
  readonly description: string;
}

/** The monitor options a raw-query alert carries, as the API, the catalog and the provider name them (PF-DD-IMP-2). */
export const DATADOG_OPTIONS: readonly DatadogOption[] = [
  { api: "notify_no_data", catalog: "notifyNoData", arg: "notifyNoData", kind: "boolean", description: "Notify when the data stops (older style; see onMissingData)." },
  { api: "no_data_timeframe", catalog: "noDataTimeframe", arg: "noDataTimeframe", kind: "integer", description: "Minutes without data before notifyNoData fires." },
  { api: "on_missing_data", catalog: "onMissingData", arg: "onMissingData", kind: "string", description: "default, show_no_data, show_and_notify_no_data or resolve (newer style)." },
  { api: "renotify_interval", catalog: "renotifyInterval", arg: "renotifyInterval", kind: "integer", description: "Minutes between re-notifications while alerting; 0 never." },
  { api: "renotify_statuses", catalog: "renotifyStatuses", arg: "renotifyStatuses", kind: "strings", description: "The states that re-notify: alert, warn, no data." },
  { api: "renotify_occurrences", catalog: "renotifyOccurrences", arg: "renotifyOccurrences", kind: "integer", description: "How many re-notifications at most." },
  { api: "escalation_message", catalog: "escalationMessage", arg: "escalationMessage", kind: "string", description: "The re-notification's text, verbatim." },
  { api: "evaluation_delay", catalog: "evaluationDelay", arg: "evaluationDelay", kind: "integer", description: "Seconds to wait for late data." },
  { api: "new_group_delay", catalog: "newGroupDelay", arg: "newGroupDelay", kind: "integer", description: "Seconds a new group is ignored after it appears." },
  { api: "new_host_delay", catalog: "newHostDelay", arg: "newHostDelay", kind: "integer", description: "Seconds a new host is ignored (older style of newGroupDelay)." },
  { api: "require_full_window", catalog: "requireFullWindow", arg: "requireFullWindow", kind: "boolean", description: "Evaluate only over a full window of data." },
  { api: "include_tags", catalog: "includeTags", arg: "includeTags", kind: "boolean", description: "Put the triggering tags in the notification's title." },
  { api: "notify_audit", catalog: "notifyAudit", arg: "notifyAudit", kind: "boolean", description: "Notify the message's handles when the monitor is changed." },
  { api: "timeout_h", catalog: "timeoutH", arg: "timeoutH", kind: "integer", description: "Hours after which a non-reporting alert resolves." },
  { api: "groupby_simple_monitor", catalog: "groupbySimpleMonitor", arg: "groupbySimpleMonitor", kind: "boolean", description: "Log monitors: one alert for all groups." },
  { api: "enable_logs_sample", catalog: "enableLogsSample", arg: "enableLogsSample", kind: "boolean", description: "Log monitors: samples in the notification." },
  { api: "enable_samples", catalog: "enableSamples", arg: "enableSamples", kind: "boolean", description: "CI and trace monitors: samples in the notification." },
  { api: "group_retention_duration", catalog: "groupRetentionDuration", arg: "groupRetentionDuration", kind: "string", description: "How long a group without data is kept, e.g. 2d." },
  { api: "notify_by", catalog: "notifyBy", arg: "notifyBies", kind: "strings", description: "The tags an alert notifies by (multi alerts)." },
  { api: "notification_preset_name", catalog: "notificationPresetName", arg: "notificationPresetName", kind: "string", description: "show_all, hide_query, hide_handles or hide_all." },
];

/** The API's `options.thresholds` keys, the catalog's and the provider's `monitorThresholds` (PF-DD-IMP-3). */
export const THRESHOLD_KEYS = [
  { api: "critical", catalog: "critical", arg: "critical" },
  { api: "warning", catalog: "warning", arg: "warning" },
  { api: "critical_recovery", catalog: "recovery", arg: "criticalRecovery" },
  { api: "warning_recovery", catalog: "warningRecovery", arg: "warningRecovery" },
  { api: "ok", catalog: "ok", arg: "ok" },
  { api: "unknown", catalog: "unknown", arg: "unknown" },
] as const;
export type ThresholdKey = (typeof THRESHOLD_KEYS)[number]["catalog"];

const OPTION_SCHEMAS: Readonly<Record<OptionKind, z.ZodType>> = {
  boolean: z.boolean(),
  integer: z.number().int().min(0),
  string: z.string(),
  strings: z.array(z.string()),
};

const Options = z.strictObject(
  Object.fromEntries(DATADOG_OPTIONS.map((o) => [o.catalog, OPTION_SCHEMAS[o.kind].optional().meta({ description: `${o.description} (API: ${o.api})` })])),
);

const Threshold = z.number().meta({ description: "A number in the query's own unit, as Datadog compares it." });

export const RawQueryAlert = z.strictObject({
  name: Name,
  title: z.string().min(1).optional()
    .meta({ description: "The Datadog monitor name, verbatim; default \"[<environment>] <service> <name>\"." }),
  type: z.string().min(1).meta({ description: "The Datadog monitor type: query alert, metric alert, service check, log alert, rum alert, event-v2 alert, slo alert, composite …" }),
  query: z.string().min(1)
    .meta({ description: "The Datadog query without its comparison (metric, search and SLO queries): the threshold is written once, in comparator and critical." }),
  comparator: z.enum(COMPARATORS as [Comparator, ...Comparator[]]).optional()
    .meta({ description: "The query's comparison (>, >=, <, <=, ==, !=); metric, search and SLO queries only." }),
  critical: Threshold.optional().meta({ description: "The critical threshold (the query's number); required with a comparator." }),
  warning: Threshold.optional(),
  recovery: Threshold.optional().meta({ description: "Datadog's critical_recovery." }),
  warningRecovery: Threshold.optional(),
  ok: Threshold.optional().meta({ description: "Service checks: consecutive OK runs to recover." }),
  unknown: Threshold.optional().meta({ description: "Service checks: consecutive UNKNOWN runs to alert." }),
  thresholdWindows: z.strictObject({ triggerWindow: z.string().min(1), recoveryWindow: z.string().min(1) }).optional()
    .meta({ description: "Anomaly monitors: Datadog's trigger and recovery windows, e.g. last_15m." }),
  evaluationWindow: z.strictObject({
    dayStarts: z.string().regex(/^\d\d:\d\d$/, { error: "a time such as 04:00" }).optional(),
    hourStarts: z.number().int().min(0).max(59).optional(),
    // Datadog allows only the first of the month (PF-DD-IMP-8).
    monthStarts: z.literal(1).optional(),
    timezone: z.string().optional(),
  }).optional()
    .meta({ description: "Cumulative windows (current_1h, current_1d, current_1mo): when the window starts (API: scheduling_options.evaluation_window, PF-DD-IMP-8)." }),
  severity: SeveritySchema.meta({ description: "Routes the alert (when Lookout writes the message) and gives the severity: tag." }),
  priority: z.number().int().min(1).max(5).optional().meta({ description: "Datadog's priority 1 (highest) – 5; absent: none." }),
  runbook: Url.optional().meta({ description: "Overrides the service's runbook (used when Lookout writes the message)." }),
  message: z.string().optional()
    .meta({ description: "Verbatim Datadog notification text (@-handles and {{ }} template blocks kept as written); absent: Lookout writes the message and its routing." }),
  tags: z.array(z.string().min(1)).default([])
    .meta({ description: "Datadog tags, verbatim; Lookout adds env:, service:, team:, severity: when the list lacks that key." }),
  restrictedRoles: z.array(z.string()).optional().meta({ description: "Role IDs allowed to edit the monitor (API: restricted_roles)." }),
  options: Options.optional().meta({ description: "Datadog monitor options, camelCase (see the README's table)." }),
});
export type RawRawQueryAlert = z.output<typeof RawQueryAlert>;

/** A raw-query alert, validated. */
export interface RawQueryAlertModel {
  readonly name: string;
  readonly title?: string;
  readonly type: string;
  /** The query without its comparison, trimmed. */
  readonly query: string;
  readonly comparator?: Comparator;
  readonly thresholds: Readonly<Partial<Record<ThresholdKey, number>>>;
  readonly thresholdWindows?: { readonly triggerWindow: string; readonly recoveryWindow: string };
  readonly evaluationWindow?: { readonly dayStarts?: string; readonly hourStarts?: number; readonly monthStarts?: number; readonly timezone?: string };
  readonly severity: Severity;
  readonly priority?: number;
  readonly runbook: string;
  readonly message?: string;
  readonly tags: readonly string[];
  readonly restrictedRoles?: readonly string[];
  /** Keyed by the catalog's option names (`DATADOG_OPTIONS[].catalog`). */
  readonly options: Readonly<Record<string, boolean | number | string | readonly string[]>>;
  readonly source: SourceRef;
}

/** The query Datadog receives: the stored query, then the comparison and critical (PF-DD-IMP-1). */
export function fullQuery(alert: Pick<RawQueryAlertModel, "query" | "comparator" | "thresholds">): string {
  if (alert.comparator === undefined || alert.thresholds.critical === undefined) return alert.query;
  return `${alert.query} ${alert.comparator} ${formatNumber(alert.thresholds.critical)}`;
}

interface Reporter {
  report(path: readonly PropertyKey[], message: string): void;
  source(path: readonly PropertyKey[]): SourceRef;
}

/** Validates one raw-query alert; every problem is reported at its path. */
export function normalizeRawAlert(raw: RawRawQueryAlert, serviceRunbook: string, site: Reporter): RawQueryAlertModel | undefined {
  let ok = true;
  const fail = (path: readonly PropertyKey[], message: string) => {
    site.report(path, message);
    ok = false;
  };
  const query = raw.query.trim();
  const thresholds = Object.fromEntries(THRESHOLD_KEYS.flatMap((k) => (raw[k.catalog] === undefined ? [] : [[k.catalog, raw[k.catalog]]]))) as Partial<Record<ThresholdKey, number>>;

  // The stored query alone must not already compare: the threshold is written once.
  let alone: MonitorQuery | undefined;
  try {
    alone = parse(query);
  } catch {
    alone = undefined;
  }
  if (alone && comparesInQuery(alone)) {
    fail(["query"], `expected the query without its comparison: write "${alone.comparator} ${formatNumber(alone.threshold)}" as comparator and critical`);
    return undefined;
  }
  if (raw.comparator !== undefined && raw.critical === undefined) fail(["critical"], `missing "critical" for the comparator "${raw.comparator}"`);

  const written = fullQuery({ query, comparator: raw.comparator, thresholds });
  let model: MonitorQuery | undefined;
  try {
    model = parse(written);
  } catch (error) {
    if (!(error instanceof QueryParseError)) throw error;
    const inQuery = error.position.offset <= query.length;
    const where = inQuery ? `column ${error.position.column}${error.position.line > 1 ? ` of line ${error.position.line}` : ""} of the query` : "the comparison";
    fail(inQuery ? ["query"] : ["comparator"], `the query does not read as a Datadog monitor query: at ${where}: ${error.reason}${raw.comparator === undefined && /compar/.test(error.reason) ? ' (metric, search and SLO queries take "comparator" and "critical")' : ""}`);
  }
  if (model) {
    const types = monitorTypesOf(model);
    if (!types.includes(raw.type)) fail(["type"], `a ${model.kind} query is a monitor of type ${types.map((t) => `"${t}"`).join(" or ")}, not "${raw.type}" (PF-DD-Q-2)`);
    if (!comparesInQuery(model) && raw.comparator !== undefined) fail(["comparator"], `a ${model.kind} query carries no comparison; its thresholds are options only`);
  }
  checkOrder(raw, fail);
  const options = Object.fromEntries(Object.entries(raw.options ?? {}).filter(([, v]) => v !== undefined)) as RawQueryAlertModel["options"];
  if (!ok) return undefined;
  return {
    name: raw.name,
    title: raw.title,
    type: raw.type,
    query,
    comparator: raw.comparator,
    thresholds,
    thresholdWindows: raw.thresholdWindows,
    evaluationWindow: raw.evaluationWindow,
    severity: raw.severity,
    priority: raw.priority,
    runbook: raw.runbook ?? serviceRunbook,
    message: raw.message,
    tags: raw.tags,
    restrictedRoles: raw.restrictedRoles,
    options,
    source: site.source([]),
  };
}

/**
 * Datadog rejects a warning on the wrong side of critical: for `>` the warning must be
 * below critical, for `<` above it (PF-DD-IMP-4).
 */
function checkOrder(raw: RawRawQueryAlert, fail: (path: readonly PropertyKey[], message: string) => void): void {
  const { comparator, critical, warning } = raw;
  if (comparator === undefined || critical === undefined || warning === undefined) return;
  const above = comparator === ">" || comparator === ">=";
  const below = comparator === "<" || comparator === "<=";
  if ((above && warning > critical) || (below && warning < critical)) {
    fail(["warning"], `expected warning ${above ? "at or below" : "at or above"} critical (${formatNumber(critical)}) for "${comparator}", found ${formatNumber(warning)}`);
  }
}

/** `evaluation_window`'s keys: the API's and the catalog's (the provider's are the catalog's), PF-DD-IMP-8. */
export const EVALUATION_WINDOW_KEYS = [
  ["day_starts", "dayStarts"],
  ["hour_starts", "hourStarts"],
  ["month_starts", "monthStarts"],
  ["timezone", "timezone"],
] as const;
