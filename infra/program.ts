/**
 * The Lookout program: config → catalog → components → outputs. The same function runs
 * under `pulumi up` and under `lookout plan`'s runtime mocks.
 */
import * as pulumi from "@pulumi/pulumi";
import * as sentrySdk from "@pulumiverse/sentry";
import { CatalogError } from "./catalog/errors";
import { loadCatalog } from "./catalog/load";
import type { Catalog } from "./catalog/model";
import { catalogPath, readConfig, requireSentryOrganization } from "./config";
import { Alerts } from "./alerts";
import { Oncall } from "./oncall";
import { createProviders } from "./providers";
import { SentryAlerting } from "./sentry";
import type { SentryRouteTargets } from "./sentryRules";
import { Slos } from "./slos";
import { Uptime } from "./uptime";

/** A bad catalog, shown to the user without a stack trace by the Pulumi CLI. */
export class CatalogRunError extends pulumi.RunError {
  constructor(readonly catalogError: CatalogError) {
    super(catalogError.message);
  }
}

export interface StackOutputs {
  readonly environment: string;
  readonly services: string[];
  readonly syntheticsTestIds: pulumi.Output<Record<string, string>>;
  readonly monitorIds: pulumi.Output<Record<string, string>>;
  readonly sloIds: pulumi.Output<Record<string, string>>;
  readonly sentryProjects?: pulumi.Output<Record<string, string>>;
  readonly pagerdutyServices?: pulumi.Output<Record<string, string>>;
}

/** Validates the whole catalog before the first resource is registered. */
export function loadStackCatalog(): Catalog {
  const config = readConfig();
  try {
    return loadCatalog(catalogPath(config));
  } catch (error) {
    if (error instanceof CatalogError) throw new CatalogRunError(error);
    throw error;
  }
}

export async function lookout(): Promise<StackOutputs> {
  const config = readConfig();
  const catalog = loadStackCatalog();
  const usesSentry = catalog.services.some((s) => s.sentry !== undefined);
  // Read before any resource exists: a missing setting fails the run, not half of it.
  const sentryOrganization = usesSentry ? requireSentryOrganization() : undefined;
  const pages = catalog.pagerdutyServices.length > 0;
  const providers = createProviders(config, { sentry: usesSentry, pagerduty: pages });
  const { environment, services } = catalog;

  // Routes first: every Datadog message names their handles, which must exist before it.
  const oncall = new Oncall("oncall", { catalog }, { datadog: providers.datadog, pagerduty: providers.pagerduty });
  const datadog = { providers: { datadog: providers.datadog }, dependsOn: [oncall] };
  const uptime = new Uptime("uptime", { environment, services }, datadog);
  const alerts = new Alerts("alerts", { environment, services }, datadog);
  const slos = new Slos("slos", { environment, services }, datadog);
  const sentry =
    providers.sentry && sentryOrganization
      ? new SentryAlerting(
          "sentry",
          { environment, organization: sentryOrganization, services, targets: sentryTargets(catalog, sentryOrganization, providers.sentry) },
          { providers: { sentry: providers.sentry } },
        )
      : undefined;
  return {
    environment,
    services: services.map((s) => s.name),
    syntheticsTestIds: uptime.testIds,
    monitorIds: alerts.monitorIds,
    sloIds: slos.sloIds,
    ...(sentry ? { sentryProjects: sentry.projectSlugs } : {}),
    ...(pages ? { pagerdutyServices: oncall.pagerdutyServiceIds } : {}),
  };
}

/** Sentry's PagerDuty and Slack integrations (looked up by name) and each team's PagerDuty service there. */
function sentryTargets(catalog: Catalog, organization: string, provider: sentrySdk.Provider): SentryRouteTargets {
  const lookup = (providerKey: string, name: string) =>
    sentrySdk.getSentryOrganizationIntegrationOutput({ organization, providerKey, name }, { provider }).id;
  const names = catalog.routing?.sentry;
  return {
    pagerdutyAccount: names?.pagerdutyAccount ? lookup("pagerduty", names.pagerdutyAccount) : undefined,
    slackWorkspace: names?.slackWorkspace ? lookup("slack", names.slackWorkspace) : undefined,
    pagerdutyServices: Object.fromEntries(catalog.teams.flatMap((t) => (t.sentryPagerdutyService ? [[t.name, t.sentryPagerdutyService]] : []))),
  };
}
