/**
 * A worker of a sharded plan (see shards.ts): receives one ShardJob over IPC, runs the
 * program for that shard under mocks and sends back its registrations, or why it
 * failed. Started by `runShards` with tsx registered.
 */
import { readStackSettings } from "./stackConfig";
import { asInputError, runProgram } from "./program";
import type { ShardJob, ShardMessage } from "./shards";

// Stack traces are not printed here; source-mapping them costs the SDK dearly.
process.setSourceMapsEnabled(false);

const PROGRESS_EVERY = 250;

function send(message: ShardMessage): Promise<void> {
  return new Promise((resolve, reject) => process.send?.(message, undefined, {}, (error) => (error ? reject(error) : resolve())));
}

async function plan(job: ShardJob): Promise<ShardMessage> {
  try {
    const settings = readStackSettings(job.projectRoot, job.stack, job.overrides);
    const run = await runProgram(settings, {
      shard: { services: new Set(job.services), stackWide: job.stackWide },
      onRegister: (count) => {
        if (count % PROGRESS_EVERY === 0) void send({ kind: "progress", registered: count });
      },
    });
    return { kind: "done", resources: run.resources, outputs: run.outputs, sources: [...run.sources] };
  } catch (error) {
    const input = asInputError(error);
    if (input) return { kind: "failed", input: true, message: input.message };
    return { kind: "failed", input: false, message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
}

process.once("message", (job: ShardJob) => {
  void plan(job)
    .then(send)
    .then(() => process.exit(0))
    .catch(() => process.exit(1));
});
