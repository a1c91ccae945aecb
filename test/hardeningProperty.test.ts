/**
 * Property-based tests of the loader and the plan (issue 14): random mutations of the
 * shipped catalogs and random well-formed catalogs never crash, never hang and never
 * print a stack trace; every refusal names a file:line:column; every plan that succeeds
 * has unique URNs. A fixed seed keeps `npm test` repeatable and short;
 * `LOOKOUT_FUZZ_RUNS=N` runs N cases per property instead (and a fresh seed with
 * `LOOKOUT_FUZZ_SEED`).
 */
import fc from "fast-check";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { InputError } from "../cli/errors";
import { computePlan } from "../cli/engine/plan";
import { CatalogError } from "../catalog/errors";
import { parseCatalog, parseLayeredCatalog } from "../catalog/load";
import { prodCatalogText } from "./support/stackText";

const ROOT = path.resolve(__dirname, "..");
const RUNS = process.env.LOOKOUT_FUZZ_RUNS ? Number(process.env.LOOKOUT_FUZZ_RUNS) : undefined;
const SEED = process.env.LOOKOUT_FUZZ_SEED ? Number(process.env.LOOKOUT_FUZZ_SEED) : 14;
/** Cases per property: `npm test`'s default, or LOOKOUT_FUZZ_RUNS. */
const runs = (fallback: number): fc.Parameters<unknown> => ({ seed: SEED, numRuns: RUNS ?? fallback, endOnFailure: true });

const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");
const CATALOGS = {
  minimal: read("test/fixtures/catalogs/minimal.yaml"),
  alerts: read("test/fixtures/catalogs/alerts.yaml"),
  prod: prodCatalogText(ROOT),
  staging: read("stacks/staging.yaml"),
};
/** The layers a mutated catalog is loaded on: staging's overlay goes over the shipped base. */
const BASES: Partial<Record<keyof typeof CATALOGS, string>> = { staging: "stacks/base.yaml" };
const STACK_TRACE = /\n\s+at |\.ts:\d+:\d+\)/;
const POSITION = /^ {2}\S+:\d+:\d+ {2}/;

/** Values that have broken YAML loaders: odd numbers, types, unicode, aliases, anchors, long text. */
const ODD_VALUES = [
  "-1", "0", "1e309", "-0", ".nan", ".inf", "0x1F", "1_000", "99.99999999999999999%", "101%", "-5m", "0s", "9999999w",
  "~", "null", "[]", "{}", "[[[[[[]]]]]]", "true", "''", '""', "'\u202e\u0000'", "\"\\ud800\"", "ü𝟘\u200b", "日本語",
  "*nope", "&anchor", "!!binary aGk=", "!!js/function 'x'", "<<: *fast", "a".repeat(5000), "\t", "%YAML 1.1", "---", "...",
  "{a: [1, {b: *fast}]}", "https://", "P9", "critical", "$.status ==", "{{ X }}",
];

type Mutation =
  | { kind: "delete" | "duplicate" | "truncate" | "indent" | "dedent"; line: number }
  | { kind: "swap"; line: number; other: number }
  | { kind: "value" | "retype-list" | "retype-map" | "insert-key"; line: number; value: string }
  | { kind: "char"; line: number; at: number; char: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constantFrom("delete", "duplicate", "truncate", "indent", "dedent"), line: fc.nat() }),
  fc.record({ kind: fc.constant("swap"), line: fc.nat(), other: fc.nat() }),
  fc.record({ kind: fc.constantFrom("value", "retype-list", "retype-map", "insert-key"), line: fc.nat(), value: fc.constantFrom(...ODD_VALUES) }),
  fc.record({ kind: fc.constant("char"), line: fc.nat(), at: fc.nat(), char: fc.oneof(fc.constantFrom(":", "-", "#", "&", "*", "!", "|", ">", "'", '"', "{", "[", "\t", "%", "@", "`"), fc.string({ unit: "grapheme", minLength: 1, maxLength: 2 })) }),
) as fc.Arbitrary<Mutation>;

const KEY_VALUE = /^(\s*(?:- )?[\w.$<-]+:)(\s.*)?$/;

/** The text with one mutation applied, line-based as an editor (or a bad merge) would. */
export function mutate(text: string, m: Mutation): string {
  const lines = text.split("\n");
  const i = m.line % lines.length;
  const line = lines[i];
  switch (m.kind) {
    case "delete":
      lines.splice(i, 1);
      break;
    case "duplicate":
      lines.splice(i, 0, line);
      break;
    case "truncate":
      return lines.slice(0, i).join("\n");
    case "indent":
      lines[i] = `  ${line}`;
      break;
    case "dedent":
      lines[i] = line.replace(/^ {1,2}/, "");
      break;
    case "swap": {
      const j = m.other % lines.length;
      const [a, b] = [KEY_VALUE.exec(line), KEY_VALUE.exec(lines[j])];
      if (a && b) [lines[i], lines[j]] = [`${a[1]}${b[2] ?? ""}`, `${b[1]}${a[2] ?? ""}`];
      else [lines[i], lines[j]] = [lines[j], line];
      break;
    }
    case "value":
    case "retype-list":
    case "retype-map": {
      const kv = KEY_VALUE.exec(line);
      const value = m.kind === "value" ? m.value : m.kind === "retype-list" ? `[${kv?.[2]?.trim() || m.value}]` : `{ x: ${kv?.[2]?.trim() || m.value} }`;
      lines[i] = kv ? `${kv[1]} ${value}` : `${line} ${value}`;
      break;
    }
    case "insert-key": {
      const indent = /^\s*(- )?/.exec(line)?.[0].replace("-", " ") ?? "";
      lines.splice(i + 1, 0, `${indent}extra: ${m.value}`);
      break;
    }
    case "char": {
      const at = m.at % (line.length + 1);
      lines[i] = `${line.slice(0, at)}${m.char}${line.slice(at)}`;
      break;
    }
  }
  return lines.join("\n");
}

