/**
 * The storage rules of the pack, called as the engine calls stack policies on what
 * Lookout itself registers for test/fixtures/catalogs/storage.yaml (which must pass),
 * then on variants that change one field (which must not, with a message that says what
 * to change and cites the guide); and once through the real engine: a catalog that keeps
 * backups 7 days fails `lookout plan` with exit 1.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { beforeAll, describe, expect, it } from "vitest";
import type { MockRunResult } from "../cli/engine/mockRun";
import { loadCatalog } from "../catalog/load";
import { encryptedBucketPolicy, policyJson } from "../infra/backups/policyDocuments";
import {
  backupBucketsEncrypted,
  backupBucketsProtected,
  backupBucketsVersioned,
  backupPolicies,
  backupRetention,
  logRetentionTiers,
} from "../policies/backups";
import { bucketsPrivate, bucketsTlsOnly } from "../policies/buckets";
import { statusPageCoversP0Checks, statusPagePolicies } from "../policies/statusPages";
import { changed, stackViolations, without } from "./support/stackPolicies";
import { planStorage } from "./support/storage";

const ROOT = path.join(__dirname, "..");
const FIXTURE = path.join(__dirname, "fixtures", "catalogs", "storage.yaml");
const catalog = loadCatalog(FIXTURE);

const storagePolicies = [...backupPolicies, ...statusPagePolicies];

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"; // the engine's unknown string in a preview

/**
 * The same plan as a preview after the first `pulumi up` shows it: the keys exist, so each
 * KMS bucket's policy (unknown before, it names its key's ARN: PF-S3-3) is the document the
 * program builds with that ARN.
 */
function keysKnown(preview: MockRunResult): MockRunResult {
  const arn = (policy: string) => `arn:aws:kms:eu-west-1:123456789012:key/${policy.replace(/-policy$/, "")}`;
  return {
    ...preview,
    resources: preview.resources.map((r) =>
      r.type === "aws:s3/bucketPolicy:BucketPolicy" && r.inputs.policy === UNKNOWN
        ? { ...r, inputs: { ...r.inputs, policy: policyJson(encryptedBucketPolicy(String(r.inputs.bucket), arn(r.name))) } }
        : r,
    ),
  };
}

let preview: MockRunResult;
let run: MockRunResult;
beforeAll(async () => {
  preview = await planStorage(catalog, { uptime: true });
  run = keysKnown(preview);
});

type Json = Record<string, unknown>;
const policyOf = (inputs: Json) => JSON.parse(String(inputs.policy)) as { Statement: Json[] };
const withStatements = (inputs: Json, keep: (s: Json) => boolean): Json => {
  const document = policyOf(inputs);
  return { ...inputs, policy: JSON.stringify({ ...document, Statement: document.Statement.filter(keep) }) };
};

describe("what Lookout registers passes every storage rule", () => {
  it.each(storagePolicies.map((p) => p.name))("%s, in a first preview (key ARNs and IDs unknown)", async (name) => {
    const policy = storagePolicies.find((p) => p.name === name)!;
    expect(preview.resources.find((r) => r.name === "backups-shop-db-policy")?.inputs.policy).toBe(UNKNOWN);
    expect(await stackViolations(policy, preview.resources)).toEqual([]);
  });

  it.each(storagePolicies.map((p) => p.name))("%s, once the keys exist (bucket policies known)", async (name) => {
    const policy = storagePolicies.find((p) => p.name === name)!;
    expect(await stackViolations(policy, run.resources)).toEqual([]);
  });
});

describe("backup-buckets-protected", () => {
  it("names an unprotected backup bucket and an unprotected key", async () => {
    expect(await stackViolations(backupBucketsProtected, changed(run, "backups-shop-db", (i) => i, { protect: false }))).toEqual([
      {
        name: "backups-shop-db",
        message: expect.stringMatching(/^Bucket "backups-shop-db" \(s3:\/\/acme-prod-backup-shop-db\) holds backups but is not protected\. Set protect: true and retainOnDelete: true on it.*000 Monitoring Dashboard guide §Backup Systems 3/),
      },
    ]);
    expect(await stackViolations(backupBucketsProtected, changed(run, "backups-blog-db-key", (i) => i, { protect: false }))).toEqual([
      { name: "backups-blog-db-key", message: expect.stringMatching(/^KMS key "backups-blog-db-key" encrypts the backups in Bucket "backups-blog-db".*deleting it makes every backup unreadable/) },
    ]);
  });

  it("leaves buckets that hold no backups alone", async () => {
    expect(await stackViolations(backupBucketsProtected, changed(run, "access-logs", (i) => i, { protect: false }))).toEqual([]);
  });
});

