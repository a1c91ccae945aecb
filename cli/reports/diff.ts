/**
 * What changes between two plans: resources added, removed, replaced (a new URN) and
 * changed, every threshold change with its direction, and policy results. Pure: plans
 * in, a `PlanDiff` out. `planAtRef` makes the base plan from a git revision.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { stableStringify } from "../../json/canonical";
import { InputError } from "../errors";
import { isUrgent } from "../../catalog/model";
import { isCancelling, onCancel, stopChild, trackChild } from "../engine/cancel";
import type { Plan, PlanPolicyResult, PlanResource } from "../engine/plan";
import { maskSecrets, maskValue } from "../render/mask";
import type { Direction, PlanDiff, ResourceChange, ThresholdChange, ThresholdRow } from "./model";
import { blockedOf } from "./blocked";
import { costDelta, type CostDelta } from "./cost";
import { likelyRenames } from "./likelyRenames";
import { classifyCoverage, classifyPair, isClassified, isLoudChange } from "./classify";
import type { Rosters } from "./classifyRoutes";
import { rosterOf } from "./escalation";
import { massRemovalOf } from "./massRemoval";
import { basePlanKey, cacheDir, readCachedPlan, writeCachedPlan } from "./planCache";
import { servicesOf } from "./services";
import { thresholdsOfResource } from "./thresholds";
import { BaseWorktree, git, pruneStaleWorktrees } from "./worktree";

/** A key stable across plans for one setting of one resource. */
function rowKey(urn: string, setting: string): string {
  return `${urn}#${setting}`;
}

/** Whether moving from `before` to `after` alerts later, less often, pages fewer people or keeps data shorter. */
export function directionOf(row: ThresholdRow, before: number | string, after: number | string): Direction {
  if (typeof before !== "number" || typeof after !== "number" || before === after || row.looserWhen === "neutral") return "neutral";
  const higher = after > before;
  return (row.looserWhen === "higher") === higher ? "looser" : "tighter";
}

function change(resource: PlanResource, rows: readonly ThresholdRow[], serviceOf: (r: PlanResource) => string | undefined): ResourceChange {
  const severity = rows.find((r) => r.severity)?.severity;
  const service = serviceOf(resource);
  return {
    urn: resource.urn,
    type: resource.type,
    name: resource.name,
    ...(service !== undefined ? { service } : {}),
    ...(severity ? { severity } : {}),
    ...(resource.source ? { source: resource.source } : {}),
  };
}

function policyKey(p: PlanPolicyResult): string {
  return [p.pack, p.policy, p.urn ?? "", p.message].join("\u0000");
}

export interface DiffMeta {
  readonly stack: string;
  readonly baseRef: string;
  readonly baseCommit: string;
  readonly headRef: string;
}

/**
 * `massRemovalPercent`: the share of the base's monitors a change may remove before it is a
 * mass removal; `budget`: the cost delta's prices and budget (default the budget rule's defaults).
 */
