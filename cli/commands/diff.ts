/**
 * `lookout diff --stack NAME --base REF`: the plan of a git revision and of the working
 * tree compared; resources and thresholds that change, looser ones first.
 */
import * as fs from "fs";
import { EXIT } from "./exitCodes";
import { oneOf } from "./options";
import { computePlan } from "../engine/plan";
import { findProjectRoot } from "../engine/stackConfig";
import { budgetOfPolicyConfig } from "../reports/cost";
import { diffPlans, planAtRef } from "../reports/diff";
import { readPolicyConfig } from "./plan";
import type { PlanDiff } from "../reports/model";
import { renderDiffMarkdown } from "../render/diffMarkdown";
import { renderDiffText } from "../render/diffText";
import { backtest, renderBacktestMarkdown, renderBacktestText } from "../reports/backtest";
import { recordedSeries } from "./test";

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
  /** The stack's policy config (`--policy-config`): the cost delta's prices and budget. */
  policyConfig?: string;
}

/** `--fail-on` values: `looser` (removed or loosened P0/P1, shorter retention) and `mass-removal`. */
export const FAIL_ON = ["looser", "mass-removal"] as const;

export async function diff(flags: DiffFlags, write: (text: string) => void): Promise<number> {
  oneOf(flags.format, ["text", "markdown", "json"], "--format");
  for (const gate of flags.failOn) oneOf(gate, FAIL_ON, "--fail-on");
  const projectRoot = findProjectRoot(process.cwd());
  // Read before planning: a bad file fails at once.
  const budget = flags.policyConfig === undefined ? undefined : budgetOfPolicyConfig(readPolicyConfig(flags.policyConfig, projectRoot), flags.policyConfig);
  // The head first, then the base (from the cache, or in its own process group). One after
  // the other: a diff killed while both plan would leave the head's policy pack to a later
  // run, which can only prune what the base's worktree records.
  const head = await computePlan({ projectRoot, stack: flags.stack });
  const { plan: base, commit } = await planAtRef(projectRoot, flags.base, flags.stack);
  const result = diffPlans(base, head, { stack: flags.stack, baseRef: flags.base, baseCommit: commit, headRef: "working tree" }, { massRemovalPercent: flags.massRemovalPercent, ...(budget ? { budget } : {}) });
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
