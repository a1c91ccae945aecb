/**
 * Every threshold a plan provisions, read from the planned resources' inputs (what the
 * providers will be given), one row per setting. Knows the resource types Lookout
 * makes; anything else is skipped.
 */
import { numberOf as num } from "../../json/numbers";
import { describeValue, durationSeconds, formatDuration, formatMeasured, formatSeconds, parseOrUndefined, parseTags, thresholdUnit, writtenSeconds, type MonitorQuery } from "../../queries";
import { isSignalName, signalSpec } from "../../catalog/signals";
import type { Plan, PlanResource } from "../engine/plan";
import type { ThresholdRow } from "./model";
import { notifiedHandles } from "./notifies";

type Inputs = Record<string, unknown>;
type Row = Omit<ThresholdRow, "urn" | "resource" | "type" | "source">;

/** `5m` → 300 (NaN for text that is no duration). */
function seconds(text: string): number {
  return writtenSeconds(text) ?? Number.NaN;
}

function tagsOf(inputs: Inputs): Map<string, string> {
  return parseTags(inputs.tags);
}

/**
 * The handles a Datadog message notifies when the monitor alerts, read as Datadog renders
 * the message (notifies.ts): those of its alert block and those outside any block, so a
 * plan from before messages were routed per transition reads the same route.
 */
function routeOf(message: unknown): string | undefined {
  const handles = typeof message === "string" ? notifiedHandles(message, { from: "OK", to: "ALERT" }) : [];
  return handles.length > 0 ? handles.join(" ") : undefined;
}

function severityOf(tags: Map<string, string>): string | undefined {
  const s = tags.get("severity");
  return s ? s.toUpperCase() : undefined;
}

/**
 * A monitor threshold in the unit its query yields (queries/units.ts, with the unit the
 * monitor's signal declares for a bare gauge), written for a reader.
 */
function inUnit(signal: string | undefined, model: MonitorQuery | undefined, value: number): string {
  if (!signal || !model) return String(value);
  return describeValue(value, thresholdUnit(model, isSignalName(signal) ? signalSpec(signal).metricUnit : undefined));
}

/** The evaluation window a monitor's query rolls over (`last_5m`, `.last("5m")`); undefined for cumulative windows and forecasts. */
function windowOf(model: MonitorQuery | undefined): { seconds: number; text: string } | undefined {
  const duration =
    model?.kind === "metric" && model.evaluation.window.kind === "last" ? model.evaluation.window.duration :
    model?.kind === "search" ? model.window : undefined;
  return duration && { seconds: durationSeconds(duration), text: formatDuration(duration) };
}

/** Datadog monitors: the comparison, thresholds and window of the query; burn rates from their tags. */
function monitorRows(inputs: Inputs): Row[] {
  const tags = tagsOf(inputs);
  const base = { kind: "monitor", service: tags.get("service") ?? "", severity: severityOf(tags), route: routeOf(inputs.message) };
  const query = typeof inputs.query === "string" ? inputs.query : "";
  const thresholds = (inputs.monitorThresholds ?? {}) as Inputs;
  const rows: Row[] = [];
  // A burn-rate alert (the composite of the slowest tier included); the composite's two
  // halves (tagged window:) are plain error-ratio monitors, read as such below.
  if (tags.has("burn-rate") && !tags.has("window")) {
    const what = `SLO ${tags.get("slo")} burn rate ${tags.get("burn-rate")}`;
    const factor = num(tags.get("burn-factor")) ?? num(thresholds.critical);
    if (factor !== undefined) rows.push({ ...base, kind: "burn-rate", what, setting: "burn-factor", value: factor, display: `${factor}×`, looserWhen: "higher" });
    for (const w of ["long-window", "short-window"]) {
      const text = tags.get(w);
      if (text) rows.push({ ...base, kind: "burn-rate", what, setting: w, value: seconds(text), display: text, looserWhen: "higher" });
    }
    return rows;
  }
  if (inputs.type === "composite") return rows;
  const model = parseOrUndefined(query);
  const comparison = model && model.kind !== "composite" && model.kind !== "service-check" ? model.comparator : ">";
  const above = comparison.startsWith(">");
  const what = tags.get("signal")
    ? `${tags.get("signal")} (${tags.get("alert") ?? ""})`
    : tags.has("burn-rate")
      ? `SLO ${tags.get("slo")} error ratio, ${tags.get("burn-rate")} tier ${tags.get("window")} window`
      : truncate(model && model.kind !== "composite" && model.kind !== "service-check" ? formatMeasured(model) : query);
  for (const setting of ["critical", "warning", "criticalRecovery"] as const) {
    const value = num(thresholds[setting]);
    if (value === undefined) continue;
    const name = setting === "criticalRecovery" ? "recovery" : setting;
    rows.push({ ...base, what, setting: name, value, display: `${comparison} ${inUnit(tags.get("signal"), model, value)}`, looserWhen: above ? "higher" : "lower" });
  }
  const window = windowOf(model);
  if (window) rows.push({ ...base, what, setting: "window", value: window.seconds, display: window.text, looserWhen: "higher" });
  const renotify = num(inputs.renotifyInterval);
  rows.push({ ...base, what, setting: "renotify", value: renotify ?? 0, display: renotify ? formatSeconds(renotify * 60) : "never", looserWhen: "neutral" });
  return rows;
}

