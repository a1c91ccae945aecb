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

/** Where the catalog is on disk, as a path relative to the working directory (for messages). */
export function catalogPath(config: LookoutConfig): string {
  const absolute = path.resolve(PROJECT_ROOT, config.catalog);
  const relative = path.relative(process.cwd(), absolute);
  return relative === "" ? "." : relative.startsWith("..") ? absolute : relative;
}

/** The Sentry organization slug: required once a service declares a Sentry project. */
export function requireSentryOrganization(): string {
  return new pulumi.Config("lookout").require("sentryOrganization");
}
