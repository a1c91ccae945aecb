/**
 * Panels from series and SQL, with the SDK's builders: every panel gets its stable ID
 * (from its dashboard's and its own key) and its place on the grid here, so the
 * dashboard definitions only say what to show and how big.
 */
import { panelId } from "./ids";
import type { GridLayout } from "./layout";
import { DatadogQueryBuilder, type DataSourceRefs, PostgresQueryBuilder, type SqlFormat } from "./queries";
import {
  bargauge,
  type Builder,
  common,
  dashboard,
  type Dataquery,
  type DataSourceRef,
  type DynamicConfigValue,
  type GridPos,
  type Panel,
  piechart,
  type RowPanel,
  stat,
  table,
  type Threshold,
  type ThresholdsConfig,
  timeseries,
} from "./sdk";
import type { Series, SeriesThresholds } from "./signals";

/** What every panel of one dashboard shares. */
export interface PanelContext {
  /** The dashboard's key: panel IDs hash it with the panel's own key. */
  readonly dashboardKey: string;
  readonly grid: GridLayout;
  readonly refs: DataSourceRefs;
}

export interface PanelSpec {
  /** Unique within the dashboard; the panel's ID derives from it. */
  readonly key: string;
  readonly title: string;
  readonly description: string;
  readonly w: number;
  readonly h: number;
}

export const COLORS = { ok: "green", warning: "orange", critical: "red", neutral: "blue" } as const;

/**
 * Grafana threshold steps (ascending; the first is the base, `null`) for an alert's
 * lines: above-is-bad goes green → orange at warning → red at critical; below-is-bad
 * goes red under critical → orange under warning → green.
 */
export function thresholdSteps(t: SeriesThresholds): Threshold[] {
  if (t.comparison === "above") {
    return [
      { value: null, color: COLORS.ok },
      ...(t.warning !== undefined ? [{ value: t.warning, color: COLORS.warning }] : []),
      { value: t.critical, color: COLORS.critical },
    ];
  }
  return [
    { value: null, color: COLORS.critical },
    { value: t.critical, color: t.warning !== undefined ? COLORS.warning : COLORS.ok },
    ...(t.warning !== undefined ? [{ value: t.warning, color: COLORS.ok }] : []),
  ];
}

const thresholdsConfig = (steps: Threshold[]) => new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(steps);
const lines = () => new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Line);
const BASE_ONLY: Threshold[] = [{ value: null, color: COLORS.neutral }];
/** Legends name each series (the catalog's service and alert) with its last and highest values. */
const legend = () =>
  new common.VizLegendOptionsBuilder()
    .showLegend(true)
    .displayMode(common.LegendDisplayMode.List)
    .placement(common.LegendPlacement.Bottom)
    .calcs(["lastNotNull", "max"]);

/** A series' query ID: its service and key, so adding a series never renames another's. */
export function refIdOf(series: Series): string {
  return `${series.service}/${series.key}`;
}

function datadogTargets(ctx: PanelContext, series: readonly Series[]): DatadogQueryBuilder[] {
  return series.map((s) => new DatadogQueryBuilder(refIdOf(s), ctx.refs.datadog, s.queryType, s.query, `${s.service} ${s.key.replace(/^alert\//, "")}`));
}

/** A section header, full width, on its own line. */
export function rowPanel(ctx: PanelContext, key: string, title: string): Builder<RowPanel> {
  return new dashboard.RowBuilder(title).id(panelId(ctx.dashboardKey, key)).gridPos(ctx.grid.row());
}

/**
 * Datadog series over time, each with its alert's lines. One series: unit and lines on
 * the panel; several: per series (field overrides by query), so each keeps its own.
 */
