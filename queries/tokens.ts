/**
 * The query text as tokens, and a reader over them: positions (offset, line, column),
 * the errors every parse raises (`QueryParseError`, `QueryUnsupportedError`), the
 * tokenizer, and the token-level steps every form's parser shares.
 */
import { COMPARATORS, type Comparator } from "./model";

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

export type TokenKind = "ident" | "number" | "string" | "braces" | "punct" | "eof";

export interface Token {
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

export function tokenize(query: string): Token[] {
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

export function describeToken(token: Token): string {
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


const COMPOSITE_OPERATORS = ["&&", "||", "!", "(", ")"];

/**
 * A composite's tokens when its operands are monitor names rather than numeric IDs:
 * its operators are `punct`, and any other run of characters up to a space or an
 * operator is one operand (`ident`), whatever characters a name holds.
 */
export function compositeNameTokens(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let spaced = false;
  while (i < query.length) {
    if (/\s/.test(query[i])) {
      i++;
      spaced = true;
      continue;
    }
    const start = i;
    const operator = COMPOSITE_OPERATORS.find((op) => query.startsWith(op, i));
    if (operator) i += operator.length;
    else while (i < query.length && !/\s/.test(query[i]) && !COMPOSITE_OPERATORS.some((op) => query.startsWith(op, i))) i++;
    tokens.push({ kind: operator ? "punct" : "ident", text: query.slice(start, i), start, end: i, spaced });
    spaced = false;
  }
  tokens.push({ kind: "eof", text: "", start: i, end: i, spaced });
  return tokens;
}

/** Steps over the tokens of one query, shared by the expression and monitor-form parsers. */
export class TokenReader {
  protected readonly tokens: Token[];
  protected index = 0;

  constructor(protected readonly query: string, tokens?: Token[]) {
    this.tokens = tokens ?? tokenize(query);
  }

  protected peek(ahead = 0): Token {
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)];
  }

  protected next(): Token {
    const token = this.peek();
    if (token.kind !== "eof") this.index++;
    return token;
  }

  protected is(kind: TokenKind, text?: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.kind === kind && (text === undefined || token.text === text);
  }

  protected fail(expected: string, token: Token = this.peek()): QueryParseError {
    return new QueryParseError(this.query, token.start, `expected ${expected}, found ${describeToken(token)}`, expected);
  }

  protected unsupported(what: string, token: Token = this.peek()): QueryUnsupportedError {
    return new QueryUnsupportedError(this.query, token.start, what);
  }

  protected expect(kind: TokenKind, text: string | undefined, expected: string): Token {
    if (!this.is(kind, text)) throw this.fail(expected);
    return this.next();
  }

  protected punct(text: string): Token {
    return this.expect("punct", text, `\`${text}\``);
  }

  /** `.name(`: a chained method of the service-check, search and SLO forms. */
  protected method(name: string): void {
    this.punct(".");
    this.expect("ident", name, `\`${name}\``);
    this.punct("(");
  }

  protected optionalMethod(name: string): boolean {
    if (this.is("punct", ".") && this.is("ident", name, 1)) {
      this.method(name);
      return true;
    }
    return false;
  }

  protected string(what: string): Token {
    return this.expect("string", undefined, what);
  }

  protected end(): void {
    if (this.is("ident", "by")) throw this.unsupported("a group-by after the threshold (write `by {…}` after the scope)");
    this.expect("eof", undefined, "the end of the query");
  }
}

/** `last_5m`, `next_1d`, `last_3d`: a rolling or forecast window word, well-formed or not. */
const WINDOW_WORD = /\b(?:last|next)_(\d+)([a-z]+)\b/g;

/**
 * Every rolling and forecast window a query names, where it names them: the evaluation,
 * a change's shift, a quoted argument (`alert_window='last_15m'`), even in a query that
 * does not parse, so that a rule on windows can name each one.
 */
export function windowWords(query: string): { readonly text: string; readonly amount: number; readonly unit: string }[] {
  return [...query.matchAll(WINDOW_WORD)].map((m) => ({ text: m[0], amount: Number(m[1]), unit: m[2] }));
}

/** A comparison that ends a query: its comparator, its threshold, and the offset where it starts. */
export interface TrailingComparison {
  readonly comparator: Comparator;
  readonly threshold: number;
  readonly start: number;
}

/**
 * The comparison a query ends with (` > 0.9`, `<= -5`), read from its tokens, so it is
 * found even in a query that does not parse as a whole; undefined when the query does
 * not end in one (or does not even tokenize).
 */
export function trailingComparison(query: string): TrailingComparison | undefined {
  let tokens: Token[];
  try {
    tokens = tokenize(query);
  } catch (error) {
    if (error instanceof QueryParseError) return undefined;
    throw error;
  }
  const number = tokens[tokens.length - 2];
  if (number?.kind !== "number") return undefined;
  let at = tokens.length - 3;
  const negative = tokens[at]?.kind === "punct" && tokens[at].text === "-";
  if (negative) at -= 1;
  const before = tokens[at];
  const comparator = COMPARATORS.find((c) => before?.kind === "punct" && before.text === c);
  if (!comparator) return undefined;
  return { comparator, threshold: (negative ? -1 : 1) * Number(number.text), start: before.start };
}
