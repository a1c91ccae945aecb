/**
 * Runs policy packs the way `pulumi preview --policy-pack DIR` does: each pack in its own
 * process (`@pulumi/pulumi/cmd/run-policy-pack`), spoken to over the Analyzer gRPC
 * protocol. Mirrors the CLI's analyzer host (pulumi/pulumi
 * sdk/go/common/resource/plugin/analyzer_plugin.go, pkg/engine/update.go,
 * pkg/resource/analyzer/config.go):
 *
 *   spawn → Handshake (optional) → ConfigureStack (optional) → GetAnalyzerInfo →
 *   Configure (schema defaults ← pack's initial config ← user config, validated) →
 *   Analyze for every resource (bounded concurrency) → AnalyzeStack once → kill.
 *
 * The CLI calls ConfigureStack while loading the plugin, before GetAnalyzerInfo; so do we.
 * Computing diagnostics is separate from printing them: this module only returns data.
 *
 * The protocol's messages are in analyzerProtocol.ts, one pack's session in
 * analyzerSession.ts (its process: packProcess.ts), the policy config in policyConfig.ts.
 */
import { loadProtocol } from "./analyzerProtocol";
import { PackSession } from "./analyzerSession";
import { parsePolicyConfig, reconcilePolicyConfig, validatePolicyConfig } from "./policyConfig";
import { type AnalyzeOptions, PolicyConfigError, type PolicyDiagnostic, type PolicyInfo, PolicyPackError, type PolicyRunResult } from "./policyTypes";
import type { PlannedResource } from "./resource";

// The types of what goes in and comes out, for callers of this module.
export * from "./policyTypes";

const DEFAULT_CONCURRENCY = 16;

function compareDiagnostics(a: PolicyDiagnostic, b: PolicyDiagnostic): number {
  const key = (d: PolicyDiagnostic): string[] => [d.pack, d.policy, d.urn ?? "", d.message];
  const ka = key(a);
  const kb = key(b);
  for (let i = 0; i < ka.length; i++) {
    if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
  }
  return 0;
}

/** Rejects with the first rejection, after every promise settled. */
async function allOrFirstError<T>(promises: readonly Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}

/**
 * Runs every pack over the planned resources and returns what ran and the violations.
 * Throws PolicyPackError (a pack failed) or PolicyConfigError (bad policy config);
 * every started pack process is stopped in all cases.
 */
export async function runPolicyPacks(packDirs: readonly string[], resources: readonly PlannedResource[], options: AnalyzeOptions): Promise<PolicyRunResult> {
  const packs = await openPolicyPacks(packDirs, options);
  try {
    return await packs.analyze(resources);
  } finally {
    await packs.close();
  }
}

/** Started, described and configured packs, ready to analyze one stack's resources. */
export interface OpenPolicyPacks {
  /** Analyze for every resource, then AnalyzeStack, in every pack. Once (this or `stream`). */
  analyze(resources: readonly PlannedResource[]): Promise<PolicyRunResult>;
  /** The same, with resources analyzed as they come: while the program still runs. */
  stream(): PolicyStream;
  /** Stops every pack process. */
  close(): Promise<void>;
}

/** Resources analyzed as they are added (each once, providers before their users). */
export interface PolicyStream {
  add(resource: PlannedResource): void;
  /** After the last `add`: AnalyzeStack over `resources` (exactly the ones added) and every verdict. */
  finish(resources: readonly PlannedResource[]): Promise<PolicyRunResult>;
}

/**
 * Starts every pack (spawn, Handshake, GetAnalyzerInfo, the policy config checked,
 * Configure, ConfigureStack) without analyzing anything: the packs' start (a TypeScript
 * compile) can run while the program does. Throws as `runPolicyPacks`; on a throw no
 * pack process is left running.
 */
