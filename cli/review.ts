/**
 * Reviewers' commands: `lookout thresholds` (every threshold the plan provisions) and
 * `lookout diff` (what a change does to them, against a git revision).
 */
import * as fs from "fs";
import Table from "cli-table3";
import { EXIT, InputError } from "./errors";
import { computePlan } from "./engine/plan";
import { findProjectRoot } from "./engine/stackConfig";
import { diffPlans, planAtRef } from "./reports/diff";
import type { PlanDiff, ThresholdRow } from "./reports/model";
import { renderDiffMarkdown } from "./render/diffMarkdown";
import { renderDiffText } from "./render/diffText";
import { thresholdsOf } from "./reports/thresholds";
import { backtest, renderBacktestMarkdown, renderBacktestText } from "./reports/backtest";
import { recordedSeries } from "./commands/test";

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

export interface DiffFlags {
  stack: string;
  base: string;
  format: string;
  /** Gates that turn into exit 1 (`--fail-on`, repeatable or comma-separated). */
  failOn: string[];
  /** The share of the base's monitors, percent, a change may remove before it is a mass removal. */
  massRemovalPercent: number;
  /** Recorded series (test-file format) replayed through the base's and the head's changed monitors. */
  series?: string;
  /** Also write the whole report, as text and never truncated, to this file (`--report`). */
  report?: string;
}

/** `--fail-on` values: `looser` (removed or loosened P0/P1, shorter retention) and `mass-removal`. */
export const FAIL_ON = ["looser", "mass-removal"] as const;

function oneOf(value: string, allowed: readonly string[], option: string): void {
  if (!allowed.includes(value)) throw new InputError(`${option} must be one of ${allowed.join(", ")}, not "${value}"`);
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

export async function diff(flags: DiffFlags, write: (text: string) => void): Promise<number> {
  oneOf(flags.format, ["text", "markdown", "json"], "--format");
  for (const gate of flags.failOn) oneOf(gate, FAIL_ON, "--fail-on");
  const projectRoot = findProjectRoot(process.cwd());
  // The head first, then the base (from the cache, or in its own process group). One after
  // the other: a diff killed while both plan would leave the head's policy pack to a later
  // run, which can only prune what the base's worktree records.
  const head = await computePlan({ projectRoot, stack: flags.stack });
  const { plan: base, commit } = await planAtRef(projectRoot, flags.base, flags.stack);
  const result = diffPlans(base, head, { stack: flags.stack, baseRef: flags.base, baseCommit: commit, headRef: "working tree" }, { massRemovalPercent: flags.massRemovalPercent });
  const replayed = flags.series === undefined ? undefined : backtest(base.resources, head.resources, recordedSeries([flags.series], projectRoot));
  if (flags.format === "json") write(`${JSON.stringify(replayed ? { ...result, backtest: replayed } : result, null, 2)}\n`);
  else if (flags.format === "markdown") write(renderDiffMarkdown(result, head) + (replayed ? renderBacktestMarkdown(replayed, flags.series ?? "") : ""));
  else write(renderDiffText(result, head) + (replayed ? renderBacktestText(replayed, flags.series ?? "") : ""));
  if (flags.report) fs.writeFileSync(flags.report, renderDiffText(result, head) + (replayed ? renderBacktestText(replayed, flags.series ?? "") : ""));
  return diffExitCode(result, flags.failOn);
}

/** Exit 1 on a gate of `failOn` that the diff trips, and on any deletion Pulumi would refuse, whatever `failOn` says (PF-REV-5). */
export function diffExitCode(result: PlanDiff, failOn: readonly string[]): number {
  const failed = (failOn.includes("looser") && result.loud.length > 0) || (failOn.includes("mass-removal") && result.massRemoval?.triggered === true);
  return failed || (result.blocked?.length ?? 0) > 0 ? EXIT.mandatoryViolation : EXIT.ok;
}
