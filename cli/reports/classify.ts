/**
 * Classifies the inputs a reviewer cares about that `thresholds.ts` does not read as a
 * number: a monitor query compared as a structure (comparator, aggregation, percentile,
 * scope, group-by; parsed with `queries/parse`), no-data, evaluation delay, renotify,
 * synthetics retries, expected status and URL, escalation targets, maintenance coverage,
 * object lock and protection. Each change is looser / tighter / neutral with a one-line
 * reason and its before → after values, as a `ThresholdChange` so the diff's loud list,
 * renderers and `--fail-on looser` treat it like any threshold. Pure: plan resources in.
 */
import { numberOf as num } from "../../json/numbers";
import { isUrgent } from "../../catalog/model";
import type { PlanResource } from "../engine/plan";
import { escalationFields, NO_ROSTER, type Rosters, scheduleFields } from "./classifyRoutes";
import { parseMonitor, percentileOf, seriesOf, tagTerm, type Comparator, type MonitorQuery } from "../../queries";
import type { Direction, ThresholdChange, ThresholdRow } from "./model";
import { thresholdsOfResource } from "./thresholds";

type Inputs = Readonly<Record<string, unknown>>;

const T = {
  monitor: "datadog:index/monitor:Monitor",
  synthetics: "datadog:index/syntheticsTest:SyntheticsTest",
  escalation: "pagerduty:index/escalationPolicy:EscalationPolicy",
  schedule: "pagerduty:index/schedule:Schedule",
  downtime: "datadog:index/downtimeSchedule:DowntimeSchedule",
  maintenance: "pagerduty:index/maintenanceWindow:MaintenanceWindow",
  objectLock: "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
} as const;

/** One classified field: what `ThresholdChange` needs beyond the resource. */
interface Field {
  readonly setting: string;
  readonly before: string;
  readonly after: string;
  readonly direction: Direction;
  readonly reason: string;
  /** Loud whatever the severity: the change stops or mutes pages. */
  readonly stopsPaging?: boolean;
  /** Loud whatever the severity and direction: the vendor applies it only when it creates the resource. */
  readonly createOnly?: boolean;
}

/** The settings this module classifies that `thresholds.ts` also lists (without a direction, or as a count): this module's row wins. */
const CLASSIFIED_SETTINGS: ReadonlySet<string> = new Set(["renotify", "status"]);

/** Whether `thresholds.ts`'s row for `setting` of a resource of `type` gives way to this module's. */
export function isClassified(type: string, setting: string): boolean {
  return CLASSIFIED_SETTINGS.has(setting) || (type === T.schedule && setting.endsWith("-people"));
}

function obj(value: unknown): Inputs {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Inputs) : {};
}

function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A monitor query as the model reads it; undefined when the model does not cover it (then only the string is compared elsewhere). */
function queryOf(inputs: Inputs): MonitorQuery | undefined {
  if (typeof inputs.query !== "string" || typeof inputs.type !== "string") return undefined;
  try {
    return parseMonitor(inputs.type, inputs.query);
  } catch {
    return undefined;
  }
}

function comparatorOf(q: MonitorQuery | undefined): Comparator | undefined {
  return q && "comparator" in q ? q.comparator : undefined;
}

/** The filter terms a query narrows its series by (PF-REV-1, PF-DD-Q-1 scope, PF-DD-Q-9 `.over`, PF-DD-Q-10 search terms). */
function scopeOf(q: MonitorQuery): Set<string> {
  if (q.kind === "metric") return new Set(seriesOf(q.expression).flatMap((s) => s.scope.filter((t) => t !== "*")));
  if (q.kind === "service-check") return new Set(q.over.filter((t) => t !== "*"));
  if (q.kind === "search") return new Set(q.search.split(/\s+/).filter((t) => t !== "" && t !== "*"));
  return new Set();
}

/**
 * Whether comma-separated scope terms can match no series: they are ANDed (PF-REV-1),
 * so two values of one tag key (`env:prod,env:nonexistent`) exclude each other.
 */
function contradictory(scope: ReadonlySet<string>): boolean {
  const values = new Map<string, string>();
  for (const term of scope) {
    const tag = tagTerm(term);
    if (!tag) continue;
    const seen = values.get(tag.key);
    if (seen !== undefined && seen !== tag.value) return true;
    values.set(tag.key, tag.value);
  }
  return false;
}

