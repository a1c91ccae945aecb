/**
 * Issue 14, secrets and free text: provider credentials from the environment, one masking
 * rule for every report, literal credentials and notification syntax in the catalog.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SECRET_SIG, SIG_KEY } from "../cli/engine/marshal";
import { assemblePlan } from "../cli/engine/plan";
import type { PlannedResource } from "../cli/engine/resource";
import { maskSecrets, maskValue } from "../cli/render/mask";
import { renderPlanText } from "../cli/render/text";
import { diffPlans } from "../cli/reports/diff";
import { renderDiffMarkdown } from "../cli/render/diffMarkdown";
import { renderDiffText } from "../cli/render/diffText";
import { thresholdsOf } from "../cli/reports/thresholds";
import type { LookoutConfig } from "../infra/stack/config";
import { CREDENTIAL_VARIABLES } from "../infra/stack/credentials";
import { createProviders } from "../infra/stack/providers";
import { catalogIssues } from "./support/catalogs";
import { lookoutInProcess } from "./support/plans";
import { runComponents } from "./support/mocks";

const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, "bin", "lookout.js");

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function lookout(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs the commands two at a time (the CLI's start dominates; the machine is shared), results in order. */
async function lookoutAll(runs: readonly (readonly [readonly string[], NodeJS.ProcessEnv?])[]): Promise<Run[]> {
  const results: Run[] = new Array(runs.length);
  let next = 0;
  const worker = async () => {
    while (next < runs.length) {
      const i = next++;
      results[i] = await lookout(runs[i][0], runs[i][1]);
    }
  };
  await Promise.all([worker(), worker()]);
  return results;
}

/** A value per variable that nothing but a leak could print, and that no masking rule would catch. */
const leakOf = (variable: string) => `leaked-${variable.toLowerCase().replace(/_/g, "-")}-value`;
const LEAKS: NodeJS.ProcessEnv = Object.fromEntries(CREDENTIAL_VARIABLES.map((c) => [c.variable, leakOf(c.variable)]));

const NO_CREDENTIALS: LookoutConfig = {
  catalog: "unused.yaml",
  allowOutsideProject: false,
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
    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "lookout-secrets-"));
      const [json, text, thresholds, dashboards] = await lookoutAll([
        [["plan", "--stack", "prod", "--json"], LEAKS],
        [["plan", "--stack", "prod"], LEAKS],
        [["thresholds", "--stack", "prod", "--format", "json"], LEAKS],
        [["dashboards", "--stack", "prod", "--out", dir], LEAKS],
      ]);
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

