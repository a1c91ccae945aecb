/**
 * The one number coercion (json/numbers.ts) and the one urgency rule (catalog/model.ts)
 * that the reports, the import, the export and the policy pack share.
 */
import { describe, expect, it } from "vitest";
import { isUrgent } from "../catalog/model";
import { numberOf } from "../json/numbers";

describe("numberOf", () => {
  it("reads numbers and the strings the provider and the API write for them", () => {
    expect(numberOf(0.5)).toBe(0.5);
    expect(numberOf("0.5")).toBe(0.5);
    expect(numberOf("-3")).toBe(-3);
    expect(numberOf("0")).toBe(0);
  });

  it("reads nothing else as a number: blank, text, non-finite, other types", () => {
    for (const value of ["", "  ", "abc", "1.2.3", "Infinity", Number.NaN, Number.POSITIVE_INFINITY, null, undefined, true, [1], { n: 1 }]) {
      expect(numberOf(value), String(value)).toBeUndefined();
    }
  });
});

describe("isUrgent", () => {
  it("P0 and P1 are urgent; P2, P3 and no severity are not", () => {
    expect(["P0", "P1", "P2", "P3", undefined, "p0"].map(isUrgent)).toEqual([true, true, false, false, false, false]);
  });
});
