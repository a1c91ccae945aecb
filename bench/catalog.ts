/**
 * Synthetic catalogs for benchmarks: `size` services across products, with the shipped
 * prod catalog's mix per service: three endpoints (a journey for every fifth), eight
 * alerts of the common signals, an SLO for every second service, a Sentry project for
 * every third; teams with rotations and a paging routing table; a backup and a status
 * page per product. A `shape` chooses per service what it has instead of that mix.
 */
import { stringify } from "yaml";

const TEAMS = 20;

/** What a synthetic service has besides its three endpoints. */
export interface ServiceShape {
  readonly journey: boolean;
  readonly alerts: boolean;
  readonly slo: boolean;
  readonly sentry: boolean;
}

/** The shipped prod catalog's mix: a journey every fifth service, alerts everywhere, an SLO every second, Sentry every third. */
export function prodMix(i: number): ServiceShape {
  return { journey: i % 5 === 0, alerts: true, slo: i % 2 === 0, sentry: i % 3 === 0 };
}

export function syntheticCatalog(size: number, environment = "prod", shape: (i: number) => ServiceShape = prodMix): string {
  const products = Array.from({ length: Math.max(1, Math.ceil(size / 25)) }, (_, i) => ({
    name: `product-${i}`,
    description: `Synthetic product ${i}.`,
  }));
  const teamCount = Math.min(TEAMS, size);
  const teams = Array.from({ length: teamCount }, (_, t) => {
    const people = [`a${t}@example.com`, `b${t}@example.com`, `lead${t}@example.com`];
    return {
      name: `team-${t}`,
      timeZone: "UTC",
      members: people.map((email) => ({ email })),
      rotations: [{ name: "primary", members: people.slice(0, 2), handoff: { day: "monday", time: "09:00" }, start: "2026-01-05" }],
      escalation: { levels: [{ until: "5m", notify: ["schedule:primary"] }, { until: "15m", notify: [`user:${people[2]}`] }] },
      chat: { alerts: `#team-${t}`, emergency: `#team-${t}-emergency` },
      email: [`team-${t}@example.com`],
      sentryPagerdutyService: String(1000 + t),
    };
  });
  const services = Array.from({ length: size }, (_, i) => {
    const host = `svc-${i}.example.com`;
    const metrics = (a: string, b: string) => ({ [a]: `svc${i}.${a}`, [b]: `svc${i}.${b}` });
    const has = shape(i);
    return {
      name: `svc-${i}`,
      product: products[i % products.length].name,
      team: `team-${i % teamCount}`,
      tier: i % 4,
      description: `Synthetic service ${i}.`,
      runbook: `https://runbooks.example.com/svc-${i}`,
      endpoints: [
        { name: "home", url: `https://${host}/`, interval: "1m", severity: "P0", expect: { status: 200, responseTime: "2s" } },
        { name: "health", url: `https://${host}/api/health`, interval: "2m", severity: "P1", expect: { body: ['$.status == "healthy"'] } },
        { name: "webhook", url: `https://${host}/api/webhook`, interval: "5m", severity: "P1", expect: { status: 405 } },
      ],
      journeys:
        has.journey
          ? [
              {
                name: "purchase",
                interval: "5m",
                maxDuration: "30s",
                successRate: "99%",
                severity: "P0",
                steps: [
                  { name: "open", url: `https://${host}/register` },
                  { name: "pay", method: "POST", url: `https://${host}/api/checkout`, body: "{}", expect: { status: 201 } },
                ],
              },
            ]
          : [],
      alerts: has.alerts
        ? [
            { name: "error-rate", signal: "http.error-rate", warning: "0.5%", critical: "1%", severity: "P1" },
            { name: "latency-p95", signal: "http.latency", percentile: "p95", warning: "500ms", critical: "1s", severity: "P1" },
            { name: "latency-p99", signal: "http.latency", percentile: "p99", critical: "2s", severity: "P0" },
            { name: "throughput", signal: "http.throughput-drop", critical: "-50%", window: "1h", severity: "P2" },
            { name: "payments", signal: "payments.success-rate", metrics: metrics("succeeded", "attempted"), critical: "95%", window: "2m", severity: "P0" },
            { name: "webhooks", signal: "webhooks.failure-rate", metrics: metrics("failed", "received"), critical: "1%", severity: "P1" },
            { name: "lcp", signal: "rum.lcp", critical: "2.5s", window: "1d", severity: "P3" },
            { name: "db-time", signal: "db.query-time", metrics: { time: `svc${i}.db.time` }, critical: "200ms", severity: "P2" },
          ]
        : [],
      slos: has.slo ? [{ name: "availability", target: "99.9%", severity: "P1", sli: { type: "http" } }] : [],
      ...(has.sentry
        ? {
            sentry: {
              issueAlerts: [
                { name: "new-issues", when: "new-issue", severity: "P2" },
                { name: "bursts", when: "frequency", count: 50, interval: "1h", severity: "P1" },
              ],
              metricAlerts: [{ name: "failure-rate", signal: "failure-rate", critical: "5%", window: "5m", severity: "P1" }],
            },
          }
        : {}),
    };
  });
  const byProduct = (p: string) => services.filter((s) => s.product === p);
  return stringify({
    environment,
    products,
    routing: {
      slackAccount: "bench",
      sentry: {
        slackWorkspace: "bench",
        pagerdutyAccount: "bench",
        // Sentry posts by channel ID (docs/provider-facts.md PF-SEN-6).
        slackChannels: Object.fromEntries(
          teams.flatMap((_, t) => [
            [`#team-${t}`, `C0BENCH${String(t).padStart(3, "0")}A`],
            [`#team-${t}-emergency`, `C0BENCH${String(t).padStart(3, "0")}E`],
          ]),
        ),
      },
      severities: {
        P0: { page: "high", chat: ["emergency"], email: true },
        P1: { page: "high", chat: ["alerts"] },
        P2: { page: "low", chat: ["alerts"] },
        P3: { chat: ["alerts"], email: true },
      },
    },
    teams,
    services,
    backups: products.map((p) => ({
      name: `${p.name}-db`,
      product: p.name,
      service: byProduct(p.name)[0].name,
      description: "Database dump.",
      every: "1d",
      retention: "30d",
      access: { write: ["arn:aws:iam::123456789012:role/backup-job"], restore: ["arn:aws:iam::123456789012:role/oncall"] },
    })),
    statusPages: products.map((p) => ({
      product: p.name,
      title: `${p.name} status`,
      components: [
        {
          name: "website",
          title: "Website",
          endpoints: byProduct(p.name).map((s) => `${s.name}/home`),
          journeys: byProduct(p.name).filter((s) => s.journeys.length > 0).map((s) => `${s.name}/purchase`),
        },
      ],
    })),
  });
}
