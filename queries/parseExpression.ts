/**
 * The metric form's parts: the evaluation (`avg(last_5m)`, `pct_change(…)`), the
 * arithmetic over series (precedence, parentheses kept as groups), series with their
 * scope, group-by and methods (PF-DD-Q-7), function calls (PF-DD-Q-3, PF-DD-Q-4), and the
 * comparison that ends a query (PF-DD-Q-1).
 */
import {
  COMPARATORS,
  DURATION_UNITS,
  FILL_MODES,
  FUNCTION_NAMES,
  ROLLUP_METHODS,
  SPACE_AGGREGATIONS,
  TIME_AGGREGATIONS,
  type Argument,
  type ArithmeticOperator,
  type Comparator,
  type Duration,
  type DurationUnit,
  type Evaluation,
  type Expr,
  type FunctionName,
  type Literal,
  type MonitorQuery,
  type Series,
  type SeriesMethod,
  type SpaceAggregation,
  type TimeAggregation,
  type TimeWindow,
} from "./model";

import { QueryParseError, TokenReader } from "./tokens";

const WINDOW = /^(last|current|next)_(\d+)(mo|s|m|h|d|w)$/;
const AGO = /^(\d+)(mo|s|m|h|d|w)_ago$/;
const DURATION = /^(\d+)(mo|s|m|h|d|w)$/;
const PERCENTILE_AGGREGATION = /^p\d+(?:\.\d+)?$/;

/** The metric form's parser: `<evaluation>:<expression> <comparator> <threshold>` and its parts. */
export class ExpressionParser extends TokenReader {
  protected metric(): MonitorQuery {
    const evaluation = this.evaluation();
    this.punct(":");
    const expression = this.additive();
    if (this.is("eof")) throw this.unsupported("a metric query without a comparison and threshold");
    const { comparator, threshold } = this.condition();
    return { kind: "metric", evaluation, expression, comparator, threshold };
  }

  protected evaluation(): Evaluation {
    const head = this.peek();
    if (head.kind === "ident" && (head.text === "change" || head.text === "pct_change")) {
      this.next();
      this.punct("(");
      const aggregation = this.timeAggregation();
      this.punct("(");
      const window = this.window();
      this.punct(")");
      this.punct(",");
      const shift = this.window();
      this.punct(")");
      return { kind: "change", change: head.text, aggregation, window, shift };
    }
    const aggregation = this.timeAggregation();
    this.punct("(");
    const window = this.window();
    this.punct(")");
    return { kind: "window", aggregation, window };
  }

  protected timeAggregation(): TimeAggregation {
    const token = this.peek();
    const found = TIME_AGGREGATIONS.find((a) => token.kind === "ident" && token.text === a);
    if (!found) throw this.fail(`a time aggregation (${TIME_AGGREGATIONS.join(", ")}, change or pct_change)`);
    this.next();
    return found;
  }

  protected window(): TimeWindow {
    const token = this.peek();
    const last = token.kind === "ident" ? WINDOW.exec(token.text) : null;
    const ago = token.kind === "ident" ? AGO.exec(token.text) : null;
    if (last) {
      this.next();
      return { kind: last[1] as TimeWindow["kind"], duration: { amount: Number(last[2]), unit: last[3] as DurationUnit } };
    }
    if (ago) {
      this.next();
      return { kind: "ago", duration: { amount: Number(ago[1]), unit: ago[2] as DurationUnit } };
    }
    throw this.fail("a time window (`last_5m`, `current_1h`, `next_1d`, `1h_ago`)");
  }

  protected condition(): { comparator: Comparator; threshold: number } {
    const token = this.peek();
    const comparator = COMPARATORS.find((c) => token.kind === "punct" && token.text === c);
    if (!comparator) throw this.fail(`a comparator (${COMPARATORS.join(" ")})`);
    this.next();
    return { comparator, threshold: this.signedNumber("a threshold (a number)") };
  }

  protected signedNumber(expected: string): number {
    const negative = this.is("punct", "-");
    if (negative) this.next();
    const token = this.expect("number", undefined, expected);
    const value = Number(token.text);
    return negative ? -value : value;
  }

  protected additive(): Expr {
    return this.leftAssociative(["+", "-"], () => this.multiplicative());
  }

  protected multiplicative(): Expr {
    return this.leftAssociative(["*", "/"], () => this.unary());
  }

  /** `a op b op c` as `(a op b) op c`, for operators of one precedence level. */
  protected leftAssociative(ops: readonly ArithmeticOperator[], operand: () => Expr): Expr {
    let left = operand();
    for (let op = this.arithmetic(ops); op; op = this.arithmetic(ops)) {
      this.next();
      left = { kind: "binary", op, left, right: operand() };
    }
    return left;
  }

  protected arithmetic(ops: readonly ArithmeticOperator[]): ArithmeticOperator | undefined {
    return ops.find((op) => this.is("punct", op));
  }

  protected unary(): Expr {
    if (this.is("punct", "+")) throw this.unsupported("a unary `+` (a no-op; drop it)");
    if (this.is("punct", "-")) {
      this.next();
      if (this.is("number")) return { kind: "number", value: -Number(this.next().text) };
      return { kind: "negate", operand: this.unary() };
    }
    return this.primary();
  }

