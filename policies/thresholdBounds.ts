/**
 * alert-thresholds-within-bounds and alert-thresholds-recommended: the conventions table
 * (boundsConventions.ts) enforced twice. The mandatory rule holds every alert to the
 * loosest value any guide accepts; the advisory rule recommends the strictest.
 *
 * Thresholds are read from what Datadog will evaluate (a monitor's
 * `monitorThresholds.critical`, in the unit its query yields: queries/units.ts reads it
 * from the query's model, with the unit the monitor's signal declares for a bare gauge
 * such as storage usage's 0–1) and converted into the table's unit, never from the catalog.
 */
import type { PolicyConfigSchema, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { convertUnit, converts, thresholdUnit, type MonitorQuery } from "../queries";
import { isSignalName, signalSpec } from "../catalog/signals";
import { configKey, CONVENTIONS, PAGING_SEVERITIES, recommendedSchema, withinBoundsSchema, type Convention } from "./boundsConventions";
import { catalogPlace, formatValue, numberOf, readMonitor, type MonitorView } from "./monitorView";
import { configOf, DATADOG_MONITOR } from "./support";

/** `percentile(last_5m):p95:trace.…` → "p95": an APM percentile monitor's percentile. */
function percentileOf(model: MonitorQuery | undefined): string | undefined {
  if (model?.kind !== "metric" || model.evaluation.aggregation !== "percentile" || model.expression.kind !== "series") return undefined;
  return model.expression.space;
}

/** The critical threshold in the convention's unit; undefined when the query's unit does not convert into it. */
function criticalIn(convention: Convention, view: MonitorView & { readonly critical: number }): number | undefined {
  if (!view.model) return undefined;
  const signal = convention.signal;
  const unit = thresholdUnit(view.model, isSignalName(signal) ? signalSpec(signal).metricUnit : undefined);
  return converts(unit, convention.unit.unit) ? convertUnit(view.critical, unit, convention.unit.unit) : undefined;
}

function conventionFor(view: MonitorView): Convention | undefined {
  const signal = view.tags.get("signal");
  if (!signal) return undefined;
  const candidates = CONVENTIONS.filter((c) => c.signal === signal);
  if (candidates.length === 0) return undefined;
  const percentile = percentileOf(view.model);
  return candidates.find((c) => c.percentile === undefined || c.percentile === percentile);
}

interface BoundsConfig {
  readonly severities: string[];
  readonly [key: string]: unknown;
}

function boundsValidator(schema: PolicyConfigSchema, level: "mandatory" | "advisory") {
  return (args: ResourceValidationArgs, reportViolation: ReportViolation): void => {
    if (args.type !== DATADOG_MONITOR) return;
    const view = readMonitor(args.props);
    if (!view || view.critical === undefined) return;
    const critical = view.critical;
    const convention = conventionFor(view);
    if (!convention) return;
    const config = configOf<BoundsConfig>(schema, args);
    const severities = (config.severities ?? PAGING_SEVERITIES).map((s) => s.toLowerCase());
    if (convention.appliesTo === "paging" && !severities.includes(view.severity)) return;
    const bound = numberOf(config[configKey(convention)]);
    if (bound === undefined) return;
    const value = criticalIn(convention, { ...view, critical });
    if (value === undefined) return;
    const epsilon = 1e-9 * Math.max(1, Math.abs(bound));
    const looser = convention.direction === "max" ? value > bound + epsilon : value < bound - epsilon;
    if (!looser) return;
    const u = convention.unit.suffix;
    const cited = level === "mandatory" ? convention.loosest : convention.strictest;
    const fromConfig = bound !== cited.value;
    const limit = `${convention.direction === "max" ? "at most" : "at least"} ${formatValue(bound)}${u}`;
    const who = convention.appliesTo === "paging" ? `a ${view.severity.toUpperCase()} (paging) alert` : "every alert";
    const subject = `Monitor "${args.name}" (${view.severity.toUpperCase() || "no severity"} ${convention.signal}${convention.percentile ? ` ${convention.percentile}` : ""})`;
    const fires = convention.direction === "max" ? `fires only above ${formatValue(value)}${u}` : `fires only below ${formatValue(value)}${u}`;
    const verb = convention.direction === "max" ? "Lower" : "Raise";
    const orWord = convention.direction === "max" ? "or less" : "or more";
    reportViolation(
      `${subject} ${fires}: ${level === "mandatory" ? "looser than any guide accepts" : "looser than the guides recommend"} for ${who} ` +
        `(${convention.what} critical ${limit}${fromConfig ? `, config ${configKey(convention)}` : ""}; ${cited.source}). ` +
        `${verb} critical to ${formatValue(bound)}${u} ${orWord} in ${catalogPlace(view.tags)}.`,
    );
  };
}

const COVERED = [...new Set(CONVENTIONS.map((c) => c.signal + (c.percentile ? ` ${c.percentile}` : "")))].join(", ");

export const alertThresholdsWithinBounds: ResourceValidationPolicy = {
  name: "alert-thresholds-within-bounds",
  description:
    "A paging (P0/P1) Datadog monitor's critical threshold is no looser than the loosest value any guide accepts " +
    `(error rate ≤ 5 %, p95/p99 latency ≤ 5 s, payment success ≥ 95 % …; web-vitals targets for every severity). Covers ${COVERED}.`,
  enforcementLevel: "mandatory",
  configSchema: withinBoundsSchema,
  validateResource: boundsValidator(withinBoundsSchema, "mandatory"),
};

export const alertThresholdsRecommended: ResourceValidationPolicy = {
  name: "alert-thresholds-recommended",
  description:
    "A paging (P0/P1) Datadog monitor's critical threshold is as strict as the strictest guide " +
    "(error rate ≤ 1 %, p95 latency ≤ 1 s, p99 ≤ 2 s, DB query time ≤ 200 ms …): the same table as alert-thresholds-within-bounds, at its other end.",
  enforcementLevel: "advisory",
  configSchema: recommendedSchema,
  validateResource: boundsValidator(recommendedSchema, "advisory"),
};
