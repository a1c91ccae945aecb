/**
 * The diff as reviewers' reports see it, before any rendering: what must be seen first
 * (removed P0/P1 resources, loud threshold changes, other loud lines), the direction
 * counts, the mass-removal sentence, and the words every report uses for types and URNs.
 */
import type { CostDelta } from "./cost";
import type { LikelyRename } from "./likelyRenames";
import type { MassRemoval, PlanDiff, ResourceChange, ThresholdChange } from "./model";

export function isUrgent(severity: string | undefined): boolean {
  return severity === "P0" || severity === "P1";
}

/** `datadog:index/monitor:Monitor` → `datadog Monitor`; `pulumi:providers:aws` → `aws provider`. */
export function shortType(type: string): string {
  if (type.startsWith("pulumi:providers:")) return `${type.slice("pulumi:providers:".length)} provider`;
  const parts = type.split(":");
  return parts.length >= 3 ? `${parts[0]} ${parts[parts.length - 1]}` : type;
}

/** The type chain of a URN (`urn:pulumi:stack::project::<chain>::name`): what a replacement changes. */
export function typeChain(urn: string): string {
  const parts = urn.split("::");
  return parts.length >= 4 ? parts.slice(2, -1).join("::") : urn;
}

/** The resource name a URN ends with. */
export function urnName(urn: string): string {
  return urn.split("::").pop() ?? urn;
}

export function cap(text: string, max: number): string {
  const flat = text.replace(/\s*\n\s*/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}

/** The commit as people quote it: 12 hex digits (a full SHA would read as a key and be masked). */
export function shortCommit(commit: string): string {
  return commit.slice(0, 12);
}

export function beforeAfter(t: ThresholdChange): { before: string; after: string } {
  return { before: t.before?.display ?? "(none)", after: t.after?.display ?? "(removed)" };
}

export function isRetention(t: ThresholdChange): boolean {
  return t.row.kind === "retention";
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export interface LoudView {
  readonly removed: readonly ResourceChange[];
  readonly thresholds: readonly ThresholdChange[];
  /** `diff.loud` lines that no structured item above stands for. */
  readonly other: readonly string[];
}

/** Mentions `name` as a whole word (names are made of letters, digits, `-`, `_`, `.`). */
function mentions(text: string, name: string): boolean {
  if (!name) return false;
  let at = text.indexOf(name);
  while (at >= 0) {
    const before = at === 0 ? "" : text[at - 1];
    const after = text[at + name.length] ?? "";
    if (!/[\w.-]/.test(before) && !/[\w-]/.test(after)) return true;
    at = text.indexOf(name, at + 1);
  }
  return false;
}

/**
 * What goes first: removed P0/P1 resources and loud threshold changes, as structured
 * items; any line of `diff.loud` that none of those stands for (e.g. removed retention
 * rules) is kept as written.
 */
export function loudView(diff: PlanDiff): LoudView {
  const removed = diff.removed.filter((r) => isUrgent(r.severity));
  const thresholds = diff.thresholds.filter((t) => t.loud);
  const names = [...removed.map((r) => r.name), ...thresholds.map((t) => t.row.resource)];
  const other = diff.loud.filter((line) => !names.some((n) => mentions(line, n)));
  return { removed, thresholds, other };
}

export function loudCount(view: LoudView): number {
  return view.removed.length + view.thresholds.length + view.other.length;
}

export function directionCounts(diff: PlanDiff): { looser: number; tighter: number; neutral: number; urgentLooser: number } {
  const counts = { looser: 0, tighter: 0, neutral: 0, urgentLooser: 0 };
  for (const t of diff.thresholds) {
    counts[t.direction]++;
    if (t.direction === "looser" && t.loud) counts.urgentLooser++;
  }
  return counts;
}

/** One sentence: how much of the stack the change removes, and why that is a mass removal. */
export function massRemovalSentence(m: MassRemoval): string {
  const share = `${m.monitors.removed} of ${m.monitors.before} monitors, checks, SLOs and Sentry rules (${m.monitors.share}%${m.monitors.share > m.percent ? `, over ${m.percent}%` : ""})`;
  const emptied = m.emptied.length > 0 ? ` and leaves nothing of: ${m.emptied.join(", ")}` : "";
  return `this change removes ${share}${emptied}. A catalog cut short can still be valid YAML and plan without an error: check that it is whole.`;
}

/** Per concern that loses resources: concern, before → after, removed. */
export function massRemovalRows(m: MassRemoval): string[][] {
  return m.concerns.map((c) => [c.concern, `${c.before} → ${c.after}`, c.emptied ? `${c.removed} removed (emptied)` : `${c.removed} removed`]);
}

export function isEmptyDiff(diff: PlanDiff): boolean {
  return (
    diff.added.length + diff.removed.length + diff.replaced.length + diff.changed.length + diff.thresholds.length +
      diff.policies.introduced.length + diff.policies.fixed.length + diff.loud.length ===
    0
  );
}

/** One likely rename in a sentence: what, how many resources, the line to add and where. */
export function likelyRenameSentence(r: LikelyRename): string {
  const where = r.at ? ` at ${r.at}` : "";
  const under = r.what === "service" ? `under the service ${r.to}${where}` : `under the entry ${r.to}${where}`;
  return `${r.from} → ${r.to} looks like a rename (${plural(r.resources.length, "resource")} with the same inputs under the new name, which Pulumi would delete and create): add \`${r.add}\` ${under} to keep their history`;
}

const usd = (value: number): string => `$${value.toFixed(2)}`;
const count = (value: number): string => Math.round(value).toLocaleString("en-US");
const signed = (value: number, show: (v: number) => string): string => (Math.round(value * 100) === 0 ? "±0" : `${value > 0 ? "+" : "−"}${show(Math.abs(value))}`);

/** The cost delta as rows: what, base → head (difference), and the budget it is measured against. */
export function costRows(cost: CostDelta): [string, string][] {
  const { base, head, budget } = cost;
  const runs = (c: CostDelta["base"]) => c.apiRuns + c.browserRuns;
  const over = head.usd > budget.monthlyBudgetUsd ? `, over the ${usd(budget.monthlyBudgetUsd)} budget` : ` of the ${usd(budget.monthlyBudgetUsd)} budget`;
  return [
    ["synthetics runs a month", `${count(runs(base))} → ${count(runs(head))} (${signed(runs(head) - runs(base), count)})`],
    ["synthetics cost a month", `${usd(base.usd)} → ${usd(head.usd)} (${signed(head.usd - base.usd, usd)})${over}`],
    ["synthetics tests", `${base.syntheticsTests} → ${head.syntheticsTests} (${signed(head.syntheticsTests - base.syntheticsTests, count)})`],
    ["Datadog monitors", `${base.monitors} → ${head.monitors} (${signed(head.monitors - base.monitors, count)})`],
  ];
}
