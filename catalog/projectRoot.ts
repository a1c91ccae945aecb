/**
 * The project's root: the nearest folder holding a Pulumi.yaml. Found by walking up, so
 * it is the same whether a module runs as TypeScript (`infra/…`) or compiled
 * (`dist/infra/…`, the build mirrors the project under dist/, which holds no Pulumi.yaml).
 */
import * as fs from "fs";
import * as path from "path";

/** The nearest folder from `start` upwards that holds a Pulumi.yaml, if any. */
export function pulumiProjectAbove(start: string): string | undefined {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** This project's root (the folder of Pulumi.yaml above catalog/). */
export const PROJECT_ROOT = pulumiProjectAbove(__dirname) ?? path.resolve(__dirname, "..");
