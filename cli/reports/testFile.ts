/**
 * `lookout test` files (`tests/**\/*.test.yaml`): sample series in promtool's expanding
 * notation and the states expected of planned monitors at given times. Read whole and
 * validated before anything runs; every problem is reported at its file:line:column
 * and path, as catalog errors are.
 */
import * as fs from "fs";
import { LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { describeValue } from "../../catalog/load";
import { compareIssues, formatIssue, formatPath, type CatalogIssue } from "../../catalog/errors";
import { keyOffset, nodeOffset, valueAt } from "../../catalog/yamlPositions";
import { METRIC_TYPES, MONITOR_STATES, type MonitorState, type SampleSeries } from "../../queries/evaluate";

/** A position in a test file. */
export interface Position {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface Expectation {
  /** `service/alert`, `service/slo/tier` or a resource name. */
  readonly monitor: string;
  /** Seconds since the start of the test. */
  readonly at: number;
  readonly atText: string;
  readonly state: MonitorState;
  /** The group of a multi-alert monitor (`host:a`); `*` when ungrouped. */
  readonly group: string;
  /** Routes (`pagerduty`, `slack`, `email`) or handles (`@slack-…`) the transition into `state` notifies. */
  readonly notifies?: readonly string[];
  readonly position: Position;
  /** Where `monitor:` is written (unknown monitors are reported there). */
  readonly monitorPosition: Position;
}

export interface TestCase {
  readonly name: string;
  readonly series: readonly SampleSeries[];
  readonly expect: readonly Expectation[];
}

export interface TestFile {
  readonly file: string;
  readonly stack?: string;
  readonly tests: readonly TestCase[];
}

/** One or more bad test files: every issue, sorted. */
export class TestFileError extends Error {
  constructor(readonly issues: readonly CatalogIssue[]) {
    const sorted = [...issues].sort(compareIssues);
    super(`invalid test file (${sorted.length === 1 ? "1 error" : `${sorted.length} errors`}):\n${sorted.map((i) => `  ${formatIssue(i)}`).join("\n")}`);
    this.name = "TestFileError";
  }
}

const DURATION = /^(?:[0-9]+(?:d|h|m|s))+$/;
const UNIT_SECONDS: Readonly<Record<string, number>> = { d: 86_400, h: 3_600, m: 60, s: 1 };

/** `1h30m` → 5400. */
export function durationSeconds(text: string): number {
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/([0-9]+)(d|h|m|s)/g)) total += Number(amount) * UNIT_SECONDS[unit];
  return total;
}

/**
 * promtool's expanding notation: `a+bxN` is `a a+b … a+N·b` (N+1 values), `a-bxN` the
 * same downwards, `axN` is a repeated N+1 times, `_` a missing point and `_xN` N of them.
 * Returns an error message for a token it cannot read.
 */
export function expandValues(text: string): (number | null)[] | string {
  const out: (number | null)[] = [];
  for (const token of text.trim().split(/\s+/).filter(Boolean)) {
    if (token === "_") {
      out.push(null);
      continue;
    }
    const missing = /^_x([0-9]+)$/.exec(token);
    if (missing) {
      out.push(...Array<null>(Number(missing[1])).fill(null));
      continue;
    }
    const series = /^(-?[0-9.]+(?:e-?[0-9]+)?)(?:([+-])([0-9.]+(?:e-?[0-9]+)?))?x([0-9]+)$/.exec(token);
    if (series) {
      const start = Number(series[1]);
      const step = series[2] === undefined ? 0 : Number(series[3]) * (series[2] === "-" ? -1 : 1);
      for (let i = 0; i <= Number(series[4]); i++) out.push(start + i * step);
      continue;
    }
    if (!/^-?[0-9.]+(?:e-?[0-9]+)?$/.test(token) || Number.isNaN(Number(token))) return `cannot read "${token}": expected a number, a+bxN, a-bxN, axN, _ or _xN`;
    out.push(Number(token));
  }
  return out;
}

/** `trace.http.request.errors{env:prod,service:api}` → the metric and its tags. */
export function splitMetric(text: string): { metric: string; tags: string[] } {
  const match = /^(.*)\{([^{}]*)\}$/.exec(text.trim());
  if (!match) return { metric: text.trim(), tags: [] };
  const tags = match[2].split(",").map((t) => t.trim()).filter((t) => t !== "" && t !== "*");
  return { metric: match[1], tags };
}

const Duration = z.string().regex(DURATION, { message: "a duration such as 30s, 1m, 1h30m or 1d" });
const Values = z.union([z.string(), z.number()]).transform((v) => String(v));

