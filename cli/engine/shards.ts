/**
 * A large catalog planned in shards: the services split into contiguous runs, each
 * planned by the program in its own worker process (`shardWorker.ts`, a few at a time),
 * and the registrations merged into the one run a single process would have made.
 *
 * Why processes: the Pulumi SDK keeps every resource it registered alive to the end of
 * the run (about 45 KB of Outputs, promises and closures each), so one process's memory
 * grows with the stack. A worker's ends with its shard. Names and URNs derive from
 * catalog keys, never positions, so a resource's URN is the same in any shard; the
 * resources every shard registers (providers, on-call) must come out identical, and the
 * merge checks that they do.
 */
import { fork, type ChildProcess } from "child_process";
import * as path from "path";
import { isDeepStrictEqual } from "util";
import type { SourceRef } from "../../infra/catalog/model";
import { InputError } from "../errors";
import type { ProgramRun } from "./program";
import type { PlannedResource } from "./resource";

/** What a worker plans: the stack (as `readStackSettings` reads it) and its part of it. */
export interface ShardJob {
  readonly projectRoot: string;
  readonly stack: string;
  /** Stack config overrides (`lookout:catalog` from --catalog). */
  readonly overrides: Readonly<Record<string, string>>;
  /** The services whose own resources it registers. */
  readonly services: readonly string[];
  /** Whether it also registers the stack-wide resources (storage, status pages, dashboards). */
  readonly stackWide: boolean;
}

/** Messages from a worker. */
export type ShardMessage =
  | { readonly kind: "progress"; readonly registered: number }
  | {
      readonly kind: "done";
      readonly resources: PlannedResource[];
      readonly outputs: Record<string, unknown>;
      readonly sources: [string, SourceRef][];
    }
  | { readonly kind: "failed"; readonly input: boolean; readonly message: string };

/** Shards disagree on a resource or an output: a program whose parts depend on how it was split. */
export class ShardMergeError extends Error {
  constructor(message: string) {
    super(`sharded plan: ${message}`);
    this.name = "ShardMergeError";
  }
}

/** `count` contiguous runs of `names`, as even as can be (none empty). */
export function splitServices(names: readonly string[], count: number): string[][] {
  const shards = Math.max(1, Math.min(Math.floor(count), names.length));
  return Array.from({ length: shards }, (_, i) => names.slice(Math.floor((i * names.length) / shards), Math.floor(((i + 1) * names.length) / shards)));
}

/** The shards of a stack: the first also registers the stack-wide resources. */
export function shardJobs(base: Omit<ShardJob, "services" | "stackWide">, names: readonly string[], count: number): ShardJob[] {
  return splitServices(names, count).map((services, i) => ({ ...base, services, stackWide: i === 0 }));
}

export interface RunShardsOptions {
  /** Workers at a time. */
  readonly parallel: number;
  /** V8 heap limit of each worker, MB: a lower one makes the worker collect garbage sooner. */
  readonly workerHeapMb?: number;
  /** Registered resources over all shards so far. */
  readonly onRegister?: (count: number) => void;
}

const WORKER = path.join(__dirname, "shardWorker.ts");
const STDERR_TAIL = 4_000;

/**
 * Runs every job in a worker, `parallel` at a time, and merges the runs. The first
 * failure stops the other workers and rejects: InputError for the user's input (every
 * shard validates the same catalog, so it is the error a single run gives), Error else.
 */
export async function runShards(jobs: readonly ShardJob[], options: RunShardsOptions): Promise<ProgramRun> {
  const runs = new Array<ProgramRun>(jobs.length);
  const registered = new Array<number>(jobs.length).fill(0);
  const live = new Set<ChildProcess>();
  let next = 0;
  let failure: unknown;
  const worker = async (): Promise<void> => {
    while (next < jobs.length && failure === undefined) {
      const index = next++;
      try {
        runs[index] = await runWorker(jobs[index], index, jobs.length, options.workerHeapMb, live, (count) => {
          registered[index] = count;
          options.onRegister?.(registered.reduce((a, b) => a + b, 0));
        });
      } catch (error) {
        failure ??= error;
        for (const child of live) child.kill("SIGKILL");
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.parallel, jobs.length)) }, worker));
  if (failure !== undefined) throw failure;
  return mergeRuns(runs);
}

