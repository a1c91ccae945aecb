/**
 * The business-intelligence dashboard of the ticket guide: analytics for product and
 * marketing, refreshed every 5 minutes (002 "Real-Time Dashboards — Business Intelligence
 * Dashboard": widgets sales_by_city_trend, ticket_type_popularity,
 * member_vs_nonmember_sales, peak_traffic_patterns, marketing_channel_effectiveness,
 * customer_journey_funnel; refreshRate "5m"). All of it from Postgres (`sql.ts`).
 */
import { type DashboardDefinition, defined, newDashboard, standardDashboardTags } from "./definition";
import { GUIDE_002, type GuideContext } from "./guide";
import { GridLayout } from "./layout";
import { type PanelContext, sqlPanel } from "./panels";
import { FUNNEL_STEPS, SQL } from "./sql";

export const BUSINESS = { key: "business", title: "Business intelligence", refresh: "5m" } as const;

export function businessDashboard(ctx: GuideContext): DashboardDefinition {
  const panels: PanelContext = { dashboardKey: BUSINESS.key, grid: new GridLayout(), refs: ctx.refs };
  const builder = newDashboard({
    environment: ctx.environment,
    key: BUSINESS.key,
    title: BUSINESS.title,
    description: `Sales, audience and funnel analytics of ${ctx.product} for product and marketing (${GUIDE_002}: Business Intelligence Dashboard, business metrics only).`,
    refresh: BUSINESS.refresh,
    tags: standardDashboardTags(ctx.environment, ctx.team, "guide:002"),
    from: "now-30d",
  })
    .withPanel(
      sqlPanel(panels, {
        key: "sales-by-city",
        title: "Sales by city",
        description: 'Revenue of paid orders per city and day (002 "Revenue Tracking": revenue_per_city, GROUP BY city, SUM(amount)).',
        visual: "timeseries",
        sql: SQL.salesByCity,
        format: "time_series",
        unit: "currencyUSD",
        w: 12,
        h: 8,
      }),
    )
    .withPanel(
      sqlPanel(panels, {
        key: "ticket-type-popularity",
        title: "Ticket type popularity",
        description: "Tickets sold per ticket type (GA, VIP) in the time range.",
        visual: "piechart",
        sql: SQL.ticketTypePopularity,
        format: "table",
        w: 6,
        h: 8,
      }),
    )
    .withPanel(
      sqlPanel(panels, {
        key: "member-vs-nonmember",
        title: "Member vs non-member sales",
        description: 'Average order of members and non-members (002 "Revenue Tracking": member_vs_nonmember_value, AVG(amount) GROUP BY is_member).',
        visual: "bargauge",
        sql: SQL.memberVsNonMember,
        format: "table",
        unit: "currencyUSD",
        w: 6,
        h: 8,
      }),
    )
    .withPanel(
      sqlPanel(panels, {
        key: "peak-traffic",
        title: "Peak traffic patterns",
        description: "Checkout sessions started per hour: when buyers come.",
        visual: "timeseries",
        sql: SQL.peakTraffic,
        format: "time_series",
        w: 12,
        h: 8,
      }),
    )
    .withPanel(
      sqlPanel(panels, {
        key: "marketing-channels",
        title: "Marketing channel effectiveness",
        description: "Checkout sessions, paid orders and conversion per marketing channel (utm_source; none = direct).",
        visual: "table",
        sql: SQL.marketingChannels,
        format: "table",
        w: 12,
        h: 8,
      }),
    )
    .withPanel(
      sqlPanel(panels, {
        key: "journey-funnel",
        title: "Customer journey funnel",
        description: `Sessions reaching each step: ${FUNNEL_STEPS.join(" → ")} (002 "User Experience Metrics": conversion_funnel; a drop-off over 20% at any step alerts).`,
        visual: "bargauge",
        sql: SQL.journeyFunnel,
        format: "table",
        w: 24,
        h: 7,
      }),
    );
  return defined(BUSINESS.key, ctx.team, builder);
}
