/**
 * Shared helpers of the policy rules: resource type tokens, Datadog tag parsing, reading
 * a policy's configuration over its schema defaults, and reading inputs that may be
 * unknown in a preview.
 *
 * The pack imports no provider SDK (type-checking @pulumi/aws alone costs seconds and
 * a gigabyte at every cold start): resource types are compared as their type tokens.
 */
import type { PolicyConfigSchema, ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";

/** `datadog.SyntheticsTest` (API, browser, mobile and network tests). */
export const DATADOG_SYNTHETICS_TEST = "datadog:index/syntheticsTest:SyntheticsTest";
/** `datadog.Monitor` (metric, query, RUM, SLO, composite … monitors). */
export const DATADOG_MONITOR = "datadog:index/monitor:Monitor";
/** `datadog.ServiceLevelObjective`. */
export const DATADOG_SLO = "datadog:index/serviceLevelObjective:ServiceLevelObjective";
/** `datadog.pagerduty.ServiceObject`: its `serviceName` is the `@pagerduty-<serviceName>` handle. */
export const DATADOG_PAGERDUTY_SERVICE_OBJECT = "datadog:pagerduty/serviceObject:ServiceObject";
/** `pagerduty.Schedule`. */
export const PAGERDUTY_SCHEDULE = "pagerduty:index/schedule:Schedule";
/** `pagerduty.EscalationPolicy`. */
export const PAGERDUTY_ESCALATION_POLICY = "pagerduty:index/escalationPolicy:EscalationPolicy";
/** `pagerduty.Service`. */
export const PAGERDUTY_SERVICE = "pagerduty:index/service:Service";
/** `pagerduty.ServiceIntegration`. */
export const PAGERDUTY_SERVICE_INTEGRATION = "pagerduty:index/serviceIntegration:ServiceIntegration";

/** The part of ResourceValidationArgs that config reading needs (eases testing). */
export interface ConfigSource {
  getConfig<T extends object>(): T;
}

/**
 * The policy's configuration: every `default` of its schema, overlaid with what the
 * engine configured. The engine already merges the defaults in (`pulumi preview` and
 * `lookout plan` alike); reading them here again keeps a rule correct when it runs
 * without configuration (unit tests, an engine that skips Configure).
 */
export function configOf<T extends object>(schema: PolicyConfigSchema, source: ConfigSource): T {
  const merged: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(schema.properties)) {
    if (property.default !== undefined) merged[key] = property.default;
  }
  Object.assign(merged, source.getConfig<Record<string, unknown>>());
  return merged as T;
}

/**
 * Datadog tags (`key:value` strings) as a map from key to value; the value is everything
 * after the first colon. A tag without a colon maps to "". The first occurrence of a
 * key wins. Anything that is not a string array gives an empty map.
 */
export function parseTags(tags: unknown): Map<string, string> {
  const result = new Map<string, string>();
  if (!Array.isArray(tags)) return result;
  for (const tag of tags) {
    if (typeof tag !== "string") continue;
    const colon = tag.indexOf(":");
    const key = (colon < 0 ? tag : tag.slice(0, colon)).trim();
    const value = colon < 0 ? "" : tag.slice(colon + 1).trim();
    if (key !== "" && !result.has(key)) result.set(key, value);
  }
  return result;
}

/** A string array property as a list of distinct non-empty strings (anything else: []). */
export function distinctStrings(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const seen = new Set<string>();
  for (const item of value) {
    if (typeof item === "string" && item.trim() !== "") seen.add(item.trim());
  }
  return [...seen];
}

/** The routing tags every alerting resource carries (001 §6; 002 §Alert Routing & Escalation). */
export const ROUTING_TAG_KEYS = ["env", "service", "team", "severity"];

/** The config schema of a rule that requires tag keys: `requiredTagKeys`, defaulting to the routing tags. */
export function requiredTagKeysSchema(what: string): PolicyConfigSchema {
  return {
    properties: {
      requiredTagKeys: {
        type: "array",
        items: { type: "string", minLength: 1 },
        minItems: 1,
        uniqueItems: true,
        default: ROUTING_TAG_KEYS,
        description: `Tag keys every ${what} must carry as key:value (default ${ROUTING_TAG_KEYS.join(", ")}).`,
      },
    },
  };
}

/** The required keys a resource's tags lack or leave empty, in the order required. */
export function missingTagKeys(tags: unknown, required: readonly string[]): string[] {
  const present = parseTags(tags);
  return required.filter((key) => (present.get(key) ?? "") === "");
}

/** A config property listing values of the `env:` tag a rule applies to. */
export function environmentsProperty(defaults: string[], description: string): PolicyConfigSchema["properties"][string] {
  return { type: "array", items: { type: "string", minLength: 1 }, uniqueItems: true, default: defaults, description };
}

/** A `Runbook: https://…` line anywhere in a notification message. */
export const RUNBOOK_LINE = /^[ \t]*Runbook:[ \t]*https:\/\/\S+/m;

/** "a", "a and b", "a, b and c". */
export function listInWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** An object-valued property, or undefined. */
export function objectProp(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** What `readKnown` returns for a value that is unknown in a preview. */
export const UNKNOWN: unique symbol = Symbol("unknown during preview");

/**
 * `read()`'s value, or UNKNOWN when it reads a value unknown in a preview (the ID of a
 * resource not created yet). @pulumi/policy throws on reading an unknown, and an
 * uncaught throw turns the whole policy into "can't run during preview"; this confines
 * it to the one value. Any other error propagates.
 */
export function readKnown<T>(read: () => T): T | typeof UNKNOWN {
  try {
    return read();
  } catch (error) {
    // @pulumi/policy's UnknownValueError (proxy.ts) is internal: recognized by its class name.
    if (error instanceof Error && (error.constructor.name === "UnknownValueError" || /can't be known during preview/.test(error.message))) return UNKNOWN;
    throw error;
  }
}

/** A value read from a policy resource's inputs: itself, or UNKNOWN when unknown in a preview. */
export type Known<T> = T | typeof UNKNOWN;

/** The value at `path`, undefined when absent, UNKNOWN when unknown in a preview. */
export function read(value: unknown, ...path: PropertyKey[]): Known<unknown> {
  return readKnown(() => {
    let current = value;
    for (const key of path) {
      if (current === null || typeof current !== "object") return undefined;
      current = (current as Record<PropertyKey, unknown>)[key];
    }
    return current;
  });
}

/** An array's items (each read safely); [] for anything else, UNKNOWN for an unknown array. */
export function items(value: unknown, ...path: PropertyKey[]): Known<unknown[]> {
  const list = read(value, ...path);
  if (list === UNKNOWN) return UNKNOWN;
  if (!Array.isArray(list)) return [];
  const length = read(list, "length");
  return typeof length === "number" ? Array.from({ length }, (_, i) => read(list, i)) : [];
}

/** The value is `expected`, or unknown in a preview (it will be what the program says). */
export function isOrUnknown(value: Known<unknown>, expected: unknown): boolean {
  return value === UNKNOWN || value === expected;
}

/** The value when it is a known string. */
export function stringOf(value: Known<unknown>): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** A mandatory stack rule (`validateStack`), high severity unless told. */
export function stackPolicy(
  name: string,
  description: string,
  configSchema: PolicyConfigSchema | undefined,
  validate: (args: StackValidationArgs, report: ReportViolation) => void,
  severity: "low" | "medium" | "high" | "critical" = "high",
): StackValidationPolicy {
  return { name, description, enforcementLevel: "mandatory", severity, ...(configSchema ? { configSchema } : {}), validateStack: validate };
}
