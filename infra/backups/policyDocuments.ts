/**
 * IAM and S3 bucket policy documents of the storage concern, as typed objects and their
 * JSON (one stable key order, so a plan diff shows only what changed). Pure.
 *
 * Documents are built from names the catalog and stack config fix (bucket names,
 * prefixes, regions), so they are known in a preview and reviewers and policies read the
 * exact statements. KMS permissions of roles are scoped by what S3 passes to KMS
 * (`kms:ViaService`, and the bucket in the encryption context) instead of a key ARN that
 * only exists after `pulumi up`. The one exception is a KMS bucket's own policy: S3 can
 * only tell its key from another by the key's ARN (PF-S3-3), so that document is known
 * once the key exists (every preview after the first `pulumi up`).
 */
import type * as aws from "@pulumi/aws";

export type Principal = "*" | { AWS: string | string[] } | { Service: string | string[] };

export interface Statement {
  Sid: string;
  Effect: "Allow" | "Deny";
  Principal?: Principal;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: Statement[];
}

/** The documents are the provider's own type (checked when this compiles). */
export function providerDocument(document: PolicyDocument): aws.iam.PolicyDocument {
  return document;
}

/** IAM's customary order of a document's and a statement's keys; anything else sorts after, by name. */
const KEY_ORDER = ["Version", "Id", "Statement", "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"];

function rank(key: string): number {
  const i = KEY_ORDER.indexOf(key);
  return i < 0 ? KEY_ORDER.length : i;
}

/** The document as JSON with a stable key order (IAM's customary one, condition keys sorted). */
export function policyJson(document: PolicyDocument): string {
  const order = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(order);
    if (value === null || typeof value !== "object") return value;
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
    return Object.fromEntries(entries.map(([k, v]) => [k, order(v)]));
  };
  return JSON.stringify(order(document));
}

export const s3Arn = (bucket: string, key?: string): string => (key === undefined ? `arn:aws:s3:::${bucket}` : `arn:aws:s3:::${bucket}/${key}`);

/** Any KMS key of the region; statements narrow it with conditions on how S3 uses it. */
const kmsKeys = (region: string): string => `arn:aws:kms:${region}:*:key/*`;

