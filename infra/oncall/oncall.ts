/**
 * On-call: who answers and how alerts reach them. PagerDuty schedules, escalation
 * policies and services (with their Datadog and Sentry integrations) for the teams the
 * routing pages; the Datadog side of every route (PagerDuty service objects, Slack
 * channels); maintenance windows in PagerDuty and Datadog.
 *
 * The stack's other Datadog resources name these routes in their messages, so they
 * depend on this component (see program.ts).
 */
import * as datadog from "@pulumi/datadog";
import * as pagerduty from "@pulumi/pagerduty";
import * as pulumi from "@pulumi/pulumi";
import type { Catalog, PagerdutyService, SlackTarget, Team } from "../../catalog/model";
import {
  datadogIntegrationArgs,
  downtimeArgs,
  escalationPolicyArgs,
  integrationArgs,
  maintenanceWindowArgs,
  scheduleArgs,
  serviceArgs,
  serviceObjectArgs,
  slackChannelArgs,
} from "./pagerduty";
import { slackHandle } from "../../catalog/normalizeOncall";
import type { NotifyTargets } from "../notify/routes";
import { sourced } from "../stack/sources";
import { childName, oncallKey } from "../../catalog/names";

export interface OncallArgs {
  readonly catalog: Catalog;
  /**
   * Set when Lookout declares Datadog's PagerDuty integration (stack config
   * lookout:pagerdutyIntegration `lookout`): every service object waits for it (PF-DD-INT-1).
   * Absent when it was installed in Datadog beforehand, or nothing pages.
   */
  readonly datadogPagerduty?: { readonly subdomain: string; readonly apiToken: pulumi.Input<string> };
}

export interface OncallProviders {
  readonly datadog: pulumi.ProviderResource;
  /** Absent when no route pages (staging): no PagerDuty resource is made then. */
  readonly pagerduty?: pulumi.ProviderResource;
}

export class Oncall extends pulumi.ComponentResource implements NotifyTargets {
  /** PagerDuty service IDs keyed by service name. */
  public readonly pagerdutyServiceIds: pulumi.Output<Record<string, string>>;
  /** The Datadog object behind each handle: `@pagerduty-…` service objects, `@slack-…` channels. */
  private readonly handles = new Map<string, pulumi.Resource>();
  /** PagerDuty alert grouping of every service (`routing.alertGrouping`). */
  private readonly alertGrouping: "none" | "content";

  constructor(name: string, args: OncallArgs, providers: OncallProviders, opts?: pulumi.ComponentResourceOptions) {
    super("lookout:oncall:Oncall", name, {}, opts);
    const { catalog } = args;
    const dd = { parent: this, provider: providers.datadog };
    this.alertGrouping = catalog.routing?.alertGrouping ?? "none";

    // Slack channels every route posts to.
    for (const target of slackTargets(catalog)) {
      this.handles.set(slackHandle(target.account, target.channel), new datadog.slack.Channel(childName(name, oncallKey.slack(target.channel)), slackChannelArgs(target), dd));
    }

    const pdServices: Record<string, pagerduty.Service> = {};
    if (providers.pagerduty && catalog.pagerdutyServices.length > 0) {
      const pd = { parent: this, provider: providers.pagerduty };
      const teams = new Map(catalog.teams.map((t) => [t.name, t]));
      const policies = new Map<string, pulumi.Output<string>>();
      for (const teamName of [...new Set(catalog.pagerdutyServices.map((s) => s.team))].sort()) {
        const team = teams.get(teamName);
        if (team) policies.set(teamName, new TeamOncall(childName(name, team.name), { team }, { parent: this, provider: providers.pagerduty }).escalationPolicyId);
      }
      const vendor = (vendorName: string) =>
        pagerduty.getVendorOutput({ name: vendorName }, { parent: this, provider: providers.pagerduty }).id;
      const datadogVendor = vendor("Datadog");
      const sentryVendor = catalog.pagerdutyServices.some((s) => s.sentry) ? vendor("Sentry") : undefined;
      // On a first deploy the integration must exist before its service objects (PF-DD-INT-1).
      const integration = args.datadogPagerduty
        ? new datadog.pagerduty.Integration(childName(name, oncallKey.datadogPagerduty), datadogIntegrationArgs(args.datadogPagerduty.subdomain, args.datadogPagerduty.apiToken), dd)
        : undefined;
      const handle = integration ? { ...dd, dependsOn: [integration] } : dd;
      for (const service of catalog.pagerdutyServices) {
        const team = teams.get(service.team);
        const policy = policies.get(service.team);
        if (!team || !policy) continue;
        pdServices[service.name] = this.pagerdutyService(name, service, team, policy, { datadogVendor, sentryVendor }, pd, handle);
      }
    }

    for (const window of catalog.maintenance) {
      const affected = new Set(window.services);
      const ids = catalog.pagerdutyServices.filter((s) => s.services.some((x) => affected.has(x))).map((s) => pdServices[s.name]?.id).filter((id) => id !== undefined);
      if (providers.pagerduty && ids.length > 0) {
        sourced(new pagerduty.MaintenanceWindow(childName(name, oncallKey.maintenance(window.name)), maintenanceWindowArgs(window, ids), { parent: this, provider: providers.pagerduty }), window.source);
      }
      for (const service of window.services) {
        sourced(new datadog.DowntimeSchedule(childName(name, oncallKey.downtime(window.name, service)), downtimeArgs(catalog.environment, window, service), dd), window.source);
      }
    }

    this.pagerdutyServiceIds = pulumi
      .all(Object.entries(pdServices).map(([key, s]) => s.id.apply((id) => [key, id] as const)))
      .apply((entries) => Object.fromEntries(entries));
    this.registerOutputs({ pagerdutyServiceIds: this.pagerdutyServiceIds });
  }

