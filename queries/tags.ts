/** Datadog tags, `key:value`: the one reading of them for the pack, the reports and the model. Imports nothing of ours. */

/**
 * Datadog tags (`key:value` strings) as a map from key to value; the value is everything
 * after the first colon. A tag without a colon maps to "". The first occurrence of a
 * key wins. Anything that is not a string array gives an empty map.
 */
export function parseTags(tags: unknown): Map<string, string> {
  const result = new Map<string, string>();
  if (!Array.isArray(tags)) return result;
  for (const tag of tags) {
    if (typeof tag !== "string") continue;
    const colon = tag.indexOf(":");
    const key = (colon < 0 ? tag : tag.slice(0, colon)).trim();
    const value = colon < 0 ? "" : tag.slice(colon + 1).trim();
    if (key !== "" && !result.has(key)) result.set(key, value);
  }
  return result;
}


/**
 * One scope term read as a tag filter, `key:value` (PF-DD-Q-1 scope): its key and value,
 * or undefined for anything else (`*`, a wildcard value, a negation, a bare word).
 */
export function tagTerm(term: string): { readonly key: string; readonly value: string } | undefined {
  const m = /^([A-Za-z][\w.\-/]*):([^*\s]+)$/.exec(term);
  return m ? { key: m[1], value: m[2] } : undefined;
}
