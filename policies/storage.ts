/**
 * Storage rules: backups survive mistakes (protected, versioned, KMS-encrypted with a
 * rotating key, retained at least as long as the guides keep them), every bucket is
 * private and TLS-only, logs are kept per level at least as long as the guides say, and
 * every P0 uptime check feeds a status-page component.
 *
 * With @pulumi/aws v7 a bucket's settings are resources of their own, so these are stack
 * rules: a setting is joined to its bucket through its `bucket` property dependency (or,
 * failing that, the bucket name it names). Only known values are read: in a preview a
 * KMS key's ARN is unknown, and reading an unknown would turn the whole rule into
 * "can't run during preview".
 */
import type {
  PolicyConfigSchema,
  PolicyResource,
  ReportViolation,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { configOf, DATADOG_SYNTHETICS_TEST, listInWords, parseTags, readKnown, UNKNOWN, environmentsProperty } from "./support";

// ---------------------------------------------------------------------------------------
// Resource types (tokens; the pack imports no provider SDK) and reading known values
// ---------------------------------------------------------------------------------------

/** `aws.s3.Bucket` and the deprecated `BucketV2` alias. */
export const S3_BUCKET_TYPES: ReadonlySet<string> = new Set(["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"]);
const s3Setting = (name: string) => new Set([`aws:s3/${lower(name)}:${name}`, `aws:s3/${lower(name)}V2:${name}V2`]);
const lower = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);

export const S3_SETTING_TYPES = {
  versioning: s3Setting("BucketVersioning"),
  encryption: s3Setting("BucketServerSideEncryptionConfiguration"),
  publicAccessBlock: new Set(["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"]),
  ownership: new Set(["aws:s3/bucketOwnershipControls:BucketOwnershipControls"]),
  policy: new Set(["aws:s3/bucketPolicy:BucketPolicy"]),
  lifecycle: s3Setting("BucketLifecycleConfiguration"),
} as const;
export type S3SettingKind = keyof typeof S3_SETTING_TYPES;

export const KMS_KEY = "aws:kms/key:Key";
export const DATADOG_STATUS_PAGE = "datadog:index/statusPage:StatusPage";
export const DATADOG_STATUS_PAGE_DEGRADATION_TEMPLATE = "datadog:index/statusPageDegradationTemplate:StatusPageDegradationTemplate";

/** The tag Lookout puts on its buckets: backup, log-archive, access-logs. */
export const PURPOSE_TAG = "lookout:purpose";

type Known<T> = T | typeof UNKNOWN;

/** The value at `path`, undefined when absent, UNKNOWN when unknown in a preview. */
function read(value: unknown, ...path: PropertyKey[]): Known<unknown> {
  return readKnown(() => {
    let current = value;
    for (const key of path) {
      if (current === null || typeof current !== "object") return undefined;
      current = (current as Record<PropertyKey, unknown>)[key];
    }
    return current;
  });
}

/** An array's items (each read safely); [] for anything else, UNKNOWN for an unknown array. */
function items(value: unknown, ...path: PropertyKey[]): Known<unknown[]> {
  const list = read(value, ...path);
  if (list === UNKNOWN) return UNKNOWN;
  if (!Array.isArray(list)) return [];
  const length = read(list, "length");
  return typeof length === "number" ? Array.from({ length }, (_, i) => read(list, i)) : [];
}

/** The value is `expected`, or unknown in a preview (it will be what the program says). */
function isOrUnknown(value: Known<unknown>, expected: unknown): boolean {
  return value === UNKNOWN || value === expected;
}

function stringOf(value: Known<unknown>): string | undefined {
  return typeof value === "string" ? value : undefined;
}

// ---------------------------------------------------------------------------------------
// Buckets and their settings
// ---------------------------------------------------------------------------------------

