/**
 * Lookout's policy pack. Run by the Pulumi CLI (`pulumi preview --policy-pack policies`)
 * and by `lookout plan`, both over the Analyzer gRPC protocol. One file per rule group;
 * this file only assembles them.
 */
import { PolicyPack } from "@pulumi/policy";
import { alertPolicies } from "./alerts";
import { backupPolicies } from "./backups";
import { boundsPolicies } from "./bounds";
import { dashboardPolicies } from "./dashboards";
import { monitorFactPolicies } from "./monitorFacts";
import { oncallPolicies } from "./oncall";
import { sentryPolicies } from "./sentry";
import { statusPagePolicies } from "./statusPages";
import { uptimePolicies } from "./uptime";

new PolicyPack("lookout-conventions", {
  description: "Monitoring conventions from the guides: tags and runbooks on every check and alert, production check frequency and locations, consistent thresholds, percentile latency alerts, warnings that never page, Datadog monitor queries in their documented forms, missing data reported on paging monitors, urgent alerts paging a PagerDuty service that escalates in time, on-call schedules and escalation deep enough, staging that never pages; backups protected, versioned, encrypted, private, TLS-only and retained; log tiers; P0 checks on the status page; dashboards refreshing no faster than 10 s, each with a UID, title, tags and folder; Sentry rules Sentry accepts on a new organization and that fire when the guides say.",
  policies: [...uptimePolicies, ...alertPolicies, ...monitorFactPolicies, ...oncallPolicies, ...backupPolicies, ...statusPagePolicies, ...dashboardPolicies, ...boundsPolicies, ...sentryPolicies],
});
