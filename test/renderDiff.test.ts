import { describe, expect, it } from "vitest";
import type { Plan, PlanPolicyResult, PlanResource } from "../cli/engine/plan";
import type { PlanDiff, ResourceChange, ThresholdChange, ThresholdRow } from "../cli/reports/model";
import { commentMarker, DEFAULT_COMMENT_LIMIT, DIFF_ARTIFACT, GITHUB_COMMENT_MAX } from "../cli/render/comment";
import { renderDiffMarkdown } from "../cli/render/diffMarkdown";
import { renderDiffText } from "../cli/render/diffText";
import { escalationMermaid } from "../cli/render/escalation";
import { maskSecrets } from "../cli/render/mask";
import { escalationOf } from "../cli/reports/escalation";

// ------------------------------------------------------------------------------------
// Hand-built plans and diffs
// ------------------------------------------------------------------------------------

const ONCALL = "lookout:oncall:Oncall";
const TEAM = `${ONCALL}$lookout:oncall:Team`;
const POLICY = "pagerduty:index/escalationPolicy:EscalationPolicy";
const SCHEDULE = "pagerduty:index/schedule:Schedule";
const SERVICE = "pagerduty:index/service:Service";
const MONITOR = "datadog:index/monitor:Monitor";

function urn(chain: string, name: string): string {
  return `urn:pulumi:prod::lookout::${chain}::${name}`;
}

function resource(chain: string, type: string, name: string, inputs: Record<string, unknown>, extra: Partial<PlanResource> = {}): PlanResource {
  return { urn: urn(`${chain}$${type}`, name), type, name, dependencies: [], protect: false, inputs, ...extra };
}

const schedules = {
  web: resource(TEAM, SCHEDULE, "oncall-web-primary", { name: "web-primary" }),
  platformPrimary: resource(TEAM, SCHEDULE, "oncall-web-platform-primary", { name: "web-platform-primary" }),
  platformSecondary: resource(TEAM, SCHEDULE, "oncall-web-platform-secondary", { name: "web-platform-secondary" }),
};
/** Team `web`: no dependencies recorded, so its schedule is found by `<team>-<rotation>` naming (not `web-platform-…`). */
const webPolicy = resource(TEAM, POLICY, "oncall-web", {
  name: "web",
  numLoops: 2,
  rules: [
    { escalationDelayInMinutes: 5, targets: [{ type: "schedule_reference", id: "[unknown]" }] },
    { escalationDelayInMinutes: 10, targets: [{ type: "user_reference", id: "PABC123" }] },
  ],
}, { source: "stacks/prod.yaml:10:5" });
/** Team `web-platform`: two schedules among its dependencies, so a level's schedule is one of them. */
const platformPolicy = resource(TEAM, POLICY, "oncall-web-platform", {
  name: "web-platform",
  numLoops: 0,
  rules: [
    { escalationDelayInMinutes: 5, targets: [{ type: "schedule_reference", id: "[unknown]" }] },
    { escalationDelayInMinutes: 10, targets: [{ type: "schedule_reference", id: "[unknown]" }, { type: "user_reference", id: "PDEF456" }] },
    { escalationDelayInMinutes: 15, targets: [{ type: "user_reference", id: "PXYZ789" }] },
  ],
}, { dependencies: [schedules.platformPrimary.urn, schedules.platformSecondary.urn] });

const head: Plan = {
  project: "lookout",
  stack: "prod",
  resources: [
    schedules.web,
    schedules.platformPrimary,
    schedules.platformSecondary,
    webPolicy,
    platformPolicy,
    // By dependency, by the policy input, by `<product>-<team>` naming, and one the plan cannot place.
    resource(ONCALL, SERVICE, "oncall-shop-web", { name: "shop-web", escalationPolicy: "[unknown]" }, { dependencies: [webPolicy.urn] }),
    resource(ONCALL, SERVICE, "oncall-billing-web", { name: "billing-web", escalationPolicy: "[unknown]" }),
    resource(ONCALL, SERVICE, "oncall-shop-web-platform", { name: "shop-web-platform", escalationPolicy: "[unknown]" }),
    resource(ONCALL, SERVICE, "oncall-legacy", { name: 'legacy "night" <ops> `x`', escalationPolicy: "[unknown]" }),
  ],
  outputs: {},
  policies: [],
  summary: { resources: 9, byType: {}, mandatory: 0, advisory: 0 },
};

function row(overrides: Partial<ThresholdRow> & Pick<ThresholdRow, "resource" | "setting" | "value" | "display">): ThresholdRow {
  return {
    urn: urn(`lookout:alerts:Alerts$lookout:alerts:ServiceAlerts$${MONITOR}`, overrides.resource),
    type: MONITOR,
    kind: "monitor",
    service: "web",
    what: "http.error-rate (error-rate-high)",
    looserWhen: "higher",
    ...overrides,
  };
}

