/**
 * The alert rules of the pack, called directly on the monitor arguments Lookout itself
 * generates (which must pass) and on hand-broken variants (which must not).
 */
import * as path from "path";
import { describe, expect, it } from "vitest";
import { loadCatalog } from "../catalog/load";
import { monitorArgs } from "../infra/alerts/monitors";
import { sloArgs } from "../infra/slos/sloRules";
import { alertPolicies, latencyAlertsUsePercentiles, monitorTagsAndRunbook, monitorThresholdsAgree } from "../policies/alerts";
import { DATADOG_MONITOR, DATADOG_SLO } from "../policies/support";
import { violations } from "./support/policies";

const catalog = loadCatalog(path.join(__dirname, "fixtures", "catalogs", "alerts.yaml"));
const api = catalog.services[0];
const monitor = (name: string): Record<string, unknown> => {
  const alert = api.alerts.find((a) => a.name === name);
  if (!alert) throw new Error(`no alert ${name}`);
  return JSON.parse(JSON.stringify(monitorArgs("prod", api, alert))) as Record<string, unknown>;
};
const check = (policy: (typeof alertPolicies)[number], props: Record<string, unknown>, type = DATADOG_MONITOR) => violations(policy, props, {}, type);

describe("what Lookout generates passes every alert rule", () => {
  it.each(api.alerts.map((a) => a.name))("%s", async (name) => {
    for (const policy of alertPolicies) expect(await check(policy, monitor(name)), policy.name).toEqual([]);
  });
});

describe("monitor-tags-and-runbook", () => {
  it("names the missing tags and asks for a runbook line", async () => {
    const props = { ...monitor("error-rate"), tags: ["env:prod", "service:api", "team:"], message: "down" };
    expect(await check(monitorTagsAndRunbook, props)).toEqual([
      expect.stringMatching(/^Monitor "checkout-health" is missing the tags team: and severity:\. Add them/),
      expect.stringMatching(/^Monitor "checkout-health" has no runbook link in its message\. Add a line "Runbook: https:\/\/…"/),
    ]);
  });

  it("checks SLO tags too, but no message", async () => {
    const slo = JSON.parse(JSON.stringify(sloArgs("prod", api, { name: "a", targetPercent: 99.9, timeframe: "30d", severity: "P1", sli: { type: "http" }, burnRates: [], source: { file: "x", line: 1, column: 1 } }))) as Record<string, unknown>;
    expect(await check(monitorTagsAndRunbook, slo, DATADOG_SLO)).toEqual([]);
    expect(await check(monitorTagsAndRunbook, { ...slo, tags: [] }, DATADOG_SLO)).toHaveLength(1);
  });
});

describe("monitor-thresholds-agree", () => {
  it("catches a query and a critical threshold that disagree", async () => {
    const props = { ...monitor("error-rate"), monitorThresholds: { critical: "2", warning: "0.5" } };
    expect(await check(monitorThresholdsAgree, props)).toEqual([
      expect.stringMatching(/its query says > 1 but its critical threshold is 2\. Datadog rejects/),
    ]);
  });

  it("catches a warning that fires after critical, in either direction", async () => {
    expect(await check(monitorThresholdsAgree, { ...monitor("error-rate"), monitorThresholds: { critical: "1", warning: "3" } }))
      .toEqual([expect.stringMatching(/its warning \(3\) fires no earlier than its critical \(1\) for values above it/)]);
    expect(await check(monitorThresholdsAgree, { ...monitor("payment-success"), monitorThresholds: { critical: "95", warning: "90" } }))
      .toEqual([expect.stringMatching(/its warning \(90\) fires no earlier than its critical \(95\) for values below it\. Set the warning above critical/)]);
  });

  it("catches a recovery that could never resolve", async () => {
    expect(await check(monitorThresholdsAgree, { ...monitor("error-rate"), monitorThresholds: { critical: "1", criticalRecovery: "1.5" } }))
      .toEqual([expect.stringMatching(/critical recovery \(1.5\) is not on the good side of critical \(1\)/)]);
  });

  it("skips monitors whose query ends in no comparison (composites)", async () => {
    expect(await check(monitorThresholdsAgree, { type: "composite", query: "123 && 456", monitorThresholds: {} })).toEqual([]);
  });
});

describe("latency-alerts-use-percentiles", () => {
  it("rejects an average of APM latency and accepts a percentile", async () => {
    const avg = { ...monitor("latency-p95"), query: "avg(last_5m):avg:trace.next.request{env:prod,service:api} > 1" };
    expect(await check(latencyAlertsUsePercentiles, avg)).toEqual([expect.stringMatching(/alerts on the avg of a latency\. Alert on a percentile/)]);
    expect(await check(latencyAlertsUsePercentiles, monitor("latency-p95"))).toEqual([]);
  });

  it("leaves APM hit and error counts alone", async () => {
    expect(await check(latencyAlertsUsePercentiles, monitor("error-rate"))).toEqual([]);
  });

  it("rejects a mean RUM timing", async () => {
    const rum = { ...monitor("lcp"), query: 'rum("@type:view").rollup("avg", "@view.largest_contentful_paint").last("15m") > 2500000000' };
    expect(await check(latencyAlertsUsePercentiles, rum)).toEqual([expect.stringMatching(/alerts on the mean of a latency/)]);
  });
});