export interface BucketView {
  readonly resource: PolicyResource;
  /** The S3 name, when known. */
  readonly name?: string;
  /** `lookout:purpose`, when tagged. */
  readonly purpose?: string;
  readonly settings: Record<S3SettingKind, PolicyResource[]>;
}

/** The stack's S3 buckets, each with the setting resources that name it. */
export function bucketViews(resources: readonly PolicyResource[]): BucketView[] {
  const views = new Map<string, BucketView>();
  const byName = new Map<string, BucketView>();
  for (const resource of resources) {
    if (!S3_BUCKET_TYPES.has(resource.type)) continue;
    const name = stringOf(read(resource.props, "bucket"));
    const purpose = stringOf(read(resource.props, "tags", PURPOSE_TAG));
    const view: BucketView = {
      resource,
      name,
      purpose,
      settings: { versioning: [], encryption: [], publicAccessBlock: [], ownership: [], policy: [], lifecycle: [] },
    };
    views.set(resource.urn, view);
    if (name) byName.set(name, view);
  }
  for (const resource of resources) {
    const kind = (Object.keys(S3_SETTING_TYPES) as S3SettingKind[]).find((k) => S3_SETTING_TYPES[k].has(resource.type));
    if (!kind) continue;
    const dependency = (resource.propertyDependencies?.bucket ?? []).find((d) => views.has(d.urn));
    const named = stringOf(read(resource.props, "bucket"));
    const view = dependency ? views.get(dependency.urn) : named ? byName.get(named) : undefined;
    view?.settings[kind].push(resource);
  }
  return [...views.values()];
}

const label = (view: BucketView) => `Bucket "${view.resource.name}"${view.name ? ` (s3://${view.name})` : ""}`;
const isBackup = (view: BucketView) => view.purpose === "backup";

const BACKUP_SOURCE =
  "000 Monitoring Dashboard guide §Backup Systems 3. Database Backup (daily, 30 days, AWS S3); " +
  "004 Phase 1 Complete §3 Database Backup System (30 days default); DESIGN.md rule 5 \"Backups survive mistakes\"";

function stackPolicy(
  name: string,
  description: string,
  configSchema: PolicyConfigSchema | undefined,
  validate: (args: StackValidationArgs, report: ReportViolation) => void,
  severity: "low" | "medium" | "high" | "critical" = "high",
): StackValidationPolicy {
  return { name, description, enforcementLevel: "mandatory", severity, ...(configSchema ? { configSchema } : {}), validateStack: validate };
}

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

interface Statement {
  readonly Sid?: unknown;
  readonly Effect?: unknown;
  readonly Principal?: unknown;
  readonly Action?: unknown;
  readonly Resource?: unknown;
  readonly Condition?: unknown;
}

/** The statements of a bucket's policies; UNKNOWN if one is unknown in a preview. */
function statementsOf(view: BucketView): Known<Statement[]> {
  const statements: Statement[] = [];
  for (const policy of view.settings.policy) {
    const raw = read(policy.props, "policy");
    if (raw === UNKNOWN) return UNKNOWN;
    let document: unknown = raw;
    if (typeof raw === "string") {
      try {
        document = JSON.parse(raw);
      } catch {
        continue;
      }
    }
    const list = read(document, "Statement");
    if (list === UNKNOWN) return UNKNOWN;
    for (const s of Array.isArray(list) ? list : list && typeof list === "object" ? [list] : []) statements.push(s as Statement);
  }
  return statements;
}

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);
const isEveryone = (principal: unknown) => principal === "*" || asList((principal as { AWS?: unknown } | undefined)?.AWS).includes("*");
const coversAction = (statement: Statement, action: string) =>
  asList(statement.Action).some((a) => a === "*" || a === "s3:*" || a === action);

