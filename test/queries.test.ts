/**
 * The Datadog query model (queries/): each form read and written back, the model a
 * query reads as, positioned errors for malformed queries, and the threshold's unit.
 */
import { describe, expect, it } from "vitest";
import {
  comparesInQuery,
  format,
  parse,
  parseCompositeOfNames,
  parseExact,
  parseMonitor,
  QueryModelError,
  QueryParseError,
  QueryUnsupportedError,
  trailingComparison,
  unitOf,
  type Expr,
  type MonitorQuery,
  type Series,
} from "../queries";

const series = (metric: string, extra: Partial<Series> = {}): Series => ({
  kind: "series",
  space: "sum",
  metric,
  scope: ["env:prod", "service:api"],
  groupBy: [],
  methods: [{ kind: "as_count" }],
  ...extra,
});

describe("queries: every form writes back byte for byte", () => {
  // PF-DD-Q-1 … PF-DD-Q-13: one row per form, old and new spellings of the same rule.
  it.each([
    // metric threshold (PF-DD-Q-1)
    ["metric gauge", "avg(last_5m):avg:system.cpu.user{env:prod,service:api} by {host} > 90"],
    ["metric without space aggregator", "avg(last_5m):rabbitmq.queue.consumers{*} by {rabbitmq_queue} < 1"],
    ["cumulative window", "max(current_1h):avg:airflow.dag.task.ongoing_duration{*} by {dag_id,task_id} > 3600"],
    ["hours spelled past a day", "sum(last_72h):sum:aws.s3.put_requests{bucketname:b}.as_count() < 1"],
    ["days", "sum(last_3d):sum:aws.s3.put_requests{bucketname:b}.as_count() < 1"],
    ["share in percent", "sum(last_5m):sum:trace.web.request.errors{env:prod}.as_count() / sum:trace.web.request.hits{env:prod}.as_count() * 100 > 1"],
    ["padded and bare groups", "avg(last_5m):( 100 * sum:a{*} by {r} ) / ( sum:a{*} by {r} + sum:b{*} by {r} ) > 90"],
    ["nested groups", "avg(last_5m):((avg:a{*} by {h} - avg:b{*} by {h}) / avg:a{*} by {h}) * 100 > 70"],
    ["boolean scope", "sum(last_15m):sum:istio.mesh.request.count.total{(response_code:4* OR response_code:5*)} by {cluster_name}.as_count() > 40"],
    ["negated scope", "avg(last_5m):sum:t.latency.sum{!operation:poll*,service_name:frontend}.as_rate() > 1000"],
    ["rollup interval alone, method alone", "avg(last_1h):sum:a{*}.rollup(120) + sum:b{*}.rollup(sum) > 1"],
    ["rollup and fill", "min(last_10m):avg:slurm.partition.info{*} by {host}.rollup(max, 60).fill(null) >= 1"],
    ["percentile of a trace metric (PF-DD-Q-6)", "percentile(last_5m):p95:trace.http.request{env:prod,service:api} > 0.5"],
    ["negative threshold", "pct_change(avg(last_1h),last_1d):avg:funnel.conversion_rate{env:prod} < -20"],
    ["change, older shift spelling", "change(avg(last_5m),5m_ago):avg:velero.backup.last_successful_timestamp{*} == 0"],
    ["functions", "avg(last_5m):cutoff_min(avg:singlestore.seconds_until_expiration{*}, -0.1) < 604800"],
    ["default_zero plus a number", "avg(last_5m):default_zero(avg:postgresql.connections{*} by {db}) + 1 <= 1"],
    ["negation", "avg(last_5m):-avg:a{*} + abs(week_before(avg:b{*})) != 1"],
    // anomalies (PF-DD-Q-3): without and with interval= and seasonality=
    ["anomalies", "avg(last_4h):anomalies(sum:shop.sold{env:prod}.as_count(), 'agile', 2, direction='above', alert_window='last_1h', count_default_zero='true') >= 1"],
    [
      "anomalies with interval and seasonality",
      "avg(last_4h):anomalies(sum:shop.sold{env:prod}.as_count(), 'agile', 2, direction='above', alert_window='last_1h', interval=60, count_default_zero='true', seasonality='daily') >= 1",
    ],
    // forecast (PF-DD-Q-4): the older `<` and the documented `<=` / `>=`
    ["forecast, strict comparator", "min(next_1d):forecast(min:shop.remaining{env:prod}, 'linear', 1) < 1"],
    ["forecast, documented comparator", "min(next_1d):forecast(min:shop.remaining{env:prod}, 'linear', 1, interval='60m', history='1w', model='default') <= 1"],
    ["forecast over an expression", "max(next_3d):forecast(( 1 - avg:system.disk.free{*} by {host} / avg:system.disk.total{*} by {host} ) * 100, 'seasonal', 1, interval='60m', seasonality='weekly') >= 99"],
    ["outliers (PF-DD-Q-5)", "avg(last_30m):outliers(avg:system.cpu.user{role:es-events-data} by {host}, 'dbscan', 7) > 0"],
    // service check (PF-DD-Q-9)
    ["service check", "\"http.can_connect\".over(\"env:prod\",\"role:db\").by(\"url\").last(3).count_by_status()"],
    ["service check in the reference's order", "\"datadog.agent.up\".over(\"env:prod\").last(2).by(\"host\").count_by_status()"],
    ["service check without by", "\"process.up\".over(\"\").last(4).count_by_status()"],
    // event platform (PF-DD-Q-10)
    ["logs", "logs(\"source:squid @duration:>6000000000\").index(\"*\").rollup(\"count\").last(\"5m\") >= 5"],
    ["logs grouped", "logs(\"service:web status:error\").index(\"main,audit\").rollup(\"count\").by(\"@http.status_code,host\").last(\"15m\") > 10"],
    ["rum percentile", "rum(\"@type:view service:web env:prod\").rollup(\"pc75\", \"@view.largest_contentful_paint\").last(\"1d\") > 2500000000"],
    ["events cardinality", "events(\"source:nutanix\").rollup(\"cardinality\", \"@aggregation_key\").by(\"@aggregation_key\").last(\"5m\") > 0"],
    ["trace analytics", "trace-analytics(\"env:prod service:api\").rollup(\"avg\", \"@duration\").last(\"10m\") > 500000000"],
    ["escaped quote in a search", "logs(\"message:\\\"disk full\\\"\").index(\"*\").rollup(\"count\").last(\"5m\") > 0"],
    // SLO (PF-DD-Q-11, PF-DD-Q-12): as infra/slos/sloRules.ts writes them, and other windows
    ["error budget", "error_budget(\"0123456789abcdef0123456789abcdef\").over(\"7d\") > 50"],
    ["burn rate", "burn_rate(\"0123456789abcdef0123456789abcdef\").over(\"30d\").long_window(\"1h\").short_window(\"5m\") > 14.4"],
    ["burn rate, slow tier", "burn_rate(\"abc\").over(\"30d\").long_window(\"48h\").short_window(\"4h\") > 1"],
    // composite (PF-DD-Q-13)
    ["composite and", "12345 && 67890"],
    ["composite or not", "12345 || !67890"],
    ["composite grouped", "(1 || 2) && !(3 && 4)"],
  ])("%s", (_name, query) => {
    const model = parseExact(query);
    expect(format(model)).toBe(query);
    expect(parse(format(model))).toEqual(model);
  });

  it("reads a metric query as its parts", () => {
    expect(parse("sum(last_5m):sum:trace.web.request.errors{env:prod,service:api} by {host}.as_count() / sum:trace.web.request.hits{env:prod,service:api} by {host}.as_count() * 100 > 1")).toEqual({
      kind: "metric",
      evaluation: { kind: "window", aggregation: "sum", window: { kind: "last", duration: { amount: 5, unit: "m" } } },
      expression: {
        kind: "binary",
        op: "*",
        left: {
          kind: "binary",
          op: "/",
          left: series("trace.web.request.errors", { groupBy: ["host"] }),
          right: series("trace.web.request.hits", { groupBy: ["host"] }),
        },
        right: { kind: "number", value: 100 },
      },
      comparator: ">",
      threshold: 1,
    } satisfies MonitorQuery);
  });

  it("reads a change query's shift and an anomaly's arguments", () => {
    const change = parse("pct_change(sum(last_1h),last_1w):sum:shop.revenue{*}.as_count() < -40");
    expect(change).toMatchObject({
      evaluation: { kind: "change", change: "pct_change", aggregation: "sum", shift: { kind: "last", duration: { amount: 1, unit: "w" } } },
      threshold: -40,
    });
    const anomaly = parse("avg(last_4h):anomalies(avg:a{*}, 'basic', 3, direction='below', interval=60) >= 1");
    expect(anomaly).toMatchObject({
      expression: {
        kind: "call",
        name: "anomalies",
        args: [
          { kind: "expr" },
          { kind: "string", value: "basic" },
          { kind: "expr", value: { kind: "number", value: 3 } },
          { kind: "keyword", key: "direction", value: { kind: "string", value: "below" } },
          { kind: "keyword", key: "interval", value: { kind: "number", value: 60 } },
        ],
      },
    });
  });

  it("reads the event-platform, SLO and composite forms as their parts", () => {
    expect(parse("logs(\"a\").index(\"*\").rollup(\"avg\", \"@duration\").by(\"service,host\").last(\"1h\") > 2")).toEqual({
      kind: "search",
      source: "logs",
      search: "a",
      indexes: ["*"],
      rollup: { method: "avg", measure: "@duration" },
      groupBy: ["service", "host"],
      window: { amount: 1, unit: "h" },
      comparator: ">",
      threshold: 2,
    });
    expect(parse("burn_rate(\"x\").over(\"30d\").long_window(\"6h\").short_window(\"30m\") > 6")).toEqual({
      kind: "slo",
      measure: "burn_rate",
      sloId: "x",
      timeframe: { amount: 30, unit: "d" },
      longWindow: { amount: 6, unit: "h" },
      shortWindow: { amount: 30, unit: "m" },
      comparator: ">",
      threshold: 6,
    });
    expect(parse("1 || 2 && !3")).toEqual({
      kind: "composite",
      expression: {
        kind: "or",
        left: { kind: "monitor", id: "1" },
        right: { kind: "and", left: { kind: "monitor", id: "2" }, right: { kind: "not", operand: { kind: "monitor", id: "3" } } },
      },
    });
  });

  it("binds * and / tighter than + and -, left to right", () => {
    const { expression } = parse("avg(last_5m):avg:a{*} - avg:b{*} - avg:c{*} * 2 > 1") as Extract<MonitorQuery, { kind: "metric" }>;
    expect(expression).toMatchObject({
      op: "-",
      left: { op: "-", left: { metric: "a" }, right: { metric: "b" } },
      right: { op: "*", left: { metric: "c" }, right: { value: 2 } },
    });
  });

  it("writes numbers without exponents", () => {
    const query = (threshold: number): MonitorQuery => ({ ...(parse("avg(last_5m):avg:a{*} > 1") as Extract<MonitorQuery, { kind: "metric" }>), threshold });
    expect(format(query(2.5e9))).toBe("avg(last_5m):avg:a{*} > 2500000000");
    expect(format(query(1e-7))).toBe("avg(last_5m):avg:a{*} > 0.0000001");
    expect(format(query(-1.5e-8))).toBe("avg(last_5m):avg:a{*} > -0.000000015");
    expect(format(query(1e21))).toBe("avg(last_5m):avg:a{*} > 1000000000000000000000");
  });
});

