/** Calling policy rules directly, as the engine would, and collecting their messages. */
import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";

type Props = Record<string, unknown>;

export function argsFor(props: Props, config: Record<string, unknown>, type: string): ResourceValidationArgs {
  return {
    type,
    props,
    urn: `urn:pulumi:prod::lookout::${type}::checkout-health`,
    name: "checkout-health",
    opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: <T extends object>(): T => config as T,
    notApplicable: (reason?: string): never => {
      throw new Error(`not applicable: ${reason ?? ""}`);
    },
  };
}

/** The messages a policy reports for one resource. */
export async function violations(policy: ResourceValidationPolicy, props: Props, config: Record<string, unknown>, type: string): Promise<string[]> {
  const messages: string[] = [];
  const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
  for (const validate of validations) {
    await validate?.(argsFor(props, config, type), (message: string) => messages.push(message));
  }
  return messages;
}

