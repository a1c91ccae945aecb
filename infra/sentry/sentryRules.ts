/**
 * Catalog Sentry projects and alerts → Sentry team, project, issue-alert and
 * metric-alert arguments. Pure functions, typed against the provider SDK, so the
 * component stays a summary and the mapping is tested with tables.
 *
 * Actions follow the service's route for the rule's severity (the same table that
 * routes Datadog alerts): PagerDuty and Slack through Sentry's own integrations, e-mail
 * to the issue owners (falling back to the team's active members).
 *
 * Rules never set Sentry's `environment` field: Sentry refuses an environment it has not
 * received an event from, which fails a new organization's first `pulumi up` (PF-SEN-4).
 * The stack's environment is a filter instead: an event-attribute filter on issue alerts,
 * an `environment:` term in metric alerts' queries (PF-SEN-5).
 */
import * as pulumi from "@pulumi/pulumi";
import type * as sentry from "@pulumiverse/sentry";
import type { Comparison, Quantity, ResolvedRoute, SentryIssueAlert, SentryMetricAlert, Service, Severity, Team } from "../../catalog/model";

type RuleEntry = Record<string, string>;

/** Sentry's rule registry ids (github.com/getsentry/sentry, src/sentry/rules). */
export const SENTRY_RULES = {
  firstSeen: "sentry.rules.conditions.first_seen_event.FirstSeenEventCondition",
  regression: "sentry.rules.conditions.regression_event.RegressionEventCondition",
  frequency: "sentry.rules.conditions.event_frequency.EventFrequencyCondition",
  taggedEvent: "sentry.rules.filters.tagged_event.TaggedEventFilter",
  eventAttribute: "sentry.rules.filters.event_attribute.EventAttributeFilter",
  level: "sentry.rules.filters.level.LevelFilter",
  notifyEmail: "sentry.mail.actions.NotifyEmailAction",
  notifyPagerduty: "sentry.integrations.pagerduty.notify_action.PagerDutyNotifyServiceAction",
  notifySlack: "sentry.integrations.slack.notify_action.SlackNotifyServiceAction",
} as const;

/**
 * Where Sentry can send: its PagerDuty and Slack integrations (their IDs, looked up by
 * name), the Slack channels' IDs and, per team, the ID Sentry's PagerDuty integration
 * gives the team's service.
 */
export interface SentryRouteTargets {
  readonly pagerdutyAccount?: pulumi.Input<string>;
  readonly slackWorkspace?: pulumi.Input<string>;
  /** Slack channel ID by channel name (`#ops-alerts` → `C024BE91L`). */
  readonly slackChannels?: Readonly<Record<string, string>>;
  /** Sentry's ID of each team's PagerDuty service, keyed by team. */
  readonly pagerdutyServices: Readonly<Record<string, string>>;
  /** Each team's Sentry team ID (metric-alert e-mail), keyed by team. */
  readonly teamIds?: Readonly<Record<string, pulumi.Input<string>>>;
}

export const NO_ROUTE_TARGETS: SentryRouteTargets = { pagerdutyServices: {} };

/**
 * Each team's service ID in Sentry's PagerDuty integration, keyed by team. The provider can
 * neither create nor look one up (PF-SEN-8): a team whose ID is still `pending` (a new
 * organization's first deployment) is left out, so its Sentry rules page nobody yet.
 */
export function sentryPagerdutyServices(teams: readonly Pick<Team, "name" | "sentryPagerdutyService">[]): Record<string, string> {
  return Object.fromEntries(teams.flatMap((t) => (t.sentryPagerdutyService !== undefined && t.sentryPagerdutyService !== "pending" ? [[t.name, t.sentryPagerdutyService]] : [])));
}

type RuleAction = Record<string, pulumi.Input<string>>;

/** A Slack channel's ID; the catalog guarantees one for every channel a Sentry rule posts to (PF-SEN-6). */
function slackChannelId(channel: string, targets: SentryRouteTargets): string {
  const id = targets.slackChannels?.[channel];
  if (id === undefined) throw new Error(`Sentry's Slack action for ${channel} needs the channel's ID (routing.sentry.slackChannels)`);
  return id;
}

