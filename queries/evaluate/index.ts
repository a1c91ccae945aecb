/**
 * A monitor evaluated offline over sample series, with Datadog's semantics: the
 * evaluation frequency, the window (rolling or cumulative) shifted by the evaluation
 * delay, `require_full_window`, no data, warning/critical thresholds and their recovery
 * thresholds per group, SLO burn-rate alerts over their long and short windows, and
 * composites of other monitors. Each choice cites a PF-DD-EVAL-* row of
 * docs/provider-facts.md. Anomaly, forecast and outlier monitors are not evaluated: their
 * models are Datadog's own (the result says so, never a guess).
 */
import { durationSeconds } from "../durations";
import { childrenOf, type Comparator, type CompositeExpr, type Expr, type MonitorQuery, type TimeAggregation, type TimeWindow } from "../model";
import { hasData, NotEvaluable, reduceWindow, type SampleSeries, type Window, windowFull } from "./series";

export { METRIC_TYPES, NotEvaluable, percentile, type MetricType, type Point, type SampleSeries } from "./series";

export type MonitorState = "OK" | "WARN" | "ALERT" | "NO DATA";
export const MONITOR_STATES: readonly MonitorState[] = ["OK", "WARN", "ALERT", "NO DATA"];

/** `options.thresholds` as numbers. */
export interface Thresholds {
  readonly critical: number;
  readonly warning?: number;
  readonly criticalRecovery?: number;
  readonly warningRecovery?: number;
}

/** A monitor as the evaluation needs it: its query and the options that change its state. */
export interface EvaluatedMonitor {
  readonly name: string;
  readonly query: MonitorQuery;
  readonly thresholds?: Thresholds;
  readonly requireFullWindow?: boolean;
  readonly notifyNoData?: boolean;
  readonly noDataTimeframeMinutes?: number;
  readonly evaluationDelaySeconds?: number;
}

/** A metric SLO's good and total events and its targets by timeframe (`30d` → 99.9). */
export interface EvaluatedSlo {
  readonly good: Expr;
  readonly total: Expr;
  readonly targets: Readonly<Record<string, number>>;
}

export interface EvaluationContext {
  readonly series: readonly SampleSeries[];
  /** SLOs by the ID a burn-rate query names. */
  readonly slos?: ReadonlyMap<string, EvaluatedSlo>;
  /** Monitors by the ID a composite names. */
  readonly monitors?: ReadonlyMap<string, EvaluatedMonitor>;
}

/** One group's state after one evaluation. */
export interface GroupState {
  readonly state: MonitorState;
  /** The evaluated value (a burn rate: the lower of the long and short windows' against the threshold). */
  readonly value?: number;
  /** The values behind it, in words: `long 15.2, short 16`, or why the evaluation was skipped. */
  readonly detail?: string;
}

export interface Evaluation {
  /** Seconds since the start of the test. */
  readonly t: number;
  readonly groups: ReadonlyMap<string, GroupState>;
}

export type Timeline = { readonly kind: "timeline"; readonly evaluations: readonly Evaluation[] } | { readonly kind: "not-evaluable"; readonly reason: string };

const MINUTE = 60;

/** How often Datadog evaluates a metric monitor, by its window (PF-DD-EVAL-9). */
export function evaluationFrequency(windowSeconds: number): number {
  if (windowSeconds >= 48 * 3_600) return 30 * MINUTE;
  if (windowSeconds >= 24 * 3_600) return 10 * MINUTE;
  return MINUTE;
}

export function compare(comparator: Comparator, value: number, threshold: number): boolean {
  switch (comparator) {
    case ">":
      return value > threshold;
    case ">=":
      return value >= threshold;
    case "<":
      return value < threshold;
    case "<=":
      return value <= threshold;
    case "==":
      return value === threshold;
    case "!=":
      return value !== threshold;
  }
}

/** The recovery condition of a recovery threshold (PF-DD-EVAL-10): `>` recovers at `<=`, `>=` at `<`, and so on. */
const RECOVERY: Readonly<Record<Comparator, Comparator>> = { ">": "<=", ">=": "<", "<": ">=", "<=": ">", "==": "!=", "!=": "==" };

/**
 * The next state of one group from the previous one and the evaluated value
 * (PF-DD-EVAL-10): the alert threshold first, then the warning; leaving ALERT or WARN
 * needs the recovery threshold passed too when there is one.
 */
