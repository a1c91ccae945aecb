/**
 * Mass removals: the share of the base's monitors a change removes and the concerns it
 * empties, counted from the plans' resource trees, and how the diff leads with them. The Markdown
 * callout is GitHub's caution alert (PF-GIT-5).
 */
import { describe, expect, it } from "vitest";
import type { Plan, PlanResource } from "../cli/engine/plan";
import { diffPlans } from "../cli/reports/diff";
import { massRemovalOf } from "../cli/reports/massRemoval";
import { renderDiffMarkdown } from "../cli/render/diffMarkdown";
import { renderDiffText } from "../cli/render/diffText";

const STACK = "urn:pulumi:prod::lookout::pulumi:pulumi:Stack::lookout-prod";
const MONITOR = "datadog:index/monitor:Monitor";
const SYNTHETICS = "datadog:index/syntheticsTest:SyntheticsTest";
const DASHBOARD = "grafana:oss/dashboard:Dashboard";

function resource(type: string, name: string, parent?: PlanResource): PlanResource {
  const chain = parent ? `${parent.urn.split("::")[2]}$${type}` : type;
  return { urn: `urn:pulumi:prod::lookout::${chain}::${name}`, type, name, parent: parent?.urn ?? STACK, dependencies: [], protect: false, inputs: { name } };
}

function plan(resources: readonly PlanResource[]): Plan {
  return { project: "lookout", stack: "prod", resources, outputs: {}, policies: [], summary: { resources: resources.length, byType: {}, mandatory: 0, advisory: 0 } };
}

const alerts = resource("lookout:alerts:Alerts", "alerts");
const checkout = resource("lookout:alerts:ServiceAlerts", "alerts-checkout", alerts);
const uptime = resource("lookout:uptime:Uptime", "uptime");
const dashboards = resource("lookout:dashboards:Dashboards", "dashboards");
/** Ten monitors: eight alerts (under a service's component) and two uptime checks. */
const monitors = [
  ...Array.from({ length: 8 }, (_, i) => resource(MONITOR, `alerts-checkout-${i}`, checkout)),
  resource(SYNTHETICS, "uptime-checkout-health", uptime),
  resource(SYNTHETICS, "uptime-checkout-home", uptime),
];
const board = resource(DASHBOARD, "dashboards-checkout", dashboards);
const base = plan([alerts, checkout, uptime, dashboards, ...monitors, board]);
const without = (...names: string[]) => plan(base.resources.filter((r) => !names.includes(r.name)));
const diffOf = (head: Plan, massRemovalPercent?: number) =>
  diffPlans(base, head, { stack: "prod", baseRef: "origin/main", baseCommit: "0".repeat(40), headRef: "working tree" }, massRemovalPercent === undefined ? {} : { massRemovalPercent });

describe("massRemovalOf", () => {
  it.each([
    ["one of ten monitors (10%, not over 10%)", ["alerts-checkout-0"], undefined, false],
    ["two of ten monitors (20%)", ["alerts-checkout-0", "alerts-checkout-1"], undefined, true],
    ["two of ten with --mass-removal-percent 25", ["alerts-checkout-0", "alerts-checkout-1"], 25, false],
    ["both uptime checks (20%, and a concern emptied) with the share at 50", ["uptime-checkout-health", "uptime-checkout-home"], 50, true],
    ["the only dashboard: no monitor, but a concern emptied", ["dashboards-checkout"], undefined, true],
  ] as const)("removing %s: mass removal %s", (_, names, percent, triggered) => {
    expect(diffOf(without(...names), percent).massRemoval?.triggered).toBe(triggered);
  });

  it("counts each concern that loses resources before → after, by the nearest concern component", () => {
    const m = diffOf(without("alerts-checkout-0", "alerts-checkout-1", "uptime-checkout-health", "uptime-checkout-home")).massRemoval!;
    expect(m.monitors).toEqual({ before: 10, after: 6, removed: 4, share: 40 });
    expect(m.emptied).toEqual(["uptime checks"]);
    expect(m.concerns).toEqual([
      { concern: "uptime checks", before: 2, after: 0, removed: 2, emptied: true },
      { concern: "alerts", before: 8, after: 6, removed: 2, emptied: false },
    ]);
  });

  it("does not count a replaced resource (the same name under a new parent) as removed", () => {
    const moved = resource(MONITOR, "alerts-checkout-0", alerts);
    const head = plan([...without("alerts-checkout-0", "alerts-checkout-1").resources, moved]);
    const d = diffOf(head);
    expect(d.replaced.map((r) => r.after.name)).toEqual(["alerts-checkout-0"]);
    expect(d.massRemoval).toMatchObject({ monitors: { removed: 1 }, triggered: false });
  });

  it("finds nothing to report when nothing is removed, and counts no share of an empty base", () => {
    expect(massRemovalOf(base, base, [])).toMatchObject({ triggered: false, concerns: [], emptied: [] });
    expect(massRemovalOf(plan([]), base, [])).toMatchObject({ monitors: { before: 0, share: 0 }, triggered: false });
  });
});

describe("a mass removal in the report", () => {
  const head = without(...monitors.map((m) => m.name));
  const d = diffOf(head);

  it("leads the markdown, before what needs attention, with the counts before → after, and survives truncation", () => {
    const full = renderDiffMarkdown(d, head);
    const cut = renderDiffMarkdown(d, head, { limit: 1_500 });
    expect(cut).toContain("**Truncated**");
    for (const markdown of [full, cut]) {
      const at = markdown.indexOf("> [!CAUTION]\n> **Mass removal**: this change removes 10 of 10 monitors, checks, SLOs and Sentry rules (100%, over 10%) and leaves nothing of: uptime checks, alerts.");
      expect(at).toBeGreaterThan(0);
      // Before the P0/P1 section (here its one line: these monitors carry no severity) and the summary.
      expect(at).toBeLessThan(markdown.indexOf("### Summary"));
      if (markdown === full) expect(at).toBeLessThan(markdown.indexOf("Nothing at P0/P1 was removed"));
      expect(markdown).toContain("| alerts | 8 → 0 | **8 removed (emptied)** |");
      expect(markdown).toContain("| uptime checks | 2 → 0 | **2 removed (emptied)** |");
    }
  });

  it("leads the text right after its first line", () => {
    const lines = renderDiffText(d, head).split("\n");
    expect(lines[2]).toMatch(/^MASS REMOVAL: this change removes 10 of 10 monitors/);
    expect(lines.slice(3, 5).map((l) => l.replace(/\s+/g, " ").trim())).toEqual(["uptime checks 2 → 0 2 removed (emptied)", "alerts 8 → 0 8 removed (emptied)"]);
  });

  it("says nothing of it when the change is small", () => {
    const small = diffOf(without("alerts-checkout-0"));
    expect(renderDiffMarkdown(small, base)).not.toContain("Mass removal");
    expect(renderDiffText(small, base)).not.toContain("MASS REMOVAL");
  });
});
