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
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type * as Grpc from "@grpc/grpc-js";
import type * as AnalyzerGrpcPb from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import type * as AnalyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import type * as EmptyPb from "google-protobuf/google/protobuf/empty_pb";
import type * as StructPb from "google-protobuf/google/protobuf/struct_pb";
import { parse as parseYaml } from "yaml";
import { trackChild } from "./cancel";
import { marshalPropertiesForAnalyzer, type JsonValue } from "./marshal";
import type { PlannedResource } from "./resource";

export type { JsonValue } from "./marshal";

// ---------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------
// Protocol modules, loaded through @pulumi/pulumi so that google-protobuf and grpc-js are
// the very copies its generated code uses (jspb checks `instanceof` on messages).
// ---------------------------------------------------------------------------------------

interface Protocol {
  readonly pb: typeof AnalyzerPb;
  readonly rpc: typeof AnalyzerGrpcPb;
  readonly struct: typeof StructPb;
  readonly empty: typeof EmptyPb;
  readonly grpc: typeof Grpc;
}

let protocolCache: Protocol | undefined;

function loadProtocol(): Protocol {
  if (protocolCache) return protocolCache;
  const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
  const load = (id: string): unknown => require(require.resolve(id, { paths: [pulumiDir] }));
  protocolCache = {
    pb: load("@pulumi/pulumi/proto/analyzer_pb.js") as typeof AnalyzerPb,
    rpc: load("@pulumi/pulumi/proto/analyzer_grpc_pb.js") as typeof AnalyzerGrpcPb,
    struct: load("google-protobuf/google/protobuf/struct_pb.js") as typeof StructPb,
    empty: load("google-protobuf/google/protobuf/empty_pb.js") as typeof EmptyPb,
    grpc: load("@grpc/grpc-js") as typeof Grpc,
  };
  return protocolCache;
}

// ---------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------

const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];
const DEFAULT_CONCURRENCY = 16;
const DEFAULT_START_TIMEOUT_MS = 120_000;
const DEFAULT_RPC_TIMEOUT_MS = 300_000;
/** gRPC message size limit, as the CLI sets it (400 MB; AnalyzeStack carries every resource). */
const MAX_MESSAGE_BYTES = 400 * 1024 * 1024;
const LOG_LINES_KEPT = 1_000;
const STDERR_TAIL_LINES = 40;
/**
 * run-policy-pack takes the engine address as its first argument and drops it
 * (`argv._.shift()`); the SDK's log module only dials PULUMI_NODEJS_ENGINE, which the CLI
 * does not set for analyzers. So a pack's log output goes to its own stdout/stderr and
 * no Engine service is needed: any non-flag placeholder works.
 */
const ENGINE_ADDRESS_PLACEHOLDER = "127.0.0.1:0";

