/**
 * The Lookout program: config → catalog → components → outputs. The same function runs
 * under `pulumi up` and under `lookout plan`'s runtime mocks.
 */
import * as pulumi from "@pulumi/pulumi";
import * as sentrySdk from "@pulumiverse/sentry";
import { CatalogError } from "../catalog/errors";
import { loadCatalog } from "../catalog/load";
import type { Catalog } from "../catalog/model";
import { catalogPath, PROJECT_ROOT, readConfig, readGrafanaConfig, requireCredentials, requirePagerdutyIntegration, requireSentryOrganization, requireStorageSettings } from "./stack/config";
import { Alerts } from "./alerts/alerts";
import { Storage } from "./backups/backups";
import { describeBadName, invalidBucketNames } from "./backups/buckets";
import { Oncall } from "./oncall/oncall";
import { createProviders } from "./stack/providers";
import { SentryAlerting } from "./sentry/sentry";
import { sentryPagerdutyServices, type SentryRouteTargets } from "./sentry/sentryRules";
import { Slos } from "./slos/slos";
import { type StatusPageOutput, StatusPages } from "./statusPages/statusPages";
import type { Dashboards } from "./grafana/grafana";
import { registersStackWide, type RunContext, servicesOfThisRun } from "./stack/shard";
import { Uptime } from "./uptime/uptime";
import { COMPONENT } from "../catalog/names";
import { registerRenames, renamedNames } from "./stack/renames";

/**
 * The dashboards component and with it the Grafana SDKs, loaded only by a stack that has
 * dashboards. `require` under Node's CommonJS loaders (the build, tsx, ts-node under
 * `pulumi up`); where `require` cannot load TypeScript (vitest, which transforms
 * `import()` itself), `import()`.
 */
async function dashboardsComponent(): Promise<typeof Dashboards> {
  try {
    return (require("./grafana/grafana") as typeof import("./grafana/grafana")).Dashboards;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "MODULE_NOT_FOUND") throw error;
    return (await import("./grafana/grafana")).Dashboards;
  }
}

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
  /** S3 bucket names keyed `backup/<name>`, `replica/<name>`, `logs`, `access-logs`. */
  readonly buckets?: Record<string, string>;
  /** Backup role ARNs keyed `<backup>/writer`, `<backup>/restorer`. */
  readonly backupRoles?: pulumi.Output<Record<string, string>>;
  /** Per product: the status page's title, sub-domain, custom domain and URL (known after `up`). */
  readonly statusPages?: Record<string, StatusPageOutput>;
  /** Grafana dashboard UIDs keyed by dashboard key (`executive`, `team-<team>` …). */
  readonly dashboards?: Record<string, string>;
}

/** Validates the whole catalog before the first resource is registered. */
export function loadStackCatalog(): Catalog {
  const config = readConfig();
  try {
    return loadCatalog(catalogPath(config.catalog), { projectRoot: PROJECT_ROOT, allowOutsideProject: config.allowOutsideProject });
  } catch (error) {
    if (error instanceof CatalogError) throw new CatalogRunError(error);
    throw error;
  }
}

