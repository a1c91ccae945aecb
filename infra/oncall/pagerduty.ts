/**
 * Catalog teams, routes and maintenance windows → PagerDuty and Datadog arguments. Pure
 * functions typed against the provider SDKs; IDs that only exist once resources do
 * (users, schedules, services) come in as inputs.
 */
import type * as datadog from "@pulumi/datadog";
import type * as pagerduty from "@pulumi/pagerduty";
import type * as pulumi from "@pulumi/pulumi";
import type { MaintenanceWindow, PagerdutyService, Rotation, Routing, SlackTarget, Team } from "../../catalog/model";
import { formatSeconds } from "../../catalog/units";

/** PagerDuty's day numbers in support hours: 1 Monday … 7 Sunday. */
const ISO_DAY: Readonly<Record<string, number>> = { monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6, sunday: 7 };

/** One schedule per rotation, one layer, starting at the catalog's fixed first handoff. */
export function scheduleArgs(team: Team, rotation: Rotation, userIds: readonly pulumi.Input<string>[]): pagerduty.ScheduleArgs {
  const every = rotation.handoffDay ? `every ${rotation.handoffDay} at ${rotation.handoffTime}` : `every day at ${rotation.handoffTime}`;
  return {
    name: `${team.name}-${rotation.name}`,
    description: `${team.name} ${rotation.name} on-call: ${rotation.members.length} people, ${formatSeconds(rotation.turnSeconds)} turns, handoff ${every} (${team.timeZone}). Managed by Lookout.`,
    timeZone: team.timeZone,
    layers: [
      {
        name: rotation.name,
        start: rotation.start,
        rotationVirtualStart: rotation.start,
        rotationTurnLengthSeconds: rotation.turnSeconds,
        users: [...userIds],
      },
    ],
  };
}

/** The team's escalation ladder: each level's delay is the time until the next level. */
export function escalationPolicyArgs(
  team: Team,
  scheduleIds: Readonly<Record<string, pulumi.Input<string>>>,
  userIds: Readonly<Record<string, pulumi.Input<string>>>,
): pagerduty.EscalationPolicyArgs {
  const ladder = team.escalation.levels.map((l, i) => `${i === 0 ? 0 : team.escalation.levels[i - 1].untilMinutes}–${l.untilMinutes} min`).join(", ");
  return {
    name: team.name,
    description: `${team.name} escalation: ${ladder}${team.escalation.loops > 0 ? `, repeated ${team.escalation.loops}×` : ""}. Managed by Lookout.`,
    numLoops: team.escalation.loops,
    rules: team.escalation.levels.map((level) => ({
      escalationDelayInMinutes: level.delayMinutes,
      targets: level.targets.map((t) =>
        t.type === "schedule"
          ? { type: "schedule_reference", id: scheduleIds[t.rotation] }
          : { type: "user_reference", id: userIds[t.email.toLowerCase()] },
      ),
    })),
  };
}

/**
 * Urgency follows the event's severity, which Datadog sets from the monitor's priority:
 * P0/P1 high, P2/P3 low. A business-hours team is low urgency outside its hours.
 */
export function urgencyRule(team: Team): pagerduty.types.input.ServiceIncidentUrgencyRule {
  if (!team.supportHours) return { type: "constant", urgency: "severity_based" };
  return {
    type: "use_support_hours",
    duringSupportHours: { type: "constant", urgency: "severity_based" },
    outsideSupportHours: { type: "constant", urgency: "low" },
  };
}

/**
 * Content-based grouping by summary: alerts with the same title join the open incident, so a
 * flapping monitor adds alerts, not pages. It needs PagerDuty's AIOps add-on (PF-PD-3): opt-in
 * through `routing.alertGrouping: content`; without it, every alert is its own incident.
 */
export function alertGroupingArgs(grouping: Routing["alertGrouping"]): Pick<pagerduty.ServiceArgs, "alertGroupingParameters"> {
  return grouping === "content" ? { alertGroupingParameters: { type: "content_based", config: { aggregate: "all", fields: ["summary"] } } } : {};
}

export function serviceArgs(
  service: PagerdutyService,
  team: Team,
  escalationPolicyId: pulumi.Input<string>,
  grouping: Routing["alertGrouping"] = "none",
): pagerduty.ServiceArgs {
  return {
    name: service.name,
    description: `Alerts of ${service.services.join(", ")} (product ${service.product}) for team ${team.name}. Managed by Lookout.`,
    escalationPolicy: escalationPolicyId,
    acknowledgementTimeout: String(team.acknowledgementTimeoutSeconds),
    autoResolveTimeout: String(team.autoResolveTimeoutSeconds),
    // Deprecated upstream, but this SDK's provider defaults to create_incidents, which
    // leaves a service unable to group or merge alerts: set it explicitly (PF-PD-1, PF-PD-2).
    alertCreation: "create_alerts_and_incidents",
    ...alertGroupingArgs(grouping),
    incidentUrgencyRule: urgencyRule(team),
    ...(team.supportHours
      ? {
          supportHours: {
            type: "fixed_time_per_day",
            timeZone: team.timeZone,
            daysOfWeeks: team.supportHours.days.map((d) => ISO_DAY[d]),
            startTime: `${team.supportHours.start}:00`,
            endTime: `${team.supportHours.end}:00`,
          },
          scheduledActions: [{ type: "urgency_change", toUrgency: "high", ats: [{ type: "named_time", name: "support_hours_start" }] }],
        }
      : {}),
  };
}

/** An Events API v2 integration of a vendor (Datadog, Sentry) on a service. */
export function integrationArgs(vendor: string, serviceId: pulumi.Input<string>, vendorId: pulumi.Input<string>): pagerduty.ServiceIntegrationArgs {
  return { name: vendor, service: serviceId, vendor: vendorId };
}

/**
 * Datadog's PagerDuty integration itself, which the service objects live in (PF-DD-INT-1).
 * Service objects are separate resources, so it holds none of its own (PF-DD-INT-2).
 */
export function datadogIntegrationArgs(subdomain: string, apiToken: pulumi.Input<string>): datadog.pagerduty.IntegrationArgs {
  return { subdomain, apiToken };
}

/** The Datadog side: the service object behind the `@pagerduty-<name>` handle. */
export function serviceObjectArgs(service: PagerdutyService, integrationKey: pulumi.Input<string>): datadog.pagerduty.ServiceObjectArgs {
  return { serviceName: service.name, serviceKey: integrationKey };
}

/** A Slack channel Datadog may post to (the `@slack-<account>-<channel>` handle). */
export function slackChannelArgs(target: SlackTarget): datadog.slack.ChannelArgs {
  return {
    accountName: target.account,
    channelName: target.channel,
    display: { message: true, notified: true, snapshot: true, tags: true },
  };
}

export function maintenanceWindowArgs(window: MaintenanceWindow, serviceIds: readonly pulumi.Input<string>[]): pagerduty.MaintenanceWindowArgs {
  return { description: `${window.name}: ${window.description}`, startTime: window.start, endTime: window.end, services: [...serviceIds] };
}

/** One Datadog downtime per service: it mutes every monitor and check tagged with it. */
export function downtimeArgs(environment: string, window: MaintenanceWindow, service: string): datadog.DowntimeScheduleArgs {
  return {
    scope: "*",
    monitorIdentifier: { monitorTags: [`env:${environment}`, `service:${service}`] },
    oneTimeSchedule: { start: window.start, end: window.end },
    message: `Planned maintenance ${window.name}: ${window.description}`,
    muteFirstRecoveryNotification: true,
  };
}
