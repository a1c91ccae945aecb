import * as fs from "fs";
import * as path from "path";
import Ajv2020 from "ajv/dist/2020";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..");
const read = (file: string) => parse(fs.readFileSync(path.join(ROOT, file), "utf8"));

describe("the Pulumi project", () => {
  it("Pulumi.yaml validates against Pulumi's own project schema", () => {
    // schema/pulumi-project.schema.json: pulumi/pulumi sdk/go/common/workspace/project.json (Apache-2.0)
    const schema = JSON.parse(fs.readFileSync(path.join(ROOT, "schema", "pulumi-project.schema.json"), "utf8"));
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
    const project = read("Pulumi.yaml");
    expect(validate(project), JSON.stringify(validate.errors)).toBe(true);
    expect(project).toMatchObject({ name: "lookout", runtime: { name: "nodejs" }, main: "infra/" });
  });

  it.each(["prod", "staging"])("Pulumi.%s.yaml names its catalog and holds no plain-text secret", (stack) => {
    const config = read(`Pulumi.${stack}.yaml`).config as Record<string, unknown>;
    expect(config["lookout:catalog"]).toBe(`stacks/${stack}.yaml`);
    for (const [key, value] of Object.entries(config)) {
      if (/key|token|secret|password|dsn/i.test(key)) expect(value, key).toEqual({ secure: expect.any(String) });
    }
  });

  it("has one copy of @pulumi/pulumi, shared by every provider SDK and the policy SDK", () => {
    const sdk = require.resolve("@pulumi/pulumi", { paths: [ROOT] });
    for (const pkg of ["@pulumi/aws", "@pulumi/datadog", "@pulumi/pagerduty", "@pulumiverse/grafana", "@pulumiverse/sentry", "@pulumi/policy"]) {
      const dir = path.dirname(require.resolve(`${pkg}/package.json`, { paths: [ROOT] }));
      expect(require.resolve("@pulumi/pulumi", { paths: [dir] }), pkg).toBe(sdk);
    }
  });
});
