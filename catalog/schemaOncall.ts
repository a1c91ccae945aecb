/**
 * The catalog's on-call part: `teams` (members, rotations, escalation ladder, chat
 * channels), `routing` (for each severity, where alerts go and how urgently) and
 * `maintenance` (planned windows that must not page). Raw form; `normalizeOncall.ts`
 * checks what a schema cannot and resolves every service's routes.
 */
import { z } from "zod";
import { Duration, Name } from "./primitives";

export const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const;

const Email = z.email({ error: "an e-mail address" });
const TimeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: "a time of day such as 09:00" });
const CalendarDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: "a date such as 2026-01-05" });
const Instant = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})$/, { error: "a time with its offset such as 2026-03-01T22:00:00Z" });
const SlackChannel = z.string().regex(/^#[a-z0-9][a-z0-9_-]{0,79}$/, { error: "a Slack channel such as #ops-alerts" });

export const Member = z.strictObject({
  email: Email.meta({ description: "The person's PagerDuty login: an existing PagerDuty user, looked up by e-mail." }),
  name: z.string().min(1).optional(),
  role: z.string().min(1).optional().meta({ description: "e.g. engineering lead, CTO: for readers of the ladder." }),
});

export const Rotation = z.strictObject({
  name: Name.meta({ description: "e.g. primary, secondary: becomes the schedule <team>-<name>." }),
  members: z.array(Email).min(1).meta({ description: "Team members in rotation order." }),
  length: z.enum(["daily", "weekly"]).default("weekly"),
  handoff: z.strictObject({
    day: z.enum(WEEKDAYS).optional().meta({ description: "Weekly rotations: the day on-call changes hands." }),
    time: TimeOfDay,
  }),
  start: CalendarDate.meta({
    description: "The first handoff, a fixed date (never the clock): editing the roster later does not reset who is on call.",
  }),
});

export const EscalationTarget = z
  .string()
  .regex(/^(schedule:[a-z][a-z0-9-]*|user:[^\s@]+@[^\s@]+)$/, { error: "schedule:<rotation> or user:<e-mail>" });

export const EscalationLevel = z.strictObject({
  until: Duration.meta({
    description: "Minutes since the incident began until the next level is notified (0–5 min, 5–15 min … as the guides write them).",
  }),
  notify: z.array(EscalationTarget).min(1),
});

export const Team = z.strictObject({
  name: Name,
  renamedFrom: Name.optional().meta({ description: "The team's previous name: its schedules, escalation policy, PagerDuty services, Datadog handles, Sentry team and Grafana folder and dashboard get Pulumi aliases for the old names, so they keep their history." }),
  description: z.string().optional(),
  timeZone: z.string().min(1).meta({ description: "IANA time zone of the rotations, e.g. Europe/Berlin." }),
  members: z.array(Member).min(1),
  rotations: z.array(Rotation).default([]),
  escalation: z.strictObject({
    loops: z.number().int().min(0).max(9).default(0).meta({ description: "Times the ladder repeats when nobody acknowledges (PagerDuty num_loops)." }),
    levels: z.array(EscalationLevel).min(1),
  }),
  chat: z.record(Name, SlackChannel).default({})
    .meta({ description: "Slack channels by role, e.g. { alerts: '#ops-alerts', emergency: '#emergency-alerts' }; routing names the roles." }),
  email: z.array(Email).default([]).meta({ description: "Team addresses for e-mail routes." }),
  supportHours: z.strictObject({
    days: z.array(z.enum(WEEKDAYS)).min(1),
    start: TimeOfDay,
    end: TimeOfDay,
  }).optional().meta({ description: "Business-hours team: outside these hours its incidents are low urgency. Not for teams that own P0/P1 pages." }),
  acknowledgementTimeout: Duration.default("30m").meta({ description: "An acknowledged incident re-triggers after this long." }),
  autoResolveTimeout: Duration.default("4h").meta({ description: "An open incident resolves itself after this long (monitors resolve theirs on recovery)." }),
  // PF-SEN-8: an ID the provider can neither create nor look up.
  sentryPagerdutyService: z.union([z.literal("pending"), z.string().regex(/^[1-9][0-9]*$/, { error: "the numeric ID of the service in Sentry's PagerDuty integration, or pending" })]).optional()
    .meta({ description: "The ID Sentry's PagerDuty integration gives this team's service (configData.service_table[].id); pending until the first deployment has created the PagerDuty service: the team's Sentry rules then page nobody (see the README's first deployment of a new Sentry organization)." }),
});

export const Route = z.strictObject({
  page: z.enum(["high", "low"]).optional()
    .meta({ description: "Page through PagerDuty at this urgency; absent: no page." }),
  chat: z.array(Name).default([]).meta({ description: "Chat roles of the owning team (its chat map) to post to." }),
  email: z.boolean().default(false).meta({ description: "Also e-mail the owning team's addresses." }),
});

export const Routing = z.strictObject({
  slackAccount: z.string().min(1).meta({ description: "The Slack workspace as Datadog's Slack integration names it." }),
  sentry: z.strictObject({
    slackWorkspace: z.string().min(1).optional().meta({ description: "Sentry's Slack integration (its name), for chat routes." }),
    // PF-SEN-6: Sentry posts by channel ID without an asynchronous name lookup.
    slackChannels: z.record(SlackChannel, z.string().regex(/^[CG][A-Z0-9]{8,}$/, { error: "a Slack channel ID such as C024BE91L" })).optional()
      .meta({ description: "The Slack channel ID of each channel Sentry rules post to, by channel name: { '#ops-alerts': C024BE91L } (Slack → channel details → Channel ID)." }),
    pagerdutyAccount: z.string().min(1).optional().meta({ description: "Sentry's PagerDuty integration (its name), for pages." }),
  }).optional(),
  severities: z.strictObject({ P0: Route, P1: Route, P2: Route, P3: Route })
    .meta({ description: "One route per severity: every alert of that severity goes there." }),
  alertGrouping: z.enum(["none", "content"]).default("none")
    .meta({ description: "How PagerDuty groups a service's alerts into incidents: none (default: one incident per alert), or content (alerts with the same summary join the open incident; needs PagerDuty's AIOps add-on or Event Intelligence)." }),
});

export const MaintenanceWindow = z.strictObject({
  name: Name,
  description: z.string().min(1),
  start: Instant,
  end: Instant,
  services: z.array(Name).min(1).meta({ description: "The catalog services under maintenance." }),
});

export type RawTeam = z.output<typeof Team>;
export type RawRouting = z.output<typeof Routing>;
export type RawMaintenanceWindow = z.output<typeof MaintenanceWindow>;
