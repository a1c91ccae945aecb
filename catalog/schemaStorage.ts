/**
 * The catalog's storage part: `backups` (what is backed up to S3, how often, how long
 * it is kept, where it is replicated), `logs` (how long each product's logs are kept,
 * per level) and `statusPages` (per product: the public page, its components and groups,
 * and which uptime checks inform each component). Raw form; `normalizeStorage.ts` checks
 * what a schema cannot (references, ranges that depend on each other) and builds the model.
 */
import { z } from "zod";
import { Duration, Name, Severity } from "./primitives";

/** An IAM principal allowed to assume a role: an account root, a role or a user. */
export const IAM_PRINCIPAL_PATTERN = /^arn:aws(?:-[a-z]+)*:iam::\d{12}:(?:root|role\/[\w+=,.@/-]+|user\/[\w+=,.@/-]+)$/;

const Principal = z
  .string()
  .regex(IAM_PRINCIPAL_PATTERN, { error: "an IAM principal ARN such as arn:aws:iam::123456789012:role/backup-job" });

/** An S3 key prefix: path segments, ending in `/`. */
const KeyPrefix = z
  .string()
  .regex(/^(?:[a-z0-9][a-z0-9._-]*\/)+$/, { error: "an S3 key prefix of lower-case path segments ending in /, such as database/" });

/** A Datadog metric name (the backup job's own count of completed backups). */
const MetricName = z
  .string()
  .regex(/^[a-zA-Z][a-zA-Z0-9_.]*$/, { error: "a Datadog metric name such as prompts.backup.completed" });

