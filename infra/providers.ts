/**
 * Explicit providers, passed down to components (never the ambient default ones). A
 * provider is created only when the catalog uses its service.
 */
import * as datadog from "@pulumi/datadog";
import * as pagerduty from "@pulumi/pagerduty";
import * as sentry from "@pulumiverse/sentry";
import type { LookoutConfig } from "./config";

export interface Providers {
  readonly datadog: datadog.Provider;
  readonly sentry?: sentry.Provider;
  readonly pagerduty?: pagerduty.Provider;
}

export interface ProviderNeeds {
  readonly sentry: boolean;
  readonly pagerduty: boolean;
}

export function createProviders(config: LookoutConfig, needs: ProviderNeeds): Providers {
  return {
    datadog: new datadog.Provider("datadog", {
      apiUrl: config.datadog.apiUrl,
      apiKey: config.datadog.apiKey,
      appKey: config.datadog.appKey,
    }),
    sentry: needs.sentry ? new sentry.Provider("sentry", { baseUrl: config.sentry.baseUrl, token: config.sentry.token }) : undefined,
    pagerduty: needs.pagerduty ? new pagerduty.Provider("pagerduty", { token: config.pagerduty.token, serviceRegion: config.pagerduty.serviceRegion }) : undefined,
  };
}
