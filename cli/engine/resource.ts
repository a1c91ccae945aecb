/** One resource as the engine sees it at registration: what a plan and the policy packs read. */
export interface PlannedResource {
  /** The engine's URN (parent type chain, root stack left out). */
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** The parent's URN; undefined only for the root stack. */
  readonly parent?: string;
  readonly dependencies: readonly string[];
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
  /** Provider reference `urn::id` (custom resources with an explicit provider). */
  readonly provider?: string;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly custom: boolean;
  /** Inputs in wire form: secrets, unknowns and resource references keep their markers. */
  readonly inputs: Readonly<Record<string, unknown>>;
}
