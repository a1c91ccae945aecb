import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { beforeAll, describe, expect, it } from "vitest";
import { citationsOf, policyTableMarkdown, type PolicyRule } from "../cli/commands/policies";

const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, "bin", "lookout.js");

function lookout(args: string[], cwd = ROOT) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8", timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("citationsOf", () => {
  it("extracts guides with their sections and DESIGN.md, in guide order, deduplicated", () => {
    expect(
      citationsOf(
        "Every schedule has two people (default 2: 001 §6 On-Call Rotation \"Primary: Week rotation\"; 002 §Escalation Matrix 0–5, 5–15 min; DESIGN.md rule 5).",
        "Default 300: 000 Monitoring Dashboard guide §Critical Alerts 3 \"for 5 minutes\"; 001 §6 On-Call Rotation.",
      ),
    ).toEqual(["000 §Critical Alerts 3", "001 §6 On-Call Rotation", "002 §Escalation Matrix", "DESIGN.md rule 5"]);
  });

  it("reads guide numbers alone, not inside other numbers, and keeps several sections of one guide", () => {
    expect(citationsOf("at config prices per 10,000 API and 1,000 browser runs; 0.001 and 5000 ms")).toEqual([]);
    expect(citationsOf("as guide 002 runs its journeys")).toEqual(["002"]);
    expect(citationsOf("001 §2 and §6 P0 Immediate; 001 §2 API Response Times")).toEqual(["001 §6, §2 API Response Times"]);
    expect(citationsOf('002 Production Monitoring & Alerting Guide §"Real-Time Dashboards": the operations one')).toEqual(["002 §Real-Time Dashboards"]);
    expect(citationsOf("DESIGN.md's severity ladder pages P0 and P1")).toEqual(["DESIGN.md severity ladder"]);
  });

  it("reads the vendor facts a rule cites by ID, after the guides, in number order, before DESIGN.md", () => {
    expect(
      citationsOf("Sentry counts more than N events (PF-SEN-7; PF-SEN-10), as 001 §6 On-Call Rotation asks (DESIGN.md rule 7).", "Default true (PF-SEN-7, PF-DD-MON-3)."),
    ).toEqual(["001 §6 On-Call Rotation", "PF-DD-MON-3", "PF-SEN-7", "PF-SEN-10", "DESIGN.md rule 7"]);
    expect(citationsOf("a PF-SEN without a number, or xPF-SEN-1")).toEqual([]);
  });
});

describe("policyTableMarkdown", () => {
  const rule = (over: Partial<PolicyRule>): PolicyRule => ({
    pack: "p",
    name: "r",
    enforcementLevel: "mandatory",
    severity: "high",
    description: "Holds.",
    config: {},
    sources: [],
    ...over,
  });

  it("renders one row per rule with defaults, escaped cells and — for no source", () => {
    expect(
      policyTableMarkdown([
        rule({ name: "a", description: "Deny s3:* to \"*\" | on <product>/\n  prefixes.", config: { minutes: 5, envs: ["prod"], free: null }, sources: ["001 §6", "DESIGN.md"] }),
        rule({ pack: "other", name: "b", enforcementLevel: "advisory" }),
      ]),
    ).toBe(
      [
        "| policy | level | what it holds | config (default) | source |",
        "|---|---|---|---|---|",
        '| `a` | mandatory | Deny s3:\\* to "\\*" \\| on \\<product>/ prefixes. | `minutes` (5), `envs` (`["prod"]`), `free` | 001 §6; DESIGN.md |',
        "| `b` (other) | advisory | Holds. |  | — |",
        "",
      ].join("\n"),
    );
  });
});

