/**
 * The operations dashboard of the ticket guide: technical metrics for the engineering
 * team, refreshed every 10 s (002 "Real-Time Dashboards — Operations Dashboard": widgets
 * api_response_times, error_rates_by_endpoint, inventory_levels_all_cities,
 * stripe_webhook_processing, sms_delivery_status, database_performance; refreshRate
 * "10s"; alerts "all_priorities"; "DataDog + Sentry dashboards").
 *
 * Each widget draws the product's own alerts of the matching signals, with their warning
 * and critical lines: what the dashboard shows is what pages someone. A widget the
 * catalog declares nothing for stays, empty, and says which signal to declare.
 */
import type { Alert } from "../catalog/model";
import { type DashboardDefinition, defined, newDashboard, standardDashboardTags } from "./definition";
import { GUIDE_002, type GuideContext, pickAlertSeries, sourcesInWords } from "./guide";
import { GridLayout } from "./layout";
import { type PanelContext, seriesPanel } from "./panels";

export const OPERATIONS = { key: "operations", title: "Operations", refresh: "10s" } as const;

const isWebhookRoute = (alert: Alert) => alert.route !== undefined && /webhook/i.test(alert.route);
const readsDatabase = (alert: Alert) => Object.values(alert.metrics).some((metric) => /(^|\.)db\./.test(metric));

/** The guide's widgets and the alerts each one draws. */
export const OPERATIONS_WIDGETS: readonly { key: string; title: string; wanted: string; pick: (alert: Alert) => boolean }[] = [
  {
    key: "api-response-times",
    title: "API response times",
    wanted: "http.latency",
    pick: (a) => a.signal === "http.latency",
  },
  {
    key: "error-rates-by-endpoint",
    title: "Error rates by endpoint",
    wanted: "http.error-rate",
    pick: (a) => a.signal === "http.error-rate",
  },
  {
    key: "inventory-levels",
    title: "Inventory levels (all cities)",
    wanted: "inventory.negative or inventory.low",
    pick: (a) => a.signal === "inventory.negative" || a.signal === "inventory.low",
  },
  {
    key: "stripe-webhook-processing",
    title: "Stripe webhook processing",
    wanted: "payments.success-rate, webhooks.failure-rate or an http signal on a webhook route",
    pick: (a) => a.signal === "payments.success-rate" || a.signal === "webhooks.failure-rate" || isWebhookRoute(a),
  },
  {
    key: "sms-delivery",
    title: "SMS delivery",
    wanted: "sms.delivery-rate",
    pick: (a) => a.signal === "sms.delivery-rate",
  },
  {
    key: "database-performance",
    title: "Database performance",
    wanted: "db.query-time, db.connection-errors or a metric of the database",
    pick: (a) => a.signal === "db.query-time" || a.signal === "db.connection-errors" || readsDatabase(a),
  },
];

export function operationsDashboard(ctx: GuideContext): DashboardDefinition {
  const panels: PanelContext = { dashboardKey: OPERATIONS.key, grid: new GridLayout(), refs: ctx.refs };
  const builder = newDashboard({
    environment: ctx.environment,
    key: OPERATIONS.key,
    title: OPERATIONS.title,
    description: `Technical metrics of ${ctx.product} for the engineering team, with every alert's lines (${GUIDE_002}: Operations Dashboard, all priorities).`,
    refresh: OPERATIONS.refresh,
    tags: standardDashboardTags(ctx.environment, ctx.team, "guide:002"),
    from: "now-6h",
  });
  for (const widget of OPERATIONS_WIDGETS) {
    const series = pickAlertSeries(ctx, widget.pick);
    builder.withPanel(
      seriesPanel(panels, { key: widget.key, title: widget.title, description: `${widget.title}, with each alert's warning and critical lines. ${sourcesInWords(series, widget.wanted)}`, w: 12, h: 9 }, series),
    );
  }
  return defined(OPERATIONS.key, ctx.team, builder);
}
