/** A catalog text's problems, as `line:column path message` (empty when it loads). */
import { CatalogError } from "../../infra/catalog/errors";
import { parseCatalog } from "../../infra/catalog/load";

export function catalogIssues(text: string, file = "cat.yaml"): string[] {
  try {
    parseCatalog([{ file, text }]);
  } catch (error) {
    if (error instanceof CatalogError) return error.issues.map((i) => `${i.line}:${i.column} ${i.path} ${i.message}`);
    throw error;
  }
  return [];
}