/** Synthetics tests: how often, from how many places, how long down before alerting, and their bounds. */
function syntheticsRows(inputs: Inputs): Row[] {
  const tags = tagsOf(inputs);
  const options = (inputs.optionsList ?? {}) as Inputs;
  const request = (inputs.requestDefinition ?? {}) as Inputs;
  const what = String(inputs.subtype === "ssl" ? `certificate ${String(request.host ?? "")}` : inputs.subtype === "multi" ? `journey ${String(inputs.name ?? "")}` : `${String(request.method ?? "GET")} ${String(request.url ?? "")}`);
  const base = { kind: "synthetics", service: tags.get("service") ?? "", severity: severityOf(tags), route: routeOf(inputs.message), what };
  const rows: Row[] = [];
  const tick = num(options.tickEvery);
  if (tick !== undefined) rows.push({ ...base, setting: "interval", value: tick, display: formatSeconds(tick), looserWhen: "higher" });
  const locations = Array.isArray(inputs.locations) ? inputs.locations.length : undefined;
  if (locations !== undefined) rows.push({ ...base, setting: "locations", value: locations, display: String(locations), looserWhen: "lower" });
  const down = num(options.minFailureDuration);
  if (down !== undefined) rows.push({ ...base, setting: "down-after", value: down, display: formatSeconds(down), looserWhen: "higher" });
  const quorum = num(options.minLocationFailed);
  if (quorum !== undefined) rows.push({ ...base, setting: "locations-failing", value: quorum, display: String(quorum), looserWhen: "higher" });
  for (const a of Array.isArray(inputs.assertions) ? (inputs.assertions as Inputs[]) : []) {
    if (a.type === "responseTime") rows.push({ ...base, setting: "response-time", value: Number(a.target), display: `< ${String(a.target)}ms`, looserWhen: "higher" });
    if (a.type === "certificate") rows.push({ ...base, setting: "certificate-days", value: Number(a.target), display: `${String(a.target)} days`, looserWhen: "lower" });
    if (a.type === "statusCode") rows.push({ ...base, setting: "status", value: String(a.target), display: String(a.target), looserWhen: "neutral" });
  }
  return rows;
}

function sloRows(inputs: Inputs): Row[] {
  const tags = tagsOf(inputs);
  const base = { kind: "slo", service: tags.get("service") ?? "", severity: severityOf(tags), what: `SLO ${String(inputs.name ?? "")}` };
  const rows: Row[] = [];
  for (const t of Array.isArray(inputs.thresholds) ? (inputs.thresholds as Inputs[]) : []) {
    const target = num(t.target);
    if (target !== undefined) rows.push({ ...base, setting: `target-${String(t.timeframe)}`, value: target, display: `${target}%`, looserWhen: "lower" });
    const warning = num(t.warning);
    if (warning !== undefined) rows.push({ ...base, setting: `warning-${String(t.timeframe)}`, value: warning, display: `${warning}%`, looserWhen: "lower" });
  }
  return rows;
}

/** `[prod] checkout new-issues (P0)` → P0. */
function severityInName(name: unknown): string | undefined {
  return /\((P[0-3])\)$/.exec(String(name ?? ""))?.[1];
}

function sentryRoute(actions: unknown): string {
  const list = Array.isArray(actions) ? (actions as Inputs[]) : [];
  return list
    .map((a) => String(a.id ?? a.type ?? ""))
    .map((id) => (/pagerduty/i.test(id) ? "pagerduty" : /slack/i.test(id) ? "slack" : /mail|email/i.test(id) ? "email" : id))
    .join(" ");
}

