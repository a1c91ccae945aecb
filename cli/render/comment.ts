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
  /** One of many alike sections (a service's threshold changes): the note counts them under this name instead of naming each. */
  readonly family?: string;
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

/** The most left-out parts the note names one by one; the rest it counts. */
const NOTE_NAMES = 12;

export function truncationNote(diff: PlanDiff, left: readonly string[]): string {
  const named = left.length > NOTE_NAMES ? [...left.slice(0, NOTE_NAMES), `and ${left.length - NOTE_NAMES} more`] : left;
  return (
    `---\n**Truncated** to stay under GitHub's ${GITHUB_COMMENT_MAX.toLocaleString("en-US")}-character comment limit. Left out: ${named.join("; ")}.\n` +
    `The whole report is ${code(fullReportFile(diff.stack))} in the ${code(DIFF_ARTIFACT)} artifact of this workflow run (never truncated).`
  );
}

export const SEPARATOR = "\n\n";

/** What a required section may always take, even when earlier ones are cut. */
const REQUIRED_SHARE = 400;

/** The first whole lines of `text` that fit `room` with a line saying how many were left out. */
function firstLines(text: string, room: number): { text: string; omitted: number } {
  if (text.length <= room) return { text, omitted: 0 };
  const lines = text.split("\n");
  const more = (n: number) => `\n\n_… and ${n} more lines left out here (see the note at the end)._`;
  let size = 0;
  let kept = 0;
  while (kept < lines.length && size + lines[kept].length + 1 + more(lines.length).length <= room) {
    size += lines[kept].length + 1;
    kept++;
  }
  const omitted = lines.length - kept;
  return { text: `${lines.slice(0, kept).join("\n")}${more(omitted)}`, omitted };
}

/** Keeps the required sections, then the others by priority while they fit `budget`; closes with the note. */
export function fitSections(diff: PlanDiff, sections: readonly Section[], budget: number): string {
  const chosen = new Map<Section, string>();
  const left: string[] = [];
  let used = 0;
  // The required sections are kept always, whole when together they fit; otherwise the
  // largest keep their first lines (rows and items stay whole) until they fit.
  const required = sections.filter((x) => x.required);
  const texts = required.map((s) => render(s));
  const cut = new Set<number>();
  const total = () => texts.reduce((n, t) => n + t.length + SEPARATOR.length, 0);
  for (let excess = total() - budget; excess > 0; excess = total() - budget) {
    const candidates = texts.map((t, i) => [t.length, i] as const).filter(([n, i]) => !cut.has(i) && n > REQUIRED_SHARE);
    if (candidates.length === 0) break;
    const [length, i] = candidates.sort((a, b) => b[0] - a[0])[0];
    const { text, omitted } = firstLines(texts[i], Math.max(REQUIRED_SHARE, length - excess));
    cut.add(i);
    if (omitted === 0) continue;
    texts[i] = text;
    left.push(`${required[i].title}: ${omitted} lines`);
  }
  required.forEach((s, i) => {
    chosen.set(s, texts[i]);
    used += texts[i].length + SEPARATOR.length;
  });
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
  // Alike sections left out are counted once, where the first of them stood.
  const families = new Map<string, number>();
  for (const s of sections) if (s.family && !chosen.has(s)) families.set(s.family, (families.get(s.family) ?? 0) + 1);
  const named = new Set<string>();
  const titles = new Map(sections.map((s) => [s.title, s]));
  const counted = left.flatMap((entry) => {
    const family = titles.get(entry)?.family;
    if (!family || chosen.has(titles.get(entry)!)) return [entry];
    if (named.has(family)) return [];
    named.add(family);
    return [`${family}: ${families.get(family)} sections`];
  });
  left.splice(0, left.length, ...counted);
  const body = sections.filter((s) => chosen.has(s)).map((s) => chosen.get(s)!);
  return `${[...body, truncationNote(diff, left)].join(SEPARATOR)}\n`;
}
