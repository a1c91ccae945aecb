/** An alert's condition in words, for monitor messages and dashboard panels. */
import { formatSeconds } from "../queries";
import type { Alert } from "./model";
import { signalSpec } from "./signals";

const COMPARISON_WORDS = { above: "above", below: "below" } as const;

/** "p95 latency of POST /api/charge above 1s over 5m (warning at 500ms)": the condition in words. */
export function describeAlert(alert: Alert): string {
  const spec = signalSpec(alert.signal);
  const subject = [
    alert.percentile && (spec.family === "http" || spec.family === "rum") ? `${alert.percentile} ` : "",
    alert.signal,
    alert.route ? ` of ${alert.route}` : "",
    alert.page ? ` on ${alert.page}` : "",
    alert.filter.length > 0 ? ` where ${alert.filter.join(", ")}` : "",
  ].join("");
  if (spec.form === "anomaly") {
    const band = `${subject} ${alert.comparison} its expected band (${alert.deviations ?? 2} deviations)`;
    return `${band} for ${alert.critical.text} of ${formatSeconds(alert.windowSeconds)}${alert.warning ? ` (warning at ${alert.warning.text})` : ""}`;
  }
  const form =
    spec.form === "change" ? ` against ${formatSeconds(alert.compareToSeconds ?? 3_600)} earlier` :
    spec.form === "forecast" ? ` forecast over the next ${formatSeconds(alert.horizonSeconds ?? 86_400)}` : "";
  const comparison = spec.form === "forecast" ? `at or ${COMPARISON_WORDS[alert.comparison]}` : COMPARISON_WORDS[alert.comparison];
  const over = alert.schedule ? `today by ${alert.schedule.at} (${alert.schedule.timezone})` : `over ${formatSeconds(alert.windowSeconds)}`;
  const parts = [`${subject}${form} ${comparison} ${alert.critical.text} ${over}`];
  if (alert.warning) parts.push(`(warning at ${alert.warning.text})`);
  return parts.join(" ");
}
