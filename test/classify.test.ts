/**
 * Every way a change may weaken alerting without touching a threshold number is
 * classified with before → after, and the weakening ones at P0/P1 (or those that stop
 * paging) are loud, so `--fail-on looser` fails; their mirrors are tighter and quiet.
 * Pure plan fragments in, `diffPlans` out.
 */
import { describe, expect, it } from "vitest";
import type { Plan, PlanResource } from "../cli/engine/plan";
import { diffPlans } from "../cli/reports/diff";
import { renderDiffMarkdown } from "../cli/render/diffMarkdown";
import { renderDiffText } from "../cli/render/diffText";

const MONITOR = "datadog:index/monitor:Monitor";
const SYNTHETICS = "datadog:index/syntheticsTest:SyntheticsTest";
const ESCALATION = "pagerduty:index/escalationPolicy:EscalationPolicy";
const SCHEDULE = "pagerduty:index/schedule:Schedule";
const DOWNTIME = "datadog:index/downtimeSchedule:DowntimeSchedule";
const LOCK = "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration";

type Inputs = Record<string, unknown>;

function res(type: string, name: string, inputs: Inputs, protect = false): PlanResource {
  return { urn: `urn:pulumi:prod::lookout::${type}::${name}`, type, name, dependencies: [], protect, inputs };
}

function plan(resources: readonly PlanResource[]): Plan {
  return { project: "lookout", stack: "prod", resources, outputs: {}, policies: [], summary: { resources: resources.length, byType: {}, mandatory: 0, advisory: 0 } };
}

const pages = "{{#is_alert}}\nNotify: @pagerduty-checkout\n{{/is_alert}}";

function latency(severity: string, over: Partial<Inputs> = {}, query = "percentile(last_5m):p95:trace.http.request{env:prod,service:checkout} > 0.5"): PlanResource {
  return res(MONITOR, "alerts-checkout-latency", {
    type: "query alert",
    query,
    message: pages,
    monitorThresholds: { critical: 0.5 },
    notifyNoData: true,
    renotifyInterval: 30,
    tags: ["env:prod", "service:checkout", `severity:${severity}`, "signal:http.latency", "alert:latency"],
    ...over,
  });
}

function endpoint(over: { status?: string; url?: string; retry?: number } = {}): PlanResource {
  return res(SYNTHETICS, "uptime-checkout-health", {
    type: "api",
    subtype: "http",
    message: pages,
    locations: ["aws:eu-west-1", "aws:us-east-1"],
    tags: ["env:prod", "service:checkout", "severity:p0"],
    requestDefinition: { method: "GET", url: over.url ?? "https://checkout.example.com/health" },
    assertions: [{ type: "statusCode", operator: "is", target: over.status ?? "200" }],
    optionsList: { tickEvery: 60, minFailureDuration: 120, minLocationFailed: 1, retry: { count: over.retry ?? 0, interval: 300 }, monitorOptions: { renotifyInterval: 30 } },
  });
}

const escalation = (delay: number) => res(ESCALATION, "oncall-payments", { name: "payments", numLoops: 2, rules: [{ escalationDelayInMinutes: delay, targets: [{ type: "schedule_reference", id: "S1" }] }] });
const schedule = (users: number) =>
  res(SCHEDULE, "oncall-payments-primary", { name: "payments-primary", layers: [{ name: "primary", rotationTurnLengthSeconds: 604800, users: ["U1", "U2"].slice(0, users) }] });
const downtime = (end: string) =>
  res(DOWNTIME, "oncall-freeze-checkout", { scope: "*", monitorIdentifier: { monitorTags: ["env:prod", "service:checkout"] }, oneTimeSchedule: { start: "2020-01-01T00:00:00Z", end } });
const lock = (days: number, mode = "COMPLIANCE") => res(LOCK, "backups-ledger-object-lock", { objectLockEnabled: "Enabled", rule: { defaultRetention: { mode, days } } });

interface Case {
  readonly name: string;
  readonly base: readonly PlanResource[];
  readonly head: readonly PlanResource[];
  readonly setting: string;
  readonly before: string;
  readonly after: string;
  readonly direction: "looser" | "tighter";
}

