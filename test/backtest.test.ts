/**
 * `lookout diff --series`: recorded series replayed through the base's and the head's
 * changed monitors. In a temporary git repository whose second commit raises the
 * checkout error-rate threshold from 1 % to 2 %, six hours holding a 2 % and a 3 % spike
 * would have fired the raised alert once instead of twice.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backtest, firings } from "../cli/reports/backtest";
import { parseTestFile } from "../cli/reports/testFile";
import { ROOT } from "./support/plans";

const SERIES = path.join(ROOT, "test", "fixtures", "series", "checkout-history.test.yaml");

function monitor(name: string, critical: string) {
  return {
    name,
    type: "datadog:index/monitor:Monitor",
    inputs: {
      type: "query alert",
      query: `sum(last_5m):sum:trace.http.request.errors{env:prod,service:checkout}.as_count() / sum:trace.http.request.hits{env:prod,service:checkout}.as_count() * 100 > ${critical}`,
      monitorThresholds: { critical },
      tags: ["service:checkout", "alert:error-rate"],
    },
  };
}

describe("backtest", () => {
  const files = [parseTestFile(SERIES, fs.readFileSync(SERIES, "utf8"), [])!];

  it("counts the firings and minutes in alert of the base's and the head's version", () => {
    const result = backtest([monitor("alerts-checkout-error-rate", "1")], [monitor("alerts-checkout-error-rate", "2")], files);
    expect(result.period).toBe(360 * 60);
    expect(result.rows).toEqual([
      { resource: "alerts-checkout-error-rate", head: { fired: 1, alertMinutes: 13 }, base: { fired: 2, alertMinutes: 37 } },
    ]);
  });

  it("leaves out monitors whose evaluation does not change", () => {
    expect(backtest([monitor("a", "1")], [monitor("a", "1")], files).rows).toEqual([]);
  });

  it("counts a firing per entry into ALERT", () => {
    const ev = (t: number, state: "OK" | "ALERT") => ({ t, groups: new Map([["*", { state }]]) });
    expect(firings([ev(60, "OK"), ev(120, "ALERT"), ev(180, "ALERT"), ev(240, "OK"), ev(300, "ALERT")])).toEqual({ fired: 2, alertMinutes: 2 });
  });
});

describe("lookout diff --series", () => {
  let repo: string;

  beforeAll(() => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), "lookout-backtest-"));
    for (const item of ["bin", "cli", "catalog", "infra", "queries", "json", "policies", "dashboards", "Pulumi.yaml", "package.json", "tsconfig.json"]) {
      const from = path.join(ROOT, item);
      if (fs.existsSync(from)) fs.cpSync(from, path.join(repo, item), { recursive: true, filter: (src) => !src.includes("node_modules") });
    }
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(repo, "node_modules"), "dir");
    fs.mkdirSync(path.join(repo, "stacks"));
    const catalog = fs.readFileSync(path.join(ROOT, "test", "fixtures", "catalogs", "review.yaml"), "utf8");
    fs.writeFileSync(path.join(repo, "stacks", "prod.yaml"), catalog);
    fs.writeFileSync(path.join(repo, "Pulumi.prod.yaml"), "config:\n  lookout:catalog: stacks/prod.yaml\n  lookout:bucketPrefix: acme-review\n  aws:region: eu-west-1\n");
    const git = (...args: string[]) => execFileSync("git", ["-C", repo, "-c", "user.email=ci@example.com", "-c", "user.name=CI", ...args], { stdio: "ignore" });
    git("init", "-q");
    git("add", "-A");
    git("commit", "-qm", "base");
    expect(catalog.split("        critical: 1%\n").length).toBe(2);
    fs.writeFileSync(path.join(repo, "stacks", "prod.yaml"), catalog.replace("        critical: 1%\n", "        critical: 2%\n"));
    git("commit", "-qam", "raise the checkout error-rate threshold");
  }, 60_000);

  afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

  it("says how often the changed monitor would have fired, and how often it did", () => {
    const run = spawnSync(process.execPath, [path.join(repo, "bin", "lookout.js"), "diff", "--base", "HEAD~1", "--stack", "prod", "--series", SERIES], {
      cwd: repo,
      encoding: "utf8",
      timeout: 240_000,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain("Backtest on");
    expect(run.stdout).toMatch(/alerts-checkout-error-rate: would have fired 1 time \(13 minutes in alert\) over 6h, was 2 times \(37 minutes in alert\)/);
  }, 240_000);
});
