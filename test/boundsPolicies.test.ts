/**
 * The threshold-bounds rules (issue 7: policies/bounds.ts), through the real pack over
 * gRPC. The good fixture is what Lookout plans for a small catalog — one alert per
 * bounded signal, at the guides' strictest values, two SLOs, one uptime check every 5
 * minutes — and must pass every rule of the pack. The "loosened" catalog changes one
 * field of many alerts (each a different alert), and each must be reported with a message
 * that says what to change and cites the guide. Last, the CLI: the shipped prod and
 * staging stacks pass every mandatory rule, and a catalog that loosens a P0 error-rate
 * alert past 5 % fails `lookout plan` with exit 1.
 */
import * as datadog from "@pulumi/datadog";
import * as pagerduty from "@pulumi/pagerduty";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runPolicyPacks, type PlannedResource, type PolicyDiagnostic, type PolicyRunResult } from "../cli/engine/analyzer";
import { Alerts } from "../infra/alerts/alerts";
import { parseCatalog } from "../catalog/load";
import { Oncall } from "../infra/oncall/oncall";
import { Slos } from "../infra/slos/slos";
import { Uptime } from "../infra/uptime/uptime";
import { boundsPolicies, configKey, CONVENTIONS, monthlyRuns, recommendedSchema, windowSeconds, withinBoundsSchema } from "../policies/bounds";
import { runComponents } from "./support/mocks";
import { stackViolations } from "./support/policies";
import type { PolicyResource } from "@pulumi/policy";
import { STOREFRONT_TEAM } from "./support/catalogs";
import { sharedRun } from "./support/plans";

const ROOT = path.join(__dirname, "..");
const POLICIES = path.join(ROOT, "policies");
const BOUNDS = new Set(boundsPolicies.map((p) => p.name));

// ---------------------------------------------------------------------------------------
// The fixture
// ---------------------------------------------------------------------------------------

const GOOD = `environment: prod
defaults:
  uptime:
    interval: 5m
  slos:
    burnRates:
      - { name: fast, factor: 14.4, longWindow: 1h, shortWindow: 5m, notify: page }
products:
  - name: shop
    description: The shop.
${STOREFRONT_TEAM}routing:
  slackAccount: acme
  severities:
    P0: { page: high, chat: [emergency] }
    P1: { page: high, chat: [alerts] }
    P2: { chat: [alerts] }
    P3: { email: true }
services:
  - name: web
    product: shop
    team: storefront
    tier: 0
    description: Storefront.
    runbook: https://runbooks.example.com/web
    endpoints:
      - name: home
        url: https://shop.example.com/
        severity: P0
        tls: false
    alerts:
      - name: error-rate
        signal: http.error-rate
        critical: 1%
        severity: P0
      - name: error-rate-p1
        signal: http.error-rate
        critical: 1%
        severity: P1
      - name: error-rate-target
        signal: http.error-rate
        critical: 0.1%
        window: 1d
        severity: P3
      - name: latency-p95
        signal: http.latency
        percentile: p95
        critical: 1s
        severity: P1
      - name: latency-p99
        signal: http.latency
        percentile: p99
        critical: 2s
        severity: P0
      - name: payments
        signal: payments.success-rate
        metrics: { succeeded: shop.payment.succeeded, attempted: shop.payment.attempted }
        critical: 95%
        severity: P0
      - name: webhooks
        signal: webhooks.failure-rate
        metrics: { failed: shop.webhook.failed, received: shop.webhook.received }
        critical: 0%
        severity: P1
      - name: sms
        signal: sms.delivery-rate
        metrics: { delivered: shop.sms.delivered, sent: shop.sms.sent }
        critical: 95%
        severity: P1
      - name: email-bounces
        signal: email.bounce-rate
        metrics: { bounced: shop.email.bounced, sent: shop.email.sent }
        critical: 2%
        severity: P1
      - name: email-delivery
        signal: email.delivery-rate
        metrics: { delivered: shop.email.delivered, sent: shop.email.sent }
        critical: 98%
        severity: P1
      - name: db-query-time
        signal: db.query-time
        metrics: { time: shop.db.query.time }
        critical: 200ms
        severity: P1
      - name: storage
        signal: storage.usage
        metrics: { used: shop.db.storage.used }
        critical: 80%
        severity: P1
      - name: cdn
        signal: cdn.cache-hit-ratio
        metrics: { hits: shop.cdn.hits, requests: shop.cdn.requests }
        critical: 90%
        severity: P1
      - name: lcp
        signal: rum.lcp
        critical: 2.5s
        window: 1d
        severity: P3
      - name: fid
        signal: rum.fid
        critical: 100ms
        window: 1d
        severity: P3
      - name: inp
        signal: rum.inp
        critical: 200ms
        window: 1d
        severity: P3
      - name: cls
        signal: rum.cls
        critical: 0.1
        window: 1d
        severity: P3
    slos:
      - name: availability
        target: 99.9%
        severity: P0
        sli: { type: http }
      - name: checkout
        target: 99.95%
        severity: P0
        sli: { type: http }
`;