function groupsOf(q: MonitorQuery): Set<string> {
  if (q.kind === "metric") return new Set(seriesOf(q.expression).flatMap((s) => s.groupBy));
  if (q.kind === "service-check") return new Set(q.by);
  if (q.kind === "search") return new Set(q.groupBy);
  return new Set();
}

function above(c: Comparator | undefined): boolean {
  return c === undefined || c.startsWith(">");
}

/** How readily an aggregation over the window crosses an upper bound: min < avg < max. */
const UPPER_RANK: Readonly<Record<string, number>> = { min: 0, avg: 1, max: 2 };

function fmtSet(s: ReadonlySet<string>): string {
  return s.size === 0 ? "(none)" : [...s].sort().join(",");
}

function minutes(value: number | undefined): string {
  if (value === undefined || value === 0) return "never";
  return value % 60 === 0 ? `${value / 60}h` : `${value}m`;
}

function secondsText(value: number): string {
  return value === 0 ? "0s" : value % 3600 === 0 ? `${value / 3600}h` : value % 60 === 0 ? `${value / 60}m` : `${value}s`;
}

/** More is looser (`higherLooser`) or tighter; equal values yield nothing. */
function ordered(setting: string, before: number, after: number, higherLooser: boolean, show: (n: number) => string, why: { looser: string; tighter: string }): Field[] {
  if (before === after) return [];
  const looser = after > before === higherLooser;
  return [{ setting, before: show(before), after: show(after), direction: looser ? "looser" : "tighter", reason: looser ? why.looser : why.tighter }];
}

function queryFields(b: MonitorQuery, h: MonitorQuery): Field[] {
  const fields: Field[] = [];
  const cb = comparatorOf(b);
  const ch = comparatorOf(h);
  if (cb && ch && cb !== ch) {
    if (above(cb) !== above(ch)) {
      // PF-DD-Q-1: the comparator says which side of the threshold alerts.
      fields.push({ setting: "comparator", before: cb, after: ch, direction: "looser", reason: "alerts on the other side of the threshold: what it watched no longer fires" });
    } else {
      const inclusive = ch.endsWith("=");
      fields.push({ setting: "comparator", before: cb, after: ch, direction: inclusive ? "tighter" : "looser", reason: inclusive ? "the threshold value itself now alerts" : "the threshold value itself no longer alerts" });
    }
  }
  const up = above(ch ?? cb);
  if (b.kind === "metric" && h.kind === "metric") {
    const ab = b.evaluation.aggregation;
    const ah = h.evaluation.aggregation;
    if (ab !== ah) {
      const rb = UPPER_RANK[ab];
      const rh = UPPER_RANK[ah];
      if (rb === undefined || rh === undefined) fields.push({ setting: "aggregation", before: ab, after: ah, direction: "neutral", reason: "another reduction over the window: compare the thresholds" });
      else {
        const looser = up ? rh < rb : rh > rb;
        fields.push({ setting: "aggregation", before: ab, after: ah, direction: looser ? "looser" : "tighter", reason: looser ? "a reduction that crosses the threshold less readily" : "a reduction that crosses the threshold more readily" });
      }
    }
  }
  const pb = percentileOf(b);
  const ph = percentileOf(h);
  if (pb !== undefined && ph !== undefined) {
    fields.push(...ordered("percentile", pb, ph, !up, (p) => `p${p}`, { looser: up ? "a lower percentile: slow requests must be more common to alert" : "a higher percentile: fast requests must be rarer to alert", tighter: up ? "a higher percentile: fewer slow requests alert" : "a lower percentile alerts sooner" }));
  }
  const sb = scopeOf(b);
  const sh = scopeOf(h);
  const narrowed = [...sh].filter((t) => !sb.has(t));
  const widened = [...sb].filter((t) => !sh.has(t));
  if (narrowed.length > 0 || widened.length > 0) {
    const looser = narrowed.length > 0;
    fields.push({
      setting: "scope",
      before: fmtSet(sb),
      after: fmtSet(sh),
      direction: looser ? "looser" : "tighter",
      reason: looser ? `filter ${narrowed.join(", ")} added: fewer series are watched (a filter nothing matches never fires)` : `filter ${widened.join(", ")} removed: more series are watched`,
      // A scope that matches nothing stops the alert: loud whatever the severity.
      stopsPaging: contradictory(sh),
    });
  }
  const gb = groupsOf(b);
  const gh = groupsOf(h);
  if (fmtSet(gb) !== fmtSet(gh)) {
    const fewer = [...gb].some((g) => !gh.has(g));
    fields.push({ setting: "group-by", before: fmtSet(gb), after: fmtSet(gh), direction: fewer ? "looser" : "tighter", reason: fewer ? "fewer groups: one group's breach is blended with the others" : "more groups: each alerts on its own" });
  }
  return fields;
}

