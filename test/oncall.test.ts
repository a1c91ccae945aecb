/**
 * On-call: the PagerDuty graph a catalog's teams and routing make, the handles every
 * Datadog message carries, Sentry actions by route, staging without pages, and bad
 * input at its line:column.
 */
import * as fs from "fs";
import * as path from "path";
import { catalogIssues } from "./support/catalogs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadCatalog, parseCatalog } from "../catalog/load";
import type { Catalog } from "../catalog/model";
import { withOffset } from "../catalog/normalizeOncall";
import { monitorArgs } from "../infra/alerts/monitors";
import { Oncall } from "../infra/oncall/oncall";
import { escalationPolicyArgs, scheduleArgs, serviceArgs, urgencyRule } from "../infra/oncall/pagerduty";
import { issueActions, triggerActions } from "../infra/sentry/sentryRules";
import { httpTestArgs } from "../infra/uptime/synthetics";
import { runComponents } from "./support/mocks";
import * as datadog from "@pulumi/datadog";
import * as pagerduty from "@pulumi/pagerduty";
import * as pulumi from "@pulumi/pulumi";
import { type MockRunResult, runUnderMocks } from "../cli/engine/mockRun";
import { asInputError } from "../cli/engine/program";
import { lookout as lookoutProgram } from "../infra/program";

const FIXTURE = path.join(__dirname, "fixtures", "catalogs", "oncall.yaml");
const catalog = loadCatalog(FIXTURE);
const team = (name: string) => catalog.teams.find((t) => t.name === name)!;
const service = (name: string) => catalog.services.find((s) => s.name === name)!;

describe("rotations and ladders from the catalog", () => {
  it("starts each layer at the fixed first handoff, in the team's time zone (never the clock)", () => {
    expect(team("payments").rotations[0]).toMatchObject({ start: "2026-01-05T09:00:00-05:00", turnSeconds: 604_800, handoffDay: "monday" });
    expect(team("content").rotations[0]).toMatchObject({ start: "2026-07-01T08:30:00+02:00", turnSeconds: 86_400 });
    expect(withOffset("2026-01-05", "09:00", "Europe/Berlin")).toBe("2026-01-05T09:00:00+01:00");
    expect(withOffset("2026-07-06", "09:00", "UTC")).toBe("2026-07-06T09:00:00+00:00");
  });

  it("turns the guides' 0–5, 5–15, 15–30 minute ladder into PagerDuty delays of 5, 10 and 15", () => {
    const args = escalationPolicyArgs(team("payments"), { primary: "SCHED1", secondary: "SCHED2" }, { "lead@example.com": "PLEAD" });
    expect(args).toMatchObject({ name: "payments", numLoops: 2 });
    expect(args.rules).toEqual([
      { escalationDelayInMinutes: 5, targets: [{ type: "schedule_reference", id: "SCHED1" }] },
      { escalationDelayInMinutes: 10, targets: [{ type: "schedule_reference", id: "SCHED2" }] },
      { escalationDelayInMinutes: 15, targets: [{ type: "user_reference", id: "PLEAD" }] },
    ]);
  });

  it("makes one schedule per rotation with the members in rotation order", () => {
    const args = scheduleArgs(team("payments"), team("payments").rotations[1], ["PBO", "PANA"]);
    expect(args).toMatchObject({ name: "payments-secondary", timeZone: "America/New_York" });
    expect(args.layers).toEqual([
      { name: "secondary", start: "2026-01-05T09:00:00-05:00", rotationVirtualStart: "2026-01-05T09:00:00-05:00", rotationTurnLengthSeconds: 604_800, users: ["PBO", "PANA"] },
    ]);
  });
});

