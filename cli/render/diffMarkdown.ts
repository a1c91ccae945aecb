/**
 * The diff as a pull-request comment (Markdown): the marker line, a heading, what must be
 * seen first, a summary, the details in collapsible sections and the head plan's
 * escalation diagram, cut to fit by `comment.ts`. Every value passes through `maskSecrets`.
 */
import type { Plan, PlanPolicyResult } from "../engine/plan";
import { escalationOf, touchesEscalation } from "../reports/escalation";
import type { PlanDiff, ResourceChange, ThresholdChange } from "../reports/model";
import { beforeAfter, costRows, directionCounts, isEmptyDiff, isRetention, type LoudView, loudView, massRemovalRows, massRemovalSentence, plural, shortCommit, shortType, typeChain, urnName } from "../reports/diffView";
import { commentMarker, DEFAULT_COMMENT_LIMIT, fitSections, render, type Section, SEPARATOR, truncationNote } from "./comment";
import { escalationMermaid } from "./escalation";
import { code, details, md, row, sourceCell, tableHeader } from "./markdown";

const LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration";

function directionCell(t: ThresholdChange): string {
  const reason = t.reason ? `: ${md(t.reason, 200)}` : "";
  if (t.direction !== "looser") return `${t.direction}${reason}`;
  return isRetention(t) ? `**looser** (shorter retention)${reason}` : `**looser**${reason}`;
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

/** What a change did to a resource, in the order a service's table lists them. */
const CHANGE_KINDS = ["removed", "changed", "added"] as const;

/**
 * Added, removed and changed resources, one collapsed section per service (stack-wide ones
 * last, in their own): the summary counts each kind and says when it removes a P0/P1 alert
 * or retention rules (then it is open). Each is kept or left out whole, those that remove
 * first (priority 4, as removals were), then changes (6), then additions (7).
 */
function serviceResourceSections(diff: PlanDiff, view: LoudView): Section[] {
  const groups = new Map<string, { kind: (typeof CHANGE_KINDS)[number]; change: ResourceChange; keys?: readonly string[] }[]>();
  const add = (kind: (typeof CHANGE_KINDS)[number], change: ResourceChange, keys?: readonly string[]) => {
    const key = change.service ?? "";
    groups.set(key, [...(groups.get(key) ?? []), { kind, change, ...(keys ? { keys } : {}) }]);
  };
  for (const r of diff.removed) add("removed", r);
  for (const r of diff.changed) add("changed", r, r.keys);
  for (const r of diff.added) add("added", r);
  const loudOf = (list: readonly { kind: string; change: ResourceChange }[]) =>
    list.some((x) => x.kind === "removed" && (view.removed.includes(x.change) || x.change.type === LIFECYCLE));
  const order = [...groups.keys()].sort((a, b) => (a === "" ? 1 : 0) - (b === "" ? 1 : 0) || Number(loudOf(groups.get(b)!)) - Number(loudOf(groups.get(a)!)) || a.localeCompare(b));
  return order.map((service): Section => {
    const list = groups.get(service)!;
    const count = (kind: string) => list.filter((x) => x.kind === kind).length;
    const counts = CHANGE_KINDS.filter((k) => count(k) > 0).map((k) => `${count(k)} ${k}`).join(", ");
    const loud = loudOf(list);
    const name = service === "" ? "Stack-wide resources" : `Resources of ${md(service, 100)}`;
    const d = details(`${name} (${list.length}: ${counts})${loud ? " — removes P0/P1 alerts or retention" : ""}`, loud);
    return {
      title: service === "" ? `stack-wide resources (${list.length})` : `resources of ${service} (${list.length})`,
      priority: count("removed") > 0 ? 4 : count("changed") > 0 ? 6 : 7,
      head: d.head(tableHeader(["change", "resource", "type", "severity", "inputs changed", "source"])),
      blocks: CHANGE_KINDS.flatMap((kind) =>
        list.filter((x) => x.kind === kind).map((x) => row([kind === "removed" ? "**removed**" : kind, code(x.change.name, true), md(shortType(x.change.type)), md(x.change.severity ?? ""), md(x.keys?.join(", ") ?? "", 300), sourceCell(x.change.source)])),
      ),
      tail: d.tail,
      splittable: false,
      family: "resources of services",
    };
  });
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

  const likely = diff.likelyRenames ?? [];
  if (likely.length > 0) {
    sections.push({
      title: `likely renames (${likely.length})`,
      priority: 1,
      head: `### Likely renames (${likely.length})\n\n`,
      blocks: likely.map(
        (r) =>
          `- ${code(r.from)} → ${code(r.to)} looks like a rename (${plural(r.resources.length, "resource")} with the same inputs under the new name, which Pulumi would delete and create): ` +
          `add ${code(r.add)} under the ${r.what === "service" ? "service" : "entry"} ${code(r.to)}${r.at ? ` at ${code(r.at)}` : ""} to keep their history`,
      ),
      tail: "",
      splittable: true,
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
    ...(diff.cost ? costRows(diff.cost).map(([k, v]): [string, string] => [k, md(v)]) : []),
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

  // One collapsed section per service (on-call and storage rows under their team or
  // backup), in the order of their first change (loud ones first): kept or left out whole.
  const byService = new Map<string, ThresholdChange[]>();
  for (const t of diff.thresholds) byService.set(t.row.service, [...(byService.get(t.row.service) ?? []), t]);
  for (const [service, list] of byService) {
    const c = { looser: 0, tighter: 0, neutral: 0 };
    for (const t of list) c[t.direction]++;
    const name = service === "" ? "the stack" : md(service, 100);
    const d = details(`Threshold changes of ${name} (${list.length}: ${c.looser} looser, ${c.tighter} tighter, ${c.neutral} neutral)`, list.some((t) => t.loud));
    sections.push({
      title: `threshold changes of ${service === "" ? "the stack" : service} (${list.length})`,
      priority: 2,
      head: d.head(tableHeader(["service", "what", "setting", "before → after", "direction", "severity", "source"])),
      blocks: list.map((t) => {
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
      splittable: false,
      family: "threshold changes of services",
    });
  }

  sections.push(...serviceResourceSections(diff, view));
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
