/**
 * The stack's configuration, read in one place. Secrets (API keys) come from stack
 * config secrets (`pulumi config set --secret`) or the providers' own environment
 * variables, never from the catalog.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";

/** The project root: the folder of Pulumi.yaml, one up from infra/. */
export const PROJECT_ROOT = path.resolve(__dirname, "..");

export interface DatadogSettings {
  /** e.g. https://api.datadoghq.eu/ ; undefined: the provider's default (DD_HOST or US1). */
  readonly apiUrl?: string;
  readonly apiKey?: pulumi.Output<string>;
  readonly appKey?: pulumi.Output<string>;
}

export interface SentrySettings {
  /** e.g. https://sentry.example.com/api/ for self-hosted; undefined: sentry.io. */
  readonly baseUrl?: string;
  readonly token?: pulumi.Output<string>;
}

export interface PagerdutySettings {
  /** A PagerDuty REST API token (stack secret pagerduty:token, or PAGERDUTY_TOKEN). */
  readonly token: pulumi.Output<string>;
  /** `eu` for an EU account; undefined: the US service region. */
  readonly serviceRegion?: string;
}

export interface LookoutConfig {
  /** The catalog file or folder, as written in config (relative to the project root). */
  readonly catalog: string;
  /** Config lookout:allowOutsideProject: the catalog's symlinks may lead outside the project. */
  readonly allowOutsideProject: boolean;
  readonly datadog: DatadogSettings;
  readonly sentry: SentrySettings;
  readonly pagerduty: PagerdutySettings;
}

export function readConfig(): LookoutConfig {
  const lookout = new pulumi.Config("lookout");
  const dd = new pulumi.Config("datadog");
  const sentry = new pulumi.Config("sentry");
  const pd = new pulumi.Config("pagerduty");
  return {
    catalog: lookout.require("catalog"),
    // "true" or "false" only, else a ConfigTypeError (PF-PUL-FILES-1).
    allowOutsideProject: lookout.getBoolean("allowOutsideProject") ?? false,
    sentry: { baseUrl: sentry.get("baseUrl"), token: sentry.getSecret("token") },
    pagerduty: {
      // The provider requires a token when it is constructed; PAGERDUTY_TOKEN is its usual
      // variable. Empty (an offline plan) fails only when PagerDuty is actually called.
      token: pd.getSecret("token") ?? pulumi.secret(process.env.PAGERDUTY_TOKEN ?? ""),
      serviceRegion: pd.get("serviceRegion"),
    },
    datadog: {
      apiUrl: dd.get("apiUrl"),
      apiKey: dd.getSecret("apiKey"),
      appKey: dd.getSecret("appKey"),
    },
  };
}

/**
 * Where the catalog (`lookout:catalog`, relative to the project) is on disk, as a path
 * relative to the working directory (for messages). The offline engine names it the same.
 */
export function catalogPath(catalog: string, projectRoot: string = PROJECT_ROOT): string {
  const absolute = path.resolve(projectRoot, catalog);
  const relative = path.relative(process.cwd(), absolute);
  return relative === "" ? "." : relative.startsWith("..") ? absolute : relative;
}

/** The Sentry organization slug: required once a service declares a Sentry project. */
export function requireSentryOrganization(): string {
  return new pulumi.Config("lookout").require("sentryOrganization");
}

/** Where backups and logs are kept: read only when the catalog has backups or log retention. */
export interface StorageSettings {
  /** Stack config aws:region: the buckets, keys and the primary AWS provider. */
  readonly region: string;
  /** Stack config lookout:backupReplicaRegion: where replicated backups are copied (required once one is). */
  readonly replicaRegion?: string;
  /** Stack config lookout:bucketPrefix: S3 bucket names are global, so they start with it. */
  readonly bucketPrefix: string;
}

const AWS_REGION = /^[a-z]{2}(?:-gov)?-[a-z]+-\d$/;
const BUCKET_PREFIX = /^[a-z0-9](?:[a-z0-9-]{1,28}[a-z0-9])$/;

