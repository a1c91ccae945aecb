/** A catalog text's problems, as `line:column path message` (empty when it loads). */
import { CatalogError } from "../../catalog/errors";
import { parseCatalog, parseLayeredCatalog } from "../../catalog/load";

export function catalogIssues(text: string, file = "cat.yaml"): string[] {
  try {
    parseCatalog([{ file, text }]);
  } catch (error) {
    if (error instanceof CatalogError) return error.issues.map((i) => `${i.line}:${i.column} ${i.path} ${i.message}`);
    throw error;
  }
  return [];
}

/** A stack's layers' problems (base first), as `file:line:column path message` (empty when they load). */
export function layeredIssues(layers: { file: string; text: string }[]): string[] {
  try {
    parseLayeredCatalog(layers);
  } catch (error) {
    if (error instanceof CatalogError) return error.issues.map((i) => `${i.file}:${i.line}:${i.column} ${i.path} ${i.message}`);
    throw error;
  }
  return [];
}

/**
 * A catalog's `teams:` block (top level, ends with a newline): one team, "storefront",
 * with a weekly primary and secondary rotation, a 5/15/30-minute ladder looped twice,
 * chat channels and an e-mail list.
 */
export const STOREFRONT_TEAM = `teams:
  - name: storefront
    timeZone: Europe/Berlin
    members:
      - email: ana@example.com
      - email: ben@example.com
      - email: cleo@example.com
        role: engineering manager
    rotations:
      - name: primary
        members: [ana@example.com, ben@example.com]
        handoff: { day: monday, time: "09:00" }
        start: "2026-01-05"
      - name: secondary
        members: [ben@example.com, ana@example.com]
        handoff: { day: monday, time: "09:00" }
        start: "2026-01-05"
    escalation:
      loops: 2
      levels:
        - until: 5m
          notify: [schedule:primary]
        - until: 15m
          notify: [schedule:secondary]
        - until: 30m
          notify: [user:cleo@example.com]
    chat:
      alerts: "#shop-alerts"
      emergency: "#shop-emergency"
    email: [shop-oncall@example.com]
`;
