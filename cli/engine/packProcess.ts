/**
 * A policy pack's process as the Pulumi CLI starts it (pkg/resource/plugin/analyzer_plugin.go,
 * constructEnv): its PulumiPolicy.yaml, its environment, and the port line it prints
 * before it serves the Analyzer protocol.
 */
import type { ChildProcessByStdio } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Readable } from "node:stream";
import { parse as parseYaml } from "yaml";
import { isRecord } from "./marshal";
import { type AnalyzeOptions, PolicyPackError } from "./policyTypes";

/**
 * run-policy-pack takes the engine address as its first argument and drops it
 * (`argv._.shift()`); the SDK's log module only dials PULUMI_NODEJS_ENGINE, which the CLI
 * does not set for analyzers. So a pack's log output goes to its own stdout/stderr and
 * no Engine service is needed: any non-flag placeholder works.
 */
export const ENGINE_ADDRESS_PLACEHOLDER = "127.0.0.1:0";

/** Keeps the last `max` lines. */
export class LineBuffer {
  private readonly lines: string[] = [];
  private partial = "";
  constructor(private readonly max: number) {}
  push(chunk: string): void {
    const parts = (this.partial + chunk).split(/\r?\n/);
    this.partial = parts.pop() ?? "";
    for (const line of parts) this.add(line);
  }
  flush(): void {
    if (this.partial !== "") this.add(this.partial);
    this.partial = "";
  }
  private add(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.max) this.lines.shift();
  }
  all(): string[] {
    return [...this.lines];
  }
  tail(n: number): string {
    return this.lines.slice(-n).join("\n");
  }
}

export interface PolicyProject {
  readonly runtime: string;
  readonly runtimeOptions: Readonly<Record<string, unknown>>;
  readonly version?: string;
}

export function readPolicyProject(packDir: string): PolicyProject {
  const file = path.join(packDir, "PulumiPolicy.yaml");
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw new PolicyPackError(packDir, `no PulumiPolicy.yaml in ${packDir}: not a policy pack`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new PolicyPackError(packDir, `PulumiPolicy.yaml does not parse: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!isRecord(doc)) throw new PolicyPackError(packDir, "PulumiPolicy.yaml is not a mapping");
  const runtime = doc.runtime;
  const name = typeof runtime === "string" ? runtime : isRecord(runtime) && typeof runtime.name === "string" ? runtime.name : undefined;
  if (name === undefined) throw new PolicyPackError(packDir, "PulumiPolicy.yaml has no runtime");
  if (name !== "nodejs") throw new PolicyPackError(packDir, `runtime "${name}" is not supported offline (only nodejs packs run without the Pulumi CLI)`);
  const options = isRecord(runtime) && isRecord(runtime.options) ? runtime.options : {};
  const version = typeof doc.version === "string" && doc.version !== "" ? doc.version : undefined;
  return { runtime: name, runtimeOptions: options, version };
}

/** The pack's environment, as the CLI builds it for a nodejs analyzer. */
export function packEnvironment(o: AnalyzeOptions, runner: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // The CLI does not hand analyzers an engine or monitor; a value inherited from a
  // surrounding Pulumi program would make the pack's log calls dial it.
  delete env.PULUMI_NODEJS_ENGINE;
  delete env.PULUMI_NODEJS_MONITOR;
  const nodeModules = runner.slice(0, runner.lastIndexOf(`${path.sep}node_modules${path.sep}`) + `${path.sep}node_modules`.length);
  env.TS_NODE_CACHE_DIRECTORY = o.tsNodeCacheDirectory ?? process.env.TS_NODE_CACHE_DIRECTORY ?? path.join(nodeModules, ".cache", "lookout-ts-node");
  // What the CLI's constructEnv sets for nodejs packs.
  const set = (key: string, value: string | undefined): void => {
    if (value !== undefined && value !== "") env[key] = value;
  };
  set("PULUMI_CONFIG", o.config && Object.keys(o.config).length > 0 ? JSON.stringify(o.config) : undefined);
  for (const prefix of ["PULUMI_NODEJS_", "PULUMI_"]) {
    set(`${prefix}ORGANIZATION`, o.organization);
    set(`${prefix}PROJECT`, o.project);
    set(`${prefix}STACK`, o.stack);
    set(`${prefix}DRY_RUN`, String(o.dryRun));
  }
  return env;
}

/**
 * The pack's first stdout line, its gRPC port; its later output goes to `log`. Kills the
 * pack when it prints something else first or nothing within `timeoutMs`.
 */
export function readPortLine(child: ChildProcessByStdio<null, Readable, Readable>, timeoutMs: number, log: LineBuffer, fail: (message: string) => PolicyPackError): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let buffered = "";
    let settled = false;
    const finish = (error: PolicyPackError | undefined, value?: number): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.stdout.off("data", onData);
      child.off("exit", onExit);
      child.off("error", onError);
      // Later stdout is the pack's own output (console.log in policies).
      child.stdout.on("data", (chunk: string) => log.push(chunk));
      if (error) reject(error);
      else resolve(value ?? 0);
    };
    const onData = (chunk: string): void => {
      buffered += chunk;
      const newline = buffered.indexOf("\n");
      if (newline < 0) return;
      const first = buffered.slice(0, newline).trim();
      log.push(buffered.slice(newline + 1));
      if (/^\d+$/.test(first) && Number(first) > 0 && Number(first) < 65536) {
        finish(undefined, Number(first));
      } else {
        child.kill("SIGKILL");
        finish(fail(`printed ${JSON.stringify(first.slice(0, 200))} where its gRPC port was expected (nothing may print before the port line)`));
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      // Let stderr drain before reporting.
      setImmediate(() => finish(fail(`${signal ? `was killed by ${signal}` : `exited with code ${code ?? "?"}`} before printing its gRPC port`)));
    };
    const onError = (err: Error): void => finish(fail(`could not start node: ${err.message}`));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      finish(fail(`printed no gRPC port within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", onData);
    child.on("exit", onExit);
    child.on("error", onError);
  });
}
