/**
 * Runs the Pulumi program under the SDK's runtime mocks and captures every resource
 * registration as the engine would see it: the full RegisterResourceRequest (type,
 * name, parent, dependencies, provider, protect, inputs in wire form) with the
 * engine's URNs, and the outputs each component registered.
 */
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import type { PlannedResource } from "./resource";

/** Protobuf messages as the mock monitor receives them (only what is read here). */
interface Struct {
  toJavaScript(): Record<string, unknown>;
}
interface RegisterResourceRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProtect(): boolean;
  getProvider(): string;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): { forEach(fn: (value: { getUrnsList(): string[] }, key: string) => void): void };
  getObject(): Struct | undefined;
  getRetainondelete?(): boolean;
  getAdditionalsecretoutputsList(): string[];
  getAliasurnsList(): string[];
  getAliasesList(): AliasLike[];
}
/** `pulumirpc.Alias`: an old URN, or a spec whose empty parts are the resource's own. */
interface AliasLike {
  getUrn(): string;
  getSpec(): { getName(): string; getType(): string; getStack(): string; getProject(): string; getParenturn(): string; getNoparent(): boolean } | undefined;
}
interface RegisterResourceResponse {
  getUrn(): string;
}
interface RegisterResourceOutputsRequest {
  getUrn(): string;
  getOutputs(): Struct | undefined;
}
type Callback<T> = (err: Error | null, response?: T) => void;
interface MonitorLike {
  registerResource(req: RegisterResourceRequest, callback: Callback<RegisterResourceResponse>): void;
  registerResourceOutputs(req: RegisterResourceOutputsRequest, callback: Callback<unknown>): void;
  supportsFeature(req: { getId(): string }, callback: Callback<{ getHassupport(): boolean }>): void;
}

export interface MockRunOptions {
  readonly project: string;
  readonly stack: string;
  readonly organization?: string;
  /** Stack config, keys namespaced (`lookout:catalog`). */
  readonly config: Readonly<Record<string, string>>;
  readonly secretKeys: readonly string[];
  /** True as in `pulumi preview`: IDs are unknown. */
  readonly preview: boolean;
  /** The program: what the Pulumi runtime would call (infra/index.ts's export). */
  readonly program: () => Promise<unknown>;
  readonly onRegister?: (count: number) => void;
  /** Each resource as it registers (its inputs complete; its provider registered before it). */
  readonly onResource?: (resource: PlannedResource) => void;
  /** Further invokes this run answers (tokens the program uses only to report to the engine). */
  readonly lookups?: Readonly<Record<string, Lookup>>;
}

/** Answers an invoke's arguments offline. */
export type Lookup = (args: Record<string, unknown>) => Record<string, unknown>;

export interface MockRunResult {
  /** In registration order. */
  readonly resources: PlannedResource[];
  /** The root stack's outputs, in wire form (secrets still marked). */
  readonly outputs: Record<string, unknown>;
}

export const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/** The program registered two resources under one URN: Pulumi's "Duplicate resource URN" (PF-PULUMI-2). */
export class DuplicateUrnError extends Error {
  constructor(readonly urns: readonly string[]) {
    const shown = urns.slice(0, 5).join(", ");
    super(`duplicate resource URN ${shown}${urns.length > 5 ? ` and ${urns.length - 5} more` : ""}: the program gave two resources one name`);
    this.name = "DuplicateUrnError";
  }
}

/**
 * The engine's URN: the parent's full type chain (`a$b$c`), the root stack left out.
 * (The SDK's mock monitor keeps only the parent's last type and does not skip the root.)
 */
export function engineUrn(stack: string, project: string, parentTypeChain: string | undefined, type: string, name: string): string {
  const chain = parentTypeChain ? `${parentTypeChain}$${type}` : type;
  return `urn:pulumi:${stack}::${project}::${chain}::${name}`;
}

/**
 * Lookups the program makes, answered offline with deterministic stand-ins: the same
 * arguments always give the same ID (so plans are stable), shaped like the real thing
 * (PagerDuty IDs `P…`, Sentry integration IDs numeric). `pulumi preview` asks the
 * services instead.
 */
export const OFFLINE_LOOKUPS: Readonly<Record<string, Lookup>> = {
  "pagerduty:index/getUser:getUser": (args) => ({ id: pagerdutyId("user", String(args.email)), email: args.email, name: String(args.email).split("@")[0] }),
  "pagerduty:index/getVendor:getVendor": (args) => ({ id: pagerdutyId("vendor", String(args.name)), name: args.name, type: "generic_events_api_inbound_integration" }),
  "sentry:index/getSentryOrganizationIntegration:getSentryOrganizationIntegration": (args) => {
    const id = String(stableNumber(`${String(args.organization)}/${String(args.providerKey)}/${String(args.name)}`));
    return { id, internalId: id, name: args.name, organization: args.organization, providerKey: args.providerKey };
  },
};

function stableNumber(text: string): number {
  return Number.parseInt(createHash("sha256").update(text).digest("hex").slice(0, 8), 16);
}

function pagerdutyId(kind: string, key: string): string {
  return `P${createHash("sha256").update(`${kind}:${key}`).digest("hex").slice(0, 6).toUpperCase()}`;
}

/** The mocks: echo inputs as state; unknown IDs in preview; known lookups answered offline, any other invoke fails loudly. */
function mocksAnswering(lookups: Readonly<Record<string, Lookup>>): pulumi.runtime.Mocks {
  return {
    newResource(args: pulumi.runtime.MockResourceArgs) {
      return { id: pulumi.runtime.isDryRun() ? undefined : `${args.name}-id`, state: args.inputs };
    },
    call(args: pulumi.runtime.MockCallArgs) {
      const lookup = Object.hasOwn(lookups, args.token) ? lookups[args.token] : undefined;
      if (!lookup) throw new Error(`Mock call not implemented: ${args.token}`);
      return lookup(args.inputs as Record<string, unknown>);
    },
  };
}

