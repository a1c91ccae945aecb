/**
 * Cancellation. The processes Lookout starts (shard workers, policy packs, a base
 * revision's `lookout plan` with its own children) are tracked here, and so are the
 * cleanups a run owes (a base worktree to remove). On SIGINT or SIGTERM every tracked
 * child gets the same signal (a whole process group for a child that leads one), then
 * SIGKILL after a grace period; the cleanups run; the process exits 128 + the signal's
 * number (130 for SIGINT, 143 for SIGTERM), as a shell reports a process a signal ended
 * (PF-GIT-4).
 * On any other exit the children still running are killed and the cleanups run too.
 */
import type { ChildProcess } from "child_process";
import { constants } from "os";

/** How long children get to end after the signal is passed on, before SIGKILL. */
export const CANCEL_GRACE_MS = 3_000;

interface Tracked {
  /** The child leads its own process group (spawned `detached`): signal the group. */
  readonly group: boolean;
}

const children = new Map<ChildProcess, Tracked>();
const cleanups = new Set<() => void>();
let installed = false;
let cancelling = false;

function signal(child: ChildProcess, name: NodeJS.Signals, group: boolean): void {
  try {
    // A negative pid signals the whole process group a detached child leads (PF-GIT-3).
    if (group && child.pid !== undefined) process.kill(-child.pid, name);
    else if (child.exitCode === null && child.signalCode === null) child.kill(name);
  } catch {
    // Already gone (ESRCH): nothing to stop.
  }
}

function runCleanups(): void {
  for (const cleanup of [...cleanups]) {
    cleanups.delete(cleanup);
    try {
      cleanup();
    } catch {
      // A cleanup that fails must not keep the others from running.
    }
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on("exit", () => {
    for (const [child, { group }] of children) signal(child, "SIGKILL", group);
    runCleanups();
  });
  for (const name of ["SIGINT", "SIGTERM"] as const) process.on(name, () => void cancel(name));
}

/**
 * Stops `child` when this process is cancelled or exits. `group`: the child was spawned
 * `detached` and leads a process group; the whole group is signalled, and swept with
 * SIGKILL when the child exits (its own children must not outlive it).
 */
export function trackChild(child: ChildProcess, options: { readonly group?: boolean } = {}): void {
  install();
  const group = options.group === true;
  children.set(child, { group });
  child.once("exit", () => {
    children.delete(child);
    if (group) signal(child, "SIGKILL", true);
  });
}

/** Stops a tracked `child` now (SIGKILL, to its whole group if it leads one), as a run that no longer needs it. */
export function stopChild(child: ChildProcess): void {
  signal(child, "SIGKILL", children.get(child)?.group === true);
}

/** Runs `cleanup` (synchronous) if this process is cancelled or exits first; returns its removal. */
export function onCancel(cleanup: () => void): () => void {
  install();
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/** Whether a signal is being handled: what a stopped child reports then is no failure to print. */
export function isCancelling(): boolean {
  return cancelling;
}

/** The exit code of a run `name` cancelled: 128 + the signal's number. */
export function cancelExitCode(name: "SIGINT" | "SIGTERM"): number {
  return 128 + constants.signals[name];
}

async function cancel(name: "SIGINT" | "SIGTERM"): Promise<void> {
  // A second signal while stopping: the first one's cleanup is already under way.
  if (cancelling) return;
  cancelling = true;
  const running = [...children];
  if (running.length > 0) process.stderr.write(`lookout: ${name}: stopping ${running.length} child process${running.length === 1 ? "" : "es"}\n`);
  const exited = running.map(([child]) => (child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => child.once("exit", () => resolve()))));
  for (const [child, { group }] of running) signal(child, name, group);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(exited), new Promise<void>((resolve) => (timer = setTimeout(resolve, CANCEL_GRACE_MS)))]);
  clearTimeout(timer);
  for (const [child, { group }] of running) signal(child, "SIGKILL", group);
  runCleanups();
  process.exit(cancelExitCode(name));
}
