/**
 * `lookout plan --stack NAME`: the Pulumi program under runtime mocks and the policy packs
 * over the Analyzer protocol; exit 1 when a mandatory policy is violated.
 */
import { EXIT } from "./exitCodes";
import { InputError } from "../errors";
import { computePlan } from "../engine/plan";
import { findProjectRoot, readUserConfigFile } from "../engine/stackConfig";
import { Progress } from "../render/progress";
import { renderPlanText } from "../render/text";

export interface PlanFlags {
  stack: string;
  catalog?: string;
  policyPack: string[];
  policyConfig?: string;
  json?: boolean;
  shards: number | "auto";
  jobs?: number;
  allowOutsideProject?: boolean;
}

/** Reads a policy config file (the format of `pulumi preview --policy-pack-config`). */
export function readPolicyConfig(file: string, projectRoot: string, allowOutsideProject = false): Record<string, unknown> {
  const text = readUserConfigFile(file, projectRoot, allowOutsideProject);
  try {
    const data: unknown = JSON.parse(text);
    if (typeof data !== "object" || data === null || Array.isArray(data)) throw new Error("expected a JSON object");
    return data as Record<string, unknown>;
  } catch (error) {
    throw new InputError(`${file}: ${(error as Error).message}`);
  }
}

export async function plan(flags: PlanFlags, write: (text: string) => void): Promise<number> {
  const progress = new Progress(!flags.json && process.stderr.isTTY === true);
  const projectRoot = findProjectRoot(process.cwd());
  const result = await computePlan({
    projectRoot,
    stack: flags.stack,
    catalog: flags.catalog,
    allowOutsideProject: flags.allowOutsideProject,
    policyPacks: flags.policyPack,
    policyConfig: flags.policyConfig === undefined ? undefined : readPolicyConfig(flags.policyConfig, projectRoot, flags.allowOutsideProject),
    onProgress: (event) => progress.update(event),
    shards: flags.shards,
    jobs: flags.jobs,
  }).finally(() => progress.done());
  write(flags.json ? `${JSON.stringify(result, null, 2)}\n` : `${renderPlanText(result)}\n`);
  return result.summary.mandatory > 0 ? EXIT.mandatoryViolation : EXIT.ok;
}
