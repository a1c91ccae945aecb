/**
 * The build's staleness rule (bin/build.js): `lookout` runs the build only while every
 * source file is exactly as the build read it; any edit, new or deleted file, even one
 * that keeps the size and the time, makes it stale; a copy with the same content stays fresh. (`npm ci` builds: PF-FAST-FL-1.)
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const { isFresh, sourceState } = require("../bin/build.js") as { isFresh(root: string): boolean; sourceState(root: string): string };

let root: string;
const file = (rel: string) => path.join(root, rel);
const stampBuild = () => {
  fs.mkdirSync(file("dist"), { recursive: true });
  fs.writeFileSync(file("dist/.sources"), sourceState(root));
};

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "lookout-build-"));
  for (const rel of ["cli/main.ts", "infra/index.ts", "policies/index.ts", "policies/PulumiPolicy.yaml", "tsconfig.json", "tsconfig.build.json"]) {
    fs.mkdirSync(path.dirname(file(rel)), { recursive: true });
    fs.writeFileSync(file(rel), `// ${rel}\n`);
  }
  stampBuild();
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe("a build's freshness", () => {
  it("is fresh as built, and stale without a record of what it read", () => {
    expect(isFresh(root)).toBe(true);
    fs.rmSync(file("dist/.sources"));
    expect(isFresh(root)).toBe(false);
  });

  it.each([
    ["an edit of the same size", () => fs.writeFileSync(file("cli/main.ts"), "// cli/main.tX\n")],
    ["an edit that keeps the size and the time", () => {
      const { atime, mtime } = fs.statSync(file("infra/index.ts"));
      fs.writeFileSync(file("infra/index.ts"), "// infra/indeX.ts\n");
      fs.utimesSync(file("infra/index.ts"), atime, mtime);
    }],
    ["a new source file", () => fs.writeFileSync(file("infra/new.ts"), "export {};\n")],
    ["a deleted source file", () => fs.rmSync(file("policies/index.ts"))],
    ["the pack's project file", () => fs.appendFileSync(file("policies/PulumiPolicy.yaml"), "description: x\n")],
    ["the build's compiler options", () => fs.appendFileSync(file("tsconfig.build.json"), "\n")],
  ])("is stale after %s", (_, change) => {
    change();
    expect(isFresh(root)).toBe(false);
  });

  it("stays fresh when only times change (a copy, a checkout of the same content)", () => {
    fs.utimesSync(file("cli/main.ts"), new Date(2000, 0, 1), new Date(2000, 0, 1));
    expect(isFresh(root)).toBe(true);
  });

  it("ignores what is not a source: installed packages, the build itself", () => {
    fs.mkdirSync(file("policies/node_modules/x"), { recursive: true });
    fs.writeFileSync(file("policies/node_modules/x/index.js"), "");
    fs.writeFileSync(file("dist/extra.js"), "");
    expect(isFresh(root)).toBe(true);
  });
});
