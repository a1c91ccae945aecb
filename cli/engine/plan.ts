/**
 * `lookout plan`'s computation: run the program under mocks with the stack's config,
 * then every policy pack over the Analyzer protocol, and assemble the Plan document
 * (the JSON contract in the README). Printing is elsewhere.
 */
import * as fs from "fs";
import * as path from "path";
import * as os from "os";
import { CatalogError } from "../../catalog/errors";
import { loadCatalog } from "../../catalog/load";
import { catalogPath } from "../../infra/stack/config";
import type { Catalog, SourceRef } from "../../catalog/model";
import { sourceKey } from "../../infra/stack/sources";
import { InputError } from "../errors";
import { projectModuleDir } from "./compiled";
import { openPolicyPacks, PolicyConfigError, type PolicyDiagnostic, type PolicyStream } from "./analyzer";
import { type ProgramRun, runProgram } from "./program";
import { maskSecrets, maskValue } from "../render/mask";
import { redact, redactInputs } from "./redact";
import type { PlannedLookup } from "./mockRun";
import type { PlannedResource } from "./resource";
import { autoShardJobs, overweightServices, runShards, shardJobs } from "./shards";
import { ALLOW_OUTSIDE_PROJECT, readStackSettings, type StackSettings } from "./stackConfig";

export interface PlanResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent?: string;
  readonly dependencies: readonly string[];
  readonly protect: boolean;
  /** The URNs it was known by (Pulumi `aliases`): a renamed resource's old URN; absent when none. */
  readonly aliases?: readonly string[];
  readonly inputs: Readonly<Record<string, unknown>>;
  /** Where in the catalog its settings were written, `file:line:column` (resources a catalog entry makes). */
  readonly source?: string;
}

export interface PlanPolicyResult {
  readonly pack: string;
  readonly policy: string;
  readonly enforcementLevel: string;
  readonly severity: string;
  readonly urn?: string;
  readonly message: string;
}

/**
 * One lookup the program made (a data-source invoke, e.g. `pagerduty.getUser({email})`):
 * the function, its arguments and its answer, so reports can say who a looked-up ID is.
 */
export interface PlanLookup {
  readonly token: string;
  readonly args: Readonly<Record<string, unknown>>;
  readonly result: Readonly<Record<string, unknown>>;
}

export interface Plan {
  readonly project: string;
  readonly stack: string;
  readonly resources: readonly PlanResource[];
  /** Each distinct lookup once, sorted by token and arguments; absent when the program made none. */
  readonly lookups?: readonly PlanLookup[];
  readonly outputs: Readonly<Record<string, unknown>>;
  readonly policies: readonly PlanPolicyResult[];
  readonly summary: {
    readonly resources: number;
    readonly byType: Readonly<Record<string, number>>;
    readonly mandatory: number;
    readonly advisory: number;
  };
}

export interface PlanOptions {
  readonly projectRoot: string;
  readonly stack: string;
  /** Overrides the stack's `lookout:catalog`. */
  readonly catalog?: string;
  /** Symlinks may lead outside the project (sets `lookout:allowOutsideProject`). */
  readonly allowOutsideProject?: boolean;
  /** Policy packs: the project's `policies/` first, then these. */
  readonly policyPacks?: readonly string[];
  /** Skip the project's own pack (tests of the program alone). */
  readonly withoutDefaultPack?: boolean;
  /** The user's policy config (`--policy-config FILE`'s content). */
  readonly policyConfig?: Readonly<Record<string, unknown>>;
  readonly onProgress?: (event: { phase: "register" | "analyze"; done: number; total?: number }) => void;
  /** When the program's run ends and when the policies' does (benchmarks). */
  readonly onTiming?: (finished: "program" | "policies") => void;
  /**
   * Shards the services are split into, each planned in a worker process ("auto": this
   * process while the services weigh at most SHARD_WEIGHT estimated resources, else
   * shards of at most that). 1 runs the program in this process. Every choice gives the
   * same plan.
   */
  readonly shards?: number | "auto";
  /** Worker processes planning shards (default: one per core but one, at most 4). */
  readonly jobs?: number;
}

