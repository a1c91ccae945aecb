/**
 * The Lookout program: config → catalog → components → outputs. The same function runs
 * under `pulumi up` and under `lookout plan`'s runtime mocks.
 */
import * as pulumi from "@pulumi/pulumi";
import { CatalogError } from "./catalog/errors";
import { loadCatalog } from "./catalog/load";
import type { Catalog } from "./catalog/model";
import { catalogPath, readConfig, requireSentryOrganization } from "./config";
import { Alerts } from "./alerts";
import { createProviders } from "./providers";
import { SentryAlerting } from "./sentry";
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
  const providers = createProviders(config, { sentry: usesSentry });
  const datadog = { providers: { datadog: providers.datadog } };
  const { environment, services } = catalog;

  const uptime = new Uptime("uptime", { environment, services }, datadog);
  const alerts = new Alerts("alerts", { environment, services }, datadog);
  const slos = new Slos("slos", { environment, services }, datadog);
  const sentry =
    providers.sentry && sentryOrganization
      ? new SentryAlerting("sentry", { environment, organization: sentryOrganization, services }, { providers: { sentry: providers.sentry } })
      : undefined;
  return {
    environment,
    services: services.map((s) => s.name),
    syntheticsTestIds: uptime.testIds,
    monitorIds: alerts.monitorIds,
    sloIds: slos.sloIds,
    ...(sentry ? { sentryProjects: sentry.projectSlugs } : {}),
  };
}