function renotifyField(before: number | undefined, after: number | undefined): Field[] {
  const b = before ?? 0;
  const a = after ?? 0;
  if (b === a) return [];
  // 0 is never (PF-REV-2): the longest interval of all.
  const looser = a === 0 || (b !== 0 && a > b);
  return [{ setting: "renotify", before: minutes(b), after: minutes(a), direction: looser ? "looser" : "tighter", reason: looser ? "an unresolved alert reminds less often" : "an unresolved alert reminds more often" }];
}

function monitorFields(b: Inputs, h: Inputs): Field[] {
  const fields: Field[] = [];
  const qb = queryOf(b);
  const qh = queryOf(h);
  if (qb && qh) fields.push(...queryFields(qb, qh));
  // PF-REV-2: notify_no_data false means a silent metric never alerts; evaluation_delay in seconds.
  const nb = b.notifyNoData === true;
  const nh = h.notifyNoData === true;
  if (nb !== nh) {
    fields.push({ setting: "no-data", before: nb ? "alert" : "ignore", after: nh ? "alert" : "ignore", direction: nh ? "tighter" : "looser", reason: nh ? "data that stops now alerts" : "data that stops no longer alerts" });
  }
  fields.push(...ordered("evaluation-delay", num(b.evaluationDelay) ?? 0, num(h.evaluationDelay) ?? 0, true, secondsText, { looser: "every evaluation waits longer: alerts come later", tighter: "evaluations wait less: alerts come sooner" }));
  fields.push(...renotifyField(num(b.renotifyInterval), num(h.renotifyInterval)));
  fields.push(...customScheduleField(b, h));
  return fields;
}

/**
 * A custom schedule "can only be added or removed during monitor creation" (PF-DD-MON-7):
 * adding or removing one on a planned monitor is no in-place update, so it is loud.
 */
function customScheduleField(b: Inputs, h: Inputs): Field[] {
  const rrule = (i: Inputs) => {
    const recurrence = obj(obj(obj(i.schedulingOptions).customSchedule).recurrence);
    return typeof recurrence.rrule === "string" ? recurrence.rrule : undefined;
  };
  const sb = rrule(b);
  const sh = rrule(h);
  if ((sb === undefined) === (sh === undefined)) return [];
  const why = "Datadog adds or removes a custom schedule only when it creates a monitor: replace the monitor (delete and create it)";
  return [sh === undefined
    ? { setting: "custom-schedule", before: sb ?? "", after: "(none)", direction: "tighter", reason: `evaluated continuously again; ${why}`, createOnly: true }
    : { setting: "custom-schedule", before: "(none)", after: sh, direction: "looser", reason: `evaluated only on the schedule: a breach in between waits for it; ${why}`, createOnly: true }];
}

function statusOf(inputs: Inputs): string | undefined {
  const a = list(inputs.assertions).map(obj).find((x) => x.type === "statusCode");
  return a === undefined ? undefined : String(a.target);
}

