/**
 * Datadog objects → catalog entries, pure: API monitors become the alert of the signal
 * they match or raw-query alerts, metric SLOs `slos[]`, HTTP API tests `endpoints[]`, each
 * on the service its `service:` tag names. What an entry cannot hold is a note.
 */
import { numberOf } from "../../json/numbers";
import { comparesInQuery, formatNumber, monitorTypesOf, parse, QueryParseError, trailingComparison, type MonitorQuery } from "../../queries";
import { DATADOG_OPTIONS, EVALUATION_WINDOW_KEYS, THRESHOLD_KEYS, type OptionKind } from "../../catalog/rawAlerts";
import { formatSeconds } from "../../catalog/units";
import { MANAGED_LOCATIONS } from "../../catalog/primitives";
import { isObject, type Json } from "./importFormats";
import { matchSignal } from "./signalMatch";

/** Where a monitor without a `service:` tag goes. */
/** The catalog list an imported object lands in. */
export type EntryKind = "alerts" | "rawAlerts" | "slos" | "endpoints";

export const DEFAULT_SERVICE = "imported";

/** A catalog name from free text: lower-case kebab-case, at most 60 characters. */
export function slug(text: string): string {
  const words = text
    .normalize("NFKD")
    .toLowerCase()
    .replace(/\{\{[^}]*\}\}/g, " ")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  let name = words.replace(/^[^a-z]+/, "");
  if (name.length > 60) name = name.slice(0, 60).replace(/-[^-]*$/, "");
  return name.replace(/-+$/, "") || "monitor";
}

function tagValue(tags: readonly string[], key: string): string | undefined {
  const tag = tags.find((t) => t.startsWith(`${key}:`));
  return tag === undefined ? undefined : tag.slice(key.length + 1);
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === "string") ? (value as string[]) : undefined;
}

function optionValue(kind: OptionKind, value: unknown): boolean | number | string | string[] | undefined {
  switch (kind) {
    case "boolean":
      return typeof value === "boolean" ? value : undefined;
    case "integer": {
      const n = numberOf(value);
      return n !== undefined && Number.isInteger(n) && n >= 0 ? n : undefined;
    }
    case "string":
      return typeof value === "string" ? value : undefined;
    case "strings":
      return stringList(value);
  }
}

/**
 * Option values the API fills in or reports that mean "not set" (PF-DD-IMP-2): dropped
 * without a note. `locked` and `silenced` are deprecated (v1 downtimes).
 */
export function isDefaultOption(key: string, value: unknown): boolean {
  if (value === null) return true;
  if (key === "locked") return value === false;
  if (key === "silenced") return isObject(value) && Object.keys(value).length === 0;
  return false;
}

/** Keys of an API monitor object that the server sets; not settings (PF-DD-IMP-6). */
export const READ_ONLY_MONITOR_KEYS = [
  "id", "created", "created_at", "modified", "creator", "org_id", "overall_state", "overall_state_modified",
  "deleted", "multi", "matching_downtimes", "state", "classification",
] as const;

/**
 * Monitor fields whose value means "not set" (PF-DD-VX-1): `null`, an empty
 * `restriction_policy`, and `draft_status: published`, the API's default. Any other
 * `restriction_policy` or `draft_status` is a setting the catalog does not hold.
 */
export function isUnsetMonitorField(key: string, value: unknown): boolean {
  if (value === null) return true;
  if (key === "restriction_policy") return isObject(value) && Array.isArray(value.bindings) && value.bindings.length === 0;
  if (key === "draft_status") return value === "published";
  return false;
}

/** Options that are in no version of Datadog's `MonitorOptions` schema (PF-DD-IMP-2): the API does not carry them. */
export const NOT_API_OPTIONS = ["avalanche_window"] as const;

const PRIORITY_SEVERITY = ["P0", "P1", "P2", "P3", "P3"] as const;

export interface Converted {
  /** Where the entry goes, when not the object's usual list (a monitor that matches a signal). */
  readonly kind?: EntryKind;
  readonly apmOperation?: string;
  readonly service: string;
  readonly team?: string;
  readonly name: string;
  readonly entry: Json;
}

