/**
 * Deletions Pulumi would refuse: a change that removes a `protect`ed resource, or
 * replaces one (a new URN: the old one is deleted), fails `pulumi up` after merge
 * (PF-REV-5). Found in the plans, before merge, with what to do instead. Pure.
 */
import type { PlanResource } from "../engine/plan";

/** One deletion `pulumi up` would refuse, or that would lose data. */
export interface BlockedDeletion {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** `removed`: the head no longer plans it; `replaced`: the head plans it under a new URN. */
  readonly how: "removed" | "replaced";
  readonly source?: string;
  /** Why Pulumi would refuse it, and what to do instead. */
  readonly guidance: string;
}

const UNPROTECT =
  "Pulumi refuses to delete a protected resource (PF-REV-5): keep it in this change, and either unprotect it first in a separate change (protect: false, applied with pulumi up) and remove it after, or keep it by retaining it (pulumi state delete leaves the cloud resource in place, then remove it from the catalog)";

const REPLACE =
  "a new URN means Pulumi deletes the protected resource and creates another: the delete is refused (PF-REV-5), and would lose its data; keep its old name and parent, or give it an alias for its old name";

export function blockedOf(removed: readonly PlanResource[], replaced: readonly { readonly before: PlanResource; readonly after: PlanResource }[]): BlockedDeletion[] {
  const entry = (r: PlanResource, how: BlockedDeletion["how"], guidance: string): BlockedDeletion => ({
    urn: r.urn,
    type: r.type,
    name: r.name,
    how,
    ...(r.source ? { source: r.source } : {}),
    guidance,
  });
  return [
    ...removed.filter((r) => r.protect).map((r) => entry(r, "removed", UNPROTECT)),
    ...replaced.filter((p) => p.before.protect).map((p) => entry(p.before, "replaced", REPLACE)),
  ];
}
