/**
 * Sentry rules: what Sentry itself refuses or reads otherwise than a reviewer may think.
 * Each rule cites the vendor fact it holds (docs/provider-facts.md, PF-SEN-…): metric
 * alerts on the span dataset, rules that name no environment a new organization lacks,
 * Slack actions by channel ID, and "immediate" rules that fire on the first event.
 */
import type { PolicyConfigSchema, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { configOf, environmentsProperty, listInWords } from "./support";

/** `sentry.SentryIssueAlert` (an issue alert rule). */
export const SENTRY_ISSUE_ALERT = "sentry:index/sentryIssueAlert:SentryIssueAlert";
/** `sentry.SentryMetricAlert` (a metric alert rule). */
export const SENTRY_METRIC_ALERT = "sentry:index/sentryMetricAlert:SentryMetricAlert";

const FREQUENCY_CONDITION = "sentry.rules.conditions.event_frequency.EventFrequencyCondition";
const SLACK_ACTION = "sentry.integrations.slack.notify_action.SlackNotifyServiceAction";
const SPAN_DATASET = "events_analytics_platform";

/** An array property's object entries (anything else: none). */
function entries(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter((v): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v)) : [];
}

function ruleName(args: ResourceValidationArgs): string {
  return typeof args.props.name === "string" ? args.props.name : args.name;
}

// ---------------------------------------------------------------------------------------
// sentry-metric-alerts-on-spans
// ---------------------------------------------------------------------------------------

/** Datasets Sentry no longer accepts for new performance alerts (PF-SEN-1). */
const REFUSED_DATASETS: ReadonlySet<string> = new Set(["transactions", "generic_metrics"]);
/** Aggregates that measure transactions on spans, and so need `is_transaction:true` (PF-SEN-3). */
const TRANSACTION_AGGREGATE = /^(failure_rate\(\)|p(50|75|90|95|99|100)\(span\.duration\))$/;

