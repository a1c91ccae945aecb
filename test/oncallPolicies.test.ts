/**
 * The on-call rules of the pack (issue 4). The compliant stacks are what Lookout itself
 * plans for a small catalog — teams, routing, an uptime check, an alert, an SLO with a
 * composite burn-rate alert — run under Pulumi's mocks as a preview and handed to the
 * rules as @pulumi/policy would (values unknown in a preview throw on read). Each broken
 * variant changes one thing and asserts the message. Last, the same stacks through the
 * real pack over gRPC.
 */
import * as datadog from "@pulumi/datadog";
import * as pagerduty from "@pulumi/pagerduty";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runPolicyPacks, type PlannedResource, type PolicyRunResult } from "../cli/engine/analyzer";
import { UNKNOWN } from "../cli/engine/marshal";
import { Alerts } from "../infra/alerts/alerts";
import { parseCatalog } from "../catalog/load";
import { Oncall } from "../infra/oncall/oncall";
import { Slos } from "../infra/slos/slos";
import { Uptime } from "../infra/uptime/uptime";
import { pagerdutyHandles } from "../policies/alerting";
import { oncallPolicies, urgentAlertsReachPagerduty } from "../policies/oncall";
import { stagingNeverPages } from "../policies/staging";
import { escalationHasTwoLevels, schedulesHaveTwoPeople } from "../policies/rotations";
import { runComponents } from "./support/mocks";
import { policyResourcesOf, resourceViolations, stackViolations, type StackViolation } from "./support/policies";
import { STOREFRONT_TEAM } from "./support/catalogs";

// ---------------------------------------------------------------------------------------
// The fixture: one team with a weekly primary and secondary rotation and a 5/15/30-minute
// ladder; P0 and P1 page, P2 posts to chat, P3 e-mails. Two products, so two PagerDuty
// services. The burn-rate tier "drift" has a 3-day window: a composite of two monitors.
// ---------------------------------------------------------------------------------------

function catalogText(environment: string, pages: boolean): string {
  const page = pages ? "page: high, " : "";
  return `environment: ${environment}
defaults:
  uptime:
    interval: 1m
  slos:
    burnRates:
      - { name: fast, factor: 14.4, longWindow: 1h, shortWindow: 5m, notify: page }
      - { name: drift, factor: 1, longWindow: 3d, shortWindow: 6h, notify: page }
products:
  - name: shop
    description: The shop.
  - name: blog
    description: The blog.
${STOREFRONT_TEAM}routing:
  slackAccount: acme
  severities:
    P0: { ${page}chat: [emergency] }
    P1: { ${page}chat: [alerts] }
    P2: { chat: [alerts] }
    P3: { email: true }
services:
  - name: web
    product: shop
    team: storefront
    tier: 0
    description: Storefront pages.
    runbook: https://runbooks.example.com/web
    endpoints:
      - name: home
        url: https://shop.example.com/
        severity: P0
    alerts:
      - name: error-rate
        signal: http.error-rate
        critical: 1%
        severity: P1
    slos:
      - name: availability
        target: 99.9%
        severity: P0
        sli: { type: http }
  - name: posts
    product: blog
    team: storefront
    tier: 1
    description: Blog posts.
    runbook: https://runbooks.example.com/posts
    endpoints:
      - name: feed
        url: https://blog.example.com/feed
        severity: P1
        tls: false
`;
}

/** What Lookout registers for the catalog, in a preview: the components as program.ts wires them. */
async function plan(environment: string, pages: boolean): Promise<PlannedResource[]> {
  const catalog = parseCatalog([{ file: `${environment}.yaml`, text: catalogText(environment, pages) }]);
  const run = await runComponents(() => {
    const providers = {
      datadog: new datadog.Provider("datadog", {}),
      pagerduty: catalog.pagerdutyServices.length > 0 ? new pagerduty.Provider("pagerduty", { token: "offline" }) : undefined,
    };
    const oncall = new Oncall("oncall", { catalog }, providers);
    const opts = { providers: { datadog: providers.datadog } };
    const { environment: env, services } = catalog;
    new Uptime("uptime", { environment: env, services, notify: oncall }, opts);
    new Alerts("alerts", { environment: env, services, notify: oncall }, opts);
    new Slos("slos", { environment: env, services, notify: oncall }, opts);
  });
  return run.resources;
}

