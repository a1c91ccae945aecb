/**
 * Reads a catalog (one YAML file, or a folder of them), validates all of it and
 * returns the normalized, frozen model — or throws one `CatalogError` listing every
 * problem at its file:line:column. Nothing here touches Pulumi: a bad catalog is
 * rejected before the first resource exists.
 */
import * as fs from "fs";
import * as path from "path";
import { type Document, isAlias, isCollection, isPair, LineCounter, parseDocument } from "yaml";
import { type z } from "zod";
import { maskCredentials } from "./credentialText";
import { CatalogError, type CatalogIssue, formatIssue, formatPath } from "./errors";
import { FileRefusal, MAX_CATALOG_BYTES, MAX_CATALOG_FILE_BYTES, mib, readRegularFile, resolveUserPath, statUserPath } from "./files";
import type { Catalog } from "./model";
import { mergeLayers, readLayers } from "./layers";
import { normalize } from "./normalize";
import { namesCutEntry, schemaValidRest } from "./partial";
import { PROJECT_ROOT } from "./projectRoot";
import { CatalogFileSchema, type RawCatalogFile } from "./schema";
import { checkCatalogText } from "./textRules";
import { keyOffset, nodeOffset, valueAt } from "./yamlPositions";

/** One catalog file's text and the name it is reported under. */
export interface CatalogSource {
  readonly file: string;
  readonly text: string;
}

/** A parsed, schema-valid file, with what it takes to point back into it. */
export interface ParsedFile {
  readonly file: string;
  /** The document as parsed, before the schema: names are checked on it even when the schema fails. */
  readonly raw: Readonly<Record<string, unknown>>;
  /** The files it was merged from, base first, when it is a stack's layers. */
  readonly files?: readonly string[];
  /** The schema-valid document (its schema-valid rest when the schema reported issues: partial.ts). */
  readonly data?: RawCatalogFile;
  /** The named entries cut from it for the schema's problems: later complaints naming them are consequences. */
  readonly cutNames?: readonly string[];
  /** The document as written, when `raw` is its schema-valid rest: the text rules read all of it. */
  readonly original?: ParsedFile;
  /**
   * The source position of a document path (the nearest existing node). A layered
   * catalog (layers.ts) also names the file that wrote the value, base or overlay.
   */
  locate(docPath: readonly PropertyKey[]): Position;
}

/** Where a value was written; `file` when it is not the ParsedFile's own. */
export interface Position {
  readonly file?: string;
  readonly line: number;
  readonly column: number;
}

/** One file's YAML, parsed with positions, before the schema (x- keys left out). */
export interface YamlFile {
  readonly file: string;
  readonly doc: Document;
  readonly raw: Readonly<Record<string, unknown>>;
  locate(docPath: readonly PropertyKey[]): Position;
  /** The position of a mapping's key (unknown keys are reported there), if it is written. */
  locateKey(mapPath: readonly PropertyKey[], key: string): Position | undefined;
}

/** Top-level keys starting with `x-` hold YAML anchors to share; they are ignored. */
const EXTENSION_KEY = /^x-/;

/** Where a catalog is read from and how far its symlinks may lead. */
export interface CatalogReadOptions {
  /** The project (the folder of Pulumi.yaml): symlinks must resolve inside it or inside the catalog folder. */
  readonly projectRoot: string;
  /** Follow symlinks anywhere (`--allow-outside-project`, stack config `lookout:allowOutsideProject`). */
  readonly allowOutsideProject?: boolean;
}

/** The project this loader belongs to. */
const LOADER_PROJECT = PROJECT_ROOT;

/** The names a catalog file may have in a catalog folder (lower case; anything else is reported). */
const CATALOG_FILE = /\.ya?ml$/;

function refused(file: string, message: string): CatalogIssue {
  return { file, line: 1, column: 1, path: "", message };
}

/**
 * Reads the file, or every `*.yaml`/`*.yml` of the folder in name order, each once and
 * within the size caps (files.ts). Names starting with a dot (`.gitkeep`, editor locks
 * such as `.#a.yaml`) are left alone; any other entry of the folder is an error, never
 * skipped in silence. Throws one `CatalogError` listing every refused path.
 */