describe("backup-buckets-versioned", () => {
  it("rejects suspended or missing versioning", async () => {
    const suspended = changed(run, "backups-shop-db-versioning", (i) => ({ ...i, versioningConfiguration: { status: "Suspended" } }));
    expect(await stackViolations(backupBucketsVersioned, suspended)).toEqual([
      { name: "backups-shop-db", message: expect.stringMatching(/holds backups but has versioning Suspended\. Add an aws\.s3\.BucketVersioning with versioningConfiguration\.status "Enabled"/) },
    ]);
    expect(await stackViolations(backupBucketsVersioned, without(run, "backups-shop-db-replica-versioning"))).toEqual([
      { name: "backups-shop-db-replica", message: expect.stringMatching(/s3:\/\/acme-prod-backup-shop-db-replica\) holds backups but has no versioning/) },
    ]);
  });
});

describe("backup-buckets-encrypted", () => {
  it("rejects SSE-S3 where a KMS key is due", async () => {
    const aes = changed(run, "backups-blog-db-encryption", (i) => ({ ...i, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] }));
    expect(await stackViolations(backupBucketsEncrypted, aes)).toEqual([
      { name: "backups-blog-db", message: expect.stringMatching(/is not encrypted with a KMS key of its own\. Add an aws\.s3\.BucketServerSideEncryptionConfiguration with sseAlgorithm "aws:kms"/) },
    ]);
  });

  it("rejects a key that does not rotate", async () => {
    const fixed = changed(run, "backups-shop-db-key", (i) => ({ ...i, enableKeyRotation: false }));
    expect(await stackViolations(backupBucketsEncrypted, fixed)).toEqual([
      { name: "backups-shop-db-key", message: expect.stringMatching(/^KMS key "backups-shop-db-key" encrypts the backups in .* but does not rotate\. Set enableKeyRotation: true/) },
    ]);
  });

  it("rejects a bucket policy that lets an upload choose another algorithm or another key (PF-S3-2, PF-S3-3)", async () => {
    const algorithm = changed(run, "backups-shop-db-policy", (i) => withStatements(i, (s) => s.Sid !== "DenyOtherEncryptionAlgorithms"));
    expect(await stackViolations(backupBucketsEncrypted, algorithm)).toEqual([
      {
        name: "backups-shop-db",
        message: expect.stringMatching(
          /its bucket policy lets uploads choose their own encryption\. Add statements denying s3:PutObject to Principal "\*" with Condition Null s3:x-amz-server-side-encryption "false" and StringNotEquals s3:x-amz-server-side-encryption "aws:kms" \(another algorithm\): uploads that ask for nothing get the bucket's key/,
        ),
      },
    ]);
    const key = changed(run, "backups-shop-db-policy", (i) => withStatements(i, (s) => s.Sid !== "DenyOtherKmsKeys"));
    expect(await stackViolations(backupBucketsEncrypted, key)).toEqual([
      { name: "backups-shop-db", message: expect.stringContaining("StringNotEquals s3:x-amz-server-side-encryption-aws-kms-key-id <the key's ARN> (another key)") },
    ]);
  });

  it.each(["StringNotEquals", "StringNotEqualsIfExists"])(
    "rejects a deny of uploads without an SSE header (%s unguarded): a plain upload would get 403 although default encryption covers it (PF-S3-1, PF-S3-4)",
    async (operator) => {
      const trap = changed(run, "backups-blog-db-policy", (i) => {
        const document = policyOf(i);
        document.Statement.push({
          Sid: "DenyUnencryptedUploads",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:PutObject",
          Resource: "arn:aws:s3:::acme-prod-backup-blog-db/*",
          Condition: { [operator]: { "s3:x-amz-server-side-encryption": "aws:kms" } },
        });
        return { ...i, policy: JSON.stringify(document) };
      });
      expect(await stackViolations(backupBucketsEncrypted, trap)).toEqual([
        {
          name: "backups-blog-db",
          message: expect.stringMatching(/its bucket policy denies uploads that send no encryption header \(statement DenyUnencryptedUploads\): a plain `aws s3 cp` gets 403 .* Guard the condition with Null <header> "false"/),
        },
      ]);
    },
  );

  it("accepts the guarded denies of a wrong algorithm, key, AWS managed key or customer key", async () => {
    expect(await stackViolations(backupBucketsEncrypted, run.resources)).toEqual([]);
  });
});

