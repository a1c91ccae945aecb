/**
 * Temporary git repositories for `lookout diff`: the project's code and build copied (its
 * `node_modules` linked), and one commit per catalog given, of `stacks/prod.yaml`.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const CODE = ["bin", "cli", "catalog", "infra", "queries", "json", "policies", "dashboards", "Pulumi.yaml", "package.json", "tsconfig.json", "tsconfig.build.json"];

/**
 * A repository whose commits hold `catalogs` in turn as `stacks/prod.yaml` (HEAD the
 * last); `pulumiProd`: its `Pulumi.prod.yaml` (default: the project's).
 */
export function makeReviewRepo(root: string, catalogs: readonly string[], pulumiProd?: string): string {
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), "lookout-review-"));
  // Times kept: with the project's build (dist/) copied too, the copy's build is fresh when
  // the project's is (bin/build.js compares paths, sizes and times), so the head runs compiled.
  for (const item of [...CODE, "dist"]) {
    const from = path.join(root, item);
    if (fs.existsSync(from)) fs.cpSync(from, path.join(repo, item), { recursive: true, preserveTimestamps: true, filter: (src) => !src.includes("node_modules") });
  }
  fs.symlinkSync(path.join(root, "node_modules"), path.join(repo, "node_modules"), "dir");
  fs.writeFileSync(path.join(repo, "Pulumi.prod.yaml"), pulumiProd ?? fs.readFileSync(path.join(root, "Pulumi.prod.yaml"), "utf8"));
  fs.mkdirSync(path.join(repo, "stacks"));
  const git = (...args: string[]) => execFileSync("git", ["-C", repo, "-c", "user.email=ci@example.com", "-c", "user.name=CI", ...args], { stdio: "ignore" });
  git("init", "-q");
  // The build is not committed (as in the project, .gitignore): a base worktree has none.
  fs.appendFileSync(path.join(repo, ".git", "info", "exclude"), "dist/\n");
  catalogs.forEach((catalog, i) => {
    fs.writeFileSync(path.join(repo, "stacks", "prod.yaml"), catalog);
    git("add", "-A");
    git("commit", "-qm", `catalog ${i + 1}`);
  });
  return repo;
}

/**
 * The shipped prod catalog cut at a line boundary just before `services:`: still valid
 * YAML and a valid catalog, with no maintenance, services, backups, status pages or
 * dashboards left.
 */
export function truncatedCatalog(root: string): string {
  const text = fs.readFileSync(path.join(root, "stacks", "base.yaml"), "utf8");
  return `${text.slice(0, text.indexOf("\nservices:\n") + 1)}environment: prod\n`;
}
