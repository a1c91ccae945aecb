/**
 * One catalog backup: a KMS key that rotates, a private TLS-only versioned bucket with
 * lifecycle expiry at the retention, optional Object Lock, optional replication to a
 * second region, least-privilege writer and restorer roles, and a freshness alert.
 * Gathered per stack by `Storage` (backups.ts).
 */
import * as aws from "@pulumi/aws";
import * as datadog from "@pulumi/datadog";
import * as pulumi from "@pulumi/pulumi";
import { freshnessMonitorArgs, BACKUP_WRITES_FILTER } from "./backupMonitors";
import { awsTags, BACKUP_TAG, createSecureBucket, kmsKeyArgs, PURPOSE_TAG, retentionRules, type SecureBucket, type StorageNames } from "./buckets";
import type { Backup, Service } from "../../catalog/model";
import { type PolicyDocument, policyJson, replicationPolicy, restorerPolicy, s3Arn, trustPolicy, writerPolicy } from "./policyDocuments";
import { type NotifyTargets, routeDependencies } from "../notify/routes";
import { sourced } from "../stack/sources";

export interface ReplicaRegion {
  readonly region: string;
  /** An explicit AWS provider for that region. */
  readonly provider: aws.Provider;
}


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
