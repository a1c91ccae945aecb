/**
 * Where each resource's settings were written in the catalog (`file:line:column`), for
 * reviewers' reports (`lookout thresholds`, `lookout diff`). Components record it as
 * they create resources; the offline engine, which runs the program in its own process,
 * reads it back after the run and puts it in the plan. Under `pulumi up` nothing reads
 * it: it changes no resource.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { SourceRef } from "./catalog/model";

const sources = new Map<string, SourceRef>();

/** The key of a resource: its type token and name (names are unique in a stack). */
export function sourceKey(type: string, name: string): string {
  return `${type}::${name}`;
}

/** Records where `resource`'s settings come from; returns the resource. */
export function sourced<T extends pulumi.Resource>(resource: T, source: SourceRef): T {
  const type = (resource.constructor as { __pulumiType?: string }).__pulumiType;
  const name = (resource as unknown as { __name?: string }).__name;
  if (type && name) sources.set(sourceKey(type, name), source);
  return resource;
}

/** The recorded sources, and forgets them (one program run at a time). */
export function takeSources(): Map<string, SourceRef> {
  const taken = new Map(sources);
  sources.clear();
  return taken;
}
