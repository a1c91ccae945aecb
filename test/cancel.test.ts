/**
 * Cancelled runs leave nothing: `lookout diff` stopped by SIGINT/SIGTERM while the base
 * plans stops every child and removes the base worktree and its folder; one killed by
 * SIGKILL leaves them, and the next run prunes them (never a live run's). `lookout plan`
 * stopped by SIGTERM stops its shard workers and policy pack. Processes are read from
 * /proc (Linux), each run's temporary folders from its own TMPDIR. Facts: PF-GIT-1 (worktree
 * remove/prune), PF-GIT-2 (worktree list), PF-GIT-3 (process groups), PF-GIT-4 (128 + signal).
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeReviewRepo, truncatedCatalog } from "./support/reviewRepo";
import { prodCatalogText } from "./support/stackText";

const ROOT = path.resolve(__dirname, "..");

interface Proc {
  readonly pid: number;
  readonly ppid: number;
  readonly pgrp: number;
}

/** Every live (not zombie) process, from /proc. */
function processes(): Proc[] {
  const all: Proc[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const [state, ppid, pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (state !== "Z") all.push({ pid: Number(entry), ppid: Number(ppid), pgrp: Number(pgrp) });
    } catch {
      // Ended while we read.
    }
  }
  return all;
}

function descendants(pid: number): number[] {
  const all = processes();
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const p of all) if (p.ppid === parent) (found.push(p.pid), queue.push(p.pid));
  }
  return found;
}

const alive = (pids: readonly number[]) => {
  const live = new Set(processes().map((p) => p.pid));
  return pids.filter((pid) => live.has(pid));
};
const groupMembers = (pgrp: number) => processes().filter((p) => p.pgrp === pgrp).map((p) => p.pid);

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 120_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
}

/** The base plan's process, once `lookout diff` recorded it in its worktree folder under `tmp`. */
function basePlanPid(tmp: string): number | undefined {
  for (const entry of fs.readdirSync(tmp)) {
    try {
      const owner = JSON.parse(fs.readFileSync(path.join(tmp, entry, "owner.json"), "utf8")) as { planPid?: number };
      if (owner.planPid !== undefined) return owner.planPid;
    } catch {
      // Not written yet.
    }
  }
  return undefined;
}

/** Lookout's base worktree folders in `tmp` (tsx keeps its cache there too). */
const ours = (tmp: string) => fs.readdirSync(tmp).filter((entry) => entry.startsWith("lookout-base-"));

function worktrees(repo: string): string[] {
  return execFileSync("git", ["-C", repo, "worktree", "list", "--porcelain"], { encoding: "utf8" })
    .split("\n")
    .filter((l) => l.startsWith("worktree "))
    .map((l) => fs.realpathSync.native(l.slice("worktree ".length)));
}

