/**
 * Which part of the stack this run registers. The offline engine plans a large catalog
 * in shards, planned by worker processes one after another. Every shard runs the whole
 * program over the whole catalog (the engine validated it as a whole and hands it over)
 * and registers:
 *  - the resources every part refers to (providers, on-call);
 *  - its own services' checks, alerts, SLOs and Sentry projects;
 *  - in one shard only, the rest (storage, status pages, dashboards).
 * The engine merges the shards' registrations into the plan a single run gives (a test
 * compares them). Under `pulumi up` and a single-process `lookout plan` no shard is set:
 * everything registers, and the program reads the catalog itself.
 */
import type { Catalog, Service } from "./catalog/model";

export interface Shard {
  /** The whole catalog, loaded and validated once by the engine for all shards. */
  readonly catalog: Catalog;
  /** The services whose own resources this shard registers. */
  readonly services: ReadonlySet<string>;
  /** Whether this shard registers the resources no service owns alone (storage, status pages, dashboards). */
  readonly stackWide: boolean;
}

let current: Shard | undefined;

/** Sets (or, with undefined, clears) the shard the next program run registers. */
export function setShard(shard: Shard | undefined): void {
  current = shard;
}

/** The catalog the engine loaded for this shard, if sharded (else the program loads it). */
export function catalogOfThisRun(): Catalog | undefined {
  return current?.catalog;
}

/** The services whose own resources this run registers: all of them unless sharded. */
export function servicesOfThisRun(services: readonly Service[]): readonly Service[] {
  const shard = current;
  return shard ? services.filter((s) => shard.services.has(s.name)) : services;
}

/** Whether this run registers the stack-wide resources that no service owns alone. */
export function registersStackWide(): boolean {
  return current?.stackWide ?? true;
}