let prod: PlannedResource[];
let staging: PlannedResource[];
let stagingWithPages: PlannedResource[];

beforeAll(async () => {
  // One at a time: the Pulumi runtime is process-global (runUnderMocks serializes anyway).
  prod = await plan("prod", true);
  staging = await plan("staging", false);
  stagingWithPages = await plan("staging", true);
});

/** The custom resource (not the component: a team's component and its escalation policy share a name) named so. */
const urnOf = (planned: readonly PlannedResource[], name: string): string => {
  const found = planned.filter((r) => r.custom && r.name === name);
  if (found.length !== 1) throw new Error(`${found.length} resources ${name}: ${planned.map((r) => r.name).join(", ")}`);
  return found[0].urn;
};

/** The plan with one resource's inputs changed (a deep copy: the plan itself is shared). */
function changed(planned: readonly PlannedResource[], name: string, change: (inputs: Record<string, unknown>) => Record<string, unknown>): PlannedResource[] {
  const urn = urnOf(planned, name);
  return planned.map((r) => (r.urn === urn ? { ...r, inputs: change(structuredClone(r.inputs) as Record<string, unknown>) } : r));
}

function without(planned: readonly PlannedResource[], name: string): PlannedResource[] {
  const urn = urnOf(planned, name);
  return planned.filter((r) => r.urn !== urn);
}

/** The stack rule's violations, by URN (registration order is not the rule's concern). */
const stackCheck = async (policy: typeof urgentAlertsReachPagerduty, planned: readonly PlannedResource[], config: Record<string, unknown> = {}): Promise<StackViolation[]> =>
  [...(await stackViolations(policy, policyResourcesOf(planned), config))].sort((a, b) => String(a.urn ?? "").localeCompare(String(b.urn ?? "")));

async function resourceCheck(policy: typeof schedulesHaveTwoPeople, planned: readonly PlannedResource[], name: string, config: Record<string, unknown> = {}): Promise<string[]> {
  const urn = urnOf(planned, name);
  const resource = policyResourcesOf(planned).find((r) => r.urn === urn);
  if (!resource) throw new Error(`no resource ${name}`);
  return resourceViolations(policy, resource, config);
}

const RESPONSE_TIMES =
  "(001 Production Monitoring Guide §6 On-Call Rotation: Response Times; " +
  "002 Production Monitoring & Alerting Guide §Critical Alert Categories: Critical 5 min SLA, High 15 min SLA).";

// ---------------------------------------------------------------------------------------

describe("what Lookout plans passes every on-call rule", () => {
  it("plans the PagerDuty graph, with the service's escalation policy unknown as in a preview", () => {
    const types = prod.map((r) => `${r.type} ${r.name}`);
    expect(types).toEqual(
      expect.arrayContaining([
        "pagerduty:index/schedule:Schedule oncall-storefront-primary",
        "pagerduty:index/schedule:Schedule oncall-storefront-secondary",
        "pagerduty:index/escalationPolicy:EscalationPolicy oncall-storefront",
        "pagerduty:index/service:Service oncall-shop-storefront",
        "pagerduty:index/service:Service oncall-blog-storefront",
        "datadog:pagerduty/serviceObject:ServiceObject oncall-shop-storefront-handle",
        "datadog:pagerduty/serviceObject:ServiceObject oncall-blog-storefront-handle",
      ]),
    );
    const service = policyResourcesOf(prod).find((r) => r.name === "oncall-shop-storefront");
    expect(() => service?.props.escalationPolicy).toThrow("can't be known during preview");
    expect(service?.propertyDependencies.escalationPolicy?.map((r) => r.name)).toEqual(["oncall-storefront"]);
  });

  it.each(oncallPolicies.map((p) => [p.name, p] as const))("prod: %s", async (_name, policy) => {
    if ("validateStack" in policy) expect(await stackCheck(policy, prod)).toEqual([]);
    else for (const r of policyResourcesOf(prod)) expect(await resourceViolations(policy, r), r.urn).toEqual([]);
  });

  it.each(oncallPolicies.map((p) => [p.name, p] as const))("staging: %s", async (_name, policy) => {
    if ("validateStack" in policy) expect(await stackCheck(policy, staging)).toEqual([]);
    else for (const r of policyResourcesOf(staging)) expect(await resourceViolations(policy, r), r.urn).toEqual([]);
  });

  it("plans no PagerDuty resource and no page for staging", () => {
    expect(staging.filter((r) => r.type.startsWith("pagerduty:") || r.type.startsWith("datadog:pagerduty/"))).toEqual([]);
    expect(JSON.stringify(staging)).not.toContain("@pagerduty-");
  });
});

