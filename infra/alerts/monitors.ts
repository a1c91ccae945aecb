/**
 * Catalog alerts → `datadog.MonitorArgs`. Pure: the query and thresholds come from
 * `compileAlert`, tags and message from `conventions.ts`, so the component is a loop.
 */
import type * as datadog from "@pulumi/datadog";
import type { input } from "@pulumi/datadog/types";
import { compileAlert } from "../../catalog/alertQueries";
import { describeAlert } from "../../catalog/describeAlert";
import type { Alert, Service } from "../../catalog/model";
import { monitorPriority, type NoDataRoute, notificationMessage, pages, RENOTIFY_MINUTES, SPARSE_TAG, standardTags } from "../notify/conventions";

/**
 * No data for twice the window (at least 10 minutes) before a missing series notifies:
 * the provider's advice, "at least 2x the monitor timeframe for metric alerts" (PF-DD-MON-6).
 */
export function noDataMinutes(windowSeconds: number): number {
  return Math.max(10, (2 * windowSeconds) / 60);
}

/**
 * What the monitor does with missing data: the catalog's word (or the signal's), else a
 * paging monitor reports it in chat, so a misspelt metric cannot hide a P0 (PF-DD-MON-6),
 * unless the signal is sparse (missing data is its normal state, PF-DD-MON-5).
 */
export function noDataRoute(service: Service, alert: Alert): NoDataRoute {
  if (alert.noData !== undefined) return alert.noData;
  if (alert.sparse) return "ignore";
  return pages(service, alert.severity) ? "notify" : "ignore";
}

/**
 * A daily schedule: the cumulative day from midnight in the time zone, evaluated once a
 * day at the given time (PF-DD-MON-7). `rrule` is iCalendar's RFC 5545 recurrence.
 * `dayStarts` and `monthStarts` must be set together, and `monthStarts` is 1 (PF-DD-IMP-8).
 */
export function dailySchedule(schedule: NonNullable<Alert["schedule"]>): input.MonitorSchedulingOptions {
  const [hour, minute] = schedule.at.split(":").map(Number);
  return {
    evaluationWindow: { dayStarts: "00:00", monthStarts: 1, timezone: schedule.timezone },
    customSchedule: { recurrence: { rrule: `FREQ=DAILY;BYHOUR=${hour};BYMINUTE=${minute}`, timezone: schedule.timezone } },
  };
}

export function monitorArgs(environment: string, service: Service, alert: Alert): datadog.MonitorArgs {
  const compiled = compileAlert(environment, service, alert);
  const renotify = alert.renotifyMinutes ?? RENOTIFY_MINUTES[alert.severity];
  const title = `[${environment}] ${service.name} ${alert.name}`;
  const condition = alert.description ? `${describeAlert(alert)}. ${alert.description}` : describeAlert(alert);
  const noData = compiled.supportsNoData ? noDataRoute(service, alert) : "ignore";
  return {
    name: title,
    type: compiled.type,
    query: compiled.query,
    message: notificationMessage({
      title,
      condition,
      service: { ...service, runbook: alert.runbook },
      severity: alert.severity,
      noData,
    }),
    monitorThresholds: { ...compiled.thresholds },
    ...(compiled.thresholdWindows ? { monitorThresholdWindows: { ...compiled.thresholdWindows } } : {}),
    ...(compiled.supportsNoData
      ? noData === "ignore"
        ? { notifyNoData: false }
        : { notifyNoData: true, noDataTimeframe: noDataMinutes(alert.windowSeconds) }
      : {}),
    ...(renotify > 0 ? { renotifyInterval: renotify, renotifyStatuses: ["alert", "no data"] } : {}),
    ...(alert.evaluationDelaySeconds !== undefined ? { evaluationDelay: alert.evaluationDelaySeconds } : {}),
    ...(compiled.type === "query alert" ? { requireFullWindow: compiled.requireFullWindow } : {}),
    ...(alert.schedule ? { schedulingOptions: dailySchedule(alert.schedule) } : {}),
    includeTags: true,
    priority: String(monitorPriority(alert.severity)),
    tags: [
      ...standardTags(environment, service, alert.severity),
      `signal:${alert.signal}`,
      `alert:${alert.name}`,
      ...(alert.sparse ? [SPARSE_TAG] : []),
    ],
  };
}
