/**
 * Schema-valid files → one normalized `Catalog`: merge the files, check what a schema
 * cannot (unique names across files, references, ranges that depend on each other),
 * apply defaults, convert units. Every problem becomes an issue at its position.
 * The checks on names (duplicates, resource names, renames) are normalizeNames.ts.
 */
import type { CatalogIssue } from "./errors";
import { formatPath } from "./errors";
import type { ParsedFile } from "./yamlFiles";
import type {
  BodyAssertion,
  BodyOperator,
  Catalog,
  Endpoint,
  Expectation,
  HttpRequest,
  Journey,
  JourneyStep,
  Product,
  Service,
  TlsCheck,
} from "./model";
import { BODY_ASSERTION_PATTERN, Defaults, type RawDefaults, type RawEndpoint, type RawJourney } from "./schema";
import { normalizeRawAlert } from "./rawAlerts";
import { checkBurnRates, normalizeAlert, normalizeSentry, normalizeSlo, type Site } from "./normalizeAlerts";
import { type FileSite, normalizeOncall } from "./normalizeOncall";
import { normalizeStorage } from "./normalizeStorage";
import { normalizeDashboards } from "./normalizeDashboards";
import { checkRenames } from "./checkRenames";
import { durationMs, durationSeconds, percent } from "./units";
import { checkNames, checkResourceNames, type Located, type Reporter, source } from "./normalizeNames";

/** Datadog API tests run every 30 s to every 7 days. */
export const API_TEST_INTERVAL_SECONDS = { min: 30, max: 604_800 } as const;
/** Datadog request timeouts are at most 60 s. */
export const MAX_REQUEST_TIMEOUT_SECONDS = 60;
/** Datadog `min_failure_duration` is at most 2 h. */
export const MAX_DOWN_AFTER_SECONDS = 7_200;
/** Datadog retries wait at most 5 s between tries. */
export const MAX_RETRY_INTERVAL_MS = 5_000;

type ValidFile = ParsedFile & { readonly data: NonNullable<ParsedFile["data"]> };

