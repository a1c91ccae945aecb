/** A production HTTP synthetics test, as policies see its properties, that meets every rule. */
export function compliantSyntheticsTest(): Record<string, unknown> {
  return {
    name: "[prod] checkout health",
    type: "api",
    subtype: "http",
    status: "live",
    tags: ["env:prod", "service:checkout", "team:payments", "severity:p1"],
    message: "{{#is_alert}}checkout is down{{/is_alert}}\n\nRunbook: https://runbooks.example.com/checkout",
    locations: ["aws:us-east-1", "aws:us-west-2", "aws:eu-west-1"],
    optionsList: { tickEvery: 60, minLocationFailed: 2 },
  };
}
