/**
 * Storage: backups that survive mistakes, and the log archive. One `BackupSet` per
 * catalog backup (a KMS key that rotates, a private TLS-only versioned bucket with
 * lifecycle expiry at the retention, optional Object Lock, optional replication to a
 * second region, least-privilege writer and restorer roles, a freshness alert), one
 * `LogArchive` (lifecycle rules per product and level), and the buckets that receive
 * their S3 server access logs. Names derive from catalog keys, never positions.
 */
import * as aws from "@pulumi/aws";
import * as datadog from "@pulumi/datadog";
import * as pulumi from "@pulumi/pulumi";
import { freshnessMonitorArgs, BACKUP_WRITES_FILTER } from "./backupMonitors";
import {
  ACCESS_LOG_RETENTION_DAYS,
  awsTags,
  BACKUP_TAG,
  createSecureBucket,
  kmsKeyArgs,
  LOG_NONCURRENT_DAYS,
  logRules,
  PURPOSE_TAG,
  retentionRules,
  type SecureBucket,
  storageNames,
  type StorageNames,
} from "./buckets";
import type { Backup, LogRetention, Service } from "./catalog/model";
import {
  accessLogBucketPolicy,
  type PolicyDocument,
  policyJson,
  replicationPolicy,
  restorerPolicy,
  s3Arn,
  trustPolicy,
  writerPolicy,
} from "./policyDocuments";
import { type NotifyTargets, routeDependencies } from "./notify";
import { sourced } from "./sources";
import { backupSetName } from "./catalog/names";

export interface ReplicaRegion {
  readonly region: string;
  /** An explicit AWS provider for that region. */
  readonly provider: aws.Provider;
}

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

// ---------------------------------------------------------------------------------------
// access logs
// ---------------------------------------------------------------------------------------

export interface AccessLogsArgs {
  readonly environment: string;
  readonly bucket: string;
  /** The buckets that deliver their server access logs here. */
  readonly sources: readonly string[];
  /** For the replica region's bucket. */
  readonly provider?: aws.Provider;
}

/**
 * Where S3 delivers the server access logs of the other buckets: who read or wrote
 * which backup, and when. SSE-S3, as S3 log delivery requires; 90 days.
 */
export class AccessLogs extends pulumi.ComponentResource {
  public readonly bucketName: pulumi.Output<string>;

  constructor(name: string, args: AccessLogsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lookout:storage:AccessLogs", name, {}, opts);
    const secure = createSecureBucket(
      {
        name,
        bucket: args.bucket,
        tags: awsTags(args.environment, { [PURPOSE_TAG]: "access-logs" }),
        encryption: { sseAlgorithm: "AES256" },
        lifecycle: [
          {
            id: "retention",
            status: "Enabled",
            filter: {},
            expiration: { days: ACCESS_LOG_RETENTION_DAYS },
            noncurrentVersionExpiration: { noncurrentDays: LOG_NONCURRENT_DAYS },
          },
        ],
        policy: accessLogBucketPolicy(args.bucket, args.sources),
      },
      this,
      args.provider,
    );
    this.bucketName = secure.name;
    this.registerOutputs({ bucketName: this.bucketName });
  }
}

// ---------------------------------------------------------------------------------------
// one backup
// ---------------------------------------------------------------------------------------

export interface BackupSetArgs {
  readonly environment: string;
  readonly backup: Backup;
  readonly service: Service;
  readonly names: StorageNames;
  readonly region: string;
  readonly accessLogBucket: pulumi.Input<string>;
  readonly replica?: ReplicaRegion & { readonly accessLogBucket: pulumi.Input<string> };
  /** What makes the freshness alerts' handles exist (the on-call component). */
  readonly notify?: NotifyTargets;
}

/** IAM role names are per account: they carry the environment and the backup's key. */
export function roleName(environment: string, backup: string, role: "writer" | "restorer" | "replication"): string {
  const name = `lookout-${environment}-backup-${backup}-${role}`;
  if (name.length > 64) throw new Error(`IAM role name "${name}" is longer than 64 characters: shorten the backup's name`);
  return name;
}