function runWorker(job: ShardJob, index: number, count: number, heapMb: number | undefined, live: Set<ChildProcess>, onRegister: (count: number) => void): Promise<ProgramRun> {
  const what = `shard ${index + 1} of ${count} (${job.services.length} services from ${job.services[0] ?? "none"})`;
  return new Promise<ProgramRun>((resolve, reject) => {
    const child = fork(WORKER, [], {
      execArgv: ["--require", require.resolve("tsx/cjs"), ...(heapMb ? [`--max-old-space-size=${heapMb}`] : [])],
      serialization: "advanced",
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    live.add(child);
    let stderr = "";
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL);
    });
    let result: ProgramRun | undefined;
    let failed: Error | undefined;
    child.on("message", (message: ShardMessage) => {
      if (message.kind === "progress") onRegister(message.registered);
      else if (message.kind === "done") {
        onRegister(message.resources.length);
        result = { resources: message.resources, outputs: message.outputs, sources: new Map(message.sources) };
      } else {
        failed = message.input ? new InputError(message.message) : new Error(`${what}: ${message.message}`);
      }
    });
    child.on("error", (error) => {
      failed ??= new Error(`${what}: ${error.message}`);
    });
    child.on("exit", (code, signal) => {
      live.delete(child);
      if (failed) reject(failed);
      else if (result && code === 0) resolve(result);
      else reject(new Error(`${what} ${signal ? `was killed by ${signal}` : `exited with code ${code ?? "?"}`}${stderr.trim() ? `\n--- stderr (end) ---\n${stderr.trim()}` : ""}`));
    });
    child.send(job);
  });
}

/**
 * The runs as one: every resource once (a resource more than one shard registered must
 * be identical in each), root stack outputs merged key by key (keyed maps joined), and
 * the sources joined. Registration order: the first shard's, then each next shard's new
 * resources.
 */
export function mergeRuns(runs: readonly ProgramRun[]): ProgramRun {
  if (runs.length === 1) return runs[0];
  const byUrn = new Map<string, PlannedResource>();
  const resources: PlannedResource[] = [];
  const sources = new Map<string, SourceRef>();
  for (const run of runs) {
    for (const resource of run.resources) {
      const seen = byUrn.get(resource.urn);
      if (!seen) {
        byUrn.set(resource.urn, resource);
        resources.push(resource);
      } else if (!isDeepStrictEqual(seen, resource)) {
        throw new ShardMergeError(`shards registered ${resource.urn} differently`);
      }
    }
    for (const [key, ref] of run.sources) {
      const seen = sources.get(key);
      if (seen && !isDeepStrictEqual(seen, ref)) throw new ShardMergeError(`shards recorded different catalog sources for ${key}`);
      sources.set(key, ref);
    }
  }
  const outputs: Record<string, unknown> = {};
  for (const run of runs) {
    for (const [key, value] of Object.entries(run.outputs)) {
      outputs[key] = key in outputs ? mergeValue(outputs[key], value, key) : value;
    }
  }
  return { resources, outputs, sources };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Equal values stay; keyed maps join (a key in both must agree); anything else is a conflict. */
function mergeValue(a: unknown, b: unknown, at: string): unknown {
  if (isDeepStrictEqual(a, b)) return a;
  if (!isRecord(a) || !isRecord(b)) throw new ShardMergeError(`stack output "${at}" differs between shards`);
  const merged: Record<string, unknown> = { ...a };
  for (const [key, value] of Object.entries(b)) merged[key] = key in merged ? mergeValue(merged[key], value, `${at}.${key}`) : value;
  // Keys sorted, as a single run's outputs come (they pass through a protobuf Struct).
  return Object.fromEntries(Object.entries(merged).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
}
