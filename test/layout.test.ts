import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The architecture as import rules: who may import whom, no cycles, no oversized files.
 * Every folder name lives in this one table, as a literal path string.
 */
const LAYOUT = {
  /** The source folders whose files are checked (tests and bench are not). */
  sources: ["queries/", "json/", "catalog/", "infra/", "dashboards/", "policies/", "cli/"],
  queries: "queries/",
  json: "json/",
  catalog: "catalog/",
  infra: "infra/",
  dashboards: "dashboards/",
  policies: "policies/",
  cli: "cli/",
  reports: "cli/reports/",
  /** The one catalog module the policy pack may read: the signal conventions. */
  packSignals: "catalog/signals.ts",
  /** The credentials list, the one non-catalog `infra/` module reports may read. */
  credentials: "infra/stack/credentials.ts",
  maxLines: 420,
  /** Files allowed over `maxLines` for now (being split); remove each when it is. */
  oversized: [],
} as const;

const ROOT = resolve(__dirname, "..");

function sourceFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(ROOT, dir))) {
      const path = `${dir}${entry}`;
      if (statSync(join(ROOT, path)).isDirectory()) walk(`${path}/`);
      else if (path.endsWith(".ts")) files.push(path);
    }
  };
  for (const dir of LAYOUT.sources) if (existsSync(join(ROOT, dir))) walk(dir);
  return files.sort();
}

const IMPORT = /(?:^|[\s;])(?:import|export)\s[^;]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|^import\s*["']([^"']+)["']/gm;

/** The project files a source file imports (relative specifiers, resolved like TypeScript does). */
function importsOf(file: string, known: ReadonlySet<string>): string[] {
  const text = readFileSync(join(ROOT, file), "utf8").replace(/\/\*[\s\S]*?\*\//g, "");
  const found = new Set<string>();
  for (const match of text.matchAll(IMPORT)) {
    const spec = match[1] ?? match[2] ?? match[3];
    if (spec === undefined || !spec.startsWith(".")) continue;
    const base = relative(ROOT, resolve(ROOT, dirname(file), spec)).split("\\").join("/");
    const target = [base, `${base}.ts`, `${base}/index.ts`, base.replace(/\.js$/, ".ts")].find((candidate) => known.has(candidate));
    if (target === undefined) throw new Error(`${file}: cannot resolve import "${spec}"`);
    found.add(target);
  }
  return [...found].sort();
}

const files = sourceFiles();
const known = new Set(files);
const graph = new Map(files.map((file) => [file, importsOf(file, known)]));
const under = (file: string, folder: string): boolean => file.startsWith(folder);

/** Every edge from a file under `from` to a file that `allowed` rejects. */
function violations(from: (file: string) => boolean, allowed: (target: string, file: string) => boolean): string[] {
  return [...graph].filter(([file]) => from(file)).flatMap(([file, targets]) => targets.filter((target) => !allowed(target, file)).map((target) => `${file} -> ${target}`));
}

/** The import cycles, each as its path of files (one per strongly connected set, via Tarjan). */
function cycles(): string[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[] = [];
  let next = 0;
  const visit = (file: string): void => {
    index.set(file, next);
    low.set(file, next);
    next += 1;
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) low.set(file, Math.min(low.get(file)!, index.get(target)!));
    }
    if (low.get(file) === index.get(file)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== file);
      const selfLoop = (graph.get(file) ?? []).includes(file);
      if (component.length > 1 || selfLoop) found.push(component.sort().join(" <-> "));
    }
  };
  for (const file of files) if (!index.has(file)) visit(file);
  return found;
}

describe("layout", () => {
  it("finds the source files and their imports", () => {
    expect(files.length).toBeGreaterThan(50);
    expect(graph.get(`${LAYOUT.catalog}load.ts`)?.length ?? 0).toBeGreaterThan(0);
  });

  it("has no import cycle anywhere", () => {
    expect(cycles()).toEqual([]);
  });

  it("keeps the query model and the JSON helpers free of imports of ours", () => {
    const own = (folder: string) => (target: string) => under(target, folder);
    expect(violations((file) => under(file, LAYOUT.queries), own(LAYOUT.queries))).toEqual([]);
    expect(violations((file) => under(file, LAYOUT.json), own(LAYOUT.json))).toEqual([]);
  });

  it("lets the catalog import only itself, the query model and the JSON helpers", () => {
    const allowed = (target: string) => [LAYOUT.catalog, LAYOUT.queries, LAYOUT.json].some((folder) => under(target, folder));
    expect(violations((file) => under(file, LAYOUT.catalog), allowed)).toEqual([]);
  });

  it("keeps dashboards off infra components (the catalog is fine)", () => {
    const allowed = (target: string) => !under(target, LAYOUT.infra) || under(target, LAYOUT.catalog);
    expect(violations((file) => under(file, LAYOUT.dashboards), allowed)).toEqual([]);
  });

  it("lets the policy pack import only itself, the query model, the JSON helpers and the signal conventions", () => {
    const allowed = (target: string) => [LAYOUT.policies, LAYOUT.queries, LAYOUT.json].some((folder) => under(target, folder)) || target === LAYOUT.packSignals;
    expect(violations((file) => under(file, LAYOUT.policies), allowed)).toEqual([]);
  });

  it("keeps reports off infra components (the catalog and the credentials list are fine)", () => {
    const allowed = (target: string) => !under(target, LAYOUT.infra) || under(target, LAYOUT.catalog) || target === LAYOUT.credentials;
    expect(violations((file) => under(file, LAYOUT.reports), allowed)).toEqual([]);
  });

  it("lets nothing outside the CLI import the CLI", () => {
    expect(violations((file) => !under(file, LAYOUT.cli), (target) => !under(target, LAYOUT.cli))).toEqual([]);
  });

  it(`keeps every source file within ${LAYOUT.maxLines} lines, but the listed exceptions`, () => {
    const long = files.filter((file) => readFileSync(join(ROOT, file), "utf8").split("\n").length > LAYOUT.maxLines);
    expect(long.filter((file) => !(LAYOUT.oversized as readonly string[]).includes(file))).toEqual([]);
  });

  it("detects a cycle and a forbidden edge when one is there", () => {
    graph.set("queries/__probe_a.ts", ["queries/__probe_b.ts"]);
    graph.set("queries/__probe_b.ts", ["queries/__probe_a.ts", "cli/main.ts"]);
    files.push("queries/__probe_a.ts", "queries/__probe_b.ts");
    try {
      expect(cycles()).toContain("queries/__probe_a.ts <-> queries/__probe_b.ts");
      expect(violations((file) => under(file, LAYOUT.queries), (target) => under(target, LAYOUT.queries))).toContain("queries/__probe_b.ts -> cli/main.ts");
    } finally {
      graph.delete("queries/__probe_a.ts");
      graph.delete("queries/__probe_b.ts");
      files.splice(files.indexOf("queries/__probe_a.ts"), 2);
    }
  });
});
