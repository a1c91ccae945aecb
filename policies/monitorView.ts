/**
 * A Datadog monitor as the bound rules read it: its tags, severity, critical threshold
 * and query, the query read as a query model (queries/), never matched with patterns.
 */
import { numberOf } from "../json/numbers";
import { parseOrUndefined, type MonitorQuery } from "../queries";
import { objectProp, parseTags, readKnown, UNKNOWN } from "./support";

/** One number as people write it: no float noise. */
export function formatValue(value: number): string {
  return String(Number(value.toPrecision(10)));
}

export { numberOf };

/** Monitors whose query names other resources' IDs (unknown in a preview): never read. */
const QUERY_NAMES_IDS: ReadonlySet<string> = new Set(["slo alert", "composite"]);

export interface MonitorView {
  readonly tags: Map<string, string>;
  readonly severity: string;
  /** The query, or "" when it is not readable (unknown, or names IDs). */
  readonly query: string;
  /** The query as its model; undefined when it is not readable or not of a modelled form. */
  readonly model?: MonitorQuery;
  readonly critical?: number;
  readonly criticalText?: string;
}

export function readMonitor(props: Record<string, unknown>): MonitorView | undefined {
  const tags = readKnown(() => parseTags(props.tags));
  if (tags === UNKNOWN) return undefined;
  const type = readKnown(() => props.type);
  const query = type === UNKNOWN || QUERY_NAMES_IDS.has(String(type)) ? "" : readKnown(() => props.query);
  const thresholds = readKnown(() => {
    const t = objectProp(props.monitorThresholds);
    return t === undefined ? undefined : t.critical;
  });
  const critical = thresholds === UNKNOWN ? undefined : numberOf(thresholds);
  const text = typeof query === "string" ? query : "";
  const model = text === "" ? undefined : modelOf(text);
  return {
    tags,
    severity: (tags.get("severity") ?? "").toLowerCase(),
    query: text,
    ...(model ? { model } : {}),
    ...(critical === undefined ? {} : { critical, criticalText: String(thresholds) }),
  };
}


/** A query as its model; undefined when it is not of a form the model reads. */
export const modelOf = parseOrUndefined;

/** The catalog keys a message names: alert <alert> of service <service>. */
export function catalogPlace(tags: Map<string, string>): string {
  const alert = tags.get("alert");
  const service = tags.get("service");
  if (alert && service) return `the catalog alert ${alert} of service ${service}`;
  if (service) return `the catalog alerts of service ${service}`;
  return "the catalog";
}
