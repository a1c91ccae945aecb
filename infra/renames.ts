/**
 * Renames that keep history: a catalog entry's `renamedFrom` gives every resource its
 * old name would have yielded a Pulumi alias for that name, so `pulumi up` moves the
 * state to the new URN instead of deleting the resource and creating another
 * (PF-PU-ALIAS-1, a stack transformation: PF-PU-ALIAS-3). A name-only alias keeps the resource's current parent, whose URN
 * type chain is the old one's (PF-PU-ALIAS-2): the names are all that changed.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Catalog } from "./catalog/model";
import { childName, COMPONENT, plannedNames } from "./catalog/names";

/** The per-service components (infra/uptime.ts, alerts.ts, slos.ts, sentry.ts), named after the service. */
const SERVICE_COMPONENTS = [COMPONENT.uptime, COMPONENT.alerts, COMPONENT.slos, COMPONENT.sentry] as const;

/** New resource name → its old name, for every resource a `renamedFrom` entry renames. */
export function renamedNames(catalog: Catalog): Map<string, string> {
  const renames = new Map<string, string>();
  for (const service of catalog.services) {
    const old = service.renamedFrom;
    if (old === undefined) continue;
    const before = { ...catalog, services: catalog.services.map((s) => (s === service ? { ...s, name: old } : s)) };
    // The same entries in the same order: the i-th name of each is one resource.
    const now = plannedNames({ ...catalog, services: [service] });
    const was = plannedNames({ ...before, services: [{ ...service, name: old }] });
    now.forEach((n, i) => {
      if (was[i] && was[i].name !== n.name) renames.set(n.name, was[i].name);
    });
    for (const component of SERVICE_COMPONENTS) renames.set(childName(component, service.name), childName(component, old));
  }
  return renames;
}

/**
 * Gives every resource named in `renames` an alias for its old name (a stack
 * transformation: it sees every resource the program registers).
 */
export function registerRenames(renames: ReadonlyMap<string, string>): void {
  if (renames.size === 0) return;
  pulumi.runtime.registerStackTransformation((args) => {
    const old = renames.get(args.name);
    if (old === undefined) return undefined;
    return { props: args.props, opts: pulumi.mergeOptions(args.opts, { aliases: [{ name: old }] }) };
  });
}
