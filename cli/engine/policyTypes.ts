/**
 * What running policy packs takes and gives (analyzer.ts runs them): enforcement levels,
 * policies and their config, diagnostics, and the two errors (a pack failed; the user's
 * policy config is bad).
 */
import type { JsonValue } from "./marshal";

export type { JsonValue } from "./marshal";
export type { PlannedResource } from "./resource";

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";
export type PolicySeverity = "" | "low" | "medium" | "high" | "critical";

/** One policy violation. */
export interface PolicyDiagnostic {
  readonly pack: string;
  readonly packVersion: string;
  readonly policy: string;
  readonly description: string;
  readonly message: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly severity: PolicySeverity;
  /** The resource; undefined for stack-level violations reported without one. */
  readonly urn?: string;
}

/** A JSON schema (as policies declare their config). */
export type JsonSchema = { [keyword: string]: JsonValue };

export interface PolicyConfigSchema {
  readonly properties: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
}

export interface PolicyInfo {
  readonly name: string;
  readonly displayName?: string;
  readonly description: string;
  /** The level the pack declares (before configuration). */
  readonly enforcementLevel: EnforcementLevel;
  readonly severity: PolicySeverity;
  readonly configSchema?: PolicyConfigSchema;
}

/** A policy's effective configuration, as sent to the pack with Configure. */
export interface ResolvedPolicyConfig {
  readonly enforcementLevel: EnforcementLevel;
  readonly properties: Readonly<Record<string, JsonValue>>;
}

/** What ran: one per pack. */
export interface PolicyPackRun {
  /** The pack folder, absolute. */
  readonly dir: string;
  readonly name: string;
  /** PulumiPolicy.yaml's version if set, else the pack's (its package.json version). */
  readonly version: string;
  readonly displayName?: string;
  /** Sorted by name, as the CLI lists them. */
  readonly policies: readonly PolicyInfo[];
  /** Effective configuration per policy: thresholds included, for reports. */
  readonly config: Readonly<Record<string, ResolvedPolicyConfig>>;
  /** Milliseconds from spawn to the port line (the TypeScript compile is most of it). */
  readonly startMs: number;
  /** Lines the pack wrote after its port line (stdout) and to stderr; the last 1,000. */
  readonly log: readonly string[];
}

/**
 * A policy's entry in the user's policy config, as in `pulumi preview --policy-pack-config
 * FILE`: an enforcement level, or an object with an optional level and properties.
 * The key `all` sets the level of every policy.
 */
export type PolicyConfigEntry = EnforcementLevel | { readonly enforcementLevel?: EnforcementLevel; readonly [property: string]: JsonValue | undefined };

export interface AnalyzeOptions {
  readonly project: string;
  readonly stack: string;
  readonly organization?: string;
  readonly dryRun: boolean;
  /** Stack config (`project:key` → value), for ConfigureStack and PULUMI_CONFIG. */
  readonly config?: Readonly<Record<string, string>>;
  /** Keys of `config` that are secrets. */
  readonly configSecretKeys?: readonly string[];
  /** Stack tags, for ConfigureStack (policies read them as `args.stackTags`). */
  readonly stackTags?: Readonly<Record<string, string>>;
  /**
   * User policy config (PolicyConfigEntry values; typically parsed JSON, so checked at run
   * time: PolicyConfigError), applied to every pack. A key must name a policy of some
   * pack (or be `all`); a pack ignores the keys naming other packs' policies.
   */
  readonly policyConfig?: Readonly<Record<string, PolicyConfigEntry | unknown>>;
  /** Analyze calls in flight per pack (default 16). */
  readonly concurrency?: number;
  /** `total` is known once the last resource is in (streamed analysis). */
  readonly onProgress?: (analyzed: number, total: number | undefined) => void;
  /** Time allowed from spawn to port line (default 120 s: a cold TypeScript compile). */
  readonly startTimeoutMs?: number;
  /** Deadline of each RPC (default 300 s). */
  readonly rpcTimeoutMs?: number;
  /**
   * ts-node's compile cache for the pack (TS_NODE_CACHE_DIRECTORY). Default: the
   * environment's TS_NODE_CACHE_DIRECTORY, else `.cache/lookout-ts-node` in the
   * node_modules folder that serves the pack's @pulumi/pulumi.
   */
  readonly tsNodeCacheDirectory?: string;
}

export interface PolicyRunResult {
  readonly packs: PolicyPackRun[];
  /** Sorted by pack, policy, URN (stack-level first), message. */
  readonly diagnostics: PolicyDiagnostic[];
}

/** A pack failed to start, crashed, printed no port, or failed an RPC (a policy threw). */
export class PolicyPackError extends Error {
  constructor(
    /** The pack folder. */
    readonly packDir: string,
    message: string,
    /** The end of the pack's stderr, if any. */
    readonly stderrTail = "",
  ) {
    super(`policy pack ${packDir}: ${message}${stderrTail === "" ? "" : `\n--- stderr (last lines) ---\n${stderrTail}`}`);
    this.name = "PolicyPackError";
  }
}

/** The user's policy config is malformed or does not fit the packs' schemas (bad input). */
export class PolicyConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid policy config:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "PolicyConfigError";
  }
}

/** One normalized entry of a policy config (user or pack initial config). */
export interface UserPolicyConfig {
  readonly enforcementLevel?: EnforcementLevel;
  readonly properties: Readonly<Record<string, JsonValue>>;
}
