/**
 * Query string → model: a tokenizer and a hand-written recursive-descent parser over
 * Datadog's monitor query grammar (PF-DD-Q-1 … PF-DD-Q-13). Every error carries the
 * offset, line and column it stopped at and what it expected there; a form Lookout
 * does not model is a `QueryUnsupportedError` ("unsupported: …"), never a guess.
 */
import {
  COMPARATORS,
  DURATION_UNITS,
  FILL_MODES,
  FUNCTION_NAMES,
  ROLLUP_METHODS,
  SEARCH_SOURCES,
  SPACE_AGGREGATIONS,
  TIME_AGGREGATIONS,
  monitorTypesOf,
  type Argument,
  type ArithmeticOperator,
  type Comparator,
  type CompositeExpr,
  type Duration,
  type DurationUnit,
  type Evaluation,
  type Expr,
  type FunctionName,
  type Literal,
  type MonitorQuery,
  type SearchQuery,
  type SearchSource,
  type Series,
  type SeriesMethod,
  type ServiceCheckQuery,
  type SloQuery,
  type SpaceAggregation,
  type TimeAggregation,
  type TimeWindow,
} from "./model";
import { format } from "./format";

/** Where in the query a parse stopped: offset (0-based), line and column (1-based). */
export interface QueryPosition {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

/** A malformed query: what was expected, and where. */
export class QueryParseError extends Error {
  readonly position: QueryPosition;
  /** What the parser expected at `position` ("a comparator", "`)`"…); absent for other faults. */
  readonly expected?: string;
  /** The text of the problem, without the position. */
  readonly reason: string;

  constructor(query: string, offset: number, reason: string, expected?: string) {
    const position = positionOf(query, offset);
    super(`${position.line}:${position.column}: ${reason}`);
    this.name = "QueryParseError";
    this.position = position;
    this.reason = reason;
    if (expected !== undefined) this.expected = expected;
  }
}

/** A well-formed query in a form Lookout does not model; `reason` starts with "unsupported: ". */
export class QueryUnsupportedError extends QueryParseError {
  constructor(query: string, offset: number, what: string) {
    super(query, offset, `unsupported: ${what}`);
    this.name = "QueryUnsupportedError";
  }
}

export function positionOf(text: string, offset: number): QueryPosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === "\n") {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset, line, column: offset - lineStart + 1 };
}

// ─── Tokenizer ────────────────────────────────────────────────────────────────

type TokenKind = "ident" | "number" | "string" | "braces" | "punct" | "eof";

interface Token {
  readonly kind: TokenKind;
  /** The source text (for `string`: the unescaped value; for `braces`: what is between them). */
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** Whitespace right before the token. */
  readonly spaced: boolean;
  /** For `string`: the quote it was written with. */
  readonly quote?: "'" | '"';
}

const PUNCTUATION = ["&&", "||", "<=", ">=", "==", "!=", "(", ")", ",", ":", ".", "=", "!", "+", "-", "*", "/", "<", ">"];

/**
 * Words: metric names and functions (`system.cpu.user`, `as_count`), windows (`last_5m`,
 * `1d_ago`), hyphenated sources (`trace-analytics`, `error-tracking-rum`).
 */
const WORD = /[A-Za-z_][A-Za-z0-9_.]*(?:-[A-Za-z][A-Za-z0-9_.]*)*|\d+[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /\d+(?:\.\d+)?/y;

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (true) {
    const before = i;
    while (i < query.length && /\s/.test(query[i])) i++;
    const spaced = i > before;
    if (i >= query.length) {
      tokens.push({ kind: "eof", text: "", start: i, end: i, spaced });
      return tokens;
    }
    const c = query[i];
    const start = i;
    if (c === '"' || c === "'") {
      let value = "";
      i++;
      while (i < query.length && query[i] !== c) {
        if (query[i] === "\\" && i + 1 < query.length) i++;
        value += query[i];
        i++;
      }
      if (i >= query.length) throw new QueryParseError(query, start, `unterminated string: no closing ${c}`, c);
      i++;
      tokens.push({ kind: "string", text: value, start, end: i, spaced, quote: c });
      continue;
    }
    if (c === "{") {
      const close = query.indexOf("}", i);
      if (close < 0) throw new QueryParseError(query, start, "unterminated `{`: no closing `}`", "`}`");
      tokens.push({ kind: "braces", text: query.slice(i + 1, close), start, end: close + 1, spaced });
      i = close + 1;
      continue;
    }
    const lexeme = matchAt(WORD, "ident", query, i) ?? matchAt(NUMBER, "number", query, i);
    if (lexeme) {
      i += lexeme.text.length;
      tokens.push({ ...lexeme, start, end: i, spaced });
      continue;
    }
    const punct = PUNCTUATION.find((p) => query.startsWith(p, i));
    if (!punct) throw new QueryParseError(query, start, `unexpected character ${JSON.stringify(c)}`);
    i += punct.length;
    tokens.push({ kind: "punct", text: punct, start, end: i, spaced });
  }
}

