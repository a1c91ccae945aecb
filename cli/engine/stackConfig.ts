/**
 * Reads a Pulumi project and a stack's config files as the Pulumi CLI does: `Pulumi.yaml`
 * for the project name and config declarations, `Pulumi.<stack>.yaml` for values.
 * Values written `secure:` cannot be decrypted offline: they become secrets whose value
 * is a placeholder, so the program sees a secret exactly where `pulumi up` would.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { FileRefusal, readConfigFile } from "../../catalog/files";
import { pulumiProjectAbove } from "../../catalog/projectRoot";
import { InputError } from "../errors";

export const SECRET_PLACEHOLDER = "[secret]";

export interface StackSettings {
  readonly projectRoot: string;
  readonly project: string;
  readonly stack: string;
  /** Namespaced keys (`lookout:catalog`, `datadog:apiUrl`) to string values. */
  readonly config: Readonly<Record<string, string>>;
  readonly secretKeys: readonly string[];
}

/** The nearest folder from `start` upwards that holds a Pulumi.yaml. */
export function findProjectRoot(start: string): string {
  const root = pulumiProjectAbove(start);
  if (root === undefined) throw new InputError(`no Pulumi.yaml in ${start} or any folder above it`);
  return root;
}

/** Stack config `lookout:allowOutsideProject` (or `--allow-outside-project`): symlinks may lead out of the project. */
export const ALLOW_OUTSIDE_PROJECT = "lookout:allowOutsideProject";

/** A user's file read safely (catalog/files.ts): a refusal is bad input, one line. */
export function readUserConfigFile(file: string, projectRoot: string, allowOutside: boolean): string {
  try {
    return readConfigFile(file, { roots: [projectRoot], allowOutside });
  } catch (error) {
    if (error instanceof FileRefusal) throw new InputError(`${error.file}:1:1  ${error.reason}`);
    throw error;
  }
}

function readYaml(file: string, projectRoot: string, allowOutside: boolean): Record<string, unknown> {
  const text = readUserConfigFile(file, projectRoot, allowOutside);
  try {
    const data: unknown = parse(text) ?? {};
    if (typeof data !== "object" || Array.isArray(data)) throw new Error("expected a mapping");
    return data as Record<string, unknown>;
  } catch (error) {
    throw new InputError(`${file}: ${(error as Error).message.split("\n")[0]}`);
  }
}

/** Config values as the Pulumi CLI hands them to a program: strings, structured values as JSON. */
function configString(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function isSecure(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && "secure" in value;
}

export function readStackSettings(projectRoot: string, stack: string, overrides: Readonly<Record<string, string>> = {}): StackSettings {
  if (!/^[A-Za-z0-9_.-]+$/.test(stack)) throw new InputError(`invalid stack name "${stack}"`);
  const allowOutside = overrides[ALLOW_OUTSIDE_PROJECT] === "true";
  const projectFile = readYaml(path.join(projectRoot, "Pulumi.yaml"), projectRoot, allowOutside);
  const project = projectFile.name;
  if (typeof project !== "string" || project === "") throw new InputError(`${path.join(projectRoot, "Pulumi.yaml")}: missing project name`);
  const stackFile = path.join(projectRoot, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(stackFile)) {
    const known = fs.readdirSync(projectRoot).flatMap((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1] ?? []);
    throw new InputError(`no stack "${stack}": ${path.relative(process.cwd(), stackFile)} does not exist (stacks: ${known.join(", ") || "none"})`);
  }
  const namespaced = (key: string) => (key.includes(":") ? key : `${project}:${key}`);

  const config: Record<string, string> = {};
  const secretKeys = new Set<string>();
  // Declared defaults first (Pulumi.yaml `config:`), then the stack's values, then overrides.
  const declared = projectFile.config;
  if (declared && typeof declared === "object") {
    for (const [key, spec] of Object.entries(declared)) {
      if (spec && typeof spec === "object" && "default" in spec) config[namespaced(key)] = configString(spec.default);
      else if (spec && typeof spec === "object" && "value" in spec) config[namespaced(key)] = configString(spec.value);
    }
  }
  const values = readYaml(stackFile, projectRoot, allowOutside).config;
  if (values !== undefined && (typeof values !== "object" || values === null || Array.isArray(values))) {
    throw new InputError(`${stackFile}: "config" must be a mapping`);
  }
  for (const [key, value] of Object.entries(values ?? {})) {
    if (isSecure(value)) {
      config[namespaced(key)] = SECRET_PLACEHOLDER;
      secretKeys.add(namespaced(key));
    } else {
      config[namespaced(key)] = configString(value);
    }
  }
  for (const [key, value] of Object.entries(overrides)) {
    config[namespaced(key)] = value;
    secretKeys.delete(namespaced(key));
  }
  return { projectRoot, project, stack, config, secretKeys: [...secretKeys].sort() };
}
