/**
 * Masking: every report and renderer (plan text and JSON, thresholds, diff, dashboards)
 * passes what it prints through here. Credentials in text (`findCredentials`, the rule the
 * catalog's validation applies too) become `***`; the plan's own `[secret]` and `[unknown]`
 * markers stay.
 */
import { isCredentialKey, maskCredentials } from "../../catalog/credentialText";

export const MASK = "***";

const KEEP_VALUE = /^(?:\[secret\]|\[unknown\]|\*{3})$/;

/** `text` with every credential in it replaced by `***`. */
export function maskSecrets(text: string): string {
  return maskCredentials(text, MASK);
}

/**
 * A JSON value with every string masked, and every string under a key that names a
 * credential (`password`, `X-API-Key`, `Authorization`) replaced whole. Keys stay.
 */
export function maskValue<T>(value: T): T {
  return maskAt(value, undefined) as T;
}

function maskAt(value: unknown, key: string | undefined): unknown {
  if (typeof value === "string") return key !== undefined && isCredentialKey(key) && !KEEP_VALUE.test(value) && value !== "" ? MASK : maskSecrets(value);
  if (Array.isArray(value)) return value.map((v) => maskAt(v, undefined));
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, maskAt(v, k)]));
}
