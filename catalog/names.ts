/**
 * Resource names. Every Pulumi name the program gives a resource derives from catalog
 * keys: a child's name is its parent's, a dash, and its own key (`uptime-shop-home`).
 * The components build their names with the functions here, and the catalog's
 * validation predicts every name the entries will yield with the same functions
 * (`plannedNames`), so two entries that would share a URN are a catalog error at both
 * positions before anything registers (PF-PULUMI-2). The scheme stays as it is: a
 * changed name is a new URN, and Pulumi deletes the resource it replaces.
 */
import type { Catalog, SourceRef, StatusComponent } from "./model";

/** A child's name: its parent's, then its own key. */
export function childName(parent: string, key: string): string {
  return `${parent}-${key}`;
}

/** The names of the program's top-level components (infra/program.ts). */
export const COMPONENT = {
  oncall: "oncall",
  uptime: "uptime",
  alerts: "alerts",
  slos: "slos",
  sentry: "sentry",
  storage: "storage",
  status: "status",
  dashboards: "dashboards",
} as const;

/** A service's synthetics tests, keyed under its `ServiceUptime`. */
export const uptimeKey = {
  endpoint: (endpoint: string) => endpoint,
  tls: (host: string) => `tls-${host}`,
  journey: (journey: string) => `journey-${journey}`,
} as const;

/** A service's SLO monitors, keyed under its `ServiceSlos`: a tier's monitor and a composite's halves. */
export const sloMonitorKey = {
  burn: (slo: string, tier: string) => `${slo}-burn-${tier}`,
  half: (burnKey: string, half: "long" | "short") => `${burnKey}-${half}`,
} as const;

/** Sentry resources: teams under `SentryAlerting`, a project and its rules under its `ServiceSentry`. */
export const sentryKey = {
  team: (team: string) => `team-${team}`,
  project: "project",
  issue: (alert: string) => `issue-${alert}`,
  metric: (alert: string) => `metric-${alert}`,
} as const;

/** On-call resources under `Oncall`. */
export const oncallKey = {
  /** A channel is written `#name`: the key drops the `#`. */
  slack: (channel: string) => `slack-${channel.slice(1)}`,
  maintenance: (window: string) => `maintenance-${window}`,
  downtime: (window: string, service: string) => `maintenance-${window}-${service}`,
  integration: (vendor: "datadog" | "sentry") => vendor,
  handle: "handle",
  /** Datadog's PagerDuty integration, when Lookout declares it (`lookout:pagerdutyIntegration: lookout`). */
  datadogPagerduty: "datadog-pagerduty",
} as const;

/** Grafana resources under `Dashboards`: a team's folder and its dashboard. */
export const dashboardsKey = {
  folder: (team: string) => `folder-${team}`,
  teamDashboard: (team: string) => `team-${team}`,
} as const;

/** A backup's component under `Storage`. */
export function backupSetName(backup: string): string {
  return `backups-${backup}`;
}

/** A product's status page component, its page and each check's degradation template. */
export const statusKey = {
  page: "page",
  template: (kind: string, service: string, check: string) => `${kind}-${service}-${check}`,
} as const;

// ---------------------------------------------------------------------------------------
// the names a catalog yields
// ---------------------------------------------------------------------------------------

/** A catalog entry that yields resources: what it is, and where it was written. */
export interface NamedEntry {
  readonly what: string;
  readonly source: SourceRef;
}

/** One resource a catalog entry makes: its URN's type chain and name. */
export interface PlannedName {
  /** The type chain in the URN (parents' types, then its own, `$`-joined; the root stack left out). */
  readonly chain: string;
  readonly name: string;
  readonly entry: NamedEntry;
  /** Two names of one identity are one resource (a template two status components list), not a collision. */
  readonly identity: string;
  /** Made only in some cases the catalog alone does not settle (a composite burn-rate tier's halves). */
  readonly possible?: boolean;
}

/** The Datadog resource types the program plans and the reports read, by their Pulumi type tokens. */
export const DATADOG_TYPE = {
  monitor: "datadog:index/monitor:Monitor",
  syntheticsTest: "datadog:index/syntheticsTest:SyntheticsTest",
  slo: "datadog:index/serviceLevelObjective:ServiceLevelObjective",
} as const;

const T = {
  uptime: "lookout:uptime:Uptime$lookout:uptime:ServiceUptime",
  alerts: "lookout:alerts:Alerts$lookout:alerts:ServiceAlerts",
  slos: "lookout:slo:Slos$lookout:slo:ServiceSlos",
  sentry: "lookout:sentry:SentryAlerting",
  serviceSentry: "lookout:sentry:SentryAlerting$lookout:sentry:ServiceSentry",
  oncall: "lookout:oncall:Oncall",
  team: "lookout:oncall:Oncall$lookout:oncall:Team",
  backup: "lookout:storage:Storage$lookout:backups:BackupSet",
  status: "lookout:status:StatusPages$lookout:status:ProductStatusPage",
  monitor: DATADOG_TYPE.monitor,
} as const;

