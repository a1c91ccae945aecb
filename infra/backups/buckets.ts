/**
 * S3 buckets that survive mistakes: names, tags and the argument builders of a bucket's
 * split resources (@pulumi/aws v7: versioning, encryption, public access block,
 * ownership, policy, logging, lifecycle, Object Lock are resources of their own), and
 * the one function that creates them under a component. The builders are pure and
 * typed against the provider SDK.
 *
 * Every bucket is private (all public access blocked, ACLs disabled), TLS-only,
 * versioned and encrypted; the bucket, its key and its safety settings are `protect`ed
 * and retained on delete, so neither a bad change nor a removed catalog entry deletes
 * data or loosens what guards it.
 */
import * as aws from "@pulumi/aws";
import type { input } from "@pulumi/aws/types";
import * as pulumi from "@pulumi/pulumi";
import type { Backup, LogRetention, ObjectLockRule, SourceRef } from "../../catalog/model";
import { ACCESS_LOG_PREFIX, encryptedBucketPolicy, type PolicyDocument, policyJson } from "./policyDocuments";
import { sourced } from "../stack/sources";

export type LifecycleRule = input.s3.BucketLifecycleConfigurationRule;

/** What a bucket is for: the `lookout:purpose` tag the policy pack reads. */
export type BucketPurpose = "backup" | "log-archive" | "access-logs";
export const PURPOSE_TAG = "lookout:purpose";
/** On a backup bucket and its replica: the catalog backup's name. */
export const BACKUP_TAG = "lookout:backup";

/** How long S3 server access logs are kept: the longest tier the guides keep logs (001 §5 critical, 002 error: 90 days). */
export const ACCESS_LOG_RETENTION_DAYS = 90;
/** Incomplete multipart uploads are cleaned up after this many days. */
export const ABORT_MULTIPART_DAYS = 7;
/** Overwritten or deleted log objects linger this long (the log tiers are the retention). */
export const LOG_NONCURRENT_DAYS = 1;

// ---------------------------------------------------------------------------------------
// names
// ---------------------------------------------------------------------------------------

/** S3's rules for a bucket name that also works over TLS with virtual-host addressing (no dots). */
const BUCKET_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

export interface StorageNames {
  /** S3 server access logs, primary region. */
  readonly accessLogs: string;
  /** S3 server access logs, replica region (when some backup replicates). */
  readonly accessLogsReplica?: string;
  /** The log archive (when the catalog has log retention). */
  readonly logs?: string;
  /** Each backup's bucket and replica, by backup name. */
  readonly backups: ReadonlyMap<string, { readonly bucket: string; readonly replica?: string }>;
}

export interface NamingInput {
  /** Stack config lookout:bucketPrefix: S3 names are global. */
  readonly bucketPrefix: string;
  readonly environment: string;
  readonly backups: readonly Backup[];
  readonly logs: readonly LogRetention[];
  readonly replicaRegion?: string;
}

/** Every bucket name of the stack, from the prefix, the environment and catalog keys (never positions). */
export function bucketNames(input: NamingInput): StorageNames {
  const base = `${input.bucketPrefix}-${input.environment}`;
  const replicates = input.backups.some((b) => b.replicate);
  return {
    accessLogs: `${base}-access-logs`,
    accessLogsReplica: replicates && input.replicaRegion ? `${base}-access-logs-${input.replicaRegion}` : undefined,
    logs: input.logs.length > 0 ? `${base}-logs` : undefined,
    backups: new Map(
      input.backups.map((b) => [b.name, { bucket: `${base}-backup-${b.name}`, replica: b.replicate ? `${base}-backup-${b.name}-replica` : undefined }]),
    ),
  };
}

/** The bucket names S3 would refuse, each with the catalog entry it derives from (if any). */
export function invalidBucketNames(input: NamingInput): { readonly bucket: string; readonly backup?: Backup; readonly logs?: LogRetention }[] {
  const names = bucketNames(input);
  const candidates = [
    { bucket: names.accessLogs },
    { bucket: names.accessLogsReplica },
    { bucket: names.logs, logs: input.logs[0] },
    ...input.backups.flatMap((backup) => {
      const b = names.backups.get(backup.name);
      return [{ bucket: b?.bucket, backup }, { bucket: b?.replica, backup }];
    }),
  ];
  return candidates.filter((c): c is typeof c & { bucket: string } => c.bucket !== undefined && !BUCKET_NAME.test(c.bucket));
}

/** `bucketNames`, throwing on a name S3 would refuse (the program reports them as catalog errors first). */
export function storageNames(input: NamingInput): StorageNames {
  const bad = invalidBucketNames(input);
  if (bad.length > 0) throw new Error(`invalid S3 bucket names: ${bad.map((b) => describeBadName(b.bucket)).join(", ")}`);
  return bucketNames(input);
}

