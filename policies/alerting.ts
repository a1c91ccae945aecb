/**
 * What the on-call rules read of an alerting resource (a Datadog monitor or synthetics
 * test): its tags and message when known, and the `@pagerduty-…` handles it names.
 */
import type { PolicyResource } from "@pulumi/policy";
import { DATADOG_MONITOR, DATADOG_SYNTHETICS_TEST, parseTags, readKnown, UNKNOWN } from "./support";

/** A Datadog monitor or synthetics test, with what the on-call rules read of it. */
export interface Alerting {
  readonly resource: PolicyResource;
  /** `Monitor "…"`, `Synthetics test "…"`. */
  readonly what: string;
  /** Tags; undefined when unknown in a preview. */
  readonly tags?: ReadonlyMap<string, string>;
  /** The message; undefined when unknown in a preview. */
  readonly message?: string;
}

export function alertingResources(resources: readonly PolicyResource[]): Alerting[] {
  return resources
    .filter((r) => r.type === DATADOG_MONITOR || r.type === DATADOG_SYNTHETICS_TEST)
    .map((r) => {
      const tags = readKnown(() => parseTags(r.props.tags));
      const message = readKnown(() => r.props.message as unknown);
      return {
        resource: r,
        what: `${r.type === DATADOG_MONITOR ? "Monitor" : "Synthetics test"} "${r.name}"`,
        tags: tags === UNKNOWN ? undefined : tags,
        message: message === UNKNOWN ? undefined : typeof message === "string" ? message : "",
      };
    });
}

/** `@pagerduty-<service>` in a Datadog message (not inside an e-mail address or another handle). */
const PAGERDUTY_HANDLE = /(?<![\w@.-])@pagerduty-([A-Za-z0-9_][A-Za-z0-9_.-]*)/g;

/** The PagerDuty service names a message's `@pagerduty-…` handles name, once each, in order. */
export function pagerdutyHandles(message: string): string[] {
  const names = [...message.matchAll(PAGERDUTY_HANDLE)].map((m) => m[1].replace(/\.+$/, ""));
  return [...new Set(names.filter((n) => n !== ""))];
}