/** The program; `pulumi up` calls it without a run context, the offline engine with one (infra/stack/shard.ts). */
export async function lookout(run: RunContext = {}): Promise<StackOutputs> {
  const config = readConfig();
  const catalog = run.catalog ?? loadStackCatalog();
  const usesSentry = catalog.services.some((s) => s.sentry !== undefined);
  // Read before any resource exists: a missing setting fails the run, not half of it.
  const sentryOrganization = usesSentry ? requireSentryOrganization() : undefined;
  const pages = catalog.pagerdutyServices.length > 0;
  const datadogPagerduty = pages ? requirePagerdutyIntegration() : undefined;
  const storesData = catalog.backups.length > 0 || catalog.logs.length > 0;
  const storage = storesData ? requireStorageSettings(catalog.backups.some((b) => b.replicate)) : undefined;
  if (storage) checkBucketNames(catalog, storage.bucketPrefix, storage.replicaRegion);
  const grafanaConfig = catalog.grafana ? readGrafanaConfig(catalog.grafana.postgres !== undefined) : undefined;
  // Loaded before the first resource registers, so the wait moves no registration.
  const DashboardsComponent = grafanaConfig ? await dashboardsComponent() : undefined;
  requireCredentials({ sentry: usesSentry, pagerduty: pages, grafana: grafanaConfig !== undefined });
  const providers = createProviders(config, { sentry: usesSentry, pagerduty: pages, storage, grafana: grafanaConfig });
  const { environment, services } = catalog;
  registerRenames(renamedNames(catalog));
  // All of it, unless the offline engine plans this run as one shard of many (infra/stack/shard.ts).
  const own = servicesOfThisRun(run, services);
  const stackWide = registersStackWide(run);

  // Routes first: every Datadog message names their handles, which must exist before it.
  const oncall = new Oncall(
    COMPONENT.oncall,
    { catalog, ...(datadogPagerduty?.mode === "lookout" ? { datadogPagerduty: { subdomain: datadogPagerduty.subdomain, apiToken: config.pagerduty.token } } : {}) },
    { datadog: providers.datadog, pagerduty: providers.pagerduty },
  );
  const datadog = { providers: { datadog: providers.datadog } };
  const uptime = new Uptime(COMPONENT.uptime, { environment, services: own, notify: oncall }, datadog);
  const alerts = new Alerts(COMPONENT.alerts, { environment, services: own, notify: oncall }, datadog);
  const slos = new Slos(COMPONENT.slos, { environment, services: own, notify: oncall }, datadog);
  const sentry =
    providers.sentry && sentryOrganization
      ? new SentryAlerting(
          COMPONENT.sentry,
          { environment, organization: sentryOrganization, services: own, targets: sentryTargets(catalog, sentryOrganization, providers.sentry) },
          { providers: { sentry: providers.sentry } },
        )
      : undefined;
  const stored =
    stackWide && storage && providers.aws
      ? new Storage(
          COMPONENT.storage,
          {
            environment,
            bucketPrefix: storage.bucketPrefix,
            region: storage.region,
            replica: storage.replicaRegion && providers.awsReplica ? { region: storage.replicaRegion, provider: providers.awsReplica } : undefined,
            backups: catalog.backups,
            logs: catalog.logs,
            services,
            notify: oncall,
          },
          { providers: { aws: providers.aws, datadog: providers.datadog } },
        )
      : undefined;
  const statusPages = stackWide && catalog.statusPages.length > 0 ? new StatusPages(COMPONENT.status, { environment, pages: catalog.statusPages, services }, datadog) : undefined;
  const dashboards =
    stackWide && grafanaConfig && providers.grafana && DashboardsComponent
      ? new DashboardsComponent(COMPONENT.dashboards, { catalog, config: grafanaConfig }, { providers: { grafana: providers.grafana } })
      : undefined;
  return {
    environment,
    services: services.map((s) => s.name),
    syntheticsTestIds: uptime.testIds,
    monitorIds: alerts.monitorIds,
    sloIds: slos.sloIds,
    ...(sentry ? { sentryProjects: sentry.projectSlugs } : {}),
    ...(pages ? { pagerdutyServices: oncall.pagerdutyServiceIds } : {}),
    ...(stored ? { buckets: stored.buckets, backupRoles: stored.roles } : {}),
    ...(statusPages ? { statusPages: statusPages.pages } : {}),
    ...(dashboards ? { dashboards: dashboards.uids } : {}),
  };
}

/** A bucket name S3 would refuse is a catalog error at the entry it derives from, before any resource exists. */
function checkBucketNames(catalog: Catalog, bucketPrefix: string, replicaRegion: string | undefined): void {
  const issues = invalidBucketNames({ ...catalog, bucketPrefix, replicaRegion }).map(({ bucket, backup, logs }) => {
    const at = backup?.source ?? logs?.source ?? { file: catalog.files[0] ?? "", line: 1, column: 1 };
    const what = backup ? `backup "${backup.name}": ` : logs ? "log archive: " : "";
    return { ...at, path: "", message: `${what}S3 bucket name ${describeBadName(bucket)}` };
  });
  if (issues.length > 0) throw new CatalogRunError(new CatalogError(issues));
}

/**
 * Sentry's PagerDuty and Slack integrations (looked up by name: an unknown name fails the run,
 * PF-SEN-11), the Slack channels' IDs and each team's PagerDuty service there (PF-SEN-8).
 */
function sentryTargets(catalog: Catalog, organization: string, provider: sentrySdk.Provider): SentryRouteTargets {
  const lookup = (providerKey: string, name: string) =>
    sentrySdk.getSentryOrganizationIntegrationOutput({ organization, providerKey, name }, { provider }).id;
  const names = catalog.routing?.sentry;
  return {
    pagerdutyAccount: names?.pagerdutyAccount ? lookup("pagerduty", names.pagerdutyAccount) : undefined,
    slackWorkspace: names?.slackWorkspace ? lookup("slack", names.slackWorkspace) : undefined,
    slackChannels: names?.slackChannels,
    pagerdutyServices: sentryPagerdutyServices(catalog.teams),
  };
}