describe("queries: malformed queries are positioned errors naming what was expected", () => {
  const failure = (query: string): QueryParseError => {
    try {
      parse(query);
    } catch (error) {
      if (error instanceof QueryParseError) return error;
      throw error;
    }
    throw new Error(`parsed: ${query}`);
  };

  it.each([
    ["no comparator", "avg(last_5m):avg:system.cpu.user{*} 90", 36, "a comparator"],
    ["unclosed evaluation", "avg(last_5m:avg:a{*} > 1", 11, "`)`"],
    ["a window Datadog does not spell", "avg(last_5x):avg:a{*} > 1", 4, "a time window"],
    ["a time aggregation Datadog does not have", "mean(last_5m):avg:a{*} > 1", 0, "a time aggregation"],
    ["no threshold", "avg(last_5m):avg:a{*} >", 23, "a threshold (a number)"],
    ["no scope", "avg(last_5m):avg:system.cpu.user > 1", 33, "the scope `{…}` after the metric name"],
    ["a rollup method Datadog does not have", "avg(last_5m):avg:a{*}.rollup(median, 60) > 1", 29, "a rollup method"],
    ["nothing at all", "", 0, "a monitor query"],
    ["trailing text", "avg(last_5m):avg:a{*} > 1 2", 26, "the end of the query"],
    ["a log window in words", "logs(\"a\").index(\"*\").rollup(\"count\").last(\"5 minutes\") > 1", 42, "a duration"],
    ["a service check without its count", "\"process.up\".over(\"*\").last(4)", 30, "`.`"],
    ["a burn rate without windows", "burn_rate(\"x\").over(\"30d\") > 14.4", 27, "`.`"],
    ["a doubled composite operator", "1 && && 2", 5, "a monitor ID"],
  ])("%s", (_name, query, offset, expected) => {
    const error = failure(query);
    expect(error).not.toBeInstanceOf(QueryUnsupportedError);
    expect(error.position).toEqual({ offset, line: 1, column: offset + 1 });
    expect(error.expected).toContain(expected);
    expect(error.message).toBe(`1:${offset + 1}: ${error.reason}`);
    expect(error.reason).toMatch(/^expected .+, found /);
  });

  it("counts lines and columns across newlines", () => {
    const error = failure("avg(last_5m):\n  avg:a{*} >");
    expect(error.position).toEqual({ offset: 26, line: 2, column: 13 });
    expect(error.message).toBe("2:13: expected a threshold (a number), found the end of the query");
  });

  it("reports unterminated strings and braces where they open", () => {
    expect(failure("avg(last_5m):avg:a{env:prod > 1").position.offset).toBe(18);
    expect(failure("logs(\"a).rollup(\"count\")").message).toBe('1:23: unterminated string: no closing "');
    expect(failure("logs(\"a\").rollup(\"count).last(\"5m\") > 1").position.offset).toBe(33);
  });

  it.each([
    ["an unknown function", "avg(last_5m):smooth(avg:a{*}) > 1", 13, "unsupported: the function smooth()"],
    ["a space aggregator that is a function", "avg(last_5m):default_zero:a{*} > 1", 13, "unsupported: `default_zero:` as a space aggregator"],
    ["no evaluation", "sum:a{*} by {host}.as_count()", 0, "unsupported: a metric query without its evaluation"],
    ["no comparison", "avg(last_5m):avg:a{*}", 21, "unsupported: a metric query without a comparison"],
    ["group-by after the threshold", "avg(last_15m):avg:a{*} > 0.9 by {host}", 29, "unsupported: a group-by after the threshold"],
    ["formula over variables", "formula(\"query1 / query2\").last(\"1m\") > 0.5", 0, "unsupported: formula()"],
    ["unary plus", "avg(last_4h):anomalies(+ avg:a{*}, 'basic', 2) >= 1", 23, "unsupported: a unary `+`"],
    ["an unknown series method", "avg(last_5m):avg:a{*}.as_gauge() > 1", 22, "unsupported: the series method .as_gauge()"],
  ])("%s is unsupported, positioned", (_name, query, offset, reason) => {
    const error = failure(query);
    expect(error).toBeInstanceOf(QueryUnsupportedError);
    expect(error.position.offset).toBe(offset);
    expect(error.reason.startsWith(reason)).toBe(true);
  });

  it("parseExact rejects a spelling that reads the same but writes differently, where it differs", () => {
    expect(parse("avg(last_5m):avg:a{*}>1.0")).toEqual(parse("avg(last_5m):avg:a{*} > 1"));
    expect(() => parseExact("avg(last_5m):avg:a{*}>1")).toThrow(QueryUnsupportedError);
    try {
      parseExact("avg(last_5m):avg:a{*} > 1.0");
    } catch (error) {
      expect((error as QueryParseError).position.offset).toBe(25);
      expect((error as QueryParseError).reason).toMatch(/^unsupported: a spelling that does not write back the same/);
    }
    expect.assertions(4);
  });

  it("parseMonitor holds the query to its monitor type (PF-DD-Q-2)", () => {
    expect(parseMonitor("metric alert", "avg(last_1m):max:scylla.node.operation_mode{*} > 3").kind).toBe("metric");
    expect(parseMonitor("rum alert", "rum(\"@type:view\").rollup(\"count\").last(\"5m\") > 1").kind).toBe("search");
    expect(() => parseMonitor("log alert", "rum(\"@type:view\").rollup(\"count\").last(\"5m\") > 1")).toThrow(
      '1:1: a search query is a monitor of type "rum alert", not "log alert"',
    );
    expect(() => parseMonitor("query alert", "1 && 2")).toThrow(/"composite", not "query alert"/);
  });
});

