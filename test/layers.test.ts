import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { CatalogError } from "../catalog/errors";
import { loadCatalog, parseLayeredCatalog } from "../catalog/load";
import type { Catalog } from "../catalog/model";
import { layeredIssues } from "./support/catalogs";

const FIXTURES = path.join(__dirname, "fixtures", "layers");
const read = (name: string) => ({ file: name, text: fs.readFileSync(path.join(FIXTURES, name), "utf8") });
const at = (s: { file: string; line: number; column: number }) => `${path.basename(s.file)}:${s.line}:${s.column}`;

function endpoints(catalog: Catalog): Record<string, { url: string; severity: string; source: string }> {
  return Object.fromEntries(
    catalog.services.flatMap((s) => s.endpoints.map((e) => [`${s.name}/${e.name}`, { url: e.request.url, severity: e.severity, source: at(e.source) }])),
  );
}

const issuesOf = layeredIssues;

describe("a stack's catalog as a base and an overlay", () => {
  it("reads the layers a stack's file extends, base first, and cites the base where the overlay changes nothing", () => {
    const prod = loadCatalog(path.join(FIXTURES, "prod.yaml"), { projectRoot: FIXTURES });
    expect(prod.files.map((f) => path.basename(f))).toEqual(["base.yaml", "prod.yaml"]);
    expect(prod.environment).toBe("prod");
    expect(endpoints(prod)).toEqual({
      "admin/login": { url: "https://admin.example.com/login", severity: "P2", source: "base.yaml:31:9" },
      "web/home": { url: "https://shop.example.com/", severity: "P0", source: "base.yaml:17:9" },
      "web/search": { url: "https://shop.example.com/search", severity: "P1", source: "base.yaml:21:9" },
    });
    // The anchor shared in the base (x-anchors, merge key) still applies.
    expect(prod.services.find((s) => s.name === "web")?.endpoints.find((e) => e.name === "home")?.intervalSeconds).toBe(60);
  });

  it("merges named entries by name, removes and adds them explicitly, and cites the overlay's lines", () => {
    const staging = loadCatalog(path.join(FIXTURES, "staging.yaml"), { projectRoot: FIXTURES });
    expect(staging.environment).toBe("staging");
    expect(staging.services.map((s) => s.name)).toEqual(["web"]);
    expect(endpoints(staging)).toEqual({
      "web/cart": { url: "https://staging.shop.example.com/cart", severity: "P3", source: "staging.yaml:12:9" },
      "web/home": { url: "https://staging.shop.example.com/", severity: "P2", source: "staging.yaml:7:9" },
    });
    // What the overlay does not write is the base's: the shared interval, the service's description.
    const web = staging.services[0];
    expect(web.endpoints.find((e) => e.name === "home")?.intervalSeconds).toBe(60);
    expect(web.description).toBe("Storefront.");
  });

  it("a change to the base changes every stack and cites the base line", () => {
    const base = read("base.yaml");
    const changed = { ...base, text: base.text.replace("https://shop.example.com/search", "https://shop.example.com/find") };
    const prod = parseLayeredCatalog([changed, read("prod.yaml")]);
    expect(endpoints(prod)["web/search"]).toEqual({ url: "https://shop.example.com/find", severity: "P1", source: "base.yaml:21:9" });
    const staging = parseLayeredCatalog([changed, read("staging.yaml")]);
    expect(staging.services[0].description).toBe("Storefront.");
    const descChanged = { ...base, text: base.text.replace("description: Storefront.", "description: The storefront.") };
    expect(parseLayeredCatalog([descChanged, read("staging.yaml")]).services[0].description).toBe("The storefront.");
  });

  it("removes a mapping's key with null (PF-SCHEMA-3), and reports a null that removes nothing", () => {
    const base = read("base.yaml");
    const withTimeout = { ...base, text: base.text.replace("        severity: P1\n", "        severity: P1\n        timeout: 10s\n") };
    const overlay = (body: string) => ({ file: "staging.yaml", text: `extends: base.yaml\nenvironment: staging\nservices:\n  - name: web\n    endpoints:\n      - name: search\n${body}` });
    const search = (layers: { file: string; text: string }[]) => parseLayeredCatalog(layers).services.find((s) => s.name === "web")?.endpoints.find((e) => e.name === "search");
    expect(search([withTimeout, read("prod.yaml")])?.request.timeoutSeconds).toBe(10);
    // Removed, the default (defaults.uptime.timeout, 30s) applies again.
    expect(search([withTimeout, overlay("        timeout: null\n")])?.request.timeoutSeconds).toBe(30);
    expect(issuesOf([base, overlay("        timeout: null\n")])).toEqual([
      'staging.yaml:7:18 services[0].endpoints[0].timeout nothing to remove: the base does not set "timeout" here',
    ]);
  });

  it("reports every problem at once, each at the file and line that wrote it", () => {
    const base = read("base.yaml");
    const brokenBase = { ...base, text: base.text.replace("tier: 2", "tier: two") };
    const overlay = {
      file: "staging.yaml",
      text: `extends: base.yaml
environment: staging
services:
  - name: web
    endpoints:
      - name: hom
        severity: P2
      - name: search
        colour: red
  - name: admin
    $add: true
  - name: shop-api
    tier: 1
`,
    };
    expect(issuesOf([brokenBase, overlay])).toEqual([
      "base.yaml:27:11 services[1].tier expected a number, found \"two\"",
      'staging.yaml:6:15 services[0].endpoints[0].name overlay entry "hom" matches no entry of the base here; add `$add: true` to add it',
      expect.stringMatching(/^staging\.yaml:9:9 services\[0\]\.endpoints\[1\]\.colour unknown key "colour"; expected one of name, /),
      'staging.yaml:11:11 services[1].$add the base already has an entry named "admin" here; drop $add to change it',
      'staging.yaml:12:11 services[2].name overlay entry "shop-api" matches no entry of the base here; add `$add: true` to add it',
    ]);
  });

  it("refuses an extends that loops, names a folder or is not a file name, in one line naming the file", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lookout-layers-"));
    try {
      const write = (name: string, text: string) => fs.writeFileSync(path.join(dir, name), text);
      write("a.yaml", "extends: b.yaml\nenvironment: prod\n");
      write("b.yaml", "extends: a.yaml\n");
      write("c.yaml", "extends: sub\n");
      write("d.yaml", "extends: [1]\n");
      fs.mkdirSync(path.join(dir, "sub"));
      write("sub/x.yaml", "products: []\n");
      const messageOf = (name: string) => {
        try {
          loadCatalog(path.join(dir, name), { projectRoot: dir });
        } catch (error) {
          if (error instanceof CatalogError) return error.issues.map((i) => `${path.basename(i.file)}: ${i.message}`);
          throw error;
        }
        return [];
      };
      // A list of bases merges in order: the second base's value wins, the overlay's over both.
      write("products.yaml", "products:\n  - name: shop\n    description: The shop.\n");
      write("services.yaml", "products:\n  - name: shop\n    description: Our shop.\nservices: []\n");
      write("two.yaml", "extends: [products.yaml, services.yaml]\nenvironment: prod\n");
      const two = loadCatalog(path.join(dir, "two.yaml"), { projectRoot: dir });
      expect(two.files.map((f) => path.basename(f))).toEqual(["products.yaml", "services.yaml", "two.yaml"]);
      expect(two.products.map((p) => [p.description, at(p.source)])).toEqual([["Our shop.", "services.yaml:2:5"]]);
      expect(messageOf("a.yaml")).toEqual([expect.stringMatching(/^a\.yaml: extends loops back to this file/)]);
      expect(messageOf("c.yaml")).toEqual(["sub: extends names a file, not a folder"]);
      expect(messageOf("d.yaml")).toEqual(["d.yaml: extends takes a file (or a list of files) relative to this file's folder"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