describe("pagerdutyHandles", () => {
  it.each([
    ["Notify: @pagerduty-shop-storefront @slack-acme-shop-alerts", ["shop-storefront"]],
    ["@pagerduty-a @pagerduty-b\n@pagerduty-a.", ["a", "b"]],
    ["mail oncall@pagerduty-relay.example.com, no page", []],
    ["{{#is_alert}}@pagerduty-Shop_Web{{/is_alert}}", ["Shop_Web"]],
  ])("reads %j", (message, expected) => {
    expect(pagerdutyHandles(message)).toEqual(expected);
  });
});

describe("urgent-alerts-reach-pagerduty", () => {
  const policy = urgentAlertsReachPagerduty;
  const withoutHandle = (inputs: Record<string, unknown>) => ({ ...inputs, message: String(inputs.message).replaceAll("@pagerduty-shop-storefront ", "") });

  it("reports a P1 monitor whose message names no PagerDuty handle", async () => {
    expect(await stackCheck(policy, changed(prod, "alerts-web-error-rate", withoutHandle))).toEqual([
      {
        urn: urnOf(prod, "alerts-web-error-rate"),
        message:
          'Monitor "alerts-web-error-rate" (env:prod, severity:p1) names no @pagerduty-<service> handle in its message, so it pages nobody. ' +
          'Page P1 alerts in the catalog\'s routing (routing.severities.P1.page: high), so that its alert block names "Notify: @pagerduty-<product>-<team> …": ' +
          `a P1 must reach the on-call engineer within 15 minutes, at any hour ${RESPONSE_TIMES}`,
      },
    ]);
  });

  it("reports a P0 synthetics test that pages a service nobody declared", async () => {
    const stray = changed(prod, "uptime-web-home", (inputs) => ({ ...inputs, message: String(inputs.message).replace("@pagerduty-shop-storefront", "@pagerduty-shop-payments") }));
    expect(await stackCheck(policy, stray)).toEqual([
      {
        urn: urnOf(prod, "uptime-web-home"),
        message:
          'Synthetics test "uptime-web-home" (env:prod, severity:p0) notifies @pagerduty-shop-payments, but this stack declares no ' +
          'Datadog PagerDuty service object (datadog.pagerduty.ServiceObject) and PagerDuty service named "shop-payments", so the page reaches nobody. ' +
          "Let the routing table write the handle (the owning team in the catalog's teams, routing.severities.P0.page: high), " +
          `which creates the service, its escalation policy and the Datadog integration: a P0 must reach the on-call engineer within 5 minutes ${RESPONSE_TIMES}`,
      },
    ]);
  });

  it("reports a handle whose PagerDuty service is missing, once per alert", async () => {
    const renamed = changed(prod, "oncall-blog-storefront", (inputs) => ({ ...inputs, name: "blog-web" }));
    const found = await stackCheck(policy, renamed);
    expect(found.map((v) => v.urn)).toEqual([urnOf(prod, "uptime-posts-feed")]);
    expect(found[0].message).toContain(
      'Synthetics test "uptime-posts-feed" (env:prod, severity:p1) notifies @pagerduty-blog-storefront, but this stack declares no PagerDuty service named "blog-storefront"',
    );
  });

  it("reports an escalation policy whose first level waits longer than the P0 response time", async () => {
    const slow = changed(prod, "oncall-storefront", (inputs) => {
      const rules = inputs.rules as Array<Record<string, unknown>>;
      rules[0] = { ...rules[0], escalationDelayInMinutes: 10 };
      return inputs;
    });
    expect(await stackCheck(policy, slow)).toEqual([
      {
        urn: urnOf(prod, "oncall-storefront"),
        message:
          'Escalation policy "oncall-storefront" first escalates after 10 minutes, yet it answers P0 alerts through PagerDuty service "shop-storefront" ' +
          '(e.g. Monitor "slos-web-availability-burn-drift"). Set its first rule\'s escalationDelayInMinutes to 5 or less ' +
          "(catalog: the team's escalation.levels[0].until: 5m), so that a P0 nobody acknowledges reaches the next level within 5 minutes " +
          RESPONSE_TIMES,
      },
    ]);
    // The bound per severity is config: 10 minutes fits P0 once responseMinutes allows it.
    expect(await stackCheck(policy, slow, { responseMinutes: { p0: 10, p1: 15 } })).toEqual([]);
  });

  it("reports a service whose escalation policy the stack does not declare", async () => {
    const found = await stackCheck(policy, without(prod, "oncall-storefront"));
    expect(found).toEqual([
      {
        urn: urnOf(prod, "oncall-blog-storefront"),
        message: expect.stringMatching(/^PagerDuty service "oncall-blog-storefront" receives P1 alerts, but the escalation policy it uses is not declared in this stack, so nothing shows that an unacknowledged page escalates within 15 minutes\./),
      },
      {
        urn: urnOf(prod, "oncall-shop-storefront"),
        message:
          'PagerDuty service "oncall-shop-storefront" receives P0 alerts, but the escalation policy it uses is not declared in this stack, ' +
          "so nothing shows that an unacknowledged page escalates within 5 minutes. Give it the owning team's escalation policy " +
          `(catalog: teams[].escalation) ${RESPONSE_TIMES}`,
      },
    ]);
  });

  it("reports a service object that holds another service's integration key", async () => {
    // Swap the names: @pagerduty-shop-storefront now delivers to the blog's service.
    let swapped = changed(prod, "oncall-shop-storefront-handle", (inputs) => ({ ...inputs, serviceName: "blog-storefront" }));
    swapped = changed(swapped, "oncall-blog-storefront-handle", (inputs) => ({ ...inputs, serviceName: "shop-storefront" }));
    const found = await stackCheck(policy, swapped);
    expect(found).toEqual([
      expect.objectContaining({ urn: urnOf(prod, "oncall-blog-storefront-handle"), message: expect.stringContaining("so @pagerduty-shop-storefront pages the wrong team") }),
      {
        urn: urnOf(prod, "oncall-shop-storefront-handle"),
        message:
          'Datadog PagerDuty service object "oncall-shop-storefront-handle" (serviceName "blog-storefront") holds the integration key of PagerDuty service "shop-storefront", ' +
          'so @pagerduty-blog-storefront pages the wrong team. Take its serviceKey from the Datadog integration of service "blog-storefront" ' +
          "(001 Production Monitoring Guide §6; 002 Production Monitoring & Alerting Guide §Alert Routing & Escalation).",
      },
    ]);
  });

  it("leaves the conditions of a composite to the composite, which it judges", async () => {
    const halves = ["slos-web-availability-burn-drift-long", "slos-web-availability-burn-drift-short"];
    for (const half of halves) {
      const inputs = prod.find((r) => r.name === half)?.inputs;
      expect(inputs?.tags).toContain("severity:p0");
      expect(String(inputs?.message)).not.toContain("@pagerduty-");
    }
    const found = await stackCheck(policy, changed(prod, "slos-web-availability-burn-drift", withoutHandle));
    expect(found.map((v) => v.urn)).toEqual([urnOf(prod, "slos-web-availability-burn-drift")]);
  });

  it("takes the paging environments and severities from config", async () => {
    const found = await stackCheck(policy, staging, { pagingEnvironments: ["prod", "staging"] });
    expect(found.map((v) => v.message.split(" names no")[0]).sort()).toEqual([
      'Monitor "alerts-web-error-rate" (env:staging, severity:p1)',
      'Monitor "slos-web-availability-burn-drift" (env:staging, severity:p0)',
      'Monitor "slos-web-availability-burn-fast" (env:staging, severity:p0)',
      'Synthetics test "uptime-posts-feed" (env:staging, severity:p1)',
      'Synthetics test "uptime-web-home" (env:staging, severity:p0)',
    ]);
    expect(await stackCheck(policy, changed(prod, "alerts-web-error-rate", withoutHandle), { pagingSeverities: ["p0"] })).toEqual([]);
  });
});