/** The issue-alert actions of a route; e-mail to the issue owners when nothing else reaches anyone (PF-SEN-9). */
export function issueActions(route: ResolvedRoute | undefined, team: string, targets: SentryRouteTargets): RuleAction[] {
  const actions: RuleAction[] = [];
  const pdService = targets.pagerdutyServices[team];
  if (route?.pagerduty && targets.pagerdutyAccount && pdService) {
    // PF-SEN-8: `service` is the ID of the service's row in Sentry's PagerDuty integration.
    actions.push({ id: SENTRY_RULES.notifyPagerduty, account: targets.pagerdutyAccount, service: pdService, severity: "default" });
  }
  if (targets.slackWorkspace) {
    for (const s of route?.slack ?? []) {
      // PF-SEN-6: with `channel_id` Sentry skips its channel lookup; the name must still match the ID.
      actions.push({ id: SENTRY_RULES.notifySlack, workspace: targets.slackWorkspace, channel: s.channel, channel_id: slackChannelId(s.channel, targets) });
    }
  }
  if (!route || route.email.length > 0 || actions.length === 0) {
    actions.push({ id: SENTRY_RULES.notifyEmail, targetType: "IssueOwners", fallthroughType: "ActiveMembers" });
  }
  return actions;
}

/**
 * The metric-alert trigger actions of a route. The warning trigger never pages (a warning
 * goes to chat only). Sentry refuses a trigger without an action (PF-SEN-9), so a trigger
 * that would reach nobody e-mails the team.
 *
 * Slack actions name the channel only: the installed provider has no `inputChannelId` on
 * trigger actions, so Sentry looks the channel up by name (PF-SEN-6; see the README).
 */
export function triggerActions(
  route: ResolvedRoute | undefined,
  team: string,
  targets: SentryRouteTargets,
  label: "critical" | "warning" = "critical",
): sentry.types.input.SentryMetricAlertTriggerAction[] {
  const actions: sentry.types.input.SentryMetricAlertTriggerAction[] = [];
  const integration = (id: pulumi.Input<string>) => ({ integrationId: toNumber(id) });
  const pdService = targets.pagerdutyServices[team];
  if (label === "critical" && route?.pagerduty && targets.pagerdutyAccount && pdService) {
    actions.push({ type: "pagerduty", targetType: "specific", targetIdentifier: pdService, ...integration(targets.pagerdutyAccount) });
  }
  if (targets.slackWorkspace) {
    for (const s of route?.slack ?? []) actions.push({ type: "slack", targetType: "specific", targetIdentifier: s.channel, ...integration(targets.slackWorkspace) });
  }
  const teamId = targets.teamIds?.[team];
  if (teamId && ((route && route.email.length > 0) || actions.length === 0)) actions.push({ type: "email", targetType: "team", targetIdentifier: teamId });
  if (actions.length === 0) throw new Error(`a Sentry metric alert's ${label} trigger needs an action: no route target and no team ID for team ${team}`);
  return actions;
}

function toNumber(id: pulumi.Input<string>): pulumi.Input<number> {
  return typeof id === "string" ? Number(id) : pulumi.output(id).apply(Number);
}

/** Sentry's numeric log levels (the LevelFilter compares these). */
export const SENTRY_LEVEL: Readonly<Record<NonNullable<SentryIssueAlert["level"]>, number>> = {
  fatal: 50,
  error: 40,
  warning: 30,
  info: 20,
  debug: 10,
};

/** Metric-alert `thresholdType`: 0 alerts above the threshold, 1 below. */
export const THRESHOLD_TYPE: Readonly<Record<Comparison, number>> = { above: 0, below: 1 };

/** Sentry's span dataset: the only one new performance alerts may use (PF-SEN-1). */
export const SPAN_DATASET = "events_analytics_platform";

