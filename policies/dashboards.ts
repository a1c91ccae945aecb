/**
 * Dashboard rules: Grafana dashboards (`grafana.oss.Dashboard`) refresh no faster than
 * the guides' fastest dashboard, and each is findable and owned — a stable UID, a title,
 * tags and a folder. Policies see what the engine sees: the dashboard's model is the
 * `configJson` string, parsed here.
 */
import type { PolicyConfigSchema, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { configOf, listInWords } from "./support";

/** `grafana.oss.Dashboard` (@pulumiverse/grafana). */
export const GRAFANA_DASHBOARD = "grafana:oss/dashboard:Dashboard";

/** The guide every dashboard rule cites. */
const GUIDE = '002 Production Monitoring & Alerting Guide §"Real-Time Dashboards"';

/** The dashboard model in `configJson`, or undefined when it is not a JSON object. */
function dashboardModel(props: Record<string, unknown>): Record<string, unknown> | undefined {
  if (typeof props.configJson !== "string") return undefined;
  try {
    const model: unknown = JSON.parse(props.configJson);
    return typeof model === "object" && model !== null && !Array.isArray(model) ? (model as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const SECONDS: Readonly<Record<string, number>> = { ms: 0.001, s: 1, m: 60, h: 3_600, d: 86_400, w: 604_800 };

/** `"30s"` → 30, `"5m"` → 300; undefined for text that is no interval. */
export function intervalSeconds(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/.exec(text.trim());
  return match ? Number(match[1]) * SECONDS[match[2]] : undefined;
}

// ---------------------------------------------------------------------------------------
// dashboard-refresh-rate
// ---------------------------------------------------------------------------------------

export interface RefreshRateConfig {
  /** The shortest auto-refresh interval allowed, in seconds. */
  readonly minRefreshSeconds: number;
}

export const refreshRateSchema: PolicyConfigSchema = {
  properties: {
    minRefreshSeconds: {
      type: "number",
      minimum: 1,
      default: 10,
      description:
        `The shortest auto-refresh interval a dashboard may set, in seconds (default 10). ${GUIDE}: the operations dashboard, ` +
        "the most live of the three, refreshes every 10s (executive 30s, business intelligence 5m).",
    },
  },
};

function validateRefreshRate(args: ResourceValidationArgs, reportViolation: ReportViolation): void {
  if (args.type !== GRAFANA_DASHBOARD) return;
  const model = dashboardModel(args.props);
  if (!model) return; // dashboard-uid-title-tags-folder reports JSON it cannot read
  const refresh = model.refresh;
  if (refresh === undefined || refresh === null || refresh === "" || refresh === false) return; // no auto-refresh
  const config = configOf<RefreshRateConfig>(refreshRateSchema, args);
  const seconds = typeof refresh === "string" ? intervalSeconds(refresh) : undefined;
  const name = `Dashboard "${args.name}"`;
  if (seconds === undefined) {
    reportViolation(`${name} sets refresh ${JSON.stringify(refresh)}, which is no interval. Set "refresh" to an interval such as 10s, 30s or 5m, or "" for none.`);
    return;
  }
  if (seconds < config.minRefreshSeconds) {
    reportViolation(
      `${name} refreshes every ${refresh}, faster than every ${config.minRefreshSeconds}s. Set "refresh" to ${config.minRefreshSeconds}s or slower: ` +
        `each refresh re-runs every panel's query against Datadog's rate-limited API and the databases, and no guide dashboard needs more ` +
        `(${GUIDE}: operations 10s, executive 30s, business intelligence 5m).`,
    );
  }
}

export const dashboardRefreshRate: ResourceValidationPolicy = {
  name: "dashboard-refresh-rate",
  description: "Grafana dashboards auto-refresh no faster than every minRefreshSeconds (10 s: the guide's operations dashboard).",
  enforcementLevel: "mandatory",
  severity: "low",
  configSchema: refreshRateSchema,
  validateResource: validateRefreshRate,
};

// ---------------------------------------------------------------------------------------
// dashboard-uid-title-tags-folder
// ---------------------------------------------------------------------------------------

/** Grafana UIDs: 1–40 letters, digits, `-` and `_`. */
const UID = /^[A-Za-z0-9_-]{1,40}$/;

const nonEmpty = (value: unknown) => typeof value === "string" && value.trim() !== "";

function validateIdentity(args: ResourceValidationArgs, reportViolation: ReportViolation): void {
  if (args.type !== GRAFANA_DASHBOARD) return;
  const name = `Dashboard "${args.name}"`;
  const model = dashboardModel(args.props);
  if (!model) {
    reportViolation(`${name}: its configJson is not a JSON object, so Grafana cannot import it. Set configJson to the dashboard's model (the JSON of dashboards/ or of lookout dashboards).`);
    return;
  }
  const missing: string[] = [];
  const fixes: string[] = [];
  if (!nonEmpty(model.uid)) {
    missing.push("a UID");
    fixes.push('a stable "uid" (derived from its name: links and bookmarks name it, and Grafana makes a new one each time it is re-created without)');
  } else if (!UID.test(String(model.uid))) {
    missing.push("a valid UID");
    fixes.push(`a "uid" of 1–40 letters, digits, - or _ (found ${JSON.stringify(model.uid)})`);
  }
  if (!nonEmpty(model.title)) {
    missing.push("a title");
    fixes.push('a "title" that names its audience and scope');
  }
  const tags = Array.isArray(model.tags) ? model.tags.filter(nonEmpty) : [];
  if (tags.length === 0) {
    missing.push("tags");
    fixes.push('"tags" (at least the environment and the owning team, as on every alert) so it can be searched and listed');
  }
  if (!nonEmpty(args.props.folder)) {
    missing.push("a folder");
    fixes.push("a folder (its team's: who owns the dashboard, and who may edit it)");
  }
  if (missing.length > 0) {
    reportViolation(
      `${name} lacks ${listInWords(missing)}. Give it ${listInWords(fixes)}. ` +
        `Each guide dashboard has an audience and an owner (${GUIDE}: leadership, engineering, product and marketing).`,
    );
  }
}

export const dashboardUidTitleTagsFolder: ResourceValidationPolicy = {
  name: "dashboard-uid-title-tags-folder",
  description: "Every Grafana dashboard has a stable UID, a title and tags in its JSON, and a folder (002 §Real-Time Dashboards: each dashboard's audience and owner).",
  enforcementLevel: "mandatory",
  severity: "medium",
  validateResource: validateIdentity,
};

export const dashboardPolicies: ResourceValidationPolicy[] = [dashboardRefreshRate, dashboardUidTitleTagsFolder];
