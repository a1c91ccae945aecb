/**
 * How a component's catalog position reaches the offline engine (infra/stack/sources.ts): as
 * an invoke the engine's mocks answer, only when the engine asks for it by stack config.
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { runUnderMocks } from "../cli/engine/mockRun";
import { parseUrn } from "../cli/engine/resource";
import { REPORT_SOURCE_TOKEN, REPORT_SOURCES_CONFIG, sourced } from "../infra/stack/sources";

const at = { file: "stacks/prod.yaml", line: 12, column: 7 };

class Thing extends pulumi.CustomResource {
  constructor(name: string, opts: pulumi.CustomResourceOptions) {
    super("test:index/thing:Thing", name, {}, opts);
  }
}

function markedProgram(): () => Promise<Record<string, never>> {
  return async () => {
    const parent = new pulumi.ComponentResource("lookout:test:Group", "group");
    sourced(new Thing("group-a::b", { parent }), at);
    return {};
  };
}

function run(config: Record<string, string>) {
  const reports: Record<string, unknown>[] = [];
  const done = runUnderMocks({
    project: "lookout",
    stack: "prod",
    config,
    secretKeys: [],
    preview: true,
    program: markedProgram(),
    lookups: { [REPORT_SOURCE_TOKEN]: (args) => (reports.push(args), {}) },
  });
  return done.then(() => reports);
}

describe("catalog sources", () => {
  it("reach the engine with the resource's URN when the engine asks by stack config", async () => {
    const reports = await run({ [REPORT_SOURCES_CONFIG]: "true" });
    expect(reports).toEqual([{ urn: "urn:pulumi:prod::lookout::lookout:test:Group$test:index/thing:Thing::group-a::b", ...at }]);
    expect(parseUrn(String(reports[0]?.urn))).toEqual({ type: "test:index/thing:Thing", name: "group-a::b" });
  });

  it("are not reported without that config, as under pulumi up", async () => {
    expect(await run({})).toEqual([]);
  });
});
