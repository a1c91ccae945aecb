/**
 * Route changes, classified for `classify.ts`: an escalation level's targets and a schedule
 * layer's people, named as `escalation.ts` names them (people by the e-mail each side's
 * plan looked them up by, schedules by name with their layers), with who joins and who
 * leaves. Fewer is looser, more tighter, as many but others (a swap) or another order neutral.
 */
import type { PlanResource } from "../engine/plan";
import type { Roster } from "./escalation";
import type { Direction } from "./model";

type Inputs = Readonly<Record<string, unknown>>;

/** One classified field (as `classify.ts` takes it). */
export interface RouteField {
  readonly setting: string;
  readonly before: string;
  readonly after: string;
  readonly direction: Direction;
  readonly reason: string;
}

function obj(value: unknown): Inputs {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Inputs) : {};
}

function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The base's and the head's people and escalation levels: route changes name who is paged. */
export interface Rosters {
  readonly before: Roster;
  readonly after: Roster;
}

/** A plan fragment without lookups or policies: IDs stay IDs. */
export const NO_ROSTER: Roster = { person: (id) => String(id ?? "(unknown)"), levels: () => undefined };

/** `a, b` of `after` not in `before`. */
function missing(from: readonly string[], among: readonly string[]): string[] {
  return from.filter((x) => !among.includes(x));
}

/** Who joins and who leaves: `ana@… joins; bo@… leaves`. */
function moves(before: readonly string[], after: readonly string[], noun: string): string {
  const joins = missing(after, before);
  const leaves = missing(before, after);
  const parts = [...(joins.length > 0 ? [`${joins.join(", ")} ${joins.length === 1 ? "joins" : "join"}`] : []), ...(leaves.length > 0 ? [`${leaves.join(", ")} ${leaves.length === 1 ? "leaves" : "leave"}`] : [])];
  return parts.length > 0 ? `${parts.join("; ")} ${noun}` : "the same, in another order";
}

/** A list change by its length: fewer is looser; as many but others is neutral. */
function membersField(setting: string, before: readonly string[], after: readonly string[], shown: { before: string; after: string }, noun: string, why: { looser: string; tighter: string }): RouteField[] {
  if (before.join("\u0000") === after.join("\u0000")) return [];
  const direction: Direction = after.length < before.length ? "looser" : after.length > before.length ? "tighter" : "neutral";
  const count = direction === "looser" ? `${why.looser}: ` : direction === "tighter" ? `${why.tighter}: ` : "";
  return [{ setting, ...shown, direction, reason: `${count}${moves(before, after, noun)}` }];
}

/** Each level's targets by name (a schedule by its name, a user by e-mail, PF-PD-R2-1), shown with the schedules' layers. */
export function escalationFields(b: PlanResource, h: PlanResource, rosters: Rosters): RouteField[] {
  const rb = list(b.inputs.rules).map(obj);
  const rh = list(h.inputs.rules).map(obj);
  const lb = rosters.before.levels(b.urn);
  const lh = rosters.after.levels(h.urn);
  const fields: RouteField[] = [];
  for (let i = 0; i < Math.min(rb.length, rh.length); i++) {
    // Without the plan's view of the policy (a bare fragment): the targets' types and IDs.
    const raw = (rule: Inputs) => list(rule.targets).map((t) => `${String(obj(t).type ?? "target").replace(/_reference$/, "")} ${String(obj(t).id ?? "(unknown)")}`);
    const nb = lb?.[i]?.targetNames ?? raw(rb[i]);
    const nh = lh?.[i]?.targetNames ?? raw(rh[i]);
    const show = (xs: readonly string[]) => (xs.length === 0 ? "(none)" : xs.join(", "));
    const shown = { before: show(lb?.[i]?.targets ?? nb), after: show(lh?.[i]?.targets ?? nh) };
    fields.push(...membersField(`targets-${i + 1}`, nb, nh, shown, "at this level", { looser: "fewer people or schedules are paged at this level", tighter: "more people or schedules are paged at this level" }));
  }
  return fields;
}

/** Each layer's people by e-mail in rotation order (`<layer>-people`, PF-PD-R2-1). */
export function scheduleFields(b: PlanResource, h: PlanResource, rosters: Rosters): RouteField[] {
  const layers = (r: PlanResource) => new Map(list(r.inputs.layers).map(obj).map((l) => [String(l.name), list(l.users)]));
  const lb = layers(b);
  const lh = layers(h);
  return [...lh].flatMap(([name, users]) => {
    const was = lb.get(name);
    if (was === undefined) return [];
    const pb = was.map((id) => rosters.before.person(id));
    const ph = users.map((id) => rosters.after.person(id));
    const show = (xs: readonly string[]) => (xs.length === 0 ? "(nobody)" : xs.join(", "));
    return membersField(`${name}-people`, pb, ph, { before: show(pb), after: show(ph) }, "the rotation", { looser: "fewer people share the rotation", tighter: "more people share the rotation" });
  });
}
