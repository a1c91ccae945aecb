/**
 * Each command loads what it runs (cli/main.ts): what `lookout policies`, `lookout --help`
 * and plans with and without dashboards leave in the module cache, counted by where the
 * modules come from; and that `lookout` with a fresh build runs the build in every process
 * (the end-to-end setup builds it, test/support/build.ts).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./support/plans";
import { makeReviewRepo } from "./support/reviewRepo";

const CATALOGS = path.join(ROOT, "test", "fixtures", "catalogs");

/** The modules a `lookout <args>` run loaded: infra/ (the program), Pulumi's SDK, the dashboard SDKs (Grafana's provider and Foundation SDK; not @pulumi/aws's Managed Grafana). */
function loadedBy(args: readonly string[]): { code: number; infra: string[]; catalog: string[]; pulumi: number; grafana: number } {
  const script = `
    const main = require(${JSON.stringify(path.join(ROOT, "cli", "main.ts"))});
    main.main(["node", "lookout", ...${JSON.stringify(args)}], () => {}).then((code) => {
      const mods = Object.keys(require.cache);
      const count = (re) => mods.filter((m) => re.test(m)).length;
      process.stderr.write(JSON.stringify({ code, infra: mods.filter((m) => m.includes("/infra/")).map((m) => m.split("/infra/")[1]), catalog: mods.filter((m) => m.startsWith(${JSON.stringify(ROOT + "/catalog/")})), pulumi: count(/node_modules\\/@pulumi\\/pulumi\\//), grafana: count(/node_modules\\/(@pulumiverse\\/grafana|@grafana\\/grafana-foundation-sdk)\\//) }));
    });`;
  const run = spawnSync(process.execPath, ["--require", require.resolve("tsx/cjs", { paths: [ROOT] }), "-e", script], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  return JSON.parse(run.stderr.trim().split("\n").pop() ?? "{}");
}

/** The program and its components (infra/ modules that declare resources: not the stack's config, credentials, run context or source reporting). */
const COMPONENTS = /^(index\.ts|program\.ts|(uptime|alerts|slos|sentry|oncall|notify|grafana|backups|statusPages)\/.*|stack\/(providers|outputs|renames)\.ts)$/;

describe("what a command loads", () => {
  it("lookout policies: the policy pack, not the program's components or the dashboard SDKs", () => {
    const loaded = loadedBy(["policies", "--json"]);
    expect(loaded.code).toBe(0);
    expect(loaded.grafana).toBe(0);
    // The pack reads the catalog's vocabulary (catalog/signals.ts), never a component.
    expect(loaded.catalog.length).toBeGreaterThan(0);
    expect(loaded.infra.filter((m) => COMPONENTS.test(m))).toEqual([]);
  }, 60_000);

  it("lookout --help: neither the engine nor the Pulumi SDK", () => {
    const loaded = loadedBy(["--help"]);
    expect(loaded.code).toBe(0);
    expect(loaded.pulumi).toBe(0);
    expect(loaded.grafana).toBe(0);
  }, 60_000);

  it("a plan of a stack without dashboards: the program, not the Grafana SDKs; one with dashboards loads them", () => {
    const without = loadedBy(["plan", "--stack", "prod", "--catalog", path.join(CATALOGS, "minimal.yaml"), "--json"]);
    expect(without.code).toBe(0);
    expect(without.infra).toContain("program.ts");
    expect(without.grafana).toBe(0);
    const withDashboards = loadedBy(["plan", "--stack", "prod", "--catalog", path.join(CATALOGS, "dashboards.yaml"), "--json"]);
    // Planned, with mandatory policy failures (its checks name no PagerDuty handle): exit 1.
    expect(withDashboards.code).toBe(1);
    expect(withDashboards.infra).toContain("grafana/grafana.ts");
    expect(withDashboards.grafana).toBeGreaterThan(0);
  }, 120_000);
});

interface ProcessRecord {
  readonly started: string;
  readonly cwd: string;
  readonly execArgv: readonly string[];
  readonly modules?: readonly string[];
}

/** `bin/lookout.js <args>` with every process of its tree recorded (test/fixtures/loading/record.js), by process ID. */
function processTree(args: readonly string[], cwd = ROOT, extraEnv: NodeJS.ProcessEnv = {}): { code: number | null; processes: ProcessRecord[] } {
  const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lookout-loading-")), "loaded.jsonl");
  try {
    const preload = path.join(ROOT, "test", "fixtures", "loading", "record.js");
    const env = { ...process.env, ...extraEnv, NODE_OPTIONS: `--require ${preload}`, LOOKOUT_LOADED_LOG: log };
    const run = spawnSync(process.execPath, [path.join(cwd, "bin", "lookout.js"), ...args], { cwd, env, encoding: "utf8", timeout: 180_000 });
    const byPid = new Map<number, Record<string, unknown>>();
    for (const line of fs.readFileSync(log, "utf8").trim().split("\n")) {
      const entry = JSON.parse(line) as { pid: number } & Record<string, unknown>;
      byPid.set(entry.pid, { ...byPid.get(entry.pid), ...entry });
    }
    return { code: run.status, processes: [...byPid.values()] as unknown as ProcessRecord[] };
  } finally {
    fs.rmSync(path.dirname(log), { recursive: true, force: true });
  }
}

const DIST = path.join(ROOT, "dist");
const ours = (modules: readonly string[]) => modules.filter((m) => !m.includes(`${path.sep}node_modules${path.sep}`));

describe("lookout with a fresh build", () => {
  it("runs the compiled CLI, program, shard workers and policy pack: no TypeScript, no tsx", () => {
    const { code, processes } = processTree(["plan", "--stack", "prod", "--catalog", path.join(CATALOGS, "minimal.yaml"), "--shards", "2", "--json"]);
    expect(code).toBe(0);
    const main = processes.find((p) => p.started === path.join(ROOT, "bin", "lookout.js"));
    const workers = processes.filter((p) => p.started.includes("shardWorker"));
    const packs = processes.filter((p) => p.started.includes("run-policy-pack"));
    expect(main?.modules).toContain(path.join(DIST, "cli", "main.js"));
    expect(workers.length).toBeGreaterThan(0);
    // The pack runs in its compiled folder (PF-FAST-FL-2).
    expect(packs.map((p) => p.cwd)).toEqual([path.join(DIST, "policies")]);
    for (const p of [main, ...workers]) {
      expect(p?.started.endsWith(".ts")).toBe(false);
      expect(p?.execArgv.join(" ")).not.toMatch(/tsx/);
    }
    expect(workers.map((w) => w.started)).toEqual(workers.map(() => path.join(DIST, "cli", "engine", "shardWorker.js")));
    // Every module of the project the CLI and its workers loaded is the build's.
    for (const p of [main, ...workers]) {
      const own = ours(p?.modules ?? []).filter((m) => m.startsWith(ROOT));
      expect(own.length).toBeGreaterThan(0);
      expect(own.filter((m) => !m.startsWith(DIST) && m !== path.join(ROOT, "bin", "lookout.js") && m !== path.join(ROOT, "bin", "build.js") && !m.startsWith(path.join(ROOT, "test", "fixtures")))).toEqual([]);
      expect((p?.modules ?? []).filter((m) => /[\\/]node_modules[\\/]tsx[\\/]/.test(m))).toEqual([]);
    }
    expect(ours(workers[0]?.modules ?? [])).toContain(path.join(DIST, "infra", "program.js"));
  }, 120_000);
});

describe("lookout diff with a fresh build", () => {
  it("plans a base whose sources are the head's (a catalog change) with the head's build, copied into its worktree", () => {
    const minimal = fs.readFileSync(path.join(CATALOGS, "minimal.yaml"), "utf8");
    const repo = makeReviewRepo(ROOT, [minimal, `${minimal}# reviewed\n`]);
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), "lookout-loading-cache-"));
    try {
      const { code, processes } = processTree(["diff", "--base", "HEAD~1", "--stack", "prod", "--format", "json"], repo, { LOOKOUT_CACHE_DIR: cache });
      expect(code).toBe(0);
      const base = processes.filter((p) => p.cwd.includes(`${path.sep}lookout-base-`));
      const baseMain = base.find((p) => p.started.endsWith(path.join("bin", "lookout.js")));
      expect(baseMain?.modules?.some((m) => m.endsWith(path.join("tree", "dist", "cli", "main.js")))).toBe(true);
      expect((baseMain?.modules ?? []).filter((m) => /[\\/]node_modules[\\/]tsx[\\/]/.test(m))).toEqual([]);
      expect(base.filter((p) => p.started.includes("run-policy-pack")).map((p) => path.basename(path.dirname(p.cwd)) + "/" + path.basename(p.cwd))).toEqual(["dist/policies"]);
    } finally {
      for (const dir of [repo, cache]) fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
