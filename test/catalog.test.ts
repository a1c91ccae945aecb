import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { CatalogError } from "../catalog/errors";
import { loadCatalog, parseCatalog } from "../catalog/load";
import { parseBodyAssertion } from "../catalog/normalize";
import { durationMs, durationSeconds, formatSeconds, percent } from "../catalog/units";
import { renderCatalogSchema } from "../catalog/writeSchema";

const MINIMAL = path.join(__dirname, "fixtures", "catalogs", "minimal.yaml");

/** A small valid catalog; tests change one thing in it. */
const BASE = `environment: prod
products:
  - name: shop
    description: The shop.
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
`;

function issuesOf(text: string, file = "cat.yaml"): string[] {
  try {
    parseCatalog([{ file, text }]);
  } catch (error) {
    if (error instanceof CatalogError) return error.issues.map((i) => `${i.line}:${i.column} ${i.path} ${i.message}`);
    throw error;
  }
  return [];
}

describe("units", () => {
  it.each([
    ["500ms", 500],
    ["30s", 30_000],
    ["5m", 300_000],
    ["2h", 7_200_000],
    ["1d", 86_400_000],
    ["1.5s", 1_500],
  ])("%s is %i ms", (text, ms) => expect(durationMs(text)).toBe(ms));

  it("rounds sub-second durations to whole seconds", () => expect(durationSeconds("1500ms")).toBe(2));
  it("reads percentages", () => expect(percent("99.95%")).toBe(99.95));
  it.each([
    [120, "2m"],
    [90, "90s"],
    [86_400, "1d"],
    [7_200, "2h"],
  ])("formats %i s as %s", (seconds, text) => expect(formatSeconds(seconds)).toBe(text));
  it("rejects what is not a duration", () => expect(() => durationMs("5 minutes")).toThrow(/not a duration/));
});

describe("body assertions", () => {
  it.each([
    ['$.status == "healthy"', { path: "$.status", operator: "==", value: "healthy" }],
    ["$.count > 0", { path: "$.count", operator: ">", value: "0" }],
    ["$.services.database contains connected", { path: "$.services.database", operator: "contains", value: "connected" }],
    ["$.version exists", { path: "$.version", operator: "exists" }],
  ])("%s", (text, expected) => expect(parseBodyAssertion(text)).toEqual(expected));
});

describe("loading a good catalog", () => {
  const catalog = loadCatalog(MINIMAL);

  it("applies defaults and converts units", () => {
    const web = catalog.services.find((s) => s.name === "web")!;
    const home = web.endpoints[0];
    expect(home.intervalSeconds).toBe(60); // from the x-checks anchor merged with <<
    expect(home.downAfterSeconds).toBe(120);
    expect(home.request.timeoutSeconds).toBe(30);
    expect(home.expect).toEqual({ status: 200, responseTimeMs: 2000, body: [], headers: {} });
    expect(home.locations).toEqual(["aws:eu-west-1", "aws:us-east-1", "aws:us-west-2"]);
    expect(home.source).toEqual({ file: MINIMAL, line: 17, column: 9 });
  });

  it("sorts services by name whatever the file's order", () => {
    expect(catalog.services.map((s) => s.name)).toEqual(["api", "web"]);
  });

  it("makes one TLS check per https host, owned by the first service by name", () => {
    const api = catalog.services.find((s) => s.name === "api")!;
    const web = catalog.services.find((s) => s.name === "web")!;
    expect(api.tlsChecks.map((c) => [c.host, c.port, c.warnDays, c.severity])).toEqual([["shop.example.com", 443, 30, "P2"]]);
    expect(web.tlsChecks).toEqual([]);
  });

  it("keeps journey steps in their order", () => {
    const journey = catalog.services.find((s) => s.name === "api")!.journeys[0];
    expect(journey.steps.map((s) => s.name)).toEqual(["open-cart", "pay"]);
    expect(journey.successRatePercent).toBe(99);
    expect(journey.maxDurationSeconds).toBe(30);
  });

  it("is frozen", () => {
    expect(Object.isFrozen(catalog.services[0].endpoints)).toBe(true);
  });
});

