/**
 * The business metrics the ticket guide keeps in Postgres (002 "Implementation Tools":
 * business_metrics "Custom Postgres + Grafana"; "Revenue Tracking": `SUM(stripe_payments.amount)`,
 * `GROUP BY city`, `AVG(amount) GROUP BY is_member`), as the SQL the executive and
 * business-intelligence dashboards run. The ticket system's schema is not in the guide;
 * these queries assume the tables below — the application's, read by a read-only role —
 * and are the one place to change if its schema differs.
 *
 *   orders                  one row per order paid through Stripe Checkout
 *     id                    text         the Stripe Checkout session id
 *     city                  text         the workshop's city
 *     ticket_type           text         'ga' | 'vip'
 *     quantity              integer      tickets in the order
 *     amount_cents          bigint       amount charged, in US cents (Stripe's unit)
 *     is_member             boolean      bought at the member price
 *     utm_source            text         marketing channel of the visit (null: direct)
 *     status                text         'paid' | 'refunded'
 *     paid_at               timestamptz
 *   checkout_sessions       every Stripe Checkout session created
 *     id                    text
 *     status                text         'open' | 'complete' | 'expired' (Stripe's)
 *     utm_source            text
 *     created_at            timestamptz
 *   workshops               one row per workshop date and city
 *     id, city              text
 *     starts_at             timestamptz
 *     capacity              integer      tickets on sale
 *     tickets_sold          integer
 *   funnel_events           one row per session and funnel step reached (002 "conversion_funnel")
 *     session_id            text
 *     step                  text         page_view | form_start | ticket_selection | checkout_start | payment_complete
 *     occurred_at           timestamptz
 *   satisfaction_responses  the post-workshop survey
 *     score                 integer      1–5; 4 and 5 count as satisfied
 *     submitted_at          timestamptz
 *
 * "Today" is the database's current day (`date_trunc('day', now())`, its time zone).
 * Time-series queries use Grafana's macros, so they follow the dashboard's time range.
 */

/** 002 "conversion_funnel" steps, in order. */
export const FUNNEL_STEPS = ["page_view", "form_start", "ticket_selection", "checkout_start", "payment_complete"] as const;

export const SQL = {
  revenueToday: `SELECT COALESCE(SUM(amount_cents), 0) / 100.0 AS "Revenue today"
FROM orders
WHERE status = 'paid' AND paid_at >= date_trunc('day', now())`,

  ticketsSoldToday: `SELECT COALESCE(SUM(quantity), 0) AS "Tickets sold today"
FROM orders
WHERE status = 'paid' AND paid_at >= date_trunc('day', now())`,

  conversion24h: `SELECT 100.0 * COUNT(*) FILTER (WHERE status = 'complete') / NULLIF(COUNT(*), 0) AS "Conversion (24 h)"
FROM checkout_sessions
WHERE created_at >= now() - interval '24 hours'`,

  upcomingWorkshops: `SELECT city AS "City", starts_at AS "Starts", capacity AS "Capacity", tickets_sold AS "Sold",
       capacity - tickets_sold AS "Remaining",
       round(100.0 * tickets_sold / NULLIF(capacity, 0), 1) AS "Sold %"
FROM workshops
WHERE starts_at >= now()
ORDER BY starts_at
LIMIT 20`,

  satisfaction30d: `SELECT 100.0 * COUNT(*) FILTER (WHERE score >= 4) / NULLIF(COUNT(*), 0) AS "Satisfied (30 d)"
FROM satisfaction_responses
WHERE submitted_at >= now() - interval '30 days'`,

  salesByCity: `SELECT $__timeGroupAlias(paid_at, '1d'), city AS metric, SUM(amount_cents) / 100.0 AS value
FROM orders
WHERE status = 'paid' AND $__timeFilter(paid_at)
GROUP BY 1, 2
ORDER BY 1`,

  ticketTypePopularity: `SELECT upper(ticket_type) AS "Ticket type", SUM(quantity) AS "Tickets"
FROM orders
WHERE status = 'paid' AND $__timeFilter(paid_at)
GROUP BY 1
ORDER BY 2 DESC`,

  memberVsNonMember: `SELECT CASE WHEN is_member THEN 'Members' ELSE 'Non-members' END AS "Buyer",
       AVG(amount_cents) / 100.0 AS "Average order"
FROM orders
WHERE status = 'paid' AND $__timeFilter(paid_at)
GROUP BY 1
ORDER BY 1`,

  peakTraffic: `SELECT $__timeGroupAlias(created_at, '1h'), COUNT(*) AS "Checkout sessions started"
FROM checkout_sessions
WHERE $__timeFilter(created_at)
GROUP BY 1
ORDER BY 1`,

  marketingChannels: `SELECT COALESCE(utm_source, 'direct') AS "Channel",
       COUNT(*) AS "Checkout sessions",
       COUNT(*) FILTER (WHERE status = 'complete') AS "Paid",
       round(100.0 * COUNT(*) FILTER (WHERE status = 'complete') / NULLIF(COUNT(*), 0), 1) AS "Conversion %"
FROM checkout_sessions
WHERE $__timeFilter(created_at)
GROUP BY 1
ORDER BY 3 DESC`,

  journeyFunnel: `SELECT step AS "Step", COUNT(DISTINCT session_id) AS "Sessions"
FROM funnel_events
WHERE $__timeFilter(occurred_at)
GROUP BY step
ORDER BY array_position(ARRAY[${FUNNEL_STEPS.map((s) => `'${s}'`).join(", ")}], step)`,
} as const;
