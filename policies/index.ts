/**
 * Lookout's policy pack. Run by the Pulumi CLI (`pulumi preview --policy-pack policies`)
 * and by `lookout plan`, both over the Analyzer gRPC protocol. One file per rule group;
 * this file only assembles them.
 */
import { PolicyPack } from "@pulumi/policy";
import { alertPolicies } from "./alerts";
import { uptimePolicies } from "./uptime";

new PolicyPack("lookout-conventions", {
  description: "Monitoring conventions from the guides: tags and runbooks on every check and alert, production check frequency and locations, consistent thresholds, percentile latency alerts.",
  policies: [...uptimePolicies, ...alertPolicies],
});