describe("schedules-have-two-people", () => {
  const policy = schedulesHaveTwoPeople;
  const withLayers = (layers: unknown[]) => changed(prod, "oncall-storefront-primary", (inputs) => ({ ...inputs, layers }));
  const layer = (users: unknown[]) => ({ name: "primary", start: "2026-01-05T09:00:00+01:00", rotationVirtualStart: "2026-01-05T09:00:00+01:00", rotationTurnLengthSeconds: 604800, users });

  it("reports a schedule with one person", async () => {
    expect(await resourceCheck(policy, withLayers([layer(["PANA001"])]), "oncall-storefront-primary")).toEqual([
      'PagerDuty schedule "oncall-storefront-primary" has 1 person across its layers. Add 1 more (catalog: the rotation\'s members) to reach at least 2, ' +
        "so that nobody is on call alone week after week and someone covers leave and sickness: the guides run a weekly primary and a weekly secondary rotation " +
        '(001 Production Monitoring Guide §6 On-Call Rotation: "Primary: Week rotation", "Secondary: Week rotation").',
    ]);
  });

  it("counts a person listed twice once, and people across layers", async () => {
    expect(await resourceCheck(policy, withLayers([layer(["PANA001", "PANA001"])]), "oncall-storefront-primary")).toEqual([
      expect.stringContaining("has 1 person across its layers. Add 1 more"),
    ]);
    expect(await resourceCheck(policy, withLayers([layer(["PANA001"]), layer(["PBEN002"])]), "oncall-storefront-primary")).toEqual([]);
    expect(await resourceCheck(policy, withLayers([]), "oncall-storefront-primary")).toEqual([expect.stringContaining("has nobody across its layers. Add 2 more")]);
  });

  it("counts users unknown in a preview as possibly different people", async () => {
    expect(await resourceCheck(policy, withLayers([layer(["PANA001", UNKNOWN])]), "oncall-storefront-primary")).toEqual([]);
    expect(await resourceCheck(policy, withLayers([layer([UNKNOWN])]), "oncall-storefront-primary")).toEqual([expect.stringContaining("has 1 person")]);
  });

  it("takes the minimum from config", async () => {
    expect(await resourceCheck(policy, prod, "oncall-storefront-primary", { minPeople: 3 })).toEqual([
      expect.stringContaining('PagerDuty schedule "oncall-storefront-primary" has 2 people across its layers. Add 1 more (catalog: the rotation\'s members) to reach at least 3'),
    ]);
  });
});