describe("one masking rule for every report (cli/render/mask.ts)", () => {
  const hex32 = "0123456789abcdef0123456789abcdef";
  /** Credential-looking values, each as it would sit in an input, and the part that must not show. */
  const credentials: [string, string][] = [
    ["a token query parameter", "s3cr3tQueryValue"],
    ["URL userinfo", "hunter2pass"],
    ["a Slack webhook path", "XXXXXXXXXXXXXXXXwebhook"],
    ["an Authorization header", "abcDEF123456bearer"],
    ["an API-key header", "literalApiKeyValue"],
    ["a 32-hex key", hex32],
  ];
  const check: PlannedResource = {
    urn: "urn:pulumi:prod::lookout::lookout:uptime:Uptime$datadog:index/syntheticsTest:SyntheticsTest::uptime-web-home",
    type: "datadog:index/syntheticsTest:SyntheticsTest",
    name: "uptime-web-home",
    dependencies: [],
    protect: false,
    custom: true,
    inputs: {
      name: "[prod] web home",
      type: "api",
      subtype: "http",
      tags: ["env:prod", "service:web", "team:storefront", "severity:p0"],
      message: `Down. Runbook: https://runbooks.example.com/web/${hex32}`,
      requestDefinition: { method: "GET", url: "https://deploy:hunter2pass@shop.example.com/?token=s3cr3tQueryValue" },
      requestHeaders: { Authorization: "Bearer abcDEF123456bearer", "X-API-Key": "literalApiKeyValue" },
      optionsList: { tickEvery: 60 },
      locations: ["aws:eu-west-1"],
      status: "live",
      config: { notify: "https://hooks.slack.com/services/T0/B0/XXXXXXXXXXXXXXXXwebhook" },
    },
  };
  const plan = assemblePlan("lookout", "prod", [check], { runbook: `https://runbooks.example.com/${hex32}` }, [
    { pack: "p", packVersion: "1", policy: "q", description: "", message: "check ?token=s3cr3tQueryValue", enforcementLevel: "advisory", severity: "low", urn: check.urn },
  ]);
  const empty = assemblePlan("lookout", "prod", [], {}, []);
  const diff = diffPlans(empty, plan, { stack: "prod", baseRef: "main", baseCommit: "0".repeat(40), headRef: "working tree" });
  const reports: [string, string][] = [
    ["plan --json", JSON.stringify(plan)],
    ["plan text", renderPlanText(plan)],
    ["thresholds", JSON.stringify(thresholdsOf(plan))],
    ["diff text", renderDiffText(diff, plan)],
    ["diff markdown", renderDiffMarkdown(diff, plan)],
    ["diff --json", JSON.stringify(diff)],
  ];

  it("the thresholds report shows the check's URL, masked", () => {
    expect(JSON.stringify(thresholdsOf(plan))).toContain("https://***@shop.example.com/?token=***");
  });

  it.each(reports.flatMap(([report, text]) => credentials.map(([what, value]) => [report, what, value, text] as const)))("%s masks %s", (_report, _what, value, text) => {
    expect(text).not.toContain(value);
  });

  it("masks a whole value under a credential key and keeps the plan's markers", () => {
    expect(maskValue({ headers: { Authorization: "Token abc", "X-API-Key": "k", "Content-Type": "application/json" }, token: "[secret]" })).toEqual({
      headers: { Authorization: "***", "X-API-Key": "***", "Content-Type": "application/json" },
      token: "[secret]",
    });
  });

  it("changes nothing that holds no credential", () => {
    const plain = "sum(last_5m):sum:trace.http.request.errors{env:prod,service:web}.as_count() > 1 https://shop.example.com/?page=2";
    expect(maskSecrets(plain)).toBe(plain);
  });

  describe("end to end: a catalog value that looks like a key", () => {
    let dir: string;
    let outputs: string[];
    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "lookout-mask-"));
      const catalog = path.join(dir, "catalog.yaml");
      const minimal = fs.readFileSync(path.join(ROOT, "test", "fixtures", "catalogs", "minimal.yaml"), "utf8");
      fs.writeFileSync(catalog, minimal.replace("url: https://shop.example.com/\n", `url: https://shop.example.com/c/${hex32}\n`));
      const runs = await lookoutAll([
        [["plan", "--stack", "prod", "--catalog", catalog, "--json"]],
        [["thresholds", "--stack", "prod", "--catalog", catalog, "--format", "markdown"]],
        [["dashboards", "--stack", "prod", "--catalog", catalog, "--out", path.join(dir, "out")]],
      ]);
      for (const run of runs) expect(run.code, run.stderr).toBe(0);
      const files = fs.readdirSync(path.join(dir, "out")).map((f) => fs.readFileSync(path.join(dir, "out", f), "utf8"));
      outputs = [runs[0].stdout, runs[1].stdout, files.join("\n")];
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    it.each([["plan --json", 0], ["thresholds", 1], ["dashboards", 2]] as const)("%s shows the endpoint's URL masked", (_report, i) => {
      expect(outputs[i]).toContain("https://shop.example.com/c/***");
      expect(outputs[i]).not.toContain(hex32);
    });
  });
});

const MINIMAL = fs.readFileSync(path.join(ROOT, "test", "fixtures", "catalogs", "minimal.yaml"), "utf8");

/** minimal.yaml with `from` replaced by `to` (which must occur once). */
function edited(from: string, to: string): string {
  expect(MINIMAL.split(from).length, from).toBe(2);
  return MINIMAL.replace(from, to);
}

/** Where `needle` starts in `text`, as line:column (1-based). */
function positionOf(text: string, needle: string): string {
  const index = text.indexOf(needle);
  const before = text.slice(0, index).split("\n");
  return `${before.length}:${before[before.length - 1].length + 1}`;
}

