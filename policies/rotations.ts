/**
 * Rotation rules: nobody is on call alone (a schedule's layers hold at least two people)
 * and an unanswered incident escalates (an escalation policy has at least two levels).
 * Only known properties are read: in a preview a user's ID may be unknown.
 */
import type { PolicyConfigSchema, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { configOf, objectProp, PAGERDUTY_ESCALATION_POLICY, PAGERDUTY_SCHEDULE, readKnown, UNKNOWN } from "./support";

// ---------------------------------------------------------------------------------------
// schedules-have-two-people
// ---------------------------------------------------------------------------------------

export interface SchedulesConfig {
  /** Fewest distinct users across a schedule's layers. */
  readonly minPeople: number;
}

/** Default from 001 Production Monitoring Guide §6 On-Call Rotation: weekly primary and secondary rotations. */
export const schedulesSchema: PolicyConfigSchema = {
  properties: {
    minPeople: {
      type: "integer",
      minimum: 1,
      default: 2,
      description:
        "Fewest distinct users across a PagerDuty schedule's layers (default 2: one person cannot cover week after week alone; " +
        "001 §6 On-Call Rotation: \"Primary: Week rotation\", \"Secondary: Week rotation\").",
    },
  },
};

/**
 * The distinct users of a schedule's layers, and how many entries are unknown (IDs of
 * users created in the same preview). Undefined when the layers themselves are unknown.
 */
function scheduleUsers(props: Record<string, unknown>): { known: Set<string>; unknown: number } | undefined {
  const layers = readKnown(() => props.layers);
  if (layers === UNKNOWN) return undefined;
  const known = new Set<string>();
  let unknown = 0;
  if (!Array.isArray(layers)) return { known, unknown };
  for (let i = 0; i < layers.length; i++) {
    const users = readKnown(() => objectProp(layers[i])?.users);
    if (users === UNKNOWN) return undefined;
    if (!Array.isArray(users)) continue;
    for (let j = 0; j < users.length; j++) {
      const user = readKnown(() => users[j] as unknown);
      if (user === UNKNOWN) unknown++;
      else if (typeof user === "string" && user.trim() !== "") known.add(user.trim());
    }
  }
  return { known, unknown };
}

function validateSchedule(args: ResourceValidationArgs, reportViolation: ReportViolation): void {
  if (args.type !== PAGERDUTY_SCHEDULE) return;
  const config = configOf<SchedulesConfig>(schedulesSchema, args);
  const users = scheduleUsers(args.props);
  // Unknown users may all be different people: report only what is short either way.
  if (users === undefined || users.known.size + users.unknown >= config.minPeople) return;
  // Unknown entries counted as different people: the most the schedule can have.
  const count = users.known.size + users.unknown;
  const more = config.minPeople - count;
  reportViolation(
    `PagerDuty schedule "${args.name}" has ${count === 0 ? "nobody" : `${count} ${count === 1 ? "person" : "people"}`} across its layers. ` +
      `Add ${more} more (catalog: the rotation's members) to reach at least ${config.minPeople}, so that nobody is on call alone week after week ` +
      `and someone covers leave and sickness: the guides run a weekly primary and a weekly secondary rotation ` +
      `(001 Production Monitoring Guide §6 On-Call Rotation: "Primary: Week rotation", "Secondary: Week rotation").`,
  );
}

export const schedulesHaveTwoPeople: ResourceValidationPolicy = {
  name: "schedules-have-two-people",
  description: "Every PagerDuty schedule has at least minPeople (default 2) distinct users across its layers: nobody is on call alone.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: schedulesSchema,
  validateResource: validateSchedule,
};

// ---------------------------------------------------------------------------------------
// escalation-has-two-levels
// ---------------------------------------------------------------------------------------

export interface EscalationLevelsConfig {
  /** Fewest rules an escalation policy has. */
  readonly minLevels: number;
}

/**
 * Default from the guides' ladders: the on-call engineer, then the engineering manager
 * (001 §6 On-Call Rotation), 0–5, 5–15 and 15–30 minutes (002 §Escalation Matrix),
 * levels 1–4 (003 §Internal Escalation).
 */
export const escalationLevelsSchema: PolicyConfigSchema = {
  properties: {
    minLevels: {
      type: "integer",
      minimum: 1,
      default: 2,
      description:
        "Fewest rules (levels) of a PagerDuty escalation policy (default 2: 001 §6 On-Call Rotation \"Escalation: Engineering Manager\"; " +
        "002 §Escalation Matrix 0–5, 5–15, 15–30 min; 003 §Internal Escalation levels 1–4).",
    },
  },
};

function validateEscalationLevels(args: ResourceValidationArgs, reportViolation: ReportViolation): void {
  if (args.type !== PAGERDUTY_ESCALATION_POLICY) return;
  const config = configOf<EscalationLevelsConfig>(escalationLevelsSchema, args);
  const rules = readKnown(() => args.props.rules as unknown);
  if (rules === UNKNOWN) return; // unknown in a preview: judged by `pulumi up`
  const count = Array.isArray(rules) ? rules.length : 0;
  if (count >= config.minLevels) return;
  const more = config.minLevels - count;
  reportViolation(
    `Escalation policy "${args.name}" has ${count === 0 ? "no level" : `${count} level${count === 1 ? "" : "s"}`}. ` +
      `Add ${more} more rule${more === 1 ? "" : "s"} (catalog: the team's escalation.levels) to reach at least ${config.minLevels}, ` +
      `so that a page nobody acknowledges reaches someone else, up to the engineering lead and beyond ` +
      `(001 Production Monitoring Guide §6 On-Call Rotation: "Escalation: Engineering Manager"; ` +
      `002 Production Monitoring & Alerting Guide §Escalation Matrix: 0–5, 5–15, 15–30 minutes; ` +
      `003 CarBot Monitoring & Maintenance Guide §Internal Escalation: levels 1–4).`,
  );
}

export const escalationHasTwoLevels: ResourceValidationPolicy = {
  name: "escalation-has-two-levels",
  description: "Every PagerDuty escalation policy has at least minLevels (default 2) rules: an unacknowledged page escalates to someone else.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: escalationLevelsSchema,
  validateResource: validateEscalationLevels,
};