export function diffPlans(base: Plan, head: Plan, meta: DiffMeta, options: { readonly massRemovalPercent?: number; readonly budget?: CostDelta["budget"] } = {}): PlanDiff {
  const baseByUrn = new Map(base.resources.map((r) => [r.urn, r]));
  const headByUrn = new Map(head.resources.map((r) => [r.urn, r]));
  const rowsOf = new Map<PlanResource, ThresholdRow[]>();
  const rows = (r: PlanResource) => rowsOf.get(r) ?? (rowsOf.set(r, thresholdsOfResource(r)), rowsOf.get(r)!);
  // A removed resource's service is the base's; every other the head's.
  const baseService = servicesOf(base);
  const headService = servicesOf(head);

  let removed = base.resources.filter((r) => !headByUrn.has(r.urn));
  let added = head.resources.filter((r) => !baseByUrn.has(r.urn));
  // The same type and name under another URN (a new parent): Pulumi replaces it.
  const replaced: { before: PlanResource; after: PlanResource }[] = [];
  for (const before of removed) {
    const after = added.find((a) => a.type === before.type && a.name === before.name);
    if (after) replaced.push({ before, after });
  }
  // A head resource that names a removed one's URN among its aliases: renamed, its state moved (PF-PU-ALIAS-1).
  const byAlias = new Map(added.flatMap((a) => (a.aliases ?? []).map((urn): [string, PlanResource] => [urn, a])));
  const renamed: { before: PlanResource; after: PlanResource }[] = removed.flatMap((before) => {
    const after = byAlias.get(before.urn);
    return after ? [{ before, after }] : [];
  });
  removed = removed.filter((r) => !replaced.some((p) => p.before === r) && !renamed.some((p) => p.before === r));
  added = added.filter((r) => !replaced.some((p) => p.after === r) && !renamed.some((p) => p.after === r));

  const pairs: [PlanResource, PlanResource][] = [
    ...head.resources.flatMap((h): [PlanResource, PlanResource][] => {
      const b = baseByUrn.get(h.urn);
      return b ? [[b, h]] : [];
    }),
    ...replaced.map((p): [PlanResource, PlanResource] => [p.before, p.after]),
    ...renamed.map((p): [PlanResource, PlanResource] => [p.before, p.after]),
  ];

  const changed = pairs
    .filter(([b, h]) => b.urn === h.urn && stableStringify(b.inputs) !== stableStringify(h.inputs))
    .map(([b, h]) => {
      const keys = [...new Set([...Object.keys(b.inputs), ...Object.keys(h.inputs)])].filter((k) => stableStringify(b.inputs[k]) !== stableStringify(h.inputs[k])).sort();
      return { ...change(h, rows(h), headService), keys };
    });

  const thresholds: ThresholdChange[] = [];
  const rosters: Rosters = { before: rosterOf(base), after: rosterOf(head) };
  for (const [b, h] of pairs) {
    const before = new Map(rows(b).map((r) => [r.setting, r]));
    const after = new Map(rows(h).map((r) => [r.setting, r]));
    for (const setting of [...new Set([...before.keys(), ...after.keys()])].sort()) {
      const was = before.get(setting);
      const is = after.get(setting);
      if (was && is && was.value === is.value) continue;
      if (was && is && isClassified(h.type, setting)) continue;
      const row = is ?? was!;
      // A setting that appears tightens (a new warning, a new bound); one that goes away loosens.
      const direction: Direction = was && is ? directionOf(row, was.value, is.value) : row.looserWhen === "neutral" ? "neutral" : is ? "tighter" : "looser";
      const loud = isLoudChange(direction, row.kind, isUrgent(was?.severity) ? was?.severity : is?.severity);
      thresholds.push({ row, ...(was ? { before: was } : {}), ...(is ? { after: is } : {}), direction, loud });
    }
    thresholds.push(...classifyPair(b, h, rosters));
  }
  thresholds.push(...classifyCoverage(base.resources, head.resources, added, removed));
  thresholds.sort((x, y) => Number(y.loud) - Number(x.loud) || order(x.direction) - order(y.direction) || rowKey(x.row.urn, x.row.setting).localeCompare(rowKey(y.row.urn, y.row.setting)));

  const basePolicies = new Map(base.policies.map((p) => [policyKey(p), p]));
  const headPolicies = new Map(head.policies.map((p) => [policyKey(p), p]));
  const removedChanges = removed.map((r) => change(r, rows(r), baseService));
  const loud = [
    ...removedChanges.filter((r) => isUrgent(r.severity)).map((r) => `Removed ${r.severity} ${r.name}${r.source ? ` (was ${r.source})` : ""}`),
    ...removedChanges.filter((r) => r.type === "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").map((r) => `Removed retention rules ${r.name}`),
    ...thresholds.filter((t) => t.loud).map((t) => `${t.direction === "looser" ? "Looser" : "Create-only"} ${t.row.severity ?? t.row.kind} ${t.row.resource} ${t.row.setting}: ${t.before?.display ?? "—"} → ${t.after?.display ?? "removed"}${t.reason ? `: ${t.reason}` : ""}${t.row.source ? ` (${t.row.source})` : ""}`),
  ];
  return {
    stack: meta.stack,
    base: { ref: meta.baseRef, commit: meta.baseCommit },
    head: { ref: meta.headRef },
    massRemoval: massRemovalOf(base, head, removed, options.massRemovalPercent),
    blocked: blockedOf(removed, replaced),
    added: added.map((r) => change(r, rows(r), headService)),
    removed: removedChanges,
    replaced: replaced.map((p) => ({ before: change(p.before, rows(p.before), baseService), after: change(p.after, rows(p.after), headService) })),
    renamed: renamed.map((p) => ({ before: change(p.before, rows(p.before), baseService), after: change(p.after, rows(p.after), headService) })),
    likelyRenames: likelyRenames(base, head, removed, added),
    cost: costDelta(base, head, options.budget),
    changed,
    thresholds,
    policies: {
      introduced: [...headPolicies].filter(([k]) => !basePolicies.has(k)).map(([, p]) => p),
      fixed: [...basePolicies].filter(([k]) => !headPolicies.has(k)).map(([, p]) => p),
    },
    loud,
  };
}