/** The condition value of `operator` / `key` (IAM keys are case-insensitive), as strings. */
function conditionValues(statement: Statement, operator: string, key: string): string[] {
  const condition = statement.Condition;
  if (!condition || typeof condition !== "object") return [];
  const block = Object.entries(condition).find(([op]) => op === operator)?.[1];
  if (!block || typeof block !== "object") return [];
  const value = Object.entries(block).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
  return asList(value).map(String);
}

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
// buckets-private
// ---------------------------------------------------------------------------------------

const PUBLIC_ACCESS_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;
const PUBLIC_ACLS = new Set(["public-read", "public-read-write", "authenticated-read"]);

export const bucketsPrivate = stackPolicy(
  "buckets-private",
  "Every S3 bucket blocks all public access (the four flags of an aws.s3.BucketPublicAccessBlock), disables ACLs (ownership BucketOwnerEnforced) " +
    "and grants nothing to everyone in its policy (DESIGN.md rule 5; 001 §5 Log Management).",
  undefined,
  (args, report) => {
    for (const view of bucketViews(args.resources)) {
      const problems: string[] = [];
      const blocks = view.settings.publicAccessBlock;
      const open = PUBLIC_ACCESS_FLAGS.filter((flag) => !blocks.some((b) => isOrUnknown(read(b.props, flag), true)));
      if (blocks.length === 0) problems.push("has no public access block (add an aws.s3.BucketPublicAccessBlock with all four flags true)");
      else if (open.length > 0) problems.push(`does not set ${listInWords(open)} to true in its public access block`);
      const owned = view.settings.ownership.some((o) => isOrUnknown(read(o.props, "rule", "objectOwnership"), "BucketOwnerEnforced"));
      if (!owned) problems.push('does not disable ACLs (add an aws.s3.BucketOwnershipControls with rule.objectOwnership "BucketOwnerEnforced")');
      const acl = read(view.resource.props, "acl");
      if (typeof acl === "string" && PUBLIC_ACLS.has(acl)) problems.push(`has the public ACL "${acl}"`);
      const statements = statementsOf(view);
      if (statements !== UNKNOWN && statements.some((s) => s.Effect === "Allow" && isEveryone(s.Principal) && !s.Condition)) {
        problems.push('allows Principal "*" without a condition in its bucket policy');
      }
      if (problems.length > 0) {
        report(
          `${label(view)} is not private: it ${listInWords(problems)}. Backups and logs hold customer data; nobody outside the account reads them ` +
            `(${BACKUP_SOURCE}; 001 Production Monitoring Guide §5 Log Management).`,
          view.resource.urn,
        );
      }
    }
  },
);

// ---------------------------------------------------------------------------------------
// buckets-tls-only
// ---------------------------------------------------------------------------------------

/** Denies every request without TLS, to the bucket and its objects. */
function deniesInsecureTransport(statement: Statement, bucket: string | undefined): boolean {
  if (statement.Effect !== "Deny" || !isEveryone(statement.Principal)) return false;
  if (!asList(statement.Action).some((a) => a === "*" || a === "s3:*")) return false;
  if (!conditionValues(statement, "Bool", "aws:SecureTransport").some((v) => v === "false")) return false;
  if (bucket === undefined) return true;
  const resources = asList(statement.Resource).map(String);
  const arn = `arn:aws:s3:::${bucket}`;
  return resources.includes("*") || (resources.includes(arn) && (resources.includes(`${arn}/*`) || resources.includes("arn:aws:s3:::*")));
}

