/**
 * Storage: backups that survive mistakes, and the log archive. One `BackupSet` per
 * catalog backup (backupSet.ts), one `LogArchive` (lifecycle rules per product and
 * level) and the buckets that receive their S3 server access logs (logArchive.ts).
 * Names derive from catalog keys, never positions.
 */
import * as pulumi from "@pulumi/pulumi";
import { storageNames } from "./buckets";
import type { Backup, LogRetention, Service } from "../../catalog/model";
import { type NotifyTargets } from "../notify/routes";
import { backupSetName } from "../../catalog/names";
import { BackupSet, type ReplicaRegion } from "./backupSet";
import { AccessLogs, LogArchive } from "./logArchive";

export interface StorageArgs {
  readonly environment: string;
  /** Stack config lookout:bucketPrefix. */
  readonly bucketPrefix: string;
  /** The primary region (stack config aws:region): the region of the `aws` provider passed in opts. */
  readonly region: string;
  /** Where backups with `replicate` are copied; required when one does. */
  readonly replica?: ReplicaRegion;
  readonly backups: readonly Backup[];
  readonly logs: readonly LogRetention[];
  /** The catalog's services: a backup's service owns its freshness alert. */
  readonly services: readonly Service[];
  /** What freshness monitors wait for (the notification routes their messages name). */
  /** What makes the freshness alerts' handles exist (the on-call component). */
  readonly notify?: NotifyTargets;
}

/** The stack's storage. Pass the primary `aws` and the `datadog` provider in `opts.providers`. */
export class Storage extends pulumi.ComponentResource {
  /** S3 bucket names by purpose and catalog key: `backup/<name>`, `replica/<name>`, `logs`, `access-logs`. */
  public readonly buckets: Record<string, string>;
  /** Role ARNs keyed `<backup>/writer`, `<backup>/restorer`. */
  public readonly roles: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: StorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lookout:storage:Storage", name, {}, opts);
    const { environment, replica } = args;
    if (args.backups.some((b) => b.replicate) && !replica) throw new Error("backups replicate but no replica region was given (stack config lookout:backupReplicaRegion)");
    const names = storageNames({ ...args, replicaRegion: replica?.region });
    const services = new Map(args.services.map((s) => [s.name, s]));

    // Every bucket that logs, by region: the access-log buckets accept only them.
    const primarySources = [...[...names.backups.values()].map((b) => b.bucket), ...(names.logs ? [names.logs] : [])];
    const replicaSources = [...names.backups.values()].flatMap((b) => (b.replica ? [b.replica] : []));
    const accessLogs = new AccessLogs("access-logs", { environment, bucket: names.accessLogs, sources: primarySources }, { parent: this });
    const replicaAccessLogs =
      names.accessLogsReplica && replica
        ? new AccessLogs("access-logs-replica", { environment, bucket: names.accessLogsReplica, sources: replicaSources, provider: replica.provider }, { parent: this })
        : undefined;

    const sets = args.backups.map((backup) => {
      const service = services.get(backup.service);
      if (!service) throw new Error(`backup ${backup.name}: no service ${backup.service}`);
      return new BackupSet(
        backupSetName(backup.name),
        {
          environment,
          backup,
          service,
          names,
          region: args.region,
          accessLogBucket: accessLogs.bucketName,
          replica: backup.replicate && replica && replicaAccessLogs ? { ...replica, accessLogBucket: replicaAccessLogs.bucketName } : undefined,
          notify: args.notify,
        },
        { parent: this },
      );
    });
    if (names.logs) {
      new LogArchive("logs", { environment, bucket: names.logs, logs: args.logs, accessLogBucket: accessLogs.bucketName }, { parent: this });
    }

    this.buckets = Object.fromEntries(
      [
        ["access-logs", names.accessLogs],
        ["access-logs-replica", names.accessLogsReplica],
        ["logs", names.logs],
        ...[...names.backups].flatMap(([key, b]) => [[`backup/${key}`, b.bucket], [`replica/${key}`, b.replica]]),
      ].filter((e): e is [string, string] => e[1] !== undefined),
    );
    this.roles = pulumi
      .all(sets.map((s) => s.roleArns))
      .apply((maps) => Object.assign({}, ...maps) as Record<string, string>);
    this.registerOutputs({ buckets: this.buckets, roles: this.roles });
  }
}
