/**
 * A worker of a sharded plan (see shards.ts). Receives the setup (the stack and its
 * validated catalog) once, then plans one shard per job message: the program under
 * mocks, registering that shard's part. It sends the resources in batches as they
 * register, then the shard's outputs and sources, or why it failed. Exits when the
 * engine closes the channel. Started by `runShards`: compiled, or with tsx registered (compiled.ts).
 */
import { asInputError, runProgram } from "./program";
import type { PlannedResource } from "./resource";
import type { FromWorker, ShardJob, ShardSetup, ToWorker } from "./shards";
import { readStackSettings, type StackSettings } from "./stackConfig";

// Stack traces are not printed here; source-mapping them costs the SDK dearly.
process.setSourceMapsEnabled(false);

/** Resources per message: the engine analyzes them while the shard still runs. */
const BATCH = 250;

function send(message: FromWorker): Promise<void> {
  return new Promise((resolve, reject) => process.send?.(message, undefined, {}, (error) => (error ? reject(error) : resolve())));
}

function failed(error: unknown): FromWorker {
  const input = asInputError(error);
  if (input) return { kind: "failed", input: true, message: input.message };
  return { kind: "failed", input: false, message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
}

async function plan(setup: ShardSetup, settings: StackSettings, job: ShardJob): Promise<FromWorker> {
  try {
    let batch: PlannedResource[] = [];
    const flush = (): void => {
      if (batch.length > 0) void send({ kind: "resources", resources: batch });
      batch = [];
    };
    const run = await runProgram(settings, {
      catalog: setup.catalog,
      shard: { services: new Set(job.services), stackWide: job.stackWide },
      onResource: (resource) => {
        batch.push(resource);
        if (batch.length === BATCH) flush();
      },
    });
    flush();
    return { kind: "done", count: run.resources.length, outputs: run.outputs, sources: [...run.sources], lookups: [...(run.lookups ?? [])] };
  } catch (error) {
    return failed(error);
  }
}

let setup: { setup: ShardSetup; settings: StackSettings } | { error: unknown } | undefined;
process.on("message", (message: ToWorker) => {
  if (message.kind === "setup") {
    try {
      setup = { setup: message, settings: readStackSettings(message.projectRoot, message.stack, message.overrides) };
    } catch (error) {
      setup = { error };
    }
    return;
  }
  const ready = setup;
  const reply = !ready ? Promise.resolve(failed(new Error("a job before the setup"))) : "error" in ready ? Promise.resolve(failed(ready.error)) : plan(ready.setup, ready.settings, message);
  void reply.then(send).catch(() => process.exit(1));
});
process.on("disconnect", () => process.exit(0));
