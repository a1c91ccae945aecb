/**
 * The offline analyzer host: property marshalling and policy config (pure), then real
 * policy pack processes over gRPC on 127.0.0.1 (few runs, shared where possible).
 */
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  PolicyConfigError,
  PolicyPackError,
  runPolicyPacks,
  type AnalyzeOptions,
  type PlannedResource,
  type PolicyInfo,
  type PolicyRunResult,
} from "../cli/engine/analyzer";
import { parsePolicyConfig, reconcilePolicyConfig, validatePolicyConfig } from "../cli/engine/policyConfig";
import { parseUrn } from "../cli/engine/resource";
import { marshalPropertiesForAnalyzer, MarshalError, OUTPUT_VALUE_SIG, RESOURCE_REFERENCE_SIG, SECRET_SIG, SIG_KEY, UNKNOWN } from "../cli/engine/marshal";
import { compliantSyntheticsTest } from "./support/synthetics";

const POLICIES = path.resolve(__dirname, "../policies");
const FIXTURES = path.resolve(__dirname, "fixtures/packs");
const INSPECT = path.join(FIXTURES, "inspect");
const GRPC_TIMEOUT = 60_000;

const secret = (value: unknown) => ({ [SIG_KEY]: SECRET_SIG, value });
const reference = (urn: string, id?: string) => ({ [SIG_KEY]: RESOURCE_REFERENCE_SIG, urn, ...(id === undefined ? {} : { id }) });

// ---------------------------------------------------------------------------------------
// Marshalling (pure)
// ---------------------------------------------------------------------------------------

describe("marshalPropertiesForAnalyzer", () => {
  const urn = "urn:pulumi:prod::lookout::datadog:index/monitor:Monitor::checkout";

  it("keeps secrets in their wrapper, for the pack's deserializer to unwrap", () => {
    expect(marshalPropertiesForAnalyzer({ apiKey: secret("k"), nested: { token: secret(["a", secret("b")]) } })).toEqual({
      apiKey: secret("k"),
      nested: { token: secret(["a", secret("b")]) },
    });
  });

  it.each([
    ["a custom resource with a known id becomes its id", reference(urn, "12345"), "12345"],
    ["a custom resource with an unknown id becomes unknown", reference(urn, UNKNOWN), UNKNOWN],
    ["a custom resource with an empty id becomes unknown", reference(urn, ""), UNKNOWN],
    ["a component (no id) becomes its URN", reference(urn), urn],
  ])("resource references: %s", (_what, value, expected) => {
    expect(marshalPropertiesForAnalyzer({ ref: value, list: [value] })).toEqual({ ref: expected, list: [expected] });
  });

  it("drops keys starting with __ at every level", () => {
    expect(marshalPropertiesForAnalyzer({ __defaults: ["x"], name: "a", options: { __defaults: [], tickEvery: 60 } })).toEqual({
      name: "a",
      options: { tickEvery: 60 },
    });
  });

  it("keeps unknowns and nulls, and turns output values into values", () => {
    expect(
      marshalPropertiesForAnalyzer({
        unknown: UNKNOWN,
        nothing: null,
        known: { [SIG_KEY]: OUTPUT_VALUE_SIG, value: 3, dependencies: [urn] },
        hidden: { [SIG_KEY]: OUTPUT_VALUE_SIG, value: "pw", secret: true },
        pending: { [SIG_KEY]: OUTPUT_VALUE_SIG },
      }),
    ).toEqual({ unknown: UNKNOWN, nothing: null, known: 3, hidden: secret("pw"), pending: UNKNOWN });
  });

  it("names the property of an unrecognized signature", () => {
    expect(() => marshalPropertiesForAnalyzer({ a: { b: { [SIG_KEY]: "nope" } } })).toThrow(MarshalError);
    expect(() => marshalPropertiesForAnalyzer({ a: { b: { [SIG_KEY]: "nope" } } })).toThrow("a.b: unrecognized signature 'nope'");
  });
});

// ---------------------------------------------------------------------------------------
// Policy config (pure)
// ---------------------------------------------------------------------------------------

