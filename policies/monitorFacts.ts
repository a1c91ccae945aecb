/**
 * Datadog monitor rules a catalog change can break and Datadog itself would judge: which
 * transitions notify which handles, the forecast and anomaly comparators, windows in the
 * documented grammar, sparse signals, missing data on paging monitors, and the plan
 * anomaly monitors need. Each rule cites its fact in `docs/provider-facts.md`.
 */
import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { windowWords, type MonitorQuery } from "../queries";
import { readableQuery } from "./alerts";
import { modelOf } from "./monitorView";
import { DATADOG_MONITOR, DATADOG_SYNTHETICS_TEST, objectProp, parseTags } from "./support";

/** The tag Lookout puts on monitors of sparse signals (infra/notify/conventions.ts SPARSE_TAG). */
const SPARSE = { key: "data", value: "sparse" } as const;

function stringProp(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** Blocks whose handles are notified only on an alert, its recovery, or missing data (PF-DD-MON-1). */
const PAGING_BLOCKS = /\{\{#(is_alert|is_alert_recovery|is_no_data|is_no_data_recovery)\}\}[\s\S]*?\{\{\/\1\}\}/g;
const PAGERDUTY = /(?:^|\s)@pagerduty-[\w.-]+/;

/** The message with every block that may page removed: what a warning (or any transition) shows. */
function outsidePagingBlocks(message: string): string {
  return message.replace(PAGING_BLOCKS, "");
}

/** The handles of a message's `{{#is_alert}}` block. */
function alertBlock(message: string): string {
  return /\{\{#is_alert\}\}([\s\S]*?)\{\{\/is_alert\}\}/.exec(message)?.[1] ?? "";
}

// ---------------------------------------------------------------------------------------
// warnings-never-page
// ---------------------------------------------------------------------------------------

function validateWarningRoutes(args: ResourceValidationArgs, reportViolation: ReportViolation): void {
  if (args.type !== DATADOG_MONITOR && args.type !== DATADOG_SYNTHETICS_TEST) return;
  const message = stringProp(args.props.message);
  if (message === undefined) return; // unknown in a preview
  const stray = PAGERDUTY.exec(outsidePagingBlocks(message));
  if (stray) {
    reportViolation(
      `"${args.name}" names ${stray[0].trim()} outside the {{#is_alert}}, {{#is_alert_recovery}} and {{#is_no_data}} blocks of its message, ` +
        `so Datadog pages on a warning too: a handle outside a conditional block is notified on every transition (PF-DD-MON-1). ` +
        `Put the PagerDuty handle in the alert blocks and send warnings to chat only (DESIGN.md severity ladder: no level pages on a warning).`,
    );
  }
}

export const warningsNeverPage: ResourceValidationPolicy = {
  name: "warnings-never-page",
  description:
    "A Datadog monitor or synthetics test names a @pagerduty- handle only inside its {{#is_alert}}, {{#is_alert_recovery}}, {{#is_no_data}} " +
    "or {{#is_no_data_recovery}} blocks: a handle outside them notifies on warnings too (PF-DD-MON-1; DESIGN.md severity ladder: a warning goes to chat only).",
  enforcementLevel: "mandatory",
  validateResource: validateWarningRoutes,
};

// ---------------------------------------------------------------------------------------
// forecast-comparators
// ---------------------------------------------------------------------------------------

/** The function a metric query's expression is (`forecast`, `anomalies`), if it is one. */
function topCall(model: MonitorQuery | undefined): string | undefined {
  return model?.kind === "metric" && model.expression.kind === "call" ? model.expression.name : undefined;
}

function validateComparators(args: ResourceValidationArgs, reportViolation: ReportViolation): void {
  if (args.type !== DATADOG_MONITOR) return;
  const model = modelOf(readableQuery(args));
  if (model?.kind !== "metric") return;
  const operator = model.comparator;
  const top = topCall(model);
  if (top === "forecast" && operator !== "<=" && operator !== ">=") {
    reportViolation(
      `Monitor "${args.name}" compares a forecast with ${operator}. Datadog's forecast query takes <= (alert below) or >= (alert above) ` +
        `the threshold (PF-DD-MON-2); write the forecast alert in the catalog and let Lookout derive the comparator.`,
    );
  }
  if (top === "anomalies" && operator !== ">=") {
    reportViolation(
      `Monitor "${args.name}" compares an anomaly share with ${operator}. Datadog's anomaly query ends ">= <fraction of the window>" (PF-DD-MON-3).`,
    );
  }
}

export const forecastComparators: ResourceValidationPolicy = {
  name: "forecast-comparators",
  description: "A Datadog forecast monitor compares with <= or >= (PF-DD-MON-2); an anomaly monitor with >= (PF-DD-MON-3).",
  enforcementLevel: "mandatory",
  validateResource: validateComparators,
};

// ---------------------------------------------------------------------------------------
// monitor-windows-documented
// ---------------------------------------------------------------------------------------

/** Whether a window is in Datadog's documented grammar: #m 1–10080, #h 1–168, 1d, 1w (PF-DD-MON-4). */
export function documentedWindow(count: number, unit: string): boolean {
  if (unit === "m") return count >= 1 && count <= 10_080;
  if (unit === "h") return count >= 1 && count <= 168;
  if (unit === "d" || unit === "w") return count === 1;
  return false;
}

function validateWindows(args: ResourceValidationArgs, reportViolation: ReportViolation): void {
  if (args.type !== DATADOG_MONITOR || args.props.type !== "query alert") return;
  const query = readableQuery(args);
  const bad = windowWords(query).filter((w) => !documentedWindow(w.amount, w.unit)).map((w) => w.text);
  if (bad.length > 0) {
    reportViolation(
      `Monitor "${args.name}" uses the window${bad.length > 1 ? "s" : ""} ${[...new Set(bad)].join(", ")}, outside Datadog's documented grammar ` +
        `(last_#m up to 10080, last_#h up to 168, last_1d, last_1w: PF-DD-MON-4). Write days other than one as hours, e.g. last_72h for 3 days.`,
    );
  }
}

export const monitorWindowsDocumented: ResourceValidationPolicy = {
  name: "monitor-windows-documented",
  description: "A Datadog metric monitor's windows are in the documented grammar: last_#m (1–10080), last_#h (1–168), last_1d or last_1w (PF-DD-MON-4).",
  enforcementLevel: "mandatory",
  validateResource: validateWindows,
};

// ---------------------------------------------------------------------------------------
// sparse-signals-no-full-window
// ---------------------------------------------------------------------------------------

function validateSparse(args: ResourceValidationArgs, reportViolation: ReportViolation): void {
  if (args.type !== DATADOG_MONITOR) return;
  const sparse = parseTags(args.props.tags).get(SPARSE.key) === SPARSE.value;
  const scheduled = objectProp(objectProp(args.props.schedulingOptions)?.customSchedule) !== undefined;
  if ((sparse || scheduled) && args.props.requireFullWindow !== false) {
    reportViolation(
      `Monitor "${args.name}" ${sparse ? `is tagged ${SPARSE.key}:${SPARSE.value}` : "runs on a custom schedule"} but does not set requireFullWindow: false, ` +
        `so Datadog skips its evaluations until a full window of points arrives, which a sparse metric rarely sends ` +
        `(PF-DD-MON-5: Datadog advises false for sparse metrics, and a custom schedule requires it).`,
    );
  }
}

export const sparseSignalsNoFullWindow: ResourceValidationPolicy = {
  name: "sparse-signals-no-full-window",
  description:
    "A Datadog monitor of a sparse signal (tag data:sparse) or on a custom schedule sets requireFullWindow: false (PF-DD-MON-5).",
  enforcementLevel: "mandatory",
  validateResource: validateSparse,
};

// ---------------------------------------------------------------------------------------
// paging-monitors-report-no-data
// ---------------------------------------------------------------------------------------

function validateNoData(args: ResourceValidationArgs, reportViolation: ReportViolation): void {
  if (args.type !== DATADOG_MONITOR || args.props.type !== "query alert") return;
  const message = stringProp(args.props.message);
  if (message === undefined || !PAGERDUTY.test(alertBlock(message))) return;
  if (parseTags(args.props.tags).get(SPARSE.key) === SPARSE.value) return;
  const notifies = args.props.notifyNoData === true || args.props.onMissingData === "show_and_notify_no_data";
  const timeframe = typeof args.props.noDataTimeframe === "number" && args.props.noDataTimeframe > 0;
  if (!notifies || (args.props.notifyNoData === true && !timeframe)) {
    reportViolation(
      `Monitor "${args.name}" pages but ${notifies ? "sets no noDataTimeframe" : "does not notify on missing data"}: a stopped sender or a renamed metric ` +
        `leaves it silent. Let it notify (catalog noData: notify or alert; Lookout sets notifyNoData and a noDataTimeframe of twice the window), ` +
        `or mark the signal sparse: true if missing data is its normal state (PF-DD-MON-6).`,
    );
  }
}

export const pagingMonitorsReportNoData: ResourceValidationPolicy = {
  name: "paging-monitors-report-no-data",
  description:
    "A Datadog metric monitor that pages (@pagerduty- in its alert block) notifies on missing data with a noDataTimeframe, unless tagged data:sparse (PF-DD-MON-6).",
  enforcementLevel: "mandatory",
  validateResource: validateNoData,
};

// ---------------------------------------------------------------------------------------
// anomaly-monitors-need-enterprise
// ---------------------------------------------------------------------------------------

function validateAnomalyPlan(args: ResourceValidationArgs, reportViolation: ReportViolation): void {
  if (args.type !== DATADOG_MONITOR) return;
  if (topCall(modelOf(readableQuery(args))) !== "anomalies") return;
  reportViolation(
    `Monitor "${args.name}" is an anomaly monitor: Datadog lets customers on an enterprise plan create these through the API (PF-DD-MON-3). ` +
      `Check the organisation's plan before pulumi up, or use a threshold or change signal instead.`,
  );
}

export const anomalyMonitorsNeedEnterprise: ResourceValidationPolicy = {
  name: "anomaly-monitors-need-enterprise",
  description: "Flags each Datadog anomaly monitor: creating one through the API needs an enterprise plan (PF-DD-MON-3).",
  enforcementLevel: "advisory",
  validateResource: validateAnomalyPlan,
};

export const monitorFactPolicies: ResourceValidationPolicy[] = [
  warningsNeverPage,
  forecastComparators,
  monitorWindowsDocumented,
  sparseSignalsNoFullWindow,
  pagingMonitorsReportNoData,
  anomalyMonitorsNeedEnterprise,
];
