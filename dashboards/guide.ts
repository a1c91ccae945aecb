/**
 * What the three dashboards of the ticket guide (002 "Real-Time Dashboards") share: the
 * product they show (the catalog's `grafana.guideDashboards.product`), its services, the
 * data sources, and the choice of the catalog's alerts a widget draws.
 */
import type { Alert, Service, Severity } from "../catalog/model";
import type { DataSourceRefs } from "./queries";
import { alertSeries, endpointSeries, queryKey, type Series, UPTIME_SIGNAL } from "./signals";

export interface GuideContext {
  readonly environment: string;
  /** The product whose services the dashboards show. */
  readonly product: string;
  /** The team whose folder holds them. */
  readonly team: string;
  /** The product's services, by name. */
  readonly services: readonly Service[];
  readonly refs: DataSourceRefs;
}

/** The guide's citation for the three dashboards' widgets and refresh rates. */
export const GUIDE_002 = '002 "Real-Time Dashboards"';

const SEVERITY_ORDER: Readonly<Record<Severity, number>> = { P0: 0, P1: 1, P2: 2, P3: 3 };

/**
 * The series of the product's alerts that `pick` selects, one per distinct query: when
 * an alert and its target share a query, the most severe keeps its lines. In service,
 * then key order.
 */
export function pickAlertSeries(ctx: GuideContext, pick: (alert: Alert, service: Service) => boolean): Series[] {
  const candidates = ctx.services
    .flatMap((service) => service.alerts.filter((a) => pick(a, service)).map((alert) => ({ service, alert })))
    .sort((a, b) => SEVERITY_ORDER[a.alert.severity] - SEVERITY_ORDER[b.alert.severity] || a.service.name.localeCompare(b.service.name) || a.alert.name.localeCompare(b.alert.name));
  const byQuery = new Map<string, Series>();
  for (const { service, alert } of candidates) {
    const series = alertSeries(ctx.environment, service, alert);
    if (!series) continue;
    const key = queryKey(series.queryType, series.query);
    if (!byQuery.has(key)) byQuery.set(key, series);
  }
  return [...byQuery.values()].sort((a, b) => a.service.localeCompare(b.service) || a.key.localeCompare(b.key));
}

/** The uptime series of every endpoint of the product. */
export function productUptime(ctx: GuideContext): Series[] {
  return ctx.services.flatMap((service) => service.endpoints.flatMap((e) => endpointSeries(service, e))).filter((s) => s.signal === UPTIME_SIGNAL);
}

/** "from the alerts tickets-web/response-time-high, …" or what to declare when there are none. */
export function sourcesInWords(series: readonly Series[], wanted: string): string {
  if (series.length === 0) return `No alert of this product declares ${wanted} yet: add one to the catalog and it appears here.`;
  return `From the catalog: ${series.map((s) => `${s.service}/${s.key.replace(/^(alert|endpoint)\//, "")}`).join(", ")}.`;
}
