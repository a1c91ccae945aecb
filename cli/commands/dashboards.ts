/**
 * `lookout dashboards --stack NAME --out DIR`: the stack's Grafana dashboards as JSON
 * files (keys sorted, one per dashboard, named by its key), ready to import into any
 * Grafana by hand. The catalog is the stack's (`lookout:catalog`) or `--catalog`; it is
 * loaded and validated exactly as the program does, so a bad catalog is exit 2 with every
 * problem at its line:column. Files of dashboards that no longer exist are left alone.
 */
import * as fs from "fs";
import * as path from "path";
import { dashboardJson, stackDashboards } from "../../dashboards";
import type { Catalog } from "../../catalog/model";
import { EXIT } from "./exitCodes";
import { InputError } from "../errors";
import { stackCatalog, stackOverrides } from "../engine/plan";
import { findProjectRoot, readStackSettings } from "../engine/stackConfig";
import { maskSecrets } from "../render/mask";

export interface DashboardsFlags {
  stack: string;
  catalog?: string;
  out: string;
  allowOutsideProject?: boolean;
}

/** As messages show paths: relative to the working directory when below it. */
function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative === "" ? "." : relative.startsWith("..") ? file : relative;
}

/**
 * The stack's catalog, as `lookout plan` reads it (`--catalog` overrides `lookout:catalog`);
 * bad input when the stack names none.
 */
function requireStackCatalog(stack: string, catalog: string | undefined, allowOutsideProject = false): Catalog {
  const root = findProjectRoot(process.cwd());
  const settings = readStackSettings(root, stack, stackOverrides({ catalog, allowOutsideProject }));
  const loaded = stackCatalog(settings);
  if (!loaded) throw new InputError(`stack "${stack}" sets no lookout:catalog in Pulumi.${stack}.yaml`);
  return loaded;
}

export async function writeDashboards(flags: DashboardsFlags, write: (text: string) => void): Promise<number> {
  const catalog = requireStackCatalog(flags.stack, flags.catalog, flags.allowOutsideProject);
  const definitions = stackDashboards(catalog);
  const out = path.resolve(flags.out);
  try {
    fs.mkdirSync(out, { recursive: true });
  } catch {
    throw new InputError(`cannot create the folder ${flags.out}`);
  }
  // Every target checked before the first is written: a folder or device in the way
  // fails the command with nothing written.
  for (const definition of definitions) {
    const file = path.join(out, `${definition.key}.json`);
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (stat && !stat.isFile()) throw new InputError(`cannot write ${shown(file)}: not a regular file`);
  }
  for (const definition of definitions) {
    const file = path.join(out, `${definition.key}.json`);
    try {
      // Masked as every report is: the plan shows this JSON (configJson) the same way.
      fs.writeFileSync(file, maskSecrets(dashboardJson(definition, { pretty: true })));
    } catch (error) {
      throw new InputError(`cannot write ${shown(file)} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
    }
    const panels = (definition.model.panels ?? []).filter((p) => p.type !== "row").length;
    write(`wrote ${shown(file)}  ${definition.title}  uid ${definition.uid}  refresh ${definition.refresh}  ${panels} panels\n`);
  }
  write(`${definitions.length} dashboard${definitions.length === 1 ? "" : "s"} of stack ${flags.stack} (${catalog.environment})\n`);
  return EXIT.ok;
}