export function readCatalogSources(catalogPath: string, options: CatalogReadOptions = { projectRoot: LOADER_PROJECT }): CatalogSource[] {
  const issues: CatalogIssue[] = [];
  const at = (error: unknown): void => {
    if (error instanceof FileRefusal) issues.push(refused(error.file, error.reason));
    else throw error;
  };
  let real: string;
  let isFolder: boolean;
  try {
    real = resolveUserPath(catalogPath, { roots: [options.projectRoot], allowOutside: options.allowOutsideProject }, "catalog file or folder");
    isFolder = statUserPath(catalogPath, real, true).isDirectory();
  } catch (error) {
    at(error);
    throw new CatalogError(issues);
  }
  const confinement = { roots: [options.projectRoot, real], allowOutside: options.allowOutsideProject };
  const files: string[] = [];
  if (isFolder) {
    for (const name of fs.readdirSync(real).sort()) {
      const file = path.join(catalogPath, name);
      if (name.startsWith(".")) continue;
      if (!CATALOG_FILE.test(name)) {
        issues.push(refused(file, "not a catalog file: a catalog folder holds only .yaml and .yml files (lower case; names starting with a dot are ignored)"));
        continue;
      }
      try {
        statUserPath(file, resolveUserPath(file, confinement), false);
        files.push(file);
      } catch (error) {
        at(error);
      }
    }
    if (files.length === 0 && issues.length === 0) issues.push(refused(catalogPath, "the catalog folder holds no .yaml file"));
  } else {
    files.push(catalogPath);
  }
  const sources: CatalogSource[] = [];
  let total = 0;
  for (const file of files) {
    try {
      const left = MAX_CATALOG_BYTES - total;
      const cap =
        left < MAX_CATALOG_FILE_BYTES
          ? { bytes: left, name: `the ${mib(left)} left of the catalog's total limit of ${mib(MAX_CATALOG_BYTES)}` }
          : { bytes: MAX_CATALOG_FILE_BYTES, name: `the per-file limit of ${mib(MAX_CATALOG_FILE_BYTES)}` };
      const text = readRegularFile(file, resolveUserPath(file, confinement), cap.bytes, cap.name);
      total += Buffer.byteLength(text);
      sources.push({ file, text });
    } catch (error) {
      at(error);
    }
  }
  if (issues.length > 0) throw new CatalogError(issues);
  return sources;
}

/**
 * Loads and validates a catalog from disk: a file, a folder, or a stack's file that
 * `extends` a base (layers.ts). Throws `CatalogError`.
 */
export function loadCatalog(catalogPath: string, options?: CatalogReadOptions): Catalog {
  const { sources, layered } = readLayers(catalogPath, options);
  return layered ? parseLayeredCatalog(sources) : parseCatalog(sources);
}

/** Validates catalog sources already in memory. Throws `CatalogError`. */
export function parseCatalog(sources: readonly CatalogSource[]): Catalog {
  const issues: CatalogIssue[] = [];
  const parsed: ParsedFile[] = [];
  for (const source of sources) {
    const file = parseFile(source, issues);
    if (file) parsed.push(file);
  }
  return validated(parsed, issues);
}

/** Merges a stack's layers (base first, overlay last) and validates the result as one document. Throws `CatalogError`. */
export function parseLayeredCatalog(layers: readonly CatalogSource[]): Catalog {
  const issues: CatalogIssue[] = [];
  const merged = mergeLayers(layers, issues);
  return validated(merged ? [{ ...validateDocument(merged, issues), files: merged.files }] : [], issues);
}

function validated(parsed: readonly ParsedFile[], issues: CatalogIssue[]): Catalog {
  // Literal credentials and notification syntax, wherever they are written.
  checkCatalogText(parsed.map((file) => file.original ?? file), issues);
  // Cross-file and semantic checks run on what parsed, so one pass reports everything;
  // a complaint about an entry the schema's problems cut is theirs, reported once.
  const schemaIssues = issues.length;
  const cutNames = parsed.flatMap((file) => file.cutNames ?? []);
  const catalog = normalize(parsed, issues);
  const kept = issues.filter((issue, i) => i < schemaIssues || !namesCutEntry(issue.message, cutNames));
  const unique = kept.filter((issue, i) => kept.findIndex((other) => formatIssue(other) === formatIssue(issue)) === i);
  if (unique.length > 0 || !catalog) throw new CatalogError(unique);
  return catalog;
}

function parseFile(source: CatalogSource, issues: CatalogIssue[]): ParsedFile | undefined {
  const yamlFile = parseYamlFile(source, issues);
  return yamlFile && validateDocument(yamlFile, issues);
}

