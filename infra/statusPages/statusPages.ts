/**
 * Status pages: per product, a Datadog status page with its components (groups hold
 * components of their own), and for every uptime check that informs a component a
 * degradation template named after that check: when the check alerts, the responder
 * posts the pre-filled degradation, which marks exactly the components the catalog says
 * it informs. That template is also how the policy pack sees that a P0 check feeds the
 * page. Pure argument builders, then a thin component.
 *
 * The custom domain (`status.example.com`) is not an argument of the provider's
 * resource: Datadog enables it through its own custom-domain flow (a CNAME to the page).
 * The catalog records it and the stack outputs it next to the page's URL.
 */
import * as datadog from "@pulumi/datadog";
import * as pulumi from "@pulumi/pulumi";
import type { CheckRef, Service, Severity, StatusComponent, StatusPage } from "../../catalog/model";
import { sourced } from "../stack/sources";
import { httpTestArgs, journeyTestArgs } from "../uptime/synthetics";
import { childName, statusKey } from "../../catalog/names";

export const VISUALIZATION = "bars_and_uptime_percentage";

/** How a failing check marks its components: a P0 check down is a major outage. */
export const OUTAGE_STATUS: Readonly<Record<Severity, string>> = {
  P0: "major_outage",
  P1: "partial_outage",
  P2: "degraded",
  P3: "degraded",
};

const OUTAGE_WORDS: Readonly<Record<string, string>> = {
  major_outage: "major outage",
  partial_outage: "partial outage",
  degraded: "degraded performance",
};

export function statusPageArgs(page: StatusPage): datadog.StatusPageArgs {
  return { name: page.title, domainPrefix: page.domainPrefix, type: page.visibility, visualizationType: VISUALIZATION };
}

/** A top-level component or group at its display position; a group's components are positioned inside it. */
export function componentArgs(pageId: pulumi.Input<string>, component: StatusComponent, position: number): datadog.StatusPageComponentArgs {
  return {
    pageId,
    name: component.title,
    type: component.kind,
    position,
    ...(component.kind === "group"
      ? { components: component.components.map((c, i) => ({ name: c.title, type: "component", position: i })) }
      : {}),
  };
}

/** The check's synthetics test title: `[prod] prompts-api health`, exactly as the uptime component names it. */
export function checkTitle(environment: string, services: ReadonlyMap<string, Service>, check: CheckRef): string {
  const service = services.get(check.service);
  if (!service) throw new Error(`status page: no service ${check.service}`);
  if (check.kind === "endpoint") {
    const endpoint = service.endpoints.find((e) => e.name === check.name);
    if (!endpoint) throw new Error(`status page: no endpoint ${check.service}/${check.name}`);
    return String(httpTestArgs(environment, service, endpoint).name);
  }
  const journey = service.journeys.find((j) => j.name === check.name);
  if (!journey) throw new Error(`status page: no journey ${check.service}/${check.name}`);
  return String(journeyTestArgs(environment, service, journey).name);
}

export interface Affected {
  readonly id: pulumi.Input<string>;
  readonly title: string;
}

/** The degradation to post when `title` (a check) fails: its components, pre-filled updates. */
export function degradationTemplateArgs(
  pageId: pulumi.Input<string>,
  title: string,
  severity: Severity,
  affected: readonly Affected[],
): datadog.StatusPageDegradationTemplateArgs {
  const status = OUTAGE_STATUS[severity];
  const names = affected.map((a) => a.title).join(", ");
  return {
    pageId,
    name: title,
    degradationTitle: `${names}: ${OUTAGE_WORDS[status]}`,
    componentsAffecteds: affected.map((a) => ({ id: a.id, name: a.title, status })),
    updates: [
      { status: "investigating", message: `We are investigating a problem with ${names}. Updates follow here.` },
      { status: "resolved", message: `${names} ${affected.length > 1 ? "are" : "is"} operating normally again. We are sorry for the disruption.` },
    ],
  };
}

