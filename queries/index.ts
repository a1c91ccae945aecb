/** The Datadog monitor query model: types, format, parse and units, in one place. */
export * from "./model";
export { format, formatComposite, formatDuration, formatExpr, formatNumber, formatWindow, QueryModelError } from "./format";
export { parse, parseExact, parseMonitor, positionOf, QueryParseError, QueryUnsupportedError, type QueryPosition } from "./parse";
export { expressionUnit, unitOf, type QueryUnit } from "./units";
