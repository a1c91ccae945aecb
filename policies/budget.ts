/**
 * monitoring-budget: the stack's synthetic test runs a month, priced, against the
 * monitoring budget of the guides.
 */
import type { PolicyConfigSchema, PolicyResource, ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { G001 } from "./boundsConventions";
import { numberOf } from "./monitorView";
import { configOf, DATADOG_SYNTHETICS_TEST, objectProp, readKnown, UNKNOWN } from "./support";

const SECONDS_PER_MONTH = 30 * 86_400;

export const budgetSchema: PolicyConfigSchema = {
  properties: {
    monthlyBudgetUsd: {
      type: "number",
      minimum: 0,
      default: 60,
      description: `Monthly monitoring budget in US dollars (default 60: ${G001} §10 Monitoring Budget "Total: ~$60/month").`,
    },
    pricePer10kApiRunsUsd: {
      type: "number",
      minimum: 0,
      default: 5,
      description:
        "US dollars per 10,000 Datadog API test runs (single and multistep; a multistep test's every step counts). Default 5: Datadog's list price billed annually — an assumption, not from the guides; set your contract's price.",
    },
    pricePer1kBrowserRunsUsd: {
      type: "number",
      minimum: 0,
      default: 12,
      description: "US dollars per 1,000 Datadog browser test runs (per device). Default 12: Datadog's list price billed annually — an assumption, not from the guides.",
    },
  },
};

interface BudgetConfig {
  readonly monthlyBudgetUsd: number;
  readonly pricePer10kApiRunsUsd: number;
  readonly pricePer1kBrowserRunsUsd: number;
}

export interface TestRuns {
  readonly name: string;
  readonly kind: "api" | "browser";
  readonly runs: number;
}

/** A synthetics test's runs a month: locations × runs per location (× steps, × devices); paused and unreadable tests: undefined. */
export function monthlyRuns(resource: Pick<PolicyResource, "name" | "props">): TestRuns | undefined {
  const read = readKnown(() => {
    const props = resource.props;
    if (props.status === "paused") return undefined;
    const options = objectProp(props.optionsList);
    const tickEvery = numberOf(options?.tickEvery);
    const locations = Array.isArray(props.locations) ? props.locations.length : 0;
    if (tickEvery === undefined || tickEvery <= 0 || locations === 0) return undefined;
    const perLocation = SECONDS_PER_MONTH / tickEvery;
    if (props.type === "browser") {
      const devices = Array.isArray(props.deviceIds) && props.deviceIds.length > 0 ? props.deviceIds.length : 1;
      return { name: resource.name, kind: "browser" as const, runs: perLocation * locations * devices };
    }
    if (props.type !== "api") return undefined;
    const steps = props.subtype === "multi" && Array.isArray(props.apiSteps) && props.apiSteps.length > 0 ? props.apiSteps.length : 1;
    return { name: resource.name, kind: "api" as const, runs: perLocation * locations * steps };
  });
  return read === UNKNOWN ? undefined : read;
}

const usd = (value: number): string => `$${value.toFixed(2)}`;
const count = (value: number): string => Math.round(value).toLocaleString("en-US");

function validateBudget(args: StackValidationArgs, reportViolation: ReportViolation): void {
  const config = configOf<BudgetConfig>(budgetSchema, args);
  // In name order: a floating-point sum depends on its order, and the engine's resource
  // order is not the stack's (a sharded plan analyzes the same stack in another order).
  const tests = args.resources
    .filter((r) => r.type === DATADOG_SYNTHETICS_TEST)
    .flatMap((r) => monthlyRuns(r) ?? [])
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (tests.length === 0) return;
  const costOf = (t: TestRuns) =>
    t.kind === "api" ? (t.runs / 10_000) * config.pricePer10kApiRunsUsd : (t.runs / 1_000) * config.pricePer1kBrowserRunsUsd;
  const apiRuns = tests.filter((t) => t.kind === "api").reduce((sum, t) => sum + t.runs, 0);
  const browserRuns = tests.filter((t) => t.kind === "browser").reduce((sum, t) => sum + t.runs, 0);
  const total = (apiRuns / 10_000) * config.pricePer10kApiRunsUsd + (browserRuns / 1_000) * config.pricePer1kBrowserRunsUsd;
  if (total <= config.monthlyBudgetUsd) return;
  const costliest = [...tests].sort((a, b) => costOf(b) - costOf(a) || a.name.localeCompare(b.name)).slice(0, 3);
  reportViolation(
    `The stack's ${tests.length} synthetic tests run about ${count(apiRuns)} API test runs` +
      `${browserRuns > 0 ? ` and ${count(browserRuns)} browser test runs` : ""} a month: about ${usd(total)} ` +
      `at ${usd(config.pricePer10kApiRunsUsd)} per 10,000 API runs${browserRuns > 0 ? ` and ${usd(config.pricePer1kBrowserRunsUsd)} per 1,000 browser runs` : ""}, ` +
      `over the monitoring budget of ${usd(config.monthlyBudgetUsd)} a month (${G001} §10 Monitoring Budget "Total: ~$60/month"). ` +
      `Lengthen the interval (the catalog's uptime interval / journey interval, i.e. tickEvery) or use fewer locations on the costliest tests: ` +
      `${costliest.map((t) => `${t.name} (${count(t.runs)} runs, ${usd(costOf(t))})`).join(", ")}; or raise monthlyBudgetUsd.`,
  );
}

export const monitoringBudget: StackValidationPolicy = {
  name: "monitoring-budget",
  description:
    "The stack's synthetic test runs a month (locations × runs per month from tickEvery; multistep per step; browser tests counted apart) " +
    "cost no more than the monitoring budget ($60/month, 001 §10), at config prices per 10,000 API and 1,000 browser runs.",
  enforcementLevel: "advisory",
  configSchema: budgetSchema,
  validateStack: validateBudget,
};