  public resourcesFor(handles: readonly string[]): pulumi.Resource[] {
    return handles.flatMap((h) => this.handles.get(h) ?? []);
  }

  /** The service, its integrations, and the Datadog service object that makes `@pagerduty-<name>` work. */
  private pagerdutyService(
    name: string,
    service: PagerdutyService,
    team: Team,
    escalationPolicyId: pulumi.Input<string>,
    vendors: { datadogVendor: pulumi.Input<string>; sentryVendor?: pulumi.Input<string> },
    pd: pulumi.CustomResourceOptions,
    /** The service object's options: the Datadog provider, and Datadog's PagerDuty integration when Lookout declares it. */
    handle: pulumi.CustomResourceOptions,
  ): pagerduty.Service {
    const key = childName(name, service.name);
    const created = sourced(new pagerduty.Service(key, serviceArgs(service, team, escalationPolicyId, this.alertGrouping), pd), team.source);
    const fromDatadog = new pagerduty.ServiceIntegration(childName(key, oncallKey.integration("datadog")), integrationArgs("Datadog", created.id, vendors.datadogVendor), pd);
    this.handles.set(`@pagerduty-${service.name}`, new datadog.pagerduty.ServiceObject(childName(key, oncallKey.handle), serviceObjectArgs(service, fromDatadog.integrationKey), handle));
    if (service.sentry && vendors.sentryVendor) {
      new pagerduty.ServiceIntegration(childName(key, oncallKey.integration("sentry")), integrationArgs("Sentry", created.id, vendors.sentryVendor), pd);
    }
    return created;
  }
}

export interface TeamOncallArgs {
  readonly team: Team;
}

/** One team's schedules (one per rotation) and escalation policy. */
export class TeamOncall extends pulumi.ComponentResource {
  public readonly escalationPolicyId: pulumi.Output<string>;

  constructor(name: string, args: TeamOncallArgs, opts: pulumi.ComponentResourceOptions & { provider: pulumi.ProviderResource }) {
    super("lookout:oncall:Team", name, {}, opts);
    const { team } = args;
    const child = { parent: this, provider: opts.provider };
    // Existing PagerDuty users, looked up by e-mail (Lookout never creates people).
    const users: Record<string, pulumi.Output<string>> = {};
    for (const member of team.members) {
      users[member.email.toLowerCase()] = pagerduty.getUserOutput({ email: member.email }, child).id;
    }
    const schedules: Record<string, pulumi.Output<string>> = {};
    for (const rotation of team.rotations) {
      const ids = rotation.members.map((email) => users[email.toLowerCase()]);
      schedules[rotation.name] = sourced(new pagerduty.Schedule(childName(name, rotation.name), scheduleArgs(team, rotation, ids), child), team.source).id;
    }
    this.escalationPolicyId = sourced(new pagerduty.EscalationPolicy(name, escalationPolicyArgs(team, schedules, users), child), team.source).id;
    this.registerOutputs({ escalationPolicyId: this.escalationPolicyId });
  }
}

/** Every Slack channel some route of some service posts to, once, sorted. */
export function slackTargets(catalog: Catalog): SlackTarget[] {
  const byKey = new Map<string, SlackTarget>();
  for (const service of catalog.services) {
    for (const route of Object.values(service.routes ?? {})) {
      for (const target of route.slack) byKey.set(`${target.account}/${target.channel}`, target);
    }
  }
  return [...byKey].sort(([a], [b]) => a.localeCompare(b)).map(([, t]) => t);
}