/** The walk-arounds (looser, loud) and their tightening mirrors (quiet). */
const CASES: readonly Case[] = [
  { name: "P1 latency flipped from above to below, same threshold", base: [latency("p1")], head: [latency("p1", {}, "percentile(last_5m):p95:trace.http.request{env:prod,service:checkout} < 0.5")], setting: "comparator", before: ">", after: "<", direction: "looser" },
  { name: "P1 latency: the threshold value itself now alerts", base: [latency("p1")], head: [latency("p1", {}, "percentile(last_5m):p95:trace.http.request{env:prod,service:checkout} >= 0.5")], setting: "comparator", before: ">", after: ">=", direction: "tighter" },
  { name: "P0 scope narrowed to env:nonexistent", base: [latency("p0")], head: [latency("p0", {}, "percentile(last_5m):p95:trace.http.request{env:prod,service:checkout,env:nonexistent} > 0.5")], setting: "scope", before: "env:prod,service:checkout", after: "env:nonexistent,env:prod,service:checkout", direction: "looser" },
  { name: "P0 scope widened", base: [latency("p0", {}, "percentile(last_5m):p95:trace.http.request{env:prod,service:checkout,region:eu} > 0.5")], head: [latency("p0")], setting: "scope", before: "env:prod,region:eu,service:checkout", after: "env:prod,service:checkout", direction: "tighter" },
  { name: "p95 → p50 on an above alert", base: [latency("p1")], head: [latency("p1", {}, "percentile(last_5m):p50:trace.http.request{env:prod,service:checkout} > 0.5")], setting: "percentile", before: "p95", after: "p50", direction: "looser" },
  { name: "p50 → p95 on an above alert", base: [latency("p1", {}, "percentile(last_5m):p50:trace.http.request{env:prod,service:checkout} > 0.5")], head: [latency("p1")], setting: "percentile", before: "p50", after: "p95", direction: "tighter" },
  { name: "avg → min over the window on an above alert", base: [latency("p1", {}, "avg(last_5m):avg:trace.http.request{env:prod,service:checkout} > 0.5")], head: [latency("p1", {}, "min(last_5m):avg:trace.http.request{env:prod,service:checkout} > 0.5")], setting: "aggregation", before: "avg", after: "min", direction: "looser" },
  { name: "avg → max over the window on an above alert", base: [latency("p1", {}, "avg(last_5m):avg:trace.http.request{env:prod,service:checkout} > 0.5")], head: [latency("p1", {}, "max(last_5m):avg:trace.http.request{env:prod,service:checkout} > 0.5")], setting: "aggregation", before: "avg", after: "max", direction: "tighter" },
  { name: "group-by dropped", base: [latency("p1", {}, "avg(last_5m):avg:trace.http.request{env:prod} by {service} > 0.5")], head: [latency("p1", {}, "avg(last_5m):avg:trace.http.request{env:prod} > 0.5")], setting: "group-by", before: "service", after: "(none)", direction: "looser" },
  { name: "noData alert → ignore on a P0", base: [latency("p0")], head: [latency("p0", { notifyNoData: false })], setting: "no-data", before: "alert", after: "ignore", direction: "looser" },
  { name: "noData ignore → alert on a P0", base: [latency("p0", { notifyNoData: false })], head: [latency("p0")], setting: "no-data", before: "ignore", after: "alert", direction: "tighter" },
  { name: "evaluationDelay 1h on a P0", base: [latency("p0")], head: [latency("p0", { evaluationDelay: 3600 })], setting: "evaluation-delay", before: "0s", after: "1h", direction: "looser" },
  { name: "evaluationDelay 1h removed on a P0", base: [latency("p0", { evaluationDelay: 3600 })], head: [latency("p0")], setting: "evaluation-delay", before: "1h", after: "0s", direction: "tighter" },
  { name: "renotify 30m → never", base: [latency("p1")], head: [latency("p1", { renotifyInterval: undefined })], setting: "renotify", before: "30m", after: "never", direction: "looser" },
  { name: "renotify never → 30m", base: [latency("p1", { renotifyInterval: undefined })], head: [latency("p1")], setting: "renotify", before: "never", after: "30m", direction: "tighter" },
  { name: "synthetics retry 0 → 3", base: [endpoint()], head: [endpoint({ retry: 3 })], setting: "retries", before: "0", after: "3", direction: "looser" },
  { name: "synthetics retry 3 → 0", base: [endpoint({ retry: 3 })], head: [endpoint()], setting: "retries", before: "3", after: "0", direction: "tighter" },
  { name: "expected status 200 → 500 with a URL change", base: [endpoint()], head: [endpoint({ status: "500", url: "https://elsewhere.example.com/broken" })], setting: "status", before: "200", after: "500", direction: "looser" },
  { name: "expected status 500 → 200", base: [endpoint({ status: "500" })], head: [endpoint()], setting: "status", before: "500", after: "200", direction: "tighter" },
  { name: "a maintenance window from 2020 to 2099 over a paging service", base: [latency("p0")], head: [latency("p0"), downtime("2099-01-01T00:00:00Z")], setting: "maintenance", before: "(none)", after: "2020-01-01T00:00:00Z → 2099-01-01T00:00:00Z (28855 days)", direction: "looser" },
  { name: "a maintenance window over a paging service removed", base: [latency("p0"), downtime("2099-01-01T00:00:00Z")], head: [latency("p0")], setting: "maintenance", before: "2020-01-01T00:00:00Z → 2099-01-01T00:00:00Z (28855 days)", after: "(none)", direction: "tighter" },
  { name: "a maintenance window lengthened", base: [latency("p0"), downtime("2020-01-02T00:00:00Z")], head: [latency("p0"), downtime("2020-01-03T00:00:00Z")], setting: "maintenance", before: "2020-01-01T00:00:00Z → 2020-01-02T00:00:00Z (24 h)", after: "2020-01-01T00:00:00Z → 2020-01-03T00:00:00Z (2 days)", direction: "looser" },
  { name: "escalation delay 10 → 55 min", base: [escalation(10)], head: [escalation(55)], setting: "delay-1", before: "10 min", after: "55 min", direction: "looser" },
  { name: "escalation delay 55 → 10 min", base: [escalation(55)], head: [escalation(10)], setting: "delay-1", before: "55 min", after: "10 min", direction: "tighter" },
  { name: "a rotation drops from two people to one", base: [schedule(2)], head: [schedule(1)], setting: "primary-people", before: "U1, U2", after: "U1", direction: "looser" },
  { name: "a rotation grows from one person to two", base: [schedule(1)], head: [schedule(2)], setting: "primary-people", before: "U1", after: "U1, U2", direction: "tighter" },
  { name: "object lock shortened", base: [lock(30)], head: [lock(7)], setting: "lock-days", before: "30 days", after: "7 days", direction: "looser" },
  { name: "object lock compliance → governance", base: [lock(30)], head: [lock(30, "GOVERNANCE")], setting: "lock-mode", before: "COMPLIANCE", after: "GOVERNANCE", direction: "looser" },
  { name: "object lock governance → compliance", base: [lock(30, "GOVERNANCE")], head: [lock(30)], setting: "lock-mode", before: "GOVERNANCE", after: "COMPLIANCE", direction: "tighter" },
  { name: "protection removed", base: [res(LOCK, "backups-ledger", {}, true)], head: [res(LOCK, "backups-ledger", {}, false)], setting: "protect", before: "protected", after: "unprotected", direction: "looser" },
  { name: "protection added", base: [res(LOCK, "backups-ledger", {}, false)], head: [res(LOCK, "backups-ledger", {}, true)], setting: "protect", before: "unprotected", after: "protected", direction: "tighter" },
];

