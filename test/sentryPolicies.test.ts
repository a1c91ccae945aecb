/**
 * The Sentry rules of the pack, called directly on the rule arguments Lookout itself
 * generates (which must pass) and on hand-broken variants (which must not).
 */
import { describe, expect, it } from "vitest";
import { parseCatalog } from "../catalog/load";
import { issueAlertArgs, metricAlertArgs, sentryPagerdutyServices, type SentryRouteTargets } from "../infra/sentry/sentryRules";
import {
  SENTRY_ISSUE_ALERT,
  SENTRY_METRIC_ALERT,
  sentryImmediateRulesFireOnFirstEvent,
  sentryMetricAlertsOnSpans,
  sentryPolicies,
  sentryRulesFilterEnvironments,
  sentrySlackActionsById,
  sentryUrgentRulesPage,
} from "../policies/sentry";
import { violations } from "./support/policies";

const catalogText = `environment: prod
products:
  - { name: shop, description: The shop. }
routing:
  slackAccount: acme
  sentry: { slackWorkspace: acme, pagerdutyAccount: acme, slackChannels: { "#pay-alerts": C0PAYALRT1 } }
  severities:
    P0: { page: high, chat: [alerts] }
    P1: { page: high, chat: [alerts] }
    P2: { chat: [alerts] }
    P3: { chat: [alerts] }
teams:
  - name: payments
    timeZone: UTC
    members: [{ email: ana@example.com }]
    rotations: [{ name: primary, members: [ana@example.com], handoff: { day: monday, time: "09:00" }, start: 2026-01-05 }]
    escalation: { levels: [{ until: 5m, notify: [schedule:primary] }] }
    chat: { alerts: "#pay-alerts" }
    sentryPagerdutyService: "777"
services:
  - name: checkout
    product: shop
    team: payments
    tier: 0
    description: Checkout.
    runbook: https://runbooks.example.com/checkout
    sentry:
      issueAlerts:
        - { name: payment-failed, when: any-event, severity: P0 }
        - { name: error-burst, when: frequency, count: 20, interval: 5m, severity: P2 }
      metricAlerts:
        - { name: failures, signal: failure-rate, critical: 5%, window: 5m, severity: P1 }
        - { name: slow, signal: latency, critical: 2s, window: 5m, severity: P1 }
        - { name: errors, signal: error-count, critical: 100, window: 1m, severity: P2 }
`;
const catalog = parseCatalog([{ file: "sentry.yaml", text: catalogText }]);
const checkout = catalog.services[0];
const targets: SentryRouteTargets = { pagerdutyAccount: "41", slackWorkspace: "42", slackChannels: { "#pay-alerts": "C0PAYALRT1" }, pagerdutyServices: { payments: "777" }, teamIds: { payments: "11" } };
const plain = (value: unknown) => JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
const issue = (name: string) => plain(issueAlertArgs("acme", "checkout", "prod", checkout, checkout.sentry!.issueAlerts.find((a) => a.name === name)!, targets));
const metric = (name: string) => plain(metricAlertArgs("acme", "checkout", "prod", checkout, checkout.sentry!.metricAlerts.find((a) => a.name === name)!, targets));

describe("what Lookout generates passes every Sentry rule", () => {
  it.each([
    ...checkout.sentry!.issueAlerts.map((a) => [a.name, SENTRY_ISSUE_ALERT] as const),
    ...checkout.sentry!.metricAlerts.map((a) => [a.name, SENTRY_METRIC_ALERT] as const),
  ])("%s", async (name, type) => {
    const props = type === SENTRY_ISSUE_ALERT ? issue(name) : metric(name);
    for (const policy of sentryPolicies) expect(await violations(policy, props, {}, type), policy.name).toEqual([]);
  });
});

