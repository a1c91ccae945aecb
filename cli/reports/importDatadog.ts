/**
 * Datadog JSON → catalog entries, pure: the import of a set of files (formats read:
 * `importFormats.ts`; each object converted: `importConvert.ts`) and the catalog file it
 * writes. Whatever the catalog cannot hold is a note (file, field, why), never dropped
 * silently.
 */
import * as YAML from "yaml";
import { convertMonitor, convertSlo, convertTest, type EntryKind, slug } from "./importConvert";
import { datadogId, recognize, type Recognized } from "./importFormats";

export interface SourceFile {
  /** As reports show it. */
  readonly file: string;
  readonly value: unknown;
}

/** Something of the source the catalog does not hold, and why. */
export interface ImportNote {
  readonly file: string;
  readonly id?: string;
  readonly field: string;
  readonly why: string;
}

export type { EntryKind } from "./importConvert";

/** One imported object: where it came from and where it went. */
export interface ImportedEntry {
  readonly kind: EntryKind;
  readonly file: string;
  /** The Datadog ID (monitor ID, SLO ID, test public ID), when the source has one. */
  readonly id?: string;
  readonly service: string;
  readonly name: string;
  /** The catalog entry, in the catalog's raw form. */
  readonly entry: Record<string, unknown>;
}

/** An object that was not imported, and why. */
export interface Unsupported {
  readonly file: string;
  readonly id?: string;
  readonly what: string;
  readonly why: string;
}

export interface ImportResult {
  readonly entries: readonly ImportedEntry[];
  readonly notes: readonly ImportNote[];
  readonly unsupported: readonly Unsupported[];
  /** Services the entries go to, with their owning team (from `team:` tags). */
  readonly services: ReadonlyMap<string, { readonly team: string; readonly apmOperation?: string }>;
}

/** The team of a service no `team:` tag names. */
export const DEFAULT_TEAM = "unowned";

const KINDS: Readonly<Record<Recognized["kind"], EntryKind>> = { monitor: "rawAlerts", slo: "slos", test: "endpoints" };

/**
 * Imports every object of the files. Names are unique per service and kind: a second
 * monitor of one title gets `-2`, `-3` … in the files' order (sorted by the caller).
 */
export function importDatadog(files: readonly SourceFile[], environment: string): ImportResult | { readonly unrecognized: string } {
  const entries: ImportedEntry[] = [];
  const notes: ImportNote[] = [];
  const unsupported: Unsupported[] = [];
  const services = new Map<string, { team: string; apmOperation?: string }>();
  const monitorConverter = convertMonitor(environment, (service) => services.get(service)?.apmOperation);
  const taken = new Set<string>();
  for (const source of files) {
    const found = recognize(source.value);
    if (!found) return { unrecognized: source.file };
    for (const r of found) {
      const id = datadogId(r);
      const note = (field: string, why: string) => notes.push({ file: source.file, ...(id ? { id } : {}), field, why });
      if (r.kind === "monitor" && r.wrapper) {
        const meta = Object.keys(r.wrapper).filter((k) => k !== "definition");
        if (meta.length > 0) note(meta.join(", "), "the recommended-monitor file's metadata, not part of the monitor");
      }
      const converter = r.kind === "monitor" ? monitorConverter : r.kind === "slo" ? convertSlo(environment) : convertTest;
      const pending: ImportNote[] = [];
      const converted = converter(r.object, (field, why) => pending.push({ file: source.file, ...(id ? { id } : {}), field, why }));
      if ("unsupported" in converted) {
        unsupported.push({ file: source.file, ...(id ? { id } : {}), what: `${r.kind} "${String(r.object.name ?? "")}"`, why: converted.unsupported });
        continue;
      }
      notes.push(...pending);
      const kind = converted.kind ?? KINDS[r.kind];
      // Alerts and raw-query alerts share one name space per service; so do an entry kind's names.
      const space = kind === "alerts" ? "rawAlerts" : kind;
      let name = converted.name;
      for (let n = 2; taken.has(`${converted.service}/${space}/${name}`); n++) name = `${converted.name.slice(0, 56)}-${n}`;
      taken.add(`${converted.service}/${space}/${name}`);
      const known = services.get(converted.service);
      services.set(converted.service, { team: known?.team ?? slug(converted.team ?? DEFAULT_TEAM), ...(known?.apmOperation || converted.apmOperation ? { apmOperation: known?.apmOperation ?? converted.apmOperation } : {}) });
      entries.push({ kind, file: source.file, ...(id ? { id } : {}), service: converted.service, name, entry: { ...converted.entry, name } });
    }
  }
  return { entries, notes, unsupported, services };
}

/** The product every imported service belongs to. */
export const IMPORTED_PRODUCT = "imported";

/** A runbook URL that cannot resolve (RFC 2606 `.invalid`): the import report asks for the real one. */
export function placeholderRunbook(service: string): string {
  return `https://runbooks.invalid/${service}`;
}

/**
 * The catalog file: environment, one product, the services with their imported entries,
 * each entry under a comment naming its source file and Datadog ID.
 */
export function importedCatalogText(result: ImportResult, environment: string, from: string): string {
  const byService = [...result.services.keys()].sort();
  const services = byService.map((service) => {
    const of = (kind: EntryKind) => result.entries.filter((e) => e.service === service && e.kind === kind);
    const lists = (["endpoints", "alerts", "rawAlerts", "slos"] as const).filter((k) => of(k).length > 0);
    const apmOperation = result.services.get(service)?.apmOperation;
    return {
      name: service,
      product: IMPORTED_PRODUCT,
      team: result.services.get(service)?.team ?? DEFAULT_TEAM,
      tier: 2,
      description: `Imported from Datadog (${from}).`,
      runbook: placeholderRunbook(service),
      ...(apmOperation ? { apmOperation } : {}),
      ...Object.fromEntries(lists.map((k) => [k, of(k).map((e) => e.entry)])),
    };
  });
  const doc = new YAML.Document({
    environment,
    products: [{ name: IMPORTED_PRODUCT, description: "What lookout import datadog adopted from Datadog." }],
    services,
  });
  doc.commentBefore = ` Written by lookout import datadog --from ${from}. Review the placeholders (runbook, team, tier)\n and the import report; then see README "Adopting existing monitors".`;
  byService.forEach((service, i) => {
    for (const kind of ["endpoints", "alerts", "rawAlerts", "slos"] as const) {
      result.entries.filter((e) => e.service === service && e.kind === kind).forEach((e, j) => {
        const node = doc.getIn(["services", i, kind, j], true) as YAML.Node | undefined;
        if (node) node.commentBefore = ` ${e.file}${e.id ? ` · Datadog ID ${e.id}` : ""}`;
      });
    }
  });
  return doc.toString({ lineWidth: 0 });
}

