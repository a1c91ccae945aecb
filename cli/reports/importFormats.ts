/**
 * The Datadog JSON formats `lookout import datadog` reads (PF-DD-IMP-5): API monitor
 * objects (one, or `GET /api/v1/monitor`'s list), the recommended-monitor files of
 * Datadog's integrations (`{version, title, description, definition}`), datadog-sync-cli's
 * local resource files (objects keyed by ID), SLO objects and synthetics API tests. Pure.
 */

export type Json = Record<string, unknown>;
export const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** What kind of Datadog object a JSON value is, if any. */
export type Recognized =
  | { readonly kind: "monitor"; readonly object: Json; readonly wrapper?: Json; readonly key?: string }
  | { readonly kind: "slo"; readonly object: Json; readonly key?: string }
  | { readonly kind: "test"; readonly object: Json; readonly key?: string };

function recognizeOne(value: unknown, key?: string): Recognized | undefined {
  if (!isObject(value)) return undefined;
  // A recommended monitor: metadata around a `definition` (PF-DD-IMP-5).
  if (isObject(value.definition) && typeof value.definition.query === "string") return { kind: "monitor", object: value.definition, wrapper: value, key };
  if (typeof value.query === "string" && typeof value.type === "string") return { kind: "monitor", object: value, key };
  if (Array.isArray(value.thresholds) && typeof value.type === "string") return { kind: "slo", object: value, key };
  if (isObject(value.config) && typeof value.type === "string" && ("locations" in value || "public_id" in value)) return { kind: "test", object: value, key };
  return undefined;
}

/**
 * Every Datadog object of one file: one object, a list (`GET /api/v1/monitor`), the
 * list responses of the SLO (`{data: […]}`) and synthetics (`{tests: […]}`) APIs, or a
 * datadog-sync-cli resource file (`{"<id>": {…}, …}`, PF-DD-IMP-5).
 */
export function recognize(value: unknown): Recognized[] | undefined {
  if (Array.isArray(value)) {
    const all = value.map((v) => recognizeOne(v));
    return all.every((r) => r !== undefined) ? (all as Recognized[]) : undefined;
  }
  const one = recognizeOne(value);
  if (one) return [one];
  if (!isObject(value)) return undefined;
  if (Array.isArray(value.data)) return recognize(value.data);
  if (Array.isArray(value.tests)) return recognize(value.tests);
  const entries = Object.entries(value);
  if (entries.length === 0) return undefined;
  const keyed = entries.map(([key, v]) => recognizeOne(v, key));
  return keyed.every((r) => r !== undefined) ? (keyed as Recognized[]) : undefined;
}

/** The source's Datadog ID: the object's `id` (`public_id` for tests), else its key in a sync-cli file. */
export function datadogId(r: Recognized): string | undefined {
  const id = r.kind === "test" ? (r.object.public_id ?? r.object.id) : r.object.id;
  if (typeof id === "string" || typeof id === "number") return String(id);
  return r.key;
}
