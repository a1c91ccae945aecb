/**
 * Where each resource's settings were written in the catalog (`file:line:column`), for
 * reviewers' reports (`lookout thresholds`, `lookout diff`). Components mark resources as
 * they create them. When the offline engine runs the program, it sets the stack config
 * `lookout:internalReportSources`, and each mark reaches it as an invoke its mocks answer,
 * naming the resource by its public `urn` (whose last parts are its type and name,
 * PF-PULUMI-2). Under `pulumi up` that config is absent and a mark does nothing: it
 * changes no resource.
 */
import * as pulumi from "@pulumi/pulumi";
import type { SourceRef } from "../../catalog/model";

/** Stack config the offline engine sets: report each mark. */
export const REPORT_SOURCES_CONFIG = "lookout:internalReportSources";
/** The invoke a mark is reported with; only the offline engine's mocks answer it. */
export const REPORT_SOURCE_TOKEN = "lookout:internal:reportSource";

/** The key of a resource: its type token and name (names are unique in a stack). */
export function sourceKey(type: string, name: string): string {
  return `${type}::${name}`;
}

/** Marks where `resource`'s settings come from; returns the resource. */
export function sourced<T extends pulumi.Resource>(resource: T, source: SourceRef): T {
  const [project, key] = REPORT_SOURCES_CONFIG.split(":");
  if (new pulumi.Config(project).getBoolean(key)) {
    // Invoked now, while the program runs, so the run waits for it (PF-PU-EN-1).
    void pulumi.runtime.invoke(REPORT_SOURCE_TOKEN, { urn: resource.urn, file: source.file, line: source.line, column: source.column });
  }
  return resource;
}
