/**
 * The temporary git worktrees `lookout diff` plans a base revision in, and what a
 * cancelled run leaves of them.
 *
 * Each lives in its own folder `<tmpdir>/lookout-base-XXXXXX/`: `owner.json` (the
 * process that made it, the repository, the base plan's process) and `tree/` (the
 * worktree). A run removes its own on success, failure, SIGINT and SIGTERM (cancel.ts).
 * SIGKILL cannot be caught: the next `lookout diff` removes every such folder whose owner
 * process is gone (and the base plan it left running), never one whose owner is alive.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { InputError } from "../errors";

export const WORKTREE_PREFIX = "lookout-base-";
const OWNER_FILE = "owner.json";
/** A folder with no owner file (made by an older Lookout, or killed while being made) is stale after this. */
const UNOWNED_STALE_MS = 60 * 60 * 1000;

export interface Owner {
  /** The `lookout diff` process. */
  readonly pid: number;
  /** The repository's git common directory (`git rev-parse --git-common-dir`), absolute. */
  readonly repository: string;
  /** The base plan's process, which leads its own process group. */
  readonly planPid?: number;
}

export function git(root: string, args: readonly string[]): string {
  try {
    return execFileSync("git", ["-C", root, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new InputError(`git ${args.join(" ")}: ${stderr || (error as Error).message}`);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A base worktree of this run: `tree` checked out at `commit`, removed by `remove()`. */
export class BaseWorktree {
  private removed = false;

  private constructor(
    /** The folder holding `owner.json` and `tree/`. */
    readonly folder: string,
    /** The worktree. */
    readonly tree: string,
    private owner: Owner,
  ) {}

  /** Makes the folder, records its owner, and adds the worktree at `commit`. */
  static add(projectRoot: string, commit: string): BaseWorktree {
    const repository = path.resolve(projectRoot, git(projectRoot, ["rev-parse", "--git-common-dir"]));
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), WORKTREE_PREFIX));
    const worktree = new BaseWorktree(folder, path.join(folder, "tree"), { pid: process.pid, repository });
    worktree.writeOwner();
    try {
      git(projectRoot, ["worktree", "add", "--detach", "--force", worktree.tree, commit]);
    } catch (error) {
      worktree.remove();
      throw error;
    }
    return worktree;
  }

  /** Records the base plan's process, for a later run to stop if this one is killed. */
  setPlanPid(planPid: number): void {
    this.owner = { ...this.owner, planPid };
    this.writeOwner();
  }

  private writeOwner(): void {
    fs.writeFileSync(path.join(this.folder, OWNER_FILE), `${JSON.stringify(this.owner)}\n`);
  }

  /** Unregisters the worktree and deletes the folder; safe to call more than once. */
  remove(): void {
    if (this.removed) return;
    this.removed = true;
    removeFolder(this.owner.repository, this.folder);
  }
}

function removeFolder(repository: string | undefined, folder: string): void {
  const tree = path.join(folder, "tree");
  const gitDir = repository && fs.existsSync(repository) ? ["--git-dir", repository] : undefined;
  // PF-GIT-1: --force removes a worktree with changes; prune unregisters one whose folder is gone.
  if (gitDir) spawnSync("git", [...gitDir, "worktree", "remove", "--force", tree], { stdio: "ignore" });
  fs.rmSync(folder, { recursive: true, force: true });
  // Whatever `worktree remove` could not unregister, now that the folder is gone.
  if (gitDir) spawnSync("git", [...gitDir, "worktree", "prune"], { stdio: "ignore" });
}

function readOwner(folder: string): Owner | undefined {
  try {
    const owner = JSON.parse(fs.readFileSync(path.join(folder, OWNER_FILE), "utf8")) as Partial<Owner>;
    return typeof owner.pid === "number" && typeof owner.repository === "string" ? (owner as Owner) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether `pid` is still the base plan a killed run started in `folder`: a Linux check
 * of its command line, so a recycled process id is never killed. Elsewhere: unknown, left alone.
 */
function isOrphanedPlan(pid: number, folder: string): boolean {
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
    return cmdline.includes(path.join(folder, "tree"));
  } catch {
    return false;
  }
}

/** The folders stale worktrees may be in: `<tmpdir>/lookout-base-*`, and this repository's registered ones. */
function candidates(projectRoot: string): string[] {
  const found = new Set<string>();
  const tmp = os.tmpdir();
  try {
    for (const entry of fs.readdirSync(tmp)) if (entry.startsWith(WORKTREE_PREFIX)) found.add(path.join(tmp, entry));
  } catch {
    // No temporary directory to read: nothing to prune there.
  }
  const list = spawnSync("git", ["-C", projectRoot, "worktree", "list", "--porcelain"], { encoding: "utf8" });
  // PF-GIT-2: one `worktree <path>` line per worktree.
  for (const line of (list.stdout ?? "").split("\n")) {
    if (!line.startsWith("worktree ")) continue;
    const tree = line.slice("worktree ".length);
    if (path.basename(tree) === "tree" && path.basename(path.dirname(tree)).startsWith(WORKTREE_PREFIX)) found.add(path.dirname(tree));
  }
  return [...found];
}

/**
 * Removes what killed runs left: every base worktree folder whose owner process is gone
 * (with the base plan it still runs, and the worktree's registration), and registrations
 * of this repository's worktrees whose folder is gone. Returns the folders removed.
 */
export function pruneStaleWorktrees(projectRoot: string): string[] {
  const removed: string[] = [];
  for (const folder of candidates(projectRoot)) {
    const owner = readOwner(folder);
    if (owner ? isAlive(owner.pid) : !isOldUnowned(folder)) continue;
    if (owner?.planPid !== undefined && isOrphanedPlan(owner.planPid, folder)) {
      try {
        // The base plan leads its process group (PF-GIT-3): its children go with it.
        process.kill(-owner.planPid, "SIGKILL");
      } catch {
        // Gone meanwhile.
      }
    }
    removeFolder(owner?.repository, folder);
    removed.push(folder);
  }
  spawnSync("git", ["-C", projectRoot, "worktree", "prune"], { stdio: "ignore" });
  return removed;
}

function isOldUnowned(folder: string): boolean {
  try {
    return Date.now() - fs.statSync(folder).mtimeMs > UNOWNED_STALE_MS;
  } catch {
    return false;
  }
}
