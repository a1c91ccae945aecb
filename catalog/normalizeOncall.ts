/**
 * Teams, routing and maintenance windows: schema-valid raw entries → model, and every
 * service's routes resolved (one table decides where each severity goes). Problems are
 * reported at their paths; nothing here throws on bad input.
 */
import type {
  EscalationLevel,
  EscalationTarget,
  MaintenanceWindow,
  PagerdutyService,
  ResolvedRoute,
  Rotation,
  Routing,
  Service,
  Severity,
  SourceRef,
  Team,
} from "./model";
import { SEVERITIES, URGENT_SEVERITIES } from "./model";
import type { RawMaintenanceWindow, RawRouting, RawTeam } from "./schemaOncall";
import { WEEKDAYS } from "./schemaOncall";
import { durationSeconds } from "./units";

/** Reports and locates a path of one file (document paths, from the root). */
export interface FileSite {
  report(path: readonly PropertyKey[], message: string): void;
  source(path: readonly PropertyKey[]): SourceRef;
}

export interface Located<T> {
  readonly value: T;
  readonly path: readonly PropertyKey[];
  readonly site: FileSite;
}

export interface OncallResult {
  readonly teams: readonly Team[];
  readonly routing?: Routing;
  readonly maintenance: readonly MaintenanceWindow[];
  readonly pagerdutyServices: readonly PagerdutyService[];
  /** Services with their routes (unchanged when there is no routing). */
  readonly services: readonly Service[];
}

const DAY_SECONDS = 86_400;

export function normalizeOncall(
  rawTeams: readonly Located<RawTeam>[],
  rawRouting: Located<RawRouting> | undefined,
  rawMaintenance: readonly Located<RawMaintenanceWindow>[],
  services: readonly Service[],
  serviceSites: ReadonlyMap<string, Located<unknown>>,
): OncallResult {
  const teams = rawTeams.map(team);
  const byName = new Map(teams.map((t) => [t.name, t]));
  const routing = rawRouting && routingOf(rawRouting);

  if (routing && rawRouting) {
    const known = [...byName.keys()].sort().join(", ") || "none declared";
    for (const service of services) {
      if (!byName.has(service.team)) {
        const at = serviceSites.get(service.name);
        at?.site.report([...at.path, "team"], `unknown team "${service.team}"; expected one of ${known} (routing sends every alert to its service's team)`);
      }
    }
    checkRoutesAgainstTeams(rawRouting, routing, rawTeams, services);
    checkSentryRouting(rawRouting, routing, services, byName, rawTeams);
  }

  const maintenance = rawMaintenance.map((m) => maintenanceOf(m, new Set(services.map((s) => s.name))));
  const routed = routing ? services.map((s) => ({ ...s, routes: resolveRoutes(s, byName.get(s.team), routing) })) : services;
  return {
    teams: [...teams].sort((a, b) => a.name.localeCompare(b.name)),
    routing,
    maintenance: [...maintenance].sort((a, b) => a.name.localeCompare(b.name)),
    pagerdutyServices: routing ? pagerdutyServicesOf(routed) : [],
    services: routed,
  };
}

/** Every severity something of the service alerts at. */
export function severitiesOf(service: Service): Severity[] {
  return [
    ...service.endpoints.map((e) => e.severity),
    ...service.journeys.map((j) => j.severity),
    ...service.alerts.map((a) => a.severity),
    ...service.slos.flatMap((s) => s.burnRates.map((b) => b.severity)),
    ...(service.sentry ? [...service.sentry.issueAlerts, ...service.sentry.metricAlerts].map((a) => a.severity) : []),
  ];
}

/** `<product>-<team>`: the PagerDuty service of a team's alerts for one product. */
export function pagerdutyServiceName(product: string, team: string): string {
  return `${product}-${team}`;
}

