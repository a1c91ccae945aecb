/**
 * Backups, log retention and status pages: the catalog part (good and bad input, every
 * error at its line:column), the pure builders (policy documents, lifecycle rules, the
 * freshness monitor, status-page arguments) and the components under mocks (exact
 * resources, sub-resources and their inputs, protection, providers, stable URNs).
 */
import * as fs from "fs";
import * as path from "path";
import { catalogIssues } from "./support/catalogs";
import { parseDocument, isMap, isSeq } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import type { MockRunResult } from "../cli/engine/mockRun";
import type { PlannedResource } from "../cli/engine/resource";
import { freshnessMonitorArgs } from "../infra/backups/backupMonitors";
import { roleName } from "../infra/backups/backupSet";
import { bucketNames, invalidBucketNames, logRules, retentionRules } from "../infra/backups/buckets";
import { loadCatalog, parseCatalog } from "../catalog/load";
import type { Catalog } from "../catalog/model";
import {
  accessLogBucketPolicy,
  denyOtherEncryption,
  encryptedBucketPolicy,
  type PolicyDocument,
  policyJson,
  replicationPolicy,
  restorerPolicy,
  trustPolicy,
  writerPolicy,
} from "../infra/backups/policyDocuments";
import { checksOf, componentArgs, degradationTemplateArgs } from "../infra/statusPages/statusPages";
import { deniedBy } from "./support/iam";
import { shapeOf } from "./support/mocks";
import { planStorage } from "./support/storage";

const FIXTURE = path.join(__dirname, "fixtures", "catalogs", "storage.yaml");
const TEXT = fs.readFileSync(FIXTURE, "utf8");
const catalog = loadCatalog(FIXTURE);
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"; // the engine's unknown string in a preview

/** The fixture with one exact piece of text replaced (it must occur once). */
function edit(from: string, to: string, text = TEXT): string {
  expect(text.split(from), `"${from}" occurs once in the fixture`).toHaveLength(2);
  return text.replace(from, to);
}

const issuesOf = (text: string): string[] => catalogIssues(text, "storage.yaml");

/** `line:column` of `needle` in `text` (its `nth` occurrence, 1-based). */
function at(text: string, needle: string, nth = 1): string {
  let index = -1;
  for (let i = 0; i < nth; i++) index = text.indexOf(needle, index + 1);
  if (index < 0) throw new Error(`no ${needle}`);
  const before = text.slice(0, index).split("\n");
  return `${before.length}:${before[before.length - 1].length + 1}`;
}

// ---------------------------------------------------------------------------------------
// The catalog
// ---------------------------------------------------------------------------------------

describe("backups, logs and status pages in the catalog", () => {
  it("normalizes backups: days, defaults, sorted principals", () => {
    expect(catalog.backups.map((b) => b.name)).toEqual(["blog-db", "shop-db"]);
    const [blog, shop] = catalog.backups;
    expect(shop).toMatchObject({
      product: "shop",
      service: "api",
      prefix: "database/",
      everySeconds: 86_400,
      retentionDays: 30,
      noncurrentRetentionDays: 30, // default: the retention
      replicate: true,
      objectLock: { mode: "GOVERNANCE", days: 30 },
      freshness: { withinSeconds: 26 * 3_600, severity: "P1" }, // default: every + 2h, P1
      writers: ["arn:aws:iam::123456789012:role/shop-backup-job"],
      restorers: ["arn:aws:iam::123456789012:role/dba", "arn:aws:iam::123456789012:role/shop-oncall"],
    });
    expect(shop.freshness.metric).toBeUndefined();
    expect(blog).toMatchObject({
      prefix: "blog-db/", // default: <name>/
      retentionDays: 45,
      noncurrentRetentionDays: 60,
      replicate: false,
      freshness: { withinSeconds: 30 * 3_600, severity: "P2", metric: "blog.backup.completed" },
    });
    expect(blog.objectLock).toBeUndefined();
  });

  it("keeps each product's log levels in level order", () => {
    expect(catalog.logs.map((l) => [l.product, l.levels.map((t) => `${t.level}:${t.days}`)])).toEqual([
      ["blog", ["error:90", "warn:30", "info:7"]],
      ["shop", ["critical:90", "error:60", "info:30", "debug:7"]],
    ]);
  });

  it("resolves status-page components, groups and the checks that inform them", () => {
    const [page] = catalog.statusPages;
    expect(page).toMatchObject({ product: "shop", title: "Shop Status", domain: "status.shop.example.com", domainPrefix: "shop", visibility: "public" });
    const shape = page.components.map((c) => [c.name, c.kind, c.checks.map((k) => `${k.kind}:${k.service}/${k.name}:${k.severity}`), c.components.map((s) => s.name)]);
    expect(shape).toEqual([
      ["website", "component", ["endpoint:web/home:P0"], []],
      ["services", "group", [], ["api", "checkout"]],
      ["database", "component", ["endpoint:api/health:P0"], []],
    ]);
    expect(page.components[1].components.map((c) => c.checks.map((k) => `${k.kind}:${k.service}/${k.name}`))).toEqual([
      ["endpoint:api/health", "endpoint:api/search"],
      ["journey:api/checkout"],
    ]);
    // Each component knows where it was written (reviewers' reports point there).
    const where = (c: { source: { line: number; column: number } }) => `${c.source.line}:${c.source.column}`;
    expect(where(page.components[2])).toBe(at(TEXT, "name: database"));
    expect(where(page.components[1].components[1])).toBe(at(TEXT, "name: checkout", 2));
  });

  it("gives a page outside prod a domain prefix of its own", () => {
    const staging = parseCatalog([{ file: "s.yaml", text: edit("environment: prod", "environment: staging") }]);
    expect(staging.statusPages[0].domainPrefix).toBe("shop-staging");
  });

  it("is empty for a catalog without these keys", () => {
    const bare = loadCatalog(path.join(__dirname, "fixtures", "catalogs", "minimal.yaml"));
    expect([bare.backups, bare.logs, bare.statusPages]).toEqual([[], [], []]);
  });
});