function validateSpanAlerts(args: ResourceValidationArgs, reportViolation: ReportViolation): void {
  if (args.type !== SENTRY_METRIC_ALERT) return;
  const name = `Sentry metric alert "${ruleName(args)}"`;
  const dataset = typeof args.props.dataset === "string" ? args.props.dataset : "events";
  if (REFUSED_DATASETS.has(dataset)) {
    reportViolation(
      `${name} uses the ${dataset} dataset, which Sentry refuses for new alerts. Use the span dataset (${SPAN_DATASET}) with the ` +
        `is_transaction:true filter, span.duration for durations (PF-SEN-1, PF-SEN-3).`,
    );
    return;
  }
  if (dataset !== SPAN_DATASET) return;
  const window = typeof args.props.timeWindow === "number" ? args.props.timeWindow : undefined;
  if (window !== undefined && window < 5) {
    reportViolation(`${name} evaluates a ${window}-minute window; Sentry's span-based alerts take 5 minutes or more (PF-SEN-2).`);
  }
  const eventTypes = Array.isArray(args.props.eventTypes) ? args.props.eventTypes : [];
  if (eventTypes.length > 1) {
    reportViolation(`${name} names ${eventTypes.length} event types; an alert on the span dataset takes one, trace_item_span (PF-SEN-2).`);
  }
  const aggregate = typeof args.props.aggregate === "string" ? args.props.aggregate.trim() : "";
  const query = typeof args.props.query === "string" ? args.props.query : "";
  if (TRANSACTION_AGGREGATE.test(aggregate) && !/(^|[\s(])is_transaction:(true|1)\b/.test(query)) {
    reportViolation(
      `${name} measures ${aggregate} over every span, not over transactions. Add is_transaction:true to its query (PF-SEN-1, PF-SEN-3).`,
    );
  }
}

export const sentryMetricAlertsOnSpans: ResourceValidationPolicy = {
  name: "sentry-metric-alerts-on-spans",
  description:
    "Sentry metric alerts never use the transactions or generic_metrics dataset, which Sentry refuses for new alerts; span-based alerts " +
    "(events_analytics_platform) take one event type, a window of 5 minutes or more, and is_transaction:true for transaction rates and durations " +
    "(docs/provider-facts.md PF-SEN-1, PF-SEN-2, PF-SEN-3).",
  enforcementLevel: "mandatory",
  validateResource: validateSpanAlerts,
};

// ---------------------------------------------------------------------------------------
// sentry-rules-filter-environments
// ---------------------------------------------------------------------------------------

function validateNoEnvironmentField(args: ResourceValidationArgs, reportViolation: ReportViolation): void {
  if (args.type !== SENTRY_ISSUE_ALERT && args.type !== SENTRY_METRIC_ALERT) return;
  const environment = args.props.environment;
  if (typeof environment !== "string" || environment === "") return;
  const filter = args.type === SENTRY_ISSUE_ALERT ? "an event-attribute filter (attribute environment)" : `the query term environment:${environment}`;
  reportViolation(
    `Sentry rule "${ruleName(args)}" sets environment "${environment}". Sentry refuses an environment it has not received an event from, ` +
      `so a new organization's first pulumi up fails; filter with ${filter} instead (PF-SEN-4, PF-SEN-5).`,
  );
}

export const sentryRulesFilterEnvironments: ResourceValidationPolicy = {
  name: "sentry-rules-filter-environments",
  description:
    "Sentry rules leave Sentry's environment field unset and filter on the environment instead (issue alerts: an event-attribute filter; " +
    "metric alerts: environment: in the query): Sentry refuses an environment that has received no event yet, which fails a new organization's " +
    "first deployment (docs/provider-facts.md PF-SEN-4, PF-SEN-5).",
  enforcementLevel: "mandatory",
  validateResource: validateNoEnvironmentField,
};

// ---------------------------------------------------------------------------------------
// sentry-slack-actions-by-id
// ---------------------------------------------------------------------------------------

function validateSlackById(args: ResourceValidationArgs, reportViolation: ReportViolation): void {
  if (args.type !== SENTRY_ISSUE_ALERT) return;
  const byName = entries(args.props.actions)
    .filter((a) => a.id === SLACK_ACTION && (typeof a.channel_id !== "string" || a.channel_id.trim() === ""))
    .map((a) => String(a.channel ?? "?"));
  if (byName.length > 0) {
    reportViolation(
      `Sentry issue alert "${ruleName(args)}" posts to ${listInWords(byName)} by name only: Sentry then looks the channel up asynchronously, which ` +
        `times out in large workspaces. Give the channel's ID in routing.sentry.slackChannels (PF-SEN-6).`,
    );
  }
}

export const sentrySlackActionsById: ResourceValidationPolicy = {
  name: "sentry-slack-actions-by-id",
  description:
    "Sentry issue alerts post to Slack by channel ID (channel_id, the name kept for display): by name alone Sentry resolves the channel " +
    "asynchronously and times out in large workspaces (docs/provider-facts.md PF-SEN-6).",
  enforcementLevel: "mandatory",
  validateResource: validateSlackById,
};

// ---------------------------------------------------------------------------------------
// sentry-immediate-rules-fire-on-first-event
// ---------------------------------------------------------------------------------------

export interface ImmediateRulesConfig {
  readonly immediateSeverities: string[];
}

export const immediateRulesSchema: PolicyConfigSchema = {
  properties: {
    immediateSeverities: {
      type: "array",
      items: { type: "string", enum: ["P0", "P1", "P2", "P3"] },
      uniqueItems: true,
      default: ["P0"],
      description:
        "Severities whose Sentry issue alerts notify immediately, from the first event (default P0: 001 §1 Error Tracking Alert Rules " +
        "\"Critical Errors (immediate notification)\", 001 §6 Response Times \"P0: Immediate\").",
    },
  },
};

/** The severity a Lookout rule name ends with: `[prod] checkout payment-errors (P0)`. */
const NAME_SEVERITY = /\((P[0-3])\)\s*$/;

function validateImmediate(args: ResourceValidationArgs, reportViolation: ReportViolation): void {
  if (args.type !== SENTRY_ISSUE_ALERT) return;
  const severity = NAME_SEVERITY.exec(ruleName(args))?.[1];
  const config = configOf<ImmediateRulesConfig>(immediateRulesSchema, args);
  if (severity === undefined || !config.immediateSeverities.includes(severity)) return;
  for (const condition of entries(args.props.conditions)) {
    if (condition.id !== FREQUENCY_CONDITION) continue;
    const value = Number(condition.value);
    if (!Number.isFinite(value) || value < 1) continue;
    reportViolation(
      `Sentry issue alert "${ruleName(args)}" is ${severity}, an immediate rule, but fires only once an issue has more than ${value} ` +
        `event${value === 1 ? "" : "s"} in ${String(condition.interval)}: Sentry's frequency condition counts "more than". ` +
        `Write it as when: any-event, which fires from the first event (PF-SEN-7).`,
    );
  }
}

export const sentryImmediateRulesFireOnFirstEvent: ResourceValidationPolicy = {
  name: "sentry-immediate-rules-fire-on-first-event",
  description:
    "Sentry issue alerts of an immediate severity (config immediateSeverities, default P0) fire from the first event: a frequency condition " +
    "with value 1 fires from the second (Sentry counts \"more than\"), so they use when: any-event (docs/provider-facts.md PF-SEN-7; " +
    "001 §1 Error Tracking Alert Rules; 001 §6 Response Times).",
  enforcementLevel: "mandatory",
  configSchema: immediateRulesSchema,
  validateResource: validateImmediate,
};

// ---------------------------------------------------------------------------------------
// sentry-urgent-rules-page
// ---------------------------------------------------------------------------------------

export interface UrgentRulesConfig {
  readonly pagingEnvironments: string[];
  readonly pagingSeverities: string[];
}

export const urgentRulesSchema: PolicyConfigSchema = {
  properties: {
    pagingEnvironments: environmentsProperty(["prod"], "Environments (the [env] a rule name starts with) whose urgent Sentry rules must page (default [\"prod\"]: staging never pages, DESIGN.md)."),
    pagingSeverities: {
      type: "array",
      items: { type: "string", enum: ["P0", "P1", "P2", "P3"] },
      uniqueItems: true,
      default: ["P0", "P1"],
      description: "Severities whose Sentry rules page through Sentry's PagerDuty integration (default P0, P1: DESIGN.md severity ladder).",
    },
  },
};

/** `[prod] checkout payment-errors (P0)` → prod, P0. */
const NAME_PARTS = /^\[([^\]]+)\].*\((P[0-3])\)\s*$/;
const PAGERDUTY_ACTION = "sentry.integrations.pagerduty.notify_action.PagerDutyNotifyServiceAction";