function team(located: Located<RawTeam>): Team {
  const { value: raw, path, site } = located;
  const at = (p: readonly PropertyKey[], message: string) => site.report([...path, ...p], message);
  if (!isTimeZone(raw.timeZone)) at(["timeZone"], `unknown time zone "${raw.timeZone}"; expected an IANA name such as Europe/Berlin or America/New_York`);
  const members = new Set(raw.members.map((m) => m.email.toLowerCase()));
  raw.members.forEach((m, i) => {
    if (raw.members.findIndex((n) => n.email.toLowerCase() === m.email.toLowerCase()) !== i) at(["members", i, "email"], `duplicate member ${m.email}`);
  });

  const rotations: Rotation[] = raw.rotations.map((r, i): Rotation => {
    const rp = ["rotations", i];
    r.members.forEach((email, j) => {
      if (!members.has(email.toLowerCase())) at([...rp, "members", j], `${email} is not a member of team ${raw.name}; add it to members`);
    });
    if (r.length === "weekly" && r.handoff.day === undefined) at([...rp, "handoff"], `missing "day" for a weekly rotation`);
    if (r.length === "daily" && r.handoff.day !== undefined) at([...rp, "handoff", "day"], `"day" applies to weekly rotations only`);
    const date = new Date(`${r.start}T00:00:00Z`);
    if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== r.start) {
      at([...rp, "start"], `expected a real calendar date, found "${r.start}"`);
    } else if (r.handoff.day !== undefined && WEEKDAYS[(date.getUTCDay() + 6) % 7] !== r.handoff.day) {
      at([...rp, "start"], `expected a ${r.handoff.day} (the handoff day), found ${r.start}, a ${WEEKDAYS[(date.getUTCDay() + 6) % 7]}`);
    }
    return {
      name: r.name,
      members: r.members,
      turnSeconds: r.length === "weekly" ? 7 * DAY_SECONDS : DAY_SECONDS,
      handoffDay: r.handoff.day,
      handoffTime: r.handoff.time,
      start: isTimeZone(raw.timeZone) ? withOffset(r.start, r.handoff.time, raw.timeZone) : `${r.start}T${r.handoff.time}:00Z`,
    };
  });
  const rotationNames = new Set(raw.rotations.map((r) => r.name));
  raw.rotations.forEach((r, i) => {
    if (raw.rotations.findIndex((q) => q.name === r.name) !== i) at(["rotations", i, "name"], `duplicate rotation name "${r.name}"`);
  });

  let previous = 0;
  const levels: EscalationLevel[] = raw.escalation.levels.map((level, i): EscalationLevel => {
    const lp = ["escalation", "levels", i];
    const seconds = durationSeconds(level.until);
    const untilMinutes = seconds / 60;
    if (seconds % 60 !== 0) at([...lp, "until"], `expected whole minutes, found "${level.until}"`);
    if (untilMinutes <= previous) {
      at([...lp, "until"], i === 0
        ? `expected at least 1m (PagerDuty escalates after at least a minute), found "${level.until}"`
        : `expected a time after the previous level's (${previous}m): levels escalate in increasing time, found "${level.until}"`);
    }
    const targets = level.notify.map((t, j): EscalationTarget => {
      const [kind, ref] = [t.slice(0, t.indexOf(":")), t.slice(t.indexOf(":") + 1)];
      if (kind === "schedule") {
        if (!rotationNames.has(ref)) at([...lp, "notify", j], `unknown rotation "${ref}"; expected one of ${[...rotationNames].sort().join(", ") || "none declared"}`);
        return { type: "schedule", rotation: ref };
      }
      if (!members.has(ref.toLowerCase())) at([...lp, "notify", j], `${ref} is not a member of team ${raw.name}; add it to members`);
      return { type: "user", email: ref };
    });
    const level_ = { untilMinutes, delayMinutes: untilMinutes - previous, targets };
    previous = Math.max(previous, untilMinutes);
    return level_;
  });

  return {
    name: raw.name,
    ...(raw.renamedFrom !== undefined ? { renamedFrom: raw.renamedFrom } : {}),
    description: raw.description,
    timeZone: raw.timeZone,
    members: raw.members,
    rotations,
    escalation: { loops: raw.escalation.loops, levels },
    chat: raw.chat,
    email: raw.email,
    supportHours: raw.supportHours,
    acknowledgementTimeoutSeconds: durationSeconds(raw.acknowledgementTimeout),
    autoResolveTimeoutSeconds: durationSeconds(raw.autoResolveTimeout),
    sentryPagerdutyService: raw.sentryPagerdutyService,
    source: site.source(path),
  };
}

function routingOf(located: Located<RawRouting>): Routing {
  const { value: raw, path, site } = located;
  for (const severity of SEVERITIES) {
    const rule = raw.severities[severity];
    const expected = URGENT_SEVERITIES.has(severity) ? "high" : "low";
    if (rule.page !== undefined && rule.page !== expected) {
      site.report([...path, "severities", severity, "page"],
        `expected ${expected} for ${severity}: PagerDuty takes urgency from the event's severity, which Datadog sets from the monitor's priority (P0/P1 high, P2/P3 low)`);
    }
    if (rule.page === undefined && rule.chat.length === 0 && !rule.email) {
      site.report([...path, "severities", severity], `a route that reaches nobody: set page, chat or email for ${severity}`);
    }
  }
  return {
    slackAccount: raw.slackAccount,
    sentry: raw.sentry,
    severities: raw.severities,
    alertGrouping: raw.alertGrouping,
    source: site.source(path),
  };
}

