/**
 * Resource names cannot collide: two catalog entries whose resources would share a name
 * (so a URN, PF-PULUMI-2) are a catalog error at both positions, exit 2, before anything
 * registers. The prediction uses the components' own naming functions, and it matches
 * the shipped stacks' plans exactly; their names are unchanged.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, describe, expect, it } from "vitest";
import { DuplicateUrnError, runUnderMocks } from "../cli/engine/mockRun";
import { loadCatalog } from "../catalog/load";
import { plannedNames } from "../catalog/names";
import { catalogIssues } from "./support/catalogs";
import { planOfStack, ROOT, runLookout } from "./support/plans";

function service(name: string, body: string): string {
  return `  - name: ${name}
    product: shop
    team: storefront
    tier: 1
    description: A service.
    runbook: https://runbooks.example.com/${name}
${body}`;
}
const endpoint = (name: string) => `      - name: ${name}
        url: https://shop.example.com/${name}
        severity: P1
`;
const backup = (name: string, replicate: boolean) => `  - name: ${name}
    product: shop
    service: shop
    description: A database dump.
    every: 1d
    retention: 30d
    replicate: ${replicate}
    access:
      write: [arn:aws:iam::123456789012:role/backup-job]
      restore: [arn:aws:iam::123456789012:role/oncall]
`;
function catalog(services: string[], extra = ""): string {
  return `environment: prod
products:
  - name: shop
    description: The shop.
services:
${services.join("")}${extra}`;
}

/** The 1-based line of the `- name: <name>` item that `needle` starts (its n-th occurrence). */
function lineOf(text: string, needle: string, nth = 1): number {
  let at = -1;
  for (let i = 0; i < nth; i++) at = text.indexOf(needle, at + 1);
  if (at < 0) throw new Error(`no ${needle}`);
  return text.slice(0, at).split("\n").length;
}

const CASES: { name: string; text: string; resource: string; first: [string, number, string]; second: [string, number, string] }[] = [
  {
    name: "an endpoint of shop and one of shop-api",
    text: catalog([
      service("shop", `    endpoints:\n${endpoint("api-health")}`),
      service("shop-api", `    endpoints:\n${endpoint("health")}`),
    ]),
    resource: "uptime-shop-api-health",
    first: ["- name: api-health", 1, "services[0].endpoints[0]"],
    second: ["- name: health", 1, "services[1].endpoints[0]"],
  },
  {
    name: "an endpoint journey-buy beside a journey buy",
    text: catalog([
      service(
        "shop",
        `    endpoints:\n${endpoint("journey-buy")}    journeys:
      - name: buy
        maxDuration: 30s
        successRate: 99%
        severity: P1
        steps:
          - name: open
            url: https://shop.example.com/buy
`,
      ),
    ]),
    resource: "uptime-shop-journey-buy",
    first: ["- name: journey-buy", 1, "services[0].endpoints[0]"],
    second: ["- name: buy", 1, "services[0].journeys[0]"],
  },
  {
    name: "a replicated backup shop-db beside a backup shop-db-replica",
    text: catalog([service("shop", `    endpoints:\n${endpoint("home")}`)], `backups:\n${backup("shop-db", true)}${backup("shop-db-replica", false)}`),
    resource: "backups-shop-db-replica",
    first: ["- name: shop-db\n", 1, "backups[0]"],
    second: ["- name: shop-db-replica", 1, "backups[1]"],
  },
  {
    name: "an alert of shop and one of shop-api",
    text: catalog([
      service("shop", `    endpoints:\n${endpoint("home")}    alerts:\n      - { name: api-errors, signal: http.error-rate, critical: 1%, severity: P1 }\n`),
      service("shop-api", `    endpoints:\n${endpoint("home")}    alerts:\n      - { name: errors, signal: http.error-rate, critical: 1%, severity: P1 }\n`),
    ]),
    resource: "alerts-shop-api-errors",
    first: ["- { name: api-errors", 1, "services[0].alerts[0]"],
    second: ["- { name: errors", 1, "services[1].alerts[0]"],
  },
];

