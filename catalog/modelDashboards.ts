/** The normalized `grafana` settings (see `schemaDashboards.ts`); part of `model.ts`'s Catalog. */
import type { SourceRef } from "./modelShared";

/** 002's executive, operations and business dashboards: the product they show, the team whose folder holds them. */
export interface GrafanaGuideDashboards {
  readonly product: string;
  readonly team: string;
  readonly source: SourceRef;
}

/** The Postgres data source of the business metrics; its password is the stack secret lookout:grafanaPostgresPassword. */
export interface GrafanaPostgres {
  /** host:port */
  readonly host: string;
  readonly database: string;
  readonly user: string;
  readonly sslMode: "disable" | "require" | "verify-ca" | "verify-full";
  readonly source: SourceRef;
}

export interface GrafanaSettings {
  readonly guideDashboards?: GrafanaGuideDashboards;
  readonly postgres?: GrafanaPostgres;
  readonly source: SourceRef;
}
