/**
 * Stable identifiers, derived from names only: a dashboard's UID from its environment
 * and key, a panel's ID from its dashboard and panel keys. Never positions, never
 * randomness: reordering a catalog or adding a panel changes no existing ID, so Grafana
 * URLs and `pulumi preview` diffs stay put.
 */
import { createHash } from "crypto";

/** Grafana UIDs: 1–40 characters of letters, digits, `-` and `_`. */
export const UID_PATTERN = /^[A-Za-z0-9_-]{1,40}$/;
export const UID_MAX_LENGTH = 40;

/** The first `length` hex digits of the SHA-256 of `text`. */
export function shortHash(text: string, length = 10): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/**
 * A readable, stable Grafana UID: the parts in kebab-case (cut to fit), then a short
 * hash of all of them, so two keys that share a long prefix still differ:
 * `stableUid("prod", "executive")` → `prod-executive-<10 hex>`.
 */
export function stableUid(...parts: readonly string[]): string {
  const hash = shortHash(parts.join("\u0000"));
  const readable = parts
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, UID_MAX_LENGTH - hash.length - 1)
    .replace(/-$/, "");
  return readable ? `${readable}-${hash}` : hash;
}

/**
 * A panel's ID: a positive 31-bit integer hashed from the dashboard's key and the
 * panel's key (`tickets-web/alert/api-error-rate`). Unique in practice; the dashboard
 * model check rejects a collision rather than let one panel shadow another.
 */
export function panelId(dashboardKey: string, panelKey: string): number {
  const value = parseInt(shortHash(`${dashboardKey}\u0000${panelKey}`, 8), 16) & 0x7fffffff;
  return value === 0 ? 1 : value;
}
