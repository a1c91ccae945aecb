/**
 * The shipped catalogs (stacks/prod.yaml, stacks/staging.yaml): they load, and they
 * say what the monitoring guides (../shared/seeds/) ask of uptime. These are the
 * assertions a reviewer of a catalog diff cares about; the loader's own behaviour is
 * tested elsewhere.
 */
import * as path from "path";
import { describe, expect, it } from "vitest";
import { loadCatalog } from "../catalog/load";
import type { Catalog, Endpoint, Journey, Service } from "../catalog/model";

const STACKS = path.resolve(__dirname, "..", "stacks");
const STACK_NAMES = ["prod", "staging"] as const;
type StackName = (typeof STACK_NAMES)[number];

const cache = new Map<StackName, Catalog>();
function stack(name: StackName): Catalog {
  let catalog = cache.get(name);
  if (!catalog) {
    catalog = loadCatalog(path.join(STACKS, `${name}.yaml`));
    cache.set(name, catalog);
  }
  return catalog;
}

function service(catalog: Catalog, name: string): Service {
  const found = catalog.services.find((s) => s.name === name);
  if (!found) throw new Error(`no service ${name} in ${catalog.environment}`);
  return found;
}

function endpoint(catalog: Catalog, serviceName: string, name: string): Endpoint {
  const found = service(catalog, serviceName).endpoints.find((e) => e.name === name);
  if (!found) throw new Error(`no endpoint ${serviceName}/${name} in ${catalog.environment}`);
  return found;
}

function journey(catalog: Catalog, serviceName: string, name: string): Journey {
  const found = service(catalog, serviceName).journeys.find((j) => j.name === name);
  if (!found) throw new Error(`no journey ${serviceName}/${name} in ${catalog.environment}`);
  return found;
}

function endpoints(catalog: Catalog): { id: string; service: Service; endpoint: Endpoint }[] {
  return catalog.services.flatMap((s) => s.endpoints.map((e) => ({ id: `${s.name}/${e.name}`, service: s, endpoint: e })));
}

function journeys(catalog: Catalog): { id: string; service: Service; journey: Journey }[] {
  return catalog.services.flatMap((s) => s.journeys.map((j) => ({ id: `${s.name}/${j.name}`, service: s, journey: j })));
}

/** Every host a catalog sends a request to: endpoints and journey steps. */
function hosts(catalog: Catalog): Set<string> {
  const urls = [
    ...endpoints(catalog).map(({ endpoint: e }) => e.request.url),
    ...journeys(catalog).flatMap(({ journey: j }) => j.steps.map((s) => s.request.url)),
  ];
  return new Set(urls.map((u) => new URL(u).hostname));
}

function pathOf(url: string): string {
  return new URL(url).pathname;
}

function bodyAssertions(e: { expect: Endpoint["expect"] }): string[] {
  return e.expect.body.map((b) => (b.operator === "exists" ? `${b.path} exists` : `${b.path} ${b.operator} ${b.value}`));
}

function duplicates(names: readonly string[]): string[] {
  return names.filter((n, i) => names.indexOf(n) !== i);
}

