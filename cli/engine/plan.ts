/**
 * `lookout plan`'s computation: run the program under mocks with the stack's config,
 * then every policy pack over the Analyzer protocol, and assemble the Plan document
 * (the JSON contract in the README). Printing is elsewhere.
 */
import * as fs from "fs";
import * as path from "path";
import { CatalogError } from "../../infra/catalog/errors";
import type { SourceRef } from "../../infra/catalog/model";
import { sourceKey, takeSources } from "../../infra/sources";
import { InputError } from "../errors";
import { PolicyConfigError, type PolicyDiagnostic, runPolicyPacks } from "./analyzer";
import { runUnderMocks } from "./mockRun";
import { redact } from "./redact";
import type { PlannedResource } from "./resource";
import { readStackSettings } from "./stackConfig";

export interface PlanResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent?: string;
  readonly dependencies: readonly string[];
  readonly protect: boolean;
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

export interface Plan {
  readonly project: string;
  readonly stack: string;
  readonly resources: readonly PlanResource[];
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
  /** Policy packs: the project's `policies/` first, then these. */
  readonly policyPacks?: readonly string[];
  /** Skip the project's own pack (tests of the program alone). */
  readonly withoutDefaultPack?: boolean;
  /** The user's policy config (`--policy-config FILE`'s content). */
  readonly policyConfig?: Readonly<Record<string, unknown>>;
  readonly onProgress?: (event: { phase: "register" | "analyze"; done: number; total?: number }) => void;
}

/** The full plan: the program's resources and every pack's verdict. */
export async function computePlan(options: PlanOptions): Promise<Plan> {
  const settings = readStackSettings(
    options.projectRoot,
    options.stack,
    options.catalog === undefined ? {} : { "lookout:catalog": path.resolve(options.catalog) },
  );
  const program = loadProgram(options.projectRoot);
  let run;
  let sources = new Map<string, SourceRef>();
  try {
    run = await runUnderMocks({
      project: settings.project,
      stack: settings.stack,
      config: settings.config,
      secretKeys: settings.secretKeys,
      preview: true,
      program,
      onRegister: (done) => options.onProgress?.({ phase: "register", done }),
    });
  } catch (error) {
    throw asInputError(error) ?? error;
  } finally {
    sources = takeSources();
  }

  const packs = [
    ...(options.withoutDefaultPack ? [] : [path.join(options.projectRoot, "policies")]),
    ...(options.policyPacks ?? []).map((p) => path.resolve(p)),
  ].map(realPack);
  const analysis = packs.length
    ? await runPolicyPacks(packs, run.resources, {
        project: settings.project,
        stack: settings.stack,
        dryRun: true,
        config: settings.config,
        configSecretKeys: settings.secretKeys,
        policyConfig: options.policyConfig,
        onProgress: (done, total) => options.onProgress?.({ phase: "analyze", done, total }),
      }).catch((error: unknown) => {
        // A policy config naming no policy or an undeclared property is the user's input.
        throw error instanceof PolicyConfigError ? new InputError(error.message) : error;
      })
    : { packs: [], diagnostics: [] as PolicyDiagnostic[] };

  return assemblePlan(settings.project, settings.stack, run.resources, run.outputs, analysis.diagnostics, sources);
}

export function assemblePlan(
  project: string,
  stack: string,
  captured: readonly PlannedResource[],
  outputs: Record<string, unknown>,
  diagnostics: readonly PolicyDiagnostic[],
  sources: ReadonlyMap<string, SourceRef> = new Map(),
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
      inputs: redact(r.inputs) as Record<string, unknown>,
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
      message: d.message,
    }));
  return {
    project,
    stack,
    resources,
    outputs: redact(outputs) as Record<string, unknown>,
    policies,
    summary: {
      resources: resources.length,
      byType: Object.fromEntries(Object.entries(byType).sort(([a], [b]) => a.localeCompare(b))),
      mandatory: policies.filter((p) => p.enforcementLevel === "mandatory").length,
      advisory: policies.filter((p) => p.enforcementLevel === "advisory").length,
    },
  };
}

function sourceOf(sources: ReadonlyMap<string, SourceRef>, r: PlannedResource): { source?: string } {
  const ref = sources.get(sourceKey(r.type, r.name));
  return ref ? { source: `${ref.file}:${ref.line}:${ref.column}` } : {};
}

/** A pack folder with links resolved, so its dependencies resolve from where it really is. */
function realPack(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch {
    throw new InputError(`policy pack ${dir} does not exist`);
  }
}

/** The program: what `pulumi up` would run (Pulumi.yaml main: infra/). */
function loadProgram(projectRoot: string): () => Promise<unknown> {
  const exported: unknown = require(path.join(projectRoot, "infra"));
  if (typeof exported !== "function") throw new InputError(`${projectRoot}/infra does not export the program function`);
  return exported as () => Promise<unknown>;
}

/** A bad catalog surfaces from the program as CatalogRunError (carrying the CatalogError). */
function asInputError(error: unknown): InputError | undefined {
  const catalogError =
    error instanceof CatalogError ? error : (error as { catalogError?: unknown } | null)?.catalogError;
  if (catalogError instanceof CatalogError) return new InputError(catalogError.message);
  // Missing or malformed stack config (infra/config.ts): the user's input, not a crash.
  if (error instanceof Error && /^(Missing required configuration variable|invalid stack config: )/.test(error.message)) {
    return new InputError(error.message.split("\n")[0]);
  }
  return undefined;
}
