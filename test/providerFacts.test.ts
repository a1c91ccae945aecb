/**
 * docs/provider-facts.md is where every vendor rule the code relies on is stated with its
 * source. A fact ID cited in code, tests, catalogs or the policy pack must name a row of
 * that table, and every row must be cited somewhere: a dangling ID is a claim nobody can
 * check, an uncited row is a fact the code no longer relies on.
 */
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..");
const FACTS = path.join(ROOT, "docs", "provider-facts.md");
const ID = /\bPF-[A-Z]+(?:-[A-Z]+)*-\d+\b/g;
const SCANNED = ["catalog", "infra", "policies", "cli", "queries", "json", "dashboards", "bench", "test", "stacks", "README.md"];

function filesUnder(entry: string): string[] {
  const full = path.join(ROOT, entry);
  if (!fs.existsSync(full)) return [];
  if (fs.statSync(full).isFile()) return [full];
  return fs.readdirSync(full, { withFileTypes: true }).flatMap((d) => {
    if (d.name === "node_modules" || d.name.startsWith(".")) return [];
    const child = path.join(entry, d.name);
    return d.isDirectory() ? filesUnder(child) : /\.(ts|ya?ml|md|json)$/.test(d.name) ? [path.join(ROOT, child)] : [];
  });
}

/** The IDs the table defines: the first cell of each row. */
function definedFacts(): string[] {
  return fs
    .readFileSync(FACTS, "utf8")
    .split("\n")
    .flatMap((line) => /^\|\s*(PF-[A-Z-]+\d+)\s*\|/.exec(line)?.[1] ?? []);
}

describe("docs/provider-facts.md", () => {
  const defined = definedFacts();
  const cited = new Map<string, string>();
  for (const file of SCANNED.flatMap(filesUnder)) {
    if (file === path.join(ROOT, "test", "providerFacts.test.ts")) continue;
    for (const m of fs.readFileSync(file, "utf8").matchAll(ID)) if (!cited.has(m[0])) cited.set(m[0], path.relative(ROOT, file));
  }

  it("defines each fact once", () => {
    const seen = new Set<string>();
    const twice = defined.filter((id) => (seen.has(id) ? true : (seen.add(id), false)));
    expect(twice).toEqual([]);
    expect(defined.length).toBeGreaterThan(20);
  });

  it("defines every fact the code, tests, catalogs and README cite", () => {
    const dangling = [...cited].filter(([id]) => !defined.includes(id)).map(([id, file]) => `${id} (cited in ${file})`);
    expect(dangling).toEqual([]);
  });

  it("lists every unverified fact in the README's \"What could not be verified\", and only those", () => {
    const unverified = fs
      .readFileSync(FACTS, "utf8")
      .split("\n")
      .flatMap((line) => (/unverified/i.test(line) ? (/^\|\s*(PF-[A-Z-]+\d+)\s*\|/.exec(line)?.[1] ?? []) : []));
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const section = /### What could not be verified\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? "";
    const listed = [...section.matchAll(/^- \*\*(PF-[A-Z-]+\d+)\*\*/gm)].map((m) => m[1]);
    expect(unverified.length).toBeGreaterThan(0);
    expect(listed).toEqual(unverified);
  });

  it("has no fact that nothing cites", () => {
    expect(defined.filter((id) => !cited.has(id))).toEqual([]);
  });
});