export function normalize(parsed: readonly ParsedFile[], issues: CatalogIssue[]): Catalog | undefined {
  // Problems found before (unknown keys, which the schema's data leaves out; text rules)
  // do not stop the checks below: only problems found here make later steps unsafe.
  const prior = issues.length;
  const report: Reporter = (file, docPath, message) =>
    issues.push({ file: file.file, ...file.locate(docPath), path: formatPath(docPath), message });

  // Names are keys. They are checked on the raw documents, so a duplicate is reported
  // alongside schema errors instead of after they are fixed.
  checkNames(parsed, report);
  const files = parsed.filter((f): f is ValidFile => f.data !== undefined);
  if (files.length < parsed.length) return undefined;

  const environment = single(files, "environment", report);
  const rawDefaults = single(files, "defaults", report);
  if (files.length > 0 && !environment) {
    const first = files[0];
    report(first, [], `missing required key "environment" (set it in exactly one file of the catalog)`);
  }
  const defaults: RawDefaults = rawDefaults?.value ?? Defaults.parse({});
  if (rawDefaults) checkBurnRates(defaults, (p, message) => report(rawDefaults.file, p, message));

  const products = collect(files, "products");
  const services = collect(files, "services");
  const siteOf = (file: ParsedFile): FileSite => ({
    report: (p, message) => report(file, p, message),
    source: (p) => source(file, p),
  });
  const productNames = new Set(products.map((p) => p.value.name));

  const normalizedServices: Service[] = [];
  for (const located of services) {
    const { value: raw, file, path } = located;
    if (!productNames.has(raw.product)) {
      const known = [...productNames].sort().join(", ") || "none declared";
      report(file, [...path, "product"], `unknown product "${raw.product}"; expected one of ${known}`);
    }
    for (const [list, what] of [["endpoints", "endpoint"], ["journeys", "journey"], ["alerts", "alert"], ["slos", "SLO"]] as const) {
      const entries: readonly { name: string; renamedFrom?: string }[] = raw[list];
      checkRenames(entries.map((e, i) => ({ name: e.name, renamedFrom: e.renamedFrom, at: (message: string) => report(file, [...path, list, i, "renamedFrom"], message) })), what);
    }
    const endpoints = raw.endpoints.map((e, i) => endpoint(e, defaults, file, [...path, "endpoints", i], report));
    const journeys = raw.journeys.map((j, i) => journey(j, defaults, file, [...path, "journeys", i], report));
    const at = (base: readonly PropertyKey[]): Site => ({
      report: (p, message) => report(file, [...base, ...p], message),
      source: (p) => source(file, [...base, ...p]),
    });
    const alerts = raw.alerts.flatMap((a, i) => normalizeAlert(a, raw.runbook, defaults, at([...path, "alerts", i])) ?? []);
    const rawAlerts = (raw.rawAlerts ?? []).flatMap((a, i) => normalizeRawAlert(a, raw.runbook, at([...path, "rawAlerts", i])) ?? []);
    const slos = raw.slos.flatMap((s, i) => normalizeSlo(s, defaults, at([...path, "slos", i])) ?? []);
    const sentry = raw.sentry && normalizeSentry(raw.sentry, raw.name, at([...path, "sentry"]));
    normalizedServices.push({
      name: raw.name,
      ...(raw.renamedFrom !== undefined ? { renamedFrom: raw.renamedFrom } : {}),
      product: raw.product,
      team: raw.team,
      tier: raw.tier,
      description: raw.description,
      runbook: raw.runbook,
      endpoints: sortByName(endpoints),
      journeys: sortByName(journeys),
      tlsChecks: [],
      apmOperation: raw.apmOperation ?? defaults.alerts.apmOperation,
      alerts: sortByName(alerts),
      ...(rawAlerts.length > 0 ? { rawAlerts: sortByName(rawAlerts) } : {}),
      slos: sortByName(slos),
      sentry,
      source: source(file, path),
    });
  }
  const backups = files.flatMap((f) => (f.data.backups ?? []).map((value, i) => ({ value, file: f, path: ["backups", i] })));
  checkRenames(backups.map((b) => ({ name: b.value.name, renamedFrom: b.value.renamedFrom, at: (message: string) => report(b.file, [...b.path, "renamedFrom"], message) })), "backup");
  checkRenames(services.map((s) => ({ name: s.value.name, renamedFrom: s.value.renamedFrom, at: (message: string) => report(s.file, [...s.path, "renamedFrom"], message) })), "service");
  const teams = collect(files, "teams");
  checkRenames(teams.map((t) => ({ name: t.value.name, renamedFrom: t.value.renamedFrom, at: (message: string) => report(t.file, [...t.path, "renamedFrom"], message) })), "team");
  const storage = normalizeStorage(
    files.map((f) => ({ data: f.data, report: (p: readonly PropertyKey[], m: string) => report(f, p, m), source: (p: readonly PropertyKey[]) => source(f, p) })),
    environment?.value,
    normalizedServices,
    productNames,
  );
  const grafana = normalizeDashboards(
    files.flatMap((f) => (f.data.grafana ? [{ value: f.data.grafana, path: ["grafana"], site: siteOf(f) }] : [])),
    { products: productNames, teams: new Set(normalizedServices.map((s) => s.team)) },
  );
  if (issues.length > prior || !environment) return undefined;

  const routing = single(files, "routing", report);
  const oncall = normalizeOncall(
    teams.map((t) => ({ value: t.value, path: t.path, site: siteOf(t.file) })),
    routing && { value: routing.value, path: routing.path, site: siteOf(routing.file) },
    collect(files, "maintenance").map((m) => ({ value: m.value, path: m.path, site: siteOf(m.file) })),
    normalizedServices,
    new Map(services.map((s) => [s.value.name, { value: s.value, path: s.path, site: siteOf(s.file) }])),
  );
  if (issues.length > prior) return undefined;

  const withTls = assignTlsChecks(sortByName(oncall.services), defaults);
  const catalog: Catalog = {
    environment: environment.value,
    files: files.flatMap((f) => f.files ?? [f.file]),
    products: sortByName(
      products.map(({ value, file, path }): Product => ({ ...value, source: source(file, path) })),
    ),
    services: withTls,
    teams: oncall.teams,
    routing: oncall.routing,
    pagerdutyServices: oncall.pagerdutyServices,
    maintenance: oncall.maintenance,
    ...storage,
    ...(grafana ? { grafana } : {}),
  };
  checkResourceNames(catalog, issues);
  if (issues.length > prior) return undefined;
  return deepFreeze(catalog);
}


/** A top-level setting that at most one file of a folder may set. */
function single<K extends "environment" | "defaults" | "routing">(
  files: readonly ValidFile[],
  key: K,
  report: Reporter,
): Located<NonNullable<ValidFile["data"][K]>> | undefined {
  const setters = files.filter((f) => f.data[key] !== undefined);
  for (const extra of setters.slice(1)) {
    report(extra, [key], `"${key}" is already set in ${setters[0].file}; set it in one file of the catalog only`);
  }
  const first = setters[0];
  return first ? { value: first.data[key] as NonNullable<ValidFile["data"][K]>, file: first, path: [key] } : undefined;
}