export type Converter = (object: Json, note: (field: string, why: string) => void) => Converted | { readonly unsupported: string };

/**
 * An API monitor → the alert of the signal it matches (signalMatch.ts), when its
 * `service:` tag names the service; else a raw-query alert (PF-DD-IMP-1 … PF-DD-IMP-3).
 * `apmOf` is the APM operation already chosen for a service, which a match must share.
 */
export const convertMonitor = (environment: string, apmOf: (service: string) => string | undefined): Converter => (m, note) => {
  const type = String(m.type);
  const text = String(m.query).trim();
  let model: MonitorQuery;
  try {
    model = parse(text);
  } catch (error) {
    if (error instanceof QueryParseError) return { unsupported: `query: ${error.message}` };
    throw error;
  }
  if (!monitorTypesOf(model).includes(type)) return { unsupported: `type: a ${model.kind} query is not a "${type}" monitor` };
  let query = text;
  let comparator: string | undefined;
  const thresholds: Record<string, number> = {};
  if (comparesInQuery(model)) {
    const trailing = trailingComparison(text);
    if (!trailing || trailing.comparator !== model.comparator || trailing.threshold !== model.threshold) {
      return { unsupported: "query: the comparison is not at the end of the query" };
    }
    query = text.slice(0, trailing.start).trim();
    comparator = model.comparator;
    thresholds.critical = model.threshold;
  }
  const options: Json = isObject(m.options) ? m.options : {};
  const catalogOptions: Json = {};
  for (const [key, value] of Object.entries(options)) {
    if (key === "thresholds") {
      if (!isObject(value)) continue;
      for (const [tk, tv] of Object.entries(value)) {
        const spec = THRESHOLD_KEYS.find((k) => k.api === tk);
        const n = numberOf(tv);
        if (tv === null) continue;
        if (!spec || n === undefined) {
          note(`options.thresholds.${tk}`, spec ? `not a number: ${JSON.stringify(tv)}` : "not a Datadog threshold key (PF-DD-IMP-3)");
        } else if (spec.catalog === "critical" && thresholds.critical !== undefined) {
          if (n !== thresholds.critical) note("options.thresholds.critical", `${formatNumber(n)} disagrees with the query's ${formatNumber(thresholds.critical)}; the query's is kept (PF-DD-IMP-1)`);
        } else {
          thresholds[spec.catalog] = n;
        }
      }
      continue;
    }
    if (key === "threshold_windows") {
      if (value === null) continue;
      if (isObject(value) && typeof value.trigger_window === "string" && typeof value.recovery_window === "string") {
        catalogOptions.thresholdWindows = { triggerWindow: value.trigger_window, recoveryWindow: value.recovery_window };
      } else note("options.threshold_windows", "expected trigger_window and recovery_window");
      continue;
    }
    if (key === "scheduling_options" && isObject(value) && Object.keys(value).every((k) => k === "evaluation_window") && isObject(value.evaluation_window)) {
      const window = value.evaluation_window;
      const known = EVALUATION_WINDOW_KEYS.map(([api]) => api as string);
      for (const k of Object.keys(window)) if (!known.includes(k)) note(`options.scheduling_options.evaluation_window.${k}`, "not an evaluation-window setting (PF-DD-IMP-8)");
      if (window.month_starts !== undefined && window.month_starts !== null && window.month_starts !== 1) {
        return { unsupported: `options.scheduling_options.evaluation_window.month_starts: Datadog allows only 1, found ${JSON.stringify(window.month_starts)} (PF-DD-IMP-8)` };
      }
      catalogOptions.evaluationWindow = Object.fromEntries(EVALUATION_WINDOW_KEYS.flatMap(([api, catalog]) => (window[api] === undefined || window[api] === null ? [] : [[catalog, window[api]]])));
      continue;
    }
    const spec = DATADOG_OPTIONS.find((o) => o.api === key);
    if (spec) {
      if (value === null) continue;
      const converted = optionValue(spec.kind, value);
      if (converted === undefined) note(`options.${key}`, `expected ${spec.kind === "strings" ? "a list of strings" : `a ${spec.kind}`}, found ${JSON.stringify(value)}`);
      else catalogOptions[spec.catalog] = converted;
      continue;
    }
    if (isDefaultOption(key, value)) continue;
    if ((NOT_API_OPTIONS as readonly string[]).includes(key)) {
      note(`options.${key}`, "not in Datadog's MonitorOptions schema: the API does not carry it, nor does the provider (PF-DD-IMP-2)");
      continue;
    }
    note(`options.${key}`, `the provider's Monitor has no such setting the catalog could carry (${JSON.stringify(value).slice(0, 60)})`);
  }
  if (comparator !== undefined && thresholds.critical === undefined) return { unsupported: "options.thresholds: no critical threshold" };

  const tags = stringList(m.tags) ?? [];
  if (m.tags !== undefined && stringList(m.tags) === undefined) note("tags", "expected a list of strings");
  const priority = numberOf(m.priority);
  const severityTag = tagValue(tags, "severity")?.toUpperCase();
  const severity =
    priority !== undefined && priority >= 1 && priority <= 5 ? PRIORITY_SEVERITY[priority - 1]
    : severityTag && /^P[0-3]$/.test(severityTag) ? severityTag
    : "P3";
  if (priority === undefined && !(severityTag && /^P[0-3]$/.test(severityTag))) note("priority", "none: the alert's severity is assumed P3 (low); review it");
  const restrictedRoles = stringList(m.restricted_roles);
  for (const [key, value] of Object.entries(m)) {
    if (["name", "type", "query", "message", "tags", "options", "priority", "restricted_roles"].includes(key)) continue;
    if ((READ_ONLY_MONITOR_KEYS as readonly string[]).includes(key) || isUnsetMonitorField(key, value)) continue;
    if (key === "restriction_policy") {
      note(key, `who may view or edit the monitor is Datadog's restriction policy, a resource of its own the catalog does not hold; restrictedRoles is imported (PF-DD-VX-1) (${JSON.stringify(value).slice(0, 60)})`);
      continue;
    }
    if (key === "draft_status") {
      note(key, `a ${JSON.stringify(value).slice(0, 20)} monitor sends no notifications; the catalog has no draft state, so the imported alert notifies once applied (PF-DD-VX-1)`);
      continue;
    }
    if (key === "recommended_monitor_metadata") {
      note(key, "the recommended monitor's description: metadata of the file, not of the monitor");
      continue;
    }
    note(key, `not a monitor setting the catalog holds (${JSON.stringify(value).slice(0, 60)})`);
  }
  const title = typeof m.name === "string" && m.name !== "" ? m.name : undefined;
  const serviceTag = tagValue(tags, "service");
  const service = slug(serviceTag ?? DEFAULT_SERVICE);
  const signal = serviceTag === undefined ? undefined : matchSignal(environment, service, type, text, model, thresholds);
  if (signal && (signal.apmOperation === undefined || (apmOf(service) ?? signal.apmOperation) === signal.apmOperation)) {
    note("name, message, tags, options, priority", `the monitor matches the ${String(signal.alert.signal)} signal: its alert carries Lookout's own title, message (condition, runbook, route), tags and options; the source's are not kept`);
    const name = slug(title ?? query);
    return { kind: "alerts", ...(signal.apmOperation ? { apmOperation: signal.apmOperation } : {}), service, team: tagValue(tags, "team"), name, entry: { name, ...signal.alert, severity } };
  }
  const entry: Json = {
    name: slug(title ?? query),
    ...(title !== undefined ? { title } : {}),
    type,
    query,
    ...(comparator !== undefined ? { comparator } : {}),
    ...Object.fromEntries(THRESHOLD_KEYS.flatMap((k) => (thresholds[k.catalog] === undefined ? [] : [[k.catalog, thresholds[k.catalog]]]))),
    ...(catalogOptions.thresholdWindows ? { thresholdWindows: catalogOptions.thresholdWindows } : {}),
    ...(catalogOptions.evaluationWindow ? { evaluationWindow: catalogOptions.evaluationWindow } : {}),
    severity,
    ...(priority !== undefined ? { priority } : {}),
    ...(typeof m.message === "string" ? { message: m.message } : {}),
    tags,
    ...(restrictedRoles ? { restrictedRoles } : {}),
  };
  delete catalogOptions.thresholdWindows;
  delete catalogOptions.evaluationWindow;
  if (Object.keys(catalogOptions).length > 0) entry.options = catalogOptions;
  return { service, team: tagValue(tags, "team"), name: String(entry.name), entry };
};

