/**
 * Synthetic catalogs for benchmarks: `size` services across products, each with the
 * shape of a typical shipped service (three endpoints, a journey for every fifth).
 */
import { stringify } from "yaml";

export function syntheticCatalog(size: number, environment = "prod"): string {
  const products = Array.from({ length: Math.max(1, Math.ceil(size / 25)) }, (_, i) => ({
    name: `product-${i}`,
    description: `Synthetic product ${i}.`,
  }));
  const services = Array.from({ length: size }, (_, i) => {
    const host = `svc-${i}.example.com`;
    return {
      name: `svc-${i}`,
      product: products[i % products.length].name,
      team: `team-${i % 20}`,
      tier: i % 4,
      description: `Synthetic service ${i}.`,
      runbook: `https://runbooks.example.com/svc-${i}`,
      endpoints: [
        { name: "home", url: `https://${host}/`, interval: "1m", severity: "P0", expect: { status: 200, responseTime: "2s" } },
        { name: "health", url: `https://${host}/api/health`, interval: "2m", severity: "P1", expect: { body: ['$.status == "healthy"'] } },
        { name: "webhook", url: `https://${host}/api/webhook`, interval: "5m", severity: "P1", expect: { status: 405 } },
      ],
      journeys:
        i % 5 === 0
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
    };
  });
  return stringify({ environment, products, services });
}