/**
 * What each catalog metric signal compiles to, and the unit its thresholds are written in.
 * Performance signals are span-based: the span dataset, its span event type, restricted to
 * transactions (segment spans) by `is_transaction:true` (PF-SEN-1, PF-SEN-2), with the span
 * aggregates Sentry's own migration maps the transaction ones to (PF-SEN-3).
 */
const METRIC_SIGNALS: Readonly<
  Record<
    SentryMetricAlert["signal"],
    { kind: Quantity["kind"]; dataset: string; eventTypes: readonly string[]; filter?: string; aggregate: (a: SentryMetricAlert) => string }
  >
> = {
  "failure-rate": { kind: "percent", dataset: SPAN_DATASET, eventTypes: ["trace_item_span"], filter: "is_transaction:true", aggregate: () => "failure_rate()" },
  latency: { kind: "duration", dataset: SPAN_DATASET, eventTypes: ["trace_item_span"], filter: "is_transaction:true", aggregate: (a) => `${a.percentile ?? "p95"}(span.duration)` },
  "error-count": { kind: "number", dataset: "events", eventTypes: ["error"], aggregate: () => "count()" },
};

/**
 * A metric alert's query: the signal's filter, the stack's environment (PF-SEN-5), then the
 * catalog's own filter, parenthesized when it has an OR (which binds looser than the implied AND).
 */
export function metricQuery(signal: SentryMetricAlert["signal"], environment: string, query: string): string {
  const own = query.trim();
  const catalogTerm = /\bOR\b/.test(own) ? `(${own})` : own;
  return [METRIC_SIGNALS[signal].filter, `environment:${environment}`, catalogTerm].filter((t) => t !== undefined && t !== "").join(" ");
}

/** Twelve significant digits: drops binary noise (0.0007000000000000001 → 0.0007), keeps every written digit. */
function exact(value: number): number {
  return Number(value.toPrecision(12));
}

/**
 * A catalog threshold as Sentry's metric alerts read it: a percentage as a ratio
 * (`5%` → 0.05, what `failure_rate()` returns), a duration in milliseconds (`2s` →
 * 2000, the unit of `span.duration`), a plain number as itself. Rates per hour
 * have no Sentry metric alert.
 */
export function sentryThreshold(quantity: Quantity): number {
  switch (quantity.kind) {
    case "percent":
      return exact(quantity.value / 100);
    case "duration":
    case "number":
      return exact(quantity.value);
    case "per-hour":
      throw new Error(`a Sentry metric alert has no per-hour threshold: "${quantity.text}"`);
  }
}

/** `[prod] checkout payment-errors (P1)`: the rule's title in Sentry and in notifications. */
export function sentryAlertName(environment: string, service: Service, alertName: string, severity: Severity): string {
  return `[${environment}] ${service.name} ${alertName} (${severity})`;
}

/** The team owning a service's project; its slug is the catalog team name. */
export function sentryTeamArgs(organization: pulumi.Input<string>, team: string): sentry.SentryTeamArgs {
  return { organization, name: team, slug: team };
}

/**
 * A service's Sentry project, owned by the service's team. The project spans
 * environments (Sentry tags events with theirs), so `environment` does not change it.
 */
export function sentryProjectArgs(organization: pulumi.Input<string>, _environment: string, service: Service): sentry.SentryProjectArgs {
  const project = service.sentry;
  if (!project) throw new Error(`service ${service.name} has no Sentry project`);
  return {
    organization,
    name: service.name,
    slug: project.slug,
    platform: project.platform,
    teams: [service.team],
  };
}

/**
 * "Any event" as Sentry can say it: its frequency condition fires on *more than* `value`
 * events (PF-SEN-7), so value 0 fires from the first one; its every-event condition is
 * disabled. The window only has to hold the event being evaluated: one hour, so that a
 * delayed evaluation still counts it.
 */
export const ANY_EVENT_CONDITION: RuleEntry = { id: SENTRY_RULES.frequency, value: "0", interval: "1h", comparisonType: "count" };

