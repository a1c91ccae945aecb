/**
 * The resources behind notification handles: a Datadog message naming
 * `@pagerduty-<service>` or `@slack-<account>-<channel>` must be created after the
 * integration object that makes the handle exist. Each resource depends on exactly the
 * handles its own message names, not on the whole on-call component: a dependency on a
 * component expands to all its children in every resource's registration, which at a
 * thousand services outgrows the engine's message limits.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { Service, Severity } from "../../catalog/model";

export interface NotifyTargets {
  /** The resources that make these handles exist (unknown handles, e.g. e-mail, have none). */
  resourcesFor(handles: readonly string[]): pulumi.Resource[];
}

/** What a resource notifying `service`'s `severity` route must wait for. */
export function routeDependencies(targets: NotifyTargets | undefined, service: Service, severity: Severity): pulumi.Resource[] {
  return targets?.resourcesFor(service.routes?.[severity].handles ?? []) ?? [];
}
