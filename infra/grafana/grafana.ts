/**
 * Grafana: a folder per team, the data sources the panels read (Datadog always; Postgres
 * for the ticket guide's business metrics) and the dashboards of `dashboards/` — the
 * guide's executive, operations and business dashboards and one generated dashboard per
 * team. UIDs are stable (derived from names), `configJson` is the dashboard's JSON with
 * sorted keys, so a preview shows a diff only when a dashboard really changes.
 *
 * The argument builders are pure; the component is a loop over them.
 */
import * as pulumi from "@pulumi/pulumi";
import * as grafana from "@pulumiverse/grafana";
import { type DashboardDefinition, dashboardJson, dashboardTeams, dataSourceRefs, stackDashboards, usedDataSources } from "../../dashboards";
import { dashboardTitle } from "../../dashboards/definition";
import { stableUid } from "../../dashboards/ids";
import { stableStringify } from "../../json/canonical";
import type { Catalog, GrafanaPostgres } from "../../catalog/model";
import { childName, dashboardsKey } from "../../catalog/names";
import type { GrafanaConfig } from "../stack/config";

/** A team's folder: `[prod] tickets-engineering`, its UID stable per environment and team. */
export function folderArgs(environment: string, team: string): grafana.oss.FolderArgs {
  return { uid: folderUid(environment, team), title: dashboardTitle(environment, team) };
}

export function folderUid(environment: string, team: string): string {
  return stableUid(environment, "folder", team);
}

/** Only the keys present, as one secret JSON object (absent when there is none). */
function secureJson(values: Record<string, pulumi.Output<string> | undefined>): pulumi.Output<string> | undefined {
  const present = Object.entries(values).filter((entry): entry is [string, pulumi.Output<string>] => entry[1] !== undefined);
  if (present.length === 0) return undefined;
  return pulumi.secret(pulumi.all(Object.fromEntries(present)).apply((resolved) => stableStringify(resolved)));
}

/** Grafana's Datadog plugin, on the stack's Datadog site, with the stack's Datadog keys. */
export function datadogDataSourceArgs(environment: string, config: GrafanaConfig): grafana.oss.DataSourceArgs {
  const ref = dataSourceRefs(environment).datadog;
  const secure = secureJson({ apiKey: config.datadogApiKey, appKey: config.datadogAppKey });
  return {
    name: `Lookout Datadog (${environment})`,
    type: ref.type,
    uid: ref.uid,
    jsonDataEncoded: stableStringify({ url: config.datadogApiUrl }),
    ...(secure ? { secureJsonDataEncoded: secure } : {}),
  };
}

/** Grafana's PostgreSQL data source on the business database, password from the stack secret. */
export function postgresDataSourceArgs(environment: string, postgres: GrafanaPostgres, config: GrafanaConfig): grafana.oss.DataSourceArgs {
  const ref = dataSourceRefs(environment).postgres;
  const secure = secureJson({ password: config.postgresPassword });
  return {
    name: `Lookout Postgres (${environment})`,
    type: ref.type,
    uid: ref.uid,
    url: postgres.host,
    username: postgres.user,
    jsonDataEncoded: stableStringify({ database: postgres.database, sslmode: postgres.sslMode }),
    ...(secure ? { secureJsonDataEncoded: secure } : {}),
  };
}

export function dashboardArgs(environment: string, definition: DashboardDefinition): grafana.oss.DashboardArgs {
  return {
    configJson: dashboardJson(definition),
    folder: folderUid(environment, definition.team),
    // The UIDs are Lookout's: a copy imported by hand (`lookout dashboards`) is taken over.
    overwrite: true,
    message: "Managed by Lookout (pulumi up); edit the catalog or dashboards/, not this dashboard.",
  };
}

export interface DashboardsArgs {
  readonly catalog: Catalog;
  readonly config: GrafanaConfig;
}

export class Dashboards extends pulumi.ComponentResource {
  /** Dashboard UIDs keyed by dashboard key (`executive`, `team-<team>` …). */
  public readonly uids: Record<string, string>;
  /** Dashboard URLs keyed by dashboard key (known after `pulumi up`). */
  public readonly urls: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: DashboardsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lookout:dashboards:Dashboards", name, {}, opts);
    const { catalog, config } = args;
    const { environment } = catalog;
    const definitions = stackDashboards(catalog);

    const folders = new Map<string, grafana.oss.Folder>();
    for (const team of dashboardTeams(catalog)) {
      folders.set(team, new grafana.oss.Folder(childName(name, dashboardsKey.folder(team)), folderArgs(environment, team), { parent: this }));
    }
    const sources: grafana.oss.DataSource[] = [];
    for (const kind of usedDataSources(catalog)) {
      const postgres = catalog.grafana?.postgres;
      const sourceArgs = kind === "datadog" ? datadogDataSourceArgs(environment, config) : postgres ? postgresDataSourceArgs(environment, postgres, config) : undefined;
      if (sourceArgs) sources.push(new grafana.oss.DataSource(`${name}-datasource-${kind}`, sourceArgs, { parent: this }));
    }
    const dashboards: Record<string, grafana.oss.Dashboard> = {};
    for (const definition of definitions) {
      const folder = folders.get(definition.team);
      dashboards[definition.key] = new grafana.oss.Dashboard(`${name}-${definition.key}`, dashboardArgs(environment, definition), {
        parent: this,
        dependsOn: [...(folder ? [folder] : []), ...sources],
      });
    }
    this.uids = Object.fromEntries(definitions.map((d) => [d.key, d.uid]));
    this.urls = pulumi.all(Object.fromEntries(Object.entries(dashboards).map(([key, d]) => [key, d.url])));
    this.registerOutputs({ uids: this.uids, urls: this.urls });
  }
}