describe("escalation-has-two-levels", () => {
  const policy = escalationHasTwoLevels;
  const keep = (count: number) => changed(prod, "oncall-storefront", (inputs) => ({ ...inputs, rules: (inputs.rules as unknown[]).slice(0, count) }));

  it("reports a policy with one level", async () => {
    expect(await resourceCheck(policy, keep(1), "oncall-storefront")).toEqual([
      'Escalation policy "oncall-storefront" has 1 level. Add 1 more rule (catalog: the team\'s escalation.levels) to reach at least 2, ' +
        "so that a page nobody acknowledges reaches someone else, up to the engineering lead and beyond " +
        '(001 Production Monitoring Guide §6 On-Call Rotation: "Escalation: Engineering Manager"; ' +
        "002 Production Monitoring & Alerting Guide §Escalation Matrix: 0–5, 5–15, 15–30 minutes; " +
        "003 CarBot Monitoring & Maintenance Guide §Internal Escalation: levels 1–4).",
    ]);
  });

  it("accepts two levels and takes the minimum from config", async () => {
    expect(await resourceCheck(policy, keep(2), "oncall-storefront")).toEqual([]);
    expect(await resourceCheck(policy, prod, "oncall-storefront", { minLevels: 4 })).toEqual([expect.stringContaining("has 3 levels. Add 1 more rule")]);
    expect(await resourceCheck(policy, keep(0), "oncall-storefront")).toEqual([expect.stringContaining("has no level. Add 2 more rules")]);
  });
});

