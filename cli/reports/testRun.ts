/**
 * `lookout test`'s computation, pure: the plan's monitors and SLOs as the evaluation
 * reads them, each expectation's monitor resolved (catalog path or resource name), the
 * monitors evaluated over the test's series (queries/evaluate) and every expectation
 * compared with the state and notifications it finds. Printing is in cli/commands/test.ts.
 */
import { format, parse, parseCompositeOfNames, parseMonitor, type MonitorQuery } from "../../queries";
import {
  evaluate,
  stateAt,
  type EvaluatedMonitor,
  type EvaluatedSlo,
  type Evaluation,
  type MonitorState,
  type Thresholds,
} from "../../queries/evaluate";
import { DATADOG_TYPE } from "../../catalog/names";
import type { PlannedResource } from "../engine/resource";
import { notifiedHandles, notifiesMatch, type Transition } from "./notifies";
import { issueAt, TestFileError, type Expectation, type TestCase, type TestFile } from "./testFile";

const MONITOR = DATADOG_TYPE.monitor;
const SLO = DATADOG_TYPE.slo;

/** A planned Datadog monitor, ready to evaluate. */
export interface PlannedMonitor {
  readonly resource: string;
  readonly type: string;
  readonly message: string;
  readonly tags: readonly string[];
  /** Absent when the query does not read (then `unreadable` says why). */
  readonly monitor?: EvaluatedMonitor;
  readonly unreadable?: string;
}

export interface StackMonitors {
  readonly monitors: readonly PlannedMonitor[];
  readonly slos: ReadonlyMap<string, EvaluatedSlo>;
  /** By the numeric ID a composite's query names. */
  readonly byId: ReadonlyMap<string, EvaluatedMonitor>;
}

function numbers(value: unknown): Thresholds | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const t = value as Record<string, unknown>;
  const n = (key: string) => (t[key] === undefined || t[key] === null || t[key] === "" ? undefined : Number(t[key]));
  const critical = n("critical");
  if (critical === undefined) return undefined;
  const optional = { warning: n("warning"), criticalRecovery: n("criticalRecovery"), warningRecovery: n("warningRecovery") };
  return { critical, ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)) };
}

/** The expression of an SLO's `numerator` / `denominator` query (read as a metric query's). */
function sloExpression(text: string) {
  const model = parse(`sum(last_1m):${text} > 0`);
  if (model.kind !== "metric") throw new Error(`not a metric expression: ${text}`);
  return model.expression;
}

/**
 * The plan's monitors and SLOs. Under the mocks a resource's ID is `<name>-id`; a
 * composite names its monitors by that ID, read here as numbers as Datadog's are
 * (PF-DD-Q-13).
 */
export function stackMonitors(resources: readonly Pick<PlannedResource, "name" | "type" | "inputs">[]): StackMonitors {
  const declared = resources.filter((r) => r.type === MONITOR);
  const numeric = new Map(declared.map((r, i) => [`${r.name}-id`, String(1_000_000 + i)]));
  const slos = new Map<string, EvaluatedSlo>();
  for (const r of resources.filter((x) => x.type === SLO)) {
    const query = r.inputs.query as { numerator?: unknown; denominator?: unknown } | undefined;
    if (typeof query?.numerator !== "string" || typeof query.denominator !== "string") continue;
    const targets = Object.fromEntries(
      ((r.inputs.thresholds as { target?: unknown; timeframe?: unknown }[] | undefined) ?? []).map((t) => [String(t.timeframe), Number(t.target)]),
    );
    slos.set(`${r.name}-id`, { good: sloExpression(query.numerator), total: sloExpression(query.denominator), targets });
  }
  const monitors = declared.map((r): PlannedMonitor => {
    const inputs = r.inputs as Record<string, unknown>;
    const type = String(inputs.type);
    const base = { resource: r.name, type, message: typeof inputs.message === "string" ? inputs.message : "", tags: (inputs.tags as string[] | undefined) ?? [] };
    if (typeof inputs.query !== "string") return { ...base, unreadable: "its query is not known in this plan" };
    let query: MonitorQuery;
    try {
      query = parseMonitor(type, type === "composite" ? format(parseCompositeOfNames(inputs.query, (name) => numeric.get(name))) : inputs.query);
    } catch (error) {
      return { ...base, unreadable: (error as Error).message };
    }
    const monitor: EvaluatedMonitor = {
      name: r.name,
      query,
      thresholds: numbers(inputs.monitorThresholds),
      requireFullWindow: inputs.requireFullWindow === true,
      notifyNoData: inputs.notifyNoData === true,
      ...(typeof inputs.noDataTimeframe === "number" ? { noDataTimeframeMinutes: inputs.noDataTimeframe } : {}),
      ...(typeof inputs.evaluationDelay === "number" ? { evaluationDelaySeconds: inputs.evaluationDelay } : {}),
    };
    return { ...base, monitor };
  });
  const byId = new Map(monitors.flatMap((m) => (m.monitor ? [[numeric.get(`${m.resource}-id`) ?? "", m.monitor] as const] : [])));
  return { monitors, slos, byId };
}

/**
 * `service/alert` (tags `service:`, `alert:`), `service/slo/tier` (tags `service:`,
 * `slo:`, `burn-rate:`, not a composite's half), or a resource name.
 */
