/**
 * Pulumi's bulk import file (PF-PU-IMP-1): `{"nameTable": {…}, "resources": [{type, name,
 * id, parent, provider}, …]}`. Each imported catalog entry's planned resource gets its
 * Datadog ID; the components it sits in are listed with `component: true`, so
 * `pulumi import --file` creates them empty as the parents (PF-PU-IMP-2), and `parent`
 * names them by their entry in the same file. The explicit Datadog provider is named in
 * `nameTable` by its URN: it must already be in the stack's state.
 */
import type { PlannedResource } from "../engine/resource";
import type { EntryKind, ImportedEntry } from "./importDatadog";
import { COMPONENT, childName, uptimeKey } from "../../catalog/names";

export interface PulumiImportResource {
  readonly type: string;
  readonly name: string;
  readonly id?: string;
  readonly parent?: string;
  readonly provider?: string;
  readonly component?: true;
}

export interface PulumiImportFile {
  readonly nameTable: Readonly<Record<string, string>>;
  readonly resources: readonly PulumiImportResource[];
}

/** The resource type and planned name of an imported entry (catalog/names.ts). */
export function plannedResourceOf(entry: Pick<ImportedEntry, "kind" | "service" | "name">): { type: string; name: string } {
  const TYPES: Readonly<Record<EntryKind, [string, string]>> = {
    alerts: ["datadog:index/monitor:Monitor", childName(childName(COMPONENT.alerts, entry.service), entry.name)],
    rawAlerts: ["datadog:index/monitor:Monitor", childName(childName(COMPONENT.alerts, entry.service), entry.name)],
    slos: ["datadog:index/serviceLevelObjective:ServiceLevelObjective", childName(childName(COMPONENT.slos, entry.service), entry.name)],
    endpoints: ["datadog:index/syntheticsTest:SyntheticsTest", childName(childName(COMPONENT.uptime, entry.service), uptimeKey.endpoint(entry.name))],
  };
  const [type, name] = TYPES[entry.kind];
  return { type, name };
}

const ROOT_STACK = "pulumi:pulumi:Stack";

/**
 * The import file for the entries that have a Datadog ID. An entry whose resource the
 * plan lacks is Lookout's bug (the names module and the program disagree): it throws.
 */
export function pulumiImportFile(entries: readonly ImportedEntry[], planned: readonly PlannedResource[]): PulumiImportFile {
  const byUrn = new Map(planned.map((r) => [r.urn, r]));
  const byKey = new Map(planned.map((r) => [`${r.type}::${r.name}`, r]));
  const components = new Map<string, PulumiImportResource>();
  const nameTable: Record<string, string> = {};
  const resources: PulumiImportResource[] = [];
  const parentName = (resource: PlannedResource): string | undefined => {
    const parent = resource.parent === undefined ? undefined : byUrn.get(resource.parent);
    if (!parent || parent.type === ROOT_STACK) return undefined;
    if (!components.has(parent.urn)) {
      const grand = parentName(parent);
      components.set(parent.urn, { type: parent.type, name: parent.name, ...(grand ? { parent: grand } : {}), component: true });
    }
    return parent.name;
  };
  for (const entry of entries) {
    if (entry.id === undefined) continue;
    const { type, name } = plannedResourceOf(entry);
    const resource = byKey.get(`${type}::${name}`);
    if (!resource) throw new Error(`the plan has no ${type} named ${name} for ${entry.file}`);
    const parent = parentName(resource);
    // A provider reference is `<provider urn>::<provider id>` (PF-PU-IMP-1).
    const providerUrn = resource.provider?.replace(/::[^:]*$/, "");
    const provider = providerUrn?.split("::").pop();
    if (providerUrn && provider) nameTable[provider] = providerUrn;
    resources.push({ type, name, id: entry.id, ...(parent ? { parent } : {}), ...(provider ? { provider } : {}) });
  }
  return { nameTable, resources: [...components.values(), ...resources] };
}