/** The storage settings, validated; throws naming the config key at fault. */
export function requireStorageSettings(needsReplica: boolean): StorageSettings {
  const lookout = new pulumi.Config("lookout");
  const region = new pulumi.Config("aws").require("region");
  const bucketPrefix = lookout.require("bucketPrefix");
  const replicaRegion = needsReplica ? lookout.require("backupReplicaRegion") : lookout.get("backupReplicaRegion");
  const problems: string[] = [];
  if (!AWS_REGION.test(region)) problems.push(`aws:region "${region}" is not an AWS region such as eu-west-1`);
  if (replicaRegion !== undefined && !AWS_REGION.test(replicaRegion)) problems.push(`lookout:backupReplicaRegion "${replicaRegion}" is not an AWS region such as eu-central-1`);
  if (replicaRegion !== undefined && replicaRegion === region) problems.push(`lookout:backupReplicaRegion must differ from aws:region (${region}): a replica in the same region survives no regional outage`);
  if (!BUCKET_PREFIX.test(bucketPrefix)) problems.push(`lookout:bucketPrefix "${bucketPrefix}" must be 3 to 30 lower-case letters, digits and hyphens (it starts every S3 bucket name)`);
  if (problems.length > 0) throw new pulumi.RunError(`invalid stack config: ${problems.join("; ")}`);
  return { region, bucketPrefix, ...(needsReplica && replicaRegion ? { replicaRegion } : {}) };
}

/**
 * Grafana: the provider's settings and the data sources' secrets, read only when the
 * catalog has `grafana`. A secret missing in a preview (an offline plan, CI without
 * credentials) leaves the data source without it; `pulumi up` requires it, before any
 * resource is created.
 */
export interface GrafanaConfig {
  /** Stack config grafana:url (else the provider reads GRAFANA_URL). */
  readonly url?: string;
  /** Stack secret grafana:auth: a service-account token or user:password (else GRAFANA_AUTH). */
  readonly auth?: pulumi.Output<string>;
  /** The Datadog API the Datadog data source queries: datadog:apiUrl without its trailing slash. */
  readonly datadogApiUrl: string;
  /** The Datadog data source's keys: stack secrets datadog:apiKey / datadog:appKey, else DD_API_KEY / DD_APP_KEY. */
  readonly datadogApiKey?: pulumi.Output<string>;
  readonly datadogAppKey?: pulumi.Output<string>;
  /** Stack secret lookout:grafanaPostgresPassword: the Postgres data source's password. */
  readonly postgresPassword?: pulumi.Output<string>;
}

export function readGrafanaConfig(needsPostgres: boolean): GrafanaConfig {
  const grafana = new pulumi.Config("grafana");
  const dd = new pulumi.Config("datadog");
  const lookout = new pulumi.Config("lookout");
  const fromEnv = (name: string) => (process.env[name] ? pulumi.secret(process.env[name] as string) : undefined);
  const settings: GrafanaConfig = {
    url: grafana.get("url"),
    auth: grafana.getSecret("auth"),
    datadogApiUrl: (dd.get("apiUrl") ?? "https://api.datadoghq.com").replace(/\/+$/, ""),
    datadogApiKey: dd.getSecret("apiKey") ?? fromEnv("DD_API_KEY"),
    datadogAppKey: dd.getSecret("appKey") ?? fromEnv("DD_APP_KEY"),
    postgresPassword: needsPostgres ? lookout.getSecret("grafanaPostgresPassword") : undefined,
  };
  if (!pulumi.runtime.isDryRun()) {
    const missing = [
      ...(settings.datadogApiKey ? [] : ["datadog:apiKey (or DD_API_KEY)"]),
      ...(settings.datadogAppKey ? [] : ["datadog:appKey (or DD_APP_KEY)"]),
      ...(needsPostgres && !settings.postgresPassword ? ["lookout:grafanaPostgresPassword"] : []),
    ];
    if (missing.length > 0) {
      throw new pulumi.RunError(`the Grafana data sources need the stack secrets ${missing.join(", ")}: set them with pulumi config set --secret`);
    }
  }
  return settings;
}