/** Loads a catalog text; a refusal must be a CatalogError, every issue positioned, no stack trace. */
function checkLoad(file: string, text: string, base?: string): "loaded" | "refused" {
  const files = base ? [base, file] : [file];
  try {
    if (base) parseLayeredCatalog([{ file: base, text: read(base) }, { file, text }]);
    else parseCatalog([{ file, text }]);
    return "loaded";
  } catch (error) {
    if (!(error instanceof CatalogError)) throw new Error(`not a CatalogError: ${error instanceof Error ? error.stack : String(error)}`);
    expect(error.issues.length).toBeGreaterThan(0);
    for (const issue of error.issues) {
      expect(files).toContain(issue.file);
      expect(issue.line).toBeGreaterThanOrEqual(1);
      expect(issue.column).toBeGreaterThanOrEqual(1);
    }
    for (const line of error.message.split("\n").slice(1)) expect(line).toMatch(POSITION);
    expect(error.message).not.toMatch(STACK_TRACE);
    return "refused";
  }
}

describe("the loader, on random mutations of the shipped catalogs", () => {
  it.each<[keyof typeof CATALOGS, number]>([
    ["minimal", 150],
    ["alerts", 60],
    ["staging", 12],
    ["prod", 12],
  ])("%s.yaml: loads or refuses with positions, never crashes", (name, fallback) => {
    const outcomes = { loaded: 0, refused: 0 };
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
        const text = mutations.reduce(mutate, CATALOGS[name]);
        outcomes[checkLoad(`stacks/${name}.yaml`, text, BASES[name])]++;
      }),
      runs(fallback),
    );
    // The mutations reach both sides: some keep the catalog valid, most break it.
    expect(outcomes.refused).toBeGreaterThan(0);
  }, 120_000);
});

/** A kebab-case name, as the catalog's keys are. */
const NAME = fc.stringMatching(/^[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,4})?$/);
const SEVERITY = fc.constantFrom("P0", "P1", "P2", "P3");

const endpoint = fc.record({
  name: NAME,
  url: NAME.map((n) => `https://${n}.example.com/`),
  interval: fc.constantFrom("1m", "2m", "5m", "15m"),
  severity: SEVERITY,
  expect: fc.record({ status: fc.constantFrom(200, 201, 204, 301, 405) }),
});
const alert = fc.oneof(
  fc.record({ name: NAME, signal: fc.constant("http.error-rate"), critical: fc.constantFrom("1%", "2%", "5%"), severity: SEVERITY }),
  fc.record({ name: NAME, signal: fc.constant("http.latency"), percentile: fc.constantFrom("p95", "p99"), critical: fc.constantFrom("1s", "2s", "500ms"), severity: SEVERITY }),
);
const service = fc.record({
  name: NAME,
  product: fc.constant("shop"),
  team: fc.constant("storefront"),
  tier: fc.integer({ min: 0, max: 3 }),
  description: fc.string({ minLength: 1, maxLength: 30 }).filter((s) => s.trim() !== ""),
  runbook: NAME.map((n) => `https://runbooks.example.com/${n}`),
  endpoints: fc.array(endpoint, { maxLength: 3 }),
  alerts: fc.array(alert, { maxLength: 3 }),
});

/** minimal.yaml's products, teams and routing with generated services. */
const wellFormed = fc.array(service, { minLength: 1, maxLength: 4 }).map((services) => {
  const base = parse(CATALOGS.minimal, { merge: true }) as Record<string, unknown>;
  delete base["x-checks"];
  return stringify({ ...base, services });
});

describe("the loader, on random well-formed catalogs", () => {
  it("loads them, or refuses them (duplicate names) with positions", () => {
    let loaded = 0;
    fc.assert(
      fc.property(wellFormed, (text) => {
        if (checkLoad("stacks/gen.yaml", text) === "loaded") loaded++;
      }),
      runs(60),
    );
    expect(loaded).toBeGreaterThan(0);
  }, 120_000);
});

describe("the plan, on random catalogs", () => {
  // The engine requires the program (infra/) as `lookout plan` does, through tsx (whose
  // exports map the project's node resolution does not read, hence require).
  const { register } = require("tsx/cjs/api") as { register: () => () => void };
  const unregister = register();
  afterAll(() => unregister());
  let dir = "";
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "lookout-fuzz-"));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  let planned = 0;

  /** Plans a catalog text in this process (the program under mocks; the pack has its own tests). */
  async function checkPlan(text: string): Promise<void> {
    const file = path.join(dir, `catalog-${++n}.yaml`);
    fs.writeFileSync(file, text);
    try {
      const plan = await computePlan({ projectRoot: ROOT, stack: "prod", catalog: file, withoutDefaultPack: true, shards: 1 });
      const urns = plan.resources.map((r) => r.urn);
      expect(new Set(urns).size).toBe(urns.length);
      expect(urns.length).toBeGreaterThan(0);
      planned++;
    } catch (error) {
      if (!(error instanceof InputError)) throw new Error(`internal error: ${error instanceof Error ? error.stack : String(error)}`);
      expect(error.message).toMatch(/:\d+:\d+ /);
      expect(error.message).not.toMatch(STACK_TRACE);
    }
  }

  it("plans well-formed and mutated catalogs with unique URNs, or refuses them as bad input", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          wellFormed,
          fc.array(mutation, { minLength: 1, maxLength: 2 }).map((ms) => ms.reduce(mutate, CATALOGS.minimal)),
        ),
        checkPlan,
      ),
      runs(10),
    );
    expect(planned).toBeGreaterThan(0);
  }, 180_000);
});