describe("buckets-private", () => {
  it("names each flag left open, missing ownership controls and a public grant", async () => {
    const flag = changed(run, "logs-public-access", (i) => ({ ...i, blockPublicPolicy: false, restrictPublicBuckets: false }));
    expect(await stackViolations(bucketsPrivate, flag)).toEqual([
      { name: "logs", message: expect.stringMatching(/^Bucket "logs" \(s3:\/\/acme-prod-logs\) is not private: it does not set blockPublicPolicy and restrictPublicBuckets to true in its public access block\./) },
    ]);
    const acls = without(run, "access-logs-ownership");
    expect(await stackViolations(bucketsPrivate, acls)).toEqual([
      { name: "access-logs", message: expect.stringContaining('does not disable ACLs (add an aws.s3.BucketOwnershipControls with rule.objectOwnership "BucketOwnerEnforced")') },
    ]);
    const grant = changed(run, "backups-blog-db-policy", (i) => {
      const document = policyOf(i);
      document.Statement.push({ Sid: "Open", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::acme-prod-backup-blog-db/*" });
      return { ...i, policy: JSON.stringify(document) };
    });
    expect(await stackViolations(bucketsPrivate, grant)).toEqual([{ name: "backups-blog-db", message: expect.stringContaining('allows Principal "*" without a condition in its bucket policy') }]);
  });

  it("accepts the access-log bucket's grant to S3 log delivery (a service, with a condition)", async () => {
    expect(await stackViolations(bucketsPrivate, run.resources)).toEqual([]);
  });
});

describe("buckets-tls-only", () => {
  it("rejects a bucket without the deny, or with a deny that leaves the objects out", async () => {
    const none = changed(run, "access-logs-policy", (i) => withStatements(i, (s) => s.Sid !== "DenyInsecureTransport"));
    expect(await stackViolations(bucketsTlsOnly, none)).toEqual([
      { name: "access-logs", message: expect.stringMatching(/accepts requests without TLS\. Add a bucket policy statement: Effect Deny, Principal "\*", Action "s3:\*".*aws:SecureTransport "false"/) },
    ]);
    const bucketOnly = changed(run, "backups-shop-db-policy", (i) => {
      const document = policyOf(i);
      for (const s of document.Statement) if (s.Sid === "DenyInsecureTransport") s.Resource = "arn:aws:s3:::acme-prod-backup-shop-db";
      return { ...i, policy: JSON.stringify(document) };
    });
    expect((await stackViolations(bucketsTlsOnly, bucketOnly)).map((v) => v.name)).toEqual(["backups-shop-db"]);
    expect((await stackViolations(bucketsTlsOnly, without(run, "backups-blog-db-policy"))).map((v) => v.name)).toEqual(["backups-blog-db"]);
  });
});

describe("backup-retention", () => {
  const shorter = (days: number, noncurrentDays: number) =>
    changed(run, "backups-shop-db-lifecycle", (i) => ({
      ...i,
      rules: [{ id: "retention", status: "Enabled", filter: {}, expiration: { days }, noncurrentVersionExpiration: { noncurrentDays } }],
    }));

  it("rejects backups kept fewer than 30 days, and noncurrent versions dropped sooner", async () => {
    expect(await stackViolations(backupRetention, shorter(7, 1))).toEqual([
      {
        name: "backups-shop-db-lifecycle",
        message: expect.stringMatching(/^Bucket "backups-shop-db" \(s3:\/\/acme-prod-backup-shop-db\) expires backups after 7 days \(lifecycle rule "retention"\)\. Keep them at least 30 days: set expiration\.days to 30 or more \(000 Monitoring Dashboard guide §Backup Systems 3.*004 Phase 1 Complete §3/),
      },
      { name: "backups-shop-db-lifecycle", message: expect.stringMatching(/deletes overwritten or deleted backups after 1 day \(lifecycle rule "retention"\)\. Keep noncurrent versions at least 30 days/) },
    ]);
  });

  it("ignores disabled rules, and takes its bounds from the policy config", async () => {
    const disabled = changed(run, "backups-shop-db-lifecycle", (i) => ({ ...i, rules: [{ id: "old", status: "Disabled", expiration: { days: 1 } }] }));
    expect(await stackViolations(backupRetention, disabled)).toEqual([]);
    const stricter = await stackViolations(backupRetention, run.resources, { minRetentionDays: 40, minNoncurrentRetentionDays: 30 });
    expect(stricter.map((v) => [v.name, /expires backups after (\d+) days/.exec(v.message)?.[1]])).toEqual([
      ["backups-shop-db-lifecycle", "30"],
      ["backups-shop-db-replica-lifecycle", "30"],
    ]);
  });
});

describe("log-retention-tiers", () => {
  it("rejects a level kept shorter than the guides, and a rule that expires the whole archive early", async () => {
    const short = changed(run, "logs-lifecycle", (i) => ({
      ...i,
      rules: (i.rules as Json[]).map((r) => (r.id === "shop-error" ? { ...r, expiration: { days: 30 } } : r)).concat([{ id: "purge", status: "Enabled", filter: {}, expiration: { days: 14 } }]),
    }));
    expect(await stackViolations(logRetentionTiers, short)).toEqual([
      {
        name: "logs-lifecycle",
        message: expect.stringMatching(/^Bucket "logs" \(s3:\/\/acme-prod-logs\) expires error logs \(shop\/error\/\) after 30 days \(lifecycle rule "shop-error"\)\. Keep them at least 60 days: set expiration\.days to 60 or more \(001 Production Monitoring Guide §5 Log Management/),
      },
      { name: "logs-lifecycle", message: expect.stringMatching(/expires every log in the bucket after 14 days \(lifecycle rule "purge"\)\. Keep them at least 90 days/) },
    ]);
  });

  it("holds each level to its configured bound (advisory: the strictest guide)", async () => {
    const strictest = await stackViolations(logRetentionTiers, run.resources, { errorDays: 90, infoDays: 30 });
    expect(strictest.map((v) => /\((\w+\/\w+\/)\)/.exec(v.message)?.[1])).toEqual(["blog/info/", "shop/error/"]);
  });
});

describe("status-page-covers-p0-checks", () => {
  it("names a P0 check with no degradation template on a page", async () => {
    expect(await stackViolations(statusPageCoversP0Checks, without(run, "status-shop-endpoint-api-health"))).toEqual([
      {
        name: "uptime-api-health",
        message: expect.stringMatching(/^P0 uptime check "\[prod\] api health" feeds no status-page component\. List it under a component of its product's status page \(catalog statusPages\[\]\.components\[\]\.endpoints\).*001 Production Monitoring Guide §3 Status Page/),
      },
    ]);
    expect((await stackViolations(statusPageCoversP0Checks, without(run, "status-shop-journey-api-checkout")))[0].message).toContain("statusPages[].components[].journeys");
  });

  it("does not count a template that marks no component", async () => {
    const empty = changed(run, "status-shop-endpoint-web-home", (i) => ({ ...i, componentsAffecteds: [] }));
    expect((await stackViolations(statusPageCoversP0Checks, empty)).map((v) => v.name)).toEqual(["uptime-web-home"]);
  });

  it("skips a stack without status pages, checks below P0, and environments outside its config", async () => {
    const pageless = run.resources.filter((r) => !r.type.startsWith("datadog:index/statusPage"));
    expect(await stackViolations(statusPageCoversP0Checks, pageless)).toEqual([]);
    expect(await stackViolations(statusPageCoversP0Checks, without(run, "status-shop-endpoint-api-search"))).toEqual([]); // a P2 check
    expect(await stackViolations(statusPageCoversP0Checks, without(run, "status-shop-endpoint-api-health"), { environments: ["staging"] })).toEqual([]);
  });
});

describe("through the real engine", () => {
  // The fixture has no routing: the on-call rules would fail it too. Only this rule stays mandatory.
  const plan = (catalogFile: string, dir: string) => {
    const config = path.join(dir, "policy-config.json");
    fs.writeFileSync(config, JSON.stringify({ all: "advisory", "backup-retention": "mandatory" }));
    return spawnSync(process.execPath, [path.join(ROOT, "bin", "lookout.js"), "plan", "--stack", "prod", "--catalog", catalogFile, "--policy-config", config, "--json"], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 120_000,
    });
  };

  it("fails `lookout plan` with exit 1 when a catalog keeps backups 7 days, and passes it at 30", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lookout-storage-"));
    const good = plan(FIXTURE, dir);
    expect(good.stderr).toBe("");
    expect(good.status).toBe(0);

    const file = path.join(dir, "short-retention.yaml");
    fs.writeFileSync(file, fs.readFileSync(FIXTURE, "utf8").replace("    retention: 45d\n", "    retention: 7d\n"));
    const bad = plan(file, dir);
    expect(bad.stderr).toBe("");
    expect(bad.status).toBe(1);
    const result = JSON.parse(bad.stdout) as { policies: { policy: string; enforcementLevel: string; urn?: string; message: string }[] };
    expect(result.policies.filter((p) => p.enforcementLevel === "mandatory")).toEqual([
      expect.objectContaining({
        policy: "backup-retention",
        urn: expect.stringMatching(/::backups-blog-db-lifecycle$/),
        message: expect.stringMatching(/expires backups after 7 days .* Keep them at least 30 days/),
      }),
    ]);
  });
});
