/**
 * `lookout policies [--json | --markdown] [--policy-pack DIR]…`: every rule of the
 * project's policy pack (`policies/`) and of any extra pack, as the packs themselves
 * declare them over the Analyzer gRPC protocol (GetAnalyzerInfo): name, enforcement
 * level, severity, description, each config property's default, and the guides the rule
 * cites. The README's policy table is `--markdown`'s output (test/policiesCli.test.ts
 * fails when the two drift).
 */
import Table from "cli-table3";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { EXIT } from "./exitCodes";
import { InputError } from "../errors";
import { describePolicyPacks, type EnforcementLevel, type JsonValue, type PolicyPackInfo, type PolicySeverity } from "../engine/analyzer";
import { projectModuleDir } from "../engine/compiled";
import { policyPackDir } from "../engine/plan";
import { findProjectRoot, readUserConfigFile } from "../engine/stackConfig";

export interface PoliciesFlags {
  policyPack: string[];
  json?: boolean;
  markdown?: boolean;
}

/** One rule, as `lookout policies --json` prints it. */
export interface PolicyRule {
  readonly pack: string;
  readonly name: string;
  readonly enforcementLevel: EnforcementLevel;
  /** "" when the rule declares none. */
  readonly severity: PolicySeverity;
  readonly description: string;
  /** Each config property's default (null: the property has none), in schema order. */
  readonly config: Readonly<Record<string, JsonValue>>;
  /** The guides and vendor facts cited by the description and the config descriptions ([] when none). */
  readonly sources: readonly string[];
}

/** A guide number 000–004 standing alone (not in "10,000" or "0.001"), and the title after it. */
const GUIDE_MENTION = /(?<![\d.,$])\b(00[0-4])\b(?![.,]?\d)(?:'s)?(?:\s+(?:[A-Z&][\w&'-]*|guide|\d+))*/g;
const DESIGN_MENTION = /DESIGN\.md(?:'s)?(?:\s+(rule\s+\d+|severity ladder))?/g;
/** A vendor fact of docs/provider-facts.md, by its ID (`PF-SEN-7`, `PF-DD-MON-3`). */
const FACT_MENTION = /\bPF-[A-Z]+(?:-[A-Z]+)*-\d+\b/g;
/** A section: `§` and its heading, up to a clause break or a quotation. */
const SECTION = /§\s*"?([^§();:,"\u201c\u201d]+)/g;

/** A heading ends before a lower-case continuation ("§6 answers them…"), a range or a severity. */
function cleanSection(text: string): string {
  const kept: string[] = [];
  for (const word of text.trim().replace(/[.\s]+$/, "").split(/\s+/)) {
    if (kept.length > 0 && ((/^[a-z]/.test(word) && !/^(and|of|&)$/.test(word)) || /^\d+[–-]\d+$/.test(word) || /^P\d$/.test(word))) break;
    kept.push(word);
  }
  while (kept.length > 0 && /^(and|of|&)$/.test(kept[kept.length - 1])) kept.pop();
  return kept.join(" ");
}

/**
 * The guide citations in some texts: guides 000–004, each with the `§` sections cited
 * after it (up to the next guide or the next `;`), e.g. "001 §6 On-Call Rotation", and
 * DESIGN.md (with "rule N" or "severity ladder" when given), and the vendor facts of
 * docs/provider-facts.md by ID (`PF-SEN-7`); deduplicated (a section that is the start of a
 * longer one cited too is left out), guides in number order, then the facts, DESIGN.md
 * last. A section cited without its guide number is not attributable and is left out.
 */
export function citationsOf(...texts: readonly string[]): string[] {
  const found = new Map<string, string[]>();
  const add = (source: string, section: string): void => {
    const sections = found.get(source) ?? [];
    if (section !== "" && !sections.includes(section)) sections.push(section);
    found.set(source, sections);
  };
  for (const text of texts) {
    const mentions = [
      ...[...text.matchAll(GUIDE_MENTION)].map((m) => ({ source: m[1], detail: "", start: m.index, end: m.index + m[0].length })),
      ...[...text.matchAll(DESIGN_MENTION)].map((m) => ({ source: "DESIGN.md", detail: m[1] ?? "", start: m.index, end: m.index + m[0].length })),
      ...[...text.matchAll(FACT_MENTION)].map((m) => ({ source: m[0], detail: "", start: m.index, end: m.index + m[0].length })),
    ].sort((a, b) => a.start - b.start);
    mentions.forEach((mention, i) => {
      if (mention.source === "DESIGN.md" || mention.source.startsWith("PF-")) return add(mention.source, mention.detail);
      const segment = text.slice(mention.end, mentions[i + 1]?.start ?? text.length).split(";")[0];
      const sections = [...segment.matchAll(SECTION)].map((m) => cleanSection(m[1])).filter((s) => s !== "");
      if (sections.length === 0) add(mention.source, "");
      for (const section of sections) add(mention.source, `§${section}`);
    });
  }
  const order = (source: string): string => (source === "DESIGN.md" ? "999" : source.startsWith("PF-") ? `500 ${source}` : source);
  return [...found.entries()]
    .sort(([a], [b]) => order(a).localeCompare(order(b), "en", { numeric: true }))
    .map(([source, sections]) => {
      const kept = sections.filter((s) => !sections.some((other) => other !== s && other.startsWith(`${s} `)));
      return kept.length === 0 ? source : `${source} ${kept.join(", ")}`;
    });
}