function isEnforcementLevel(value: unknown): value is EnforcementLevel {
  return typeof value === "string" && (ENFORCEMENT_LEVELS as readonly string[]).includes(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Checks that a protobuf Struct's JavaScript form is JSON (it always is) and types it so. */
function asJson(value: unknown): JsonValue {
  if (value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  if (Array.isArray(value)) return value.map(asJson);
  if (isRecord(value)) {
    const out: { [key: string]: JsonValue } = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = asJson(v);
    return out;
  }
  return null;
}

function asJsonObject(value: unknown): { [key: string]: JsonValue } {
  const json = asJson(value);
  return isRecord(json) ? (json as { [key: string]: JsonValue }) : {};
}

function jsonEqual(a: JsonValue, b: JsonValue): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Keeps the last `max` lines. */
class LineBuffer {
  private readonly lines: string[] = [];
  private partial = "";
  constructor(private readonly max: number) {}
  push(chunk: string): void {
    const parts = (this.partial + chunk).split(/\r?\n/);
    this.partial = parts.pop() ?? "";
    for (const line of parts) this.add(line);
  }
  flush(): void {
    if (this.partial !== "") this.add(this.partial);
    this.partial = "";
  }
  private add(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.max) this.lines.shift();
  }
  all(): string[] {
    return [...this.lines];
  }
  tail(n: number): string {
    return this.lines.slice(-n).join("\n");
  }
}

/** `urn:pulumi:stack::project::parent$type::name` → type and name. */
export function parseUrn(urn: string): { type: string; name: string } | undefined {
  const prefix = "urn:pulumi:";
  if (!urn.startsWith(prefix)) return undefined;
  const parts = urn.slice(prefix.length).split("::");
  if (parts.length < 4) return undefined;
  const qualifiedType = parts[2];
  const name = parts.slice(3).join("::");
  const types = qualifiedType.split("$");
  return { type: types[types.length - 1], name };
}

/** `"<urn>::<id>"` → its URN (the id follows the last `::`). */
function providerUrnOf(reference: string): string {
  const sep = reference.lastIndexOf("::");
  return sep < 0 ? reference : reference.slice(0, sep);
}

// ---------------------------------------------------------------------------------------
// Policy config: parse, reconcile, validate (pkg/resource/analyzer/config.go)
// ---------------------------------------------------------------------------------------

/** One normalized entry of a policy config (user or pack initial config). */
export interface UserPolicyConfig {
  readonly enforcementLevel?: EnforcementLevel;
  readonly properties: Readonly<Record<string, JsonValue>>;
}

/** The user's config, entries normalized; malformed entries throw PolicyConfigError. */
export function parsePolicyConfig(config: Readonly<Record<string, unknown>>): Map<string, UserPolicyConfig> {
  const problems: string[] = [];
  const result = new Map<string, UserPolicyConfig>();
  for (const key of Object.keys(config).sort()) {
    const value = config[key];
    if (typeof value === "string") {
      if (isEnforcementLevel(value)) result.set(key, { enforcementLevel: value, properties: {} });
      else problems.push(`${key}: "${value}" is not an enforcement level (expected one of ${ENFORCEMENT_LEVELS.join(", ")})`);
      continue;
    }
    if (!isRecord(value)) {
      problems.push(`${key}: expected an enforcement level or an object, got ${JSON.stringify(value)}`);
      continue;
    }
    const { enforcementLevel, ...rest } = value;
    if (enforcementLevel !== undefined && !isEnforcementLevel(enforcementLevel)) {
      problems.push(`${key}.enforcementLevel: ${JSON.stringify(enforcementLevel)} is not an enforcement level (expected one of ${ENFORCEMENT_LEVELS.join(", ")})`);
      continue;
    }
    const properties = asJsonObject(rest);
    if (enforcementLevel === undefined && Object.keys(properties).length === 0) continue; // empty entries are ignored
    result.set(key, { enforcementLevel, properties });
  }
  if (problems.length > 0) throw new PolicyConfigError(problems);
  return result;
}

/**
 * The engine's merge for one pack: each policy's declared level and schema defaults, then
 * the pack's initial config, then the user's; in each layer `all` first sets every level.
 * Keys naming no policy of this pack are left out.
 */
export function reconcilePolicyConfig(
  policies: readonly PolicyInfo[],
  initialConfig: ReadonlyMap<string, UserPolicyConfig>,
  userConfig: ReadonlyMap<string, UserPolicyConfig>,
): Record<string, ResolvedPolicyConfig> {
  const result: Record<string, { enforcementLevel: EnforcementLevel; properties: Record<string, JsonValue> }> = {};
  for (const policy of policies) {
    const properties: Record<string, JsonValue> = {};
    for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
      if (schema.default !== undefined) properties[key] = schema.default;
    }
    result[policy.name] = { enforcementLevel: policy.enforcementLevel, properties };
  }
  for (const layer of [initialConfig, userConfig]) {
    const all = layer.get("all");
    if (all?.enforcementLevel) for (const entry of Object.values(result)) entry.enforcementLevel = all.enforcementLevel;
    for (const [name, given] of layer) {
      const entry = result[name];
      if (!entry) continue;
      if (given.enforcementLevel) entry.enforcementLevel = given.enforcementLevel;
      Object.assign(entry.properties, given.properties);
    }
  }
  return result;
}

function typeMatches(type: string, value: JsonValue): boolean {
  switch (type) {
    case "null":
      return value === null;
    case "boolean":
      return typeof value === "boolean";
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number";
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "array":
      return Array.isArray(value);
    case "object":
      return isRecord(value);
    default:
      return true;
  }
}

/** The JSON Schema keywords policy configs use; enough to catch wrong types and out-of-range thresholds. */
function validateJson(schema: JsonValue, value: JsonValue, at: string, problems: string[]): void {
  if (schema === false) {
    problems.push(`${at} is not allowed`);
    return;
  }
  if (!isRecord(schema)) return;
  const s = schema as { [keyword: string]: JsonValue };
  const types = typeof s.type === "string" ? [s.type] : Array.isArray(s.type) ? s.type.filter((t): t is string => typeof t === "string") : [];
  if (types.length > 0 && !types.some((t) => typeMatches(t, value))) {
    problems.push(`${at} must be ${types.join(" or ")}, got ${JSON.stringify(value)}`);
    return;
  }
  if (Array.isArray(s.enum) && !s.enum.some((e) => jsonEqual(e, value))) {
    problems.push(`${at} must be one of ${s.enum.map((e) => JSON.stringify(e)).join(", ")}, got ${JSON.stringify(value)}`);
  }
  if (s.const !== undefined && !jsonEqual(s.const, value)) problems.push(`${at} must be ${JSON.stringify(s.const)}`);
  if (typeof value === "number") {
    if (typeof s.minimum === "number" && value < s.minimum) problems.push(`${at} must be at least ${s.minimum}, got ${value}`);
    if (typeof s.maximum === "number" && value > s.maximum) problems.push(`${at} must be at most ${s.maximum}, got ${value}`);
    if (typeof s.exclusiveMinimum === "number" && value <= s.exclusiveMinimum) problems.push(`${at} must be greater than ${s.exclusiveMinimum}, got ${value}`);
    if (typeof s.exclusiveMaximum === "number" && value >= s.exclusiveMaximum) problems.push(`${at} must be less than ${s.exclusiveMaximum}, got ${value}`);
    if (typeof s.multipleOf === "number" && s.multipleOf > 0 && !Number.isInteger(value / s.multipleOf)) problems.push(`${at} must be a multiple of ${s.multipleOf}, got ${value}`);
  }
  if (typeof value === "string") {
    if (typeof s.minLength === "number" && value.length < s.minLength) problems.push(`${at} must have at least ${s.minLength} characters`);
    if (typeof s.maxLength === "number" && value.length > s.maxLength) problems.push(`${at} must have at most ${s.maxLength} characters`);
    if (typeof s.pattern === "string" && !new RegExp(s.pattern, "u").test(value)) problems.push(`${at} must match /${s.pattern}/, got ${JSON.stringify(value)}`);
  }
  if (Array.isArray(value)) {
    if (typeof s.minItems === "number" && value.length < s.minItems) problems.push(`${at} must have at least ${s.minItems} item(s)`);
    if (typeof s.maxItems === "number" && value.length > s.maxItems) problems.push(`${at} must have at most ${s.maxItems} item(s)`);
    if (s.uniqueItems === true && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) problems.push(`${at} must not repeat items`);
    if (s.items !== undefined && !Array.isArray(s.items)) {
      const items = s.items;
      value.forEach((item, i) => validateJson(items, item, `${at}[${i}]`, problems));
    }
  }
  if (isRecord(value)) {
    const obj = value as { [key: string]: JsonValue };
    const props = isRecord(s.properties) ? (s.properties as { [key: string]: JsonValue }) : {};
    for (const key of Array.isArray(s.required) ? s.required : []) {
      if (typeof key === "string" && !(key in obj)) problems.push(`${at}.${key} is required`);
    }
    for (const [key, item] of Object.entries(obj)) {
      if (key in props) validateJson(props[key], item, `${at}.${key}`, problems);
      else if (s.additionalProperties !== undefined) validateJson(s.additionalProperties, item, `${at}.${key}`, problems);
    }
  }
}

/**
 * Problems of a pack's effective config against its policies' schemas. Stricter than the
 * CLI in one way: a property the policy's schema does not declare is reported (a typo in
 * a threshold name would otherwise be silently ignored).
 */
export function validatePolicyConfig(packName: string, policies: readonly PolicyInfo[], config: Readonly<Record<string, ResolvedPolicyConfig>>): string[] {
  const problems: string[] = [];
  for (const policy of policies) {
    const properties = config[policy.name]?.properties ?? {};
    const declared = policy.configSchema?.properties ?? {};
    for (const key of Object.keys(properties)) {
      if (!(key in declared)) {
        const known = Object.keys(declared);
        problems.push(`${packName}/${policy.name}: "${key}" is not a config property of this policy (${known.length > 0 ? `known: ${known.join(", ")}` : "it takes none"})`);
      }
    }
    const schema: JsonValue = {
      type: "object",
      properties: { ...declared },
      required: [...(policy.configSchema?.required ?? [])],
    };
    validateJson(schema, { ...properties }, `${packName}/${policy.name}`, problems);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------
// One pack process and its client
// ---------------------------------------------------------------------------------------

interface PolicyProject {
  readonly runtime: string;
  readonly runtimeOptions: Readonly<Record<string, unknown>>;
  readonly version?: string;
}

function readPolicyProject(packDir: string): PolicyProject {
  const file = path.join(packDir, "PulumiPolicy.yaml");
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw new PolicyPackError(packDir, `no PulumiPolicy.yaml in ${packDir}: not a policy pack`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new PolicyPackError(packDir, `PulumiPolicy.yaml does not parse: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!isRecord(doc)) throw new PolicyPackError(packDir, "PulumiPolicy.yaml is not a mapping");
  const runtime = doc.runtime;
  const name = typeof runtime === "string" ? runtime : isRecord(runtime) && typeof runtime.name === "string" ? runtime.name : undefined;
  if (name === undefined) throw new PolicyPackError(packDir, "PulumiPolicy.yaml has no runtime");
  if (name !== "nodejs") throw new PolicyPackError(packDir, `runtime "${name}" is not supported offline (only nodejs packs run without the Pulumi CLI)`);
  const options = isRecord(runtime) && isRecord(runtime.options) ? runtime.options : {};
  const version = typeof doc.version === "string" && doc.version !== "" ? doc.version : undefined;
  return { runtime: name, runtimeOptions: options, version };
}

type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: Grpc.Metadata,
  options: Partial<Grpc.CallOptions>,
  callback: (error: Grpc.ServiceError | null, response: Res) => void,
) => Grpc.ClientUnaryCall;

class PackSession {
  private readonly log = new LineBuffer(LOG_LINES_KEPT);
  private readonly stderr = new LineBuffer(STDERR_TAIL_LINES * 4);
  private exitDescription: string | undefined;
  private closing = false;
  /** Provider messages by provider URN: a stack has few providers and many resources. */
  private readonly providers = new Map<string, AnalyzerPb.AnalyzerProviderResource>();
  /** AnalyzeStack's entries, serialized as each resource is analyzed. */
  private readonly stackEntries = new Map<string, Uint8Array>();
  private child: ChildProcess | undefined;
  private client: AnalyzerGrpcPb.AnalyzerClient | undefined;
  private project: PolicyProject | undefined;
  startMs = 0;
  info: { name: string; version: string; displayName?: string; policies: PolicyInfo[]; initialConfig: Map<string, UserPolicyConfig> } | undefined;
  config: Record<string, ResolvedPolicyConfig> = {};

  private constructor(
    readonly dir: string,
    private readonly protocol: Protocol,
    private readonly options: AnalyzeOptions,
  ) {}

  /** A session for the pack folder; nothing runs until `start`. */
  static create(packDir: string, protocol: Protocol, options: AnalyzeOptions): PackSession {
    return new PackSession(path.resolve(packDir), protocol, options);
  }

  private fail(message: string): PolicyPackError {
    this.stderr.flush();
    return new PolicyPackError(this.dir, message, this.stderr.tail(STDERR_TAIL_LINES));
  }

  private environment(runner: string): NodeJS.ProcessEnv {
    const o = this.options;
    const env: NodeJS.ProcessEnv = { ...process.env };
    // The CLI does not hand analyzers an engine or monitor; a value inherited from a
    // surrounding Pulumi program would make the pack's log calls dial it.
    delete env.PULUMI_NODEJS_ENGINE;
    delete env.PULUMI_NODEJS_MONITOR;
    const nodeModules = runner.slice(0, runner.lastIndexOf(`${path.sep}node_modules${path.sep}`) + `${path.sep}node_modules`.length);
    env.TS_NODE_CACHE_DIRECTORY = o.tsNodeCacheDirectory ?? process.env.TS_NODE_CACHE_DIRECTORY ?? path.join(nodeModules, ".cache", "lookout-ts-node");
    // What the CLI's constructEnv sets for nodejs packs.
    const set = (key: string, value: string | undefined): void => {
      if (value !== undefined && value !== "") env[key] = value;
    };
    set("PULUMI_CONFIG", o.config && Object.keys(o.config).length > 0 ? JSON.stringify(o.config) : undefined);
    for (const prefix of ["PULUMI_NODEJS_", "PULUMI_"]) {
      set(`${prefix}ORGANIZATION`, o.organization);
      set(`${prefix}PROJECT`, o.project);
      set(`${prefix}STACK`, o.stack);
      set(`${prefix}DRY_RUN`, String(o.dryRun));
    }
    return env;
  }

  /** Spawns the pack, reads its port line and connects. */
  async start(): Promise<void> {
    this.project = readPolicyProject(this.dir);
    let runner: string;
    try {
      runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [this.dir] });
    } catch {
      throw new PolicyPackError(this.dir, `cannot resolve @pulumi/pulumi/cmd/run-policy-pack from the pack: its dependencies look missing; run npm install in ${this.dir}`);
    }
    // The pack ends with this process even when this one is SIGKILLed (exitWithParent.js, PF-FAST-4).
    const args = ["--require", path.join(__dirname, "exitWithParent.js"), runner, ENGINE_ADDRESS_PLACEHOLDER, "."];
    for (const [key, value] of Object.entries(this.project.runtimeOptions)) {
      const text = String(value);
      if (text !== "") args.push(`-${key}=${text}`);
    }

    const started = Date.now();
    const child = spawn(process.execPath, args, { cwd: this.dir, env: this.environment(runner), stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    // Stopped on SIGINT/SIGTERM and when this process exits (cancel.ts).
    trackChild(child);
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      this.stderr.push(chunk);
      this.log.push(chunk);
    });
    child.on("exit", (code, signal) => {
      this.exitDescription = signal ? `was killed by ${signal}` : `exited with code ${code ?? "?"}`;
    });

    const port = await new Promise<number>((resolve, reject) => {
      let buffered = "";
      let settled = false;
      const timeoutMs = this.options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
      const finish = (error: PolicyPackError | undefined, value?: number): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        child.stdout.off("data", onData);
        child.off("exit", onExit);
        child.off("error", onError);
        // Later stdout is the pack's own output (console.log in policies).
        child.stdout.on("data", (chunk: string) => this.log.push(chunk));
        if (error) reject(error);
        else resolve(value ?? 0);
      };
      const onData = (chunk: string): void => {
        buffered += chunk;
        const newline = buffered.indexOf("\n");
        if (newline < 0) return;
        const first = buffered.slice(0, newline).trim();
        this.log.push(buffered.slice(newline + 1));
        if (/^\d+$/.test(first) && Number(first) > 0 && Number(first) < 65536) {
          finish(undefined, Number(first));
        } else {
          child.kill("SIGKILL");
          finish(this.fail(`printed ${JSON.stringify(first.slice(0, 200))} where its gRPC port was expected (nothing may print before the port line)`));
        }
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
        // Let stderr drain before reporting.
        setImmediate(() => finish(this.fail(`${signal ? `was killed by ${signal}` : `exited with code ${code ?? "?"}`} before printing its gRPC port`)));
      };
      const onError = (err: Error): void => finish(this.fail(`could not start node: ${err.message}`));
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        finish(this.fail(`printed no gRPC port within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      child.stdout.setEncoding("utf8");
      child.stdout.on("data", onData);
      child.on("exit", onExit);
      child.on("error", onError);
    });
    this.startMs = Date.now() - started;

    const { grpc, rpc } = this.protocol;
    const client = new rpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
      "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
      "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
    });
    this.client = client;
    await new Promise<void>((resolve, reject) => {
      client.waitForReady(Date.now() + 10_000, (err) => (err ? reject(this.fail(`gRPC server on port ${port} not reachable: ${err.message}`)) : resolve()));
    });
  }

  /** One unary call; UNIMPLEMENTED resolves to undefined when `optional`. */
  private call<Req, Res>(what: string, method: UnaryMethod<Req, Res>, request: Req, optional: true): Promise<Res | undefined>;
  private call<Req, Res>(what: string, method: UnaryMethod<Req, Res>, request: Req, optional?: false): Promise<Res>;
  private call<Req, Res>(what: string, method: UnaryMethod<Req, Res>, request: Req, optional = false): Promise<Res | undefined> {
    const { grpc } = this.protocol;
    const deadline = Date.now() + (this.options.rpcTimeoutMs ?? DEFAULT_RPC_TIMEOUT_MS);
    return new Promise((resolve, reject) => {
      method(request, new grpc.Metadata(), { deadline }, (error, response) => {
        if (!error) return resolve(response);
        if (optional && error.code === grpc.status.UNIMPLEMENTED) return resolve(undefined);
        // Let an exit event land first so the message says the process died.
        setTimeout(() => {
          if (this.exitDescription !== undefined && !this.closing) reject(this.fail(`${this.exitDescription} during ${what}`));
          else reject(this.fail(`${what} failed: ${error.details || error.message}`));
        }, 50);
      });
    });
  }

  private get rpc(): AnalyzerGrpcPb.AnalyzerClient {
    if (!this.client) throw new PolicyPackError(this.dir, "not connected");
    return this.client;
  }

  /** Handshake, ConfigureStack, GetAnalyzerInfo. */
  async describe(): Promise<void> {
    const { pb, empty } = this.protocol;
    const o = this.options;

    const handshake = new pb.AnalyzerHandshakeRequest();
    handshake.setEngineAddress(ENGINE_ADDRESS_PLACEHOLDER);
    handshake.setRootDirectory(this.dir);
    handshake.setProgramDirectory(this.dir);
    await this.call("Handshake", this.rpc.handshake.bind(this.rpc), handshake, true);

    const stack = new pb.AnalyzerStackConfigureRequest();
    stack.setStack(o.stack);
    stack.setProject(o.project);
    stack.setOrganization(o.organization ?? "");
    stack.setDryRun(o.dryRun);
    for (const [key, value] of Object.entries(o.config ?? {}).sort(([a], [b]) => a.localeCompare(b))) stack.getConfigMap().set(key, value);
    stack.setConfigSecretKeysList([...(o.configSecretKeys ?? [])].sort());
    for (const [key, value] of Object.entries(o.stackTags ?? {})) stack.getTagsMap().set(key, value);
    await this.call("ConfigureStack", this.rpc.configureStack.bind(this.rpc), stack, true);

    const info = await this.call("GetAnalyzerInfo", this.rpc.getAnalyzerInfo.bind(this.rpc), new empty.Empty());
    const policies = info
      .getPoliciesList()
      .map((p): PolicyInfo => {
        const schema = p.getConfigschema();
        const displayName = p.getDisplayname();
        return {
          name: p.getName(),
          ...(displayName ? { displayName } : {}),
          description: p.getDescription(),
          enforcementLevel: this.levelOf(p.getEnforcementlevel()),
          severity: this.severityOf(p.getSeverity()),
          ...(schema
            ? {
                configSchema: {
                  properties: Object.fromEntries(Object.entries(asJsonObject(schema.getProperties()?.toJavaScript() ?? {})).map(([k, v]) => [k, asJsonObject(v)])),
                  ...(schema.getRequiredList().length > 0 ? { required: schema.getRequiredList() } : {}),
                },
              }
            : {}),
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
    // An initial-config entry without a level reads as ADVISORY (the proto default), as
    // the CLI reads it too; kept so that both agree.
    const initialConfig = new Map<string, UserPolicyConfig>();
    info.getInitialconfigMap().forEach((value, key) => {
      initialConfig.set(key, { enforcementLevel: this.levelOf(value.getEnforcementlevel()), properties: asJsonObject(value.getProperties()?.toJavaScript() ?? {}) });
    });
    const displayName = info.getDisplayname();
    this.info = {
      name: info.getName(),
      version: this.project?.version ?? info.getVersion(),
      ...(displayName ? { displayName } : {}),
      policies,
      initialConfig,
    };
  }

  private levelOf(level: AnalyzerPb.EnforcementLevel): EnforcementLevel {
    const found = (["advisory", "mandatory", "remediate", "disabled"] as const).find((name) => this.levelToProto(name) === level);
    if (found === undefined) throw this.fail(`unknown enforcement level ${String(level)}`);
    return found;
  }

  private levelToProto(level: EnforcementLevel): AnalyzerPb.EnforcementLevel {
    const { EnforcementLevel } = this.protocol.pb;
    return { advisory: EnforcementLevel.ADVISORY, mandatory: EnforcementLevel.MANDATORY, remediate: EnforcementLevel.REMEDIATE, disabled: EnforcementLevel.DISABLED }[level];
  }

  private severityOf(severity: AnalyzerPb.PolicySeverity): PolicySeverity {
    const { PolicySeverity } = this.protocol.pb;
    switch (severity) {
      case PolicySeverity.POLICY_SEVERITY_LOW:
        return "low";
      case PolicySeverity.POLICY_SEVERITY_MEDIUM:
        return "medium";
      case PolicySeverity.POLICY_SEVERITY_HIGH:
        return "high";
      case PolicySeverity.POLICY_SEVERITY_CRITICAL:
        return "critical";
      default:
        return "";
    }
  }

  /** Configure with the reconciled config (the CLI skips the call when it is empty). */
  async configure(): Promise<void> {
    const { pb, struct } = this.protocol;
    const names = Object.keys(this.config).sort();
    if (names.length === 0) return;
    const request = new pb.ConfigureAnalyzerRequest();
    for (const name of names) {
      const entry = this.config[name];
      const config = new pb.PolicyConfig();
      config.setEnforcementlevel(this.levelToProto(entry.enforcementLevel));
      config.setProperties(struct.Struct.fromJavaScript({ ...entry.properties }));
      request.getPolicyconfigMap().set(name, config);
    }
    await this.call("Configure", this.rpc.configure.bind(this.rpc), request);
  }

  private resourceOptions(resource: PlannedResource): AnalyzerPb.AnalyzerResourceOptions {
    const { pb } = this.protocol;
    const options = new pb.AnalyzerResourceOptions();
    options.setProtect(resource.protect);
    options.setIgnorechangesList([...(resource.ignoreChanges ?? [])]);
    options.setDeletebeforereplacedefined(resource.deleteBeforeReplace !== undefined);
    options.setDeletebeforereplace(resource.deleteBeforeReplace ?? false);
    options.setAdditionalsecretoutputsList([...(resource.additionalSecretOutputs ?? [])]);
    options.setAliasesList([...(resource.aliases ?? [])]);
    const timeouts = new pb.AnalyzerResourceOptions.CustomTimeouts();
    timeouts.setCreate(resource.customTimeouts?.create ?? 0);
    timeouts.setUpdate(resource.customTimeouts?.update ?? 0);
    timeouts.setDelete(resource.customTimeouts?.delete ?? 0);
    options.setCustomtimeouts(timeouts);
    options.setParent(resource.parent ?? "");
    return options;
  }

  private properties(resource: PlannedResource): StructPb.Struct {
    try {
      return this.protocol.struct.Struct.fromJavaScript(marshalPropertiesForAnalyzer(resource.inputs));
    } catch (e) {
      throw new PolicyPackError(this.dir, `cannot marshal the properties of ${resource.urn}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private providerOf(resource: PlannedResource, byUrn: ReadonlyMap<string, PlannedResource>): AnalyzerPb.AnalyzerProviderResource | undefined {
    if (!resource.provider) return undefined;
    const urn = providerUrnOf(resource.provider);
    const cached = this.providers.get(urn);
    if (cached) return cached;
    const found = byUrn.get(urn);
    const parsed = parseUrn(urn);
    const provider = new this.protocol.pb.AnalyzerProviderResource();
    provider.setUrn(urn);
    provider.setType(found?.type ?? parsed?.type ?? "");
    provider.setName(found?.name ?? parsed?.name ?? "");
    provider.setProperties(found ? this.properties(found) : new this.protocol.struct.Struct());
    this.providers.set(urn, provider);
    return provider;
  }

  private diagnosticsOf(response: AnalyzerPb.AnalyzeResponse, defaultUrn: string | undefined): PolicyDiagnostic[] {
    return response.getDiagnosticsList().map((d) => {
      const urn = d.getUrn() || defaultUrn;
      return {
        pack: d.getPolicypackname(),
        packVersion: this.project?.version ?? d.getPolicypackversion(),
        policy: d.getPolicyname(),
        description: d.getDescription(),
        message: d.getMessage(),
        enforcementLevel: this.levelOf(d.getEnforcementlevel()),
        severity: this.severityOf(d.getSeverity()),
        ...(urn ? { urn } : {}),
      };
    });
  }

  /**
   * Analyze for each resource as it is added, `concurrency` calls in flight. `byUrn`
   * must hold a resource's provider by the time the resource is added (providers
   * register before the resources that use them). After the first failed call no
   * further call starts; `done` rejects with that failure once the calls in flight end.
   */
  analyzer(byUrn: ReadonlyMap<string, PlannedResource>, concurrency: number, progress: () => void): { add(resource: PlannedResource): void; done(): Promise<PolicyDiagnostic[]> } {
    const { pb } = this.protocol;
    const queue: (PlannedResource | undefined)[] = [];
    const found: PolicyDiagnostic[] = [];
    let head = 0;
    let active = 0;
    let failure: { error: unknown } | undefined;
    let closed = false;
    let settle: (() => void) | undefined;
    const analyzeOne = async (resource: PlannedResource): Promise<PolicyDiagnostic[]> => {
      const request = new pb.AnalyzeRequest();
      request.setUrn(resource.urn);
      request.setType(resource.type);
      request.setName(resource.name);
      request.setProperties(this.properties(resource));
      request.setOptions(this.resourceOptions(resource));
      const provider = this.providerOf(resource, byUrn);
      if (provider) request.setProvider(provider);
      this.stackEntries.set(resource.urn, this.stackEntry(resource, byUrn, request.getProperties() as StructPb.Struct));
      const response = await this.call(`Analyze(${resource.urn})`, this.rpc.analyze.bind(this.rpc), request);
      return this.diagnosticsOf(response, resource.urn);
    };
    const pump = (): void => {
      while (failure === undefined && active < concurrency && head < queue.length) {
        const resource = queue[head] as PlannedResource;
        queue[head++] = undefined; // analyzed resources are not kept here
        active++;
        analyzeOne(resource)
          .then(
            (diagnostics) => {
              found.push(...diagnostics);
              progress();
            },
            (error: unknown) => {
              failure ??= { error };
            },
          )
          .finally(() => {
            active--;
            pump();
          });
      }
      if (active === 0 && (failure !== undefined || (closed && head === queue.length))) settle?.();
    };
    return {
      add: (resource) => {
        if (closed) throw new Error("resources added after the last");
        queue.push(resource);
        pump();
      },
      done: () =>
        new Promise<PolicyDiagnostic[]>((resolve, reject) => {
          closed = true;
          settle = () => (failure ? reject(failure.error) : resolve(found));
          pump();
        }),
    };
  }

  /** A resource as AnalyzeStack carries it, serialized (kept small until the stack is sent). */
  private stackEntry(resource: PlannedResource, byUrn: ReadonlyMap<string, PlannedResource>, properties: StructPb.Struct): Uint8Array {
    const { pb } = this.protocol;
    const r = new pb.AnalyzerResource();
    r.setUrn(resource.urn);
    r.setType(resource.type);
    r.setName(resource.name);
    r.setProperties(properties);
    r.setOptions(this.resourceOptions(resource));
    const provider = this.providerOf(resource, byUrn);
    if (provider) r.setProvider(provider);
    r.setParent(resource.parent ?? "");
    r.setDependenciesList([...resource.dependencies]);
    for (const [key, urns] of Object.entries(resource.propertyDependencies ?? {})) {
      if (urns.length === 0) continue; // as the engine: properties without dependencies are left out
      const deps = new pb.AnalyzerPropertyDependencies();
      deps.setUrnsList([...urns]);
      r.getPropertydependenciesMap().set(key, deps);
    }
    return r.serializeBinary();
  }

  /**
   * AnalyzeStack once with every resource, in `resources`' order (UNIMPLEMENTED: no
   * stack policies). The request is written from the entries serialized at Analyze
   * time (AnalyzeStackRequest is `repeated AnalyzerResource resources = 1`): a stack of
   * 20,000 resources as protobuf objects all at once would take a gigabyte.
   */
  async analyzeStack(resources: readonly PlannedResource[], byUrn: ReadonlyMap<string, PlannedResource>): Promise<PolicyDiagnostic[]> {
    const entries = resources.map((resource) => {
      const entry = this.stackEntries.get(resource.urn) ?? this.stackEntry(resource, byUrn, this.properties(resource));
      this.stackEntries.delete(resource.urn);
      return entry;
    });
    const request = repeatedField(1, entries);
    const definition = this.protocol.rpc.AnalyzerService.analyzeStack;
    const client = this.rpc;
    const send: UnaryMethod<Buffer, AnalyzerPb.AnalyzeResponse> = (req, metadata, options, callback) =>
      client.makeUnaryRequest(definition.path, (buffer: Buffer) => buffer, definition.responseDeserialize, req, metadata, options, (error, response) =>
        callback(error, response as AnalyzerPb.AnalyzeResponse),
      );
    const response = await this.call("AnalyzeStack", send, request, true);
    return response ? this.diagnosticsOf(response, undefined) : [];
  }

  run(): PolicyPackRun {
    if (!this.info) throw new PolicyPackError(this.dir, "not described");
    this.log.flush();
    return {
      dir: this.dir,
      name: this.info.name,
      version: this.info.version,
      ...(this.info.displayName ? { displayName: this.info.displayName } : {}),
      policies: this.info.policies,
      config: this.config,
      startMs: this.startMs,
      log: this.log.all(),
    };
  }

  /** Closes the client and stops the process (SIGTERM, then SIGKILL after 2 s). */
  async close(): Promise<void> {
    this.closing = true;
    this.client?.close();
    this.client = undefined;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
      }, 2_000);
      child.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill("SIGTERM");
    });
  }
}

// ---------------------------------------------------------------------------------------
// Orchestration
// ---------------------------------------------------------------------------------------

function compareDiagnostics(a: PolicyDiagnostic, b: PolicyDiagnostic): number {
  const key = (d: PolicyDiagnostic): string[] => [d.pack, d.policy, d.urn ?? "", d.message];
  const ka = key(a);
  const kb = key(b);
  for (let i = 0; i < ka.length; i++) {
    if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
  }
  return 0;
}

/** A protobuf message made of one repeated message field: each entry as tag, length, bytes. */
export function repeatedField(field: number, entries: readonly Uint8Array[]): Buffer {
  const tag = (field << 3) | 2; // wire type 2: length-delimited
  const varint = (n: number, out: number[]): void => {
    while (n > 0x7f) {
      out.push((n & 0x7f) | 0x80);
      n = Math.floor(n / 128);
    }
    out.push(n);
  };
  const heads = entries.map((entry) => {
    const head: number[] = [];
    varint(tag, head);
    varint(entry.length, head);
    return head;
  });
  const buffer = Buffer.allocUnsafe(entries.reduce((sum, entry, i) => sum + heads[i].length + entry.length, 0));
  let at = 0;
  entries.forEach((entry, i) => {
    for (const byte of heads[i]) buffer[at++] = byte;
    buffer.set(entry, at);
    at += entry.length;
  });
  return buffer;
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