export function nextState(previous: MonitorState, value: number, comparator: Comparator, thresholds: Thresholds): MonitorState {
  const alerting = compare(comparator, value, thresholds.critical);
  const warning = thresholds.warning !== undefined && compare(comparator, value, thresholds.warning);
  if (alerting) return "ALERT";
  if (previous === "ALERT" && thresholds.criticalRecovery !== undefined && !compare(RECOVERY[comparator], value, thresholds.criticalRecovery)) return "ALERT";
  if (warning) return "WARN";
  if (previous === "WARN" && thresholds.warningRecovery !== undefined && !compare(RECOVERY[comparator], value, thresholds.warningRecovery)) return "WARN";
  return "OK";
}

/**
 * The window an evaluation at `t` reads (PF-DD-EVAL-2, PF-DD-EVAL-11): it ends
 * `delay` seconds before `t`; a `last_` window is rolling, a `current_` window starts at
 * the last whole hour, day, week or month (30 days) of the test's clock.
 */
export function windowAt(window: TimeWindow, t: number, delaySeconds = 0): Window {
  const end = t - delaySeconds;
  const span = durationSeconds(window.duration);
  if (window.kind === "current") {
    const unit = durationSeconds({ amount: 1, unit: window.duration.unit });
    return { start: Math.floor(end / unit) * unit - 1e-9, end };
  }
  return { start: end - span, end };
}

/** The times Datadog evaluates at up to `until`, every `frequency` seconds from the start. */
function evaluationTimes(until: number, frequency: number): number[] {
  const times: number[] = [];
  for (let t = frequency; t <= until; t += frequency) times.push(t);
  return times;
}

/** A monitor's states over time, up to `until` seconds (the last expectation). */
export function evaluate(monitor: EvaluatedMonitor, context: EvaluationContext, until: number): Timeline {
  try {
    return { kind: "timeline", evaluations: timeline(monitor, context, until) };
  } catch (error) {
    if (error instanceof NotEvaluable) return { kind: "not-evaluable", reason: error.message };
    throw error;
  }
}

/** The state of one group at `t`: the last evaluation at or before it (OK before the first). */
export function stateAt(evaluations: readonly Evaluation[], t: number, group = "*"): GroupState & { readonly t?: number } {
  let found: (GroupState & { t?: number }) | undefined;
  for (const evaluation of evaluations) {
    if (evaluation.t > t) break;
    const g = evaluation.groups.get(group);
    if (g) found = { ...g, t: evaluation.t };
  }
  return found ?? { state: "OK", detail: "not evaluated yet" };
}

function timeline(monitor: EvaluatedMonitor, context: EvaluationContext, until: number): Evaluation[] {
  const query = monitor.query;
  switch (query.kind) {
    case "metric": {
      const forms = formsOf(query.expression);
      if (forms.length > 0) throw new NotEvaluable(`${forms.join(", ")} monitors cannot be evaluated offline (Datadog's own models predict the series)`);
      if (query.evaluation.window.kind === "next" || query.evaluation.window.kind === "ago") throw new NotEvaluable(`a ${query.evaluation.window.kind}_ window is not evaluated offline`);
      return thresholdMonitor(monitor, query.comparator, query.threshold, durationSeconds(query.evaluation.window.duration), until, (t) => {
        const evaluation = query.evaluation;
        const current = windowAt(evaluation.window, t, monitor.evaluationDelaySeconds);
        const now = reduceWindow(query.expression, evaluation.aggregation, context.series, current);
        const full = !monitor.requireFullWindow || windowFull(query.expression, context.series, current);
        if (evaluation.kind === "window") return { values: now, full };
        // PF-DD-EVAL-12: the window's value against the same window `shift` earlier.
        const shift = durationSeconds(evaluation.shift.duration);
        const before = reduceWindow(query.expression, evaluation.aggregation, context.series, { start: current.start - shift, end: current.end - shift });
        const values = new Map<string, number>();
        for (const [group, value] of now) {
          const past = before.get(group);
          if (past === undefined || (evaluation.change === "pct_change" && past === 0)) continue;
          values.set(group, evaluation.change === "change" ? value - past : ((value - past) / Math.abs(past)) * 100);
        }
        return { values, full };
      }, (window) => hasData(query.expression, context.series, window));
    }
    case "search": {
      // RUM, logs, traces: the supplied series is the rollup's value per interval (PF-DD-EVAL-6).
      const metric = `${query.source}(${JSON.stringify(query.search)}).rollup(${[query.rollup.method, ...(query.rollup.measure ? [query.rollup.measure] : [])].map((s) => JSON.stringify(s)).join(", ")})`;
      const leaf: Expr = { kind: "series", metric, scope: ["*"], groupBy: [], methods: [] };
      const method = query.rollup.method === "count" ? "sum" : query.rollup.method.startsWith("pc") ? "percentile" : query.rollup.method === "cardinality" ? "max" : query.rollup.method;
      if (!["sum", "avg", "min", "max", "percentile"].includes(method)) throw new NotEvaluable(`rollup "${query.rollup.method}" is not evaluated offline`);
      const series = context.series.map((s) => (s.metric === metric ? { ...s, metric: `p${query.rollup.method.slice(2)}:${metric}` } : s));
      const expr: Expr = method === "percentile" ? { ...leaf, space: `p${Number(query.rollup.method.slice(2))}` } : leaf;
      return thresholdMonitor(monitor, query.comparator, query.threshold, durationSeconds(query.window), until, (t) => {
        const current = windowAt({ kind: "last", duration: query.window }, t, monitor.evaluationDelaySeconds);
        return { values: reduceWindow(expr, method as TimeAggregation, series, current), full: true };
      }, (window) => hasData(expr, series, window));
    }
    case "slo":
      return burnRateMonitor(monitor, query, context, until);
    case "composite":
      return compositeMonitor(query.expression, context, until);
    case "service-check":
      throw new NotEvaluable("service checks are evaluated on check runs, not series: not evaluated offline");
  }
}

