/**
 * Alerts: one Datadog monitor per catalog alert, grouped per service. Names derive from
 * service and alert keys, never positions.
 */
import * as datadog from "@pulumi/datadog";
import * as pulumi from "@pulumi/pulumi";
import type { Service } from "../../catalog/model";
import { type NotifyTargets, routeDependencies } from "../notify/routes";
import { idsByKey, mergeRecords } from "../stack/outputs";
import { monitorArgs } from "./monitors";
import { rawAlertDependencies, rawMonitorArgs } from "./rawMonitors";
import { sourced } from "../stack/sources";
import { childName } from "../../catalog/names";

export interface AlertsArgs {
  readonly environment: string;
  readonly services: readonly Service[];
  /** What makes the handles of the messages exist (the on-call component); each resource waits for its own. */
  readonly notify?: NotifyTargets;
}

/** All alert monitors of a stack: one `ServiceAlerts` per service that has alerts. */
export class Alerts extends pulumi.ComponentResource {
  /** Monitor IDs keyed `service/alert`. */
  public readonly monitorIds: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: AlertsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lookout:alerts:Alerts", name, {}, opts);
    const perService = args.services
      .filter((service) => service.alerts.length > 0 || (service.rawAlerts?.length ?? 0) > 0)
      .map((service) => new ServiceAlerts(childName(name, service.name), { environment: args.environment, service, notify: args.notify }, { parent: this }));
    this.monitorIds = mergeRecords(perService.map((s) => s.monitorIds));
    this.registerOutputs({ monitorIds: this.monitorIds });
  }
}

export interface ServiceAlertsArgs {
  readonly environment: string;
  readonly service: Service;
  /** What makes the handles of the messages exist (the on-call component); each resource waits for its own. */
  readonly notify?: NotifyTargets;
}

export class ServiceAlerts extends pulumi.ComponentResource {
  public readonly monitors: Readonly<Record<string, datadog.Monitor>>;
  public readonly monitorIds: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: ServiceAlertsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lookout:alerts:ServiceAlerts", name, {}, opts);
    const { environment, service } = args;
    const monitors: Record<string, datadog.Monitor> = {};
    for (const alert of service.alerts) {
      monitors[alert.name] = sourced(
        new datadog.Monitor(childName(name, alert.name), monitorArgs(environment, service, alert), {
          parent: this,
          dependsOn: routeDependencies(args.notify, service, alert.severity),
        }),
        alert.source,
      );
    }
    for (const alert of service.rawAlerts ?? []) {
      monitors[alert.name] = sourced(
        new datadog.Monitor(childName(name, alert.name), rawMonitorArgs(environment, service, alert), {
          parent: this,
          dependsOn: rawAlertDependencies(args.notify, service, alert),
        }),
        alert.source,
      );
    }
    this.monitors = monitors;
    this.monitorIds = idsByKey(service.name, monitors);
    this.registerOutputs({ monitorIds: this.monitorIds });
  }
}