describe("policy config", () => {
  const policies: PolicyInfo[] = [
    {
      name: "uptime",
      description: "",
      enforcementLevel: "mandatory",
      severity: "high",
      configSchema: { properties: { minLocations: { type: "integer", minimum: 1, default: 3 }, environments: { type: "array", items: { type: "string" }, default: ["prod"] } } },
    },
    { name: "tags", description: "", enforcementLevel: "advisory", severity: "" },
  ];

  it("parses levels and objects, and rejects anything else", () => {
    const parsed = parsePolicyConfig({ all: "advisory", uptime: { enforcementLevel: "disabled", minLocations: 2 }, empty: {} });
    expect(Object.fromEntries(parsed)).toEqual({
      all: { enforcementLevel: "advisory", properties: {} },
      uptime: { enforcementLevel: "disabled", properties: { minLocations: 2 } },
    });
    expect(() => parsePolicyConfig({ uptime: "strict", tags: 3, all: { enforcementLevel: "loud" } })).toThrow(PolicyConfigError);
    try {
      parsePolicyConfig({ uptime: "strict", tags: 3 });
    } catch (e) {
      expect((e as PolicyConfigError).problems).toEqual([
        "tags: expected an enforcement level or an object, got 3",
        'uptime: "strict" is not an enforcement level (expected one of advisory, mandatory, remediate, disabled)',
      ]);
    }
  });

  it("merges schema defaults, then the pack's initial config, then the user's; `all` first in each layer", () => {
    const initial = parsePolicyConfig({ uptime: { minLocations: 2 } });
    const user = parsePolicyConfig({ all: "advisory", tags: "disabled", other: "mandatory", uptime: { environments: ["prod", "staging"] } });
    expect(reconcilePolicyConfig(policies, initial, user)).toEqual({
      uptime: { enforcementLevel: "advisory", properties: { minLocations: 2, environments: ["prod", "staging"] } },
      tags: { enforcementLevel: "disabled", properties: {} },
    });
    expect(reconcilePolicyConfig(policies, new Map(), new Map())).toEqual({
      uptime: { enforcementLevel: "mandatory", properties: { minLocations: 3, environments: ["prod"] } },
      tags: { enforcementLevel: "advisory", properties: {} },
    });
  });

  it("reports values that do not fit the schema, and properties it does not declare", () => {
    const config = reconcilePolicyConfig(policies, new Map(), parsePolicyConfig({ uptime: { minLocations: 0.5, environments: ["prod", 1], minLocation: 4 } }));
    expect(validatePolicyConfig("pack", policies, config)).toEqual([
      'pack/uptime: "minLocation" is not a config property of this policy (known: minLocations, environments)',
      "pack/uptime.minLocations must be integer, got 0.5",
      "pack/uptime.environments[1] must be string, got 1",
    ]);
    expect(validatePolicyConfig("pack", policies, reconcilePolicyConfig(policies, new Map(), parsePolicyConfig({ uptime: { minLocations: 0 } })))).toEqual([
      "pack/uptime.minLocations must be at least 1, got 0",
    ]);
  });

  it.each([
    ["urn:pulumi:prod::lookout::pulumi:pulumi:Stack::lookout-prod", { type: "pulumi:pulumi:Stack", name: "lookout-prod" }],
    ["urn:pulumi:prod::lookout::lookout:x:Uptime$datadog:index/syntheticsTest:SyntheticsTest::a::b", { type: "datadog:index/syntheticsTest:SyntheticsTest", name: "a::b" }],
    ["not-a-urn", undefined],
  ])("parses %s", (urn, expected) => {
    expect(parseUrn(urn)).toEqual(expected);
  });
});

// ---------------------------------------------------------------------------------------
// Real packs over gRPC
// ---------------------------------------------------------------------------------------

const STACK = "urn:pulumi:prod::lookout::pulumi:pulumi:Stack::lookout-prod";
const PROVIDER = "urn:pulumi:prod::lookout::pulumi:providers:datadog::datadog-prod";
const COMPONENT = "urn:pulumi:prod::lookout::lookout:datadog:Uptime::checkout";
const TEST_TYPE = "datadog:index/syntheticsTest:SyntheticsTest";
const GOOD = `urn:pulumi:prod::lookout::lookout:datadog:Uptime$${TEST_TYPE}::checkout-health`;
const BAD = `urn:pulumi:prod::lookout::lookout:datadog:Uptime$${TEST_TYPE}::checkout-orders`;
const PROBE = "urn:pulumi:prod::lookout::test:index:Probe::probe";
const PROBE_UNKNOWN = "urn:pulumi:prod::lookout::test:index:Probe::probe-unknown";

function syntheticsTest(urn: string, name: string, inputs: Record<string, unknown>): PlannedResource {
  return { urn, type: TEST_TYPE, name, parent: COMPONENT, dependencies: [], provider: `${PROVIDER}::${UNKNOWN}`, protect: false, custom: true, inputs };
}

