/**
 * Model → the exact query string Datadog expects, in the spacing Datadog's own
 * recommended monitors use: ` op ` around arithmetic and comparators, `, ` between
 * function arguments, nothing inside `{…}` or around `:`/`.` (PF-DD-Q-1).
 */
import type {
  Argument,
  ArithmeticOperator,
  CompositeExpr,
  Duration,
  Evaluation,
  Expr,
  Literal,
  MetricQuery,
  MonitorQuery,
  SearchQuery,
  SeriesMethod,
  SloQuery,
  TimeWindow,
} from "./model";

/** A model `format` cannot write as a query that reads back to the same model. */
export class QueryModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "QueryModelError";
  }
}

export function format(query: MonitorQuery): string {
  switch (query.kind) {
    case "metric":
    case "search":
    case "slo":
      return `${formatMeasured(query)} ${query.comparator} ${formatNumber(query.threshold)}`;
    case "service-check":
    {
      const by = query.by.length > 0 ? `.by(${query.by.map(quoted).join(",")})` : "";
      if (query.byAfterLast && !by) throw new QueryModelError("a service check without .by(…) has no order of .by and .last to keep");
      const last = `.last(${formatNumber(query.last)})`;
      return `${quoted(query.check)}.over(${query.over.map(quoted).join(",")})${query.byAfterLast ? last + by : by + last}.count_by_status()`;
    }
    case "composite":
      return formatComposite(query.expression);
  }
}

/** What a compared query measures, without its comparison: `avg(last_5m):avg:system.load.1{*}`. */
export function formatMeasured(query: MetricQuery | SearchQuery | SloQuery): string {
  switch (query.kind) {
    case "metric":
      return `${formatEvaluation(query.evaluation)}:${formatExpr(query.expression)}`;
    case "search":
      return `${formatSearchSeries(query)}.last(${quoted(formatDuration(query.window))})`;
    case "slo":
      return formatSlo(query);
  }
}

/**
 * A number as the query writes it: never in exponent notation (2.5e9 → 2500000000,
 * 1e-7 → 0.0000001), and exactly the value (no rounding: it must read back equal).
 */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) throw new QueryModelError(`a query number must be finite, not ${value}`);
  const text = String(value);
  if (!/e/i.test(text)) return text;
  const sign = value < 0 ? "-" : "";
  const [mantissa, exponentText] = String(Math.abs(value)).split(/e/i);
  const exponent = Number(exponentText);
  const [whole, fraction = ""] = mantissa.split(".");
  const digits = whole + fraction;
  const point = whole.length + exponent;
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

export function formatDuration(duration: Duration): string {
  if (!Number.isInteger(duration.amount) || duration.amount <= 0) {
    throw new QueryModelError(`a duration is a positive whole number of units, not ${duration.amount}${duration.unit}`);
  }
  return `${duration.amount}${duration.unit}`;
}

export function formatWindow(window: TimeWindow): string {
  const duration = formatDuration(window.duration);
  return window.kind === "ago" ? `${duration}_ago` : `${window.kind}_${duration}`;
}

function formatEvaluation(evaluation: Evaluation): string {
  const reduce = `${evaluation.aggregation}(${formatWindow(evaluation.window)})`;
  return evaluation.kind === "window" ? reduce : `${evaluation.change}(${reduce},${formatWindow(evaluation.shift)})`;
}

/** Binding strength: a child binding more loosely than its place needs a `group` node. */
const PRECEDENCE: Readonly<Record<ArithmeticOperator, number>> = { "+": 1, "-": 1, "*": 2, "/": 2 };

function strength(expr: Expr): number {
  if (expr.kind === "binary") return PRECEDENCE[expr.op];
  if (expr.kind === "negate") return 3;
  return 4;
}

function operand(expr: Expr, least: number, where: string): string {
  if (strength(expr) < least) {
    throw new QueryModelError(`${describe(expr)} as ${where} needs a group node (parentheses) to read back the same`);
  }
  return formatExpr(expr);
}

function describe(expr: Expr): string {
  return expr.kind === "binary" ? `a "${expr.op}" expression` : `a ${expr.kind} expression`;
}

