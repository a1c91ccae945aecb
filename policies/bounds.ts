/**
 * Threshold bounds and the rules beside them, by rule group: the guides' numbers as one
 * table (boundsConventions.ts) enforced on alert thresholds (thresholdBounds.ts), SLO
 * targets (sloTargets.ts), evaluation windows (alertWindows.ts) and the monitoring budget
 * (budget.ts). This file only assembles them.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { alertWindowsNotFlapping, alertWindowsRecommended } from "./alertWindows";
import { monitoringBudget } from "./budget";
import { sloTargetsRecommended, sloTargetsWithinBounds } from "./sloTargets";
import { alertThresholdsRecommended, alertThresholdsWithinBounds } from "./thresholdBounds";

export { configKey, CONVENTIONS, recommendedSchema, withinBoundsSchema, type Cited, type Convention } from "./boundsConventions";
export { windowSeconds, windowsSchema } from "./alertWindows";
export { budgetSchema, monthlyRuns, type TestRuns } from "./budget";
export { sloTargetsRecommendedSchema, sloTargetsSchema, SLO_TARGET } from "./sloTargets";
export { formatValue } from "./monitorView";

export const boundsPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
  alertThresholdsWithinBounds,
  alertThresholdsRecommended,
  sloTargetsWithinBounds,
  sloTargetsRecommended,
  alertWindowsNotFlapping,
  alertWindowsRecommended,
  monitoringBudget,
];

