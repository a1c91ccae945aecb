/**
 * Deletions Pulumi would refuse (PF-REV-5): a protected resource removed, or replaced by
 * a new URN, is reported as blocked with what to do, and the review exits 1 whatever
 * `--fail-on` says. Pure plan fragments.
 */
import { describe, expect, it } from "vitest";
import type { Plan, PlanResource } from "../cli/engine/plan";
import { diffPlans } from "../cli/reports/diff";
import { renderDiffMarkdown, renderDiffText } from "../cli/reports/renderDiff";
import { diffExitCode } from "../cli/commands/diff";

const BUCKET = "aws:s3/bucketV2:BucketV2";

function res(name: string, protect: boolean, chain = "lookout:backups:Backup"): PlanResource {
  return { urn: `urn:pulumi:prod::lookout::${chain}$${BUCKET}::${name}`, type: BUCKET, name, dependencies: [], protect, inputs: { bucket: name }, source: "stacks/prod.yaml:200:5" };
}

function plan(resources: readonly PlanResource[]): Plan {
  return { project: "lookout", stack: "prod", resources, outputs: {}, policies: [], summary: { resources: resources.length, byType: {}, mandatory: 0, advisory: 0 } };
}

const diffOf = (base: readonly PlanResource[], head: readonly PlanResource[]) =>
  diffPlans(plan(base), plan(head), { stack: "prod", baseRef: "origin/main", baseCommit: "0".repeat(40), headRef: "working tree" });

const ledger = res("backups-ledger", true);
const scratch = res("backups-scratch", false);

describe("deletions Pulumi would refuse", () => {
  it("reports a removed protected resource as blocked, with what to do", () => {
    const diff = diffOf([ledger, scratch], [scratch]);
    expect(diff.blocked).toEqual([expect.objectContaining({ name: "backups-ledger", how: "removed", source: "stacks/prod.yaml:200:5" })]);
    expect(diff.blocked?.[0].guidance).toMatch(/unprotect it first in a separate change/);
    expect(diff.blocked?.[0].guidance).toMatch(/retain/);
  });

  it("exits 1 on a blocked deletion whatever --fail-on says", () => {
    const diff = diffOf([ledger, scratch], [scratch]);
    expect(diffExitCode(diff, [])).toBe(1);
    expect(diffExitCode(diff, ["mass-removal"])).toBe(1);
    expect(diffExitCode(diff, ["looser"])).toBe(1);
  });

  it("does not block removing an unprotected resource", () => {
    const diff = diffOf([ledger, scratch], [ledger]);
    expect(diff.blocked).toEqual([]);
    expect(diffExitCode(diff, [])).toBe(0);
  });

  it("blocks a protected resource replaced under a new URN: its delete is refused and its data lost", () => {
    const moved = res("backups-ledger", true, "lookout:storage:Storage");
    const diff = diffOf([ledger], [moved]);
    expect(diff.replaced).toHaveLength(1);
    expect(diff.blocked).toEqual([expect.objectContaining({ name: "backups-ledger", how: "replaced", urn: ledger.urn })]);
    expect(diffExitCode(diff, [])).toBe(1);
  });

  it("leads both renderings with the blocked deletion and its guidance", () => {
    const diff = diffOf([ledger], []);
    const text = renderDiffText(diff);
    expect(text.split("\n")[2]).toBe("BLOCKED (1): deletions pulumi up would refuse; lookout diff exits 1");
    expect(text).toContain("REMOVED protected backups-ledger");
    const markdown = renderDiffMarkdown(diff, plan([]));
    expect(markdown).toContain("**Blocked (1)**");
    expect(markdown.indexOf("**Blocked (1)**")).toBeLessThan(markdown.indexOf("### Summary"));
    expect(markdown).toMatch(/\*\*Removed\*\* protected `backups-ledger`.*unprotect it first/);
  });
});
