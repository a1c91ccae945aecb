/**
 * Query string → model: a hand-written recursive-descent parser (tokens.ts, parseExpression.ts) over
 * Datadog's monitor query grammar (PF-DD-Q-1 … PF-DD-Q-13). Every error carries the
 * offset, line and column it stopped at and what it expected there; a form Lookout
 * does not model is a `QueryUnsupportedError` ("unsupported: …"), never a guess.
 */
import {
  SEARCH_SOURCES,
  mapCompositeIds,
  monitorTypesOf,
  type CompositeExpr,
  type CompositeQuery,
  type MonitorQuery,
  type SearchQuery,
  type SearchSource,
  type ServiceCheckQuery,
  type SloQuery,
} from "./model";
import { format } from "./format";

import { ExpressionParser } from "./parseExpression";
import { compositeNameTokens, QueryParseError, QueryUnsupportedError } from "./tokens";

export { positionOf, QueryParseError, QueryUnsupportedError, trailingComparison, windowWords, type QueryPosition, type TrailingComparison } from "./tokens";

class Parser extends ExpressionParser {
  /** Composite operands may be names (`compositeNameTokens`), not only numeric IDs. */
  constructor(query: string, private readonly namedOperands = false) {
    super(query, namedOperands ? compositeNameTokens(query) : undefined);
  }

  parseCompositeOfNames(): CompositeQuery {
    const query = this.composite();
    this.end();
    return query;
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

  private composite(): CompositeQuery {
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
    if (this.namedOperands && id.kind === "ident") {
      this.next();
      return { kind: "monitor", id: id.text };
    }
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


/**
 * A composite written over monitor names rather than numeric IDs (a plan under the
 * mocks has each monitor's ID as `<resource>-id`), each operand given its ID by `idOf`
 * (kept when it has none): the model of the query Datadog reads. `format` refuses an
 * operand that is still not a numeric ID.
 */
export function parseCompositeOfNames(query: string, idOf: (name: string) => string | undefined): CompositeQuery {
  const model = new Parser(query, true).parseCompositeOfNames();
  return { kind: "composite", expression: mapCompositeIds(model.expression, (id) => idOf(id) ?? id) };
}

/** `parse`, or undefined for a query that does not read as a modelled form (for readers that skip what they cannot read). */
export function parseOrUndefined(query: string): MonitorQuery | undefined {
  try {
    return parse(query);
  } catch (error) {
    if (error instanceof QueryParseError) return undefined;
    throw error;
  }
}
