/**
 * The Sentry rules of the pack, called directly on the rule arguments Lookout itself
 * generates (which must pass) and on hand-broken variants (which must not).
 */
import { describe, expect, it } from "vitest";
import { parseCatalog } from "../infra/catalog/load";
import { issueAlertArgs, metricAlertArgs, type SentryRouteTargets } from "../infra/sentryRules";
import {
  SENTRY_ISSUE_ALERT,
  SENTRY_METRIC_ALERT,
  sentryImmediateRulesFireOnFirstEvent,
  sentryMetricAlertsOnSpans,
  sentryPolicies,
  sentryRulesFilterEnvironments,
  sentrySlackActionsById,
} from "../policies/sentry";
import { violations } from "./support/policies";

const catalog = parseCatalog([
  {
    file: "sentry.yaml",
    text: `environment: prod
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
`,
  },
]);
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
