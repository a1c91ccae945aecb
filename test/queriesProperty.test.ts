/**
 * The query model's round trip, property-based: any valid model, written by `format`,
 * reads back as the same model, and its text is exactly what `parseExact` accepts.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  COMPARATORS,
  DURATION_UNITS,
  FILL_MODES,
  ROLLUP_METHODS,
  SEARCH_SOURCES,
  SPACE_AGGREGATIONS,
  TIME_AGGREGATIONS,
  format,
  parse,
  parseExact,
  type Argument,
  type ArithmeticOperator,
  type CompositeExpr,
  type Duration,
  type Evaluation,
  type Expr,
  type MonitorQuery,
  type Series,
  type SeriesMethod,
  type TimeWindow,
} from "../queries";

const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,6}(\.[a-z0-9_]{1,6}){0,3}$/);
const tagKey = fc.stringMatching(/^[a-z@][a-z0-9_.\-]{0,8}$/);
const scopeTerm = fc.oneof(
  fc.constant("*"),
  fc.stringMatching(/^!?[a-z][a-z0-9_]{0,6}:[a-z0-9_\-\/.*]{1,8}$/),
  fc.constant("code:4* OR code:5*"),
  fc.constant("(status:a OR status:b)"),
);
/** Non-negative, exactly written: whole numbers and hundredths. */
const magnitude = fc.oneof(fc.integer({ min: 0, max: 100_000_000 }), fc.integer({ min: 1, max: 10_000_000 }).map((n) => n / 100));
/** Any sign, never -0 (it writes as 0). */
const signed = fc.oneof(magnitude, fc.integer({ min: 1, max: 10_000_000 }).map((n) => -n / 100));
const duration: fc.Arbitrary<Duration> = fc.record({ amount: fc.integer({ min: 1, max: 500 }), unit: fc.constantFrom(...DURATION_UNITS) });
const window: fc.Arbitrary<TimeWindow> = fc.record({ kind: fc.constantFrom("last" as const, "current" as const, "next" as const, "ago" as const), duration });

const evaluation: fc.Arbitrary<Evaluation> = fc.oneof(
  fc.record({ kind: fc.constant("window" as const), aggregation: fc.constantFrom(...TIME_AGGREGATIONS), window }),
  fc.record({
    kind: fc.constant("change" as const),
    change: fc.constantFrom("change" as const, "pct_change" as const),
    aggregation: fc.constantFrom(...TIME_AGGREGATIONS),
    window,
    shift: window,
  }),
);

const method: fc.Arbitrary<SeriesMethod> = fc.oneof(
  fc.constant({ kind: "as_count" as const }),
  fc.constant({ kind: "as_rate" as const }),
  fc.record({ kind: fc.constant("rollup" as const), method: fc.constantFrom(...ROLLUP_METHODS), seconds: fc.integer({ min: 1, max: 3600 }) }, { requiredKeys: ["kind", "method"] }),
  fc.record({ kind: fc.constant("rollup" as const), seconds: fc.integer({ min: 1, max: 3600 }) }),
  fc.record({ kind: fc.constant("fill" as const), mode: fc.constantFrom(...FILL_MODES), limit: fc.integer({ min: 1, max: 600 }) }, { requiredKeys: ["kind", "mode"] }),
);

const series: fc.Arbitrary<Series> = fc.record(
  {
    kind: fc.constant("series" as const),
    space: fc.constantFrom(...SPACE_AGGREGATIONS, "p50" as const, "p95" as const, "p99.9" as const),
    metric: name,
    scope: fc.array(scopeTerm, { minLength: 1, maxLength: 3 }),
    groupBy: fc.array(tagKey, { maxLength: 3 }),
    methods: fc.array(method, { maxLength: 2 }),
  },
  { requiredKeys: ["kind", "metric", "scope", "groupBy", "methods"] },
);

const PRECEDENCE: Readonly<Record<ArithmeticOperator, number>> = { "+": 1, "-": 1, "*": 2, "/": 2 };
const strength = (e: Expr): number => (e.kind === "binary" ? PRECEDENCE[e.op] : e.kind === "negate" ? 3 : 4);
const grouped = (e: Expr, least: number, padded: boolean): Expr => (strength(e) < least ? { kind: "group", inner: e, padded } : e);

/** Expressions as a user writes them: parentheses (group nodes) wherever precedence needs them. */
const { expr } = fc.letrec<{ expr: Expr; argument: Argument }>((tie) => ({
  expr: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    series,
    magnitude.map((value): Expr => ({ kind: "number", value })),
    signed.map((value): Expr => ({ kind: "number", value })),
    fc.tuple(fc.constantFrom<ArithmeticOperator>("+", "-", "*", "/"), tie("expr"), tie("expr"), fc.boolean()).map(
      ([op, left, right, padded]): Expr => ({ kind: "binary", op, left: grouped(left, PRECEDENCE[op], padded), right: grouped(right, PRECEDENCE[op] + 1, padded) }),
    ),
    fc.tuple(tie("expr"), fc.boolean()).map(([operand, padded]): Expr => ({
      kind: "negate",
      operand: operand.kind === "number" ? { kind: "group", inner: operand, padded } : grouped(operand, 3, padded),
    })),
    fc.record({ kind: fc.constant("group" as const), inner: tie("expr"), padded: fc.boolean() }),
    fc.record({
      kind: fc.constant("call" as const),
      name: fc.constantFrom("anomalies" as const, "forecast" as const, "outliers" as const, "default_zero" as const, "top" as const, "timeshift" as const, "abs" as const),
      args: fc.tuple(tie("expr"), fc.array(tie("argument"), { maxLength: 4 })).map(([first, rest]): Argument[] => [{ kind: "expr", value: first }, ...rest]),
    }),
  ),
  argument: fc.oneof(
    tie("expr").map((value): Argument => ({ kind: "expr", value })),
    fc.string({ maxLength: 8 }).map((value): Argument => ({ kind: "string", value })),
    fc.record({
      kind: fc.constant("keyword" as const),
      key: fc.stringMatching(/^[a-z][a-z_]{0,12}$/),
      value: fc.oneof(fc.string({ maxLength: 8 }).map((value) => ({ kind: "string" as const, value })), signed.map((value) => ({ kind: "number" as const, value }))),
    }),
  ),
}));