/** `sum:<metric>{<scope>}.as_count()`: the form of a catalog metrics SLI's queries. */
const COUNT_QUERY = /^sum:([a-zA-Z][a-zA-Z0-9_.]*)\{([^}]*)\}\.as_count\(\)$/;

/**
 * A metric SLO → a catalog SLO with a metrics SLI, when its numerator and denominator
 * are the two counts over the scope `env:<environment>,service:<service>[,filters]`
 * that Lookout writes (infra/slos/sloRules.ts `sliQuery`); anything else is unsupported.
 */
export const convertSlo = (environment: string): Converter => (s, note) => {
  if (s.type !== "metric") return { unsupported: `type: a "${String(s.type)}" SLO (only metric SLOs have a catalog form)` };
  const q = isObject(s.query) ? s.query : {};
  const good = COUNT_QUERY.exec(String(q.numerator ?? "").replace(/\s+/g, ""));
  const total = COUNT_QUERY.exec(String(q.denominator ?? "").replace(/\s+/g, ""));
  if (!good || !total) return { unsupported: "query: numerator and denominator must each be sum:<metric>{…}.as_count()" };
  if (good[2] !== total[2]) return { unsupported: "query: numerator and denominator have different scopes" };
  const scope = good[2].split(",");
  const service = tagValue(scope, "service");
  if (scope[0] !== `env:${environment}` || scope[1] !== `service:${service}` || service === undefined) {
    return { unsupported: `query: the scope must start env:${environment},service:<service> (catalog SLIs are scoped so)` };
  }
  const filter = scope.slice(2);
  if ([...filter].sort().join(",") !== filter.join(",")) return { unsupported: "query: the scope's filters are not in sorted order (Lookout writes them sorted)" };
  const thresholds = (s.thresholds as unknown[]).filter(isObject);
  const first = thresholds.find((t) => ["7d", "30d", "90d"].includes(String(t.timeframe)));
  if (!first) return { unsupported: "thresholds: no 7d, 30d or 90d timeframe" };
  for (const t of thresholds) if (t !== first) note(`thresholds[${String(t.timeframe)}]`, "a catalog SLO has one timeframe; this one is not kept");
  const target = numberOf(first.target);
  if (target === undefined) return { unsupported: "thresholds: no numeric target" };
  const warning = numberOf(first.warning);
  note("severity", "none in an SLO: its paging burn-rate alerts are assumed P2; the catalog adds the burn-rate alerts of defaults.slos.burnRates");
  if (stringList(s.tags)?.length) note("tags", "Lookout tags the SLO with its standard tags instead");
  const name = slug(String(s.name ?? good[1]));
  // A catalog description lands in notification messages: no @-handles or {{ }} blocks there.
  let description = typeof s.description === "string" && s.description !== "" ? s.description : undefined;
  if (description !== undefined && /(?:^|[^\w.+-])@[\w.+-]|\{\{|\}\}/.test(description)) {
    note("description", "it holds @-handles or {{ }} blocks, which a catalog description may not (they would reach the burn-rate alerts' messages); not kept");
    description = undefined;
  }
  return {
    service: slug(service),
    name,
    entry: {
      name,
      ...(description !== undefined ? { description } : {}),
      target: `${formatNumber(target)}%`,
      ...(warning !== undefined ? { warning: `${formatNumber(warning)}%` } : {}),
      timeframe: first.timeframe,
      severity: "P2",
      sli: { type: "metrics", good: good[1], total: total[1], ...(filter.length > 0 ? { filter } : {}) },
    },
  };
};