  protected primary(): Expr {
    const token = this.peek();
    if (token.kind === "number") {
      this.next();
      return { kind: "number", value: Number(token.text) };
    }
    if (this.is("punct", "(")) {
      this.next();
      const padded = this.peek().spaced;
      const inner = this.additive();
      const close = this.punct(")");
      if (close.spaced !== padded) throw this.unsupported("parentheses padded on one side only", close);
      return { kind: "group", inner, padded };
    }
    if (token.kind !== "ident") throw this.fail("a metric, a number, a function or `(`");
    if (this.is("punct", "(", 1)) return this.call();
    return this.series();
  }

  protected series(): Series {
    let space: SpaceAggregation | undefined;
    if (this.is("punct", ":", 1)) {
      const aggregation = this.next();
      const text = aggregation.text;
      if (!(SPACE_AGGREGATIONS as readonly string[]).includes(text) && !PERCENTILE_AGGREGATION.test(text)) {
        throw this.unsupported(`\`${text}:\` as a space aggregator (Datadog's are ${SPACE_AGGREGATIONS.join(", ")} and p50…p99)`, aggregation);
      }
      space = text as SpaceAggregation;
      this.next();
    }
    const metric = this.expect("ident", undefined, "a metric name").text;
    const scope = this.expect("braces", undefined, "the scope `{…}` after the metric name");
    if (scope.text.length === 0) throw new QueryParseError(this.query, scope.start, "empty scope: write {*} for all", "a tag filter or *");
    let groupBy: string[] = [];
    if (this.is("ident", "by")) {
      this.next();
      const group = this.expect("braces", undefined, "the group-by `{…}` after `by`");
      if (group.text.length === 0) throw new QueryParseError(this.query, group.start, "empty group-by", "a tag key");
      groupBy = group.text.split(",");
    }
    const methods: SeriesMethod[] = [];
    while (this.is("punct", ".")) {
      this.next();
      methods.push(this.seriesMethod());
    }
    return { kind: "series", ...(space ? { space } : {}), metric, scope: scope.text.split(","), groupBy, methods };
  }

  protected seriesMethod(): SeriesMethod {
    const name = this.expect("ident", undefined, "a series method (as_count, as_rate, rollup, fill)");
    this.punct("(");
    let method: SeriesMethod;
    switch (name.text) {
      case "as_count":
      case "as_rate":
        method = { kind: name.text };
        break;
      case "rollup": {
        if (this.is("number")) {
          method = { kind: "rollup", seconds: Number(this.next().text) };
          break;
        }
        const [m, seconds] = this.wordAndNumber(ROLLUP_METHODS, "a rollup method or interval", "the rollup interval in seconds");
        method = { kind: "rollup", method: m, ...(seconds === undefined ? {} : { seconds }) };
        break;
      }
      case "fill": {
        const [mode, limit] = this.wordAndNumber(FILL_MODES, "a fill mode", "the fill limit in seconds");
        method = { kind: "fill", mode, ...(limit === undefined ? {} : { limit }) };
        break;
      }
      default:
        throw this.unsupported(`the series method .${name.text}()`, name);
    }
    this.punct(")");
    return method;
  }

  /** `max, 60` or `max`: one of `words`, then an optional number. */
  protected wordAndNumber<W extends string>(words: readonly W[], what: string, numberWhat: string): [W, number | undefined] {
    const expected = `${what} (${words.join(", ")})`;
    const word = this.expect("ident", undefined, expected);
    const found = words.find((w) => w === word.text);
    if (found === undefined) throw this.fail(expected, word);
    if (!this.is("punct", ",")) return [found, undefined];
    this.next();
    return [found, this.signedNumber(numberWhat)];
  }

  protected call(): Expr {
    const name = this.next();
    if (!(FUNCTION_NAMES as readonly string[]).includes(name.text)) throw this.unsupported(`the function ${name.text}()`, name);
    this.punct("(");
    const args: Argument[] = [];
    if (!this.is("punct", ")")) {
      do {
        if (args.length > 0) this.next();
        args.push(this.argument());
      } while (this.is("punct", ","));
    }
    this.punct(")");
    return { kind: "call", name: name.text as FunctionName, args };
  }

  protected argument(): Argument {
    if (this.is("string")) return { kind: "string", value: this.next().text };
    if (this.is("ident") && this.is("punct", "=", 1)) {
      const key = this.next().text;
      this.next();
      const value: Literal = this.is("string")
        ? { kind: "string", value: this.next().text }
        : { kind: "number", value: this.signedNumber(`the value of ${key}= (a quoted string or a number)`) };
      return { kind: "keyword", key, value };
    }
    return { kind: "expr", value: this.additive() };
  }


  /** `.name("5m")`. */
  protected durationMethod(name: string): Duration {
    this.method(name);
    const duration = this.duration();
    this.punct(")");
    return duration;
  }

  /** A quoted duration: `"5m"`, `"1h"`, `"30d"`. */
  protected duration(): Duration {
    const token = this.string("a quoted duration (\"5m\", \"1h\", \"7d\")");
    const match = DURATION.exec(token.text);
    if (!match) throw this.fail(`a duration such as "5m", "1h" or "7d" (units ${DURATION_UNITS.join(", ")})`, token);
    return { amount: Number(match[1]), unit: match[2] as DurationUnit };
  }
}
