/** Importing Datadog sources and planning the catalog they make, as the offline engine runs the program. */
import * as fs from "fs";
import * as path from "path";
import { runUnderMocks } from "../../cli/engine/mockRun";
import type { PlannedResource } from "../../cli/engine/resource";
import { readStackSettings } from "../../cli/engine/stackConfig";
import { importDatadog, importedCatalogText, type ImportResult, type SourceFile } from "../../cli/reports/importDatadog";
import { ROOT } from "./plans";

export async function importAndPlan(sources: readonly SourceFile[], dir: string): Promise<{ imported: ImportResult; planned: PlannedResource[] }> {
  const imported = importDatadog(sources, "prod");
  if ("unrecognized" in imported) throw new Error(`unrecognized ${imported.unrecognized}`);
  const file = path.join(dir, "imported.yaml");
  fs.writeFileSync(file, importedCatalogText(imported, "prod", "sources"));
  const settings = readStackSettings(ROOT, "prod", { "lookout:catalog": file });
  const { lookout: program } = await import("../../infra/program");
  const run = await runUnderMocks({ project: settings.project, stack: settings.stack, config: settings.config, secretKeys: settings.secretKeys, preview: true, program });
  return { imported, planned: run.resources };
}
