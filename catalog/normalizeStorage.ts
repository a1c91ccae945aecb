/**
 * The storage part of the catalog (backups, log retention, status pages): schema-valid
 * entries of every file → model, with every check a schema cannot make. References
 * (products, services, `service/endpoint` checks) must resolve; durations must fit S3's
 * day-based lifecycle and Datadog's windows. Each problem is reported at its path;
 * nothing here throws on bad input.
 *
 * One source of truth for status pages: a component lists the checks that inform it
 * (`statusPages[].components[].endpoints`). An endpoint's older `statusComponent` key is
 * kept as a cross-check: once its product has a status page, it must name a component
 * that lists the endpoint.
 */
import type { Service, SourceRef } from "./model";
import type { Backup, CheckRef, LevelRetention, LogRetention, StatusComponent, StatusPage } from "./modelStorage";
import type { RawCatalogFile } from "./schema";
import { LOG_LEVELS, type RawBackup, type RawLogRetention, type RawStatusComponent, type RawStatusPage } from "./schemaStorage";
import { durationSeconds, formatSeconds } from "./units";
import { checkRenames } from "./checkRenames";

/** One schema-valid file, with what it takes to report into it. */
export interface StorageFile {
  readonly data: Pick<RawCatalogFile, "services" | "backups" | "logs" | "statusPages">;
  report(path: readonly PropertyKey[], message: string): void;
  source(path: readonly PropertyKey[]): SourceRef;
}

export interface StorageCatalog {
  readonly backups: readonly Backup[];
  readonly logs: readonly LogRetention[];
  readonly statusPages: readonly StatusPage[];
}

/** Grace past the backup interval before a backup counts as late (26 h for daily backups). */
export const FRESHNESS_GRACE_SECONDS = 7_200;
/** Datadog metric monitors evaluate windows of at most one week. */
export const MAX_FRESHNESS_WINDOW_SECONDS = 604_800;
/** Backups are taken at most hourly and at least weekly. */
export const BACKUP_INTERVAL_SECONDS = { min: 3_600, max: 604_800 } as const;

const DAY_SECONDS = 86_400;

interface Located<T> {
  readonly value: T;
  readonly path: readonly PropertyKey[];
  readonly file: StorageFile;
}

export function normalizeStorage(
  files: readonly StorageFile[],
  environment: string | undefined,
  services: readonly Service[],
  products: ReadonlySet<string>,
): StorageCatalog {
  const byName = new Map(services.map((s) => [s.name, s]));
  const collect = <K extends "backups" | "logs" | "statusPages">(key: K): Located<RawCatalogFile[K][number]>[] =>
    files.flatMap((file) => file.data[key].map((value, i) => ({ value, path: [key, i], file })));

  const backups = collect("backups").flatMap((b) => backup(b, byName, products) ?? []);
  const logs = logRetention(collect("logs"), products);
  const pages = statusPages(collect("statusPages"), environment, byName, products);
  checkStatusComponentKeys(files, pages);
  return {
    backups: [...backups].sort((a, b) => a.name.localeCompare(b.name)),
    logs: [...logs].sort((a, b) => a.product.localeCompare(b.product)),
    statusPages: [...pages].sort((a, b) => a.product.localeCompare(b.product)),
  };
}

// ---------------------------------------------------------------------------------------
// backups
// ---------------------------------------------------------------------------------------

