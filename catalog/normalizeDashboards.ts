/**
 * The `grafana` key: schema-valid raw settings → model, with the references a schema
 * cannot check (the guide dashboards' product and team, the Postgres they need).
 * Problems are reported at their paths; nothing here throws on bad input.
 */
import type { SourceRef } from "./model";
import type { GrafanaSettings } from "./modelDashboards";
import type { RawGrafana } from "./schemaDashboards";

/** Reports and locates a path of one file (document paths, from the root). */
export interface GrafanaSite {
  report(path: readonly PropertyKey[], message: string): void;
  source(path: readonly PropertyKey[]): SourceRef;
}

export interface LocatedGrafana {
  readonly value: RawGrafana;
  readonly path: readonly PropertyKey[];
  readonly site: GrafanaSite;
}

export interface KnownNames {
  readonly products: ReadonlySet<string>;
  /** Teams that own a service. */
  readonly teams: ReadonlySet<string>;
}

const known = (names: ReadonlySet<string>) => [...names].sort().join(", ") || "none declared";

/** The `grafana` settings (set in one file of a folder at most), or undefined when no file sets them. */
export function normalizeDashboards(settings: readonly LocatedGrafana[], names: KnownNames): GrafanaSettings | undefined {
  const [first, ...extra] = settings;
  for (const other of extra) {
    other.site.report(other.path, `"grafana" is already set in ${first.site.source([]).file}; set it in one file of the catalog only`);
  }
  if (!first) return undefined;
  const { value: raw, path, site } = first;
  const guide = raw.guideDashboards;
  if (guide) {
    if (!names.products.has(guide.product)) {
      site.report([...path, "guideDashboards", "product"], `unknown product "${guide.product}"; expected one of ${known(names.products)}`);
    }
    if (!names.teams.has(guide.team)) {
      site.report([...path, "guideDashboards", "team"], `unknown team "${guide.team}"; expected a team that owns a service: ${known(names.teams)}`);
    }
    if (!raw.postgres) {
      site.report(
        [...path, "guideDashboards"],
        'the guide dashboards read business metrics from Postgres (002 "Implementation Tools": "Custom Postgres + Grafana"); add grafana.postgres',
      );
    }
  }
  return {
    ...(guide ? { guideDashboards: { product: guide.product, team: guide.team, source: site.source([...path, "guideDashboards"]) } } : {}),
    ...(raw.postgres ? { postgres: { ...raw.postgres, source: site.source([...path, "postgres"]) } } : {}),
    source: site.source(path),
  };
}
