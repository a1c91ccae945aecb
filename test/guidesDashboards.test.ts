/**
 * The prod plan's Grafana side, as `lookout plan --stack prod --json` prints it: a folder
 * per team, the Datadog and Postgres data sources, and the dashboards — the ticket
 * guide's executive (refresh 30 s), operations (10 s) and business-intelligence (5 m)
 * dashboards among them — each in its team's folder, its JSON valid and sorted.
 */
import * as path from "path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Plan, PlanResource } from "../cli/engine/plan";
import { planOfStack } from "./support/plans";
import { dashboardProblems, dataSourceRefs } from "../dashboards";
import { stableStringify } from "../json/canonical";
import { declaredQueries } from "../dashboards/signals";
import { loadCatalog } from "../catalog/load";

const ROOT = path.join(__dirname, "..");
let plan: Plan;
beforeAll(() => {
  plan = planOfStack("prod");
});

const ofType = (type: string) => plan.resources.filter((r) => r.type === type);
const inputs = (r: PlanResource) => r.inputs as Record<string, unknown>;
const model = (r: PlanResource) => JSON.parse(String(inputs(r).configJson)) as { uid: string; title: string; refresh: string; tags: string[]; panels: { title: string }[] };
const dashboardNamed = (name: string) => {
  const found = ofType("grafana:oss/dashboard:Dashboard").find((r) => r.name === name);
  if (!found) throw new Error(`the prod plan has no dashboard ${name}`);
  return found;
};

describe("the prod plan's Grafana resources", () => {
  it("counts a provider, a folder per team, two data sources and seven dashboards in one component", () => {
    expect(plan.summary.byType).toMatchObject({
      "pulumi:providers:grafana": 1,
      "lookout:dashboards:Dashboards": 1,
      "grafana:oss/folder:Folder": 4,
      "grafana:oss/dataSource:DataSource": 2,
      "grafana:oss/dashboard:Dashboard": 7,
    });
    expect(ofType("grafana:oss/folder:Folder").map((f) => inputs(f).title).sort()).toEqual([
      "[prod] agents-devops",
      "[prod] carbot-dev",
      "[prod] prompts-devops",
      "[prod] tickets-engineering",
    ]);
    const provider = ofType("pulumi:providers:grafana")[0];
    expect(inputs(provider).url).toBe("https://grafana.example.com/");
  });

  it.each([
    ["dashboards-executive", "[prod] Executive", "30s"],
    ["dashboards-operations", "[prod] Operations", "10s"],
    ["dashboards-business", "[prod] Business intelligence", "5m"],
  ])("%s: the ticket guide's dashboard refreshes every %s", (name, title, refresh) => {
    const dashboard = dashboardNamed(name);
    expect(model(dashboard)).toMatchObject({ title, refresh, tags: ["lookout", "env:prod", "team:tickets-engineering", "guide:002"] });
    expect(model(dashboard).panels).toHaveLength(6);
    const folder = ofType("grafana:oss/folder:Folder").find((f) => inputs(f).title === "[prod] tickets-engineering");
    expect(inputs(dashboard).folder).toBe(inputs(folder!).uid);
  });

  it("puts each team's generated dashboard in its folder, every dashboard in an existing folder", () => {
    const folderUids = new Set(ofType("grafana:oss/folder:Folder").map((f) => inputs(f).uid));
    for (const d of ofType("grafana:oss/dashboard:Dashboard")) {
      expect(folderUids.has(inputs(d).folder), d.name).toBe(true);
      expect(d.dependencies).toEqual(expect.arrayContaining(ofType("grafana:oss/dataSource:DataSource").map((s) => s.urn)));
    }
    expect(ofType("grafana:oss/dashboard:Dashboard").map((d) => d.name).filter((n) => n.startsWith("dashboards-team-")).sort()).toEqual([
      "dashboards-team-agents-devops",
      "dashboards-team-carbot-dev",
      "dashboards-team-prompts-devops",
      "dashboards-team-tickets-engineering",
    ]);
    expect(plan.outputs.dashboards).toMatchObject({ executive: model(dashboardNamed("dashboards-executive")).uid });
  });

  it("provisions the data sources the panels name, secrets never in the plan", () => {
    const refs = dataSourceRefs("prod");
    const sources: Record<string, Record<string, unknown>> = Object.fromEntries(ofType("grafana:oss/dataSource:DataSource").map((s) => [String(inputs(s).type), inputs(s)]));
    expect(sources[refs.datadog.type]).toMatchObject({ uid: refs.datadog.uid, jsonDataEncoded: '{"url":"https://api.datadoghq.com"}' });
    expect(sources[refs.postgres.type]).toMatchObject({ uid: refs.postgres.uid, url: "tickets-db.example.com:5432", username: "grafana_reader", jsonDataEncoded: '{"database":"sixfb_tickets","sslmode":"require"}' });
    for (const source of Object.values(sources)) expect([undefined, "[secret]"]).toContain(source.secureJsonDataEncoded);
  });

  it("serializes every dashboard with sorted keys, valid against the dashboard model", () => {
    const catalog = loadCatalog(path.join(ROOT, "stacks", "prod.yaml"));
    const options = { dataSources: Object.values(dataSourceRefs("prod")), declaredQueries: declaredQueries(catalog) };
    for (const d of ofType("grafana:oss/dashboard:Dashboard")) {
      const text = String(inputs(d).configJson);
      expect(stableStringify(JSON.parse(text)), d.name).toBe(text);
      expect(dashboardProblems(JSON.parse(text), options), d.name).toEqual([]);
    }
  });

  it("passes the dashboard policies", () => {
    expect(plan.policies.filter((p) => p.policy.startsWith("dashboard-"))).toEqual([]);
  });
});
