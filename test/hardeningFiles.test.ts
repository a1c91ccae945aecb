/**
 * Files that are not catalogs (issue 14, item 5): devices, FIFOs, folders, dangling links,
 * link loops, links out of the project, oversized files, names the loader does not take.
 * Each is refused with its path at 1:1 and a reason, quickly, and never read without bound.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import { CatalogError } from "../catalog/errors";
import { MAX_CATALOG_BYTES, MAX_CATALOG_FILE_BYTES, readConfigFile } from "../catalog/files";
import { loadCatalog } from "../catalog/load";

const MINIMAL = fs.readFileSync(path.join(__dirname, "fixtures", "catalogs", "minimal.yaml"), "utf8");
const project = fs.mkdtempSync(path.join(os.tmpdir(), "lookout-files-"));
afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

let folders = 0;
/** A fresh catalog folder in the project holding a valid catalog file and `entries`. */
function catalogFolder(entries: (dir: string) => void): string {
  const dir = path.join(project, `catalog-${++folders}`);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, "a.yaml"), MINIMAL);
  entries(dir);
  return dir;
}

/** The loader's issues for a path, as `file:line:column  message` (file relative to the project). */
function refusals(catalog: string, allowOutsideProject = false): string[] {
  try {
    loadCatalog(catalog, { projectRoot: project, allowOutsideProject });
  } catch (error) {
    if (!(error instanceof CatalogError)) throw error;
    return error.issues.map((i) => `${path.relative(project, i.file)}:${i.line}:${i.column}  ${i.message}`);
  }
  return [];
}

/** A FIFO (Node's fs cannot make one; mkfifo(1) can). */
function fifo(file: string): void {
  if (spawnSync("mkfifo", [file]).status !== 0) throw new Error("mkfifo failed");
}

/** A sparse file of `bytes` (zeros): big on stat, instant to make. */
function sparse(file: string, bytes: number): void {
  fs.closeSync(fs.openSync(file, "w"));
  fs.truncateSync(file, bytes);
}

