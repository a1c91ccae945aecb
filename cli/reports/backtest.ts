/**
 * `lookout diff --series`: recorded series replayed through the base's and the head's
 * version of every monitor the change adds or alters, counting how often each would have
 * fired (transitions into ALERT) and how long it would have stayed in ALERT. Pure.
 */
import { DATADOG_TYPE } from "../../catalog/names";
import { evaluate, type Evaluation } from "../../queries/evaluate";
import type { TestFile } from "./testFile";
import { stackMonitors, type PlannedMonitor, type StackMonitors } from "./testRun";

type Resource = Parameters<typeof stackMonitors>[0][number];

/** What a monitor did over the recorded period; undefined fields when it could not be evaluated. */
export interface Firing {
  readonly fired?: number;
  readonly alertMinutes?: number;
  readonly reason?: string;
}

export interface BacktestRow {
  readonly resource: string;
  readonly head: Firing;
  /** Absent when the base has no such monitor. */
  readonly base?: Firing;
}

export interface Backtest {
  /** Seconds of recorded history replayed (the longest case). */
  readonly period: number;
  readonly rows: readonly BacktestRow[];
}

/** The inputs that change what a monitor evaluates to. */
const EVALUATED = ["type", "query", "monitorThresholds", "requireFullWindow", "notifyNoData", "noDataTimeframe", "evaluationDelay"] as const;

function evaluatedInputs(resource: Resource): string {
  return JSON.stringify(EVALUATED.map((key) => resource.inputs[key] ?? null));
}

/** Transitions into ALERT and minutes spent in it, over one timeline. */
export function firings(evaluations: readonly Evaluation[]): { fired: number; alertMinutes: number } {
  let fired = 0;
  let seconds = 0;
  let previous: Evaluation | undefined;
  for (const evaluation of evaluations) {
    const alerting = [...evaluation.groups.values()].some((g) => g.state === "ALERT");
    const was = previous !== undefined && [...previous.groups.values()].some((g) => g.state === "ALERT");
    if (alerting && !was) fired++;
    if (was && previous) seconds += evaluation.t - previous.t;
    previous = evaluation;
  }
  return { fired, alertMinutes: seconds / 60 };
}

function replay(planned: PlannedMonitor, stack: StackMonitors, files: readonly TestFile[]): Firing {
  if (!planned.monitor) return { reason: planned.unreadable };
  let fired = 0;
  let alertMinutes = 0;
  for (const test of files.flatMap((f) => f.tests)) {
    const until = Math.max(0, ...test.series.flatMap((s) => s.points.map((p) => p.t)));
    const timeline = evaluate(planned.monitor, { series: test.series, slos: stack.slos, monitors: stack.byId }, until);
    if (timeline.kind === "not-evaluable") return { reason: timeline.reason };
    const counted = firings(timeline.evaluations);
    fired += counted.fired;
    alertMinutes += counted.alertMinutes;
  }
  return { fired, alertMinutes };
}

const MONITOR = DATADOG_TYPE.monitor;

/** Every monitor the head adds or whose evaluated inputs differ from the base's, replayed on both. */
export function backtest(base: readonly Resource[], head: readonly Resource[], files: readonly TestFile[]): Backtest {
  const baseByName = new Map(base.filter((r) => r.type === MONITOR).map((r) => [r.name, r]));
  const changed = head.filter((r) => r.type === MONITOR && evaluatedInputs(r) !== (baseByName.has(r.name) ? evaluatedInputs(baseByName.get(r.name) as Resource) : ""));
  const baseStack = stackMonitors(base);
  const headStack = stackMonitors(head);
  const find = (stack: StackMonitors, name: string) => stack.monitors.find((m) => m.resource === name);
  const rows = changed.map((r): BacktestRow => {
    const headMonitor = find(headStack, r.name) as PlannedMonitor;
    const baseMonitor = find(baseStack, r.name);
    return { resource: r.name, head: replay(headMonitor, headStack, files), ...(baseMonitor ? { base: replay(baseMonitor, baseStack, files) } : {}) };
  });
  const period = Math.max(0, ...files.flatMap((f) => f.tests.flatMap((t) => t.series.flatMap((s) => s.points.map((p) => p.t)))));
  return { period, rows };
}

function times(f: Firing): string {
  if (f.fired === undefined) return `not evaluable (${f.reason})`;
  return `${f.fired} time${f.fired === 1 ? "" : "s"} (${f.alertMinutes} minute${f.alertMinutes === 1 ? "" : "s"} in alert)`;
}

function periodText(seconds: number): string {
  return seconds >= 86_400 && seconds % 86_400 === 0 ? `${seconds / 86_400}d` : seconds >= 3_600 ? `${Number((seconds / 3_600).toFixed(1))}h` : `${seconds / 60}m`;
}

/** One line per changed monitor: "would have fired N times (M minutes in alert) over the period, was K". */
export function backtestLines(result: Backtest): string[] {
  return result.rows.map((row) => {
    const was = row.base === undefined ? "a new monitor" : `was ${times(row.base)}`;
    const head = row.head.fired === undefined ? times(row.head) : `would have fired ${times(row.head)}`;
    return `${row.resource}: ${head} over ${periodText(result.period)}, ${was}`;
  });
}

export function renderBacktestText(result: Backtest, source: string): string {
  const lines = backtestLines(result);
  if (lines.length === 0) return `\nBacktest on ${source}: no monitor's evaluation changes.\n`;
  return `\nBacktest on ${source} (${periodText(result.period)} of recorded series):\n${lines.map((l) => `  ${l}`).join("\n")}\n`;
}

export function renderBacktestMarkdown(result: Backtest, source: string): string {
  const lines = backtestLines(result);
  if (lines.length === 0) return `\n### Backtest on \`${source}\`\n\nNo monitor's evaluation changes.\n`;
  return `\n### Backtest on \`${source}\` (${periodText(result.period)} of recorded series)\n\n${lines.map((l) => `- ${l}`).join("\n")}\n`;
}
