/**
 * The user's policy config, as the Pulumi CLI reads it (pkg/resource/analyzer/config.go):
 * parsed, reconciled with each pack's schema defaults and initial config, and validated
 * against the policies' JSON schemas.
 */
import { asJsonObject, isRecord, type JsonValue } from "./marshal";
import { type EnforcementLevel, PolicyConfigError, type PolicyInfo, type ResolvedPolicyConfig, type UserPolicyConfig } from "./policyTypes";

export const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

function isEnforcementLevel(value: unknown): value is EnforcementLevel {
  return typeof value === "string" && (ENFORCEMENT_LEVELS as readonly string[]).includes(value);
}

function jsonEqual(a: JsonValue, b: JsonValue): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The user's config, entries normalized; malformed entries throw PolicyConfigError. */
export function parsePolicyConfig(config: Readonly<Record<string, unknown>>): Map<string, UserPolicyConfig> {
  const problems: string[] = [];
  const result = new Map<string, UserPolicyConfig>();
  for (const key of Object.keys(config).sort()) {
    const value = config[key];
    if (typeof value === "string") {
      if (isEnforcementLevel(value)) result.set(key, { enforcementLevel: value, properties: {} });
      else problems.push(`${key}: "${value}" is not an enforcement level (expected one of ${ENFORCEMENT_LEVELS.join(", ")})`);
      continue;
    }
    if (!isRecord(value)) {
      problems.push(`${key}: expected an enforcement level or an object, got ${JSON.stringify(value)}`);
      continue;
    }
    const { enforcementLevel, ...rest } = value;
    if (enforcementLevel !== undefined && !isEnforcementLevel(enforcementLevel)) {
      problems.push(`${key}.enforcementLevel: ${JSON.stringify(enforcementLevel)} is not an enforcement level (expected one of ${ENFORCEMENT_LEVELS.join(", ")})`);
      continue;
    }
    const properties = asJsonObject(rest);
    if (enforcementLevel === undefined && Object.keys(properties).length === 0) continue; // empty entries are ignored
    result.set(key, { enforcementLevel, properties });
  }
  if (problems.length > 0) throw new PolicyConfigError(problems);
  return result;
}

/**
 * The engine's merge for one pack: each policy's declared level and schema defaults, then
 * the pack's initial config, then the user's; in each layer `all` first sets every level.
 * Keys naming no policy of this pack are left out.
 */
export function reconcilePolicyConfig(
  policies: readonly PolicyInfo[],
  initialConfig: ReadonlyMap<string, UserPolicyConfig>,
  userConfig: ReadonlyMap<string, UserPolicyConfig>,
): Record<string, ResolvedPolicyConfig> {
  const result: Record<string, { enforcementLevel: EnforcementLevel; properties: Record<string, JsonValue> }> = {};
  for (const policy of policies) {
    const properties: Record<string, JsonValue> = {};
    for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
      if (schema.default !== undefined) properties[key] = schema.default;
    }
    result[policy.name] = { enforcementLevel: policy.enforcementLevel, properties };
  }
  for (const layer of [initialConfig, userConfig]) {
    const all = layer.get("all");
    if (all?.enforcementLevel) for (const entry of Object.values(result)) entry.enforcementLevel = all.enforcementLevel;
    for (const [name, given] of layer) {
      const entry = result[name];
      if (!entry) continue;
      if (given.enforcementLevel) entry.enforcementLevel = given.enforcementLevel;
      Object.assign(entry.properties, given.properties);
    }
  }
  return result;
}

function typeMatches(type: string, value: JsonValue): boolean {
  switch (type) {
    case "null":
      return value === null;
    case "boolean":
      return typeof value === "boolean";
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number";
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "array":
      return Array.isArray(value);
    case "object":
      return isRecord(value);
    default:
      return true;
  }
}

