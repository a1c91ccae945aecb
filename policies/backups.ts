/**
 * Backup and log-archive rules: backups survive mistakes (protected, versioned,
 * KMS-encrypted with a rotating key, retained at least as long as the guides keep them)
 * and logs are kept per level at least as long as the guides say. With the bucket rules
 * (`buckets.ts`: private, TLS-only) they are the storage rule group.
 *
 * With @pulumi/aws v7 a bucket's settings are resources of their own, so these are stack
 * rules: a setting is joined to its bucket through its `bucket` property dependency (or,
 * failing that, the bucket name it names). Only known values are read: in a preview a
 * KMS key's ARN is unknown, and reading an unknown would turn the whole rule into
 * "can't run during preview".
 */
import type { PolicyConfigSchema, PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { configOf, items, type Known, listInWords, read, stackPolicy, UNKNOWN } from "./support";
import {
  BACKUP_SOURCE,
  type BucketView,
  bucketViews,
  bucketsPrivate,
  bucketsTlsOnly,
  conditionValues,
  coversAction,
  expiries,
  isBackup,
  isEveryone,
  KMS_KEY,
  label,
  type Statement,
  statementsOf,
} from "./buckets";

// ---------------------------------------------------------------------------------------
// backup-buckets-protected
// ---------------------------------------------------------------------------------------

/** The KMS keys a bucket's encryption settings use, when they are resources of the stack. */
function keysOf(view: BucketView): PolicyResource[] {
  return view.settings.encryption.flatMap((e) => (e.propertyDependencies?.rules ?? []).filter((d) => d.type === KMS_KEY));
}

export const backupBucketsProtected = stackPolicy(
  "backup-buckets-protected",
  "Backup buckets (tag lookout:purpose=backup) and the KMS keys that encrypt them are protected: no change can delete them (000 §Backup Systems 3; 004 §3; DESIGN.md rule 5).",
  undefined,
  (args, report) => {
    for (const view of bucketViews(args.resources).filter(isBackup)) {
      if (!view.resource.opts.protect) {
        report(
          `${label(view)} holds backups but is not protected. Set protect: true and retainOnDelete: true on it, so that no change ` +
            `(a renamed key, a removed catalog entry, a replacement) can delete the backups (${BACKUP_SOURCE}).`,
          view.resource.urn,
        );
      }
      for (const key of keysOf(view)) {
        if (!key.opts.protect) {
          report(
            `KMS key "${key.name}" encrypts the backups in ${label(view)} but is not protected: deleting it makes every backup unreadable. ` +
              `Set protect: true and retainOnDelete: true on it (${BACKUP_SOURCE}).`,
            key.urn,
          );
        }
      }
    }
  },
);

// ---------------------------------------------------------------------------------------
// backup-buckets-versioned
// ---------------------------------------------------------------------------------------

export const backupBucketsVersioned = stackPolicy(
  "backup-buckets-versioned",
  "Backup buckets have versioning Enabled (an aws.s3.BucketVersioning naming the bucket), so an overwritten or deleted backup stays recoverable (000 §Backup Systems 3; 004 §3; DESIGN.md rule 5).",
  undefined,
  (args, report) => {
    for (const view of bucketViews(args.resources).filter(isBackup)) {
      const statuses = view.settings.versioning.map((v) => read(v.props, "versioningConfiguration", "status"));
      if (statuses.some((s) => s === "Enabled" || s === UNKNOWN)) continue;
      const found = statuses.length === 0 ? "has no versioning" : `has versioning ${statuses.map(String).join(", ")}`;
      report(
        `${label(view)} holds backups but ${found}. Add an aws.s3.BucketVersioning with versioningConfiguration.status "Enabled": ` +
          `a backup overwritten or deleted by mistake must stay recoverable as a noncurrent version (${BACKUP_SOURCE}).`,
        view.resource.urn,
      );
    }
  },
);

// ---------------------------------------------------------------------------------------
// backup-buckets-encrypted
// ---------------------------------------------------------------------------------------

const KMS_ALGORITHMS = new Set(["aws:kms", "aws:kms:dsse"]);

const SSE_HEADER = "s3:x-amz-server-side-encryption";
const SSE_KMS_KEY_HEADER = "s3:x-amz-server-side-encryption-aws-kms-key-id";
const SSE_HEADERS = [SSE_HEADER, SSE_KMS_KEY_HEADER, "s3:x-amz-server-side-encryption-customer-algorithm"];

const deniesUploads = (statement: Statement) => statement.Effect === "Deny" && isEveryone(statement.Principal) && coversAction(statement, "s3:PutObject");

/** The statement applies only to requests that carry `header` (a `Null` "false" guard). */
const onlyWith = (statement: Statement, header: string) => conditionValues(statement, "Null", header).includes("false");

/** Denies uploads whose SSE header asks for another algorithm than SSE-KMS (PF-S3-2). */
function deniesOtherAlgorithms(statement: Statement): boolean {
  return deniesUploads(statement) && onlyWith(statement, SSE_HEADER) && conditionValues(statement, "StringNotEquals", SSE_HEADER).some((v) => KMS_ALGORITHMS.has(v));
}

/** Denies uploads that name another KMS key than the one the condition gives (PF-S3-3). */
function deniesOtherKeys(statement: Statement): boolean {
  return (
    deniesUploads(statement) &&
    onlyWith(statement, SSE_KMS_KEY_HEADER) &&
    ["StringNotEquals", "ArnNotEquals"].some((op) => conditionValues(statement, op, SSE_KMS_KEY_HEADER).length > 0)
  );
}

/**
 * Denies an upload that carries no encryption header at all, which the bucket's default
 * encryption would have encrypted (PF-S3-1): every condition is on an SSE header and holds
 * when the header is absent (`Null` "true", a negated operator, any `…IfExists`; PF-S3-4).
 */
function deniesDefaultEncryptedUploads(statement: Statement): boolean {
  if (!deniesUploads(statement)) return false;
  const condition = statement.Condition;
  if (!condition || typeof condition !== "object") return false;
  const entries = Object.entries(condition as Record<string, unknown>).flatMap(([operator, block]) =>
    block && typeof block === "object" ? Object.keys(block).map((key) => ({ operator, key: key.toLowerCase() })) : [],
  );
  const holdsWhenAbsent = ({ operator, key }: { operator: string; key: string }) =>
    SSE_HEADERS.includes(key) &&
    (operator === "Null"
      ? conditionValues(statement, "Null", key).includes("true")
      : operator.endsWith("IfExists") || /^(String|Arn)Not(Equals|Like)$/.test(operator));
  return entries.length > 0 && entries.every(holdsWhenAbsent);
}

export const backupBucketsEncrypted = stackPolicy(
  "backup-buckets-encrypted",
  "Backup buckets encrypt by default with SSE-KMS and a customer managed key that rotates; their policy denies uploads that ask for another algorithm or key, and none that rely on default encryption (000 §Backup Systems 3; 004 §3; DESIGN.md rule 5; PF-S3-1 … PF-S3-4).",
  undefined,
  (args, report) => {
    for (const view of bucketViews(args.resources).filter(isBackup)) {
      const rules = view.settings.encryption.flatMap((e) => {
        const list = items(e.props, "rules");
        return list === UNKNOWN ? [UNKNOWN] : list;
      });
      const kms = rules.some((rule) => {
        if (rule === UNKNOWN) return true;
        const algorithm = read(rule, "applyServerSideEncryptionByDefault", "sseAlgorithm");
        const key = read(rule, "applyServerSideEncryptionByDefault", "kmsMasterKeyId");
        return (algorithm === UNKNOWN || KMS_ALGORITHMS.has(String(algorithm))) && (key === UNKNOWN || (typeof key === "string" && key !== ""));
      });
      if (!kms) {
        report(
          `${label(view)} holds backups but is not encrypted with a KMS key of its own. Add an aws.s3.BucketServerSideEncryptionConfiguration ` +
            `with sseAlgorithm "aws:kms" and kmsMasterKeyId set to a customer managed aws.kms.Key (enableKeyRotation: true): ` +
            `whoever reads the backups then needs the key as well as the bucket (${BACKUP_SOURCE}).`,
          view.resource.urn,
        );
      }
      for (const key of keysOf(view)) {
        const rotation = read(key.props, "enableKeyRotation");
        if (rotation !== true && rotation !== UNKNOWN) {
          report(`KMS key "${key.name}" encrypts the backups in ${label(view)} but does not rotate. Set enableKeyRotation: true (${BACKUP_SOURCE}).`, key.urn);
        }
      }
      // Known once the bucket's key exists: the policy names the key's ARN (PF-S3-3).
      const statements = statementsOf(view);
      if (statements === UNKNOWN) continue;
      const missing = [
        ...(statements.some(deniesOtherAlgorithms) ? [] : [`Condition Null ${SSE_HEADER} "false" and StringNotEquals ${SSE_HEADER} "aws:kms" (another algorithm)`]),
        ...(statements.some(deniesOtherKeys) ? [] : [`Condition Null ${SSE_KMS_KEY_HEADER} "false" and StringNotEquals ${SSE_KMS_KEY_HEADER} <the key's ARN> (another key)`]),
      ];
      if (missing.length > 0) {
        report(
          `${label(view)} holds backups but its bucket policy lets uploads choose their own encryption. Add statements denying s3:PutObject to Principal "*" with ` +
            `${listInWords(missing)}: uploads that ask for nothing get the bucket's key by default encryption (PF-S3-1 … PF-S3-3; ${BACKUP_SOURCE}).`,
          view.resource.urn,
        );
      }
      for (const statement of statements.filter(deniesDefaultEncryptedUploads)) {
        report(
          `${label(view)} holds backups but its bucket policy denies uploads that send no encryption header${typeof statement.Sid === "string" ? ` (statement ${statement.Sid})` : ""}: ` +
            `a plain \`aws s3 cp\` gets 403 although default encryption would encrypt it with the bucket's key, so the backup never lands. ` +
            `Guard the condition with Null <header> "false" so it denies only a wrong algorithm or key (a negated operator or …IfExists on an absent header matches; PF-S3-1, PF-S3-4; ${BACKUP_SOURCE}).`,
          view.resource.urn,
        );
      }
    }
  },
);

// ---------------------------------------------------------------------------------------
// backup-retention
// ---------------------------------------------------------------------------------------

export interface BackupRetentionConfig {
  readonly minRetentionDays: number;
  readonly minNoncurrentRetentionDays: number;
}

export const backupRetentionSchema: PolicyConfigSchema = {
  properties: {
    minRetentionDays: {
      type: "integer",
      minimum: 1,
      default: 30,
      description:
        "Fewest days a backup is kept before lifecycle expiry (default 30: 000 §Backup Systems 3 \"Retention: 30 days\"; " +
        "004 §3 \"Retention Policy: Automatic cleanup of old backups (30 days default)\").",
    },
    minNoncurrentRetentionDays: {
      type: "integer",
      minimum: 1,
      default: 30,
      description:
        "Fewest days an overwritten or deleted backup stays recoverable as a noncurrent version (default 30: a backup deleted by mistake " +
        "is still one of the 30 days of backups the guides keep; DESIGN.md rule 5).",
    },
  },
};

export const backupRetention = stackPolicy(
  "backup-retention",
  "Backup buckets' lifecycle rules keep backups at least minRetentionDays and noncurrent versions at least minNoncurrentRetentionDays.",
  backupRetentionSchema,
  (args, report) => {
    const config = configOf<BackupRetentionConfig>(backupRetentionSchema, args);
    for (const view of bucketViews(args.resources).filter(isBackup)) {
      for (const lifecycle of view.settings.lifecycle) {
        const rules = items(lifecycle.props, "rules");
        if (rules === UNKNOWN) continue;
        for (const rule of rules.map(expiries).filter((r) => r.status === "Enabled")) {
          if (rule.days !== undefined && rule.days < config.minRetentionDays) {
            report(
              `${label(view)} expires backups after ${rule.days} day${rule.days === 1 ? "" : "s"} (lifecycle rule "${rule.id}"). ` +
                `Keep them at least ${config.minRetentionDays} days: set expiration.days to ${config.minRetentionDays} or more (${BACKUP_SOURCE}).`,
              lifecycle.urn,
            );
          }
          if (rule.noncurrentDays !== undefined && rule.noncurrentDays < config.minNoncurrentRetentionDays) {
            report(
              `${label(view)} deletes overwritten or deleted backups after ${rule.noncurrentDays} day${rule.noncurrentDays === 1 ? "" : "s"} ` +
                `(lifecycle rule "${rule.id}"). Keep noncurrent versions at least ${config.minNoncurrentRetentionDays} days: ` +
                `set noncurrentVersionExpiration.noncurrentDays to ${config.minNoncurrentRetentionDays} or more, so a mistake stays recoverable (${BACKUP_SOURCE}).`,
              lifecycle.urn,
            );
          }
        }
      }
    }
  },
);

// ---------------------------------------------------------------------------------------
// log-retention-tiers
// ---------------------------------------------------------------------------------------

export const LOG_LEVELS = ["critical", "error", "warn", "info", "debug"] as const;
type LogLevel = (typeof LOG_LEVELS)[number];

export type LogRetentionConfig = Readonly<Record<`${LogLevel}Days`, number>>;

const LOG_SOURCE = "001 Production Monitoring Guide §5 Log Management: Log Retention Policy; 002 Production Monitoring & Alerting Guide §Structured Logging";

/**
 * The mandatory bound of each level is the loosest value any guide accepts (001 keeps
 * critical 90, error 60, info 30, debug 7 days; 002 error 90, warn 30, info 7): a
 * product keeps its own guide's longer value in its catalog.
 */
export const logRetentionSchema: PolicyConfigSchema = {
  properties: {
    criticalDays: { type: "integer", minimum: 1, default: 90, description: "Fewest days critical logs are kept (default 90: 001 §5 \"Critical Logs: 90 days\")." },
    errorDays: {
      type: "integer",
      minimum: 1,
      default: 60,
      description: "Fewest days error logs are kept (default 60: 001 §5 \"Error Logs: 60 days\", the looser of 001's 60 and 002's 90).",
    },
    warnDays: { type: "integer", minimum: 1, default: 30, description: "Fewest days warn logs are kept (default 30: 002 §Structured Logging warn retention \"30 days\")." },
    infoDays: {
      type: "integer",
      minimum: 1,
      default: 7,
      description: "Fewest days info logs are kept (default 7: 002 §Structured Logging info \"7 days\", the looser of 001's 30 and 002's 7).",
    },
    debugDays: { type: "integer", minimum: 1, default: 7, description: "Fewest days debug logs are kept (default 7: 001 §5 \"Debug Logs: 7 days\")." },
  },
};

/** The rule's prefix: filter.prefix, filter.and.prefix or the legacy top-level prefix; "" for the whole bucket. */
function prefixOf(rule: unknown): Known<string> {
  for (const path of [["filter", "prefix"], ["filter", "and", "prefix"], ["prefix"]]) {
    const value = read(rule, ...path);
    if (value === UNKNOWN) return UNKNOWN;
    if (typeof value === "string") return value;
  }
  return "";
}

export const logRetentionTiers = stackPolicy(
  "log-retention-tiers",
  "The log archive (tag lookout:purpose=log-archive) keeps each level's prefix (<product>/<level>/) at least <level>Days; " +
    "no rule over the whole bucket expires logs sooner than the longest level.",
  logRetentionSchema,
  (args, report) => {
    const config = configOf<LogRetentionConfig>(logRetentionSchema, args);
    for (const view of bucketViews(args.resources).filter((v) => v.purpose === "log-archive")) {
      for (const lifecycle of view.settings.lifecycle) {
        const rules = items(lifecycle.props, "rules");
        if (rules === UNKNOWN) continue;
        for (const rule of rules) {
          const { status, id, days } = expiries(rule);
          const prefix = prefixOf(rule);
          if (status !== "Enabled" || days === undefined || prefix === UNKNOWN) continue;
          const level = /(?:^|\/)(critical|error|warn|info|debug)\/?$/.exec(prefix)?.[1] as LogLevel | undefined;
          const minimum = level ? config[`${level}Days`] : prefix === "" ? Math.max(...LOG_LEVELS.map((l) => config[`${l}Days`])) : undefined;
          if (minimum === undefined || days >= minimum) continue;
          const what = level ? `${level} logs (${prefix})` : "every log in the bucket";
          report(
            `${label(view)} expires ${what} after ${days} day${days === 1 ? "" : "s"} (lifecycle rule "${id}"). ` +
              `Keep them at least ${minimum} days: set expiration.days to ${minimum} or more (${LOG_SOURCE}).`,
            lifecycle.urn,
          );
        }
      }
    }
  },
  "medium",
);

/** The storage rule group (buckets, backups, the log archive), in the order the pack lists them. */
export const backupPolicies: StackValidationPolicy[] = [
  backupBucketsProtected,
  backupBucketsVersioned,
  backupBucketsEncrypted,
  bucketsPrivate,
  bucketsTlsOnly,
  backupRetention,
  logRetentionTiers,
];
