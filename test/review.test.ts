/**
 * Reviewers' reports end to end: `lookout thresholds` on a fixture, and `lookout diff`
 * in a temporary git repository whose second commit loosens a P0 threshold, removes an
 * alert and reorders the catalog.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlanDiff, ThresholdRow } from "../cli/reports/model";
import { directionOf } from "../cli/reports/diff";
import { lookoutInProcess } from "./support/plans";
import { makeReviewRepo, truncatedCatalog } from "./support/reviewRepo";
import { prodCatalogText } from "./support/stackText";

const ROOT = path.resolve(__dirname, "..");
const FIXTURE = path.join("test", "fixtures", "catalogs", "review.yaml");

function lookout(args: string[], cwd = ROOT) {
  const result = spawnSync(process.execPath, [path.join(cwd, "bin", "lookout.js"), ...args], { cwd, encoding: "utf8", timeout: 180_000, maxBuffer: 256 * 1024 * 1024 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("lookout thresholds", () => {
  let rows: ThresholdRow[];
  beforeAll(() => {
    const run = lookout(["thresholds", "--stack", "prod", "--catalog", FIXTURE, "--format", "json"]);
    expect(run.code, run.stderr).toBe(0);
    rows = JSON.parse(run.stdout) as ThresholdRow[];
  });
  const row = (resource: string, setting: string) => rows.find((r) => r.resource === resource && r.setting === setting);

  it("reads each alert's thresholds from the planned monitor, with its route and catalog line", () => {
    expect(row("alerts-checkout-error-rate", "critical")).toMatchObject({
      service: "checkout",
      kind: "monitor",
      value: 1,
      display: "> 1%",
      severity: "P0",
      route: "@pagerduty-shop-payments @slack-acme-pay",
      source: `${FIXTURE}:34:9`,
    });
    expect(row("alerts-checkout-error-rate", "warning")).toMatchObject({ value: 0.5 });
    expect(row("alerts-checkout-error-rate", "window")).toMatchObject({ value: 300, display: "5m" });
    expect(row("alerts-checkout-latency", "critical")).toMatchObject({ value: 1, display: "> 1 s", severity: "P1" });
  });

  it("covers checks, SLOs, burn rates and escalation", () => {
    expect(row("uptime-checkout-health", "interval")).toMatchObject({ kind: "synthetics", value: 60, display: "1m", source: `${FIXTURE}:32:9` });
    expect(row("uptime-checkout-health", "down-after")).toMatchObject({ value: 120 });
    expect(row("slos-checkout-availability", "target-30d")).toMatchObject({ kind: "slo", value: 99.9 });
    expect(row("slos-checkout-availability-burn-fast", "burn-factor")).toMatchObject({ value: 14.4, display: "14.4×" });
    expect(row("oncall-payments", "delay-1")).toMatchObject({ kind: "escalation", value: 300, display: "5 min" });
    expect(row("oncall-payments", "levels")).toMatchObject({ value: 2 });
  });

  it("prints a table and markdown with the same rows", () => {
    const table = lookout(["thresholds", "--stack", "prod", "--catalog", FIXTURE]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`${rows.length} thresholds in stack prod\\n$`));
    const markdown = lookout(["thresholds", "--stack", "prod", "--catalog", FIXTURE, "--format", "markdown"]);
    expect(markdown.stdout.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| service")).length).toBe(rows.length);
  });

  it("rejects an unknown format with exit 2", async () => {
    expect(await lookoutInProcess(["thresholds", "--stack", "prod", "--format", "csv"])).toMatchObject({ code: 2, stderr: expect.stringContaining('--format must be one of table, markdown, json, not "csv"') });
  });
});

describe("the direction of a change", () => {
  const row = (looserWhen: ThresholdRow["looserWhen"]) => ({ looserWhen }) as ThresholdRow;
  it.each([
    ["higher", 1, 2, "looser"],
    ["higher", 2, 1, "tighter"],
    ["lower", 95, 90, "looser"],
    ["lower", 90, 95, "tighter"],
    ["neutral", 10, 30, "neutral"],
  ] as const)("looser when %s: %d → %d is %s", (when, before, after, direction) => expect(directionOf(row(when), before, after)).toBe(direction));
});

describe("lookout diff against a git revision", () => {
  let repo: string;
  let result: PlanDiff;
  let markdown: { code: number | null; stdout: string };

  beforeAll(() => {
    const catalog = fs.readFileSync(path.join(ROOT, FIXTURE), "utf8");
    // The change under review: a P0 threshold raised, an alert removed, services
    // reordered, the database backups kept 14 days instead of 30.
    const [head, rest] = catalog.split("\nservices:\n");
    const [services, backups] = rest.split("\nbackups:\n");
    const blocks = services.split(/\n(?=  - name: )/);
    const changed = [...blocks].reverse().map((b) =>
      b.replace("        critical: 1%\n", "        critical: 2%\n").replace(/      - name: latency\n(        .*\n)+?(?=    slos:)/, ""),
    );
    const shorter = backups.replace("retention: 30d", "retention: 14d");
    // Sentry, storage and dashboards need settings this small catalog does not use.
    repo = makeReviewRepo(ROOT, [catalog, `${head}\nservices:\n${changed.join("\n").replace(/\n*$/, "\n")}backups:\n${shorter}`], "config:\n  lookout:catalog: stacks/prod.yaml\n  lookout:bucketPrefix: acme-review\n  aws:region: eu-west-1\n");

    const json = lookout(["diff", "--base", "HEAD~1", "--stack", "prod", "--format", "json"], repo);
    expect(json.code, json.stderr).toBe(0);
    result = JSON.parse(json.stdout) as PlanDiff;
    markdown = lookout(["diff", "--base", "HEAD~1", "--stack", "prod", "--format", "markdown", "--report", path.join(repo, "diff-prod.txt")], repo);
  }, 240_000);

  afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

  it("classifies the raised P0 error-rate threshold as looser, loudly", () => {
    const critical = result.thresholds.find((t) => t.row.resource === "alerts-checkout-error-rate" && t.row.setting === "critical");
    expect(critical).toMatchObject({ direction: "looser", loud: true, before: { value: 1 }, after: { value: 2 } });
  });

  it("classifies the shortened backup retention as looser, loudly", () => {
    const retention = result.thresholds.filter((t) => t.row.kind === "retention");
    expect(retention.length).toBeGreaterThan(0);
    for (const t of retention) expect(t).toMatchObject({ direction: "looser", loud: true, before: { value: 30 }, after: { value: 14 } });
  });

  it("changes no other threshold", () => {
    expect(result.thresholds.filter((t) => t.row.kind !== "retention").map((t) => `${t.row.resource} ${t.row.setting}`)).toEqual(["alerts-checkout-error-rate critical"]);
  });

  it("reports the retention below the guides as a policy violation the change introduces", () => {
    expect(result.policies.introduced.map((p) => p.policy)).toContain("backup-retention");
    expect(result.policies.fixed).toEqual([]);
  });

  it("lists the removed P1 alert as removed, loudly", () => {
    expect(result.removed.map((r) => [r.name, r.severity])).toEqual([["alerts-checkout-latency", "P1"]]);
    expect(result.loud[0]).toMatch(/^Removed P1 alerts-checkout-latency \(was stacks\/prod.yaml:\d+:9\)$/);
    expect(result.loud[1]).toMatch(/^Looser P0 alerts-checkout-error-rate critical: > 1% → > 2%/);
  });

  it("shows nothing for the reordering: no other resource added, replaced or changed", () => {
    expect(result.added).toEqual([]);
    expect(result.replaced).toEqual([]);
    expect(result.changed.map((c) => c.name).filter((n) => !n.startsWith("backups-"))).toEqual(["alerts-checkout-error-rate"]);
    expect(result.base.commit).toMatch(/^[0-9a-f]{40}$/);
  });

  it("leads the markdown with the removed and loosened alerts", () => {
    expect(markdown.code).toBe(0);
    const removedAt = markdown.stdout.indexOf("alerts-checkout-latency");
    const looserAt = markdown.stdout.indexOf("alerts-checkout-error-rate");
    expect(removedAt).toBeGreaterThan(-1);
    expect(looserAt).toBeGreaterThan(-1);
    expect(markdown.stdout.slice(0, Math.max(removedAt, looserAt))).not.toContain("<details>");
  });

  it("writes the whole report as text with --report, beside the markdown", () => {
    const report = fs.readFileSync(path.join(repo, "diff-prod.txt"), "utf8");
    expect(report.startsWith("Lookout diff for stack prod: base HEAD~1")).toBe(true);
    expect(report).toContain("alerts-checkout-latency");
    expect(report).not.toContain("**Truncated**");
  });

  it("fails with --fail-on looser", () => {
    expect(lookout(["diff", "--base", "HEAD~1", "--stack", "prod", "--fail-on", "looser", "--format", "json"], repo).code).toBe(1);
  }, 120_000);

  it("passes --fail-on mass-removal: one alert removed is under the share, and no concern is emptied", () => {
    expect(result.massRemoval).toMatchObject({ triggered: false, emptied: [] });
    expect(result.massRemoval!.monitors.share).toBeLessThanOrEqual(10);
    // With the stack's policy config: its budget and prices make the cost delta.
    fs.mkdirSync(path.join(repo, "policies", "config"), { recursive: true });
    fs.writeFileSync(path.join(repo, "policies", "config", "prod.json"), JSON.stringify({ "monitoring-budget": { monthlyBudgetUsd: 250, pricePer10kApiRunsUsd: 7.2 } }));
    const run = lookout(["diff", "--base", "HEAD~1", "--stack", "prod", "--fail-on", "mass-removal", "--format", "json", "--policy-config", "policies/config/prod.json"], repo);
    expect(run.code, run.stderr).toBe(0);
    const cost = (JSON.parse(run.stdout) as PlanDiff).cost;
    expect(cost?.budget).toEqual({ monthlyBudgetUsd: 250, pricePer10kApiRunsUsd: 7.2, pricePer1kBrowserRunsUsd: 12 });
    expect(result.cost?.budget.monthlyBudgetUsd).toBe(60);
    expect(cost?.head.usd).toBeCloseTo((result.cost!.head.usd * 7.2) / 5);
  }, 120_000);

  it("rejects a policy config whose budget is not the rule's, exit 2, before planning", () => {
    fs.writeFileSync(path.join(repo, "bad-policy.json"), JSON.stringify({ "monitoring-budget": { monthlyBudgetUsd: -1, pricePer10kApi: 3 } }));
    const run = lookout(["diff", "--base", "HEAD~1", "--stack", "prod", "--policy-config", "bad-policy.json"], repo);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("error: bad-policy.json: invalid policy config:");
    expect(run.stderr).toContain('monitoring-budget: "pricePer10kApi" is not a config property of this policy');
    expect(run.stderr).toContain("monitoring-budget.monthlyBudgetUsd");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);

  it("reports malformed stack config as bad input, exit 2", () => {
    fs.writeFileSync(path.join(repo, "Pulumi.bad.yaml"), "config:\n  lookout:catalog: stacks/prod.yaml\n  lookout:bucketPrefix: Not_A_Prefix\n  aws:region: eu-west-1\n");
    const run = lookout(["plan", "--stack", "bad"], repo);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: invalid stack config: lookout:bucketPrefix "Not_A_Prefix" must be 3 to 30 lower-case letters/);
  }, 120_000);

  it("says which revision it cannot find, exit 2", () => {
    const run = lookout(["diff", "--base", "no-such-ref", "--stack", "prod"], repo);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("error: --base no-such-ref: no such git revision (a branch, tag or commit)\n");
  }, 120_000);
});

describe("lookout diff of a shipped catalog cut short", () => {
  let repo: string;
  let json: { code: number | null; stdout: string; stderr: string };

  beforeAll(() => {
    // Base: the shipped prod catalog; head: the same file cut at a line boundary, still
    // valid YAML and a valid catalog, planning 6 resources with exit 0.
    repo = makeReviewRepo(ROOT, [prodCatalogText(ROOT), truncatedCatalog(ROOT)]);
    expect(lookout(["plan", "--stack", "prod"], repo).code).toBe(0);
    json = lookout(["diff", "--base", "HEAD~1", "--stack", "prod", "--format", "json"], repo);
  }, 240_000);

  afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

  it("reports a mass removal in the JSON, with every concern emptied counted before → after", () => {
    // Exit 1 without --fail-on: the cut deletes the protected backups, which pulumi up would refuse (PF-REV-5).
    expect(json.code, json.stderr).toBe(1);
    const result = JSON.parse(json.stdout) as PlanDiff;
    expect(result.blocked?.length).toBeGreaterThan(0);
    expect(result.blocked?.every((b) => b.how === "removed")).toBe(true);
    expect(result.blocked?.some((b) => b.name.startsWith("backups-"))).toBe(true);
    expect(Object.keys(result).slice(0, 4)).toEqual(["stack", "base", "head", "massRemoval"]);
    const mass = result.massRemoval!;
    expect(mass).toMatchObject({ percent: 10, triggered: true, monitors: { after: 0, share: 100 } });
    expect(mass.monitors.before).toBe(mass.monitors.removed);
    expect(mass.monitors.before).toBeGreaterThan(100);
    expect(mass.emptied).toEqual(expect.arrayContaining(["uptime checks", "alerts", "SLOs", "Sentry", "backups", "status pages", "dashboards"]));
    for (const c of mass.concerns) expect(c).toMatchObject({ after: 0, emptied: true, removed: c.before });
  });

  it("fails --fail-on mass-removal with exit 1 and leads the text with it", () => {
    const text = lookout(["diff", "--base", "HEAD~1", "--stack", "prod", "--fail-on", "mass-removal"], repo);
    expect(text.code, text.stderr).toBe(1);
    const lines = text.stdout.split("\n");
    expect(lines[2]).toMatch(/^MASS REMOVAL: this change removes (\d+) of \1 monitors, checks, SLOs and Sentry rules \(100%, over 10%\) and leaves nothing of: uptime checks, alerts, SLOs, Sentry/);
    expect(lines[3]).toMatch(/^ {2}uptime checks +\d+ → 0 +\d+ removed \(emptied\)$/);
  }, 120_000);

  it("takes several --fail-on values, comma-separated, and leads the markdown with the mass removal", () => {
    const markdown = lookout(["diff", "--base", "HEAD~1", "--stack", "prod", "--format", "markdown", "--fail-on", "looser,mass-removal", "--mass-removal-percent", "99.5"], repo);
    expect(markdown.code, markdown.stderr).toBe(1);
    const caution = markdown.stdout.indexOf("> [!CAUTION]\n> **Mass removal**: ");
    expect(caution).toBeGreaterThan(0);
    expect(caution).toBeLessThan(markdown.stdout.indexOf("### Needs attention"));
    expect(markdown.stdout).toMatch(/\| dashboards \| \d+ → 0 \| \*\*\d+ removed \(emptied\)\*\* \|/);
  }, 120_000);

  it("rejects an unknown --fail-on value and a share over 100 with exit 2", async () => {
    // The CLI's entry in this process: both are refused before the diff reads git or plans.
    expect(await lookoutInProcess(["diff", "--base", "HEAD~1", "--stack", "prod", "--fail-on", "looser,everything"])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--fail-on must be one of looser, mass-removal, not "everything"'),
    });
    expect(await lookoutInProcess(["diff", "--base", "HEAD~1", "--stack", "prod", "--mass-removal-percent", "150"])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--mass-removal-percent takes a number from 0 to 100, got "150"'),
    });
  }, 240_000);
});
