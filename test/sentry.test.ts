import { describe, expect, it } from "vitest";
import { parseCatalog } from "../catalog/load";
import type { Catalog, Quantity, SentryIssueAlert, SentryMetricAlert, Service } from "../catalog/model";
import { issueActions, issueAlertArgs, issueFilters, metricAlertArgs, metricQuery, sentryProjectArgs, sentryTeamArgs, sentryThreshold, triggerActions, type SentryRouteTargets } from "../infra/sentry/sentryRules";
import { runComponents, shapeOf } from "./support/mocks";

/** Three services with Sentry (two teams), one without. */
const CATALOG = `environment: prod
products:
  - name: shop
    description: The shop.
services:
  - name: checkout
    product: shop
    team: payments
    tier: 0
    description: Checkout API.
    runbook: https://runbooks.example.com/checkout
    sentry:
      project: checkout-api
      platform: node
      issueAlerts:
        - name: new-errors
          when: new-issue
          level: error
          tags:
            transaction: /api/pay
            region: eu
          severity: P1
          notifyEvery: 1h
        - name: error-burst
          when: frequency
          count: 50
          interval: 5m
          message: timeout
          severity: P0
        - name: comeback
          when: regression
          severity: P2
        - name: payment-failed
          when: any-event
          severity: P0
      metricAlerts:
        - name: failures
          signal: failure-rate
          critical: 5%
          warning: 2%
          recovery: 1%
          window: 5m
          severity: P1
        - name: slow
          signal: latency
          query: "transaction:/api/pay*"
          critical: 2s
          window: 10m
          severity: P2
        - name: errors
          signal: error-count
          critical: 100
          warning: 50
          window: 1h
          severity: P1
        - name: quiet
          signal: error-count
          comparison: below
          critical: 1
          recovery: 3
          window: 1h
          severity: P3
        - name: tiny-failures
          signal: failure-rate
          critical: 0.07%
          window: 15m
          severity: P2
  - name: search
    product: shop
    team: payments
    tier: 2
    description: Search.
    runbook: https://runbooks.example.com/search
    sentry:
      issueAlerts:
        - name: new-errors
          when: new-issue
          severity: P2
  - name: accounts
    product: shop
    team: identity
    tier: 1
    description: Accounts.
    runbook: https://runbooks.example.com/accounts
    sentry:
      platform: python
      metricAlerts:
        - name: slow-login
          signal: latency
          percentile: p99
          comparison: above
          critical: 1500ms
          window: 5m
          severity: P1
  - name: web
    product: shop
    team: storefront
    tier: 0
    description: Storefront.
    runbook: https://runbooks.example.com/web
`;

const catalog = parseCatalog([{ file: "sentry.yaml", text: CATALOG }]);
const service = (name: string): Service => catalog.services.find((s) => s.name === name)!;
const checkout = service("checkout");
const issue = (s: Service, name: string): SentryIssueAlert => s.sentry!.issueAlerts.find((a) => a.name === name)!;
const metric = (s: Service, name: string): SentryMetricAlert => s.sentry!.metricAlerts.find((a) => a.name === name)!;

const FIRST_SEEN = "sentry.rules.conditions.first_seen_event.FirstSeenEventCondition";
const REGRESSION = "sentry.rules.conditions.regression_event.RegressionEventCondition";
const FREQUENCY = "sentry.rules.conditions.event_frequency.EventFrequencyCondition";
const TAGGED = "sentry.rules.filters.tagged_event.TaggedEventFilter";
const ATTRIBUTE = "sentry.rules.filters.event_attribute.EventAttributeFilter";
/** The stack's environment as a filter (PF-SEN-5), never the rule's `environment` field (PF-SEN-4). */
const IN_PROD = { id: ATTRIBUTE, attribute: "environment", match: "eq", value: "prod" };
/** Team IDs only: metric-alert triggers fall back to e-mailing the team (PF-SEN-9). */
const TEAM_IDS: SentryRouteTargets = { pagerdutyServices: {}, teamIds: { payments: "11", identity: "12" } };
const TEAM_MAIL = { type: "email", targetType: "team", targetIdentifier: "11" };

