/** Units written in catalogs: durations (`30s`) and percentages (`99.9%`). Pure. */
import { DURATION_PATTERN, PERCENT_PATTERN } from "./schema";

const MS_PER_UNIT: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** `"2m"` → 120000. Throws on text the schema would have rejected. */
export function durationMs(text: string): number {
  const match = DURATION_PATTERN.exec(text);
  if (!match) throw new Error(`not a duration: ${JSON.stringify(text)}`);
  return Math.round(Number(match[1]) * MS_PER_UNIT[match[2]]);
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

/** 120 → `"2m"`, 90 → `"90s"`, 86400 → `"1d"`: the shortest exact form, for reports. */
export function formatSeconds(seconds: number): string {
  for (const [unit, size] of [["d", 86_400], ["h", 3_600], ["m", 60]] as const) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}