describe("PagerDuty services", () => {
  it("one per team and product that a route pages, named <product>-<team>", () => {
    expect(catalog.pagerdutyServices.map((s) => [s.name, s.services, s.sentry])).toEqual([
      ["blog-content", ["articles"], false],
      ["shop-payments", ["checkout"], true],
    ]);
  });

  it("takes urgency from the event severity (P0/P1 high, P2/P3 low), creates alerts, times out acknowledgements", () => {
    const args = serviceArgs(catalog.pagerdutyServices[1], team("payments"), "PEP");
    expect(args).toMatchObject({
      name: "shop-payments",
      escalationPolicy: "PEP",
      acknowledgementTimeout: "1800",
      autoResolveTimeout: "14400",
      alertCreation: "create_alerts_and_incidents", // PF-PD-1: this provider would default to create_incidents
      incidentUrgencyRule: { type: "constant", urgency: "severity_based" },
    });
    expect(args.supportHours).toBeUndefined();
  });

  it("gives a business-hours team support hours: low urgency outside them, raised when they start", () => {
    expect(urgencyRule(team("content"))).toEqual({
      type: "use_support_hours",
      duringSupportHours: { type: "constant", urgency: "severity_based" },
      outsideSupportHours: { type: "constant", urgency: "low" },
    });
    expect(serviceArgs(catalog.pagerdutyServices[0], team("content"), "PEP")).toMatchObject({
      acknowledgementTimeout: "3600",
      autoResolveTimeout: "86400",
      supportHours: { type: "fixed_time_per_day", timeZone: "Europe/Berlin", daysOfWeeks: [1, 2, 3, 4, 5], startTime: "09:00:00", endTime: "17:00:00" },
      scheduledActions: [{ type: "urgency_change", toUrgency: "high", ats: [{ type: "named_time", name: "support_hours_start" }] }],
    });
  });
});

describe("one routing table decides every handle", () => {
  it("puts the route's handles on every Datadog message", () => {
    const checkout = service("checkout");
    // The alert block carries the route; a warning goes to chat only (PF-DD-MON-1).
    const notified = (message: unknown, variable: string) =>
      new RegExp(`\\{\\{#${variable}\\}\\}\\n(?:.*\\n)*?Notify: (.+)\\n\\{\\{/${variable}\\}\\}`).exec(String(message))?.[1];
    const errors = monitorArgs("prod", checkout, checkout.alerts.find((a) => a.name === "errors")!).message;
    expect(notified(errors, "is_alert")).toBe("@pagerduty-shop-payments @slack-acme-pay-alerts");
    expect(notified(errors, "is_warning")).toBe("@slack-acme-pay-alerts");
    const slow = monitorArgs("prod", checkout, checkout.alerts.find((a) => a.name === "slow")!).message;
    expect(notified(slow, "is_alert")).toBe("@slack-acme-pay-alerts");
    expect(notified(httpTestArgs("prod", checkout, checkout.endpoints[0]).message, "is_alert"))
      .toBe("@pagerduty-shop-payments @slack-acme-pay-emergency @pay@example.com");
  });

  it("sends Sentry rules where the route goes: PagerDuty and Slack through Sentry's integrations", () => {
    const checkout = service("checkout");
    const targets = { pagerdutyAccount: "41", slackWorkspace: "42", slackChannels: catalog.routing?.sentry?.slackChannels, pagerdutyServices: { payments: "777" } };
    expect(issueActions(checkout.routes?.P0, "payments", targets)).toEqual([
      { id: "sentry.integrations.pagerduty.notify_action.PagerDutyNotifyServiceAction", account: "41", service: "777", severity: "default" },
      { id: "sentry.integrations.slack.notify_action.SlackNotifyServiceAction", workspace: "42", channel: "#pay-emergency", channel_id: "C0PAYEMRG1" },
      { id: "sentry.mail.actions.NotifyEmailAction", targetType: "IssueOwners", fallthroughType: "ActiveMembers" },
    ]);
    expect(triggerActions(checkout.routes?.P2, "payments", targets)).toEqual([
      { type: "pagerduty", targetType: "specific", targetIdentifier: "777", integrationId: 41 },
      { type: "slack", targetType: "specific", targetIdentifier: "#pay-alerts", integrationId: 42 },
    ]);
  });

  it("without routing, messages carry no handle and Sentry e-mails the issue owners", () => {
    const unrouted = loadCatalog(path.join(__dirname, "fixtures", "catalogs", "alerts.yaml"));
    const api = unrouted.services[0];
    expect(unrouted.routing).toBeUndefined();
    expect(String(monitorArgs("prod", api, api.alerts[0]).message)).not.toContain("Notify:");
    expect(issueActions(undefined, "storefront", { pagerdutyServices: {} })).toEqual([
      { id: "sentry.mail.actions.NotifyEmailAction", targetType: "IssueOwners", fallthroughType: "ActiveMembers" },
    ]);
  });
});

