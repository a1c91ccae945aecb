/**
 * Issue 14, secrets and free text: provider credentials from the environment, one masking
 * rule for every report, literal credentials and notification syntax in the catalog.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SECRET_SIG, SIG_KEY } from "../cli/engine/marshal";
import type { LookoutConfig } from "../infra/config";
import { CREDENTIAL_VARIABLES } from "../infra/credentials";
import { createProviders } from "../infra/providers";
import { runComponents } from "./support/mocks";

const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, "bin", "lookout.js");

function lookout(args: readonly string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 120_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A value per variable that nothing but a leak could print, and that no masking rule would catch. */
const leakOf = (variable: string) => `leaked-${variable.toLowerCase().replace(/_/g, "-")}-value`;
const LEAKS: NodeJS.ProcessEnv = Object.fromEntries(CREDENTIAL_VARIABLES.map((c) => [c.variable, leakOf(c.variable)]));

const NO_CREDENTIALS: LookoutConfig = {
  catalog: "unused.yaml",
  datadog: {},
  sentry: {},
  pagerduty: { token: pulumi.secret("") },
};

describe("provider credentials from the environment (PF-ENV-1, PF-ENV-2, PF-ENV-6)", () => {
  const fromSdk = CREDENTIAL_VARIABLES.filter((c) => c.readBy === "sdk");

  it("lists every credential the SDKs copy from the environment into a provider's inputs", () => {
    // The SDKs' own fallbacks (`?? utilities.getEnv(...)`), read from their provider.js.
    const sdkFallbacks = (pkg: string) =>
      [...fs.readFileSync(require.resolve(`${pkg}/provider.js`), "utf8").matchAll(/resourceInputs\["(\w+)"\] = \(args\?\.\1 \? pulumi\.secret\(args\.\1\) : undefined\) \?\? utilities\.getEnv\("(\w+)"\)/g)].map((m) => m[2]);
    expect(sdkFallbacks("@pulumiverse/grafana").sort()).toEqual(fromSdk.filter((c) => c.provider === "grafana").map((c) => c.variable).sort());
    // The Sentry SDK is compiled to ES5: match its env fallback of the token.
    expect(fs.readFileSync(require.resolve("@pulumiverse/sentry/provider.js"), "utf8")).toMatch(/pulumi\.secret\(args\.token\)[^;]*utilities\.getEnv\("SENTRY_TOKEN"\)/);
    expect(fromSdk.filter((c) => c.provider === "sentry").map((c) => c.variable)).toEqual(["SENTRY_TOKEN"]);
  });

  it.each(fromSdk.map((c) => [c.variable, c] as const))("%s reaches the provider's inputs as a secret", async (variable, c) => {
    const saved = process.env[variable];
    process.env[variable] = leakOf(variable);
    try {
      const run = await runComponents(() => {
        createProviders(NO_CREDENTIALS, { sentry: true, pagerduty: false, grafana: { url: "https://grafana.example.com/", datadogApiUrl: "https://api.datadoghq.com" } });
      });
      const provider = run.resources.find((r) => r.type === `pulumi:providers:${c.provider}`);
      expect(provider?.inputs[c.input]).toEqual({ [SIG_KEY]: SECRET_SIG, value: leakOf(variable) });
    } finally {
      if (saved === undefined) delete process.env[variable];
      else process.env[variable] = saved;
    }
  });

  describe("lookout reports with every credential variable set", () => {
    let out: string;
    let planJson: { resources: { type: string; inputs: Record<string, unknown> }[] };
    let dir: string;
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "lookout-secrets-"));
      const json = lookout(["plan", "--stack", "prod", "--json"], LEAKS);
      const text = lookout(["plan", "--stack", "prod"], LEAKS);
      const thresholds = lookout(["thresholds", "--stack", "prod", "--format", "json"], LEAKS);
      const dashboards = lookout(["dashboards", "--stack", "prod", "--out", dir], LEAKS);
      for (const run of [json, text, thresholds, dashboards]) expect(run.code, run.stderr).toBe(0);
      planJson = JSON.parse(json.stdout);
      const files = fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f), "utf8"));
      out = [json, text, thresholds, dashboards].flatMap((r) => [r.stdout, r.stderr]).concat(files).join("\n");
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    it.each(CREDENTIAL_VARIABLES.map((c) => [c.variable]))("%s appears in no output", (variable) => {
      expect(out).not.toContain(leakOf(variable));
    });

    it.each(fromSdk.map((c) => [c.variable, c] as const))("%s is [secret] in the plan JSON", (_variable, c) => {
      const provider = planJson.resources.find((r) => r.type === `pulumi:providers:${c.provider}`);
      expect(provider?.inputs[c.input]).toBe("[secret]");
    });
  });
});
