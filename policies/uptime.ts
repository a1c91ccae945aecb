/**
 * Uptime rules: what every Datadog synthetics test must carry, and how often and from
 * where production checks run. Thresholds are the policies' config (see each schema);
 * a stack overrides them with `--policy-pack-config` / `lookout plan --policy-config`.
 */
import type { PolicyConfigSchema, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { configOf, DATADOG_SYNTHETICS_TEST, distinctStrings, listInWords, missingTagKeys, objectProp, parseTags, requiredTagKeysSchema, RUNBOOK_LINE, environmentsProperty } from "./support";

// ---------------------------------------------------------------------------------------
// synthetics-tags-and-runbook
// ---------------------------------------------------------------------------------------

export interface TagsAndRunbookConfig {
  /** Tag keys every synthetics test carries as `key:value`. */
  readonly requiredTagKeys: string[];
}

/**
 * Defaults from the guides: alerts are routed and escalated by owning team and severity
 * (001 Production Monitoring Guide §6 Alert Management: P0–P3 and the on-call rotation;
 * 002 Production Monitoring & Alerting Guide §Alert Routing & Escalation), per service
 * and environment (the staging/production split of DESIGN.md: staging never pages).
 */
export const tagsAndRunbookSchema: PolicyConfigSchema = requiredTagKeysSchema("Datadog synthetics test");

/** What to write for a missing tag, by key. */
const TAG_HINTS: Readonly<Record<string, string>> = {
  env: "env:<environment, e.g. prod>",
  service: "service:<catalog service name>",
  team: "team:<owning team>",
  severity: "severity:<p0|p1|p2|p3>",
};

function validateTagsAndRunbook(args: ResourceValidationArgs, reportViolation: ReportViolation): void {
  if (args.type !== DATADOG_SYNTHETICS_TEST) return;
  const config = configOf<TagsAndRunbookConfig>(tagsAndRunbookSchema, args);
  const props = args.props;

  const missing = missingTagKeys(props.tags, config.requiredTagKeys);
  if (missing.length > 0) {
    const names = missing.map((key) => `${key}:`);
    const hints = missing.map((key) => `"${TAG_HINTS[key] ?? `${key}:<value>`}"`);
    reportViolation(
      `Synthetics test "${args.name}" is missing the tag${missing.length > 1 ? "s" : ""} ${listInWords(names)}. ` +
        `Add ${listInWords(hints)} to its tags: alerts are routed and escalated by team and severity, ` +
        `per service and environment (001 Production Monitoring Guide §6; 002 Production Monitoring & Alerting Guide §Alert Routing & Escalation).`,
    );
  }

  const message = typeof props.message === "string" ? props.message : "";
  if (!RUNBOOK_LINE.test(message)) {
    reportViolation(
      `Synthetics test "${args.name}" has no runbook link in its message. ` +
        `Add a line "Runbook: https://…" pointing at the procedure to follow, so whoever is paged knows the first steps ` +
        `(000 Monitoring Dashboard guide §Documentation: Runbooks, §Response Procedures).`,
    );
  }
}

export const syntheticsTagsAndRunbook: ResourceValidationPolicy = {
  name: "synthetics-tags-and-runbook",
  description:
    "Every Datadog synthetics test carries the tags env:, service:, team:, severity: (config requiredTagKeys) " +
    "and a 'Runbook: https://…' line in its message, so its alerts reach the owning team and say what to do " +
    "(001 §6 Alert Management; 002 §Alert Routing & Escalation; 000 §Documentation: Runbooks).",
  enforcementLevel: "mandatory",
  severity: "medium",
  configSchema: tagsAndRunbookSchema,
  validateResource: validateTagsAndRunbook,
};

// ---------------------------------------------------------------------------------------
// uptime-frequency-and-locations
// ---------------------------------------------------------------------------------------

export interface FrequencyAndLocationsConfig {
  /** `env:` tag values the rule applies to. */
  readonly environments: string[];
  /** Longest allowed interval between two runs (`optionsList.tickEvery`), in seconds. */
  readonly maxIntervalSeconds: number;
  /** The same bound for multistep journeys (subtype `multi`). */
  readonly maxJourneyIntervalSeconds: number;
  /** Fewest distinct locations a check runs from. */
  readonly minLocations: number;
}

/**
 * Defaults from the guides: production uptime checks run every 1, 2 or 5 minutes
 * (000 Monitoring Dashboard guide §Tools Integration 5. Uptime Monitoring; 001 Production
 * Monitoring Guide §3: "Interval: 5 minutes"); critical journeys run every 5 minutes from
 * us-east, us-west and eu-west (002 Production Monitoring & Alerting Guide §Synthetic
 * Monitoring). Staging is not held to them unless a stack config lists it.
 */
export const frequencyAndLocationsSchema: PolicyConfigSchema = {
  properties: {
    environments: environmentsProperty(["prod"], "Values of the env: tag whose synthetics tests must meet the bounds (default [\"prod\"])."),
    maxIntervalSeconds: {
      type: "integer",
      minimum: 30,
      default: 300,
      description: "Longest allowed optionsList.tickEvery, in seconds (default 300: the guides check every 1, 2 or 5 minutes).",
    },
    maxJourneyIntervalSeconds: {
      type: "integer",
      minimum: 30,
      default: 900,
      description:
        "Longest allowed optionsList.tickEvery of a multistep journey (subtype multi), in seconds (default 900: guide 002 runs " +
        "complete_ga_purchase every 5 min and vip_member_discount every 15 min).",
    },
    minLocations: {
      type: "integer",
      minimum: 1,
      default: 3,
      description: "Fewest distinct locations a check runs from (default 3: us-east, us-west and eu-west in guide 002).",
    },
  },
};

/** Datadog subtype of TLS certificate tests. */
const TLS_SUBTYPE = "ssl";
/** Datadog subtype of multistep API tests: Lookout's journeys. */
const JOURNEY_SUBTYPE = "multi";

/** Seconds between runs: `optionsList.tickEvery` (API, browser) or `mobileOptionsList.tickEvery`. */
function tickEveryOf(props: Record<string, unknown>): unknown {
  return objectProp(props.optionsList)?.tickEvery ?? objectProp(props.mobileOptionsList)?.tickEvery;
}

function minutes(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
}

function validateFrequencyAndLocations(args: ResourceValidationArgs, reportViolation: ReportViolation): void {
  if (args.type !== DATADOG_SYNTHETICS_TEST) return;
  const config = configOf<FrequencyAndLocationsConfig>(frequencyAndLocationsSchema, args);
  const props = args.props;

  // Without an env: tag the environment is unknown; synthetics-tags-and-runbook reports that.
  const env = parseTags(props.tags).get("env");
  if (env === undefined || !config.environments.includes(env)) return;
  const subject = `Uptime check "${args.name}" (env:${env})`;

  if (props.subtype !== TLS_SUBTYPE) {
    const journey = props.subtype === JOURNEY_SUBTYPE;
    const bound = journey ? config.maxJourneyIntervalSeconds : config.maxIntervalSeconds;
    const source = journey
      ? "guide 002 runs its critical journeys every 5 and 15 minutes (002 Production Monitoring & Alerting Guide §Synthetic Monitoring)"
      : "the guides check production every 1, 2 or 5 minutes (001 Production Monitoring Guide §3; 000 Monitoring Dashboard guide §Tools Integration 5)";
    const tickEvery = tickEveryOf(props);
    if (typeof tickEvery !== "number") {
      reportViolation(
        `${subject} sets no optionsList.tickEvery. Set it to ${bound} seconds or less, ` +
          `so a failure is seen within ${minutes(bound)}: ${source}.`,
      );
    } else if (tickEvery > bound) {
      reportViolation(
        `${subject} runs every ${minutes(tickEvery)} (optionsList.tickEvery ${tickEvery}). ` +
          `Lower optionsList.tickEvery to ${bound} or less: a failure must be seen within ${minutes(bound)}, ` +
          `and ${source}.`,
      );
    }
  }

  const locations = distinctStrings(props.locations);
  if (locations.length < config.minLocations) {
    const from = locations.length === 0 ? "no location" : `${locations.length} location${locations.length > 1 ? "s" : ""} (${locations.join(", ")})`;
    const more = config.minLocations - locations.length;
    reportViolation(
      `${subject} runs from ${from}. Add ${more} more location${more > 1 ? "s" : ""} to reach at least ${config.minLocations}, ` +
        `spread across regions (e.g. us-east, us-west, eu-west): one location cannot tell a regional network problem from an outage ` +
        `(002 Production Monitoring & Alerting Guide §Synthetic Monitoring).`,
    );
  }
}

export const uptimeFrequencyAndLocations: ResourceValidationPolicy = {
  name: "uptime-frequency-and-locations",
  description:
    "Uptime checks (Datadog synthetics tests) whose env: tag is in config environments run at least every maxIntervalSeconds " +
    "(optionsList.tickEvery; multistep journeys: maxJourneyIntervalSeconds) from at least minLocations locations. TLS tests (subtype ssl) are exempt from the interval " +
    "(certificates expire over days: a daily check suffices) but not from the locations (edges serve certificates per region). " +
    "Sources: 000 §Tools Integration 5 (1, 2 or 5 minute checks); 001 §3 (every 5 minutes); 002 §Synthetic Monitoring (us-east, us-west, eu-west).",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: frequencyAndLocationsSchema,
  validateResource: validateFrequencyAndLocations,
};

/** The uptime rule group, in the order the pack lists them. */
export const uptimePolicies: ResourceValidationPolicy[] = [syntheticsTagsAndRunbook, uptimeFrequencyAndLocations];