function backup({ value: raw, path, file }: Located<RawBackup>, services: ReadonlyMap<string, Service>, products: ReadonlySet<string>): Backup | undefined {
  const { fail, failed } = reporter({ path, file });
  if (!products.has(raw.product)) fail(["product"], `unknown product "${raw.product}"; expected one of ${known(products)}`);
  const service = services.get(raw.service);
  if (!service) {
    fail(["service"], `unknown service "${raw.service}"; expected one of ${known(services.keys())}`);
  } else if (service.product !== raw.product) {
    fail(["service"], `service "${raw.service}" belongs to product "${service.product}", not "${raw.product}"`);
  }

  const everySeconds = durationSeconds(raw.every);
  if (everySeconds < BACKUP_INTERVAL_SECONDS.min || everySeconds > BACKUP_INTERVAL_SECONDS.max) {
    fail(["every"], `expected a backup interval from 1h to 1w, found "${raw.every}"`);
  }
  const retentionDays = wholeDays(raw.retention, ["retention"], fail);
  if (retentionDays !== undefined && retentionDays * DAY_SECONDS < everySeconds) {
    fail(["retention"], `expected a retention of at least one backup interval (${raw.every}), found "${raw.retention}"`);
  }
  const noncurrentRetentionDays =
    raw.noncurrentRetention === undefined ? retentionDays : wholeDays(raw.noncurrentRetention, ["noncurrentRetention"], fail);

  let objectLock: Backup["objectLock"];
  if (raw.objectLock) {
    const days = wholeDays(raw.objectLock.retention, ["objectLock", "retention"], fail);
    if (days !== undefined && retentionDays !== undefined && days > retentionDays) {
      fail(["objectLock", "retention"], `expected at most the retention (${raw.retention}): a locked backup cannot expire, found "${raw.objectLock.retention}"`);
    }
    if (days !== undefined) objectLock = { mode: raw.objectLock.mode === "compliance" ? "COMPLIANCE" : "GOVERNANCE", days };
  }

  const withinSeconds = raw.freshness.within === undefined ? everySeconds + FRESHNESS_GRACE_SECONDS : durationSeconds(raw.freshness.within);
  const withinPath = raw.freshness.within === undefined ? ["freshness"] : ["freshness", "within"];
  const within = raw.freshness.within ?? formatSeconds(withinSeconds);
  if (withinSeconds <= everySeconds) {
    fail(withinPath, `expected more than the backup interval (${raw.every}), or the alert fires between two good backups, found "${within}"`);
  } else if (withinSeconds > MAX_FRESHNESS_WINDOW_SECONDS) {
    fail(withinPath, `expected at most 1w (Datadog's longest monitor window), found "${within}"`);
  } else if (withinSeconds % 60 !== 0) {
    fail(withinPath, `expected whole minutes, found "${within}"`);
  }

  if (failed() || retentionDays === undefined || noncurrentRetentionDays === undefined) return undefined;
  return {
    name: raw.name,
    ...renamed(raw),
    product: raw.product,
    service: raw.service,
    description: raw.description,
    prefix: raw.prefix ?? `${raw.name}/`,
    everySeconds,
    retentionDays,
    noncurrentRetentionDays,
    replicate: raw.replicate,
    objectLock,
    freshness: { withinSeconds, severity: raw.freshness.severity, metric: raw.freshness.metric },
    writers: [...new Set(raw.access.write)].sort(),
    restorers: [...new Set(raw.access.restore)].sort(),
    source: file.source(path),
  };
}

/** `"30d"` → 30; anything that is not a whole number of days ≥ 1 is reported. */
function wholeDays(text: string, path: readonly PropertyKey[], fail: (p: readonly PropertyKey[], message: string) => void): number | undefined {
  const seconds = durationSeconds(text);
  if (seconds < DAY_SECONDS) {
    fail(path, `expected at least 1d, found "${text}"`);
    return undefined;
  }
  if (seconds % DAY_SECONDS !== 0) {
    fail(path, `expected whole days (S3 lifecycle rules count days), found "${text}"`);
    return undefined;
  }
  return seconds / DAY_SECONDS;
}

/** Reports a problem at a path below an entry (`fail`); `failed()` tells whether any was. */
/** An entry's `renamedFrom`, when it has one (kept off the model otherwise). */
function renamed(raw: { readonly renamedFrom?: string }): { readonly renamedFrom?: string } {
  return raw.renamedFrom !== undefined ? { renamedFrom: raw.renamedFrom } : {};
}

function reporter({ path, file }: Pick<Located<unknown>, "path" | "file">) {
  let failedSoFar = false;
  return {
    fail: (p: readonly PropertyKey[], message: string): void => {
      file.report([...path, ...p], message);
      failedSoFar = true;
    },
    failed: (): boolean => failedSoFar,
  };
}

/**
 * An entry of which a product has at most one (log retention, a status page): its
 * product must exist, and an earlier entry for it is reported by `duplicate`.
 */
function oneForProduct<T extends { readonly product: string }>(
  entry: Located<T>,
  products: ReadonlySet<string>,
  seen: Map<string, Located<T>>,
  fail: (path: readonly PropertyKey[], message: string) => void,
  duplicate: (first: Located<T>) => string,
): void {
  const { product } = entry.value;
  if (!products.has(product)) fail(["product"], `unknown product "${product}"; expected one of ${known(products)}`);
  const first = seen.get(product);
  if (first) fail(["product"], duplicate(first));
  else seen.set(product, entry);
}

// ---------------------------------------------------------------------------------------
// logs
// ---------------------------------------------------------------------------------------

