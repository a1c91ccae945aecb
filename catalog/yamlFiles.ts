/**
 * Reading catalog files: the sources on disk (a file, or a folder's YAML files, within
 * the size caps and symlink rules of files.ts), each file's YAML parsed with positions
 * and bounded aliases, and the shapes the loader, the layers and the checks share.
 * Nothing here knows the schema (load.ts) or the merge of layers (layers.ts).
 */
import * as fs from "fs";
import * as path from "path";
import { type Document, isAlias, isCollection, isPair, LineCounter, parseDocument } from "yaml";
import { CatalogError, type CatalogIssue } from "./errors";
import { FileRefusal, MAX_CATALOG_BYTES, MAX_CATALOG_FILE_BYTES, mib, readRegularFile, resolveUserPath, statUserPath } from "./files";
import type { RawCatalogFile } from "./schema";
import { PROJECT_ROOT } from "./projectRoot";
import { keyOffset, nodeOffset } from "./yamlPositions";

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
