/**
 * The catalog service a planned resource belongs to, read from the plan's parent chain:
 * a resource under a service's component (`uptime-<service>`, `alerts-<service>`,
 * `slos-<service>`, `sentry-<service>`, named by `childName` of catalog/names.ts)
 * is that service's. The component's name is exact where parsing a resource's own name
 * is not (services have dashes: `prompts-uploads`). Anything else (on-call, storage,
 * status pages, dashboards, providers) is stack-wide: no service.
 */
import { childName, COMPONENT } from "../../catalog/names";
import type { Plan, PlanResource } from "../engine/plan";

/** The per-service component types (infra/uptime/, alerts/, slos/, sentry/) and the top-level component their names are children of. */
const SERVICE_COMPONENTS: Readonly<Record<string, string>> = {
  "lookout:uptime:ServiceUptime": COMPONENT.uptime,
  "lookout:alerts:ServiceAlerts": COMPONENT.alerts,
  "lookout:slo:ServiceSlos": COMPONENT.slos,
  "lookout:sentry:ServiceSentry": COMPONENT.sentry,
};

/** `(resource) => service` for the resources of `plan`; undefined when stack-wide. */
export function servicesOf(plan: Plan): (resource: PlanResource) => string | undefined {
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  const memo = new Map<string, string | undefined>();
  const of = (r: PlanResource | undefined, depth = 0): string | undefined => {
    if (r === undefined || depth > 64) return undefined;
    if (memo.has(r.urn)) return memo.get(r.urn);
    const top = SERVICE_COMPONENTS[r.type];
    const prefix = top === undefined ? undefined : childName(top, "");
    const service = prefix !== undefined && r.name.startsWith(prefix) ? r.name.slice(prefix.length) : of(r.parent === undefined ? undefined : byUrn.get(r.parent), depth + 1);
    memo.set(r.urn, service);
    return service;
  };
  return (r) => of(r);
}