/** Checks a whole document (one file, or a stack's merged layers) against the schema. */
export function validateDocument(file: Pick<YamlFile, "file" | "raw" | "locate" | "locateKey">, issues: CatalogIssue[]): ParsedFile {
  const result = CatalogFileSchema.safeParse(file.raw);
  if (result.success) return { file: file.file, raw: file.raw, data: result.data, locate: file.locate };
  for (const zodIssue of result.error.issues) issues.push(...describeIssue(file, zodIssue));
  // The checks still run on the schema-valid rest, so the catalog's other problems (a
  // routing typo) come in the same report (partial.ts).
  const valid = schemaValidRest(file.raw, result.error.issues);
  if (!valid) return { file: file.file, raw: file.raw, locate: file.locate };
  const original = { file: file.file, raw: file.raw, locate: file.locate };
  return { file: file.file, raw: valid.raw, data: valid.data, locate: (docPath) => file.locate(valid.originalPath(docPath)), cutNames: valid.cutNames, original };
}

/** Parses one file's YAML (positions kept, aliases bounded); undefined after reporting when it cannot be read. */
export function parseYamlFile(source: CatalogSource, issues: CatalogIssue[]): YamlFile | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source.text, { lineCounter, merge: true, uniqueKeys: true, prettyErrors: false });
  const positionOf = (offset: number) => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      const message = error.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
      issues.push({ file: source.file, ...positionOf(error.pos[0]), path: "", message: `YAML: ${message}` });
    }
    return undefined;
  }
  const locate = (docPath: readonly PropertyKey[]) => positionOf(nodeOffset(doc, docPath));

  const bomb = excessiveAlias(doc);
  if (bomb) {
    issues.push({ file: source.file, ...positionOf(bomb.offset), path: "", message: `YAML: excessive aliasing: the document expands to more than ${bomb.limit} nodes from ${bomb.written} written (an alias bomb?)` });
    return undefined;
  }
  let data: unknown;
  try {
    // Expansion is bounded above; yaml's own count (uses × aliases inside) would refuse legitimate reuse.
    data = doc.toJS({ maxAliasCount: -1 }) ?? {};
  } catch (error) {
    issues.push({ file: source.file, line: 1, column: 1, path: "", message: `YAML: ${(error as Error).message}` });
    return undefined;
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    issues.push({ file: source.file, line: 1, column: 1, path: "", message: "expected a mapping at the top of the file" });
    return undefined;
  }
  const withoutExtensions = Object.fromEntries(Object.entries(data).filter(([key]) => !EXTENSION_KEY.test(key)));
  const locateKey = (mapPath: readonly PropertyKey[], key: string) => {
    const offset = keyOffset(doc, mapPath, key);
    return offset === undefined ? undefined : positionOf(offset);
  };
  return { file: source.file, doc, raw: withoutExtensions, locate, locateKey };
}

/** Aliases may expand a document to this many times the nodes written in it (plus a floor). */
export const ALIAS_EXPANSION_FACTOR = 10;
const ALIAS_EXPANSION_FLOOR = 10_000;

/**
 * The alias at which the document's expansion (every alias counted as the nodes it
 * stands for) passes ALIAS_EXPANSION_FACTOR times the nodes written, if any: an alias
 * bomb grows exponentially, reuse of an anchor (`<<: *every-minute` on every endpoint)
 * linearly. Linear in the document's size (sizes are memoized per anchored node).
 */
