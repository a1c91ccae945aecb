/**
 * The policy rules, called directly: start from a compliant synthetics test, change one
 * field, assert the message. No pack process here (see analyzer.test.ts for that).
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import { configOf, DATADOG_SYNTHETICS_TEST, parseTags } from "../policies/support";
import { frequencyAndLocationsSchema, syntheticsTagsAndRunbook, tagsAndRunbookSchema, uptimeFrequencyAndLocations, uptimePolicies } from "../policies/uptime";
import { violations as violationsOf } from "./support/policies";
import { alertPolicies } from "../policies/alerts";
import { oncallPolicies } from "../policies/oncall";
import { boundsPolicies } from "../policies/bounds";
import { compliantSyntheticsTest } from "./support/synthetics";

type Props = Record<string, unknown>;

/** The messages a policy reports for one synthetics test. */
function violations(policy: ResourceValidationPolicy, props: Props, config: Record<string, unknown> = {}, type = DATADOG_SYNTHETICS_TEST): Promise<string[]> {
  return violationsOf(policy, props, config, type);
}

/** A production HTTP check that meets every rule. */
function happyTest(): Props {
  return compliantSyntheticsTest();
}

function withProps(change: Props): Props {
  return { ...happyTest(), ...change };
}

describe("pack shape", () => {
  it("has kebab-case names, a description, a level and a config schema with defaults for every policy", () => {
    for (const policy of [...uptimePolicies, ...alertPolicies, ...oncallPolicies]) {
      expect(policy.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(policy.description.length).toBeGreaterThan(20);
      expect(policy.enforcementLevel).toBe("mandatory");
      for (const property of Object.values(policy.configSchema?.properties ?? {})) expect(property.default).toBeDefined();
    }
  });

  it("gives the threshold-bounds rules kebab-case names, a description, a level and defaults that cite a guide", () => {
    expect(boundsPolicies.map((p) => `${p.name} ${p.enforcementLevel}`)).toEqual([
      "alert-thresholds-within-bounds mandatory",
      "alert-thresholds-recommended advisory",
      "slo-targets-within-bounds mandatory",
      "slo-targets-recommended advisory",
      "alert-windows-not-flapping mandatory",
      "alert-windows-recommended advisory",
      "monitoring-budget advisory",
    ]);
    for (const policy of boundsPolicies) {
      expect(policy.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(policy.description.length).toBeGreaterThan(20);
      for (const property of Object.values(policy.configSchema?.properties ?? {})) {
        expect(property.default).toBeDefined();
        expect(property.description).toMatch(/00\d|DESIGN|assumption|Core Web Vitals/);
      }
    }
  });

  it("uses the schema defaults when the engine passes no config", () => {
    expect(configOf(frequencyAndLocationsSchema, { getConfig: <T extends object>() => ({}) as T })).toEqual({
      environments: ["prod"],
      maxIntervalSeconds: 300,
      maxJourneyIntervalSeconds: 900,
      minLocations: 3,
    });
    expect(configOf(tagsAndRunbookSchema, { getConfig: <T extends object>() => ({ requiredTagKeys: ["env"] }) as T })).toEqual({ requiredTagKeys: ["env"] });
  });

  it.each([
    [["env:prod", "team:payments"], { env: "prod", team: "payments" }],
    [["env:prod", "env:staging"], { env: "prod" }],
    [["url:https://x:8443/health", "standalone"], { url: "https://x:8443/health", standalone: "" }],
    ["env:prod", {}],
  ])("parses Datadog tags %j", (tags, expected) => {
    expect(Object.fromEntries(parseTags(tags))).toEqual(expected);
  });
});

describe("synthetics-tags-and-runbook", () => {
  const policy = syntheticsTagsAndRunbook;

  it("accepts a test with the four tags and a runbook line", async () => {
    expect(await violations(policy, happyTest())).toEqual([]);
  });

  it("ignores resources that are not synthetics tests", async () => {
    expect(await violations(policy, { tags: [] }, {}, "datadog:index/monitor:Monitor")).toEqual([]);
  });

  it.each([
    ["team", ["env:prod", "service:checkout", "severity:p1"], 'missing the tag team:. Add "team:<owning team>" to its tags'],
    ["severity", ["env:prod", "service:checkout", "team:payments"], 'missing the tag severity:. Add "severity:<p0|p1|p2|p3>"'],
    ["env", ["service:checkout", "team:payments", "severity:p1"], 'missing the tag env:. Add "env:<environment, e.g. prod>"'],
    ["service", ["env:prod", "team:payments", "severity:p1"], 'missing the tag service:. Add "service:<catalog service name>"'],
    ["an empty severity value", ["env:prod", "service:checkout", "team:payments", "severity:"], "missing the tag severity:"],
  ])("reports a missing %s tag and what to add", async (_what, tags, expected) => {
    const messages = await violations(policy, withProps({ tags }));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(expected);
    expect(messages[0]).toContain("(001 Production Monitoring Guide §6;");
  });

  it("lists every missing tag in one message", async () => {
    const [message] = await violations(policy, withProps({ tags: undefined }));
    expect(message).toContain("is missing the tags env:, service:, team: and severity:.");
  });

  it("takes the required tag keys from config", async () => {
    const [message] = await violations(policy, happyTest(), { requiredTagKeys: ["env", "owner"] });
    expect(message).toContain('missing the tag owner:. Add "owner:<value>"');
  });

  it.each([
    ["no message", undefined],
    ["a message without a runbook", "checkout is down"],
    ["a plain-http runbook", "checkout is down\nRunbook: http://runbooks.example.com/checkout"],
    ["a runbook label without a link", "checkout is down\nRunbook: see the wiki"],
  ])("reports %s", async (_what, message) => {
    const messages = await violations(policy, withProps({ message }));
    expect(messages).toEqual([expect.stringContaining('has no runbook link in its message. Add a line "Runbook: https://…"')]);
    expect(messages[0]).toContain("(000 Monitoring Dashboard guide §Documentation: Runbooks");
  });

  it("accepts an indented runbook line anywhere in the message", async () => {
    expect(await violations(policy, withProps({ message: "down\n  Runbook: https://runbooks.example.com/x\n@pagerduty-checkout" }))).toEqual([]);
  });
});

describe("uptime-frequency-and-locations", () => {
  const policy = uptimeFrequencyAndLocations;

  it("accepts a prod check every minute from three locations", async () => {
    expect(await violations(policy, happyTest())).toEqual([]);
  });

  it("reports a prod check that runs less often than every 5 minutes", async () => {
    const messages = await violations(policy, withProps({ optionsList: { tickEvery: 900 } }));
    expect(messages).toEqual([
      'Uptime check "checkout-health" (env:prod) runs every 15 min (optionsList.tickEvery 900). Lower optionsList.tickEvery to 300 or less: ' +
        "a failure must be seen within 5 min, and the guides check production every 1, 2 or 5 minutes " +
        "(001 Production Monitoring Guide §3; 000 Monitoring Dashboard guide §Tools Integration 5).",
    ]);
  });

  it("accepts exactly the bound", async () => {
    expect(await violations(policy, withProps({ optionsList: { tickEvery: 300 } }))).toEqual([]);
  });

  it("reports a check without tickEvery", async () => {
    const messages = await violations(policy, withProps({ optionsList: undefined }));
    expect(messages).toEqual([expect.stringContaining("sets no optionsList.tickEvery. Set it to 300 seconds or less")]);
  });

  it("reads tickEvery of mobile tests from mobileOptionsList", async () => {
    const messages = await violations(policy, withProps({ type: "mobile", optionsList: undefined, mobileOptionsList: { tickEvery: 3600 } }));
    expect(messages).toEqual([expect.stringContaining("runs every 60 min (optionsList.tickEvery 3600)")]);
  });

  it("reports a prod check from fewer than three locations", async () => {
    const messages = await violations(policy, withProps({ locations: ["aws:us-east-1", "aws:eu-west-1"] }));
    expect(messages).toEqual([
      'Uptime check "checkout-health" (env:prod) runs from 2 locations (aws:us-east-1, aws:eu-west-1). Add 1 more location to reach at least 3, ' +
        "spread across regions (e.g. us-east, us-west, eu-west): one location cannot tell a regional network problem from an outage " +
        "(002 Production Monitoring & Alerting Guide §Synthetic Monitoring).",
    ]);
  });

  it("counts a repeated location once", async () => {
    const [message] = await violations(policy, withProps({ locations: ["aws:us-east-1", "aws:us-east-1", "aws:us-east-1"] }));
    expect(message).toContain("runs from 1 location (aws:us-east-1). Add 2 more locations");
  });

  it("reports a check with no location", async () => {
    const [message] = await violations(policy, withProps({ locations: [] }));
    expect(message).toContain("runs from no location. Add 3 more locations");
  });

  it("leaves environments that config does not list alone", async () => {
    const staging = withProps({ tags: ["env:staging", "service:checkout", "team:payments", "severity:p2"], optionsList: { tickEvery: 3600 }, locations: ["aws:us-east-1"] });
    expect(await violations(policy, staging)).toEqual([]);
    expect(await violations(policy, staging, { environments: ["prod", "staging"] })).toHaveLength(2);
  });

  it("leaves a test without an env: tag to synthetics-tags-and-runbook", async () => {
    expect(await violations(policy, withProps({ tags: ["service:checkout"], locations: [] }))).toEqual([]);
  });

  it("takes the bounds from config", async () => {
    const messages = await violations(policy, withProps({ optionsList: { tickEvery: 300 } }), { maxIntervalSeconds: 60, minLocations: 4 });
    expect(messages).toEqual([
      expect.stringContaining("Lower optionsList.tickEvery to 60 or less: a failure must be seen within 1 min"),
      expect.stringContaining("Add 1 more location to reach at least 4"),
    ]);
  });

  describe("multistep journeys", () => {
    const journey = (tickEvery: number): Props => withProps({ subtype: "multi", optionsList: { tickEvery } });

    it("may run every 15 minutes, as guide 002's VIP journey does", async () => {
      expect(await violations(policy, journey(900))).toEqual([]);
    });

    it("are reported past their own bound, citing guide 002", async () => {
      expect(await violations(policy, journey(1800))).toEqual([
        expect.stringContaining("runs every 30 min (optionsList.tickEvery 1800). Lower optionsList.tickEvery to 900 or less"),
      ]);
      expect((await violations(policy, journey(1800)))[0]).toContain("002 Production Monitoring & Alerting Guide");
    });
  });

  describe("TLS certificate tests", () => {
    const tls = (change: Props): Props => withProps({ subtype: "ssl", optionsList: { tickEvery: 86400 }, ...change });

    it("may run daily", async () => {
      expect(await violations(policy, tls({}))).toEqual([]);
    });

    it("still need the minimum of locations", async () => {
      const messages = await violations(policy, tls({ locations: ["aws:us-east-1"] }));
      expect(messages).toEqual([expect.stringContaining("runs from 1 location (aws:us-east-1). Add 2 more locations")]);
    });
  });
});
