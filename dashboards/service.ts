/**
 * The generated dashboard of a team: a row per service it owns, in name order, with each
 * endpoint's uptime and response time, each alert's signal with its warning and critical
 * lines (the monitor's own query and thresholds), and — for services measured with RUM —
 * the core web vitals against their targets. Nothing here is written by hand: a new
 * alert in the catalog is a new panel on the next `pulumi up`.
 */
import type { Service } from "../catalog/model";
import { dashboardsKey } from "../catalog/names";
import { type DashboardDefinition, defined, newDashboard, standardDashboardTags } from "./definition";
import { GridLayout } from "./layout";
import { type PanelContext, rowPanel, seriesPanel, seriesStat } from "./panels";
import type { DataSourceRefs } from "./queries";
import { alertSeries, endpointSeries, type Series, UPTIME_SIGNAL, webVitalSeries } from "./signals";

/** Team dashboards refresh every minute: checks run every minute at the fastest. */
export const TEAM_REFRESH = "1m";

export function teamDashboardKey(team: string): string {
  return dashboardsKey.teamDashboard(team);
}

export interface TeamContext {
  readonly environment: string;
  readonly team: string;
  /** The team's services (any order: they are sorted here). */
  readonly services: readonly Service[];
  readonly refs: DataSourceRefs;
}

export function teamDashboard(ctx: TeamContext): DashboardDefinition {
  const key = teamDashboardKey(ctx.team);
  const grid = new GridLayout();
  const panels: PanelContext = { dashboardKey: key, grid, refs: ctx.refs };
  const services = [...ctx.services].sort((a, b) => a.name.localeCompare(b.name));
  const builder = newDashboard({
    environment: ctx.environment,
    key,
    title: `${ctx.team} services`,
    description:
      `Generated from the catalog: for each service of ${ctx.team}, its endpoints' uptime and response time, every alert's ` +
      "signal with its warning and critical thresholds, and core web vitals against their targets.",
    refresh: TEAM_REFRESH,
    tags: standardDashboardTags(ctx.environment, ctx.team, "generated"),
  });
  for (const service of services) {
    const at = (series: Series) => `${service.name}/${series.key}`;
    builder.withRow(rowPanel(panels, `${service.name}/row`, `${service.name} · ${service.product} · tier ${service.tier}`));
    for (const endpoint of service.endpoints) {
      for (const series of endpointSeries(service, endpoint)) {
        const spec = { key: at(series), title: series.title, description: series.description };
        builder.withPanel(series.signal === UPTIME_SIGNAL ? seriesStat(panels, { ...spec, w: 4, h: 6 }, [series]) : seriesPanel(panels, { ...spec, w: 8, h: 6 }, [series]));
      }
    }
    grid.newLine();
    for (const alert of service.alerts) {
      const series = alertSeries(ctx.environment, service, alert);
      if (!series) continue; // a log, trace or event monitor: nothing Grafana can graph
      builder.withPanel(seriesPanel(panels, { key: at(series), title: series.title, description: series.description, w: 8, h: 8 }, [series]));
    }
    grid.newLine();
    for (const series of webVitalSeries(ctx.environment, service)) {
      builder.withPanel(seriesPanel(panels, { key: at(series), title: series.title, description: series.description, w: 8, h: 7 }, [series]));
    }
  }
  return defined(key, ctx.team, builder);
}
