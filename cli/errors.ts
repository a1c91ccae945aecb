/** The CLI's typed errors; `cli/commands/exitCodes.ts` maps them to exit codes. */

/** Bad input: catalog, stack config, arguments. The message is for the user, no stack trace. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}