function pages(args: ResourceValidationArgs): boolean {
  if (args.type === SENTRY_ISSUE_ALERT) return entries(args.props.actions).some((a) => a.id === PAGERDUTY_ACTION);
  const critical = entries(args.props.triggers).find((t) => t.label === "critical");
  return entries(critical?.actions).some((a) => a.type === "pagerduty");
}

function validateUrgentPages(args: ResourceValidationArgs, reportViolation: ReportViolation): void {
  if (args.type !== SENTRY_ISSUE_ALERT && args.type !== SENTRY_METRIC_ALERT) return;
  const parts = NAME_PARTS.exec(ruleName(args));
  const config = configOf<UrgentRulesConfig>(urgentRulesSchema, args);
  if (!parts || !config.pagingEnvironments.includes(parts[1]) || !config.pagingSeverities.includes(parts[2])) return;
  if (pages(args)) return;
  reportViolation(
    `Sentry rule "${ruleName(args)}" is ${parts[2]} in ${parts[1]} but pages nobody. Set the team's sentryPagerdutyService to the ID ` +
      `Sentry's PagerDuty integration gives its service (pending only for the first deployment of a new organization: PF-SEN-8).`,
  );
}

export const sentryUrgentRulesPage: ResourceValidationPolicy = {
  name: "sentry-urgent-rules-page",
  description:
    "Urgent (P0/P1) Sentry rules in production page through Sentry's PagerDuty integration; advisory, so that a new organization's first " +
    "deployment (sentryPagerdutyService: pending) shows what does not page yet (docs/provider-facts.md PF-SEN-8; DESIGN.md severity ladder).",
  enforcementLevel: "advisory",
  configSchema: urgentRulesSchema,
  validateResource: validateUrgentPages,
};

export const sentryPolicies: ResourceValidationPolicy[] = [
  sentryImmediateRulesFireOnFirstEvent,
  sentryMetricAlertsOnSpans,
  sentryRulesFilterEnvironments,
  sentrySlackActionsById,
  sentryUrgentRulesPage,
];