describe("entries whose resources would share a name", () => {
  it.each(CASES)("$name: an error at each entry, naming the other", ({ text, resource, first, second }) => {
    const [a, b] = [lineOf(text, first[0], first[1]), lineOf(text, second[0], second[1])];
    const issues = catalogIssues(text);
    expect(issues).toHaveLength(2);
    expect(issues[0]).toMatch(new RegExp(`^${a}:\\d+ ${first[2].replace(/[[\].]/g, "\\$&")} .*cat\\.yaml:${b}:\\d+.* would both make a resource named "${resource}"`));
    expect(issues[1]).toMatch(new RegExp(`^${b}:\\d+ ${second[2].replace(/[[\].]/g, "\\$&")} .*cat\\.yaml:${a}:\\d+.* would both make a resource named "${resource}"`));
  });

  it("reports every collision at once, beside the catalog's other errors", () => {
    const text = catalog([
      service("shop", `    endpoints:\n${endpoint("api-health")}${endpoint("journey-x")}    journeys:\n      - { name: x, maxDuration: 30s, successRate: 99%, severity: P1, steps: [{ name: s, url: "https://shop.example.com/x" }] }\n`),
      service("shop-api", `    endpoints:\n${endpoint("health")}`),
    ]);
    expect(catalogIssues(text)).toHaveLength(4);
  });

  describe.each(CASES.filter((c) => !c.name.startsWith("an alert")))("on the command line: $name", ({ text, first, second }) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lookout-names-"));
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, "catalog.yaml");
    fs.writeFileSync(file, text);
    const positions = [`${file}:${lineOf(text, first[0], first[1])}:`, `${file}:${lineOf(text, second[0], second[1])}:`];

    it.each([
      ["plan", ["plan", "--stack", "prod", "--catalog", file, "--json"]],
      ["thresholds", ["thresholds", "--stack", "prod", "--catalog", file]],
    ])("%s exits 2 with both positions and prints nothing else", (_, args) => {
      const run = runLookout(args);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr).toMatch(/^error: invalid catalog \(2 errors\):\n/);
      for (const position of positions) expect(run.stderr).toContain(position);
    });
  });
});

describe("the names the catalog check predicts", () => {
  it.each(["prod", "staging"])("are exactly the %s plan's resources that catalog entries make", (stack) => {
    const plan = planOfStack(stack);
    const urns = new Set(plan.resources.map((r) => r.urn.split("::").slice(2).join("::")));
    const names = plannedNames(loadCatalog(path.join(ROOT, "stacks", `${stack}.yaml`)));
    const predicted = new Set(names.map((n) => `${n.chain}::${n.name}`));
    const chains = new Set(names.map((n) => n.chain));
    expect(names.filter((n) => !n.possible && !urns.has(`${n.chain}::${n.name}`))).toEqual([]);
    expect([...urns].filter((urn) => chains.has(urn.split("::")[0]) && !predicted.has(urn))).toEqual([]);
    // Every kind of entry is covered: checks, alerts, SLOs, Sentry, on-call, backups, status pages.
    expect(chains.size).toBeGreaterThanOrEqual(stack === "prod" ? 30 : 20);
  }, 240_000);
});

describe("the engine refuses two resources under one URN", () => {
  it("fails the run with the URN, not a policy count mismatch later", async () => {
    const failure = await runUnderMocks({
      project: "lookout",
      stack: "prod",
      config: {},
      secretKeys: [],
      preview: true,
      program: async () => {
        new pulumi.ComponentResource("lookout:test:Thing", "same");
        new pulumi.ComponentResource("lookout:test:Thing", "same");
        return {};
      },
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DuplicateUrnError);
    expect((failure as Error).message).toBe("duplicate resource URN urn:pulumi:prod::lookout::lookout:test:Thing::same: the program gave two resources one name");
  });
});