function logRetention(entries: readonly Located<RawLogRetention>[], products: ReadonlySet<string>): LogRetention[] {
  const seen = new Map<string, Located<RawLogRetention>>();
  const result: LogRetention[] = [];
  for (const entry of entries) {
    const { value: raw, path, file } = entry;
    const { fail, failed } = reporter(entry);
    oneForProduct(entry, products, seen, fail, (first) => `duplicate log retention for product "${raw.product}" (first declared at ${where(first)})`);
    const levels: LevelRetention[] = [];
    for (const level of LOG_LEVELS) {
      const text = raw.retention[level];
      if (text === undefined) continue;
      const days = wholeDays(text, ["retention", level], fail);
      if (days !== undefined) levels.push({ level, days });
    }
    if (Object.values(raw.retention).every((v) => v === undefined)) {
      fail(["retention"], `expected at least one level (${LOG_LEVELS.join(", ")})`);
    }
    if (!failed()) result.push({ product: raw.product, levels, source: file.source(path) });
  }
  return result;
}

// ---------------------------------------------------------------------------------------
// status pages
// ---------------------------------------------------------------------------------------

function statusPages(
  entries: readonly Located<RawStatusPage>[],
  environment: string | undefined,
  services: ReadonlyMap<string, Service>,
  products: ReadonlySet<string>,
): StatusPage[] {
  const byProduct = new Map<string, Located<RawStatusPage>>();
  const byPrefix = new Map<string, Located<RawStatusPage>>();
  const result: StatusPage[] = [];
  for (const entry of entries) {
    const { value: raw, path, file } = entry;
    const { fail, failed } = reporter(entry);
    oneForProduct(entry, products, byProduct, fail, (first) => `product "${raw.product}" already has a status page (declared at ${where(first)}); a product has one page`);

    const domainPrefix = raw.domainPrefix ?? (environment === undefined || environment === "prod" ? raw.product : `${raw.product}-${environment}`);
    const samePrefix = byPrefix.get(domainPrefix);
    if (samePrefix) fail([raw.domainPrefix === undefined ? "product" : "domainPrefix"], `domain prefix "${domainPrefix}" is already used by the page at ${where(samePrefix)}; set domainPrefix`);
    else byPrefix.set(domainPrefix, entry);

    const at = (p: readonly PropertyKey[]) => file.source([...path, ...p]);
    // Component names are keys within the page, groups' components included.
    const names = new Map<string, readonly PropertyKey[]>();
    const claim = (name: string, p: readonly PropertyKey[]) => {
      const earlier = names.get(name);
      if (earlier) fail([...p, "name"], `duplicate component name "${name}" (first declared at ${where({ value: name, path: [...path, ...earlier, "name"], file })})`);
      else names.set(name, p);
    };
    const components = raw.components.map((c, i): StatusComponent => {
      const cPath = ["components", i];
      claim(c.name, cPath);
      if (c.components !== undefined) {
        if (c.components.length === 0) fail([...cPath, "components"], "expected at least one component in a group");
        if (c.endpoints.length > 0 || c.journeys.length > 0) {
          fail([...cPath, c.endpoints.length > 0 ? "endpoints" : "journeys"], `a group reports through its components: move these checks to one of them`);
        }
        const children = c.components.map((child, j): StatusComponent => {
          const childPath = [...cPath, "components", j];
          claim(child.name, childPath);
          return component(child, raw.product, services, childPath, fail, at);
        });
        return { name: c.name, ...renamed(c), title: c.title, kind: "group", checks: [], components: children, source: at(cPath) };
      }
      return { ...component(c, raw.product, services, cPath, fail, at), ...renamed(c) };
    });
    checkRenames(
      raw.components.map((c, i) => ({ name: c.name, renamedFrom: c.renamedFrom, at: (message: string) => fail(["components", i, "renamedFrom"], message) })),
      "status component",
      raw.components.flatMap((c) => (c.components ?? []).map((child) => child.name)),
    );

    // Every P0 check of the product reports to a component of its page.
    const listed = new Set(allChecks(components).map(checkKey));
    const missing = [...services.values()]
      .filter((s) => s.product === raw.product)
      .flatMap((s) => [
        ...s.endpoints.filter((e) => e.severity === "P0").map((e): CheckRef => ({ kind: "endpoint", service: s.name, name: e.name, severity: e.severity })),
        ...s.journeys.filter((j) => j.severity === "P0").map((j): CheckRef => ({ kind: "journey", service: s.name, name: j.name, severity: j.severity })),
      ])
      .filter((c) => !listed.has(checkKey(c)))
      .sort((a, b) => checkKey(a).localeCompare(checkKey(b)));
    for (const check of missing) {
      fail(
        ["components"],
        `P0 ${check.kind} ${check.service}/${check.name} informs no component of this page; list it under a component's ${check.kind}s ` +
          `(every P0 check maps to a status-page component)`,
      );
    }

    if (failed()) continue;
    result.push({
      product: raw.product,
      title: raw.title,
      domain: raw.domain,
      domainPrefix,
      visibility: raw.visibility,
      components,
      source: file.source(path),
    });
  }
  return result;
}

