/**
 * The query model against the shipped stacks: every Datadog monitor the prod and staging
 * programs declare has a query that reads as its form and writes back identically.
 *
 * The program runs here as `pulumi up` would run it, under the offline engine's mocks
 * (a preview leaves SLO and monitor IDs unknown, so the SLO alerts' and composites'
 * queries would be `[unknown]`). The mocks' IDs are `<resource name>-id`; a composite's
 * are swapped for numbers, as Datadog's monitor IDs are (PF-DD-Q-13).
 */
import { describe, expect, it } from "vitest";
import { runUnderMocks } from "../cli/engine/mockRun";
import { UP_SECRET_STAND_INS } from "../cli/engine/program";
import { readStackSettings } from "../cli/engine/stackConfig";
import { format, parse, parseMonitor, type MonitorQuery } from "../queries";
import { ROOT } from "./support/plans";

interface DeclaredMonitor {
  readonly name: string;
  readonly type: string;
  readonly query: string;
}


async function declaredMonitors(stack: string): Promise<DeclaredMonitor[]> {
  const settings = readStackSettings(ROOT, stack, UP_SECRET_STAND_INS);
  const { lookout: program } = await import("../infra/program");
  const run = await runUnderMocks({ project: settings.project, stack: settings.stack, config: settings.config, secretKeys: settings.secretKeys, preview: false, program });
  return run.resources
    .filter((r) => r.type === "datadog:index/monitor:Monitor")
    .map((r) => {
      const inputs = r.inputs as { type?: unknown; query?: unknown };
      if (typeof inputs.type !== "string" || typeof inputs.query !== "string") throw new Error(`${r.name}: no type and query`);
      return { name: r.name, type: inputs.type, query: inputs.query };
    });
}

/** A composite's `<monitor>-id` references as numeric IDs; each must name a declared monitor. */
function withNumericIds(query: string, monitors: readonly DeclaredMonitor[]): string {
  return query.replace(/[A-Za-z0-9_.-]+-id\b/g, (id) => {
    const index = monitors.findIndex((m) => `${m.name}-id` === id);
    if (index < 0) throw new Error(`the composite names ${id}, which is no declared monitor`);
    return String(1_000_000 + index);
  });
}

describe.each(["prod", "staging"])("queries: the %s stack's monitors", (stack) => {
  it("read as their form and write back identically, every one", async () => {
    const monitors = await declaredMonitors(stack);
    const kinds = new Map<MonitorQuery["kind"], number>();
    for (const monitor of monitors) {
      const query = monitor.type === "composite" ? withNumericIds(monitor.query, monitors) : monitor.query;
      const model = parseMonitor(monitor.type, query);
      expect(format(model), monitor.name).toBe(query);
      expect(parse(format(model)), monitor.name).toEqual(model);
      kinds.set(model.kind, (kinds.get(model.kind) ?? 0) + 1);
    }
    // The shipped stacks use these forms; a form vanishing from them is worth a look.
    expect([...kinds.keys()].sort()).toEqual(["composite", "metric", "search", "slo"]);
    expect(monitors.length).toBeGreaterThan(100);
  });
});
