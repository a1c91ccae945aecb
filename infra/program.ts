/**
 * The Lookout program: config → catalog → components → outputs. The same function runs
 * under `pulumi up` and under `lookout plan`'s runtime mocks.
 */
import * as pulumi from "@pulumi/pulumi";
import { CatalogError } from "./catalog/errors";
import { loadCatalog } from "./catalog/load";
import type { Catalog } from "./catalog/model";
import { catalogPath, readConfig } from "./config";
import { createProviders } from "./providers";
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
  const providers = createProviders(config);
  const uptime = new Uptime(
    "uptime",
    { environment: catalog.environment, services: catalog.services },
    { providers: { datadog: providers.datadog } },
  );
  return {
    environment: catalog.environment,
    services: catalog.services.map((s) => s.name),
    syntheticsTestIds: uptime.testIds,
  };
}
