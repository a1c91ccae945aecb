/**
 * How IAM decides whether a Deny statement of a bucket policy stops an S3 request, for the
 * operators Lookout's bucket policies use, as AWS's condition-operator reference states it
 * (PF-S3-4): several operators and keys are ANDed, several values of one key ORed (NORed for
 * a negated operator); `Null` "true" matches an absent key, "false" a present one; an absent
 * key makes `…IfExists` and negated operators match and the others not. A test oracle, written
 * from the reference, independent of the code under test.
 */
import type { PolicyDocument, Statement } from "../../infra/backups/policyDocuments";

/** The request: its action, the object's ARN and the condition keys it carries. */
export interface S3Request {
  readonly action: string;
  readonly resource: string;
  readonly context: Readonly<Record<string, string>>;
}

const NEGATED = new Set(["StringNotEquals", "ArnNotEquals"]);
const list = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const glob = (pattern: string, value: string) => new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`).test(value);

function conditionHolds(operator: string, key: string, values: string[], context: Readonly<Record<string, string>>): boolean {
  const present = Object.entries(context).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
  if (operator === "Null") return values.includes(present === undefined ? "true" : "false");
  const ifExists = operator.endsWith("IfExists");
  const base = ifExists ? operator.slice(0, -"IfExists".length) : operator;
  if (present === undefined) return ifExists || NEGATED.has(base);
  switch (base) {
    case "StringEquals":
    case "ArnEquals":
    case "Bool":
      return values.includes(present);
    case "StringNotEquals":
    case "ArnNotEquals":
      return !values.includes(present);
    case "StringLike":
    case "ArnLike":
      return values.some((v) => glob(v, present));
    default:
      throw new Error(`operator ${operator} is not modelled`);
  }
}

function applies(statement: Statement, request: S3Request): boolean {
  const actions = list(statement.Action);
  if (!actions.some((a) => glob(a, request.action))) return false;
  if (!list(statement.Resource).some((r) => glob(r, request.resource))) return false;
  return Object.entries(statement.Condition ?? {}).every(([operator, keys]) =>
    Object.entries(keys).every(([key, values]) => conditionHolds(operator, key, list(values), request.context)),
  );
}

/** The Sids of the Deny statements (to everyone) that stop the request. */
export function deniedBy(policy: PolicyDocument, request: S3Request): string[] {
  return policy.Statement.filter((s) => s.Effect === "Deny" && s.Principal === "*" && applies(s, request)).map((s) => s.Sid);
}
