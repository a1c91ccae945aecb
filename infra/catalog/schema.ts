/**
 * The catalog's one schema source. From it come the TypeScript types of the raw
 * document (`RawCatalog`), the validation (`CatalogFileSchema.safeParse`) and the JSON
 * Schema the YAML files reference for editor completion (`npm run schema`).
 *
 * This is the *raw* form a person writes: durations stay strings (`30s`), percentages
 * stay strings (`99.9%`). `normalize.ts` turns a validated document into the model
 * (`model.ts`) that components read.
 */
import { z } from "zod";

/** Datadog's managed synthetics locations. Private locations are written `pl:<id>`. */
export const MANAGED_LOCATIONS = [
  "aws:af-south-1", "aws:ap-east-1", "aws:ap-northeast-1", "aws:ap-northeast-2",
  "aws:ap-northeast-3", "aws:ap-south-1", "aws:ap-southeast-1", "aws:ap-southeast-2",
  "aws:ap-southeast-3", "aws:ca-central-1", "aws:eu-central-1", "aws:eu-north-1",
  "aws:eu-south-1", "aws:eu-west-1", "aws:eu-west-2", "aws:eu-west-3", "aws:me-south-1",
  "aws:sa-east-1", "aws:us-east-1", "aws:us-east-2", "aws:us-west-1", "aws:us-west-2",
  "azure:eastus", "gcp:asia-northeast1", "gcp:europe-west3", "gcp:us-east4",
  "gcp:us-south1", "gcp:us-west1", "gcp:us-west2",
] as const;

export const DURATION_PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
export const PERCENT_PATTERN = /^(\d+(?:\.\d+)?)%$/;
/** `$.status == "healthy"`, `$.items.length > 0`, `$.version exists`. */
export const BODY_ASSERTION_PATTERN =
  /^(\$[^\s]*)\s*(?:(==|!=|<=|>=|<|>|contains|matches)\s*(.+)|(exists))$/;

export const Name = z
  .string()
  .regex(/^[a-z](?:[a-z0-9-]*[a-z0-9])?$/, {
    error: "a lower-case kebab-case name such as payments-api",
  })
  .max(60, { error: "a name of at most 60 characters" })
  .meta({ description: "A stable key: resource names derive from it, so renaming replaces resources." });

export const Duration = z
  .string()
  .regex(DURATION_PATTERN, { error: "a duration such as 500ms, 30s, 5m, 2h or 1d" })
  .meta({ description: "A duration: a number and a unit (ms, s, m, h, d), e.g. 30s, 5m, 2h." });

export const Percent = z
  .string()
  .regex(PERCENT_PATTERN, { error: "a percentage such as 99% or 99.9%" })
  .meta({ description: "A percentage, e.g. 99.9%." });

export const Severity = z
  .enum(["P0", "P1", "P2", "P3"])
  .meta({
    description:
      "P0 critical: revenue or data at risk, respond in 5 min · P1 high: 15 min · P2 medium: 1 h · P3 low: next business day.",
  });

const LOCATION_EXPECTED = "a Datadog location such as aws:us-east-1 or a private location pl:<id>";

export const Location = z
  .union([
    z.enum(MANAGED_LOCATIONS),
    z.string().regex(/^pl:[a-z0-9_-]+$/, { error: LOCATION_EXPECTED }),
  ], { error: LOCATION_EXPECTED })
  .meta({ description: "A Datadog synthetics location: a managed one (aws:us-east-1 …) or a private one (pl:<id>)." });

export const HttpMethod = z.enum(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]);

const Url = z
  .string()
  .regex(/^https?:\/\/[^\s/$.?#{](?:\{\{\s*[A-Z][A-Z0-9_]*\s*\}\}|[^\s])*$/, {
    error: "an absolute http(s) URL (journey steps may use {{ VARIABLE }})",
  });

const BodyAssertion = z
  .string()
  .regex(BODY_ASSERTION_PATTERN, {
    error: 'a JSON-body assertion such as $.status == "healthy", $.count > 0 or $.version exists',
  });

const Expectation = z.strictObject({
  status: z.number().int().min(100).max(599).default(200)
    .meta({ description: "Expected HTTP status code." }),
  responseTime: Duration.optional()
    .meta({ description: "Response-time bound: slower counts as a failure." }),
  body: z.array(BodyAssertion).optional()
    .meta({ description: 'JSON-body assertions, e.g. $.status == "healthy".' }),
  headers: z.record(z.string(), z.string()).optional()
    .meta({ description: "Response headers that must equal these values." }),
});

const Retry = z.strictObject({
  count: z.number().int().min(0).max(3),
  interval: Duration,
});

