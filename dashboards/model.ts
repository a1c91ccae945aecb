/**
 * The run-time check of a dashboard's JSON against Grafana's dashboard model, as the
 * Foundation SDK types it (`dashboard.Dashboard`, `Panel`, `RowPanel`, `GridPos`,
 * `FieldConfigSource`, `ThresholdsConfig`): required fields and their types, as zod
 * schemas whose outputs are checked at compile time to be those SDK types (so a schema
 * cannot accept what the SDK would not type). Lookout's own rules come on top: stable
 * UIDs, unique panel IDs and query IDs, a grid without overlaps, ascending thresholds,
 * queries only on known data sources and — for Datadog — only on what the catalog
 * declares. Everything is reported at once, each problem at its path.
 */
import { z } from "zod";
import { UID_PATTERN } from "./ids";
import { GRID_COLUMNS, gridProblems, type Placed } from "./layout";
import { DATADOG_PLUGIN } from "./queries";
import type { Dashboard, DataSourceRef, GridPos, Panel, RowPanel, Threshold, ThresholdsConfig } from "./sdk";
import { queryKey } from "./signals";

const int = z.number().int();

export const GridPosModel = z.strictObject({
  h: int.min(1),
  w: int.min(1).max(GRID_COLUMNS),
  x: int.min(0).max(GRID_COLUMNS - 1),
  y: int.min(0),
  static: z.boolean().optional(),
});

export const DataSourceRefModel = z.looseObject({
  type: z.string().min(1),
  uid: z.string().regex(UID_PATTERN, { error: "a Grafana UID (1–40 letters, digits, - or _)" }),
});

export const ThresholdModel = z.strictObject({
  value: z.number().nullable(),
  color: z.string().min(1),
});

export const ThresholdsConfigModel = z.strictObject({
  mode: z.enum(["absolute", "percentage"]),
  steps: z.array(ThresholdModel).min(1),
});

const FieldConfigModel = z.looseObject({
  unit: z.string().min(1).optional(),
  decimals: z.number().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  thresholds: ThresholdsConfigModel.optional(),
  custom: z.record(z.string(), z.unknown()).optional(),
});

const OverrideModel = z.looseObject({
  matcher: z.looseObject({ id: z.string().min(1), options: z.unknown().optional() }),
  properties: z.array(z.looseObject({ id: z.string().min(1), value: z.unknown().optional() })),
});

export const FieldConfigSourceModel = z.looseObject({
  defaults: FieldConfigModel,
  overrides: z.array(OverrideModel),
});

export const TargetModel = z.looseObject({
  refId: z.string().min(1),
  datasource: DataSourceRefModel,
  hide: z.boolean().optional(),
});

export const PanelModel = z.looseObject({
  type: z.string().min(1).refine((t) => t !== "row", { error: "a visualization type (rows are row panels)" }),
  id: int.min(1),
  title: z.string().min(1),
  description: z.string().optional(),
  gridPos: GridPosModel,
  datasource: DataSourceRefModel.optional(),
  targets: z.array(TargetModel).optional(),
  fieldConfig: FieldConfigSourceModel.optional(),
  options: z.record(z.string(), z.unknown()).optional(),
  transparent: z.boolean().optional(),
});

export const RowPanelModel = z.looseObject({
  type: z.literal("row"),
  id: int.min(1),
  title: z.string().min(1),
  collapsed: z.boolean(),
  gridPos: GridPosModel,
  panels: z.array(PanelModel),
});

export const DashboardModel = z.looseObject({
  id: z.null().optional(),
  uid: z.string().regex(UID_PATTERN, { error: "a Grafana UID (1–40 letters, digits, - or _)" }),
  title: z.string().min(1),
  description: z.string().optional(),
  tags: z.array(z.string().min(1)).min(1),
  timezone: z.string().min(1),
  editable: z.boolean(),
  graphTooltip: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  time: z.strictObject({ from: z.string().min(1), to: z.string().min(1) }),
  timepicker: z.looseObject({ refresh_intervals: z.array(z.string()).optional(), hidden: z.boolean().optional() }).optional(),
  refresh: z.string().regex(/^(\d+(?:s|m|h|d))?$/, { error: "an interval such as 10s, 30s, 5m or empty" }),
  schemaVersion: int.min(1),
  templating: z.looseObject({ list: z.array(z.looseObject({ name: z.string(), type: z.string() })).optional() }),
  annotations: z.looseObject({ list: z.array(z.looseObject({ name: z.string() })).optional() }),
  panels: z.array(z.looseObject({ type: z.string() })).min(1),
  links: z.array(z.looseObject({ title: z.string() })).optional(),
});

// Compile-time: every field a schema declares has the SDK's type for it (loose objects'
// other fields are the SDK's optional ones; `panels` are checked one by one).
type Declared<T> = { [K in keyof T as string extends K ? never : K]: T[K] };
type Fits<Schema, Sdk, Skip extends PropertyKey = never> = [Omit<Declared<Schema>, Skip>] extends [Omit<Sdk, Skip>] ? true : false;
const fits: [
  Fits<z.output<typeof GridPosModel>, GridPos>,
  Fits<z.output<typeof DataSourceRefModel>, DataSourceRef>,
  Fits<z.output<typeof ThresholdModel>, Threshold>,
  Fits<z.output<typeof ThresholdsConfigModel>, ThresholdsConfig, "mode">,
  Fits<z.output<typeof PanelModel>, Panel, "targets" | "fieldConfig" | "datasource">,
  Fits<z.output<typeof RowPanelModel>, RowPanel, "panels">,
  Fits<z.output<typeof DashboardModel>, Dashboard, "panels" | "templating" | "annotations" | "timepicker" | "links" | "graphTooltip">,
] = [true, true, true, true, true, true, true];
void fits;

