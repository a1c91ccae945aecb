/**
 * Wire-form values (as the engine receives them) → plain JSON for reports: secrets
 * become "[secret]", unknown values "[unknown]", resource references their URN.
 */
import { OUTPUT_VALUE_SIG, RESOURCE_REFERENCE_SIG, SECRET_SIG, SIG_KEY, UNKNOWN } from "./marshal";

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
