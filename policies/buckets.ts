/**
 * S3 buckets as the storage rules see them, and the rules every bucket follows: private
 * and TLS-only. A bucket's view joins it to its setting resources; the backup and
 * log-archive rules (`backups.ts`) read the same views.
 *
 * With @pulumi/aws v7 a bucket's settings are resources of their own, so these are stack
 * rules: a setting is joined to its bucket through its `bucket` property dependency (or,
 * failing that, the bucket name it names). Only known values are read: in a preview a
 * KMS key's ARN is unknown, and reading an unknown would turn the whole rule into
 * "can't run during preview".
 */
import type { PolicyResource } from "@pulumi/policy";
import { type Known, listInWords, read, stackPolicy, stringOf, isOrUnknown, UNKNOWN } from "./support";

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

/** The tag Lookout puts on its buckets: backup, log-archive, access-logs. */
export const PURPOSE_TAG = "lookout:purpose";

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

export const label = (view: BucketView) => `Bucket "${view.resource.name}"${view.name ? ` (s3://${view.name})` : ""}`;
export const isBackup = (view: BucketView) => view.purpose === "backup";

export const BACKUP_SOURCE =
  "000 Monitoring Dashboard guide §Backup Systems 3. Database Backup (daily, 30 days, AWS S3); " +
  "004 Phase 1 Complete §3 Database Backup System (30 days default); DESIGN.md rule 5 \"Backups survive mistakes\"";

/** The statements of a bucket's policies, and reading them. */
export interface Statement {
  readonly Sid?: unknown;
  readonly Effect?: unknown;
  readonly Principal?: unknown;
  readonly Action?: unknown;
  readonly Resource?: unknown;
  readonly Condition?: unknown;
}

/** The statements of a bucket's policies; UNKNOWN if one is unknown in a preview. */
export function statementsOf(view: BucketView): Known<Statement[]> {
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

export const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);
export const isEveryone = (principal: unknown) => principal === "*" || asList((principal as { AWS?: unknown } | undefined)?.AWS).includes("*");
export const coversAction = (statement: Statement, action: string) =>
  asList(statement.Action).some((a) => a === "*" || a === "s3:*" || a === action);

/** The condition value of `operator` / `key` (IAM keys are case-insensitive), as strings. */
export function conditionValues(statement: Statement, operator: string, key: string): string[] {
  const condition = statement.Condition;
  if (!condition || typeof condition !== "object") return [];
  const block = Object.entries(condition).find(([op]) => op === operator)?.[1];
  if (!block || typeof block !== "object") return [];
  const value = Object.entries(block).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
  return asList(value).map(String);
}



/** An enabled rule's expiry days (current and noncurrent), when known. */
export function expiries(rule: unknown): { status: Known<unknown>; id: string; days?: number; noncurrentDays?: number } {
  const days = read(rule, "expiration", "days");
  const noncurrent = read(rule, "noncurrentVersionExpiration", "noncurrentDays");
  return {
    status: read(rule, "status"),
    id: stringOf(read(rule, "id")) ?? "(no id)",
    ...(typeof days === "number" ? { days } : {}),
    ...(typeof noncurrent === "number" ? { noncurrentDays: noncurrent } : {}),
  };
}

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