describe("bad catalogs: every error at once, at its line:column", () => {
  it("reports a routing typo with an unknown key and a bad value elsewhere, each once (the schema's problems do not hide the checks')", () => {
    const file = path.join(__dirname, "fixtures", "catalogs", "routing-typo.yaml");
    let message = "";
    try {
      loadCatalog(file, { projectRoot: path.join(__dirname, "..") });
    } catch (error) {
      if (!(error instanceof CatalogError)) throw error;
      message = error.issues.map((i) => `${path.basename(i.file)}:${i.line}:${i.column} ${i.path} ${i.message}`).join("\n");
    }
    expect(message.split("\n")).toEqual([
      expect.stringMatching(/^routing-typo\.yaml:17:5 services\[0\]\.owner unknown key "owner"; /),
      'routing-typo.yaml:37:19 services[1].endpoints[0].interval expected a duration such as 500ms, 30s, 5m, 2h, 1d or 1w, found "2 minutes"',
      `routing-typo.yaml:66:18 routing.severities.P2.chat[0] no team defines the chat role "alert"; the teams' roles: alerts`,
    ]);
  });

  it("checks the rest when the schema refuses a required value: the entry is left out of the checks, the typo elsewhere is found", () => {
    const minimal = fs.readFileSync(path.join(__dirname, "fixtures", "catalogs", "minimal.yaml"), "utf8");
    const text = minimal.replace("        severity: P1\n", "        severity: P5\n").replace("    P2: { chat: [alerts] }", "    P2: { chat: [alert] }");
    expect(issuesOf(text)).toEqual([
      '36:19 services[1].endpoints[0].severity expected one of P0, P1, P2, P3, found "P5"',
      `63:18 routing.severities.P2.chat[0] no team defines the chat role "alert"; the teams' roles: alerts`,
    ]);
  });

  it("reports an unknown key, a bad duration and a duplicate service together", () => {
    const text = `${BASE}        interval: 5 minutes
        colour: blue
  - name: web
    product: shop
    team: storefront
    tier: 0
    description: Again.
    runbook: https://runbooks.example.com/web
`;
    expect(issuesOf(text)).toEqual([
      '16:19 services[0].endpoints[0].interval expected a duration such as 500ms, 30s, 5m, 2h, 1d or 1w, found "5 minutes"',
      '17:9 services[0].endpoints[0].colour unknown key "colour"; expected one of name, renamedFrom, description, method, url, headers, body, timeout, interval, locations, expect, severity, downAfter, minLocationsFailed, retry, statusComponent, tls',
      '18:11 services[1].name duplicate service name "web" (first declared at cat.yaml:6)',
    ]);
  });

  it.each([
    ["a severity outside P0–P3", "severity: P0", "severity: P5", '15:19 services[0].endpoints[0].severity expected one of P0, P1, P2, P3, found "P5"'],
    ["an unknown location", "severity: P0", "severity: P0\n        locations: [mars:olympus]", '16:21 services[0].endpoints[0].locations[0] expected a Datadog location such as aws:us-east-1 or a private location pl:<id>, found "mars:olympus"'],
    ["an interval under Datadog's 30 s", "severity: P0", "severity: P0\n        interval: 10s", "16:19 services[0].endpoints[0].interval expected an interval from 30s to 7d (Datadog's limits), found 10s"],
    ["a timeout over 60 s", "severity: P0", "severity: P0\n        timeout: 2m", '16:18 services[0].endpoints[0].timeout expected a timeout from 1s to 60s, found "2m"'],
    ["a response-time bound over the timeout", "severity: P0", "severity: P0\n        timeout: 5s\n        expect: {responseTime: 10s}", '17:32 services[0].endpoints[0].expect.responseTime expected a bound below the request timeout (5s), found "10s"'],
    ["a missing required key", "    tier: 0\n", "", '6:5 services[0].tier missing required key "tier"'],
    ["a wrong type", "tier: 0", "tier: zero", '9:11 services[0].tier expected a number, found "zero"'],
    ["an unknown product", "product: shop", "product: shoop", '7:14 services[0].product unknown product "shoop"; expected one of shop'],
    ["a bad body assertion", "severity: P0", "severity: P0\n        expect: {body: [status is ok]}", '16:25 services[0].endpoints[0].expect.body[0] expected a JSON-body assertion such as $.status == "healthy", $.count > 0 or $.version exists, found "status is ok"'],
    ["a name that is not kebab-case", "name: home", "name: Home Page", '13:15 services[0].endpoints[0].name expected a lower-case kebab-case name such as payments-api, found "Home Page"'],
    ["more failing locations than locations", "severity: P0", "severity: P0\n        locations: [aws:us-east-1]\n        minLocationsFailed: 2", "17:29 services[0].endpoints[0].minLocationsFailed expected at most 1 (the number of locations), found 2"],
  ])("%s", (_what, from, to, expected) => {
    expect(issuesOf(BASE.replace(from, to))).toEqual([expected]);
  });

  it("reports duplicate endpoint names within a service", () => {
    const text = `${BASE}      - name: home
        url: https://shop.example.com/again
        severity: P1
`;
    expect(issuesOf(text)).toEqual(['16:15 services[0].endpoints[1].name duplicate endpoint name "home" (first declared at cat.yaml:13)']);
  });

  it("reports YAML syntax errors with their position", () => {
    expect(issuesOf("environment: prod\nservices: [\n")[0]).toMatch(/^3:1  ?YAML: /);
  });

  it("rejects duplicate keys in a mapping", () => {
    expect(issuesOf("environment: prod\nenvironment: staging\n")[0]).toMatch(/^2:1  ?YAML: Map keys must be unique/);
  });

  it("says what is wrong when the file is missing", () => {
    expect(() => loadCatalog("no/such/catalog.yaml")).toThrow("no/such/catalog.yaml:1:1  no such catalog file or folder");
  });

  it("formats the error as file:line:column  path  message", () => {
    expect(() => parseCatalog([{ file: "stacks/x.yaml", text: BASE.replace("tier: 0", "tier: 9") }])).toThrow(
      "invalid catalog (1 error):\n  stacks/x.yaml:9:11  services[0].tier  expected at most 3, found 9",
    );
  });
});