describe("sentry-metric-alerts-on-spans", () => {
  const check = (props: Record<string, unknown>) => violations(sentryMetricAlertsOnSpans, props, {}, SENTRY_METRIC_ALERT);

  it("refuses the transactions and generic_metrics datasets (PF-SEN-1)", async () => {
    for (const dataset of ["transactions", "generic_metrics"]) {
      expect(await check({ ...metric("failures"), dataset })).toEqual([
        expect.stringMatching(new RegExp(`^Sentry metric alert "\\[prod\\] checkout failures \\(P1\\)" uses the ${dataset} dataset, which Sentry refuses for new alerts\\. Use the span dataset \\(events_analytics_platform\\)`)),
      ]);
    }
  });

  it("asks a span alert for a 5-minute window and one event type (PF-SEN-2)", async () => {
    expect(await check({ ...metric("slow"), timeWindow: 1, eventTypes: ["trace_item_span", "transaction"] })).toEqual([
      expect.stringMatching(/evaluates a 1-minute window; Sentry's span-based alerts take 5 minutes or more/),
      expect.stringMatching(/names 2 event types; an alert on the span dataset takes one, trace_item_span/),
    ]);
  });

  it("asks transaction rates and durations on spans for is_transaction:true (PF-SEN-3)", async () => {
    expect(await check({ ...metric("slow"), query: "environment:prod" })).toEqual([
      expect.stringMatching(/measures p95\(span\.duration\) over every span, not over transactions\. Add is_transaction:true/),
    ]);
    expect(await check({ ...metric("failures"), query: "(is_transaction:1) environment:prod" })).toEqual([]);
  });

  it("leaves error counts on the events dataset alone, whatever their window", async () => {
    expect(metric("errors")).toMatchObject({ dataset: "events", timeWindow: 1 });
    expect(await check(metric("errors"))).toEqual([]);
  });
});

describe("sentry-rules-filter-environments", () => {
  it("refuses Sentry's environment field on issue and metric alerts, naming the filter to use (PF-SEN-4)", async () => {
    expect(await violations(sentryRulesFilterEnvironments, { ...issue("payment-failed"), environment: "prod" }, {}, SENTRY_ISSUE_ALERT)).toEqual([
      expect.stringMatching(/^Sentry rule "\[prod\] checkout payment-failed \(P0\)" sets environment "prod"\. .*first pulumi up fails; filter with an event-attribute filter/),
    ]);
    expect(await violations(sentryRulesFilterEnvironments, { ...metric("failures"), environment: "prod" }, {}, SENTRY_METRIC_ALERT)).toEqual([
      expect.stringMatching(/filter with the query term environment:prod instead/),
    ]);
  });
});

describe("sentry-slack-actions-by-id", () => {
  it("refuses a Slack action by channel name only (PF-SEN-6)", async () => {
    const props = issue("payment-failed");
    const actions = (props.actions as Record<string, unknown>[]).map((a) => {
      const { channel_id: _id, ...byName } = a;
      return byName;
    });
    expect(props.actions).toContainEqual(expect.objectContaining({ channel: "#pay-alerts", channel_id: "C0PAYALRT1" }));
    expect(await violations(sentrySlackActionsById, { ...props, actions }, {}, SENTRY_ISSUE_ALERT)).toEqual([
      expect.stringMatching(/posts to #pay-alerts by name only: Sentry then looks the channel up asynchronously/),
    ]);
  });
});

describe("sentry-immediate-rules-fire-on-first-event", () => {
  const frequency = (value: string) => ({ ...issue("payment-failed"), conditions: [{ id: "sentry.rules.conditions.event_frequency.EventFrequencyCondition", value, interval: "5m", comparisonType: "count" }] });

  it("refuses a P0 rule that waits for a second event (PF-SEN-7)", async () => {
    expect(await violations(sentryImmediateRulesFireOnFirstEvent, frequency("1"), {}, SENTRY_ISSUE_ALERT)).toEqual([
      'Sentry issue alert "[prod] checkout payment-failed (P0)" is P0, an immediate rule, but fires only once an issue has more than 1 event in 5m: ' +
        `Sentry's frequency condition counts "more than". Write it as when: any-event, which fires from the first event (PF-SEN-7).`,
    ]);
    expect(await violations(sentryImmediateRulesFireOnFirstEvent, frequency("0"), {}, SENTRY_ISSUE_ALERT)).toEqual([]);
  });

  it("leaves other severities' frequency rules alone, unless configured immediate", async () => {
    expect(await violations(sentryImmediateRulesFireOnFirstEvent, issue("error-burst"), {}, SENTRY_ISSUE_ALERT)).toEqual([]);
    expect(await violations(sentryImmediateRulesFireOnFirstEvent, issue("error-burst"), { immediateSeverities: ["P0", "P2"] }, SENTRY_ISSUE_ALERT)).toEqual([
      expect.stringMatching(/is P2, an immediate rule, but fires only once an issue has more than 20 events in 5m/),
    ]);
  });
});

describe("sentry-urgent-rules-page", () => {
  it("warns when an urgent production rule pages nobody, as during a first deployment with a pending service (PF-SEN-8)", async () => {
    const team = { ...catalog.teams[0], sentryPagerdutyService: "pending" };
    expect(sentryPagerdutyServices([catalog.teams[0]])).toEqual({ payments: "777" });
    expect(sentryPagerdutyServices([team])).toEqual({});
    const pending: SentryRouteTargets = { ...targets, pagerdutyServices: sentryPagerdutyServices([team]) };
    const alert = (name: string) => checkout.sentry!.issueAlerts.find((a) => a.name === name)!;
    const firstDeploy = plain(issueAlertArgs("acme", "checkout", "prod", checkout, alert("payment-failed"), pending));
    expect(sentryUrgentRulesPage.enforcementLevel).toBe("advisory");
    expect(await violations(sentryUrgentRulesPage, firstDeploy, {}, SENTRY_ISSUE_ALERT)).toEqual([
      expect.stringMatching(/^Sentry rule "\[prod\] checkout payment-failed \(P0\)" is P0 in prod but pages nobody\. Set the team's sentryPagerdutyService/),
    ]);
    const metricFirstDeploy = plain(metricAlertArgs("acme", "checkout", "prod", checkout, checkout.sentry!.metricAlerts.find((a) => a.name === "failures")!, pending));
    expect(await violations(sentryUrgentRulesPage, metricFirstDeploy, {}, SENTRY_METRIC_ALERT)).toEqual([expect.stringMatching(/is P1 in prod but pages nobody/)]);
    expect(await violations(sentryUrgentRulesPage, issue("payment-failed"), {}, SENTRY_ISSUE_ALERT)).toEqual([]);
    expect(await violations(sentryUrgentRulesPage, metric("failures"), {}, SENTRY_METRIC_ALERT)).toEqual([]);
  });

  it("leaves staging and non-urgent rules alone", async () => {
    const staging = plain(issueAlertArgs("acme", "checkout", "staging", checkout, checkout.sentry!.issueAlerts[0], { pagerdutyServices: {} }));
    expect(await violations(sentryUrgentRulesPage, staging, {}, SENTRY_ISSUE_ALERT)).toEqual([]);
    expect(await violations(sentryUrgentRulesPage, metric("errors"), {}, SENTRY_METRIC_ALERT)).toEqual([]);
  });
});

describe("Sentry routing in the catalog", () => {
  const withService = (value: string) => () =>
    parseCatalog([{ file: "sentry.yaml", text: catalogText.replace('sentryPagerdutyService: "777"', `sentryPagerdutyService: ${value}`) }]);

  it("takes Sentry's numeric service ID or pending, nothing else", () => {
    expect(withService("pending")().teams[0].sentryPagerdutyService).toBe("pending");
    expect(withService('"10251"')().teams[0].sentryPagerdutyService).toBe("10251");
    expect(withService("shop-payments")).toThrow(/teams\[0\]\.sentryPagerdutyService .*the numeric ID of the service in Sentry's PagerDuty integration, or pending/);
  });

  it("requires the Slack channel ID of every channel a Sentry rule posts to, shaped as Slack's (PF-SEN-6, PF-SEN-10)", () => {
    const channels = '{ "#pay-alerts": C0PAYALRT1 }';
    expect(catalogText).toContain(channels);
    expect(() => parseCatalog([{ file: "sentry.yaml", text: catalogText.replace(`, slackChannels: ${channels}`, "") }])).toThrow(
      /sentry\.yaml:6:11 {2}routing\.sentry {2}Sentry rules post to #pay-alerts: give each its Slack channel ID in routing\.sentry\.slackChannels/,
    );
    expect(() => parseCatalog([{ file: "sentry.yaml", text: catalogText.replace("C0PAYALRT1", "pay-alerts") }])).toThrow(
      /sentry\.yaml:6:91 {2}routing\.sentry\.slackChannels\.#pay-alerts {2}expected a Slack channel ID such as C024BE91L, found "pay-alerts"/,
    );
  });

  it("names the prerequisite when a paged team has none", () => {
    expect(() => parseCatalog([{ file: "sentry.yaml", text: catalogText.replace('    sentryPagerdutyService: "777"\n', "") }])).toThrow(
      /team payments gets Sentry pages \(service checkout\): set sentryPagerdutyService to the ID Sentry's PagerDuty integration gives its service, or to pending for a first deployment/,
    );
  });
});
