/**
 * Calling stack policies directly on what a mock run registered, as the engine would:
 * every resource with its inputs behind @pulumi/policy's own unknown-checking proxy (a
 * preview's unknowns throw when read, as in `pulumi preview`), its options, and its
 * dependencies and property dependencies resolved to the other resources.
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import type { MockRunResult } from "../../cli/engine/mockRun";
import type { PlannedResource } from "../../cli/engine/resource";

// Internal to @pulumi/policy (no typings): the proxy its server wraps every resource's properties in.
const { unknownCheckingProxy } = require("@pulumi/policy/proxy") as { unknownCheckingProxy<T>(value: T): T };

export function policyResources(resources: readonly PlannedResource[]): PolicyResource[] {
  const byUrn = new Map<string, PolicyResource & { dependencies: PolicyResource[]; propertyDependencies: Record<string, PolicyResource[]> }>();
  for (const r of resources) {
    byUrn.set(r.urn, {
      type: r.type,
      name: r.name,
      urn: r.urn,
      props: unknownCheckingProxy(structuredClone(r.inputs)),
      opts: {
        protect: r.protect,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
        ...(r.parent ? { parent: r.parent } : {}),
      },
      dependencies: [],
      propertyDependencies: {},
      isType: () => false,
      asType: () => undefined,
    });
  }
  for (const r of resources) {
    const resource = byUrn.get(r.urn)!;
    resource.dependencies.push(...r.dependencies.flatMap((u) => byUrn.get(u) ?? []));
    for (const [key, urns] of Object.entries(r.propertyDependencies ?? {})) {
      resource.propertyDependencies[key] = urns.flatMap((u) => byUrn.get(u) ?? []);
    }
  }
  return [...byUrn.values()];
}

export interface StackViolation {
  readonly message: string;
  /** The resource's name (from its URN), or "" for the stack. */
  readonly name: string;
}

/** What a stack policy reports for these resources, with `config` as the engine would pass it. */
export async function stackViolations(
  policy: StackValidationPolicy,
  resources: readonly PlannedResource[],
  config: Record<string, unknown> = {},
): Promise<StackViolation[]> {
  const found: StackViolation[] = [];
  await policy.validateStack(
    {
      resources: policyResources(resources),
      stackTags: new Map(),
      getConfig: <T extends object>(): T => config as T,
      notApplicable: (reason?: string): never => {
        throw new Error(`not applicable: ${reason ?? ""}`);
      },
    },
    (message: string, urn?: string) => found.push({ message, name: urn ? urn.slice(urn.lastIndexOf("::") + 2) : "" }),
  );
  return found;
}

/** The run's resources with one resource's inputs (or options) changed; the run itself is left alone. */
export function changed(
  run: MockRunResult,
  name: string,
  change: (inputs: Record<string, unknown>) => Record<string, unknown>,
  options: Partial<Pick<PlannedResource, "protect">> = {},
): PlannedResource[] {
  if (!run.resources.some((r) => r.name === name)) throw new Error(`no resource ${name}`);
  return run.resources.map((r) => (r.name === name ? { ...r, ...options, inputs: change(structuredClone(r.inputs)) } : r));
}

/** The run's resources without the named ones. */
export function without(run: MockRunResult, ...names: string[]): PlannedResource[] {
  for (const name of names) if (!run.resources.some((r) => r.name === name)) throw new Error(`no resource ${name}`);
  return run.resources.filter((r) => !names.includes(r.name));
}