/** The catalog with the alert (or SLO) named `name` changed: `from` → `to` within its block. */
function edit(text: string, name: string, from: string, to: string): string {
  const start = text.indexOf(`      - name: ${name}\n`);
  if (start < 0) throw new Error(`no alert ${name}`);
  const end = text.indexOf("      - name: ", start + 1);
  const block = text.slice(start, end < 0 ? undefined : end);
  if (!block.includes(from)) throw new Error(`${name} has no ${from}`);
  return text.slice(0, start) + block.replace(from, to) + text.slice(start + block.length);
}

/** One field of one alert each, all loosened past the bound (with the rule that must say so). */
const LOOSENED: ReadonlyArray<{ alert: string; from: string; to: string }> = [
  { alert: "error-rate", from: "critical: 1%", to: "critical: 10%" },
  { alert: "error-rate-p1", from: "severity: P1", to: "severity: P1\n        window: 2m" },
  { alert: "latency-p95", from: "critical: 1s", to: "critical: 6s" },
  { alert: "latency-p99", from: "critical: 2s", to: "critical: 3s" },
  { alert: "payments", from: "critical: 95%", to: "critical: 90%" },
  { alert: "webhooks", from: "critical: 0%", to: "critical: 2%" },
  { alert: "sms", from: "critical: 95%", to: "critical: 85%" },
  { alert: "email-bounces", from: "critical: 2%", to: "critical: 15%" },
  { alert: "email-delivery", from: "critical: 98%", to: "critical: 85%" },
  { alert: "db-query-time", from: "critical: 200ms", to: "critical: 2s" },
  { alert: "storage", from: "critical: 80%", to: "critical: 90%" },
  { alert: "cdn", from: "critical: 90%", to: "critical: 70%" },
  { alert: "lcp", from: "critical: 2.5s", to: "critical: 4s" },
  { alert: "fid", from: "critical: 100ms", to: "critical: 300ms" },
  { alert: "inp", from: "critical: 200ms", to: "critical: 500ms" },
  { alert: "cls", from: "critical: 0.1", to: "critical: 0.25" },
  { alert: "availability", from: "target: 99.9%", to: "target: 98.5%" },
  { alert: "checkout", from: "target: 99.95%", to: "target: 99.5%" },
];

function loosen(text: string): string {
  let result = text.replace("    interval: 5m\n", "    interval: 1m\n");
  for (const { alert, from, to } of LOOSENED) result = edit(result, alert, from, to);
  return result;
}

/** What Lookout registers for the catalog, in a preview: the components as program.ts wires them. */
async function plan(text: string): Promise<PlannedResource[]> {
  const catalog = parseCatalog([{ file: "prod.yaml", text }]);
  const run = await runComponents(() => {
    const providers = {
      datadog: new datadog.Provider("datadog", {}),
      pagerduty: catalog.pagerdutyServices.length > 0 ? new pagerduty.Provider("pagerduty", { token: "offline" }) : undefined,
    };
    const oncall = new Oncall("oncall", { catalog }, providers);
    const opts = { providers: { datadog: providers.datadog } };
    const { environment, services } = catalog;
    new Uptime("uptime", { environment, services, notify: oncall }, opts);
    new Alerts("alerts", { environment, services, notify: oncall }, opts);
    new Slos("slos", { environment, services, notify: oncall }, opts);
  });
  return run.resources;
}

const options = { project: "lookout", stack: "prod", dryRun: true };
let good: PolicyRunResult;
let loosened: PolicyRunResult;
let configured: PolicyRunResult;

