import * as path from "path";
import { describe, expect, it } from "vitest";
import { loadCatalog, parseCatalog } from "../catalog/load";
import type { Catalog } from "../catalog/model";
import { monitorPriority, notificationMessage, standardTags } from "../infra/notify/conventions";
import { assertionsFor, httpTestArgs, journeyTestArgs, stepBudgetsMs, tlsTestArgs } from "../infra/uptime/synthetics";
import { isMap, isSeq, parseDocument } from "yaml";
import { runComponents, shapeOf } from "./support/mocks";
import { redact } from "../cli/engine/redact";
import { prodCatalogText } from "./support/stackText";

const MINIMAL = path.join(__dirname, "fixtures", "catalogs", "minimal.yaml");
const catalog = loadCatalog(MINIMAL);
const api = catalog.services.find((s) => s.name === "api")!;
const web = catalog.services.find((s) => s.name === "web")!;

describe("conventions", () => {
  it.each([
    ["P0", 1],
    ["P1", 2],
    ["P2", 3],
    ["P3", 4],
  ] as const)("%s is Datadog priority %i", (severity, priority) => expect(monitorPriority(severity)).toBe(priority));

  it("tags env, service, team and severity", () => {
    expect(standardTags("prod", web, "P0")).toEqual(["env:prod", "service:web", "team:storefront", "severity:p0"]);
  });

  it("writes the runbook on its own line and the response time of the severity", () => {
    const message = notificationMessage({ title: "web home is down", condition: "GET / must answer 200", service: web, severity: "P1" });
    expect(message).toContain("\nRunbook: https://runbooks.example.com/web");
    expect(message).toContain("respond within 15 minutes");
    expect(message.startsWith("{{#is_alert}}\nP1 web home is down: GET / must answer 200.")).toBe(true);
  });
});

describe("synthetics arguments", () => {
  it("maps an endpoint to an HTTP test whose 'down' is the catalog's", () => {
    const args = httpTestArgs("prod", web, web.endpoints[0]);
    expect(args).toMatchObject({
      name: "[prod] web home",
      type: "api",
      subtype: "http",
      status: "live",
      locations: ["aws:eu-west-1", "aws:us-east-1", "aws:us-west-2"],
      tags: ["env:prod", "service:web", "team:storefront", "severity:p0"],
      requestDefinition: { method: "GET", url: "https://shop.example.com/", timeout: 30 },
      optionsList: { tickEvery: 60, minFailureDuration: 120, minLocationFailed: 1, retry: { count: 1, interval: 1000 }, monitorPriority: 1 },
    });
    expect(args.assertions).toEqual([
      { type: "statusCode", operator: "is", target: "200" },
      { type: "responseTime", operator: "lessThan", target: "2000" },
    ]);
    expect(args.message).toContain("it is down after failing for 2m from 1 of 3 locations");
  });

  it("turns JSON-body assertions into JSONPath assertions", () => {
    expect(assertionsFor(api.endpoints[0].expect).slice(1)).toEqual([
      { type: "body", operator: "validatesJSONPath", targetjsonpath: { jsonpath: "$.status", operator: "is", elementsoperator: "firstElementMatches", targetvalue: "healthy" } },
      { type: "body", operator: "validatesJSONPath", targetjsonpath: { jsonpath: "$.version", operator: "matches", elementsoperator: "firstElementMatches", targetvalue: ".+" } },
    ]);
  });

  it("checks a certificate 30 days before expiry, daily", () => {
    const args = tlsTestArgs("prod", api, api.tlsChecks[0]);
    expect(args).toMatchObject({
      subtype: "ssl",
      requestDefinition: { host: "shop.example.com", port: "443" },
      assertions: [{ type: "certificate", operator: "isInMoreThan", target: "30" }],
      optionsList: { tickEvery: 86_400, acceptSelfSigned: false },
    });
  });

  it("runs a journey's steps in order, all critical, with extracted variables", () => {
    const args = journeyTestArgs("prod", api, api.journeys[0]);
    expect(args.subtype).toBe("multi");
    const steps = args.apiSteps as unknown as Array<Record<string, unknown>>;
    expect(steps.map((s) => s.name)).toEqual(["open-cart", "pay"]);
    expect(steps.every((s) => s.isCritical === true && s.allowFailure === false)).toBe(true);
    expect(steps[0].extractedValues).toEqual([{ name: "CART_ID", type: "http_body", parser: { type: "json_path", value: "$.id" } }]);
    expect(args.optionsList).toMatchObject({ tickEvery: 300 });
  });

  it("splits a journey's time budget so the steps' bounds add up to maxDuration", () => {
    expect(stepBudgetsMs(api.journeys[0])).toEqual([15_000, 15_000]);
    const withBound = parseCatalog([
      {
        file: "j.yaml",
        text: `environment: prod
products: [{name: shop, description: Shop}]
services:
  - name: api
    product: shop
    team: t
    tier: 0
    description: API
    runbook: https://runbooks.example.com/api
    journeys:
      - name: buy
        maxDuration: 30s
        successRate: 99%
        severity: P0
        steps:
          - {name: a, url: "https://x.example.com/a", expect: {responseTime: 20s}}
          - {name: b, url: "https://x.example.com/b"}
          - {name: c, url: "https://x.example.com/c"}
`,
      },
    ]);
    expect(stepBudgetsMs(withBound.services[0].journeys[0])).toEqual([20_000, 5_000, 5_000]);
  });
});

