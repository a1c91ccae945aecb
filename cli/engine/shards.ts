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
import { type ChildProcess, fork } from "child_process";
import { isDeepStrictEqual } from "util";
import type { CatalogIssue } from "../../catalog/errors";
import type { Catalog, Service, SourceRef } from "../../catalog/model";
import { InputError } from "../errors";
import { isRecord, SECRET_SIG, SIG_KEY, UNKNOWN } from "./marshal";
import { trackChild } from "./cancel";
import { ownModule, ownModuleExecArgv } from "./compiled";
import type { ProgramRun } from "./program";
import type { PlannedLookup } from "./mockRun";
import type { PlannedResource } from "./resource";

/** The stack every shard belongs to, as `readStackSettings` reads it, and its catalog. */
export interface ShardSetup {
  readonly projectRoot: string;
  readonly stack: string;
  /** Stack config overrides (`lookout:catalog` from --catalog). */
  readonly overrides: Readonly<Record<string, string>>;
  /** The catalog, loaded and validated once (workers get a copy, not the file). */
  readonly catalog: Catalog;
}

/** One shard: the services whose own resources it registers. */
export interface ShardJob {
  readonly services: readonly string[];
  /** Whether it also registers the stack-wide resources (storage, status pages, dashboards). */
  readonly stackWide: boolean;
}

/** Messages to a worker: the setup once, then jobs one at a time. */
export type ToWorker = ({ readonly kind: "setup" } & ShardSetup) | ({ readonly kind: "job" } & ShardJob);

