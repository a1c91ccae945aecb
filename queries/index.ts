/** The Datadog monitor query model: types, format, parse and units, in one place. */
export * from "./model";
export { format, formatComposite, formatDuration, formatExpr, formatMeasured, formatNumber, formatSearchSeries, formatWindow, QueryModelError } from "./format";
export { parse, parseCompositeOfNames, parseExact, parseMonitor, parseOrUndefined, positionOf, QueryParseError, QueryUnsupportedError, trailingComparison, windowWords, type QueryPosition, type TrailingComparison } from "./parse";
export { convertUnit, converts, describeValue, expressionUnit, GRAFANA_UNITS, thresholdUnit, unitOf, type DeclaredMetricUnit, type QueryUnit } from "./units";
export { durationOf, durationSeconds, formatSeconds, unitMilliseconds, writtenMilliseconds, writtenSeconds } from "./durations";
export { parseTags, tagTerm } from "./tags";