function sentryIssueRows(inputs: Inputs): Row[] {
  const base = { kind: "sentry", service: String(inputs.project ?? ""), severity: severityInName(inputs.name), route: sentryRoute(inputs.actions), what: String(inputs.name ?? "") };
  const rows: Row[] = [];
  for (const c of Array.isArray(inputs.conditions) ? (inputs.conditions as Inputs[]) : []) {
    if (String(c.id).endsWith("EventFrequencyCondition")) {
      rows.push({ ...base, setting: "events", value: Number(c.value), display: `> ${String(c.value)} in ${String(c.interval)}`, looserWhen: "higher" });
      rows.push({ ...base, setting: "events-interval", value: seconds(String(c.interval)), display: String(c.interval), looserWhen: "lower" });
    }
  }
  const every = num(inputs.frequency);
  if (every !== undefined) rows.push({ ...base, setting: "notify-every", value: every * 60, display: formatSeconds(every * 60), looserWhen: "higher" });
  return rows;
}

function sentryMetricRows(inputs: Inputs): Row[] {
  const above = num(inputs.thresholdType) !== 1;
  const base = { kind: "sentry", service: String(inputs.project ?? ""), severity: severityInName(inputs.name), what: `${String(inputs.aggregate ?? "")} ${String(inputs.query ?? "")}`.trim() };
  const rows: Row[] = [];
  for (const t of Array.isArray(inputs.triggers) ? (inputs.triggers as Inputs[]) : []) {
    const value = num(t.alertThreshold);
    if (value === undefined) continue;
    rows.push({ ...base, route: sentryRoute(t.actions), setting: String(t.label), value, display: `${above ? ">" : "<"} ${value}`, looserWhen: above ? "higher" : "lower" });
  }
  const window = num(inputs.timeWindow);
  if (window !== undefined) rows.push({ ...base, setting: "window", value: window * 60, display: formatSeconds(window * 60), looserWhen: "higher" });
  return rows;
}

function escalationRows(inputs: Inputs): Row[] {
  const base = { kind: "escalation", service: String(inputs.name ?? ""), what: `escalation ${String(inputs.name ?? "")}` };
  const rules = Array.isArray(inputs.rules) ? (inputs.rules as Inputs[]) : [];
  const rows: Row[] = rules.map((r, i) => ({
    ...base,
    setting: `delay-${i + 1}`,
    value: Number(r.escalationDelayInMinutes) * 60,
    display: `${String(r.escalationDelayInMinutes)} min`,
    looserWhen: "higher" as const,
  }));
  rows.push({ ...base, setting: "levels", value: rules.length, display: String(rules.length), looserWhen: "lower" });
  rows.push({ ...base, setting: "loops", value: num(inputs.numLoops) ?? 0, display: String(num(inputs.numLoops) ?? 0), looserWhen: "lower" });
  return rows;
}

function scheduleRows(inputs: Inputs): Row[] {
  const base = { kind: "schedule", service: String(inputs.name ?? "").replace(/-[^-]+$/, ""), what: `schedule ${String(inputs.name ?? "")}` };
  const rows: Row[] = [];
  for (const layer of Array.isArray(inputs.layers) ? (inputs.layers as Inputs[]) : []) {
    const turn = num(layer.rotationTurnLengthSeconds);
    if (turn !== undefined) rows.push({ ...base, setting: `${String(layer.name)}-turn`, value: turn, display: formatSeconds(turn), looserWhen: "neutral" });
    const people = Array.isArray(layer.users) ? layer.users.length : 0;
    rows.push({ ...base, setting: `${String(layer.name)}-people`, value: people, display: String(people), looserWhen: "lower" });
  }
  return rows;
}

function pagerdutyServiceRows(inputs: Inputs): Row[] {
  const base = { kind: "pagerduty-service", service: String(inputs.name ?? ""), what: `PagerDuty service ${String(inputs.name ?? "")}` };
  const rows: Row[] = [];
  const ack = num(inputs.acknowledgementTimeout);
  if (ack !== undefined) rows.push({ ...base, setting: "acknowledgement-timeout", value: ack, display: formatSeconds(ack), looserWhen: "higher" });
  const urgency = inputs.incidentUrgencyRule as Inputs | undefined;
  if (urgency) rows.push({ ...base, setting: "urgency", value: String(urgency.urgency ?? urgency.type), display: String(urgency.urgency ?? urgency.type), looserWhen: "neutral" });
  return rows;
}

