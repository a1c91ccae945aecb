/** Option parsers and checks the commands share: each rejects a bad value as bad input. */
import { InvalidArgumentError, Option } from "commander";
import { InputError } from "../errors";

/** A whole number of at least 1 (`--shards`, `--jobs`). */
export function positiveInteger(flag: string, value: string): number {
  if (!/^[1-9][0-9]*$/.test(value)) throw new InvalidArgumentError(`${flag} takes a whole number of at least 1, got "${value}"`);
  return Number(value);
}

/** A number from 0 to 100 (`--mass-removal-percent`). */
export function percent(value: string): number {
  if (!/^[0-9]+(\.[0-9]+)?$/.test(value) || Number(value) > 100) throw new InvalidArgumentError(`--mass-removal-percent takes a number from 0 to 100, got "${value}"`);
  return Number(value);
}

/** Symlinks in the catalog or config files may lead outside the project. */
export function allowOutsideProject(): Option {
  return new Option("--allow-outside-project", "follow symlinks that lead outside the project (the folder of Pulumi.yaml)");
}

/** A repeatable option's values, in order. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `value` is one of `allowed`, or bad input naming `option`. */
export function oneOf(value: string, allowed: readonly string[], option: string): void {
  if (!allowed.includes(value)) throw new InputError(`${option} must be one of ${allowed.join(", ")}, not "${value}"`);
}