describe("a cancelled lookout diff", () => {
  let repo: string;
  const tmps: string[] = [];
  const newTmp = () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lookout-cancel-"));
    tmps.push(tmp);
    return tmp;
  };

  beforeAll(() => {
    // Base: the shipped prod catalog (508 resources: time to cancel it); head: the same cut short.
    repo = makeReviewRepo(ROOT, [prodCatalogText(ROOT), truncatedCatalog(ROOT)]);
  });
  afterAll(() => {
    for (const dir of [repo, ...tmps]) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Starts `lookout diff` with its own TMPDIR; resolves once the base plan runs a child of its own. */
  async function startDiff(tmp: string) {
    const child = spawn(process.execPath, [path.join(repo, "bin", "lookout.js"), "diff", "--base", "HEAD~1", "--stack", "prod", "--format", "json"], {
      cwd: repo,
      env: { ...process.env, TMPDIR: tmp },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.stdout!.resume();
    const exited = exitOf(child);
    const planPid = await waitFor("the base plan", () => basePlanPid(tmp));
    // The base plan's own children (its policy pack) are running: a worktree, a plan and its children to clean up.
    await waitFor("the base plan's policy pack", () => groupMembers(planPid).length >= 2);
    expect(worktrees(repo)).toHaveLength(2);
    return { child, exited, planPid, seen: descendants(child.pid!), stderr: () => stderr };
  }

  it.each([
    ["SIGTERM", 143],
    ["SIGINT", 130],
  ] as const)(
    "on %s stops every child, removes the worktree and its folder, and exits %d",
    async (signal, code) => {
      const tmp = newTmp();
      const run = await startDiff(tmp);
      expect(run.seen.length).toBeGreaterThanOrEqual(2);
      run.child.kill(signal);
      expect(await run.exited).toEqual({ code, signal: null });
      expect(run.stderr()).toContain(`lookout: ${signal}: stopping`);
      // A cancellation, not a failed plan: no error reported.
      expect(run.stderr()).not.toMatch(/error/i);
      expect(worktrees(repo)).toEqual([fs.realpathSync.native(repo)]);
      expect(ours(tmp)).toEqual([]);
      expect(alive(run.seen)).toEqual([]);
      expect(groupMembers(run.planPid)).toEqual([]);
    },
    240_000,
  );

  it(
    "killed by SIGKILL, leaves debris the next run prunes, sparing a live run's folder",
    async () => {
      const tmp = newTmp();
      const run = await startDiff(tmp);
      run.child.kill("SIGKILL");
      await run.exited;
      // What SIGKILL leaves: the folder, the registered worktree, the base plan running on.
      const [left] = ours(tmp);
      expect(left).toMatch(/^lookout-base-/);
      expect(worktrees(repo)).toContain(fs.realpathSync.native(path.join(tmp, left, "tree")));
      expect(groupMembers(run.planPid).length).toBeGreaterThan(0);

      const repository = path.join(repo, ".git");
      // A concurrent run's folder (its owner is alive: this process) and an old run's (owner gone).
      fs.mkdirSync(path.join(tmp, "lookout-base-live"));
      fs.writeFileSync(path.join(tmp, "lookout-base-live", "owner.json"), JSON.stringify({ pid: process.pid, repository }));
      const gone = spawnSync("true").pid;
      fs.mkdirSync(path.join(tmp, "lookout-base-gone"));
      fs.writeFileSync(path.join(tmp, "lookout-base-gone", "owner.json"), JSON.stringify({ pid: gone, repository }));

      const next = spawnSync(process.execPath, [path.join(repo, "bin", "lookout.js"), "diff", "--base", "HEAD~1", "--stack", "prod", "--format", "json"], {
        cwd: repo,
        env: { ...process.env, TMPDIR: tmp },
        encoding: "utf8",
        timeout: 180_000,
        maxBuffer: 256 * 1024 * 1024,
      });
      // A whole diff, exit 1: the cut catalog deletes the protected backups (blocked, PF-REV-5).
      expect(next.status, next.stderr).toBe(1);
      expect((JSON.parse(next.stdout) as { blocked: unknown[] }).blocked.length).toBeGreaterThan(0);
      expect(next.stderr).toContain(`lookout: removed ${path.join(tmp, left)}, left by a cancelled lookout diff`);
      expect(next.stderr).toContain(`lookout: removed ${path.join(tmp, "lookout-base-gone")}`);
      expect(ours(tmp)).toEqual(["lookout-base-live"]);
      expect(worktrees(repo)).toEqual([fs.realpathSync.native(repo)]);
      expect(alive([run.planPid, ...run.seen])).toEqual([]);
      expect(groupMembers(run.planPid)).toEqual([]);
    },
    360_000,
  );
});

describe("a cancelled lookout plan", () => {
  it(
    "on SIGTERM stops its shard workers and exits 143",
    async () => {
      const child = spawn(process.execPath, [path.join(ROOT, "bin", "lookout.js"), "plan", "--stack", "prod", "--shards", "2", "--jobs", "2", "--json"], {
        cwd: ROOT,
        detached: true,
        stdio: ["ignore", "ignore", "pipe"],
      });
      child.stderr!.resume();
      const exited = exitOf(child);
      try {
        const workers = await waitFor("two shard workers", () => {
          const found = descendants(child.pid!);
          return found.length >= 2 ? found : undefined;
        });
        child.kill("SIGTERM");
        expect(await exited).toEqual({ code: 143, signal: null });
        expect(alive(workers)).toEqual([]);
        expect(groupMembers(child.pid!)).toEqual([]);
      } finally {
        try {
          process.kill(-child.pid!, "SIGKILL");
        } catch {
          // Already gone, as it should be.
        }
      }
    },
    180_000,
  );
});
