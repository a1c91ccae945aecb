/**
 * Status-page rules: every P0 uptime check feeds a status-page component.
 */
import type { PolicyConfigSchema, StackValidationPolicy } from "@pulumi/policy";
import { configOf, DATADOG_SYNTHETICS_TEST, environmentsProperty, items, parseTags, read, stackPolicy, stringOf, UNKNOWN } from "./support";

export const DATADOG_STATUS_PAGE = "datadog:index/statusPage:StatusPage";
export const DATADOG_STATUS_PAGE_DEGRADATION_TEMPLATE = "datadog:index/statusPageDegradationTemplate:StatusPageDegradationTemplate";

// ---------------------------------------------------------------------------------------
// status-page-covers-p0-checks
// ---------------------------------------------------------------------------------------

export interface StatusCoverageConfig {
  readonly environments: string[];
}

export const statusCoverageSchema: PolicyConfigSchema = {
  properties: {
    environments: environmentsProperty(["prod"], "Values of the env: tag whose P0 uptime checks must feed a status page (default [\"prod\"]: the page users read)."),
  },
};

/** Synthetics subtypes that are uptime checks of an endpoint or a journey (not certificate expiry). */
const CHECK_SUBTYPES = new Set(["http", "multi"]);

export const statusPageCoversP0Checks = stackPolicy(
  "status-page-covers-p0-checks",
  "Once the stack has a Datadog status page, every P0 uptime check (HTTP and multistep synthetics tests tagged severity:p0 in config environments) " +
    "feeds a status-page component: a degradation template named after the check marks the components it informs (001 §3 Status Page; 000 §Site Down Procedure 5).",
  statusCoverageSchema,
  (args, report) => {
    if (!args.resources.some((r) => r.type === DATADOG_STATUS_PAGE)) return; // no page in this stack
    const config = configOf<StatusCoverageConfig>(statusCoverageSchema, args);
    const fed = new Set<string>();
    for (const template of args.resources.filter((r) => r.type === DATADOG_STATUS_PAGE_DEGRADATION_TEMPLATE)) {
      const name = stringOf(read(template.props, "name"));
      const affected = items(template.props, "componentsAffecteds");
      if (name && (affected === UNKNOWN || affected.length > 0)) fed.add(name);
    }
    for (const test of args.resources.filter((r) => r.type === DATADOG_SYNTHETICS_TEST)) {
      const subtype = read(test.props, "subtype");
      const tags = read(test.props, "tags");
      const name = stringOf(read(test.props, "name"));
      if (tags === UNKNOWN || !name || !CHECK_SUBTYPES.has(String(subtype))) continue;
      const parsed = parseTags(tags);
      if (parsed.get("severity")?.toLowerCase() !== "p0" || !config.environments.includes(parsed.get("env") ?? "")) continue;
      if (fed.has(name)) continue;
      report(
        `P0 uptime check "${name}" feeds no status-page component. List it under a component of its product's status page ` +
          `(catalog statusPages[].components[].${subtype === "multi" ? "journeys" : "endpoints"}), so that when it fails users read it there ` +
          `(001 Production Monitoring Guide §3 Status Page; 000 §Site Down Procedure 5 "Communicate status to users").`,
        test.urn,
      );
    }
  },
);


/** The status-page rule group, in the order the pack lists them. */
export const statusPagePolicies: StackValidationPolicy[] = [statusPageCoversP0Checks];