export function resolveMonitor(ref: string, monitors: readonly PlannedMonitor[]): PlannedMonitor | undefined {
  const parts = ref.split("/");
  const has = (m: PlannedMonitor, tag: string) => m.tags.includes(tag);
  if (parts.length === 2) return monitors.find((m) => has(m, `service:${parts[0]}`) && has(m, `alert:${parts[1]}`));
  if (parts.length === 3) {
    return monitors.find((m) => has(m, `service:${parts[0]}`) && has(m, `slo:${parts[1]}`) && has(m, `burn-rate:${parts[2]}`) && !m.tags.some((t) => t.startsWith("window:")));
  }
  return monitors.find((m) => m.resource === ref);
}

export interface ExpectationResult {
  readonly file: string;
  readonly test: string;
  readonly expectation: Expectation;
  readonly resource: string;
  readonly outcome: "pass" | "fail" | "not-evaluable";
  readonly actual?: MonitorState;
  readonly value?: number;
  /** `> 1 (warning > 0.5)`: what the value is compared with. */
  readonly condition?: string;
  readonly detail?: string;
  /** The handles the transition into the actual state notified. */
  readonly notified?: readonly string[];
  readonly reason?: string;
}

export interface TestRunResult {
  readonly results: readonly ExpectationResult[];
  readonly failed: number;
  readonly notEvaluable: number;
}

function conditionOf(monitor: EvaluatedMonitor): string | undefined {
  const q = monitor.query;
  if (!("comparator" in q)) return undefined;
  const t = monitor.thresholds ?? { critical: q.threshold };
  return [`${q.comparator} ${t.critical}`, ...(t.warning !== undefined ? [`(warning ${q.comparator} ${t.warning})`] : [])].join(" ");
}

/** The transition into the state a group is in at `t` (OK → OK when it never changed). */
export function transitionAt(evaluations: readonly Evaluation[], t: number, group: string): Transition {
  let previous: MonitorState = "OK";
  let transition: Transition = { from: "OK", to: "OK" };
  for (const evaluation of evaluations) {
    if (evaluation.t > t) break;
    const state: MonitorState = evaluation.groups.get(group)?.state ?? previous;
    if (state !== previous) transition = { from: previous, to: state };
    previous = state;
  }
  return transition;
}

/** Every monitor an expectation names must be in the plan; an unknown one is a bad test file (exit 2). */
export function checkReferences(files: readonly TestFile[], monitorsOf: (file: TestFile) => readonly PlannedMonitor[], stackOf: (file: TestFile) => string): void {
  const issues = files.flatMap((file) =>
    file.tests.flatMap((test, t) =>
      test.expect.flatMap((e, i) =>
        resolveMonitor(e.monitor, monitorsOf(file))
          ? []
          : [issueAt(e.monitorPosition, `tests[${t}].expect[${i}].monitor`, `no monitor "${e.monitor}" in the ${stackOf(file)} plan: expected service/alert, service/slo/tier or a monitor's resource name`)],
      ),
    ),
  );
  if (issues.length > 0) throw new TestFileError(issues);
}

/** Runs one test case against a stack's monitors. */
export function runTestCase(file: string, test: TestCase, stack: StackMonitors): ExpectationResult[] {
  if (test.expect.length === 0) return [];
  const context = { series: test.series, slos: stack.slos, monitors: stack.byId };
  const until = Math.max(...test.expect.map((e) => e.at));
  const timelines = new Map<string, ReturnType<typeof evaluate>>();
  return test.expect.map((expectation): ExpectationResult => {
    const planned = resolveMonitor(expectation.monitor, stack.monitors);
    if (!planned) throw new Error(`unresolved monitor ${expectation.monitor}`); // checkReferences ran first
    const base = { file, test: test.name, expectation, resource: planned.resource };
    if (!planned.monitor) return { ...base, outcome: "not-evaluable", reason: planned.unreadable };
    const monitor = planned.monitor;
    const timeline = timelines.get(planned.resource) ?? evaluate(monitor, context, until);
    timelines.set(planned.resource, timeline);
    if (timeline.kind === "not-evaluable") return { ...base, outcome: "not-evaluable", reason: timeline.reason };
    const found = stateAt(timeline.evaluations, expectation.at, expectation.group);
    // Only a change of state notifies (renotification is not modelled).
    const transition = transitionAt(timeline.evaluations, expectation.at, expectation.group);
    const notified = transition.from === transition.to ? [] : notifiedHandles(planned.message, transition);
    const stateOk = found.state === expectation.state;
    const notifiesOk = expectation.notifies === undefined || notifiesMatch(expectation.notifies, notified);
    return {
      ...base,
      outcome: stateOk && notifiesOk ? "pass" : "fail",
      actual: found.state,
      ...(found.value !== undefined ? { value: found.value } : {}),
      ...(conditionOf(monitor) ? { condition: conditionOf(monitor) } : {}),
      ...(found.detail ? { detail: found.detail } : {}),
      notified,
    };
  });
}

export function runTests(files: readonly TestFile[], stackOf: (file: TestFile) => StackMonitors): TestRunResult {
  const results = files.flatMap((file) => file.tests.flatMap((test) => runTestCase(file.file, test, stackOf(file))));
  return { results, failed: results.filter((r) => r.outcome === "fail").length, notEvaluable: results.filter((r) => r.outcome === "not-evaluable").length };
}