function change(before: ThresholdRow | undefined, after: ThresholdRow | undefined, direction: ThresholdChange["direction"], loud = false): ThresholdChange {
  return { row: (after ?? before)!, ...(before ? { before } : {}), ...(after ? { after } : {}), direction, loud };
}

const looserP0 = change(
  row({ resource: "alerts-web-error-rate-high", setting: "critical", value: 1, display: "> 1", severity: "P0", source: "stacks/prod.yaml:96:9" }),
  row({ resource: "alerts-web-error-rate-high", setting: "critical", value: 5, display: "> 5", severity: "P0", source: "stacks/prod.yaml:96:9" }),
  "looser",
  true,
);
const shorterRetention = change(
  row({ resource: "backups-orders-lifecycle", type: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", kind: "retention", service: "orders", what: "lifecycle daily", setting: "daily-days", value: 30, display: "30 days", looserWhen: "lower", source: "stacks/prod.yaml:300:7" }),
  row({ resource: "backups-orders-lifecycle", type: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", kind: "retention", service: "orders", what: "lifecycle daily", setting: "daily-days", value: 7, display: "7 days", looserWhen: "lower", source: "stacks/prod.yaml:300:7" }),
  "looser",
  true,
);
const tighterP2 = change(
  row({ resource: "alerts-web-latency", what: "http.latency (latency-p95)", setting: "window", value: 600, display: "10m", severity: "P2" }),
  row({ resource: "alerts-web-latency", what: "http.latency (latency-p95)", setting: "window", value: 300, display: "5m", severity: "P2" }),
  "tighter",
);
const newWarning = change(undefined, row({ resource: "alerts-web-latency", what: "http.latency (latency-p95)", setting: "warning", value: 400, display: "> 400", severity: "P2" }), "tighter");
const escalationDelay = change(
  row({ resource: "oncall-web", urn: webPolicy.urn, type: POLICY, kind: "escalation", service: "web", what: "escalation web", setting: "delay-1", value: 300, display: "5 min" }),
  row({ resource: "oncall-web", urn: webPolicy.urn, type: POLICY, kind: "escalation", service: "web", what: "escalation web", setting: "delay-1", value: 300, display: "5 min", looserWhen: "neutral" }),
  "neutral",
);

const removedP0: ResourceChange = { urn: urn(`lookout:alerts:Alerts$${MONITOR}`, "alerts-web-checkout-errors"), type: MONITOR, name: "alerts-web-checkout-errors", service: "web", severity: "P0", source: "stacks/prod.yaml:120:9" };
const removedP3: ResourceChange = { urn: urn(`lookout:alerts:Alerts$${MONITOR}`, "alerts-web-ttfb"), type: MONITOR, name: "alerts-web-ttfb", service: "web", severity: "P3" };
const removedLifecycle: ResourceChange = { urn: urn("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "logs-lifecycle"), type: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", name: "logs-lifecycle" };

const violation: PlanPolicyResult = {
  pack: "lookout-conventions",
  policy: "monitor-tags-and-runbook",
  enforcementLevel: "mandatory",
  severity: "high",
  urn: urn(`lookout:alerts:Alerts$${MONITOR}`, "alerts-web-new"),
  message: "monitor alerts-web-new has no Runbook: https://… line | and a pipe",
};

const diff: PlanDiff = {
  stack: "prod",
  base: { ref: "origin/main", commit: "0123456789abcdef0123456789abcdef01234567" },
  head: { ref: "HEAD" },
  added: [{ urn: urn(`lookout:alerts:Alerts$${MONITOR}`, "alerts-web-new"), type: MONITOR, name: "alerts-web-new", service: "web", severity: "P2", source: "stacks/prod.yaml:130:9" }],
  removed: [removedP0, removedP3, removedLifecycle],
  replaced: [
    {
      before: { urn: urn(`lookout:alerts:Alerts$${MONITOR}`, "alerts-web-moved"), type: MONITOR, name: "alerts-web-moved" },
      after: { urn: urn(`lookout:alerts:Alerts$lookout:alerts:ServiceAlerts$${MONITOR}`, "alerts-web-moved"), type: MONITOR, name: "alerts-web-moved", source: "stacks/prod.yaml:140:9" },
    },
  ],
  changed: [
    { urn: looserP0.row.urn, type: MONITOR, name: "alerts-web-error-rate-high", service: "web", severity: "P0", source: "stacks/prod.yaml:96:9", keys: ["monitorThresholds", "query"] },
    { urn: webPolicy.urn, type: POLICY, name: "oncall-web", keys: ["rules"] },
  ],
  thresholds: [looserP0, shorterRetention, tighterP2, newWarning, escalationDelay],
  policies: { introduced: [violation], fixed: [{ ...violation, policy: "latency-alerts-use-percentiles", enforcementLevel: "advisory" }] },
  loud: [
    "Removed P0 alerts-web-checkout-errors (was stacks/prod.yaml:120:9)",
    "Removed retention rules logs-lifecycle",
    "Looser P0 alerts-web-error-rate-high critical: > 1 → > 5 (stacks/prod.yaml:96:9)",
    "Looser retention backups-orders-lifecycle daily-days: 30 days → 7 days (stacks/prod.yaml:300:7)",
  ],
};

const emptyDiff: PlanDiff = {
  stack: "staging",
  base: { ref: "origin/main", commit: "abcdef0123456789abcdef0123456789abcdef01" },
  head: { ref: "HEAD" },
  added: [],
  removed: [],
  replaced: [],
  changed: [],
  thresholds: [],
  policies: { introduced: [], fixed: [] },
  loud: [],
};
const emptyPlan: Plan = { ...head, stack: "staging", resources: [] };

// ------------------------------------------------------------------------------------
// Markdown checks
// ------------------------------------------------------------------------------------

/** The text between a heading line and the next heading or details block. */
function sectionAfter(markdown: string, heading: string): string {
  const start = markdown.indexOf(heading);
  expect(start).toBeGreaterThanOrEqual(0);
  const rest = markdown.slice(start + heading.length);
  const end = rest.search(/\n(?:###? |<details)/);
  return end < 0 ? rest : rest.slice(0, end);
}

/** Cells of a Markdown table row, honouring `\|`. */
function cells(line: string): string[] {
  return line
    .replace(/\\\|/g, "\u0000")
    .split("|")
    .slice(1, -1)
    .map((c) => c.replace(/\u0000/g, "|").trim());
}

function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((m) => m[1]);
}

/**
 * A structural check of the flowcharts the renderer writes: one header, then node
 * definitions and edges whose IDs are plain words and whose labels are quoted without
 * quotes inside; every node an edge names is defined.
 */
function checkMermaid(block: string): void {
  const [first, ...lines] = block.split("\n");
  expect(first).toBe("flowchart LR");
  const label = String.raw`(?:\("[^"]*"\)|\["[^"]*"\])`;
  const node = new RegExp(String.raw`^  ([a-z][a-z0-9]*)${label}$`);
  const edge = new RegExp(String.raw`^  ([a-z][a-z0-9]*)(${label})? (-->|-\.->)(\|[A-Za-z0-9 ]+\|)? ([a-z][a-z0-9]*)$`);
  const defined = new Set<string>();
  const used: string[] = [];
  for (const line of lines) {
    const n = node.exec(line);
    if (n) {
      defined.add(n[1]);
      continue;
    }
    const e = edge.exec(line);
    expect(e, `not a node or an edge: ${line}`).not.toBeNull();
    if (e![2]) defined.add(e![1]);
    used.push(e![1], e![5]);
  }
  for (const id of used) expect(defined, `undefined node ${id}`).toContain(id);
}

function fencesBalanced(markdown: string): boolean {
  return (markdown.match(/^```/gm) ?? []).length % 2 === 0;
}

/** Every line that starts a table row ends it: nothing was cut inside a row. */
function rowsWhole(markdown: string): boolean {
  return markdown.split("\n").filter((l) => l.startsWith("|")).every((l) => l.endsWith("|") && cells(l).length >= 2);
}

describe("renderDiffMarkdown", () => {
  const markdown = renderDiffMarkdown(diff, head);
  const lines = markdown.split("\n");

  it("starts with the sticky-comment marker of the stack, then the heading naming base and head", () => {
    expect(lines[0]).toBe("<!-- lookout-diff:prod -->");
    expect(lines[0]).toBe(commentMarker("prod"));
    expect(lines[1]).toBe("## Lookout diff: stack `prod`");
    expect(markdown).toContain("Base `origin/main` (`0123456789ab`) → head `HEAD`");
  });

  it("puts what must be seen first before the summary, and the summary before the details", () => {
    const loud = markdown.indexOf("### Needs attention");
    const summary = markdown.indexOf("### Summary");
    const details = markdown.indexOf("<details");
    expect(loud).toBeGreaterThan(0);
    expect(loud).toBeLessThan(summary);
    expect(summary).toBeLessThan(details);
  });

  it("lists removed P0/P1 alerts, loosened P0/P1 thresholds and shortened retention loudly, each once", () => {
    const loud = sectionAfter(markdown, "### Needs attention");
    const items = loud.split("\n").filter((l) => l.startsWith("- "));
    expect(items).toEqual([
      "- **Removed** P0 `alerts-web-checkout-errors` (datadog Monitor), was at `stacks/prod.yaml:120:9`",
      "- **Looser** P0 `web` · http.error-rate (error-rate-high) · critical: `> 1` → `> 5` (`alerts-web-error-rate-high`) · `stacks/prod.yaml:96:9`",
      "- **Shorter retention** `orders` · lifecycle daily · daily-days: `30 days` → `7 days` (`backups-orders-lifecycle`) · `stacks/prod.yaml:300:7`",
      // A line of diff.loud that no structured item stands for is kept.
      "- **Removed** retention rules logs-lifecycle",
    ]);
    // Neither the P3 removal nor the tighter changes are loud.
    expect(loud).not.toContain("alerts-web-ttfb");
    expect(loud).not.toContain("latency");
  });

  it("has a summary table of resources, threshold directions and policy results", () => {
    const table = sectionAfter(markdown, "### Summary").split("\n").filter((l) => l.startsWith("|"));
    expect(table[0]).toBe("| change | count |");
    const counts = Object.fromEntries(table.slice(2).map((l) => cells(l)));
    expect(counts).toEqual({
      "resources added": "1",
      "resources removed": "3",
      "resources replaced": "1",
      "resources changed": "2",
      "thresholds looser": "**2** (2 P0/P1 or retention)",
      "thresholds tighter": "2",
      "thresholds neutral": "1",
      "policy violations introduced": "**1** (1 mandatory)",
      "policy violations fixed": "1",
    });
  });

  it("puts the details in collapsible sections with a blank line after each summary", () => {
    const summaries = [...markdown.matchAll(/<details(?: open)?><summary><b>([^<]*)<\/b><\/summary>\n\n/g)].map((m) => m[1]);
    expect(summaries).toEqual([
      "Threshold changes of web (4: 1 looser, 2 tighter, 1 neutral)",
      "Threshold changes of orders (1: 1 looser, 0 tighter, 0 neutral)",
      "Resources of web (4: 2 removed, 1 changed, 1 added) — removes P0/P1 alerts or retention",
      "Stack-wide resources (2: 1 removed, 1 changed) — removes P0/P1 alerts or retention",
      "Resources replaced (1): a new URN, so Pulumi deletes and recreates them unless aliased",
      "Policy violations introduced (1)",
      "Policy violations fixed (1)",
      "Escalation in the head plan (2 policies, 4 PagerDuty services)",
    ]);
    expect((markdown.match(/<details/g) ?? []).length).toBe((markdown.match(/<\/details>/g) ?? []).length);
  });

  it("shows every threshold change as a row of its service's section: service, what, setting, before → after, direction, severity, source", () => {
    const table = (heading: string) => sectionAfter(markdown, heading).split("\n").filter((l) => l.startsWith("|"));
    const web = table("Threshold changes of web (4");
    const orders = table("Threshold changes of orders (1");
    expect(cells(web[0])).toEqual(["service", "what", "setting", "before → after", "direction", "severity", "source"]);
    const rows = web.slice(2).map(cells);
    expect(rows).toHaveLength(4);
    expect([...rows, ...orders.slice(2).map(cells)].every((r) => r.length === 7)).toBe(true);
    expect(rows[0]).toEqual(["`web`", "http.error-rate (error-rate-high)", "critical", "`> 1` → `> 5`", "**looser**", "P0", "`stacks/prod.yaml:96:9`"]);
    expect(cells(orders[2])[4]).toBe("**looser** (shorter retention)");
    expect(rows[2]).toEqual(["`web`", "http.latency (latency-p95)", "warning", "`(none)` → `> 400`", "tighter", "P2", ""]);
  });

  it("escapes pipes so a message cannot break its table", () => {
    const table = sectionAfter(markdown, "Policy violations introduced (1)").split("\n").filter((l) => l.startsWith("|"));
    expect(cells(table[2])).toEqual(["**mandatory**", "`lookout-conventions/monitor-tags-and-runbook`", "`alerts-web-new`", "monitor alerts-web-new has no Runbook: https://… line | and a pipe"]);
    expect(rowsWhole(markdown)).toBe(true);
  });

  it("shows a replacement by its URN's type chain before and after", () => {
    const table = sectionAfter(markdown, "Resources replaced (1)").split("\n").filter((l) => l.startsWith("|"));
    expect(cells(table[2])).toEqual([
      "`alerts-web-moved`",
      "datadog Monitor",
      "`lookout:alerts:Alerts$datadog:index/monitor:Monitor`",
      "`lookout:alerts:Alerts$lookout:alerts:ServiceAlerts$datadog:index/monitor:Monitor`",
      "`stacks/prod.yaml:140:9`",
    ]);
  });

  it("draws the head plan's escalation as a valid-looking Mermaid flowchart, open when on-call changed", () => {
    const blocks = mermaidBlocks(markdown);
    expect(blocks).toHaveLength(1);
    checkMermaid(blocks[0]);
    expect(markdown).toContain("<details open><summary><b>Escalation in the head plan");
    expect(blocks[0].split("\n")).toEqual([
      "flowchart LR",
      '  p1("escalation policy web")',
      '  p1l1["level 1 · 5 min: schedule web-primary"]',
      '  p1l2["level 2 · 10 min: user PABC123"]',
      "  p1 --> p1l1",
      "  p1l1 -->|not acknowledged| p1l2",
      "  p1l2 -.->|repeat 2 times| p1l1",
      '  p2("escalation policy web-platform")',
      '  p2l1["level 1 · 5 min: schedule (one of web-platform-primary, web-platform-secondary)"]',
      '  p2l2["level 2 · 10 min: schedule (one of web-platform-primary, web-platform-secondary), user PDEF456"]',
      '  p2l3["level 3 · 15 min: user PXYZ789"]',
      "  p2 --> p2l1",
      "  p2l1 -->|not acknowledged| p2l2",
      "  p2l2 -->|not acknowledged| p2l3",
      '  s1["PagerDuty service billing-web"] --> p1',
      '  s2["PagerDuty service shop-web"] --> p1',
      '  s3["PagerDuty service shop-web-platform"] --> p2',
      '  none("escalation policy not in the plan")',
      "  s4[\"PagerDuty service legacy #quot;night#quot; #lt;ops#gt; 'x'\"] --> none",
    ]);
  });

  it("keeps the escalation closed when the diff does not touch PagerDuty, and leaves it out without policies", () => {
    const quiet = renderDiffMarkdown({ ...diff, changed: [], thresholds: [looserP0] }, head);
    expect(quiet).toContain("<details><summary><b>Escalation in the head plan");
    const none = renderDiffMarkdown(diff, emptyPlan);
    expect(mermaidBlocks(none)).toEqual([]);
    expect(none).not.toContain("Escalation in the head plan");
  });

  it("says plainly when nothing changed", () => {
    const text = renderDiffMarkdown(emptyDiff, emptyPlan);
    expect(text.split("\n")[0]).toBe("<!-- lookout-diff:staging -->");
    expect(text).toContain("No changes: base and head plan the same resources, thresholds and policy results.");
    expect(text).not.toContain("<details");
    expect(text).not.toContain("### Needs attention");
    expect(text).toContain("| resources added | 0 |");
  });

  it("says so when there are changes but nothing loud", () => {
    const text = renderDiffMarkdown({ ...diff, removed: [removedP3], thresholds: [tighterP2], loud: [] }, head);
    expect(text).toContain("Nothing at P0/P1 was removed or loosened, and no retention was shortened.");
  });
});

// ------------------------------------------------------------------------------------
// Secrets
// ------------------------------------------------------------------------------------

describe("maskSecrets", () => {
  const hex32 = "0123456789abcdef0123456789abcdef";
  const cases: [string, string, string][] = [
    ["a token in a query", "https://hooks.example.com/notify?token=s3cr3tValue&env=prod", "https://hooks.example.com/notify?token=***&env=prod"],
    ["key=", "https://api.example.com/v1/check?service=web&key=abcDEF123", "https://api.example.com/v1/check?service=web&key=***"],
    ["api_key=", "https://api.datadoghq.com/api/v1/validate?api_key=abc123", "https://api.datadoghq.com/api/v1/validate?api_key=***"],
    ["a signature", "https://bucket.s3.amazonaws.com/x?X-Amz-Credential=AK%2F1&X-Amz-Signature=deadbeef", "https://bucket.s3.amazonaws.com/x?X-Amz-Credential=***&X-Amz-Signature=***"],
    ["sig=", "https://x.blob.core.windows.net/c?sv=2020&sig=abc%2Bdef", "https://x.blob.core.windows.net/c?sv=2020&sig=***"],
    ["password=", "postgres://db/app?password=hunter2&sslmode=require", "postgres://db/app?password=***&sslmode=require"],
    ["a token in a fragment", "https://app.example.com/cb#access_token=abc.def&state=1", "https://app.example.com/cb#access_token=***&state=1"],
    ["userinfo", "https://deploy:pa55word@git.example.com/repo.git", "https://***@git.example.com/repo.git"],
    ["a Sentry DSN", `https://${hex32}@o123456.ingest.sentry.io/4505`, "https://***@o123456.ingest.sentry.io/4505"],
    ["a legacy Sentry DSN", "https://public:secret@sentry.example.com/12", "https://***@sentry.example.com/12"],
    ["a bearer token", "Authorization: Bearer abcDEF123456ghiJKL", "Authorization: Bearer ***"],
    ["a JWT", "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dGhpcyBpcyBhIHNpZw", "token ***"],
    ["a PagerDuty integration key", `integration ${hex32} for web`, "integration *** for web"],
    ["a Datadog app key (40 hex)", "app key 0123456789abcdef0123456789abcdef01234567.", "app key ***."],
    ["random base64 (32+)", "secret is AbC9dEf8GhI7jKl6MnO5pQr4StU3vWx2Yz1+/a= ok", "secret is *** ok"],
    ["a GitHub token", "ghp_0123456789abcdefABCDEF0123456789abcd", "***"],
    ["a Slack bot token", "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp", "***"],
    ["a Slack webhook", "https://hooks.slack.com/services/T0001/B0002/XXXXXXXXXXXXXXXX", "https://hooks.slack.com/services/***"],
    ["an AWS access key ID", "AKIAIOSFODNN7EXAMPLE", "***"],
    ["a quoted password", '{"password": "correct horse battery"}', '{"password": "***"}'],
    ["an apiKey assignment", "apiKey=abc123def", "apiKey=***"],
    ["an integration key assignment", "routing_key: R0UT1NG", "routing_key: ***"],
  ];
  it.each(cases)("masks %s", (_name, input, expected) => {
    expect(maskSecrets(input)).toBe(expected);
  });

  const kept: [string, string][] = [
    ["the plan's [secret] marker", "apiKey: [secret] and ?token=[secret] and password=[secret]"],
    ["the plan's [unknown] marker", "serviceKey: [unknown]"],
    ["URNs", "urn:pulumi:prod::lookout::lookout:oncall:Oncall$lookout:oncall:Team$pagerduty:index/escalationPolicy:EscalationPolicy::oncall-web"],
    ["long type tokens", "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"],
    ["resource names with digits", "oncall-maintenance-supabase-upgrade-2026-12 alerts-tickets-payments-payment-success-rate"],
    ["Datadog queries", "sum(last_5m):sum:trace.http.request.errors{env:prod,service:web}.as_count() > 1"],
    ["PagerDuty IDs and short commits", "user P9BD01B at 0123456789ab"],
    ["settings about keys", 'enableKeyRotation: true, "key": "transaction", skipCredentialsValidation: "false", tokenType: bearer'],
    ["catalog sources", "stacks/prod.yaml:96:9"],
    ["URLs without credentials", "https://runbooks.example.com/web/checkout?section=latency&env=prod"],
    ["prose about tokens", "Bearer tokens expire; the Basic plan"],
  ];
  it.each(kept)("keeps %s", (_name, input) => {
    expect(maskSecrets(input)).toBe(input);
  });

  it("is idempotent", () => {
    const all = cases.map(([, input]) => input).join("\n");
    expect(maskSecrets(maskSecrets(all))).toBe(maskSecrets(all));
  });

  it("masks secrets everywhere in both renderings", () => {
    const dsn = `https://${hex32}@o1.ingest.sentry.io/2`;
    const leaky: PlanDiff = {
      ...diff,
      thresholds: [
        change(
          row({ resource: "uptime-web-home", kind: "synthetics", what: "GET https://web.example.com/health?token=tok3nValue", setting: "interval", value: 60, display: "1m", severity: "P0" }),
          row({ resource: "uptime-web-home", kind: "synthetics", what: "GET https://web.example.com/health?token=tok3nValue", setting: "interval", value: 300, display: "5m", severity: "P0" }),
          "looser",
          true,
        ),
      ],
      policies: { introduced: [{ ...violation, message: `Sentry DSN ${dsn} is in a message; key ${hex32}` }], fixed: [] },
      loud: [`Looser P0 uptime-web-home interval: 1m → 5m; see ${dsn}`],
    };
    const markdown = renderDiffMarkdown(leaky, head);
    const text = renderDiffText(leaky, head);
    for (const out of [markdown, text]) {
      expect(out).not.toContain("tok3nValue");
      expect(out).not.toContain(hex32);
    }
    // Markdown escapes the mask's asterisks in prose (they would read as emphasis), not in code.
    expect(markdown).toContain("GET https://web.example.com/health?token=\\*\\*\\*");
    expect(markdown).toContain("Sentry DSN https://\\*\\*\\*@o1.ingest.sentry.io/2");
    expect(text).toContain("GET https://web.example.com/health?token=***");
    expect(text).toContain("https://***@o1.ingest.sentry.io/2");
  });
});

// ------------------------------------------------------------------------------------
// Truncation
// ------------------------------------------------------------------------------------

describe("truncation under GitHub's comment limit", () => {
  const many = <T>(n: number, make: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => make(i));
  const huge: PlanDiff = {
    ...diff,
    thresholds: [
      looserP0,
      ...many(3000, (i) =>
        change(
          row({ resource: `alerts-svc${i}-latency`, service: `svc${i}`, what: `http.latency (latency-p95) of a rather long description ${i}`, setting: "critical", value: 1, display: "> 1", severity: "P2", source: `stacks/prod.yaml:${i}:9` }),
          row({ resource: `alerts-svc${i}-latency`, service: `svc${i}`, what: `http.latency (latency-p95) of a rather long description ${i}`, setting: "critical", value: 2, display: "> 2", severity: "P2", source: `stacks/prod.yaml:${i}:9` }),
          "looser",
        ),
      ),
    ],
    added: many(1500, (i) => ({ urn: urn(MONITOR, `alerts-new-${i}`), type: MONITOR, name: `alerts-new-${i}`, severity: "P3", source: `stacks/prod.yaml:${i}:1` })),
    changed: many(800, (i) => ({ urn: urn(MONITOR, `alerts-changed-${i}`), type: MONITOR, name: `alerts-changed-${i}`, keys: ["message", "query", "tags"] })),
  };

  function checkCut(markdown: string, limit: number): void {
    expect(markdown.length).toBeLessThanOrEqual(limit);
    expect(markdown.length).toBeLessThan(GITHUB_COMMENT_MAX);
    expect(markdown.split("\n")[0]).toBe("<!-- lookout-diff:prod -->");
    expect(markdown).toContain("### Needs attention");
    expect(markdown).toContain("### Summary");
    expect(fencesBalanced(markdown)).toBe(true);
    expect(rowsWhole(markdown)).toBe(true);
    expect((markdown.match(/<details/g) ?? []).length).toBe((markdown.match(/<\/details>/g) ?? []).length);
    // Tables keep their header when only their first rows are kept.
    const all = markdown.split("\n");
    all.forEach((line, i) => {
      if (line.startsWith("|") && !all[i - 1].startsWith("|")) expect(all[i + 1]).toMatch(/^\|(?:---\|)+$/);
    });
    // The note closes the comment: what was left out, and how to see everything.
    const note = markdown.slice(markdown.lastIndexOf("\n---\n"));
    expect(note).toContain("**Truncated**");
    expect(note).toContain("Left out:");
    // The artifact's whole report, not the command whose output was cut.
    expect(note).not.toContain("npx lookout diff");
    expect(note).toContain(`\`diff-prod.txt\` in the \`${DIFF_ARTIFACT}\` artifact`);
    expect(markdown.trimEnd().endsWith("artifact of this workflow run (never truncated).")).toBe(true);
  }

  it("stays under the default limit, keeps the loud items and summary, and ends with the note", () => {
    const markdown = renderDiffMarkdown(huge, head);
    checkCut(markdown, DEFAULT_COMMENT_LIMIT);
    expect(markdown).toContain("**Looser** P0 `web`");
    // Services' sections are kept whole while they fit, the rest named (and counted) in the note.
    expect(markdown).toContain("| `svc0` |");
    expect(markdown).toMatch(/Left out: [^\n]*threshold changes of services: \d+ sections/);
    expect(markdown).toContain("escalation diagram");
  });

  it("never cuts inside the Mermaid fence: the diagram is whole or left out", () => {
    for (const limit of [4_000, 6_000, 8_000, 12_000, 20_000, 40_000]) {
      const markdown = renderDiffMarkdown({ ...diff, added: huge.added }, head, { limit });
      checkCut(markdown, limit);
      const opened = (markdown.match(/```mermaid/g) ?? []).length;
      expect(opened).toBeLessThanOrEqual(1);
      for (const block of mermaidBlocks(markdown)) checkMermaid(block);
      if (opened === 0) expect(markdown).toContain("escalation diagram");
    }
  });

  it("leaves what fits alone", () => {
    const markdown = renderDiffMarkdown(diff, head, { limit: 60_000 });
    expect(markdown).not.toContain("**Truncated**");
    expect(markdown).toBe(renderDiffMarkdown(diff, head));
  });
});

// ------------------------------------------------------------------------------------
// Text
// ------------------------------------------------------------------------------------

describe("renderDiffText", () => {
  const text = renderDiffText(diff, head);
  const lines = text.split("\n");

  it("leads with the loud items, then the summary, then the details", () => {
    expect(lines[0]).toBe("Lookout diff for stack prod: base origin/main (0123456789ab) → head HEAD");
    const at = (prefix: string) => lines.findIndex((l) => l.startsWith(prefix));
    expect(at("NEEDS ATTENTION (4)")).toBe(2);
    expect(lines[3]).toMatch(/^ {2}REMOVED +P0 +alerts-web-checkout-errors \(datadog Monitor\) +was stacks\/prod\.yaml:120:9$/);
    expect(lines[4]).toMatch(/^ {2}LOOSER +P0 +web · http\.error-rate \(error-rate-high\) · critical +> 1 → > 5 +stacks\/prod\.yaml:96:9$/);
    expect(lines[5]).toMatch(/^ {2}SHORTER +orders · lifecycle daily · daily-days +30 days → 7 days +stacks\/prod\.yaml:300:7$/);
    expect(lines[6]).toBe("  REMOVED retention rules logs-lifecycle");
    expect(at("Summary: resources 1 added, 3 removed, 1 replaced, 2 changed · thresholds 2 looser, 2 tighter, 1 neutral · policy violations 1 introduced, 1 fixed")).toBeGreaterThan(6);
    const order = ["Threshold changes (5):", "Resources added (1):", "Resources removed (3):", "Resources replaced (1):", "Resources changed (2):", "Policy violations introduced (1):", "Policy violations fixed (1):", "Escalation in the head plan"].map(at);
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it("outlines the escalation when given the head plan", () => {
    const from = lines.findIndex((l) => l.startsWith("Escalation in the head plan"));
    expect(lines.slice(from + 1)).toEqual([
      "  web, repeats 2× ← billing-web, shop-web",
      "    1. schedule web-primary, 5 min",
      "    2. user PABC123, 10 min",
      "  web-platform ← shop-web-platform",
      "    1. schedule (one of web-platform-primary, web-platform-secondary), 5 min",
      "    2. schedule (one of web-platform-primary, web-platform-secondary), user PDEF456, 10 min",
      "    3. user PXYZ789, 15 min",
      '  legacy "night" <ops> `x` ← escalation policy not in the plan',
    ]);
    expect(renderDiffText(diff)).not.toContain("Escalation in the head plan");
  });

  it("says plainly when nothing changed", () => {
    expect(renderDiffText(emptyDiff)).toContain("No changes: base and head plan the same resources, thresholds and policy results.");
  });
});

describe("escalationOf", () => {
  it("resolves schedule and service references the plan records by URN or mock ID", () => {
    const primary = resource(TEAM, SCHEDULE, "oncall-ops-primary", { name: "ops-primary" });
    const backup = resource(TEAM, SCHEDULE, "oncall-ops-backup", { name: "ops-backup" });
    const policy = resource(TEAM, POLICY, "oncall-ops", {
      name: "ops",
      numLoops: 1,
      rules: [
        { escalationDelayInMinutes: 5, targets: [{ type: "schedule_reference", id: primary.urn }] },
        { escalationDelayInMinutes: 10, targets: [{ type: "schedule_reference", id: "oncall-ops-backup-id" }] },
        { escalationDelayInMinutes: 30, targets: [{ type: "schedule_reference", id: "PSCHED1" }] },
      ],
    }, { dependencies: [backup.urn, primary.urn] });
    const service = resource(ONCALL, SERVICE, "oncall-shop-ops", { name: "shop-ops", escalationPolicy: "oncall-ops-id" });
    const view = escalationOf({ ...head, resources: [primary, backup, policy, service] });
    expect(view).toEqual({
      policies: [
        {
          name: "ops",
          urn: policy.urn,
          loops: 1,
          levels: [
            { delayMinutes: 5, targets: ["schedule ops-primary"], targetNames: ["schedule ops-primary"] },
            { delayMinutes: 10, targets: ["schedule ops-backup"], targetNames: ["schedule ops-backup"] },
            { delayMinutes: 30, targets: ["schedule PSCHED1"], targetNames: ["schedule PSCHED1"] },
          ],
          services: ["shop-ops"],
        },
      ],
      orphanServices: [],
    });
    checkMermaid(escalationMermaid(view));
  });

  it("names people by the e-mails the plan's lookups record, and schedules by their layers' people", () => {
    const primary = resource(TEAM, SCHEDULE, "oncall-ops-primary", {
      name: "ops-primary",
      layers: [{ name: "primary", users: ["PANA001", "PBO0002"] }],
    });
    const policy = resource(TEAM, POLICY, "oncall-ops", {
      name: "ops",
      numLoops: 0,
      rules: [
        { escalationDelayInMinutes: 5, targets: [{ type: "schedule_reference", id: "[unknown]" }] },
        { escalationDelayInMinutes: 10, targets: [{ type: "user_reference", id: "PBO0002" }, { type: "user_reference", id: "PNOBODY" }] },
      ],
    }, { dependencies: [primary.urn] });
    const lookups = [
      { token: "pagerduty:index/getUser:getUser", args: { email: "ana@example.com" }, result: { id: "PANA001", email: "ana@example.com" } },
      { token: "pagerduty:index/getUser:getUser", args: { email: "bo@example.com" }, result: { id: "PBO0002", email: "bo@example.com" } },
      { token: "pagerduty:index/getVendor:getVendor", args: { name: "Datadog" }, result: { id: "PBO0002" } },
    ];
    const view = escalationOf({ ...head, resources: [primary, policy], lookups });
    expect(view.policies[0].levels).toEqual([
      { delayMinutes: 5, targets: ["schedule ops-primary (primary: ana@example.com, bo@example.com)"], targetNames: ["schedule ops-primary"] },
      { delayMinutes: 10, targets: ["user bo@example.com", "user PNOBODY"], targetNames: ["user bo@example.com", "user PNOBODY"] },
    ]);
    const diagram = escalationMermaid(view);
    checkMermaid(diagram);
    expect(diagram).toContain("user bo@example.com");
    expect(diagram).not.toContain("PBO0002");
  });
});
