/** Catalog diagnostics: every problem at its file:line:column, all reported at once. */

export interface CatalogIssue {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** The path in the document, e.g. `services[2].endpoints[0].interval`. */
  readonly path: string;
  readonly message: string;
}

export function formatIssue(issue: CatalogIssue): string {
  const where = `${issue.file}:${issue.line}:${issue.column}`;
  return issue.path ? `${where}  ${issue.path}  ${issue.message}` : `${where}  ${issue.message}`;
}

export function compareIssues(a: CatalogIssue, b: CatalogIssue): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.message.localeCompare(b.message);
}

/** Thrown by `loadCatalog` when anything is wrong; nothing has been registered then. */
export class CatalogError extends Error {
  readonly issues: readonly CatalogIssue[];

  constructor(issues: readonly CatalogIssue[]) {
    const sorted = [...issues].sort(compareIssues);
    const count = sorted.length === 1 ? "1 error" : `${sorted.length} errors`;
    super(`invalid catalog (${count}):\n${sorted.map((i) => `  ${formatIssue(i)}`).join("\n")}`);
    this.name = "CatalogError";
    this.issues = sorted;
  }
}

/** `["services", 2, "name"]` → `services[2].name`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out;
}
