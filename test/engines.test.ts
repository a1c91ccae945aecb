/**
 * The Node.js the project supports (package.json `engines.node`, the CI workflow's
 * `node-version`) is one every installed package accepts: an upgrade to a release that
 * drops it (as @pulumi/pulumi 3.249 dropped Node 20, PF-PU-1) fails here, not as an
 * EBADENGINE warning nobody reads.
 */
import * as fs from "fs";
import * as path from "path";
import * as semver from "semver";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..");
const readJson = (file: string): Record<string, unknown> => JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
const nodeRange = (manifest: Record<string, unknown>): string | undefined => (manifest.engines as { node?: string } | undefined)?.node;

const supported = nodeRange(readJson(path.join(ROOT, "package.json")));
const lowest = supported ? semver.minVersion(supported)?.version : undefined;

/** Every package npm ci installs (the lockfile's entries that exist on disk), with its declared Node range. */
function installedEngines(): { name: string; range: string }[] {
  const lock = readJson(path.join(ROOT, "package-lock.json")) as { packages: Record<string, unknown> };
  return Object.keys(lock.packages)
    .filter((at) => at !== "" && fs.existsSync(path.join(ROOT, at, "package.json")))
    .flatMap((at) => {
      const manifest = readJson(path.join(ROOT, at, "package.json"));
      const range = nodeRange(manifest);
      return range ? [{ name: `${String(manifest.name)}@${String(manifest.version)}`, range }] : [];
    });
}

describe("the supported Node.js version", () => {
  it("is declared as a range with a lowest version", () => {
    expect(supported).toBe(">=20.19");
    expect(lowest).toBe("20.19.0");
  });

  it("is accepted by every installed package's engines (npm ci stays free of EBADENGINE)", () => {
    const packages = installedEngines();
    expect(packages.map((p) => p.name)).toEqual(expect.arrayContaining([expect.stringMatching(/^@pulumi\/pulumi@/)]));
    const refusing = packages.filter((p) => !semver.satisfies(lowest as string, p.range)).map((p) => `${p.name} wants node ${p.range}`);
    expect(refusing).toEqual([]);
  });

  it("is the one CI installs and the one running these tests", () => {
    const workflow = parse(fs.readFileSync(path.join(ROOT, ".github", "workflows", "preview.yml"), "utf8")) as {
      jobs: Record<string, { steps?: { with?: { "node-version"?: unknown } }[] }>;
    };
    const versions = Object.values(workflow.jobs).flatMap((job) => (job.steps ?? []).flatMap((s) => (s.with?.["node-version"] === undefined ? [] : [String(s.with["node-version"])])));
    expect(versions.length).toBeGreaterThan(0);
    for (const version of versions) expect(semver.intersects(`${version}.x`, supported as string), `node-version ${version}`).toBe(true);
    expect(semver.satisfies(process.versions.node, supported as string), process.versions.node).toBe(true);
  });
});
