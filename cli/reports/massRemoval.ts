/**
 * Mass removals: a change that removes more than a share of the stack's monitors, or
 * leaves a whole concern (all uptime checks, all alerts …) with nothing. A catalog cut
 * short at a line boundary can still be valid YAML and plan a much smaller program with
 * exit 0; the plan cannot tell, the comparison with the base can. Pure: plans in.
 */
import type { Plan, PlanResource } from "../engine/plan";
import type { ConcernCount, MassRemoval } from "./model";

/** The default share, in percent of the base's monitors, a change may remove before it is a mass removal. */
export const MASS_REMOVAL_PERCENT = 10;

/**
 * The concerns, by the component that holds their resources (the nearest such ancestor
 * counts). The type tokens are part of every URN, so they do not change.
 */
const CONCERNS: ReadonlyMap<string, string> = new Map([
  ["lookout:uptime:Uptime", "uptime checks"],
  ["lookout:alerts:Alerts", "alerts"],
  ["lookout:slo:Slos", "SLOs"],
  ["lookout:sentry:SentryAlerting", "Sentry"],
  ["lookout:oncall:Oncall", "on-call"],
  ["lookout:backups:BackupSet", "backups"],
  ["lookout:logs:LogArchive", "log archive"],
  ["lookout:status:StatusPages", "status pages"],
  ["lookout:dashboards:Dashboards", "dashboards"],
]);

/** What watches the services: Datadog monitors, synthetic tests and SLOs, Sentry alert rules. */
export const MONITOR_TYPES: ReadonlySet<string> = new Set([
  "datadog:index/monitor:Monitor",
  "datadog:index/syntheticsTest:SyntheticsTest",
  "datadog:index/serviceLevelObjective:ServiceLevelObjective",
  "sentry:index/sentryIssueAlert:SentryIssueAlert",
  "sentry:index/sentryMetricAlert:SentryMetricAlert",
]);

/** Component resources and providers are structure, not things a vendor is given. */
function isStructure(type: string): boolean {
  return type.startsWith("lookout:") || type.startsWith("pulumi:");
}

/** Each resource's concern (its nearest ancestor in CONCERNS), for the resources that have one. */
function concernsOf(plan: Plan): Map<string, string> {
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  const of = new Map<string, string>();
  for (const resource of plan.resources) {
    if (isStructure(resource.type)) continue;
    let at: PlanResource | undefined = resource;
    const seen = new Set<string>();
    while (at && !seen.has(at.urn)) {
      seen.add(at.urn);
      const concern = CONCERNS.get(at.type);
      if (concern) {
        of.set(resource.urn, concern);
        break;
      }
      at = at.parent ? byUrn.get(at.parent) : undefined;
    }
  }
  return of;
}

function count(of: ReadonlyMap<string, string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const concern of of.values()) counts.set(concern, (counts.get(concern) ?? 0) + 1);
  return counts;
}

/**
 * How much of the base `removed` (resources no longer planned, by URN; replacements
 * excluded) takes away: the monitors' share against `percent`, and every concern that
 * loses resources, counted before → after. A mass removal: more than `percent` of the
 * base's monitors removed, or a concern the base had that the head has nothing of.
 */
export function massRemovalOf(base: Plan, head: Plan, removed: readonly { readonly urn: string; readonly type: string }[], percent = MASS_REMOVAL_PERCENT): MassRemoval {
  const baseOf = concernsOf(base);
  const before = count(baseOf);
  const after = count(concernsOf(head));
  const lost = new Map<string, number>();
  for (const r of removed) {
    const concern = baseOf.get(r.urn);
    if (concern) lost.set(concern, (lost.get(concern) ?? 0) + 1);
  }
  const concerns: ConcernCount[] = [...CONCERNS.values()]
    .filter((c) => (lost.get(c) ?? 0) > 0)
    .map((concern) => ({ concern, before: before.get(concern) ?? 0, after: after.get(concern) ?? 0, removed: lost.get(concern) ?? 0, emptied: (before.get(concern) ?? 0) > 0 && !after.has(concern) }));
  const monitorsBefore = base.resources.filter((r) => MONITOR_TYPES.has(r.type)).length;
  const monitorsRemoved = removed.filter((r) => MONITOR_TYPES.has(r.type)).length;
  const share = monitorsBefore === 0 ? 0 : (100 * monitorsRemoved) / monitorsBefore;
  const emptied = concerns.filter((c) => c.emptied).map((c) => c.concern);
  return {
    percent,
    monitors: { before: monitorsBefore, after: head.resources.filter((r) => MONITOR_TYPES.has(r.type)).length, removed: monitorsRemoved, share: Math.round(share * 10) / 10 },
    emptied,
    concerns,
    triggered: share > percent || emptied.length > 0,
  };
}