describe.each(STACK_NAMES)("stacks/%s.yaml", (name) => {
  it("loads without error and names its environment", () => {
    const catalog = stack(name);
    expect(catalog.environment).toBe(name);
    expect(catalog.services.length).toBeGreaterThan(0);
  });

  it("declares one product per guide product, each citing its seed file", () => {
    const catalog = stack(name);
    expect(catalog.products.map((p) => p.name).sort()).toEqual(
      ["agent-marketplace", "carbot-crm", "prompt-marketplace", "sixfb-ticketing"],
    );
    for (const product of catalog.products) {
      expect(product.guide, product.name).toMatch(/^\d{3}_[0-9a-f]{16}\.txt /);
    }
    const cited = catalog.products.map((p) => p.guide ?? "").join(" ");
    for (const seed of ["000_", "001_", "002_", "003_", "004_"]) expect(cited).toContain(seed);
  });

  it("uses each product, service, endpoint, journey and step name once", () => {
    const catalog = stack(name);
    expect(duplicates(catalog.products.map((p) => p.name))).toEqual([]);
    expect(duplicates(catalog.services.map((s) => s.name))).toEqual([]);
    for (const s of catalog.services) {
      expect(duplicates([...s.endpoints.map((e) => e.name), ...s.journeys.map((j) => j.name)]), s.name).toEqual([]);
      for (const j of s.journeys) expect(duplicates(j.steps.map((step) => step.name)), `${s.name}/${j.name}`).toEqual([]);
    }
  });

  it("gives every service a declared product, an owner, a tier and its runbook", () => {
    const catalog = stack(name);
    const products = new Set(catalog.products.map((p) => p.name));
    for (const s of catalog.services) {
      expect(products.has(s.product), s.name).toBe(true);
      expect(s.team, s.name).toMatch(/^[a-z][a-z0-9-]*$/);
      expect([0, 1, 2, 3], s.name).toContain(s.tier);
      expect(s.runbook, s.name).toBe(`https://runbooks.example.com/${s.product}/${s.name}`);
      expect(s.endpoints.length + s.journeys.length, `${s.name} checks nothing`).toBeGreaterThan(0);
    }
  });

  it("only talks to example.com hosts, over https", () => {
    const catalog = stack(name);
    for (const host of hosts(catalog)) expect(host).toMatch(/(^|\.)example\.com$/);
    for (const { id, endpoint: e } of endpoints(catalog)) expect(new URL(e.request.url).protocol, id).toBe("https:");
  });

  it("probes endpoints read-only: GET, no body (POST routes answer 405 to GET)", () => {
    for (const { id, endpoint: e } of endpoints(stack(name))) {
      expect(e.request.method, id).toBe("GET");
      expect(e.request.body, id).toBeUndefined();
    }
  });

  it("declares an alert-worthy window: down after 2 minutes (000 Site Down, 003 API Downtime)", () => {
    for (const { id, endpoint: e } of endpoints(stack(name))) expect(e.downAfterSeconds, id).toBe(120);
  });

  it("checks the certificate of every https host 30 days before expiry (000 SSL/TLS Monitoring)", () => {
    const catalog = stack(name);
    const endpointHosts = new Set(endpoints(catalog).map(({ endpoint: e }) => new URL(e.request.url).hostname));
    const tls = catalog.services.flatMap((s) => s.tlsChecks);
    expect(new Set(tls.map((t) => t.host))).toEqual(endpointHosts);
    for (const t of tls) expect(t.warnDays, t.host).toBe(30);
  });
});