export function seriesPanel(ctx: PanelContext, spec: PanelSpec, series: readonly Series[]): Builder<Panel> {
  const panel = new timeseries.PanelBuilder()
    .id(panelId(ctx.dashboardKey, spec.key))
    .title(spec.title)
    .description(spec.description)
    .datasource(ctx.refs.datadog)
    .gridPos(ctx.grid.place(spec.w, spec.h))
    .targets(datadogTargets(ctx, series))
    .legend(legend());
  if (series.length === 1) {
    const [only] = series;
    panel.unit(only.unit).thresholds(thresholdsConfig(only.thresholds ? thresholdSteps(only.thresholds) : BASE_ONLY));
    if (only.thresholds) panel.thresholdsStyle(lines());
    return panel;
  }
  panel.thresholds(thresholdsConfig(BASE_ONLY));
  for (const s of series) {
    const properties: DynamicConfigValue[] = [{ id: "unit", value: s.unit }];
    if (s.thresholds) {
      properties.push({ id: "thresholds", value: thresholdsConfig(thresholdSteps(s.thresholds)).build() });
      properties.push({ id: "custom.thresholdsStyle", value: lines().build() });
    }
    panel.overrideByQuery(refIdOf(s), properties);
  }
  return panel;
}

/** Datadog series reduced to their last value, coloured by explicit steps. */
export function seriesStat(ctx: PanelContext, spec: PanelSpec, series: readonly Series[], steps: Threshold[] = BASE_ONLY): Builder<Panel> {
  const unit = series[0]?.unit ?? "short";
  return new stat.PanelBuilder()
    .id(panelId(ctx.dashboardKey, spec.key))
    .title(spec.title)
    .description(spec.description)
    .datasource(ctx.refs.datadog)
    .gridPos(ctx.grid.place(spec.w, spec.h))
    .targets(datadogTargets(ctx, series))
    .unit(unit)
    .thresholds(thresholdsConfig(steps))
    .colorMode(common.BigValueColorMode.Value)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(["lastNotNull"]));
}

export type SqlVisual = "stat" | "table" | "timeseries" | "piechart" | "bargauge";

export interface SqlPanelSpec extends PanelSpec {
  readonly visual: SqlVisual;
  readonly sql: string;
  readonly format: SqlFormat;
  readonly unit?: string;
  /** Threshold steps (ascending, base first); default a neutral base. */
  readonly steps?: Threshold[];
}

/** The builder methods every SDK panel type shares (they have no common base class). */
interface CommonPanelBuilder<T> {
  id(id: number): T;
  title(title: string): T;
  description(description: string): T;
  datasource(datasource: DataSourceRef): T;
  gridPos(gridPos: GridPos): T;
  withTarget(target: Builder<Dataquery>): T;
  thresholds(thresholds: Builder<ThresholdsConfig>): T;
  unit(unit: string): T;
}

/** A Postgres query in one of a few visualizations. */
export function sqlPanel(ctx: PanelContext, spec: SqlPanelSpec): Builder<Panel> {
  const target = new PostgresQueryBuilder("A", ctx.refs.postgres, spec.sql, spec.format);
  const steps = thresholdsConfig(spec.steps ?? BASE_ONLY);
  const base = <T extends CommonPanelBuilder<T>>(panel: T): T =>
    panel
      .id(panelId(ctx.dashboardKey, spec.key))
      .title(spec.title)
      .description(spec.description)
      .datasource(ctx.refs.postgres)
      .gridPos(ctx.grid.place(spec.w, spec.h))
      .withTarget(target)
      .thresholds(steps)
      .unit(spec.unit ?? "short");
  const lastValue = () => new common.ReduceDataOptionsBuilder().calcs(["lastNotNull"]);
  switch (spec.visual) {
    case "stat":
      return base(new stat.PanelBuilder()).colorMode(common.BigValueColorMode.Value).reduceOptions(lastValue());
    case "table":
      return base(new table.PanelBuilder());
    case "timeseries":
      return base(new timeseries.PanelBuilder()).legend(legend());
    case "piechart":
      return base(new piechart.PanelBuilder()).reduceOptions(new common.ReduceDataOptionsBuilder().values(true).calcs([]));
    case "bargauge":
      return base(new bargauge.PanelBuilder()).orientation(common.VizOrientation.Horizontal).reduceOptions(new common.ReduceDataOptionsBuilder().values(true).calcs([]));
  }
}
