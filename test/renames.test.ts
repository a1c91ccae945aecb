/**
 * `renamedFrom`: the renamed service's resources carry Pulumi aliases for their old names
 * (PF-PU-ALIAS-1), the plan records them as the old URNs, and `lookout diff` shows a
 * rename with no removal. Validation rejects a `renamedFrom` that collides or is claimed twice.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../cli/engine/plan";
import { diffPlans } from "../cli/reports/diff";
import { renderDiffText } from "../cli/render/diffText";
import { escalationOf } from "../cli/reports/escalation";
import { parseCatalog } from "../catalog/load";
import { renamedNames } from "../infra/stack/renames";
import { catalogIssues } from "./support/catalogs";
import { ROOT, runLookout } from "./support/plans";

const MINIMAL = fs.readFileSync(path.join(ROOT, "test", "fixtures", "catalogs", "minimal.yaml"), "utf8");
const STORAGE = fs.readFileSync(path.join(ROOT, "test", "fixtures", "catalogs", "storage.yaml"), "utf8");
const RENAMED = MINIMAL.replace("  - name: api\n", "  - name: public-api\n    renamedFrom: api\n");

let dir: string;
let base: Plan;
let head: Plan;

/** `lookout plan --json` of a catalog text, as a user runs it. */
function planOf(text: string, file: string): Plan {
  const at = path.join(dir, file);
  fs.writeFileSync(at, text);
  const run = runLookout(["plan", "--stack", "prod", "--catalog", at, "--json"]);
  if (run.code !== 0 && run.code !== 1) throw new Error(`lookout plan exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as Plan;
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "lookout-renames-"));
  base = planOf(MINIMAL, "base.yaml");
  head = planOf(RENAMED, "head.yaml");
}, 120_000);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("renamedFrom", () => {
  it("gives every resource of the renamed service an alias for its old URN", () => {
    expect(RENAMED).not.toBe(MINIMAL);
    const renamed = head.resources.filter((r) => /public-api/.test(r.name));
    expect(renamed.length).toBeGreaterThan(0);
    const baseUrns = new Set(base.resources.map((r) => r.urn));
    for (const r of renamed) {
      expect(r.aliases, r.name).toHaveLength(1);
      expect(baseUrns.has(r.aliases?.[0] ?? ""), `${r.name}: ${r.aliases?.[0]}`).toBe(true);
      expect(r.aliases?.[0]).toBe(r.urn.replace(/::([^:]+)$/, (_, name: string) => `::${name.replace("public-api", "api")}`));
    }
    expect(head.resources.filter((r) => !/public-api/.test(r.name)).every((r) => r.aliases === undefined)).toBe(true);
  });

  it("is a rename in lookout diff, with no removal", () => {
    const diff = diffPlans(base, head, { stack: "prod", baseRef: "main", baseCommit: "0".repeat(40), headRef: "working tree" });
    expect(diff.removed).toEqual([]);
    expect(diff.added).toEqual([]);
    expect(diff.renamed?.length).toBe(head.resources.filter((r) => r.aliases).length);
    expect(renderDiffText(diff)).toContain("renamed uptime-api-health → uptime-public-api-health");
  });
});

describe("renamedFrom on an endpoint", () => {
  it("aliases the endpoint's test to its old name", () => {
    const text = MINIMAL.replace("      - name: health\n", "      - name: healthz\n        renamedFrom: health\n");
    expect(text).not.toBe(MINIMAL);
    const plan = planOf(text, "endpoint.yaml");
    const test = plan.resources.find((r) => r.name === "uptime-api-healthz");
    expect(test?.aliases).toEqual([test?.urn.replace(/::uptime-api-healthz$/, "::uptime-api-health")]);
    const diff = diffPlans(base, plan, { stack: "prod", baseRef: "main", baseCommit: "0".repeat(40), headRef: "working tree" });
    expect(diff.removed).toEqual([]);
    expect(diff.renamed?.map((r) => `${r.before.name} → ${r.after.name}`)).toEqual(["uptime-api-health → uptime-api-healthz"]);
  });
});

describe("renamedFrom validation", () => {
  it("rejects an old name that another service still has", () => {
    const text = MINIMAL.replace("  - name: api\n", "  - name: api\n    renamedFrom: web\n");
    expect(catalogIssues(text)).toEqual([expect.stringMatching(/^\d+:\d+ services\[1\]\.renamedFrom renamedFrom "web" is the name of another service/)]);
  });

  it("rejects an endpoint renamed from its own name, at the endpoint's position", () => {
    const text = MINIMAL.replace("      - name: health\n", "      - name: health\n        renamedFrom: health\n");
    expect(catalogIssues(text)).toEqual([expect.stringMatching(/services\[1\]\.endpoints\[0\]\.renamedFrom renamedFrom "health" is the endpoint's own name/)]);
  });

  it("rejects a service renamed from itself, and one old name claimed twice", () => {
    expect(catalogIssues(MINIMAL.replace("  - name: api\n", "  - name: api\n    renamedFrom: api\n"))).toEqual([expect.stringMatching(/renamedFrom "api" is the service's own name/)]);
    const twice = MINIMAL.replace("  - name: api\n", "  - name: api\n    renamedFrom: old\n").replace("  - name: web\n", "  - name: web\n    renamedFrom: old\n");
    expect(catalogIssues(twice)).toEqual([expect.stringMatching(/renamedFrom "old" is already claimed by service "web"/)]);
  });
});

describe("renamedFrom on a team", () => {
  it("aliases the team's schedules, escalation policy, PagerDuty services, handles and Sentry team; the diff shows renames and no removal", () => {
    const text = MINIMAL.replaceAll("team: storefront\n", "team: shopfront\n").replace("  - name: storefront\n", "  - name: shopfront\n    renamedFrom: storefront\n");
    expect(text).not.toBe(MINIMAL);
    const plan = planOf(text, "team.yaml");
    const baseUrns = new Set(base.resources.map((r) => r.urn));
    const renamed = plan.resources.filter((r) => /shopfront/.test(r.name));
    expect(renamed.map((r) => r.type)).toEqual(expect.arrayContaining([
      "lookout:oncall:Team",
      "pagerduty:index/schedule:Schedule",
      "pagerduty:index/escalationPolicy:EscalationPolicy",
      "pagerduty:index/service:Service",
      "pagerduty:index/serviceIntegration:ServiceIntegration",
      "datadog:pagerduty/serviceObject:ServiceObject",
    ]));
    for (const r of renamed) {
      expect(r.aliases, r.name).toHaveLength(1);
      expect(baseUrns.has(r.aliases?.[0] ?? ""), `${r.name}: ${r.aliases?.[0]}`).toBe(true);
    }
    expect(plan.resources.filter((r) => !/shopfront/.test(r.name)).every((r) => r.aliases === undefined)).toBe(true);
    const diff = diffPlans(base, plan, { stack: "prod", baseRef: "main", baseCommit: "0".repeat(40), headRef: "working tree" });
    expect(diff.removed).toEqual([]);
    expect(diff.added).toEqual([]);
    expect(diff.renamed?.length).toBe(renamed.length);
    expect(renderDiffText(diff)).toContain("renamed oncall-storefront-primary → oncall-shopfront-primary");
  });
});

describe("renamedFrom on a status-page component", () => {
  it("aliases the component's resource to its old key; a group's components are part of the group", () => {
    const text = STORAGE.replace("      - name: database\n", "      - name: data\n        renamedFrom: database\n");
    expect(text).not.toBe(STORAGE);
    const renames = renamedNames(parseCatalog([{ file: "storage.yaml", text }]));
    expect([...renames]).toEqual([["status-shop-data", "status-shop-database"]]);
  });

  it("rejects an old key that a group's component still has", () => {
    const text = STORAGE.replace("      - name: database\n", "      - name: data\n        renamedFrom: checkout\n");
    expect(catalogIssues(text)).toEqual([expect.stringMatching(/statusPages\[0\]\.components\[2\]\.renamedFrom renamedFrom "checkout" is the name of another status component/)]);
  });
});

describe("renamedFrom on teams and status components: validation", () => {
  it("rejects a team renamed from its own name, at the team's position", () => {
    const text = MINIMAL.replace("  - name: storefront\n", "  - name: storefront\n    renamedFrom: storefront\n");
    expect(catalogIssues(text)).toEqual([expect.stringMatching(/teams\[0\]\.renamedFrom renamedFrom "storefront" is the team's own name/)]);
  });
});

describe("lookout plan --json's lookups (the people behind PagerDuty IDs)", () => {
  it("records each user lookup once, by e-mail, and the escalation names people by them", () => {
    const users = (base.lookups ?? []).filter((l) => l.token === "pagerduty:index/getUser:getUser");
    expect(users.map((l) => l.args.email)).toEqual(["ana@example.com", "bo@example.com"]);
    for (const l of users) expect(l.result.id).toMatch(/^P[0-9A-F]{6}$/);
    const [policy] = escalationOf(base).policies;
    expect(policy.levels.map((l) => l.targets)).toEqual([["schedule storefront-primary (primary: ana@example.com, bo@example.com)"], ["user bo@example.com"]]);
    expect(renderDiffText(diffPlans(base, base, { stack: "prod", baseRef: "main", baseCommit: "0".repeat(40), headRef: "working tree" }), base)).not.toMatch(/user P[0-9A-F]{6}/);
  });
});

describe("a rename without renamedFrom", () => {
  it("is reported as a likely rename, with the renamedFrom line and the service's catalog line", () => {
    const text = MINIMAL.replace("  - name: api\n", "  - name: public-api\n");
    const plan = planOf(text, "unmarked.yaml");
    const diff = diffPlans(base, plan, { stack: "prod", baseRef: "main", baseCommit: "0".repeat(40), headRef: "working tree" });
    expect(diff.removed.length).toBeGreaterThan(0);
    const [hint, ...others] = diff.likelyRenames ?? [];
    expect(others).toEqual([]);
    expect(hint).toMatchObject({ from: "api", to: "public-api", what: "service", add: "renamedFrom: api" });
    const line = text.split("\n").findIndex((l) => l === "  - name: public-api") + 1;
    expect(hint.at).toBe(`${path.join(dir, "unmarked.yaml")}:${line}:5`);
    expect(hint.resources.map((r) => r.before)).toContain("uptime-api-health");
    expect(renderDiffText(diff)).toContain(`add \`renamedFrom: api\` under the service public-api at ${hint.at}`);
  });

  it("is not reported when renamedFrom is written, nor for unrelated additions and removals", () => {
    expect(diffPlans(base, head, { stack: "prod", baseRef: "main", baseCommit: "0".repeat(40), headRef: "working tree" }).likelyRenames).toEqual([]);
    const text = MINIMAL.replace("        url: https://shop.example.com/api/health\n", "        url: https://shop.example.com/api/status\n").replace("      - name: health\n", "      - name: healthz\n");
    const plan = planOf(text, "other.yaml");
    const diff = diffPlans(base, plan, { stack: "prod", baseRef: "main", baseCommit: "0".repeat(40), headRef: "working tree" });
    expect(diff.removed.map((r) => r.name)).toContain("uptime-api-health");
    expect(diff.likelyRenames).toEqual([]);
  });
});
