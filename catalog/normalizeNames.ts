/**
 * The catalog's cross-entry checks on names: a name used twice in its list, two entries
 * whose resources would share a name (URN) (`renamedFrom` claims: checkRenames.ts); and each entry's
 * source position, kept with its document path for errors found on the model later.
 */
import type { CatalogIssue } from "./errors";
import { formatPath } from "./errors";
import type { Catalog, SourceRef } from "./model";
import { type NamedEntry, nameCollisions, plannedNames } from "./names";
import type { ParsedFile } from "./yamlFiles";

export type Reporter = (file: ParsedFile, docPath: readonly PropertyKey[], message: string) => void;

export interface Located<T> {
  readonly value: T;
  readonly file: ParsedFile;
  readonly path: readonly PropertyKey[];
}

/**
 * Two entries whose resources would share a name (and so a URN: PF-PULUMI-2) are one
 * error at each entry, naming the other. Names are predicted with the components' own
 * naming functions (names.ts).
 */
export function checkResourceNames(catalog: Catalog, issues: CatalogIssue[]): void {
  const at = (entry: NamedEntry) => `${entry.source.file}:${entry.source.line}:${entry.source.column}`;
  const issue = (entry: NamedEntry, other: NamedEntry, name: string, more: number): CatalogIssue => ({
    ...entry.source,
    path: SOURCE_PATHS.get(entry.source) ?? "",
    message:
      `${entry.what} and ${other.what} (${at(other)}) would both make a resource named "${name}"` +
      `${more > 0 ? ` (and ${more} more)` : ""}: Pulumi allows one resource per name (its URN); rename one of them`,
  });
  for (const { name, first, second, more } of nameCollisions(plannedNames(catalog))) {
    issues.push(issue(first, second, name, more), issue(second, first, name, more));
  }
}

/** The named lists of a catalog, and the lists nested in their items. */
const NAMED_LISTS: Readonly<Record<string, { what: string; nested: Readonly<Record<string, string>> }>> = {
  products: { what: "product", nested: {} },
  services: { what: "service", nested: { endpoints: "endpoint", journeys: "journey", slos: "SLO" } },
  teams: { what: "team", nested: {} },
  maintenance: { what: "maintenance window", nested: {} },
  backups: { what: "backup", nested: {} },
};

/** Products and services are unique across files; endpoints, journeys and steps within their parent. */
export function checkNames(files: readonly ParsedFile[], report: Reporter): void {
  for (const [key, { what, nested }] of Object.entries(NAMED_LISTS)) {
    const items = files.flatMap((file) => namedItems(file, [key]));
    unique(items, what, report);
    for (const item of items) {
      for (const [child, childWhat] of Object.entries(nested)) {
        const children = namedItems(item.file, [...item.path, child]);
        unique(children, childWhat, report);
        if (child === "journeys") {
          for (const j of children) unique(namedItems(item.file, [...j.path, "steps"]), "step", report);
        }
      }
      // Alerts and raw-query alerts share one name space (one monitor name each).
      unique([...namedItems(item.file, [...item.path, "alerts"]), ...namedItems(item.file, [...item.path, "rawAlerts"])], "alert", report);
      // A Sentry project's issue and metric alerts share one name space.
      const sentry = [...item.path, "sentry"];
      unique([...namedItems(item.file, [...sentry, "issueAlerts"]), ...namedItems(item.file, [...sentry, "metricAlerts"])], "Sentry alert", report);
    }
  }
}

function namedItems(file: ParsedFile, listPath: readonly PropertyKey[]): Located<{ name: string }>[] {
  let list: unknown = file.raw;
  for (const part of listPath) list = list && typeof list === "object" ? (list as Record<PropertyKey, unknown>)[part] : undefined;
  if (!Array.isArray(list)) return [];
  return list.flatMap((value: unknown, i) =>
    value && typeof value === "object" && typeof (value as { name?: unknown }).name === "string"
      ? [{ value: value as { name: string }, file, path: [...listPath, i] }]
      : [],
  );
}

/** The second use of a name is an error that points at the first. */
function unique(items: readonly Located<{ name: string }>[], what: string, report: Reporter): void {
  const seen = new Map<string, Located<{ name: string }>>();
  for (const item of items) {
    const first = seen.get(item.value.name);
    if (first) {
      const at = first.file.locate([...first.path, "name"]);
      const where = `${at.file ?? first.file.file}:${at.line}`;
      report(item.file, [...item.path, "name"], `duplicate ${what} name "${item.value.name}" (first declared at ${where})`);
    } else {
      seen.set(item.value.name, item);
    }
  }
}

/** Each entry's path in its document, kept beside its source for errors found on the model. */
const SOURCE_PATHS = new WeakMap<SourceRef, string>();

export function source(file: ParsedFile, path: readonly PropertyKey[]): SourceRef {
  const ref = { file: file.file, ...file.locate(path) };
  SOURCE_PATHS.set(ref, formatPath(path));
  return ref;
}
