/**
 * Renames without `renamedFrom`: a removed and an added resource of one type whose names
 * differ in one run of name segments (`uptime-prompts-uploads-health` →
 * `uptime-files-health`) and whose inputs are the same once the old segments read as the
 * new ones (the name-derived fields: titles, tags, handles). Pulumi would delete and
 * create them; the hint says which `renamedFrom` line keeps their history.
 */
import * as fs from "fs";
import { isDeepStrictEqual } from "util";
import type { Plan, PlanResource } from "../engine/plan";

export interface LikelyRename {
  /** The old and the new name segments, e.g. `prompts-uploads` → `files`. */
  readonly from: string;
  readonly to: string;
  /** A whole service renamed (both are services of their plans), or another catalog entry. */
  readonly what: "service" | "entry";
  /** The resources it would keep: their names before and after. */
  readonly resources: readonly { readonly before: string; readonly after: string; readonly type: string }[];
  /** Where to write it: the new entry's `file:line:column` (a service's `name:` line, when found). */
  readonly at?: string;
  /** The line to add under that entry. */
  readonly add: string;
}

/** The differing run of `-`-separated segments of two names, or undefined when they share no first segment (the component). */
function nameChange(before: string, after: string): { from: string; to: string } | undefined {
  const b = before.split("-");
  const a = after.split("-");
  let head = 0;
  while (head < b.length && head < a.length && b[head] === a[head]) head++;
  let tail = 0;
  while (tail < b.length - head && tail < a.length - head && b[b.length - 1 - tail] === a[a.length - 1 - tail]) tail++;
  // A name that only gains or loses segments (`api` → `public-api`): the run takes in the shared segment next to it.
  while (tail > 0 && (b.length - tail === head || a.length - tail === head)) tail--;
  if (head === 0 || b.length - tail === head || a.length - tail === head) return undefined;
  return { from: b.slice(head, b.length - tail).join("-"), to: a.slice(head, a.length - tail).join("-") };
}

/**
 * Two texts that differ only where a name was renamed: word by word (words are runs of
 * letters, digits, `_` and `-`), each is unchanged (a URL that contains the old name by
 * chance) or reads the same with every `from` as `to` (titles, tags, handles, names).
 */
function sameTextModuloName(before: string, after: string, from: string, to: string): boolean {
  if (before === after) return true;
  const b = before.split(/([^A-Za-z0-9_-]+)/);
  const a = after.split(/([^A-Za-z0-9_-]+)/);
  return b.length === a.length && b.every((word, i) => word === a[i] || word.split(from).join(to) === a[i]);
}

/**
 * `before`'s inputs equal `after`'s once name-derived text is renamed (`sameTextModuloName`);
 * every other value is equal.
 */
function sameModuloName(before: unknown, after: unknown, from: string, to: string): boolean {
  if (typeof before === "string" && typeof after === "string") return sameTextModuloName(before, after, from, to);
  if (Array.isArray(before) && Array.isArray(after)) return before.length === after.length && before.every((b, i) => sameModuloName(b, after[i], from, to));
  if (before && after && typeof before === "object" && typeof after === "object" && !Array.isArray(before) && !Array.isArray(after)) {
    const b = before as Record<string, unknown>;
    const a = after as Record<string, unknown>;
    const keys = new Set([...Object.keys(b), ...Object.keys(a)]);
    return [...keys].every((k) => k in b && k in a && sameModuloName(b[k], a[k], from, to));
  }
  return isDeepStrictEqual(before, after);
}

function serviceNames(plan: Plan): ReadonlySet<string> {
  const services = plan.outputs.services;
  return new Set(Array.isArray(services) ? services.filter((s): s is string => typeof s === "string") : []);
}

/** `file:line:column` → its parts. */
function parseSource(source: string): { file: string; line: number; column: number } | undefined {
  const m = /^(.*):(\d+):(\d+)$/.exec(source);
  return m ? { file: m[1], line: Number(m[2]), column: Number(m[3]) } : undefined;
}

/**
 * A service's `name: <service>` line: the last one at or before its first entry's position
 * in that file. Undefined when the file cannot be read (a plan from elsewhere).
 */
function serviceLine(sources: readonly string[], service: string, read: (file: string) => string | undefined): string | undefined {
  const first = sources.map(parseSource).filter((s) => s !== undefined).sort((x, y) => x.line - y.line)[0];
  if (!first) return undefined;
  const text = read(first.file);
  if (text === undefined) return undefined;
  const lines = text.split("\n");
  const pattern = new RegExp(`^(\\s*(?:-\\s+)?)name:\\s*["']?${service.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}["']?\\s*(#.*)?$`);
  for (let i = Math.min(first.line, lines.length) - 1; i >= 0; i--) {
    const m = pattern.exec(lines[i]);
    if (m) return `${first.file}:${i + 1}:${m[1].length + 1}`;
  }
  return undefined;
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/**
 * The likely renames among `removed` and `added` (each resource in one at most), grouped
 * by the name change, largest first. `read` reads a catalog file (to find a service's line).
 */
export function likelyRenames(
  base: Plan,
  head: Plan,
  removed: readonly PlanResource[],
  added: readonly PlanResource[],
  read: (file: string) => string | undefined = readText,
): LikelyRename[] {
  const groups = new Map<string, { from: string; to: string; pairs: { before: PlanResource; after: PlanResource }[] }>();
  const taken = new Set<PlanResource>();
  for (const before of removed) {
    for (const after of added) {
      if (taken.has(after) || after.type !== before.type) continue;
      const change = nameChange(before.name, after.name);
      if (!change || !sameModuloName(before.inputs, after.inputs, change.from, change.to)) continue;
      taken.add(after);
      const key = `${change.from}\u0000${change.to}`;
      const group = groups.get(key) ?? { ...change, pairs: [] };
      group.pairs.push({ before, after });
      groups.set(key, group);
      break;
    }
  }
  const baseServices = serviceNames(base);
  const headServices = serviceNames(head);
  return [...groups.values()]
    .sort((x, y) => y.pairs.length - x.pairs.length || (x.from < y.from ? -1 : x.from > y.from ? 1 : 0))
    .map((g): LikelyRename => {
      const what = baseServices.has(g.from) && headServices.has(g.to) && !headServices.has(g.from) ? "service" : "entry";
      const sources = g.pairs.flatMap((p) => (p.after.source ? [p.after.source] : []));
      const earliest = [...sources].sort((x, y) => (parseSource(x)?.line ?? 0) - (parseSource(y)?.line ?? 0))[0];
      const at = what === "service" ? (serviceLine(sources, g.to, read) ?? earliest) : earliest;
      return {
        from: g.from,
        to: g.to,
        what,
        resources: g.pairs.map((p) => ({ before: p.before.name, after: p.after.name, type: p.after.type })),
        ...(at ? { at } : {}),
        add: `renamedFrom: ${g.from}`,
      };
    });
}
