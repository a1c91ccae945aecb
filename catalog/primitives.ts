/**
 * The catalog's primitive types (names, durations, percentages, severities, locations,
 * URLs), shared by every part of the schema. A module of their own so that the parts
 * (`schema.ts`, `schemaOncall.ts`, …) import them without importing each other.
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

export const DURATION_PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/;
/** An alert threshold: `1%`, `-50%`, `500ms`, `2s`, `50/h`, or a plain number. */
export const QUANTITY_PATTERN = /^(-?\d+(?:\.\d+)?)\s*(%|ms|s|m|h|d|\/h|\/d)?$/;
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
  .regex(DURATION_PATTERN, { error: "a duration such as 500ms, 30s, 5m, 2h, 1d or 1w" })
  .meta({ description: "A duration: a number and a unit (ms, s, m, h, d, w), e.g. 30s, 5m, 2h." });

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

export const Url = z
  .string()
  .regex(/^https?:\/\/[^\s/$.?#{](?:\{\{\s*[A-Z][A-Z0-9_]*\s*\}\}|[^\s])*$/, {
    error: "an absolute http(s) URL (journey steps may use {{ VARIABLE }})",
  });