describe("staging-never-pages", () => {
  const policy = stagingNeverPages;

  it("reports every page and every PagerDuty resource of a staging stack that copied prod's routing", async () => {
    const found = await stackCheck(policy, stagingWithPages);
    const names = found.map((v) => stagingWithPages.find((r) => r.urn === v.urn)?.name);
    expect(names.sort()).toEqual([
      "alerts-web-error-rate",
      "oncall-blog-storefront",
      "oncall-blog-storefront-datadog",
      "oncall-blog-storefront-handle",
      "oncall-shop-storefront",
      "oncall-shop-storefront-datadog",
      "oncall-shop-storefront-handle",
      "oncall-storefront",
      "oncall-storefront-primary",
      "oncall-storefront-secondary",
      "slos-web-availability-burn-drift",
      "slos-web-availability-burn-fast",
      "uptime-posts-feed",
      "uptime-web-home",
    ]);
    expect(found).toContainEqual({
      urn: urnOf(stagingWithPages, "uptime-web-home"),
      message:
        'Synthetics test "uptime-web-home" (env:staging) notifies @pagerduty-shop-storefront. Remove the handle: staging never pages a person; ' +
        'route its alerts to chat or e-mail only (leave routing.severities.*.page unset in the staging catalog) (DESIGN.md §Severity ladder: "Staging never pages a person").',
    });
    expect(found).toContainEqual({
      urn: urnOf(stagingWithPages, "oncall-shop-storefront"),
      message:
        'PagerDuty service "oncall-shop-storefront" is declared in a stack whose alerts are all env:staging. ' +
        "Remove it (leave routing.severities.*.page unset in this stack's catalog, so no team's PagerDuty service is made): " +
        'this environment never pages a person (DESIGN.md §Severity ladder: "Staging never pages a person").',
    });
  });

  it("allows PagerDuty in a stack that also holds paging environments, but not a staging page", async () => {
    const mixed = [...prod, ...changed(staging, "uptime-web-home", (inputs) => ({ ...inputs, message: `${String(inputs.message)}\n@pagerduty-shop-storefront` }))];
    const found = await stackCheck(policy, mixed);
    expect(found).toEqual([{ urn: urnOf(staging, "uptime-web-home"), message: expect.stringMatching(/^Synthetics test "uptime-web-home" \(env:staging\) notifies @pagerduty-shop-storefront\. Remove the handle/) }]);
  });

  it("takes the quiet environments from config", async () => {
    expect(await stackCheck(policy, prod, { nonPagingEnvironments: ["staging", "prod"] })).not.toEqual([]);
    expect(await stackCheck(policy, stagingWithPages, { nonPagingEnvironments: ["dev"] })).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------
// Through the real pack, over gRPC, with the engine's property dependencies
// ---------------------------------------------------------------------------------------

describe("the pack over gRPC", () => {
  const POLICIES = path.resolve(__dirname, "../policies");
  // monitoring-budget (advisory) would price these 1-minute checks over 001's $60/month: not this file's concern.
  const options = { project: "lookout", stack: "test", dryRun: true, policyConfig: { "monitoring-budget": "disabled" } };
  let good: PolicyRunResult;
  let goodStaging: PolicyRunResult;
  let slow: PolicyRunResult;

  beforeAll(async () => {
    const slowPlan = changed(prod, "oncall-storefront", (inputs) => {
      const rules = inputs.rules as Array<Record<string, unknown>>;
      rules[0] = { ...rules[0], escalationDelayInMinutes: 30 };
      return inputs;
    });
    [good, goodStaging, slow] = await Promise.all([
      runPolicyPacks([POLICIES], prod, options),
      runPolicyPacks([POLICIES], staging, options),
      runPolicyPacks([POLICIES], slowPlan, options),
    ]);
  }, 120_000);

  it("passes Lookout's own prod and staging plans, without a preview advisory", () => {
    expect(good.diagnostics).toEqual([]);
    expect(goodStaging.diagnostics).toEqual([]);
  });

  it("finds the escalation policy of a service whose policy ID is unknown in the preview", () => {
    expect(slow.diagnostics).toEqual([
      expect.objectContaining({
        policy: "urgent-alerts-reach-pagerduty",
        enforcementLevel: "mandatory",
        severity: "critical",
        urn: urnOf(prod, "oncall-storefront"),
        // The engine prefixes the policy's description.
        message: expect.stringContaining('.\nEscalation policy "oncall-storefront" first escalates after 30 minutes, yet it answers P0 alerts'),
      }),
    ]);
  });
});