export function describeBadName(bucket: string): string {
  return `"${bucket}" (${bucket.length} characters; S3 takes 3 to 63 lower-case letters, digits and hyphens): shorten lookout:bucketPrefix or the catalog name`;
}

/** AWS tags: the environment, what the bucket is for, and who owns it. */
export function awsTags(environment: string, extra: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const tags: Record<string, string> = { env: environment, "managed-by": "lookout" };
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) tags[key] = value;
  return tags;
}

// ---------------------------------------------------------------------------------------
// argument builders
// ---------------------------------------------------------------------------------------

export type Encryption = { readonly sseAlgorithm: "aws:kms"; readonly kmsKeyArn: pulumi.Input<string> } | { readonly sseAlgorithm: "AES256" };

export function bucketArgs(name: string, tags: Record<string, string>, objectLock: boolean): aws.s3.BucketArgs {
  return { bucket: name, forceDestroy: false, ...(objectLock ? { objectLockEnabled: true } : {}), tags };
}

/** A customer managed key that rotates yearly; deleting it waits the longest AWS allows (30 days). */
export function kmsKeyArgs(description: string, tags: Record<string, string>): aws.kms.KeyArgs {
  return { description, enableKeyRotation: true, rotationPeriodInDays: 365, deletionWindowInDays: 30, tags };
}

export function versioningArgs(bucket: pulumi.Input<string>): aws.s3.BucketVersioningArgs {
  return { bucket, versioningConfiguration: { status: "Enabled" } };
}

/** Default encryption; with KMS, S3 Bucket Keys cut the KMS calls (and cost) per object. */
export function encryptionArgs(bucket: pulumi.Input<string>, encryption: Encryption): aws.s3.BucketServerSideEncryptionConfigurationArgs {
  return {
    bucket,
    rules: [
      encryption.sseAlgorithm === "aws:kms"
        ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: encryption.kmsKeyArn }, bucketKeyEnabled: true }
        : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
    ],
  };
}

export function publicAccessBlockArgs(bucket: pulumi.Input<string>): aws.s3.BucketPublicAccessBlockArgs {
  return { bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true };
}

/** ACLs disabled: the bucket owner owns every object, access is by policy only. */
export function ownershipArgs(bucket: pulumi.Input<string>): aws.s3.BucketOwnershipControlsArgs {
  return { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } };
}

export function bucketPolicyArgs(bucket: pulumi.Input<string>, policy: pulumi.Input<PolicyDocument>): aws.s3.BucketPolicyArgs {
  return { bucket, policy: pulumi.output(policy).apply(policyJson) };
}

/**
 * A bucket's policy: the one its spec gives, else for a KMS bucket the policy naming its
 * default-encryption key, so the two can never disagree (PF-S3-1, PF-S3-3).
 */
export function bucketPolicyOf(spec: Pick<SecureBucketSpec, "bucket" | "encryption" | "policy">): pulumi.Input<PolicyDocument> {
  if (spec.policy) return spec.policy;
  if (spec.encryption.sseAlgorithm !== "aws:kms") throw new Error(`bucket ${spec.bucket}: an SSE-S3 bucket needs a policy of its own`);
  return pulumi.output(spec.encryption.kmsKeyArn).apply((arn) => encryptedBucketPolicy(spec.bucket, arn));
}

/** Server access logs under `s3-access/<bucket>/`, partitioned by event time. */
export function loggingArgs(bucket: pulumi.Input<string>, bucketName: string, targetBucket: pulumi.Input<string>): aws.s3.BucketLoggingArgs {
  return {
    bucket,
    targetBucket,
    targetPrefix: `${ACCESS_LOG_PREFIX}${bucketName}/`,
    targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: "EventTime" } },
  };
}

export function lifecycleArgs(bucket: pulumi.Input<string>, rules: LifecycleRule[]): aws.s3.BucketLifecycleConfigurationArgs {
  return { bucket, rules };
}

export function objectLockArgs(bucket: pulumi.Input<string>, rule: ObjectLockRule): aws.s3.BucketObjectLockConfigurationArgs {
  return { bucket, objectLockEnabled: "Enabled", rule: { defaultRetention: { mode: rule.mode, days: rule.days } } };
}

/**
 * Keep backups `days`, and an overwritten or deleted backup `noncurrentDays` more (it
 * stays recoverable); then clean up the delete markers left behind and stale uploads.
 */