async function planFor(c: Catalog) {
  const { Uptime } = await import("../infra/uptime/uptime");
  return runComponents(() => {
    new Uptime("uptime", { environment: c.environment, services: c.services });
  });
}

describe("the Uptime component under mocks", () => {
  it("registers exactly the expected resources, parented per service", async () => {
    const run = await planFor(catalog);
    const names = shapeOf(run);
    expect(names).toEqual([
      "datadog:index/syntheticsTest:SyntheticsTest uptime-api-health <- uptime-api",
      "datadog:index/syntheticsTest:SyntheticsTest uptime-api-journey-checkout <- uptime-api",
      "datadog:index/syntheticsTest:SyntheticsTest uptime-api-tls-shop.example.com <- uptime-api",
      "datadog:index/syntheticsTest:SyntheticsTest uptime-web-home <- uptime-web",
      "lookout:uptime:ServiceUptime uptime-api <- uptime",
      "lookout:uptime:ServiceUptime uptime-web <- uptime",
      "lookout:uptime:Uptime uptime <- lookout-test",
      "pulumi:pulumi:Stack lookout-test <- ",
    ]);
  });

  it("gives engine URNs with the parent's full type chain", async () => {
    const run = await planFor(catalog);
    const home = run.resources.find((r) => r.name === "uptime-web-home")!;
    expect(home.urn).toBe(
      "urn:pulumi:test::lookout::lookout:uptime:Uptime$lookout:uptime:ServiceUptime$datadog:index/syntheticsTest:SyntheticsTest::uptime-web-home",
    );
    expect(redact(home.inputs)).toMatchObject({ optionsList: { tickEvery: 60, minFailureDuration: 120 } });
  });

  it("keeps every URN when services and endpoints are reordered", async () => {
    const text = (await import("fs")).readFileSync(MINIMAL, "utf8");
    const doc = parseDocument(text, { merge: true });
    const services = doc.get("services");
    if (!isSeq(services)) throw new Error("minimal.yaml has no services list");
    services.items.reverse();
    const reordered = doc.toString();
    expect(reordered).not.toBe(text);
    const again = parseCatalog([{ file: MINIMAL, text: reordered }]);
    const urns = async (c: Catalog) => (await planFor(c)).resources.map((r) => r.urn).sort();
    expect(await urns(again)).toEqual(await urns(catalog));
  });

  it("keeps every URN of the shipped prod catalog when services and their endpoints are reversed", async () => {
    const file = path.join(__dirname, "..", "stacks", "prod.yaml");
    const text = prodCatalogText(path.join(__dirname, ".."));
    const doc = parseDocument(text, { merge: true });
    const services = doc.get("services");
    if (!isSeq(services)) throw new Error("prod.yaml has no services list");
    services.items.reverse();
    for (const service of services.items) {
      const endpoints = isMap(service) ? service.get("endpoints") : undefined;
      if (isSeq(endpoints)) endpoints.items.reverse();
    }
    expect(doc.toString()).not.toBe(text);
    const reversed = parseCatalog([{ file, text: doc.toString() }]);
    const original = loadCatalog(file);
    expect(reversed.services.flatMap((s) => s.endpoints.map((e) => e.name))).toEqual(
      original.services.flatMap((s) => s.endpoints.map((e) => e.name)),
    );
    const urns = async (c: Catalog) => (await planFor(c)).resources.map((r) => r.urn).sort();
    expect(await urns(reversed)).toEqual(await urns(original));
  });
});