function component(
  raw: Pick<RawStatusComponent, "name" | "title" | "endpoints" | "journeys">,
  product: string,
  services: ReadonlyMap<string, Service>,
  path: readonly PropertyKey[],
  fail: (p: readonly PropertyKey[], message: string) => void,
  at: (p: readonly PropertyKey[]) => SourceRef,
): StatusComponent {
  const checks: CheckRef[] = [];
  const seen = new Set<string>();
  const resolve = (list: "endpoints" | "journeys", ref: string, i: number) => {
    const refPath = [...path, list, i];
    const [serviceName, name] = ref.split("/");
    const service = services.get(serviceName);
    if (!service) {
      fail(refPath, `unknown service "${serviceName}" in "${ref}"; expected one of ${known([...services.values()].filter((s) => s.product === product).map((s) => s.name))}`);
      return;
    }
    if (service.product !== product) {
      fail(refPath, `service "${serviceName}" belongs to product "${service.product}", not to this page's product "${product}"`);
      return;
    }
    const candidates = list === "endpoints" ? service.endpoints : service.journeys;
    const found = candidates.find((c) => c.name === name);
    if (!found) {
      const what = list === "endpoints" ? "endpoint" : "journey";
      fail(refPath, `unknown ${what} "${ref}"; ${serviceName}'s ${list} are ${known(candidates.map((c) => c.name))}`);
      return;
    }
    if (seen.has(ref)) {
      fail(refPath, `"${ref}" is listed twice in this component`);
      return;
    }
    seen.add(ref);
    checks.push({ kind: list === "endpoints" ? "endpoint" : "journey", service: serviceName, name, severity: found.severity });
  };
  raw.endpoints.forEach((ref, i) => resolve("endpoints", ref, i));
  raw.journeys.forEach((ref, i) => resolve("journeys", ref, i));
  return { name: raw.name, title: raw.title, kind: "component", checks, components: [], source: at(path) };
}

/** Every check of the page's components, groups' components included. */
export function allChecks(components: readonly StatusComponent[]): CheckRef[] {
  return components.flatMap((c) => [...c.checks, ...allChecks(c.components)]);
}

function checkKey(check: Pick<CheckRef, "kind" | "service" | "name">): string {
  return `${check.kind}:${check.service}/${check.name}`;
}

/** An endpoint's `statusComponent` must agree with its product's page, once there is one. */
function checkStatusComponentKeys(files: readonly StorageFile[], pages: readonly StatusPage[]): void {
  const byProduct = new Map(pages.map((p) => [p.product, p]));
  for (const file of files) {
    file.data.services.forEach((service, i) => {
      const page = byProduct.get(service.product);
      if (!page) return;
      service.endpoints.forEach((endpoint, j) => {
        if (endpoint.statusComponent === undefined) return;
        const at = ["services", i, "endpoints", j, "statusComponent"];
        const flat = flatten(page.components);
        const named = flat.find((c) => c.name === endpoint.statusComponent);
        if (!named || named.kind === "group") {
          const choices = flat.filter((c) => c.kind === "component").map((c) => c.name);
          file.report(at, `no component "${endpoint.statusComponent}" on the ${page.product} status page; expected one of ${known(choices)}`);
          return;
        }
        const ref = `${service.name}/${endpoint.name}`;
        if (!named.checks.some((c) => c.kind === "endpoint" && `${c.service}/${c.name}` === ref)) {
          const listing = flat.filter((c) => c.checks.some((k) => k.kind === "endpoint" && `${k.service}/${k.name}` === ref)).map((c) => c.name);
          file.report(
            at,
            `component "${endpoint.statusComponent}" does not list ${ref}` +
              `${listing.length > 0 ? ` (listed by ${listing.join(", ")})` : ""}; ` +
              `the status page's component lists are the source of truth: add it to "${endpoint.statusComponent}"'s endpoints or change statusComponent`,
          );
        }
      });
    });
  }
}

function flatten(components: readonly StatusComponent[]): StatusComponent[] {
  return components.flatMap((c) => [c, ...flatten(c.components)]);
}

function where(located: Located<unknown>): string {
  return `${located.file.source(located.path).file}:${located.file.source(located.path).line}`;
}

function known(names: Iterable<string>): string {
  const list = [...names].sort();
  return list.length > 0 ? list.join(", ") : "none declared";
}
