/**
 * The editor schemas (yaml-language-server) of the two forms a catalog file takes:
 * - a whole file (a stack's catalog, a file of a catalog folder, or a base): the zod
 *   schema, plus the top-level `x-…` keys that hold YAML anchors and `extends`;
 * - an overlay (a stack's file that extends a base, layers.ts): the same keys, none
 *   required (what it leaves out is the base's), any of them null (removed), on every
 *   named entry the `$add`/`$remove` markers, and the stack-wide `transforms` (transforms.ts).
 * Both are derived from the zod schema (schema.ts), so they cannot drift from it. A file
 * names its form in its first line, `# yaml-language-server: $schema=…` (PF-SCHEMA-2).
 */
import { z } from "zod";
import { ADD_MARKER, EXTENDS_KEY, IDENTITY_KEYS, REMOVE_MARKER } from "./layers";
import { catalogJsonSchema } from "./schema";
import { TRANSFORMS_KEY, TransformsSchema } from "./transforms";

type JsonSchema = Record<string, unknown>;

const EXTENDS_SCHEMA: JsonSchema = {
  description: "The layer(s) this file builds on (a base shared by every stack), relative to this file's folder; listed bases merge in order.",
  anyOf: [
    { type: "string", minLength: 1 },
    { type: "array", items: { type: "string", minLength: 1 }, minItems: 1 },
  ],
};

/**
 * A whole file: top-level `x-…` keys (YAML anchors to share) and `extends` are allowed;
 * patternProperties are not "additional" under additionalProperties: false (PF-SCHEMA-1).
 */
function withLayerKeys(schema: JsonSchema, title: string): JsonSchema {
  const properties = schema.properties as Record<string, JsonSchema>;
  return {
    ...schema,
    title,
    properties: { [EXTENDS_KEY]: EXTENDS_SCHEMA, ...properties },
    patternProperties: { "^x-": { description: "YAML anchors to share; ignored by Lookout." } },
  };
}

export function catalogFileJsonSchema(): JsonSchema {
  return withLayerKeys(catalogJsonSchema(), "Lookout catalog");
}

/**
 * Every object optional but a named entry's identity (its name; a status page's product),
 * and `$add`/`$remove` beside it. `item`: the node is the schema of a list's entries.
 */
function overlayForm(node: unknown, item = false): unknown {
  if (Array.isArray(node)) return node.map((child) => overlayForm(child, item));
  if (typeof node !== "object" || node === null) return node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "default") continue; // an overlay's omission means "the base's value", not the default
    // `key: null` removes the base's key (layers.ts, PF-SCHEMA-3).
    out[key] = key === "properties"
      ? Object.fromEntries(Object.entries(value as JsonSchema).map(([k, v]) => [k, { anyOf: [overlayForm(v), { type: "null" }] }]))
      : overlayForm(value, key === "items" || (item && (key === "anyOf" || key === "oneOf" || key === "allOf")));
  }
  // A record's entries (additionalProperties: a schema) may be removed the same way.
  if (typeof out.additionalProperties === "object" && out.additionalProperties !== null) {
    out.additionalProperties = { anyOf: [out.additionalProperties, { type: "null" }] };
  }
  const properties = out.properties as Record<string, unknown> | undefined;
  if (out.type === "object" && properties) {
    const identity = "name" in properties ? "name" : item ? IDENTITY_KEYS.find((key) => key in properties) : undefined;
    if (identity) {
      out.properties = {
        ...properties,
        [ADD_MARKER]: { const: true, description: "Adds this entry: the base has none of its name." },
        [REMOVE_MARKER]: { const: true, description: "Removes the base's entry of this name (write only name and $remove)." },
      };
      out.required = [identity];
    } else {
      delete out.required;
    }
  }
  return out;
}

export function catalogOverlayJsonSchema(): JsonSchema {
  const schema = withLayerKeys(overlayForm(catalogJsonSchema()) as JsonSchema, "Lookout catalog overlay (a stack's changes to its base)");
  const transforms = z.toJSONSchema(TransformsSchema, { io: "input" }) as JsonSchema;
  delete transforms.$schema;
  return { ...schema, properties: { [TRANSFORMS_KEY]: transforms, ...(schema.properties as JsonSchema) }, required: [EXTENDS_KEY] };
}
