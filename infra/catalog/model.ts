/**
 * The normalized catalog: what components read. Durations are numbers with their
 * unit in the field name, defaults are applied, every record knows where in which
 * file it was written. Produced only by `loadCatalog`, frozen.
 */

export type Severity = "P0" | "P1" | "P2" | "P3";
export const SEVERITIES: readonly Severity[] = ["P0", "P1", "P2", "P3"];

/** Where a record was written: for error messages and for reviewers' reports. */
export interface SourceRef {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export type BodyOperator = "==" | "!=" | "<" | "<=" | ">" | ">=" | "contains" | "matches" | "exists";

export interface BodyAssertion {
  readonly path: string;
  readonly operator: BodyOperator;
  /** The expected value, unquoted (absent for `exists`). */
  readonly value?: string;
}

export interface Expectation {
  readonly status: number;
  readonly responseTimeMs?: number;
  readonly body: readonly BodyAssertion[];
  readonly headers: Readonly<Record<string, string>>;
}

export interface HttpRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeoutSeconds: number;
}

export interface Retry {
  readonly count: number;
  readonly intervalMs: number;
}

export interface Endpoint {
  readonly name: string;
  readonly description?: string;
  readonly request: HttpRequest;
  readonly intervalSeconds: number;
  readonly locations: readonly string[];
  readonly expect: Expectation;
  readonly severity: Severity;
  /** How long the check must fail before it alerts (Datadog `min_failure_duration`). */
  readonly downAfterSeconds: number;
  readonly minLocationsFailed: number;
  readonly retry: Retry;
  readonly statusComponent?: string;
  /** Whether this endpoint's https host gets a certificate check (catalog `tls`, default true). */
  readonly checkTls: boolean;
  readonly source: SourceRef;
}

export interface JourneyStep {
  readonly name: string;
  readonly request: HttpRequest;
  readonly expect: Expectation;
  readonly extract: Readonly<Record<string, string>>;
}

export interface Journey {
  readonly name: string;
  readonly description?: string;
  readonly intervalSeconds: number;
  readonly locations: readonly string[];
  readonly maxDurationSeconds: number;
  /** Target share of successful runs, as a percentage (99 for 99 %). */
  readonly successRatePercent: number;
  readonly severity: Severity;
  readonly steps: readonly JourneyStep[];
  readonly source: SourceRef;
}

/** One certificate-expiry check per host, owned by one service. */
export interface TlsCheck {
  readonly host: string;
  readonly port: number;
  readonly warnDays: number;
  readonly intervalSeconds: number;
  readonly locations: readonly string[];
  /** `defaults.tls.severity`. */
  readonly severity: Severity;
  readonly source: SourceRef;
}

export interface Service {
  readonly name: string;
  readonly product: string;
  readonly team: string;
  readonly tier: number;
  readonly description: string;
  readonly runbook: string;
  readonly endpoints: readonly Endpoint[];
  readonly journeys: readonly Journey[];
  readonly tlsChecks: readonly TlsCheck[];
  readonly source: SourceRef;
}

export interface Product {
  readonly name: string;
  readonly description: string;
  readonly guide?: string;
  readonly source: SourceRef;
}

export interface Catalog {
  readonly environment: string;
  /** The files the catalog was read from, relative to the working directory. */
  readonly files: readonly string[];
  readonly products: readonly Product[];
  /** Sorted by name: the catalog's order never reaches a resource. */
  readonly services: readonly Service[];
}
