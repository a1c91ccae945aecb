/** `npm run schema`: writes the catalog's JSON Schemas for editors (yaml-language-server). */
import * as fs from "fs";
import * as path from "path";
import { catalogFileJsonSchema, catalogOverlayJsonSchema } from "./layerSchemas";
import { PROJECT_ROOT } from "./projectRoot";

export const CATALOG_SCHEMA_PATH = path.join(PROJECT_ROOT, "schema", "catalog.schema.json");
/** The form of a stack's file that extends a base (layers.ts). */
export const OVERLAY_SCHEMA_PATH = path.join(PROJECT_ROOT, "schema", "catalog-overlay.schema.json");

export function renderCatalogSchema(): string {
  return `${JSON.stringify(catalogFileJsonSchema(), null, 2)}\n`;
}

export function renderOverlaySchema(): string {
  return `${JSON.stringify(catalogOverlayJsonSchema(), null, 2)}\n`;
}

if (require.main === module) {
  for (const [file, text] of [
    [CATALOG_SCHEMA_PATH, renderCatalogSchema()],
    [OVERLAY_SCHEMA_PATH, renderOverlaySchema()],
  ]) {
    fs.writeFileSync(file, text);
    console.log(`wrote ${path.relative(process.cwd(), file)}`);
  }
}
