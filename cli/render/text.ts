/** The plan as text: a tree by component, counts by provider, then the policy results. */
import Table from "cli-table3";
import type { Plan, PlanResource } from "../engine/plan";

/** `datadog:index/syntheticsTest:SyntheticsTest` → `datadog`; components → `lookout`. */
export function providerOf(type: string): string {
  if (type.startsWith("pulumi:providers:")) return type.slice("pulumi:providers:".length);
  return type.split(":")[0];
}

export function renderTree(plan: Plan): string {
  const children = new Map<string | undefined, PlanResource[]>();
  for (const r of plan.resources) {
    const list = children.get(r.parent) ?? [];
    list.push(r);
    children.set(r.parent, list);
  }
  const lines: string[] = [];
  const walk = (parent: string | undefined, prefix: string) => {
    const list = children.get(parent) ?? [];
    list.forEach((r, i) => {
      const last = i === list.length - 1;
      const branch = parent === undefined ? "" : last ? "└─ " : "├─ ";
      const flags = r.protect ? "  [protected]" : "";
      lines.push(`${prefix}${branch}${r.type}  ${r.name}${flags}`);
      walk(r.urn, parent === undefined ? "" : `${prefix}${last ? "   " : "│  "}`);
    });
  };
  walk(undefined, "");
  return lines.join("\n");
}

/** `datadog:index/syntheticsTest:SyntheticsTest` → `SyntheticsTest`. */
function shortType(type: string): string {
  return type.startsWith("pulumi:providers:") ? "provider" : (type.split(":").pop() ?? type);
}

export function renderCounts(plan: Plan): string {
  const byProvider = new Map<string, { total: number; types: string[] }>();
  for (const [type, count] of Object.entries(plan.summary.byType)) {
    const entry = byProvider.get(providerOf(type)) ?? { total: 0, types: [] };
    entry.total += count;
    entry.types.push(`${count} ${shortType(type)}`);
    byProvider.set(providerOf(type), entry);
  }
  const table = new Table({ head: ["provider", "resources", "by type"], style: { head: [], border: [] } });
  for (const [provider, { total, types }] of [...byProvider].sort(([a], [b]) => a.localeCompare(b))) {
    table.push([provider, String(total), types.join(", ")]);
  }
  return table.toString();
}

export function renderPolicies(plan: Plan): string {
  if (plan.policies.length === 0) return "Policies: no violations.";
  const lines = [`Policies: ${plan.summary.mandatory} mandatory, ${plan.summary.advisory} advisory violation(s)`];
  for (const p of plan.policies) {
    const where = p.urn ? `  ${p.urn.split("::").pop()}` : "  (stack)";
    lines.push(`  ${p.enforcementLevel.padEnd(9)} ${p.pack}/${p.policy}${where}`);
    lines.push(`            ${p.message.replace(/\n/g, "\n            ")}`);
  }
  return lines.join("\n");
}

export function renderPlanText(plan: Plan): string {
  return [
    `Plan for stack ${plan.project}/${plan.stack}: ${plan.summary.resources} resources`,
    "",
    renderTree(plan),
    "",
    renderCounts(plan),
    "",
    renderPolicies(plan),
  ].join("\n");
}