export interface ValidationOptions {
  /** The data sources the stack provisions: every query must name one of them. */
  readonly dataSources: readonly { readonly type: string; readonly uid: string }[];
  /** `queryKey`s the catalog declares: every Datadog query must be one of them. */
  readonly declaredQueries?: ReadonlySet<string>;
}

/** Thrown when Lookout would deploy a dashboard that breaks the model: a bug, never the user's input. */
export class DashboardModelError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid dashboard JSON (${problems.length} ${problems.length === 1 ? "problem" : "problems"}):\n${problems.map((p) => `  ${p}`).join("\n")}`);
    this.name = "DashboardModelError";
  }
}

function zodProblems(prefix: string, error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const where = issue.path.reduce<string>((out, part) => (typeof part === "number" ? `${out}[${part}]` : `${out}.${String(part)}`), prefix);
    return `${where}: ${issue.message}`;
  });
}

/** Every problem of one dashboard's JSON (parsed), each as `path: message`; empty when it is valid. */
export function dashboardProblems(json: unknown, options: ValidationOptions): string[] {
  const parsed = DashboardModel.safeParse(json);
  if (!parsed.success) return zodProblems("dashboard", parsed.error);
  const problems: string[] = [];
  const ids = new Map<number, string>();
  const placed: Placed[] = [];
  const known = new Map(options.dataSources.map((d) => [d.uid, d.type]));

  parsed.data.panels.forEach((raw, i) => {
    const at = `panels[${i}]`;
    const result = raw.type === "row" ? RowPanelModel.safeParse(raw) : PanelModel.safeParse(raw);
    if (!result.success) {
      problems.push(...zodProblems(at, result.error));
      return;
    }
    const panel = result.data;
    const name = `${panel.title}`;
    const seen = ids.get(panel.id);
    if (seen !== undefined) problems.push(`${at}.id: panel "${name}" has the ID ${panel.id} of "${seen}"`);
    ids.set(panel.id, name);
    placed.push({ name, gridPos: panel.gridPos });
    if (panel.type === "row") {
      if (panel.gridPos.w !== GRID_COLUMNS || panel.gridPos.h !== 1) problems.push(`${at}.gridPos: row "${name}" must span the grid's width, one unit high`);
      if (!panel.collapsed && (panel.panels as unknown[]).length > 0) problems.push(`${at}.panels: an open row lists its panels after it, not inside it`);
      return;
    }
    problems.push(...panelProblems(at, panel as z.output<typeof PanelModel>, known, options.declaredQueries));
  });
  problems.push(...gridProblems(placed).map((p) => `panels: ${p}`));
  return problems;
}

function panelProblems(
  at: string,
  panel: z.output<typeof PanelModel>,
  known: ReadonlyMap<string, string>,
  declared: ReadonlySet<string> | undefined,
): string[] {
  const problems: string[] = [];
  const name = `panel "${panel.title}"`;
  const refIds = new Set<string>();
  const checkSource = (where: string, ref: { type: string; uid: string }) => {
    const type = known.get(ref.uid);
    if (type === undefined) problems.push(`${where}: ${name} names the data source ${ref.uid}, which the stack does not provision`);
    else if (type !== ref.type) problems.push(`${where}: ${name} names ${ref.uid} as a ${ref.type} data source; it is ${type}`);
  };
  if (panel.datasource) checkSource(`${at}.datasource`, panel.datasource);
  (panel.targets ?? []).forEach((target, t) => {
    const where = `${at}.targets[${t}]`;
    if (refIds.has(target.refId)) problems.push(`${where}.refId: ${name} has two queries ${target.refId}`);
    refIds.add(target.refId);
    checkSource(`${where}.datasource`, target.datasource);
    if (panel.datasource && panel.datasource.uid !== target.datasource.uid) {
      problems.push(`${where}.datasource: ${name} reads ${panel.datasource.uid} but this query ${target.datasource.uid}`);
    }
    if (target.datasource.type === DATADOG_PLUGIN && declared) {
      const { queryType, query } = target as { queryType?: unknown; query?: unknown };
      if (typeof query !== "string" || typeof queryType !== "string") {
        problems.push(`${where}: ${name} has a Datadog query without queryType and query`);
      } else if (!declared.has(queryKey(queryType, query))) {
        problems.push(`${where}.query: ${name} queries ${query}, which no alert, endpoint or RUM-measured service of the catalog declares`);
      }
    }
  });
  const thresholds = [
    { where: `${at}.fieldConfig.defaults.thresholds`, value: panel.fieldConfig?.defaults.thresholds as unknown },
    ...(panel.fieldConfig?.overrides ?? []).flatMap((o, k) =>
      o.properties.flatMap((p, j) => (p.id === "thresholds" ? [{ where: `${at}.fieldConfig.overrides[${k}].properties[${j}].value`, value: p.value }] : [])),
    ),
  ];
  for (const { where, value } of thresholds) {
    if (value === undefined) continue;
    const result = ThresholdsConfigModel.safeParse(value);
    if (!result.success) {
      problems.push(...zodProblems(where, result.error));
      continue;
    }
    const [base, ...steps] = result.data.steps;
    if (base.value !== null) problems.push(`${where}.steps[0]: ${name}'s first threshold step is its base; its value must be null`);
    steps.forEach((step, s) => {
      const previous = s === 0 ? -Infinity : steps[s - 1].value;
      if (step.value === null || (previous !== null && step.value <= previous)) {
        problems.push(`${where}.steps[${s + 1}]: ${name}'s threshold steps must ascend (found ${String(step.value)} after ${String(previous)})`);
      }
    });
  }
  return problems;
}