// `__defaults` is an SDK-internal key: the engine drops it before a pack sees the properties.
// Severity p2: a P0/P1 check would also need its PagerDuty service in the stack
// (urgent-alerts-reach-pagerduty; test/oncallPolicies.test.ts runs that stack over gRPC).
const compliant = { ...compliantSyntheticsTest(), tags: ["env:prod", "service:checkout", "team:payments", "severity:p2"], __defaults: [] };

const RESOURCES: PlannedResource[] = [
  { urn: STACK, type: "pulumi:pulumi:Stack", name: "lookout-prod", dependencies: [], protect: false, custom: false, inputs: {} },
  {
    urn: PROVIDER,
    type: "pulumi:providers:datadog",
    name: "datadog-prod",
    parent: STACK,
    dependencies: [],
    protect: false,
    custom: true,
    inputs: { apiKey: secret("dd-api-key"), appKey: secret("dd-app-key"), version: "5.11.0" },
  },
  { urn: COMPONENT, type: "lookout:datadog:Uptime", name: "checkout", parent: STACK, dependencies: [], protect: false, custom: false, inputs: {} },
  syntheticsTest(GOOD, "checkout-health", compliant),
  syntheticsTest(BAD, "checkout-orders", { ...compliant, name: "[prod] checkout orders", tags: ["env:prod", "service:checkout", "severity:p2"] }),
];

const PROBES: PlannedResource[] = [
  {
    urn: PROBE,
    type: "test:index:Probe",
    name: "probe",
    parent: COMPONENT,
    dependencies: [GOOD],
    propertyDependencies: { monitor: [GOOD], unused: [] },
    provider: `${PROVIDER}::${UNKNOWN}`,
    protect: true,
    custom: true,
    inputs: { token: secret("t0k3n"), monitor: reference(GOOD, "12345"), owner: reference(COMPONENT), options: { __defaults: [], keep: 1 }, __internal: "x" },
  },
  { urn: PROBE_UNKNOWN, type: "test:index:Probe", name: "probe-unknown", parent: COMPONENT, dependencies: [], protect: false, custom: true, inputs: { monitor: reference(GOOD, UNKNOWN) } },
];

const OPTIONS: AnalyzeOptions = { project: "lookout", stack: "prod", dryRun: true };

function byPolicyAndUrn(result: PolicyRunResult, policy: string, urn?: string) {
  return result.diagnostics.filter((d) => d.policy === policy && d.urn === urn);
}

