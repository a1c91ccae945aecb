/**
 * A stack's catalog in layers: a base shared by every stack, and the stack's overlay
 * that changes what differs. The stack's file names its base with `extends:`; the
 * layers merge, base first, into one document that is then validated as a whole
 * (load.ts), with every value still at the file:line:column that wrote it.
 *
 * The merge model (README "Layers: a base and per-stack overlays"):
 * - a mapping merges key by key, deeply; a key the overlay does not write keeps the
 *   base's value, and `key: null` removes the base's key;
 * - a scalar, or a list of anything but named entries, is replaced as a whole;
 * - a list of named entries (mappings with `name`; status pages: `product`) merges by
 *   name, never by position:
 *   an overlay entry merges into the base entry of its name, which keeps its place;
 *   `$add: true` appends a new entry, `$remove: true` drops the base's entry; an
 *   overlay entry that matches nothing in the base (and is not `$add`) is an error at
 *   the overlay's line, and so is an `$add` of a name the base already has;
 * - a key the base does not set at all is taken as the overlay writes it.
 */
import * as path from "path";
import { isScalar, isSeq, parseDocument } from "yaml";
import { CatalogError, type CatalogIssue, formatPath } from "./errors";
import { FileRefusal, MAX_CATALOG_BYTES, mib } from "./files";
import { type CatalogReadOptions, type CatalogSource, type YamlFile, parseYamlFile, readCatalogSources } from "./yamlFiles";
import { TRANSFORMS_KEY, type Tracked, applyTransforms } from "./transforms";

export type { Tracked } from "./transforms";

/** The top-level key of a layer that names the layer(s) it builds on, relative to its folder. */
export const EXTENDS_KEY = "extends";
/** In an overlay's named list: append this entry (the base has none of its name). */
export const ADD_MARKER = "$add";
/** In an overlay's named list: drop the base's entry of this name. */
export const REMOVE_MARKER = "$remove";
/** How deep `extends` may chain (base of a base of …). */
export const MAX_LAYER_DEPTH = 8;

type Mapping = Record<string, unknown>;

