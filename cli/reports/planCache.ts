/**
 * The cache of base plans `lookout diff` keeps: a base revision's `lookout plan --json`
 * output, byte for byte, under a key made of everything that plan depends on:
 *
 * - the git tree of the project folder at that revision (`git rev-parse <commit>:<folder>`,
 *   PF-FAST-1): its sources, catalogs, stack config and lockfile, by content, so two
 *   commits with the same tree share an entry and no commit can change an entry's meaning;
 * - what the base plan borrows from this checkout: the installed dependencies (this
 *   checkout's `package-lock.json`, which `npm ci` installs exactly) and the Node version;
 * - the environment variables the program may read (credentials become secret inputs),
 *   hashed, never stored;
 * - the stack and the arguments of the plan.
 *
 * The folder is `.lookout/cache/` in the project (git-ignored), or `LOOKOUT_CACHE_DIR`.
 * Entries are written whole (a temporary file renamed into place, PF-FAST-3), so a reader never sees
 * half of one; the least recently used beyond `MAX_ENTRIES` are removed.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { CREDENTIAL_VARIABLES } from "../../infra/stack/credentials";

/** Entries kept; a shipped prod plan is a few MB. */
export const MAX_ENTRIES = 24;
/** Bumped when what an entry holds, or how its key is made, changes. */
const FORMAT = "lookout-base-plan/1";

/** The cache folder: `LOOKOUT_CACHE_DIR`, else `<project>/.lookout/cache`. */
export function cacheDir(projectRoot: string, env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.LOOKOUT_CACHE_DIR;
  return dir ? path.resolve(dir) : path.join(projectRoot, ".lookout", "cache");
}

/** The environment variables a plan may depend on: the providers' credentials, Pulumi's and Lookout's own. */
function planEnvironment(env: NodeJS.ProcessEnv): [string, string][] {
  const names = new Set(CREDENTIAL_VARIABLES.map((c) => c.variable));
  for (const name of Object.keys(env)) if (/^(PULUMI_|LOOKOUT_)/.test(name) && name !== "LOOKOUT_CACHE_DIR") names.add(name);
  return [...names].sort().flatMap((name): [string, string][] => (env[name] === undefined ? [] : [[name, env[name] ?? ""]]));
}

export interface BasePlanKey {
  /** The project folder's git tree at the base revision. */
  readonly tree: string;
  readonly stack: string;
  readonly args: readonly string[];
  /** This checkout's project folder: its lockfile names the dependencies the base plan runs with. */
  readonly projectRoot: string;
}

/** The entry's name: a SHA-256 over everything the plan depends on. */
export function basePlanKey(key: BasePlanKey, env: NodeJS.ProcessEnv = process.env): string {
  const lockfile = (file: string) => (fs.existsSync(file) ? createHash("sha256").update(fs.readFileSync(file)).digest("hex") : "none");
  const parts = {
    format: FORMAT,
    tree: key.tree,
    stack: key.stack,
    args: key.args,
    node: process.version,
    lockfile: lockfile(path.join(key.projectRoot, "package-lock.json")),
    policiesLockfile: lockfile(path.join(key.projectRoot, "policies", "package-lock.json")),
    env: planEnvironment(env),
  };
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex");
}

const entryFile = (dir: string, key: string) => path.join(dir, `${key}.json`);

/** The cached plan output, or undefined; a hit counts as a use. */
export function readCachedPlan(dir: string, key: string): string | undefined {
  const file = entryFile(dir, key);
  try {
    const text = fs.readFileSync(file, "utf8");
    const now = new Date();
    fs.utimesSync(file, now, now);
    return text;
  } catch {
    return undefined;
  }
}

/**
 * Stores `text` under `key`. A cache that cannot be written (a read-only folder, a full
 * disk) costs the next run its speed, not this run its result: the failure is returned
 * for the caller to mention, not thrown.
 */
export function writeCachedPlan(dir: string, key: string, text: string): Error | undefined {
  const temporary = path.join(dir, `.${key}.${process.pid}.tmp`);
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(temporary, text);
    fs.renameSync(temporary, entryFile(dir, key));
    pruneCache(dir);
    return undefined;
  } catch (error) {
    try {
      fs.rmSync(temporary, { force: true });
    } catch {
      // No folder to have left it in.
    }
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** Removes the least recently used entries beyond `max`. */
export function pruneCache(dir: string, max = MAX_ENTRIES): void {
  const entries = fs
    .readdirSync(dir)
    .filter((name) => /^[0-9a-f]{64}\.json$/.test(name))
    .map((name) => ({ file: path.join(dir, name), used: fs.statSync(path.join(dir, name)).mtimeMs }))
    .sort((a, b) => b.used - a.used);
  for (const stale of entries.slice(max)) fs.rmSync(stale.file, { force: true });
}
