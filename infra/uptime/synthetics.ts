/**
 * Catalog endpoints, hosts and journeys → Datadog synthetics test arguments. Pure
 * functions, typed against the provider SDK, so the component stays a summary and the
 * mapping is tested with tables.
 */
import type * as datadog from "@pulumi/datadog";
import type { input } from "@pulumi/datadog/types";
import type { BodyAssertion, Endpoint, Expectation, HttpRequest, Journey, Service, TlsCheck } from "../../catalog/model";
import { formatSeconds } from "../../catalog/units";
import { monitorPriority, notificationMessage, standardTags } from "../notify/conventions";

type Assertion = input.SyntheticsTestAssertion;

/** Re-alert every 2 hours while a check stays down. */
export const RENOTIFY_MINUTES = 120;

const JSONPATH_OPERATOR: Readonly<Record<Exclude<BodyAssertion["operator"], "exists">, string>> = {
  "==": "is",
  "!=": "isNot",
  "<": "lessThan",
  "<=": "lessThanOrEqual",
  ">": "moreThan",
  ">=": "moreThanOrEqual",
  contains: "contains",
  matches: "matches",
};

/** One catalog expectation → Datadog assertions: status, response time, headers, JSON body. */
export function assertionsFor(expect: Expectation): Assertion[] {
  const assertions: Assertion[] = [{ type: "statusCode", operator: "is", target: String(expect.status) }];
  if (expect.responseTimeMs !== undefined) {
    assertions.push({ type: "responseTime", operator: "lessThan", target: String(expect.responseTimeMs) });
  }
  for (const [header, value] of Object.entries(expect.headers).sort(([a], [b]) => a.localeCompare(b))) {
    assertions.push({ type: "header", property: header, operator: "is", target: value });
  }
  for (const body of expect.body) {
    assertions.push(
      body.operator === "exists"
        ? { type: "body", operator: "validatesJSONPath", targetjsonpath: { jsonpath: body.path, operator: "matches", elementsoperator: "firstElementMatches", targetvalue: ".+" } }
        : { type: "body", operator: "validatesJSONPath", targetjsonpath: { jsonpath: body.path, operator: JSONPATH_OPERATOR[body.operator], elementsoperator: "firstElementMatches", targetvalue: body.value ?? "" } },
    );
  }
  return assertions;
}

function requestDefinition(request: HttpRequest): input.SyntheticsTestRequestDefinition {
  return {
    method: request.method,
    url: request.url,
    timeout: request.timeoutSeconds,
    ...(request.body === undefined ? {} : { body: request.body }),
  };
}

function headersOf(request: HttpRequest): Record<string, string> | undefined {
  return Object.keys(request.headers).length > 0 ? { ...request.headers } : undefined;
}

/** "GET https://x/health answers 200 within 2s with $.status is healthy" — for messages and reports. */
export function describeExpectation(request: HttpRequest, expect: Expectation): string {
  const parts = [`${request.method} ${request.url} must answer ${expect.status}`];
  if (expect.responseTimeMs !== undefined) parts.push(`within ${expect.responseTimeMs}ms`);
  for (const body of expect.body) parts.push(`with ${body.path} ${body.operator}${body.value === undefined ? "" : ` ${body.value}`}`);
  return parts.join(" ");
}

/** An HTTP API test for one endpoint: "down" means failing for `downAfter` from `minLocationsFailed` locations. */
export function httpTestArgs(environment: string, service: Service, endpoint: Endpoint): datadog.SyntheticsTestArgs {
  const title = `[${environment}] ${service.name} ${endpoint.name}`;
  const condition =
    `${describeExpectation(endpoint.request, endpoint.expect)}; it is down after failing for ${formatSeconds(endpoint.downAfterSeconds)}` +
    ` from ${endpoint.minLocationsFailed} of ${endpoint.locations.length} locations`;
  return {
    name: title,
    type: "api",
    subtype: "http",
    status: "live",
    locations: [...endpoint.locations],
    tags: standardTags(environment, service, endpoint.severity),
    message: notificationMessage({ title: `${service.name} ${endpoint.name} is down`, condition, service, severity: endpoint.severity }),
    requestDefinition: requestDefinition(endpoint.request),
    requestHeaders: headersOf(endpoint.request),
    assertions: assertionsFor(endpoint.expect),
    optionsList: {
      tickEvery: endpoint.intervalSeconds,
      minFailureDuration: endpoint.downAfterSeconds,
      minLocationFailed: endpoint.minLocationsFailed,
      retry: { count: endpoint.retry.count, interval: endpoint.retry.intervalMs },
      followRedirects: true,
      monitorName: title,
      monitorPriority: monitorPriority(endpoint.severity),
      monitorOptions: { renotifyInterval: RENOTIFY_MINUTES },
    },
  };
}

