/**
 * A stack's dashboards, from its catalog: the ticket guide's executive, operations and
 * business dashboards when the catalog's `grafana.guideDashboards` names the product,
 * and one generated dashboard per team. Every one is checked against the dashboard model
 * before anything uses it (`DashboardModelError`); the JSON is serialized with sorted
 * keys. Pure: the Pulumi component and `lookout dashboards` both read this.
 */
import type { Catalog } from "../catalog/model";
import { businessDashboard } from "./business";
import type { DashboardDefinition } from "./definition";
import { executiveDashboard } from "./executive";
import type { GuideContext } from "./guide";
import { stableStringify } from "../json/canonical";
import { DashboardModelError, dashboardProblems } from "./model";
import { operationsDashboard } from "./operations";
import { dataSourceRefs, type DataSourceRefs } from "./queries";
import { teamDashboard } from "./service";
import { declaredQueries } from "./signals";

export type { DashboardDefinition } from "./definition";
export { DashboardModelError, dashboardProblems } from "./model";
export { dataSourceRefs, type DataSourceRefs } from "./queries";

/** The teams that get a Grafana folder: every service's owner and the guide dashboards' team, sorted. */
export function dashboardTeams(catalog: Catalog): string[] {
  const teams = new Set(catalog.services.map((s) => s.team));
  if (catalog.grafana?.guideDashboards) teams.add(catalog.grafana.guideDashboards.team);
  return [...teams].sort();
}

/** The data sources the stack provisions: Datadog always, Postgres when configured (the guide dashboards require it). */
export function usedDataSources(catalog: Catalog): (keyof DataSourceRefs)[] {
  return catalog.grafana?.postgres ? ["datadog", "postgres"] : ["datadog"];
}

/** Every dashboard of the stack, sorted by key, each checked against the model. */
export function stackDashboards(catalog: Catalog): DashboardDefinition[] {
  const refs = dataSourceRefs(catalog.environment);
  const definitions: DashboardDefinition[] = [];
  const guide = catalog.grafana?.guideDashboards;
  if (guide) {
    const ctx: GuideContext = {
      environment: catalog.environment,
      product: guide.product,
      team: guide.team,
      services: catalog.services.filter((s) => s.product === guide.product),
      refs,
    };
    definitions.push(executiveDashboard(ctx), operationsDashboard(ctx), businessDashboard(ctx));
  }
  for (const team of new Set(catalog.services.map((s) => s.team))) {
    definitions.push(teamDashboard({ environment: catalog.environment, team, services: catalog.services.filter((s) => s.team === team), refs }));
  }
  definitions.sort((a, b) => a.key.localeCompare(b.key));

  const options = {
    dataSources: usedDataSources(catalog).map((k) => refs[k]),
    declaredQueries: declaredQueries(catalog),
  };
  const problems = definitions.flatMap((d) => dashboardProblems(JSON.parse(dashboardJson(d)), options).map((p) => `${d.key}: ${p}`));
  const uids = new Map<string, string>();
  for (const d of definitions) {
    const other = uids.get(d.uid);
    if (other) problems.push(`${d.key}: has the UID ${d.uid} of ${other}`);
    uids.set(d.uid, d.key);
  }
  if (problems.length > 0) throw new DashboardModelError(problems);
  return definitions;
}

/** The dashboard's JSON with sorted keys: compact for `configJson`, indented for files. */
export function dashboardJson(definition: DashboardDefinition, options: { pretty?: boolean } = {}): string {
  return options.pretty ? `${stableStringify(definition.model, 2)}\n` : stableStringify(definition.model);
}
