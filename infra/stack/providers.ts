/**
 * Explicit providers, passed down to components (never the ambient default ones). A
 * provider is created only when the catalog uses its service.
 */
import * as aws from "@pulumi/aws";
import * as datadog from "@pulumi/datadog";
import * as pagerduty from "@pulumi/pagerduty";
import type * as grafana from "@pulumiverse/grafana";
import * as sentry from "@pulumiverse/sentry";
import type { GrafanaConfig, LookoutConfig, StorageSettings } from "./config";
import { sdkCredentialsFromEnv } from "./credentials";

/** The Grafana SDK, loaded only by a stack that has dashboards (a stack without them never loads it). */
const grafanaSdk = (): typeof import("@pulumiverse/grafana") => require("@pulumiverse/grafana");

export interface Providers {
  readonly datadog: datadog.Provider;
  readonly sentry?: sentry.Provider;
  readonly pagerduty?: pagerduty.Provider;
  /** AWS in aws:region: backup and log buckets, keys, roles. */
  readonly aws?: aws.Provider;
  /** AWS in lookout:backupReplicaRegion: the replicas of replicated backups. */
  readonly awsReplica?: aws.Provider;
  /** Grafana (grafana:url, grafana:auth): folders, data sources, dashboards. */
  readonly grafana?: grafana.Provider;
}

export interface ProviderNeeds {
  readonly sentry: boolean;
  readonly pagerduty: boolean;
  /** Set when the catalog has backups or log retention. */
  readonly storage?: StorageSettings;
  /** Set when the catalog has `grafana`. */
  readonly grafana?: GrafanaConfig;
}

export function createProviders(config: LookoutConfig, needs: ProviderNeeds): Providers {
  // Credentials the SDKs would copy from the environment in clear go in as secrets (PF-ENV-1, PF-ENV-2).
  const sentryEnv = needs.sentry ? sdkCredentialsFromEnv("sentry") : {};
  const grafanaEnv = needs.grafana ? sdkCredentialsFromEnv("grafana") : {};
  return {
    datadog: new datadog.Provider("datadog", {
      apiUrl: config.datadog.apiUrl,
      apiKey: config.datadog.apiKey,
      appKey: config.datadog.appKey,
    }),
    sentry: needs.sentry ? new sentry.Provider("sentry", { baseUrl: config.sentry.baseUrl, token: config.sentry.token ?? sentryEnv.token }) : undefined,
    pagerduty: needs.pagerduty ? new pagerduty.Provider("pagerduty", { token: config.pagerduty.token, serviceRegion: config.pagerduty.serviceRegion }) : undefined,
    aws: needs.storage ? new aws.Provider("aws", { region: needs.storage.region }) : undefined,
    awsReplica: needs.storage?.replicaRegion ? new aws.Provider("aws-replica", { region: needs.storage.replicaRegion }) : undefined,
    grafana: needs.grafana ? new (grafanaSdk().Provider)("grafana", { ...grafanaEnv, url: needs.grafana.url, auth: needs.grafana.auth ?? grafanaEnv.auth }) : undefined,
  };
}