describe("stacks/prod.yaml", () => {
  const prod = () => stack("prod");

  it("checks every endpoint at least every 5 minutes from at least 3 locations (policy)", () => {
    for (const { id, endpoint: e } of endpoints(prod())) {
      expect(e.intervalSeconds, id).toBeLessThanOrEqual(300);
      expect(new Set(e.locations).size, id).toBeGreaterThanOrEqual(3);
    }
  });

  it("runs every journey from at least 3 locations", () => {
    for (const { id, journey: j } of journeys(prod())) expect(new Set(j.locations).size, id).toBeGreaterThanOrEqual(3);
  });

  it("has guide 000's UptimeRobot checks: main site 1 min, API health 2 min, Stripe webhook 5 min", () => {
    const home = endpoint(prod(), "agents-web", "home");
    expect(home.intervalSeconds).toBe(60);
    expect(home.request.url).toBe("https://agents.example.com/");
    expect(home.expect.status).toBe(200);
    expect(home.severity).toBe("P0");

    const health = endpoint(prod(), "agents-api", "health");
    expect(health.intervalSeconds).toBe(120);
    expect(pathOf(health.request.url)).toBe("/api/health");
    expect(health.severity).toBe("P0");

    const webhook = endpoint(prod(), "agents-payments", "stripe-webhook");
    expect(webhook.intervalSeconds).toBe(300);
    expect(pathOf(webhook.request.url)).toBe("/api/stripe/webhook");
    expect(webhook.request.method).toBe("GET");
    expect(webhook.expect.status).toBe(405); // a POST-only route, probed without forging a Stripe event
    expect(webhook.severity).toBe("P0");

    // Page load < 2 s is a browser measure: a RUM alert, not a second check on the home page.
    const pageLoad = service(prod(), "agents-web").alerts.find((a) => a.name === "page-load-target");
    expect([pageLoad?.signal, pageLoad?.critical.value, pageLoad?.severity]).toEqual(["rum.page-load", 2000, "P3"]);
  });

  it("has guide 001's health monitor: /api/health, GET, 5 min, 30 s timeout, 200 with the health body", () => {
    const health = endpoint(prod(), "prompts-api", "health");
    expect(pathOf(health.request.url)).toBe("/api/health");
    expect(health.request.method).toBe("GET");
    expect(health.intervalSeconds).toBe(300);
    expect(health.request.timeoutSeconds).toBe(30);
    expect(health.expect.status).toBe(200);
    expect(bodyAssertions(health)).toEqual(["$.database == ok", "$.timestamp exists", "$.version exists"]);
    expect(health.severity).toBe("P0");
  });

  it("has guide 001's API response-time targets where a GET can measure them", () => {
    expect(endpoint(prod(), "prompts-api", "list-prompts").expect.responseTimeMs).toBe(500);
    expect(endpoint(prod(), "prompts-api", "users-profile").expect.responseTimeMs).toBe(300);
    // POST routes are checked for presence only: no logins, charges or uploads from a probe.
    for (const [svc, name, route] of [
      ["prompts-api", "login-route", "/api/auth/login"],
      ["prompts-payments", "charge-route", "/api/payments/charge"],
      ["prompts-uploads", "upload-route", "/api/prompts/upload"],
    ] as const) {
      const e = endpoint(prod(), svc, name);
      expect(pathOf(e.request.url), name).toBe(route);
      expect(e.expect.status, name).toBe(405);
      expect(e.expect.responseTimeMs, name).toBeUndefined();
    }
  });

  it("feeds guide 001's status-page components that have an HTTP surface", () => {
    const components = new Set(
      endpoints(prod())
        .filter(({ service: s }) => s.product === "prompt-marketplace")
        .map(({ endpoint: e }) => e.statusComponent),
    );
    for (const c of ["website", "api", "payments", "file-uploads", "database"]) expect(components).toContain(c);
  });

  it("has guide 002's response-time table: critical bounds at P0, page-load targets as RUM alerts", () => {
    const table: [string, string, number, string][] = [
      ["tickets-web", "register-page", 6000, "P0"],
      ["tickets-web", "success-page", 3000, "P0"],
    ];
    for (const [svc, name, ms, severity] of table) {
      const e = endpoint(prod(), svc, name);
      expect(e.expect.responseTimeMs, name).toBe(ms);
      expect(e.severity, name).toBe(severity);
    }
    const alerts = service(prod(), "tickets-web").alerts;
    for (const [name, page, ms] of [["register-page-load-target", "/register", 2000], ["success-page-load-target", "/success", 1000]] as const) {
      const a = alerts.find((x) => x.name === name);
      expect([a?.signal, a?.page, a?.critical.value], name).toEqual(["rum.page-load", page, ms]);
    }
    expect(pathOf(endpoint(prod(), "tickets-checkout", "checkout-session-route").request.url)).toBe("/api/create-checkout-session");
    expect(pathOf(endpoint(prod(), "tickets-payments", "stripe-webhook-route").request.url)).toBe("/api/webhooks/stripe");
  });

  it("has guide 002's complete-ga-purchase journey: 5 min, us-east/us-west/eu-west, 30 s, 99 %, seven steps", () => {
    const j = journey(prod(), "tickets-checkout", "complete-ga-purchase");
    expect(j.intervalSeconds).toBe(300);
    expect([...j.locations].sort()).toEqual(["aws:eu-west-1", "aws:us-east-1", "aws:us-west-2"]);
    expect(j.maxDurationSeconds).toBe(30);
    expect(j.successRatePercent).toBe(99);
    expect(j.severity).toBe("P0");
    expect(j.steps.map((s) => s.name)).toEqual([
      "navigate-to-register",
      "fill-customer-info",
      "select-ga-ticket",
      "choose-city",
      "proceed-to-stripe",
      "complete-test-payment",
      "verify-success-page",
    ]);
    // The session created by proceed-to-stripe is the one paid and then shown.
    expect(j.steps[4].extract).toHaveProperty("SESSION_ID");
    expect(j.steps[5].request.url).toContain("{{ SESSION_ID }}");
    expect(j.steps[6].request.url).toContain("{{ SESSION_ID }}");
  });

  it("has guide 002's vip-member-discount journey: 15 min, 20 s, 99 %, five steps", () => {
    const j = journey(prod(), "tickets-checkout", "vip-member-discount");
    expect(j.intervalSeconds).toBe(900);
    expect(j.maxDurationSeconds).toBe(20);
    expect(j.successRatePercent).toBe(99);
    expect(j.steps.map((s) => s.name)).toEqual([
      "navigate-to-register",
      "fill-member-info",
      "select-vip-ticket",
      "verify-discount-applied",
      "proceed-to-checkout",
    ]);
  });

  it("never buys anything live: journeys run against the test-mode deployment only", () => {
    const live = new Set(endpoints(prod()).map(({ endpoint: e }) => new URL(e.request.url).hostname));
    for (const { id, journey: j } of journeys(prod())) {
      for (const step of j.steps) {
        const host = new URL(step.request.url).hostname;
        expect(host, `${id}/${step.name}`).toBe("testmode.tickets.example.com");
        expect(live.has(host), `${id}/${step.name}`).toBe(false);
      }
    }
  });

  it("has guide 003's health endpoints, the expected health body and the 500 ms target", () => {
    const health = endpoint(prod(), "carbot-api", "health");
    expect(pathOf(health.request.url)).toBe("/api/health");
    expect(health.severity).toBe("P0"); // API Downtime (>2 minutes unresponsive)
    expect(health.intervalSeconds).toBeLessThanOrEqual(60);
    expect(bodyAssertions(health)).toEqual(
      expect.arrayContaining([
        "$.status == healthy",
        "$.services.database == connected",
        "$.services.openai == operational",
        "$.services.stripe == operational",
        "$.services.email == operational",
      ]),
    );
    // The 500 ms target is on real API traffic (003 says "average": the median), not a second probe.
    const target = service(prod(), "carbot-api").alerts.find((a) => a.name === "response-time-target");
    expect([target?.signal, target?.percentile, target?.critical.value]).toEqual(["http.latency", "p50", 500]);
    expect(pathOf(endpoint(prod(), "carbot-database", "database-health").request.url)).toBe("/api/health/database");
    expect(pathOf(endpoint(prod(), "carbot-integrations", "integrations-health").request.url)).toBe("/api/health/integrations");
  });

  it("pages P0 for site down, payments and API downtime", () => {
    const p0 = [
      "agents-web/home",
      "agents-api/health",
      "agents-payments/stripe-webhook",
      "prompts-web/home",
      "prompts-api/health",
      "prompts-payments/charge-route",
      "tickets-web/register-page",
      "tickets-checkout/checkout-session-route",
      "tickets-payments/stripe-webhook-route",
      "carbot-api/health",
      "carbot-database/database-health",
    ];
    const byId = new Map(endpoints(prod()).map(({ id, endpoint: e }) => [id, e.severity]));
    for (const id of p0) expect(byId.get(id), id).toBe("P0");
    expect(journey(prod(), "tickets-checkout", "complete-ga-purchase").severity).toBe("P0");
  });

  it("keeps revenue services at tier 0", () => {
    for (const name of ["agents-payments", "prompts-payments", "tickets-checkout", "tickets-payments"]) {
      expect(service(prod(), name).tier, name).toBe(0);
    }
  });
});