const Request = {
  method: HttpMethod.default("GET"),
  url: Url,
  headers: z.record(z.string(), z.string()).optional(),
  body: z.string().optional().meta({ description: "Request body (for POST/PUT/PATCH)." }),
  timeout: Duration.optional().meta({ description: "Request timeout (Datadog allows up to 60 s)." }),
};

export const Endpoint = z.strictObject({
  name: Name,
  description: z.string().optional(),
  ...Request,
  interval: Duration.optional().meta({ description: "How often the check runs (30s to 7d)." }),
  locations: z.array(Location).min(1).optional(),
  expect: Expectation.default({ status: 200 }),
  severity: Severity,
  downAfter: Duration.optional()
    .meta({ description: "How long the endpoint must fail before it counts as down (e.g. 2m)." }),
  minLocationsFailed: z.number().int().min(1).optional(),
  retry: Retry.optional(),
  statusComponent: Name.optional()
    .meta({ description: "The status-page component this endpoint informs." }),
  tls: z.boolean().optional()
    .meta({ description: "Check this host's certificate expiry (default: true for https)." }),
});

const JourneyStep = z.strictObject({
  name: Name,
  ...Request,
  expect: Expectation.default({ status: 200 }),
  extract: z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/, { error: "an UPPER_SNAKE variable name" }), z.string().regex(/^\$/, { error: "a JSONPath starting with $" }))
    .optional()
    .meta({ description: "Variables to extract from the JSON body for later steps ({{ NAME }})." }),
});

export const Journey = z.strictObject({
  name: Name,
  description: z.string().optional(),
  interval: Duration.optional(),
  locations: z.array(Location).min(1).optional(),
  maxDuration: Duration.meta({ description: "The whole journey must finish within this time." }),
  successRate: Percent.meta({ description: "Target share of successful runs (e.g. 99%)." }),
  severity: Severity,
  steps: z.array(JourneyStep).min(1),
});

export const Service = z.strictObject({
  name: Name,
  product: Name.meta({ description: "The product this service belongs to (see products)." }),
  team: Name.meta({ description: "The owning team." }),
  tier: z.number().int().min(0).max(3)
    .meta({ description: "0: revenue or data critical · 1: user-facing core · 2: supporting · 3: internal." }),
  description: z.string().min(1),
  runbook: Url.meta({ description: "The runbook every alert of this service links to." }),
  endpoints: z.array(Endpoint).default([]),
  journeys: z.array(Journey).default([]),
});

export const Product = z.strictObject({
  name: Name,
  description: z.string().min(1),
  guide: z.string().optional().meta({ description: "The monitoring guide this product's thresholds come from." }),
});

const UptimeDefaults = z.strictObject({
  interval: Duration.default("5m"),
  locations: z.array(Location).min(1).default(["aws:us-east-1", "aws:us-west-2", "aws:eu-west-1"]),
  timeout: Duration.default("30s"),
  downAfter: Duration.default("2m"),
  minLocationsFailed: z.number().int().min(1).default(1),
  retry: Retry.default({ count: 1, interval: "1s" }),
});

const TlsDefaults = z.strictObject({
  warnDays: z.number().int().min(1).max(365).default(30)
    .meta({ description: "Alert this many days before a certificate expires." }),
  interval: Duration.default("1d"),
  severity: Severity.default("P2")
    .meta({ description: "Severity of a certificate about to expire: weeks of warning call for a P2, not a page." }),
});

export const Defaults = z.strictObject({
  uptime: UptimeDefaults.default(UptimeDefaults.parse({})),
  tls: TlsDefaults.default(TlsDefaults.parse({})),
});

/**
 * One catalog file. A catalog is one file, or a folder of files merged: lists are
 * concatenated (names stay unique across files) and `environment` / `defaults` may be
 * set in one file only.
 */
export const CatalogFileSchema = z
  .strictObject({
    environment: Name.optional()
      .meta({ description: "The environment, e.g. prod or staging: the env tag on everything." }),
    defaults: Defaults.optional(),
    products: z.array(Product).default([]),
    services: z.array(Service).default([]),
  })
  .meta({ title: "Lookout catalog", description: "Monitoring as code: one catalog per Pulumi stack." });

export type RawCatalogFile = z.output<typeof CatalogFileSchema>;
export type RawService = z.output<typeof Service>;
export type RawEndpoint = z.output<typeof Endpoint>;
export type RawJourney = z.output<typeof Journey>;
export type RawDefaults = z.output<typeof Defaults>;

/** The JSON Schema written to `schema/catalog.schema.json` for editors. */
export function catalogJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(CatalogFileSchema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
}