describe("runPolicyPacks over gRPC", () => {
  let both: PolicyRunResult;
  let allAdvisory: PolicyRunResult;
  let fourLocations: PolicyRunResult;
  const progress: Array<[number, number | undefined]> = [];

  beforeAll(async () => {
    [both, allAdvisory, fourLocations] = await Promise.all([
      runPolicyPacks([POLICIES, INSPECT], [...RESOURCES, ...PROBES], {
        ...OPTIONS,
        stackTags: { "lookout:owner": "platform" },
        policyConfig: { "stack-shape": "mandatory" },
        concurrency: 4,
        onProgress: (analyzed, total) => progress.push([analyzed, total]),
      }),
      runPolicyPacks([POLICIES], RESOURCES, { ...OPTIONS, policyConfig: { all: "advisory" } }),
      runPolicyPacks([POLICIES], RESOURCES, { ...OPTIONS, policyConfig: { "uptime-frequency-and-locations": { minLocations: 4 } } }),
    ]);
  }, 120_000);

  it("reports the non-compliant synthetics test as a mandatory violation with its URN", () => {
    expect(byPolicyAndUrn(both, "synthetics-tags-and-runbook", BAD)).toEqual([
      {
        pack: "lookout-conventions",
        packVersion: "0.1.0",
        policy: "synthetics-tags-and-runbook",
        description: expect.stringContaining("Every Datadog synthetics test carries the tags"),
        message: expect.stringContaining('Synthetics test "checkout-orders" is missing the tag team:. Add "team:<owning team>"'),
        enforcementLevel: "mandatory",
        severity: "medium",
        urn: BAD,
      },
    ]);
  });

  it("reports nothing of the conventions pack for the compliant test, the stack, the component or the provider", () => {
    // monitoring-budget (advisory, stack-level) prices these 1-minute checks over 001's $60/month: a stack finding, not one of a resource.
    const conventions = both.diagnostics.filter((d) => d.pack === "lookout-conventions" && d.policy !== "monitoring-budget");
    expect(conventions.map((d) => d.urn)).toEqual([BAD]);
  });

  it("describes the packs it ran, with the effective config", () => {
    expect(both.packs.map((p) => [p.name, p.version, p.policies.map((x) => x.name)])).toEqual([
      [
        "lookout-conventions",
        "0.1.0",
        [
          "alert-thresholds-recommended",
          "alert-thresholds-within-bounds",
          "alert-windows-not-flapping",
          "alert-windows-recommended",
          "anomaly-monitors-need-enterprise",
          "backup-buckets-encrypted",
          "backup-buckets-protected",
          "backup-buckets-versioned",
          "backup-retention",
          "buckets-private",
          "buckets-tls-only",
          "dashboard-refresh-rate",
          "dashboard-uid-title-tags-folder",
          "escalation-has-two-levels",
          "forecast-comparators",
          "latency-alerts-use-percentiles",
          "log-retention-tiers",
          "monitor-tags-and-runbook",
          "monitor-thresholds-agree",
          "monitor-windows-documented",
          "monitoring-budget",
          "paging-monitors-report-no-data",
          "schedules-have-two-people",
          "sentry-immediate-rules-fire-on-first-event",
          "sentry-metric-alerts-on-spans",
          "sentry-rules-filter-environments",
          "sentry-slack-actions-by-id",
          "sentry-urgent-rules-page",
          "slo-targets-recommended",
          "slo-targets-within-bounds",
          "sparse-signals-no-full-window",
          "staging-never-pages",
          "status-page-covers-p0-checks",
          "synthetics-tags-and-runbook",
          "uptime-frequency-and-locations",
          "urgent-alerts-reach-pagerduty",
          "warnings-never-page",
        ],
      ],
      ["lookout-test-inspect", "0.0.1", ["boom", "crash", "echo-resource", "stack-shape"]],
    ]);
    expect(both.packs[0].config["uptime-frequency-and-locations"]).toEqual({
      enforcementLevel: "mandatory",
      properties: { environments: ["prod"], maxIntervalSeconds: 300, maxJourneyIntervalSeconds: 900, minLocations: 3 },
    });
    expect(both.packs[1].config["stack-shape"].enforcementLevel).toBe("mandatory");
    expect(both.packs[0].startMs).toBeGreaterThan(0);
  });

  it("hands the pack what the engine would: secrets unwrapped, references as IDs or URNs, __ keys dropped, the provider", () => {
    const [echo] = byPolicyAndUrn(both, "echo-resource", PROBE);
    const seen: unknown = JSON.parse(echo.message.split("\n").slice(1).join("\n"));
    expect(seen).toEqual({
      props: { token: "t0k3n", monitor: "12345", owner: COMPONENT, options: { keep: 1 } },
      provider: { type: "pulumi:providers:datadog", name: "datadog-prod", urn: PROVIDER, props: { apiKey: "dd-api-key", appKey: "dd-app-key", version: "5.11.0" } },
      protect: true,
      parent: COMPONENT,
      stack: "prod",
      stackTags: { "lookout:owner": "platform" },
    });
  });

  it("makes a reference with an unknown ID unknown, so the policy is skipped as in a preview", () => {
    expect(byPolicyAndUrn(both, "echo-resource", PROBE_UNKNOWN)).toEqual([
      expect.objectContaining({
        enforcementLevel: "advisory",
        message: expect.stringContaining("can't run policy 'echo-resource' from policy pack 'lookout-test-inspect@v0.0.1' during preview: string value at .monitor can't be known during preview"),
      }),
    ]);
  });

  it("calls AnalyzeStack once with parents and dependencies; a stack violation has no URN", () => {
    const stack = byPolicyAndUrn(both, "stack-shape", undefined);
    expect(stack).toHaveLength(1);
    expect(stack[0].enforcementLevel).toBe("mandatory");
    const shape = JSON.parse(stack[0].message.split("\n").slice(1).join("\n")) as Array<Record<string, unknown>>;
    expect(shape.map((r) => r.name)).toEqual(["lookout-prod", "datadog-prod", "checkout", "checkout-health", "checkout-orders", "probe", "probe-unknown"]);
    expect(shape.find((r) => r.name === "probe")).toEqual({ name: "probe", parent: "checkout", dependencies: ["checkout-health"], propertyDependencies: { monitor: ["checkout-health"] }, protect: true });
    expect(shape.find((r) => r.name === "checkout")?.parent).toBe("lookout-prod");
  });

  it("analyzes every resource once per pack and reports progress", () => {
    const total = (RESOURCES.length + PROBES.length) * 2;
    expect(progress).toHaveLength(total);
    expect(progress[progress.length - 1]).toEqual([total, total]);
  });

  it("sorts diagnostics by pack, policy, URN and message", () => {
    const keys = both.diagnostics.map((d) => [d.pack, d.policy, d.urn ?? "", d.message].join("\u0000"));
    expect(keys).toEqual([...keys].sort());
  });

  it("turns every violation advisory with policy config { all: advisory }", () => {
    const resourceFindings = allAdvisory.diagnostics.filter((d) => d.policy !== "monitoring-budget"); // advisory anyway
    expect(resourceFindings.map((d) => [d.policy, d.urn, d.enforcementLevel])).toEqual([["synthetics-tags-and-runbook", BAD, "advisory"]]);
  });

  it("applies a raised minLocations to every test", () => {
    expect(fourLocations.diagnostics.filter((d) => d.policy !== "monitoring-budget").map((d) => [d.policy, d.urn, d.enforcementLevel])).toEqual([
      ["synthetics-tags-and-runbook", BAD, "mandatory"],
      ["uptime-frequency-and-locations", GOOD, "mandatory"],
      ["uptime-frequency-and-locations", BAD, "mandatory"],
    ]);
    expect(fourLocations.diagnostics.filter((d) => d.policy !== "monitoring-budget")[1].message).toContain("runs from 3 locations (aws:us-east-1, aws:us-west-2, aws:eu-west-1). Add 1 more location to reach at least 4");
  });
});

