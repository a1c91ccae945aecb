/**
 * The shipped stacks' plans, pinned: one digest per resource (everything the plan says of
 * it but its catalog `source`), one of the outputs, one of the policy results and one of
 * all the sources together. `test/planPins.test.ts` fails when a change alters any of
 * them, naming the resources whose digest moved, so a refactor that should change nothing
 * proves it, and a change that should alter a plan says so in its commit.
 *
 * After an intended change: `npm run pin:plans` rewrites `test/pins/<stack>.json`.
 */
import { spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import type { Plan } from "../../cli/engine/plan";

export const PINNED_STACKS = ["prod", "staging"] as const;

export interface PlanPin {
  readonly stack: string;
  /** URN → digest of the resource without its `source`, in URN order. */
  readonly resources: Record<string, string>;
  readonly outputs: string;
  readonly policies: string;
  /** Every resource's catalog source, in URN order: moves when a catalog line moves. */
  readonly sources: string;
}

/** JSON with object keys sorted at every depth: the same value gives the same bytes. */
function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

function digest(value: unknown): string {
  return createHash("sha256").update(sortedJson(value)).digest("hex").slice(0, 20);
}

export function pinOf(plan: Plan): PlanPin {
  const resources = [...plan.resources].sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
  return {
    stack: plan.stack,
    resources: Object.fromEntries(resources.map(({ source: _source, ...rest }) => [rest.urn, digest(rest)])),
    outputs: digest(plan.outputs),
    policies: digest(plan.policies),
    sources: digest(resources.map((r) => [r.urn, r.source ?? null])),
  };
}

export function pinFile(stack: string): string {
  return path.resolve(__dirname, "..", "pins", `${stack}.json`);
}

export function readPin(stack: string): PlanPin {
  return JSON.parse(fs.readFileSync(pinFile(stack), "utf8")) as PlanPin;
}

/** `npm run pin:plans`: plan each shipped stack and rewrite its pin. */
if (require.main === module) {
  const root = path.resolve(__dirname, "..", "..");
  for (const stack of PINNED_STACKS) {
    const run = spawnSync(process.execPath, [path.join(root, "bin", "lookout.js"), "plan", "--stack", stack, "--json"], { cwd: root, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    if (run.status !== 0) {
      process.stderr.write(`lookout plan --stack ${stack} exited ${run.status}:\n${run.stderr}`);
      process.exit(1);
    }
    fs.writeFileSync(pinFile(stack), `${JSON.stringify(pinOf(JSON.parse(run.stdout) as Plan), null, 2)}\n`);
    process.stdout.write(`${path.relative(process.cwd(), pinFile(stack))}\n`);
  }
}
