/**
 * The credentials each provider can read from the environment, and the program's reading
 * of the ones a provider SDK would otherwise copy into the provider's inputs in clear.
 *
 * A provider SDK marks a credential secret only when the program passes it: its own
 * fallback to the environment (`args.auth ? pulumi.secret(args.auth) : undefined) ??
 * getEnv("GRAFANA_AUTH")`) stays plain, so `pulumi preview` would print it and the state
 * would keep it unencrypted (PF-ENV-1, PF-ENV-2, PF-ENV-6). The program reads those
 * variables itself and passes them as secrets.
 */
import * as pulumi from "@pulumi/pulumi";

/**
 * Who reads a variable into the provider's inputs: its SDK, the program itself
 * (`infra/stack/config.ts`, as a secret), or nobody: only the provider plugin, at run time.
 */
export type CredentialReader = "sdk" | "program" | "plugin";

export interface CredentialVariable {
  /** The provider package (`pulumi:providers:<provider>`). */
  readonly provider: "datadog" | "sentry" | "pagerduty" | "aws" | "grafana";
  readonly variable: string;
  /** The provider input it fills. */
  readonly input: string;
  readonly readBy: CredentialReader;
  /** The facts row that states it. */
  readonly fact: string;
}

/**
 * Every credential a provider Lookout uses can read from the environment. The program
 * reads the `sdk` ones itself (below) and passes them as secrets, as it does the
 * `program` ones; `plugin` ones never enter the program or the plan.
 */
export const CREDENTIAL_VARIABLES: readonly CredentialVariable[] = [
  { provider: "grafana", variable: "GRAFANA_AUTH", input: "auth", readBy: "sdk", fact: "PF-ENV-1" },
  { provider: "grafana", variable: "GRAFANA_CLOUD_ACCESS_POLICY_TOKEN", input: "cloudAccessPolicyToken", readBy: "sdk", fact: "PF-ENV-1" },
  { provider: "grafana", variable: "GRAFANA_ONCALL_ACCESS_TOKEN", input: "oncallAccessToken", readBy: "sdk", fact: "PF-ENV-1" },
  { provider: "grafana", variable: "GRAFANA_SM_ACCESS_TOKEN", input: "smAccessToken", readBy: "sdk", fact: "PF-ENV-1" },
  { provider: "grafana", variable: "GRAFANA_TLS_KEY", input: "tlsKey", readBy: "sdk", fact: "PF-ENV-1" },
  { provider: "grafana", variable: "GRAFANA_CLOUD_PROVIDER_ACCESS_TOKEN", input: "cloudProviderAccessToken", readBy: "plugin", fact: "PF-ENV-1" },
  { provider: "grafana", variable: "GRAFANA_CONNECTIONS_API_ACCESS_TOKEN", input: "connectionsApiAccessToken", readBy: "plugin", fact: "PF-ENV-1" },
  { provider: "grafana", variable: "GRAFANA_FLEET_MANAGEMENT_AUTH", input: "fleetManagementAuth", readBy: "plugin", fact: "PF-ENV-1" },
  { provider: "grafana", variable: "GRAFANA_FRONTEND_O11Y_API_ACCESS_TOKEN", input: "frontendO11yApiAccessToken", readBy: "plugin", fact: "PF-ENV-1" },
  { provider: "grafana", variable: "GRAFANA_K6_ACCESS_TOKEN", input: "k6AccessToken", readBy: "plugin", fact: "PF-ENV-1" },
  { provider: "grafana", variable: "GRAFANA_HTTP_HEADERS", input: "httpHeaders", readBy: "plugin", fact: "PF-ENV-1" },
  { provider: "sentry", variable: "SENTRY_TOKEN", input: "token", readBy: "sdk", fact: "PF-ENV-2" },
  { provider: "sentry", variable: "SENTRY_AUTH_TOKEN", input: "token", readBy: "plugin", fact: "PF-ENV-2" },
  { provider: "datadog", variable: "DD_API_KEY", input: "apiKey", readBy: "plugin", fact: "PF-ENV-3" },
  { provider: "datadog", variable: "DD_APP_KEY", input: "appKey", readBy: "plugin", fact: "PF-ENV-3" },
  { provider: "datadog", variable: "DATADOG_API_KEY", input: "apiKey", readBy: "plugin", fact: "PF-ENV-3" },
  { provider: "datadog", variable: "DATADOG_APP_KEY", input: "appKey", readBy: "plugin", fact: "PF-ENV-3" },
  { provider: "datadog", variable: "DD_BEARER_TOKEN", input: "bearerToken", readBy: "plugin", fact: "PF-ENV-3" },
  { provider: "datadog", variable: "DATADOG_BEARER_TOKEN", input: "bearerToken", readBy: "plugin", fact: "PF-ENV-3" },
  { provider: "pagerduty", variable: "PAGERDUTY_TOKEN", input: "token", readBy: "program", fact: "PF-ENV-4" },
  { provider: "pagerduty", variable: "PAGERDUTY_USER_TOKEN", input: "userToken", readBy: "plugin", fact: "PF-ENV-4" },
  { provider: "aws", variable: "AWS_ACCESS_KEY_ID", input: "accessKey", readBy: "plugin", fact: "PF-ENV-5" },
  { provider: "aws", variable: "AWS_SECRET_ACCESS_KEY", input: "secretKey", readBy: "plugin", fact: "PF-ENV-5" },
  { provider: "aws", variable: "AWS_SESSION_TOKEN", input: "token", readBy: "plugin", fact: "PF-ENV-5" },
];

/** A credential from the environment as a secret; undefined when the variable is unset or empty. */
export function secretFromEnv(variable: string): pulumi.Output<string> | undefined {
  const value = process.env[variable];
  return value ? pulumi.secret(value) : undefined;
}

/**
 * The credentials the `provider` SDK would copy from the environment into its inputs,
 * read here as secrets and keyed by input (PF-ENV-1, PF-ENV-2). Stack config still wins:
 * the caller spreads its own values after these.
 */
export function sdkCredentialsFromEnv(provider: CredentialVariable["provider"]): Record<string, pulumi.Output<string>> {
  const found: Record<string, pulumi.Output<string>> = {};
  for (const c of CREDENTIAL_VARIABLES) {
    if (c.provider !== provider || c.readBy !== "sdk") continue;
    const value = secretFromEnv(c.variable);
    if (value) found[c.input] = value;
  }
  return found;
}
