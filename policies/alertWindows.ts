/**
 * alert-windows-not-flapping and alert-windows-recommended: every monitor evaluates
 * enough data that one sample cannot flip it; the window is read from the query's model.
 */
import type { PolicyConfigSchema, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { durationSeconds, formatSeconds, type MonitorQuery } from "../queries";
import { G000, G002, G004 } from "./boundsConventions";
import { catalogPlace, modelOf, readMonitor } from "./monitorView";
import { configOf, DATADOG_MONITOR } from "./support";

/** The rolling window a monitor's query evaluates (`last_5m`, `.last("5m")`); cumulative windows and forecasts: undefined. */
function windowOf(model: MonitorQuery | undefined): number | undefined {
  if (model?.kind === "metric") return model.evaluation.window.kind === "last" ? durationSeconds(model.evaluation.window.duration) : undefined;
  if (model?.kind === "search") return durationSeconds(model.window);
  return undefined;
}

/** The evaluation window of a monitor's query, in seconds (forecasts and unreadable queries: undefined). */
export function windowSeconds(query: string): number | undefined {
  return windowOf(modelOf(query));
}

export const windowsSchema: PolicyConfigSchema = {
  properties: {
    minWindowSeconds: {
      type: "number",
      minimum: 0,
      default: 60,
      description:
        `Shortest evaluation window of any monitor, in seconds (default 60: the shortest duration a guide gives, ${G002} §Critical Alerts: API Downtime "duration: 1m").`,
    },
    minWindowSecondsRecommended: {
      type: "number",
      minimum: 0,
      default: 300,
      description:
        `Advisory: shortest window of a monitor below the short-window severities, in seconds (default 300: ${G000} §Critical Alerts 3 "for 5 minutes"; ${G004} §Critical Alerts to Set Up 1 "in 5 minutes").`,
    },
    shortWindowSeverities: {
      type: "array",
      items: { type: "string", minLength: 1 },
      uniqueItems: true,
      default: ["p0"],
      description: `Severities allowed a window shorter than minWindowSecondsRecommended (default ["p0"]: 002's critical alerts use 1–2 minutes).`,
    },
  },
};

interface WindowsConfig {
  readonly minWindowSeconds: number;
  readonly minWindowSecondsRecommended: number;
  readonly shortWindowSeverities: string[];
}

function windowsValidator(level: "mandatory" | "advisory") {
  return (args: ResourceValidationArgs, reportViolation: ReportViolation): void => {
    if (args.type !== DATADOG_MONITOR) return;
    const view = readMonitor(args.props);
    if (!view) return;
    const seconds = windowOf(view.model);
    if (seconds === undefined) return;
    const config = configOf<WindowsConfig>(windowsSchema, args);
    const place = catalogPlace(view.tags);
    if (level === "mandatory") {
      if (seconds >= config.minWindowSeconds) return;
      reportViolation(
        `Monitor "${args.name}" evaluates only the last ${formatSeconds(seconds)}: one noisy sample flips it (it flaps). ` +
          `Set window to ${formatSeconds(config.minWindowSeconds)} or more in ${place} (the shortest a guide gives: ${G002} §Critical Alerts: API Downtime "duration: 1m").`,
      );
      return;
    }
    const exempt = config.shortWindowSeverities.map((s) => s.toLowerCase()).includes(view.severity);
    if (exempt || seconds >= config.minWindowSecondsRecommended) return;
    reportViolation(
      `Monitor "${args.name}" (${view.severity.toUpperCase() || "no severity"}) evaluates only the last ${formatSeconds(seconds)}; ` +
        `below P0 the guides alert on ${formatSeconds(config.minWindowSecondsRecommended)} (${G000} §Critical Alerts 3 "for 5 minutes"; ${G004} §Critical Alerts to Set Up 1 "in 5 minutes"). ` +
        `Set window to ${formatSeconds(config.minWindowSecondsRecommended)} or more in ${place}.`,
    );
  };
}

export const alertWindowsNotFlapping: ResourceValidationPolicy = {
  name: "alert-windows-not-flapping",
  description: "Every Datadog monitor evaluates at least 1 minute of data (config minWindowSeconds), so a single sample cannot flip it.",
  enforcementLevel: "mandatory",
  configSchema: windowsSchema,
  validateResource: windowsValidator("mandatory"),
};

export const alertWindowsRecommended: ResourceValidationPolicy = {
  name: "alert-windows-recommended",
  description: "Monitors below P0 evaluate at least 5 minutes of data (config minWindowSecondsRecommended, shortWindowSeverities).",
  enforcementLevel: "advisory",
  configSchema: windowsSchema,
  validateResource: windowsValidator("advisory"),
};
