/**
 * The shipped prod stack as the text of one whole catalog file, for tests that copy or
 * mutate a real catalog's text: stacks/base.yaml with the prod overlay's own top-level
 * keys appended. The prod overlay only adds keys the base does not set (environment,
 * maintenance), so the text loads to the same catalog as the stack's layers.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

export function prodCatalogText(root: string): string {
  const base = fs.readFileSync(path.join(root, "stacks", "base.yaml"), "utf8");
  const overlay = fs.readFileSync(path.join(root, "stacks", "prod.yaml"), "utf8");
  const baseKeys = Object.keys(parse(base) as Record<string, unknown>);
  const own = Object.keys(parse(overlay) as Record<string, unknown>).filter((key) => key !== "extends");
  const shared = own.filter((key) => baseKeys.includes(key));
  if (shared.length > 0) throw new Error(`stacks/prod.yaml changes base keys (${shared.join(", ")}): it no longer appends to the base as text`);
  return `${base.replace(/\n*$/, "\n")}\n${overlay.replace(/^extends: .*\n/m, "")}`;
}