export function formatExpr(expr: Expr): string {
  switch (expr.kind) {
    case "series": {
      const aggregation = expr.space ? `${expr.space}:` : "";
      const groupBy = expr.groupBy.length > 0 ? ` by {${expr.groupBy.join(",")}}` : "";
      return `${aggregation}${expr.metric}{${expr.scope.join(",")}}${groupBy}${expr.methods.map(formatMethod).join("")}`;
    }
    case "number":
      return formatNumber(expr.value);
    case "binary": {
      const level = PRECEDENCE[expr.op];
      // Left-associative: the right operand must bind tighter than the operator itself.
      return `${operand(expr.left, level, `the left of "${expr.op}"`)} ${expr.op} ${operand(expr.right, level + 1, `the right of "${expr.op}"`)}`;
    }
    case "negate":
      if (expr.operand.kind === "number") throw new QueryModelError("a negated number is a number node with a negative value");
      return `-${operand(expr.operand, 3, "the operand of a minus sign")}`;
    case "group":
      return expr.padded ? `( ${formatExpr(expr.inner)} )` : `(${formatExpr(expr.inner)})`;
    case "call":
      return `${expr.name}(${expr.args.map(formatArgument).join(", ")})`;
  }
}

function formatMethod(method: SeriesMethod): string {
  switch (method.kind) {
    case "as_count":
    case "as_rate":
      return `.${method.kind}()`;
    case "rollup": {
      const args = [...(method.method ? [method.method] : []), ...(method.seconds === undefined ? [] : [formatNumber(method.seconds)])];
      if (args.length === 0) throw new QueryModelError(".rollup() needs a method, an interval or both");
      return `.rollup(${args.join(", ")})`;
    }
    case "fill":
      return method.limit === undefined ? `.fill(${method.mode})` : `.fill(${method.mode}, ${formatNumber(method.limit)})`;
  }
}

function formatLiteral(literal: Literal): string {
  return literal.kind === "number" ? formatNumber(literal.value) : singleQuoted(literal.value);
}

function formatArgument(argument: Argument): string {
  switch (argument.kind) {
    case "expr":
      return formatExpr(argument.value);
    case "string":
      return singleQuoted(argument.value);
    case "keyword":
      return `${argument.key}=${formatLiteral(argument.value)}`;
  }
}

/** What a search monitor measures, without its window and comparison: `rum("…").rollup("pc75", "@view.loading_time")`. */
export function formatSearchSeries(query: Pick<SearchQuery, "source" | "search" | "indexes" | "rollup" | "groupBy">): string {
  const rollup = query.rollup.measure === undefined ? quoted(query.rollup.method) : `${quoted(query.rollup.method)}, ${quoted(query.rollup.measure)}`;
  return [
    `${query.source}(${quoted(query.search)})`,
    query.indexes ? `.index(${quoted(query.indexes.join(","))})` : "",
    `.rollup(${rollup})`,
    query.groupBy.length > 0 ? `.by(${quoted(query.groupBy.join(","))})` : "",
  ].join("");
}

function formatSlo(query: SloQuery): string {
  const head = `${query.measure}(${quoted(query.sloId)}).over(${quoted(formatDuration(query.timeframe))})`;
  const windows =
    query.measure === "burn_rate"
      ? `.long_window(${quoted(formatDuration(query.longWindow))}).short_window(${quoted(formatDuration(query.shortWindow))})`
      : "";
  return `${head}${windows}`;
}

const COMPOSITE_STRENGTH: Readonly<Record<CompositeExpr["kind"], number>> = { or: 1, and: 2, not: 3, monitor: 4, group: 4 };

function compositeOperand(expr: CompositeExpr, least: number, where: string): string {
  if (COMPOSITE_STRENGTH[expr.kind] < least) {
    throw new QueryModelError(`an "${expr.kind}" condition as ${where} needs a group node (parentheses) to read back the same`);
  }
  return formatComposite(expr);
}

export function formatComposite(expr: CompositeExpr): string {
  switch (expr.kind) {
    case "monitor":
      if (!/^\d+$/.test(expr.id)) throw new QueryModelError(`a composite names monitors by numeric ID, not "${expr.id}"`);
      return expr.id;
    case "not":
      return `!${compositeOperand(expr.operand, 3, "the operand of !")}`;
    case "and":
    case "or": {
      const level = COMPOSITE_STRENGTH[expr.kind];
      const op = expr.kind === "and" ? "&&" : "||";
      return `${compositeOperand(expr.left, level, `the left of ${op}`)} ${op} ${compositeOperand(expr.right, level + 1, `the right of ${op}`)}`;
    }
    case "group":
      return `(${formatComposite(expr.inner)})`;
  }
}

/** A double-quoted string, `"` and `\` escaped with a backslash. */
export function quoted(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** A single-quoted function argument, `'` and `\` escaped with a backslash. */
export function singleQuoted(text: string): string {
  return `'${text.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}