describe("a catalog folder's entries", () => {
  it.each<[string, (dir: string) => void, string]>([
    ["a symlink to /dev/zero", (d) => fs.symlinkSync("/dev/zero", path.join(d, "z.yaml")), "z.yaml:1:1  a character device, not a regular file"],
    ["a symlink to a file outside the project", (d) => fs.symlinkSync("/etc/passwd", path.join(d, "p.yaml")), "p.yaml:1:1  a symlink to /etc/passwd, outside the project"],
    ["a FIFO", (d) => fifo(path.join(d, "f.yaml")), "f.yaml:1:1  a FIFO (named pipe), not a regular file"],
    ["a symlink to a folder", (d) => fs.symlinkSync(d, path.join(d, "self.yaml")), "self.yaml:1:1  a folder, not a regular file"],
    ["a folder named like a catalog file", (d) => fs.mkdirSync(path.join(d, "sub.yml")), "sub.yml:1:1  a folder, not a regular file"],
    ["a symlink loop", (d) => fs.symlinkSync("loop.yaml", path.join(d, "loop.yaml")), "loop.yaml:1:1  a symlink loop"],
    ["a dangling symlink", (d) => fs.symlinkSync("gone.yaml", path.join(d, "b.yaml")), "b.yaml:1:1  a dangling symlink (its target does not exist)"],
    ["an upper-case extension", (d) => fs.writeFileSync(path.join(d, "b.YAML"), MINIMAL), "b.YAML:1:1  not a catalog file: a catalog folder holds only .yaml and .yml files"],
    ["any other file", (d) => fs.writeFileSync(path.join(d, "README.md"), "# catalog\n"), "README.md:1:1  not a catalog file"],
    ["a file over the per-file cap", (d) => sparse(path.join(d, "big.yaml"), MAX_CATALOG_FILE_BYTES + 1), "big.yaml:1:1  4 MiB, over the per-file limit of 4 MiB"],
  ])("refuses %s, naming it", (_what, add, expected) => {
    const dir = catalogFolder(add);
    const started = Date.now();
    const found = refusals(dir);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(found).toHaveLength(1);
    expect(`${found[0]}`).toContain(`${path.basename(dir)}/${expected}`);
  });

  it("never echoes what a link out of the project holds", () => {
    const dir = catalogFolder((d) => fs.symlinkSync("/etc/passwd", path.join(d, "p.yaml")));
    expect(refusals(dir).join("\n")).not.toMatch(/root:/);
  });

  it("ignores names starting with a dot: editor locks (a dangling link) and .gitkeep", () => {
    const dir = catalogFolder((d) => {
      fs.symlinkSync("user@host.1234:1700000000", path.join(d, ".#a.yaml"));
      fs.writeFileSync(path.join(d, ".gitkeep"), "");
    });
    expect(refusals(dir)).toEqual([]);
  });

  it("follows a symlink that stays in the project", () => {
    const elsewhere = path.join(project, "shared.yaml");
    fs.writeFileSync(elsewhere, MINIMAL);
    const dir = path.join(project, `catalog-${++folders}`);
    fs.mkdirSync(dir);
    fs.symlinkSync(elsewhere, path.join(dir, "b.yaml"));
    expect(loadCatalog(dir, { projectRoot: project }).services.length).toBeGreaterThan(0);
  });

  it("follows a link out of the project when allowed, and still reads only regular files", () => {
    const dir = catalogFolder((d) => fs.symlinkSync("/dev/zero", path.join(d, "z.yaml")));
    expect(refusals(dir, true)).toEqual([`${path.basename(dir)}/z.yaml:1:1  a character device, not a regular file`]);
  });

  it("reports every refused entry at once", () => {
    const dir = catalogFolder((d) => {
      fs.symlinkSync("/dev/zero", path.join(d, "z.yaml"));
      fs.writeFileSync(path.join(d, "notes.txt"), "");
      fs.symlinkSync("gone", path.join(d, "g.yml"));
    });
    expect(refusals(dir).map((r) => r.split("  ")[0])).toEqual(["g.yml:1:1", "notes.txt:1:1", "z.yaml:1:1"].map((f) => `${path.basename(dir)}/${f}`));
  });

  it("caps the catalog's files together", () => {
    const files = Math.floor(MAX_CATALOG_BYTES / MAX_CATALOG_FILE_BYTES) + 1;
    const dir = catalogFolder((d) => {
      for (let i = 0; i < files; i++) {
        sparse(path.join(d, `part-${i}.yaml`), MAX_CATALOG_FILE_BYTES - 1024);
      }
    });
    const found = refusals(dir);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/part-\d+\.yaml:1:1  4 MiB, over the [\d.]+ MiB left of the catalog's total limit of 16 MiB$/);
  });
});

describe("a catalog path the user names", () => {
  it.each([
    ["/dev/zero", "/dev/zero:1:1  a character device, not a regular file or folder"],
    // A terminal, /dev/null or a pipe, never a file: never read.
    ["/dev/stdin", /^invalid catalog \(1 error\):\n {2}\/dev\/stdin:1:1 {2}an? [\w ()]+, not a regular file/],
    ["/no/such/catalog.yaml", "/no/such/catalog.yaml:1:1  no such catalog file or folder"],
  ] as [string, string | RegExp][])("refuses %s", (file, expected) => {
    expect(() => loadCatalog(file, { projectRoot: project })).toThrow(expected);
  });

  it("refuses an empty folder", () => {
    const dir = path.join(project, "empty");
    fs.mkdirSync(dir);
    expect(() => loadCatalog(dir, { projectRoot: project })).toThrow("empty:1:1  the catalog folder holds no .yaml file");
  });
});

describe("config files (stack config, policy config)", () => {
  it("refuses devices, FIFOs and oversized files without reading them", () => {
    const pipe = path.join(project, "config.fifo");
    fifo(pipe);
    const big = path.join(project, "big.json");
    sparse(big, 2 * 1024 * 1024);
    expect(() => readConfigFile("/dev/zero", { roots: [project], allowOutside: true })).toThrow("/dev/zero: a character device, not a regular file");
    expect(() => readConfigFile(pipe, { roots: [project] })).toThrow("a FIFO (named pipe), not a regular file");
    expect(() => readConfigFile(big, { roots: [project] })).toThrow("2 MiB, over the per-file limit of 1 MiB");
  });
});