const diffOf = (base: readonly PlanResource[], head: readonly PlanResource[]) =>
  diffPlans(plan(base), plan(head), { stack: "prod", baseRef: "origin/main", baseCommit: "0".repeat(40), headRef: "working tree" });

describe("classification of alerting-relevant inputs", () => {
  it.each(CASES)("$name: $setting $before → $after is $direction", (c) => {
    const diff = diffOf(c.base, c.head);
    const item = diff.thresholds.find((t) => t.row.setting === c.setting);
    expect(item, `no ${c.setting} item among ${diff.thresholds.map((t) => t.row.setting).join(", ")}`).toBeDefined();
    expect(item?.direction).toBe(c.direction);
    expect(item?.before?.display ?? "(none)").toBe(c.before);
    expect(item?.after?.display).toBe(c.after);
    if (c.direction === "looser") {
      // Loud: what `--fail-on looser` fails on.
      expect(item?.loud).toBe(true);
      expect(diff.loud.some((line) => line.includes(`${c.setting}: ${c.before} → ${c.after}`))).toBe(true);
    } else {
      expect(diff.loud).toEqual([]);
    }
  });

  it("gives every classified item a one-line reason, shown in both renderings", () => {
    const diff = diffOf([latency("p0")], [latency("p0", { notifyNoData: false })]);
    const item = diff.thresholds.find((t) => t.row.setting === "no-data");
    expect(item?.reason).toBe("data that stops no longer alerts");
    expect(renderDiffText(diff, plan([]))).toContain("alert → ignore (data that stops no longer alerts)");
    expect(renderDiffMarkdown(diff, plan([]))).toContain("data that stops no longer alerts");
  });

  it("keeps a looser change at P2 quiet unless it stops the alert", () => {
    const quiet = diffOf([latency("p2")], [latency("p2", { notifyNoData: false })]);
    expect(quiet.thresholds.find((t) => t.row.setting === "no-data")?.direction).toBe("looser");
    expect(quiet.loud).toEqual([]);
    // env:prod AND env:nonexistent matches no series: the alert can never fire.
    const dead = diffOf([latency("p2")], [latency("p2", {}, "percentile(last_5m):p95:trace.http.request{env:prod,service:checkout,env:nonexistent} > 0.5")]);
    expect(dead.loud.some((l) => l.includes("scope"))).toBe(true);
  });

  it("does not call a maintenance window over services that do not page loud", () => {
    const diff = diffOf([latency("p3")], [latency("p3"), downtime("2099-01-01T00:00:00Z")]);
    expect(diff.thresholds.find((t) => t.row.setting === "maintenance")?.direction).toBe("looser");
    expect(diff.loud).toEqual([]);
  });

  it("calls adding or removing a custom schedule loud at any severity: Datadog applies it only at creation (PF-DD-MON-7)", () => {
    const scheduled = latency("p3", { schedulingOptions: { evaluationWindow: { dayStarts: "00:00", monthStarts: 1, timezone: "UTC" }, customSchedule: { recurrence: { rrule: "FREQ=DAILY;BYHOUR=18;BYMINUTE=0", timezone: "UTC" } } } });
    const added = diffOf([latency("p3")], [scheduled]);
    const item = added.thresholds.find((t) => t.row.setting === "custom-schedule");
    expect(item).toMatchObject({ direction: "looser", loud: true, before: { display: "(none)" }, after: { display: "FREQ=DAILY;BYHOUR=18;BYMINUTE=0" } });
    expect(added.loud.some((l) => l.startsWith("Looser") && l.includes("custom-schedule") && l.includes("replace the monitor"))).toBe(true);
    const removed = diffOf([scheduled], [latency("p3")]);
    expect(removed.thresholds.find((t) => t.row.setting === "custom-schedule")).toMatchObject({ direction: "tighter", loud: true });
    expect(removed.loud.some((l) => l.startsWith("Create-only") && l.includes("custom-schedule: FREQ=DAILY;BYHOUR=18;BYMINUTE=0 → (none)"))).toBe(true);
    // A schedule kept, or none on either side: nothing to say.
    expect(diffOf([scheduled], [scheduled]).thresholds.filter((t) => t.row.setting === "custom-schedule")).toEqual([]);
    expect(diffOf([latency("p3")], [latency("p3")]).loud).toEqual([]);
  });

  it("no longer lists renotify as neutral", () => {
    const diff = diffOf([latency("p1")], [latency("p1", { renotifyInterval: undefined })]);
    expect(diff.thresholds.filter((t) => t.row.setting === "renotify").map((t) => t.direction)).toEqual(["looser"]);
  });

  it("names a rotation member swapped and a level's targets by e-mail, each side by its own plan's lookups", () => {
    const user = (id: string, email: string) => ({ token: "pagerduty:index/getUser:getUser", args: { email }, result: { id, email } });
    const rotation = (users: readonly string[]) => res(SCHEDULE, "oncall-payments-primary", { name: "payments-primary", layers: [{ name: "primary", rotationTurnLengthSeconds: 604800, users }] });
    const policy = (targets: readonly Inputs[]) => ({ ...res(ESCALATION, "oncall-payments", { name: "payments", numLoops: 2, rules: [{ escalationDelayInMinutes: 10, targets }] }), dependencies: [rotation([]).urn] });
    const onSchedule = { type: "schedule_reference", id: "[unknown]" };
    // The mock gives each looked-up user an ID per run: the same person may have another ID in the head's plan.
    const base = { ...plan([rotation(["PA", "PB"]), policy([onSchedule])]), lookups: [user("PA", "ana@example.com"), user("PB", "bo@example.com")] };
    const head = { ...plan([rotation(["QA", "QC"]), policy([onSchedule, { type: "user_reference", id: "QC" }])]), lookups: [user("QA", "ana@example.com"), user("QC", "cy@example.com")] };
    const diff = diffPlans(base, head, { stack: "prod", baseRef: "origin/main", baseCommit: "0".repeat(40), headRef: "working tree" });
    const swap = diff.thresholds.find((t) => t.row.setting === "primary-people");
    expect(swap).toMatchObject({ direction: "neutral", loud: false, before: { display: "ana@example.com, bo@example.com" }, after: { display: "ana@example.com, cy@example.com" }, reason: "cy@example.com joins; bo@example.com leaves the rotation" });
    // The count row of thresholds.ts gives way: one item for the layer.
    expect(diff.thresholds.filter((t) => t.row.setting === "primary-people")).toHaveLength(1);
    const targets = diff.thresholds.find((t) => t.row.setting === "targets-1");
    expect(targets).toMatchObject({
      direction: "tighter",
      before: { display: "schedule payments-primary (primary: ana@example.com, bo@example.com)" },
      after: { display: "schedule payments-primary (primary: ana@example.com, cy@example.com), user cy@example.com" },
      reason: "more people or schedules are paged at this level: user cy@example.com joins at this level",
    });
    const text = renderDiffText(diff, head);
    const markdown = renderDiffMarkdown(diff, head);
    for (const out of [text, markdown, JSON.stringify(diff)]) {
      expect(out).toContain("ana@example.com, bo@example.com");
      expect(out).toContain("cy@example.com joins; bo@example.com leaves the rotation");
      expect(out).not.toMatch(/\bQ[AC]\b|\bP[AB]\b/);
    }
    // The same people in another order: who is on call when changes, nobody joins or leaves.
    const reordered = diffPlans(base, { ...base, resources: [rotation(["PB", "PA"]), policy([onSchedule])] }, { stack: "prod", baseRef: "origin/main", baseCommit: "0".repeat(40), headRef: "working tree" });
    expect(reordered.thresholds.find((t) => t.row.setting === "primary-people")).toMatchObject({ direction: "neutral", reason: "the same, in another order" });
    // Dropping a person is looser and loud: on-call is every page the team takes.
    const dropped = diffPlans(base, { ...base, resources: [rotation(["PA"]), policy([onSchedule])] }, { stack: "prod", baseRef: "origin/main", baseCommit: "0".repeat(40), headRef: "working tree" });
    expect(dropped.loud.some((l) => l.includes("primary-people: ana@example.com, bo@example.com → ana@example.com") && l.includes("bo@example.com leaves"))).toBe(true);
  });
});

