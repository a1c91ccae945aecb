/**
 * The stack's configuration, read in one place. Secrets (API keys) come from stack
 * config secrets (`pulumi config set --secret`) or the providers' own environment
 * variables, never from the catalog.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT_ROOT } from "../../catalog/projectRoot";
import { secretFromEnv } from "./credentials";

/** The project root: the folder of Pulumi.yaml (infra/'s parent, also when compiled to dist/infra/). */
export { PROJECT_ROOT };

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
  /** Stack config pagerduty:serviceRegion: `eu` for an EU account; unset: the US service region (PF-PD-4). */
  readonly serviceRegion?: "eu";
}

/** pagerduty:serviceRegion, validated: the provider knows only `eu`, and unset for the US (PF-PD-4). */
export function pagerdutyServiceRegion(value: string | undefined): "eu" | undefined {
  if (value === undefined || value === "") return undefined;
  if (value === "eu") return value;
  throw new pulumi.RunError(`invalid stack config: pagerduty:serviceRegion "${value}" is not a PagerDuty service region: set eu for an EU account, or leave it unset for the US one`);
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
      serviceRegion: pagerdutyServiceRegion(pd.get("serviceRegion")),
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

/**
 * How Datadog's side of the PagerDuty integration comes to exist. Datadog's PagerDuty
 * service objects (the `@pagerduty-<name>` handles) only work once the integration is
 * set up, and on a first deploy it must exist before them (PF-DD-INT-1):
 * - `lookout`: the program declares it (`datadog.pagerduty.Integration`) with the account's
 *   sub-domain and the PagerDuty token, and every service object waits for it;
 * - `installed`: someone installed it in Datadog's PagerDuty integration tile; the program
 *   only adds service objects to it.
 */
export type DatadogPagerdutyIntegration = { readonly mode: "lookout"; readonly subdomain: string } | { readonly mode: "installed" };

/** A PagerDuty account sub-domain: `acme` of https://acme.pagerduty.com. */
const PAGERDUTY_SUBDOMAIN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/**
 * Stack config lookout:pagerdutyIntegration (and lookout:pagerdutySubdomain), read only when
 * the catalog pages; throws, before any resource exists, naming the missing prerequisite.
 * Left unset, a preview (an offline plan, CI without credentials) plans the service objects
 * alone, as with `installed`; `pulumi up` refuses to start.
 */
export function requirePagerdutyIntegration(): DatadogPagerdutyIntegration {
  const lookout = new pulumi.Config("lookout");
  const mode = lookout.get("pagerdutyIntegration");
  const subdomain = lookout.get("pagerdutySubdomain");
  const how =
    "set lookout:pagerdutyIntegration to `lookout` (Lookout declares Datadog's PagerDuty integration; also set lookout:pagerdutySubdomain) " +
    "or to `installed` (it is already installed in Datadog's PagerDuty integration tile)";
  if (mode === undefined) {
    if (pulumi.runtime.isDryRun()) return { mode: "installed" };
    throw new pulumi.RunError(
      `the catalog pages through PagerDuty, and Datadog's @pagerduty-… handles need Datadog's PagerDuty integration to exist first: ${how}`,
    );
  }
  if (mode === "installed") return { mode };
  if (mode !== "lookout") throw new pulumi.RunError(`invalid stack config: lookout:pagerdutyIntegration "${mode}" is neither \`lookout\` nor \`installed\`: ${how}`);
  if (subdomain === undefined) {
    throw new pulumi.RunError(
      "invalid stack config: lookout:pagerdutyIntegration is `lookout`, so Datadog's PagerDuty integration needs the account's sub-domain: set lookout:pagerdutySubdomain (acme for https://acme.pagerduty.com)",
    );
  }
  if (!PAGERDUTY_SUBDOMAIN.test(subdomain)) {
    throw new pulumi.RunError(`invalid stack config: lookout:pagerdutySubdomain "${subdomain}" is not a PagerDuty sub-domain (acme for https://acme.pagerduty.com: lower-case letters, digits, hyphens)`);
  }
  return { mode, subdomain };
}

/** The providers a stack's catalog uses (Datadog always). */
export interface CredentialNeeds {
  readonly sentry: boolean;
  readonly pagerduty: boolean;
  readonly grafana: boolean;
}

/**
 * Under `pulumi up`, every provider the catalog uses has its credential, as a stack secret
 * or the provider's environment variable; else the update stops before it creates anything,
 * naming each missing one (a first deploy would otherwise fail halfway, at the first call of
 * that provider). Previews skip it: offline plans and CI run without credentials. AWS's
 * credential chain (profiles, SSO, instance roles) cannot be read here; the AWS provider
 * checks it when it is configured, before any AWS resource.
 */
export function requireCredentials(needs: CredentialNeeds): void {
  if (pulumi.runtime.isDryRun()) return;
  const has = (namespace: string, key: string, ...variables: string[]) =>
    new pulumi.Config(namespace).getSecret(key) !== undefined || variables.some((v) => (process.env[v] ?? "") !== "");
  const missing = [
    ...(has("datadog", "apiKey", "DD_API_KEY", "DATADOG_API_KEY") ? [] : ["datadog:apiKey (or DD_API_KEY)"]),
    ...(has("datadog", "appKey", "DD_APP_KEY", "DATADOG_APP_KEY") ? [] : ["datadog:appKey (or DD_APP_KEY)"]),
    ...(needs.sentry && !has("sentry", "token", "SENTRY_TOKEN", "SENTRY_AUTH_TOKEN") ? ["sentry:token (or SENTRY_TOKEN)"] : []),
    ...(needs.pagerduty && !has("pagerduty", "token", "PAGERDUTY_TOKEN") ? ["pagerduty:token (or PAGERDUTY_TOKEN)"] : []),
    ...(needs.grafana && !has("grafana", "auth", "GRAFANA_AUTH") ? ["grafana:auth (or GRAFANA_AUTH)"] : []),
  ];
  if (missing.length > 0) {
    throw new pulumi.RunError(`pulumi up needs the credentials ${missing.join(", ")}: set them with pulumi config set --secret (or the environment variables) first`);
  }
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
  const settings: GrafanaConfig = {
    url: grafana.get("url"),
    auth: grafana.getSecret("auth"),
    datadogApiUrl: (dd.get("apiUrl") ?? "https://api.datadoghq.com").replace(/\/+$/, ""),
    datadogApiKey: dd.getSecret("apiKey") ?? secretFromEnv("DD_API_KEY"),
    datadogAppKey: dd.getSecret("appKey") ?? secretFromEnv("DD_APP_KEY"),
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
