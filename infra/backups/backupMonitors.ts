/**
 * Backup freshness: a Datadog monitor that alerts when no new backup object arrived
 * within `freshness.within` of the last one (26 h for daily backups), routed at the
 * backup's severity (P1 by default). Pure; tags and message come from `conventions.ts`.
 *
 * What counts as "a new backup object": by default the S3 request metric of the backup
 * prefix (CloudWatch `PutRequests` of a bucket metrics filter, `aws.s3.put_requests` in
 * Datadog's AWS integration); or a count metric the backup job emits per completed
 * backup, when the catalog names one.
 */
import type * as datadog from "@pulumi/datadog";
import type { Backup, Service } from "../../catalog/model";
import { formatSeconds } from "../../catalog/units";
import { lastWindow } from "../../catalog/alertQueries";
import { monitorPriority, notificationMessage, RENOTIFY_MINUTES, standardTags } from "../notify/conventions";

/** The S3 request-metrics filter on the backup prefix: Datadog's `filterid` tag. */
export const BACKUP_WRITES_FILTER = "backup-writes";
/** AWS integration metrics arrive late: wait this long before evaluating (Datadog recommends 15 min). */
export const AWS_METRIC_DELAY_SECONDS = 900;
export const FRESHNESS_SIGNAL = "backup.freshness";

/** The Datadog query, without its comparison: new backup objects over the window. */
export function freshnessSeries(environment: string, backup: Backup, bucket: string): string {
  return backup.freshness.metric
    ? `sum:${backup.freshness.metric}{env:${environment},service:${backup.service}}.as_count()`
    : `sum:aws.s3.put_requests{bucketname:${bucket},filterid:${BACKUP_WRITES_FILTER}}.as_count()`;
}

export function freshnessMonitorArgs(environment: string, service: Service, backup: Backup, bucket: string): datadog.MonitorArgs {
  const within = formatSeconds(backup.freshness.withinSeconds);
  const title = `[${environment}] ${service.name} backup ${backup.name} fresh`;
  const condition =
    `no new backup object under s3://${bucket}/${backup.prefix} for ${within}, though backups run every ${formatSeconds(backup.everySeconds)}. ` +
    `Backed up: ${backup.description.replace(/\.$/, "")}`;
  const renotify = RENOTIFY_MINUTES[backup.freshness.severity];
  return {
    name: title,
    type: "query alert",
    // The window in Datadog's documented grammar (PF-DD-MON-4): 3 days is last_72h.
    query: `sum(${lastWindow(backup.freshness.withinSeconds)}):${freshnessSeries(environment, backup, bucket)} < 1`,
    // No data is the outage itself: it goes where the alert goes (PF-DD-MON-1).
    message: notificationMessage({ title, condition, service, severity: backup.freshness.severity, noData: "alert" }),
    monitorThresholds: { critical: "1" },
    // No data at all for the window is the same outage: nothing was written.
    notifyNoData: true,
    noDataTimeframe: backup.freshness.withinSeconds / 60,
    // Backups are sparse: one write a day must not wait for a full window of points.
    requireFullWindow: false,
    ...(backup.freshness.metric ? {} : { evaluationDelay: AWS_METRIC_DELAY_SECONDS }),
    ...(renotify > 0 ? { renotifyInterval: renotify, renotifyStatuses: ["alert", "no data"] } : {}),
    includeTags: true,
    priority: String(monitorPriority(backup.freshness.severity)),
    tags: [...standardTags(environment, service, backup.freshness.severity), `signal:${FRESHNESS_SIGNAL}`, `backup:${backup.name}`],
  };
}