async function oncallPlan(c: Catalog, withPagerduty = true) {
  return runComponents(() => {
    const dd = new datadog.Provider("datadog", {});
    const pd = withPagerduty ? new pagerduty.Provider("pagerduty", { token: "offline" }) : undefined;
    new Oncall("oncall", { catalog: c }, { datadog: dd, pagerduty: pd });
  });
}

describe("the Oncall component under mocks", () => {
  it("builds the PagerDuty graph: schedules, policies, services, integrations, handles, channels, maintenance", async () => {
    const run = await oncallPlan(catalog);
    const shape = run.resources.filter((r) => !r.type.startsWith("pulumi:")).map((r) => `${r.type.split(":").pop()} ${r.name}`).sort();
    expect(shape).toEqual([
      "Channel oncall-slack-content",
      "Channel oncall-slack-pay-alerts",
      "Channel oncall-slack-pay-emergency",
      "DowntimeSchedule oncall-maintenance-db-upgrade-articles",
      "DowntimeSchedule oncall-maintenance-db-upgrade-checkout",
      "EscalationPolicy oncall-content",
      "EscalationPolicy oncall-payments",
      "MaintenanceWindow oncall-maintenance-db-upgrade",
      "Oncall oncall",
      "Schedule oncall-content-primary",
      "Schedule oncall-payments-primary",
      "Schedule oncall-payments-secondary",
      "Service oncall-blog-content",
      "Service oncall-shop-payments",
      "ServiceIntegration oncall-blog-content-datadog",
      "ServiceIntegration oncall-shop-payments-datadog",
      "ServiceIntegration oncall-shop-payments-sentry",
      "ServiceObject oncall-blog-content-handle",
      "ServiceObject oncall-shop-payments-handle",
      "Team oncall-content",
      "Team oncall-payments",
    ]);
    const schedule = run.resources.find((r) => r.name === "oncall-payments-primary")!;
    const users = (schedule.inputs.layers as { users: string[] }[])[0].users;
    expect(users).toHaveLength(2);
    expect(users.every((u) => /^P[0-9A-F]{6}$/.test(u))).toBe(true); // looked up by e-mail
    const handle = run.resources.find((r) => r.name === "oncall-shop-payments-handle")!;
    expect(handle.inputs.serviceName).toBe("shop-payments");
  });

  it("in a stack that never pages, makes chat channels and downtimes but no PagerDuty resource", async () => {
    const staging = parseCatalog([{ file: "staging.yaml", text: stagingOf(FIXTURE) }]);
    expect(staging.pagerdutyServices).toEqual([]);
    expect(staging.services.every((s) => Object.values(s.routes ?? {}).every((r) => !r.pagerduty && r.handles.every((h) => !h.startsWith("@pagerduty-"))))).toBe(true);
    const run = await oncallPlan(staging, false);
    expect(run.resources.filter((r) => r.type.startsWith("pagerduty:"))).toEqual([]);
    expect(run.resources.filter((r) => r.type === "datadog:index/downtimeSchedule:DowntimeSchedule")).toHaveLength(2);
  });
});

