/**
 * `lookout test [FILE|DIR]… [--stack NAME] [--catalog FILE] [--explain MONITOR] [--format text|markdown]`:
 * evaluates the planned monitors over the test files' sample series and checks every
 * expectation. Exit 0 when all hold, 1 when one fails, 2 for a bad test file.
 */
import * as fs from "fs";
import * as path from "path";
import { evaluate, type Evaluation } from "../../queries/evaluate";
import { EXIT } from "./exitCodes";
import { InputError } from "../errors";
import { oneOf } from "./options";
import { runProgram, UP_SECRET_STAND_INS } from "../engine/program";
import { findProjectRoot, readStackSettings } from "../engine/stackConfig";
import { TestFileError, readTestFiles, type TestFile } from "../reports/testFile";
import { checkReferences, resolveMonitor, runTests, stackMonitors, type ExpectationResult, type StackMonitors, type TestRunResult } from "../reports/testRun";

export interface TestFlags {
  stack?: string;
  catalog?: string;
  explain?: string;
  format: string;
}

/**
 * Stand-ins for the secrets a `pulumi up` run requires (infra/stack/config.ts): the program runs
 * with IDs known, as `pulumi up` would, so SLO alerts and composites have their queries.
 * No query reads them.
 */

/** `tests/**\/*.test.yaml` under each folder; files as given. */
export function testFilesOf(args: readonly string[], root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".test.yaml")) found.push(full);
    }
  };
  for (const arg of args.length > 0 ? args : [path.join(root, "tests")]) {
    if (!fs.existsSync(arg)) throw new InputError(`no test file or folder ${arg}`);
    if (fs.statSync(arg).isDirectory()) walk(arg);
    else found.push(arg);
  }
  if (found.length === 0) throw new InputError(`no *.test.yaml files in ${args.join(", ") || "tests/"}`);
  return found.map((f) => path.relative(process.cwd(), f) || f);
}

/** Test files (default tests/); also the recorded series of `lookout diff --series PATH`, whose expectations are not needed. */
export function recordedSeries(targets: readonly string[], root: string): TestFile[] {
  try {
    return readTestFiles(testFilesOf(targets, root));
  } catch (error) {
    if (error instanceof TestFileError) throw new InputError(error.message);
    throw error;
  }
}

async function monitorsOfStack(root: string, stack: string, catalog: string | undefined): Promise<StackMonitors> {
  const overrides = { ...UP_SECRET_STAND_INS, ...(catalog === undefined ? {} : { "lookout:catalog": path.resolve(catalog) }) };
  const settings = readStackSettings(root, stack, overrides);
  const run = await runProgram(settings, { preview: false });
  return stackMonitors(run.resources);
}

export async function test(files: readonly string[], flags: TestFlags, write: (text: string) => void): Promise<number> {
  oneOf(flags.format, ["text", "markdown"], "--format");
  const root = findProjectRoot(process.cwd());
  const parsed = recordedSeries(files, root);
  const stackOf = (file: TestFile): string => {
    const stack = flags.stack ?? file.stack;
    if (stack === undefined) throw new InputError(`${file.file}: no stack: give "stack:" in the file or --stack`);
    return stack;
  };
  const stacks = new Map<string, StackMonitors>();
  for (const stack of new Set(parsed.map(stackOf))) stacks.set(stack, await monitorsOfStack(root, stack, flags.catalog));
  const of = (file: TestFile) => stacks.get(stackOf(file)) as StackMonitors;
  try {
    checkReferences(parsed, (file) => of(file).monitors, stackOf);
  } catch (error) {
    if (error instanceof TestFileError) throw new InputError(error.message);
    throw error;
  }
  if (flags.explain !== undefined) {
    write(explain(flags.explain, parsed, of, flags.format === "markdown"));
    return EXIT.ok;
  }
  const result = runTests(parsed, of);
  write(flags.format === "markdown" ? renderMarkdown(result) : renderText(result));
  return result.failed > 0 ? EXIT.mandatoryViolation : EXIT.ok;
}

function duration(seconds: number): string {
  if (seconds % 3_600 === 0 && seconds >= 3_600) return `${seconds / 3_600}h`;
  return seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;
}

function number(value: number): string {
  return String(Number(value.toPrecision(6)));
}

/** One line per failure or not-evaluable expectation: where, which monitor, when, expected and found. */
export function describeResult(r: ExpectationResult): string {
  const e = r.expectation;
  const where = `${e.position.file}:${e.position.line}:${e.position.column}`;
  const who = `${e.monitor}${e.monitor === r.resource ? "" : ` (${r.resource})`}${e.group === "*" ? "" : ` group ${e.group}`} at ${e.atText}`;
  if (r.outcome === "not-evaluable") return `SKIP ${where}  ${r.test}: ${who}: ${/offline/.test(r.reason ?? "") ? r.reason : `cannot be evaluated offline: ${r.reason}`}`;
  const value = r.value === undefined ? "no value" : `value ${number(r.value)}`;
  const against = r.condition ? `, alert when ${r.condition}` : "";
  const detail = r.detail ? ` (${r.detail})` : "";
  if (r.outcome === "pass") return `PASS ${where}  ${r.test}: ${who}: ${r.actual}`;
  const stateText = r.actual === e.state ? `${r.actual} as expected` : `expected ${e.state}, got ${r.actual}`;
  const notifies =
    e.notifies === undefined ? "" : `; expected to notify [${e.notifies.join(", ")}], notified [${(r.notified ?? []).join(", ")}]`;
  return `FAIL ${where}  ${r.test}: ${who}: ${stateText}; ${value}${against}${detail}${notifies}`;
}

