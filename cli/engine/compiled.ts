/**
 * Where this run's own modules are: the project's TypeScript, or the build's JavaScript
 * (`dist/`, bin/build.js: the project's layout mirrored under dist/). A compiled CLI runs
 * its own project's compiled program, shard workers and policy pack; pulumi up and a
 * project other than this CLI's own still load TypeScript (under tsx here, as the
 * Pulumi CLI does with ts-node).
 */
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../../catalog/projectRoot";

/** Whether this module (and so the CLI) runs compiled. */
export const COMPILED = path.extname(__filename) === ".js";

/** The root of the modules this run loads: the project, or `<project>/dist`. */
const OWN_TREE = path.resolve(__dirname, "..", "..");

function isOwnProject(projectRoot: string): boolean {
  const real = (dir: string): string => {
    try {
      return fs.realpathSync(dir);
    } catch {
      return path.resolve(dir);
    }
  };
  return real(projectRoot) === real(PROJECT_ROOT);
}

/**
 * A project's folder of modules (`infra`, the program; `policies`, the pack) as this run
 * loads it: the compiled one of this CLI's own project when it runs compiled, else the
 * project's own folder. A compiled pack folder holds the pack's PulumiPolicy.yaml and
 * package.json beside index.js, as Pulumi's pack runner needs (PF-FAST-FL-2).
 */
export function projectModuleDir(projectRoot: string, name: "infra" | "policies"): string {
  return COMPILED && isOwnProject(projectRoot) ? path.join(OWN_TREE, name) : path.join(projectRoot, name);
}

/** A module of this run's own tree by its path without extension (`cli/engine/shardWorker`). */
export function ownModule(relative: string): string {
  return path.join(OWN_TREE, `${relative}${path.extname(__filename)}`);
}

/**
 * Makes `require` read TypeScript, when this run is compiled and is about to load a
 * project's modules that are not (another project's program). Once per process.
 */
let typeScriptRegistered = !COMPILED;
export function requireTypeScript(): void {
  if (typeScriptRegistered) return;
  typeScriptRegistered = true;
  (require("tsx/cjs/api") as { register: () => void }).register();
}

/** Node's options to start one of this run's own modules in a new process (tsx when it is TypeScript). */
export function ownModuleExecArgv(): string[] {
  return COMPILED ? [] : ["--require", require.resolve("tsx/cjs")];
}