describe("lookout policies, end to end over gRPC", () => {
  let json: ReturnType<typeof lookout>;
  let markdown: ReturnType<typeof lookout>;
  beforeAll(() => {
    json = lookout(["policies", "--json"]);
    markdown = lookout(["policies", "--markdown"]);
  }, 240_000);

  it("--json lists every rule of the pack with level, severity, description, defaults and sources", () => {
    expect(json.stderr).toBe("");
    expect(json.code).toBe(0);
    const rules = JSON.parse(json.stdout) as PolicyRule[];
    expect(rules.length).toBeGreaterThanOrEqual(20);
    for (const r of rules) {
      expect(Object.keys(r)).toEqual(["pack", "name", "enforcementLevel", "severity", "description", "config", "sources"]);
      expect(r.pack).toBe("lookout-conventions");
      expect(r.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)+$/);
      expect(r.description.length).toBeGreaterThan(20);
    }
    expect(rules.find((r) => r.name === "uptime-frequency-and-locations")).toMatchObject({
      enforcementLevel: "mandatory",
      severity: "high",
      config: { environments: ["prod"], maxIntervalSeconds: 300, maxJourneyIntervalSeconds: 900, minLocations: 3 },
      sources: expect.arrayContaining([expect.stringMatching(/^002 /)]),
    });
    expect(rules.find((r) => r.name === "backup-retention")?.sources).toEqual(["000 §Backup Systems 3", "004 §3", "DESIGN.md rule 5"]);
  });

  it("README's policy table (between the markers) is exactly `lookout policies --markdown`", () => {
    expect(markdown.code).toBe(0);
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const found = /<!-- policies:start -->\n([\s\S]*?)<!-- policies:end -->/.exec(readme);
    expect(found, "README.md has no <!-- policies:start --> … <!-- policies:end --> block").not.toBeNull();
    // On failure: run `npx lookout policies --markdown` and paste its output between the markers.
    expect(found?.[1]).toBe(markdown.stdout);
  });

  it("prints a table by default; exits 2 on bad input", () => {
    const table = lookout(["policies"]);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain("uptime-frequency-and-locations");
    expect(table.stdout).toMatch(/\d+ rules in 1 pack\n$/);
    expect(lookout(["policies", "--json", "--markdown"]).code).toBe(2);
    const missing = lookout(["policies", "--policy-pack", "no-such-pack"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe("error: policy pack no-such-pack does not exist\n");
    expect(lookout(["policies", "--policy-pack", "test"]).code).toBe(2);
  }, 240_000);

  it("exits 3 when a pack crashes", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lookout-crashing-pack-"));
    try {
      fs.writeFileSync(path.join(dir, "PulumiPolicy.yaml"), "runtime: nodejs\n");
      fs.writeFileSync(path.join(dir, "package.json"), '{ "name": "crashing", "main": "index.js" }\n');
      fs.writeFileSync(path.join(dir, "index.js"), 'throw new Error("boom");\n');
      // The pack resolves @pulumi/pulumi from its folder: link the project's node_modules.
      fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
      const result = lookout(["policies", "--policy-pack", dir]);
      expect(result.code).toBe(3);
      expect(result.stdout).toBe("");
      expect(result.stderr).toContain("internal error");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});

describe("shipped per-stack policy config", () => {
  it.each(["prod", "staging"])("npm run plan -- --stack %s --policy-config policies/config/<stack>.json exits 0", (stack) => {
    const file = path.join("policies", "config", `${stack}.json`);
    const config = JSON.parse(fs.readFileSync(path.join(ROOT, file), "utf8")) as Record<string, unknown>;
    expect(typeof config).toBe("object");
    const result = lookout(["plan", "--stack", stack, "--policy-config", file, "--json"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout);
    expect(plan.summary.mandatory).toBe(0);
  }, 240_000);

  it("staging's config holds staging's checks: one slower than its bound fails the plan", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lookout-staging-config-"));
    try {
      const config = JSON.parse(fs.readFileSync(path.join(ROOT, "policies", "config", "staging.json"), "utf8"));
      config["uptime-frequency-and-locations"].maxIntervalSeconds = 60;
      const file = path.join(dir, "staging.json");
      fs.writeFileSync(file, JSON.stringify(config));
      const result = lookout(["plan", "--stack", "staging", "--policy-config", file, "--json"]);
      expect(result.code).toBe(1);
      const plan = JSON.parse(result.stdout);
      expect(plan.policies).toContainEqual(expect.objectContaining({ policy: "uptime-frequency-and-locations", enforcementLevel: "mandatory" }));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
