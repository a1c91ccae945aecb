/**
 * The two data sources the dashboards read and their query models, as builders the
 * SDK's panels take (`withTarget`). The Foundation SDK ships no query types for either
 * plugin, so they are written here; each builds exactly the target JSON Grafana stores.
 *
 * - Datadog (`grafana-datadog-datasource`, Grafana's Datadog plugin): signals and
 *   checks. A target is the plugin's raw query mode: `queryType` `metrics` with a Datadog
 *   metrics query (`query`), or `rum` with a RUM query (`rum("<search>").rollup(…)`) —
 *   the same text the alert's monitor evaluates, without its window and comparison.
 * - PostgreSQL (`grafana-postgresql-datasource`, Grafana's bundled SQL data source): the
 *   business metrics (002 "Implementation Tools": "Custom Postgres + Grafana"). A target
 *   is raw SQL in code mode with Grafana's macros (`$__timeFilter`, `$__timeGroupAlias`).
 */
import { stableUid } from "./ids";
import type { Builder, DataSourceRef, Dataquery } from "./sdk";

export const DATADOG_PLUGIN = "grafana-datadog-datasource";
export const POSTGRES_PLUGIN = "grafana-postgresql-datasource";

export interface DataSourceRefs {
  readonly datadog: DataSourceRef & { readonly uid: string; readonly type: string };
  readonly postgres: DataSourceRef & { readonly uid: string; readonly type: string };
}

/** The stack's data sources: stable UIDs per environment, so dashboards can name them before they exist. */
export function dataSourceRefs(environment: string): DataSourceRefs {
  return {
    datadog: { type: DATADOG_PLUGIN, uid: stableUid(environment, "datadog") },
    postgres: { type: POSTGRES_PLUGIN, uid: stableUid(environment, "postgres") },
  };
}

export type DatadogQueryType = "metrics" | "rum";

export interface DatadogTarget extends Dataquery {
  refId: string;
  datasource: DataSourceRef;
  queryType: DatadogQueryType;
  /** The Datadog query text. */
  query: string;
  /** The legend: the catalog name of what the series shows. */
  alias: string;
}

export class DatadogQueryBuilder implements Builder<Dataquery> {
  constructor(
    private readonly refId: string,
    private readonly datasource: DataSourceRef,
    private readonly queryType: DatadogQueryType,
    private readonly query: string,
    private readonly alias: string,
  ) {}

  build(): DatadogTarget {
    return {
      refId: this.refId,
      datasource: { ...this.datasource },
      queryType: this.queryType,
      query: this.query,
      alias: this.alias,
      _implementsDataqueryVariant: () => {},
    };
  }
}

export type SqlFormat = "table" | "time_series";

export interface PostgresTarget extends Dataquery {
  refId: string;
  datasource: DataSourceRef;
  rawQuery: true;
  editorMode: "code";
  format: SqlFormat;
  rawSql: string;
}

export class PostgresQueryBuilder implements Builder<Dataquery> {
  constructor(
    private readonly refId: string,
    private readonly datasource: DataSourceRef,
    private readonly rawSql: string,
    private readonly format: SqlFormat,
  ) {}

  build(): PostgresTarget {
    return {
      refId: this.refId,
      datasource: { ...this.datasource },
      rawQuery: true,
      editorMode: "code",
      format: this.format,
      rawSql: this.rawSql,
      _implementsDataqueryVariant: () => {},
    };
  }
}