function isMapping(value: unknown): value is Mapping {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The keys that identify an entry of a list merged by name: `name`, or `product` in a
 * list whose entries have no name (status pages, one per product).
 */
export const IDENTITY_KEYS = ["name", "product"] as const;

/** The key every entry of a list carries as a string and the list merges by; undefined when none. */
function identityOf(list: readonly unknown[]): string | undefined {
  if (list.length === 0) return undefined;
  return IDENTITY_KEYS.find((key) => list.every((item) => isMapping(item) && typeof item[key] === "string"));
}

/** A layer's value as a tree that remembers where each part was written. */
function track(layer: YamlFile, value: unknown, at: readonly PropertyKey[]): Tracked {
  if (Array.isArray(value)) {
    return { value, layer, path: at, children: new Map(value.map((item, i) => [i, track(layer, item, [...at, i])])) };
  }
  if (isMapping(value)) {
    return { value, layer, path: at, children: new Map(Object.entries(value).map(([key, item]) => [key, track(layer, item, [...at, key])])) };
  }
  return { value, layer, path: at };
}

/** The plain value of a tree (what the schema and the normalizer read). */
export function untrack(tree: Tracked): unknown {
  if (!tree.children) return tree.value;
  if (Array.isArray(tree.value)) return [...tree.children.values()].map(untrack);
  return Object.fromEntries([...tree.children].map(([key, child]) => [key, untrack(child)]));
}

type Report = (tree: Tracked, sub: readonly PropertyKey[], message: string) => void;

function merge(base: Tracked, over: Tracked, report: Report): Tracked {
  if (isMapping(base.value) && isMapping(over.value) && base.children && over.children) {
    const children = new Map(base.children);
    for (const [key, child] of over.children) {
      const under = base.children.get(key);
      if (child.value === null) {
        // `key: null` removes the base's key, as in a JSON merge patch (PF-SCHEMA-3).
        if (under) children.delete(key);
        else report(child, [], `nothing to remove: the base does not set "${String(key)}" here`);
      } else {
        children.set(key, under ? merge(under, child, report) : child);
      }
    }
    // The mapping is cited where the overlay writes it: the line that changed it.
    return { value: over.value, layer: over.layer, path: over.path, children };
  }
  if (Array.isArray(base.value) && Array.isArray(over.value)) {
    // A list merges by name when the base's entries are all named mappings; an empty
    // base list does when the overlay's entries are named (they must then be `$add`).
    const key = base.value.length > 0 ? identityOf(base.value) : identityOf(over.value);
    if (key) return mergeNamed(base, over, key, report);
  }
  return over;
}

function mergeNamed(base: Tracked, over: Tracked, key: string, report: Report): Tracked {
  const entries: (Tracked | undefined)[] = [...(base.children as ReadonlyMap<PropertyKey, Tracked>).values()];
  const names = (base.value as Mapping[]).map((entry) => entry[key] as string);
  const seen = new Set<string>();
  for (const child of (over.children as ReadonlyMap<PropertyKey, Tracked>).values()) {
    const entry = child.value as Mapping;
    if (!isMapping(entry) || typeof entry[key] !== "string") {
      report(child, [], `an entry of a list merged by ${key} needs a ${key} (the base's entries have one)`);
      continue;
    }
    const name = entry[key] as string;
    if (seen.has(name)) {
      report(child, [key], `"${name}" is changed twice in this overlay's list; change it in one entry`);
      continue;
    }
    seen.add(name);
    const add = marker(child, ADD_MARKER, report);
    const remove = marker(child, REMOVE_MARKER, report);
    const index = names.indexOf(name);
    if (add && remove) {
      report(child, [REMOVE_MARKER], `an entry is either added ($add) or removed ($remove), not both`);
    } else if (remove) {
      const extra = Object.keys(entry).filter((other) => other !== key && other !== REMOVE_MARKER);
      if (extra.length > 0) report(child, [extra[0]], `a removed entry takes only ${key} and ${REMOVE_MARKER}; found ${extra.join(", ")}`);
      if (index < 0 || entries[index] === undefined) report(child, [key], `nothing to remove: the base has no entry named "${name}" here`);
      else entries[index] = undefined;
    } else if (add) {
      if (index >= 0) report(child, [ADD_MARKER], `the base already has an entry named "${name}" here; drop ${ADD_MARKER} to change it`);
      else entries.push(withoutMarkers(child));
    } else if (index < 0) {
      report(child, [key], `overlay entry "${name}" matches no entry of the base here; add \`${ADD_MARKER}: true\` to add it`);
    } else if (entries[index] !== undefined) {
      entries[index] = merge(entries[index] as Tracked, child, report);
    }
  }
  const kept = entries.filter((entry): entry is Tracked => entry !== undefined);
  return { value: kept.map(untrack), layer: over.layer, path: over.path, children: new Map(kept.map((entry, i) => [i, entry])) };
}

/** Whether an entry carries `key: true`; any other value is reported. */
function marker(tree: Tracked, key: string, report: Report): boolean {
  const value = (tree.value as Mapping)[key];
  if (value === undefined) return false;
  if (value !== true) report(tree, [key], `${key} takes true, found ${JSON.stringify(value)}`);
  return value === true;
}

function withoutMarkers(tree: Tracked): Tracked {
  const children = new Map(tree.children);
  children.delete(ADD_MARKER);
  return { ...tree, children };
}

/** The child reached by a path as far as the tree goes, and the part of the path left. */
function walk(tree: Tracked, docPath: readonly PropertyKey[]): { node: Tracked; rest: readonly PropertyKey[] } {
  let node = tree;
  for (let i = 0; i < docPath.length; i++) {
    const child = node.children?.get(docPath[i]);
    if (!child) return { node, rest: docPath.slice(i) };
    node = child;
  }
  return { node, rest: [] };
}

/** The merged document of a stack's layers, shaped like one file for the schema and the normalizer. */
export interface MergedLayers extends Pick<YamlFile, "file" | "raw" | "locate" | "locateKey"> {
  readonly tree: Tracked;
  /** The layers, base first. */
  readonly files: readonly string[];
}

/**
 * Merges layers (base first, the stack's overlay last); reports every merge problem at
 * the overlay's line. Undefined when a layer's YAML could not be read (reported).
 */
export function mergeLayers(sources: readonly CatalogSource[], issues: CatalogIssue[]): MergedLayers | undefined {
  const layers = sources.map((source) => parseYamlFile(source, issues));
  if (layers.length === 0 || layers.some((layer) => layer === undefined)) return undefined;
  const report: Report = (tree, sub, message) => {
    const docPath = [...tree.path, ...sub];
    issues.push({ file: tree.layer.file, ...tree.layer.locate(docPath), path: formatPath(docPath), message });
  };
  const trees = (layers as YamlFile[]).map((layer) => {
    const { [EXTENDS_KEY]: _extends, [TRANSFORMS_KEY]: _transforms, ...rest } = layer.raw;
    return track(layer, rest, []);
  });
  // Each layer merges into what it extends, then its transforms rewrite what it inherited.
  if (TRANSFORMS_KEY in (layers[0] as YamlFile).raw) {
    report(trees[0], [TRANSFORMS_KEY], `${TRANSFORMS_KEY} rewrite what a layer extends; this file extends nothing`);
  }
  const tree = trees.slice(1).reduce((merged, over, i) => {
    const layer = layers[i + 1] as YamlFile;
    const next = merge(merged, over, report);
    return TRANSFORMS_KEY in layer.raw ? applyTransforms(next, layer.raw[TRANSFORMS_KEY], layer, issues) : next;
  }, trees[0]);
  const overlay = layers[layers.length - 1] as YamlFile;
  return {
    file: overlay.file,
    files: sources.map((source) => source.file),
    raw: untrack(tree) as Mapping,
    tree,
    locate: (docPath) => {
      const { node, rest } = walk(tree, docPath);
      return { ...node.layer.locate([...node.path, ...rest]), file: node.layer.file };
    },
    locateKey: (mapPath, key) => {
      const { node, rest } = walk(tree, [...mapPath, key]);
      if (rest.length > 0) return undefined;
      const at = node.layer.locateKey(node.path.slice(0, -1), String(node.path[node.path.length - 1]));
      return at && { ...at, file: node.layer.file };
    },
  };
}

/**
 * The files of a catalog folder as one document (what `lookout catalog` prints): their
 * top-level lists joined in file order, every other key from the one file that sets it.
 * Undefined when a file's YAML could not be read (reported).
 */
export function joinFiles(sources: readonly CatalogSource[], issues: CatalogIssue[]): Tracked | undefined {
  const layers = sources.map((source) => parseYamlFile(source, issues));
  if (layers.length === 0 || layers.some((layer) => layer === undefined)) return undefined;
  const trees = (layers as YamlFile[]).map((layer) => track(layer, layer.raw, []));
  const children = new Map<PropertyKey, Tracked>();
  for (const tree of trees) {
    for (const [key, child] of tree.children ?? []) {
      const before = children.get(key);
      if (before?.children && Array.isArray(before.value) && child.children && Array.isArray(child.value)) {
        const items = [...before.children.values(), ...child.children.values()];
        children.set(key, { ...before, value: items.map(untrack), children: new Map(items.map((item, i) => [i, item])) });
      } else if (!before) {
        children.set(key, child);
      }
    }
  }
  return { value: {}, layer: trees[0].layer, path: [], children };
}

/** The layers a file names with `extends` (paths as written, resolved against its folder); [] when it names none. */
function extendsOf(source: CatalogSource): string[] | FileRefusal {
  let value: unknown;
  try {
    const node = parseDocument(source.text).get(EXTENDS_KEY, true);
    value = isScalar(node) || isSeq(node) ? node.toJSON() : node;
  } catch {
    return []; // its YAML errors are reported when it is parsed
  }
  if (value === undefined) return [];
  const list = typeof value === "string" ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || !list.every((item) => typeof item === "string" && item !== "")) {
    return new FileRefusal(source.file, `${EXTENDS_KEY} takes a file (or a list of files) relative to this file's folder`);
  }
  return list.map((item: string) => path.join(path.dirname(source.file), item));
}

