/**
 * What a credential written as text looks like: the one rule both the catalog's
 * validation (a literal credential is an error) and every report's masking
 * (`cli/render/mask.ts`) apply. Pure: a text in, the spans that hold credentials out.
 */

/** Why a span was taken for a credential. */
export type CredentialKind =
  | "token" // a token of a well-known shape (GitHub, Slack, AWS, JWT, Pulumi, Grafana, Sentry, Stripe, npm, private keys)
  | "userinfo" // https://user:pass@host, Sentry DSNs
  | "webhook" // Slack and Discord webhook paths
  | "url-parameter" // ?token=…, &api_key=…, #access_token=…, ;sig=…
  | "authorization" // Bearer and Basic credentials
  | "assignment" // password: …, "apiKey": "…"
  | "hex" // 32 or more hex digits (PagerDuty integration keys, Datadog keys)
  | "base64"; // random-looking base64 of 32 or more characters

export interface CredentialSpan {
  readonly kind: CredentialKind;
  /** The credential itself: text.slice(start, end). */
  readonly start: number;
  readonly end: number;
}

/** Values left alone: the plan's own markers and what was already masked. */
const KEEP_VALUE = /^(?:\[secret\]|\[unknown\]|\*{3})$/;
const LITERAL_WORD = /^(?:true|false|null|undefined)$/;

/** Words that make a URL parameter a credential: `token=`, `api_key=`, `X-Amz-Signature=`, `sig=`. */
const SECRET_PARAM_WORDS = new Set(["key", "sig", "auth", "pass", "code"]);
/** Words that make any key name a credential's: `password: …`, `"apiKey": …`, `client_secret=…`. */
const SECRET_WORDS = new Set([
  "token", "accesstoken", "authtoken", "apikey", "appkey", "privatekey", "secret", "password", "passwd", "pwd",
  "passphrase", "credential", "credentials", "signature", "dsn",
]);

/** Names about a secret rather than holding one: `secretArn`, `tokenType`, `skipCredentialsValidation`. */
const NOT_A_SECRET_SUFFIX = new Set([
  "arn", "id", "ids", "name", "names", "type", "version", "path", "file", "ref", "provider", "enabled", "required",
  "validation", "rotation", "length", "ttl", "expiry", "expiration", "count", "policy", "url",
]);

function nameParts(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/**
 * Whether a name holds a credential: it has a secret word among its parts (`api_key`,
 * `accessToken`, `Authorization`), or ends in `key` after another word (`integrationKey`,
 * `X-API-Key`; a lone `key` and `enableKeyRotation` are not). URL parameters also count
 * `key`, `sig`, `auth`, `pass` and `code` alone.
 */
export function isSecretName(name: string, inUrl = false): boolean {
  const parts = nameParts(name);
  if (parts.length >= 2 && NOT_A_SECRET_SUFFIX.has(parts[parts.length - 1])) return false;
  if (parts.some((p) => SECRET_WORDS.has(p)) || SECRET_WORDS.has(parts.join(""))) return true;
  if (parts.length >= 2 && parts[parts.length - 1] === "key") return true;
  return inUrl && parts.some((p) => SECRET_PARAM_WORDS.has(p));
}

/**
 * Whether a header (or any key) carries a credential as its value: `Authorization`,
 * `Proxy-Authorization`, `Cookie`, or a name that holds one (`X-API-Key`, `DD-API-KEY`,
 * `X-Auth-Token`).
 */
export function isCredentialKey(name: string): boolean {
  return /^(?:proxy-)?authorization$|^cookie$/i.test(name) || isSecretName(name);
}

/** Tokens whose shape gives them away, whatever surrounds them. */
const PREFIXED_TOKENS: readonly RegExp[] = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, // JWT
  /\bgh[pousr]_[A-Za-z0-9]{20,}\b/g, // GitHub
  /\bgithub_pat_[A-Za-z0-9_]{20,}\b/g,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, // Slack
  /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, // AWS access key IDs
  /\bpul-[a-f0-9]{40}\b/g, // Pulumi
  /\bgl(?:sa|c|pat)_[A-Za-z0-9_=+/-]{20,}/g, // Grafana
  /\bsntry[su]_[A-Za-z0-9_=+/-]{20,}/g, // Sentry
  /\b[rsp]k_(?:live|test)_[A-Za-z0-9]{16,}/g, // Stripe
  /\bnpm_[A-Za-z0-9]{36}\b/g,
];

