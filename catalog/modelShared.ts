/**
 * What every part of the normalized catalog shares (model.ts and its parts by concern,
 * modelStorage.ts, modelDashboards.ts, rawAlerts.ts): severities and where a record
 * was written. A module of its own so that the parts import it without importing the
 * model that gathers them.
 */

export type Severity = "P0" | "P1" | "P2" | "P3";
export const SEVERITIES: readonly Severity[] = ["P0", "P1", "P2", "P3"];
/** The urgent severities: they page at high urgency (P2/P3 are low), the review gates watch them. */
export const URGENT_SEVERITIES: ReadonlySet<Severity> = new Set(["P0", "P1"]);

/** The severity is urgent (P0 or P1). */
export function isUrgent(severity: string | undefined): boolean {
  return severity !== undefined && URGENT_SEVERITIES.has(severity as Severity);
}

/** Where a record was written: for error messages and for reviewers' reports. */
export interface SourceRef {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}
