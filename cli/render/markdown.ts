/** Markdown pieces for pull-request comments: escaped text, code spans, tables, collapsible sections. */
import { cap } from "../reports/diffView";
import { maskSecrets } from "./mask";

/** Plain text for Markdown, tables included: no markup, no HTML, no table breaks. */
export function md(text: string, max = 200): string {
  return cap(maskSecrets(text), max).replace(/[\\`*_[\]<>|]/g, (c) => (c === "<" ? "&lt;" : c === ">" ? "&gt;" : `\\${c}`));
}

/** A code span; `inTable` escapes pipes, which GitHub otherwise reads as cell borders even in code. */
export function code(text: string, inTable = false, max = 200): string {
  let body = cap(maskSecrets(text), max);
  if (inTable) body = body.replace(/\|/g, "\\|");
  const fence = body.includes("`") ? "``" : "`";
  const pad = body.startsWith("`") || body.endsWith("`") ? " " : "";
  return body === "" ? "" : `${fence}${pad}${body}${pad}${fence}`;
}

export function sourceCell(source: string | undefined): string {
  return source ? code(source, true) : "";
}

export function details(summary: string, open = false): { head: (table?: string) => string; tail: string } {
  return {
    head: (table?: string) => `<details${open ? " open" : ""}><summary><b>${summary}</b></summary>\n\n${table ? `${table}\n` : ""}`,
    tail: "\n\n</details>",
  };
}

export function tableHeader(columns: readonly string[]): string {
  return `| ${columns.join(" | ")} |\n|${columns.map(() => "---").join("|")}|`;
}

export function row(cells: readonly string[]): string {
  return `| ${cells.join(" | ")} |`;
}
