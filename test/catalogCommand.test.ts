import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadCatalog, parseCatalog } from "../catalog/load";
import type { Catalog } from "../catalog/model";

const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, "bin", "lookout.js");
const STAGING = path.join("test", "fixtures", "layers", "staging.yaml");

function lookout(args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A catalog without its source positions (they differ between the layers and one printed file). */
const withoutSources = (catalog: Catalog): unknown =>
  JSON.parse(JSON.stringify(catalog, (key, value: unknown) => (key === "source" || key === "files" ? undefined : value)));

describe("lookout catalog", () => {
  it("prints the effective catalog: planning the printed YAML gives what the stack's layers give", () => {
    const run = lookout(["catalog", "--stack", "staging", "--catalog", STAGING]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(/\$add|\$remove|extends|search|admin/);
    const printed = parseCatalog([{ file: "printed.yaml", text: run.stdout }]);
    expect(withoutSources(printed)).toEqual(withoutSources(loadCatalog(STAGING, { projectRoot: ROOT })));
  });

  it.each([
    ["the shipped prod stack (its base's anchors)", []],
    ["a whole file, no layers", ["--catalog", path.join("test", "fixtures", "catalogs", "minimal.yaml")]],
  ])("prints %s: anchors expanded, x- keys left out, the same catalog", (_what, extra) => {
    const run = lookout(["catalog", "--stack", "prod", ...extra]);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(/^x-|(?:^|[\s:-])[&*]a\d+\b/m);
    const printed = parseCatalog([{ file: "printed.yaml", text: run.stdout }]);
    const file = extra[1] ?? path.join("stacks", "prod.yaml");
    expect(withoutSources(printed)).toEqual(withoutSources(loadCatalog(file, { projectRoot: ROOT })));
  });

  it("--origins comments each value with the base or overlay line that set it", () => {
    const run = lookout(["catalog", "--stack", "staging", "--catalog", STAGING, "--origins"]);
    expect(run.code).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines).toContain("        url: https://staging.shop.example.com/ # test/fixtures/layers/staging.yaml:8");
    expect(lines).toContain("    runbook: https://runbooks.example.com/web # test/fixtures/layers/base.yaml:15");
    expect(lines).toContain("environment: staging # test/fixtures/layers/staging.yaml:3");
    // Comments change nothing: the annotated text is the same YAML.
    expect(parse(run.stdout)).toEqual(parse(lookout(["catalog", "--stack", "staging", "--catalog", STAGING]).stdout));
  });

  it("a bad overlay is reported at its line, exit 2, nothing printed", () => {
    const bad = path.join("test", "fixtures", "layers", "bad-overlay.yaml");
    fs.writeFileSync(path.join(ROOT, bad), "extends: base.yaml\nenvironment: staging\nservices:\n  - name: wbe\n    tier: 1\n");
    try {
      const run = lookout(["catalog", "--stack", "staging", "--catalog", bad]);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr).toContain(`${bad}:4:11  services[0].name  overlay entry "wbe" matches no entry of the base here`);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    } finally {
      fs.rmSync(path.join(ROOT, bad), { force: true });
    }
  });
});
