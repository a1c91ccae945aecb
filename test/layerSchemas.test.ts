import * as fs from "fs";
import * as path from "path";
import Ajv2020 from "ajv/dist/2020";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { OVERLAY_SCHEMA_PATH, renderOverlaySchema } from "../catalog/writeSchema";

const ROOT = path.join(__dirname, "..");
const schemaAt = (file: string) => JSON.parse(fs.readFileSync(path.join(ROOT, "schema", file), "utf8")) as object;

/** The editor schemas as committed, compiled as an editor would (formats are hints, not checked). */
const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
const fileSchema = ajv.compile(schemaAt("catalog.schema.json"));
const overlaySchema = ajv.compile(schemaAt("catalog-overlay.schema.json"));

/** A catalog file as an editor reads it: merge keys resolved, x- anchors kept. */
const yamlOf = (file: string): unknown => parse(fs.readFileSync(path.join(ROOT, file), "utf8"), { merge: true, maxAliasCount: -1 });
const extendsBase = (file: string) => typeof (yamlOf(file) as Record<string, unknown>).extends !== "undefined";
const errorsOf = (validate: typeof fileSchema, data: unknown) => (validate(data) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));

const stackFiles = fs.readdirSync(path.join(ROOT, "stacks")).filter((f) => f.endsWith(".yaml")).map((f) => `stacks/${f}`);
const layerFixtures = ["base.yaml", "prod.yaml", "staging.yaml"].map((f) => `test/fixtures/layers/${f}`);

describe("the editor schemas accept the real catalog files", () => {
  it("is up to date with the zod schema (run npm run schema)", () => {
    expect(fs.readFileSync(OVERLAY_SCHEMA_PATH, "utf8")).toBe(renderOverlaySchema());
  });

  it.each([...stackFiles, ...layerFixtures])("%s validates against the schema of its form", (file) => {
    const validate = extendsBase(file) ? overlaySchema : fileSchema;
    expect(errorsOf(validate, yamlOf(file))).toEqual([]);
  });

  it("the shipped stacks are all checked (a stack file the list misses would go unchecked)", () => {
    expect(stackFiles).toEqual(expect.arrayContaining(["stacks/base.yaml", "stacks/prod.yaml", "stacks/staging.yaml"]));
  });

  // PF-SCHEMA-1: x- keys pass beside additionalProperties: false; anything else is still refused.
  it("still rejects what the loader rejects: an unknown key, in either form, and a stray marker", () => {
    const staging = yamlOf("test/fixtures/layers/staging.yaml") as { services: Record<string, unknown>[] };
    staging.services[0].colour = "red";
    expect(errorsOf(overlaySchema, staging)).toContain("/services/0 must NOT have additional properties");
    const shipped = yamlOf("stacks/base.yaml") as Record<string, unknown>;
    expect(errorsOf(fileSchema, { ...shipped, servics: [] })).toContain(" must NOT have additional properties");
    // $add/$remove belong to overlays; a whole file has no base to add to.
    const base = yamlOf("test/fixtures/layers/base.yaml") as { products: Record<string, unknown>[] };
    base.products[0].$remove = true;
    expect(errorsOf(fileSchema, base)).toContain("/products/0 must NOT have additional properties");
    // key: null removes a base's key, a record's entry too (PF-SCHEMA-3).
    expect(errorsOf(overlaySchema, { extends: "base.yaml", routing: { sentry: { slackChannels: { "#alerts": null } }, severities: { P0: { page: null } } } })).toEqual([]);
    // An overlay entry still needs its name: that is what it merges by.
    expect(errorsOf(overlaySchema, { extends: "base.yaml", products: [{ description: "x" }] })).toContain("/products/0 must have required property 'name'");
  });
});