/** Which components each check informs, in page order: `kind:service/name` → check and component paths. */
export function checksOf(components: readonly StatusComponent[]): Map<string, { check: CheckRef; components: StatusComponent[] }> {
  const result = new Map<string, { check: CheckRef; components: StatusComponent[] }>();
  const visit = (component: StatusComponent) => {
    for (const check of component.checks) {
      const key = `${check.kind}:${check.service}/${check.name}`;
      const entry = result.get(key) ?? { check, components: [] };
      entry.components.push(component);
      result.set(key, entry);
    }
    component.components.forEach(visit);
  };
  components.forEach(visit);
  return result;
}

// ---------------------------------------------------------------------------------------
// components
// ---------------------------------------------------------------------------------------

export interface StatusPageOutput {
  readonly title: string;
  readonly domainPrefix: string;
  readonly domain?: string;
  readonly url: pulumi.Output<string>;
}

export interface StatusPagesArgs {
  readonly environment: string;
  readonly pages: readonly StatusPage[];
  readonly services: readonly Service[];
}

/** Every status page of the stack: one `ProductStatusPage` per product that has one. */
export class StatusPages extends pulumi.ComponentResource {
  /** Per product: the page's title, Datadog URL (known after `up`), sub-domain and the custom domain it is served on. */
  public readonly pages: Record<string, StatusPageOutput>;

  constructor(name: string, args: StatusPagesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lookout:status:StatusPages", name, {}, opts);
    const services = new Map(args.services.map((s) => [s.name, s]));
    const perProduct = args.pages.map(
      (page) => new ProductStatusPage(childName(name, page.product), { environment: args.environment, page, services }, { parent: this }),
    );
    this.pages = Object.fromEntries(
      args.pages.map((page, i) => [
        page.product,
        { title: page.title, domainPrefix: page.domainPrefix, ...(page.domain ? { domain: page.domain } : {}), url: perProduct[i].page.pageUrl },
      ]),
    );
    this.registerOutputs({ pages: this.pages });
  }
}

export interface ProductStatusPageArgs {
  readonly environment: string;
  readonly page: StatusPage;
  readonly services: ReadonlyMap<string, Service>;
}

export class ProductStatusPage extends pulumi.ComponentResource {
  public readonly page: datadog.StatusPage;
  /** Top-level components and groups, by catalog name. */
  public readonly components: Readonly<Record<string, datadog.StatusPageComponent>>;
  /** Degradation templates by check (`endpoint:service/name`, `journey:service/name`). */
  public readonly templates: Readonly<Record<string, datadog.StatusPageDegradationTemplate>>;

  constructor(name: string, args: ProductStatusPageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lookout:status:ProductStatusPage", name, {}, opts);
    const { page, environment } = args;
    this.page = sourced(new datadog.StatusPage(childName(name, statusKey.page), statusPageArgs(page), { parent: this }), page.source);
    const pageId = this.page.id;

    // Positions must fill the page in order: each component waits for the one before it.
    const components: Record<string, datadog.StatusPageComponent> = {};
    const ids = new Map<string, pulumi.Input<string>>();
    let previous: datadog.StatusPageComponent | undefined;
    page.components.forEach((component, position) => {
      const resource = sourced(
        new datadog.StatusPageComponent(childName(name, component.name), componentArgs(pageId, component, position), {
          parent: this,
          ...(previous ? { dependsOn: [previous] } : {}),
        }),
        component.source,
      );
      components[component.name] = resource;
      previous = resource;
      ids.set(component.name, resource.id);
      // A group's components exist once the group does: their IDs are in its output.
      for (const child of component.components) {
        ids.set(
          child.name,
          pulumi.all([resource.id, resource.components]).apply(([, created]) => created?.find((c) => c.name === child.title)?.id ?? ""),
        );
      }
    });
    this.components = components;

    const templates: Record<string, datadog.StatusPageDegradationTemplate> = {};
    for (const [key, { check, components: informed }] of checksOf(page.components)) {
      const title = checkTitle(environment, args.services, check);
      const affected = informed.map((c) => ({ id: ids.get(c.name) ?? "", title: c.title }));
      // Made by the (first) component that lists the check.
      templates[key] = sourced(
        new datadog.StatusPageDegradationTemplate(
          childName(name, statusKey.template(check.kind, check.service, check.name)),
          degradationTemplateArgs(pageId, title, check.severity, affected),
          { parent: this },
        ),
        informed[0].source,
      );
    }
    this.templates = templates;
    this.registerOutputs({ pageUrl: this.page.pageUrl });
  }
}