/** Every chat role the routing names exists in each team that receives routed alerts; business-hours teams own no urgent pages. */
function checkRoutesAgainstTeams(rawRouting: Located<RawRouting>, routing: Routing, rawTeams: readonly Located<RawTeam>[], services: readonly Service[]): void {
  const owning = new Set(services.map((s) => s.team));
  const receiving = rawTeams.filter((located) => owning.has(located.value.name));
  // A role no receiving team defines is a typo in the routing: one error there, not one per team.
  const defined = new Set(receiving.flatMap((located) => Object.keys(located.value.chat)));
  const unknownRoles = new Set<string>();
  for (const severity of SEVERITIES) {
    routing.severities[severity].chat.forEach((role, i) => {
      if (receiving.length === 0 || defined.has(role)) return;
      unknownRoles.add(role);
      const known = [...defined].sort().join(", ") || "none";
      rawRouting.site.report([...rawRouting.path, "severities", severity, "chat", i], `no team defines the chat role "${role}"; the teams' roles: ${known}`);
    });
  }
  for (const located of receiving) {
    const t = located.value;
    for (const severity of SEVERITIES) {
      for (const role of routing.severities[severity].chat) {
        if (t.chat[role] === undefined && !unknownRoles.has(role)) {
          located.site.report([...located.path, "chat"], `team ${t.name} has no chat role "${role}" (routing.severities.${severity}.chat names it); add ${role}: "#channel"`);
        }
      }
      if (routing.severities[severity].email && t.email.length === 0) {
        located.site.report([...located.path, "email"], `team ${t.name} has no e-mail address, but routing.severities.${severity} e-mails the team`);
      }
    }
    if (t.supportHours) {
      const owned = new Set(services.filter((s) => s.team === t.name).flatMap(severitiesOf));
      const urgentPages = [...URGENT_SEVERITIES].filter((s) => owned.has(s) && routing.severities[s].page !== undefined);
      if (urgentPages.length > 0) {
        located.site.report([...located.path, "supportHours"],
          `team ${t.name} owns ${urgentPages.join(" and ")} pages, which must reach someone at any hour; remove supportHours (outside them every incident would be low urgency)`);
      }
    }
  }
}

/** Sentry rules that page or post to chat need Sentry's own integrations named. */
function checkSentryRouting(
  rawRouting: Located<RawRouting>,
  routing: Routing,
  services: readonly Service[],
  teams: ReadonlyMap<string, Team>,
  rawTeams: readonly Located<RawTeam>[],
): void {
  const severities = new Set(services.flatMap((s) => [...(s.sentry?.issueAlerts ?? []), ...(s.sentry?.metricAlerts ?? [])].map((a) => a.severity)));
  const pages = [...severities].filter((s) => routing.severities[s].page !== undefined);
  const chats = [...severities].filter((s) => routing.severities[s].chat.length > 0);
  const at = (message: string) => rawRouting.site.report([...rawRouting.path, "sentry"], message);
  if (pages.length > 0 && !routing.sentry?.pagerdutyAccount) {
    at(`Sentry rules of severity ${pages.join(", ")} page: name Sentry's PagerDuty integration in routing.sentry.pagerdutyAccount`);
  }
  if (chats.length > 0 && !routing.sentry?.slackWorkspace) {
    at(`Sentry rules of severity ${chats.join(", ")} post to chat: name Sentry's Slack integration in routing.sentry.slackWorkspace`);
  }
  if (chats.length > 0 && routing.sentry?.slackWorkspace) checkSentrySlackChannels(routing, services, teams, at);
  if (pages.length === 0 || !routing.sentry?.pagerdutyAccount) return;
  for (const service of services) {
    const paged = [...(service.sentry?.issueAlerts ?? []), ...(service.sentry?.metricAlerts ?? [])].some((a) => routing.severities[a.severity].page);
    const t = teams.get(service.team);
    if (paged && t && !t.sentryPagerdutyService) {
      const located = rawTeams.find((r) => r.value.name === t.name);
      located?.site.report([...located.path], `team ${t.name} gets Sentry pages (service ${service.name}): set sentryPagerdutyService to the ID Sentry's PagerDuty integration gives its service, or to pending for a first deployment that creates the service (its Sentry rules then page nobody until the ID is set)`);
    }
  }
}

