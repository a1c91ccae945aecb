/**
 * The normalized storage part of the catalog: backups, log retention and status pages,
 * as components read them. Durations are whole days or seconds (the unit is in the
 * field name); references are resolved; every record knows where it was written.
 */
import type { Severity, SourceRef } from "./modelShared";
import type { LogLevel } from "./schemaStorage";

export type { LogLevel } from "./schemaStorage";

export interface BackupFreshness {
  /** Alert when no new backup object arrived for this long. */
  readonly withinSeconds: number;
  readonly severity: Severity;
  /** A count metric the backup job emits per completed backup; absent: S3 request metrics of the prefix. */
  readonly metric?: string;
}

export interface ObjectLockRule {
  readonly mode: "GOVERNANCE" | "COMPLIANCE";
  readonly days: number;
}

export interface Backup {
  readonly name: string;
  /** The previous name (`renamedFrom`): its resources get aliases for the old names. */
  readonly renamedFrom?: string;
  readonly product: string;
  /** The service whose data it is (owner of the freshness alert). */
  readonly service: string;
  readonly description: string;
  /** Where the writer puts objects, ending in `/`. */
  readonly prefix: string;
  readonly everySeconds: number;
  /** Lifecycle expiry of current versions. */
  readonly retentionDays: number;
  /** Lifecycle expiry of noncurrent (overwritten or deleted) versions. */
  readonly noncurrentRetentionDays: number;
  readonly replicate: boolean;
  readonly objectLock?: ObjectLockRule;
  readonly freshness: BackupFreshness;
  /** Principals that may assume the writer role, sorted. */
  readonly writers: readonly string[];
  /** Principals that may assume the restorer role, sorted. */
  readonly restorers: readonly string[];
  readonly source: SourceRef;
}

export interface LevelRetention {
  readonly level: LogLevel;
  readonly days: number;
}

/** How long one product's logs are kept, per level (in LOG_LEVELS order). */
export interface LogRetention {
  readonly product: string;
  readonly levels: readonly LevelRetention[];
  readonly source: SourceRef;
}

/** An uptime check that informs a status component. */
export interface CheckRef {
  readonly kind: "endpoint" | "journey";
  readonly service: string;
  /** The endpoint's or journey's name. */
  readonly name: string;
  readonly severity: Severity;
}

export interface StatusComponent {
  readonly name: string;
  /** The previous key (`renamedFrom`, top-level components only): its resource gets an alias for the old name. */
  readonly renamedFrom?: string;
  readonly title: string;
  /** A group shows its components; it has no checks of its own. */
  readonly kind: "component" | "group";
  /** The checks whose failure this component reports (empty for a group). */
  readonly checks: readonly CheckRef[];
  /** A group's components, in display order. */
  readonly components: readonly StatusComponent[];
  readonly source: SourceRef;
}

export interface StatusPage {
  readonly product: string;
  readonly title: string;
  readonly domain?: string;
  readonly domainPrefix: string;
  readonly visibility: "public" | "internal";
  /** In display order: positions on the page are the catalog's order (names stay keys). */
  readonly components: readonly StatusComponent[];
  readonly source: SourceRef;
}