/** The full plan: the program's resources and every pack's verdict. */
export async function computePlan(options: PlanOptions): Promise<Plan> {
  const overrides = stackOverrides(options);
  const settings = readStackSettings(options.projectRoot, options.stack, overrides);
  const packDirs = [
    ...(options.withoutDefaultPack ? [] : [projectModuleDir(options.projectRoot, "policies")]),
    ...(options.policyPacks ?? []),
  ].map(policyPackDir);
  const catalog = stackCatalog(settings);
  const services = catalog?.services ?? [];
  const overweight = overweightServices(services);
  if (overweight.length > 0) throw new InputError(new CatalogError(overweight).message);
  const shards =
    options.shards === undefined || options.shards === "auto"
      ? autoShardJobs(services, shardWeight())
      : options.shards > 1
        ? shardJobs(services.map((s) => s.name), options.shards)
        : undefined;

  // The packs start (a TypeScript compile) while the program runs; settled, so that a
  // failing start is reported after the program's own errors, never as one of them.
  const opening = openPolicyPacks(packDirs, {
    project: settings.project,
    stack: settings.stack,
    dryRun: true,
    config: settings.config,
    configSecretKeys: settings.secretKeys,
    policyConfig: options.policyConfig,
    onProgress: (done, total) => options.onProgress?.({ phase: "analyze", done, total }),
  }).then(
    (packs) => ({ packs }),
    (error: unknown) => ({ error }),
  );
  // Resources are analyzed as they come (from the program, or a shard at a time), so the
  // packs work while the program still runs; until the packs are up they wait here.
  let stream: PolicyStream | undefined;
  const waiting: PlannedResource[] = [];
  const analyzed = new Set<string>();
  const analyze = (resource: PlannedResource): void => {
    if (analyzed.has(resource.urn)) return; // registered by more than one shard (the merge checks they agree)
    analyzed.add(resource.urn);
    if (stream) stream.add(resource);
    else waiting.push(resource);
  };
  void opening.then((opened) => {
    if (!("packs" in opened)) return;
    stream = opened.packs.stream();
    for (const resource of waiting.splice(0)) stream.add(resource);
  });

  let run: ProgramRun;
  try {
    const onRegister = (done: number) => options.onProgress?.({ phase: "register", done });
    run =
      shards && catalog
        ? await runShards({ projectRoot: options.projectRoot, stack: options.stack, overrides, catalog }, shards, {
            workers: options.jobs ?? defaultJobs(),
            workerHeapMb: WORKER_HEAP_MB,
            onRegister,
            onResources: (resources) => resources.forEach(analyze),
          })
        : await runProgram(settings, { catalog, onRegister, onResource: analyze });
  } catch (error) {
    const opened = await opening;
    if ("packs" in opened) await opened.packs.close();
    throw error;
  }
  options.onTiming?.("program");

  const opened = await opening;
  if ("error" in opened) {
    // A policy config naming no policy or an undeclared property is the user's input.
    throw opened.error instanceof PolicyConfigError ? new InputError(opened.error.message) : opened.error;
  }
  let analysis;
  try {
    analysis = await (stream as PolicyStream).finish(run.resources);
  } finally {
    await opened.packs.close();
  }
  options.onTiming?.("policies");
  return assemblePlan(settings.project, settings.stack, run.resources, run.outputs, analysis.diagnostics, run.sources, run.lookups);
}

/**
 * What `--shards auto` lets one process plan, in estimated resources (`serviceWeight`):
 * about 50 services of the shipped catalog's mix. A resource in flight takes up to about
 * 200 KB of a worker's heap, so a shard stays near 250 MB of it.
 */
export const SHARD_WEIGHT = 1_250;
/**
 * What `--shards auto` lets one process plan: SHARD_WEIGHT, or LOOKOUT_SHARD_WEIGHT when
 * set, which only the suite and the benchmarks set, so that a small catalog shards.
 */
export function shardWeight(env: NodeJS.ProcessEnv = process.env): number {
  const value = env.LOOKOUT_SHARD_WEIGHT;
  if (value === undefined || value === "") return SHARD_WEIGHT;
  if (!/^[1-9]\d*$/.test(value)) throw new InputError(`LOOKOUT_SHARD_WEIGHT takes a whole number of at least 1, got "${value}"`);
  return Number(value);
}
/** A worker's V8 heap limit: room for a shard of SHARD_WEIGHT three times over, low enough that garbage is collected. */
const WORKER_HEAP_MB = 768;

/** Worker processes: one per core but one (the policy pack analyzes on it meanwhile), at most 4. */
function defaultJobs(): number {
  return Math.max(1, Math.min(4, os.availableParallelism() - 1));
}

/** The stack config a command's flags override: `lookout:catalog` (--catalog), `lookout:allowOutsideProject`. */
export function stackOverrides(options: { readonly catalog?: string; readonly allowOutsideProject?: boolean }): Record<string, string> {
  return {
    ...(options.catalog === undefined ? {} : { "lookout:catalog": path.resolve(options.catalog) }),
    ...(options.allowOutsideProject ? { [ALLOW_OUTSIDE_PROJECT]: "true" } : {}),
  };
}

