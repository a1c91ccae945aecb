/**
 * What one run of the program registers. The offline engine plans a large catalog in
 * shards, planned by worker processes one after another. Every shard runs the whole
 * program over the whole catalog (the engine validated it as a whole and hands it over)
 * and registers:
 *  - the resources every part refers to (providers, on-call);
 *  - its own services' checks, alerts, SLOs and Sentry projects;
 *  - in one shard only, the rest (storage, status pages, dashboards).
 * The engine merges the shards' registrations into the plan a single run gives (a test
 * compares them). The engine passes this as the program's argument; `pulumi up` calls the
 * program with none (PF-PU-EN-1): everything registers, and the program reads the catalog itself.
 */
import type { Catalog, Service } from "../../catalog/model";

export interface Shard {
  /** The services whose own resources this shard registers. */
  readonly services: ReadonlySet<string>;
  /** Whether this shard registers the resources no service owns alone (storage, status pages, dashboards). */
  readonly stackWide: boolean;
}

/** The program's argument: absent under `pulumi up`, set by the offline engine. */
export interface RunContext {
  /** The whole catalog, loaded and validated once by the engine (else the program loads it). */
  readonly catalog?: Catalog;
  /** Register only this part of the stack (a worker of a sharded plan); absent: all of it. */
  readonly shard?: Shard;
}

/** The services whose own resources this run registers: all of them unless sharded. */
export function servicesOfThisRun(run: RunContext, services: readonly Service[]): readonly Service[] {
  const shard = run.shard;
  return shard ? services.filter((s) => shard.services.has(s.name)) : services;
}

/** Whether this run registers the stack-wide resources that no service owns alone. */
export function registersStackWide(run: RunContext): boolean {
  return run.shard?.stackWide ?? true;
}
