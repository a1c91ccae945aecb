/**
 * Exit codes, and the one place they are decided: each command resolves to its code, and
 * an error it throws maps to one here (`exitCodeOf`). `cli/main.ts` only wires commander.
 */
import { CommanderError } from "commander";
import { InputError } from "../errors";
import { isCancelling } from "../engine/cancel";

/**
 * Exit codes: 0 success · 1 a mandatory policy was violated · 2 bad input (catalog,
 * config, arguments) · 3 internal error (the program, a policy pack or Lookout crashed).
 */
export const EXIT = { ok: 0, mandatoryViolation: 1, badInput: 2, internal: 3 } as const;

/** Runs a command line; resolves to the command's exit code (0 when none ran), or its error's. */
export async function exitCodeOf(run: () => Promise<number | undefined>): Promise<number> {
  try {
    return (await run()) ?? EXIT.ok;
  } catch (error) {
    // Stopped by SIGINT/SIGTERM: what failed is what the signal stopped, no error to report; cancel.ts exits.
    if (isCancelling()) return new Promise<number>(() => undefined);
    return reportError(error);
  }
}

function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    return error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.exitCode === 0
      ? EXIT.ok
      : EXIT.badInput;
  }
  if (error instanceof InputError) {
    process.stderr.write(`error: ${error.message}\n`);
    return EXIT.badInput;
  }
  // Not the user's input: a crash of the program, a policy pack or Lookout itself.
  process.stderr.write(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return EXIT.internal;
}