/** What every token shape starts with. */
const TOKEN_HINT = /-----BEGIN|eyJ|gh[pousr]_|github_pat_|xox[abposr]-|AKIA|ASIA|pul-|gl(?:sa|c|pat)_|sntry[su]_|k_(?:live|test)_|npm_/;
/** A secret word before a `:` or `=`, the only way an assignment can match. */
const ASSIGNMENT_HINT = /(?:token|key|secret|passw|pwd|passphrase|credential|signature|dsn)[\w.-]*["']?\s*[:=]/i;

/** Class of a character for the randomness test: lower, upper, digit, other. */
function charClass(c: string): number {
  return c >= "a" && c <= "z" ? 0 : c >= "A" && c <= "Z" ? 1 : c >= "0" && c <= "9" ? 2 : 3;
}

/**
 * Whether a run of base64 characters looks random (a key) rather than like words
 * (`s3/bucketServerSideEncryptionConfiguration`): it mixes lower, upper and digits, and
 * changes character class far more often than identifiers do (random base64 does on
 * about 64% of neighbours; camelCase words on under 30%).
 */
function looksRandom(run: string): boolean {
  const body = run.replace(/=+$/, "");
  if (!/[a-z]/.test(body) || !/[A-Z]/.test(body) || !/[0-9]/.test(body)) return false;
  let changes = 0;
  for (let i = 1; i < body.length; i++) if (charClass(body[i]) !== charClass(body[i - 1])) changes++;
  return changes / (body.length - 1) >= 0.4;
}

/**
 * Every credential in `text`, in order of where it starts: tokens of well-known shapes,
 * URL userinfo (and Sentry DSNs), Slack and Discord webhook paths, credential URL
 * parameters, Bearer and Basic credentials, `password: …`-style assignments, runs of 32 or
 * more hex digits and random-looking base64 of 32 or more characters. The plan's
 * `[secret]` and `[unknown]` markers and `***` are never credentials.
 */
export function findCredentials(text: string): CredentialSpan[] {
  const spans: CredentialSpan[] = [];
  const add = (kind: CredentialKind, start: number, value: string) => {
    // A synthetics variable reference ({{ NAME }}) is where a credential is not.
    if (value !== "" && !KEEP_VALUE.test(value) && !value.startsWith("{{")) spans.push({ kind, start, end: start + value.length });
  };
  // Each rule runs only on text that has what it needs (reports mask every string of a plan).
  if (TOKEN_HINT.test(text)) for (const pattern of PREFIXED_TOKENS) for (const m of text.matchAll(pattern)) add("token", m.index, m[0]);
  if (text.includes("://")) {
    for (const m of text.matchAll(/\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@"'<>`|\\]+)@/gi)) add("userinfo", m.index + m[1].length, m[2]);
    for (const m of text.matchAll(/(hooks\.slack\.com\/(?:services|workflows|triggers)\/|discord(?:app)?\.com\/api\/webhooks\/)([^\s"'<>`|\\)]+)/gi)) {
      add("webhook", m.index + m[1].length, m[2]);
    }
  }
  if (text.includes("=")) {
    for (const m of text.matchAll(/([?&#;])([A-Za-z][\w.-]*)=(\[(?:secret|unknown)\]|[^&#\s"'<>`|\\)[\]]+)/g)) {
      if (isSecretName(m[2], true)) add("url-parameter", m.index + m[1].length + m[2].length + 1, m[3]);
    }
  }
  if (/Bearer|Basic/.test(text)) {
    for (const m of text.matchAll(/\b(Bearer|Basic)(\s+)([A-Za-z0-9._~+/-]{8,}=*)/g)) {
      if (!/^[a-z]+$/.test(m[3])) add("authorization", m.index + m[1].length + m[2].length, m[3]);
    }
  }
  if (ASSIGNMENT_HINT.test(text)) {
    for (const m of text.matchAll(/(["']?)\b([A-Za-z][\w.-]*)\1(\s*[:=]\s*)(["'])([^"'\n]*)\4/g)) {
      if (isSecretName(m[2]) && !LITERAL_WORD.test(m[5])) add("assignment", m.index + m[0].length - m[5].length - 1, m[5]);
    }
    for (const m of text.matchAll(/(["']?)\b([A-Za-z][\w.-]*)\1(\s*[:=][ \t]*)(\[(?:secret|unknown)\]|[^\s"'&,;<>`|\\)}[\]]+)/g)) {
      if (isSecretName(m[2]) && !LITERAL_WORD.test(m[4])) add("assignment", m.index + m[0].length - m[4].length, m[4]);
    }
  }
  if (/[A-Za-z0-9+/_-]{32}/.test(text)) {
    for (const m of text.matchAll(/(?<![A-Za-z0-9])[0-9a-fA-F]{32,}(?![A-Za-z0-9])/g)) add("hex", m.index, m[0]);
    for (const m of text.matchAll(/(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/_-]{32,}={0,2}(?![A-Za-z0-9+/=_-])/g)) {
      if (looksRandom(m[0])) add("base64", m.index, m[0]);
    }
  }
  return spans.sort((a, b) => a.start - b.start || b.end - a.end);
}

/** `text` with every credential in it replaced by `mask`: what every report and every catalog message prints. */
export function maskCredentials(text: string, mask = "***"): string {
  const spans = findCredentials(text);
  if (spans.length === 0) return text;
  let out = "";
  let at = 0;
  for (const span of spans) {
    if (span.end <= at) continue; // inside a span already masked
    out += text.slice(at, Math.max(at, span.start)) + mask;
    at = span.end;
  }
  return out + text.slice(at);
}