function collect<K extends "products" | "services" | "teams" | "maintenance">(files: readonly ValidFile[], key: K): Located<ValidFile["data"][K][number]>[] {
  return files.flatMap((file) => file.data[key].map((value, i) => ({ value, file, path: [key, i] })));
}


function endpoint(
  raw: RawEndpoint,
  defaults: RawDefaults,
  file: ParsedFile,
  path: readonly PropertyKey[],
  report: Reporter,
): Endpoint {
  const uptime = defaults.uptime;
  const intervalSeconds = durationSeconds(raw.interval ?? uptime.interval);
  const locations = raw.locations ?? uptime.locations;
  const downAfterSeconds = durationSeconds(raw.downAfter ?? uptime.downAfter);
  const minLocationsFailed = raw.minLocationsFailed ?? uptime.minLocationsFailed;
  const retry = raw.retry ?? uptime.retry;
  const request = httpRequest(raw, uptime.timeout, file, path, report);
  const expect = expectation(raw.expect, file, [...path, "expect"], report);

  checkRange(intervalSeconds, API_TEST_INTERVAL_SECONDS, "interval", file, [...path, "interval"], report);
  if (downAfterSeconds > MAX_DOWN_AFTER_SECONDS) {
    report(file, [...path, "downAfter"], `expected at most 2h (Datadog's min_failure_duration limit), found "${raw.downAfter ?? uptime.downAfter}"`);
  }
  if (minLocationsFailed > locations.length) {
    report(file, [...path, "minLocationsFailed"], `expected at most ${locations.length} (the number of locations), found ${minLocationsFailed}`);
  }
  if (durationMs(retry.interval) > MAX_RETRY_INTERVAL_MS) {
    report(file, [...path, "retry", "interval"], `expected at most 5s between retries, found "${retry.interval}"`);
  }
  if (expect.responseTimeMs !== undefined && expect.responseTimeMs > request.timeoutSeconds * 1000) {
    report(file, [...path, "expect", "responseTime"], `expected a bound below the request timeout (${request.timeoutSeconds}s), found "${raw.expect.responseTime}"`);
  }
  return {
    name: raw.name,
    ...(raw.renamedFrom !== undefined ? { renamedFrom: raw.renamedFrom } : {}),
    description: raw.description,
    request,
    intervalSeconds,
    locations: [...locations].sort(),
    expect,
    severity: raw.severity,
    downAfterSeconds,
    minLocationsFailed,
    retry: { count: retry.count, intervalMs: durationMs(retry.interval) },
    statusComponent: raw.statusComponent,
    checkTls: raw.tls !== false,
    source: source(file, path),
  };
}

function journey(
  raw: RawJourney,
  defaults: RawDefaults,
  file: ParsedFile,
  path: readonly PropertyKey[],
  report: Reporter,
): Journey {
  const intervalSeconds = durationSeconds(raw.interval ?? defaults.uptime.interval);
  const maxDurationSeconds = durationSeconds(raw.maxDuration);
  const successRatePercent = percent(raw.successRate);
  checkRange(intervalSeconds, API_TEST_INTERVAL_SECONDS, "interval", file, [...path, "interval"], report);
  if (successRatePercent <= 0 || successRatePercent > 100) {
    report(file, [...path, "successRate"], `expected a percentage above 0% and at most 100%, found "${raw.successRate}"`);
  }
  if (maxDurationSeconds < 1) {
    report(file, [...path, "maxDuration"], `expected at least 1s, found "${raw.maxDuration}"`);
  }
  // A step may take no longer than the whole journey is allowed to.
  const stepTimeoutDefault = `${Math.min(maxDurationSeconds, MAX_REQUEST_TIMEOUT_SECONDS)}s`;
  const steps = raw.steps.map((step, i): JourneyStep => {
    const stepPath = [...path, "steps", i];
    const request = httpRequest(step, stepTimeoutDefault, file, stepPath, report);
    if (request.timeoutSeconds > maxDurationSeconds) {
      report(file, [...stepPath, "timeout"], `expected at most the journey's maxDuration (${raw.maxDuration}), found "${step.timeout}"`);
    }
    return {
      name: step.name,
      request,
      expect: expectation(step.expect, file, [...stepPath, "expect"], report),
      extract: step.extract ?? {},
    };
  });
  const claimedMs = steps.reduce((sum, step) => sum + (step.expect.responseTimeMs ?? 0), 0);
  if (claimedMs > maxDurationSeconds * 1000) {
    report(file, [...path, "maxDuration"], `expected the steps' response-time bounds (${claimedMs}ms in all) to fit in maxDuration, found "${raw.maxDuration}"`);
  }
  return {
    name: raw.name,
    ...(raw.renamedFrom !== undefined ? { renamedFrom: raw.renamedFrom } : {}),
    description: raw.description,
    intervalSeconds,
    locations: [...(raw.locations ?? defaults.uptime.locations)].sort(),
    maxDurationSeconds,
    successRatePercent,
    severity: raw.severity,
    steps, // steps keep their order: it is the journey
    source: source(file, path),
  };
}