/** S3 lifecycle rules: how long each prefix keeps its objects. */
function lifecycleRows(inputs: Inputs): Row[] {
  const rows: Row[] = [];
  for (const rule of Array.isArray(inputs.rules) ? (inputs.rules as Inputs[]) : []) {
    const id = String(rule.id ?? "");
    const base = { kind: "retention", service: String(inputs.bucket ?? "").replace(/^\[unknown\]$/, ""), what: `lifecycle ${id}` };
    const expiration = (Array.isArray(rule.expiration) ? rule.expiration[0] : rule.expiration) as Inputs | undefined;
    const days = num(expiration?.days);
    if (days !== undefined) rows.push({ ...base, setting: `${id}-days`, value: days, display: `${days} days`, looserWhen: "lower" });
    const noncurrent = (Array.isArray(rule.noncurrentVersionExpiration) ? rule.noncurrentVersionExpiration[0] : rule.noncurrentVersionExpiration) as Inputs | undefined;
    const ncDays = num(noncurrent?.noncurrentDays);
    if (ncDays !== undefined) rows.push({ ...base, setting: `${id}-noncurrent-days`, value: ncDays, display: `${ncDays} days`, looserWhen: "lower" });
  }
  return rows;
}

function dashboardRows(inputs: Inputs): Row[] {
  let refresh: string | undefined;
  let title = "";
  try {
    const model = JSON.parse(String(inputs.configJson ?? "{}")) as { refresh?: string; title?: string };
    refresh = model.refresh;
    title = model.title ?? "";
  } catch {
    return [];
  }
  if (!refresh) return [];
  return [{ kind: "dashboard", service: "", what: `dashboard ${title}`, setting: "refresh", value: seconds(refresh), display: refresh, looserWhen: "neutral" }];
}

const EXTRACTORS: Readonly<Record<string, (inputs: Inputs) => Row[]>> = {
  "datadog:index/monitor:Monitor": monitorRows,
  "datadog:index/syntheticsTest:SyntheticsTest": syntheticsRows,
  "datadog:index/serviceLevelObjective:ServiceLevelObjective": sloRows,
  "sentry:index/sentryIssueAlert:SentryIssueAlert": sentryIssueRows,
  "sentry:index/sentryMetricAlert:SentryMetricAlert": sentryMetricRows,
  "pagerduty:index/escalationPolicy:EscalationPolicy": escalationRows,
  "pagerduty:index/schedule:Schedule": scheduleRows,
  "pagerduty:index/service:Service": pagerdutyServiceRows,
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": lifecycleRows,
  "grafana:oss/dashboard:Dashboard": dashboardRows,
};

/** Severity and whether it pages are settings too: lowering either pages fewer people. */
function routingRows(rows: readonly Row[]): Row[] {
  const first = rows[0];
  if (!first) return [];
  const extra: Row[] = [];
  const severity = rows.find((r) => r.severity)?.severity;
  if (severity && /^P[0-3]$/.test(severity)) {
    extra.push({ ...first, setting: "severity", value: Number(severity.slice(1)), display: severity, looserWhen: "higher" });
  }
  const route = rows.find((r) => r.route !== undefined)?.route;
  if (route !== undefined) {
    const pages = /pagerduty/.test(route);
    extra.push({ ...first, setting: "pages", value: pages ? 1 : 0, display: pages ? "yes" : "no", looserWhen: "lower" });
  }
  return extra;
}

export function thresholdsOfResource(resource: PlanResource): ThresholdRow[] {
  const extract = EXTRACTORS[resource.type];
  if (!extract) return [];
  const rows = extract(resource.inputs as Inputs);
  return [...rows, ...routingRows(rows)].map((row) => ({
    urn: resource.urn,
    resource: resource.name,
    type: resource.type,
    ...row,
    ...(resource.source ? { source: resource.source } : {}),
  }));
}

/** Every threshold of the plan, by service, kind, resource and setting. */
export function thresholdsOf(plan: Plan): ThresholdRow[] {
  return plan.resources
    .flatMap(thresholdsOfResource)
    .sort((a, b) => a.service.localeCompare(b.service) || a.kind.localeCompare(b.kind) || a.resource.localeCompare(b.resource) || a.setting.localeCompare(b.setting));
}

function truncate(text: string, max = 100): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