describe("queries: format refuses a model that would read back differently", () => {
  const metric = (expression: Expr): MonitorQuery => ({
    kind: "metric",
    evaluation: { kind: "window", aggregation: "avg", window: { kind: "last", duration: { amount: 5, unit: "m" } } },
    expression,
    comparator: ">",
    threshold: 1,
  });
  const a = series("a");
  const b = series("b");

  it("needs a group for a sum under a product, or a difference on the right of a difference", () => {
    expect(() => format(metric({ kind: "binary", op: "*", left: { kind: "binary", op: "+", left: a, right: b }, right: { kind: "number", value: 100 } }))).toThrow(
      QueryModelError,
    );
    expect(() => format(metric({ kind: "binary", op: "-", left: a, right: { kind: "binary", op: "-", left: a, right: b } }))).toThrow(/right of "-"/);
    expect(format(metric({ kind: "binary", op: "-", left: { kind: "binary", op: "-", left: a, right: b }, right: a }))).toContain("}.as_count() - sum:b");
  });

  it("writes a negative number as a number, not a negation", () => {
    expect(() => format(metric({ kind: "negate", operand: { kind: "number", value: 1 } }))).toThrow(/negative value/);
  });

  it("names composite monitors by numeric ID and whole-number durations only", () => {
    expect(() => format({ kind: "composite", expression: { kind: "monitor", id: "a" } })).toThrow(/numeric ID/);
    expect(() =>
      format({ kind: "slo", measure: "error_budget", sloId: "x", timeframe: { amount: 1.5, unit: "d" }, comparator: ">", threshold: 1 }),
    ).toThrow(/positive whole number/);
  });
});

