/**
 * One run of the project's Pulumi program under mocks, in this process: the resources
 * it registers, its stack outputs and the catalog sources the components recorded. A
 * bad catalog or bad stack config becomes the user's InputError. Both engine paths (a
 * single process, and each worker of a sharded plan) run the program through here.
 */
import * as path from "path";
import { CatalogError } from "../../catalog/errors";
import type { Catalog, SourceRef } from "../../catalog/model";
import type { RunContext, Shard } from "../../infra/stack/shard";
import { REPORT_SOURCE_TOKEN, REPORT_SOURCES_CONFIG, sourceKey } from "../../infra/stack/sources";
import { InputError } from "../errors";
import { projectModuleDir, requireTypeScript } from "./compiled";
import { type PlannedLookup, runUnderMocks } from "./mockRun";
import { type PlannedResource, parseUrn } from "./resource";
import type { StackSettings } from "./stackConfig";

export interface ProgramRun {
  /** In registration order. */
  readonly resources: PlannedResource[];
  /** The root stack's outputs, in wire form. */
  readonly outputs: Record<string, unknown>;
  /** Catalog positions keyed by `sourceKey(type, name)`. */
  readonly sources: Map<string, SourceRef>;
  /** The lookups the program made (absent: none recorded). */
  readonly lookups?: readonly PlannedLookup[];
}

export interface ProgramRunOptions {
  /** Register only this part of the stack (a worker of a sharded plan). */
  readonly shard?: Shard;
  /** The catalog the engine already read (so each file is read once). */
  readonly catalog?: Catalog;
  readonly onRegister?: (count: number) => void;
  readonly onResource?: (resource: PlannedResource) => void;
  /** False runs it as `pulumi up` would: resource IDs known (default true, as `pulumi preview`). */
  readonly preview?: boolean;
}

/**
 * Stand-ins for the credentials and secrets a run with IDs known (`preview: false`, as
 * `pulumi up`) requires before anything exists (infra/stack/config.ts `requireCredentials`, the
 * Grafana data sources' password). Nothing offline sends them anywhere; they only let the
 * program's checks pass, and every report shows them as `[secret]`.
 */
export const UP_SECRET_STAND_INS: Readonly<Record<string, string>> = {
  "datadog:apiKey": "key",
  "datadog:appKey": "key",
  "sentry:token": "token",
  "pagerduty:token": "token",
  "grafana:auth": "token",
  "lookout:grafanaPostgresPassword": "password",
};

export async function runProgram(settings: StackSettings, options: ProgramRunOptions = {}): Promise<ProgramRun> {
  const program = loadProgram(settings.projectRoot);
  const context: RunContext = { ...(options.catalog ? { catalog: options.catalog } : {}), ...(options.shard ? { shard: options.shard } : {}) };
  // The components report each resource's catalog position as an invoke (infra/stack/sources.ts, PF-PU-EN-1).
  const sources = new Map<string, SourceRef>();
  const reportSource = (args: Record<string, unknown>): Record<string, unknown> => {
    const resource = parseUrn(String(args.urn));
    if (!resource) throw new Error(`a catalog source reported for ${String(args.urn)}, not a resource URN`);
    sources.set(sourceKey(resource.type, resource.name), { file: String(args.file), line: Number(args.line), column: Number(args.column) });
    return {};
  };
  try {
    const run = await runUnderMocks({
      project: settings.project,
      stack: settings.stack,
      config: { ...settings.config, [REPORT_SOURCES_CONFIG]: "true" },
      secretKeys: settings.secretKeys,
      preview: options.preview ?? true,
      program: () => program(context),
      onRegister: options.onRegister,
      onResource: options.onResource,
      lookups: { [REPORT_SOURCE_TOKEN]: reportSource },
    });
    return { resources: run.resources, outputs: run.outputs, sources, lookups: run.lookups };
  } catch (error) {
    throw asInputError(error) ?? error;
  }
}

/** The program: what `pulumi up` would run (Pulumi.yaml main: infra/), compiled when this run is (compiled.ts). */
function loadProgram(projectRoot: string): (run: RunContext) => Promise<unknown> {
  const dir = projectModuleDir(projectRoot, "infra");
  if (dir === path.join(projectRoot, "infra")) requireTypeScript();
  const exported: unknown = require(dir);
  if (typeof exported !== "function") throw new InputError(`${projectRoot}/infra does not export the program function`);
  return exported as (run: RunContext) => Promise<unknown>;
}

/** A bad catalog surfaces from the program as CatalogRunError (carrying the CatalogError). */
export function asInputError(error: unknown): InputError | undefined {
  if (error instanceof InputError) return error;
  const catalogError =
    error instanceof CatalogError ? error : (error as { catalogError?: unknown } | null)?.catalogError;
  if (catalogError instanceof CatalogError) return new InputError(catalogError.message);
  // Missing or malformed stack config (infra/stack/config.ts; a value getBoolean cannot read,
  // PF-PUL-FILES-1): the user's input, not a crash.
  if (error instanceof Error && /^(Missing required configuration variable|invalid stack config: |Configuration '[^']*' value '.*' is not a valid )/.test(error.message)) {
    return new InputError(error.message.split("\n")[0]);
  }
  return undefined;
}