export class BackupSet extends pulumi.ComponentResource {
  public readonly bucket: SecureBucket;
  public readonly replica?: SecureBucket;
  public readonly monitor: datadog.Monitor;
  /** `<backup>/writer`, `<backup>/restorer` → role ARN. */
  public readonly roleArns: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: BackupSetArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lookout:backups:BackupSet", name, {}, opts);
    const { environment, backup, service } = args;
    const bucketName = args.names.backups.get(backup.name)?.bucket;
    if (!bucketName) throw new Error(`backup ${backup.name}: no bucket name`);
    const child = { parent: this };
    const kept = { parent: this, protect: true, retainOnDelete: true };
    const mark = <T extends pulumi.Resource>(resource: T): T => sourced(resource, backup.source);
    const tags = awsTags(environment, {
      product: backup.product,
      service: service.name,
      team: service.team,
      [PURPOSE_TAG]: "backup",
      [BACKUP_TAG]: backup.name,
    });

    // Losing the key loses every backup it encrypted: protected like the bucket.
    const key = mark(new aws.kms.Key(`${name}-key`, kmsKeyArgs(`Lookout ${environment} backups of ${backup.name}`, tags), kept));
    mark(new aws.kms.Alias(`${name}-key-alias`, { name: `alias/lookout/${environment}/backup-${backup.name}`, targetKeyId: key.keyId }, child));
    this.bucket = createSecureBucket(
      {
        name,
        bucket: bucketName,
        tags,
        encryption: { sseAlgorithm: "aws:kms", kmsKeyArn: key.arn },
        lifecycle: retentionRules(backup.retentionDays, backup.noncurrentRetentionDays),
        objectLock: backup.objectLock,
        accessLogBucket: args.accessLogBucket,
        source: backup.source,
      },
      this,
    );

    const at = { bucket: bucketName, prefix: backup.prefix, region: args.region };
    const writer = roleWithPolicy(
      `${name}-writer`,
      {
        name: roleName(environment, backup.name, "writer"),
        description: `Writes ${backup.name} backups under s3://${bucketName}/${backup.prefix}: put only, no read, no delete.`,
        trust: trustPolicy({ aws: backup.writers }),
        policyName: "write-backups",
        policy: writerPolicy(at),
        tags,
      },
      this,
      mark,
    );
    const restorer = roleWithPolicy(
      `${name}-restorer`,
      {
        name: roleName(environment, backup.name, "restorer"),
        description: `Restores ${backup.name} backups from s3://${bucketName}/${backup.prefix}: list and read only.`,
        trust: trustPolicy({ aws: backup.restorers }),
        policyName: "restore-backups",
        policy: restorerPolicy(at),
        tags,
      },
      this,
      mark,
    );

    // Freshness: request metrics on the prefix, unless the job reports its own metric.
    const metric = backup.freshness.metric
      ? undefined
      : mark(new aws.s3.BucketMetric(`${name}-writes`, { bucket: this.bucket.name, name: BACKUP_WRITES_FILTER, filter: { prefix: backup.prefix } }, child));
    this.monitor = mark(
      new datadog.Monitor(`${name}-freshness`, freshnessMonitorArgs(environment, service, backup, bucketName), {
        ...child,
        dependsOn: [...(metric ? [metric] : []), ...routeDependencies(args.notify, service, backup.freshness.severity)],
      }),
    );

    const replicaName = args.names.backups.get(backup.name)?.replica;
    if (args.replica && replicaName) this.replica = this.replicate(name, args, { source: bucketName, replica: replicaName }, tags, mark);

