/**
 * The base plans `lookout diff` caches (cli/reports/planCache.ts): keyed by everything the
 * plan depends on, and a hit is the very bytes a fresh plan of that revision prints.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { basePlanKey, cacheDir, MAX_ENTRIES, pruneCache, readCachedPlan, writeCachedPlan } from "../cli/reports/planCache";
import { ROOT } from "./support/plans";
import { makeReviewRepo } from "./support/reviewRepo";

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "lookout-plancache-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe("the base plan's cache key", () => {
  const base = { tree: "a".repeat(40), stack: "prod", args: ["plan", "--stack", "prod", "--json"], projectRoot: ROOT };
  const key = (over: Partial<typeof base> = {}, env: NodeJS.ProcessEnv = {}) => basePlanKey({ ...base, ...over }, env);

  it("is the same for the same content", () => {
    expect(key()).toBe(key());
    expect(key()).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ["another tree", { tree: "b".repeat(40) }],
    ["another stack", { stack: "staging" }],
    ["other arguments", { args: ["plan", "--stack", "prod", "--json", "--shards", "2"] }],
    ["another checkout (its lockfile)", { projectRoot: scratch }],
  ])("changes with %s", (_, over) => {
    expect(key(over)).not.toBe(key());
  });

  it("changes with a credential the program reads as a secret input, and with Pulumi's and Lookout's variables", () => {
    expect(key({}, { PAGERDUTY_TOKEN: "x" })).not.toBe(key());
    expect(key({}, { PAGERDUTY_TOKEN: "x" })).not.toBe(key({}, { PAGERDUTY_TOKEN: "y" }));
    expect(key({}, { PULUMI_CONFIG_PASSPHRASE: "x" })).not.toBe(key());
    expect(key({}, { LOOKOUT_FUZZ_RUNS: "5" })).not.toBe(key());
  });

  it("ignores where the cache is and variables no plan reads", () => {
    expect(key({}, { LOOKOUT_CACHE_DIR: "/elsewhere", HOME: "/home/ci", GITHUB_RUN_ID: "7" })).toBe(key());
  });
});

describe("the cache folder", () => {
  it("is .lookout/cache in the project unless LOOKOUT_CACHE_DIR names another", () => {
    expect(cacheDir("/p", {})).toBe(path.join("/p", ".lookout", "cache"));
    expect(cacheDir("/p", { LOOKOUT_CACHE_DIR: "/var/cache/lookout" })).toBe("/var/cache/lookout");
  });

  it("keeps the most recently used entries, a read counting as a use", () => {
    const dir = path.join(scratch, "lru");
    fs.mkdirSync(dir);
    const keys = Array.from({ length: MAX_ENTRIES + 2 }, (_, i) => i.toString(16).padStart(64, "0"));
    keys.forEach((k, i) => {
      fs.writeFileSync(path.join(dir, `${k}.json`), `{"n":${i}}`);
      fs.utimesSync(path.join(dir, `${k}.json`), 1_000 + i, 1_000 + i);
    });
    expect(readCachedPlan(dir, keys[2])).toBe('{"n":2}');
    pruneCache(dir);
    const left = fs.readdirSync(dir);
    expect(left).toHaveLength(MAX_ENTRIES);
    expect(left).toContain(`${keys[2]}.json`);
    // Without the read, keys[2] would have gone with keys[0] and keys[1]; keys[3] is next.
    expect(left).not.toContain(`${keys[0]}.json`);
    expect(left).not.toContain(`${keys[1]}.json`);
    expect(left).toContain(`${keys[3]}.json`);
    // A write prunes too, and leaves no temporary file behind.
    expect(writeCachedPlan(dir, "e".repeat(64), "{}")).toBeUndefined();
    expect(fs.readdirSync(dir)).toHaveLength(MAX_ENTRIES);
    expect(fs.readdirSync(dir)).not.toContain(`${keys[3]}.json`);
    expect(readCachedPlan(dir, "e".repeat(64))).toBe("{}");
    expect(readCachedPlan(dir, "f".repeat(64))).toBeUndefined();
  });

  it("that cannot be written is reported, not thrown, and leaves no partial entry", () => {
    const file = path.join(scratch, "not-a-folder");
    fs.writeFileSync(file, "");
    const error = writeCachedPlan(file, "0".repeat(64), "{}");
    expect(error?.message).toMatch(/ENOTDIR|EEXIST/);
    expect(readCachedPlan(file, "0".repeat(64))).toBeUndefined();
  });
});

const lookout = (args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) => {
  const run = spawnSync(process.execPath, [path.join(cwd, "bin", "lookout.js"), ...args], { cwd, encoding: "utf8", timeout: 180_000, maxBuffer: 256 * 1024 * 1024, env: { ...process.env, ...env } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
};

const PULUMI_PROD = "config:\n  lookout:catalog: stacks/prod.yaml\n  lookout:bucketPrefix: acme-review\n  aws:region: eu-west-1\n";

describe("lookout diff with the base plan cached", () => {
  const cache = path.join(scratch, "cache");
  let repo: string;
  let baseOnly: string;
  let cold: ReturnType<typeof lookout>;
  let warm: ReturnType<typeof lookout>;

  beforeAll(() => {
    const catalog = fs.readFileSync(path.join(ROOT, "test", "fixtures", "catalogs", "review.yaml"), "utf8");
    const loosened = catalog.replace("        critical: 1%\n", "        critical: 2%\n");
    expect(loosened).not.toBe(catalog);
    repo = makeReviewRepo(ROOT, [catalog, loosened], PULUMI_PROD);
    // The base revision alone, its working tree that revision's content: what a fresh plan of it prints.
    baseOnly = makeReviewRepo(ROOT, [catalog], PULUMI_PROD);
    const env = { LOOKOUT_CACHE_DIR: cache };
    cold = lookout(["diff", "--base", "HEAD~1", "--stack", "prod", "--format", "json"], repo, env);
    warm = lookout(["diff", "--base", "HEAD~1", "--stack", "prod", "--format", "json"], repo, env);
  }, 240_000);

  afterAll(() => {
    for (const dir of [repo, baseOnly]) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("caches the base revision's plan output byte for byte as a fresh plan of it prints it", () => {
    expect({ code: cold.code, stderr: cold.stderr }).toEqual({ code: 0, stderr: "" });
    const entries = fs.readdirSync(cache).filter((f) => f.endsWith(".json"));
    expect(entries).toHaveLength(1);
    const fresh = lookout(["plan", "--stack", "prod", "--json"], baseOnly);
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(fs.readFileSync(path.join(cache, entries[0]), "utf8") === fresh.stdout, "the cached bytes are the fresh plan's").toBe(true);
  }, 120_000);

  it("gives the same diff, byte for byte, from the cache as cold", () => {
    expect({ code: warm.code, stderr: warm.stderr }).toEqual({ code: 0, stderr: "" });
    expect(warm.stdout === cold.stdout, "the cached diff is the cold one").toBe(true);
    expect(JSON.parse(warm.stdout).loud).toEqual([expect.stringMatching(/^Looser P0 alerts-checkout-error-rate critical: > 1% → > 2% /)]);
  });

  it("shares one entry between commits of the same tree, and uses it without a worktree", () => {
    // A commit of the base's content again: another commit, the same tree.
    const catalog = fs.readFileSync(path.join(ROOT, "test", "fixtures", "catalogs", "review.yaml"), "utf8");
    fs.writeFileSync(path.join(repo, "stacks", "prod.yaml"), catalog);
    execFileSync("git", ["-C", repo, "-c", "user.email=ci@example.com", "-c", "user.name=CI", "commit", "-qam", "back"]);
    const entry = fs.readdirSync(cache).filter((f) => f.endsWith(".json"))[0];
    // The temporary folder is a file: no worktree (made under it) could be made. (It exists:
    // the Pulumi SDK resolves the temporary folder when it loads.)
    const notAFolder = path.join(scratch, "tmp-is-a-file");
    fs.writeFileSync(notAFolder, "");
    const again = lookout(["diff", "--base", "HEAD", "--stack", "prod", "--format", "json"], repo, { LOOKOUT_CACHE_DIR: cache, TMPDIR: notAFolder });
    expect({ code: again.code, stderr: again.stderr }).toEqual({ code: 0, stderr: "" });
    expect(JSON.parse(again.stdout)).toMatchObject({ added: [], removed: [], changed: [], thresholds: [] });
    expect(fs.readdirSync(cache).filter((f) => f.endsWith(".json"))).toEqual([entry]);
  }, 120_000);

  it("plans the base again, and rewrites the entry, when an entry is no longer a plan", () => {
    const [entry] = fs.readdirSync(cache).filter((f) => f.endsWith(".json"));
    const good = fs.readFileSync(path.join(cache, entry), "utf8");
    fs.writeFileSync(path.join(cache, entry), good.slice(0, 100));
    const again = lookout(["diff", "--base", "HEAD", "--stack", "prod", "--format", "json"], repo, { LOOKOUT_CACHE_DIR: cache });
    expect({ code: again.code, stderr: again.stderr }).toEqual({ code: 0, stderr: "" });
    expect(fs.readFileSync(path.join(cache, entry), "utf8") === good, "the entry is the plan again").toBe(true);
  }, 120_000);

  it("stops the base plan when the head catalog is bad input: exit 2 naming the head's file, no worktree left", () => {
    fs.writeFileSync(path.join(repo, "stacks", "prod.yaml"), "services: [\n");
    const bad = lookout(["diff", "--base", "HEAD~1", "--stack", "prod"], repo, { LOOKOUT_CACHE_DIR: path.join(scratch, "empty-cache") });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/stacks\/prod\.yaml:\d+:\d+/);
    expect(bad.stderr).not.toMatch(/^\s+at /m);
    const worktrees = execFileSync("git", ["-C", repo, "worktree", "list", "--porcelain"], { encoding: "utf8" });
    expect(worktrees.split("\n").filter((l) => l.startsWith("worktree "))).toHaveLength(1);
    expect(fs.existsSync(path.join(scratch, "empty-cache"))).toBe(false);
  }, 120_000);
});
