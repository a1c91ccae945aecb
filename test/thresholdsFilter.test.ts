/** `lookout thresholds --service NAME --severity P0,P1`: only the rows a reviewer asks about. */
import { describe, expect, it } from "vitest";
import type { ThresholdRow } from "../cli/reports/model";
import { InputError } from "../cli/errors";
import { filterThresholds } from "../cli/commands/thresholds";

const row = (service: string, severity?: string): ThresholdRow => ({
  urn: `urn:${service}:${severity ?? "-"}`,
  resource: `alerts-${service}`,
  type: "datadog:index/monitor:Monitor",
  kind: "monitor",
  service,
  what: "x",
  setting: "critical",
  value: 1,
  display: "> 1",
  ...(severity ? { severity } : {}),
  looserWhen: "higher",
});

const rows = [row("checkout", "P0"), row("checkout", "P2"), row("search", "P1"), row("payments")];

describe("filterThresholds", () => {
  it("keeps every row without filters", () => {
    expect(filterThresholds(rows, [], undefined)).toEqual(rows);
  });
  it("keeps the named services, repeatable", () => {
    expect(filterThresholds(rows, ["checkout", "payments"], undefined).map((r) => r.urn)).toEqual(["urn:checkout:P0", "urn:checkout:P2", "urn:payments:-"]);
  });
  it("keeps the given severities, case-insensitive, and drops rows without one", () => {
    expect(filterThresholds(rows, [], "p0, P1").map((r) => r.urn)).toEqual(["urn:checkout:P0", "urn:search:P1"]);
    expect(filterThresholds(rows, ["checkout"], "P1")).toEqual([]);
  });
  it("rejects an unknown severity as bad input", () => {
    expect(() => filterThresholds(rows, [], "P5")).toThrow(InputError);
    expect(() => filterThresholds(rows, [], "P5")).toThrow('--severity must be one of P0, P1, P2, P3, not "P5"');
  });
});
