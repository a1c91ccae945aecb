/**
 * Renames that keep history: a catalog entry's `renamedFrom` gives every resource its
 * old name would have yielded a Pulumi alias for that name, so `pulumi up` moves the
 * state to the new URN instead of deleting the resource and creating another
 * (PF-PU-ALIAS-1, a stack transformation: PF-PU-ALIAS-3). A name-only alias keeps the resource's current parent, whose URN
 * type chain is the old one's (PF-PU-ALIAS-2): the names are all that changed.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Catalog } from "../../catalog/model";
import { childName, COMPONENT, dashboardsKey, oncallKey, plannedNames, sentryKey } from "../../catalog/names";
import { pagerdutyServiceName } from "../../catalog/normalizeOncall";

/** The per-service components (infra/uptime/uptime.ts, alerts.ts, slos.ts, sentry.ts), named after the service. */
const SERVICE_COMPONENTS = [COMPONENT.uptime, COMPONENT.alerts, COMPONENT.slos, COMPONENT.sentry] as const;

/** An entry under its old name, when it has one. */
function old<T extends { readonly name: string; readonly renamedFrom?: string }>(entry: T): T {
  return entry.renamedFrom === undefined ? entry : { ...entry, name: entry.renamedFrom };
}

/**
 * The catalog as it was before its `renamedFrom` renames: services, endpoints, journeys,
 * alerts, SLOs and backups under their old names, in the same order (teams and status
 * components are mapped by name: `teamRenames`, `statusComponentRenames`).
 */
function beforeRenames(catalog: Catalog): Catalog {
  return {
    ...catalog,
    services: catalog.services.map((s) => ({ ...old(s), endpoints: s.endpoints.map(old), journeys: s.journeys.map(old), alerts: s.alerts.map(old), slos: s.slos.map(old) })),
    backups: catalog.backups.map(old),
  };
}

/** New resource name → its old name, for every resource a `renamedFrom` entry renames. */
export function renamedNames(catalog: Catalog): Map<string, string> {
  const renames = new Map<string, string>();
  const renamesAny = (e: { readonly renamedFrom?: string }) => e.renamedFrom !== undefined;
  for (const [now, was] of [...teamRenames(catalog), ...statusComponentRenames(catalog)]) renames.set(now, was);
  const any = catalog.backups.some(renamesAny) || catalog.services.some((s) => renamesAny(s) || [...s.endpoints, ...s.journeys, ...s.alerts, ...s.slos].some(renamesAny));
  if (!any) return renames;
  // The same entries in the same order: the i-th name of each is one resource.
  const now = plannedNames(catalog);
  const was = plannedNames(beforeRenames(catalog));
  now.forEach((n, i) => {
    if (was[i] && was[i].name !== n.name) renames.set(n.name, was[i].name);
  });
  for (const service of catalog.services) {
    if (service.renamedFrom === undefined) continue;
    for (const component of SERVICE_COMPONENTS) renames.set(childName(component, service.name), childName(component, service.renamedFrom));
  }
  return renames;
}

/**
 * New name → old name of every resource a renamed team has (infra/oncall/oncall.ts, sentry.ts,
 * dashboards.ts): its `Team` component and escalation policy, one schedule per rotation,
 * each PagerDuty service `<product>-<team>` with its integrations and Datadog service
 * object (the `@pagerduty-…` handle), its Sentry team, and its Grafana folder and dashboard.
 * A name the stack does not make (a team nothing pages has no PagerDuty resources) is harmless:
 * the transformation only sees what registers.
 */
function teamRenames(catalog: Catalog): [string, string][] {
  const pairs: [string, string][] = [];
  for (const team of catalog.teams) {
    const was = team.renamedFrom;
    if (was === undefined) continue;
    const oncall = (t: string) => childName(COMPONENT.oncall, t);
    pairs.push([oncall(team.name), oncall(was)]);
    for (const r of team.rotations) pairs.push([childName(oncall(team.name), r.name), childName(oncall(was), r.name)]);
    for (const pd of catalog.pagerdutyServices.filter((s) => s.team === team.name)) {
      const now = oncall(pd.name);
      const before = oncall(pagerdutyServiceName(pd.product, was));
      pairs.push([now, before]);
      for (const key of [oncallKey.integration("datadog"), oncallKey.integration("sentry"), oncallKey.handle]) pairs.push([childName(now, key), childName(before, key)]);
    }
    pairs.push([childName(COMPONENT.sentry, sentryKey.team(team.name)), childName(COMPONENT.sentry, sentryKey.team(was))]);
    pairs.push([childName(COMPONENT.dashboards, dashboardsKey.teamDashboard(team.name)), childName(COMPONENT.dashboards, dashboardsKey.teamDashboard(was))]);
    pairs.push([childName(COMPONENT.dashboards, dashboardsKey.folder(team.name)), childName(COMPONENT.dashboards, dashboardsKey.folder(was))]);
  }
  return pairs;
}

/** New name → old name of every renamed status-page component (infra/statusPages/statusPages.ts: `status-<product>-<component>`). */
function statusComponentRenames(catalog: Catalog): [string, string][] {
  return catalog.statusPages.flatMap((page) => {
    const name = childName(COMPONENT.status, page.product);
    return page.components.flatMap((c): [string, string][] => (c.renamedFrom === undefined ? [] : [[childName(name, c.name), childName(name, c.renamedFrom)]]));
  });
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
