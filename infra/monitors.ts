/**
 * Catalog alerts → `datadog.MonitorArgs`. Pure: the query and thresholds come from
 * `compileAlert`, tags and message from `conventions.ts`, so the component is a loop.
 */
import type * as datadog from "@pulumi/datadog";
import { compileAlert, describeAlert } from "./alertQueries";
import type { Alert, Service } from "./catalog/model";
import { monitorPriority, notificationMessage, RENOTIFY_MINUTES, standardTags } from "./conventions";

/** No data for twice the window (at least 10 minutes) before a missing series alerts. */
export function noDataMinutes(windowSeconds: number): number {
  return Math.max(10, (2 * windowSeconds) / 60);
}

export function monitorArgs(environment: string, service: Service, alert: Alert): datadog.MonitorArgs {
  const compiled = compileAlert(environment, service, alert);
  const renotify = alert.renotifyMinutes ?? RENOTIFY_MINUTES[alert.severity];
  const title = `[${environment}] ${service.name} ${alert.name}`;
  const condition = alert.description ? `${describeAlert(alert)}. ${alert.description}` : describeAlert(alert);
  return {
    name: title,
    type: compiled.type,
    query: compiled.query,
    message: notificationMessage({
      title,
      condition,
      service: { ...service, runbook: alert.runbook },
      severity: alert.severity,
    }),
    monitorThresholds: { ...compiled.thresholds },
    ...(compiled.thresholdWindows ? { monitorThresholdWindows: { ...compiled.thresholdWindows } } : {}),
    ...(compiled.supportsNoData
      ? alert.noDataIsOutage
        ? { notifyNoData: true, noDataTimeframe: noDataMinutes(alert.windowSeconds) }
        : { notifyNoData: false }
      : {}),
    ...(renotify > 0 ? { renotifyInterval: renotify, renotifyStatuses: ["alert", "no data"] } : {}),
    ...(alert.evaluationDelaySeconds !== undefined ? { evaluationDelay: alert.evaluationDelaySeconds } : {}),
    ...(compiled.type === "query alert" ? { requireFullWindow: compiled.requireFullWindow } : {}),
    includeTags: true,
    priority: String(monitorPriority(alert.severity)),
    tags: [...standardTags(environment, service, alert.severity), `signal:${alert.signal}`, `alert:${alert.name}`],
  };
}
