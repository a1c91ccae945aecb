/**
 * Where a value sits in a parsed YAML document, for positioned errors: the catalog loader
 * and the `lookout test` file reader point at the same nodes the same way.
 */
import { type Document, isMap, isPair, isScalar, type Node as YamlNode } from "yaml";

/** The offset of the node at `docPath`, or of its nearest ancestor that exists. */
export function nodeOffset(doc: Document, docPath: readonly PropertyKey[]): number {
  for (let depth = docPath.length; depth >= 0; depth--) {
    const node = doc.getIn(docPath.slice(0, depth) as unknown[], true) as YamlNode | undefined;
    if (node && typeof node === "object" && "range" in node && node.range) return node.range[0];
  }
  return 0;
}

/** The offset of a mapping's key (for unknown keys, point at the key itself). */
export function keyOffset(doc: Document, mapPath: readonly PropertyKey[], key: string): number | undefined {
  const map = doc.getIn(mapPath as unknown[], true);
  if (!isMap(map)) return undefined;
  for (const pair of map.items) {
    if (isPair(pair) && isScalar(pair.key) && pair.key.value === key && pair.key.range) return pair.key.range[0];
  }
  return undefined;
}

/** The plain value at `docPath` of parsed data (undefined when a step is missing). */
export function valueAt(data: unknown, docPath: readonly PropertyKey[]): unknown {
  let current: unknown = data;
  for (const part of docPath) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}