/** Only through S3 in this region, and only for this bucket (object keys, or the S3 Bucket Key). */
function viaS3(region: string, bucket: string, keyPattern = "*"): Statement["Condition"] {
  return {
    StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com` },
    StringLike: { "kms:EncryptionContext:aws:s3:arn": [s3Arn(bucket), s3Arn(bucket, keyPattern)] },
  };
}

export function document(...statements: Statement[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: statements };
}

// ---------------------------------------------------------------------------------------
// bucket policies
// ---------------------------------------------------------------------------------------

/** Deny every request that does not use TLS, to the bucket and its objects. */
export function denyInsecureTransport(bucket: string): Statement {
  return {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [s3Arn(bucket), s3Arn(bucket, "*")],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}

/** The S3 condition keys of the encryption headers a PutObject may carry (PF-S3-2, PF-S3-5). */
export const SSE_HEADER = "s3:x-amz-server-side-encryption";
export const SSE_KMS_KEY_HEADER = "s3:x-amz-server-side-encryption-aws-kms-key-id";
export const SSE_CUSTOMER_HEADER = "s3:x-amz-server-side-encryption-customer-algorithm";

/** Deny PutObject when the request carries `header` (a `Null` "false" guard) and the rest of `condition` holds. */
function denyUploadsWith(sid: string, bucket: string, header: string, condition: NonNullable<Statement["Condition"]>): Statement {
  return {
    Sid: sid,
    Effect: "Deny",
    Principal: "*",
    Action: "s3:PutObject",
    Resource: s3Arn(bucket, "*"),
    Condition: { Null: { [header]: "false" }, ...condition },
  };
}

/**
 * The encryption a KMS bucket takes: its default encryption (SSE-KMS with its key) applies to
 * every upload that asks for none, so a plain `aws s3 cp` is encrypted and allowed (PF-S3-1).
 * Denied are only uploads that ask for something else: another algorithm, another KMS key,
 * SSE-KMS without a key (S3 then uses the AWS managed key aws/s3), or a customer-provided key
 * (PF-S3-2, PF-S3-5). Each deny applies only when its header is present: a negated operator,
 * `…IfExists` included, on an absent header would deny the plain upload too (PF-S3-4).
 */
export function denyOtherEncryption(bucket: string, kmsKeyArn: string): Statement[] {
  return [
    denyUploadsWith("DenyOtherEncryptionAlgorithms", bucket, SSE_HEADER, { StringNotEquals: { [SSE_HEADER]: "aws:kms" } }),
    denyUploadsWith("DenyOtherKmsKeys", bucket, SSE_KMS_KEY_HEADER, { StringNotEquals: { [SSE_KMS_KEY_HEADER]: kmsKeyArn } }),
    {
      Sid: "DenyAwsManagedKey",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: s3Arn(bucket, "*"),
      Condition: { StringEquals: { [SSE_HEADER]: "aws:kms" }, Null: { [SSE_KMS_KEY_HEADER]: "true" } },
    },
    denyUploadsWith("DenyCustomerProvidedKeys", bucket, SSE_CUSTOMER_HEADER, {}),
  ];
}

/** A KMS-encrypted bucket (backups, replicas, the log archive): TLS only; uploads take its key or ask for none. */
export function encryptedBucketPolicy(bucket: string, kmsKeyArn: string): PolicyDocument {
  return document(denyInsecureTransport(bucket), ...denyOtherEncryption(bucket, kmsKeyArn));
}

/** Prefix under which S3 delivers server access logs of a bucket. */
export const ACCESS_LOG_PREFIX = "s3-access/";

/**
 * The access-log bucket: S3's logging service may write under `s3-access/`, only for the
 * buckets that log here; TLS only. (Server access logs are SSE-S3: the logging service
 * sends no SSE-KMS header.)
 */
export function accessLogBucketPolicy(bucket: string, sources: readonly string[]): PolicyDocument {
  return document(
    {
      Sid: "AllowServerAccessLogDelivery",
      Effect: "Allow",
      Principal: { Service: "logging.s3.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: s3Arn(bucket, `${ACCESS_LOG_PREFIX}*`),
      Condition: { ArnLike: { "aws:SourceArn": [...sources].sort().map((s) => s3Arn(s)) } },
    },
    denyInsecureTransport(bucket),
  );
}

// ---------------------------------------------------------------------------------------
// roles
// ---------------------------------------------------------------------------------------

/** Who may assume a role: the catalog's principals, or an AWS service. */
export function trustPolicy(principal: { readonly aws: readonly string[] } | { readonly service: string }): PolicyDocument {
  return document({
    Sid: "AssumeRole",
    Effect: "Allow",
    Principal: "aws" in principal ? { AWS: [...principal.aws].sort() } : { Service: principal.service },
    Action: "sts:AssumeRole",
  });
}

export interface BackupLocation {
  readonly bucket: string;
  /** Ends in `/`. */
  readonly prefix: string;
  readonly region: string;
}

/** The backup job: put objects under its prefix, encrypted with the bucket's key. No read, no list, no delete. */
export function writerPolicy(at: BackupLocation): PolicyDocument {
  return document(
    {
      Sid: "PutBackups",
      Effect: "Allow",
      Action: "s3:PutObject",
      Resource: s3Arn(at.bucket, `${at.prefix}*`),
    },
    {
      // SSE-KMS needs a data key; multipart uploads also decrypt it to finish the upload.
      Sid: "EncryptBackups",
      Effect: "Allow",
      Action: ["kms:GenerateDataKey", "kms:Decrypt"],
      Resource: kmsKeys(at.region),
      Condition: viaS3(at.region, at.bucket, `${at.prefix}*`),
    },
  );
}

/** A restore: list and read the prefix, every version, and decrypt. Nothing that writes or deletes. */
export function restorerPolicy(at: BackupLocation): PolicyDocument {
  return document(
    {
      Sid: "ListBackups",
      Effect: "Allow",
      Action: ["s3:ListBucket", "s3:ListBucketVersions"],
      Resource: s3Arn(at.bucket),
      Condition: { StringLike: { "s3:prefix": [at.prefix, `${at.prefix}*`] } },
    },
    {
      Sid: "ReadBackups",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:GetObjectVersion"],
      Resource: s3Arn(at.bucket, `${at.prefix}*`),
    },
    {
      Sid: "DecryptBackups",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: kmsKeys(at.region),
      Condition: viaS3(at.region, at.bucket, `${at.prefix}*`),
    },
  );
}

export interface ReplicationPair {
  readonly source: { readonly bucket: string; readonly region: string };
  readonly replica: { readonly bucket: string; readonly region: string };
  /** With Object Lock, the retention and legal hold travel with each version. */
  readonly objectLock: boolean;
}

/**
 * S3 replication: read the source's versions, write replicas, decrypt with the source's
 * key and encrypt with the replica's. Deletes are not replicated (no s3:ReplicateDelete):
 * a mistaken delete at the source leaves the replica whole.
 */
export function replicationPolicy(pair: ReplicationPair): PolicyDocument {
  const { source, replica } = pair;
  return document(
    {
      Sid: "ReadReplicationConfiguration",
      Effect: "Allow",
      Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"],
      Resource: s3Arn(source.bucket),
    },
    {
      Sid: "ReadSourceVersions",
      Effect: "Allow",
      Action: [
        "s3:GetObjectVersionAcl",
        "s3:GetObjectVersionForReplication",
        "s3:GetObjectVersionTagging",
        ...(pair.objectLock ? ["s3:GetObjectLegalHold", "s3:GetObjectRetention"] : []),
      ],
      Resource: s3Arn(source.bucket, "*"),
    },
    {
      Sid: "WriteReplicas",
      Effect: "Allow",
      Action: ["s3:ReplicateObject", "s3:ReplicateTags"],
      Resource: s3Arn(replica.bucket, "*"),
    },
    {
      Sid: "DecryptSource",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: kmsKeys(source.region),
      Condition: viaS3(source.region, source.bucket),
    },
    {
      Sid: "EncryptReplica",
      Effect: "Allow",
      Action: ["kms:Encrypt", "kms:GenerateDataKey"],
      Resource: kmsKeys(replica.region),
      Condition: viaS3(replica.region, replica.bucket),
    },
  );
}
