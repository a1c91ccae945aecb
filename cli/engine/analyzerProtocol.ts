/**
 * The Analyzer gRPC protocol as the Pulumi CLI speaks it to a policy pack
 * (pulumi/pulumi proto/pulumi/analyzer.proto, sdk/go/common/resource/plugin/analyzer_plugin.go):
 * the generated client and messages, loaded through @pulumi/pulumi, and the marshalling
 * of planned resources, policies and diagnostics to and from them. No process, no I/O.
 */
import * as path from "node:path";
import type * as Grpc from "@grpc/grpc-js";
import type * as AnalyzerGrpcPb from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import type * as AnalyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import type * as EmptyPb from "google-protobuf/google/protobuf/empty_pb";
import type * as StructPb from "google-protobuf/google/protobuf/struct_pb";
import { asJsonObject, marshalPropertiesForAnalyzer } from "./marshal";
import { ENFORCEMENT_LEVELS } from "./policyConfig";
import { type EnforcementLevel, type PolicyDiagnostic, type PolicyInfo, PolicyPackError, type PolicySeverity, type ResolvedPolicyConfig, type UserPolicyConfig } from "./policyTypes";
import { parseUrn, type PlannedResource } from "./resource";

// Protocol modules, loaded through @pulumi/pulumi so that google-protobuf and grpc-js are
// the very copies its generated code uses (jspb checks `instanceof` on messages).
export interface Protocol {
  readonly pb: typeof AnalyzerPb;
  readonly rpc: typeof AnalyzerGrpcPb;
  readonly struct: typeof StructPb;
  readonly empty: typeof EmptyPb;
  readonly grpc: typeof Grpc;
}

let protocolCache: Protocol | undefined;

export function loadProtocol(): Protocol {
  if (protocolCache) return protocolCache;
  const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
  const load = (id: string): unknown => require(require.resolve(id, { paths: [pulumiDir] }));
  protocolCache = {
    pb: load("@pulumi/pulumi/proto/analyzer_pb.js") as typeof AnalyzerPb,
    rpc: load("@pulumi/pulumi/proto/analyzer_grpc_pb.js") as typeof AnalyzerGrpcPb,
    struct: load("google-protobuf/google/protobuf/struct_pb.js") as typeof StructPb,
    empty: load("google-protobuf/google/protobuf/empty_pb.js") as typeof EmptyPb,
    grpc: load("@grpc/grpc-js") as typeof Grpc,
  };
  return protocolCache;
}

/** gRPC message size limit, as the CLI sets it (400 MB; AnalyzeStack carries every resource). */
export const MAX_MESSAGE_BYTES = 400 * 1024 * 1024;

export type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: Grpc.Metadata,
  options: Partial<Grpc.CallOptions>,
  callback: (error: Grpc.ServiceError | null, response: Res) => void,
) => Grpc.ClientUnaryCall;

/** `"<urn>::<id>"` → its URN (the id follows the last `::`). */
function providerUrnOf(reference: string): string {
  const sep = reference.lastIndexOf("::");
  return sep < 0 ? reference : reference.slice(0, sep);
}

/** A protobuf message made of one repeated message field: each entry as tag, length, bytes. */
export function repeatedField(field: number, entries: readonly Uint8Array[]): Buffer {
  const tag = (field << 3) | 2; // wire type 2: length-delimited
  const varint = (n: number, out: number[]): void => {
    while (n > 0x7f) {
      out.push((n & 0x7f) | 0x80);
      n = Math.floor(n / 128);
    }
    out.push(n);
  };
  const heads = entries.map((entry) => {
    const head: number[] = [];
    varint(tag, head);
    varint(entry.length, head);
    return head;
  });
  const buffer = Buffer.allocUnsafe(entries.reduce((sum, entry, i) => sum + heads[i].length + entry.length, 0));
  let at = 0;
  entries.forEach((entry, i) => {
    for (const byte of heads[i]) buffer[at++] = byte;
    buffer.set(entry, at);
    at += entry.length;
  });
  return buffer;
}

/** What GetAnalyzerInfo declares, in this module's terms. */
export interface AnalyzerInfo {
  readonly name: string;
  readonly version: string;
  readonly displayName?: string;
  /** Sorted by name. */
  readonly policies: PolicyInfo[];
  readonly initialConfig: Map<string, UserPolicyConfig>;
}

