/** One resource as the engine sees it at registration: what a plan and the policy packs read. */
export interface PlannedResource {
  /** The engine's URN (parent type chain, root stack left out). */
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** The parent's URN; undefined only for the root stack. */
  readonly parent?: string;
  readonly dependencies: readonly string[];
  readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
  /** Provider reference `urn::id` (custom resources with an explicit provider). */
  readonly provider?: string;
  readonly protect: boolean;
  readonly retainOnDelete?: boolean;
  readonly custom: boolean;
  /** Inputs in wire form: secrets, unknowns and resource references keep their markers (see marshal.ts). */
  readonly inputs: Readonly<Record<string, unknown>>;
  // Further resource options the Analyzer protocol carries; absent means empty.
  readonly ignoreChanges?: readonly string[];
  readonly aliases?: readonly string[];
  readonly additionalSecretOutputs?: readonly string[];
  readonly deleteBeforeReplace?: boolean;
  readonly customTimeouts?: { readonly create?: number; readonly update?: number; readonly delete?: number };
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