beforeAll(async () => {
  const goodPlan = await plan(GOOD);
  // The catalog refuses windows under a minute: the 30-second window is written into the planned monitor's query.
  const loosenedPlan = (await plan(loosen(GOOD))).map((r) =>
    r.name === "alerts-web-error-rate-target" ? { ...r, inputs: { ...r.inputs, query: String(r.inputs.query).replace("sum(last_1d)", "sum(last_30s)") } } : r,
  );
  [good, loosened, configured] = await Promise.all([
    runPolicyPacks([POLICIES], goodPlan, options),
    runPolicyPacks([POLICIES], loosenedPlan, options),
    runPolicyPacks([POLICIES], goodPlan, {
      ...options,
      policyConfig: {
        "alert-thresholds-within-bounds": { errorRateCriticalMaxPercent: 0.5, severities: ["p0"] },
        "slo-targets-within-bounds": { minTargetPercent: 99.99 },
        "alert-windows-not-flapping": { minWindowSeconds: 600 },
        "monitoring-budget": { monthlyBudgetUsd: 10, pricePer10kApiRunsUsd: 7.2 },
      },
    }),
  ]);
}, 180_000);

/** The rule's message for the monitor (or SLO) of alert `alert` (its description, which the engine prefixes, cut off). */
function messagesOf(result: PolicyRunResult, policy: string, resource?: string): string[] {
  return result.diagnostics
    .filter((d: PolicyDiagnostic) => d.policy === policy && (resource === undefined ? !d.urn || d.urn.includes("pulumi:pulumi:Stack") : d.urn?.endsWith(`::${resource}`)))
    .map((d) => d.message.split("\n").slice(1).join("\n"));
}

const ours = (result: PolicyRunResult) => result.diagnostics.filter((d) => BOUNDS.has(d.policy));

// ---------------------------------------------------------------------------------------

describe("the conventions table", () => {
  it("writes every bound once: both schemas' defaults come from it, loosest for the mandatory rule, strictest for the advisory one", () => {
    for (const c of CONVENTIONS) {
      expect(withinBoundsSchema.properties[configKey(c)].default).toBe(c.loosest.value);
      expect(recommendedSchema.properties[configKey(c)].default).toBe(c.strictest.value);
      // The mandatory bound is never stricter than the advisory one.
      if (c.direction === "max") expect(c.loosest.value).toBeGreaterThanOrEqual(c.strictest.value);
      else expect(c.loosest.value).toBeLessThanOrEqual(c.strictest.value);
      expect(withinBoundsSchema.properties[configKey(c)].description).toMatch(/^(Highest|Lowest) critical threshold .* in .*; the loosest value of the guides: .*(00\d|Core Web Vitals)/);
    }
    expect(withinBoundsSchema.properties.errorRateCriticalMaxPercent).toMatchObject({ default: 5, description: expect.stringContaining('002 Production Monitoring & Alerting Guide §Critical Alerts: API Downtime "API error rate above 5%"') });
    expect(recommendedSchema.properties.errorRateCriticalMaxPercent).toMatchObject({ default: 1 });
    expect(withinBoundsSchema.properties.p95LatencyCriticalMaxSeconds.default).toBe(5);
    expect(recommendedSchema.properties.p95LatencyCriticalMaxSeconds.default).toBe(1);
  });

  it("reads evaluation windows and monthly synthetic runs", () => {
    expect(windowSeconds("sum(last_5m):sum:a{*}.as_count() > 1")).toBe(300);
    expect(windowSeconds("pct_change(sum(last_1h),last_1d):sum:a{*}.as_count() < -50")).toBe(3_600);
    expect(windowSeconds('rum("@type:view").rollup("pc75", "@view.loading_time").last("5m") > 1')).toBe(300);
    expect(windowSeconds("min(next_1d):forecast(min:a{*}, 'linear', 1) < 1")).toBeUndefined();
    const props = { type: "api", subtype: "multi", locations: ["a", "b", "c"], apiSteps: [{}, {}], optionsList: { tickEvery: 300 } };
    expect(monthlyRuns({ name: "t", props })).toEqual({ name: "t", kind: "api", runs: 8_640 * 3 * 2 });
    expect(monthlyRuns({ name: "b", props: { type: "browser", locations: ["a"], deviceIds: ["laptop_large", "mobile_small"], optionsList: { tickEvery: 3_600 } } })).toEqual({ name: "b", kind: "browser", runs: 720 * 2 });
    expect(monthlyRuns({ name: "p", props: { ...props, status: "paused" } })).toBeUndefined();
  });
});

describe("the good fixture over gRPC", () => {
  it("passes every rule of the pack, advisory ones included", () => {
    expect(good.diagnostics).toEqual([]);
  });
});