/** The rules of the described packs, in pack order then name order. */
export function rulesOf(packs: readonly PolicyPackInfo[]): PolicyRule[] {
  return packs.flatMap((pack) =>
    pack.policies.map((policy): PolicyRule => {
      const properties = Object.entries(policy.configSchema?.properties ?? {});
      const propertyTexts = properties.map(([, schema]) => (typeof schema.description === "string" ? schema.description : ""));
      return {
        pack: pack.name,
        name: policy.name,
        enforcementLevel: policy.enforcementLevel,
        severity: policy.severity,
        description: policy.description,
        config: Object.fromEntries(properties.map(([key, schema]) => [key, schema.default ?? null])),
        sources: citationsOf(policy.description, ...propertyTexts),
      };
    }),
  );
}

const NONE = "—";

function sourcesText(rule: PolicyRule): string {
  return rule.sources.length === 0 ? NONE : rule.sources.join("; ");
}

function valueText(value: JsonValue): string {
  return JSON.stringify(value);
}

/** Markdown cell text: one line, pipes and HTML/emphasis characters escaped. */
function cell(text: string): string {
  return text
    .replace(/\s+/g, " ")
    .trim()
    .replace(/\\/g, "\\\\")
    .replace(/\|/g, "\\|")
    .replace(/</g, "\\<")
    .replace(/\*/g, "\\*");
}

function configMarkdown(rule: PolicyRule): string {
  return Object.entries(rule.config)
    .map(([key, value]) => {
      if (value === null) return `\`${key}\``;
      const shown = typeof value === "number" || typeof value === "boolean" ? valueText(value) : `\`${valueText(value).replace(/\|/g, "\\|")}\``;
      return `\`${key}\` (${shown})`;
    })
    .join(", ");
}

/**
 * The README's policy table (its "## Policies" section, between the
 * `<!-- policies:start -->` and `<!-- policies:end -->` markers): one row per rule.
 * A rule of a pack other than the first is named with its pack.
 */
export function policyTableMarkdown(rules: readonly PolicyRule[]): string {
  const firstPack = rules[0]?.pack;
  const lines = ["| policy | level | what it holds | config (default) | source |", "|---|---|---|---|---|"];
  for (const rule of rules) {
    const name = rule.pack === firstPack ? `\`${rule.name}\`` : `\`${rule.name}\` (${cell(rule.pack)})`;
    lines.push(`| ${name} | ${rule.enforcementLevel} | ${cell(rule.description)} | ${configMarkdown(rule)} | ${cell(sourcesText(rule))} |`);
  }
  return `${lines.join("\n")}\n`;
}

/** The terminal table (a pack column only when several packs are listed). */
export function policyTableText(rules: readonly PolicyRule[]): string {
  const several = new Set(rules.map((r) => r.pack)).size > 1;
  const nameWidth = Math.max(8, ...rules.map((r) => r.name.length)) + 2;
  const table = new Table({
    head: [...(several ? ["pack"] : []), "policy", "level", "severity", "description", "config (default)", "source"],
    style: { head: [], border: [] },
    wordWrap: true,
    colWidths: [...(several ? [Math.max(6, ...rules.map((r) => r.pack.length)) + 2] : []), nameWidth, 11, 10, 56, 42, 34],
  });
  for (const rule of rules) {
    const config = Object.entries(rule.config).map(([key, value]) => (value === null ? key : `${key}: ${valueText(value)}`));
    table.push([...(several ? [rule.pack] : []), rule.name, rule.enforcementLevel, rule.severity || NONE, rule.description, config.join("\n") || NONE, rule.sources.join("\n") || NONE]);
  }
  return table.toString();
}

function projectName(root: string): string {
  const file = path.join(root, "Pulumi.yaml");
  try {
    const doc: unknown = parseYaml(readUserConfigFile(file, root, false));
    const name = typeof doc === "object" && doc !== null ? (doc as Record<string, unknown>).name : undefined;
    if (typeof name === "string" && name !== "") return name;
  } catch {
    // reported below
  }
  throw new InputError(`${file}: missing project name`);
}

/** Starts the project's pack and the extra packs as `lookout plan` does and lists their rules. */
export async function listPolicies(projectRoot: string, extraPacks: readonly string[] = []): Promise<PolicyRule[]> {
  const packs = [projectModuleDir(projectRoot, "policies"), ...extraPacks].map(policyPackDir);
  const described = await describePolicyPacks(packs, { project: projectName(projectRoot), stack: "", dryRun: true });
  return rulesOf(described);
}

export async function policies(flags: PoliciesFlags, write: (text: string) => void): Promise<number> {
  if (flags.json && flags.markdown) throw new InputError("--json and --markdown exclude each other");
  const rules = await listPolicies(findProjectRoot(process.cwd()), flags.policyPack);
  if (flags.json) write(`${JSON.stringify(rules, null, 2)}\n`);
  else if (flags.markdown) write(policyTableMarkdown(rules));
  else {
    const packs = new Set(rules.map((r) => r.pack)).size;
    write(`${policyTableText(rules)}\n${rules.length} rule${rules.length === 1 ? "" : "s"} in ${packs} pack${packs === 1 ? "" : "s"}\n`);
  }
  return EXIT.ok;
}
