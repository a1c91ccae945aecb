/** The escalation of a plan (`escalationOf`) drawn: a Mermaid flowchart for the comment, an outline for terminals. */
import type { EscalationLevel, EscalationView } from "../reports/escalation";
import { oneLine } from "../reports/diffView";
import { maskSecrets } from "./mask";

/** A Mermaid label: quoted, so any text is safe once quotes and angle brackets are entities. */
function mermaidLabel(text: string): string {
  const safe = maskSecrets(oneLine(text))
    .replace(/#/g, "#35;")
    .replace(/"/g, "#quot;")
    .replace(/</g, "#lt;")
    .replace(/>/g, "#gt;")
    .replace(/`/g, "'");
  return `"${safe}"`;
}

function levelLabel(level: EscalationLevel, index: number): string {
  const delay = level.delayMinutes === undefined ? "" : ` · ${level.delayMinutes} min`;
  return `level ${index + 1}${delay}: ${level.targets.join(", ") || "no targets"}`;
}

/**
 * The escalation as a Mermaid flowchart: service → policy → level 1 → level 2 …, a
 * dotted edge back to level 1 when the policy repeats. Node IDs are generated
 * (`s1`, `p1`, `p1l1`); every label is quoted.
 */
export function escalationMermaid(view: EscalationView): string {
  const lines = ["flowchart LR"];
  view.policies.forEach((policy, i) => {
    const p = `p${i + 1}`;
    lines.push(`  ${p}(${mermaidLabel(`escalation policy ${policy.name}`)})`);
    policy.levels.forEach((level, j) => lines.push(`  ${p}l${j + 1}[${mermaidLabel(levelLabel(level, j))}]`));
    if (policy.levels.length > 0) lines.push(`  ${p} --> ${p}l1`);
    for (let j = 1; j < policy.levels.length; j++) lines.push(`  ${p}l${j} -->|not acknowledged| ${p}l${j + 1}`);
    if (policy.loops > 0 && policy.levels.length > 0) {
      lines.push(`  ${p}l${policy.levels.length} -.->|repeat ${policy.loops} ${policy.loops === 1 ? "time" : "times"}| ${p}l1`);
    }
  });
  let s = 0;
  view.policies.forEach((policy, i) => {
    for (const service of policy.services) {
      s++;
      lines.push(`  s${s}[${mermaidLabel(`PagerDuty service ${service}`)}] --> p${i + 1}`);
    }
  });
  if (view.orphanServices.length > 0) {
    lines.push(`  none(${mermaidLabel("escalation policy not in the plan")})`);
    for (const service of view.orphanServices) {
      s++;
      lines.push(`  s${s}[${mermaidLabel(`PagerDuty service ${service}`)}] --> none`);
    }
  }
  return lines.join("\n");
}

export function escalationText(view: EscalationView): string[] {
  const lines: string[] = [];
  for (const policy of view.policies) {
    const loops = policy.loops > 0 ? `, repeats ${policy.loops}×` : "";
    const services = policy.services.length > 0 ? ` ← ${policy.services.join(", ")}` : "";
    lines.push(`  ${policy.name}${loops}${services}`);
    policy.levels.forEach((level, j) => {
      const delay = level.delayMinutes === undefined ? "" : `, ${level.delayMinutes} min`;
      lines.push(`    ${j + 1}. ${level.targets.join(", ") || "no targets"}${delay}`);
    });
  }
  for (const service of view.orphanServices) lines.push(`  ${service} ← escalation policy not in the plan`);
  return lines;
}
