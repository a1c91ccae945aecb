/**
 * Uptime: Datadog synthetics for every endpoint (HTTP), every https host (certificate
 * expiry) and every journey (multistep API test), grouped per service.
 */
import * as datadog from "@pulumi/datadog";
import * as pulumi from "@pulumi/pulumi";
import type { Service, Severity, SourceRef } from "../../catalog/model";
import { type NotifyTargets, routeDependencies } from "../notify/routes";
import { sourced } from "../stack/sources";
import { idsByKey, mergeRecords } from "../stack/outputs";
import { httpTestArgs, journeyTestArgs, tlsTestArgs } from "./synthetics";
import { childName, uptimeKey } from "../../catalog/names";

export interface UptimeArgs {
  readonly environment: string;
  readonly services: readonly Service[];
  /** What makes the handles of the messages exist (the on-call component); each resource waits for its own. */
  readonly notify?: NotifyTargets;
}

/** All uptime checks of a stack: one `ServiceUptime` per service. */
export class Uptime extends pulumi.ComponentResource {
  /** Public IDs of every synthetics test, keyed `service/check`. */
  public readonly testIds: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: UptimeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lookout:uptime:Uptime", name, {}, opts);
    const perService = args.services.map(
      (service) => new ServiceUptime(childName(name, service.name), { environment: args.environment, service, notify: args.notify }, { parent: this }),
    );
    this.testIds = mergeRecords(perService.map((s) => s.testIds));
    this.registerOutputs({ testIds: this.testIds });
  }
}

export interface ServiceUptimeArgs {
  readonly environment: string;
  readonly service: Service;
  /** What makes the handles of the messages exist (the on-call component); each resource waits for its own. */
  readonly notify?: NotifyTargets;
}

/** One service's checks. Child names derive from catalog keys, never positions. */
export class ServiceUptime extends pulumi.ComponentResource {
  /** The synthetics tests, keyed by check name (`home`, `tls-shop.example.com`, `journey-checkout`). */
  public readonly tests: Readonly<Record<string, datadog.SyntheticsTest>>;
  /** Public IDs of the tests, keyed `service/check`. */
  public readonly testIds: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: ServiceUptimeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lookout:uptime:ServiceUptime", name, {}, opts);
    const { environment, service } = args;
    const tests: Record<string, datadog.SyntheticsTest> = {};
    const create = (key: string, testArgs: datadog.SyntheticsTestArgs, check: { severity: Severity; source: SourceRef }) => {
      const dependsOn = routeDependencies(args.notify, service, check.severity);
      tests[key] = sourced(new datadog.SyntheticsTest(childName(name, key), testArgs, { parent: this, dependsOn }), check.source);
    };
    for (const endpoint of service.endpoints) create(uptimeKey.endpoint(endpoint.name), httpTestArgs(environment, service, endpoint), endpoint);
    for (const check of service.tlsChecks) create(uptimeKey.tls(check.host), tlsTestArgs(environment, service, check), check);
    for (const journey of service.journeys) create(uptimeKey.journey(journey.name), journeyTestArgs(environment, service, journey), journey);
    this.tests = tests;
    this.testIds = idsByKey(service.name, tests);
    this.registerOutputs({ testIds: this.testIds });
  }
}
