/**
 * One catalog for every stack (README "Layers"): a change written once in the shared base
 * reaches every stack's plan, and each stack's plan cites the base's line for it.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import type { Plan } from "../cli/engine/plan";
import { planOfStack, ROOT, runLookout } from "./support/plans";

const COPIED = ["bin", "cli", "catalog", "infra", "queries", "json", "policies", "dashboards", "stacks", "dist", "Pulumi.yaml", "Pulumi.prod.yaml", "Pulumi.staging.yaml", "package.json", "tsconfig.json", "tsconfig.build.json"];

/** The project copied (node_modules linked), with `stacks/base.yaml` edited by `edit`. */
function projectWithBase(edit: (base: string) => string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lookout-base-change-"));
  for (const item of COPIED) {
    const from = path.join(ROOT, item);
    if (fs.existsSync(from)) fs.cpSync(from, path.join(dir, item), { recursive: true, preserveTimestamps: true });
  }
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  const base = path.join(dir, "stacks", "base.yaml");
  fs.writeFileSync(base, edit(fs.readFileSync(base, "utf8")));
  return dir;
}

function planIn(dir: string, stack: string): Plan {
  const run = runLookout(["plan", "--stack", stack, "--json"], dir);
  if (run.code !== 0) throw new Error(`lookout plan --stack ${stack} exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as Plan;
}

/** The resources whose inputs differ between two plans of one stack, by name. */
function changed(before: Plan, after: Plan): Map<string, Plan["resources"][number]> {
  const was = new Map(before.resources.map((r) => [r.urn, JSON.stringify(r.inputs)]));
  return new Map(after.resources.filter((r) => was.get(r.urn) !== JSON.stringify(r.inputs)).map((r) => [r.name, r]));
}

describe("a change to the shared base", () => {
  const text = fs.readFileSync(path.join(ROOT, "stacks", "base.yaml"), "utf8").split("\n");
  // The first alert threshold of the base: the page-load alert's 5 s (guide 000).
  const line = text.findIndex((l) => /^\s+critical: 5s\b/.test(l)) + 1;
  const dir = projectWithBase((base) => base.split("\n").map((l, i) => (i === line - 1 ? l.replace("critical: 5s", "critical: 6s") : l)).join("\n"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each(["prod", "staging"])("changes the %s plan's monitor, cited at the base's line", (stack) => {
    expect(line).toBeGreaterThan(0);
    const diff = changed(planOfStack(stack), planIn(dir, stack));
    const monitors = [...diff.values()].filter((r) => r.type === "datadog:index/monitor:Monitor");
    expect(monitors.map((m) => m.name)).toEqual(["alerts-agents-web-page-load-slow"]);
    const monitor = monitors[0]!;
    expect(String((monitor.inputs as { query?: unknown }).query)).toMatch(/> 6(\.0+)?e\+?9$|> 6000000000$/);
    // The alert entry is written in the base, a few lines above its threshold.
    const [file, at] = String(monitor.source).split(":");
    expect(file).toBe("stacks/base.yaml");
    expect(Number(at)).toBeGreaterThan(line - 12);
    expect(Number(at)).toBeLessThanOrEqual(line);
    // Nothing but what reads that threshold moves: the monitor and the dashboard drawing it.
    expect([...diff.values()].every((r) => r.type === "datadog:index/monitor:Monitor" || r.type.startsWith("grafana:"))).toBe(true);
  }, 120_000);
});