export function retentionRules(days: number, noncurrentDays: number): LifecycleRule[] {
  return [
    {
      id: "retention",
      status: "Enabled",
      filter: {},
      expiration: { days },
      noncurrentVersionExpiration: { noncurrentDays },
      abortIncompleteMultipartUpload: { daysAfterInitiation: ABORT_MULTIPART_DAYS },
    },
    { id: "expired-delete-markers", status: "Enabled", filter: {}, expiration: { expiredObjectDeleteMarker: true } },
  ];
}

/** One rule per product and level: `<product>/<level>/` expires after the level's days. */
export function logRules(logs: readonly LogRetention[]): LifecycleRule[] {
  const rules: LifecycleRule[] = logs.flatMap((log) =>
    log.levels.map((tier): LifecycleRule => ({
      id: `${log.product}-${tier.level}`,
      status: "Enabled",
      filter: { prefix: `${log.product}/${tier.level}/` },
      expiration: { days: tier.days },
      noncurrentVersionExpiration: { noncurrentDays: LOG_NONCURRENT_DAYS },
    })),
  );
  rules.push({ id: "housekeeping", status: "Enabled", filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: ABORT_MULTIPART_DAYS } });
  return rules;
}

// ---------------------------------------------------------------------------------------
// creation
// ---------------------------------------------------------------------------------------

export interface SecureBucketSpec {
  /** The resource name: every child is `<name>-<part>`. */
  readonly name: string;
  /** The S3 bucket name. */
  readonly bucket: string;
  readonly tags: Record<string, string>;
  readonly encryption: Encryption;
  readonly lifecycle: LifecycleRule[];
  /** Its bucket policy; absent for a KMS bucket, which gets `encryptedBucketPolicy` with its key. */
  readonly policy?: PolicyDocument;
  readonly objectLock?: ObjectLockRule;
  /** Where its server access logs go (absent for the access-log bucket itself). */
  readonly accessLogBucket?: pulumi.Input<string>;
  /** The catalog entry the bucket is made for (reviewers' reports); absent for shared buckets. */
  readonly source?: SourceRef;
}

export interface SecureBucket {
  readonly bucket: aws.s3.Bucket;
  /** The bucket's name as an output: using it orders a resource after the bucket. */
  readonly name: pulumi.Output<string>;
  readonly versioning: aws.s3.BucketVersioning;
}

/**
 * The bucket and its settings, children of `parent`. The bucket and every setting that
 * guards its data are protected and retained on delete; its logging is not (losing it
 * loses no data).
 */
export function createSecureBucket(spec: SecureBucketSpec, parent: pulumi.Resource, provider?: aws.Provider): SecureBucket {
  const child: pulumi.CustomResourceOptions = { parent, ...(provider ? { provider } : {}) };
  const kept: pulumi.CustomResourceOptions = { ...child, protect: true, retainOnDelete: true };
  const mark = <T extends pulumi.Resource>(resource: T): T => (spec.source ? sourced(resource, spec.source) : resource);
  const bucket = mark(new aws.s3.Bucket(spec.name, bucketArgs(spec.bucket, spec.tags, spec.objectLock !== undefined), kept));
  const name = bucket.bucket;
  const versioning = mark(new aws.s3.BucketVersioning(`${spec.name}-versioning`, versioningArgs(name), kept));
  mark(new aws.s3.BucketServerSideEncryptionConfiguration(`${spec.name}-encryption`, encryptionArgs(name, spec.encryption), kept));
  const publicAccess = mark(new aws.s3.BucketPublicAccessBlock(`${spec.name}-public-access`, publicAccessBlockArgs(name), kept));
  mark(new aws.s3.BucketOwnershipControls(`${spec.name}-ownership`, ownershipArgs(name), kept));
  // After the public access block, so the bucket is never briefly open to a policy.
  mark(new aws.s3.BucketPolicy(`${spec.name}-policy`, bucketPolicyArgs(name, bucketPolicyOf(spec)), { ...kept, dependsOn: [publicAccess] }));
  mark(new aws.s3.BucketLifecycleConfiguration(`${spec.name}-lifecycle`, lifecycleArgs(name, spec.lifecycle), { ...kept, dependsOn: [versioning] }));
  if (spec.objectLock) {
    mark(new aws.s3.BucketObjectLockConfiguration(`${spec.name}-object-lock`, objectLockArgs(name, spec.objectLock), { ...kept, dependsOn: [versioning] }));
  }
  if (spec.accessLogBucket !== undefined) {
    mark(new aws.s3.BucketLogging(`${spec.name}-logging`, loggingArgs(name, spec.bucket, spec.accessLogBucket), child));
  }
  return { bucket, name, versioning };
}
