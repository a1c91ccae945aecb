/**
 * An imported monitor → one of the catalog's signals, when the signal's alert compiles to
 * the very same query and thresholds: candidates are read off the query's model, each is
 * validated as a catalog alert and compiled (catalog/alertQueries.ts), and the first whose
 * compiled query reads as the same model, with the same thresholds, wins. Pure.
 */
import { format, formatNumber, parse, type Expr, type MetricQuery, type MonitorQuery, type Series } from "../../queries";
import { durationSeconds } from "../../queries/durations";
import { compileAlert } from "../../catalog/alertQueries";
import { parseCatalog } from "../../catalog/load";
import { formatSeconds } from "../../catalog/units";

type Json = Record<string, unknown>;

export interface SignalMatch {
  /** The alert in the catalog's raw form (`alerts[]`), without name and severity. */
  readonly alert: Json;
  /** The service's APM operation, when the signal reads APM metrics. */
  readonly apmOperation?: string;
}

interface Candidate {
  readonly alert: Json;
  readonly apmOperation?: string;
  /** A threshold in the query's unit → the catalog's quantity. */
  readonly quantity: (value: number) => string | number;
}

/** The first series of an expression, reading left to right (`a` of `a / b * 100`). */
function leftmostSeries(e: Expr): Series | undefined {
  if (e.kind === "series") return e;
  if (e.kind === "binary") return leftmostSeries(e.left);
  if (e.kind === "group") return leftmostSeries(e.inner);
  return undefined;
}

function candidates(model: MetricQuery): Candidate[] {
  const e = model.expression;
  const out: Candidate[] = [];
  const series = leftmostSeries(e);
  if (!series) return out;
  const apm = /^trace\.([a-z][a-z0-9_.]*?)(\.errors)?$/.exec(series.metric);
  if (e.kind === "series" && model.evaluation.kind === "window") {
    const aggregation = model.evaluation.aggregation;
    if (aggregation !== "percentile") out.push({ alert: { signal: "metric", metrics: { value: series.metric }, aggregation }, quantity: (v) => v });
    if (apm && !apm[2] && /^p(50|75|90|95|99)$/.test(String(series.space))) {
      out.push({ alert: { signal: "http.latency", percentile: series.space }, apmOperation: apm[1], quantity: (v) => `${formatNumber(v * 1000)}ms` });
    }
  }
  if (apm?.[2]) out.push({ alert: { signal: "http.error-rate" }, apmOperation: apm[1], quantity: (v) => `${formatNumber(v)}%` });
  return out;
}

const normal = (query: string): string => format(parse(query));

/**
 * The signal whose alert on `service` in `environment` compiles to the monitor's type,
 * query and thresholds (critical, warning, critical_recovery), or undefined.
 */
export function matchSignal(environment: string, service: string, type: string, query: string, model: MonitorQuery, thresholds: Readonly<Record<string, number>>): SignalMatch | undefined {
  if (model.kind !== "metric" || type !== "query alert" || model.evaluation.kind !== "window" || model.evaluation.window.kind !== "last") return undefined;
  if (model.comparator !== ">" && model.comparator !== "<") return undefined;
  if (Object.keys(thresholds).some((k) => !["critical", "warning", "recovery"].includes(k))) return undefined;
  const window = formatSeconds(durationSeconds(model.evaluation.window.duration));
  for (const c of candidates(model)) {
    const alert: Json = {
      ...c.alert,
      comparison: model.comparator === ">" ? "above" : "below",
      critical: c.quantity(model.threshold),
      ...(thresholds.warning !== undefined ? { warning: c.quantity(thresholds.warning) } : {}),
      ...(thresholds.recovery !== undefined ? { recovery: c.quantity(thresholds.recovery) } : {}),
      window,
    };
    const text = JSON.stringify({
      environment,
      products: [{ name: "p", description: "p" }],
      services: [{ name: service, product: "p", team: "t", tier: 2, description: "d", runbook: "https://r.invalid/", ...(c.apmOperation ? { apmOperation: c.apmOperation } : {}), alerts: [{ name: "a", severity: "P3", ...alert }] }],
    });
    let compiled;
    try {
      const s = parseCatalog([{ file: "candidate.yaml", text }]).services[0];
      compiled = compileAlert(environment, s, s.alerts[0]);
    } catch {
      continue;
    }
    const same =
      compiled.type === type &&
      normal(compiled.query) === normal(query) &&
      Number(compiled.thresholds.critical) === model.threshold &&
      (compiled.thresholds.warning === undefined ? undefined : Number(compiled.thresholds.warning)) === thresholds.warning &&
      (compiled.thresholds.criticalRecovery === undefined ? undefined : Number(compiled.thresholds.criticalRecovery)) === thresholds.recovery;
    if (same) return { alert, ...(c.apmOperation ? { apmOperation: c.apmOperation } : {}) };
  }
  return undefined;
}