/** A synthetics HTTP API test → an endpoint (PF-DD-IMP-7). */
export const convertTest: Converter = (t, note) => {
  if (t.type !== "api" || (t.subtype !== undefined && t.subtype !== "http")) {
    return { unsupported: `type: a "${String(t.type)}${t.subtype ? `/${String(t.subtype)}` : ""}" test (only HTTP API tests have a catalog form)` };
  }
  const config = t.config as Json;
  const request = isObject(config.request) ? config.request : {};
  if (typeof request.url !== "string") return { unsupported: "config.request.url: missing" };
  const options = isObject(t.options) ? t.options : {};
  const tags = stringList(t.tags) ?? [];
  const expect: Json = {};
  const headers: Record<string, string> = {};
  for (const [i, a] of (Array.isArray(config.assertions) ? config.assertions : []).entries()) {
    if (!isObject(a)) continue;
    const target = numberOf(a.target);
    if (a.type === "statusCode" && a.operator === "is" && target !== undefined) expect.status = target;
    else if (a.type === "responseTime" && a.operator === "lessThan" && target !== undefined) expect.responseTime = `${target}ms`;
    else if (a.type === "header" && a.operator === "is" && typeof a.property === "string" && typeof a.target === "string") headers[a.property] = a.target;
    else note(`config.assertions[${i}]`, `a ${String(a.type)} ${String(a.operator)} assertion has no catalog form`);
  }
  if (Object.keys(headers).length > 0) expect.headers = headers;
  const locations = (stringList(t.locations) ?? []).filter((l) => {
    const ok = (MANAGED_LOCATIONS as readonly string[]).includes(l) || /^pl:[a-z0-9_-]+$/.test(l);
    if (!ok) note("locations", `"${l}" is no location the catalog accepts`);
    return ok;
  });
  const tick = numberOf(options.tick_every);
  const minFailure = numberOf(options.min_failure_duration);
  const minLocations = numberOf(options.min_location_failed);
  const retry = isObject(options.retry) ? options.retry : undefined;
  const priority = numberOf(options.monitor_priority);
  if (priority === undefined) note("options.monitor_priority", "none: the endpoint's severity is assumed P3 (low); review it");
  if (typeof t.message === "string" && t.message !== "") note("message", "Lookout writes the test's message (condition, severity, runbook, route); the source's is not kept");
  if (tags.length > 0) note("tags", "Lookout tags the test with its standard tags instead");
  if (t.status === "paused") note("status", "paused: the catalog has no paused tests; the test will run");
  for (const key of Object.keys(options)) {
    if (!["tick_every", "min_failure_duration", "min_location_failed", "retry", "monitor_priority", "monitor_options", "httpVersion"].includes(key)) {
      note(`options.${key}`, "no catalog form");
    }
  }
  const name = slug(String(t.name ?? request.url));
  const method = typeof request.method === "string" ? request.method.toUpperCase() : "GET";
  return {
    service: slug(tagValue(tags, "service") ?? DEFAULT_SERVICE),
    team: tagValue(tags, "team"),
    name,
    entry: {
      name,
      ...(method !== "GET" ? { method } : {}),
      url: request.url,
      ...(isObject(request.headers) ? { headers: request.headers } : {}),
      ...(typeof request.body === "string" ? { body: request.body } : {}),
      ...(numberOf(request.timeout) !== undefined ? { timeout: `${numberOf(request.timeout)}s` } : {}),
      ...(tick !== undefined ? { interval: formatSeconds(tick) } : {}),
      ...(locations.length > 0 ? { locations } : {}),
      expect: { status: 200, ...expect },
      severity: priority !== undefined && priority >= 1 && priority <= 5 ? PRIORITY_SEVERITY[priority - 1] : "P3",
      ...(minFailure !== undefined && minFailure > 0 ? { downAfter: formatSeconds(minFailure) } : {}),
      ...(minLocations !== undefined && minLocations >= 1 ? { minLocationsFailed: minLocations } : {}),
      ...(retry && numberOf(retry.count) !== undefined && numberOf(retry.interval) !== undefined
        ? { retry: { count: Math.min(3, numberOf(retry.count) as number), interval: `${numberOf(retry.interval)}ms` } }
        : {}),
    },
  };
};