export async function openPolicyPacks(packDirs: readonly string[], options: AnalyzeOptions): Promise<OpenPolicyPacks> {
  if (packDirs.length === 0) {
    const none = { add: () => undefined, finish: async () => ({ packs: [], diagnostics: [] }) };
    return { analyze: none.finish, stream: () => none, close: async () => undefined };
  }
  const userConfig = parsePolicyConfig(options.policyConfig ?? {});
  const protocol = loadProtocol();
  const sessions = packDirs.map((dir) => PackSession.create(dir, protocol, options));
  const close = async (): Promise<void> => {
    await Promise.all(sessions.map((s) => s.close()));
  };
  try {
    await allOrFirstError(
      sessions.map(async (session) => {
        await session.start();
        await session.describe();
      }),
    );

    // Config: every key must name some pack's policy; then per pack reconcile and validate.
    const known = new Set(sessions.flatMap((s) => s.info?.policies.map((p) => p.name) ?? []));
    const problems = [...userConfig.keys()]
      .filter((key) => key !== "all" && !known.has(key))
      .map((key) => `"${key}" names no policy of the packs run (${[...known].sort().join(", ")})`);
    for (const session of sessions) {
      const info = session.info;
      if (!info) continue;
      session.config = reconcilePolicyConfig(info.policies, info.initialConfig, userConfig);
      problems.push(...validatePolicyConfig(info.name, info.policies, session.config));
    }
    if (problems.length > 0) throw new PolicyConfigError(problems);
    await allOrFirstError(sessions.map((s) => s.configure()));
  } catch (error) {
    await close();
    throw error;
  }

  let analyzing = false;
  const stream = (): PolicyStream => {
    if (analyzing) throw new Error("the packs have analyzed a stack already");
    analyzing = true;
    const byUrn = new Map<string, PlannedResource>();
    let added = 0;
    let analyzed = 0;
    let total: number | undefined;
    const progress = (): void => {
      analyzed++;
      options.onProgress?.(analyzed, total);
    };
    const concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_CONCURRENCY));
    const analyzers = sessions.map((s) => s.analyzer(byUrn, concurrency, progress));
    return {
      add(resource) {
        byUrn.set(resource.urn, resource);
        added++;
        for (const a of analyzers) a.add(resource);
      },
      async finish(resources) {
        if (resources.length !== added) throw new Error(`AnalyzeStack over ${resources.length} resources, but ${added} were analyzed`);
        total = added * sessions.length;
        const perPack = await allOrFirstError(sessions.map(async (s, i) => [...(await analyzers[i].done()), ...(await s.analyzeStack(resources, byUrn))]));
        return { packs: sessions.map((s) => s.run()), diagnostics: perPack.flat().sort(compareDiagnostics) };
      },
    };
  };
  return {
    close,
    stream,
    async analyze(resources) {
      const s = stream();
      for (const resource of resources) s.add(resource);
      return s.finish(resources);
    },
  };
}

/** What a pack declares (GetAnalyzerInfo), without analyzing anything. */
export interface PolicyPackInfo {
  /** The pack folder, absolute. */
  readonly dir: string;
  readonly name: string;
  readonly version: string;
  readonly displayName?: string;
  /** Sorted by name, as the CLI lists them. */
  readonly policies: readonly PolicyInfo[];
}

/**
 * Starts every pack as `runPolicyPacks` does (spawn, Handshake, ConfigureStack,
 * GetAnalyzerInfo) and returns what each declares; analyzes nothing. Throws
 * PolicyPackError when a pack fails; every started pack process is stopped in all cases.
 */
export async function describePolicyPacks(packDirs: readonly string[], options: Pick<AnalyzeOptions, "project" | "stack" | "organization" | "config" | "configSecretKeys" | "stackTags" | "startTimeoutMs" | "rpcTimeoutMs" | "tsNodeCacheDirectory"> & { readonly dryRun?: boolean }): Promise<PolicyPackInfo[]> {
  if (packDirs.length === 0) return [];
  const protocol = loadProtocol();
  const sessions = packDirs.map((dir) => PackSession.create(dir, protocol, { ...options, dryRun: options.dryRun ?? true }));
  try {
    await allOrFirstError(
      sessions.map(async (session) => {
        await session.start();
        await session.describe();
      }),
    );
    return sessions.map((session): PolicyPackInfo => {
      const info = session.info;
      if (!info) throw new PolicyPackError(session.dir, "not described");
      return { dir: session.dir, name: info.name, version: info.version, ...(info.displayName ? { displayName: info.displayName } : {}), policies: info.policies };
    });
  } finally {
    await Promise.all(sessions.map((s) => s.close()));
  }
}
