/**
 * Raw-query alerts → `datadog.MonitorArgs`. Pure. The query's comparison and
 * `monitorThresholds.critical` come from the same number (PF-DD-IMP-1); the message is
 * the catalog's verbatim Datadog text, or, when it has none, the message every Lookout
 * alert carries with the service's routing; tags are the catalog's, plus the standard
 * tags whose key they lack.
 */
import type * as datadog from "@pulumi/datadog";
import type * as pulumi from "@pulumi/pulumi";
import { type NotifyTargets, routeDependencies } from "../notify/routes";
import type { Service } from "../../catalog/model";
import { DATADOG_OPTIONS, fullQuery, THRESHOLD_KEYS, type RawQueryAlertModel } from "../../catalog/rawAlerts";
import { formatNumber } from "../../queries";
import { notificationMessage, standardTags } from "../notify/conventions";

/** The catalog's tags, then each standard tag (`env:`, `service:`, `team:`, `severity:`) whose key they lack. */
export function rawAlertTags(environment: string, service: Service, alert: RawQueryAlertModel): string[] {
  const keys = new Set(alert.tags.map((t) => t.split(":")[0]));
  return [...alert.tags, ...standardTags(environment, service, alert.severity).filter((t) => !keys.has(t.split(":")[0]))];
}

/** The `@handles` a verbatim message names (`@pagerduty-payments`, `@slack-acme-alerts`). */
export function messageHandles(message: string): string[] {
  return [...new Set(message.match(/(?<![\w.])@[\w.+-]+(?:@[\w.-]+)?/g) ?? [])];
}

export function rawMonitorArgs(environment: string, service: Service, alert: RawQueryAlertModel): datadog.MonitorArgs {
  const title = alert.title ?? `[${environment}] ${service.name} ${alert.name}`;
  const query = fullQuery(alert);
  const thresholds = Object.fromEntries(
    THRESHOLD_KEYS.flatMap((k) => (alert.thresholds[k.catalog] === undefined ? [] : [[k.arg, formatNumber(alert.thresholds[k.catalog] as number)]])),
  );
  const options = Object.fromEntries(
    DATADOG_OPTIONS.flatMap((o) => (alert.options[o.catalog] === undefined ? [] : [[o.arg, alert.options[o.catalog]]])),
  );
  return {
    name: title,
    type: alert.type,
    query,
    message: alert.message ?? notificationMessage({
      title,
      condition: `${alert.type} ${query}`,
      service: { ...service, runbook: alert.runbook },
      severity: alert.severity,
    }),
    ...(Object.keys(thresholds).length > 0 ? { monitorThresholds: thresholds } : {}),
    ...(alert.thresholdWindows ? { monitorThresholdWindows: { ...alert.thresholdWindows } } : {}),
    ...(alert.evaluationWindow ? { schedulingOptions: { evaluationWindow: { ...alert.evaluationWindow } } } : {}),
    ...options,
    ...(alert.priority !== undefined ? { priority: String(alert.priority) } : {}),
    ...(alert.restrictedRoles ? { restrictedRoles: [...alert.restrictedRoles] } : {}),
    tags: rawAlertTags(environment, service, alert),
  };
}

/** A verbatim message waits for the handles it names; Lookout's own message for the severity's route. */
export function rawAlertDependencies(targets: NotifyTargets | undefined, service: Service, alert: RawQueryAlertModel): pulumi.Resource[] {
  if (alert.message === undefined) return routeDependencies(targets, service, alert.severity);
  return targets?.resourcesFor(messageHandles(alert.message)) ?? [];
}