/**
 * One pack's messages: requests written from planned resources and config, responses
 * read into diagnostics and policies. Keeps the provider messages it wrote (a stack has
 * few providers and many resources).
 */
export class AnalyzerMessages {
  /** Provider messages by provider URN. */
  private readonly providers = new Map<string, AnalyzerPb.AnalyzerProviderResource>();

  constructor(
    private readonly protocol: Protocol,
    /** The pack folder, for errors. */
    private readonly dir: string,
    /** The error for a response the pack should not have sent (with the pack's stderr). */
    private readonly fail: (message: string) => Error,
  ) {}

  info(info: AnalyzerPb.AnalyzerInfo, version: string | undefined): AnalyzerInfo {
    const policies = info
      .getPoliciesList()
      .map((p): PolicyInfo => {
        const schema = p.getConfigschema();
        const displayName = p.getDisplayname();
        return {
          name: p.getName(),
          ...(displayName ? { displayName } : {}),
          description: p.getDescription(),
          enforcementLevel: this.levelOf(p.getEnforcementlevel()),
          severity: this.severityOf(p.getSeverity()),
          ...(schema
            ? {
                configSchema: {
                  properties: Object.fromEntries(Object.entries(asJsonObject(schema.getProperties()?.toJavaScript() ?? {})).map(([k, v]) => [k, asJsonObject(v)])),
                  ...(schema.getRequiredList().length > 0 ? { required: schema.getRequiredList() } : {}),
                },
              }
            : {}),
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
    // An initial-config entry without a level reads as ADVISORY (the proto default), as
    // the CLI reads it too; kept so that both agree.
    const initialConfig = new Map<string, UserPolicyConfig>();
    info.getInitialconfigMap().forEach((value, key) => {
      initialConfig.set(key, { enforcementLevel: this.levelOf(value.getEnforcementlevel()), properties: asJsonObject(value.getProperties()?.toJavaScript() ?? {}) });
    });
    const displayName = info.getDisplayname();
    return {
      name: info.getName(),
      version: version ?? info.getVersion(),
      ...(displayName ? { displayName } : {}),
      policies,
      initialConfig,
    };
  }

  private levelOf(level: AnalyzerPb.EnforcementLevel): EnforcementLevel {
    const found = ENFORCEMENT_LEVELS.find((name) => this.levelToProto(name) === level);
    if (found === undefined) throw this.fail(`unknown enforcement level ${String(level)}`);
    return found;
  }

  private levelToProto(level: EnforcementLevel): AnalyzerPb.EnforcementLevel {
    const { EnforcementLevel } = this.protocol.pb;
    return { advisory: EnforcementLevel.ADVISORY, mandatory: EnforcementLevel.MANDATORY, remediate: EnforcementLevel.REMEDIATE, disabled: EnforcementLevel.DISABLED }[level];
  }

  private severityOf(severity: AnalyzerPb.PolicySeverity): PolicySeverity {
    const { PolicySeverity } = this.protocol.pb;
    switch (severity) {
      case PolicySeverity.POLICY_SEVERITY_LOW:
        return "low";
      case PolicySeverity.POLICY_SEVERITY_MEDIUM:
        return "medium";
      case PolicySeverity.POLICY_SEVERITY_HIGH:
        return "high";
      case PolicySeverity.POLICY_SEVERITY_CRITICAL:
        return "critical";
      default:
        return "";
    }
  }

  /** Configure's request; undefined for an empty config (the CLI then skips the call). */
  configure(config: Readonly<Record<string, ResolvedPolicyConfig>>): AnalyzerPb.ConfigureAnalyzerRequest | undefined {
    const { pb, struct } = this.protocol;
    const names = Object.keys(config).sort();
    if (names.length === 0) return undefined;
    const request = new pb.ConfigureAnalyzerRequest();
    for (const name of names) {
      const entry = config[name];
      const policyConfig = new pb.PolicyConfig();
      policyConfig.setEnforcementlevel(this.levelToProto(entry.enforcementLevel));
      policyConfig.setProperties(struct.Struct.fromJavaScript({ ...entry.properties }));
      request.getPolicyconfigMap().set(name, policyConfig);
    }
    return request;
  }

  private resourceOptions(resource: PlannedResource): AnalyzerPb.AnalyzerResourceOptions {
    const { pb } = this.protocol;
    const options = new pb.AnalyzerResourceOptions();
    options.setProtect(resource.protect);
    options.setIgnorechangesList([...(resource.ignoreChanges ?? [])]);
    options.setDeletebeforereplacedefined(resource.deleteBeforeReplace !== undefined);
    options.setDeletebeforereplace(resource.deleteBeforeReplace ?? false);
    options.setAdditionalsecretoutputsList([...(resource.additionalSecretOutputs ?? [])]);
    options.setAliasesList([...(resource.aliases ?? [])]);
    const timeouts = new pb.AnalyzerResourceOptions.CustomTimeouts();
    timeouts.setCreate(resource.customTimeouts?.create ?? 0);
    timeouts.setUpdate(resource.customTimeouts?.update ?? 0);
    timeouts.setDelete(resource.customTimeouts?.delete ?? 0);
    options.setCustomtimeouts(timeouts);
    options.setParent(resource.parent ?? "");
    return options;
  }

  properties(resource: PlannedResource): StructPb.Struct {
    try {
      return this.protocol.struct.Struct.fromJavaScript(marshalPropertiesForAnalyzer(resource.inputs));
    } catch (e) {
      throw new PolicyPackError(this.dir, `cannot marshal the properties of ${resource.urn}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private providerOf(resource: PlannedResource, byUrn: ReadonlyMap<string, PlannedResource>): AnalyzerPb.AnalyzerProviderResource | undefined {
    if (!resource.provider) return undefined;
    const urn = providerUrnOf(resource.provider);
    const cached = this.providers.get(urn);
    if (cached) return cached;
    const found = byUrn.get(urn);
    const parsed = parseUrn(urn);
    const provider = new this.protocol.pb.AnalyzerProviderResource();
    provider.setUrn(urn);
    provider.setType(found?.type ?? parsed?.type ?? "");
    provider.setName(found?.name ?? parsed?.name ?? "");
    provider.setProperties(found ? this.properties(found) : new this.protocol.struct.Struct());
    this.providers.set(urn, provider);
    return provider;
  }

  /** Analyze's request for one resource; its provider must be in `byUrn` by now. */
  analyze(resource: PlannedResource, byUrn: ReadonlyMap<string, PlannedResource>): AnalyzerPb.AnalyzeRequest {
    const request = new this.protocol.pb.AnalyzeRequest();
    request.setUrn(resource.urn);
    request.setType(resource.type);
    request.setName(resource.name);
    request.setProperties(this.properties(resource));
    request.setOptions(this.resourceOptions(resource));
    const provider = this.providerOf(resource, byUrn);
    if (provider) request.setProvider(provider);
    return request;
  }

  /** A resource as AnalyzeStack carries it, serialized (kept small until the stack is sent). */
  stackEntry(resource: PlannedResource, byUrn: ReadonlyMap<string, PlannedResource>, properties: StructPb.Struct): Uint8Array {
    const { pb } = this.protocol;
    const r = new pb.AnalyzerResource();
    r.setUrn(resource.urn);
    r.setType(resource.type);
    r.setName(resource.name);
    r.setProperties(properties);
    r.setOptions(this.resourceOptions(resource));
    const provider = this.providerOf(resource, byUrn);
    if (provider) r.setProvider(provider);
    r.setParent(resource.parent ?? "");
    r.setDependenciesList([...resource.dependencies]);
    for (const [key, urns] of Object.entries(resource.propertyDependencies ?? {})) {
      if (urns.length === 0) continue; // as the engine: properties without dependencies are left out
      const deps = new pb.AnalyzerPropertyDependencies();
      deps.setUrnsList([...urns]);
      r.getPropertydependenciesMap().set(key, deps);
    }
    return r.serializeBinary();
  }

  diagnostics(response: AnalyzerPb.AnalyzeResponse, defaultUrn: string | undefined, packVersion: string | undefined): PolicyDiagnostic[] {
    return response.getDiagnosticsList().map((d) => {
      const urn = d.getUrn() || defaultUrn;
      return {
        pack: d.getPolicypackname(),
        packVersion: packVersion ?? d.getPolicypackversion(),
        policy: d.getPolicyname(),
        description: d.getDescription(),
        message: d.getMessage(),
        enforcementLevel: this.levelOf(d.getEnforcementlevel()),
        severity: this.severityOf(d.getSeverity()),
        ...(urn ? { urn } : {}),
      };
    });
  }
}