/**
 * Runs `options.program` inside a root stack under mocks. Runs are serialized: the
 * Pulumi runtime is process-global.
 */
export async function runUnderMocks(options: MockRunOptions): Promise<MockRunResult> {
  const previous = running;
  let release!: () => void;
  running = new Promise<void>((resolve) => (release = resolve));
  await previous;
  try {
    return await runOnce(options);
  } finally {
    release();
  }
}
let running: Promise<void> = Promise.resolve();

async function runOnce(options: MockRunOptions): Promise<MockRunResult> {
  pulumi.runtime.setAllConfig({ ...options.config }, [...options.secretKeys]);
  await pulumi.runtime.setMocks(mocksAnswering({ ...OFFLINE_LOOKUPS, ...options.lookups }), options.project, options.stack, options.preview, options.organization);
  const monitor = pulumi.runtime.getMonitor() as unknown as MonitorLike;

  const resources: PlannedResource[] = [];
  const urns = new Set<string>();
  const duplicates: string[] = [];
  const byMockUrn = new Map<string, { urn: string; chain: string | undefined }>();
  const outputsByUrn = new Map<string, Record<string, unknown>>();
  const translate = (mockUrn: string): string => byMockUrn.get(mockUrn)?.urn ?? mockUrn;
  const translateProvider = (ref: string): string | undefined => {
    if (!ref) return undefined;
    const at = ref.lastIndexOf("::");
    return `${translate(ref.slice(0, at))}${ref.slice(at)}`;
  };

  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    const type = req.getType();
    const parent = req.getParent() ? byMockUrn.get(req.getParent()) : undefined;
    const parentChain = parent?.chain;
    const urn = engineUrn(options.stack, options.project, parentChain, type, req.getName());
    const chain = type === ROOT_STACK_TYPE ? undefined : parentChain ? `${parentChain}$${type}` : type;
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((value, key) => {
      propertyDependencies[key] = value.getUrnsList().map(translate);
    });
    const additionalSecretOutputs = req.getAdditionalsecretoutputsList();
    // Aliases as the URNs they stand for (PF-PU-ALIAS-1): a spec's missing parts are the resource's own.
    const aliases = [
      ...req.getAliasurnsList().map(translate),
      ...req.getAliasesList().map((alias) => {
        const spec = alias.getSpec();
        if (!spec) return translate(alias.getUrn());
        const aliasParent = spec.getParenturn() ? byMockUrn.get(spec.getParenturn())?.chain : parentChain;
        return engineUrn(spec.getStack() || options.stack, spec.getProject() || options.project, spec.getNoparent() ? undefined : aliasParent, spec.getType() || type, spec.getName() || req.getName());
      }),
    ];
    const resource: PlannedResource = {
      urn,
      type,
      name: req.getName(),
      parent: parent?.urn,
      dependencies: req.getDependenciesList().map(translate),
      propertyDependencies,
      provider: translateProvider(req.getProvider()),
      protect: req.getProtect(),
      retainOnDelete: req.getRetainondelete?.() ?? false,
      custom: req.getCustom(),
      inputs: req.getObject()?.toJavaScript() ?? {},
      ...(additionalSecretOutputs.length > 0 ? { additionalSecretOutputs } : {}),
      ...(aliases.length > 0 ? { aliases } : {}),
    };
    // The engine refuses a second resource under one URN (PF-PULUMI-2); so does this run,
    // after the program ends (the policy packs must not see it).
    if (urns.has(urn)) duplicates.push(urn);
    urns.add(urn);
    resources.push(resource);
    options.onRegister?.(resources.length);
    options.onResource?.(resource);
    register(req, (err, response) => {
      if (response) byMockUrn.set(response.getUrn(), { urn, chain });
      callback(err, response);
    });
  };
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req, callback) => {
    outputsByUrn.set(translate(req.getUrn()), req.getOutputs()?.toJavaScript() ?? {});
    registerOutputs(req, callback);
  };
  // The mock monitor claims every feature; transforms and hooks would then call RPCs
  // it lacks. Saying no turns their use into the SDK's own clear error.
  const supportsFeature = monitor.supportsFeature.bind(monitor);
  monitor.supportsFeature = (req, callback) => {
    if (["transforms", "invokeTransforms", "resourceHooks", "errorHooks"].includes(req.getId())) {
      callback(null, { getHassupport: () => false });
      return;
    }
    supportsFeature(req, callback);
  };

  // The SDK builds an Error stack for every internal promise; without frames a run is
  // several times faster (offline-engine notes). Restored afterwards.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  // A program that throws rejects the stack's outputs and, again, promises inside the
  // SDK that nobody awaits: collect those echoes instead of letting them crash the CLI.
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on("unhandledRejection", onUnhandled);
  try {
    await pulumi.runtime.runInPulumiStack(options.program);
    await pulumi.runtime.disconnect();
    await new Promise((resolve) => setImmediate(resolve));
    if (unhandled.length > 0) throw unhandled[0];
    if (duplicates.length > 0) throw new DuplicateUrnError(duplicates);
  } finally {
    await new Promise((resolve) => setImmediate(resolve));
    process.off("unhandledRejection", onUnhandled);
    Error.stackTraceLimit = stackTraceLimit;
  }
  const root = resources.find((r) => r.type === ROOT_STACK_TYPE);
  return { resources, outputs: (root && outputsByUrn.get(root.urn)) ?? {} };
}