/** Every channel a Sentry rule posts to has its Slack channel ID (PF-SEN-6): by name alone Sentry looks it up asynchronously and may time out. */
function checkSentrySlackChannels(routing: Routing, services: readonly Service[], teams: ReadonlyMap<string, Team>, at: (message: string) => void): void {
  const ids = routing.sentry?.slackChannels ?? {};
  const missing = new Set<string>();
  for (const service of services) {
    const team = teams.get(service.team);
    for (const alert of [...(service.sentry?.issueAlerts ?? []), ...(service.sentry?.metricAlerts ?? [])]) {
      for (const role of routing.severities[alert.severity].chat) {
        const channel = team?.chat[role];
        if (channel && ids[channel] === undefined) missing.add(channel);
      }
    }
  }
  if (missing.size > 0) {
    at(`Sentry rules post to ${[...missing].sort().join(", ")}: give each its Slack channel ID in routing.sentry.slackChannels (Slack → channel details → Channel ID); by name alone Sentry resolves channels asynchronously and times out in large workspaces`);
  }
}

function resolveRoutes(service: Service, team: Team | undefined, routing: Routing): Record<Severity, ResolvedRoute> {
  const routes = {} as Record<Severity, ResolvedRoute>;
  for (const severity of SEVERITIES) {
    const rule = routing.severities[severity];
    const pagerduty = rule.page && team ? { service: pagerdutyServiceName(service.product, team.name), urgency: rule.page } : undefined;
    const slack = rule.chat.flatMap((role) => {
      const channel = team?.chat[role];
      return channel ? [{ account: routing.slackAccount, channel }] : [];
    });
    const email = rule.email && team ? [...team.email] : [];
    const handles = [
      ...(pagerduty ? [`@pagerduty-${pagerduty.service}`] : []),
      ...slack.map((s) => slackHandle(s.account, s.channel)),
      ...email.map((e) => `@${e}`),
    ];
    routes[severity] = { severity, pagerduty, slack, email, handles: [...new Set(handles)] };
  }
  return routes;
}

/** Datadog's handle for a channel of a Slack account: `@slack-<account>-<channel>`. */
export function slackHandle(account: string, channel: string): string {
  return `@slack-${account}-${channel.replace(/^#/, "")}`;
}

function pagerdutyServicesOf(services: readonly Service[]): PagerdutyService[] {
  const byName = new Map<string, { team: string; product: string; services: Set<string>; sentry: boolean }>();
  for (const s of services) {
    for (const route of Object.values(s.routes ?? {})) {
      if (!route.pagerduty) continue;
      const entry = byName.get(route.pagerduty.service) ?? { team: s.team, product: s.product, services: new Set<string>(), sentry: false };
      entry.services.add(s.name);
      if (s.sentry && [...s.sentry.issueAlerts, ...s.sentry.metricAlerts].some((a) => a.severity === route.severity)) entry.sentry = true;
      byName.set(route.pagerduty.service, entry);
    }
  }
  return [...byName]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, e]) => ({ name, team: e.team, product: e.product, services: [...e.services].sort(), sentry: e.sentry }));
}

function maintenanceOf(located: Located<RawMaintenanceWindow>, serviceNames: ReadonlySet<string>): MaintenanceWindow {
  const { value: raw, path, site } = located;
  const start = Date.parse(raw.start);
  const end = Date.parse(raw.end);
  if (Number.isNaN(start)) site.report([...path, "start"], `expected a real time, found "${raw.start}"`);
  if (Number.isNaN(end)) site.report([...path, "end"], `expected a real time, found "${raw.end}"`);
  else if (end <= start) site.report([...path, "end"], `expected an end after the start (${raw.start}), found "${raw.end}"`);
  raw.services.forEach((name, i) => {
    if (!serviceNames.has(name)) site.report([...path, "services", i], `unknown service "${name}"; expected one of ${[...serviceNames].sort().join(", ")}`);
  });
  return { ...raw, services: [...raw.services].sort(), source: site.source(path) };
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** `2026-01-05`, `09:00`, `America/New_York` → `2026-01-05T09:00:00-05:00` (the zone's offset on that day). */
export function withOffset(date: string, time: string, timeZone: string): string {
  // The offset at that wall-clock time: format the instant read as UTC in the zone, compare.
  const asUtc = Date.parse(`${date}T${time}:00Z`);
  const zoned = new Intl.DateTimeFormat("en-US", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(asUtc));
  const part = (type: string) => Number(zoned.find((p) => p.type === type)?.value);
  const wall = Date.UTC(part("year"), part("month") - 1, part("day"), part("hour"), part("minute"));
  const offsetMinutes = Math.round((wall - asUtc) / 60_000);
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, "0");
  const mm = String(abs % 60).padStart(2, "0");
  return `${date}T${time}:00${sign}${hh}:${mm}`;
}
