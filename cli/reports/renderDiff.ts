/**
 * A `PlanDiff` for people: text for terminals, Markdown for a pull-request comment.
 *
 * Both lead with what a reviewer must see first (a mass removal: a large share of the
 * monitors or a whole concern gone; then removed or loosened P0/P1 alerts, shortened
 * retention), then a summary, then the details. The Markdown adds collapsible
 * sections, an escalation diagram in Mermaid built from the head plan, a marker line
 * so CI keeps one sticky comment per stack, and truncation under GitHub's comment
 * limit. Every value taken from the diff or the plan passes through `maskSecrets`.
 */
import type { Plan, PlanPolicyResult, PlanResource } from "../engine/plan";
import { maskSecrets } from "../render/mask";
export { maskSecrets } from "../render/mask";
import type { MassRemoval, PlanDiff, ResourceChange, ThresholdChange } from "./model";

/** GitHub rejects comment bodies longer than this. */
export const GITHUB_COMMENT_MAX = 65_536;
/** The default size the Markdown is cut to: GitHub's limit with room to spare. */
export const DEFAULT_COMMENT_LIMIT = 65_000;
/** The workflow artifact holding the full diffs (`.github/workflows/preview.yml`). */
export const DIFF_ARTIFACT = "lookout-diff";

/** The whole report CI writes beside each stack's comment (`lookout diff --report`), uploaded in the artifact. */
export function fullReportFile(stack: string): string {
  return `diff-${stack}.txt`;
}

// ---------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------

function isUrgent(severity: string | undefined): boolean {
  return severity === "P0" || severity === "P1";
}

/** `datadog:index/monitor:Monitor` → `datadog Monitor`; `pulumi:providers:aws` → `aws provider`. */
function shortType(type: string): string {
  if (type.startsWith("pulumi:providers:")) return `${type.slice("pulumi:providers:".length)} provider`;
  const parts = type.split(":");
  return parts.length >= 3 ? `${parts[0]} ${parts[parts.length - 1]}` : type;
}

/** The type chain of a URN (`urn:pulumi:stack::project::<chain>::name`): what a replacement changes. */
function typeChain(urn: string): string {
  const parts = urn.split("::");
  return parts.length >= 4 ? parts.slice(2, -1).join("::") : urn;
}

/** The resource name a URN ends with. */
function urnName(urn: string): string {
  return urn.split("::").pop() ?? urn;
}