describe("alert-thresholds-within-bounds (mandatory: the loosest value any guide accepts)", () => {
  const cases: ReadonlyArray<[string, RegExp]> = [
    ["alerts-web-error-rate", /^Monitor "alerts-web-error-rate" \(P0 http\.error-rate\) fires only above 10%: looser than any guide accepts for a P0 \(paging\) alert \(HTTP error rate critical at most 5%; 002 Production Monitoring & Alerting Guide §Critical Alerts: API Downtime "API error rate above 5%"; 004 Phase 1 Complete .*\)\. Lower critical to 5% or less in the catalog alert error-rate of service web\.$/],
    ["alerts-web-latency-p95", /^Monitor "alerts-web-latency-p95" \(P1 http\.latency p95\) fires only above 6 s: .*at most 5 s; 002 .*"Response times >5 seconds \(P95\)"\)\. Lower critical to 5 s or less in the catalog alert latency-p95 of service web\.$/],
    ["alerts-web-payments", /fires only below 90%: .*at least 95%; 002 .*"Payment success rate drops below 95%".*Raise critical to 95% or more in the catalog alert payments of service web\.$/],
    ["alerts-web-webhooks", /fires only above 2%: .*at most 1%; 004 Phase 1 Complete §Critical Alerts to Set Up 4 "Webhook failure rate > 1%"\)\. Lower critical to 1% or less in the catalog alert webhooks/],
    ["alerts-web-sms", /fires only below 85%: .*at least 90%; 002 .*SMS Notifications Critical "<90%"\)\. Raise critical to 90% or more/],
    ["alerts-web-email-bounces", /fires only above 15%: .*at most 10%; 003 CarBot Monitoring & Maintenance Guide §Warning Alerts/],
    ["alerts-web-email-delivery", /fires only below 85%: .*at least 90%; 003 /],
    ["alerts-web-db-query-time", /fires only above 2000 ms: .*at most 1000 ms; 001 Production Monitoring Guide §2 Database Performance "Slow query log \(>1s\)".*Lower critical to 1000 ms or less in the catalog alert db-query-time/],
    ["alerts-web-storage", /\(P1 storage\.usage\) fires only above 90%: .*at most 80%; 003 .*"Storage Usage \(>80% of allocated space\)"/],
    ["alerts-web-cdn", /fires only below 70%: .*at least 80%; 000 Monitoring Dashboard guide §Warning Alerts "CDN Issues: Cache hit ratio < 80%"/],
    ["alerts-web-lcp", /\(P3 rum\.lcp\) fires only above 4 s: looser than any guide accepts for every alert \(Largest Contentful Paint critical at most 2\.5 s; 000 .*\)\. Lower critical to 2\.5 s or less in the catalog alert lcp of service web\.$/],
    ["alerts-web-fid", /fires only above 300 ms: .*at most 100 ms/],
    ["alerts-web-inp", /fires only above 500 ms: .*at most 200 ms; no guide names INP/],
    ["alerts-web-cls", /fires only above 0\.25: .*at most 0\.1; /],
  ];

  it.each(cases)("reports %s", (resource, message) => {
    expect(messagesOf(loosened, "alert-thresholds-within-bounds", resource)).toEqual([expect.stringMatching(message)]);
  });

  it("reports nothing else: a p99 at 3 s is inside the mandatory 5 s, and a P3 target is not a page", () => {
    const named = loosened.diagnostics.filter((d) => d.policy === "alert-thresholds-within-bounds").map((d) => d.urn?.split("::").pop());
    expect(named.sort()).toEqual(cases.map(([r]) => r).sort());
    expect(loosened.diagnostics.find((d) => d.policy === "alert-thresholds-within-bounds")).toMatchObject({ enforcementLevel: "mandatory" });
  });

  it("takes bounds and severities from config", () => {
    expect(messagesOf(configured, "alert-thresholds-within-bounds", "alerts-web-error-rate")).toEqual([
      expect.stringMatching(/fires only above 1%: .*\(HTTP error rate critical at most 0\.5%, config errorRateCriticalMaxPercent; 002 .*\)\. Lower critical to 0\.5% or less/),
    ]);
    expect(messagesOf(configured, "alert-thresholds-within-bounds", "alerts-web-error-rate-p1")).toEqual([]); // severities: [p0]
  });
});

