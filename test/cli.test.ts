import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, "bin", "lookout.js");
const fixture = (name: string) => path.join("test", "fixtures", "catalogs", name);

function lookout(args: string[], cwd = ROOT) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8", timeout: 120_000, maxBuffer: 256 * 1024 * 1024 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("lookout plan, end to end", () => {
  let minimal: ReturnType<typeof lookout>;
  beforeAll(() => {
    minimal = lookout(["plan", "--stack", "prod", "--catalog", fixture("minimal.yaml"), "--json"]);
  });

  it("prints one JSON document of the documented shape and exits 0", () => {
    expect(minimal.stderr).toBe("");
    expect(minimal.code).toBe(0);
    const plan = JSON.parse(minimal.stdout);
    expect(Object.keys(plan)).toEqual(["project", "stack", "resources", "lookups", "outputs", "policies", "summary"]);
    // The only finding: monitoring-budget (advisory) prices the 1-minute checks over 001's $60/month.
    expect(plan).toMatchObject({ project: "lookout", stack: "prod", policies: [{ policy: "monitoring-budget", enforcementLevel: "advisory" }] });
    for (const resource of plan.resources) {
      expect(Object.keys(resource)).toEqual(expect.arrayContaining(["urn", "type", "name", "dependencies", "protect", "inputs"]));
    }
    expect(plan.summary).toEqual({
      resources: plan.resources.length,
      byType: {
        "datadog:index/syntheticsTest:SyntheticsTest": 4,
        "datadog:pagerduty/integration:Integration": 1,
        "datadog:pagerduty/serviceObject:ServiceObject": 1,
        "datadog:slack/channel:Channel": 1,
        "lookout:alerts:Alerts": 1,
        "lookout:oncall:Oncall": 1,
        "lookout:oncall:Team": 1,
        "lookout:slo:Slos": 1,
        "lookout:uptime:ServiceUptime": 2,
        "lookout:uptime:Uptime": 1,
        "pagerduty:index/escalationPolicy:EscalationPolicy": 1,
        "pagerduty:index/schedule:Schedule": 1,
        "pagerduty:index/service:Service": 1,
        "pagerduty:index/serviceIntegration:ServiceIntegration": 1,
        "pulumi:providers:datadog": 1,
        "pulumi:providers:pagerduty": 1,
        "pulumi:pulumi:Stack": 1,
      },
      mandatory: 0,
      advisory: 1,
    });
    expect(plan.outputs).toMatchObject({ environment: "prod", services: ["api", "web"] });
  });

  it("exits 2 on a bad catalog with every error at its line:column, no stack trace, no plan", () => {
    const result = lookout(["plan", "--stack", "prod", "--catalog", fixture("three-errors.yaml"), "--json"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      [
        "error: invalid catalog (3 errors):",
        '  test/fixtures/catalogs/three-errors.yaml:13:5  services[0].owner  unknown key "owner"; expected one of name, renamedFrom, product, team, tier, description, runbook, endpoints, journeys, apmOperation, alerts, rawAlerts, slos, sentry',
        '  test/fixtures/catalogs/three-errors.yaml:17:19  services[0].endpoints[0].interval  expected a duration such as 500ms, 30s, 5m, 2h, 1d or 1w, found "5 minutes"',
        '  test/fixtures/catalogs/three-errors.yaml:19:11  services[1].name  duplicate service name "web" (first declared at test/fixtures/catalogs/three-errors.yaml:7)',
        "",
      ].join("\n"),
    );
  });

  it("returns a mandatory violation from the policy pack over gRPC and exits 1", () => {
    const result = lookout(["plan", "--stack", "prod", "--catalog", fixture("slow-prod-check.yaml"), "--json"]);
    expect(result.code).toBe(1);
    const plan = JSON.parse(result.stdout);
    expect(plan.summary.mandatory).toBeGreaterThanOrEqual(1);
    expect(plan.policies).toContainEqual(
      expect.objectContaining({
        pack: "lookout-conventions",
        policy: "uptime-frequency-and-locations",
        enforcementLevel: "mandatory",
        urn: "urn:pulumi:prod::lookout::lookout:uptime:Uptime$lookout:uptime:ServiceUptime$datadog:index/syntheticsTest:SyntheticsTest::uptime-web-home",
      }),
    );
  });

  it("exits 2 on an unknown stack and on a missing --stack", () => {
    expect(lookout(["plan", "--stack", "nope"]).code).toBe(2);
    const missing = lookout(["plan"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '-s, --stack <name>'");
  });

  it("prints secure config values as [secret]", () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "lookout-project-"));
    fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: lookout\nruntime: nodejs\nmain: infra/\n");
    fs.writeFileSync(
      path.join(project, "Pulumi.ci.yaml"),
      `config:\n  lookout:catalog: ${path.join(ROOT, fixture("minimal.yaml"))}\n  datadog:apiKey:\n    secure: v1:c2VjcmV0:bm90LXJlYWxseQ==\n`,
    );
    fs.mkdirSync(path.join(project, "infra"));
    fs.writeFileSync(path.join(project, "infra", "index.js"), `module.exports = require(${JSON.stringify(path.join(ROOT, "infra"))});\n`);
    fs.symlinkSync(path.join(ROOT, "policies"), path.join(project, "policies"));
    const result = lookout(["plan", "--stack", "ci", "--json"], project);
    expect(result.stderr).toBe("");
    const plan = JSON.parse(result.stdout);
    const provider = plan.resources.find((r: { type: string }) => r.type === "pulumi:providers:datadog");
    expect(provider.inputs.apiKey).toBe("[secret]");
    expect(result.stdout).not.toContain("bm90LXJlYWxseQ");
  });
});
