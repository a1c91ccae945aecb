/**
 * What catalog text may not say, checked on every file as written (anchors and merge keys
 * resolved), each problem at its line:column:
 *
 * - a literal credential anywhere (the detection every report masks with,
 *   `credentialText.ts`): URL userinfo, credential URL parameters, Slack and Discord
 *   webhook URLs, `Bearer`/`Basic` values, `password: …`, tokens of well-known shapes, and
 *   a request header that carries a credential (`Authorization`, `X-API-Key` …) with a
 *   literal value;
 * - Datadog notification syntax in free text that lands in a notification message
 *   (`description`, `runbook`): an `@`-handle adds a recipient, a `{{ }}` block can swallow
 *   the real `Notify:` handles (PF-ENV-7, PF-ENV-8);
 * - a synthetics variable `{{ NAME }}` in a request outside a journey's steps;
 * - a Slack account (`routing.slackAccount`) that would break out of the handles built from it.
 */
import { type CredentialKind, findCredentials, isCredentialKey } from "./credentialText";
import { type CatalogIssue, formatPath } from "./errors";
import type { ParsedFile } from "./yamlFiles";

/** What the catalog refuses; long hex and base64 runs may be IDs: reports mask them, the catalog keeps them. */
const REFUSED: Readonly<Partial<Record<CredentialKind, string>>> = {
  token: "a token",
  userinfo: "a user or password in a URL",
  webhook: "a webhook URL, whose path is its credential,",
  "url-parameter": "a credential in a URL parameter",
  authorization: "an Authorization credential",
  assignment: "a password or key",
};

/** Keys whose text lands in notification messages (infra/notify/conventions.ts and the message builders). */
const FREE_TEXT_KEYS = new Set(["description", "runbook"]);
/** Request fields of endpoints and journey steps. */
const REQUEST_FIELDS = new Set(["url", "headers", "body"]);

/** A Datadog @-notification: `@` at the start of a word (`ops@example.com` is an address, not a handle). */
const HANDLE = /(?:^|[^\w.+-])@[\w.+-]/;
/** A Datadog template variable or conditional block opens with `{{` (or closes with `}}`). */
const TEMPLATE_BLOCK = /\{\{|\}\}/;
/** A synthetics variable reference as journeys write it. */
const VARIABLE = /\{\{\s*[A-Za-z_][A-Za-z0-9_]*\s*\}\}/;

type Where = "journey" | "endpoint" | undefined;

/** Whether the path is inside a journey step's or an endpoint's request. */
function requestOf(path: readonly PropertyKey[]): Where {
  if (path[0] !== "services" || typeof path[1] !== "number") return undefined;
  if (path[2] === "journeys" && path[4] === "steps" && typeof path[5] === "number" && REQUEST_FIELDS.has(String(path[6]))) return "journey";
  if (path[2] === "endpoints" && typeof path[3] === "number" && REQUEST_FIELDS.has(String(path[4]))) return "endpoint";
  return undefined;
}

const ADVICE: Readonly<Record<"journey" | "endpoint" | "other", string>> = {
  journey: "refer to a Datadog synthetics global variable instead, {{ NAME }}",
  endpoint: "an endpoint takes no credential: check it from a journey step with a Datadog synthetics global variable {{ NAME }}, or check a URL that needs none",
  other: "keep credentials out of the catalog: a provider's is a stack secret (pulumi config set --secret), a check's a Datadog synthetics global variable {{ NAME }} in a journey step",
};

/** The problems of one string of the catalog, as messages. */
export function textProblems(value: string, path: readonly PropertyKey[]): string[] {
  const where = requestOf(path);
  const key = String(path[path.length - 1]);
  const problems: string[] = [];
  if (where === "endpoint" && TEMPLATE_BLOCK.test(value)) {
    problems.push("{{ }} variables are for journeys' steps only (README: journeys): an endpoint's request is sent as written");
  }
  const credential = findCredentials(value).find((span) => REFUSED[span.kind] !== undefined);
  const isRequestHeader = where !== undefined && path[path.length - 2] === "headers" && isCredentialKey(key);
  if (credential) {
    problems.push(`${REFUSED[credential.kind]} is written in the catalog; ${ADVICE[where ?? "other"]}`);
  } else if (isRequestHeader && (where === "journey" ? !VARIABLE.test(value) : !TEMPLATE_BLOCK.test(value))) {
    problems.push(`header "${key}" carries a literal credential; ${ADVICE[where]}`);
  }
  // Spliced into every @slack-<account>-<channel> handle of the Notify: line.
  if (path.length === 2 && path[0] === "routing" && key === "slackAccount" && /[\s@{}]/.test(value)) {
    problems.push("the Slack account becomes part of every @slack-<account>-<channel> handle: no spaces, @, { or }");
  }
  if (FREE_TEXT_KEYS.has(key) && where === undefined) {
    // PF-ENV-7: Datadog notifies every @-handle in a message; there is no escape for one.
    if (HANDLE.test(value)) problems.push("an @ that starts a word is a Datadog notification handle and would add a recipient: free text may not name one (routing decides who is notified; write an address without the leading @)");
    // PF-ENV-8: {{ }} is Datadog's template syntax; an unclosed block hides the Notify: line.
    if (TEMPLATE_BLOCK.test(value)) problems.push("{{ and }} are Datadog template syntax (variables, conditional blocks such as {{#is_alert}}): free text may not hold them");
  }
  return problems;
}

/** Checks every string of every parsed file; adds one issue per problem. */
export function checkCatalogText(files: readonly ParsedFile[], issues: CatalogIssue[]): void {
  for (const file of files) {
    const visit = (value: unknown, path: PropertyKey[]): void => {
      if (typeof value === "string") {
        for (const message of textProblems(value, path)) issues.push({ file: file.file, ...file.locate(path), path: formatPath(path), message });
      } else if (Array.isArray(value)) {
        value.forEach((item, i) => visit(item, [...path, i]));
      } else if (value !== null && typeof value === "object") {
        for (const [key, child] of Object.entries(value)) visit(child, [...path, key]);
      }
    };
    visit(file.raw, []);
  }
}
