/**
 * Reads a catalog (one YAML file, or a folder of them), validates all of it and
 * returns the normalized, frozen model — or throws one `CatalogError` listing every
 * problem at its file:line:column. Nothing here touches Pulumi: a bad catalog is
 * rejected before the first resource exists.
 */
import { type z } from "zod";
import { maskCredentials } from "./credentialText";
import { CatalogError, type CatalogIssue, formatIssue, formatPath } from "./errors";
import type { Catalog } from "./model";
import { mergeLayers, readLayers } from "./layers";
import { normalize } from "./normalize";
import { namesCutEntry, schemaValidRest } from "./partial";
import { CatalogFileSchema } from "./schema";
import { checkCatalogText } from "./textRules";
import { valueAt } from "./yamlPositions";
import { type CatalogReadOptions, type CatalogSource, type ParsedFile, parseYamlFile, type YamlFile } from "./yamlFiles";


/**
 * Loads and validates a catalog from disk: a file, a folder, or a stack's file that
 * `extends` a base (layers.ts). Throws `CatalogError`.
 */
export function loadCatalog(catalogPath: string, options?: CatalogReadOptions): Catalog {
  const { sources, layered } = readLayers(catalogPath, options);
  return layered ? parseLayeredCatalog(sources) : parseCatalog(sources);
}

/** Validates catalog sources already in memory. Throws `CatalogError`. */
export function parseCatalog(sources: readonly CatalogSource[]): Catalog {
  const issues: CatalogIssue[] = [];
  const parsed: ParsedFile[] = [];
  for (const source of sources) {
    const file = parseFile(source, issues);
    if (file) parsed.push(file);
  }
  return validated(parsed, issues);
}

/** Merges a stack's layers (base first, overlay last) and validates the result as one document. Throws `CatalogError`. */
export function parseLayeredCatalog(layers: readonly CatalogSource[]): Catalog {
  const issues: CatalogIssue[] = [];
  const merged = mergeLayers(layers, issues);
  return validated(merged ? [{ ...validateDocument(merged, issues), files: merged.files }] : [], issues);
}

function validated(parsed: readonly ParsedFile[], issues: CatalogIssue[]): Catalog {
  // Literal credentials and notification syntax, wherever they are written.
  checkCatalogText(parsed.map((file) => file.original ?? file), issues);
  // Cross-file and semantic checks run on what parsed, so one pass reports everything;
  // a complaint about an entry the schema's problems cut is theirs, reported once.
  const schemaIssues = issues.length;
  const cutNames = parsed.flatMap((file) => file.cutNames ?? []);
  const catalog = normalize(parsed, issues);
  const kept = issues.filter((issue, i) => i < schemaIssues || !namesCutEntry(issue.message, cutNames));
  const unique = kept.filter((issue, i) => kept.findIndex((other) => formatIssue(other) === formatIssue(issue)) === i);
  if (unique.length > 0 || !catalog) throw new CatalogError(unique);
  return catalog;
}

function parseFile(source: CatalogSource, issues: CatalogIssue[]): ParsedFile | undefined {
  const yamlFile = parseYamlFile(source, issues);
  return yamlFile && validateDocument(yamlFile, issues);
}

/** Checks a whole document (one file, or a stack's merged layers) against the schema. */
export function validateDocument(file: Pick<YamlFile, "file" | "raw" | "locate" | "locateKey">, issues: CatalogIssue[]): ParsedFile {
  const result = CatalogFileSchema.safeParse(file.raw);
  if (result.success) return { file: file.file, raw: file.raw, data: result.data, locate: file.locate };
  for (const zodIssue of result.error.issues) issues.push(...describeIssue(file, zodIssue));
  // The checks still run on the schema-valid rest, so the catalog's other problems (a
  // routing typo) come in the same report (partial.ts).
  const valid = schemaValidRest(file.raw, result.error.issues);
  if (!valid) return { file: file.file, raw: file.raw, locate: file.locate };
  const original = { file: file.file, raw: file.raw, locate: file.locate };
  return { file: file.file, raw: valid.raw, data: valid.data, locate: (docPath) => file.locate(valid.originalPath(docPath)), cutNames: valid.cutNames, original };
}


/** How a found value reads in a message. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return JSON.stringify(maskCredentials(value)); // a message never repeats a credential
  return String(value);
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  object: "a mapping",
  array: "a list",
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
};

function describeIssue(source: Pick<YamlFile, "file" | "raw" | "locate" | "locateKey">, issue: z.core.$ZodIssue): CatalogIssue[] {
  const { file, locate } = source;
  const docPath = issue.path;
  const found = valueAt(source.raw, docPath);
  const at = (p: readonly PropertyKey[], message: string): CatalogIssue => ({
    file,
    ...locate(p),
    path: formatPath(p),
    message,
  });
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => {
        const position = source.locateKey(docPath, key) ?? locate(docPath);
        const allowed = allowedKeys(docPath);
        const hint = allowed.length > 0 ? `; expected one of ${allowed.join(", ")}` : "";
        return { file, ...position, path: formatPath([...docPath, key]), message: `unknown key "${key}"${hint}` };
      });
    case "invalid_type":
      if (found === undefined) return [at(docPath, `missing required key "${String(docPath[docPath.length - 1])}"`)];
      return [at(docPath, `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}, found ${describeValue(found)}`)];
    case "invalid_value":
      return [at(docPath, `expected one of ${issue.values.map(String).join(", ")}, found ${describeValue(found)}`)];
    case "invalid_format":
    case "invalid_union":
    case "custom":
      return [at(docPath, `expected ${issue.message}, found ${describeValue(found)}`)];
    case "too_small":
      if (issue.origin === "array") return [at(docPath, `expected at least ${String(issue.minimum)} item(s), found ${(found as unknown[]).length}`)];
      if (issue.origin === "string") return [at(docPath, `expected a non-empty string, found ${describeValue(found)}`)];
      return [at(docPath, `expected at least ${String(issue.minimum)}, found ${describeValue(found)}`)];
    case "too_big":
      if (issue.origin === "string") return [at(docPath, `expected ${issue.message}, found ${describeValue(found)}`)];
      return [at(docPath, `expected at most ${String(issue.maximum)}, found ${describeValue(found)}`)];
    default:
      return [at(docPath, issue.message)];
  }
}

/** The keys the schema allows at a document path (for "unknown key" hints). */
function allowedKeys(docPath: readonly PropertyKey[]): string[] {
  let schema: unknown = CatalogFileSchema;
  const unwrap = (s: unknown): unknown => {
    let current = s as { _zod?: { def: Record<string, unknown> } };
    for (;;) {
      const def = current._zod?.def;
      if (!def) return current;
      if (def.type === "optional" || def.type === "default" || def.type === "nullable" || def.type === "readonly") {
        current = def.innerType as typeof current;
      } else if (def.type === "pipe") {
        current = def.in as typeof current;
      } else {
        return current;
      }
    }
  };
  for (const part of docPath) {
    const def = (unwrap(schema) as { _zod?: { def: Record<string, unknown> } })._zod?.def;
    if (!def) return [];
    if (def.type === "object" && typeof part === "string") schema = (def.shape as Record<string, unknown>)[part];
    else if (def.type === "array" && typeof part === "number") schema = def.element;
    else return [];
  }
  const def = (unwrap(schema) as { _zod?: { def: Record<string, unknown> } })._zod?.def;
  return def?.type === "object" ? Object.keys(def.shape as Record<string, unknown>) : [];
}