function order(direction: Direction): number {
  return direction === "looser" ? 0 : direction === "tighter" ? 1 : 2;
}

/**
 * What the base revision's failed `lookout plan` said, without a stack trace: its bad
 * input as it reported it (exit 2: every positioned problem), else its first line.
 */
export function baseFailure(status: number | null, stderr: string): string {
  const lines = stderr.split("\n").map((l) => l.trimEnd()).filter((l) => l.trim() !== "");
  const trace = lines.findIndex((l) => /^\s+at /.test(l));
  const message = lines.slice(0, trace === -1 ? lines.length : Math.max(1, trace)).map((l, i) => (i === 0 ? l.replace(/^(error|internal error):\s*/, "") : l));
  const how = status === null ? "was killed" : `exited ${status}`;
  // A crash: the error's own line (Node prints the source line and a caret before it).
  const crash = lines.find((l) => /^(\w*Error|error|internal error):/.test(l))?.replace(/^(error|internal error):\s*/, "") ?? message[0] ?? "";
  const said = status === 2 ? message.slice(0, 50).join("\n") : crash.slice(0, 300);
  return `its own lookout plan ${how}${said ? `: ${said}` : ""}`;
}

/** The arguments the base revision is planned with. */
const basePlanArgs = (stack: string) => ["plan", "--stack", stack, "--json"];

export interface PlanAtRefOptions {
  /** Stops the base plan (its whole process group) and removes its worktree, e.g. when the head plan failed. */
  readonly signal?: AbortSignal;
  /** The cache folder (planCache.ts); default `cacheDir(projectRoot)`. */
  readonly cacheDir?: string;
}

/**
 * Plans revision `ref` of the project: from the cache when a plan of the same content is
 * there (planCache.ts), else in a temporary git worktree sharing this checkout's
 * `node_modules`, by that revision's own `lookout plan --json` in its own process group,
 * whose output is then cached. SIGINT/SIGTERM stop the group and remove the worktree
 * (cancel.ts); first, what killed runs left is pruned (worktree.ts), on a hit too.
 */