/** Messages from a worker, per job: its resources in batches as they register, then the end. */
export type FromWorker =
  | { readonly kind: "resources"; readonly resources: PlannedResource[] }
  | {
      readonly kind: "done";
      /** How many resources the batches carried (a check that none was lost). */
      readonly count: number;
      readonly outputs: Record<string, unknown>;
      readonly sources: [string, SourceRef][];
      readonly lookups: PlannedLookup[];
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

/** The shards of a catalog: the first also registers the stack-wide resources. */
export function shardJobs(names: readonly string[], count: number): ShardJob[] {
  return toJobs(splitServices(names, count));
}

function toJobs(shards: readonly string[][]): ShardJob[] {
  return shards.map((services, i) => ({ services, stackWide: i === 0 }));
}

/**
 * About how many resources a service registers: its components, a check per endpoint,
 * certificate and journey, a monitor per alert, an SLO with its burn-rate monitors (a
 * composite tier makes three), its Sentry project, team membership and rules. A
 * resource in flight costs memory, so shards are cut by this, not by service count.
 */
export function serviceWeight(service: Service): number {
  const slos = service.slos.reduce((sum, slo) => sum + 1 + 3 * slo.burnRates.length, 0);
  const sentry = service.sentry ? 2 + service.sentry.issueAlerts.length + service.sentry.metricAlerts.length : 0;
  return 4 + service.endpoints.length + service.tlsChecks.length + service.journeys.length + service.alerts.length + slos + sentry;
}

/**
 * The most a service may weigh (`serviceWeight`): a service is never split, so one worker
 * (or this process) plans all of it, and a resource in flight takes up to about 250 KB of
 * heap; 2,500 of them stay well inside a worker's 768 MB. A service of 10,000 endpoints
 * would exhaust it (a V8 abort): it is refused before anything runs.
 */
export const MAX_SERVICE_WEIGHT = 2_500;

/** The services heavier than MAX_SERVICE_WEIGHT, each as a catalog issue at the service's entry. */
export function overweightServices(services: readonly Service[]): CatalogIssue[] {
  return services.flatMap((service) => {
    const weight = serviceWeight(service);
    if (weight <= MAX_SERVICE_WEIGHT) return [];
    const counts = `${service.endpoints.length} endpoints, ${service.alerts.length} alerts, ${service.slos.length} SLOs`;
    return [
      {
        ...service.source,
        path: `services.${service.name}`,
        message: `service "${service.name}" would make about ${weight.toLocaleString("en-US")} resources (${counts}); one service may make at most ${MAX_SERVICE_WEIGHT.toLocaleString("en-US")}: split it into several services`,
      },
    ];
  });
}

/**
 * The shards `--shards auto` plans: none (undefined: the program runs in this process)
 * while the services weigh at most `budget`; else as few contiguous shards of about
 * equal weight as keep each near `budget` (a service heavier than that is a shard alone).
 */
export function autoShardJobs(services: readonly Service[], budget: number): ShardJob[] | undefined {
  const weights = services.map(serviceWeight);
  const total = weights.reduce((a, b) => a + b, 0);
  if (total <= budget) return undefined;
  const count = Math.ceil(total / budget);
  const shards: string[][] = [];
  let before = 0;
  services.forEach((service, i) => {
    // The shard whose share of the total weight holds this service's middle.
    const index = Math.min(count - 1, Math.floor(((before + weights[i] / 2) * count) / total));
    while (shards.length <= index) shards.push([]);
    shards[index].push(service.name);
    before += weights[i];
  });
  return toJobs(shards.filter((shard) => shard.length > 0));
}

export interface RunShardsOptions {
  /** Worker processes, each planning one shard after another. */
  readonly workers: number;
  /** V8 heap limit of each worker, MB: a lower one makes the worker collect garbage sooner. */
  readonly workerHeapMb?: number;
  /** Registered resources over all shards so far. */
  readonly onRegister?: (count: number) => void;
  /** Resources as a shard registers them, in batches, in its registration order (a resource several shards register comes from each). */
  readonly onResources?: (resources: readonly PlannedResource[]) => void;
}

const WORKER = ownModule("cli/engine/shardWorker");
const STDERR_TAIL = 4_000;

/**
 * Plans every shard in `workers` worker processes (each loads the program once and
 * plans one shard after another; its memory returns between shards) and merges the
 * runs. The first failure stops every worker and rejects: InputError for the user's
 * input, Error else.
 */
export async function runShards(setup: ShardSetup, jobs: readonly ShardJob[], options: RunShardsOptions): Promise<ProgramRun> {
  const runs = new Array<ProgramRun>(jobs.length);
  // Per shard: registrations while it runs, then the resources no earlier shard brought
  // (so the count ends at the plan's, not counting shared resources once per shard).
  const registered = new Array<number>(jobs.length).fill(0);
  const seen = new Set<string>();
  const workers: ShardWorker[] = [];
  let next = 0;
  let failure: { error: unknown } | undefined;
  const drive = async (worker: ShardWorker): Promise<void> => {
    while (next < jobs.length && failure === undefined) {
      const index = next++;
      try {
        runs[index] = await worker.plan(jobs[index], `shard ${index + 1} of ${jobs.length}`, (batch, count) => {
          registered[index] = count;
          options.onRegister?.(registered.reduce((a, b) => a + b, 0));
          options.onResources?.(batch);
        });
        const before = seen.size;
        for (const r of runs[index].resources) seen.add(r.urn);
        registered[index] = seen.size - before;
        options.onRegister?.(registered.reduce((a, b) => a + b, 0));
      } catch (error) {
        failure ??= { error };
        for (const w of workers) w.kill();
      }
    }
  };
  try {
    for (let i = 0; i < Math.max(1, Math.min(options.workers, jobs.length)); i++) workers.push(new ShardWorker(setup, options.workerHeapMb));
    await Promise.all(workers.map(drive));
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
  if (failure) throw failure.error;
  return mergeRuns(runs);
}

/** A worker process: started with the setup, then one job at a time. */
class ShardWorker {
  private readonly child: ChildProcess;
  private stderr = "";
  private readonly exited: Promise<void>;
  private exitDescription = "";
  private current: { onMessage: (message: FromWorker) => void; onExit: () => void } | undefined;

  constructor(setup: ShardSetup, heapMb: number | undefined) {
    this.child = fork(WORKER, [], {
      // A young generation of 32 MB: the SDK's promises die young, and scavenging them
      // in the default 16 MB took a third of a shard's time (about 20% less per shard).
      execArgv: [...ownModuleExecArgv(), "--max-semi-space-size=32", ...(heapMb ? [`--max-old-space-size=${heapMb}`] : [])],
      serialization: "advanced",
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    // Stopped on SIGINT/SIGTERM and when this process exits (cancel.ts).
    trackChild(this.child);
    this.child.stderr?.setEncoding("utf8");
    this.child.stderr?.on("data", (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-STDERR_TAIL);
    });
    this.child.on("message", (message: FromWorker) => this.current?.onMessage(message));
    this.exited = new Promise((resolve) => {
      this.child.on("exit", (code, signal) => {
        this.exitDescription = signal ? `was killed by ${signal}` : `exited with code ${code ?? "?"}`;
        this.current?.onExit();
        resolve();
      });
    });
    this.child.on("error", () => undefined); // reported through "exit"
    this.send({ kind: "setup", ...setup });
  }

  private send(message: ToWorker): void {
    if (this.child.connected) this.child.send(message);
  }

  /** Plans `job`; `onBatch` gets each batch of resources as it comes and the shard's count so far. */
  plan(job: ShardJob, what: string, onBatch: (resources: readonly PlannedResource[], count: number) => void): Promise<ProgramRun> {
    const label = `${what} (${job.services.length} services from ${job.services[0] ?? "none"})`;
    const resources: PlannedResource[] = [];
    return new Promise<ProgramRun>((resolve, reject) => {
      this.current = {
        onMessage: (message) => {
          if (message.kind === "resources") {
            for (const r of message.resources) resources.push(r);
            return onBatch(message.resources, resources.length);
          }
          this.current = undefined;
          if (message.kind === "failed") reject(message.input ? new InputError(message.message) : new Error(`${label}: ${message.message}`));
          else if (message.count !== resources.length) reject(new Error(`${label}: ${message.count} resources registered, ${resources.length} received`));
          else resolve({ resources, outputs: message.outputs, sources: new Map(message.sources), lookups: message.lookups });
        },
        onExit: () => {
          this.current = undefined;
          const stderr = this.stderr.trim();
          reject(new Error(`${label}: the worker ${this.exitDescription}${stderr ? `\n--- stderr (end) ---\n${stderr}` : ""}`));
        },
      };
      if (this.exitDescription) this.current.onExit();
      else this.send({ kind: "job", ...job });
    });
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
  }

  /** Lets the worker end (it exits when its channel closes) and waits for it. */
  async stop(): Promise<void> {
    if (this.child.connected) this.child.disconnect();
    await this.exited;
  }
}

/**
 * The runs as one: every resource once (a resource more than one shard registered must
 * be identical in each), root stack outputs merged key by key (keyed maps joined as one
 * run's `pulumi.all` joins them, see mergeValue), the sources and lookups joined. Registration
 * order: the first shard's, then each next shard's new resources.
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
  return { resources, outputs, sources, lookups: runs.flatMap((run) => run.lookups ?? []) };
}

/** A plain keyed map in wire form (not a secret, a resource reference or another special object). */
function isKeyedMap(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && !(SIG_KEY in value);
}

function isSecret(value: unknown): value is { [SIG_KEY]: typeof SECRET_SIG; value?: unknown } {
  return isRecord(value) && value[SIG_KEY] === SECRET_SIG;
}

/**
 * Two shards' values of one stack output, as one run gives it. Equal values stay. A keyed
 * map of the stack (`mergeRecords` in infra/stack/outputs.ts) is the union of every service's
 * part, and a part is unknown in a preview until its resources have IDs; the single run's
 * `pulumi.all` makes the whole map unknown when any part is, and secret when any part is
 * (PF-PULUMI-1).
 * So here: maps join (a key in both must agree), unknown absorbs a map, a secret part makes
 * the join secret. Anything else is a conflict.
 */
function mergeValue(a: unknown, b: unknown, at: string): unknown {
  if (isDeepStrictEqual(a, b)) return a;
  if (isSecret(a) || isSecret(b)) {
    const reveal = (v: unknown) => (isSecret(v) ? ("value" in v ? v.value : UNKNOWN) : v);
    return { [SIG_KEY]: SECRET_SIG, value: mergeValue(reveal(a), reveal(b), at) };
  }
  const keyed = (v: unknown) => v === UNKNOWN || isKeyedMap(v);
  if (!keyed(a) || !keyed(b)) throw new ShardMergeError(`stack output "${at}" differs between shards`);
  if (a === UNKNOWN || b === UNKNOWN) return UNKNOWN;
  const merged: Record<string, unknown> = { ...(a as Record<string, unknown>) };
  for (const [key, value] of Object.entries(b as Record<string, unknown>)) merged[key] = key in merged ? mergeValue(merged[key], value, `${at}.${key}`) : value;
  // Keys sorted, as a single run's outputs come (they pass through a protobuf Struct).
  return Object.fromEntries(Object.entries(merged).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
}