/** The fixture with a chat-only routing table, as a staging catalog has. */
function stagingOf(file: string): string {
  const text = fs.readFileSync(file, "utf8");
  return text
    .replace("environment: prod", "environment: staging")
    .replace(/  severities:\n(    P\d: .*\n){4}/, "  severities:\n    P0: { chat: [alerts] }\n    P1: { chat: [alerts] }\n    P2: { chat: [alerts] }\n    P3: { chat: [alerts] }\n");
}

const errorsOf = (text: string): string[] => catalogIssues(text);

const base = () => fs.readFileSync(FIXTURE, "utf8");

describe("bad on-call input: every error at its line:column", () => {
  it("rejects a service of an unknown team", () => {
    expect(errorsOf(base().replace("    team: content\n", "    team: editorial\n"))).toEqual([
      expect.stringMatching(/^\d+:\d+ services\[1\]\.team unknown team "editorial"; expected one of content, payments/),
    ]);
  });

  it("rejects a severity with no route", () => {
    expect(errorsOf(base().replace("    P3: { chat: [alerts] }\n", ""))).toEqual(['11:5 routing.severities.P3 missing required key "P3"']);
  });

  it("reports a chat role no team defines once, at the routing that names it, not at every team", () => {
    expect(errorsOf(base().replace("    P1: { page: high, chat: [alerts] }\n", "    P1: { page: high, chat: [alrets] }\n"))).toEqual([
      '12:30 routing.severities.P1.chat[0] no team defines the chat role "alrets"; the teams\' roles: alerts, emergency',
    ]);
    // All at once: an unrelated unknown key does not hide the routing typo.
    const both = base().replace("    P1: { page: high, chat: [alerts] }\n", "    P1: { page: high, chat: [alrets] }\n").replace("    team: content\n", "    team: content\n    owner: ana\n");
    expect(errorsOf(both)).toEqual([
      '12:30 routing.severities.P1.chat[0] no team defines the chat role "alrets"; the teams\' roles: alerts, emergency',
      expect.stringMatching(/^\d+:5 services\[1\]\.owner unknown key "owner"/),
    ]);
    // A role some teams define and one lacks is still that team's to add.
    expect(errorsOf(base().replace('chat: { alerts: "#content", emergency: "#content" }', 'chat: { alerts: "#content" }'))).toEqual([
      expect.stringMatching(/^55:11 teams\[1\]\.chat team content has no chat role "emergency" \(routing\.severities\.P0\.chat names it\); add emergency: "#channel"/),
    ]);
  });

  it("rejects escalation times that do not increase", () => {
    expect(errorsOf(base().replace("{ until: 15m, notify: [schedule:secondary] }", "{ until: 5m, notify: [schedule:secondary] }"))).toEqual([
      expect.stringMatching(/^\d+:\d+ teams\[0\]\.escalation\.levels\[1\]\.until expected a time after the previous level's \(5m\): levels escalate in increasing time, found "5m"/),
    ]);
  });

  it("rejects unknown rotations, people outside the team, a start off the handoff day and an unknown time zone", () => {
    const text = base()
      .replace("notify: [schedule:secondary]", "notify: [schedule:tertiary]")
      .replace("notify: [user:lead@example.com]", "notify: [user:boss@example.com]")
      .replace("        start: 2026-01-05\n      - name: secondary", "        start: 2026-01-06\n      - name: secondary")
      .replace("timeZone: Europe/Berlin", "timeZone: Europe/Atlantis");
    expect(errorsOf(text)).toEqual([
      "26:16 teams[0].rotations[0].start expected a monday (the handoff day), found 2026-01-06, a tuesday",
      '35:34 teams[0].escalation.levels[1].notify[0] unknown rotation "tertiary"; expected one of primary, secondary',
      "36:34 teams[0].escalation.levels[2].notify[0] boss@example.com is not a member of team payments; add it to members",
      '41:15 teams[1].timeZone unknown time zone "Europe/Atlantis"; expected an IANA name such as Europe/Berlin or America/New_York',
    ]);
  });

  it("rejects an urgency PagerDuty cannot give, a business-hours team with urgent pages, and Sentry pages without Sentry's service ID", () => {
    expect(errorsOf(base().replace("P2: { page: low,", "P2: { page: high,"))[0])
      .toMatch(/routing\.severities\.P2\.page expected low for P2: PagerDuty takes urgency from the event's severity/);
    expect(errorsOf(base().replace("      - { name: errors, signal: http.error-rate, critical: 5%, severity: P2 }", "      - { name: errors, signal: http.error-rate, critical: 5%, severity: P1 }"))[0])
      .toMatch(/^57:19 teams\[1\]\.supportHours team content owns P1 pages, which must reach someone at any hour/);
    expect(errorsOf(base().replace('    sentryPagerdutyService: "777"\n', ""))[0])
      .toMatch(/teams\[0\] team payments gets Sentry pages \(service checkout\): set sentryPagerdutyService/);
  });

  it("rejects maintenance that ends before it starts or names an unknown service", () => {
    const errors = errorsOf(base().replace("end: 2026-12-06T04:00:00Z", "end: 2026-12-06T01:00:00Z").replace("services: [checkout, articles]", "services: [checkout, basket]"));
    expect(errors).toEqual([
      expect.stringMatching(/maintenance\[0\]\.end expected an end after the start/),
      expect.stringMatching(/maintenance\[0\]\.services\[1\] unknown service "basket"/),
    ]);
  });
});

describe("each notifying resource waits for exactly the handles its message names", () => {
  it("depends on the route's PagerDuty service object and Slack channel, not the whole on-call component", async () => {
    const { Alerts } = await import("../infra/alerts/alerts");
    const run = await runComponents(() => {
      const dd = new datadog.Provider("datadog", {});
      const oncall = new Oncall("oncall", { catalog }, { datadog: dd, pagerduty: new pagerduty.Provider("pagerduty", { token: "offline" }) });
      new Alerts("alerts", { environment: "prod", services: catalog.services, notify: oncall }, { providers: { datadog: dd } });
    });
    const urn = (name: string) => run.resources.find((r) => r.name === name)!.urn;
    const deps = (name: string) => [...run.resources.find((r) => r.name === name)!.dependencies].sort();
    // P1: pages shop-payments and posts to #pay-alerts.
    expect(deps("alerts-checkout-errors")).toEqual([urn("oncall-shop-payments-handle"), urn("oncall-slack-pay-alerts")].sort());
    // P3: chat only.
    expect(deps("alerts-checkout-slow")).toEqual([urn("oncall-slack-pay-alerts")]);
  });
});

describe("PagerDuty alert grouping is opt-in: content-based grouping is an add-on (PF-PD-3)", () => {
  const withGrouping = (line: string) => fs.readFileSync(FIXTURE, "utf8").replace("routing:\n", `routing:\n${line}`);

  it("groups nothing unless the catalog asks: every alert its own incident", () => {
    expect(catalog.routing?.alertGrouping).toBe("none");
    for (const service of catalog.pagerdutyServices) {
      expect(serviceArgs(service, team(service.team), "PEP", catalog.routing?.alertGrouping)).not.toHaveProperty("alertGroupingParameters");
    }
  });

  it("with routing.alertGrouping content, groups every service's alerts by summary", async () => {
    const grouped = parseCatalog([{ file: "oncall.yaml", text: withGrouping("  alertGrouping: content\n") }]);
    expect(grouped.routing?.alertGrouping).toBe("content");
    const run = await runComponents(() => {
      new Oncall("oncall", { catalog: grouped }, { datadog: new datadog.Provider("datadog", {}), pagerduty: new pagerduty.Provider("pagerduty", { token: "offline" }) });
    });
    const services = run.resources.filter((r) => r.type === "pagerduty:index/service:Service");
    expect(services).toHaveLength(2);
    for (const service of services) {
      expect(service.inputs.alertGroupingParameters, service.name).toEqual({ type: "content_based", config: { aggregate: "all", fields: ["summary"] } });
    }
  });

  it("rejects a grouping PagerDuty is not asked for here, at its line:column", () => {
    expect(catalogIssues(withGrouping("  alertGrouping: intelligent\n"))).toEqual(['8:18 routing.alertGrouping expected one of none, content, found "intelligent"']);
  });
});

describe("Datadog's PagerDuty integration exists before its service objects (PF-DD-INT-1)", () => {
  const integrationType = "datadog:pagerduty/integration:Integration";
  const handlesOf = (run: Awaited<ReturnType<typeof runComponents>>) => run.resources.filter((r) => r.type === "datadog:pagerduty/serviceObject:ServiceObject");

  it("declared by Lookout: one integration with the sub-domain and the secret token, and every service object waits for it", async () => {
    const run = await runComponents(() => {
      new Oncall(
        "oncall",
        { catalog, datadogPagerduty: { subdomain: "acme", apiToken: pulumi.secret("pd-token") } },
        { datadog: new datadog.Provider("datadog", {}), pagerduty: new pagerduty.Provider("pagerduty", { token: "offline" }) },
      );
    });
    const integrations = run.resources.filter((r) => r.type === integrationType);
    expect(integrations.map((r) => r.name)).toEqual(["oncall-datadog-pagerduty"]);
    expect(integrations[0].inputs.subdomain).toBe("acme");
    expect(JSON.stringify(integrations[0].inputs.apiToken)).toContain("4dabf18193072939515e22adb298388d"); // the wire secret marker
    expect(handlesOf(run).map((r) => r.name).sort()).toEqual(["oncall-blog-content-handle", "oncall-shop-payments-handle"]);
    for (const handle of handlesOf(run)) expect(handle.dependencies, handle.name).toContain(integrations[0].urn);
  });

  it("installed in Datadog beforehand: service objects only, depending on nothing of Lookout's for it", async () => {
    const run = await runComponents(() => {
      new Oncall("oncall", { catalog }, { datadog: new datadog.Provider("datadog", {}), pagerduty: new pagerduty.Provider("pagerduty", { token: "offline" }) });
    });
    expect(run.resources.filter((r) => r.type === integrationType)).toEqual([]);
    expect(handlesOf(run)).toHaveLength(2);
  });
});

describe("first deploy: the program names a missing prerequisite before it registers anything", () => {
  const MINIMAL = path.join(__dirname, "fixtures", "catalogs", "minimal.yaml");
  // The credentials' environment variables, cleared so that only stack config counts here.
  const VARIABLES = ["DD_API_KEY", "DATADOG_API_KEY", "DD_APP_KEY", "DATADOG_APP_KEY", "PAGERDUTY_TOKEN", "SENTRY_TOKEN", "SENTRY_AUTH_TOKEN", "GRAFANA_AUTH"];
  const saved = new Map<string, string | undefined>();
  beforeEach(() => {
    for (const v of VARIABLES) {
      saved.set(v, process.env[v]);
      delete process.env[v];
    }
  });
  afterEach(() => {
    for (const [v, value] of saved) if (value === undefined) delete process.env[v];
    else process.env[v] = value;
  });
  const CREDENTIALS = { "datadog:apiKey": "dd-api", "datadog:appKey": "dd-app", "pagerduty:token": "pd-token" };
  const plan = async (config: Record<string, string>, preview: boolean) => {
    let registered = 0;
    const result = await runUnderMocks({
      project: "lookout",
      stack: "prod",
      config: { "lookout:catalog": MINIMAL, ...config },
      secretKeys: [],
      preview,
      program: lookoutProgram,
      onRegister: (count) => (registered = count),
    }).catch((error: unknown) => error);
    return { result, registered };
  };
  const failure = (result: unknown) => (result instanceof pulumi.RunError ? result.message : `no RunError: ${String(result)}`);

  it("pulumi up of a stack that pages refuses to start until lookout:pagerdutyIntegration says how the integration comes to exist", async () => {
    const { result, registered } = await plan({}, false);
    expect(failure(result)).toMatch(/^the catalog pages through PagerDuty, and Datadog's @pagerduty-… handles need Datadog's PagerDuty integration to exist first: set lookout:pagerdutyIntegration to `lookout`/);
    expect(registered).toBe(1); // the root stack only
  });

  it("a preview without the setting plans the service objects alone (as `installed`)", async () => {
    const { result } = await plan({}, true);
    const resources = (result as MockRunResult).resources;
    expect(resources.some((r) => r.type === "datadog:pagerduty/serviceObject:ServiceObject")).toBe(true);
    expect(resources.some((r) => r.type === "datadog:pagerduty/integration:Integration")).toBe(false);
  });

  it.each([
    [{ "lookout:pagerdutyIntegration": "managed" }, 'invalid stack config: lookout:pagerdutyIntegration "managed" is neither `lookout` nor `installed`'],
    [{ "lookout:pagerdutyIntegration": "lookout" }, "set lookout:pagerdutySubdomain (acme for https://acme.pagerduty.com)"],
    [{ "lookout:pagerdutyIntegration": "lookout", "lookout:pagerdutySubdomain": "acme.pagerduty.com" }, 'invalid stack config: lookout:pagerdutySubdomain "acme.pagerduty.com" is not a PagerDuty sub-domain'],
  ])("rejects %j in a preview too, before any resource, as bad input (exit 2)", async (config, message) => {
    const { result, registered } = await plan(config, true);
    expect(failure(result)).toContain(message);
    expect(asInputError(result)?.message).toMatch(/^invalid stack config: /);
    expect(registered).toBe(1);
  });

  it("pulumi up names every missing credential of the providers the catalog uses, before anything exists", async () => {
    const { result, registered } = await plan({ "lookout:pagerdutyIntegration": "installed" }, false);
    expect(failure(result)).toBe(
      "pulumi up needs the credentials datadog:apiKey (or DD_API_KEY), datadog:appKey (or DD_APP_KEY), pagerduty:token (or PAGERDUTY_TOKEN): " +
        "set them with pulumi config set --secret (or the environment variables) first",
    );
    expect(registered).toBe(1);
    process.env.PAGERDUTY_TOKEN = "from-the-environment";
    const { result: fromEnv } = await plan({ "lookout:pagerdutyIntegration": "installed", "datadog:apiKey": "k", "datadog:appKey": "a" }, false);
    expect((fromEnv as MockRunResult).resources.length).toBeGreaterThan(1);
  });

  it("accepts pagerduty:serviceRegion eu for an EU account and nothing else (PF-PD-4)", async () => {
    const { result } = await plan({ "lookout:pagerdutyIntegration": "installed", "pagerduty:serviceRegion": "eu" }, true);
    expect((result as MockRunResult).resources.find((r) => r.type === "pulumi:providers:pagerduty")?.inputs.serviceRegion).toBe("eu");
    const { result: us, registered } = await plan({ "lookout:pagerdutyIntegration": "installed", "pagerduty:serviceRegion": "us" }, true);
    expect(failure(us)).toBe('invalid stack config: pagerduty:serviceRegion "us" is not a PagerDuty service region: set eu for an EU account, or leave it unset for the US one');
    expect(asInputError(us)).toBeDefined();
    expect(registered).toBe(1);
  });

  it("with `lookout` and a sub-domain, pulumi up declares the integration in the same pass", async () => {
    const { result } = await plan({ "lookout:pagerdutyIntegration": "lookout", "lookout:pagerdutySubdomain": "acme", ...CREDENTIALS }, false);
    const resources = (result as MockRunResult).resources;
    const integration = resources.find((r) => r.type === "datadog:pagerduty/integration:Integration");
    expect(integration?.inputs.subdomain).toBe("acme");
    for (const handle of resources.filter((r) => r.type === "datadog:pagerduty/serviceObject:ServiceObject")) expect(handle.dependencies).toContain(integration?.urn);
  });
});