export async function planAtRef(projectRoot: string, ref: string, stack: string, options: PlanAtRefOptions = {}): Promise<{ plan: Plan; commit: string }> {
  const top = git(projectRoot, ["rev-parse", "--show-toplevel"]);
  let commit: string;
  try {
    commit = git(projectRoot, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  } catch {
    throw new InputError(`--base ${ref}: no such git revision (a branch, tag or commit)`);
  }
  const relative = path.relative(top, projectRoot);
  for (const folder of pruneStaleWorktrees(projectRoot)) process.stderr.write(`lookout: removed ${folder}, left by a cancelled lookout diff\n`);
  const args = basePlanArgs(stack);
  // PF-FAST-1: the project folder's tree at that commit, by content.
  const tree = git(projectRoot, ["rev-parse", "--verify", "--quiet", `${commit}:${relative.split(path.sep).join("/")}`]);
  const cache = options.cacheDir ?? cacheDir(projectRoot);
  const key = basePlanKey({ tree, stack, args, projectRoot });
  const cached = parsePlan(readCachedPlan(cache, key));
  // Masked again: a base revision from before the masking rule printed its plan in clear.
  if (cached) return { plan: maskPlan(cached), commit };

  const worktree = BaseWorktree.add(projectRoot, commit);
  const forget = onCancel(() => worktree.remove());
  try {
    const root = path.join(worktree.tree, relative);
    for (const modules of ["node_modules", path.join("policies", "node_modules")]) {
      const source = path.join(projectRoot, modules);
      if (fs.existsSync(source) && !fs.existsSync(path.join(root, modules))) fs.symlinkSync(source, path.join(root, modules), "dir");
    }
    copyBuild(projectRoot, root);
    const cli = path.join(root, "bin", "lookout.js");
    if (!fs.existsSync(cli)) throw new InputError(`cannot plan ${ref} (${commit.slice(0, 12)}): that revision has no bin/lookout.js (it predates lookout plan)`);
    const result = await run(worktree, root, args, options.signal);
    // Exit 1 is a plan with mandatory violations: still a plan to compare.
    if ((result.status !== 0 && result.status !== 1) || !result.stdout.trim().startsWith("{")) {
      throw new InputError(`cannot plan ${ref} (${commit.slice(0, 12)}) for stack ${stack}: ${baseFailure(result.status, result.stderr)}`);
    }
    const plan = maskPlan(JSON.parse(result.stdout) as Plan);
    // The bytes the plan printed, as they are: a hit must give exactly what a fresh plan would.
    const unwritten = writeCachedPlan(cache, key, result.stdout);
    if (unwritten) process.stderr.write(`lookout: warning: base plan not cached in ${cache}: ${unwritten.message}\n`);
    return { plan, commit };
  } finally {
    forget();
    worktree.remove();
  }
}

/**
 * The head's build (dist/) copied into the base's worktree, which has none (git ignores
 * it): the base's `lookout` runs it only if the base's sources are the very ones the build
 * read (bin/build.js compares contents; a change of catalogs only), else its TypeScript.
 */
function copyBuild(projectRoot: string, root: string): void {
  const build = path.join(projectRoot, "dist");
  if (!fs.existsSync(path.join(build, ".sources")) || fs.existsSync(path.join(root, "dist"))) return;
  fs.cpSync(build, path.join(root, "dist"), { recursive: true, filter: (source) => path.basename(source) !== ".tsbuildinfo" });
}

/**
 * Runs the worktree's `lookout` with `args`, tracked for cancellation: in its own process
 * group (PF-GIT-3), so its shard workers and policy packs are stopped with it. Not on
 * Windows, where `detached` means a console window of its own and there are no groups.
 */
function run(worktree: BaseWorktree, root: string, args: readonly string[], signal?: AbortSignal): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const group = process.platform !== "win32";
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const child = spawn(process.execPath, [path.join(root, "bin", "lookout.js"), ...args], { cwd: root, detached: group, stdio: ["ignore", "pipe", "pipe"] });
    trackChild(child, { group });
    const abort = () => {
      stopChild(child);
      reject(abortError(signal));
    };
    signal?.addEventListener("abort", abort, { once: true });
    child.once("exit", () => signal?.removeEventListener("abort", abort));
    if (child.pid !== undefined) worktree.setPlanPid(child.pid);
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", reject);
    // Stopped by a cancellation: the process exits 130/143 without reporting it as a failed plan.
    child.on("close", (status) => isCancelling() || resolve({ status, stdout: Buffer.concat(stdout).toString("utf8"), stderr: Buffer.concat(stderr).toString("utf8") }));
  });
}

/** A cached entry's plan; undefined for none, or for one no longer JSON (edited by hand): then the base is planned again. */
/**
 * A base plan masked as the head's output is: every credential-like value, except a
 * lookup's `token`, which names the function looked up (`pagerduty:index/getUser:getUser`)
 * and is no credential; its arguments and answer are masked.
 */
function maskPlan(plan: Plan): Plan {
  const { lookups, ...rest } = plan;
  return { ...maskValue(rest), ...(lookups ? { lookups: lookups.map((l) => ({ token: maskSecrets(l.token), args: maskValue(l.args), result: maskValue(l.result) })) } : {}) };
}

function parsePlan(text: string | undefined): Plan | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as Plan;
  } catch {
    return undefined;
  }
}

function abortError(signal: AbortSignal | undefined): Error {
  return signal?.reason instanceof Error ? signal.reason : new Error("the base plan was stopped");
}
