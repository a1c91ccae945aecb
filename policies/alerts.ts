/**
 * Alert rules: what every Datadog monitor and SLO carries, that a monitor's query and
 * its thresholds say the same thing, and that latency is alerted on percentiles.
 */
import type { PolicyConfigSchema, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { numberOf } from "../json/numbers";
import { configOf, DATADOG_MONITOR, DATADOG_SLO, listInWords, missingTagKeys, objectProp, requiredTagKeysSchema, RUNBOOK_LINE } from "./support";

// ---------------------------------------------------------------------------------------
// monitor-tags-and-runbook
// ---------------------------------------------------------------------------------------

export interface MonitorTagsConfig {
  readonly requiredTagKeys: string[];
}

export const monitorTagsSchema: PolicyConfigSchema = requiredTagKeysSchema("Datadog monitor and SLO");

function validateMonitorTags(args: ResourceValidationArgs, reportViolation: ReportViolation): void {
  if (args.type !== DATADOG_MONITOR && args.type !== DATADOG_SLO) return;
  const what = args.type === DATADOG_MONITOR ? "Monitor" : "SLO";
  const config = configOf<MonitorTagsConfig>(monitorTagsSchema, args);
  const missing = missingTagKeys(args.props.tags, config.requiredTagKeys);
  if (missing.length > 0) {
    reportViolation(
      `${what} "${args.name}" is missing the tag${missing.length > 1 ? "s" : ""} ${listInWords(missing.map((k) => `${k}:`))}. ` +
        `Add them: alerts are routed and escalated by team and severity, per service and environment ` +
        `(001 Production Monitoring Guide §6; 002 Production Monitoring & Alerting Guide §Alert Routing & Escalation).`,
    );
  }
  if (args.type === DATADOG_MONITOR) {
    const message = typeof args.props.message === "string" ? args.props.message : "";
    if (!RUNBOOK_LINE.test(message)) {
      reportViolation(
        `Monitor "${args.name}" has no runbook link in its message. Add a line "Runbook: https://…" with the first steps ` +
          `for whoever is paged (000 Monitoring Dashboard guide §Documentation: Runbooks, §Response Procedures).`,
      );
    }
  }
}

export const monitorTagsAndRunbook: ResourceValidationPolicy = {
  name: "monitor-tags-and-runbook",
  description:
    "Every Datadog monitor and SLO carries the tags env:, service:, team:, severity: (config requiredTagKeys), " +
    "and every monitor a 'Runbook: https://…' line in its message (001 §6 Alert Management; 002 §Alert Routing & Escalation; 000 §Documentation: Runbooks).",
  enforcementLevel: "mandatory",
  configSchema: monitorTagsSchema,
  validateResource: validateMonitorTags,
};

// ---------------------------------------------------------------------------------------
// monitor-thresholds-agree
// ---------------------------------------------------------------------------------------

/** The comparison a Datadog query ends with: `… > 1`, `… <= 0.5`. */
const TRAILING_COMPARISON = /(>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)\s*$/;

/**
 * Monitors whose query names other resources' IDs (an SLO's, its parts'): the ID of a
 * resource being created is unknown in a preview, so the query is too. Their query is
 * not read; reading it would turn the rule into "cannot run during preview".
 */
const QUERY_NAMES_IDS: ReadonlySet<string> = new Set(["slo alert", "composite"]);

export function readableQuery(args: ResourceValidationArgs): string {
  if (QUERY_NAMES_IDS.has(String(args.props.type))) return "";
  return typeof args.props.query === "string" ? args.props.query : "";
}

function validateThresholds(args: ResourceValidationArgs, reportViolation: ReportViolation): void {
  if (args.type !== DATADOG_MONITOR) return;
  const match = TRAILING_COMPARISON.exec(readableQuery(args));
  if (!match) return; // composite and other comparison-less monitors
  const operator = match[1];
  const inQuery = Number(match[2]);
  const thresholds = objectProp(args.props.monitorThresholds) ?? {};
  const critical = numberOf(thresholds.critical);
  const name = `Monitor "${args.name}"`;
  if (critical === undefined) {
    reportViolation(`${name} compares its query with ${operator} ${match[2]} but sets no critical threshold. Set monitorThresholds.critical to ${match[2]}.`);
    return;
  }
  if (critical !== inQuery) {
    reportViolation(
      `${name}: its query says ${operator} ${match[2]} but its critical threshold is ${String(thresholds.critical)}. ` +
        `Datadog rejects a monitor whose two disagree; write the threshold once in the catalog and let Lookout derive both.`,
    );
  }
  const above = operator.startsWith(">");
  const warning = numberOf(thresholds.warning);
  if (warning !== undefined && (above ? warning >= critical : warning <= critical)) {
    reportViolation(
      `${name}: its warning (${warning}) fires no earlier than its critical (${critical}) for values ${above ? "above" : "below"} it. ` +
        `Set the warning ${above ? "below" : "above"} critical, or remove it.`,
    );
  }
  const recovery = numberOf(thresholds.criticalRecovery);
  if (recovery !== undefined && (above ? recovery >= critical : recovery <= critical)) {
    reportViolation(
      `${name}: its critical recovery (${recovery}) is not on the good side of critical (${critical}), so the alert could never resolve. ` +
        `Set it ${above ? "below" : "above"} ${critical}.`,
    );
  }
}

export const monitorThresholdsAgree: ResourceValidationPolicy = {
  name: "monitor-thresholds-agree",
  description:
    "A Datadog monitor's query comparison equals its critical threshold; its warning fires before critical and its recovery lies on the good side of it.",
  enforcementLevel: "mandatory",
  validateResource: validateThresholds,
};

// ---------------------------------------------------------------------------------------
// latency-alerts-use-percentiles
// ---------------------------------------------------------------------------------------

/** APM latency: a `trace.<operation>` distribution, not its .hits/.errors/.apdex counts. */
const APM_LATENCY = /(?:^|[:(\s])(avg|min|max|sum):trace\.[\w.]+?(?<!\.hits|\.errors|\.apdex)(?:\.as_count\(\))?\{/;
/** RUM timings rolled up with a mean. */
const RUM_AVERAGE = /\.rollup\("avg",\s*"@view\.(?:largest_contentful_paint|first_input_delay|interaction_to_next_paint|first_byte|first_contentful_paint|loading_time)"\)/;

function validatePercentiles(args: ResourceValidationArgs, reportViolation: ReportViolation): void {
  if (args.type !== DATADOG_MONITOR) return;
  const query = readableQuery(args);
  const apm = APM_LATENCY.exec(query);
  if ((apm && !/^percentile\(/.test(query)) || RUM_AVERAGE.test(query)) {
    reportViolation(
      `Monitor "${args.name}" alerts on ${apm ? `the ${apm[1]}` : "the mean"} of a latency. Alert on a percentile instead ` +
        `(p50, p95, p99: a mean hides the slow tail users feel), as the guides set their latency thresholds ` +
        `(001 Production Monitoring Guide §2 API Response Times: P50/P95/P99; 002 §API Performance percentiles [50, 90, 95, 99]; 004 p95 > 2 s).`,
    );
  }
}

export const latencyAlertsUsePercentiles: ResourceValidationPolicy = {
  name: "latency-alerts-use-percentiles",
  description:
    "Latency monitors (APM trace durations, RUM timings) alert on a percentile, never on an average " +
    "(001 §2 API Response Times: P50/P95/P99; 002 §API Performance; 004 §Critical Alerts to Set Up: p95 > 2 s).",
  enforcementLevel: "mandatory",
  validateResource: validatePercentiles,
};

export const alertPolicies: ResourceValidationPolicy[] = [monitorTagsAndRunbook, monitorThresholdsAgree, latencyAlertsUsePercentiles];