function httpRequest(
  raw: { method: string; url: string; headers?: Record<string, string>; body?: string; timeout?: string },
  defaultTimeout: string,
  file: ParsedFile,
  path: readonly PropertyKey[],
  report: Reporter,
): HttpRequest {
  const timeoutSeconds = durationSeconds(raw.timeout ?? defaultTimeout);
  if (timeoutSeconds < 1 || timeoutSeconds > MAX_REQUEST_TIMEOUT_SECONDS) {
    report(file, [...path, "timeout"], `expected a timeout from 1s to 60s, found "${raw.timeout ?? defaultTimeout}"`);
  }
  if (raw.body !== undefined && (raw.method === "GET" || raw.method === "HEAD")) {
    report(file, [...path, "body"], `expected no request body for ${raw.method}`);
  }
  return { method: raw.method, url: raw.url, headers: raw.headers ?? {}, body: raw.body, timeoutSeconds };
}

function expectation(
  raw: RawEndpoint["expect"],
  file: ParsedFile,
  path: readonly PropertyKey[],
  report: Reporter,
): Expectation {
  const responseTimeMs = raw.responseTime === undefined ? undefined : durationMs(raw.responseTime);
  if (responseTimeMs !== undefined && responseTimeMs < 1) {
    report(file, [...path, "responseTime"], `expected at least 1ms, found "${raw.responseTime}"`);
  }
  return {
    status: raw.status,
    responseTimeMs,
    body: (raw.body ?? []).map(parseBodyAssertion),
    headers: raw.headers ?? {},
  };
}

/** `$.status == "healthy"` → { path: "$.status", operator: "==", value: "healthy" }. */
export function parseBodyAssertion(text: string): BodyAssertion {
  const match = BODY_ASSERTION_PATTERN.exec(text.trim());
  if (!match) throw new Error(`not a body assertion: ${text}`);
  if (match[4] === "exists") return { path: match[1], operator: "exists" };
  const rawValue = match[3].trim();
  const quoted = /^"(.*)"$|^'(.*)'$/.exec(rawValue);
  const value = quoted ? (quoted[1] ?? quoted[2]) : rawValue;
  return { path: match[1], operator: match[2] as BodyOperator, value };
}

function checkRange(
  value: number,
  range: { min: number; max: number },
  what: string,
  file: ParsedFile,
  path: readonly PropertyKey[],
  report: Reporter,
): void {
  if (value < range.min || value > range.max) {
    report(file, path, `expected an ${what} from ${range.min}s to ${range.max / 86_400}d (Datadog's limits), found ${value}s`);
  }
}

/**
 * One certificate check per https host, owned by the service whose name sorts first
 * among those serving it, so the owner never depends on catalog order. Its severity is
 * `defaults.tls.severity`: an expiry weeks away is not an outage.
 */
function assignTlsChecks(
  services: readonly Service[],
  defaults: RawDefaults,
): Service[] {
  const byHost = new Map<string, { service: string; endpoints: Endpoint[]; port: number }>();
  for (const service of services) {
    for (const e of service.endpoints) {
      const url = new URL(e.request.url);
      if (url.protocol !== "https:" || !e.checkTls) continue;
      const entry = byHost.get(url.host) ?? { service: service.name, endpoints: [], port: Number(url.port || 443) };
      entry.endpoints.push(e);
      byHost.set(url.host, entry);
    }
  }
  const checks = new Map<string, TlsCheck[]>();
  for (const [host, entry] of [...byHost].sort(([a], [b]) => a.localeCompare(b))) {
    const first = entry.endpoints[0];
    const list = checks.get(entry.service) ?? [];
    list.push({
      host: host.replace(/:\d+$/, ""),
      port: entry.port,
      warnDays: defaults.tls.warnDays,
      intervalSeconds: durationSeconds(defaults.tls.interval),
      locations: first.locations,
      severity: defaults.tls.severity,
      source: first.source,
    });
    checks.set(entry.service, list);
  }
  return services.map((s) => ({ ...s, tlsChecks: checks.get(s.name) ?? [] }));
}

function sortByName<T extends { name: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => a.name.localeCompare(b.name));
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
