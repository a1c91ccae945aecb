/**
 * The stack's log buckets: the log archive (lifecycle rules per product and level) and
 * the buckets that receive the other buckets' S3 server access logs. Gathered per
 * stack by `Storage` (backups.ts).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ACCESS_LOG_RETENTION_DAYS, awsTags, createSecureBucket, kmsKeyArgs, LOG_NONCURRENT_DAYS, logRules, PURPOSE_TAG, type SecureBucket } from "./buckets";
import type { LogRetention } from "../../catalog/model";
import { accessLogBucketPolicy } from "./policyDocuments";

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
