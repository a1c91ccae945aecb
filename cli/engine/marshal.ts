/**
 * Resource properties as the Pulumi engine hands them to analyzers (policy packs).
 *
 * Input: the wire form a Pulumi program sends in RegisterResourceRequest
 * (`getObject().toJavaScript()`), where secrets, resource references, output values and
 * assets are objects tagged with a signature key, and unknowns are a sentinel string.
 *
 * Output: what the engine's `MarshalProperties(props, {KeepUnknowns: true, KeepSecrets:
 * true, SkipInternalKeys: true})` produces for Analyze / AnalyzeStack
 * (sdk/go/common/resource/plugin/analyzer_plugin.go, rpc.go):
 *
 * - secrets keep their wrapper `{sig: secret, value}`: @pulumi/policy's deserializer
 *   unwraps it to the plain value for validation (and keeps a `Secret` for remediations);
 * - resource references are not kept (no KeepResources): a custom resource becomes its
 *   ID, and its ID unknown or empty (always so in a preview of new resources) makes the
 *   value unknown, exactly as the engine's reference → Computed(ID) rule; a component
 *   (a reference without `id`) becomes its URN. The pack's deserializer rejects raw
 *   references ("Unrecognized signature"), so none may reach it;
 * - unknowns stay unknown sentinels, so a policy reading one gets @pulumi/policy's
 *   "can't run policy during preview" advisory, as with `pulumi preview`;
 * - output values (only sent when the monitor supports them) become their value, a
 *   secret wrapper when secret, the unknown sentinel when unknown;
 * - keys starting with `__` (e.g. `__defaults`) are dropped at every object level, as
 *   the engine's recursive marshalling does;
 * - assets and archives pass unchanged.
 */

/** A JSON value, as google.protobuf.Struct carries it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** The key whose value identifies a special object (`runtime/rpc.ts` specialSigKey). */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const RESOURCE_REFERENCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
export const OUTPUT_VALUE_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
export const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
export const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";
/** The unknown sentinel the Node.js SDK sends for any unknown value (the engine's UnknownStringValue). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** A property value the marshalling cannot represent (an unrecognized signature, a function …). */
export class MarshalError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(`${path}: ${message}`);
    this.name = "MarshalError";
  }
}

function isInternalKey(key: string): boolean {
  return key.startsWith("__");
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Checks that a protobuf Struct's JavaScript form is JSON (it always is) and types it so. */
export function asJson(value: unknown): JsonValue {
  if (value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  if (Array.isArray(value)) return value.map(asJson);
  if (isRecord(value)) {
    const out: { [key: string]: JsonValue } = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = asJson(v);
    return out;
  }
  return null;
}

export function asJsonObject(value: unknown): { [key: string]: JsonValue } {
  const json = asJson(value);
  return isRecord(json) ? (json as { [key: string]: JsonValue }) : {};
}

function secret(value: JsonValue): JsonValue {
  return { [SIG_KEY]: SECRET_SIG, value };
}

/** Copies a value as JSON without interpretation (asset and archive contents). */
function plainJson(value: unknown, path: string): JsonValue {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return value;
  if (Array.isArray(value)) return value.map((item, i) => plainJson(item, `${path}[${i}]`));
  if (isRecord(value)) {
    const out: { [key: string]: JsonValue } = {};
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) out[key] = plainJson(item, `${path}.${key}`);
    }
    return out;
  }
  throw new MarshalError(`not a JSON value (${typeof value})`, path);
}

function marshalReference(ref: Record<string, unknown>, path: string): JsonValue {
  const urn = ref.urn;
  if (typeof urn !== "string") throw new MarshalError("malformed resource reference: urn is not a string", path);
  if (!("id" in ref)) return urn; // component resource
  const id = ref.id;
  if (typeof id === "string" && id !== "" && id !== UNKNOWN) return id;
  if (id === undefined || id === null || id === "" || id === UNKNOWN) return UNKNOWN;
  throw new MarshalError("malformed resource reference: id is not a string", path);
}

/** Marshals one property value; `undefined` means "omit it". */
export function marshalValue(value: unknown, path = "value"): JsonValue | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value === "string" || typeof value === "boolean" || typeof value === "number") return value;
  if (Array.isArray(value)) {
    // The engine keeps array positions: an omitted element becomes null.
    return value.map((item, i) => marshalValue(item, `${path}[${i}]`) ?? null);
  }
  if (!isRecord(value)) throw new MarshalError(`not a JSON value (${typeof value})`, path);

  const sig = value[SIG_KEY];
  if (sig === undefined) return marshalObject(value, path);
  switch (sig) {
    case SECRET_SIG: {
      if (!("value" in value)) throw new MarshalError("malformed secret: missing value", path);
      return secret(marshalValue(value.value, `${path}.value`) ?? null);
    }
    case RESOURCE_REFERENCE_SIG:
      return marshalReference(value, path);
    case OUTPUT_VALUE_SIG: {
      const inner = "value" in value ? (marshalValue(value.value, `${path}.value`) ?? null) : UNKNOWN;
      return value.secret === true ? secret(inner) : inner;
    }
    case ASSET_SIG:
    case ARCHIVE_SIG:
      return plainJson(value, path);
    default:
      throw new MarshalError(`unrecognized signature '${String(sig)}'`, path);
  }
}

function marshalObject(value: Record<string, unknown>, path: string): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {};
  for (const key of Object.keys(value).sort()) {
    if (isInternalKey(key)) continue;
    const marshalled = marshalValue(value[key], path === "" ? key : `${path}.${key}`);
    if (marshalled !== undefined) out[key] = marshalled;
  }
  return out;
}

/**
 * A resource's input properties (wire form) → the properties an analyzer receives.
 * Throws MarshalError naming the property path for values the engine would reject.
 */
export function marshalPropertiesForAnalyzer(inputs: Readonly<Record<string, unknown>>): { [key: string]: JsonValue } {
  return marshalObject(inputs, "");
}