/** The anomaly, forecast and outlier calls in an expression. */
function formsOf(expr: Expr): string[] {
  const own = expr.kind !== "call" ? [] : expr.name === "anomalies" ? ["anomaly"] : expr.name === "forecast" ? ["forecast"] : expr.name === "outliers" ? ["outlier"] : [];
  return [...own, ...childrenOf(expr).flatMap(formsOf)];
}

interface WindowResult {
  readonly values: ReadonlyMap<string, number>;
  /** False when require_full_window holds and the window is not covered. */
  readonly full: boolean;
}

/**
 * The per-group state machine of a threshold monitor (PF-DD-EVAL-7, PF-DD-EVAL-8,
 * PF-DD-EVAL-10): an evaluation without a full window (when required) or without a
 * value is skipped and keeps the last state; with `notify_no_data`, no data for the
 * no-data timeframe makes the group NO DATA.
 */
function thresholdMonitor(
  monitor: EvaluatedMonitor,
  comparator: Comparator,
  threshold: number,
  windowSeconds: number,
  until: number,
  read: (t: number) => WindowResult,
  dataIn: (window: Window) => boolean,
): Evaluation[] {
  const thresholds = monitor.thresholds ?? { critical: threshold };
  const states = new Map<string, GroupState>();
  const evaluations: Evaluation[] = [];
  const delay = monitor.evaluationDelaySeconds ?? 0;
  for (const t of evaluationTimes(until, evaluationFrequency(windowSeconds))) {
    const result = read(t);
    if (result.full) {
      for (const [group, value] of result.values) {
        const previous = states.get(group)?.state ?? "OK";
        states.set(group, { state: nextState(previous === "NO DATA" ? "OK" : previous, value, comparator, thresholds), value });
      }
    }
    if (monitor.notifyNoData && monitor.noDataTimeframeMinutes !== undefined) {
      const timeframe = { start: t - delay - monitor.noDataTimeframeMinutes * MINUTE, end: t - delay };
      if (!dataIn(timeframe)) {
        const groups = states.size === 0 ? ["*"] : [...states.keys()];
        for (const group of groups) states.set(group, { state: "NO DATA", detail: `no data for ${monitor.noDataTimeframeMinutes}m` });
      }
    }
    if (!result.full) for (const [group, s] of states) states.set(group, { ...s, detail: "skipped: the window is not full" });
    evaluations.push({ t, groups: new Map(states) });
  }
  return evaluations;
}

/**
 * An SLO burn-rate alert (PF-DD-EVAL-13): the error rate `1 − good/total` over the long
 * and the short window, each divided by the error budget `1 − target`; it alerts when
 * both pass the threshold (warning likewise).
 */
