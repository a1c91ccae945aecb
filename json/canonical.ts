/**
 * Canonical JSON, the one implementation: every object's keys sorted, at every depth, so
 * equal values always serialize to the same text. The dashboards' `configJson` never shows
 * a diff that is only key order (no perpetual diffs in `pulumi preview`), the diff compares
 * planned inputs by it, and exports diff cleanly. Arrays keep their order. Like
 * `JSON.stringify`, undefined and function values are left out of objects (the SDK's
 * query objects carry a marker method) and become null in arrays.
 */
export function stableStringify(value: unknown, indent?: number): string {
  return JSON.stringify(sortKeys(value), null, indent);
}

/** The value with every object's keys sorted, as `stableStringify` writes it. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (item === undefined || typeof item === "function" ? null : sortKeys(item)));
  if (value === null || typeof value !== "object") return value;
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") return sortKeys((toJSON as () => unknown).call(value));
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const child = (value as Record<string, unknown>)[key];
    if (child === undefined || typeof child === "function") continue;
    sorted[key] = sortKeys(child);
  }
  return sorted;
}