describe("a catalog folder", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lookout-catalog-"));
  const write = (name: string, text: string) => fs.writeFileSync(path.join(dir, name), text);

  it("merges files and rejects a service declared in two of them", () => {
    write("00-stack.yaml", "environment: prod\nproducts:\n  - name: shop\n    description: The shop.\n");
    write("payments.yaml", BASE.replace("environment: prod\nproducts:\n  - name: shop\n    description: The shop.\n", ""));
    const catalog = loadCatalog(dir);
    expect(catalog.services.map((s) => s.name)).toEqual(["web"]);
    expect(catalog.files).toHaveLength(2);

    write("storefront.yaml", BASE.replace("environment: prod\nproducts:\n  - name: shop\n    description: The shop.\n", ""));
    expect(() => loadCatalog(dir)).toThrow(
      `${path.join(dir, "storefront.yaml")}:2:11  services[0].name  duplicate service name "web" (first declared at ${path.join(dir, "payments.yaml")}:2)`,
    );
  });

  it("allows environment in one file only", () => {
    write("storefront.yaml", "environment: staging\n");
    expect(() => loadCatalog(dir)).toThrow(/storefront.yaml:1:14  environment  "environment" is already set in .*00-stack.yaml/);
  });
});

describe("the JSON Schema for editors", () => {
  it("is up to date with the zod schema (run npm run schema)", () => {
    const committed = fs.readFileSync(path.join(__dirname, "..", "schema", "catalog.schema.json"), "utf8");
    expect(committed).toBe(renderCatalogSchema());
  });

  it("describes services and their endpoints", () => {
    const schema = JSON.parse(renderCatalogSchema());
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.services.items.required).toEqual(
      expect.arrayContaining(["name", "product", "team", "tier", "description", "runbook"]),
    );
  });
});
