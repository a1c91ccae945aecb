/**
 * The executive dashboard of the ticket guide: high-level business metrics for
 * leadership, refreshed every 30 s (002 "Real-Time Dashboards — Executive Dashboard":
 * widgets revenue_today, tickets_sold_today, conversion_rate_24h, system_health_status,
 * upcoming_workshops_status, customer_satisfaction_score; refreshRate "30s"; "Grafana
 * with custom business panels"). Business figures come from Postgres (`sql.ts`), system
 * health from the product's uptime checks in Datadog.
 */
import { type DashboardDefinition, defined, newDashboard, standardDashboardTags } from "./definition";
import { GUIDE_002, type GuideContext, productUptime, sourcesInWords } from "./guide";
import { GridLayout } from "./layout";
import { type PanelContext, seriesStat, sqlPanel } from "./panels";
import { SQL } from "./sql";

export const EXECUTIVE = { key: "executive", title: "Executive", refresh: "30s" } as const;

export function executiveDashboard(ctx: GuideContext): DashboardDefinition {
  const panels: PanelContext = { dashboardKey: EXECUTIVE.key, grid: new GridLayout(), refs: ctx.refs };
  const uptime = productUptime(ctx);
  const builder = newDashboard({
    environment: ctx.environment,
    key: EXECUTIVE.key,
    title: EXECUTIVE.title,
    description: `High-level business metrics of ${ctx.product} for leadership (${GUIDE_002}: Executive Dashboard, critical alerts only).`,
    refresh: EXECUTIVE.refresh,
    tags: standardDashboardTags(ctx.environment, ctx.team, "guide:002"),
  })
    .withPanel(
      sqlPanel(panels, {
        key: "revenue-today",
        title: "Revenue today",
        description: 'Paid orders since midnight, in US dollars. Green from the daily goal: 002 "Revenue Protection" dailyRevenue target "$50,000+".',
        visual: "stat",
        sql: SQL.revenueToday,
        format: "table",
        unit: "currencyUSD",
        steps: [{ value: null, color: "orange" }, { value: 50_000, color: "green" }],
        w: 6,
        h: 6,
      }),
    )
    .withPanel(
      sqlPanel(panels, {
        key: "tickets-sold-today",
        title: "Tickets sold today",
        description: "Tickets in orders paid since midnight.",
        visual: "stat",
        sql: SQL.ticketsSoldToday,
        format: "table",
        w: 6,
        h: 6,
      }),
    )
    .withPanel(
      sqlPanel(panels, {
        key: "conversion-rate-24h",
        title: "Conversion rate (24 h)",
        description:
          'Share of checkout sessions of the last 24 hours that were paid. 002 "Revenue Protection" conversionRate: critical below 85% (red), warning below 90% (orange), target above 95% (green).',
        visual: "stat",
        sql: SQL.conversion24h,
        format: "table",
        unit: "percent",
        steps: [{ value: null, color: "red" }, { value: 85, color: "orange" }, { value: 90, color: "yellow" }, { value: 95, color: "green" }],
        w: 6,
        h: 6,
      }),
    )
    .withPanel(
      sqlPanel(panels, {
        key: "customer-satisfaction",
        title: "Customer satisfaction (30 d)",
        description:
          'Share of post-workshop survey answers of 4 or 5 out of 5 in the last 30 days. 002 names the score without a bound; green from 90%, 003 "Success Criteria": "Customer Satisfaction: >90%".',
        visual: "stat",
        sql: SQL.satisfaction30d,
        format: "table",
        unit: "percent",
        steps: [{ value: null, color: "orange" }, { value: 90, color: "green" }],
        w: 6,
        h: 6,
      }),
    )
    .withPanel(
      seriesStat(
        panels,
        {
          key: "system-health",
          title: "System health",
          description:
            `Uptime of each of ${ctx.product}'s checked endpoints (synthetics runs passed). 002 "Availability Targets" Web Application: ` +
            `critical below 99% (red), warning below 99.5% (orange), target 99.9% (green). ${sourcesInWords(uptime, "an endpoint")}`,
          w: 12,
          h: 8,
        },
        uptime,
        [{ value: null, color: "red" }, { value: 99, color: "orange" }, { value: 99.5, color: "yellow" }, { value: 99.9, color: "green" }],
      ),
    )
    .withPanel(
      sqlPanel(panels, {
        key: "upcoming-workshops",
        title: "Upcoming workshops",
        description: "The next 20 workshops by date: capacity, tickets sold and remaining per city.",
        visual: "table",
        sql: SQL.upcomingWorkshops,
        format: "table",
        w: 12,
        h: 8,
      }),
    );
  return defined(EXECUTIVE.key, ctx.team, builder);
}
