/** Stack outputs gathered from components: resource IDs keyed by catalog names. */
import * as pulumi from "@pulumi/pulumi";

/** The resources' IDs keyed `<service>/<key>`. */
export function idsByKey(service: string, resources: Readonly<Record<string, pulumi.CustomResource>>): pulumi.Output<Record<string, string>> {
  return pulumi
    .all(Object.entries(resources).map(([key, resource]) => resource.id.apply((id) => [`${service}/${key}`, id] as const)))
    .apply((entries) => Object.fromEntries(entries));
}

/**
 * Several keyed maps as one (keys are unique: they carry their service's name). Unknown
 * when any part is (a preview's IDs), secret when any part is (PF-PULUMI-1); a sharded
 * plan's merge joins the shards' parts the same way (cli/engine/shards.ts).
 */
export function mergeRecords(records: readonly pulumi.Output<Record<string, string>>[]): pulumi.Output<Record<string, string>> {
  return pulumi.all([...records]).apply((maps) => Object.assign({}, ...maps) as Record<string, string>);
}
