/**
 * Each command loads what it runs (cli/main.ts): what `lookout policies` and `lookout --help`
 * leave in the module cache, counted by where the modules come from.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./support/plans";

/** The modules a `lookout <args>` run loaded: infra/ (the program), Pulumi's SDK, the dashboard SDKs. */
function loadedBy(args: readonly string[]): { code: number; infra: string[]; pulumi: number; grafana: number } {
  const script = `
    const main = require(${JSON.stringify(path.join(ROOT, "cli", "main.ts"))});
    main.main(["node", "lookout", ...${JSON.stringify(args)}], () => {}).then((code) => {
      const mods = Object.keys(require.cache);
      const count = (re) => mods.filter((m) => re.test(m)).length;
      process.stderr.write(JSON.stringify({ code, infra: mods.filter((m) => m.includes("/infra/")).map((m) => m.split("/infra/")[1]), pulumi: count(/node_modules\\/@pulumi\\/pulumi\\//), grafana: count(/grafana/) }));
    });`;
  const run = spawnSync(process.execPath, ["--require", require.resolve("tsx/cjs", { paths: [ROOT] }), "-e", script], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  return JSON.parse(run.stderr.trim().split("\n").pop() ?? "{}");
}

/** The program and its components (infra/*.ts that declare resources). */
const COMPONENTS = /^(index|program|uptime|synthetics|alerts|alertQueries|monitors|notify|slos|sloRules|sentry|sentryRules|oncall|pagerduty|backups|backupMonitors|buckets|statusPage|dashboards|providers|outputs)\.ts$/;

describe("what a command loads", () => {
  it("lookout policies: the policy pack, not the program's components or the dashboard SDKs", () => {
    const loaded = loadedBy(["policies", "--json"]);
    expect(loaded.code).toBe(0);
    expect(loaded.grafana).toBe(0);
    // The pack reads the catalog's vocabulary from infra/, never a component.
    expect(loaded.infra.length).toBeGreaterThan(0);
    expect(loaded.infra.filter((m) => COMPONENTS.test(m))).toEqual([]);
  }, 60_000);

  it("lookout --help: neither the engine nor the Pulumi SDK", () => {
    const loaded = loadedBy(["--help"]);
    expect(loaded.code).toBe(0);
    expect(loaded.pulumi).toBe(0);
    expect(loaded.grafana).toBe(0);
  }, 60_000);
});
