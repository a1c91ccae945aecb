/**
 * Who gets paged, read from a plan: each PagerDuty escalation policy's levels with their
 * delays and targets, and the services that use it. Pure: the renderers draw it.
 */
import type { Plan, PlanResource } from "../engine/plan";
import type { PlanDiff } from "./model";

const ESCALATION_POLICY = "pagerduty:index/escalationPolicy:EscalationPolicy";
const SCHEDULE = "pagerduty:index/schedule:Schedule";
const PD_SERVICE = "pagerduty:index/service:Service";
const GET_USER = "pagerduty:index/getUser:getUser";

export interface EscalationLevel {
  /** Minutes before the next level is notified. */
  readonly delayMinutes?: number;
  /**
   * `schedule prompts-devops-primary (primary: ana@example.com, bo@example.com)`,
   * `user lead@example.com`, `schedule (one of a (…), b (…))`; a user the plan's lookups do
   * not name stays its ID (`user P4606BA`).
   */
  readonly targets: readonly string[];
  /** The same targets without a schedule's layers (`schedule prompts-devops-primary`, `user lead@example.com`): what a route change compares. */
  readonly targetNames: readonly string[];
}

export interface EscalationPolicyView {
  /** The policy's PagerDuty name (`<team>`). */
  readonly name: string;
  readonly urn: string;
  readonly loops: number;
  readonly levels: readonly EscalationLevel[];
  /** PagerDuty services (`<product>-<team>`) that escalate through it. */
  readonly services: readonly string[];
  readonly source?: string;
}

export interface EscalationView {
  readonly policies: readonly EscalationPolicyView[];
  /** PagerDuty services whose policy the plan does not show. */
  readonly orphanServices: readonly string[];
}

function inputName(r: PlanResource): string {
  return typeof r.inputs.name === "string" && r.inputs.name !== "" ? r.inputs.name : r.name;
}

function isUnknown(value: unknown): boolean {
  return value === undefined || value === null || value === "" || value === "[unknown]";
}

/** PagerDuty user ID → the e-mail it was looked up by (`pagerduty.getUser({email})`, the plan's `lookups`). */
export function peopleOf(plan: Plan): Map<string, string> {
  const people = new Map<string, string>();
  for (const l of plan.lookups ?? []) {
    if (l.token === GET_USER && typeof l.result.id === "string" && typeof l.args.email === "string") people.set(l.result.id, l.args.email);
  }
  return people;
}

/** A PagerDuty user ID as its e-mail; an ID the lookups do not name stays the ID. */
function personOf(plan: Plan): (id: unknown) => string {
  const people = peopleOf(plan);
  return (id) => (isUnknown(id) ? "(unknown)" : (people.get(String(id)) ?? String(id)));
}

/** A schedule's layers as people: `primary: ana@…, bo@…` (each layer's users in rotation order). */
function layersOf(schedule: PlanResource, person: (id: unknown) => string): string {
  const layers = Array.isArray(schedule.inputs.layers) ? (schedule.inputs.layers as Record<string, unknown>[]) : [];
  return layers
    .filter((layer) => Array.isArray(layer.users) && layer.users.length > 0)
    .map((layer) => `${typeof layer.name === "string" && layer.name !== "" ? `${layer.name}: ` : ""}${(layer.users as unknown[]).map(person).join(", ")}`)
    .join("; ");
}

/**
 * The head plan's escalation: each policy's levels in order with their delays and
 * targets, and the services that use it. In a preview, a schedule target's ID is
 * unknown: it is resolved through the policy's dependencies on schedules (or, without
 * them, the `<team>-<rotation>` naming), to one name when the team has one schedule
 * and to "one of …" when it has several (the plan does not say which level uses which).
 * People are named by the e-mail their ID was looked up by (the plan's `lookups`), and a
 * schedule by its layers' people.
 */
