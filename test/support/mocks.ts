/** Running one component under Pulumi's runtime mocks, as `lookout plan` does the program. */
import { runUnderMocks, type MockRunResult } from "../../cli/engine/mockRun";

/** Runs `program` (which creates the components under test) in stack `test` of project `lookout`. */
export function runComponents(program: () => Record<string, unknown> | void, options: { preview?: boolean } = {}): Promise<MockRunResult> {
  return runUnderMocks({
    project: "lookout",
    stack: "test",
    config: {},
    secretKeys: [],
    preview: options.preview ?? true,
    program: async () => program() ?? {},
  });
}

/** `type name <- parent name` of every registered resource, sorted: a plan's shape at a glance. */
export function shapeOf(run: MockRunResult): string[] {
  return run.resources.map((r) => `${r.type} ${r.name} <- ${r.parent?.split("::").pop() ?? ""}`).sort();
}
