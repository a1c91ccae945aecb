/**
 * `lookout import datadog --from PATH --out FILE [--stack NAME] [--pulumi-import FILE]`:
 * Datadog JSON (a file, or every `*.json` below a folder, in path order) → a catalog file
 * that validates, and an import report on stdout. With `--pulumi-import`, the imported
 * catalog is planned as the stack would plan it and Pulumi's bulk import file is written,
 * mapping each imported resource's planned name to its Datadog ID (PF-PU-IMP-1).
 * Bad input (unreadable JSON, an object that is no Datadog monitor, SLO or test) is exit
 * 2 and nothing is written.
 */
import * as fs from "fs";
import * as path from "path";
import { positionOf } from "../../queries";
import { CatalogError } from "../../catalog/errors";
import { parseCatalog } from "../../catalog/load";
import { EXIT } from "./exitCodes";
import { InputError } from "../errors";
import { runProgram } from "../engine/program";
import { findProjectRoot, readStackSettings } from "../engine/stackConfig";
import { importDatadog, importedCatalogText, type ImportResult, type SourceFile } from "../reports/importDatadog";
import { pulumiImportFile, type PulumiImportFile } from "../reports/pulumiImport";

export interface ImportFlags {
  from: string;
  out: string;
  stack?: string;
  pulumiImport?: string;
}

/** As messages show paths: relative to the working directory when below it. */
function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative === "" ? "." : relative.startsWith("..") ? file : relative;
}

function jsonFiles(from: string): string[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(from);
  } catch {
    throw new InputError(`${from}: no such file or folder`);
  }
  if (!stat.isDirectory()) return [from];
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const name of fs.readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (fs.statSync(full).isDirectory()) walk(full);
      else if (name.endsWith(".json")) found.push(full);
    }
  };
  walk(from);
  if (found.length === 0) throw new InputError(`${from}: the folder holds no .json file`);
  return found;
}

/**
 * Where JSON text stops being JSON (0-based offset): Node's `JSON.parse` names no
 * position for most errors, so the text is scanned once more by RFC 8259's grammar.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text[i])) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail();
  };
  const string = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) fail();
      if (text[i] === "\\") {
        i++;
        if (text[i] === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? "")) fail();
      }
      i++;
    }
    if (i >= text.length) fail();
    i++;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === "{" || c === "[") {
      const close = c === "{" ? "}" : "]";
      i++;
      ws();
      if (text[i] === close) {
        i++;
        return;
      }
      for (;;) {
        if (c === "{") {
          ws();
          if (text[i] !== '"') fail();
          string();
          ws();
          if (text[i] !== ":") fail();
          i++;
        }
        value();
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === close) {
          i++;
          return;
        } else fail();
      }
    }
    if (c === '"') return string();
    if (c === "t") return literal("true");
    if (c === "f") return literal("false");
    if (c === "n") return literal("null");
    const number = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i));
    if (!number) fail();
    i += (number as RegExpExecArray)[0].length;
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
  } catch (offset) {
    if (typeof offset === "number") return offset;
    throw offset;
  }
  return text.length;
}

/** JSON text → value; a syntax error names the file and line:column. */
export function readJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const { line, column } = positionOf(text, jsonErrorOffset(text));
    const found = text[jsonErrorOffset(text)];
    throw new InputError(`${file}:${line}:${column}: not valid JSON (${found === undefined ? "unexpected end" : `unexpected ${JSON.stringify(found)}`})`);
  }
}

/** Reads the sources; names are shown relative to `--from` (a folder) or as the file's base name. */
export function readSources(from: string): SourceFile[] {
  const base = fs.statSync(from).isDirectory() ? from : path.dirname(from);
  return jsonFiles(from).map((file) => {
    const label = path.relative(base, file).split(path.sep).join("/");
    return { file: label, value: readJson(shown(file), fs.readFileSync(file, "utf8")) };
  });
}

export function renderImportReport(result: ImportResult, out: string): string {
  const count = (kind: string) => result.entries.filter((e) => e.kind === kind).length;
  const lines = [
    `imported ${count("rawAlerts") + count("alerts")} monitors (${count("alerts")} as signal alerts), ${count("slos")} SLOs and ${count("endpoints")} API tests into ${out} (${result.services.size} service${result.services.size === 1 ? "" : "s"})`,
  ];
  if (result.unsupported.length > 0) {
    lines.push("", `not imported (${result.unsupported.length}):`);
    for (const u of result.unsupported) lines.push(`  ${u.file}${u.id ? ` [${u.id}]` : ""}  ${u.what}  ${u.why}`);
  }
  if (result.notes.length > 0) {
    lines.push("", `not represented (${result.notes.length}):`);
    for (const n of result.notes) lines.push(`  ${n.file}${n.id ? ` [${n.id}]` : ""}  ${n.field}  ${n.why}`);
  }
  lines.push("", `every service's runbook is a placeholder (https://runbooks.invalid/…): set the real one before the first up`);
  return `${lines.join("\n")}\n`;
}

function writeAtomically(file: string, text: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    fs.writeFileSync(temp, text);
    fs.renameSync(temp, file);
  } catch {
    fs.rmSync(temp, { force: true });
    throw new InputError(`cannot write ${file}`);
  }
}

export async function importCommand(source: string, flags: ImportFlags, write: (text: string) => void): Promise<number> {
  if (source !== "datadog") throw new InputError(`unknown import source "${source}"; expected datadog`);
  const environment = flags.stack ?? "prod";
  const imported = importDatadog(readSources(flags.from), environment);
  if ("unrecognized" in imported) {
    throw new InputError(`${imported.unrecognized}: not a Datadog monitor, SLO or synthetics test (nor a list or datadog-sync-cli file of them)`);
  }
  const out = shown(path.resolve(flags.out));
  const text = importedCatalogText(imported, environment, shown(path.resolve(flags.from)));
  try {
    parseCatalog([{ file: out, text }]);
  } catch (error) {
    // Lookout wrote something its own catalog rejects: a bug, not the user's input.
    if (error instanceof CatalogError) throw new Error(`the imported catalog does not validate:\n${error.message}`);
    throw error;
  }
  let importFile: PulumiImportFile | undefined;
  if (flags.pulumiImport !== undefined) {
    // Plan before writing anything: a failing plan leaves no file behind.
    const temp = `${path.resolve(flags.out)}.${process.pid}.plan.yaml`;
    try {
      fs.mkdirSync(path.dirname(temp), { recursive: true });
      fs.writeFileSync(temp, text);
    } catch {
      throw new InputError(`cannot write next to ${flags.out}`);
    }
    try {
      const root = findProjectRoot(process.cwd());
      const settings = readStackSettings(root, environment, { "lookout:catalog": temp });
      const run = await runProgram(settings);
      importFile = pulumiImportFile(imported.entries, run.resources);
    } finally {
      fs.rmSync(temp, { force: true });
    }
  }
  writeAtomically(flags.out, text);
  if (importFile && flags.pulumiImport !== undefined) {
    writeAtomically(flags.pulumiImport, `${JSON.stringify(importFile, null, 2)}\n`);
  }
  write(renderImportReport(imported, out));
  if (importFile && flags.pulumiImport !== undefined) {
    const adopted = importFile.resources.filter((r) => r.id !== undefined).length;
    write(`wrote ${shown(path.resolve(flags.pulumiImport))}: ${adopted} resources to adopt with pulumi import --file (entries without a Datadog ID are created)\n`);
  }
  return EXIT.ok;
}
