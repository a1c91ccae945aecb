/**
 * Which handles a monitor's message notifies on a transition: the `@…` handles in the
 * text Datadog renders for it, reading the message's conditional blocks
 * (`{{#is_alert}}…{{/is_alert}}`, `{{^is_warning}}…`) as Datadog does (PF-DD-EVAL-15).
 */
import type { MonitorState } from "../../queries/evaluate";

export interface Transition {
  readonly from: MonitorState;
  readonly to: MonitorState;
}

/** Each conditional variable's truth on a transition (PF-DD-EVAL-15); others (`is_match`, `is_priority`) are unknown. */
function variable(name: string, { from, to }: Transition): boolean | undefined {
  switch (name) {
    case "is_alert":
      return to === "ALERT";
    case "is_warning":
      return to === "WARN";
    case "is_no_data":
      return to === "NO DATA";
    case "is_recovery":
      return to === "OK" && from !== "OK";
    case "is_alert_recovery":
      return to === "OK" && from === "ALERT";
    case "is_warning_recovery":
      return to === "OK" && from === "WARN";
    case "is_no_data_recovery":
      return to === "OK" && from === "NO DATA";
    case "is_alert_to_warning":
      return to === "WARN" && from === "ALERT";
    case "is_renotify":
      return false;
    default:
      return undefined;
  }
}

/**
 * The text of the message that a transition renders. A block on a variable whose truth
 * cannot be known offline (`{{#is_match …}}`) is kept: its handles may be notified.
 */
export function renderFor(message: string, transition: Transition): string {
  const out: string[] = [];
  const shown: boolean[] = [];
  const tag = /\{\{\s*([#^/])\s*([a-z_]+)[^}]*\}\}/g;
  let last = 0;
  for (const match of message.matchAll(tag)) {
    if (shown.every(Boolean)) out.push(message.slice(last, match.index));
    last = (match.index ?? 0) + match[0].length;
    const [, sigil, name] = match;
    if (sigil === "/") shown.pop();
    else {
      const truth = variable(name, transition);
      shown.push(truth === undefined ? true : sigil === "#" ? truth : !truth);
    }
  }
  if (shown.every(Boolean)) out.push(message.slice(last));
  return out.join("");
}

/** `@pagerduty-x`, `@slack-a-b`, `@team@example.com`: the handles in a text, in order, once each. */
export function handlesIn(text: string): string[] {
  return [...new Set(text.match(/(?<![\w.])@[\w.+-]+(?:@[\w-]+(?:\.[\w-]+)+)?/g) ?? [])];
}

/** `pagerduty`, `slack`, `email`, `webhook`, `opsgenie`, `teams`: the route a handle reaches. */
export function routeOf(handle: string): string {
  const body = handle.slice(1);
  if (body.includes("@")) return "email";
  const prefix = /^(pagerduty|slack|webhook|opsgenie|teams|jira|servicenow)-/.exec(body);
  return prefix ? prefix[1] : "other";
}

/** The handles a transition notifies. */
export function notifiedHandles(message: string, transition: Transition): string[] {
  return handlesIn(renderFor(message, transition));
}

/**
 * Whether the handles a transition reaches are exactly what an expectation lists:
 * routes (`pagerduty`) compare by route, handles (`@slack-…`) by handle.
 */
export function notifiesMatch(expected: readonly string[], handles: readonly string[]): boolean {
  const covered = (handle: string) => expected.some((e) => (e.startsWith("@") ? e === handle : e === routeOf(handle)));
  const reached = (e: string) => handles.some((h) => (e.startsWith("@") ? e === h : routeOf(h) === e));
  return handles.every(covered) && expected.every(reached);
}