function issueCondition(alert: SentryIssueAlert): RuleEntry {
  switch (alert.when) {
    case "any-event":
      return { ...ANY_EVENT_CONDITION };
    case "new-issue":
      return { id: SENTRY_RULES.firstSeen };
    case "regression":
      return { id: SENTRY_RULES.regression };
    case "frequency":
      if (alert.count === undefined || alert.interval === undefined) {
        throw new Error(`Sentry frequency alert ${alert.name} needs a count and an interval`);
      }
      return { id: SENTRY_RULES.frequency, value: String(alert.count), interval: alert.interval, comparisonType: "count" };
  }
}

/** The stack's environment (PF-SEN-5), tags (sorted by key), then message text, then minimum level: all must match. */
export function issueFilters(alert: SentryIssueAlert, environment: string): RuleEntry[] {
  const filters: RuleEntry[] = [{ id: SENTRY_RULES.eventAttribute, attribute: "environment", match: "eq", value: environment }];
  filters.push(...Object.entries(alert.tags)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => ({ id: SENTRY_RULES.taggedEvent, key, match: "eq", value })));
  if (alert.message !== undefined) {
    filters.push({ id: SENTRY_RULES.eventAttribute, attribute: "message", match: "co", value: alert.message });
  }
  if (alert.level !== undefined) {
    filters.push({ id: SENTRY_RULES.level, match: "gte", level: String(SENTRY_LEVEL[alert.level]) });
  }
  return filters;
}

/** An issue alert: one condition, every filter, at most one notification per issue every `notifyEvery`. */
export function issueAlertArgs(
  organization: pulumi.Input<string>,
  projectSlug: pulumi.Input<string>,
  environment: string,
  service: Service,
  alert: SentryIssueAlert,
  targets: SentryRouteTargets = NO_ROUTE_TARGETS,
): sentry.SentryIssueAlertArgs {
  return {
    organization,
    project: projectSlug,
    name: sentryAlertName(environment, service, alert.name, alert.severity),
    actionMatch: "any",
    filterMatch: "all",
    frequency: alert.notifyEveryMinutes,
    conditions: [issueCondition(alert)],
    filters: issueFilters(alert, environment),
    actions: issueActions(service.routes?.[alert.severity], service.team, targets),
  };
}

/** A metric alert: a critical trigger, a warning trigger when the catalog has one, resolving at `recovery`. */
export function metricAlertArgs(
  organization: pulumi.Input<string>,
  projectSlug: pulumi.Input<string>,
  environment: string,
  service: Service,
  alert: SentryMetricAlert,
  targets: SentryRouteTargets = NO_ROUTE_TARGETS,
): sentry.SentryMetricAlertArgs {
  const signal = METRIC_SIGNALS[alert.signal];
  const threshold = (quantity: Quantity): number => {
    if (quantity.kind !== signal.kind) {
      throw new Error(`Sentry ${alert.signal} alert ${alert.name}: expected a ${signal.kind} threshold, found "${quantity.text}"`);
    }
    return sentryThreshold(quantity);
  };
  const thresholdType = THRESHOLD_TYPE[alert.comparison];
  const resolveThreshold = alert.recovery === undefined ? undefined : threshold(alert.recovery);
  const trigger = (label: "critical" | "warning", quantity: Quantity): sentry.types.input.SentryMetricAlertTrigger => ({
    label,
    alertThreshold: threshold(quantity),
    thresholdType,
    ...(resolveThreshold === undefined ? {} : { resolveThreshold }),
    actions: triggerActions(service.routes?.[alert.severity], service.team, targets, label),
  });
  return {
    organization,
    project: projectSlug,
    name: sentryAlertName(environment, service, alert.name, alert.severity),
    dataset: signal.dataset,
    eventTypes: [...signal.eventTypes],
    aggregate: signal.aggregate(alert),
    query: metricQuery(alert.signal, environment, alert.query),
    timeWindow: alert.windowMinutes,
    thresholdType,
    ...(resolveThreshold === undefined ? {} : { resolveThreshold }),
    triggers: [trigger("critical", alert.critical), ...(alert.warning === undefined ? [] : [trigger("warning", alert.warning)])],
  };
}