describe("the catalog refuses literal credentials and notification syntax (lookout plan, exit 2)", () => {
  const HOME = "        url: https://shop.example.com/\n";
  const HEALTH = "        url: https://shop.example.com/api/health\n";
  const OPEN_CART = "            url: https://shop.example.com/api/cart\n";
  /** [case, catalog text, the value as written (located), path, message start, what must not be echoed] */
  const cases: [string, string, string, string, string, string | undefined][] = [
    ["userinfo in an endpoint URL", edited(HOME, "        url: https://deploy:hunter2@shop.example.com/\n"), "https://deploy:hunter2@", "services[0].endpoints[0].url", "a user or password in a URL is written in the catalog; an endpoint takes no credential", "hunter2"],
    ["a token= query parameter", edited(HEALTH, "        url: https://shop.example.com/api/health?token=s3cr3tvalue\n"), "https://shop.example.com/api/health?token", "services[1].endpoints[0].url", "a credential in a URL parameter is written in the catalog; an endpoint takes no credential", "s3cr3tvalue"],
    ["an api_key= query parameter in a journey", edited(OPEN_CART, "            url: https://shop.example.com/api/cart?api_key=k3yvalue\n"), "https://shop.example.com/api/cart?api_key", "services[1].journeys[0].steps[0].url", "a credential in a URL parameter is written in the catalog; refer to a Datadog synthetics global variable instead, {{ NAME }}", "k3yvalue"],
    ["a token in a URL the schema refuses too", edited(HEALTH, "        url: shop.example.com/api/health?token=s3cr3tvalue2\n"), "shop.example.com/api/health", "services[1].endpoints[0].url", "a credential in a URL parameter", "s3cr3tvalue2"],
    ["a sig= query parameter", edited(HEALTH, "        url: https://shop.example.com/api/health?sv=1&sig=abcSIG123\n"), "https://shop.example.com/api/health?sv", "services[1].endpoints[0].url", "a credential in a URL parameter", "abcSIG123"],
    ["a Slack webhook as runbook", edited("    runbook: https://runbooks.example.com/web\n", "    runbook: https://hooks.slack.com/services/T000/B000/XXXXsecretXXXX\n"), "https://hooks.slack.com", "services[0].runbook", "a webhook URL, whose path is its credential, is written in the catalog; keep credentials out of the catalog: a provider's is a stack secret (pulumi config set --secret)", "XXXXsecretXXXX"],
    ["a Discord webhook in a description", edited("    description: Public API.\n", "    description: Alerts also go to https://discord.com/api/webhooks/123/ToKeNpart\n"), "Alerts also go", "services[1].description", "a webhook URL, whose path is its credential, is written in the catalog", "ToKeNpart"],
    ["an Authorization header", edited(HOME, `${HOME}        headers:\n          Authorization: Token abc123literal\n`), "Token abc123literal", "services[0].endpoints[0].headers.Authorization", 'header "Authorization" carries a literal credential; an endpoint takes no credential', "abc123literal"],
    ["a Bearer credential in a journey header", edited(OPEN_CART, `${OPEN_CART}            headers:\n              Authorization: Bearer abcdef123456\n`), "Bearer abcdef123456", "services[1].journeys[0].steps[0].headers.Authorization", "an Authorization credential is written in the catalog; refer to a Datadog synthetics global variable instead", "abcdef123456"],
    ["an API-key header in a journey", edited(OPEN_CART, `${OPEN_CART}            headers:\n              X-API-Key: literal-key-value\n`), "literal-key-value", "services[1].journeys[0].steps[0].headers.X-API-Key", 'header "X-API-Key" carries a literal credential; refer to a Datadog synthetics global variable instead, {{ NAME }}', "literal-key-value"],
    ["a GitHub token in a description", edited("    description: Storefront pages.\n", "    description: Deploys with ghp_0123456789abcdefABCDEF0123456789abcd\n"), "Deploys with", "services[0].description", "a token is written in the catalog", "ghp_0123456789abcdef"],
    ["a password assignment in a description", edited("    description: Storefront pages.\n", '    description: "Break-glass password: hunter2"\n'), '"Break-glass', "services[0].description", "a password or key is written in the catalog", "hunter2"],
    ["handles and a template block in a service description (issue 14)", edited("    description: Storefront pages.\n", `    description: '@webhook-exfil @mallory@evil.example {{#is_match "env" "never"}}'\n`), "'@webhook-exfil", "services[0].description", "an @ that starts a word is a Datadog notification handle and would add a recipient", undefined],
    ["a template block in a description", edited("    description: Public API.\n", "    description: Public API. {{/is_alert}}\n"), "Public API. {{", "services[1].description", "{{ and }} are Datadog template syntax", undefined],
    ["a {{ VAR }} in an endpoint URL", edited(HEALTH, "        url: https://shop.example.com/api/{{ VERSION }}/health\n"), "https://shop.example.com/api/{{", "services[1].endpoints[0].url", "{{ }} variables are for journeys' steps only (README: journeys)", undefined],
    ["a {{ VAR }} in an endpoint header", edited(HOME, `${HOME}        headers:\n          X-Trace: "{{ TRACE_ID }}"\n`), '"{{ TRACE_ID }}"', "services[0].endpoints[0].headers.X-Trace", "{{ }} variables are for journeys' steps only", undefined],
  ];

  let dir: string;
  const fileOf = (name: string) => path.join(dir, `${name.replace(/\W+/g, "-")}.yaml`);
  let runs: Map<string, Run>;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "lookout-text-"));
    for (const [name, text] of cases) fs.writeFileSync(fileOf(name), text);
    // Through the CLI's entry in this process (nothing starts before the catalog is refused).
    runs = new Map();
    for (const [name] of cases) runs.set(name, await lookoutInProcess(["plan", "--stack", "prod", "--catalog", fileOf(name), "--json"]));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each(cases)("%s", (name, text, located, docPath, message, secret) => {
    const file = fileOf(name);
    const run = runs.get(name)!;
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^error: invalid catalog \(\d+ errors?\):\n/);
    expect(run.stderr).toContain(`${file}:${positionOf(text, located)}  ${docPath}  ${message}`);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    if (secret) expect(run.stderr).not.toContain(secret);
  });

  it("refuses the first case the same way as a lookout process", async () => {
    const [name] = cases[0];
    expect(await lookout(["plan", "--stack", "prod", "--catalog", fileOf(name), "--json"])).toEqual(runs.get(name));
  });

  it("reports both problems of the issue's description, each once", () => {
    const text = cases.find(([name]) => name.startsWith("handles"))![1];
    const issues = catalogIssues(text).filter((i) => i.includes("services[0].description"));
    expect(issues).toHaveLength(2);
    expect(issues.some((i) => i.includes("{{ and }} are Datadog template syntax"))).toBe(true);
    expect(issues.some((i) => i.includes("is a Datadog notification handle"))).toBe(true);
  });

  it("refuses a Slack account that would add a handle to every Notify: line", () => {
    expect(catalogIssues(edited("  slackAccount: acme\n", "  slackAccount: acme @webhook-exfil\n"))).toEqual([
      `${positionOf(MINIMAL, "acme\n")} routing.slackAccount the Slack account becomes part of every @slack-<account>-<channel> handle: no spaces, @, { or }`,
    ]);
  });

  const accepted: [string, string][] = [
    ["a {{ VAR }} credential in a journey header", edited(OPEN_CART, `${OPEN_CART}            headers:\n              Authorization: "Bearer {{ API_TOKEN }}"\n              X-API-Key: "{{ API_KEY }}"\n`)],
    ["a {{ VAR }} query parameter in a journey", edited(OPEN_CART, "            url: https://shop.example.com/api/cart?token={{ CART_TOKEN }}\n")],
    ["an e-mail address in a description", edited("    description: Storefront pages.\n", "    description: Storefront pages, owned by ops@example.com.\n")],
    ["a commit in a runbook URL", edited("    runbook: https://runbooks.example.com/web\n", "    runbook: https://github.com/acme/runbooks/blob/0123456789abcdef0123456789abcdef01234567/web.md\n")],
    ["a harmless header", edited(HOME, `${HOME}        headers:\n          X-Synthetic-Check: lookout\n`)],
  ];
  it.each(accepted)("accepts %s", (_name, text) => {
    expect(catalogIssues(text)).toEqual([]);
  });
});
