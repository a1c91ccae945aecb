/**
 * On-call rules: every urgent alert reaches a PagerDuty service whose escalation starts
 * within the severity's response time. With the rotation rules (`rotations.ts`: nobody
 * on call alone, an unanswered incident escalates) and `staging.ts` (staging never pages
 * a person) they are the on-call rule group; `alerting.ts` reads the alerts they share.
 *
 * Stack rules correlate resources. In a preview the IDs that join them (a service's
 * escalation policy, an integration's service) are unknown, so they are joined through
 * each resource's property dependencies instead, and only known properties are read
 * (names, messages, tags, delays): reading an unknown would turn the whole rule into
 * "can't run during preview".
 */
import type {
  PolicyConfigSchema,
  PolicyResource,
  ReportViolation,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import {
  configOf,
  DATADOG_MONITOR,
  DATADOG_PAGERDUTY_SERVICE_OBJECT,
  listInWords,
  objectProp,
  PAGERDUTY_ESCALATION_POLICY,
  PAGERDUTY_SERVICE,
  PAGERDUTY_SERVICE_INTEGRATION,
  readKnown,
  UNKNOWN,
  environmentsProperty,
} from "./support";
import { escalationHasTwoLevels, schedulesHaveTwoPeople } from "./rotations";
import { alertingResources, pagerdutyHandles } from "./alerting";
import { stagingNeverPages } from "./staging";

// ---------------------------------------------------------------------------------------
// Shared: alerting resources, their handles, the PagerDuty graph
// ---------------------------------------------------------------------------------------

const RESPONSE_TIMES_SOURCE =
  "001 Production Monitoring Guide §6 On-Call Rotation: Response Times; " +
  "002 Production Monitoring & Alerting Guide §Critical Alert Categories: Critical 5 min SLA, High 15 min SLA";

/**
 * Monitors that are conditions of a composite monitor (its query names their IDs, so they
 * are its query's property dependencies): the composite notifies for them, they do not.
 */
function compositeParts(resources: readonly PolicyResource[]): Set<string> {
  const parts = new Set<string>();
  for (const r of resources) {
    if (r.type !== DATADOG_MONITOR || readKnown(() => r.props.type as unknown) !== "composite") continue;
    for (const d of r.propertyDependencies?.query ?? []) if (d.type === DATADOG_MONITOR) parts.add(d.urn);
  }
  return parts;
}

/** A string property, when known. */
function knownString(r: PolicyResource, key: string): string | undefined {
  const value = readKnown(() => r.props[key] as unknown);
  return typeof value === "string" ? value : undefined; // UNKNOWN is no string
}

/** The resources a property's value came from (property dependencies), of one type. */
function dependenciesOf(r: PolicyResource, property: string, type: string): PolicyResource[] {
  return (r.propertyDependencies?.[property] ?? []).filter((d) => d.type === type);
}

/**
 * The escalation policy a PagerDuty service uses. Its `escalationPolicy` is an ID, unknown
 * in a preview: the policy is the property's dependency (else the one escalation policy
 * among the service's dependencies).
 */
function escalationPolicyOf(service: PolicyResource): PolicyResource | undefined {
  const byProperty = dependenciesOf(service, "escalationPolicy", PAGERDUTY_ESCALATION_POLICY);
  if (byProperty.length > 0) return byProperty[0];
  const byDependency = (service.dependencies ?? []).filter((d) => d.type === PAGERDUTY_ESCALATION_POLICY);
  return byDependency.length === 1 ? byDependency[0] : undefined;
}

/** Minutes, in words. */
function minutesText(minutes: number): string {
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

// ---------------------------------------------------------------------------------------
// urgent-alerts-reach-pagerduty
// ---------------------------------------------------------------------------------------

export interface UrgentAlertsConfig {
  /** `severity:` tag values that page. */
  readonly pagingSeverities: string[];
  /** `env:` tag values that page. */
  readonly pagingEnvironments: string[];
  /** Longest first escalation delay, in minutes, per paging severity. */
  readonly responseMinutes: Record<string, number>;
}

/**
 * Defaults from the guides: P0 is answered within 5 minutes, P1 within 15
 * (001 Production Monitoring Guide §6 On-Call Rotation: Response Times; 002 Production
 * Monitoring & Alerting Guide §Critical Alert Categories: Critical 5 min SLA, High
 * 15 min SLA); production pages, staging never does (DESIGN.md).
 */
export const urgentAlertsSchema: PolicyConfigSchema = {
  properties: {
    pagingSeverities: {
      type: "array",
      items: { type: "string", minLength: 1 },
      uniqueItems: true,
      default: ["p0", "p1"],
      description:
        "Values of the severity: tag that must page (default [\"p0\", \"p1\"]: DESIGN.md's severity ladder pages P0 and P1 at high urgency; " +
        "001 §6 answers them within 5 and 15 minutes, 002 within its Critical 5 min and High 15 min SLAs).",
    },
    pagingEnvironments: environmentsProperty(["prod"], "Values of the env: tag whose urgent alerts must page (default [\"prod\"]: staging never pages, DESIGN.md)."),
    responseMinutes: {
      type: "object",
      additionalProperties: { type: "integer", minimum: 1 },
      default: { p0: 5, p1: 15 },
      description:
        "Per paging severity, the longest first escalationDelayInMinutes of the escalation policy its PagerDuty service uses: " +
        "unacknowledged that long, the page goes to the next level (default {p0: 5, p1: 15}: 001 §6 On-Call Rotation Response Times " +
        "P0 within 5 minutes, P1 15 minutes; 002 Critical 5 min SLA, High 15 min SLA). A severity without an entry is not checked for delay.",
    },
  },
};

/** What the stack declares on the PagerDuty side, by name. */
interface PagerdutyGraph {
  /** Datadog service objects by serviceName (the handle). */
  readonly serviceObjects: ReadonlyMap<string, PolicyResource[]>;
  /** PagerDuty services by name. */
  readonly services: ReadonlyMap<string, PolicyResource[]>;
}

function pagerdutyGraph(resources: readonly PolicyResource[]): PagerdutyGraph {
  const index = (type: string, key: string): Map<string, PolicyResource[]> => {
    const map = new Map<string, PolicyResource[]>();
    for (const r of resources) {
      if (r.type !== type) continue;
      const name = knownString(r, key);
      if (name !== undefined) map.set(name, [...(map.get(name) ?? []), r]);
    }
    return map;
  };
  return { serviceObjects: index(DATADOG_PAGERDUTY_SERVICE_OBJECT, "serviceName"), services: index(PAGERDUTY_SERVICE, "name") };
}

/** The strictest response time an escalation policy must meet, and the first alert that sets it. */
interface Bound {
  readonly policy: PolicyResource;
  readonly minutes: number;
  readonly severity: string;
  /** The PagerDuty service (its name) the alert pages. */
  readonly service: string;
  /** `Monitor "…"`, and its resource name. */
  readonly alert: string;
  readonly alertName: string;
}

/**
 * A Datadog service object whose key is an integration of another PagerDuty service than
 * the one it names: the handle pages the wrong team. Undefined when the key's origin is
 * not in the stack (a key from config) or matches.
 */
function wrongServiceOf(serviceObject: PolicyResource, handle: string): string | undefined {
  for (const integration of dependenciesOf(serviceObject, "serviceKey", PAGERDUTY_SERVICE_INTEGRATION)) {
    const names = dependenciesOf(integration, "service", PAGERDUTY_SERVICE).map((s) => knownString(s, "name"));
    const other = names.find((n) => n !== undefined && n !== handle);
    if (other !== undefined && !names.includes(handle)) return other;
  }
  return undefined;
}

function validateUrgentAlerts(args: StackValidationArgs, reportViolation: ReportViolation): void {
  const config = configOf<UrgentAlertsConfig>(urgentAlertsSchema, args);
  const severities = new Set(config.pagingSeverities.map((s) => s.toLowerCase()));
  const environments = new Set(config.pagingEnvironments);
  const graph = pagerdutyGraph(args.resources);
  const parts = compositeParts(args.resources);
  /** Per escalation policy URN: the strictest bound of the alerts that reach it. */
  const bounds = new Map<string, Bound>();
  /** Service objects (URN) whose key belongs to another service. */
  const miswired = new Map<string, { serviceObject: PolicyResource; handle: string; other: string }>();
  /** PagerDuty services (URN) reached by urgent alerts whose escalation policy is not in the stack. */
  const withoutPolicy = new Map<string, { service: PolicyResource; severity: string }>();

  for (const alert of alertingResources(args.resources)) {
    if (alert.tags === undefined || alert.message === undefined) continue; // unknown in a preview: judged by `pulumi up`
    if (parts.has(alert.resource.urn)) continue;
    const env = alert.tags.get("env");
    const severity = (alert.tags.get("severity") ?? "").toLowerCase();
    if (env === undefined || !environments.has(env) || !severities.has(severity)) continue;
    const level = severity.toUpperCase();
    const minutes = config.responseMinutes[severity];
    const within = minutes === undefined ? "" : ` within ${minutesText(minutes)}`;
    const subject = `${alert.what} (env:${env}, severity:${severity})`;

    const handles = pagerdutyHandles(alert.message);
    if (handles.length === 0) {
      reportViolation(
        `${subject} names no @pagerduty-<service> handle in its message, so it pages nobody. ` +
          `Page ${level} alerts in the catalog's routing (routing.severities.${level}.page: high), so that its alert block names ` +
          `"Notify: @pagerduty-<product>-<team> …": a ${level} must reach the on-call engineer${within}, at any hour (${RESPONSE_TIMES_SOURCE}).`,
        alert.resource.urn,
      );
      continue;
    }
    for (const handle of handles) {
      const missing = [
        ...(graph.serviceObjects.has(handle) ? [] : ["Datadog PagerDuty service object (datadog.pagerduty.ServiceObject)"]),
        ...(graph.services.has(handle) ? [] : ["PagerDuty service"]),
      ];
      if (missing.length > 0) {
        reportViolation(
          `${subject} notifies @pagerduty-${handle}, but this stack declares no ${listInWords(missing)} named "${handle}", so the page reaches nobody. ` +
            `Let the routing table write the handle (the owning team in the catalog's teams, routing.severities.${level}.page: high), ` +
            `which creates the service, its escalation policy and the Datadog integration: a ${level} must reach the on-call engineer${within} (${RESPONSE_TIMES_SOURCE}).`,
          alert.resource.urn,
        );
        continue;
      }
      for (const serviceObject of graph.serviceObjects.get(handle) ?? []) {
        const other = wrongServiceOf(serviceObject, handle);
        if (other !== undefined) miswired.set(serviceObject.urn, { serviceObject, handle, other });
      }
      if (minutes === undefined) continue;
      for (const service of graph.services.get(handle) ?? []) {
        const policy = escalationPolicyOf(service);
        if (!policy) {
          const seen = withoutPolicy.get(service.urn);
          if (!seen || (config.responseMinutes[seen.severity] ?? Infinity) > minutes) withoutPolicy.set(service.urn, { service, severity });
          continue;
        }
        const current = bounds.get(policy.urn);
        // The strictest bound; among equals the first alert by name, so the message is stable.
        if (!current || minutes < current.minutes || (minutes === current.minutes && alert.resource.name < current.alertName)) {
          bounds.set(policy.urn, { policy, minutes, severity, service: handle, alert: alert.what, alertName: alert.resource.name });
        }
      }
    }
  }

  for (const { serviceObject, handle, other } of miswired.values()) {
    reportViolation(
      `Datadog PagerDuty service object "${serviceObject.name}" (serviceName "${handle}") holds the integration key of PagerDuty service "${other}", ` +
        `so @pagerduty-${handle} pages the wrong team. Take its serviceKey from the Datadog integration of service "${handle}" ` +
        `(001 Production Monitoring Guide §6; 002 Production Monitoring & Alerting Guide §Alert Routing & Escalation).`,
      serviceObject.urn,
    );
  }

  for (const { service, severity } of withoutPolicy.values()) {
    const level = severity.toUpperCase();
    const minutes = config.responseMinutes[severity];
    reportViolation(
      `PagerDuty service "${service.name}" receives ${level} alerts, but the escalation policy it uses is not declared in this stack, ` +
        `so nothing shows that an unacknowledged page escalates within ${minutesText(minutes)}. Give it the owning team's escalation policy ` +
        `(catalog: teams[].escalation) (${RESPONSE_TIMES_SOURCE}).`,
      service.urn,
    );
  }

  for (const bound of bounds.values()) {
    const policy = bound.policy;
    const level = bound.severity.toUpperCase();
    const rules = readKnown(() => policy.props.rules as unknown);
    const first = Array.isArray(rules) && rules.length > 0 ? readKnown(() => objectProp(rules[0])?.escalationDelayInMinutes) : undefined;
    if (rules === UNKNOWN || first === UNKNOWN) continue; // unknown in a preview: judged by `pulumi up`
    const reached = `it answers ${level} alerts through PagerDuty service "${bound.service}" (e.g. ${bound.alert})`;
    const fix =
      `Set its first rule's escalationDelayInMinutes to ${bound.minutes} or less (catalog: the team's escalation.levels[0].until: ${bound.minutes}m), ` +
      `so that a ${level} nobody acknowledges reaches the next level within ${minutesText(bound.minutes)} (${RESPONSE_TIMES_SOURCE}).`;
    if (typeof first !== "number") {
      reportViolation(`Escalation policy "${policy.name}" has no first rule with an escalationDelayInMinutes, yet ${reached}. ${fix}`, policy.urn);
    } else if (first > bound.minutes) {
      reportViolation(`Escalation policy "${policy.name}" first escalates after ${minutesText(first)}, yet ${reached}. ${fix}`, policy.urn);
    }
  }
}

export const urgentAlertsReachPagerduty: StackValidationPolicy = {
  name: "urgent-alerts-reach-pagerduty",
  description:
    "Every Datadog monitor and synthetics test tagged with a paging severity (config pagingSeverities: p0, p1) in a paging environment " +
    "(config pagingEnvironments: prod) names a @pagerduty-<service> handle; the stack declares the Datadog service object and the PagerDuty " +
    "service of that name; and the escalation policy of that service first escalates within the severity's response time " +
    "(config responseMinutes: p0 5, p1 15). Conditions of a composite monitor are exempt: the composite notifies.",
  enforcementLevel: "mandatory",
  severity: "critical",
  configSchema: urgentAlertsSchema,
  validateStack: validateUrgentAlerts,
};

/** The on-call rule group, in the order the pack lists them. */
export const oncallPolicies: Array<ResourceValidationPolicy | StackValidationPolicy> = [
  urgentAlertsReachPagerduty,
  schedulesHaveTwoPeople,
  escalationHasTwoLevels,
  stagingNeverPages,
];