export function excessiveAlias(doc: Document): { offset: number; limit: number; written: number } | undefined {
  const children = (node: unknown): unknown[] =>
    isCollection(node) ? node.items.flatMap((item) => (isPair(item) ? [item.key, item.value] : [item])) : [];
  // One pass in document order: the nodes written (an alias counts one) and each alias's
  // anchor, the last one of its name before it (Alias.resolve would walk the document per alias).
  const anchors = new Map<string, unknown>();
  const targets = new Map<unknown, unknown>();
  let written = 0;
  const scan = (node: unknown): void => {
    written++;
    if (isAlias(node)) {
      targets.set(node, anchors.get(node.source));
      return;
    }
    const anchor = (node as { anchor?: string } | null)?.anchor;
    if (anchor) anchors.set(anchor, node);
    children(node).forEach(scan);
  };
  scan(doc.contents);
  // Each node's expanded size, memoized.
  const expanded = new Map<unknown, number>();
  const inProgress = new Set<unknown>();
  const size = (node: unknown): number => {
    if (node === null || node === undefined) return 1;
    const known = expanded.get(node);
    if (known !== undefined) return known;
    if (isAlias(node)) {
      const target = targets.get(node);
      // An alias inside its own anchor is a reference to it, not a copy.
      return target === undefined || inProgress.has(target) ? 1 : size(target);
    }
    inProgress.add(node);
    const total = 1 + children(node).reduce<number>((sum, child) => sum + size(child), 0);
    inProgress.delete(node);
    expanded.set(node, total);
    return total;
  };
  const limit = ALIAS_EXPANSION_FACTOR * written + ALIAS_EXPANSION_FLOOR;
  if (size(doc.contents) <= limit) return undefined;
  // The culprit: the first alias, in document order, at which the running expansion passes the limit.
  let running = 0;
  const find = (node: unknown): number | undefined => {
    if (isAlias(node)) {
      running += size(node);
      return running > limit ? (node.range?.[0] ?? 0) : undefined;
    }
    running++;
    for (const child of children(node)) {
      const found = find(child);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return { offset: find(doc.contents) ?? 0, limit, written };
}

/** How a found value reads in a message. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return JSON.stringify(maskCredentials(value)); // a message never repeats a credential
  return String(value);
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  object: "a mapping",
  array: "a list",
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
};

function describeIssue(source: Pick<YamlFile, "file" | "raw" | "locate" | "locateKey">, issue: z.core.$ZodIssue): CatalogIssue[] {
  const { file, locate } = source;
  const docPath = issue.path;
  const found = valueAt(source.raw, docPath);
  const at = (p: readonly PropertyKey[], message: string): CatalogIssue => ({
    file,
    ...locate(p),
    path: formatPath(p),
    message,
  });
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => {
        const position = source.locateKey(docPath, key) ?? locate(docPath);
        const allowed = allowedKeys(docPath);
        const hint = allowed.length > 0 ? `; expected one of ${allowed.join(", ")}` : "";
        return { file, ...position, path: formatPath([...docPath, key]), message: `unknown key "${key}"${hint}` };
      });
    case "invalid_type":
      if (found === undefined) return [at(docPath, `missing required key "${String(docPath[docPath.length - 1])}"`)];
      return [at(docPath, `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}, found ${describeValue(found)}`)];
    case "invalid_value":
      return [at(docPath, `expected one of ${issue.values.map(String).join(", ")}, found ${describeValue(found)}`)];
    case "invalid_format":
    case "invalid_union":
    case "custom":
      return [at(docPath, `expected ${issue.message}, found ${describeValue(found)}`)];
    case "too_small":
      if (issue.origin === "array") return [at(docPath, `expected at least ${String(issue.minimum)} item(s), found ${(found as unknown[]).length}`)];
      if (issue.origin === "string") return [at(docPath, `expected a non-empty string, found ${describeValue(found)}`)];
      return [at(docPath, `expected at least ${String(issue.minimum)}, found ${describeValue(found)}`)];
    case "too_big":
      if (issue.origin === "string") return [at(docPath, `expected ${issue.message}, found ${describeValue(found)}`)];
      return [at(docPath, `expected at most ${String(issue.maximum)}, found ${describeValue(found)}`)];
    default:
      return [at(docPath, issue.message)];
  }
}

/** The keys the schema allows at a document path (for "unknown key" hints). */
function allowedKeys(docPath: readonly PropertyKey[]): string[] {
  let schema: unknown = CatalogFileSchema;
  const unwrap = (s: unknown): unknown => {
    let current = s as { _zod?: { def: Record<string, unknown> } };
    for (;;) {
      const def = current._zod?.def;
      if (!def) return current;
      if (def.type === "optional" || def.type === "default" || def.type === "nullable" || def.type === "readonly") {
        current = def.innerType as typeof current;
      } else if (def.type === "pipe") {
        current = def.in as typeof current;
      } else {
        return current;
      }
    }
  };
  for (const part of docPath) {
    const def = (unwrap(schema) as { _zod?: { def: Record<string, unknown> } })._zod?.def;
    if (!def) return [];
    if (def.type === "object" && typeof part === "string") schema = (def.shape as Record<string, unknown>)[part];
    else if (def.type === "array" && typeof part === "number") schema = def.element;
    else return [];
  }
  const def = (unwrap(schema) as { _zod?: { def: Record<string, unknown> } })._zod?.def;
  return def?.type === "object" ? Object.keys(def.shape as Record<string, unknown>) : [];
}
