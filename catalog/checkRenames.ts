/**
 * The one rule every `renamedFrom` obeys, whatever it renames (services, endpoints,
 * journeys, alerts, SLOs, teams, backups, status-page components).
 */

/** One catalog entry that may carry `renamedFrom`, and how to report a problem at it. */
export interface RenameEntry {
  readonly name: string;
  readonly renamedFrom?: string;
  readonly at: (message: string) => void;
}

/**
 * `renamedFrom` must name what no longer exists, once: an old name that is still an
 * entry's name would alias a resource that is still planned, and two entries claiming
 * one old name would both take its history. `others` are names of the same kind that
 * cannot carry `renamedFrom` themselves (a group's status components) but still exist.
 */
export function checkRenames(entries: readonly RenameEntry[], what: string, others: readonly string[] = []): void {
  const names = new Set([...entries.map((e) => e.name), ...others]);
  const claimed = new Map<string, string>();
  for (const e of entries) {
    if (e.renamedFrom === undefined) continue;
    if (e.renamedFrom === e.name) e.at(`renamedFrom "${e.renamedFrom}" is the ${what}'s own name`);
    else if (names.has(e.renamedFrom)) e.at(`renamedFrom "${e.renamedFrom}" is the name of another ${what}: rename one at a time, after the previous rename is applied`);
    else if (claimed.has(e.renamedFrom)) e.at(`renamedFrom "${e.renamedFrom}" is already claimed by ${what} "${claimed.get(e.renamedFrom)}"`);
    claimed.set(e.renamedFrom, e.name);
  }
}