describe("the service of a resource change", () => {
  it("is the service whose component the resource is under (its name from the catalog's naming), the base's for a removal; none when stack-wide", () => {
    const component = (type: string, name: string, parent?: string): PlanResource => ({ ...res(type, name, {}), ...(parent ? { parent } : {}) });
    const alerts = component("lookout:alerts:Alerts", "alerts");
    const uploads = component("lookout:alerts:ServiceAlerts", "alerts-prompts-uploads", alerts.urn);
    const uptime = component("lookout:uptime:ServiceUptime", "uptime-prompts-uploads");
    const oncall = component("lookout:oncall:Oncall", "oncall");
    const monitor = { ...latency("p2"), name: "alerts-prompts-uploads-errors", urn: "urn:m1", parent: uploads.urn };
    const check = { ...endpoint(), name: "uptime-prompts-uploads-health", urn: "urn:c1", parent: uptime.urn };
    const slack = { ...res("pagerduty:index/slackConnection:SlackConnection", "oncall-slack-ops", {}), parent: oncall.urn };
    const diff = diffOf([alerts, uploads, uptime, oncall, monitor], [alerts, uploads, uptime, oncall, check, slack]);
    expect(diff.removed.map((r) => [r.name, r.service])).toEqual([["alerts-prompts-uploads-errors", "prompts-uploads"]]);
    expect(diff.added.map((r) => [r.name, r.service])).toEqual([["uptime-prompts-uploads-health", "prompts-uploads"], ["oncall-slack-ops", undefined]]);
    expect(diff.added[1]).not.toHaveProperty("service");
  });
});
