/**
 * What every concern puts on what it creates, applied in one place: Datadog tags and
 * the notification message (condition in words, runbook link). Pure functions.
 */
import type { Service, Severity } from "../../catalog/model";

/** The four tags every monitor and synthetics test carries (policy: synthetics-tags-and-runbook). */
export function standardTags(environment: string, service: Service, severity: Severity): string[] {
  return [`env:${environment}`, `service:${service.name}`, `team:${service.team}`, `severity:${severity.toLowerCase()}`];
}

/**
 * The tag of a monitor on a sparse signal (one that reports rarely): the policy pack reads
 * it to hold such monitors to no full window and no missing-data report (PF-DD-MON-5).
 */
export const SPARSE_TAG = "data:sparse";

/** Datadog monitor priority 1 (highest) – 5: P0 → 1 … P3 → 4. */
export function monitorPriority(severity: Severity): number {
  return Number(severity.slice(1)) + 1;
}

/** What a responder must know, by severity (DESIGN.md severity ladder, from guides 001 and 002). */
export const RESPONSE: Readonly<Record<Severity, { meaning: string; within: string }>> = {
  P0: { meaning: "critical: revenue or data at risk, site down", within: "5 minutes" },
  P1: { meaning: "high: user-visible degradation", within: "15 minutes" },
  P2: { meaning: "medium: elevated errors, non-critical features", within: "1 hour" },
  P3: { meaning: "low: minor", within: "the next business day" },
};

/**
 * Who a monitor's transitions notify. Datadog notifies a handle written outside every
 * conditional block on every transition, warnings included; inside
 * `{{#is_alert}}…{{/is_alert}}` only when the monitor alerts (PF-DD-MON-1). So every
 * handle sits in the block of the transitions it is for.
 */
export interface Recipients {
  /** Alert and its recovery (the recovery resolves the page): the severity's route. */
  readonly alert: readonly string[];
  /** Warning and its recovery: chat only; no level pages on a warning (DESIGN.md severity ladder). */
  readonly warning: readonly string[];
  /** Missing data and its return; absent: the monitor does not report missing data. */
  readonly noData?: readonly string[];
}

/**
 * What the catalog says missing data is: `alert` an outage (the alert's route), `notify`
 * a broken signal someone must hear of (chat), `ignore` nothing to report (a sparse signal).
 */
export type NoDataRoute = "alert" | "notify" | "ignore";

/** The chat handles of a list of handles (`@slack-…`): where a warning goes. */
export function chatHandles(handles: readonly string[]): string[] {
  return handles.filter((h) => h.startsWith("@slack-"));
}

/** A service's route for a severity, split by transition. */
export function recipientsFor(service: Service, severity: Severity, noData: NoDataRoute = "ignore"): Recipients {
  const alert = service.routes?.[severity].handles ?? [];
  const warning = chatHandles(alert);
  return {
    alert,
    warning,
    ...(noData === "ignore" ? {} : { noData: noData === "alert" ? alert : warning }),
  };
}

/** Whether a service's route for a severity pages someone (a PagerDuty handle). */
export function pages(service: Service, severity: Severity): boolean {
  return service.routes?.[severity].pagerduty !== undefined;
}

export interface MessageParts {
  readonly title: string;
  /** The condition in words, e.g. "GET https://… did not answer 200 within 2s". */
  readonly condition: string;
  readonly service: Service;
  readonly severity: Severity;
  /**
   * Missing data: reported to the alert's route (`alert`), to chat (`notify`) or not at
   * all (`ignore`, the default: the monitor does not notify on missing data).
   */
  readonly noData?: NoDataRoute;
}

/** `{{#is_alert}}` … `{{/is_alert}}`: lines shown (and handles notified) on one transition only (PF-DD-MON-1). */
function block(variable: string, lines: readonly string[], handles: readonly string[]): string[] {
  return [`{{#${variable}}}`, ...lines, ...(handles.length > 0 ? [`Notify: ${handles.join(" ")}`] : []), `{{/${variable}}}`];
}

/**
 * The notification message: condition, severity and response time, one block per
 * transition naming only the handles that transition is for (alert and its recovery:
 * the severity's route; warning and its recovery: chat; no data: as the catalog says),
 * then the service and its runbook on a `Runbook:` line, outside every block so each
 * notification carries them. No handle is written outside a block (PF-DD-MON-1).
 */
export function notificationMessage(parts: MessageParts): string {
  const response = RESPONSE[parts.severity];
  const to = recipientsFor(parts.service, parts.severity, parts.noData);
  const lines = [
    ...block("is_alert", [
      `${parts.severity} ${parts.title}: ${parts.condition}.`,
      `Severity ${parts.severity} (${response.meaning}); respond within ${response.within}.`,
    ], to.alert),
    ...block("is_alert_recovery", [`Recovered: ${parts.title}.`], to.alert),
    ...block("is_warning", [`Warning for ${parts.title}: ${parts.condition}.`], to.warning),
    ...block("is_warning_recovery", [`Warning over: ${parts.title}.`], to.warning),
    ...(to.noData
      ? [
          ...block("is_no_data", [`No data for ${parts.title}: its query returns nothing (a stopped sender or a misspelt metric).`], to.noData),
          ...block("is_no_data_recovery", [`Data is back for ${parts.title}.`], to.noData),
        ]
      : []),
    "",
    `Service: ${parts.service.name} (team ${parts.service.team}). ${parts.service.description}`,
    `Runbook: ${parts.service.runbook}`,
  ];
  return lines.join("\n");
}

/**
 * Minutes between re-notifications while a monitor stays in alert: a P0 nags every
 * 30 minutes, a P1 hourly; P2 and P3 notify once (0 = never re-notify).
 */
export const RENOTIFY_MINUTES: Readonly<Record<Severity, number>> = { P0: 30, P1: 60, P2: 0, P3: 0 };
