/**
 * Stack-wide transforms an overlay declares under `transforms:` (README "Transforms"),
 * so a stack's systematic differences are one line each instead of an edit per entry:
 *
 *   transforms:
 *     hosts: { shop.example.com: staging.shop.example.com }   # the host of check URLs
 *     intervals: { 1m: 5m, 5m: 15m }                           # check intervals, by value
 *     locations: [aws:us-east-1]                              # check locations
 *     severities: { P0: P2, P1: P2, P2: P3 }                  # of alerts, SLOs, Sentry rules, backup freshness
 *
 * A layer's transforms rewrite only what it inherits (values written by the layers it
 * extends); a value the layer writes itself is taken as written, so an overlay entry
 * states its final value. Each transform touches one key at fixed places (SCOPES); a
 * value the transform's table does not list is kept. A value a transform sets cites the
 * transform's line (its `source`, `lookout catalog --origins`).
 */
import { z } from "zod";
import { type CatalogIssue, formatPath } from "./errors";
import type { YamlFile } from "./yamlFiles";
import { Duration, Location, Severity } from "./primitives";

/** A value of the merged document, where it was written, and its children. */
export interface Tracked {
  readonly value: unknown;
  readonly layer: YamlFile;
  /** The value's path in its layer's document. */
  readonly path: readonly PropertyKey[];
  readonly children?: ReadonlyMap<PropertyKey, Tracked>;
}

/** The top-level key of an overlay that holds its transforms. */
export const TRANSFORMS_KEY = "transforms";

const Host = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/, { error: "a host name such as staging.shop.example.com" });

export const TransformsSchema = z
  .strictObject({
    hosts: z.record(Host, Host).optional()
      .meta({ description: "Replaces the host of every inherited uptime-check URL (endpoints, journey steps): { shop.example.com: staging.shop.example.com }. Other hosts are kept." }),
    intervals: z.record(Duration, Duration).optional()
      .meta({ description: "Replaces inherited check intervals (defaults.uptime, endpoints, journeys) by value: { 1m: 5m, 5m: 15m }. Intervals not listed are kept." }),
    locations: z.array(Location).min(1).optional()
      .meta({ description: "Replaces the inherited locations of every check (defaults.uptime, endpoints, journeys)." }),
    severities: z.partialRecord(Severity, z.enum(Severity.options, { error: "a severity: P0, P1, P2 or P3" })).optional()
      .meta({ description: "Replaces inherited severities of alerts, SLOs, Sentry rules and backup freshness by value: { P0: P2, P1: P2, P2: P3 }. Uptime checks keep theirs." }),
  })
  .meta({ description: "Stack-wide rewrites of what this overlay inherits from its base; what the overlay writes itself is taken as written." });

export type Transforms = z.infer<typeof TransformsSchema>;

const ANY = Symbol("any entry");
type Place = readonly (string | typeof ANY)[];

const CHECKS: readonly Place[] = [["defaults", "uptime"], ["services", ANY, "endpoints", ANY], ["services", ANY, "journeys", ANY]];

/** Which key each transform rewrites, in which mappings of the document. */
const SCOPES: Record<keyof Transforms, { key: string; places: readonly Place[] }> = {
  hosts: { key: "url", places: [["services", ANY, "endpoints", ANY], ["services", ANY, "journeys", ANY, "steps", ANY]] },
  intervals: { key: "interval", places: CHECKS },
  locations: { key: "locations", places: CHECKS },
  severities: {
    key: "severity",
    places: [
      ["services", ANY, "alerts", ANY], ["services", ANY, "slos", ANY],
      ["services", ANY, "sentry", "issueAlerts", ANY], ["services", ANY, "sentry", "metricAlerts", ANY],
      ["backups", ANY, "freshness"],
    ],
  },
};

const URL_HOST = /^(https?:\/\/)([^/:?#]+)(.*)$/s;

/** The new value of a transformed key and the path (in the declaring layer) that set it; undefined to keep the value. */
function rewrite(name: keyof Transforms, transforms: Transforms, value: unknown): { value: unknown; at: readonly PropertyKey[] } | undefined {
  if (name === "locations") return transforms.locations && { value: transforms.locations, at: [TRANSFORMS_KEY, name] };
  if (typeof value !== "string") return undefined;
  if (name === "hosts") {
    const match = URL_HOST.exec(value);
    const to = match && transforms.hosts && Object.hasOwn(transforms.hosts, match[2]) ? transforms.hosts[match[2]] : undefined;
    return match && to !== undefined ? { value: match[1] + to + match[3], at: [TRANSFORMS_KEY, name, match[2]] } : undefined;
  }
  const table: Readonly<Record<string, string>> | undefined = transforms[name];
  return table && Object.hasOwn(table, value) ? { value: table[value], at: [TRANSFORMS_KEY, name, value] } : undefined;
}

function withChild(tree: Tracked, key: PropertyKey, child: Tracked): Tracked {
  const children = new Map(tree.children);
  children.set(key, child);
  return { ...tree, children };
}

/** The tree with `name`'s key rewritten at every place below `place`. */
function applyAt(tree: Tracked, place: Place, name: keyof Transforms, transforms: Transforms, layer: YamlFile): Tracked {
  if (!tree.children) return tree;
  if (place.length === 0) {
    const child = tree.children.get(SCOPES[name].key);
    if (!child || child.layer === layer || Array.isArray(tree.value)) return tree;
    const to = rewrite(name, transforms, child.value);
    return to ? withChild(tree, SCOPES[name].key, { value: to.value, layer, path: to.at }) : tree;
  }
  const [head, ...rest] = place;
  if (head === ANY) {
    if (!Array.isArray(tree.value)) return tree;
    let out = tree;
    for (const [key, child] of tree.children) {
      const next = applyAt(child, rest, name, transforms, layer);
      if (next !== child) out = withChild(out, key, next);
    }
    return out;
  }
  const child = tree.children.get(head);
  if (!child || Array.isArray(tree.value)) return tree;
  const next = applyAt(child, rest, name, transforms, layer);
  return next === child ? tree : withChild(tree, head, next);
}

/**
 * Checks a layer's `transforms:` (every problem reported at its line) and applies what
 * is valid to the tree merged so far. `declared` is the layer's transforms as written.
 */
export function applyTransforms(tree: Tracked, declared: unknown, layer: YamlFile, issues: CatalogIssue[]): Tracked {
  const parsed = TransformsSchema.safeParse(declared);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const keys = issue.code === "unrecognized_keys" ? issue.keys : [undefined];
      for (const key of keys) {
        const docPath = [TRANSFORMS_KEY, ...issue.path, ...(key === undefined ? [] : [key])];
        const at = key === undefined ? layer.locate(docPath) : layer.locateKey([TRANSFORMS_KEY, ...issue.path], key) ?? layer.locate(docPath);
        const message = key === undefined ? issue.message : `unknown transform "${key}" (known: ${Object.keys(SCOPES).join(", ")})`;
        issues.push({ file: layer.file, ...at, path: formatPath(docPath), message });
      }
    }
    return tree;
  }
  let out = tree;
  for (const name of Object.keys(SCOPES) as (keyof Transforms)[]) {
    if (parsed.data[name] === undefined) continue;
    for (const place of SCOPES[name].places) out = applyAt(out, place, name, parsed.data, layer);
  }
  return out;
}
