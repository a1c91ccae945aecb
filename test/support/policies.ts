/** Calling policy rules directly, as the engine would, and collecting their messages. */
import { createRequire } from "node:module";
import type { PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { marshalPropertiesForAnalyzer, SECRET_SIG, SIG_KEY, type JsonValue } from "../../cli/engine/marshal";
import type { PlannedResource } from "../../cli/engine/resource";

type Props = Record<string, unknown>;

export function argsFor(props: Props, config: Record<string, unknown>, type: string): ResourceValidationArgs {
  return {
    type,
    props,
    urn: `urn:pulumi:prod::lookout::${type}::checkout-health`,
    name: "checkout-health",
    opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: <T extends object>(): T => config as T,
    notApplicable: (reason?: string): never => {
      throw new Error(`not applicable: ${reason ?? ""}`);
    },
  };
}

/** The messages a policy reports for one resource. */
export async function violations(policy: ResourceValidationPolicy, props: Props, config: Record<string, unknown>, type: string): Promise<string[]> {
  const messages: string[] = [];
  const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
  for (const validate of validations) {
    await validate?.(argsFor(props, config, type), (message: string) => messages.push(message));
  }
  return messages;
}

// ---------------------------------------------------------------------------------------
// Stack policies, and resources as @pulumi/policy hands them to policies
// ---------------------------------------------------------------------------------------

/** One violation a stack policy reports: the message and the resource it names, if any. */
export interface StackViolation {
  readonly message: string;
  readonly urn?: string;
}

/** The violations a stack policy reports for these resources. */
export async function stackViolations(policy: StackValidationPolicy, resources: PolicyResource[], config: Record<string, unknown> = {}): Promise<StackViolation[]> {
  const found: StackViolation[] = [];
  const args: StackValidationArgs = {
    resources,
    stackTags: new Map(),
    getConfig: <T extends object>(): T => config as T,
    notApplicable: (reason?: string): never => {
      throw new Error(`not applicable: ${reason ?? ""}`);
    },
  };
  await policy.validateStack(args, (message: string, urn?: string) => found.push(urn === undefined ? { message } : { message, urn }));
  return found;
}

/** The messages a resource policy reports for one resource, named and typed as the resource is. */
export async function resourceViolations(policy: ResourceValidationPolicy, resource: PolicyResource, config: Record<string, unknown> = {}): Promise<string[]> {
  const messages: string[] = [];
  const args: ResourceValidationArgs = { ...argsFor(resource.props, config, resource.type), urn: resource.urn, name: resource.name, opts: resource.opts };
  const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
  for (const validate of validations) await validate?.(args, (message: string) => messages.push(message));
  return messages;
}

/** @pulumi/policy's own proxy (internal, so untyped): reading a value unknown in a preview throws its UnknownValueError. */
const { unknownCheckingProxy } = createRequire(__filename)("@pulumi/policy/proxy") as { unknownCheckingProxy<T>(value: T): T };

function unwrapSecrets(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value !== null && typeof value === "object") {
    if (value[SIG_KEY] === SECRET_SIG) return unwrapSecrets(value.value ?? null);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}

/**
 * Planned resources (a mock run's registrations) as a stack policy sees them: inputs as
 * the engine sends them (marshal.ts), secrets unwrapped, every value unknown in a preview
 * throwing on read as in @pulumi/policy; parent, dependencies and property dependencies
 * as the resources themselves. Provider and type helpers are left out.
 */
export function policyResourcesOf(planned: readonly PlannedResource[]): PolicyResource[] {
  const byUrn = new Map<string, PolicyResource>();
  const resources = planned.map((p): PolicyResource => {
    const resource: PolicyResource = {
      type: p.type,
      name: p.name,
      urn: p.urn,
      props: unknownCheckingProxy(unwrapSecrets(marshalPropertiesForAnalyzer(p.inputs)) as Record<string, unknown>),
      opts: {
        protect: p.protect,
        ignoreChanges: [...(p.ignoreChanges ?? [])],
        aliases: [...(p.aliases ?? [])],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [...(p.additionalSecretOutputs ?? [])],
        ...(p.parent ? { parent: p.parent } : {}),
      },
      dependencies: [],
      propertyDependencies: {},
      isType: () => false,
      asType: () => undefined,
    };
    byUrn.set(p.urn, resource);
    return resource;
  });
  planned.forEach((p, i) => {
    const resource = resources[i];
    const parent = p.parent ? byUrn.get(p.parent) : undefined;
    if (parent) resource.parent = parent;
    const known = (urns: readonly string[]) => urns.flatMap((urn) => byUrn.get(urn) ?? []);
    resource.dependencies = known(p.dependencies);
    for (const [key, urns] of Object.entries(p.propertyDependencies ?? {})) {
      if (urns.length > 0) resource.propertyDependencies[key] = known(urns); // as the engine: empty lists are left out
    }
  });
  return resources;
}
