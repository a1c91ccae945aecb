/** Units written in catalogs: durations (`30s`), percentages (`99.9%`), alert thresholds (`1%`, `50/h`). Pure. */
import { DURATION_PATTERN, PERCENT_PATTERN, QUANTITY_PATTERN } from "./primitives";
import type { QuantityKind } from "./signals";
import { unitMilliseconds, writtenMilliseconds } from "../queries/durations";

/** 120 → `"2m"`: the shortest exact form (one implementation, the query model's). */
export { formatSeconds } from "../queries/durations";

/** `"2m"` → 120000. Throws on text the schema would have rejected. */
export function durationMs(text: string): number {
  const ms = DURATION_PATTERN.test(text) ? writtenMilliseconds(text) : undefined;
  if (ms === undefined) throw new Error(`not a duration: ${JSON.stringify(text)}`);
  return ms;
}

/** `"2m"` → 120. Sub-second remainders round to the nearest second. */
export function durationSeconds(text: string): number {
  return Math.round(durationMs(text) / 1000);
}

/** `"99.9%"` → 99.9. */
export function percent(text: string): number {
  const match = PERCENT_PATTERN.exec(text);
  if (!match) throw new Error(`not a percentage: ${JSON.stringify(text)}`);
  return Number(match[1]);
}

/** An alert threshold as written and as a number in its kind's base unit. */
export interface Quantity {
  /** As written in the catalog, for messages and reports: `1%`, `500ms`, `50/h`. */
  readonly text: string;
  readonly kind: QuantityKind;
  /** percent: the percentage (1 for 1 %) · duration: milliseconds · per-hour: events per hour · number: itself. */
  readonly value: number;
}

const PER_HOUR: Readonly<Record<string, number>> = { "/h": 1, "/d": 1 / 24 };

/** `"1%"` → percent 1, `"2s"` → duration 2000, `"50/h"` → per-hour 50, `0.1` → number 0.1. */
export function parseQuantity(written: string | number): Quantity {
  if (typeof written === "number") return { text: String(written), kind: "number", value: written };
  const match = QUANTITY_PATTERN.exec(written.trim());
  if (!match) throw new Error(`not a threshold: ${JSON.stringify(written)}`);
  const number = Number(match[1]);
  const unit = match[2];
  const text = written.trim();
  if (unit === undefined) return { text, kind: "number", value: number };
  if (unit === "%") return { text, kind: "percent", value: number };
  if (unit in PER_HOUR) return { text, kind: "per-hour", value: number * PER_HOUR[unit] };
  return { text, kind: "duration", value: Math.round(number * (unitMilliseconds(unit) ?? Number.NaN)) };
}

export const QUANTITY_EXAMPLES: Readonly<Record<QuantityKind, string>> = {
  percent: "a percentage such as 1%",
  duration: "a duration such as 500ms or 2s",
  "per-hour": "a rate such as 50/h",
  number: "a plain number such as 10 or 0.1",
};