function cap(text: string, max: number): string {
  const flat = text.replace(/\s*\n\s*/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}

/** The commit as people quote it: 12 hex digits (a full SHA would read as a key and be masked). */
function shortCommit(commit: string): string {
  return commit.slice(0, 12);
}

function beforeAfter(t: ThresholdChange): { before: string; after: string } {
  return { before: t.before?.display ?? "(none)", after: t.after?.display ?? "(removed)" };
}

function isRetention(t: ThresholdChange): boolean {
  return t.row.kind === "retention";
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

interface LoudView {
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
function loudView(diff: PlanDiff): LoudView {
  const removed = diff.removed.filter((r) => isUrgent(r.severity));
  const thresholds = diff.thresholds.filter((t) => t.loud);
  const names = [...removed.map((r) => r.name), ...thresholds.map((t) => t.row.resource)];
  const other = diff.loud.filter((line) => !names.some((n) => mentions(line, n)));
  return { removed, thresholds, other };
}

function loudCount(view: LoudView): number {
  return view.removed.length + view.thresholds.length + view.other.length;
}

function directionCounts(diff: PlanDiff): { looser: number; tighter: number; neutral: number; urgentLooser: number } {
  const counts = { looser: 0, tighter: 0, neutral: 0, urgentLooser: 0 };
  for (const t of diff.thresholds) {
    counts[t.direction]++;
    if (t.direction === "looser" && t.loud) counts.urgentLooser++;
  }
  return counts;
}

/** One sentence: how much of the stack the change removes, and why that is a mass removal. */
function massRemovalSentence(m: MassRemoval): string {
  const share = `${m.monitors.removed} of ${m.monitors.before} monitors, checks, SLOs and Sentry rules (${m.monitors.share}%${m.monitors.share > m.percent ? `, over ${m.percent}%` : ""})`;
  const emptied = m.emptied.length > 0 ? ` and leaves nothing of: ${m.emptied.join(", ")}` : "";
  return `this change removes ${share}${emptied}. A catalog cut short can still be valid YAML and plan without an error: check that it is whole.`;
}

/** Per concern that loses resources: concern, before → after, removed. */
function massRemovalRows(m: MassRemoval): string[][] {
  return m.concerns.map((c) => [c.concern, `${c.before} → ${c.after}`, c.emptied ? `${c.removed} removed (emptied)` : `${c.removed} removed`]);
}

function isEmptyDiff(diff: PlanDiff): boolean {
  return (
    diff.added.length + diff.removed.length + diff.replaced.length + diff.changed.length + diff.thresholds.length +
      diff.policies.introduced.length + diff.policies.fixed.length + diff.loud.length ===
    0
  );
}

// ---------------------------------------------------------------------------------
// Escalation (from the head plan)
// ---------------------------------------------------------------------------------

const ESCALATION_POLICY = "pagerduty:index/escalationPolicy:EscalationPolicy";
const SCHEDULE = "pagerduty:index/schedule:Schedule";
const PD_SERVICE = "pagerduty:index/service:Service";

export interface EscalationLevel {
  /** Minutes before the next level is notified. */
  readonly delayMinutes?: number;
  /** `schedule prompts-devops-primary`, `user P4606BA`, `schedule (one of a, b)`. */
  readonly targets: readonly string[];
}

export interface EscalationPolicyView {
  /** The policy's PagerDuty name (`<team>`). */
  readonly name: string;
  readonly urn: string;
  readonly loops: number;
  readonly levels: readonly EscalationLevel[];
  /** PagerDuty services (`<product>-<team>`) that escalate through it. */
  readonly services: readonly string[];
  readonly source?: string;
}

export interface EscalationView {
  readonly policies: readonly EscalationPolicyView[];
  /** PagerDuty services whose policy the plan does not show. */
  readonly orphanServices: readonly string[];
}

function inputName(r: PlanResource): string {
  return typeof r.inputs.name === "string" && r.inputs.name !== "" ? r.inputs.name : r.name;
}

function isUnknown(value: unknown): boolean {
  return value === undefined || value === null || value === "" || value === "[unknown]";
}

/**
 * The head plan's escalation: each policy's levels in order with their delays and
 * targets, and the services that use it. In a preview, a schedule target's ID is
 * unknown: it is resolved through the policy's dependencies on schedules (or, without
 * them, the `<team>-<rotation>` naming), to one name when the team has one schedule
 * and to "one of …" when it has several (the plan does not say which level uses which).
 */
export function escalationOf(plan: Plan): EscalationView {
  const schedules = plan.resources.filter((r) => r.type === SCHEDULE);
  const policies = plan.resources.filter((r) => r.type === ESCALATION_POLICY).sort((a, b) => inputName(a).localeCompare(inputName(b)));
  const services = plan.resources.filter((r) => r.type === PD_SERVICE).sort((a, b) => inputName(a).localeCompare(inputName(b)));
  const scheduleByUrn = new Map(schedules.map((s) => [s.urn, s]));
  const policyNames = policies.map(inputName);

  /** The longest policy name `name` is `<policy>-…` of (schedules) or `…-<policy>` of (services). */
  const longestPolicy = (name: string, at: "prefix" | "suffix"): string | undefined =>
    policyNames
      .filter((p) => (at === "prefix" ? name.startsWith(`${p}-`) : name.endsWith(`-${p}`) || name === p))
      .sort((a, b) => b.length - a.length)[0];

  const usedBy = new Map<string, string[]>();
  const orphanServices: string[] = [];
  for (const service of services) {
    const policy =
      policies.find((p) => service.dependencies.includes(p.urn)) ??
      policies.find((p) => service.inputs.escalationPolicy === p.urn || service.inputs.escalationPolicy === `${p.name}-id`) ??
      policies.find((p) => inputName(p) === longestPolicy(inputName(service), "suffix"));
    if (!policy) {
      orphanServices.push(inputName(service));
      continue;
    }
    usedBy.set(policy.urn, [...(usedBy.get(policy.urn) ?? []), inputName(service)]);
  }

  const views = policies.map((policy): EscalationPolicyView => {
    const name = inputName(policy);
    const fromDeps = policy.dependencies.map((u) => scheduleByUrn.get(u)).filter((s): s is PlanResource => s !== undefined);
    const candidates = (fromDeps.length > 0 ? fromDeps : schedules.filter((s) => longestPolicy(inputName(s), "prefix") === name))
      .map(inputName)
      .sort();
    const scheduleLabel = (id: unknown): string => {
      const byRef = schedules.find((s) => id === s.urn || id === `${s.name}-id`);
      if (byRef) return `schedule ${inputName(byRef)}`;
      if (!isUnknown(id)) return `schedule ${String(id)}`;
      if (candidates.length === 1) return `schedule ${candidates[0]}`;
      if (candidates.length > 1) return `schedule (one of ${candidates.join(", ")})`;
      return "schedule (unknown)";
    };
    const rules = Array.isArray(policy.inputs.rules) ? (policy.inputs.rules as Record<string, unknown>[]) : [];
    const levels = rules.map((rule): EscalationLevel => {
      const delay = Number(rule.escalationDelayInMinutes);
      const targets = (Array.isArray(rule.targets) ? (rule.targets as Record<string, unknown>[]) : []).map((t) => {
        const type = String(t.type ?? "");
        if (type.startsWith("schedule")) return scheduleLabel(t.id);
        if (type.startsWith("user")) return `user ${isUnknown(t.id) ? "(unknown)" : String(t.id)}`;
        return `${type.replace(/_reference$/, "") || "target"} ${isUnknown(t.id) ? "(unknown)" : String(t.id)}`;
      });
      return { ...(Number.isFinite(delay) ? { delayMinutes: delay } : {}), targets };
    });
    const loops = Number(policy.inputs.numLoops);
    return {
      name,
      urn: policy.urn,
      loops: Number.isFinite(loops) ? loops : 0,
      levels,
      services: usedBy.get(policy.urn) ?? [],
      ...(policy.source ? { source: policy.source } : {}),
    };
  });
  return { policies: views, orphanServices };
}

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

function escalationText(view: EscalationView): string[] {
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

/** Whether the diff touches on-call: then the diagram opens by itself. */
function touchesEscalation(diff: PlanDiff): boolean {
  const pd = (type: string) => type.startsWith("pagerduty:");
  return (
    [...diff.added, ...diff.removed, ...diff.changed].some((r) => pd(r.type)) ||
    diff.replaced.some((r) => pd(r.after.type)) ||
    diff.thresholds.some((t) => pd(t.row.type))
  );
}

// ---------------------------------------------------------------------------------
// Markdown
// ---------------------------------------------------------------------------------

/** Plain text for Markdown, tables included: no markup, no HTML, no table breaks. */
function md(text: string, max = 200): string {
  return cap(maskSecrets(text), max).replace(/[\\`*_[\]<>|]/g, (c) => (c === "<" ? "&lt;" : c === ">" ? "&gt;" : `\\${c}`));
}

/** A code span; `inTable` escapes pipes, which GitHub otherwise reads as cell borders even in code. */
function code(text: string, inTable = false, max = 200): string {
  let body = cap(maskSecrets(text), max);
  if (inTable) body = body.replace(/\|/g, "\\|");
  const fence = body.includes("`") ? "``" : "`";
  const pad = body.startsWith("`") || body.endsWith("`") ? " " : "";
  return body === "" ? "" : `${fence}${pad}${body}${pad}${fence}`;
}

function sourceCell(source: string | undefined): string {
  return source ? code(source, true) : "";
}

function directionCell(t: ThresholdChange): string {
  const reason = t.reason ? `: ${md(t.reason, 200)}` : "";
  if (t.direction !== "looser") return `${t.direction}${reason}`;
  return isRetention(t) ? `**looser** (shorter retention)${reason}` : `**looser**${reason}`;
}

/** One atomic piece of a section: a table row, a list item, a code fence. */
interface Section {
  /** Named in the truncation note. */
  readonly title: string;
  /** Lower is kept first when the comment must be cut. */
  readonly priority: number;
  /** Always kept (marker, heading, summary). */
  readonly required?: boolean;
  readonly head: string;
  readonly blocks: readonly string[];
  readonly tail: string;
  /** May keep only its first blocks (tables and lists); fences never are. */
  readonly splittable: boolean;
}

function render(section: Section, blocks: readonly string[] = section.blocks, omitted = 0): string {
  const body = blocks.join("\n");
  const more = omitted > 0 ? `\n\n_… and ${omitted} more left out here (see the note at the end)._` : "";
  return `${section.head}${body}${more}${section.tail}`;
}

function details(summary: string, open = false): { head: (table?: string) => string; tail: string } {
  return {
    head: (table?: string) => `<details${open ? " open" : ""}><summary><b>${summary}</b></summary>\n\n${table ? `${table}\n` : ""}`,
    tail: "\n\n</details>",
  };
}

function tableHeader(columns: readonly string[]): string {
  return `| ${columns.join(" | ")} |\n|${columns.map(() => "---").join("|")}|`;
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(" | ")} |`;
}

function loudLines(view: LoudView): string[] {
  const lines: string[] = [];
  for (const r of view.removed) {
    lines.push(`- **Removed** ${md(r.severity ?? "")} ${code(r.name)} (${md(shortType(r.type))})${r.source ? `, was at ${code(r.source)}` : ""}`);
  }
  for (const t of view.thresholds) {
    const { before, after } = beforeAfter(t);
    const marker = isRetention(t) ? "**Shorter retention**" : "**Looser**";
    const severity = t.row.severity ? `${md(t.row.severity)} ` : "";
    const service = t.row.service ? `${code(t.row.service)} · ` : "";
    const where = t.row.source ? ` · ${code(t.row.source)}` : "";
    const reason = t.reason ? ` — ${md(t.reason, 200)}` : "";
    lines.push(`- ${marker} ${severity}${service}${md(t.row.what, 120)} · ${md(t.row.setting)}: ${code(before)} → ${code(after)}${reason} (${code(t.row.resource)})${where}`);
  }
  for (const line of view.other) {
    const m = /^(Removed|Looser|Shorter|Shortened)\b\s*(.*)$/s.exec(line);
    lines.push(m ? `- **${m[1]}** ${md(m[2], 400)}` : `- ${md(line, 400)}`);
  }
  return lines;
}

function resourceSection(title: string, priority: number, list: readonly ResourceChange[]): Section | undefined {
  if (list.length === 0) return undefined;
  const d = details(`${title} (${list.length})`);
  return {
    title: `${title.toLowerCase()} (${list.length})`,
    priority,
    head: d.head(tableHeader(["resource", "type", "severity", "source"])),
    blocks: list.map((r) => row([code(r.name, true), md(shortType(r.type)), md(r.severity ?? ""), sourceCell(r.source)])),
    tail: d.tail,
    splittable: true,
  };
}

function policySection(title: string, priority: number, list: readonly PlanPolicyResult[]): Section | undefined {
  if (list.length === 0) return undefined;
  const d = details(`${title} (${list.length})`);
  return {
    title: `${title.toLowerCase()} (${list.length})`,
    priority,
    head: d.head(tableHeader(["level", "policy", "resource", "message"])),
    blocks: list.map((p) =>
      row([p.enforcementLevel === "mandatory" ? "**mandatory**" : md(p.enforcementLevel), code(`${p.pack}/${p.policy}`, true), p.urn ? code(urnName(p.urn), true) : "(stack)", md(p.message, 400)]),
    ),
    tail: d.tail,
    splittable: true,
  };
}

function markdownSections(diff: PlanDiff, head: Plan): Section[] {
  const view = loudView(diff);
  const counts = directionCounts(diff);
  const sections: Section[] = [];
  const stack = diff.stack;

  sections.push({
    title: "heading",
    priority: 0,
    required: true,
    head:
      `${commentMarker(stack)}\n` +
      `## Lookout diff: stack ${code(stack)}\n\n` +
      `Base ${code(diff.base.ref)} (${code(shortCommit(diff.base.commit))}) → head ${code(diff.head.ref)}: what the plans give Datadog, PagerDuty, Sentry, AWS and Grafana, policies included.`,
    blocks: [],
    tail: "",
    splittable: false,
  });

  const mass = diff.massRemoval;
  if (mass?.triggered) {
    sections.push({
      title: "mass removal",
      priority: 0,
      required: true,
      head:
        // A GitHub caution alert (PF-GIT-5).
        `> [!CAUTION]\n> **Mass removal**: ${md(massRemovalSentence(mass), 2_000)}\n\n` +
        `${tableHeader(["concern", "resources: base → head", "removed"])}\n${massRemovalRows(mass).map(([concern, counts, removed]) => row([md(concern), counts, `**${md(removed)}**`])).join("\n")}`,
      blocks: [],
      tail: "",
      splittable: false,
    });
  }

  const blocked = diff.blocked ?? [];
  if (blocked.length > 0) {
    sections.push({
      title: `blocked deletions (${blocked.length})`,
      priority: 0,
      required: true,
      head:
        `> [!CAUTION]\n> **Blocked (${blocked.length})**: this change deletes protected resources; \`pulumi up\` would refuse it after merge, so \`lookout diff\` exits 1.\n\n` +
        blocked.map((b) => `- **${b.how === "removed" ? "Removed" : "Replaced"}** protected ${code(b.name)} (${md(shortType(b.type))})${b.source ? ` at ${code(b.source)}` : ""}: ${md(b.guidance, 600)}`).join("\n"),
      blocks: [],
      tail: "",
      splittable: false,
    });
  }

  const loud = loudLines(view);
  sections.push(
    loud.length > 0
      ? {
          title: `removed or loosened P0/P1 (${loud.length})`,
          priority: 1,
          head: `### Needs attention (${loud.length})\n\nRemoved or loosened P0/P1 alerts and shortened retention:\n\n`,
          blocks: loud,
          tail: "",
          splittable: true,
        }
      : {
          title: "needs attention",
          priority: 1,
          required: true,
          head: isEmptyDiff(diff)
            ? "No changes: base and head plan the same resources, thresholds and policy results."
            : "Nothing at P0/P1 was removed or loosened, and no retention was shortened.",
          blocks: [],
          tail: "",
          splittable: false,
        },
  );

  const introducedMandatory = diff.policies.introduced.filter((p) => p.enforcementLevel === "mandatory").length;
  const summaryRows: [string, string][] = [
    ["resources added", String(diff.added.length)],
    ["resources removed", String(diff.removed.length)],
    ["resources replaced", String(diff.replaced.length)],
    ...((diff.renamed?.length ?? 0) > 0 ? [["resources renamed", String(diff.renamed?.length)] as [string, string]] : []),
    ["resources changed", String(diff.changed.length)],
    ["thresholds looser", counts.looser > 0 ? `**${counts.looser}**${counts.urgentLooser > 0 ? ` (${counts.urgentLooser} P0/P1 or retention)` : ""}` : "0"],
    ["thresholds tighter", String(counts.tighter)],
    ["thresholds neutral", String(counts.neutral)],
    ["policy violations introduced", diff.policies.introduced.length > 0 ? `**${diff.policies.introduced.length}**${introducedMandatory > 0 ? ` (${introducedMandatory} mandatory)` : ""}` : "0"],
    ["policy violations fixed", String(diff.policies.fixed.length)],
  ];
  sections.push({
    title: "summary",
    priority: 0,
    required: true,
    head: `### Summary\n\n${tableHeader(["change", "count"])}\n${summaryRows.map(([k, v]) => row([k, v])).join("\n")}`,
    blocks: [],
    tail: "",
    splittable: false,
  });

  if (diff.thresholds.length > 0) {
    const d = details(`Threshold changes (${diff.thresholds.length}: ${counts.looser} looser, ${counts.tighter} tighter, ${counts.neutral} neutral)`);
    sections.push({
      title: `threshold changes (${diff.thresholds.length})`,
      priority: 2,
      head: d.head(tableHeader(["service", "what", "setting", "before → after", "direction", "severity", "source"])),
      blocks: diff.thresholds.map((t) => {
        const { before, after } = beforeAfter(t);
        return row([
          t.row.service ? code(t.row.service, true) : "",
          md(t.row.what, 120),
          md(t.row.setting),
          `${code(before, true)} → ${code(after, true)}`,
          directionCell(t),
          md(t.row.severity ?? ""),
          sourceCell(t.row.source),
        ]);
      }),
      tail: d.tail,
      splittable: true,
    });
  }

  const added = resourceSection("Resources added", 7, diff.added);
  const removed = resourceSection("Resources removed", 4, diff.removed);
  if (added) sections.push(added);
  if (removed) sections.push(removed);
  const renamed = diff.renamed ?? [];
  if (renamed.length > 0) {
    const d = details(`Resources renamed (${renamed.length}): aliased, so Pulumi moves their state instead of replacing them`);
    sections.push({
      title: `resources renamed (${renamed.length})`,
      priority: 6,
      head: d.head(tableHeader(["renamed", "type", "source"])),
      blocks: renamed.map((r) => row([`${code(r.before.name, true)} → ${code(r.after.name, true)}`, md(shortType(r.after.type)), sourceCell(r.after.source)])),
      tail: d.tail,
      splittable: true,
    });
  }
  if (diff.replaced.length > 0) {
    const d = details(`Resources replaced (${diff.replaced.length}): a new URN, so Pulumi deletes and recreates them unless aliased`);
    sections.push({
      title: `resources replaced (${diff.replaced.length})`,
      priority: 5,
      head: d.head(tableHeader(["resource", "type", "before", "after", "source"])),
      blocks: diff.replaced.map((r) =>
        row([code(r.after.name, true), md(shortType(r.after.type)), code(typeChain(r.before.urn), true, 400), code(typeChain(r.after.urn), true, 400), sourceCell(r.after.source ?? r.before.source)]),
      ),
      tail: d.tail,
      splittable: true,
    });
  }
  if (diff.changed.length > 0) {
    const d = details(`Resources changed (${diff.changed.length})`);
    sections.push({
      title: `resources changed (${diff.changed.length})`,
      priority: 6,
      head: d.head(tableHeader(["resource", "type", "severity", "inputs changed", "source"])),
      blocks: diff.changed.map((r) => row([code(r.name, true), md(shortType(r.type)), md(r.severity ?? ""), md(r.keys.join(", "), 300), sourceCell(r.source)])),
      tail: d.tail,
      splittable: true,
    });
  }
  const introduced = policySection("Policy violations introduced", 3, diff.policies.introduced);
  const fixed = policySection("Policy violations fixed", 8, diff.policies.fixed);
  if (introduced) sections.push(introduced);
  if (fixed) sections.push(fixed);

  const escalation = escalationOf(head);
  if (escalation.policies.length > 0 || escalation.orphanServices.length > 0) {
    const d = details(
      `Escalation in the head plan (${plural(escalation.policies.length, "policy", "policies")}, ${plural(
        escalation.policies.reduce((n, p) => n + p.services.length, 0) + escalation.orphanServices.length,
        "PagerDuty service",
      )})`,
      touchesEscalation(diff),
    );
    sections.push({
      title: "escalation diagram",
      priority: 9,
      head: d.head(),
      blocks: [
        "Each level is paged in turn; its minutes are the wait for an acknowledgement before the next level. " +
          "In a preview, schedule IDs do not exist yet: a schedule is named from the policy's dependencies, and a team with several schedules shows them all.\n\n" +
          "```mermaid\n" +
          escalationMermaid(escalation) +
          "\n```",
      ],
      tail: d.tail,
      splittable: false,
    });
  }
  return sections;
}

/** The first line of the comment: CI finds and updates the stack's one comment by it. */
export function commentMarker(stack: string): string {
  return `<!-- lookout-diff:${stack.replace(/[^\w.-]/g, "-").replace(/-{2,}/g, "-")} -->`;
}

function truncationNote(diff: PlanDiff, left: readonly string[]): string {
  return (
    `---\n**Truncated** to stay under GitHub's ${GITHUB_COMMENT_MAX.toLocaleString("en-US")}-character comment limit. Left out: ${left.join("; ")}.\n` +
    `The whole report is ${code(fullReportFile(diff.stack))} in the ${code(DIFF_ARTIFACT)} artifact of this workflow run (never truncated).`
  );
}

const SEPARATOR = "\n\n";

/**
 * The diff as a pull-request comment. Order: the marker line, a heading, what must be
 * seen first (a mass removal; removed or loosened P0/P1, shortened retention), a summary table, the
 * details in collapsible sections (threshold changes; resources added, removed,
 * replaced, changed; policy results) and the escalation diagram of the head plan.
 *
 * Over `limit` characters (default 65,000, under GitHub's 65,536), sections are left
 * out from the least important (the diagram, then resource details) and long tables
 * and lists keep only their first rows; a table row, list item or code fence is never
 * cut, and a closing note names what was left out and how to see it all.
 */
export function renderDiffMarkdown(diff: PlanDiff, head: Plan, options: { limit?: number } = {}): string {
  const limit = options.limit ?? DEFAULT_COMMENT_LIMIT;
  const sections = markdownSections(diff, head);
  const full = sections.map((s) => render(s)).join(SEPARATOR) + "\n";
  if (full.length <= limit) return full;
  // Room for the note: every optional section named, with margin; more if that was short.
  const optional = sections.filter((s) => !s.required);
  let reserve = truncationNote(diff, optional.map((s) => `${s.title}: ${s.blocks.length} of ${s.blocks.length}`)).length + 64;
  for (;;) {
    const text = fitSections(diff, sections, limit - reserve);
    if (text.length <= limit || reserve >= limit) return text;
    reserve += text.length - limit + 64;
  }
}

/** Keeps the required sections, then the others by priority while they fit `budget`; closes with the note. */
function fitSections(diff: PlanDiff, sections: readonly Section[], budget: number): string {
  const chosen = new Map<Section, string>();
  let used = 0;
  for (const s of sections.filter((x) => x.required)) {
    const text = render(s);
    chosen.set(s, text);
    used += text.length + SEPARATOR.length;
  }
  const left: string[] = [];
  for (const s of [...sections].filter((x) => !x.required).sort((a, b) => a.priority - b.priority)) {
    const room = budget - used - SEPARATOR.length;
    const whole = render(s);
    if (whole.length <= room) {
      chosen.set(s, whole);
      used += whole.length + SEPARATOR.length;
      continue;
    }
    let kept = 0;
    if (s.splittable) {
      let size = render(s, [], s.blocks.length).length;
      while (kept < s.blocks.length && size + s.blocks[kept].length + 1 <= room) {
        size += s.blocks[kept].length + 1;
        kept++;
      }
    }
    if (kept > 0) {
      const text = render(s, s.blocks.slice(0, kept), s.blocks.length - kept);
      chosen.set(s, text);
      used += text.length + SEPARATOR.length;
      left.push(`${s.title}: ${s.blocks.length - kept} of ${s.blocks.length}`);
    } else {
      left.push(s.title);
    }
  }
  const body = sections.filter((s) => chosen.has(s)).map((s) => chosen.get(s)!);
  return `${[...body, truncationNote(diff, left)].join(SEPARATOR)}\n`;
}

// ---------------------------------------------------------------------------------
// Text
// ---------------------------------------------------------------------------------

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
