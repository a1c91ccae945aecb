/**
 * SLOs: a Datadog metric SLO per catalog SLO and its multi-window, multi-burn-rate
 * alerts, grouped per service. The arguments come from `sloRules.ts`.
 */
import * as datadog from "@pulumi/datadog";
import * as pulumi from "@pulumi/pulumi";
import type { BurnRateAlert, Service, Slo } from "../../catalog/model";
import { type NotifyTargets, routeDependencies } from "../notify/routes";
import { idsByKey, mergeRecords } from "../stack/outputs";
import { sourced } from "../stack/sources";
import { childName, sloMonitorKey } from "../../catalog/names";
import {
  burnRateCompositeArgs,
  burnRateMonitorArgs,
  errorRatioMonitorArgs,
  fitsBurnRateAlert,
  sloArgs,
} from "./sloRules";

export interface SlosArgs {
  readonly environment: string;
  readonly services: readonly Service[];
  /** What makes the handles of the messages exist (the on-call component); each resource waits for its own. */
  readonly notify?: NotifyTargets;
}

/** All SLOs of a stack: one `ServiceSlos` per service that has SLOs. */
export class Slos extends pulumi.ComponentResource {
  /** Datadog SLO IDs, keyed `service/slo`. */
  public readonly sloIds: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: SlosArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lookout:slo:Slos", name, {}, opts);
    const perService = args.services
      .filter((service) => service.slos.length > 0)
      .map((service) => new ServiceSlos(childName(name, service.name), { environment: args.environment, service, notify: args.notify }, { parent: this }));
    this.sloIds = mergeRecords(perService.map((s) => s.sloIds));
    this.registerOutputs({ sloIds: this.sloIds });
  }
}

export interface ServiceSlosArgs {
  readonly environment: string;
  readonly service: Service;
  /** What makes the handles of the messages exist (the on-call component); each resource waits for its own. */
  readonly notify?: NotifyTargets;
}

/** One service's SLOs and their burn-rate alerts. Child names derive from catalog keys. */
export class ServiceSlos extends pulumi.ComponentResource {
  /** The SLOs, keyed by SLO name. */
  public readonly slos: Readonly<Record<string, datadog.ServiceLevelObjective>>;
  /** Every burn-rate monitor, keyed `<slo>-burn-<tier>` (composite parts: `…-long`, `…-short`). */
  public readonly monitors: Readonly<Record<string, datadog.Monitor>>;
  /** Datadog SLO IDs, keyed `service/slo`. */
  public readonly sloIds: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: ServiceSlosArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lookout:slo:ServiceSlos", name, {}, opts);
    const { environment, service } = args;
    const slos: Record<string, datadog.ServiceLevelObjective> = {};
    const monitors: Record<string, datadog.Monitor> = {};
    // Only the notifying monitor of a tier waits for its route; a composite's halves notify nobody.
    const monitor = (key: string, monitorArgs: datadog.MonitorArgs, slo: Slo, notifies?: BurnRateAlert): datadog.Monitor => {
      const dependsOn = notifies ? routeDependencies(args.notify, service, notifies.severity) : [];
      return (monitors[key] = sourced(new datadog.Monitor(childName(name, key), monitorArgs, { parent: this, dependsOn }), slo.source));
    };

    const burnRateAlerts = (slo: Slo, sloId: pulumi.Input<string>, tier: BurnRateAlert) => {
      const key = sloMonitorKey.burn(slo.name, tier.name);
      if (fitsBurnRateAlert(tier)) {
        monitor(key, burnRateMonitorArgs(environment, service, slo, sloId, tier), slo, tier);
        return;
      }
      const long = monitor(sloMonitorKey.half(key, "long"), errorRatioMonitorArgs(environment, service, slo, tier, "long"), slo);
      const short = monitor(sloMonitorKey.half(key, "short"), errorRatioMonitorArgs(environment, service, slo, tier, "short"), slo);
      monitor(key, burnRateCompositeArgs(environment, service, slo, tier, long.id, short.id), slo, tier);
    };

    for (const slo of service.slos) {
      const objective = sourced(
        new datadog.ServiceLevelObjective(childName(name, slo.name), sloArgs(environment, service, slo), { parent: this }),
        slo.source,
      );
      slos[slo.name] = objective;
      for (const tier of slo.burnRates) burnRateAlerts(slo, objective.id, tier);
    }
    this.slos = slos;
    this.monitors = monitors;
    this.sloIds = idsByKey(service.name, slos);
    this.registerOutputs({ sloIds: this.sloIds });
  }
}