/** A certificate test for one host: alerts `warnDays` before expiry. */
export function tlsTestArgs(environment: string, service: Service, check: TlsCheck): datadog.SyntheticsTestArgs {
  const title = `[${environment}] ${service.name} certificate ${check.host}`;
  const condition = `the TLS certificate of ${check.host}:${check.port} must stay valid for more than ${check.warnDays} days`;
  return {
    name: title,
    type: "api",
    subtype: "ssl",
    status: "live",
    locations: [...check.locations],
    tags: standardTags(environment, service, check.severity),
    message: notificationMessage({ title: `${check.host} certificate expires soon`, condition, service, severity: check.severity }),
    requestDefinition: { host: check.host, port: String(check.port) },
    assertions: [{ type: "certificate", operator: "isInMoreThan", target: String(check.warnDays) }],
    optionsList: {
      tickEvery: check.intervalSeconds,
      acceptSelfSigned: false,
      checkCertificateRevocation: true,
      monitorName: title,
      monitorPriority: monitorPriority(check.severity),
      monitorOptions: { renotifyInterval: RENOTIFY_MINUTES },
    },
  };
}

/**
 * The share of a journey's time budget each step may use. Datadog's multistep API tests
 * have no whole-run duration assertion, so `maxDuration` is enforced step by step: a
 * step without its own response-time bound gets an equal share of the budget, and the
 * bounds never add up to more than `maxDuration` (normalize checks explicit ones).
 */
export function stepBudgetsMs(journey: Journey): number[] {
  const budgetMs = journey.maxDurationSeconds * 1000;
  const explicit = journey.steps.map((s) => s.expect.responseTimeMs);
  const claimed = explicit.reduce<number>((sum, ms) => sum + (ms ?? 0), 0);
  const open = explicit.filter((ms) => ms === undefined).length;
  const share = open === 0 ? 0 : Math.floor((budgetMs - claimed) / open);
  return explicit.map((ms) => ms ?? share);
}

/** A multistep API test for one journey: every step critical, in catalog order. */
export function journeyTestArgs(environment: string, service: Service, journey: Journey): datadog.SyntheticsTestArgs {
  const title = `[${environment}] ${service.name} journey ${journey.name}`;
  const budgets = stepBudgetsMs(journey);
  const condition =
    `the ${journey.steps.length} steps (${journey.steps.map((s) => s.name).join(" → ")}) must succeed within ${formatSeconds(journey.maxDurationSeconds)}` +
    `; target success rate ${journey.successRatePercent}%`;
  return {
    name: title,
    type: "api",
    subtype: "multi",
    status: "live",
    locations: [...journey.locations],
    tags: standardTags(environment, service, journey.severity),
    message: notificationMessage({ title: `${service.name} journey ${journey.name} failed`, condition, service, severity: journey.severity }),
    apiSteps: journey.steps.map((step, i) => ({
      name: step.name,
      subtype: "http",
      requestDefinition: requestDefinition(step.request),
      requestHeaders: headersOf(step.request),
      assertions: assertionsFor({ ...step.expect, responseTimeMs: budgets[i] }),
      extractedValues: Object.entries(step.extract)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, jsonPath]) => ({ name, type: "http_body", parser: { type: "json_path", value: jsonPath } })),
      allowFailure: false,
      isCritical: true,
    })),
    optionsList: {
      tickEvery: journey.intervalSeconds,
      minLocationFailed: 1,
      monitorName: title,
      monitorPriority: monitorPriority(journey.severity),
      monitorOptions: { renotifyInterval: RENOTIFY_MINUTES },
    },
  };
}
