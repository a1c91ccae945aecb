/**
 * One policy pack's session, as the Pulumi CLI's analyzer host runs it: the pack's
 * process started and connected, Handshake → ConfigureStack → GetAnalyzerInfo →
 * Configure, Analyze streamed for each resource (bounded concurrency), AnalyzeStack once,
 * then shutdown. Messages are written and read by analyzerProtocol.ts; the process is
 * started as packProcess.ts describes.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import type * as AnalyzerGrpcPb from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import type * as AnalyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import type * as StructPb from "google-protobuf/google/protobuf/struct_pb";
import { trackChild } from "./cancel";
import { type AnalyzerInfo, AnalyzerMessages, MAX_MESSAGE_BYTES, type Protocol, repeatedField, type UnaryMethod } from "./analyzerProtocol";
import { ENGINE_ADDRESS_PLACEHOLDER, LineBuffer, packEnvironment, type PolicyProject, readPolicyProject, readPortLine } from "./packProcess";
import { type AnalyzeOptions, type PolicyDiagnostic, PolicyPackError, type PolicyPackRun, type ResolvedPolicyConfig } from "./policyTypes";
import type { PlannedResource } from "./resource";

const DEFAULT_START_TIMEOUT_MS = 120_000;
const DEFAULT_RPC_TIMEOUT_MS = 300_000;
const LOG_LINES_KEPT = 1_000;
const STDERR_TAIL_LINES = 40;

export class PackSession {
  private readonly log = new LineBuffer(LOG_LINES_KEPT);
  private readonly stderr = new LineBuffer(STDERR_TAIL_LINES * 4);
  private readonly messages: AnalyzerMessages;
  private exitDescription: string | undefined;
  private closing = false;
  /** AnalyzeStack's entries, serialized as each resource is analyzed. */
  private readonly stackEntries = new Map<string, Uint8Array>();
  private child: ChildProcess | undefined;
  private client: AnalyzerGrpcPb.AnalyzerClient | undefined;
  private project: PolicyProject | undefined;
  startMs = 0;
  info: AnalyzerInfo | undefined;
  config: Record<string, ResolvedPolicyConfig> = {};

  private constructor(
    readonly dir: string,
    private readonly protocol: Protocol,
    private readonly options: AnalyzeOptions,
  ) {
    this.messages = new AnalyzerMessages(protocol, dir, (message) => this.fail(message));
  }

  /** A session for the pack folder; nothing runs until `start`. */
  static create(packDir: string, protocol: Protocol, options: AnalyzeOptions): PackSession {
    return new PackSession(path.resolve(packDir), protocol, options);
  }

  private fail(message: string): PolicyPackError {
    this.stderr.flush();
    return new PolicyPackError(this.dir, message, this.stderr.tail(STDERR_TAIL_LINES));
  }

  /** Spawns the pack, reads its port line and connects. */
  async start(): Promise<void> {
    this.project = readPolicyProject(this.dir);
    let runner: string;
    try {
      runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [this.dir] });
    } catch {
      throw new PolicyPackError(this.dir, `cannot resolve @pulumi/pulumi/cmd/run-policy-pack from the pack: its dependencies look missing; run npm install in ${this.dir}`);
    }
    // The pack ends with this process even when this one is SIGKILLed (exitWithParent.js, PF-FAST-4).
    const args = ["--require", path.join(__dirname, "exitWithParent.js"), runner, ENGINE_ADDRESS_PLACEHOLDER, "."];
    for (const [key, value] of Object.entries(this.project.runtimeOptions)) {
      const text = String(value);
      if (text !== "") args.push(`-${key}=${text}`);
    }

    const started = Date.now();
    const child = spawn(process.execPath, args, { cwd: this.dir, env: packEnvironment(this.options, runner), stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    // Stopped on SIGINT/SIGTERM and when this process exits (cancel.ts).
    trackChild(child);
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      this.stderr.push(chunk);
      this.log.push(chunk);
    });
    child.on("exit", (code, signal) => {
      this.exitDescription = signal ? `was killed by ${signal}` : `exited with code ${code ?? "?"}`;
    });

    const port = await readPortLine(child, this.options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS, this.log, (message) => this.fail(message));
    this.startMs = Date.now() - started;

    const { grpc, rpc } = this.protocol;
    const client = new rpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
      "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
      "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
    });
    this.client = client;
    await new Promise<void>((resolve, reject) => {
      client.waitForReady(Date.now() + 10_000, (err) => (err ? reject(this.fail(`gRPC server on port ${port} not reachable: ${err.message}`)) : resolve()));
    });
  }

  /** One unary call; UNIMPLEMENTED resolves to undefined when `optional`. */
  private call<Req, Res>(what: string, method: UnaryMethod<Req, Res>, request: Req, optional: true): Promise<Res | undefined>;
  private call<Req, Res>(what: string, method: UnaryMethod<Req, Res>, request: Req, optional?: false): Promise<Res>;
  private call<Req, Res>(what: string, method: UnaryMethod<Req, Res>, request: Req, optional = false): Promise<Res | undefined> {
    const { grpc } = this.protocol;
    const deadline = Date.now() + (this.options.rpcTimeoutMs ?? DEFAULT_RPC_TIMEOUT_MS);
    return new Promise((resolve, reject) => {
      method(request, new grpc.Metadata(), { deadline }, (error, response) => {
        if (!error) return resolve(response);
        if (optional && error.code === grpc.status.UNIMPLEMENTED) return resolve(undefined);
        // Let an exit event land first so the message says the process died.
        setTimeout(() => {
          if (this.exitDescription !== undefined && !this.closing) reject(this.fail(`${this.exitDescription} during ${what}`));
          else reject(this.fail(`${what} failed: ${error.details || error.message}`));
        }, 50);
      });
    });
  }

  private get rpc(): AnalyzerGrpcPb.AnalyzerClient {
    if (!this.client) throw new PolicyPackError(this.dir, "not connected");
    return this.client;
  }

  /** Handshake, ConfigureStack, GetAnalyzerInfo. */
  async describe(): Promise<void> {
    const { pb, empty } = this.protocol;
    const o = this.options;

    const handshake = new pb.AnalyzerHandshakeRequest();
    handshake.setEngineAddress(ENGINE_ADDRESS_PLACEHOLDER);
    handshake.setRootDirectory(this.dir);
    handshake.setProgramDirectory(this.dir);
    await this.call("Handshake", this.rpc.handshake.bind(this.rpc), handshake, true);

    const stack = new pb.AnalyzerStackConfigureRequest();
    stack.setStack(o.stack);
    stack.setProject(o.project);
    stack.setOrganization(o.organization ?? "");
    stack.setDryRun(o.dryRun);
    for (const [key, value] of Object.entries(o.config ?? {}).sort(([a], [b]) => a.localeCompare(b))) stack.getConfigMap().set(key, value);
    stack.setConfigSecretKeysList([...(o.configSecretKeys ?? [])].sort());
    for (const [key, value] of Object.entries(o.stackTags ?? {})) stack.getTagsMap().set(key, value);
    await this.call("ConfigureStack", this.rpc.configureStack.bind(this.rpc), stack, true);

    const info = await this.call("GetAnalyzerInfo", this.rpc.getAnalyzerInfo.bind(this.rpc), new empty.Empty());
    this.info = this.messages.info(info, this.project?.version);
  }

  /** Configure with the reconciled config (the CLI skips the call when it is empty). */
  async configure(): Promise<void> {
    const request = this.messages.configure(this.config);
    if (request) await this.call("Configure", this.rpc.configure.bind(this.rpc), request);
  }

  /**
   * Analyze for each resource as it is added, `concurrency` calls in flight. `byUrn`
   * must hold a resource's provider by the time the resource is added (providers
   * register before the resources that use them). After the first failed call no
   * further call starts; `done` rejects with that failure once the calls in flight end.
   */
  analyzer(byUrn: ReadonlyMap<string, PlannedResource>, concurrency: number, progress: () => void): { add(resource: PlannedResource): void; done(): Promise<PolicyDiagnostic[]> } {
    const queue: (PlannedResource | undefined)[] = [];
    const found: PolicyDiagnostic[] = [];
    let head = 0;
    let active = 0;
    let failure: { error: unknown } | undefined;
    let closed = false;
    let settle: (() => void) | undefined;
    const analyzeOne = async (resource: PlannedResource): Promise<PolicyDiagnostic[]> => {
      const request = this.messages.analyze(resource, byUrn);
      this.stackEntries.set(resource.urn, this.messages.stackEntry(resource, byUrn, request.getProperties() as StructPb.Struct));
      const response = await this.call(`Analyze(${resource.urn})`, this.rpc.analyze.bind(this.rpc), request);
      return this.messages.diagnostics(response, resource.urn, this.project?.version);
    };
    const pump = (): void => {
      while (failure === undefined && active < concurrency && head < queue.length) {
        const resource = queue[head] as PlannedResource;
        queue[head++] = undefined; // analyzed resources are not kept here
        active++;
        analyzeOne(resource)
          .then(
            (diagnostics) => {
              found.push(...diagnostics);
              progress();
            },
            (error: unknown) => {
              failure ??= { error };
            },
          )
          .finally(() => {
            active--;
            pump();
          });
      }
      if (active === 0 && (failure !== undefined || (closed && head === queue.length))) settle?.();
    };
    return {
      add: (resource) => {
        if (closed) throw new Error("resources added after the last");
        queue.push(resource);
        pump();
      },
      done: () =>
        new Promise<PolicyDiagnostic[]>((resolve, reject) => {
          closed = true;
          settle = () => (failure ? reject(failure.error) : resolve(found));
          pump();
        }),
    };
  }

  /**
   * AnalyzeStack once with every resource, in `resources`' order (UNIMPLEMENTED: no
   * stack policies). The request is written from the entries serialized at Analyze
   * time (AnalyzeStackRequest is `repeated AnalyzerResource resources = 1`): a stack of
   * 20,000 resources as protobuf objects all at once would take a gigabyte.
   */
  async analyzeStack(resources: readonly PlannedResource[], byUrn: ReadonlyMap<string, PlannedResource>): Promise<PolicyDiagnostic[]> {
    const entries = resources.map((resource) => {
      const entry = this.stackEntries.get(resource.urn) ?? this.messages.stackEntry(resource, byUrn, this.messages.properties(resource));
      this.stackEntries.delete(resource.urn);
      return entry;
    });
    const request = repeatedField(1, entries);
    const definition = this.protocol.rpc.AnalyzerService.analyzeStack;
    const client = this.rpc;
    const send: UnaryMethod<Buffer, AnalyzerPb.AnalyzeResponse> = (req, metadata, options, callback) =>
      client.makeUnaryRequest(definition.path, (buffer: Buffer) => buffer, definition.responseDeserialize, req, metadata, options, (error, response) =>
        callback(error, response as AnalyzerPb.AnalyzeResponse),
      );
    const response = await this.call("AnalyzeStack", send, request, true);
    return response ? this.messages.diagnostics(response, undefined, this.project?.version) : [];
  }

  run(): PolicyPackRun {
    if (!this.info) throw new PolicyPackError(this.dir, "not described");
    this.log.flush();
    return {
      dir: this.dir,
      name: this.info.name,
      version: this.info.version,
      ...(this.info.displayName ? { displayName: this.info.displayName } : {}),
      policies: this.info.policies,
      config: this.config,
      startMs: this.startMs,
      log: this.log.all(),
    };
  }

  /** Closes the client and stops the process (SIGTERM, then SIGKILL after 2 s). */
  async close(): Promise<void> {
    this.closing = true;
    this.client?.close();
    this.client = undefined;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
      }, 2_000);
      child.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill("SIGTERM");
    });
  }
}