    this.roleArns = pulumi
      .all([writer.role.arn, restorer.role.arn])
      .apply(([w, r]) => ({ [`${backup.name}/writer`]: w, [`${backup.name}/restorer`]: r }));
    this.registerOutputs({ roleArns: this.roleArns });
  }

  /** A second bucket and key in the replica region, and S3 replication into it (deletes are not replicated). */
  private replicate(
    name: string,
    args: BackupSetArgs,
    buckets: { readonly source: string; readonly replica: string },
    tags: Record<string, string>,
    mark: <T extends pulumi.Resource>(resource: T) => T,
  ): SecureBucket {
    const replica = args.replica;
    if (!replica) throw new Error("no replica region");
    const { environment, backup } = args;
    const replicaName = buckets.replica;
    const inRegion = { parent: this, provider: replica.provider };
    const replicaTags = { ...tags, "lookout:replica-of": buckets.source };
    const key = mark(
      new aws.kms.Key(`${name}-replica-key`, kmsKeyArgs(`Lookout ${environment} backups of ${backup.name} (replica)`, replicaTags), {
        ...inRegion,
        protect: true,
        retainOnDelete: true,
      }),
    );
    mark(new aws.kms.Alias(`${name}-replica-key-alias`, { name: `alias/lookout/${environment}/backup-${backup.name}-replica`, targetKeyId: key.keyId }, inRegion));
    const bucket = createSecureBucket(
      {
        name: `${name}-replica`,
        bucket: replicaName,
        tags: replicaTags,
        encryption: { sseAlgorithm: "aws:kms", kmsKeyArn: key.arn },
        lifecycle: retentionRules(backup.retentionDays, backup.noncurrentRetentionDays),
        objectLock: backup.objectLock,
        accessLogBucket: replica.accessLogBucket,
        source: backup.source,
      },
      this,
      replica.provider,
    );

    // IAM is global: the role lives with the primary provider.
    const replication = roleWithPolicy(
      `${name}-replication-role`,
      {
        name: roleName(environment, backup.name, "replication"),
        description: `S3 replication of ${buckets.source} to ${replicaName} (${replica.region}).`,
        trust: trustPolicy({ service: "s3.amazonaws.com" }),
        policyName: "replicate-backups",
        policy: replicationPolicy({
          source: { bucket: buckets.source, region: args.region },
          replica: { bucket: replicaName, region: replica.region },
          objectLock: backup.objectLock !== undefined,
        }),
        tags,
      },
      this,
      mark,
    );
    mark(new aws.s3.BucketReplicationConfig(
      `${name}-replication`,
      {
        bucket: this.bucket.name,
        role: replication.role.arn,
        rules: [
          {
            id: "replicate-backups",
            status: "Enabled",
            priority: 1,
            filter: { prefix: backup.prefix },
            deleteMarkerReplication: { status: "Disabled" },
            sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
            destination: {
              bucket: s3Arn(replicaName),
              storageClass: "STANDARD",
              encryptionConfiguration: { replicaKmsKeyId: key.arn },
            },
          },
        ],
      },
      // Replication needs versioning on both sides first.
      { parent: this, protect: true, retainOnDelete: true, dependsOn: [this.bucket.versioning, bucket.versioning, replication.policy] },
    ));
    return bucket;
  }
}

interface RoleSpec {
  readonly name: string;
  readonly description: string;
  /** Who may assume it. */
  readonly trust: PolicyDocument;
  readonly policyName: string;
  /** What it may do: its only policy, inline. */
  readonly policy: PolicyDocument;
  readonly tags: Record<string, string>;
}

/** A role and its one inline policy (`<resource>` and `<resource>-policy`). */
function roleWithPolicy(
  resourceName: string,
  spec: RoleSpec,
  parent: pulumi.Resource,
  mark: <T extends pulumi.Resource>(resource: T) => T,
): { role: aws.iam.Role; policy: aws.iam.RolePolicy } {
  const role = mark(
    new aws.iam.Role(
      resourceName,
      { name: spec.name, description: spec.description, assumeRolePolicy: policyJson(spec.trust), maxSessionDuration: 3_600, tags: spec.tags },
      { parent },
    ),
  );
  const policy = mark(new aws.iam.RolePolicy(`${resourceName}-policy`, { role: role.name, name: spec.policyName, policy: policyJson(spec.policy) }, { parent }));
  return { role, policy };
}

// ---------------------------------------------------------------------------------------
// log archive
// ---------------------------------------------------------------------------------------

export interface LogArchiveArgs {
  readonly environment: string;
  readonly bucket: string;
  readonly logs: readonly LogRetention[];
  readonly accessLogBucket: pulumi.Input<string>;
}

/** The stack's log archive: `<product>/<level>/` kept as long as the product's guide says. */
export class LogArchive extends pulumi.ComponentResource {
  public readonly bucket: SecureBucket;

  constructor(name: string, args: LogArchiveArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lookout:logs:LogArchive", name, {}, opts);
    const tags = awsTags(args.environment, { [PURPOSE_TAG]: "log-archive" });
    const key = new aws.kms.Key(`${name}-key`, kmsKeyArgs(`Lookout ${args.environment} log archive`, tags), { parent: this, protect: true, retainOnDelete: true });
    new aws.kms.Alias(`${name}-key-alias`, { name: `alias/lookout/${args.environment}/logs`, targetKeyId: key.keyId }, { parent: this });
    this.bucket = createSecureBucket(
      {
        name,
        bucket: args.bucket,
        tags,
        encryption: { sseAlgorithm: "aws:kms", kmsKeyArn: key.arn },
        lifecycle: logRules(args.logs),
        accessLogBucket: args.accessLogBucket,
      },
      this,
    );
    this.registerOutputs({ bucket: this.bucket.name });
  }
}