export const bucketsTlsOnly = stackPolicy(
  "buckets-tls-only",
  'Every S3 bucket\'s policy denies all requests without TLS (Deny s3:* to "*" on the bucket and its objects when aws:SecureTransport is false; DESIGN.md rule 5; 000 §Security Monitoring 1).',
  undefined,
  (args, report) => {
    for (const view of bucketViews(args.resources)) {
      const statements = statementsOf(view);
      if (statements === UNKNOWN || statements.some((s) => deniesInsecureTransport(s, view.name))) continue;
      report(
        `${label(view)} accepts requests without TLS. Add a bucket policy statement: Effect Deny, Principal "*", Action "s3:*", ` +
          `Resource the bucket and bucket/*, Condition Bool aws:SecureTransport "false" — backups and logs never travel in clear text ` +
          `(${BACKUP_SOURCE}; 000 §Security Monitoring 1. SSL/TLS Monitoring).`,
        view.resource.urn,
      );
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

/** An enabled rule's expiry days (current and noncurrent), when known. */
function expiries(rule: unknown): { status: Known<unknown>; id: string; days?: number; noncurrentDays?: number } {
  const days = read(rule, "expiration", "days");
  const noncurrent = read(rule, "noncurrentVersionExpiration", "noncurrentDays");
  return {
    status: read(rule, "status"),
    id: stringOf(read(rule, "id")) ?? "(no id)",
    ...(typeof days === "number" ? { days } : {}),
    ...(typeof noncurrent === "number" ? { noncurrentDays: noncurrent } : {}),
  };
}

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

// ---------------------------------------------------------------------------------------
// status-page-covers-p0-checks
// ---------------------------------------------------------------------------------------

export interface StatusCoverageConfig {
  readonly environments: string[];
}

export const statusCoverageSchema: PolicyConfigSchema = {
  properties: {
    environments: environmentsProperty(["prod"], "Values of the env: tag whose P0 uptime checks must feed a status page (default [\"prod\"]: the page users read)."),
  },
};

/** Synthetics subtypes that are uptime checks of an endpoint or a journey (not certificate expiry). */
const CHECK_SUBTYPES = new Set(["http", "multi"]);

export const statusPageCoversP0Checks = stackPolicy(
  "status-page-covers-p0-checks",
  "Once the stack has a Datadog status page, every P0 uptime check (HTTP and multistep synthetics tests tagged severity:p0 in config environments) " +
    "feeds a status-page component: a degradation template named after the check marks the components it informs (001 §3 Status Page; 000 §Site Down Procedure 5).",
  statusCoverageSchema,
  (args, report) => {
    if (!args.resources.some((r) => r.type === DATADOG_STATUS_PAGE)) return; // no page in this stack
    const config = configOf<StatusCoverageConfig>(statusCoverageSchema, args);
    const fed = new Set<string>();
    for (const template of args.resources.filter((r) => r.type === DATADOG_STATUS_PAGE_DEGRADATION_TEMPLATE)) {
      const name = stringOf(read(template.props, "name"));
      const affected = items(template.props, "componentsAffecteds");
      if (name && (affected === UNKNOWN || affected.length > 0)) fed.add(name);
    }
    for (const test of args.resources.filter((r) => r.type === DATADOG_SYNTHETICS_TEST)) {
      const subtype = read(test.props, "subtype");
      const tags = read(test.props, "tags");
      const name = stringOf(read(test.props, "name"));
      if (tags === UNKNOWN || !name || !CHECK_SUBTYPES.has(String(subtype))) continue;
      const parsed = parseTags(tags);
      if (parsed.get("severity")?.toLowerCase() !== "p0" || !config.environments.includes(parsed.get("env") ?? "")) continue;
      if (fed.has(name)) continue;
      report(
        `P0 uptime check "${name}" feeds no status-page component. List it under a component of its product's status page ` +
          `(catalog statusPages[].components[].${subtype === "multi" ? "journeys" : "endpoints"}), so that when it fails users read it there ` +
          `(001 Production Monitoring Guide §3 Status Page; 000 §Site Down Procedure 5 "Communicate status to users").`,
        test.urn,
      );
    }
  },
);

/** The storage rule group, in the order the pack lists them. */
export const storagePolicies: StackValidationPolicy[] = [
  backupBucketsProtected,
  backupBucketsVersioned,
  backupBucketsEncrypted,
  bucketsPrivate,
  bucketsTlsOnly,
  backupRetention,
  logRetentionTiers,
  statusPageCoversP0Checks,
];
