/**
 * A pull-request comment that fits: GitHub's limit, the sticky marker of each stack, and
 * the cutting of sections (whole, least important first) with a closing note that points
 * to the full report in the workflow's artifact.
 */
import type { PlanDiff } from "../reports/model";
import { code } from "./markdown";

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

/** One atomic piece of a section: a table row, a list item, a code fence. */
export interface Section {
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

export function render(section: Section, blocks: readonly string[] = section.blocks, omitted = 0): string {
  const body = blocks.join("\n");
  const more = omitted > 0 ? `\n\n_… and ${omitted} more left out here (see the note at the end)._` : "";
  return `${section.head}${body}${more}${section.tail}`;
}

/** The first line of the comment: CI finds and updates the stack's one comment by it. */
export function commentMarker(stack: string): string {
  return `<!-- lookout-diff:${stack.replace(/[^\w.-]/g, "-").replace(/-{2,}/g, "-")} -->`;
}

export function truncationNote(diff: PlanDiff, left: readonly string[]): string {
  return (
    `---\n**Truncated** to stay under GitHub's ${GITHUB_COMMENT_MAX.toLocaleString("en-US")}-character comment limit. Left out: ${left.join("; ")}.\n` +
    `The whole report is ${code(fullReportFile(diff.stack))} in the ${code(DIFF_ARTIFACT)} artifact of this workflow run (never truncated).`
  );
}

export const SEPARATOR = "\n\n";

/** Keeps the required sections, then the others by priority while they fit `budget`; closes with the note. */
export function fitSections(diff: PlanDiff, sections: readonly Section[], budget: number): string {
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