describe("stacks/staging.yaml against prod", () => {
  it("declares the same services, endpoints and journeys as prod", () => {
    const shape = (c: Catalog) =>
      c.services.map((s) => ({
        name: s.name,
        product: s.product,
        team: s.team,
        tier: s.tier,
        runbook: s.runbook,
        endpoints: s.endpoints.map((e) => e.name),
        journeys: s.journeys.map((j) => [j.name, j.steps.map((st) => st.name)]),
      }));
    expect(shape(stack("staging"))).toEqual(shape(stack("prod")));
  });

  it("keeps prod's severities and thresholds (only hosts, schedule and locations differ)", () => {
    const staging = stack("staging");
    for (const { id, service: s, endpoint: p } of endpoints(stack("prod"))) {
      const e = endpoint(staging, s.name, p.name);
      expect([e.severity, e.expect, e.request.method, pathOf(e.request.url), e.statusComponent], id).toEqual([
        p.severity,
        p.expect,
        p.request.method,
        pathOf(p.request.url),
        p.statusComponent,
      ]);
    }
    for (const { id, service: s, journey: p } of journeys(stack("prod"))) {
      const j = journey(staging, s.name, p.name);
      expect([j.severity, j.maxDurationSeconds, j.successRatePercent], id).toEqual([
        p.severity,
        p.maxDurationSeconds,
        p.successRatePercent,
      ]);
      expect(j.steps.map((st) => [st.request.method, st.expect]), id).toEqual(p.steps.map((st) => [st.request.method, st.expect]));
    }
  });

  it("never uses a prod host", () => {
    const prodHosts = hosts(stack("prod"));
    for (const host of hosts(stack("staging"))) {
      expect(prodHosts.has(host), host).toBe(false);
      expect(host, host).toMatch(/^staging\./);
    }
  });

  it("checks less often, from 1-2 locations", () => {
    const staging = stack("staging");
    for (const { id, service: s, endpoint: p } of endpoints(stack("prod"))) {
      const e = endpoint(staging, s.name, p.name);
      expect(e.intervalSeconds, id).toBeGreaterThanOrEqual(p.intervalSeconds);
      expect(e.intervalSeconds, id).toBeGreaterThanOrEqual(300);
      expect(e.locations.length, id).toBeLessThanOrEqual(2);
    }
    for (const { id, service: s, journey: p } of journeys(stack("prod"))) {
      const j = journey(staging, s.name, p.name);
      expect(j.intervalSeconds, id).toBeGreaterThan(p.intervalSeconds);
      expect(j.locations.length, id).toBeLessThanOrEqual(2);
    }
  });
});
