/**
 * Number coercion, the one implementation: planned inputs and API JSON write numbers as
 * numbers or as strings (the Datadog provider's thresholds are strings, `"0.5"`; the API
 * writes `"renotify_interval": "0"`). Imports nothing; the policy pack includes it too.
 */

/** A finite number, or a string that reads as one; undefined otherwise. */
export function numberOf(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}
