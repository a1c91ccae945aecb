/**
 * staging-never-pages, of the on-call rule group (oncall.ts): no alert of a non-paging
 * environment names a PagerDuty handle, and a stack whose alerts all are in such
 * environments declares no PagerDuty resource.
 */
import type { PolicyConfigSchema, ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { alertingResources, pagerdutyHandles } from "./alerting";
import {
  configOf,
  DATADOG_PAGERDUTY_SERVICE_OBJECT,
  environmentsProperty,
  listInWords,
  PAGERDUTY_ESCALATION_POLICY,
  PAGERDUTY_SCHEDULE,
  PAGERDUTY_SERVICE,
  PAGERDUTY_SERVICE_INTEGRATION,
} from "./support";

const STAGING_SOURCE = 'DESIGN.md §Severity ladder: "Staging never pages a person"';

export interface StagingConfig {
  /** `env:` tag values that never page. */
  readonly nonPagingEnvironments: string[];
}

export const stagingSchema: PolicyConfigSchema = {
  properties: {
    nonPagingEnvironments: environmentsProperty(["staging"], "Values of the env: tag that never page a person (default [\"staging\"]: DESIGN.md \"Staging never pages a person\")."),
  },
};

/** Resources that page: PagerDuty's own, and Datadog's side of the PagerDuty integration. */
function isPagingResource(type: string): boolean {
  return type.startsWith("pagerduty:") || type.startsWith("datadog:pagerduty/");
}

const PAGING_KINDS: Readonly<Record<string, string>> = {
  [PAGERDUTY_SCHEDULE]: "PagerDuty schedule",
  [PAGERDUTY_ESCALATION_POLICY]: "Escalation policy",
  [PAGERDUTY_SERVICE]: "PagerDuty service",
  [PAGERDUTY_SERVICE_INTEGRATION]: "PagerDuty service integration",
  [DATADOG_PAGERDUTY_SERVICE_OBJECT]: "Datadog PagerDuty service object",
};

function validateStaging(args: StackValidationArgs, reportViolation: ReportViolation): void {
  const config = configOf<StagingConfig>(stagingSchema, args);
  const quiet = new Set(config.nonPagingEnvironments);
  const alerts = alertingResources(args.resources);

  for (const alert of alerts) {
    const env = alert.tags?.get("env");
    if (env === undefined || !quiet.has(env) || alert.message === undefined) continue;
    const handles = pagerdutyHandles(alert.message);
    if (handles.length === 0) continue;
    reportViolation(
      `${alert.what} (env:${env}) notifies ${listInWords(handles.map((h) => `@pagerduty-${h}`))}. Remove the handle: ${env} never pages a person; ` +
        `route its alerts to chat or e-mail only (leave routing.severities.*.page unset in the ${env} catalog) (${STAGING_SOURCE}).`,
      alert.resource.urn,
    );
  }

  // A stack whose alerts all belong to non-paging environments has nothing to page with.
  const environments = new Set(alerts.flatMap((a) => (a.tags?.get("env") !== undefined ? [a.tags.get("env") as string] : [])));
  if (environments.size === 0 || [...environments].some((env) => !quiet.has(env))) return;
  const envs = listInWords([...environments].sort().map((env) => `env:${env}`));
  for (const r of args.resources) {
    if (!isPagingResource(r.type)) continue;
    reportViolation(
      `${PAGING_KINDS[r.type] ?? `Resource (${r.type})`} "${r.name}" is declared in a stack whose alerts are all ${envs}. ` +
        `Remove it (leave routing.severities.*.page unset in this stack's catalog, so no team's PagerDuty service is made): ` +
        `this environment never pages a person (${STAGING_SOURCE}).`,
      r.urn,
    );
  }
}

export const stagingNeverPages: StackValidationPolicy = {
  name: "staging-never-pages",
  description:
    "No Datadog monitor or synthetics test tagged with a non-paging environment (config nonPagingEnvironments: staging) names a " +
    "@pagerduty- handle, and a stack whose alerts are all in such environments declares no PagerDuty resource (DESIGN.md severity ladder: staging never pages a person).",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: stagingSchema,
  validateStack: validateStaging,
};
