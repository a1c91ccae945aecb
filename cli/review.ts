/**
 * Reviewers' commands: `lookout thresholds` (every threshold the plan provisions) and
 * `lookout diff` (what a change does to them, against a git revision).
 */
import Table from "cli-table3";
import { EXIT, InputError } from "./errors";
import { computePlan } from "./engine/plan";
import { findProjectRoot } from "./engine/stackConfig";
import { diffPlans, planAtRef } from "./reports/diff";
import type { ThresholdRow } from "./reports/model";
import { renderDiffMarkdown, renderDiffText } from "./reports/renderDiff";
import { thresholdsOf } from "./reports/thresholds";

export interface ThresholdsFlags {
  stack: string;
  catalog?: string;
  format: string;
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
}

/** `--fail-on` values: `looser` (removed or loosened P0/P1, shorter retention) and `mass-removal`. */
export const FAIL_ON = ["looser", "mass-removal"] as const;

function oneOf(value: string, allowed: readonly string[], option: string): void {
  if (!allowed.includes(value)) throw new InputError(`${option} must be one of ${allowed.join(", ")}, not "${value}"`);
}

export async function thresholds(flags: ThresholdsFlags, write: (text: string) => void): Promise<number> {
  oneOf(flags.format, ["table", "markdown", "json"], "--format");
  const plan = await computePlan({ projectRoot: findProjectRoot(process.cwd()), stack: flags.stack, catalog: flags.catalog, allowOutsideProject: flags.allowOutsideProject, withoutDefaultPack: true });
  const rows = thresholdsOf(plan);
  if (flags.format === "json") write(`${JSON.stringify(rows, null, 2)}\n`);
  else if (flags.format === "markdown") write(thresholdsMarkdown(plan.stack, rows));
  else write(`${thresholdsTable(rows)}\n${rows.length} thresholds in stack ${plan.stack}\n`);
  return EXIT.ok;
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
  // Base and head plan at the same time: the base in its own process (or from the
  // cache), the head here. A failed head stops the base; the head's error comes first.
  const stopBase = new AbortController();
  const basePlanned = planAtRef(projectRoot, flags.base, flags.stack, { signal: stopBase.signal });
  const headPlanned = computePlan({ projectRoot, stack: flags.stack });
  const [headResult, baseResult] = await Promise.allSettled([headPlanned.catch((error: unknown) => (stopBase.abort(), Promise.reject(error))), basePlanned]);
  if (headResult.status === "rejected") throw headResult.reason;
  if (baseResult.status === "rejected") throw baseResult.reason;
  const head = headResult.value;
  const { plan: base, commit } = baseResult.value;
  const result = diffPlans(base, head, { stack: flags.stack, baseRef: flags.base, baseCommit: commit, headRef: "working tree" }, { massRemovalPercent: flags.massRemovalPercent });
  if (flags.format === "json") write(`${JSON.stringify(result, null, 2)}\n`);
  else if (flags.format === "markdown") write(renderDiffMarkdown(result, head));
  else write(renderDiffText(result, head));
  const failed = (flags.failOn.includes("looser") && result.loud.length > 0) || (flags.failOn.includes("mass-removal") && result.massRemoval?.triggered === true);
  return failed ? EXIT.mandatoryViolation : EXIT.ok;
}