describe("runPolicyPacks failures", () => {
  it(
    "rejects policy config that names no policy or does not fit the schema",
    async () => {
      const run = runPolicyPacks([POLICIES], RESOURCES, {
        ...OPTIONS,
        policyConfig: { "uptime-frequency-and-locations": { minLocations: "three" }, "no-such-policy": "advisory" },
      });
      await expect(run).rejects.toThrow(PolicyConfigError);
      await expect(run).rejects.toThrow('"no-such-policy" names no policy of the packs run');
      await expect(run).rejects.toThrow('lookout-conventions/uptime-frequency-and-locations.minLocations must be integer, got "three"');
    },
    GRPC_TIMEOUT,
  );

  it(
    "names a pack that prints before its port",
    async () => {
      const dir = path.join(FIXTURES, "prints-before-port");
      const run = runPolicyPacks([dir], RESOURCES, OPTIONS);
      await expect(run).rejects.toThrow(PolicyPackError);
      await expect(run).rejects.toThrow(`policy pack ${dir}: printed "loading lookout conventions..." where its gRPC port was expected`);
    },
    GRPC_TIMEOUT,
  );

  it(
    "names a pack that exits before serving, with its stderr",
    async () => {
      const dir = path.join(FIXTURES, "exits-immediately");
      const error = await runPolicyPacks([POLICIES, dir], RESOURCES, OPTIONS).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PolicyPackError);
      expect((error as PolicyPackError).packDir).toBe(dir);
      expect((error as PolicyPackError).message).toContain(`policy pack ${dir}: exited with code 3 before printing its gRPC port`);
      expect((error as PolicyPackError).stderrTail).toContain("fixture: cannot load the conventions table");
    },
    GRPC_TIMEOUT,
  );

  it(
    "fails the run when a policy throws",
    async () => {
      const boom: PlannedResource = { urn: "urn:pulumi:prod::lookout::test:index:Boom::boom", type: "test:index:Boom", name: "boom", dependencies: [], protect: false, custom: true, inputs: {} };
      const run = runPolicyPacks([INSPECT], [boom], OPTIONS);
      await expect(run).rejects.toThrow(PolicyPackError);
      await expect(run).rejects.toThrow(/Analyze\(urn:pulumi:prod::lookout::test:index:Boom::boom\) failed: Error validating resource with policy 'boom'[\s\S]*policy exploded/);
    },
    GRPC_TIMEOUT,
  );

  it(
    "names a pack that dies in the middle of the run",
    async () => {
      const crash: PlannedResource = { urn: "urn:pulumi:prod::lookout::test:index:Crash::crash", type: "test:index:Crash", name: "crash", dependencies: [], protect: false, custom: true, inputs: {} };
      const run = runPolicyPacks([INSPECT], [crash], OPTIONS);
      await expect(run).rejects.toThrow(`policy pack ${INSPECT}: exited with code 7 during Analyze(urn:pulumi:prod::lookout::test:index:Crash::crash)`);
    },
    GRPC_TIMEOUT,
  );

  it("rejects a folder that is not a policy pack", async () => {
    await expect(runPolicyPacks([FIXTURES], RESOURCES, OPTIONS)).rejects.toThrow(`policy pack ${FIXTURES}: no PulumiPolicy.yaml`);
  });
});