function matchAt(pattern: RegExp, kind: "ident" | "number", query: string, at: number): { kind: TokenKind; text: string } | undefined {
  pattern.lastIndex = at;
  const match = pattern.exec(query);
  return match ? { kind, text: match[0] } : undefined;
}

function describeToken(token: Token): string {
  switch (token.kind) {
    case "eof":
      return "the end of the query";
    case "string":
      return `the string ${token.quote}${token.text}${token.quote}`;
    case "braces":
      return `{${token.text}}`;
    default:
      return `\`${token.text}\``;
  }
}

// ─── Parser ───────────────────────────────────────────────────────────────────

const WINDOW = /^(last|current|next)_(\d+)(mo|s|m|h|d|w)$/;
const AGO = /^(\d+)(mo|s|m|h|d|w)_ago$/;
const DURATION = /^(\d+)(mo|s|m|h|d|w)$/;
const PERCENTILE_AGGREGATION = /^p\d+(?:\.\d+)?$/;

class Parser {
  private readonly tokens: Token[];
  private index = 0;

  constructor(private readonly query: string) {
    this.tokens = tokenize(query);
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)];
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== "eof") this.index++;
    return token;
  }

  private is(kind: TokenKind, text?: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.kind === kind && (text === undefined || token.text === text);
  }

  private fail(expected: string, token: Token = this.peek()): QueryParseError {
    return new QueryParseError(this.query, token.start, `expected ${expected}, found ${describeToken(token)}`, expected);
  }

  private unsupported(what: string, token: Token = this.peek()): QueryUnsupportedError {
    return new QueryUnsupportedError(this.query, token.start, what);
  }

  private expect(kind: TokenKind, text: string | undefined, expected: string): Token {
    if (!this.is(kind, text)) throw this.fail(expected);
    return this.next();
  }

  private punct(text: string): Token {
    return this.expect("punct", text, `\`${text}\``);
  }

  /** `.name(`: a chained method of the service-check, search and SLO forms. */
  private method(name: string): void {
    this.punct(".");
    this.expect("ident", name, `\`${name}\``);
    this.punct("(");
  }

  private optionalMethod(name: string): boolean {
    if (this.is("punct", ".") && this.is("ident", name, 1)) {
      this.method(name);
      return true;
    }
    return false;
  }

  private string(what: string): Token {
    return this.expect("string", undefined, what);
  }

  private end(): void {
    if (this.is("ident", "by")) throw this.unsupported("a group-by after the threshold (write `by {…}` after the scope)");
    this.expect("eof", undefined, "the end of the query");
  }

  parseQuery(): MonitorQuery {
    const first = this.peek();
    let query: MonitorQuery;
    if (first.kind === "string") query = this.serviceCheck();
    else if (first.kind === "number" || this.is("punct", "!") || this.is("punct", "(")) query = this.composite();
    else if (first.kind === "ident" && this.is("punct", "(", 1)) {
      if ((SEARCH_SOURCES as readonly string[]).includes(first.text)) query = this.search();
      else if (first.text === "error_budget" || first.text === "burn_rate") query = this.slo();
      else if (first.text === "formula") throw this.unsupported("formula() over the monitor's named queries (`options.variables`)");
      else if (first.text === "processes") throw this.unsupported("process alerts (`processes(…)`)");
      else query = this.metric();
    } else if (first.kind === "ident" && (this.is("punct", ":", 1) || this.is("braces", undefined, 1))) {
      throw this.unsupported("a metric query without its evaluation (`avg(last_5m):` before the metric, a comparison after it)");
    } else throw this.fail("a monitor query (`avg(last_5m):…`, `\"check\".over(…)`, `logs(…)`, `burn_rate(…)` or monitor IDs)");
    this.end();
    return query;
  }

  // ── metric ──

  private metric(): MonitorQuery {
    const evaluation = this.evaluation();
    this.punct(":");
    const expression = this.additive();
    if (this.is("eof")) throw this.unsupported("a metric query without a comparison and threshold");
    const { comparator, threshold } = this.condition();
    return { kind: "metric", evaluation, expression, comparator, threshold };
  }

  private evaluation(): Evaluation {
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

  private timeAggregation(): TimeAggregation {
    const token = this.peek();
    const found = TIME_AGGREGATIONS.find((a) => token.kind === "ident" && token.text === a);
    if (!found) throw this.fail(`a time aggregation (${TIME_AGGREGATIONS.join(", ")}, change or pct_change)`);
    this.next();
    return found;
  }

  private window(): TimeWindow {
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

  private condition(): { comparator: Comparator; threshold: number } {
    const token = this.peek();
    const comparator = COMPARATORS.find((c) => token.kind === "punct" && token.text === c);
    if (!comparator) throw this.fail(`a comparator (${COMPARATORS.join(" ")})`);
    this.next();
    return { comparator, threshold: this.signedNumber("a threshold (a number)") };
  }

  private signedNumber(expected: string): number {
    const negative = this.is("punct", "-");
    if (negative) this.next();
    const token = this.expect("number", undefined, expected);
    const value = Number(token.text);
    return negative ? -value : value;
  }

  private additive(): Expr {
    return this.leftAssociative(["+", "-"], () => this.multiplicative());
  }

  private multiplicative(): Expr {
    return this.leftAssociative(["*", "/"], () => this.unary());
  }

  /** `a op b op c` as `(a op b) op c`, for operators of one precedence level. */
  private leftAssociative(ops: readonly ArithmeticOperator[], operand: () => Expr): Expr {
    let left = operand();
    for (let op = this.arithmetic(ops); op; op = this.arithmetic(ops)) {
      this.next();
      left = { kind: "binary", op, left, right: operand() };
    }
    return left;
  }

  private arithmetic(ops: readonly ArithmeticOperator[]): ArithmeticOperator | undefined {
    return ops.find((op) => this.is("punct", op));
  }

  private unary(): Expr {
    if (this.is("punct", "+")) throw this.unsupported("a unary `+` (a no-op; drop it)");
    if (this.is("punct", "-")) {
      this.next();
      if (this.is("number")) return { kind: "number", value: -Number(this.next().text) };
      return { kind: "negate", operand: this.unary() };
    }
    return this.primary();
  }

  private primary(): Expr {
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

  private series(): Series {
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

  private seriesMethod(): SeriesMethod {
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
  private wordAndNumber<W extends string>(words: readonly W[], what: string, numberWhat: string): [W, number | undefined] {
    const expected = `${what} (${words.join(", ")})`;
    const word = this.expect("ident", undefined, expected);
    const found = words.find((w) => w === word.text);
    if (found === undefined) throw this.fail(expected, word);
    if (!this.is("punct", ",")) return [found, undefined];
    this.next();
    return [found, this.signedNumber(numberWhat)];
  }

  private call(): Expr {
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

  private argument(): Argument {
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

  // ── service check ──

  private serviceCheck(): ServiceCheckQuery {
    const check = this.next().text;
    this.method("over");
    const over = this.stringList("a quoted tag or \"*\"");
    let by = this.optionalMethod("by") ? this.stringList("a quoted tag key") : [];
    this.method("last");
    const last = Number(this.expect("number", undefined, "how many check runs to count (a number)").text);
    this.punct(")");
    const byAfterLast = by.length === 0 && this.optionalMethod("by");
    if (byAfterLast) by = this.stringList("a quoted tag key");
    this.method("count_by_status");
    this.punct(")");
    return { kind: "service-check", check, over, by, last, ...(byAfterLast ? { byAfterLast: true as const } : {}) };
  }

  /** `"a","b")`: quoted strings up to and including the closing parenthesis. */
  private stringList(what: string): string[] {
    const values = [this.string(what).text];
    while (this.is("punct", ",")) {
      this.next();
      values.push(this.string(what).text);
    }
    this.punct(")");
    return values;
  }

  // ── event platform ──

  private search(): SearchQuery {
    const source = this.next().text as SearchSource;
    this.punct("(");
    const search = this.string("the search, quoted").text;
    this.punct(")");
    const indexes = this.optionalMethod("index") ? this.closeString("the index names, quoted").split(",") : undefined;
    this.method("rollup");
    const method = this.string("the rollup method, quoted (\"count\", \"cardinality\", \"avg\"…)").text;
    const measure = this.is("punct", ",") ? (this.next(), this.string("the measure or facet, quoted").text) : undefined;
    this.punct(")");
    const groupBy = this.optionalMethod("by") ? this.closeString("the group-by facets, quoted").split(",") : [];
    const window = this.durationMethod("last");
    const { comparator, threshold } = this.condition();
    return {
      kind: "search",
      source,
      search,
      ...(indexes ? { indexes } : {}),
      rollup: measure === undefined ? { method } : { method, measure },
      groupBy,
      window,
      comparator,
      threshold,
    };
  }

  private closeString(what: string): string {
    const value = this.string(what).text;
    this.punct(")");
    return value;
  }

  /** `.name("5m")`. */
  private durationMethod(name: string): Duration {
    this.method(name);
    const duration = this.duration();
    this.punct(")");
    return duration;
  }

  /** A quoted duration: `"5m"`, `"1h"`, `"30d"`. */
  private duration(): Duration {
    const token = this.string("a quoted duration (\"5m\", \"1h\", \"7d\")");
    const match = DURATION.exec(token.text);
    if (!match) throw this.fail(`a duration such as "5m", "1h" or "7d" (units ${DURATION_UNITS.join(", ")})`, token);
    return { amount: Number(match[1]), unit: match[2] as DurationUnit };
  }

  // ── SLO ──

  private slo(): SloQuery {
    const measure = this.next().text as "error_budget" | "burn_rate";
    this.punct("(");
    const sloId = this.string("the SLO ID, quoted").text;
    this.punct(")");
    const timeframe = this.durationMethod("over");
    if (measure === "error_budget") {
      const { comparator, threshold } = this.condition();
      return { kind: "slo", measure, sloId, timeframe, comparator, threshold };
    }
    const longWindow = this.durationMethod("long_window");
    const shortWindow = this.durationMethod("short_window");
    const { comparator, threshold } = this.condition();
    return { kind: "slo", measure, sloId, timeframe, longWindow, shortWindow, comparator, threshold };
  }

  // ── composite ──

  private composite(): MonitorQuery {
    return { kind: "composite", expression: this.compositeOr() };
  }

  private compositeOr(): CompositeExpr {
    return this.compositeChain("||", "or", () => this.compositeAnd());
  }

  private compositeAnd(): CompositeExpr {
    return this.compositeChain("&&", "and", () => this.compositeNot());
  }

  private compositeChain(op: "||" | "&&", kind: "or" | "and", operand: () => CompositeExpr): CompositeExpr {
    let left = operand();
    while (this.is("punct", op)) {
      this.next();
      left = { kind, left, right: operand() };
    }
    return left;
  }

  private compositeNot(): CompositeExpr {
    if (this.is("punct", "!")) {
      this.next();
      return { kind: "not", operand: this.compositeNot() };
    }
    if (this.is("punct", "(")) {
      this.next();
      const inner = this.compositeOr();
      this.punct(")");
      return { kind: "group", inner };
    }
    const id = this.peek();
    if (id.kind !== "number" || !/^\d+$/.test(id.text)) throw this.fail("a monitor ID, `!` or `(`");
    this.next();
    return { kind: "monitor", id: id.text };
  }
}

/**
 * Reads any monitor query of the modelled forms. Whitespace between tokens is not
 * significant (except which parentheses are padded); see `parseExact` for a reading
 * that must write back byte for byte.
 */
export function parse(query: string): MonitorQuery {
  return new Parser(query).parseQuery();
}

/**
 * `parse`, and the query must be exactly what `format` writes for its model: a
 * different spelling (spacing, quotes, `1.0` for `1`) is an `unsupported: …` error at
 * the first character that differs.
 */
export function parseExact(query: string): MonitorQuery {
  const model = parse(query);
  const written = format(model);
  if (written !== query) {
    let at = 0;
    while (at < query.length && query[at] === written[at]) at++;
    throw new QueryUnsupportedError(
      query,
      at,
      `a spelling that does not write back the same (Lookout writes ${JSON.stringify(written.slice(Math.max(0, at - 10), at + 20))} here)`,
    );
  }
  return model;
}

/** `parseExact`, and the monitor's `type` must be one a query of that form may carry (PF-DD-Q-2). */
export function parseMonitor(type: string, query: string): MonitorQuery {
  const model = parseExact(query);
  const allowed = monitorTypesOf(model);
  if (!allowed.includes(type)) {
    throw new QueryParseError(query, 0, `a ${model.kind} query is a monitor of type ${allowed.map((t) => `"${t}"`).join(" or ")}, not "${type}"`);
  }
  return model;
}
