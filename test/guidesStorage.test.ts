/**
 * The prod and staging plans against the guides' backups, log retention and status page:
 * every value named here is a line of one of the five guides in ../shared/seeds and must
 * reach the planned resources (what `lookout plan --json` prints), not just the catalog.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { planOfStack } from "./support/plans";
import type { Plan, PlanResource } from "../cli/engine/plan";
import { backupPolicies } from "../policies/backups";
import { statusPagePolicies } from "../policies/statusPages";

const PRODUCTS = ["agent-marketplace", "prompt-marketplace", "sixfb-ticketing", "carbot-crm"];
const DATABASES = ["agents-database", "prompts-database", "tickets-database", "carbot-database"];

const planOf = planOfStack;

let prod: Plan;
let staging: Plan;
beforeAll(() => {
  prod = planOf("prod");
  staging = planOf("staging");
});

function resource(plan: Plan, name: string, type?: string): PlanResource {
  const found = plan.resources.find((r) => r.name === name && (type === undefined || r.type === type));
  if (!found) throw new Error(`the ${plan.stack} plan has no resource ${name}`);
  return found;
}
// Plan inputs are JSON of any shape; the assertions below check it.
const inputs = (plan: Plan, name: string, type?: string) => resource(plan, name, type).inputs as Record<string, any>;
const BUCKET = "aws:s3/bucket:Bucket";
const ofType = (plan: Plan, type: string) => plan.resources.filter((r) => r.type === type);

describe("000 §Backup Systems 3 / 004 §3: daily database backups kept 30 days in S3, surviving mistakes", () => {
  it.each(DATABASES)("%s: a protected, versioned, KMS-encrypted, private, TLS-only bucket that expires backups at 30 days", (name) => {
    const key = `backups-${name}`;
    const bucket = resource(prod, key, BUCKET);
    expect(bucket.protect).toBe(true);
    expect(bucket.inputs).toMatchObject({ bucket: `lookout-example-prod-backup-${name}`, tags: { "lookout:purpose": "backup" } });
    expect(inputs(prod, `${key}-versioning`).versioningConfiguration).toEqual({ status: "Enabled" });
    expect(inputs(prod, `${key}-encryption`).rules[0]).toMatchObject({ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "[unknown]" } });
    expect(inputs(prod, `${key}-key`)).toMatchObject({ enableKeyRotation: true });
    expect(resource(prod, `${key}-key`).protect).toBe(true);
    expect(inputs(prod, `${key}-public-access`)).toMatchObject({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
    expect(inputs(prod, `${key}-ownership`).rule).toEqual({ objectOwnership: "BucketOwnerEnforced" });
    // The bucket policy (TLS only; uploads take the bucket's key or ask for none) names the key's
    // ARN, so it is known once the key exists (PF-S3-3); its statements are tested in storage.test.ts.
    expect(inputs(prod, `${key}-policy`).policy).toBe("[unknown]");
    expect(resource(prod, `${key}-policy`).dependencies).toContain(resource(prod, `${key}-key`).urn);
    const rules = inputs(prod, `${key}-lifecycle`).rules as { id: string; expiration?: { days?: number }; noncurrentVersionExpiration?: { noncurrentDays: number } }[];
    expect(rules.find((r) => r.id === "retention")).toMatchObject({ expiration: { days: 30 }, noncurrentVersionExpiration: { noncurrentDays: 30 } });
    expect(inputs(prod, `${key}-logging`)).toMatchObject({ targetBucket: "lookout-example-prod-access-logs" });
  });

  it.each(DATABASES)("%s: replicated to eu-central-1 in prod (deletes not replicated), locked 30 days", (name) => {
    const key = `backups-${name}`;
    expect(resource(prod, `${key}-replica`, BUCKET).protect).toBe(true);
    expect(inputs(prod, `${key}-replication`).rules[0]).toMatchObject({
      deleteMarkerReplication: { status: "Disabled" },
      destination: { bucket: `arn:aws:s3:::lookout-example-prod-backup-${name}-replica` },
    });
    const replicaProvider = resource(prod, "aws-replica");
    expect(replicaProvider.inputs).toMatchObject({ region: "eu-central-1" });
    expect(inputs(prod, `${key}-object-lock`).rule).toEqual({ defaultRetention: { mode: "GOVERNANCE", days: 30 } });
  });

  it.each(DATABASES)("%s: least-privilege writer (put under database/) and restorer (read only)", (name) => {
    const key = `backups-${name}`;
    const statements = (policyName: string) =>
      (JSON.parse(inputs(prod, policyName).policy as string) as { Statement: { Action: string | string[] }[] }).Statement.flatMap((s) => [s.Action].flat());
    expect(statements(`${key}-writer-policy`)).toEqual(["s3:PutObject", "kms:GenerateDataKey", "kms:Decrypt"]);
    expect(statements(`${key}-restorer-policy`)).toEqual(["s3:ListBucket", "s3:ListBucketVersions", "s3:GetObject", "s3:GetObjectVersion", "kms:Decrypt"]);
    expect((JSON.parse(inputs(prod, `${key}-writer-policy`).policy as string) as { Statement: { Resource: string }[] }).Statement[0].Resource).toBe(
      `arn:aws:s3:::lookout-example-prod-backup-${name}/database/*`,
    );
  });

  it.each(DATABASES)("%s: an alert when no new backup object arrived within 26 h, routed as P1", (name) => {
    const monitor = inputs(prod, `backups-${name}-freshness`);
    expect(monitor.query).toBe(`sum(last_26h):sum:aws.s3.put_requests{bucketname:lookout-example-prod-backup-${name},filterid:backup-writes}.as_count() < 1`);
    expect(monitor).toMatchObject({ priority: "2", monitorThresholds: { critical: "1" }, notifyNoData: true });
    expect(monitor.tags).toContain("severity:p1");
    expect(inputs(prod, `backups-${name}-writes`)).toMatchObject({ name: "backup-writes", filter: { prefix: "database/" } });
  });

  it("staging: the same backups, not replicated, not locked, and its freshness alert is not a page (P2)", () => {
    for (const name of DATABASES) {
      expect(resource(staging, `backups-${name}`, BUCKET).protect).toBe(true);
      expect(staging.resources.some((r) => r.name === `backups-${name}-replica`)).toBe(false);
      expect(staging.resources.some((r) => r.name === `backups-${name}-object-lock`)).toBe(false);
      expect(inputs(staging, `backups-${name}-freshness`).priority).toBe("3");
    }
    expect(staging.resources.some((r) => r.type === "aws:s3/bucketReplicationConfig:BucketReplicationConfig")).toBe(false);
    expect(staging.resources.some((r) => r.name === "aws-replica")).toBe(false);
  });
});

describe("log retention by level", () => {
  const days = (plan: Plan) =>
    Object.fromEntries((inputs(plan, "logs-lifecycle").rules as { filter: { prefix?: string }; expiration?: { days: number } }[]).flatMap((r) => (r.filter.prefix ? [[r.filter.prefix, r.expiration?.days]] : [])));

  it.each([
    ["001 §5 Critical Logs: 90 days", "prompt-marketplace/critical/", 90],
    ["001 §5 Error Logs: 60 days", "prompt-marketplace/error/", 60],
    ["001 §5 Info Logs: 30 days", "prompt-marketplace/info/", 30],
    ["001 §5 Debug Logs: 7 days", "prompt-marketplace/debug/", 7],
    ["002 Structured Logging error: 90 days", "sixfb-ticketing/error/", 90],
    ["002 Structured Logging warn: 30 days", "sixfb-ticketing/warn/", 30],
    ["002 Structured Logging info: 7 days", "sixfb-ticketing/info/", 7],
  ])("%s", (_line, prefix, expected) => {
    expect(days(prod)[prefix]).toBe(expected);
    expect(days(staging)[prefix]).toBe(expected);
  });

  it("keeps the log archive protected, versioned, KMS-encrypted and private", () => {
    expect(resource(prod, "logs", BUCKET)).toMatchObject({ protect: true, inputs: { bucket: "lookout-example-prod-logs", tags: { "lookout:purpose": "log-archive" } } });
    expect(inputs(prod, "logs-encryption").rules[0].applyServerSideEncryptionByDefault.sseAlgorithm).toBe("aws:kms");
    expect(inputs(prod, "logs-public-access")).toMatchObject({ blockPublicAcls: true, restrictPublicBuckets: true });
  });
});

describe("status pages", () => {
  const componentTitles = (plan: Plan, product: string) =>
    ofType(plan, "datadog:index/statusPageComponent:StatusPageComponent")
      .filter((r) => r.name.startsWith(`status-${product}-`))
      .sort((a, b) => (a.inputs as { position: number }).position - (b.inputs as { position: number }).position)
      .flatMap((r) => {
        const i = r.inputs as { name: string; components?: { name: string }[] };
        return [i.name, ...(i.components ?? []).map((c) => `${i.name} / ${c.name}`)];
      });

  it("has one page per product, public on its custom domain's prefix in prod, internal in staging", () => {
    for (const product of PRODUCTS) {
      expect(inputs(prod, `status-${product}-page`)).toMatchObject({ domainPrefix: product, type: "public", visualizationType: "bars_and_uptime_percentage" });
      expect(inputs(staging, `status-${product}-page`)).toMatchObject({ domainPrefix: `${product}-staging`, type: "internal" });
    }
    expect((prod.outputs.statusPages as Record<string, { domain: string }>)["prompt-marketplace"].domain).toBe("status.prompts.example.com");
  });

  it("001 §3 Status Page: website, API, payment processing, file uploads, email delivery, database operations", () => {
    expect(componentTitles(prod, "prompt-marketplace")).toEqual([
      "Website",
      "Marketplace",
      "Marketplace / API",
      "Marketplace / Payment processing",
      "Marketplace / File uploads",
      "Marketplace / Email delivery",
      "Database operations",
    ]);
  });

  it("002 Availability Targets: web application, payment processing, SMS notifications, inventory system", () => {
    expect(componentTitles(prod, "sixfb-ticketing")).toEqual([
      "Ticket sales",
      "Ticket sales / Web application",
      "Ticket sales / Payment processing",
      "Ticket sales / Inventory system",
      "SMS notifications",
    ]);
  });

  it("every P0 uptime check of prod feeds a component: a degradation template named after it", () => {
    const templates = new Set(ofType(prod, "datadog:index/statusPageDegradationTemplate:StatusPageDegradationTemplate").map((r) => (r.inputs as { name: string }).name));
    const p0 = ofType(prod, "datadog:index/syntheticsTest:SyntheticsTest")
      .map((r) => r.inputs as { name: string; subtype: string; tags: string[] })
      .filter((t) => t.subtype !== "ssl" && t.tags.includes("severity:p0"));
    expect(p0.length).toBeGreaterThan(10);
    expect(p0.map((t) => t.name).filter((n) => !templates.has(n))).toEqual([]);
  });
});

describe("the storage rules pass on both shipped stacks", () => {
  it.each(["prod", "staging"])("%s", (stack) => {
    const names = new Set([...backupPolicies, ...statusPagePolicies].map((p) => p.name));
    const plan = stack === "prod" ? prod : staging;
    expect(plan.policies.filter((p) => names.has(p.policy))).toEqual([]);
  });
});
