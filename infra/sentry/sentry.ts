/**
 * Sentry: per service with a `sentry` block, its project (owned by the service's team)
 * and the project's issue and metric alerts. Teams are shared by services and created
 * once, by the top-level component.
 */
import * as pulumi from "@pulumi/pulumi";
import * as sentry from "@pulumiverse/sentry";
import type { Service } from "../../catalog/model";
import { sourced } from "../stack/sources";
import { issueAlertArgs, metricAlertArgs, NO_ROUTE_TARGETS, sentryProjectArgs, sentryTeamArgs, type SentryRouteTargets } from "./sentryRules";
import { childName, sentryKey } from "../../catalog/names";

export interface SentryAlertingArgs {
  readonly environment: string;
  /** The Sentry organization slug. */
  readonly organization: pulumi.Input<string>;
  readonly services: readonly Service[];
  /** Where rules' actions go (Sentry's PagerDuty and Slack integrations); default: e-mail only. */
  readonly targets?: SentryRouteTargets;
}

/** All Sentry resources of a stack: the teams, then one `ServiceSentry` per service with a Sentry project. */
export class SentryAlerting extends pulumi.ComponentResource {
  /** The teams, keyed by team name. */
  public readonly teams: Readonly<Record<string, sentry.SentryTeam>>;
  public readonly services: Readonly<Record<string, ServiceSentry>>;
  /** Project slugs, keyed by service name. */
  public readonly projectSlugs: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: SentryAlertingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lookout:sentry:SentryAlerting", name, {}, opts);
    const withSentry = args.services.filter((s) => s.sentry !== undefined);
    const teams: Record<string, sentry.SentryTeam> = {};
    for (const team of [...new Set(withSentry.map((s) => s.team))].sort()) {
      teams[team] = new sentry.SentryTeam(childName(name, sentryKey.team(team)), sentryTeamArgs(args.organization, team), { parent: this });
    }
    const services: Record<string, ServiceSentry> = {};
    for (const service of withSentry) {
      services[service.name] = new ServiceSentry(
        childName(name, service.name),
        {
          environment: args.environment,
          organization: args.organization,
          service,
          team: teams[service.team],
          targets: { ...(args.targets ?? NO_ROUTE_TARGETS), teamIds: Object.fromEntries(Object.entries(teams).map(([k, t]) => [k, t.internalId])) },
        },
        { parent: this },
      );
    }
    this.teams = teams;
    this.services = services;
    this.projectSlugs = pulumi
      .all(Object.entries(services).map(([key, s]) => s.projectSlug.apply((slug) => [key, slug] as const)))
      .apply((entries) => Object.fromEntries(entries));
    this.registerOutputs({ projectSlugs: this.projectSlugs });
  }
}

export interface ServiceSentryArgs {
  readonly environment: string;
  readonly organization: pulumi.Input<string>;
  /** A service with a `sentry` block. */
  readonly service: Service;
  /** The service's team, created by `SentryAlerting`; the project depends on it. */
  readonly team: sentry.SentryTeam;
  readonly targets?: SentryRouteTargets;
}

/** One service's Sentry project and alerts. Child names derive from catalog keys, never positions. */
export class ServiceSentry extends pulumi.ComponentResource {
  public readonly project: sentry.SentryProject;
  /** The project's slug, from the project resource so that alerts depend on it. */
  public readonly projectSlug: pulumi.Output<string>;
  /** Keyed by alert name. */
  public readonly issueAlerts: Readonly<Record<string, sentry.SentryIssueAlert>>;
  /** Keyed by alert name. */
  public readonly metricAlerts: Readonly<Record<string, sentry.SentryMetricAlert>>;

  constructor(name: string, args: ServiceSentryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lookout:sentry:ServiceSentry", name, {}, opts);
    const { environment, organization, service } = args;
    const catalogProject = service.sentry;
    if (!catalogProject) throw new Error(`service ${service.name} has no Sentry project`);
    this.project = new sentry.SentryProject(childName(name, sentryKey.project), sentryProjectArgs(organization, environment, service), {
      parent: this,
      dependsOn: [args.team],
    });
    this.projectSlug = this.project.slug;
    const issueAlerts: Record<string, sentry.SentryIssueAlert> = {};
    for (const alert of catalogProject.issueAlerts) {
      issueAlerts[alert.name] = sourced(
        new sentry.SentryIssueAlert(childName(name, sentryKey.issue(alert.name)), issueAlertArgs(organization, this.projectSlug, environment, service, alert, args.targets), { parent: this }),
        alert.source,
      );
    }
    const metricAlerts: Record<string, sentry.SentryMetricAlert> = {};
    for (const alert of catalogProject.metricAlerts) {
      metricAlerts[alert.name] = sourced(
        new sentry.SentryMetricAlert(childName(name, sentryKey.metric(alert.name)), metricAlertArgs(organization, this.projectSlug, environment, service, alert, args.targets), { parent: this }),
        alert.source,
      );
    }
    this.issueAlerts = issueAlerts;
    this.metricAlerts = metricAlerts;
    this.registerOutputs({ projectSlug: this.projectSlug });
  }
}
