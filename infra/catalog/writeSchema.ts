/** `npm run schema`: writes the catalog's JSON Schema for editors (yaml-language-server). */
import * as fs from "fs";
import * as path from "path";
import { catalogJsonSchema } from "./schema";

export const CATALOG_SCHEMA_PATH = path.join(__dirname, "..", "..", "schema", "catalog.schema.json");

export function renderCatalogSchema(): string {
  return `${JSON.stringify(catalogJsonSchema(), null, 2)}\n`;
}

if (require.main === module) {
  fs.writeFileSync(CATALOG_SCHEMA_PATH, renderCatalogSchema());
  console.log(`wrote ${path.relative(process.cwd(), CATALOG_SCHEMA_PATH)}`);
}