describe("queries: the threshold's unit comes from the query's structure", () => {
  it.each([
    ["a share of counts × 100", "sum(last_5m):sum:a.errors{*}.as_count() / sum:a.hits{*}.as_count() * 100 > 1", "percent"],
    ["100 × a share of counts", "sum(last_5m):100 * sum:a.errors{*}.as_count() / sum:a.hits{*}.as_count() >= 90", "percent"],
    ["one minus a share, grouped, × 100", "max(next_3d):forecast(( 1 - avg:d.free{*} / avg:d.total{*} ) * 100, 'linear', 1) >= 99", "percent"],
    ["a share of counts", "sum(last_1h):(sum:a.bad{*}.as_count()) / (sum:a.all{*}.as_count()) > 0.01", "fraction"],
    ["pct_change", "pct_change(sum(last_1h),last_1d):sum:shop.revenue{*}.as_count() < -50", "percent"],
    ["change keeps the series' unit", "change(sum(last_5m),last_1h):sum:t.failed{*}.as_count() > 50", "count"],
    ["a count", "sum(last_1h):sum:auth.failed{*}.as_count() > 50", "count"],
    ["a rate", "avg(last_5m):avg:clickhouse.query.failed.count{*}.as_rate() > 5", "per-second"],
    ["an APM percentile (PF-DD-Q-6)", "percentile(last_5m):p95:trace.http.request{service:api} > 0.5", "seconds"],
    ["a gauge in its own unit", "avg(last_5m):avg:db.query.time{*} > 200", "metric"],
    ["an anomaly (PF-DD-Q-3)", "avg(last_4h):anomalies(sum:a{*}.as_count(), 'agile', 2) >= 1", "anomalous-fraction"],
    ["a forecast keeps its series' unit", "min(next_1d):forecast(min:shop.remaining{*}, 'linear', 1) < 1", "metric"],
    ["default_zero keeps its argument's unit", "max(last_10m):default_zero(sum:k.restarts{*}.as_count()) >= 1", "count"],
    ["RUM timings (PF-DD-Q-14)", "rum(\"@type:view\").rollup(\"pc75\", \"@view.largest_contentful_paint\").last(\"1d\") > 2500000000", "nanoseconds"],
    ["RUM CLS has no time unit", "rum(\"@type:view\").rollup(\"pc75\", \"@view.cumulative_layout_shift\").last(\"1d\") > 0.1", "metric"],
    ["a log count", "logs(\"status:error\").index(\"*\").rollup(\"count\").last(\"5m\") > 10", "count"],
    ["a burn rate (PF-DD-Q-12)", "burn_rate(\"x\").over(\"30d\").long_window(\"1h\").short_window(\"5m\") > 14.4", "burn-rate"],
    ["an error budget (PF-DD-Q-11)", "error_budget(\"x\").over(\"7d\") > 50", "budget-percent"],
    ["a service check counts runs", "\"a\".over(\"*\").last(3).count_by_status()", "count"],
    ["a composite compares nothing", "1 && 2", "none"],
  ])("%s", (_name, query, unit) => {
    expect(unitOf(parse(query))).toBe(unit);
  });
});