export const LOG_LEVELS = ["critical", "error", "warn", "info", "debug"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const ObjectLock = z.strictObject({
  mode: z.enum(["governance", "compliance"]).default("governance")
    .meta({ description: "governance: only principals with s3:BypassGovernanceRetention may delete early · compliance: nobody, not even the account root." }),
  retention: Duration.meta({ description: "How long each new backup object cannot be deleted or overwritten (whole days, at most the retention)." }),
});

const Freshness = z.strictObject({
  within: Duration.optional()
    .meta({ description: "Alert when no new backup object arrived for this long (default: every + 2h, 26h for daily backups)." }),
  severity: Severity.default("P1").meta({ description: "Severity of the freshness alert (default P1)." }),
  metric: MetricName.optional()
    .meta({
      description:
        "A count metric the backup job emits once per completed backup (tagged env and service). " +
        "Default: S3 request metrics of the bucket's prefix (aws.s3.put_requests).",
    }),
});

const Access = z.strictObject({
  write: z.array(Principal).min(1)
    .meta({ description: "Principals that may assume the writer role: put objects under the prefix, nothing else (no read, no delete)." }),
  restore: z.array(Principal).min(1)
    .meta({ description: "Principals that may assume the restorer role: list and read the prefix, nothing else." }),
});

export const Backup = z.strictObject({
  name: Name.meta({ description: "The backup's key: the bucket is <lookout:bucketPrefix>-<environment>-backup-<name>." }),
  renamedFrom: Name.optional().meta({ description: "The previous name: its resources get Pulumi aliases for the old names, so they keep their history." }),
  product: Name,
  service: Name.meta({ description: "The service whose data this is: its team owns the freshness alert, its runbook is linked." }),
  description: z.string().min(1).meta({ description: "What is backed up and by what (e.g. the Supabase database, scripts/backup-database.js)." }),
  prefix: KeyPrefix.optional().meta({ description: "Where the backup job writes (default <name>/)." }),
  every: Duration.meta({ description: "How often a backup is taken (e.g. 1d)." }),
  retention: Duration.meta({ description: "How long a backup is kept: lifecycle expiry, whole days (e.g. 30d)." }),
  noncurrentRetention: Duration.optional()
    .meta({ description: "How long an overwritten or deleted backup stays recoverable as a noncurrent version (default: the retention)." }),
  replicate: z.boolean().default(false)
    .meta({ description: "Replicate to the stack's lookout:backupReplicaRegion (a second bucket and key there)." }),
  objectLock: ObjectLock.optional().meta({ description: "S3 Object Lock: new backups cannot be deleted or overwritten for a while." }),
  freshness: Freshness.default({ severity: "P1" }),
  access: Access,
});

const LevelRetention = z.strictObject(
  Object.fromEntries(LOG_LEVELS.map((level) => [level, Duration.optional()])) as Record<LogLevel, z.ZodOptional<typeof Duration>>,
);

export const LogRetention = z.strictObject({
  product: Name.meta({ description: "Whose logs: they live under <product>/<level>/ in the stack's log archive bucket." }),
  retention: LevelRetention.meta({ description: "Days each level is kept, e.g. { critical: 90d, error: 60d, info: 30d, debug: 7d }." }),
});

/** `service/endpoint`: an uptime check of the catalog. */
const CheckRef = z
  .string()
  .regex(/^[a-z](?:[a-z0-9-]*[a-z0-9])?\/[a-z](?:[a-z0-9-]*[a-z0-9])?$/, { error: "a check written service/name, such as prompts-api/health" });

const ComponentFields = {
  name: Name.meta({ description: "The component's key (stable resource name)." }),
  title: z.string().min(1).max(100).meta({ description: "What visitors read, e.g. Payment processing." }),
};

const Feeds = {
  endpoints: z.array(CheckRef).default([])
    .meta({ description: "The uptime checks (service/endpoint) whose failure this component reports." }),
  journeys: z.array(CheckRef).default([])
    .meta({ description: "The journeys (service/journey) whose failure this component reports." }),
};

export const StatusSubComponent = z.strictObject({ ...ComponentFields, ...Feeds });

export const StatusComponent = z.strictObject({
  ...ComponentFields,
  renamedFrom: Name.optional().meta({ description: "The component's previous key: its resource gets a Pulumi alias for the old name, so it keeps its history (a group's components are part of the group's resource)." }),
  ...Feeds,
  components: z.array(StatusSubComponent).optional()
    .meta({ description: "Makes this a group of these components (a group reports through its components, not checks of its own)." }),
});

export const StatusPage = z.strictObject({
  product: Name.meta({ description: "The product whose page this is (one page per product)." }),
  title: z.string().min(1).max(100).meta({ description: "The page's name, e.g. AI Marketplace Status." }),
  domain: z
    .string()
    .regex(/^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, { error: "a host name such as status.example.com" })
    .optional()
    .meta({ description: "The custom domain visitors use (a CNAME to the Datadog page, enabled in Datadog's custom-domain flow)." }),
  domainPrefix: z
    .string()
    .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, { error: "a sub-domain label such as prompts-status" })
    .optional()
    .meta({ description: "The page's sub-domain at Datadog (default <product>, or <product>-<environment> outside prod)." }),
  visibility: z.enum(["public", "internal"]).default("public")
    .meta({ description: "public: anyone · internal: signed-in members of the Datadog organization." }),
  components: z.array(StatusComponent).min(1).meta({ description: "In display order." }),
});

export type RawBackup = z.output<typeof Backup>;
export type RawLogRetention = z.output<typeof LogRetention>;
export type RawStatusPage = z.output<typeof StatusPage>;
export type RawStatusComponent = z.output<typeof StatusComponent>;

/** The storage keys of a catalog file (spread into `CatalogFileSchema`). */
export const StorageKeys = {
  backups: z.array(Backup).default([])
    .meta({ description: "Backups kept in S3: versioned, KMS-encrypted, private, TLS-only, retained, optionally replicated and locked." }),
  logs: z.array(LogRetention).default([])
    .meta({ description: "Log retention per product and level, as lifecycle rules of the stack's log archive bucket." }),
  statusPages: z.array(StatusPage).default([])
    .meta({ description: "Datadog status pages, one per product, and the checks that inform each component." }),
};