describe("bad backups, logs and status pages: every error at its line:column", () => {
  it("rejects a retention of 0 and one that is not whole days", () => {
    const zero = edit("    retention: 30d\n    replicate: true", "    retention: 0d\n    replicate: true");
    expect(issuesOf(zero)).toEqual([
      `${at(zero, "0d")} backups[0].retention expected at least 1d, found "0d"`,
    ]);
    const hours = edit("    retention: 45d", "    retention: 36h");
    expect(issuesOf(hours)).toEqual([`${at(hours, "36h")} backups[1].retention expected whole days (S3 lifecycle rules count days), found "36h"`]);
  });

  it("rejects an unknown endpoint, an unknown service and another product's service in a component", () => {
    const unknown = edit("endpoints: [web/home]", "endpoints: [web/nope]");
    expect(issuesOf(unknown)).toEqual([
      // web/home, a P0 endpoint, now informs no component…
      `${at(unknown, "- name: website")} statusPages[0].components P0 endpoint web/home informs no component of this page; list it under a component's endpoints (every P0 check maps to a status-page component)`,
      `${at(unknown, "web/nope")} statusPages[0].components[0].endpoints[0] unknown endpoint "web/nope"; web's endpoints are home`,
    ]);
    const service = edit("journeys: [api/checkout]", "journeys: [cart/checkout]");
    expect(issuesOf(service)[1]).toBe(`${at(service, "cart/checkout")} statusPages[0].components[1].components[1].journeys[0] unknown service "cart" in "cart/checkout"; expected one of api, web`);
    const foreign = edit("endpoints: [api/health]\n", "endpoints: [api/health, blog-web/home]\n");
    expect(issuesOf(foreign)).toEqual([
      `${at(foreign, "blog-web/home")} statusPages[0].components[2].endpoints[1] service "blog-web" belongs to product "blog", not to this page's product "shop"`,
    ]);
  });

  it("rejects a check that is not written service/name (schema)", () => {
    const text = edit("endpoints: [web/home]", "endpoints: [home]");
    expect(issuesOf(text)[0]).toBe(`${at(text, "home]")} statusPages[0].components[0].endpoints[0] expected a check written service/name, such as prompts-api/health, found "home"`);
  });

  it("requires every P0 check of the product on its page", () => {
    const text = edit("            journeys: [api/checkout]\n", "");
    expect(issuesOf(text)).toEqual([
      `${at(text, "- name: website")} statusPages[0].components P0 journey api/checkout informs no component of this page; list it under a component's journeys (every P0 check maps to a status-page component)`,
    ]);
  });

  it("rejects groups with checks of their own, empty groups and duplicate component names", () => {
    const withChecks = edit("        title: Shop services\n", "        title: Shop services\n        endpoints: [api/search]\n");
    expect(issuesOf(withChecks)).toEqual([`${at(withChecks, "[api/search]")} statusPages[0].components[1].endpoints a group reports through its components: move these checks to one of them`]);
    const duplicate = edit("          - name: checkout\n", "          - name: website\n");
    expect(issuesOf(duplicate)).toEqual([
      `${at(duplicate, "website", 3)} statusPages[0].components[1].components[1].name duplicate component name "website" (first declared at storage.yaml:${at(duplicate, "website", 2).split(":")[0]})`,
    ]);
  });

  it("holds an endpoint's statusComponent to the page: the page's component lists are the source of truth", () => {
    const other = edit("statusComponent: website", "statusComponent: database");
    expect(issuesOf(other)).toEqual([
      `${at(other, "database", 2)} services[0].endpoints[0].statusComponent component "database" does not list web/home (listed by website); the status page's component lists are the source of truth: add it to "database"'s endpoints or change statusComponent`,
    ]);
    const missing = edit("statusComponent: website", "statusComponent: storefront");
    expect(issuesOf(missing)).toEqual([
      `${at(missing, "storefront\n  - name: api")} services[0].endpoints[0].statusComponent no component "storefront" on the shop status page; expected one of api, checkout, database, website`,
    ]);
  });

  it("rejects a second page for a product, a duplicate log product and a duplicate backup name", () => {
    const page = `${TEXT}  - product: shop\n    title: Again\n    domainPrefix: shop-again\n    components:\n      - { name: all, title: All, endpoints: [web/home, api/health], journeys: [api/checkout] }\n`;
    expect(issuesOf(page)).toEqual([`${at(page, "shop\n    title: Again")} statusPages[1].product product "shop" already has a status page (declared at storage.yaml:${at(page, "- product: shop\n    title: Shop Status").split(":")[0]}); a product has one page`]);
    const logs = edit("  - product: blog\n    retention:\n      error: 90d", "  - product: shop\n    retention:\n      error: 90d");
    expect(issuesOf(logs)).toEqual([expect.stringMatching(/^\d+:\d+ logs\[1\]\.product duplicate log retention for product "shop" \(first declared at storage\.yaml:\d+\)$/)]);
    const backups = edit("  - name: blog-db", "  - name: shop-db");
    expect(issuesOf(backups)).toEqual([expect.stringMatching(/^\d+:\d+ backups\[1\]\.name duplicate backup name "shop-db" \(first declared at storage\.yaml:\d+\)$/)]);
  });

  it("rejects backups that reference what is not there, or lock longer than they keep", () => {
    const text = edit("    service: blog-web\n", "    service: nope\n", edit("      retention: 30d\n    access", "      retention: 60d\n    access"));
    expect(issuesOf(text)).toEqual([
      `${at(text, "60d")} backups[0].objectLock.retention expected at most the retention (30d): a locked backup cannot expire, found "60d"`,
      `${at(text, "nope")} backups[1].service unknown service "nope"; expected one of api, blog-web, web`,
    ]);
    const foreign = edit("    service: blog-web\n", "    service: api\n");
    expect(issuesOf(foreign)).toEqual([`${at(foreign, "api\n    description: SQLite")} backups[1].service service "api" belongs to product "shop", not "blog"`]);
  });

  it("rejects a freshness window no longer than the backup interval, and principals that are not IAM ARNs", () => {
    const text = edit("      within: 30h", "      within: 1d");
    expect(issuesOf(text)).toEqual([`${at(text, "1d\n      severity")} backups[1].freshness.within expected more than the backup interval (1d), or the alert fires between two good backups, found "1d"`]);
    const arn = edit("[arn:aws:iam::123456789012:root]", "[backup-admins]");
    expect(issuesOf(arn)).toEqual([`${at(arn, "backup-admins")} backups[1].access.restore[0] expected an IAM principal ARN such as arn:aws:iam::123456789012:role/backup-job, found "backup-admins"`]);
  });

  it("rejects an unknown log level and a log level of hours", () => {
    const text = edit("      warn: 30d", "      warning: 30d\n      notice: 12h");
    expect(issuesOf(text)).toEqual([
      `${at(text, "warning")} logs[1].retention.warning unknown key "warning"; expected one of critical, error, warn, info, debug`,
      `${at(text, "notice")} logs[1].retention.notice unknown key "notice"; expected one of critical, error, warn, info, debug`,
    ]);
    const hours = edit("      debug: 7d", "      debug: 12h");
    expect(issuesOf(hours)).toEqual([`${at(hours, "12h")} logs[0].retention.debug expected at least 1d, found "12h"`]);
  });
});