function urlOf(inputs: Inputs): URL | undefined {
  const url = obj(inputs.requestDefinition).url;
  if (typeof url !== "string") return undefined;
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

function syntheticsFields(b: Inputs, h: Inputs): Field[] {
  const fields: Field[] = [];
  const ob = obj(b.optionsList);
  const oh = obj(h.optionsList);
  // PF-REV-3: a failed run is retried `count` times before it counts as failed.
  fields.push(...ordered("retries", num(obj(ob.retry).count) ?? 0, num(obj(oh.retry).count) ?? 0, true, String, { looser: "more retries: a failure must repeat before it counts", tighter: "fewer retries: a failure counts sooner" }));
  fields.push(...renotifyField(num(obj(ob.monitorOptions).renotifyInterval), num(obj(oh.monitorOptions).renotifyInterval)));
  const sb = statusOf(b);
  const sh = statusOf(h);
  if (sb !== undefined && sh !== undefined && sb !== sh) {
    const ok = (s: string) => /^[23]\d\d$/.test(s);
    const direction: Direction = ok(sb) && !ok(sh) ? "looser" : !ok(sb) && ok(sh) ? "tighter" : "neutral";
    const reason = direction === "looser" ? "an error answer now passes the check" : direction === "tighter" ? "only a healthy answer passes the check" : "another expected status";
    fields.push({ setting: "status", before: sb, after: sh, direction, reason });
  }
  const ub = urlOf(b);
  const uh = urlOf(h);
  if (ub && uh) {
    if (ub.host !== uh.host) fields.push({ setting: "url-host", before: ub.host, after: uh.host, direction: "looser", reason: "the old host is no longer checked" });
    if (ub.pathname !== uh.pathname) fields.push({ setting: "url-path", before: ub.pathname, after: uh.pathname, direction: "neutral", reason: "another path of the service is checked" });
  }
  return fields;
}

/** Days and mode of the default retention (PF-REV-4). */
function objectLockFields(b: Inputs, h: Inputs): Field[] {
  const rule = (i: Inputs) => obj(obj(list(i.rules)[0] ?? i.rule).defaultRetention);
  const fields = ordered("lock-days", num(rule(b).days) ?? 0, num(rule(h).days) ?? 0, false, (n) => `${n} days`, { looser: "backups can be deleted sooner", tighter: "backups stay locked longer" });
  const mb = String(rule(b).mode ?? "");
  const mh = String(rule(h).mode ?? "");
  if (mb !== mh) {
    const looser = mb === "COMPLIANCE";
    fields.push({ setting: "lock-mode", before: mb, after: mh, direction: looser ? "looser" : "tighter", reason: looser ? "governance mode lets privileged users delete locked backups" : "compliance mode: nobody can delete a locked backup" });
  }
  return fields;
}

const FIELDS: Readonly<Record<string, (b: PlanResource, h: PlanResource, rosters: Rosters) => Field[]>> = {
  [T.monitor]: (b, h) => monitorFields(b.inputs, h.inputs),
  [T.synthetics]: (b, h) => syntheticsFields(b.inputs, h.inputs),
  [T.escalation]: escalationFields,
  [T.schedule]: scheduleFields,
  [T.objectLock]: (b, h) => objectLockFields(b.inputs, h.inputs),
};

/** The row a classified field is shown in: the resource's own row context (service, severity, source). */
function rowOf(resource: PlanResource, setting: string, display: string): ThresholdRow {
  const context = thresholdsOfResource(resource)[0];
  return {
    urn: resource.urn,
    resource: resource.name,
    type: resource.type,
    // Object lock guards backups as retention does.
    kind: context?.kind ?? (resource.type === T.objectLock ? "retention" : (resource.type.split(":").pop()?.toLowerCase() ?? "")),
    service: context?.service ?? "",
    what: context?.what ?? resource.name,
    setting,
    value: display,
    display,
    ...(context?.severity ? { severity: context.severity } : {}),
    ...(context?.route !== undefined ? { route: context.route } : {}),
    looserWhen: "neutral",
    ...(resource.source ? { source: resource.source } : {}),
  };
}

/** On-call changes touch every page a team takes, P0 included: loud when looser. */
const ONCALL_KINDS: ReadonlySet<string> = new Set(["escalation", "schedule"]);

/** Whether a looser change must be seen first: at P0/P1, on-call, retention, or when it stops paging. */
export function isLoudChange(direction: Direction, kind: string, severity: string | undefined, stopsPaging = false): boolean {
  return direction === "looser" && (stopsPaging || isUrgent(severity) || kind === "retention" || ONCALL_KINDS.has(kind));
}

function changeOf(resource: PlanResource, f: Field): ThresholdChange {
  const before = rowOf(resource, f.setting, f.before);
  const after = rowOf(resource, f.setting, f.after);
  return { row: after, before, after, direction: f.direction, reason: f.reason, loud: f.createOnly === true || isLoudChange(f.direction, after.kind, after.severity, f.stopsPaging) };
}

/** The classified fields of one resource planned by both sides; `rosters` name the people of route changes. */
export function classifyPair(before: PlanResource, after: PlanResource, rosters: Rosters = { before: NO_ROSTER, after: NO_ROSTER }): ThresholdChange[] {
  const fields = [...(FIELDS[after.type]?.(before, after, rosters) ?? [])];
  // PF-REV-5: Pulumi refuses to delete a protected resource.
  if (before.protect && !after.protect) fields.push({ setting: "protect", before: "protected", after: "unprotected", direction: "looser", reason: "Pulumi will now delete it when asked", stopsPaging: true });
  if (!before.protect && after.protect) fields.push({ setting: "protect", before: "unprotected", after: "protected", direction: "tighter", reason: "Pulumi refuses to delete it" });
  return fields.map((f) => changeOf(after, f));
}

function windowOf(resource: PlanResource): { start: string; end: string; services: readonly string[] } | undefined {
  const i = resource.inputs;
  if (resource.type === T.downtime) {
    const once = obj(i.oneTimeSchedule);
    const services = list(obj(i.monitorIdentifier).monitorTags).flatMap((t) => (typeof t === "string" && t.startsWith("service:") ? [t.slice(8)] : []));
    return { start: String(once.start ?? ""), end: String(once.end ?? ""), services };
  }
  if (resource.type === T.maintenance) return { start: String(i.startTime ?? ""), end: String(i.endTime ?? ""), services: [] };
  return undefined;
}

function hours(w: { start: string; end: string }): number {
  const ms = Date.parse(w.end) - Date.parse(w.start);
  return Number.isNaN(ms) ? 0 : ms / 3_600_000;
}

/**
 * Maintenance coverage of paging monitors: a Datadog downtime mutes every monitor carrying
 * its tags (PF-DD-MON-9), a PagerDuty maintenance window its services' incidents.
 * Added or lengthened over a service with a P0/P1 monitor or check: looser and loud.
 */
export function classifyCoverage(base: readonly PlanResource[], head: readonly PlanResource[], added: readonly PlanResource[], removed: readonly PlanResource[]): ThresholdChange[] {
  const urgentServices = new Set(head.flatMap((r) => thresholdsOfResource(r).filter((row) => isUrgent(row.severity)).map((row) => row.service)));
  const pages = (services: readonly string[]) => services.length === 0 || services.some((s) => urgentServices.has(s));
  const out: ThresholdChange[] = [];
  const emit = (resource: PlanResource, before: string, after: string, direction: Direction, reason: string, services: readonly string[]) => {
    const paging = pages(services);
    const row = { ...rowOf(resource, "maintenance", after), kind: "maintenance", service: services.join(","), what: `maintenance ${resource.name}` };
    out.push({ row, before: { ...row, value: before, display: before }, after: row, direction, reason: paging ? `${reason}, over monitors that page` : reason, loud: direction === "looser" && paging });
  };
  const span = (w: { start: string; end: string }) => {
    const h = hours(w);
    return `${w.start} → ${w.end} (${h >= 48 ? `${Math.round(h / 24)} days` : `${Math.round(h)} h`})`;
  };
  for (const r of added) {
    const w = windowOf(r);
    if (w) emit(r, "(none)", span(w), "looser", "a new maintenance window mutes alerts", w.services);
  }
  for (const r of removed) {
    const w = windowOf(r);
    if (w) emit(r, span(w), "(none)", "tighter", "a maintenance window no longer mutes alerts", w.services);
  }
  const byUrn = new Map(base.map((r) => [r.urn, r]));
  for (const h of head) {
    const b = byUrn.get(h.urn);
    const wb = b && windowOf(b);
    const wh = windowOf(h);
    if (!wb || !wh || hours(wb) === hours(wh)) continue;
    const longer = hours(wh) > hours(wb);
    emit(h, span(wb), span(wh), longer ? "looser" : "tighter", longer ? "the maintenance window mutes alerts longer" : "the maintenance window mutes alerts for less time", wh.services);
  }
  return out;
}