const metricQuery: fc.Arbitrary<MonitorQuery> = fc.record({
  kind: fc.constant("metric" as const),
  evaluation,
  expression: expr,
  comparator: fc.constantFrom(...COMPARATORS),
  threshold: signed,
});

const serviceCheck: fc.Arbitrary<MonitorQuery> = fc
  .record({
    kind: fc.constant("service-check" as const),
    check: fc.string({ maxLength: 12 }),
    over: fc.array(fc.string({ maxLength: 10 }), { minLength: 1, maxLength: 3 }),
    by: fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
    last: fc.integer({ min: 1, max: 100 }),
    byAfterLast: fc.boolean(),
  })
  .map(({ byAfterLast, ...query }) => (byAfterLast && query.by.length > 0 ? { ...query, byAfterLast: true as const } : query));

const facet = fc.stringMatching(/^@?[a-z][a-z0-9_.]{0,10}$/);
const searchQuery: fc.Arbitrary<MonitorQuery> = fc.record(
  {
    kind: fc.constant("search" as const),
    source: fc.constantFrom(...SEARCH_SOURCES),
    search: fc.string({ maxLength: 24 }),
    indexes: fc.array(fc.oneof(fc.constant("*"), facet), { minLength: 1, maxLength: 2 }),
    rollup: fc.record({ method: fc.constantFrom("count", "cardinality", "avg", "pc75", "pc99"), measure: facet }, { requiredKeys: ["method"] }),
    groupBy: fc.array(facet, { maxLength: 3 }),
    window: duration,
    comparator: fc.constantFrom(...COMPARATORS),
    threshold: signed,
  },
  { requiredKeys: ["kind", "source", "search", "rollup", "groupBy", "window", "comparator", "threshold"] },
);

const sloQuery: fc.Arbitrary<MonitorQuery> = fc.oneof(
  fc.record({
    kind: fc.constant("slo" as const),
    measure: fc.constant("error_budget" as const),
    sloId: fc.string({ maxLength: 32 }),
    timeframe: duration,
    comparator: fc.constantFrom(...COMPARATORS),
    threshold: signed,
  }),
  fc.record({
    kind: fc.constant("slo" as const),
    measure: fc.constant("burn_rate" as const),
    sloId: fc.string({ maxLength: 32 }),
    timeframe: duration,
    longWindow: duration,
    shortWindow: duration,
    comparator: fc.constantFrom(...COMPARATORS),
    threshold: signed,
  }),
);

const COMPOSITE_STRENGTH: Readonly<Record<CompositeExpr["kind"], number>> = { or: 1, and: 2, not: 3, monitor: 4, group: 4 };
const compositeGrouped = (e: CompositeExpr, least: number): CompositeExpr => (COMPOSITE_STRENGTH[e.kind] < least ? { kind: "group", inner: e } : e);
const { condition } = fc.letrec<{ condition: CompositeExpr }>((tie) => ({
  condition: fc.oneof(
    { depthSize: "small" },
    fc.integer({ min: 1, max: 99_999_999 }).map((id): CompositeExpr => ({ kind: "monitor", id: String(id) })),
    tie("condition").map((operand): CompositeExpr => ({ kind: "not", operand: compositeGrouped(operand, 3) })),
    fc.tuple(fc.constantFrom("and" as const, "or" as const), tie("condition"), tie("condition")).map(([kind, left, right]): CompositeExpr => {
      const level = COMPOSITE_STRENGTH[kind];
      return { kind, left: compositeGrouped(left, level), right: compositeGrouped(right, level + 1) };
    }),
    tie("condition").map((inner): CompositeExpr => ({ kind: "group", inner })),
  ),
}));
const compositeQuery: fc.Arbitrary<MonitorQuery> = condition.map((expression) => ({ kind: "composite", expression }));

describe("queries: parse(format(m)) is m, for any valid model", () => {
  it.each([
    ["metric", metricQuery],
    ["service check", serviceCheck],
    ["event platform", searchQuery],
    ["SLO", sloQuery],
    ["composite", compositeQuery],
  ])("%s queries", (_form, arbitrary) => {
    fc.assert(
      fc.property(arbitrary, (model) => {
        const text = format(model);
        expect(parse(text)).toEqual(model);
        expect(format(parseExact(text))).toBe(text);
      }),
      { numRuns: 300 },
    );
  });
});