const SeriesSchema = z.strictObject({
  metric: z.string().min(1),
  values: Values,
  type: z.enum(METRIC_TYPES as [string, ...string[]]).optional(),
  interval: Duration.optional(),
});

const ExpectSchema = z.strictObject({
  monitor: z.string().min(1),
  at: Duration,
  state: z.enum(MONITOR_STATES as [string, ...string[]]),
  group: z.string().min(1).optional(),
  notifies: z.array(z.string().min(1)).optional(),
});

const TestSchema = z.strictObject({
  name: z.string().min(1),
  interval: Duration.default("1m"),
  series: z.array(SeriesSchema).min(1),
  /** Optional: a file of recorded series only is what `lookout diff --series` replays. */
  expect: z.array(ExpectSchema).default([]),
});

const FileSchema = z.strictObject({
  stack: z.string().min(1).optional(),
  tests: z.array(TestSchema).min(1),
});

/** Reads and validates test files; throws one TestFileError with every issue of every file. */
export function readTestFiles(files: readonly string[]): TestFile[] {
  const issues: CatalogIssue[] = [];
  const parsed = files.map((file) => parseTestFile(file, readText(file, issues), issues));
  if (issues.length > 0) throw new TestFileError(issues);
  return parsed.filter((f): f is TestFile => f !== undefined);
}

function readText(file: string, issues: CatalogIssue[]): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    issues.push({ file, line: 1, column: 1, path: "", message: "cannot read the file" });
    return undefined;
  }
}

export function parseTestFile(file: string, text: string | undefined, issues: CatalogIssue[]): TestFile | undefined {
  if (text === undefined) return undefined;
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, merge: true, uniqueKeys: true, prettyErrors: false });
  const positionOf = (offset: number): Position => {
    const pos = lineCounter.linePos(offset);
    return { file, line: pos.line, column: pos.col };
  };
  if (doc.errors.length > 0) {
    for (const error of doc.errors) issues.push({ ...positionOf(error.pos[0]), path: "", message: `YAML: ${error.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")}` });
    return undefined;
  }
  const locate = (docPath: readonly PropertyKey[]): Position => positionOf(nodeOffset(doc, docPath));
  const data: unknown = doc.toJS() ?? {};
  const result = FileSchema.safeParse(data);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const found = valueAt(data, issue.path);
      const key = issue.code === "unrecognized_keys" ? issue.keys[0] : undefined;
      const docPath = key === undefined ? issue.path : [...issue.path, key];
      const message =
        issue.code === "unrecognized_keys"
          ? `unknown key "${key}"`
          : found === undefined
            ? `missing required key "${String(issue.path[issue.path.length - 1])}"`
            : `expected ${issue.code === "invalid_value" ? `one of ${issue.values.map(String).join(", ")}` : issue.message.replace(/^Invalid input: expected /, "")}, found ${describeValue(found)}`;
      const where = key === undefined ? locate(docPath) : positionOf(keyOffset(doc, issue.path, key) ?? nodeOffset(doc, issue.path));
      issues.push({ ...where, path: formatPath(docPath), message });
    }
    return undefined;
  }
  const tests = result.data.tests.map((test, t): TestCase => {
    const interval = durationSeconds(test.interval);
    const series = test.series.map((s, i): SampleSeries => {
      const values = expandValues(s.values);
      const path = ["tests", t, "series", i, "values"];
      if (typeof values === "string") issues.push({ ...locate(path), path: formatPath(path), message: values });
      const step = s.interval === undefined ? interval : durationSeconds(s.interval);
      const points = (typeof values === "string" ? [] : values).flatMap((v, k) => (v === null ? [] : [{ t: k * step, v }]));
      return { ...splitMetric(s.metric), ...(s.type ? { type: s.type as SampleSeries["type"] } : {}), interval: step, points };
    });
    const expect = test.expect.map(
      (e, i): Expectation => ({
        monitor: e.monitor,
        at: durationSeconds(e.at),
        atText: e.at,
        state: e.state as MonitorState,
        group: e.group ?? "*",
        ...(e.notifies ? { notifies: e.notifies } : {}),
        position: locate(["tests", t, "expect", i]),
        monitorPosition: locate(["tests", t, "expect", i, "monitor"]),
      }),
    );
    return { name: test.name, series, expect };
  });
  return { file, ...(result.data.stack ? { stack: result.data.stack } : {}), tests };
}

/** A test-file issue outside the schema (an unknown monitor), positioned. */
export function issueAt(position: Position, path: string, message: string): CatalogIssue {
  return { ...position, path, message };
}
