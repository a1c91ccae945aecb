/**
 * The catalog's Grafana part, `grafana`: which product the ticket guide's executive,
 * operations and business dashboards show and which team's folder holds them, and the
 * Postgres database the business metrics live in (002 "Implementation Tools":
 * business_metrics "Custom Postgres + Grafana"). Raw form; `normalizeDashboards.ts`
 * checks the references. The database password is a stack secret
 * (`pulumi config set --secret lookout:grafanaPostgresPassword`), never the catalog.
 */
import { z } from "zod";
import { Name } from "./primitives";

export const POSTGRES_SSL_MODES = ["disable", "require", "verify-ca", "verify-full"] as const;

export const GuideDashboards = z
  .strictObject({
    product: Name.meta({ description: "The product whose services they show (one of products[].name): the ticket system of guide 002." }),
    team: Name.meta({ description: "The team whose Grafana folder holds them (a team that owns a service)." }),
  })
  .meta({
    description:
      '002 "Real-Time Dashboards": the executive (refresh 30s), operations (10s) and business-intelligence (5m) dashboards.',
  });

export const PostgresDataSource = z
  .strictObject({
    host: z
      .string()
      .regex(/^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\d{1,5})?$/, { error: "a host name with an optional port, such as db.example.com:5432" })
      .meta({ description: "host:port of the database." }),
    database: z.string().min(1).meta({ description: "The database holding the business tables (orders, checkout_sessions, workshops …)." }),
    user: z.string().min(1).meta({ description: "A read-only role. Its password: the stack secret lookout:grafanaPostgresPassword." }),
    sslMode: z.enum(POSTGRES_SSL_MODES).default("require").meta({ description: "disable, require (default), verify-ca or verify-full." }),
  })
  .meta({ description: "The Grafana Postgres data source of the business metrics." });

export const Grafana = z
  .strictObject({
    guideDashboards: GuideDashboards.optional(),
    postgres: PostgresDataSource.optional(),
  })
  .meta({
    description:
      "Grafana: a folder per team with a generated dashboard of its services, the Datadog (and Postgres) data sources, " +
      "and the ticket guide's three dashboards. Without this key no Grafana resource is created (set it in one file).",
  });

export type RawGrafana = z.output<typeof Grafana>;
