/**
 * Wire-form values (as the engine receives them) → plain JSON for reports: secrets
 * become "[secret]", unknown values "[unknown]", resource references their URN.
 */
import { OUTPUT_VALUE_SIG, RESOURCE_REFERENCE_SIG, SECRET_SIG, SIG_KEY, UNKNOWN } from "./marshal";
import type { PlannedResource } from "./resource";

export const REDACTED = "[secret]";
export const UNKNOWN_TEXT = "[unknown]";

export function redact(value: unknown): unknown {
  if (value === UNKNOWN) return UNKNOWN_TEXT;
  if (Array.isArray(value)) return value.map(redact);
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  switch (record[SIG_KEY]) {
    case SECRET_SIG:
      return REDACTED;
    case RESOURCE_REFERENCE_SIG:
      return record.urn;
    case OUTPUT_VALUE_SIG:
      if (record.secret) return REDACTED;
      return "value" in record ? redact(record.value) : UNKNOWN_TEXT;
    default:
      return Object.fromEntries(Object.entries(record).map(([key, child]) => [key, redact(child)]));
  }
}

/**
 * A resource's inputs for reports. A provider's credential inputs, which its SDK names in
 * `additionalSecretOutputs`, read "[secret]" even when they arrive in clear: the program
 * passes them as secrets (infra/stack/credentials.ts), and a report never shows one regardless
 * (PF-ENV-6: the real engine would print such an input, so the program's fix is the one
 * that counts for `pulumi preview`).
 */
export function redactInputs(resource: Pick<PlannedResource, "type" | "inputs" | "additionalSecretOutputs">): Record<string, unknown> {
  const inputs = redact(resource.inputs) as Record<string, unknown>;
  if (!resource.type.startsWith("pulumi:providers:")) return inputs;
  for (const key of resource.additionalSecretOutputs ?? []) if (key in inputs && inputs[key] !== UNKNOWN_TEXT) inputs[key] = REDACTED;
  return inputs;
}