/**
 * A stack's catalog files: the file or folder as before, or, when the file says
 * `extends: base.yaml`, its layers base first (a base may extend another, up to
 * MAX_LAYER_DEPTH). `layered` tells parseCatalog to merge them instead of joining them.
 */
export function readLayers(catalogPath: string, options?: CatalogReadOptions): { sources: CatalogSource[]; layered: boolean } {
  const top = readCatalogSources(catalogPath, options);
  if (top.length !== 1 || top[0].file !== catalogPath) return { sources: top, layered: false };
  const ordered: CatalogSource[] = [];
  const visiting: string[] = [];
  const visit = (source: CatalogSource): void => {
    const key = path.resolve(source.file);
    if (visiting.includes(key)) throw new FileRefusal(source.file, `${EXTENDS_KEY} loops back to this file (${[...visiting, key].map((f) => path.relative(process.cwd(), f)).join(" → ")})`);
    if (visiting.length >= MAX_LAYER_DEPTH) throw new FileRefusal(source.file, `${EXTENDS_KEY} chains more than ${MAX_LAYER_DEPTH} layers`);
    const bases = extendsOf(source);
    if (bases instanceof FileRefusal) throw bases;
    visiting.push(key);
    for (const base of bases) {
      const read = readCatalogSources(base, options);
      if (read.length !== 1 || read[0].file !== base) throw new FileRefusal(base, `${EXTENDS_KEY} names a file, not a folder`);
      visit(read[0]);
    }
    visiting.pop();
    ordered.push(source);
  };
  try {
    visit(top[0]);
    // The layers together are one catalog: one total limit (files.ts).
    const total = ordered.reduce((sum, source) => sum + Buffer.byteLength(source.text), 0);
    if (total > MAX_CATALOG_BYTES) throw new FileRefusal(catalogPath, `the stack's layers together exceed the catalog's total limit of ${mib(MAX_CATALOG_BYTES)}`);
  } catch (error) {
    if (error instanceof FileRefusal) throw new CatalogError([{ file: error.file, line: 1, column: 1, path: "", message: error.reason }]);
    throw error;
  }
  return { sources: ordered, layered: ordered.length > 1 };
}