/**
 * The stack's catalog, validated whole (a bad one fails here, before anything runs) and
 * read once: the program runs on this copy. The program's own reading of it.
 */
export function stackCatalog(settings: StackSettings): Catalog | undefined {
  const file = settings.config["lookout:catalog"];
  if (file === undefined) return undefined;
  try {
    return loadCatalog(catalogPath(file, settings.projectRoot), {
      projectRoot: settings.projectRoot,
      allowOutsideProject: settings.config[ALLOW_OUTSIDE_PROJECT] === "true",
    });
  } catch (error) {
    if (error instanceof CatalogError) throw new InputError(error.message);
    throw error;
  }
}

/**
 * The Plan document. Every value a report prints passes the masking rule here
 * (`cli/render/mask.ts`): inputs, outputs and policy messages, so that plan text and JSON,
 * thresholds and diff never show a credential, whichever report reads the plan.
 */
export function assemblePlan(
  project: string,
  stack: string,
  captured: readonly PlannedResource[],
  outputs: Record<string, unknown>,
  diagnostics: readonly PolicyDiagnostic[],
  sources: ReadonlyMap<string, SourceRef> = new Map(),
  lookups: readonly PlannedLookup[] = [],
): Plan {
  const resources = [...captured]
    .sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0))
    .map((r): PlanResource => ({
      urn: r.urn,
      type: r.type,
      name: r.name,
      ...(r.parent ? { parent: r.parent } : {}),
      dependencies: [...r.dependencies].sort(),
      protect: r.protect,
      ...(r.aliases && r.aliases.length > 0 ? { aliases: [...r.aliases] } : {}),
      inputs: maskValue(redactInputs(r)),
      ...sourceOf(sources, r),
    }));
  const byType: Record<string, number> = {};
  for (const r of resources) byType[r.type] = (byType[r.type] ?? 0) + 1;
  const policies = diagnostics
    .filter((d) => d.enforcementLevel !== "disabled")
    .map((d): PlanPolicyResult => ({
      pack: d.pack,
      policy: d.policy,
      enforcementLevel: d.enforcementLevel,
      severity: d.severity,
      ...(d.urn ? { urn: d.urn } : {}),
      message: maskSecrets(d.message),
    }));
  const distinct = planLookups(lookups);
  return {
    project,
    stack,
    resources,
    ...(distinct.length > 0 ? { lookups: distinct } : {}),
    outputs: maskValue(redact(outputs) as Record<string, unknown>),
    policies,
    summary: {
      resources: resources.length,
      byType: Object.fromEntries(Object.entries(byType).sort(([a], [b]) => a.localeCompare(b))),
      mandatory: policies.filter((p) => p.enforcementLevel === "mandatory").length,
      advisory: policies.filter((p) => p.enforcementLevel === "advisory").length,
    },
  };
}

/** Each distinct lookup once (a shard or a second caller repeats them), masked, in a stable order. */
function planLookups(lookups: readonly PlannedLookup[]): PlanLookup[] {
  const byKey = new Map<string, PlanLookup>();
  for (const l of lookups) {
    const args = maskValue(redact(l.args)) as Record<string, unknown>;
    const key = `${l.token}\u0000${JSON.stringify(Object.entries(args).sort(([a], [b]) => a.localeCompare(b)))}`;
    if (!byKey.has(key)) byKey.set(key, { token: l.token, args, result: maskValue(redact(l.result)) as Record<string, unknown> });
  }
  return [...byKey].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, l]) => l);
}

function sourceOf(sources: ReadonlyMap<string, SourceRef>, r: PlannedResource): { source?: string } {
  const ref = sources.get(sourceKey(r.type, r.name));
  return ref ? { source: `${ref.file}:${ref.line}:${ref.column}` } : {};
}

/**
 * A pack folder the user named, with links resolved (so its dependencies resolve from
 * where it really is): it must exist and hold a PulumiPolicy.yaml, else bad input.
 */
export function policyPackDir(dir: string): string {
  let real: string;
  try {
    real = fs.realpathSync(path.resolve(dir));
  } catch {
    throw new InputError(`policy pack ${dir} does not exist`);
  }
  if (!fs.statSync(real).isDirectory() || !fs.existsSync(path.join(real, "PulumiPolicy.yaml"))) {
    throw new InputError(`policy pack ${dir} has no PulumiPolicy.yaml: not a policy pack`);
  }
  return real;
}
