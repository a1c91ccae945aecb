/**
 * Big is not a crash (issue 14, item 6): a service too heavy for one worker is refused up
 * front at its catalog entry, never a V8 abort; anchor reuse plans however often it is
 * used, while an alias bomb is refused at the alias that sets it off.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import { InputError } from "../cli/errors";
import { computePlan } from "../cli/engine/plan";
import { MAX_SERVICE_WEIGHT, overweightServices, serviceWeight } from "../cli/engine/shards";
import { parseCatalog } from "../catalog/load";
import { catalogIssues } from "./support/catalogs";

const ROOT = path.resolve(__dirname, "..");
const MINIMAL = fs.readFileSync(path.join(__dirname, "fixtures", "catalogs", "minimal.yaml"), "utf8");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lookout-limits-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** minimal.yaml with `count` more endpoints on service web, each `<<: *fast` (the README's anchor pattern). */
function withEndpoints(count: number): string {
  const endpoints = Array.from({ length: count }, (_, i) => `      - name: e-${i}\n        <<: *fast\n        url: https://shop.example.com/e/${i}\n        severity: P2\n`).join("");
  return MINIMAL.replace("    endpoints:\n      - name: home\n", `    endpoints:\n${endpoints}      - name: home\n`);
}

describe("a service too heavy for one worker", () => {
  it("is refused before anything runs, at the service's entry, as bad input", async () => {
    const file = path.join(dir, "huge.yaml");
    fs.writeFileSync(file, withEndpoints(10_000));
    const started = Date.now();
    const planning = computePlan({ projectRoot: ROOT, stack: "prod", catalog: file, withoutDefaultPack: true });
    await expect(planning).rejects.toThrow(InputError);
    await expect(planning).rejects.toThrow(
      new RegExp(`huge\\.yaml:10:5  services\\.web  service "web" would make about 10,005 resources \\(10001 endpoints, 0 alerts, 0 SLOs\\); one service may make at most 2,500: split it into several services`),
    );
    // Loading 10,000 endpoints and refusing them: seconds, not a worker's death.
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 60_000);

  it("is the limit exactly: a service at MAX_SERVICE_WEIGHT passes, one resource more does not", () => {
    const atLimit = parseCatalog([{ file: "c.yaml", text: withEndpoints(MAX_SERVICE_WEIGHT - 5) }]);
    const web = atLimit.services.find((s) => s.name === "web");
    expect(web && serviceWeight(web)).toBe(MAX_SERVICE_WEIGHT);
    expect(overweightServices(atLimit.services)).toEqual([]);
    const over = parseCatalog([{ file: "c.yaml", text: withEndpoints(MAX_SERVICE_WEIGHT - 4) }]);
    expect(overweightServices(over.services).map((i) => `${i.line}:${i.column} ${i.path}`)).toEqual(["10:5 services.web"]);
  });
});

describe("YAML aliases", () => {
  it("plans 1,000 uses of one anchor (the README's `<<: *every-minute` pattern)", () => {
    expect(catalogIssues(withEndpoints(1_000))).toEqual([]);
  });

  it("refuses an alias bomb at the alias that sets it off, quickly", () => {
    const levels = ["a", "b", "c", "d", "e", "f", "g", "h"];
    const bomb = levels
      .map((name, i) => `x-${name}: &${name} [${i === 0 ? Array(10).fill('"lol"').join(", ") : Array(10).fill(`*${levels[i - 1]}`).join(", ")}]`)
      .join("\n");
    const started = Date.now();
    const issues = catalogIssues(`${MINIMAL}${bomb}\n`);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(issues).toHaveLength(1);
    // Through level d the document expands to about 12,500 nodes, under ten times its ~300
    // written ones plus 10,000; the first *d of level e passes that.
    const lines = `${MINIMAL}${bomb}`.split("\n");
    const line = lines.findIndex((l) => l.startsWith("x-e:"));
    const column = lines[line].indexOf("*d") + 1;
    expect(issues[0]).toMatch(new RegExp(`^${line + 1}:${column} +YAML: excessive aliasing: the document expands to more than \\d+ nodes from \\d+ written \\(an alias bomb\\?\\)$`));
    expect(issues[0]).not.toMatch(/^1:1/);
  });

  it("takes an alias to its own anchor as a reference, not an endless expansion", () => {
    expect(catalogIssues(`${MINIMAL}x-self: &self [*self]\n`)).toEqual([]);
  });
});
