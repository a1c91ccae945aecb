/**
 * The tag, runbook, threshold-agreement, percentile and uptime-frequency rules through
 * the real pack over gRPC: what Lookout plans for a fixture passes them; one field of one
 * planned resource changed at a time makes each rule report, with its message.
 */
import * as datadog from "@pulumi/datadog";
import * as path from "path";
import { beforeAll, describe, expect, it } from "vitest";
import { runPolicyPacks, type PlannedResource, type PolicyRunResult } from "../cli/engine/analyzer";
import { Alerts } from "../infra/alerts/alerts";
import { loadCatalog } from "../catalog/load";
import { Uptime } from "../infra/uptime/uptime";
import { runComponents } from "./support/mocks";

const POLICIES = path.join(__dirname, "..", "policies");
const RULES = ["monitor-tags-and-runbook", "monitor-thresholds-agree", "latency-alerts-use-percentiles", "synthetics-tags-and-runbook", "uptime-frequency-and-locations"];

async function planned(): Promise<PlannedResource[]> {
  const alerts = loadCatalog(path.join(__dirname, "fixtures", "catalogs", "alerts.yaml"));
  const uptime = loadCatalog(path.join(__dirname, "fixtures", "catalogs", "minimal.yaml"));
  const run = await runComponents(() => {
    const opts = { providers: { datadog: new datadog.Provider("datadog", {}) } };
    new Alerts("alerts", { environment: "prod", services: alerts.services }, opts);
    new Uptime("uptime", { environment: "prod", services: uptime.services }, opts);
  });
  return run.resources;
}

/** One resource's inputs changed; every other resource as planned. */
function changed(resources: readonly PlannedResource[], name: string, change: (inputs: Record<string, unknown>) => Record<string, unknown>): PlannedResource[] {
  const found = resources.find((r) => r.name === name);
  if (!found) throw new Error(`no planned resource ${name}`);
  return resources.map((r) => (r === found ? { ...r, inputs: change({ ...r.inputs }) } : r));
}

const CASES: [string, string, (inputs: Record<string, unknown>) => Record<string, unknown>, string, RegExp][] = [
  ["a monitor without its team tag", "alerts-api-error-rate", (i) => ({ ...i, tags: (i.tags as string[]).filter((t) => !t.startsWith("team:")) }), "monitor-tags-and-runbook", /is missing the tag team:/],
  ["a monitor without a runbook line", "alerts-api-error-rate", (i) => ({ ...i, message: String(i.message).replace(/\nRunbook: .*/, "") }), "monitor-tags-and-runbook", /has no runbook link in its message/],
  ["a query and a critical threshold that disagree", "alerts-api-error-rate", (i) => ({ ...i, monitorThresholds: { ...(i.monitorThresholds as object), critical: "3" } }), "monitor-thresholds-agree", /its query says > 1 but its critical threshold is 3/],
  ["an average latency", "alerts-api-latency-p95", (i) => ({ ...i, query: String(i.query).replace(/^percentile\(last_5m\):p95:/, "avg(last_5m):avg:") }), "latency-alerts-use-percentiles", /alerts on the avg of a latency/],
  ["a synthetics test without its severity tag", "uptime-web-home", (i) => ({ ...i, tags: (i.tags as string[]).filter((t) => !t.startsWith("severity:")) }), "synthetics-tags-and-runbook", /is missing the tag severity:/],
  ["a prod check every 10 minutes", "uptime-api-health", (i) => ({ ...i, optionsList: { ...(i.optionsList as object), tickEvery: 600 } }), "uptime-frequency-and-locations", /600/],
];

let resources: PlannedResource[];
let good: PolicyRunResult;
let bad: PolicyRunResult[];
const options = { project: "lookout", stack: "prod", dryRun: true };

beforeAll(async () => {
  resources = await planned();
  good = await runPolicyPacks([POLICIES], resources, options);
  bad = await Promise.all(CASES.map(([, name, change]) => runPolicyPacks([POLICIES], changed(resources, name, change), options)));
}, 180_000);

describe("conventions through the real pack over gRPC", () => {
  it("what Lookout plans passes every one of these rules", () => {
    expect(good.diagnostics.filter((d) => RULES.includes(d.policy)).map((d) => `${d.policy}: ${d.message}`)).toEqual([]);
  });

  it.each(CASES.map((c, i) => [c[0], i] as const))("reports %s", (_what, i) => {
    const [, name, , policy, message] = CASES[i];
    const found = bad[i].diagnostics.filter((d) => RULES.includes(d.policy));
    expect(found.map((d) => d.policy)).toEqual([policy]);
    expect(found[0].urn).toMatch(new RegExp(`::${name}$`));
    expect(found[0].message).toMatch(message);
    expect(found[0].enforcementLevel).toBe("mandatory");
  });
});
