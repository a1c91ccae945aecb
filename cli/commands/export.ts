/**
 * `lookout export datadog --stack NAME --out DIR [--catalog FILE]`: the stack's planned
 * Datadog monitors as the API's monitor JSON (keys sorted), one file per monitor named by
 * its resource name: what `lookout import datadog` reads back, and what the round-trip
 * test compares with its sources.
 */
import * as fs from "fs";
import * as path from "path";
import { DATADOG_TYPE } from "../../catalog/names";
import { EXIT } from "./exitCodes";
import { InputError } from "../errors";
import { runProgram } from "../engine/program";
import { findProjectRoot, readStackSettings } from "../engine/stackConfig";
import { monitorApiJson } from "../reports/exportDatadog";

export interface ExportFlags {
  stack: string;
  out: string;
  catalog?: string;
}

export async function exportCommand(target: string, flags: ExportFlags, write: (text: string) => void): Promise<number> {
  if (target !== "datadog") throw new InputError(`unknown export target "${target}"; expected datadog`);
  const root = findProjectRoot(process.cwd());
  const settings = readStackSettings(root, flags.stack, flags.catalog === undefined ? {} : { "lookout:catalog": path.resolve(flags.catalog) });
  const run = await runProgram(settings);
  const monitors = run.resources.filter((r) => r.type === DATADOG_TYPE.monitor);
  try {
    fs.mkdirSync(flags.out, { recursive: true });
  } catch {
    throw new InputError(`cannot create the folder ${flags.out}`);
  }
  for (const monitor of monitors) {
    fs.writeFileSync(path.join(flags.out, `${monitor.name}.json`), `${JSON.stringify(monitorApiJson(monitor.inputs), null, 2)}\n`);
  }
  write(`wrote ${monitors.length} monitor${monitors.length === 1 ? "" : "s"} of stack ${flags.stack} to ${flags.out}\n`);
  return EXIT.ok;
}
