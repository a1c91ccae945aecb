/** Explicit providers, passed down to components (never the ambient default ones). */
import * as datadog from "@pulumi/datadog";
import type { LookoutConfig } from "./config";

export interface Providers {
  readonly datadog: datadog.Provider;
}

export function createProviders(config: LookoutConfig): Providers {
  return {
    datadog: new datadog.Provider("datadog", {
      apiUrl: config.datadog.apiUrl,
      apiKey: config.datadog.apiKey,
      appKey: config.datadog.appKey,
    }),
  };
}
