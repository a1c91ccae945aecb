/**
 * What the later (semantic) checks read when the schema refuses part of a document, so
 * that one report lists every problem: a routing typo is reported together with an
 * unknown key or a bad duration elsewhere, not after they are fixed.
 *
 * The schema's problems are reported as they are (load.ts). Then the offending values
 * are cut out of a copy of the document: an unknown key, or the bad value itself; when
 * the value cannot go (a required key, a list that may not be empty), the entry or
 * mapping that holds it goes, one level per round, until the rest is schema-valid. The
 * checks run on that rest, with positions still those of the file (a cut list entry
 * does not shift its siblings' positions), and a check's complaint that names an entry
 * that was cut (a status page naming a cut endpoint) is a consequence, not reported.
 */
import type { z } from "zod";
import { CatalogFileSchema, type RawCatalogFile } from "./schema";

/** How many rounds of cutting before giving up (the checks then wait for a valid schema). */
const MAX_ROUNDS = 8;

const CUT = Symbol("cut");
/** A cut string that reads like a name or a service/name reference. */
const REFERENCE = /^[a-z][a-z0-9-]{2,}(?:\/[a-z0-9-]+)?$/;

type Path = readonly PropertyKey[];

export interface SchemaValidRest {
  /** The document without what was cut (list entries removed, so indices are the rest's). */
  readonly raw: Record<string, unknown>;
  readonly data: RawCatalogFile;
  /** The rest's path as a path of the original document (for positions). */
  readonly originalPath: (docPath: Path) => PropertyKey[];
  /** The names of the named entries (and the name-like values) that were cut: checks' complaints naming them are consequences. */
  readonly cutNames: readonly string[];
}

/** The document with cut list entries left out. */
function rest(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((item) => item !== CUT).map(rest);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rest(v)]));
  return value;
}

/** A path of the rest as a path of the marked copy (list indices skip cut entries). */
function markedPath(marked: unknown, docPath: Path): PropertyKey[] {
  const out: PropertyKey[] = [];
  let node = marked;
  for (const part of docPath) {
    if (Array.isArray(node) && typeof part === "number") {
      let seen = -1;
      const index = node.findIndex((item) => item !== CUT && ++seen === part);
      out.push(index < 0 ? part : index);
      node = index < 0 ? undefined : node[index];
    } else {
      out.push(part);
      node = node !== null && typeof node === "object" ? (node as Record<PropertyKey, unknown>)[part] : undefined;
    }
  }
  return out;
}

const same = (a: Path, b: Path) => a.length === b.length && a.every((part, i) => part === b[i]);

/** Cuts the value at `at` from the marked copy; false when there is nothing to cut there. */
function cut(marked: unknown, at: Path, names: string[]): boolean {
  if (at.length === 0) return false;
  let holder = marked;
  for (const part of at.slice(0, -1)) {
    if (holder === null || typeof holder !== "object") return false;
    holder = (holder as Record<PropertyKey, unknown>)[part];
  }
  const last = at[at.length - 1];
  if (holder === null || typeof holder !== "object" || !(last in holder)) return false;
  const value = (holder as Record<PropertyKey, unknown>)[last];
  if (value !== null && typeof value === "object" && !Array.isArray(value) && typeof (value as { name?: unknown }).name === "string") {
    names.push((value as { name: string }).name);
  } else if (typeof value === "string" && REFERENCE.test(value)) {
    names.push(value); // a reference (a check, a team) whose absence later checks would notice
  }
  if (Array.isArray(holder)) holder[last as number] = CUT;
  else delete (holder as Record<PropertyKey, unknown>)[last];
  return true;
}

/**
 * The schema-valid rest of a document the schema refused with `issues`, or undefined
 * when nothing checkable is left within MAX_ROUNDS.
 */
export function schemaValidRest(raw: Readonly<Record<string, unknown>>, issues: readonly z.core.$ZodIssue[]): SchemaValidRest | undefined {
  const marked = structuredClone(raw) as Record<string, unknown>;
  const names: string[] = [];
  const done: Path[] = [];
  let pending = issues;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    // Every path of a round is read before anything of the round is cut.
    const located = pending.map((issue) => ({ issue, at: markedPath(marked, issue.path) }));
    for (const { issue, at } of located) {
      if (issue.code === "unrecognized_keys") {
        for (const key of issue.keys) cut(marked, [...at, key], names);
        continue;
      }
      // A problem where a value was already cut (it was required): cut what holds it.
      const target = done.some((path) => same(path, at)) ? at.slice(0, -1) : at;
      if (target.length === 0 || !cut(marked, target, names)) return undefined;
      done.push(target);
    }
    const view = rest(marked) as Record<string, unknown>;
    const result = CatalogFileSchema.safeParse(view);
    if (result.success) return { raw: view, data: result.data, originalPath: (docPath) => markedPath(marked, docPath), cutNames: names };
    pending = result.error.issues;
  }
  return undefined;
}

/** Whether a check's message names an entry that was cut (a consequence of the cut). */
export function namesCutEntry(message: string, cutNames: readonly string[]): boolean {
  return cutNames.some((name) => new RegExp(`(^|[^a-z0-9-])${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^a-z0-9-])`).test(message));
}
