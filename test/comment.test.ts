/**
 * The pull-request comment fits whatever the diff: any mix of blocked deletions, likely
 * renames, loud items, threshold rows, resources, policy results and escalation policies,
 * with any text in them, stays under GitHub's limit, keeps the sticky marker first and
 * closes with the note that points to the artifact. And the summary's cost delta prices
 * the synthetics runs as the policy pack's budget rule does.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Plan, PlanResource } from "../cli/engine/plan";
import { DEFAULT_COMMENT_LIMIT, DIFF_ARTIFACT, GITHUB_COMMENT_MAX } from "../cli/render/comment";
import { renderDiffMarkdown } from "../cli/render/diffMarkdown";
import { budgetOf, budgetOfPolicyConfig, costDelta } from "../cli/reports/cost";
import type { PlanDiff, ResourceChange, ThresholdChange, ThresholdRow } from "../cli/reports/model";

const MONITOR = "datadog:index/monitor:Monitor";
const TEST = "datadog:index/syntheticsTest:SyntheticsTest";
const POLICY = "pagerduty:index/escalationPolicy:EscalationPolicy";
const urn = (type: string, name: string) => `urn:pulumi:prod::lookout::${type}::${name}`;

function plan(resources: PlanResource[]): Plan {
  return { project: "lookout", stack: "prod", resources, outputs: {}, policies: [], summary: { resources: resources.length, byType: {}, mandatory: 0, advisory: 0 } };
}

function resource(type: string, name: string, inputs: Record<string, unknown>): PlanResource {
  return { urn: urn(type, name), type, name, dependencies: [], protect: false, inputs };
}

/** A synthetics API test running every `tick` seconds from `locations` locations. */
function check(name: string, tick: number, locations: number): PlanResource {
  return resource(TEST, name, { type: "api", subtype: "http", status: "live", locations: Array.from({ length: locations }, (_, i) => `aws:loc-${i}`), optionsList: { tickEvery: tick } });
}

const text = fc.string({ unit: fc.constantFrom("a", "-", "|", "`", "<", ">", "*", "\n", "é", "x", "0", " "), maxLength: 300 });

function row(i: number, what: string, severity: string): ThresholdRow {
  const name = `alerts-svc${i}-latency`;
  return { urn: urn(MONITOR, name), resource: name, type: MONITOR, kind: "monitor", service: `svc${i}`, what, setting: "critical", value: i, display: `> ${i}`, severity, looserWhen: "higher", source: `stacks/prod.yaml:${i}:9` };
}

const diffs = fc
  .record({
    blocked: fc.nat(400),
    likely: fc.nat(300),
    loud: fc.nat(1_500),
    thresholds: fc.nat(3_000),
    added: fc.nat(3_000),
    changed: fc.nat(2_000),
    policies: fc.nat(500),
    escalation: fc.nat(60),
    words: text,
  })
  .map(({ blocked, likely, loud, thresholds, added, changed, policies, escalation, words }) => {
    const many = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));
    // Most in one of 40 services' sections, every seventh stack-wide.
    const res = (i: number, prefix: string): ResourceChange => ({ urn: urn(MONITOR, `${prefix}-${i}`), type: MONITOR, name: `${prefix}-${i}`, ...(i % 7 === 0 ? {} : { service: `svc${i % 40}` }), severity: "P1", source: `stacks/prod.yaml:${i}:1` });
    const threshold = (i: number, loudly: boolean): ThresholdChange => ({ row: row(i, words, loudly ? "P0" : "P2"), before: row(i, words, "P0"), after: row(i + 1, words, "P0"), direction: "looser", loud: loudly, reason: words });
    const diff: PlanDiff = {
      stack: "prod",
      base: { ref: "origin/main", commit: "0123456789abcdef0123456789abcdef01234567" },
      head: { ref: "working tree" },
      blocked: many(blocked, (i) => ({ urn: urn(MONITOR, `b-${i}`), type: MONITOR, name: `backups-${i}`, how: "removed", guidance: words })),
      likelyRenames: many(likely, (i) => ({ from: `old-${i}${words.slice(0, 20)}`, to: `new-${i}`, what: "service", resources: [], at: `stacks/prod.yaml:${i}:3`, add: `renamedFrom: old-${i}` })),
      added: many(added, (i) => res(i, "alerts-new")),
      removed: many(loud, (i) => res(i, "alerts-gone")),
      replaced: [],
      renamed: [],
      changed: many(changed, (i) => ({ ...res(i, "alerts-changed"), keys: ["message", words] })),
      thresholds: [...many(loud, (i) => threshold(i, true)), ...many(thresholds, (i) => threshold(i, false))],
      policies: { introduced: many(policies, (i) => ({ pack: "lookout", policy: `p-${i}`, enforcementLevel: "mandatory", severity: "high", message: words })), fixed: [] },
      loud: many(loud, (i) => `Removed P1 alerts-gone-${i} ${words}`),
      cost: costDelta(plan([]), plan([check("uptime-a", 60, 3)])),
    };
    const head = plan(many(escalation, (i) => resource(POLICY, `oncall-team-${i}`, { name: `team-${i} ${words}`, numLoops: 1, rules: many(5, () => ({ escalationDelayInMinutes: 5, targets: [{ type: "user_reference", id: "PABC123" }] })) })));
    return { diff, head };
  });