/** The JSON Schema keywords policy configs use; enough to catch wrong types and out-of-range thresholds. */
function validateJson(schema: JsonValue, value: JsonValue, at: string, problems: string[]): void {
  if (schema === false) {
    problems.push(`${at} is not allowed`);
    return;
  }
  if (!isRecord(schema)) return;
  const s = schema as { [keyword: string]: JsonValue };
  const types = typeof s.type === "string" ? [s.type] : Array.isArray(s.type) ? s.type.filter((t): t is string => typeof t === "string") : [];
  if (types.length > 0 && !types.some((t) => typeMatches(t, value))) {
    problems.push(`${at} must be ${types.join(" or ")}, got ${JSON.stringify(value)}`);
    return;
  }
  if (Array.isArray(s.enum) && !s.enum.some((e) => jsonEqual(e, value))) {
    problems.push(`${at} must be one of ${s.enum.map((e) => JSON.stringify(e)).join(", ")}, got ${JSON.stringify(value)}`);
  }
  if (s.const !== undefined && !jsonEqual(s.const, value)) problems.push(`${at} must be ${JSON.stringify(s.const)}`);
  if (typeof value === "number") {
    if (typeof s.minimum === "number" && value < s.minimum) problems.push(`${at} must be at least ${s.minimum}, got ${value}`);
    if (typeof s.maximum === "number" && value > s.maximum) problems.push(`${at} must be at most ${s.maximum}, got ${value}`);
    if (typeof s.exclusiveMinimum === "number" && value <= s.exclusiveMinimum) problems.push(`${at} must be greater than ${s.exclusiveMinimum}, got ${value}`);
    if (typeof s.exclusiveMaximum === "number" && value >= s.exclusiveMaximum) problems.push(`${at} must be less than ${s.exclusiveMaximum}, got ${value}`);
    if (typeof s.multipleOf === "number" && s.multipleOf > 0 && !Number.isInteger(value / s.multipleOf)) problems.push(`${at} must be a multiple of ${s.multipleOf}, got ${value}`);
  }
  if (typeof value === "string") {
    if (typeof s.minLength === "number" && value.length < s.minLength) problems.push(`${at} must have at least ${s.minLength} characters`);
    if (typeof s.maxLength === "number" && value.length > s.maxLength) problems.push(`${at} must have at most ${s.maxLength} characters`);
    if (typeof s.pattern === "string" && !new RegExp(s.pattern, "u").test(value)) problems.push(`${at} must match /${s.pattern}/, got ${JSON.stringify(value)}`);
  }
  if (Array.isArray(value)) {
    if (typeof s.minItems === "number" && value.length < s.minItems) problems.push(`${at} must have at least ${s.minItems} item(s)`);
    if (typeof s.maxItems === "number" && value.length > s.maxItems) problems.push(`${at} must have at most ${s.maxItems} item(s)`);
    if (s.uniqueItems === true && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) problems.push(`${at} must not repeat items`);
    if (s.items !== undefined && !Array.isArray(s.items)) {
      const items = s.items;
      value.forEach((item, i) => validateJson(items, item, `${at}[${i}]`, problems));
    }
  }
  if (isRecord(value)) {
    const obj = value as { [key: string]: JsonValue };
    const props = isRecord(s.properties) ? (s.properties as { [key: string]: JsonValue }) : {};
    for (const key of Array.isArray(s.required) ? s.required : []) {
      if (typeof key === "string" && !(key in obj)) problems.push(`${at}.${key} is required`);
    }
    for (const [key, item] of Object.entries(obj)) {
      if (key in props) validateJson(props[key], item, `${at}.${key}`, problems);
      else if (s.additionalProperties !== undefined) validateJson(s.additionalProperties, item, `${at}.${key}`, problems);
    }
  }
}

/**
 * Problems of a pack's effective config against its policies' schemas. Stricter than the
 * CLI in one way: a property the policy's schema does not declare is reported (a typo in
 * a threshold name would otherwise be silently ignored).
 */
export function validatePolicyConfig(packName: string, policies: readonly PolicyInfo[], config: Readonly<Record<string, ResolvedPolicyConfig>>): string[] {
  return policies.flatMap((policy) => policyPropertyProblems(`${packName}/${policy.name}`, policy.configSchema, config[policy.name]?.properties ?? {}));
}

/** Problems of one policy's config properties against its schema, each prefixed with `at`. */
export function policyPropertyProblems(at: string, configSchema: PolicyInfo["configSchema"], properties: Readonly<Record<string, JsonValue>>): string[] {
  const problems: string[] = [];
  const declared = configSchema?.properties ?? {};
  for (const key of Object.keys(properties)) {
    if (!(key in declared)) {
      const known = Object.keys(declared);
      problems.push(`${at}: "${key}" is not a config property of this policy (${known.length > 0 ? `known: ${known.join(", ")}` : "it takes none"})`);
    }
  }
  const schema: JsonValue = {
    type: "object",
    properties: { ...declared },
    required: [...(configSchema?.required ?? [])],
  };
  validateJson(schema, { ...properties }, at, problems);
  return problems;
}