describe("Sentry thresholds", () => {
  it.each<[Quantity, number]>([
    [{ text: "5%", kind: "percent", value: 5 }, 0.05],
    [{ text: "0.07%", kind: "percent", value: 0.07 }, 0.0007],
    [{ text: "99.9%", kind: "percent", value: 99.9 }, 0.999],
    [{ text: "14.4%", kind: "percent", value: 14.4 }, 0.144],
    [{ text: "2s", kind: "duration", value: 2000 }, 2000],
    [{ text: "1500ms", kind: "duration", value: 1500 }, 1500],
    [{ text: "100", kind: "number", value: 100 }, 100],
    [{ text: "0.3", kind: "number", value: 0.3 }, 0.3],
  ])("%j is %d in Sentry", (quantity, expected) => {
    expect(sentryThreshold(quantity)).toBe(expected);
  });

  it("refuses a per-hour rate", () => {
    expect(() => sentryThreshold({ text: "50/h", kind: "per-hour", value: 50 })).toThrow(/per-hour/);
  });
});

describe("Sentry team and project arguments", () => {
  it("owns the project by the service's team, slug from the catalog", () => {
    expect(sentryProjectArgs("acme", "prod", checkout)).toEqual({
      organization: "acme",
      name: "checkout",
      slug: "checkout-api",
      platform: "node",
      teams: ["payments"],
    });
  });

  it("defaults the slug to the service name and the platform to Next.js", () => {
    expect(sentryProjectArgs("acme", "prod", service("search"))).toMatchObject({ slug: "search", platform: "javascript-nextjs", teams: ["payments"] });
  });

  it("uses the team name as the team's slug", () => {
    expect(sentryTeamArgs("acme", "payments")).toEqual({ organization: "acme", name: "payments", slug: "payments" });
  });

  it("refuses a service without a Sentry block", () => {
    expect(() => sentryProjectArgs("acme", "prod", service("web"))).toThrow(/no Sentry project/);
  });
});

describe("Sentry issue alert arguments", () => {
  it("alerts on a new issue at error level and above, with one filter per tag", () => {
    expect(issueAlertArgs("acme", "checkout-api", "prod", checkout, issue(checkout, "new-errors"))).toEqual({
      organization: "acme",
      project: "checkout-api",
      name: "[prod] checkout new-errors (P1)",
      actionMatch: "any",
      filterMatch: "all",
      frequency: 60,
      conditions: [{ id: FIRST_SEEN }],
      filters: [
        IN_PROD,
        { id: TAGGED, key: "region", match: "eq", value: "eu" },
        { id: TAGGED, key: "transaction", match: "eq", value: "/api/pay" },
        { id: "sentry.rules.filters.level.LevelFilter", match: "gte", level: "40" },
      ],
      actions: [{ id: "sentry.mail.actions.NotifyEmailAction", targetType: "IssueOwners", fallthroughType: "ActiveMembers" }],
    });
  });

  it("counts events in an interval for a frequency alert, filtered by message", () => {
    const args = issueAlertArgs("acme", "checkout-api", "prod", checkout, issue(checkout, "error-burst"));
    // PF-SEN-7: Sentry fires on more than `value` events; the catalog's count is passed as written.
    expect(args.conditions).toEqual([{ id: FREQUENCY, value: "50", interval: "5m", comparisonType: "count" }]);
    expect(args.filters).toEqual([IN_PROD, { id: ATTRIBUTE, attribute: "message", match: "co", value: "timeout" }]);
    expect(args.frequency).toBe(30);
    expect(args.name).toBe("[prod] checkout error-burst (P0)");
  });

  it("alerts on a regression filtered by the stack's environment only", () => {
    const args = issueAlertArgs("acme", "checkout-api", "staging", checkout, issue(checkout, "comeback"));
    expect(args.conditions).toEqual([{ id: REGRESSION }]);
    expect(args.filters).toEqual([{ ...IN_PROD, value: "staging" }]);
  });

  it("never sets Sentry's environment field, which a new organization has not created yet (PF-SEN-4)", () => {
    for (const alert of checkout.sentry!.issueAlerts) expect(issueAlertArgs("acme", "checkout-api", "prod", checkout, alert)).not.toHaveProperty("environment");
    for (const alert of checkout.sentry!.metricAlerts) expect(metricAlertArgs("acme", "checkout-api", "prod", checkout, alert, TEAM_IDS)).not.toHaveProperty("environment");
  });

  it("fires an any-event alert from the first event: more than 0 events (PF-SEN-7)", () => {
    const args = issueAlertArgs("acme", "checkout-api", "prod", checkout, issue(checkout, "payment-failed"));
    expect(args.conditions).toEqual([{ id: FREQUENCY, value: "0", interval: "1h", comparisonType: "count" }]);
    expect(args.filters).toEqual([IN_PROD]);
  });

  it("refuses count and interval on an any-event alert", () => {
    const bad = CATALOG.replace("          when: any-event\n", "          when: any-event\n          count: 1\n          interval: 5m\n");
    expect(() => parseCatalog([{ file: "sentry.yaml", text: bad }])).toThrow(/"count" applies to frequency alerts only \(any-event fires on every event, the first included\)/);
  });

  it.each([
    ["fatal", "50"],
    ["error", "40"],
    ["warning", "30"],
    ["info", "20"],
    ["debug", "10"],
  ] as const)("filters level %s as Sentry level %s", (level, number) => {
    const alert: SentryIssueAlert = { ...issue(checkout, "comeback"), level };
    expect(issueFilters(alert, "prod")).toEqual([IN_PROD, { id: "sentry.rules.filters.level.LevelFilter", match: "gte", level: number }]);
  });
});