/** The parts `createSecureBucket` (infra/backups/buckets.ts) makes of a bucket named `name`: type → suffix (object lock when the backup has it). */
const SECURE_BUCKET_PARTS: readonly (readonly [string, string])[] = [
  ["aws:s3/bucket:Bucket", ""],
  ["aws:s3/bucketVersioning:BucketVersioning", "-versioning"],
  ["aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "-encryption"],
  ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "-public-access"],
  ["aws:s3/bucketOwnershipControls:BucketOwnershipControls", "-ownership"],
  ["aws:s3/bucketPolicy:BucketPolicy", "-policy"],
  ["aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "-lifecycle"],
  ["aws:s3/bucketLogging:BucketLogging", "-logging"],
];
const OBJECT_LOCK_PART = ["aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", "-object-lock"] as const;

/** What a `BackupSet` named `set` makes besides its buckets (infra/backups/backupSet.ts): type → suffix (the write counter when no metric is given). */
const BACKUP_PARTS: readonly (readonly [string, string])[] = [
  ["aws:kms/key:Key", "-key"],
  ["aws:kms/alias:Alias", "-key-alias"],
  ["aws:iam/role:Role", "-writer"],
  ["aws:iam/role:Role", "-restorer"],
  ["aws:iam/rolePolicy:RolePolicy", "-writer-policy"],
  ["aws:iam/rolePolicy:RolePolicy", "-restorer-policy"],
  [T.monitor, "-freshness"],
];
const WRITES_PART = ["aws:s3/bucketMetric:BucketMetric", "-writes"] as const;
const REPLICA_PARTS: readonly (readonly [string, string])[] = [
  ["aws:kms/key:Key", "-replica-key"],
  ["aws:kms/alias:Alias", "-replica-key-alias"],
  ["aws:iam/role:Role", "-replication-role"],
  ["aws:iam/rolePolicy:RolePolicy", "-replication-role-policy"],
  ["aws:s3/bucketReplicationConfig:BucketReplicationConfig", "-replication"],
];

/**
 * Every resource name the catalog's entries yield, with the entry each comes from. The
 * stack's fixed resources (providers, the top-level components, log and access-log
 * buckets, dashboards keyed by fixed names and teams) cannot collide and are left out.
 * A composite burn-rate tier's halves are counted for every tier: a name that only
 * might exist still must not collide.
 */
export function plannedNames(catalog: Catalog): PlannedName[] {
  const names: PlannedName[] = [];
  const add = (chain: string, type: string, name: string, entry: NamedEntry, identity = `${chain}$${type}::${name}@${entry.what}`, possible = false) =>
    names.push({ chain: `${chain}$${type}`, name, entry, identity, ...(possible ? { possible } : {}) });

  for (const service of catalog.services) {
    const s = `service "${service.name}"`;
    const uptime = childName(COMPONENT.uptime, service.name);
    const test = DATADOG_TYPE.syntheticsTest;
    for (const e of service.endpoints) add(T.uptime, test, childName(uptime, uptimeKey.endpoint(e.name)), { what: `${s} endpoint "${e.name}"`, source: e.source });
    for (const c of service.tlsChecks) add(T.uptime, test, childName(uptime, uptimeKey.tls(c.host)), { what: `${s} certificate check of ${c.host}`, source: c.source });
    for (const j of service.journeys) add(T.uptime, test, childName(uptime, uptimeKey.journey(j.name)), { what: `${s} journey "${j.name}"`, source: j.source });

    const alerts = childName(COMPONENT.alerts, service.name);
    for (const a of service.alerts) add(T.alerts, T.monitor, childName(alerts, a.name), { what: `${s} alert "${a.name}"`, source: a.source });
    for (const a of service.rawAlerts ?? []) add(T.alerts, T.monitor, childName(alerts, a.name), { what: `${s} raw-query alert "${a.name}"`, source: a.source });

    const slos = childName(COMPONENT.slos, service.name);
    for (const slo of service.slos) {
      const entry = { what: `${s} SLO "${slo.name}"`, source: slo.source };
      add(T.slos, DATADOG_TYPE.slo, childName(slos, slo.name), entry);
      for (const tier of slo.burnRates) {
        const burn = sloMonitorKey.burn(slo.name, tier.name);
        add(T.slos, T.monitor, childName(slos, burn), entry);
        for (const half of ["long", "short"] as const) add(T.slos, T.monitor, childName(slos, sloMonitorKey.half(burn, half)), entry, undefined, true);
      }
    }

    if (service.sentry) {
      const sentry = childName(COMPONENT.sentry, service.name);
      add(T.serviceSentry, "sentry:index/sentryProject:SentryProject", childName(sentry, sentryKey.project), { what: `${s} Sentry project`, source: service.sentry.source });
      for (const a of service.sentry.issueAlerts) {
        add(T.serviceSentry, "sentry:index/sentryIssueAlert:SentryIssueAlert", childName(sentry, sentryKey.issue(a.name)), { what: `${s} Sentry issue alert "${a.name}"`, source: a.source });
      }
      for (const a of service.sentry.metricAlerts) {
        add(T.serviceSentry, "sentry:index/sentryMetricAlert:SentryMetricAlert", childName(sentry, sentryKey.metric(a.name)), { what: `${s} Sentry metric alert "${a.name}"`, source: a.source });
      }
    }
  }

  // A team's schedules exist when some PagerDuty service of the team pages (infra/oncall/oncall.ts).
  const teams = new Map(catalog.teams.map((t) => [t.name, t]));
  const paging = new Set(catalog.pagerdutyServices.map((s) => s.team));
  for (const team of catalog.teams.filter((t) => paging.has(t.name))) {
    const name = childName(COMPONENT.oncall, team.name);
    for (const r of team.rotations) add(T.team, "pagerduty:index/schedule:Schedule", childName(name, r.name), { what: `team "${team.name}" rotation "${r.name}"`, source: team.source });
  }
  for (const pd of catalog.pagerdutyServices) {
    const team = teams.get(pd.team);
    if (!team) continue;
    const entry = { what: `team "${pd.team}" paging for product "${pd.product}"`, source: team.source };
    const name = childName(COMPONENT.oncall, pd.name);
    add(T.oncall, "pagerduty:index/service:Service", name, entry);
    add(T.oncall, "pagerduty:index/serviceIntegration:ServiceIntegration", childName(name, oncallKey.integration("datadog")), entry);
    if (pd.sentry) add(T.oncall, "pagerduty:index/serviceIntegration:ServiceIntegration", childName(name, oncallKey.integration("sentry")), entry);
    add(T.oncall, "datadog:pagerduty/serviceObject:ServiceObject", childName(name, oncallKey.handle), entry);
  }
  for (const w of catalog.maintenance) {
    for (const service of w.services) {
      add(T.oncall, "datadog:index/downtimeSchedule:DowntimeSchedule", childName(COMPONENT.oncall, oncallKey.downtime(w.name, service)), {
        what: `maintenance window "${w.name}" of service "${service}"`,
        source: w.source,
      });
    }
  }

  for (const backup of catalog.backups) {
    const set = backupSetName(backup.name);
    const entry = { what: `backup "${backup.name}"${backup.replicate ? " (replicated)" : ""}`, source: backup.source };
    const stems = backup.replicate ? [set, `${set}-replica`] : [set];
    const bucketParts = [...SECURE_BUCKET_PARTS, ...(backup.objectLock ? [OBJECT_LOCK_PART] : [])];
    for (const stem of stems) for (const [type, suffix] of bucketParts) add(T.backup, type, `${stem}${suffix}`, entry);
    const parts = [...BACKUP_PARTS, ...(backup.freshness.metric ? [] : [WRITES_PART]), ...(backup.replicate ? REPLICA_PARTS : [])];
    for (const [type, suffix] of parts) add(T.backup, type, `${set}${suffix}`, entry);
  }

  for (const page of catalog.statusPages) {
    const name = childName(COMPONENT.status, page.product);
    for (const component of page.components) {
      add(T.status, "datadog:index/statusPageComponent:StatusPageComponent", childName(name, component.name), {
        what: `status page of product "${page.product}" component "${component.name}"`,
        source: component.source,
      });
    }
    const visit = (component: StatusComponent): void => {
      for (const check of component.checks) {
        const key = statusKey.template(check.kind, check.service, check.name);
        const chain = T.status;
        const type = "datadog:index/statusPageDegradationTemplate:StatusPageDegradationTemplate";
        const entry = { what: `status page of product "${page.product}" ${check.kind} ${check.service}/${check.name}`, source: component.source };
        add(chain, type, childName(name, key), entry, `${page.product}:${check.kind}:${check.service}/${check.name}`);
      }
      component.components.forEach(visit);
    };
    page.components.forEach(visit);
  }
  return names;
}

/** Two entries whose resources would share a URN: the first name they share, and how many more. */
export interface NameCollision {
  readonly name: string;
  readonly first: NamedEntry;
  readonly second: NamedEntry;
  readonly more: number;
}

/** Every pair of entries whose resources would share a URN, once per pair, in catalog order. */
export function nameCollisions(names: readonly PlannedName[]): NameCollision[] {
  const byUrn = new Map<string, PlannedName>();
  const pairs = new Map<string, { name: string; first: NamedEntry; second: NamedEntry; more: number }>();
  for (const planned of names) {
    const urn = `${planned.chain}::${planned.name}`;
    const seen = byUrn.get(urn);
    if (!seen) {
      byUrn.set(urn, planned);
      continue;
    }
    if (seen.identity === planned.identity) continue;
    const key = `${seen.entry.what}\u0000${planned.entry.what}`;
    const pair = pairs.get(key);
    if (pair) pair.more++;
    else pairs.set(key, { name: planned.name, first: seen.entry, second: planned.entry, more: 0 });
  }
  return [...pairs.values()];
}
