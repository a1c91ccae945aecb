/**
 * `lookout thresholds --stack NAME`: every threshold the plan provisions (monitors, checks,
 * SLOs, Sentry rules, escalation, retention, dashboards) with its catalog source.
 */
import Table from "cli-table3";
import { EXIT } from "./exitCodes";
import { oneOf } from "./options";
import { computePlan } from "../engine/plan";
import { findProjectRoot } from "../engine/stackConfig";
import type { ThresholdRow } from "../reports/model";
import { thresholdsOf } from "../reports/thresholds";

export interface ThresholdsFlags {
  stack: string;
  catalog?: string;
  format: string;
  /** Only these services' (or teams') rows (`--service`, repeatable); empty: all. */
  service?: string[];
  /** Only rows of these severities (`--severity P0,P1`). */
  severity?: string;
  allowOutsideProject?: boolean;
}

export async function thresholds(flags: ThresholdsFlags, write: (text: string) => void): Promise<number> {
  oneOf(flags.format, ["table", "markdown", "json"], "--format");
  filterThresholds([], [], flags.severity); // bad --severity: exit 2 before planning
  const plan = await computePlan({ projectRoot: findProjectRoot(process.cwd()), stack: flags.stack, catalog: flags.catalog, allowOutsideProject: flags.allowOutsideProject, withoutDefaultPack: true });
  const rows = filterThresholds(thresholdsOf(plan), flags.service ?? [], flags.severity);
  if (flags.format === "json") write(`${JSON.stringify(rows, null, 2)}\n`);
  else if (flags.format === "markdown") write(thresholdsMarkdown(plan.stack, rows));
  else write(`${thresholdsTable(rows)}\n${rows.length} thresholds in stack ${plan.stack}\n`);
  return EXIT.ok;
}

/** The rows of `services` (all when empty) at `severity` (comma-separated P0–P3; all when undefined). */
export function filterThresholds(rows: readonly ThresholdRow[], services: readonly string[], severity: string | undefined): ThresholdRow[] {
  const levels = severity === undefined ? undefined : severity.split(",").map((s) => s.trim().toUpperCase());
  for (const level of levels ?? []) oneOf(level, ["P0", "P1", "P2", "P3"], "--severity");
  return rows.filter((r) => (services.length === 0 || services.includes(r.service)) && (levels === undefined || (r.severity !== undefined && levels.includes(r.severity))));
}

const COLUMNS = ["service", "kind", "what", "setting", "value", "severity", "route", "source"] as const;

function cells(row: ThresholdRow): string[] {
  return [row.service, row.kind, row.what, row.setting, row.display, row.severity ?? "", row.route ?? "", row.source ?? ""];
}

function thresholdsTable(rows: readonly ThresholdRow[]): string {
  const table = new Table({ head: [...COLUMNS], style: { head: [], border: [] }, wordWrap: true, colWidths: [18, 12, 34, 20, 14, 9, 34, 26] });
  for (const row of rows) table.push(cells(row));
  return table.toString();
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function thresholdsMarkdown(stack: string, rows: readonly ThresholdRow[]): string {
  const lines = [`## Thresholds of stack \`${stack}\``, "", `| ${COLUMNS.join(" | ")} |`, `|${COLUMNS.map(() => "---").join("|")}|`];
  for (const row of rows) lines.push(`| ${cells(row).map(escapeCell).join(" | ")} |`);
  return `${lines.join("\n")}\n`;
}