describe("queries: a query's trailing comparison, and composites over names", () => {
  it.each([
    ["a metric query", "avg(last_5m):avg:a{*} > 3", { comparator: ">", threshold: 3, start: 22 }],
    ["a negative threshold, no spaces", "pct_change(avg(last_1h),last_1h):sum:r{*}<=-50", { comparator: "<=", threshold: -50, start: 41 }],
    ["a query that does not parse as a whole", "weird(stuff) != 0.5", { comparator: "!=", threshold: 0.5, start: 13 }],
  ])("finds the comparison that ends %s", (_what, query, expected) => {
    expect(trailingComparison(query)).toEqual(expected);
  });

  it.each([
    ["no comparison", "avg(last_5m):avg:a{*}"],
    ["a comparison not at the end", "avg(last_5m):avg:a{*} > 3 by {host}"],
    ["a comparator without a number", "avg(last_5m):avg:a{*} >"],
    ["a composite", "1 && 2"],
    ["text that does not tokenize", "avg(last_5m):a{*} > 3 ;"],
  ])("finds none in %s", (_what, query) => {
    expect(trailingComparison(query)).toBeUndefined();
  });

  it("knows which forms compare in the query", () => {
    expect(comparesInQuery(parse("avg(last_5m):avg:a{*} > 3"))).toBe(true);
    expect(comparesInQuery(parse("1 && 2"))).toBe(false);
  });

  it("reads a composite over monitor names and gives each operand its ID", () => {
    const ids = new Map([["prod-checkout-burn-99.9-fast-id", "101"], ["prod-checkout-burn-99.9-slow-id", "102"], ["a-5xx-id", "103"]]);
    const model = parseCompositeOfNames("prod-checkout-burn-99.9-fast-id && (prod-checkout-burn-99.9-slow-id || !a-5xx-id)", (name) => ids.get(name));
    expect(format(model)).toBe("101 && (102 || !103)");
    expect(format(parseCompositeOfNames("12345 || known-id", (name) => ids.get(name) ?? (name === "known-id" ? "7" : undefined)))).toBe("12345 || 7");
  });

  it("refuses a composite over names that is malformed or leaves an operand without an ID", () => {
    expect(() => parseCompositeOfNames("a-id && && b-id", () => "1")).toThrow(QueryParseError);
    expect(() => format(parseCompositeOfNames("a-id && unknown-id", (name) => (name === "a-id" ? "1" : undefined)))).toThrow(/numeric ID, not "unknown-id"/);
  });
});
