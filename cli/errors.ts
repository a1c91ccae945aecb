/** The CLI's typed errors, mapped to exit codes in one place (`exitCodeOf`). */

/**
 * Exit codes: 0 success · 1 a mandatory policy was violated · 2 bad input (catalog,
 * config, arguments) · 3 internal error (the program, a policy pack or Lookout crashed).
 */
export const EXIT = { ok: 0, mandatoryViolation: 1, badInput: 2, internal: 3 } as const;

/** Bad input: catalog, stack config, arguments. The message is for the user, no stack trace. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}
