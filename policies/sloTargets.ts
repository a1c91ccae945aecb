/**
 * slo-targets-within-bounds and slo-targets-recommended: every Datadog SLO target at
 * least the loosest (mandatory) and the common (advisory) availability target of the guides.
 */
import type { PolicyConfigSchema, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { G000, G002, G003, G004, type Cited } from "./boundsConventions";
import { formatValue, numberOf } from "./monitorView";
import { configOf, DATADOG_SLO, objectProp, parseTags, readKnown, UNKNOWN } from "./support";

export const SLO_TARGET: { readonly loosest: Cited; readonly strictest: Cited } = {
  loosest: { value: 99, source: `${G002} §Availability Targets: "SMS Notifications" Target 99% (the loosest target any guide sets)` },
  strictest: {
    value: 99.9,
    source: `${G000} §3 "Uptime: Target 99.9%"; ${G002} §Monitoring Objectives "99.9% uptime"; ${G003} §Application Performance "Target 99.9% availability"; ${G004} §Success Metrics "99.9% uptime"`,
  },
};

function sloSchema(level: "loosest" | "strictest"): PolicyConfigSchema {
  return {
    properties: {
      minTargetPercent: {
        type: "number",
        minimum: 0,
        maximum: 100,
        default: SLO_TARGET[level].value,
        description: `Lowest target of a Datadog SLO (every threshold and timeframe), in percent; the ${level} value of the guides: ${SLO_TARGET[level].source}.`,
      },
    },
  };
}

export const sloTargetsSchema = sloSchema("loosest");
export const sloTargetsRecommendedSchema = sloSchema("strictest");

function sloValidator(schema: PolicyConfigSchema, level: "mandatory" | "advisory") {
  return (args: ResourceValidationArgs, reportViolation: ReportViolation): void => {
    if (args.type !== DATADOG_SLO) return;
    const thresholds = readKnown(() => args.props.thresholds);
    if (thresholds === UNKNOWN || !Array.isArray(thresholds)) return;
    const tags = readKnown(() => parseTags(args.props.tags));
    const config = configOf<{ minTargetPercent: number }>(schema, args);
    const min = config.minTargetPercent;
    const cited = level === "mandatory" ? SLO_TARGET.loosest : SLO_TARGET.strictest;
    const lowest = thresholds
      .map((t) => ({ target: numberOf(objectProp(t)?.target), timeframe: String(objectProp(t)?.timeframe ?? "?") }))
      .filter((t): t is { target: number; timeframe: string } => t.target !== undefined && t.target < min);
    if (lowest.length === 0) return;
    const service = tags === UNKNOWN ? undefined : tags.get("service");
    reportViolation(
      `SLO "${args.name}" targets ${lowest.map((t) => `${formatValue(t.target)}% over ${t.timeframe}`).join(", ")}: ` +
        `${level === "mandatory" ? "looser than any guide accepts" : "looser than the guides recommend"} (at least ${formatValue(min)}%; ${cited.source}). ` +
        `Raise the target to ${formatValue(min)}% or more in the catalog SLO${service ? ` of service ${service}` : ""}.`,
    );
  };
}

export const sloTargetsWithinBounds: ResourceValidationPolicy = {
  name: "slo-targets-within-bounds",
  description: "Every Datadog SLO target is at least the loosest availability target any guide sets (99 %: 002's SMS notifications).",
  enforcementLevel: "mandatory",
  configSchema: sloTargetsSchema,
  validateResource: sloValidator(sloTargetsSchema, "mandatory"),
};

export const sloTargetsRecommended: ResourceValidationPolicy = {
  name: "slo-targets-recommended",
  description: "Every Datadog SLO target is at least the guides' common availability target (99.9 %).",
  enforcementLevel: "advisory",
  configSchema: sloTargetsRecommendedSchema,
  validateResource: sloValidator(sloTargetsRecommendedSchema, "advisory"),
};
