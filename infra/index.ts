// Entry point of the Pulumi program (Pulumi.yaml: main: infra/). The Pulumi runtime
// calls the exported function and publishes what it returns as the stack's outputs.
import { lookout } from "./program";

export = lookout;