// ---------------------------------------------------------------------------------------
// Pure builders
// ---------------------------------------------------------------------------------------

const actionsOf = (document: PolicyDocument) => document.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));

describe("policy documents", () => {
  const KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  const OTHER_KEY = "arn:aws:kms:eu-west-1:123456789012:key/ffffffff-12ab-34cd-56ef-1234567890ab";
  const put = (context: Record<string, string>) => ({ action: "s3:PutObject", resource: "arn:aws:s3:::b/database/2026-12-01.dump", context: { "aws:SecureTransport": "true", ...context } });

  // PF-S3-1 … PF-S3-5: default encryption takes a plain upload; only another algorithm or key is denied.
  it.each([
    ["a plain upload (no encryption header: default SSE-KMS with the bucket's key)", {}, []],
    ["SSE-KMS with the bucket's key", { "s3:x-amz-server-side-encryption": "aws:kms", "s3:x-amz-server-side-encryption-aws-kms-key-id": KEY }, []],
    ["SSE-S3", { "s3:x-amz-server-side-encryption": "AES256" }, ["DenyOtherEncryptionAlgorithms"]],
    ["dual-layer SSE-KMS", { "s3:x-amz-server-side-encryption": "aws:kms:dsse", "s3:x-amz-server-side-encryption-aws-kms-key-id": KEY }, ["DenyOtherEncryptionAlgorithms"]],
    ["SSE-KMS with another key", { "s3:x-amz-server-side-encryption": "aws:kms", "s3:x-amz-server-side-encryption-aws-kms-key-id": OTHER_KEY }, ["DenyOtherKmsKeys"]],
    ["SSE-KMS naming no key (the AWS managed key aws/s3)", { "s3:x-amz-server-side-encryption": "aws:kms" }, ["DenyAwsManagedKey"]],
    ["a customer-provided key (SSE-C)", { "s3:x-amz-server-side-encryption-customer-algorithm": "AES256" }, ["DenyCustomerProvidedKeys"]],
    ["a plain upload without TLS", { "aws:SecureTransport": "false" }, ["DenyInsecureTransport"]],
  ])("a KMS bucket's policy, for %s, denies with %j", (_, context, denied) => {
    expect(deniedBy(encryptedBucketPolicy("b", KEY), put(context as Record<string, string>))).toEqual(denied);
  });

  it("guards every encryption deny with the header's presence: a negated operator, IfExists or not, would refuse the plain upload (PF-S3-4)", () => {
    const unguarded = (operator: string): PolicyDocument => ({
      Version: "2012-10-17",
      Statement: [{ Sid: "Unguarded", Effect: "Deny", Principal: "*", Action: "s3:PutObject", Resource: "arn:aws:s3:::b/*", Condition: { [operator]: { "s3:x-amz-server-side-encryption": "aws:kms" } } }],
    });
    // What the bucket policy used to say, and the IfExists form that looks like a fix: both 403 a plain `aws s3 cp`.
    expect(deniedBy(unguarded("StringNotEquals"), put({}))).toEqual(["Unguarded"]);
    expect(deniedBy(unguarded("StringNotEqualsIfExists"), put({}))).toEqual(["Unguarded"]);
    for (const statement of denyOtherEncryption("b", KEY)) {
      const headers = Object.values(statement.Condition ?? {}).flatMap((keys) => Object.keys(keys));
      expect(statement.Condition?.Null, statement.Sid).toBeDefined();
      expect(headers.every((h) => h.startsWith("s3:x-amz-server-side-encryption")), statement.Sid).toBe(true);
    }
  });

  it("names the bucket's own key in the key condition, as a key ARN (PF-S3-3)", () => {
    const byKey = encryptedBucketPolicy("b", KEY).Statement.find((s) => s.Sid === "DenyOtherKmsKeys");
    expect(byKey?.Condition).toEqual({ Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "false" }, StringNotEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": KEY } });
  });

  it("writes JSON in one key order whatever order the object was built in", () => {
    const shuffled = { Statement: [{ Condition: { Bool: { b: "1", a: "2" } }, Action: "s3:*", Effect: "Deny" as const, Sid: "X" }], Version: "2012-10-17" as const };
    expect(policyJson(shuffled)).toBe('{"Version":"2012-10-17","Statement":[{"Sid":"X","Effect":"Deny","Action":"s3:*","Condition":{"Bool":{"a":"2","b":"1"}}}]}');
  });

  it("the writer puts objects under its prefix and nothing else: no read, no list, no delete", () => {
    const writer = writerPolicy({ bucket: "b", prefix: "database/", region: "eu-west-1" });
    expect(actionsOf(writer)).toEqual(["s3:PutObject", "kms:GenerateDataKey", "kms:Decrypt"]);
    expect(writer.Statement[0].Resource).toBe("arn:aws:s3:::b/database/*");
    expect(writer.Statement[1]).toMatchObject({
      Resource: "arn:aws:kms:eu-west-1:*:key/*",
      Condition: {
        StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" },
        StringLike: { "kms:EncryptionContext:aws:s3:arn": ["arn:aws:s3:::b", "arn:aws:s3:::b/database/*"] },
      },
    });
  });

  it("the restorer lists and reads its prefix and decrypts: nothing that writes or deletes", () => {
    const restorer = restorerPolicy({ bucket: "b", prefix: "database/", region: "eu-west-1" });
    expect(actionsOf(restorer)).toEqual(["s3:ListBucket", "s3:ListBucketVersions", "s3:GetObject", "s3:GetObjectVersion", "kms:Decrypt"]);
    expect(restorer.Statement[0].Condition).toEqual({ StringLike: { "s3:prefix": ["database/", "database/*"] } });
    expect(actionsOf(restorer).filter((a) => /Put|Delete|Replicate|Encrypt/.test(a))).toEqual([]);
  });

  it("replication copies versions, never deletes, and carries Object Lock retention when locked", () => {
    const pair = { source: { bucket: "s", region: "eu-west-1" }, replica: { bucket: "r", region: "eu-central-1" } };
    const plain = replicationPolicy({ ...pair, objectLock: false });
    expect(actionsOf(plain)).not.toContain("s3:ReplicateDelete");
    expect(actionsOf(plain)).not.toContain("s3:GetObjectRetention");
    expect(plain.Statement.find((s) => s.Sid === "WriteReplicas")?.Resource).toBe("arn:aws:s3:::r/*");
    expect(plain.Statement.find((s) => s.Sid === "EncryptReplica")?.Condition?.StringEquals).toEqual({ "kms:ViaService": "s3.eu-central-1.amazonaws.com" });
    expect(actionsOf(replicationPolicy({ ...pair, objectLock: true }))).toEqual(expect.arrayContaining(["s3:GetObjectRetention", "s3:GetObjectLegalHold"]));
  });

  it("trust policies name sorted principals or one service", () => {
    expect(trustPolicy({ aws: ["arn:b", "arn:a"] }).Statement[0].Principal).toEqual({ AWS: ["arn:a", "arn:b"] });
    expect(trustPolicy({ service: "s3.amazonaws.com" }).Statement[0]).toMatchObject({ Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" });
  });

  it("the access-log bucket lets only S3 log delivery write, only for the buckets that log there", () => {
    const [allow, deny] = accessLogBucketPolicy("logs", ["b2", "b1"]).Statement;
    expect(allow).toMatchObject({
      Effect: "Allow",
      Principal: { Service: "logging.s3.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: "arn:aws:s3:::logs/s3-access/*",
      Condition: { ArnLike: { "aws:SourceArn": ["arn:aws:s3:::b1", "arn:aws:s3:::b2"] } },
    });
    expect(deny.Sid).toBe("DenyInsecureTransport");
  });
});

describe("lifecycle rules and names", () => {
  it("backups expire at the retention; noncurrent versions, delete markers and stale uploads are cleaned up", () => {
    expect(retentionRules(30, 45)).toEqual([
      {
        id: "retention",
        status: "Enabled",
        filter: {},
        expiration: { days: 30 },
        noncurrentVersionExpiration: { noncurrentDays: 45 },
        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
      },
      { id: "expired-delete-markers", status: "Enabled", filter: {}, expiration: { expiredObjectDeleteMarker: true } },
    ]);
  });

  it("one log rule per product and level prefix", () => {
    const rules = logRules(catalog.logs);
    expect(rules.map((r) => [r.id, (r.filter as { prefix?: string }).prefix, (r.expiration as { days?: number } | undefined)?.days])).toEqual([
      ["blog-error", "blog/error/", 90],
      ["blog-warn", "blog/warn/", 30],
      ["blog-info", "blog/info/", 7],
      ["shop-critical", "shop/critical/", 90],
      ["shop-error", "shop/error/", 60],
      ["shop-info", "shop/info/", 30],
      ["shop-debug", "shop/debug/", 7],
      ["housekeeping", undefined, undefined],
    ]);
  });

  it("names buckets from the prefix, the environment and catalog keys", () => {
    const names = bucketNames({ ...catalog, bucketPrefix: "acme", replicaRegion: "eu-central-1" });
    expect(names).toEqual({
      accessLogs: "acme-prod-access-logs",
      accessLogsReplica: "acme-prod-access-logs-eu-central-1",
      logs: "acme-prod-logs",
      backups: new Map([
        ["blog-db", { bucket: "acme-prod-backup-blog-db", replica: undefined }],
        ["shop-db", { bucket: "acme-prod-backup-shop-db", replica: "acme-prod-backup-shop-db-replica" }],
      ]),
    });
    expect(invalidBucketNames({ ...catalog, bucketPrefix: "acme" })).toEqual([]);
    const prefix = "a-very-long-company-name-prefix-for-buckets"; // 43: shop-db's replica would be 71
    const long = invalidBucketNames({ ...catalog, bucketPrefix: prefix });
    expect(long.map((b) => [b.bucket, b.backup?.name])).toEqual([[`${prefix}-prod-backup-shop-db-replica`, "shop-db"]]);
    expect(roleName("prod", "shop-db", "writer")).toBe("lookout-prod-backup-shop-db-writer");
  });
});

describe("the freshness monitor", () => {
  const [blog, shop] = catalog.backups;
  const service = (name: string) => catalog.services.find((s) => s.name === name)!;

  it("alerts when the bucket's prefix saw no new object for 26 h, as a P1", () => {
    const args = freshnessMonitorArgs("prod", service("api"), shop, "acme-prod-backup-shop-db");
    expect(args).toMatchObject({
      name: "[prod] api backup shop-db fresh",
      type: "query alert",
      query: "sum(last_26h):sum:aws.s3.put_requests{bucketname:acme-prod-backup-shop-db,filterid:backup-writes}.as_count() < 1",
      monitorThresholds: { critical: "1" },
      notifyNoData: true,
      noDataTimeframe: 1_560,
      requireFullWindow: false,
      evaluationDelay: 900,
      priority: "2",
      renotifyInterval: 60,
    });
    expect(args.tags).toEqual(["env:prod", "service:api", "team:storefront", "severity:p1", "signal:backup.freshness", "backup:shop-db"]);
    expect(String(args.message)).toContain("no new backup object under s3://acme-prod-backup-shop-db/database/ for 26h, though backups run every 1d");
    expect(String(args.message)).toMatch(/^Runbook: https:\/\/runbooks\.example\.com\/api$/m);
  });

  it("reads the backup job's own metric when the catalog names one", () => {
    const args = freshnessMonitorArgs("prod", service("blog-web"), blog, "acme-prod-backup-blog-db");
    expect(args.query).toBe("sum(last_30h):sum:blog.backup.completed{env:prod,service:blog-web}.as_count() < 1");
    expect(args).toMatchObject({ priority: "3" });
    expect(args.evaluationDelay).toBeUndefined();
  });
});

describe("status-page builders", () => {
  const [page] = catalog.statusPages;

  it("positions a group's components inside it", () => {
    expect(componentArgs("page", page.components[1], 1)).toEqual({
      pageId: "page",
      name: "Shop services",
      type: "group",
      position: 1,
      components: [
        { name: "API", type: "component", position: 0 },
        { name: "Checkout", type: "component", position: 1 },
      ],
    });
  });

  it("knows every component a check informs, across groups", () => {
    expect([...checksOf(page.components)].map(([key, v]) => [key, v.components.map((c) => c.name)])).toEqual([
      ["endpoint:web/home", ["website"]],
      ["endpoint:api/health", ["api", "database"]],
      ["endpoint:api/search", ["api"]],
      ["journey:api/checkout", ["checkout"]],
    ]);
  });

  it("pre-fills a degradation: a failing P0 check is a major outage of its components", () => {
    expect(degradationTemplateArgs("page", "[prod] api health", "P0", [{ id: "1", title: "API" }, { id: "2", title: "Database operations" }])).toEqual({
      pageId: "page",
      name: "[prod] api health",
      degradationTitle: "API, Database operations: major outage",
      componentsAffecteds: [
        { id: "1", name: "API", status: "major_outage" },
        { id: "2", name: "Database operations", status: "major_outage" },
      ],
      updates: [
        { status: "investigating", message: "We are investigating a problem with API, Database operations. Updates follow here." },
        { status: "resolved", message: "API, Database operations are operating normally again. We are sorry for the disruption." },
      ],
    });
    expect(degradationTemplateArgs("page", "x", "P2", [{ id: "1", title: "API" }]).componentsAffecteds).toEqual([{ id: "1", name: "API", status: "degraded" }]);
  });
});

// ---------------------------------------------------------------------------------------
// Components under mocks
// ---------------------------------------------------------------------------------------

describe("storage and status pages under mocks", () => {
  let run: MockRunResult;
  beforeAll(async () => {
    run = await planStorage(catalog, { uptime: true });
  });
  const get = (name: string, type?: string): PlannedResource => {
    const found = run.resources.find((r) => r.name === name && (type === undefined || r.type === type));
    if (!found) throw new Error(`no resource ${name}`);
    return found;
  };
  const inputs = (name: string, type?: string) => get(name, type).inputs as Record<string, unknown>;

  it("registers exactly the expected resources, parented by concern", () => {
    const mine = shapeOf(run).filter((line) => !/SyntheticsTest|lookout:uptime|pulumi:/.test(line));
    const parts = ["encryption", "lifecycle", "ownership", "policy", "public-access", "versioning"];
    const settings = (bucket: string, parent: string, extra: string[] = []) =>
      [...parts, ...extra].map((part) => `${SETTING_TYPES[part]} ${bucket}-${part} <- ${parent}`);
    const expected = [
      // access logs, per region
      `aws:s3/bucket:Bucket access-logs <- access-logs`,
      ...settings("access-logs", "access-logs"),
      `aws:s3/bucket:Bucket access-logs-replica <- access-logs-replica`,
      ...settings("access-logs-replica", "access-logs-replica"),
      `lookout:storage:AccessLogs access-logs <- storage`,
      `lookout:storage:AccessLogs access-logs-replica <- storage`,
      // blog-db: no replica, no lock, its own metric (no S3 request metrics)
      `aws:s3/bucket:Bucket backups-blog-db <- backups-blog-db`,
      ...settings("backups-blog-db", "backups-blog-db", ["logging"]),
      `aws:kms/key:Key backups-blog-db-key <- backups-blog-db`,
      `aws:kms/alias:Alias backups-blog-db-key-alias <- backups-blog-db`,
      `aws:iam/role:Role backups-blog-db-writer <- backups-blog-db`,
      `aws:iam/rolePolicy:RolePolicy backups-blog-db-writer-policy <- backups-blog-db`,
      `aws:iam/role:Role backups-blog-db-restorer <- backups-blog-db`,
      `aws:iam/rolePolicy:RolePolicy backups-blog-db-restorer-policy <- backups-blog-db`,
      `datadog:index/monitor:Monitor backups-blog-db-freshness <- backups-blog-db`,
      `lookout:backups:BackupSet backups-blog-db <- storage`,
      // shop-db: locked, replicated, S3 request metrics
      `aws:s3/bucket:Bucket backups-shop-db <- backups-shop-db`,
      ...settings("backups-shop-db", "backups-shop-db", ["logging", "object-lock"]),
      `aws:kms/key:Key backups-shop-db-key <- backups-shop-db`,
      `aws:kms/alias:Alias backups-shop-db-key-alias <- backups-shop-db`,
      `aws:iam/role:Role backups-shop-db-writer <- backups-shop-db`,
      `aws:iam/rolePolicy:RolePolicy backups-shop-db-writer-policy <- backups-shop-db`,
      `aws:iam/role:Role backups-shop-db-restorer <- backups-shop-db`,
      `aws:iam/rolePolicy:RolePolicy backups-shop-db-restorer-policy <- backups-shop-db`,
      `aws:s3/bucketMetric:BucketMetric backups-shop-db-writes <- backups-shop-db`,
      `datadog:index/monitor:Monitor backups-shop-db-freshness <- backups-shop-db`,
      `aws:s3/bucket:Bucket backups-shop-db-replica <- backups-shop-db`,
      ...settings("backups-shop-db-replica", "backups-shop-db", ["logging", "object-lock"]),
      `aws:kms/key:Key backups-shop-db-replica-key <- backups-shop-db`,
      `aws:kms/alias:Alias backups-shop-db-replica-key-alias <- backups-shop-db`,
      `aws:iam/role:Role backups-shop-db-replication-role <- backups-shop-db`,
      `aws:iam/rolePolicy:RolePolicy backups-shop-db-replication-role-policy <- backups-shop-db`,
      `aws:s3/bucketReplicationConfig:BucketReplicationConfig backups-shop-db-replication <- backups-shop-db`,
      `lookout:backups:BackupSet backups-shop-db <- storage`,
      // the log archive
      `aws:s3/bucket:Bucket logs <- logs`,
      ...settings("logs", "logs", ["logging"]),
      `aws:kms/key:Key logs-key <- logs`,
      `aws:kms/alias:Alias logs-key-alias <- logs`,
      `lookout:logs:LogArchive logs <- storage`,
      `lookout:storage:Storage storage <- lookout-test`,
      // the status page
      `datadog:index/statusPage:StatusPage status-shop-page <- status-shop`,
      `datadog:index/statusPageComponent:StatusPageComponent status-shop-website <- status-shop`,
      `datadog:index/statusPageComponent:StatusPageComponent status-shop-services <- status-shop`,
      `datadog:index/statusPageComponent:StatusPageComponent status-shop-database <- status-shop`,
      `datadog:index/statusPageDegradationTemplate:StatusPageDegradationTemplate status-shop-endpoint-web-home <- status-shop`,
      `datadog:index/statusPageDegradationTemplate:StatusPageDegradationTemplate status-shop-endpoint-api-health <- status-shop`,
      `datadog:index/statusPageDegradationTemplate:StatusPageDegradationTemplate status-shop-endpoint-api-search <- status-shop`,
      `datadog:index/statusPageDegradationTemplate:StatusPageDegradationTemplate status-shop-journey-api-checkout <- status-shop`,
      `lookout:status:ProductStatusPage status-shop <- status`,
      `lookout:status:StatusPages status <- lookout-test`,
    ];
    expect(mine).toEqual(expected.sort());
  });

  it("gives a backup bucket every setting that guards it, with the inputs the guides ask for", () => {
    const bucket = "acme-prod-backup-shop-db";
    expect(inputs("backups-shop-db", BUCKET)).toEqual({
      bucket,
      forceDestroy: false,
      objectLockEnabled: true,
      tags: { env: "prod", "lookout:backup": "shop-db", "lookout:purpose": "backup", "managed-by": "lookout", product: "shop", service: "api", team: "storefront" },
    });
    expect(inputs("backups-shop-db-versioning")).toEqual({ bucket, versioningConfiguration: { status: "Enabled" } });
    expect(inputs("backups-shop-db-encryption")).toEqual({
      bucket,
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: UNKNOWN }, bucketKeyEnabled: true }],
    });
    expect(get("backups-shop-db-encryption").propertyDependencies?.rules).toEqual([get("backups-shop-db-key").urn]);
    expect(inputs("backups-shop-db-key")).toMatchObject({ enableKeyRotation: true, rotationPeriodInDays: 365, deletionWindowInDays: 30 });
    expect(inputs("backups-shop-db-public-access")).toEqual({ bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
    expect(inputs("backups-shop-db-ownership")).toEqual({ bucket, rule: { objectOwnership: "BucketOwnerEnforced" } });
    // It names the key's ARN, unknown until the key exists (PF-S3-3): the policy waits for the key.
    expect(inputs("backups-shop-db-policy").policy).toBe(UNKNOWN);
    expect(get("backups-shop-db-policy").propertyDependencies?.policy).toEqual([get("backups-shop-db-key").urn]);
    expect(inputs("backups-shop-db-lifecycle")).toEqual({ bucket, rules: retentionRules(30, 30) });
    expect(inputs("backups-shop-db-object-lock")).toEqual({ bucket, objectLockEnabled: "Enabled", rule: { defaultRetention: { mode: "GOVERNANCE", days: 30 } } });
    expect(inputs("backups-shop-db-logging")).toEqual({
      bucket,
      targetBucket: "acme-prod-access-logs",
      targetPrefix: `s3-access/${bucket}/`,
      targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: "EventTime" } },
    });
    // Every setting names the bucket through its output: it waits for the bucket, and policies can join them.
    for (const part of ["versioning", "encryption", "public-access", "ownership", "policy", "lifecycle", "object-lock", "logging"]) {
      expect(get(`backups-shop-db-${part}`).propertyDependencies?.bucket, part).toEqual([get("backups-shop-db", BUCKET).urn]);
    }
  });

  it("protects and retains buckets, keys and the settings that guard them; not roles, logging or metrics", () => {
    const protectedOnes = run.resources.filter((r) => r.protect).map((r) => r.name);
    for (const name of ["backups-shop-db", "backups-shop-db-replica", "logs", "access-logs", "backups-shop-db-key", "backups-shop-db-replica-key", "logs-key"]) {
      expect(protectedOnes, name).toContain(name);
    }
    for (const part of ["versioning", "encryption", "public-access", "ownership", "policy", "lifecycle", "object-lock"]) {
      expect(get(`backups-shop-db-${part}`), part).toMatchObject({ protect: true, retainOnDelete: true });
    }
    expect(get("backups-shop-db", BUCKET)).toMatchObject({ protect: true, retainOnDelete: true });
    expect(get("backups-shop-db-replication")).toMatchObject({ protect: true, retainOnDelete: true });
    for (const name of ["backups-shop-db-writer", "backups-shop-db-writer-policy", "backups-shop-db-logging", "backups-shop-db-writes", "backups-shop-db-freshness"]) {
      expect(get(name).protect, name).toBe(false);
    }
  });

  it("creates replicas in the replica region with a key of their own, and replicates after versioning", () => {
    const replicaProvider = run.resources.find((r) => r.name === "aws-replica")!;
    const primary = run.resources.find((r) => r.name === "aws" && r.type === "pulumi:providers:aws")!;
    expect(replicaProvider.inputs).toMatchObject({ region: "eu-central-1" });
    const inReplica = run.resources.filter((r) => r.provider?.startsWith(`${replicaProvider.urn}::`)).map((r) => r.name).sort();
    expect(inReplica).toEqual(
      [
        "access-logs-replica",
        ...["encryption", "lifecycle", "ownership", "policy", "public-access", "versioning"].map((p) => `access-logs-replica-${p}`),
        "backups-shop-db-replica",
        ...["encryption", "lifecycle", "logging", "object-lock", "ownership", "policy", "public-access", "versioning"].map((p) => `backups-shop-db-replica-${p}`),
        "backups-shop-db-replica-key",
        "backups-shop-db-replica-key-alias",
      ].sort(),
    );
    expect(get("backups-shop-db", BUCKET).provider?.startsWith(`${primary.urn}::`)).toBe(true);
    const replication = get("backups-shop-db-replication");
    expect(replication.inputs).toMatchObject({
      bucket: "acme-prod-backup-shop-db",
      rules: [
        {
          id: "replicate-backups",
          status: "Enabled",
          filter: { prefix: "database/" },
          deleteMarkerReplication: { status: "Disabled" },
          sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
          destination: { bucket: "arn:aws:s3:::acme-prod-backup-shop-db-replica", storageClass: "STANDARD", encryptionConfiguration: { replicaKmsKeyId: UNKNOWN } },
        },
      ],
    });
    expect(replication.dependencies).toEqual(expect.arrayContaining([get("backups-shop-db-versioning").urn, get("backups-shop-db-replica-versioning").urn]));
    expect(JSON.parse(String(inputs("backups-shop-db-replication-role").assumeRolePolicy)).Statement[0].Principal).toEqual({ Service: "s3.amazonaws.com" });
  });

  it("gives the writer and restorer roles the catalog's principals and least-privilege policies", () => {
    expect(inputs("backups-shop-db-writer")).toMatchObject({ name: "lookout-prod-backup-shop-db-writer", maxSessionDuration: 3_600 });
    expect(JSON.parse(String(inputs("backups-shop-db-writer").assumeRolePolicy))).toEqual(
      JSON.parse(policyJson(trustPolicy({ aws: ["arn:aws:iam::123456789012:role/shop-backup-job"] }))),
    );
    const at = { bucket: "acme-prod-backup-shop-db", prefix: "database/", region: "eu-west-1" };
    expect(inputs("backups-shop-db-writer-policy")).toEqual({ role: "lookout-prod-backup-shop-db-writer", name: "write-backups", policy: policyJson(writerPolicy(at)) });
    expect(inputs("backups-shop-db-restorer-policy")).toEqual({ role: "lookout-prod-backup-shop-db-restorer", name: "restore-backups", policy: policyJson(restorerPolicy(at)) });
  });

  it("watches freshness through S3 request metrics on the prefix, or the job's own metric", () => {
    expect(inputs("backups-shop-db-writes")).toEqual({ bucket: "acme-prod-backup-shop-db", name: "backup-writes", filter: { prefix: "database/" } });
    expect(inputs("backups-shop-db-freshness")).toMatchObject({ priority: "2", query: expect.stringContaining("filterid:backup-writes") });
    expect(get("backups-shop-db-freshness").dependencies).toContain(get("backups-shop-db-writes").urn);
    expect(inputs("backups-blog-db-freshness")).toMatchObject({ priority: "3", query: expect.stringContaining("blog.backup.completed") });
  });

  it("keeps each log level's prefix as long as the catalog says", () => {
    expect(inputs("logs-lifecycle")).toEqual({ bucket: "acme-prod-logs", rules: logRules(catalog.logs) });
    expect(inputs("logs-encryption")).toMatchObject({ rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }] });
    expect(inputs("access-logs-encryption")).toEqual({ bucket: "acme-prod-access-logs", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] });
  });

  it("lays the status page out in catalog order, each component after the one before", () => {
    expect(inputs("status-shop-page")).toEqual({ name: "Shop Status", domainPrefix: "shop", type: "public", visualizationType: "bars_and_uptime_percentage" });
    const components = ["website", "services", "database"].map((n) => get(`status-shop-${n}`));
    expect(components.map((c) => [(c.inputs as { name: string }).name, (c.inputs as { position: number }).position, (c.inputs as { type: string }).type])).toEqual([
      ["Website", 0, "component"],
      ["Shop services", 1, "group"],
      ["Database operations", 2, "component"],
    ]);
    expect(components[1].dependencies).toContain(components[0].urn);
    expect(components[2].dependencies).toContain(components[1].urn);
  });

  it("names each degradation template after the synthetics test it stands for, and marks the components that check informs", () => {
    const tests = new Set(run.resources.filter((r) => r.type === "datadog:index/syntheticsTest:SyntheticsTest").map((r) => (r.inputs as { name: string }).name));
    const templates = run.resources.filter((r) => r.type === "datadog:index/statusPageDegradationTemplate:StatusPageDegradationTemplate");
    expect(templates.map((t) => (t.inputs as { name: string }).name).sort()).toEqual(["[prod] api health", "[prod] api journey checkout", "[prod] api search", "[prod] web home"]);
    for (const t of templates) expect(tests, t.name).toContain((t.inputs as { name: string }).name);
    expect(inputs("status-shop-endpoint-api-health")).toMatchObject({
      degradationTitle: "API, Database operations: major outage",
      componentsAffecteds: [
        { id: UNKNOWN, name: "API", status: "major_outage" },
        { id: UNKNOWN, name: "Database operations", status: "major_outage" },
      ],
    });
    expect(inputs("status-shop-endpoint-api-search")).toMatchObject({ componentsAffecteds: [{ name: "API", status: "degraded" }] });
  });

  it("keeps every URN when backups, log entries and status components are reordered", async () => {
    const doc = parseDocument(TEXT);
    for (const key of ["backups", "logs"]) {
      const list = doc.get(key);
      if (isSeq(list)) list.items.reverse();
    }
    const pages = doc.get("statusPages");
    const page = isSeq(pages) ? pages.items[0] : undefined;
    const components = isMap(page) ? page.get("components") : undefined;
    if (isSeq(components)) components.items.reverse();
    const reordered = parseCatalog([{ file: FIXTURE, text: doc.toString() }]);
    const again = await planStorage(reordered as Catalog, { uptime: true });
    expect(again.resources.map((r) => r.urn).sort()).toEqual(run.resources.map((r) => r.urn).sort());
    // The page's order is the display order: positions follow it, names do not.
    expect((again.resources.find((r) => r.name === "status-shop-database")?.inputs as { position: number }).position).toBe(0);
  });
});

const BUCKET = "aws:s3/bucket:Bucket";
const SETTING_TYPES: Readonly<Record<string, string>> = {
  encryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  logging: "aws:s3/bucketLogging:BucketLogging",
  "object-lock": "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
  ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  policy: "aws:s3/bucketPolicy:BucketPolicy",
  "public-access": "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  versioning: "aws:s3/bucketVersioning:BucketVersioning",
};
