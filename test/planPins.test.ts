import { describe, expect, it } from "vitest";
import { planOfStack } from "./support/plans";
import { PINNED_STACKS, pinOf, readPin } from "./support/planPins";

// The shipped plans do not change by accident: a refactor keeps every digest; a change
// that alters a plan on purpose rewrites the pins (`npm run pin:plans`) and says why in
// its commit. A failure lists the URNs whose planned resource moved.
describe.each(PINNED_STACKS)("the %s plan, pinned", (stack) => {
  const pin = readPin(stack);
  const now = pinOf(planOfStack(stack));

  it("has the same resources, each with the same type, parent, dependencies, protection, aliases and inputs", () => {
    const moved = Object.keys({ ...pin.resources, ...now.resources }).filter((urn) => pin.resources[urn] !== now.resources[urn]);
    expect(moved).toEqual([]);
  });

  it("has the same outputs and policy results", () => {
    expect({ outputs: now.outputs, policies: now.policies }).toEqual({ outputs: pin.outputs, policies: pin.policies });
  });

  it("cites the same catalog lines", () => {
    expect(now.sources).toBe(pin.sources);
  });
});