describe("the pull-request comment", () => {
  it("always fits GitHub's limit, marker first, and says where the whole report is when cut", () => {
    fc.assert(
      fc.property(diffs, ({ diff, head }) => {
        const markdown = renderDiffMarkdown(diff, head);
        expect(markdown.length).toBeLessThanOrEqual(DEFAULT_COMMENT_LIMIT);
        expect(markdown.length).toBeLessThan(GITHUB_COMMENT_MAX);
        expect(markdown.split("\n")[0]).toBe("<!-- lookout-diff:prod -->");
        expect((markdown.match(/<details/g) ?? []).length).toBe((markdown.match(/<\/details>/g) ?? []).length);
        expect((markdown.match(/^```/gm) ?? []).length % 2).toBe(0);
        if (markdown.includes("**Truncated**")) {
          expect(markdown.trimEnd().endsWith("artifact of this workflow run (never truncated).")).toBe(true);
          expect(markdown).toContain(`\`${DIFF_ARTIFACT}\` artifact`);
          expect(markdown).not.toMatch(/run `?(npx )?lookout diff/);
        }
      }),
      { numRuns: 25, seed: 17 },
    );
  });

  it("cuts even sections that are always kept (thousands of blocked deletions) to fit, and names what it left out", () => {
    const [{ diff, head }] = fc.sample(diffs, { numRuns: 1, seed: 3 });
    const blocked = Array.from({ length: 5_000 }, (_, i) => ({ urn: urn(MONITOR, `b-${i}`), type: MONITOR, name: `backups-${i}`, how: "removed" as const, guidance: "unprotect it in a separate change first, or retain it" }));
    const markdown = renderDiffMarkdown({ ...diff, blocked }, head);
    expect(markdown.length).toBeLessThanOrEqual(DEFAULT_COMMENT_LIMIT);
    expect(markdown).toContain("### Summary");
    expect(markdown).toMatch(/Left out: [^\n]*blocked deletions \(5000\): \d+ lines/);
  });
});

describe("the summary's cost delta", () => {
  it("prices the synthetics runs as the budget rule does, base → head, against the budget", () => {
    // Every minute from 3 locations: 129,600 runs a month, $64.80 at $5 per 10,000 (the rule's defaults).
    const base = plan([check("uptime-a", 300, 3), resource(MONITOR, "alerts-a", {})]);
    const head = plan([check("uptime-a", 60, 3), resource(MONITOR, "alerts-a", {}), resource(MONITOR, "alerts-b", {})]);
    const cost = costDelta(base, head);
    expect(cost.budget).toEqual({ monthlyBudgetUsd: 60, pricePer10kApiRunsUsd: 5, pricePer1kBrowserRunsUsd: 12 });
    expect(cost.head).toMatchObject({ apiRuns: 129_600, monitors: 2, syntheticsTests: 1 });
    expect(cost.head.usd).toBeCloseTo(64.8);
    expect(cost.base).toMatchObject({ apiRuns: 25_920, monitors: 1 });
    expect(costDelta(base, head, budgetOf({ pricePer10kApiRunsUsd: 10 })).head.usd).toBeCloseTo(129.6);
    const diff: PlanDiff = { stack: "prod", base: { ref: "main", commit: "0".repeat(40) }, head: { ref: "head" }, added: [], removed: [], replaced: [], changed: [], thresholds: [], policies: { introduced: [], fixed: [] }, loud: [], cost };
    const summary = renderDiffMarkdown(diff, head);
    expect(summary).toContain("| synthetics runs a month | 25,920 → 129,600 (+103,680) |");
    expect(summary).toContain("| synthetics cost a month | $12.96 → $64.80 (+$51.84), over the $60.00 budget |");
    expect(summary).toContain("| Datadog monitors | 1 → 2 (+1) |");
  });
});

describe("the cost delta's budget from a policy config (lookout diff --policy-config)", () => {
  it("takes the monitoring-budget entry over the rule's defaults, and ignores the other policies' entries", () => {
    expect(budgetOfPolicyConfig({ all: "mandatory", "monitoring-budget": { monthlyBudgetUsd: 250, pricePer1kBrowserRunsUsd: 20 }, "uptime-frequency-and-locations": { minLocations: 3 } }, "policies/config/prod.json")).toEqual({
      monthlyBudgetUsd: 250,
      pricePer10kApiRunsUsd: 5,
      pricePer1kBrowserRunsUsd: 20,
    });
    // A level alone, or no entry: the defaults.
    expect(budgetOfPolicyConfig({ "monitoring-budget": "mandatory" }, "p.json")).toEqual(budgetOf());
    expect(budgetOfPolicyConfig({}, "p.json")).toEqual(budgetOf());
  });

  it("rejects what the rule's schema rejects, naming the file and the property", () => {
    expect(() => budgetOfPolicyConfig({ "monitoring-budget": { monthlyBudgetUsd: "lots" } }, "policies/config/prod.json")).toThrow(/^policies\/config\/prod\.json: invalid policy config:\n  - monitoring-budget\.monthlyBudgetUsd must be number/);
    expect(() => budgetOfPolicyConfig({ "monitoring-budget": { budget: 10 } }, "p.json")).toThrow('monitoring-budget: "budget" is not a config property of this policy');
    expect(() => budgetOfPolicyConfig({ "monitoring-budget": { enforcementLevel: "loud" } }, "p.json")).toThrow(/^p\.json: invalid policy config:\n  - monitoring-budget\.enforcementLevel/);
  });
});

describe("the comment's resources, one section per service", () => {
  const many = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));
  const res = (service: string | undefined, name: string, severity?: string): ResourceChange => ({ urn: urn(MONITOR, name), type: MONITOR, name, ...(service ? { service } : {}), ...(severity ? { severity } : {}) });
  const base: PlanDiff = { stack: "prod", base: { ref: "main", commit: "0".repeat(40) }, head: { ref: "head" }, added: [], removed: [], replaced: [], changed: [], thresholds: [], policies: { introduced: [], fixed: [] }, loud: [] };

  it("groups added, removed and changed by service, stack-wide last; a section that removes a P0/P1 alert opens and says so", () => {
    const diff: PlanDiff = {
      ...base,
      added: [res("shop", "alerts-shop-new", "P2"), res(undefined, "oncall-slack-ops")],
      removed: [res("shop", "alerts-shop-old", "P3"), res("prompts-uploads", "alerts-prompts-uploads-errors", "P0")],
      changed: [{ ...res("shop", "uptime-shop-home"), keys: ["optionsList"] }],
      loud: ["Removed P0 alerts-prompts-uploads-errors"],
    };
    const markdown = renderDiffMarkdown(diff, plan([]));
    const summaries = [...markdown.matchAll(/<details( open)?><summary><b>(Resources of [^<]*|Stack-wide resources[^<]*)<\/b>/g)].map((m) => `${m[1] ? "open " : ""}${m[2]}`);
    expect(summaries).toEqual([
      "open Resources of prompts-uploads (1: 1 removed) — removes P0/P1 alerts or retention",
      "Resources of shop (3: 1 removed, 1 changed, 1 added)",
      "Stack-wide resources (1: 1 added)",
    ]);
    const shop = markdown.slice(markdown.indexOf("Resources of shop"), markdown.indexOf("Stack-wide resources"));
    expect(shop.split("\n").filter((l) => l.startsWith("| "))).toEqual([
      "| change | resource | type | severity | inputs changed | source |",
      "| **removed** | `alerts-shop-old` | datadog Monitor | P3 |  |  |",
      "| changed | `uptime-shop-home` | datadog Monitor |  | optionsList |  |",
      "| added | `alerts-shop-new` | datadog Monitor | P2 |  |  |",
    ]);
  });

  it("keeps or leaves out each service's section whole under the limit, removals first, and counts those it left out", () => {
    const diff: PlanDiff = {
      ...base,
      added: many(600, (i) => res(`svc${i % 30}`, `alerts-svc${i % 30}-new-${i}`, "P2")),
      removed: many(30, (i) => res(`gone${i}`, `alerts-gone${i}-old`, "P3")),
    };
    const markdown = renderDiffMarkdown(diff, plan([]), { limit: 12_000 });
    expect(markdown.length).toBeLessThanOrEqual(12_000);
    const kept = [...markdown.matchAll(/<summary><b>Resources of (svc\d+|gone\d+) \((\d+):/g)].map((m) => ({ service: m[1], rows: Number(m[2]) }));
    // Every removal kept before any addition; each kept section holds all its rows.
    expect(kept.filter((k) => k.service.startsWith("gone"))).toHaveLength(30);
    expect(kept.length).toBeLessThan(60);
    for (const k of kept) {
      const at = markdown.indexOf(`Resources of ${k.service} (`);
      const section = markdown.slice(at, markdown.indexOf("</details>", at));
      expect(section.split("\n").filter((l) => /^\| (\*\*removed\*\*|added|changed) /.test(l))).toHaveLength(k.rows);
    }
    expect(markdown).not.toContain("more left out here");
    expect(markdown).toMatch(new RegExp(`Left out: [^\n]*resources of services: ${60 - kept.length} sections`));
  });
});