describe("alert-thresholds-recommended (advisory: the strictest value of the guides)", () => {
  it("recommends the strictest bound where the mandatory one passes", () => {
    expect(messagesOf(loosened, "alert-thresholds-recommended", "alerts-web-latency-p99")).toEqual([
      'Monitor "alerts-web-latency-p99" (P0 http.latency p99) fires only above 3 s: looser than the guides recommend for a P0 (paging) alert ' +
        '(p99 API latency critical at most 2 s; 001 Production Monitoring Guide §2 API Response Times: Alerting Thresholds "P99 >2s: Critical"). ' +
        "Lower critical to 2 s or less in the catalog alert latency-p99 of service web.",
    ]);
    expect(messagesOf(loosened, "alert-thresholds-recommended", "alerts-web-error-rate")).toEqual([expect.stringMatching(/at most 1%; 000 Monitoring Dashboard guide §Critical Alerts 3 .*Lower critical to 1% or less/)]);
    expect(messagesOf(loosened, "alert-thresholds-within-bounds", "alerts-web-latency-p99")).toEqual([]);
    expect(loosened.diagnostics.find((d) => d.policy === "alert-thresholds-recommended")).toMatchObject({ enforcementLevel: "advisory" });
  });
});

describe("slo-targets-within-bounds and slo-targets-recommended", () => {
  it("holds SLO targets to 99 % (mandatory) and recommends 99.9 %", () => {
    expect(messagesOf(loosened, "slo-targets-within-bounds", "slos-web-availability")).toEqual([
      expect.stringMatching(/^SLO "slos-web-availability" targets 98\.5% over 7d, 98\.5% over 30d: looser than any guide accepts \(at least 99%; 002 Production Monitoring & Alerting Guide §Availability Targets: "SMS Notifications" Target 99%.*\)\. Raise the target to 99% or more in the catalog SLO of service web\.$/),
    ]);
    expect(messagesOf(loosened, "slo-targets-within-bounds", "slos-web-checkout")).toEqual([]);
    expect(messagesOf(loosened, "slo-targets-recommended", "slos-web-checkout")).toEqual([expect.stringMatching(/targets 99\.5% over 7d, 99\.5% over 30d: looser than the guides recommend \(at least 99\.9%; 000 /)]);
    expect(messagesOf(configured, "slo-targets-within-bounds", "slos-web-availability")).toEqual([expect.stringContaining("at least 99.99%")]);
  });
});

describe("alert-windows-not-flapping and alert-windows-recommended", () => {
  it("rejects a window under a minute, and recommends 5 minutes below P0", () => {
    expect(messagesOf(loosened, "alert-windows-not-flapping", "alerts-web-error-rate-target")).toEqual([
      'Monitor "alerts-web-error-rate-target" evaluates only the last 30s: one noisy sample flips it (it flaps). Set window to 1m or more in the catalog alert error-rate-target of service web ' +
        '(the shortest a guide gives: 002 Production Monitoring & Alerting Guide §Critical Alerts: API Downtime "duration: 1m").',
    ]);
    expect(messagesOf(loosened, "alert-windows-recommended", "alerts-web-error-rate-p1")).toEqual([
      expect.stringMatching(/^Monitor "alerts-web-error-rate-p1" \(P1\) evaluates only the last 2m; below P0 the guides alert on 5m \(000 .*"for 5 minutes".*\)\. Set window to 5m or more in the catalog alert error-rate-p1 of service web\.$/),
    ]);
    expect(messagesOf(loosened, "alert-windows-not-flapping", "alerts-web-error-rate-p1")).toEqual([]);
    expect(messagesOf(configured, "alert-windows-not-flapping", "alerts-web-error-rate")).toEqual([expect.stringContaining("Set window to 10m or more")]);
  });
});

describe("monitoring-budget", () => {
  it("passes one check every 5 minutes, and estimates the cost of checks every minute", () => {
    expect(messagesOf(good, "monitoring-budget")).toEqual([]);
    expect(messagesOf(loosened, "monitoring-budget")).toEqual([
      "The stack's 1 synthetic tests run about 129,600 API test runs a month: about $64.80 at $5.00 per 10,000 API runs, " +
        'over the monitoring budget of $60.00 a month (001 Production Monitoring Guide §10 Monitoring Budget "Total: ~$60/month"). ' +
        "Lengthen the interval (the catalog's uptime interval / journey interval, i.e. tickEvery) or use fewer locations on the costliest tests: " +
        "uptime-web-home (129,600 runs, $64.80); or raise monthlyBudgetUsd.",
    ]);
    expect(messagesOf(configured, "monitoring-budget")).toEqual([expect.stringMatching(/^The stack's 1 synthetic tests run about 25,920 API test runs a month: about \$18\.66 at \$7\.20 per 10,000 API runs, over the monitoring budget of \$10\.00/)]);
    expect(loosened.diagnostics.find((d) => d.policy === "monitoring-budget")).toMatchObject({ enforcementLevel: "advisory" });
  });

  it("gives the same estimate in any resource order (a sharded plan analyzes the stack in another order)", async () => {
    const budget = boundsPolicies.find((p) => p.name === "monitoring-budget");
    if (!budget || !("validateStack" in budget)) throw new Error("no monitoring-budget stack policy");
    // Costs whose float sum lands on a half cent one way and below it the other
    // ($357.855 forward, $357.85499… reversed): [tickEvery seconds, locations] per test.
    const shapes: ReadonlyArray<readonly [number, number]> = [[600, 6], [120, 3], [30, 2], [60, 1], [3600, 4], [86400, 1], [60, 9], [300, 2]];
    const tests: PolicyResource[] = shapes.map(([tickEvery, locations], i) => ({
      type: "datadog:index/syntheticsTest:SyntheticsTest",
      name: `uptime-svc-${i}-home`,
      urn: `urn:pulumi:prod::lookout::datadog:index/syntheticsTest:SyntheticsTest::uptime-svc-${i}-home`,
      props: { type: "api", subtype: "http", status: "live", locations: Array.from({ length: locations }, (_, l) => `aws:loc-${l}`), optionsList: { tickEvery } },
      opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
      dependencies: [],
      propertyDependencies: {},
      isType: () => false,
      asType: () => undefined,
    }));
    const forward = await stackViolations(budget, tests);
    expect(forward).toHaveLength(1);
    expect(forward[0].message).toContain("about $357.86 at $5.00 per 10,000 API runs");
    for (const order of [[...tests].reverse(), [...tests.slice(5), ...tests.slice(0, 5)]]) expect(await stackViolations(budget, order)).toEqual(forward);
  });

  it("leaves every other rule of the pack quiet on the loosened catalog (each change is a bounds finding only)", () => {
    // last_30s is outside Datadog's window grammar too (PF-DD-MON-4): that rule speaks as well, and no other.
    expect(loosened.diagnostics.filter((d) => !BOUNDS.has(d.policy)).map((d) => `${d.policy} ${String(d.urn).split("::").pop()}`))
      .toEqual(["monitor-windows-documented alerts-web-error-rate-target"]);
    expect(ours(good)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------
// The CLI
// ---------------------------------------------------------------------------------------

interface PlanJson {
  policies: Array<{ policy: string; enforcementLevel: string; urn?: string; message: string }>;
}

const lookoutPlan = (args: string[]) =>
  spawnSync(process.execPath, [path.join(ROOT, "bin", "lookout.js"), "plan", ...args, "--json"], { cwd: ROOT, encoding: "utf8", timeout: 170_000, maxBuffer: 256 * 1024 * 1024 });

describe("lookout plan", () => {
  it.each(["prod", "staging"])("passes every mandatory rule on the shipped %s stack", (stack) => {
    const result = sharedRun(["plan", "--stack", stack, "--json"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as PlanJson;
    expect(json.policies.filter((p) => p.enforcementLevel === "mandatory")).toEqual([]);
  }, 180_000);

  it("exits 1 when a catalog loosens a P0 error-rate alert past 5 %, naming the guide", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lookout-bounds-"));
    const file = path.join(dir, "prod.yaml");
    fs.writeFileSync(file, edit(GOOD, "error-rate", "critical: 1%", "critical: 8%"));
    const result = lookoutPlan(["--stack", "prod", "--catalog", file]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(1);
    const json = JSON.parse(result.stdout) as PlanJson;
    expect(json.policies.filter((p) => p.enforcementLevel === "mandatory")).toEqual([
      expect.objectContaining({
        policy: "alert-thresholds-within-bounds",
        urn: expect.stringMatching(/::alerts-web-error-rate$/),
        message: expect.stringMatching(/fires only above 8%: .*002 Production Monitoring & Alerting Guide §Critical Alerts: API Downtime "API error rate above 5%".*Lower critical to 5% or less in the catalog alert error-rate of service web\./),
      }),
    ]);
  }, 180_000);
});
