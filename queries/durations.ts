/**
 * Durations, in one place: Datadog's spans (`5m`, `1h`, `1mo`) as the model's `Duration`,
 * the catalog's written durations (`500ms`, `1.5s`, `2m`), and the shortest exact form
 * of a number of seconds for windows, messages and reports. Imports nothing of ours.
 */
import type { Duration, DurationUnit } from "./model";

/** Milliseconds in one unit (`mo` as 30 days, as Datadog's SLO timeframes count it). */
const UNIT_MS: Readonly<Record<DurationUnit | "ms", number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  mo: 2_592_000_000,
};

/** A written duration: a whole or decimal amount and its unit (`500ms`, `1.5s`, `2m`, `1mo`). */
const WRITTEN = /^(\d+(?:\.\d+)?)(ms|mo|s|m|h|d|w)$/;

/** Seconds in a model duration: `{ amount: 5, unit: "m" }` → 300. */
export function durationSeconds(duration: Duration): number {
  return (duration.amount * UNIT_MS[duration.unit]) / 1000;
}

/** Milliseconds in one unit of a written duration (`ms`, `s` … `mo`); undefined for another word. */
export function unitMilliseconds(unit: string): number | undefined {
  return Object.hasOwn(UNIT_MS, unit) ? UNIT_MS[unit as DurationUnit | "ms"] : undefined;
}

/** `"2m"` → 120000, `"1.5s"` → 1500; undefined for text that is no duration. */
export function writtenMilliseconds(text: string): number | undefined {
  const match = WRITTEN.exec(text.trim());
  return match ? Math.round(Number(match[1]) * UNIT_MS[match[2] as DurationUnit | "ms"]) : undefined;
}

/** `"5m"` → 300; undefined for text that is no duration. Sub-second remainders round to the nearest second. */
export function writtenSeconds(text: string): number | undefined {
  const ms = writtenMilliseconds(text);
  return ms === undefined ? undefined : Math.round(ms / 1000);
}

const SHORTEST: readonly (readonly [DurationUnit, number])[] = [["w", 604_800], ["d", 86_400], ["h", 3_600], ["m", 60]];

/** 120 → `{ 2, "m" }`, 90 → `{ 90, "s" }`, 86400 → `{ 1, "d" }`: the largest unit that divides it. */
export function durationOf(seconds: number): Duration {
  for (const [unit, size] of SHORTEST) {
    if (seconds >= size && seconds % size === 0) return { amount: seconds / size, unit };
  }
  return { amount: seconds, unit: "s" };
}

/** 120 → `"2m"`, 90 → `"90s"`, 86400 → `"1d"`: the shortest exact form, for queries, messages and reports. */
export function formatSeconds(seconds: number): string {
  const { amount, unit } = durationOf(seconds);
  return `${amount}${unit}`;
}