export function escalationOf(plan: Plan): EscalationView {
  const schedules = plan.resources.filter((r) => r.type === SCHEDULE);
  const policies = plan.resources.filter((r) => r.type === ESCALATION_POLICY).sort((a, b) => inputName(a).localeCompare(inputName(b)));
  const services = plan.resources.filter((r) => r.type === PD_SERVICE).sort((a, b) => inputName(a).localeCompare(inputName(b)));
  const scheduleByUrn = new Map(schedules.map((s) => [s.urn, s]));
  const policyNames = policies.map(inputName);
  const person = personOf(plan);
  const withPeople = (schedule: PlanResource, named = false): string => {
    const layers = named ? "" : layersOf(schedule, person);
    return layers === "" ? inputName(schedule) : `${inputName(schedule)} (${layers})`;
  };

  /** The longest policy name `name` is `<policy>-…` of (schedules) or `…-<policy>` of (services). */
  const longestPolicy = (name: string, at: "prefix" | "suffix"): string | undefined =>
    policyNames
      .filter((p) => (at === "prefix" ? name.startsWith(`${p}-`) : name.endsWith(`-${p}`) || name === p))
      .sort((a, b) => b.length - a.length)[0];

  const usedBy = new Map<string, string[]>();
  const orphanServices: string[] = [];
  for (const service of services) {
    const policy =
      policies.find((p) => service.dependencies.includes(p.urn)) ??
      policies.find((p) => service.inputs.escalationPolicy === p.urn || service.inputs.escalationPolicy === `${p.name}-id`) ??
      policies.find((p) => inputName(p) === longestPolicy(inputName(service), "suffix"));
    if (!policy) {
      orphanServices.push(inputName(service));
      continue;
    }
    usedBy.set(policy.urn, [...(usedBy.get(policy.urn) ?? []), inputName(service)]);
  }

  const views = policies.map((policy): EscalationPolicyView => {
    const name = inputName(policy);
    const fromDeps = policy.dependencies.map((u) => scheduleByUrn.get(u)).filter((s): s is PlanResource => s !== undefined);
    const candidates = (fromDeps.length > 0 ? fromDeps : schedules.filter((s) => longestPolicy(inputName(s), "prefix") === name)).sort((a, b) =>
      inputName(a) < inputName(b) ? -1 : inputName(a) > inputName(b) ? 1 : 0,
    );
    const scheduleLabel = (id: unknown, named: boolean): string => {
      const byRef = schedules.find((s) => id === s.urn || id === `${s.name}-id`);
      if (byRef) return `schedule ${withPeople(byRef, named)}`;
      if (!isUnknown(id)) return `schedule ${String(id)}`;
      if (candidates.length === 1) return `schedule ${withPeople(candidates[0], named)}`;
      if (candidates.length > 1) return `schedule (one of ${candidates.map((c) => withPeople(c, named)).join(", ")})`;
      return "schedule (unknown)";
    };
    const targetOf = (t: Record<string, unknown>, named: boolean): string => {
      const type = String(t.type ?? "");
      if (type.startsWith("schedule")) return scheduleLabel(t.id, named);
      if (type.startsWith("user")) return `user ${person(t.id)}`;
      return `${type.replace(/_reference$/, "") || "target"} ${isUnknown(t.id) ? "(unknown)" : String(t.id)}`;
    };
    const rules = Array.isArray(policy.inputs.rules) ? (policy.inputs.rules as Record<string, unknown>[]) : [];
    const levels = rules.map((rule): EscalationLevel => {
      const delay = Number(rule.escalationDelayInMinutes);
      const raw = Array.isArray(rule.targets) ? (rule.targets as Record<string, unknown>[]) : [];
      return { ...(Number.isFinite(delay) ? { delayMinutes: delay } : {}), targets: raw.map((t) => targetOf(t, false)), targetNames: raw.map((t) => targetOf(t, true)) };
    });
    const loops = Number(policy.inputs.numLoops);
    return {
      name,
      urn: policy.urn,
      loops: Number.isFinite(loops) ? loops : 0,
      levels,
      services: usedBy.get(policy.urn) ?? [],
      ...(policy.source ? { source: policy.source } : {}),
    };
  });
  return { policies: views, orphanServices };
}

/** What a route change names, from one plan: people by e-mail, and each escalation policy's levels (by URN) as `escalationOf` labels them. */
export interface Roster {
  person(id: unknown): string;
  levels(policyUrn: string): readonly EscalationLevel[] | undefined;
}

export function rosterOf(plan: Plan): Roster {
  let view: EscalationView | undefined;
  return {
    person: personOf(plan),
    levels: (urn) => (view ??= escalationOf(plan)).policies.find((p) => p.urn === urn)?.levels,
  };
}

/** Whether the diff touches on-call: then the diagram opens by itself. */
export function touchesEscalation(diff: PlanDiff): boolean {
  const pd = (type: string) => type.startsWith("pagerduty:");
  return (
    [...diff.added, ...diff.removed, ...diff.changed].some((r) => pd(r.type)) ||
    diff.replaced.some((r) => pd(r.after.type)) ||
    diff.thresholds.some((t) => pd(t.row.type))
  );
}