function burnRateMonitor(monitor: EvaluatedMonitor, query: Extract<MonitorQuery, { kind: "slo" }>, context: EvaluationContext, until: number): Evaluation[] {
  if (query.measure !== "burn_rate") throw new NotEvaluable("error-budget alerts need the SLO's whole timeframe of history: not evaluated offline");
  const slo = context.slos?.get(query.sloId);
  if (!slo) throw new NotEvaluable(`the burn-rate alert names SLO ${query.sloId}, which the plan does not hold`);
  const timeframe = `${query.timeframe.amount}${query.timeframe.unit}`;
  const target = slo.targets[timeframe];
  if (target === undefined) throw new NotEvaluable(`SLO ${query.sloId} has no ${timeframe} target`);
  const budget = 1 - target / 100;
  const thresholds = monitor.thresholds ?? { critical: query.threshold };
  const burn = (window: Window): number | undefined => {
    const good = reduceWindow(slo.good, "sum", context.series, window).get("*");
    const total = reduceWindow(slo.total, "sum", context.series, window).get("*");
    if (good === undefined || total === undefined || total === 0) return undefined;
    return (1 - good / total) / budget;
  };
  const evaluations: Evaluation[] = [];
  let state: GroupState = { state: "OK" };
  for (const t of evaluationTimes(until, MINUTE)) {
    const long = burn({ start: t - durationSeconds(query.longWindow), end: t });
    const short = burn({ start: t - durationSeconds(query.shortWindow), end: t });
    if (long !== undefined && short !== undefined) {
      // Both windows must pass: the lower burn rate (the higher, for a `<` alert) decides.
      const value = compare(query.comparator, long, short) ? short : long;
      state = { state: nextState(state.state, value, query.comparator, thresholds), value, detail: `long ${round(long)}, short ${round(short)}` };
    }
    evaluations.push({ t, groups: new Map([["*", state]]) });
  }
  return evaluations;
}

function round(value: number): string {
  return String(Number(value.toPrecision(4)));
}

const SEVERITY: Readonly<Record<MonitorState, number>> = { ALERT: 4, WARN: 3, "NO DATA": 2, OK: 1 };
const alertWorthy = (s: MonitorState): boolean => s !== "OK";

/** A composite's state from its monitors' (PF-DD-EVAL-14): `&&` the least severe when both are alert-worthy, `||` the most severe. */
export function combineStates(expr: CompositeExpr, stateOf: (id: string) => MonitorState): MonitorState {
  switch (expr.kind) {
    case "monitor":
      return stateOf(expr.id);
    case "group":
      return combineStates(expr.inner, stateOf);
    case "not": {
      const inner = combineStates(expr.operand, stateOf);
      return inner === "NO DATA" ? "NO DATA" : alertWorthy(inner) ? "OK" : "ALERT";
    }
    case "and":
    case "or": {
      const a = combineStates(expr.left, stateOf);
      const b = combineStates(expr.right, stateOf);
      if (expr.kind === "and") return alertWorthy(a) && alertWorthy(b) ? (SEVERITY[a] < SEVERITY[b] ? a : b) : "OK";
      if (!alertWorthy(a) && !alertWorthy(b)) return "OK";
      return SEVERITY[a] > SEVERITY[b] ? a : b;
    }
  }
}

function compositeIds(expr: CompositeExpr): string[] {
  switch (expr.kind) {
    case "monitor":
      return [expr.id];
    case "group":
      return compositeIds(expr.inner);
    case "not":
      return compositeIds(expr.operand);
    default:
      return [...compositeIds(expr.left), ...compositeIds(expr.right)];
  }
}

/** A composite of simple-alert monitors, evaluated each minute from its monitors' states then (PF-DD-EVAL-14). */
function compositeMonitor(expr: CompositeExpr, context: EvaluationContext, until: number): Evaluation[] {
  const parts = new Map<string, readonly Evaluation[]>();
  for (const id of compositeIds(expr)) {
    const monitor = context.monitors?.get(id);
    if (!monitor) throw new NotEvaluable(`the composite names monitor ${id}, which the plan does not hold`);
    const result = evaluate(monitor, context, until);
    if (result.kind === "not-evaluable") throw new NotEvaluable(`its monitor ${monitor.name}: ${result.reason}`);
    parts.set(id, result.evaluations);
  }
  const evaluations: Evaluation[] = [];
  let last: MonitorState = "OK";
  // Each part's state at t: a cursor over its evaluations (they are in time order).
  const cursors = new Map([...parts.keys()].map((id) => [id, { index: -1, state: "OK" as MonitorState }]));
  const partState = (id: string, t: number): MonitorState => {
    const evs = parts.get(id) ?? [];
    const cursor = cursors.get(id) ?? { index: -1, state: "OK" as MonitorState };
    while (cursor.index + 1 < evs.length && evs[cursor.index + 1].t <= t) {
      cursor.index++;
      cursor.state = evs[cursor.index].groups.get("*")?.state ?? cursor.state;
    }
    return cursor.state;
  };
  for (const t of evaluationTimes(until, MINUTE)) {
    const state = combineStates(expr, (id) => partState(id, t));
    const detail = [...parts.keys()].map((id) => `${context.monitors?.get(id)?.name ?? id} ${partState(id, t)}`).join(", ");
    // With notify_no_data off, a NO DATA result keeps the last known state (PF-DD-EVAL-14).
    last = state === "NO DATA" ? last : state;
    evaluations.push({ t, groups: new Map([["*", { state: last, detail }]]) });
  }
  return evaluations;
}