function summary(result: TestRunResult): string {
  const passed = result.results.length - result.failed - result.notEvaluable;
  return `${result.results.length} expectations: ${passed} passed, ${result.failed} failed, ${result.notEvaluable} not evaluable offline`;
}

export function renderText(result: TestRunResult): string {
  const lines = result.results.filter((r) => r.outcome !== "pass").map(describeResult);
  return `${[...lines, summary(result)].join("\n")}\n`;
}

function renderMarkdown(result: TestRunResult): string {
  const rows = result.results.filter((r) => r.outcome !== "pass").map((r) => `- ${describeResult(r).replace(/\|/g, "\\|")}`);
  return `### lookout test\n\n${summary(result)}\n${rows.length > 0 ? `\n${rows.join("\n")}\n` : ""}`;
}

const BARS = " ▁▂▃▄▅▆▇█";
const STATE_MARKS: Readonly<Record<string, string>> = { OK: "·", WARN: "w", ALERT: "A", "NO DATA": "?" };

/** A small chart: one column per evaluation (sampled to at most 72), the threshold's row marked. */
export function chart(evaluations: readonly Evaluation[], group: string, threshold?: number): string {
  const step = Math.max(1, Math.ceil(evaluations.length / 72));
  const sampled = evaluations.filter((_, i) => i % step === 0 || i === evaluations.length - 1);
  const values = sampled.map((e) => e.groups.get(group)?.value);
  const known = values.filter((v): v is number => v !== undefined);
  if (known.length === 0) return "(no value evaluated)\n";
  const top = Math.max(...known, threshold ?? -Infinity);
  const bottom = Math.min(0, ...known, threshold ?? Infinity);
  const span = top - bottom || 1;
  const rows = 6;
  const lines: string[] = [];
  for (let row = rows - 1; row >= 0; row--) {
    const low = bottom + (span * row) / rows;
    const high = bottom + (span * (row + 1)) / rows;
    const marksThreshold = threshold !== undefined && threshold >= low && threshold < high + (row === rows - 1 ? 1e-12 : 0);
    const cells = values.map((v) => {
      if (v === undefined) return " ";
      if (v >= high) return "█";
      if (v <= low) return marksThreshold ? "┄" : " ";
      return BARS[Math.max(1, Math.round(((v - low) / (high - low)) * 8))];
    });
    const label = row === rows - 1 ? number(top) : row === 0 ? number(bottom) : marksThreshold && threshold !== undefined ? number(threshold) : "";
    lines.push(`${label.padStart(10)} ┤${cells.join("")}${marksThreshold ? "  ← threshold" : ""}`);
  }
  lines.push(`${"state".padStart(10)} ┤${sampled.map((e) => STATE_MARKS[e.groups.get(group)?.state ?? "OK"]).join("")}`);
  const first = sampled[0]?.t ?? 0;
  const last = sampled[sampled.length - 1]?.t ?? 0;
  lines.push(`${"".padStart(10)}  ${duration(first).padEnd(Math.max(1, sampled.length - duration(last).length))}${duration(last)}`);
  return `${lines.join("\n")}\n`;
}

/** `--explain MONITOR`: its evaluated values and states over each test that names it. */
function explain(ref: string, files: readonly TestFile[], of: (file: TestFile) => StackMonitors, markdown: boolean): string {
  const out: string[] = [];
  for (const file of files) {
    const stack = of(file);
    const planned = resolveMonitor(ref, stack.monitors);
    if (!planned) continue;
    for (const test of file.tests.filter((t) => t.expect.some((e) => resolveMonitor(e.monitor, stack.monitors) === planned))) {
      const until = Math.max(...test.expect.map((e) => e.at));
      const heading = `${ref} (${planned.resource}) in "${test.name}" (${file.file})`;
      if (!planned.monitor) {
        out.push(`${heading}: its query does not read: ${planned.unreadable}`);
        continue;
      }
      const timeline = evaluate(planned.monitor, { series: test.series, slos: stack.slos, monitors: stack.byId }, until);
      if (timeline.kind === "not-evaluable") {
        out.push(`${heading}: cannot be evaluated offline: ${timeline.reason}`);
        continue;
      }
      const query = planned.monitor.query;
      const threshold = planned.monitor.thresholds?.critical ?? ("threshold" in query ? query.threshold : undefined);
      const groups = [...new Set(timeline.evaluations.flatMap((e) => [...e.groups.keys()]))];
      for (const group of groups.length > 0 ? groups : ["*"]) {
        const title = `${heading}${group === "*" ? "" : `, group ${group}`}${"comparator" in query ? `: alert when ${query.comparator} ${threshold}` : ""}`;
        const body = chart(timeline.evaluations, group, threshold);
        out.push(markdown ? `#### ${title}\n\n\`\`\`text\n${body}\`\`\`\n${transitionsTable(timeline.evaluations, group)}` : `${title}\n${body}`);
      }
    }
  }
  if (out.length === 0) throw new InputError(`--explain ${ref}: no test names this monitor`);
  return `${out.join("\n")}\n`;
}

function transitionsTable(evaluations: readonly Evaluation[], group: string): string {
  const rows = ["| at | state | value |", "|---|---|---|"];
  let previous: string | undefined;
  for (const e of evaluations) {
    const g = e.groups.get(group);
    if (!g || g.state === previous) continue;
    previous = g.state;
    rows.push(`| ${duration(e.t)} | ${g.state} | ${g.value === undefined ? "" : number(g.value)}${g.detail ? ` (${g.detail})` : ""} |`);
  }
  return `\n${rows.join("\n")}\n`;
}
