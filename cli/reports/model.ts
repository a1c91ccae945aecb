/**
 * What reviewers read: every threshold a plan provisions, and what changes between two
 * plans. Built from plans only (never from catalogs or components), so they describe
 * exactly what Datadog, PagerDuty, Sentry, AWS and Grafana will be given.
 */
import type { PlanPolicyResult } from "../engine/plan";
import type { BlockedDeletion } from "./blocked";
import type { CostDelta } from "./cost";
import type { LikelyRename } from "./likelyRenames";

/** One provisioned threshold or timing setting of one resource. */
export interface ThresholdRow {
  /** The resource's URN: with `setting`, the row's identity across plans. */
  readonly urn: string;
  /** The resource's name, e.g. `alerts-tickets-payments-payment-success-rate`. */
  readonly resource: string;
  /** The resource type token. */
  readonly type: string;
  /** What kind of thing it is, for grouping: monitor, synthetics, slo, burn-rate, sentry, escalation, schedule, pagerduty-service, retention, dashboard. */
  readonly kind: string;
  /** The catalog service (or team, for on-call resources). */
  readonly service: string;
  /** What is measured, in a few words: a signal, a query, an endpoint, a policy. */
  readonly what: string;
  /** The setting: critical, warning, recovery, window, interval, locations, target, delay-1 … */
  readonly setting: string;
  /** The value, as a number when it is one (seconds for times, percent for targets). */
  readonly value: number | string;
  /** The value as a reader wants it: `1%`, `5m`, `> 95`. */
  readonly display: string;
  /** P0–P3 when the resource carries one. */
  readonly severity?: string;
  /** Where it notifies: its handles (`@pagerduty-…`), or Sentry's action kinds. */
  readonly route?: string;
  /** How to judge a change of this setting; see `Direction`. */
  readonly looserWhen: "higher" | "lower" | "neutral";
  /** The catalog `file:line:column` it came from. */
  readonly source?: string;
}

/** A change in the direction of alerting later or less often, paging fewer people, keeping data shorter. */
export type Direction = "looser" | "tighter" | "neutral";

export interface ThresholdChange {
  readonly row: ThresholdRow;
  /** Undefined: the setting is new (a new resource, or a new setting on one). */
  readonly before?: ThresholdRow;
  /** Undefined: the setting went away. */
  readonly after?: ThresholdRow;
  readonly direction: Direction;
  /** Why it is looser or tighter, in one line (classified fields, classify.ts). */
  readonly reason?: string;
  /** A P0/P1 resource loosened, or retention shortened: listed first, loudly. */
  readonly loud: boolean;
}

export interface ResourceChange {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** The catalog service it belongs to (under the service's uptime, alerts, SLO or Sentry component); absent when stack-wide. */
  readonly service?: string;
  readonly severity?: string;
  readonly source?: string;
}

/** One concern (uptime checks, alerts, SLOs …) that a change takes resources from. */
export interface ConcernCount {
  readonly concern: string;
  /** Its resources in the base plan and in the head plan. */
  readonly before: number;
  readonly after: number;
  /** Base resources the head no longer plans. */
  readonly removed: number;
  /** The base had some, the head has none. */
  readonly emptied: boolean;
}

/** How much of the stack a change removes: what a catalog cut short looks like. */
export interface MassRemoval {
  /** The share of the base's monitors, in percent, a change may remove (`--mass-removal-percent`). */
  readonly percent: number;
  /** Datadog monitors, synthetic tests and SLOs, Sentry alert rules; `share`: removed ÷ before, percent. */
  readonly monitors: { readonly before: number; readonly after: number; readonly removed: number; readonly share: number };
  /** Concerns the base had and the head has nothing of. */
  readonly emptied: readonly string[];
  /** Every concern that loses resources. */
  readonly concerns: readonly ConcernCount[];
  /** More than `percent` of the monitors removed, or a concern emptied: reported first, `--fail-on mass-removal` fails. */
  readonly triggered: boolean;
}

export interface PlanDiff {
  readonly stack: string;
  readonly base: { readonly ref: string; readonly commit: string };
  readonly head: { readonly ref: string };
  /** Always set by `diffPlans`. */
  readonly massRemoval?: MassRemoval;
  /** Always set by `diffPlans`: protected resources the change deletes; `lookout diff` exits 1 on any. */
  readonly blocked?: readonly BlockedDeletion[];
  readonly added: readonly ResourceChange[];
  readonly removed: readonly ResourceChange[];
  /** The same resource (type and name) under a new URN: Pulumi replaces it unless aliased. */
  readonly replaced: readonly { readonly before: ResourceChange; readonly after: ResourceChange }[];
  /** Always set by `diffPlans`: a removed resource whose URN a head resource lists among its aliases (`renamedFrom`). */
  readonly renamed?: readonly { readonly before: ResourceChange; readonly after: ResourceChange }[];
  /** Always set by `diffPlans`: monthly synthetics runs, their price and the monitors, base and head, against the budget. */
  readonly cost?: CostDelta;
  /** Always set by `diffPlans`: removed and added resources that look like one renamed without `renamedFrom` (still in `removed` and `added`). */
  readonly likelyRenames?: readonly LikelyRename[];
  /** Same URN, different inputs: the input keys that changed. */
  readonly changed: readonly (ResourceChange & { readonly keys: readonly string[] })[];
  readonly thresholds: readonly ThresholdChange[];
  readonly policies: {
    /** Violations head has and base had not. */
    readonly introduced: readonly PlanPolicyResult[];
    /** Violations base had and head has not. */
    readonly fixed: readonly PlanPolicyResult[];
  };
  /** Removed P0/P1 resources and loud threshold changes: what a reviewer must see first. */
  readonly loud: readonly string[];
}
