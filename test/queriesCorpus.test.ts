/**
 * The query model against Datadog's own recommended monitors
 * (../shared/corpora/datadog-monitors/): every query either writes back byte for byte or
 * is a clear "unsupported: …", never a crash or a silent mismatch.
 */
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { format, parseMonitor, QueryUnsupportedError } from "../queries";
import { ROOT } from "./support/plans";

const CORPUS = path.resolve(ROOT, "..", "shared", "corpora", "datadog-monitors", "integrations-core");

interface CorpusMonitor {
  /** `<integration>/<file>.json`. */
  readonly file: string;
  readonly type: string;
  readonly query: string;
}

/** The corpus README's two formats: a wrapper with `definition`, or the bare monitor object. */
function readCorpus(): CorpusMonitor[] {
  const monitors: CorpusMonitor[] = [];
  for (const integration of fs.readdirSync(CORPUS).sort()) {
    for (const name of fs.readdirSync(path.join(CORPUS, integration)).sort()) {
      if (!name.endsWith(".json")) continue;
      const document = JSON.parse(fs.readFileSync(path.join(CORPUS, integration, name), "utf8")) as {
        definition?: { type: string; query: string };
        type?: string;
        query?: string;
      };
      const definition = document.definition ?? document;
      if (typeof definition.type !== "string" || typeof definition.query !== "string") throw new Error(`${integration}/${name}: no type and query`);
      monitors.push({ file: `${integration}/${name}`, type: definition.type, query: definition.query });
    }
  }
  return monitors;
}

/** The unsupported monitors of the corpus and why; the README lists the same. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  "apache/high_keep_alive_and_cpu.json": "unsupported: a unary `+`",
  "aws_neuron/execution_errors.json": "unsupported: a metric query without its evaluation",
  "cisco_aci/interface_down.json": "unsupported: `default_zero:` as a space aggregator",
  "postgres/percent_usage_connections.json": "unsupported: a group-by after the threshold",
  "snmp/traps_linkDown.json": "unsupported: formula() over the monitor's named queries",
};

/** The measured share of the corpus the model reads and writes back exactly. */
const SUPPORTED_FLOOR = 0.96;

describe("queries: Datadog's recommended monitors", () => {
  const monitors = readCorpus();

  it("reads the whole corpus", () => {
    expect(monitors.length).toBe(147);
  });

  it("writes back every supported query byte for byte, and names what the rest use", () => {
    const unsupported: Record<string, string> = {};
    for (const monitor of monitors) {
      let written: string | undefined;
      try {
        written = format(parseMonitor(monitor.type, monitor.query));
      } catch (error) {
        if (!(error instanceof QueryUnsupportedError)) throw new Error(`${monitor.file}: ${(error as Error).message}\n  ${monitor.query}`);
        unsupported[monitor.file] = error.reason;
        continue;
      }
      expect(written, monitor.file).toBe(monitor.query);
    }
    expect(Object.keys(unsupported).sort()).toEqual(Object.keys(UNSUPPORTED).sort());
    for (const [file, reason] of Object.entries(UNSUPPORTED)) expect(unsupported[file].startsWith(reason), file).toBe(true);
    expect((monitors.length - Object.keys(unsupported).length) / monitors.length).toBeGreaterThanOrEqual(SUPPORTED_FLOOR);
  });

  it("lists the unsupported ones in the README", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    for (const file of Object.keys(UNSUPPORTED)) expect(readme, file).toContain(`\`${file}\``);
  });
});
