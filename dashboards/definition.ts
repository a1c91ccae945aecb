/**
 * What a Lookout dashboard is beyond its Grafana JSON: its key (resource names and
 * file names derive from it), the team whose folder holds it, and the shared settings
 * every dashboard starts from.
 */
import { stableUid } from "./ids";
import { dashboard, type Dashboard } from "./sdk";

export interface DashboardDefinition {
  /** `executive`, `operations`, `business`, `team-<team>`: resource and file names. */
  readonly key: string;
  readonly uid: string;
  readonly title: string;
  /** The team whose folder holds it. */
  readonly team: string;
  readonly refresh: string;
  /** The built model (what `configJson` serializes). */
  readonly model: Dashboard;
}

/**
 * The refresh intervals offered in the picker: none faster than 10 s, the floor of the
 * policy `dashboard-refresh-rate` (002 "Real-Time Dashboards": the operations dashboard,
 * the fastest, refreshes every 10 s).
 */
export const REFRESH_CHOICES = ["10s", "30s", "1m", "5m", "15m", "30m", "1h", "2h", "1d"];

export interface DashboardHead {
  readonly environment: string;
  readonly key: string;
  readonly title: string;
  readonly description: string;
  readonly refresh: string;
  readonly tags: readonly string[];
  readonly from?: string;
}

/** `[prod] Executive`: the environment first, as monitors are named. */
export function dashboardTitle(environment: string, title: string): string {
  return `[${environment}] ${title}`;
}

/** A dashboard with Lookout's settings: stable UID, tags, refresh, read-only (the code is the source). */
export function newDashboard(head: DashboardHead) {
  return new dashboard.DashboardBuilder(dashboardTitle(head.environment, head.title))
    .uid(stableUid(head.environment, head.key))
    .description(head.description)
    .tags([...head.tags])
    .refresh(head.refresh)
    .time({ from: head.from ?? "now-24h", to: "now" })
    .timezone("browser")
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .timepicker(new dashboard.TimePickerBuilder().refreshIntervals(REFRESH_CHOICES))
    .readonly();
}

/** The tags every Lookout dashboard carries (the policy asks for at least one). */
export function standardDashboardTags(environment: string, team: string, kind: string): string[] {
  return ["lookout", `env:${environment}`, `team:${team}`, kind];
}

/** The definition of a finished dashboard. */
export function defined(key: string, team: string, builder: ReturnType<typeof newDashboard>): DashboardDefinition {
  const model = builder.build();
  return { key, uid: model.uid ?? "", title: model.title ?? "", team, refresh: model.refresh ?? "", model };
}
