/** The diff for a terminal: the same content as the comment, compact, loud items first. */
import type { Plan, PlanPolicyResult } from "../engine/plan";
import { escalationOf } from "../reports/escalation";
import type { PlanDiff, ResourceChange } from "../reports/model";
import { beforeAfter, cap, costRows, likelyRenameSentence, directionCounts, isEmptyDiff, isRetention, loudCount, loudView, massRemovalRows, massRemovalSentence, oneLine, shortCommit, shortType, typeChain, urnName } from "../reports/diffView";
import { escalationText } from "./escalation";
import { maskSecrets } from "./mask";

function columns(rows: readonly (readonly string[])[], indent = "  "): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => `${indent}${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join("  ")}`.trimEnd());
}

/**
 * The diff for a terminal: the same content as the Markdown, compact, loud items first.
 * With the head plan, the escalation outline closes it.
 */
export function renderDiffText(diff: PlanDiff, head?: Plan): string {
  const view = loudView(diff);
  const counts = directionCounts(diff);
  const out: string[] = [`Lookout diff for stack ${diff.stack}: base ${diff.base.ref} (${shortCommit(diff.base.commit)}) → head ${diff.head.ref}`, ""];
  const mass = diff.massRemoval;
  if (mass?.triggered) {
    out.push(`MASS REMOVAL: ${massRemovalSentence(mass)}`, ...columns(massRemovalRows(mass)), "");
  }
  const blocked = diff.blocked ?? [];
  if (blocked.length > 0) {
    out.push(`BLOCKED (${blocked.length}): deletions pulumi up would refuse; lookout diff exits 1`);
    for (const b of blocked) out.push(`  ${b.how.toUpperCase()} protected ${b.name} (${shortType(b.type)})${b.source ? ` at ${b.source}` : ""}: ${b.guidance}`);
    out.push("");
  }
  const likely = diff.likelyRenames ?? [];
  if (likely.length > 0) {
    out.push(`LIKELY RENAMES (${likely.length}): removed and added resources with the same inputs`);
    for (const r of likely) out.push(`  ${likelyRenameSentence(r)}`);
    out.push("");
  }

  if (loudCount(view) > 0) {
    out.push(`NEEDS ATTENTION (${loudCount(view)}): removed or loosened P0/P1, shortened retention`);
    const rows: string[][] = [];
    for (const r of view.removed) rows.push(["REMOVED", r.severity ?? "", `${r.name} (${shortType(r.type)})`, "", r.source ? `was ${r.source}` : ""]);
    for (const t of view.thresholds) {
      const { before, after } = beforeAfter(t);
      rows.push([isRetention(t) ? "SHORTER" : "LOOSER", t.row.severity ?? "", cap(`${t.row.service ? `${t.row.service} · ` : ""}${t.row.what} · ${t.row.setting}`, 90), `${before} → ${after}${t.reason ? ` (${t.reason})` : ""}`, t.row.source ?? ""]);
    }
    out.push(...columns(rows));
    for (const line of view.other) out.push(`  ${oneLine(line).replace(/^(Removed|Looser|Shorter|Shortened)\b/, (w) => w.toUpperCase())}`);
  } else if (isEmptyDiff(diff)) {
    out.push("No changes: base and head plan the same resources, thresholds and policy results.");
  } else {
    out.push("Nothing at P0/P1 was removed or loosened, and no retention was shortened.");
  }
  out.push(
    "",
    `Summary: resources ${diff.added.length} added, ${diff.removed.length} removed, ${diff.replaced.length} replaced, ${diff.changed.length} changed` +
      ` · thresholds ${counts.looser} looser, ${counts.tighter} tighter, ${counts.neutral} neutral` +
      ` · policy violations ${diff.policies.introduced.length} introduced, ${diff.policies.fixed.length} fixed`,
  );
  if (diff.cost) out.push(`Cost (the monitoring-budget rule's default prices): ${costRows(diff.cost).map(([k, v]) => `${k} ${v}`).join(" · ")}`);

  if (diff.thresholds.length > 0) {
    out.push("", `Threshold changes (${diff.thresholds.length}):`);
    out.push(
      ...columns(
        diff.thresholds.map((t) => {
          const { before, after } = beforeAfter(t);
          return [t.direction, t.row.severity ?? "", t.row.service, cap(t.row.what, 60), t.row.setting, `${before} → ${after}${t.reason ? ` (${t.reason})` : ""}`, t.row.source ?? ""];
        }),
      ),
    );
  }
  const resources = (title: string, sign: string, list: readonly ResourceChange[]) => {
    if (list.length === 0) return;
    out.push("", `${title} (${list.length}):`);
    out.push(...columns(list.map((r) => [sign, r.name, shortType(r.type), r.severity ?? "", r.source ?? ""])));
  };
  const renamed = diff.renamed ?? [];
  if (renamed.length > 0) {
    out.push("", `Resources renamed (${renamed.length}): aliased, so Pulumi moves their state`);
    out.push(...columns(renamed.map((r) => ["~", `renamed ${r.before.name} → ${r.after.name}`, shortType(r.after.type), r.after.source ?? ""])));
  }
  resources("Resources added", "+", diff.added);
  resources("Resources removed", "-", diff.removed);
  if (diff.replaced.length > 0) {
    out.push("", `Resources replaced (${diff.replaced.length}):`);
    out.push(...columns(diff.replaced.map((r) => ["±", r.after.name, shortType(r.after.type), `${typeChain(r.before.urn)} → ${typeChain(r.after.urn)}`])));
  }
  if (diff.changed.length > 0) {
    out.push("", `Resources changed (${diff.changed.length}):`);
    out.push(...columns(diff.changed.map((r) => ["~", r.name, shortType(r.type), r.severity ?? "", r.keys.join(", "), r.source ?? ""])));
  }
  const policies = (title: string, list: readonly PlanPolicyResult[]) => {
    if (list.length === 0) return;
    out.push("", `${title} (${list.length}):`);
    for (const p of list) out.push(`  ${p.enforcementLevel.padEnd(9)} ${p.pack}/${p.policy}  ${p.urn ? urnName(p.urn) : "(stack)"}`, `            ${oneLine(p.message)}`);
  };
  policies("Policy violations introduced", diff.policies.introduced);
  policies("Policy violations fixed", diff.policies.fixed);

  if (head) {
    const escalation = escalationOf(head);
    if (escalation.policies.length > 0 || escalation.orphanServices.length > 0) {
      out.push("", "Escalation in the head plan (level: targets, minutes before the next level):", ...escalationText(escalation));
    }
  }
  return maskSecrets(out.join("\n"));
}
