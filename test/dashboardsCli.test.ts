/** `lookout dashboards`, end to end as a child process. */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { dashboardProblems, dataSourceRefs } from "../dashboards";
import { stableStringify } from "../json/canonical";
import { declaredQueries } from "../dashboards/signals";
import { loadCatalog } from "../catalog/load";

const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, "bin", "lookout.js");

function lookout(args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("lookout dashboards", () => {
  it("writes each dashboard of the stack as sorted JSON that validates, and says what it wrote", () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "lookout-dashboards-"));
    const result = lookout(["dashboards", "--stack", "prod", "--out", path.join(out, "prod")]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const files = fs.readdirSync(path.join(out, "prod")).sort();
    expect(files).toEqual([
      "business.json",
      "executive.json",
      "operations.json",
      "team-agents-devops.json",
      "team-carbot-dev.json",
      "team-prompts-devops.json",
      "team-tickets-engineering.json",
    ]);
    const lines = result.stdout.trim().split("\n");
    expect(lines).toHaveLength(files.length + 1);
    expect(lines[1]).toMatch(/^wrote .*executive\.json {2}\[prod\] Executive {2}uid prod-executive-[0-9a-f]{10} {2}refresh 30s {2}6 panels$/);
    expect(lines[lines.length - 1]).toBe("7 dashboards of stack prod (prod)");

    const catalog = loadCatalog(path.join(ROOT, "stacks", "prod.yaml"));
    const options = { dataSources: Object.values(dataSourceRefs("prod")), declaredQueries: declaredQueries(catalog) };
    for (const file of files) {
      const text = fs.readFileSync(path.join(out, "prod", file), "utf8");
      const model: unknown = JSON.parse(text);
      expect(text, file).toBe(`${stableStringify(model, 2)}\n`);
      expect(dashboardProblems(model, options), file).toEqual([]);
    }
    const refresh = (file: string) => (JSON.parse(fs.readFileSync(path.join(out, "prod", file), "utf8")) as { refresh: string }).refresh;
    expect([refresh("executive.json"), refresh("operations.json"), refresh("business.json")]).toEqual(["30s", "10s", "5m"]);

    // The same again: byte for byte.
    const again = lookout(["dashboards", "--stack", "prod", "--out", path.join(out, "again")]);
    expect(again.code).toBe(0);
    for (const file of files) expect(fs.readFileSync(path.join(out, "again", file), "utf8")).toBe(fs.readFileSync(path.join(out, "prod", file), "utf8"));
  });

  it("takes --catalog instead of the stack's catalog", () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "lookout-dashboards-"));
    const result = lookout(["dashboards", "--stack", "prod", "--catalog", path.join("test", "fixtures", "catalogs", "minimal.yaml"), "--out", out]);
    expect(result.code).toBe(0);
    expect(fs.readdirSync(out)).toEqual(["team-storefront.json"]);
  });

  it("exits 2 on a bad catalog with every error at its line:column, writing nothing", () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lookout-dashboards-")), "never");
    const result = lookout(["dashboards", "--stack", "prod", "--catalog", path.join("test", "fixtures", "catalogs", "three-errors.yaml"), "--out", out]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^error: invalid catalog \(3 errors\):\n {2}test\/fixtures\/catalogs\/three-errors\.yaml:13:5 {2}services\[0\]\.owner {2}unknown key "owner"/);
    expect(fs.existsSync(out)).toBe(false);
  });

  it("exits 2 on an unknown stack and without --out", () => {
    expect(lookout(["dashboards", "--stack", "nope", "--out", os.tmpdir()]).code).toBe(2);
    const missing = lookout(["dashboards", "--stack", "prod"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '--out <dir>'");
  });
});
