/**
 * The raw-query alert form: a Datadog query held through the query model, its threshold
 * written once (PF-DD-IMP-1), options as Datadog names them (PF-DD-IMP-2), a verbatim
 * message, and a monitor named `alerts-<service>-<alert>` like every alert.
 */
import { describe, expect, it } from "vitest";
import { Alerts } from "../infra/alerts/alerts";
import { parseCatalog } from "../catalog/load";
import { rawMonitorArgs } from "../infra/alerts/rawMonitors";
import { catalogIssues } from "./support/catalogs";
import { runComponents } from "./support/mocks";

const HEAD = `environment: prod
products:
  - { name: shop, description: The shop. }
services:
  - name: db
    product: shop
    team: storefront
    tier: 1
    description: The database.
    runbook: https://runbooks.example.com/db
`;

const CONNECTIONS = `${HEAD}    rawAlerts:
      - name: connections
        title: "Connection pool is reaching saturation point on {{host.name}}"
        type: query alert
        query: avg(last_5m):avg:postgresql.percent_usage_connections{*} by {db,host}
        comparator: ">"
        critical: 0.9
        warning: 0.8
        severity: P2
        priority: 3
        message: |-
          {{#is_alert}}Connections above {{threshold}} on {{host.name}}{{/is_alert}} @slack-db-alerts
        tags: [integration:postgres, team:db]
        options:
          notifyNoData: false
          renotifyInterval: 0
          includeTags: true
          newHostDelay: 300
`;

const rawAlert = (text: string) => {
  const service = parseCatalog([{ file: "cat.yaml", text }]).services[0];
  const alert = service.rawAlerts?.[0];
  if (!alert) throw new Error("no raw-query alert");
  return { service, alert };
};

describe("raw-query alerts: the catalog form", () => {
  it("compiles to one monitor whose query's comparison and critical threshold come from one number", () => {
    const { service, alert } = rawAlert(CONNECTIONS);
    const args = rawMonitorArgs("prod", service, alert);
    expect(args).toEqual({
      name: "Connection pool is reaching saturation point on {{host.name}}",
      type: "query alert",
      query: "avg(last_5m):avg:postgresql.percent_usage_connections{*} by {db,host} > 0.9",
      message: "{{#is_alert}}Connections above {{threshold}} on {{host.name}}{{/is_alert}} @slack-db-alerts",
      monitorThresholds: { critical: "0.9", warning: "0.8" },
      notifyNoData: false,
      renotifyInterval: 0,
      includeTags: true,
      newHostDelay: 300,
      priority: "3",
      // The catalog's team: tag stays; the standard tags whose key is missing are added.
      tags: ["integration:postgres", "team:db", "env:prod", "service:db", "severity:p2"],
    });
  });

  it("writes Lookout's own message, with the runbook, when the catalog has none", () => {
    const { service, alert } = rawAlert(CONNECTIONS.replace(/        message: \|-\n.*\n/, ""));
    const message = String(rawMonitorArgs("prod", service, alert).message);
    expect(message).toContain("Runbook: https://runbooks.example.com/db");
    expect(message).toContain("{{#is_alert}}");
  });

  it("registers alerts-<service>-<alert> under the service's alerts component", async () => {
    const catalog = parseCatalog([{ file: "cat.yaml", text: CONNECTIONS }]);
    const run = await runComponents(() => {
      new Alerts("alerts", { environment: catalog.environment, services: catalog.services });
    });
    const monitors = run.resources.filter((r) => r.type === "datadog:index/monitor:Monitor");
    expect(monitors.map((m) => m.name)).toEqual(["alerts-db-connections"]);
    expect(monitors[0].parent).toMatch(/lookout:alerts:ServiceAlerts::alerts-db$/);
    expect(monitors[0].inputs).toMatchObject({ query: "avg(last_5m):avg:postgresql.percent_usage_connections{*} by {db,host} > 0.9" });
  });

  it.each([
    ["a query that already compares", (t: string) => t.replace("by {db,host}", "by {db,host} > 0.9"), /rawAlerts\[0\]\.query expected the query without its comparison: write "> 0.9" as comparator and critical/],
    ["a query that does not parse, at its column", (t: string) => t.replace("avg(last_5m):avg:", "avg(last_5m:avg:"), /rawAlerts\[0\]\.query the query does not read as a Datadog monitor query: at column 12 of the query: expected `\)`/],
    ["a type the query cannot carry", (t: string) => t.replace("type: query alert", "type: log alert"), /rawAlerts\[0\]\.type a metric query is a monitor of type "query alert" or "metric alert", not "log alert"/],
    ["a comparator without critical", (t: string) => t.replace("        critical: 0.9\n", ""), /rawAlerts\[0\]\.critical missing "critical" for the comparator ">"/],
    ["a warning past critical", (t: string) => t.replace("warning: 0.8", "warning: 0.95"), /rawAlerts\[0\]\.warning expected warning at or below critical \(0\.9\) for ">", found 0\.95/],
    ["an option Datadog does not have", (t: string) => t.replace("newHostDelay: 300", "newHostDelays: 300"), /rawAlerts\[0\]\.options/],
    ["a month window that starts on a day other than the 1st (PF-DD-IMP-8)", (t: string) => t.replace("        severity: P2\n", "        evaluationWindow: { dayStarts: \"04:00\", monthStarts: 15 }\n        severity: P2\n"), /^19:62 services\[0\]\.rawAlerts\[0\]\.evaluationWindow\.monthStarts expected one of 1, found 15$/m],
    ["a metric query without a comparator", (t: string) => t.replace('        comparator: ">"\n', ""), /the query does not read as a Datadog monitor query: .*"comparator" and "critical"/],
  ])("rejects %s at its position", (_what, edit, expected) => {
    const issues = catalogIssues(edit(CONNECTIONS));
    expect(issues.join("\n")).toMatch(expected);
    expect(issues.every((i) => /^\d+:\d+ /.test(i))).toBe(true);
  });

  it("shares the alerts' name space: an alert and a raw-query alert of one name collide", () => {
    const text = CONNECTIONS.replace("    rawAlerts:", `    alerts:
      - { name: connections, signal: metric, metrics: { value: a.b }, critical: 1, severity: P2 }
    rawAlerts:`);
    expect(catalogIssues(text).join("\n")).toMatch(/duplicate alert name "connections"/);
  });

  it("takes a service check without a comparator, its counts as options", () => {
    const text = CONNECTIONS.replace(/query: .*\n        comparator: ">"\n        critical: 0.9\n        warning: 0.8/, `query: '"postgres.can_connect".over("*").by("host").last(3).count_by_status()'
        critical: 2
        warning: 1
        ok: 1`).replace("type: query alert", "type: service check");
    const { service, alert } = rawAlert(text);
    const args = rawMonitorArgs("prod", service, alert);
    expect(args.query).toBe('"postgres.can_connect".over("*").by("host").last(3).count_by_status()');
    expect(args.monitorThresholds).toEqual({ critical: "2", warning: "1", ok: "1" });
  });
});
