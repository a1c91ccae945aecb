/**
 * Planned `datadog:index/monitor:Monitor` inputs → the Datadog API's monitor JSON, and
 * the normalization under which an exported monitor and its source are compared
 * (README "Round trip"). Pure.
 */
import { sortKeys } from "../../json/canonical";
import { numberOf } from "../../json/numbers";
import { format, parse, QueryParseError } from "../../queries";
import { DATADOG_OPTIONS, EVALUATION_WINDOW_KEYS, THRESHOLD_KEYS } from "../../catalog/rawAlerts";
import { isDefaultOption, isUnsetMonitorField, NOT_API_OPTIONS, READ_ONLY_MONITOR_KEYS } from "./importConvert";

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** A number written as a string, as the number; anything else as it is. */
const asNumber = (v: unknown): unknown => (typeof v === "string" ? (numberOf(v) ?? v) : v);

/** A planned monitor's inputs (provider property names) as the API's monitor object (PF-DD-IMP-2, PF-DD-IMP-3). */
export function monitorApiJson(inputs: Readonly<Json>): Json {
  const options: Json = {};
  for (const o of DATADOG_OPTIONS) if (inputs[o.arg] !== undefined) options[o.api] = inputs[o.arg];
  if (isObject(inputs.monitorThresholds)) {
    const thresholds = inputs.monitorThresholds;
    options.thresholds = Object.fromEntries(THRESHOLD_KEYS.flatMap((k) => (thresholds[k.arg] === undefined ? [] : [[k.api, asNumber(thresholds[k.arg])]])));
  }
  if (isObject(inputs.monitorThresholdWindows)) {
    options.threshold_windows = { trigger_window: inputs.monitorThresholdWindows.triggerWindow, recovery_window: inputs.monitorThresholdWindows.recoveryWindow };
  }
  const scheduling = isObject(inputs.schedulingOptions) ? inputs.schedulingOptions : undefined;
  if (scheduling && isObject(scheduling.evaluationWindow)) {
    const window = scheduling.evaluationWindow;
    options.scheduling_options = {
      evaluation_window: Object.fromEntries(EVALUATION_WINDOW_KEYS.flatMap(([api, catalog]) => (window[catalog] === undefined ? [] : [[api, window[catalog]]]))),
    };
  }
  return sortKeys({
    name: inputs.name,
    type: inputs.type,
    query: inputs.query,
    message: inputs.message,
    tags: inputs.tags ?? [],
    ...(inputs.priority !== undefined ? { priority: asNumber(inputs.priority) } : {}),
    ...(inputs.restrictedRoles !== undefined ? { restricted_roles: inputs.restrictedRoles } : {}),
    options,
  }) as Json;
}

/** The query as the query model writes it; verbatim when it does not read. */
function normalQuery(query: unknown): unknown {
  if (typeof query !== "string") return query;
  try {
    return format(parse(query));
  } catch (error) {
    if (error instanceof QueryParseError) return query.trim();
    throw error;
  }
}

/**
 * The documented normalization (README "Round trip"): the monitor of a recommended-monitor
 * file unwrapped; read-only keys dropped; null means unset; string-typed numbers are
 * numbers; the query as the query model writes it; `locked: false`, `silenced: {}`, an
 * empty `restriction_policy` and `draft_status: published` mean unset; options outside the API's schema dropped. Name,
 * message, tags and every other value stay verbatim.
 */
export function normalizeMonitor(source: Readonly<Json>): Json {
  const m = isObject(source.definition) ? source.definition : source;
  const out: Json = {};
  for (const [key, value] of Object.entries(m)) {
    if (isUnsetMonitorField(key, value) || (READ_ONLY_MONITOR_KEYS as readonly string[]).includes(key) || key === "recommended_monitor_metadata") continue;
    if (key === "options" && isObject(value)) {
      const options: Json = {};
      for (const [ok, ov] of Object.entries(value)) {
        if (isDefaultOption(ok, ov) || (NOT_API_OPTIONS as readonly string[]).includes(ok)) continue;
        if (ok === "thresholds" && isObject(ov)) {
          options.thresholds = Object.fromEntries(Object.entries(ov).filter(([, tv]) => tv !== null).map(([tk, tv]) => [tk, asNumber(tv)]));
        } else options[ok] = asNumber(ov);
      }
      out.options = options;
      continue;
    }
    out[key] = key === "query" ? normalQuery(value) : key === "priority" ? asNumber(value) : value;
  }
  if (out.tags === undefined) out.tags = [];
  return sortKeys(out) as Json;
}

const STANDARD_TAG_KEYS = ["env", "service", "team", "severity"];
const keyOf = (tag: string) => tag.split(":")[0];

/**
 * What differs between a source monitor and its export, field by field, after
 * normalization; the standard tags Lookout adds for keys the source lacks are not
 * differences. Empty: the round trip is exact.
 */
export function roundTripDiff(source: Readonly<Json>, exported: Readonly<Json>): string[] {
  const a = normalizeMonitor(source);
  const b = normalizeMonitor(exported);
  const sourceTags = (a.tags as string[]).map(keyOf);
  b.tags = (b.tags as string[]).filter((t) => !(STANDARD_TAG_KEYS.includes(keyOf(t)) && !sourceTags.includes(keyOf(t))));
  const fields = new Set([...Object.keys(a), ...Object.keys(b)]);
  const diffs: string[] = [];
  for (const field of [...fields].sort()) {
    if (field === "options") {
      const ao = (a.options ?? {}) as Json;
      const bo = (b.options ?? {}) as Json;
      for (const key of [...new Set([...Object.keys(ao), ...Object.keys(bo)])].sort()) {
        if (JSON.stringify(ao[key]) !== JSON.stringify(bo[key])) diffs.push(`options.${key}: ${JSON.stringify(ao[key])} ≠ ${JSON.stringify(bo[key])}`);
      }
    } else if (JSON.stringify(a[field]) !== JSON.stringify(b[field])) {
      diffs.push(`${field}: ${JSON.stringify(a[field])?.slice(0, 80)} ≠ ${JSON.stringify(b[field])?.slice(0, 80)}`);
    }
  }
  return diffs;
}
