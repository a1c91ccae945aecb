/**
 * What a change costs: the monthly synthetics runs and their price, and the number of
 * monitors, before and after, against the monitoring budget. The runs and prices are the
 * policy pack's own (`monitoring-budget` in policies/bounds.ts: `monthlyRuns`, the
 * defaults of its config schema), so the diff and the pack never disagree.
 */
import { budgetSchema, monitoringBudget, monthlyRuns } from "../../policies/budget";
import { configOf } from "../../policies/support";
import { InputError } from "../errors";
import { DATADOG_TYPE } from "../../catalog/names";
import type { Plan } from "../engine/plan";
import { asJsonObject } from "../engine/marshal";
import { parsePolicyConfig, policyPropertyProblems } from "../engine/policyConfig";
import { PolicyConfigError } from "../engine/policyTypes";

const SYNTHETICS_TEST = DATADOG_TYPE.syntheticsTest;
const MONITOR = DATADOG_TYPE.monitor;

export interface PlanCost {
  readonly apiRuns: number;
  readonly browserRuns: number;
  /** US dollars a month at the budget rule's prices. */
  readonly usd: number;
  /** Datadog monitors (alerts, burn-rate alerts, freshness checks). */
  readonly monitors: number;
  readonly syntheticsTests: number;
}

export interface CostDelta {
  readonly base: PlanCost;
  readonly head: PlanCost;
  /** The budget rule's config: the monthly budget and the prices. */
  readonly budget: { readonly monthlyBudgetUsd: number; readonly pricePer10kApiRunsUsd: number; readonly pricePer1kBrowserRunsUsd: number };
}

type Budget = CostDelta["budget"];

/** The budget rule's config with `config` (the pack's `monitoring-budget` policy config) over its defaults. */
export function budgetOf(config: Readonly<Record<string, unknown>> = {}): Budget {
  return configOf<Budget>(budgetSchema, { getConfig: <T>() => config as T });
}

/**
 * The budget rule's config in a policy config file (`lookout diff --policy-config`, the
 * format `lookout plan --policy-config` reads): its `monitoring-budget` entry over the
 * defaults, checked against the rule's schema. Bad entries: an InputError naming the file.
 */
export function budgetOfPolicyConfig(config: Readonly<Record<string, unknown>>, file: string): Budget {
  let problems: readonly string[];
  let properties = {};
  try {
    properties = parsePolicyConfig(config).get(monitoringBudget.name)?.properties ?? {};
    // The schema as JSON, as the engine receives it from the pack (analyzerProtocol.ts).
    const schema = { properties: Object.fromEntries(Object.entries(budgetSchema.properties).map(([k, v]) => [k, asJsonObject(v)])) };
    problems = policyPropertyProblems(monitoringBudget.name, schema, properties);
  } catch (error) {
    if (!(error instanceof PolicyConfigError)) throw error;
    problems = error.problems;
  }
  if (problems.length > 0) throw new InputError(`${file}: invalid policy config:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  return budgetOf(properties);
}

export function costOf(plan: Plan, budget: Budget): PlanCost {
  // In name order, as the rule sums them (a floating-point sum depends on its order).
  const tests = plan.resources
    .filter((r) => r.type === SYNTHETICS_TEST)
    .flatMap((r) => monthlyRuns({ name: r.name, props: r.inputs }) ?? [])
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const apiRuns = tests.filter((t) => t.kind === "api").reduce((sum, t) => sum + t.runs, 0);
  const browserRuns = tests.filter((t) => t.kind === "browser").reduce((sum, t) => sum + t.runs, 0);
  return {
    apiRuns,
    browserRuns,
    usd: (apiRuns / 10_000) * budget.pricePer10kApiRunsUsd + (browserRuns / 1_000) * budget.pricePer1kBrowserRunsUsd,
    monitors: plan.resources.filter((r) => r.type === MONITOR).length,
    syntheticsTests: plan.resources.filter((r) => r.type === SYNTHETICS_TEST).length,
  };
}

export function costDelta(base: Plan, head: Plan, budget: Budget = budgetOf()): CostDelta {
  return { base: costOf(base, budget), head: costOf(head, budget), budget };
}