describe("Sentry metric alert arguments", () => {
  const args = (name: string, s: Service = checkout) => metricAlertArgs("acme", "checkout-api", "prod", s, metric(s, name), TEAM_IDS);

  it("measures the failure rate of transactions on the span dataset as a ratio, with warning and recovery (PF-SEN-1, PF-SEN-3)", () => {
    expect(args("failures")).toEqual({
      organization: "acme",
      project: "checkout-api",
      name: "[prod] checkout failures (P1)",
      dataset: "events_analytics_platform",
      eventTypes: ["trace_item_span"],
      aggregate: "failure_rate()",
      query: "is_transaction:true environment:prod",
      timeWindow: 5,
      thresholdType: 0,
      resolveThreshold: 0.01,
      triggers: [
        { label: "critical", alertThreshold: 0.05, thresholdType: 0, resolveThreshold: 0.01, actions: [TEAM_MAIL] },
        { label: "warning", alertThreshold: 0.02, thresholdType: 0, resolveThreshold: 0.01, actions: [TEAM_MAIL] },
      ],
    });
  });

  it("keeps a small percentage exact", () => {
    expect(args("tiny-failures").triggers).toEqual([{ label: "critical", alertThreshold: 0.0007, thresholdType: 0, actions: [TEAM_MAIL] }]);
  });

  it("measures transaction latency at the percentile of span.duration in milliseconds, with the catalog's query and no warning", () => {
    const slow = args("slow");
    expect(slow).toMatchObject({
      aggregate: "p95(span.duration)",
      dataset: "events_analytics_platform",
      eventTypes: ["trace_item_span"],
      query: "is_transaction:true environment:prod transaction:/api/pay*",
      timeWindow: 10,
    });
    expect(slow.triggers).toEqual([{ label: "critical", alertThreshold: 2000, thresholdType: 0, actions: [TEAM_MAIL] }]);
    expect(slow.resolveThreshold).toBeUndefined();
    const accounts = service("accounts");
    expect(metricAlertArgs("acme", "accounts", "prod", accounts, metric(accounts, "slow-login"), TEAM_IDS)).toMatchObject({
      aggregate: "p99(span.duration)",
      triggers: [{ label: "critical", alertThreshold: 1500 }],
    });
  });

  it("counts error events as plain numbers", () => {
    expect(args("errors")).toMatchObject({
      dataset: "events",
      eventTypes: ["error"],
      aggregate: "count()",
      query: "environment:prod",
      timeWindow: 60,
      triggers: [
        { label: "critical", alertThreshold: 100, thresholdType: 0 },
        { label: "warning", alertThreshold: 50, thresholdType: 0 },
      ],
    });
  });

  it("alerts below the threshold with thresholdType 1, top-level and per trigger", () => {
    const quiet = args("quiet");
    expect(quiet.thresholdType).toBe(1);
    expect(quiet.resolveThreshold).toBe(3);
    expect(quiet.triggers).toEqual([{ label: "critical", alertThreshold: 1, thresholdType: 1, resolveThreshold: 3, actions: [TEAM_MAIL] }]);
  });

  it("refuses a threshold in another unit than the signal's", () => {
    const wrong: SentryMetricAlert = { ...metric(checkout, "failures"), critical: { text: "5", kind: "number", value: 5 } };
    expect(() => metricAlertArgs("acme", "checkout-api", "prod", checkout, wrong, TEAM_IDS)).toThrow(/expected a percent threshold, found "5"/);
  });

  it("parenthesizes a catalog query with an OR, which binds looser than the filters before it", () => {
    expect(metricQuery("latency", "prod", "transaction:/a OR transaction:/b")).toBe("is_transaction:true environment:prod (transaction:/a OR transaction:/b)");
    expect(metricQuery("error-count", "staging", " level:fatal ")).toBe("environment:staging level:fatal");
  });

  it("refuses windows under 5 minutes for span-based signals, not for error counts (PF-SEN-2)", () => {
    const oneMinute = (signal: string) =>
      CATALOG.replace("        - name: quiet\n          signal: error-count", `        - name: quick\n          signal: ${signal}\n          critical: ${signal === "latency" ? "1s" : signal === "failure-rate" ? "1%" : "5"}\n          window: 1m\n          severity: P2\n        - name: quiet\n          signal: error-count`);
    expect(() => parseCatalog([{ file: "sentry.yaml", text: oneMinute("failure-rate") }])).toThrow(/sentry\.yaml:59:19 {2}services\[0\]\.sentry\.metricAlerts\[3\]\.window {2}expected a window of at least 5m for a failure-rate alert \(Sentry's span-based alerts\), found "1m"/);
    expect(() => parseCatalog([{ file: "sentry.yaml", text: oneMinute("latency") }])).toThrow(/at least 5m for a latency alert/);
    expect(() => parseCatalog([{ file: "sentry.yaml", text: oneMinute("error-count") }])).not.toThrow();
  });
});

describe("Sentry actions", () => {
  const route = checkout.routes;
  const paging = {
    severity: "P1" as const,
    pagerduty: { service: "shop-payments", urgency: "high" as const },
    slack: [{ account: "acme", channel: "#pay-alerts" }],
    email: [],
    handles: [],
  };
  const targets: SentryRouteTargets = { pagerdutyAccount: "41", slackWorkspace: "42", slackChannels: { "#pay-alerts": "C0PAYALRT1" }, pagerdutyServices: { payments: "777" }, teamIds: { payments: "11" } };

  it("posts to Slack by channel ID, keeping the name Sentry checks the ID against (PF-SEN-6)", () => {
    expect(route).toBeUndefined();
    expect(issueActions(paging, "payments", targets)).toContainEqual({ id: "sentry.integrations.slack.notify_action.SlackNotifyServiceAction", workspace: "42", channel: "#pay-alerts", channel_id: "C0PAYALRT1" });
    expect(() => issueActions(paging, "payments", { ...targets, slackChannels: {} })).toThrow(/Slack action for #pay-alerts needs the channel's ID \(routing\.sentry\.slackChannels\)/);
  });

  it("pages on the critical trigger only: a warning goes to chat", () => {
    expect(triggerActions(paging, "payments", targets, "critical").map((a) => a.type)).toEqual(["pagerduty", "slack"]);
    expect(triggerActions(paging, "payments", targets, "warning").map((a) => a.type)).toEqual(["slack"]);
  });

  it("never leaves a trigger without an action, which Sentry refuses (PF-SEN-9)", () => {
    expect(triggerActions(undefined, "payments", { pagerdutyServices: {}, teamIds: { payments: "11" } })).toEqual([TEAM_MAIL]);
    expect(() => triggerActions(undefined, "payments", { pagerdutyServices: {} })).toThrow(/critical trigger needs an action/);
  });
});

async function planFor(c: Catalog, services: readonly Service[] = c.services) {
  const { SentryAlerting } = await import("../infra/sentry/sentry");
  return runComponents(() => {
    new SentryAlerting("sentry", { environment: c.environment, organization: "acme", services });
  });
}

describe("the SentryAlerting component under mocks", () => {
  it("registers teams once, a project per service with Sentry, and every alert, parented per service", async () => {
    const run = await planFor(catalog);
    const names = shapeOf(run);
    expect(names).toEqual([
      "lookout:sentry:SentryAlerting sentry <- lookout-test",
      "lookout:sentry:ServiceSentry sentry-accounts <- sentry",
      "lookout:sentry:ServiceSentry sentry-checkout <- sentry",
      "lookout:sentry:ServiceSentry sentry-search <- sentry",
      "pulumi:pulumi:Stack lookout-test <- ",
      "sentry:index/sentryIssueAlert:SentryIssueAlert sentry-checkout-issue-comeback <- sentry-checkout",
      "sentry:index/sentryIssueAlert:SentryIssueAlert sentry-checkout-issue-error-burst <- sentry-checkout",
      "sentry:index/sentryIssueAlert:SentryIssueAlert sentry-checkout-issue-new-errors <- sentry-checkout",
      "sentry:index/sentryIssueAlert:SentryIssueAlert sentry-checkout-issue-payment-failed <- sentry-checkout",
      "sentry:index/sentryIssueAlert:SentryIssueAlert sentry-search-issue-new-errors <- sentry-search",
      "sentry:index/sentryMetricAlert:SentryMetricAlert sentry-accounts-metric-slow-login <- sentry-accounts",
      "sentry:index/sentryMetricAlert:SentryMetricAlert sentry-checkout-metric-errors <- sentry-checkout",
      "sentry:index/sentryMetricAlert:SentryMetricAlert sentry-checkout-metric-failures <- sentry-checkout",
      "sentry:index/sentryMetricAlert:SentryMetricAlert sentry-checkout-metric-quiet <- sentry-checkout",
      "sentry:index/sentryMetricAlert:SentryMetricAlert sentry-checkout-metric-slow <- sentry-checkout",
      "sentry:index/sentryMetricAlert:SentryMetricAlert sentry-checkout-metric-tiny-failures <- sentry-checkout",
      "sentry:index/sentryProject:SentryProject sentry-accounts-project <- sentry-accounts",
      "sentry:index/sentryProject:SentryProject sentry-checkout-project <- sentry-checkout",
      "sentry:index/sentryProject:SentryProject sentry-search-project <- sentry-search",
      "sentry:index/sentryTeam:SentryTeam sentry-team-identity <- sentry",
      "sentry:index/sentryTeam:SentryTeam sentry-team-payments <- sentry",
    ]);
  });

  it("makes projects depend on their team and alerts on their project, with the project's slug", async () => {
    const run = await planFor(catalog);
    const byName = (name: string) => run.resources.find((r) => r.name === name)!;
    const project = byName("sentry-checkout-project");
    expect(project.dependencies).toContain(byName("sentry-team-payments").urn);
    expect(project.dependencies).not.toContain(byName("sentry-team-identity").urn);
    for (const alert of ["sentry-checkout-issue-new-errors", "sentry-checkout-metric-failures"]) {
      expect(byName(alert).propertyDependencies?.project).toEqual([project.urn]);
      expect(byName(alert).inputs.project).toBe("checkout-api");
    }
    expect(byName("sentry-checkout-metric-failures").urn).toBe(
      "urn:pulumi:test::lookout::lookout:sentry:SentryAlerting$lookout:sentry:ServiceSentry$sentry:index/sentryMetricAlert:SentryMetricAlert::sentry-checkout-metric-failures",
    );
    expect(byName("sentry-checkout-metric-failures").inputs).toMatchObject({ organization: "acme", aggregate: "failure_rate()", triggers: [{ alertThreshold: 0.05 }, { alertThreshold: 0.02 }] });
  });

  it("keeps every URN and input when services and alerts come in another order", async () => {
    // Reorder the YAML: services reversed, each project's alerts reversed.
    const at = CATALOG.indexOf("services:\n") + "services:\n".length;
    const blocks = CATALOG.slice(at).trimEnd().split(/\n(?=  - name: )/);
    expect(blocks).toHaveLength(4);
    const reversedText = `${CATALOG.slice(0, at)}${blocks.reverse().join("\n")}\n`;
    expect(reversedText).not.toBe(CATALOG);
    const reordered = parseCatalog([{ file: "sentry.yaml", text: reversedText }]);
    const plan = async (c: Catalog, services: readonly Service[]) =>
      Object.fromEntries((await planFor(c, services)).resources.map((r) => [r.urn, r.inputs]));
    const original = await plan(catalog, catalog.services);
    expect(await plan(reordered, reordered.services)).toEqual(original);
    // The component itself must not depend on order either (the loader sorts; callers may not).
    const shuffled = [...catalog.services].reverse().map((s) =>
      s.sentry ? { ...s, sentry: { ...s.sentry, issueAlerts: [...s.sentry.issueAlerts].reverse(), metricAlerts: [...s.sentry.metricAlerts].reverse() } } : s,
    );
    expect(await plan(catalog, shuffled)).toEqual(original);
  });

  it("creates nothing but itself for services without Sentry", async () => {
    const run = await planFor(catalog, [service("web")]);
    expect(run.resources.map((r) => r.type).sort()).toEqual(["lookout:sentry:SentryAlerting", "pulumi:pulumi:Stack"]);
  });
});
