/**
 * An overlay's stack-wide transforms (catalog/transforms.ts): they rewrite what
 * the overlay inherits, at their fixed places only, leave what the overlay writes
 * itself, cite their own line, and report a bad transform at its line.
 */
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import type { CatalogIssue } from "../catalog/errors";
import { mergeLayers } from "../catalog/layers";
import { parseLayeredCatalog } from "../catalog/load";
import { layeredIssues } from "./support/catalogs";

const BASE = {
  file: "base.yaml",
  text: `${fs.readFileSync(path.join(__dirname, "fixtures", "layers", "base.yaml"), "utf8")}
defaults:
  uptime:
    interval: 5m
    locations: [aws:us-east-1, aws:eu-west-1]
    retry: { count: 1, interval: 1s }
`.replace(
    "        url: https://shop.example.com/search\n        severity: P1\n",
    "        url: https://shop.example.com/search\n        severity: P1\n    alerts:\n      - name: errors\n        signal: http.error-rate\n        critical: 1%\n        severity: P1\n",
  ),
};

const overlay = (body: string) => ({ file: "staging.yaml", text: `extends: base.yaml\nenvironment: staging\n${body}` });

const TRANSFORMS = `transforms:
  hosts: { shop.example.com: staging.shop.example.com }
  intervals: { 1m: 5m, 5m: 15m }
  locations: [aws:us-east-1]
  severities: { P0: P2, P1: P2 }
`;

const issuesOf = layeredIssues;

describe("an overlay's transforms", () => {
  it("rewrite inherited hosts, intervals, locations and alert severities; uptime checks keep their severity", () => {
    const catalog = parseLayeredCatalog([BASE, overlay(TRANSFORMS)]);
    const web = catalog.services.find((s) => s.name === "web");
    const home = web?.endpoints.find((e) => e.name === "home");
    const search = web?.endpoints.find((e) => e.name === "search");
    expect(home?.request.url).toBe("https://staging.shop.example.com/");
    expect(home?.intervalSeconds).toBe(300); // 1m → 5m
    expect(search?.intervalSeconds).toBe(900); // defaults.uptime 5m → 15m
    expect(search?.locations).toEqual(["aws:us-east-1"]);
    expect([home?.severity, search?.severity]).toEqual(["P0", "P1"]);
    expect(web?.alerts.map((a) => a.severity)).toEqual(["P2"]);
    // another host and the retry interval are not theirs to touch
    const login = catalog.services.find((s) => s.name === "admin")?.endpoints[0];
    expect(login?.request.url).toBe("https://admin.example.com/login");
  });

  it("leave what the overlay writes itself, and cite their own line for what they set", () => {
    const layers = [BASE, overlay(`${TRANSFORMS}services:\n  - name: web\n    endpoints:\n      - name: home\n        url: https://preview.shop.example.com/\n`)];
    const catalog = parseLayeredCatalog(layers);
    expect(catalog.services.find((s) => s.name === "web")?.endpoints[0].request.url).toBe("https://preview.shop.example.com/");
    const issues: CatalogIssue[] = [];
    const merged = mergeLayers(layers, issues);
    expect(issues).toEqual([]);
    const cite = (docPath: PropertyKey[]) => {
      const at = merged?.locate(docPath);
      return `${at?.file}:${at?.line}`;
    };
    expect(cite(["services", 0, "endpoints", 1, "url"])).toBe("staging.yaml:4"); // hosts
    expect(cite(["services", 0, "endpoints", 0, "interval"])).toBe("staging.yaml:5"); // 1m → 5m
    expect(cite(["defaults", "uptime", "locations", 0])).toBe("staging.yaml:6");
    expect(cite(["services", 0, "alerts", 0, "severity"])).toBe("staging.yaml:7"); // P1 → P2
    expect(cite(["services", 1, "endpoints", 0, "severity"])).toMatch(/^base\.yaml:/); // P2: not in the table
    expect(cite(["defaults", "uptime", "retry", "interval"])).toMatch(/^base\.yaml:/);
  });

  it("are checked like the rest of the catalog: every problem at its line, all at once", () => {
    expect(issuesOf([BASE, overlay("transforms:\n  severities: { P0: P9 }\n  intervals: { 1m: soon }\n  hostz: {}\n")])).toEqual([
      'staging.yaml:4:21 transforms.severities.P0 a severity: P0, P1, P2 or P3',
      "staging.yaml:5:20 transforms.intervals.1m a duration such as 500ms, 30s, 5m, 2h, 1d or 1w",
      'staging.yaml:6:3 transforms.hostz unknown transform "hostz" (known: hosts, intervals, locations, severities)',
    ]);
    expect(issuesOf([{ ...BASE, text: `${BASE.text}transforms: { locations: [aws:us-east-1] }\n` }, overlay("")])).toEqual([
      expect.stringMatching(/^base\.yaml:\d+:\d+ transforms transforms rewrite what a layer extends; this file extends nothing$/),
    ]);
  });
});
