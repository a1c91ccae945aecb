/**
 * What every concern puts on what it creates, applied in one place: Datadog tags and
 * the notification message (condition in words, runbook link). Pure functions.
 */
import type { Service, Severity } from "./catalog/model";

/** The four tags every monitor and synthetics test carries (policy: synthetics-tags-and-runbook). */
export function standardTags(environment: string, service: Service, severity: Severity): string[] {
  return [`env:${environment}`, `service:${service.name}`, `team:${service.team}`, `severity:${severity.toLowerCase()}`];
}

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

export interface MessageParts {
  readonly title: string;
  /** The condition in words, e.g. "GET https://… did not answer 200 within 2s". */
  readonly condition: string;
  readonly service: Service;
  readonly severity: Severity;
  /**
   * Notification handles (`@pagerduty-…`, `@slack-…`); default: the service's route for
   * the severity (the routing table decides; no handle is typed by hand).
   */
  readonly notify?: readonly string[];
}

/**
 * The notification message: condition, severity and response time, the runbook link on
 * its own `Runbook:` line, and Datadog's alert/recovery blocks.
 */
export function notificationMessage(parts: MessageParts): string {
  const response = RESPONSE[parts.severity];
  const lines = [
    "{{#is_alert}}",
    `${parts.severity} ${parts.title}: ${parts.condition}.`,
    `Severity ${parts.severity} (${response.meaning}); respond within ${response.within}.`,
    "{{/is_alert}}",
    "{{#is_warning}}",
    `Warning for ${parts.title}: ${parts.condition}.`,
    "{{/is_warning}}",
    "{{#is_recovery}}",
    `Recovered: ${parts.title}.`,
    "{{/is_recovery}}",
    "",
    `Service: ${parts.service.name} (team ${parts.service.team}). ${parts.service.description}`,
    `Runbook: ${parts.service.runbook}`,
  ];
  const notify = parts.notify ?? parts.service.routes?.[parts.severity].handles ?? [];
  if (notify.length > 0) lines.push("", `Notify: ${notify.join(" ")}`);
  return lines.join("\n");
}

/**
 * Minutes between re-notifications while a monitor stays in alert: a P0 nags every
 * 30 minutes, a P1 hourly; P2 and P3 notify once (0 = never re-notify).
 */
export const RENOTIFY_MINUTES: Readonly<Record<Severity, number>> = { P0: 30, P1: 60, P2: 0, P3: 0 };
