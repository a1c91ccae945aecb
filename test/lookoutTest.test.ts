/**
 * `lookout test`: the test-file format (promtool's expanding notation, positioned
 * errors), which handles a transition notifies (PF-DD-EVAL-15), and the command on the
 * shipped tests/: it passes as shipped and fails, with a clear report, when a copy of the
 * catalog changes a threshold, a window or a comparator an expectation depends on.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import type { CatalogIssue } from "../catalog/errors";
import { notifiedHandles, notifiesMatch, routeOf } from "../cli/reports/notifies";
import { expandValues, parseTestFile, splitMetric } from "../cli/reports/testFile";
import { ROOT, runLookout } from "./support/plans";
import { prodCatalogText } from "./support/stackText";

describe("test files", () => {
  it.each([
    ["0x3", [0, 0, 0, 0]],
    ["1+2x3", [1, 3, 5, 7]],
    ["-2+4x3", [-2, 2, 6, 10]],
    ["1-2x4", [1, -1, -3, -5, -7]],
    ["1 _ 3", [1, null, 3]],
    ["_x2 5", [null, null, 5]],
    ["2e9x1 0.5", [2e9, 2e9, 0.5]],
  ])("expands %s as promtool does", (text, values) => {
    expect(expandValues(text)).toEqual(values);
  });

  it("names a token it cannot read", () => {
    expect(expandValues("1x3 zz")).toMatch(/cannot read "zz"/);
  });

  it("splits a metric from its tags", () => {
    expect(splitMetric("trace.http.request.hits{env:prod,service:api}")).toEqual({ metric: "trace.http.request.hits", tags: ["env:prod", "service:api"] });
    expect(splitMetric('rum("@type:view").rollup("pc75", "@view.loading_time")')).toEqual({ metric: 'rum("@type:view").rollup("pc75", "@view.loading_time")', tags: [] });
  });

  it("reports every problem at its line, column and path", () => {
    const text = [
      "stack: prod",
      "tests:",
      "  - name: x",
      "    series:",
      "      - metric: a{b:c}",
      '        values: "1x3"',
      "        colour: red",
      "    expect:",
      "      - monitor: a/b",
      "        at: 5q",
      "        state: FIRE",
    ].join("\n");
    const issues: CatalogIssue[] = [];
    expect(parseTestFile("t.test.yaml", text, issues)).toBeUndefined();
    const shown = issues.map((i) => `${i.line}:${i.column} ${i.path} ${i.message}`).sort();
    expect(shown).toEqual([
      '10:13 tests[0].expect[0].at expected a duration such as 30s, 1m, 1h30m or 1d, found "5q"',
      '11:16 tests[0].expect[0].state expected one of OK, WARN, ALERT, NO DATA, found "FIRE"',
      '7:9 tests[0].series[0].colour unknown key "colour"',
    ]);
  });

  it("reports bad values at their line once the file's shape holds", () => {
    const text = ["tests:", "  - name: x", "    series:", "      - metric: a", '        values: "1 x"', "    expect:", "      - { monitor: a/b, at: 1m, state: OK }"].join("\n");
    const issues: CatalogIssue[] = [];
    parseTestFile("t.test.yaml", text, issues);
    expect(issues).toEqual([{ file: "t.test.yaml", line: 5, column: 17, path: "tests[0].series[0].values", message: expect.stringMatching(/cannot read "x"/) }]);
  });

  it("reads times, groups and points", () => {
    const text = ["tests:", "  - name: x", "    interval: 30s", "    series:", "      - { metric: 'a{h:1}', values: '1 _ 3', type: count }", "    expect:", "      - { monitor: a/b, at: 1h30m, state: NO DATA, group: 'h:1' }"].join("\n");
    const file = parseTestFile("t.test.yaml", text, []);
    expect(file?.tests[0].series[0]).toEqual({ metric: "a", tags: ["h:1"], type: "count", interval: 30, points: [{ t: 0, v: 1 }, { t: 60, v: 3 }] });
    expect(file?.tests[0].expect[0]).toMatchObject({ at: 5400, state: "NO DATA", group: "h:1", position: { line: 7, column: 9 } });
  });
});

describe("notifies (PF-DD-EVAL-15)", () => {
  // A message that routes per transition: the page on alert only, chat on warning.
  const routed = [
    "{{#is_alert}}P0 down. @pagerduty-svc @slack-acme-emergency{{/is_alert}}",
    "{{#is_warning}}Warning. @slack-acme-alerts{{/is_warning}}",
    "{{^is_alert}}{{#is_recovery}}Recovered. @slack-acme-alerts{{/is_recovery}}{{/is_alert}}",
    "Runbook: https://runbooks.example.com/x @team@example.com",
  ].join("\n");

  it.each([
    ["OK", "ALERT", ["@pagerduty-svc", "@slack-acme-emergency", "@team@example.com"]],
    ["OK", "WARN", ["@slack-acme-alerts", "@team@example.com"]],
    ["ALERT", "OK", ["@slack-acme-alerts", "@team@example.com"]],
    ["OK", "NO DATA", ["@team@example.com"]],
  ] as const)("%s → %s notifies what its blocks hold", (from, to, handles) => {
    expect(notifiedHandles(routed, { from, to })).toEqual(handles);
  });

  it("compares routes or handles exactly: an unlisted page fails", () => {
    const handles = ["@pagerduty-svc", "@slack-acme-emergency"];
    expect(handles.map(routeOf)).toEqual(["pagerduty", "slack"]);
    expect(notifiesMatch(["pagerduty", "slack"], handles)).toBe(true);
    expect(notifiesMatch(["slack"], handles)).toBe(false);
    expect(notifiesMatch(["@slack-acme-emergency", "pagerduty"], handles)).toBe(true);
    expect(notifiesMatch(["slack", "email"], handles)).toBe(false);
  });
});

describe("lookout test", () => {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), "lookout-test-"));
  afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

  /** A copy of the prod catalog with one line changed. */
  function changedCatalog(name: string, from: string, to: string): string {
    const text = prodCatalogText(ROOT);
    expect(text.split(from).length, `"${from}" occurs once in the prod stack's catalog`).toBe(2);
    const file = path.join(temp, `${name}.yaml`);
    fs.writeFileSync(file, text.replace(from, to));
    return file;
  }

  it("passes the shipped tests of every stack", () => {
    const run = runLookout(["test"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\d+ expectations: \d+ passed, 0 failed, 1 not evaluable offline$/m);
    expect(run.stdout).toMatch(/^SKIP tests\/prod\/sixfb-ticketing\.test\.yaml:\d+:\d+ .*forecast monitors cannot be evaluated offline/m);
  });

  it.each([
    [
      "a threshold",
      '        critical: 1%            # 000 "Critical Alerts" 3',
      '        critical: 5%            # 000 "Critical Alerts" 3',
      /^FAIL tests\/prod\/agent-marketplace\.test\.yaml:15:9 .*agents-api\/error-rate-high \(alerts-agents-api-error-rate-high\) at 12m: expected ALERT, got OK; value 1\.8, alert when > 5; expected to notify \[pagerduty, slack, email\], notified \[\]$/m,
    ],
    [
      "a window",
      '        window: 5m              # 000: "for 5 minutes"',
      "        window: 2m",
      /^FAIL tests\/prod\/agent-marketplace\.test\.yaml:14:9 .*agents-api\/error-rate-high \(alerts-agents-api-error-rate-high\) at 10m: expected OK, got ALERT; value 1\.5, alert when > 1$/m,
    ],
    [
      "a comparator",
      "        critical: 50/h          # 003",
      "        comparison: below\n        critical: 50/h          # 003",
      /^FAIL tests\/prod\/carbot-crm\.test\.yaml:\d+:9 .*carbot-api\/failed-logins \(alerts-carbot-api-failed-logins\) at 59m: expected OK, got ALERT; value 0, alert when < 50$/m,
    ],
  ])("fails with a clear report when the catalog changes %s", (_what, from, to, report) => {
    const catalog = changedCatalog(_what.replace(/\W/g, ""), from, to);
    const run = runLookout(["test", "tests/prod", "--catalog", catalog]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(report);
  });

  it("exits 2 for a bad test file and for a monitor the plan does not hold, positioned", () => {
    const bad = path.join(temp, "bad.test.yaml");
    fs.writeFileSync(bad, "stack: prod\ntests:\n  - name: x\n    series: [{ metric: a, values: '1' }]\n    expect:\n      - { monitor: agents-api/no-such-alert, at: 1m, state: OK }\n");
    const run = runLookout(["test", bad]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`bad.test.yaml:6:20  tests[0].expect[0].monitor  no monitor "agents-api/no-such-alert" in the prod plan`);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("charts a monitor's evaluated values with --explain", () => {
    const run = runLookout(["test", "tests/prod/agent-marketplace.test.yaml", "--explain", "agents-api/error-rate-high"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("alert when > 1");
    expect(run.stdout).toMatch(/ 1 ┤┄+.*← threshold/);
    expect(run.stdout).toMatch(/state ┤·+A+·+/);
    const markdown = runLookout(["test", "tests/prod/agent-marketplace.test.yaml", "--explain", "agents-api/error-rate-high", "--format", "markdown"]);
    expect(markdown.stdout).toContain("| 11m | ALERT | 1.2 |");
  });
});
