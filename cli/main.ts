/**
 * `lookout`: the offline engine and its reports. This file only wires commander: each
 * command lives in `cli/commands/` and resolves to its exit code, and typed errors map to
 * exit codes in `cli/commands/exitCodes.ts`, nowhere else.
 */
import { Command, Option } from "commander";
import { exitCodeOf } from "./commands/exitCodes";
import { allowOutsideProject, collect, percent, positiveInteger } from "./commands/options";
import { MASS_REMOVAL_PERCENT } from "./reports/massRemoval";
import type { PlanFlags } from "./commands/plan";
import type { DashboardsFlags } from "./commands/dashboards";
import type { DiffFlags } from "./commands/diff";
import type { ThresholdsFlags } from "./commands/thresholds";
import type { PoliciesFlags } from "./commands/policies";
import type { TestFlags } from "./commands/test";
import type { ImportFlags } from "./commands/import";
import type { ExportFlags } from "./commands/export";
import type { CatalogFlags } from "./commands/catalog";

// Each command loads what it runs, when it runs: `lookout policies` loads no program, no
// engine and no dashboard SDK; `lookout --help` none of them. `require`, typed by the
// module: a dynamic import() would leave the CommonJS loader the TypeScript runs under.
const planCommand = (): typeof import("./commands/plan") => require("./commands/plan");
const dashboards = (): typeof import("./commands/dashboards") => require("./commands/dashboards");
const thresholdsCommand = (): typeof import("./commands/thresholds") => require("./commands/thresholds");
const diffCommand = (): typeof import("./commands/diff") => require("./commands/diff");
const policyList = (): typeof import("./commands/policies") => require("./commands/policies");
const testCommand = (): typeof import("./commands/test") => require("./commands/test");
const importer = (): typeof import("./commands/import") => require("./commands/import");
const exporter = (): typeof import("./commands/export") => require("./commands/export");
const catalogPrinter = (): typeof import("./commands/catalog") => require("./commands/catalog");

export function buildCli(run: (code: Promise<number>) => void, write: (text: string) => void): Command {
  const program = new Command("lookout")
    .description("Monitoring as code on Pulumi: plan, audit and review a stack's monitoring offline.")
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });

  program
    .command("plan")
    .description("Run the Pulumi program under runtime mocks and the policy packs over the Analyzer protocol.")
    .requiredOption("-s, --stack <name>", "stack name (reads Pulumi.<name>.yaml)")
    .option("--catalog <file>", "catalog file or folder, instead of the stack's lookout:catalog")
    .addOption(new Option("--policy-pack <dir>", "an extra policy pack to run (repeatable)").default([]).argParser(collect))
    .option("--policy-config <file>", "policy config JSON (as pulumi preview --policy-pack-config)")
    .addOption(allowOutsideProject())
    .option("--json", "print the plan as one JSON document")
    .addOption(
      new Option("--shards <n>", "worker processes the services are split over; auto: one per 100 services above 100 (same plan either way)")
        .default("auto")
        .argParser((value) => (value === "auto" ? "auto" : positiveInteger("--shards", value))),
    )
    .addOption(new Option("--jobs <n>", "shards planned at a time (default: one per core, at most 4)").argParser((value) => positiveInteger("--jobs", value)))
    .action((flags: PlanFlags) => run(planCommand().plan(flags, write)));

  program
    .command("dashboards")
    .description("Write the stack's Grafana dashboards as JSON (sorted keys), one file per dashboard, ready to import by hand.")
    .requiredOption("-s, --stack <name>", "stack name (reads Pulumi.<name>.yaml)")
    .option("--catalog <file>", "catalog file or folder, instead of the stack's lookout:catalog")
    .requiredOption("--out <dir>", "folder to write the dashboards to (created if missing)")
    .addOption(allowOutsideProject())
    .action((flags: DashboardsFlags) => run(dashboards().writeDashboards(flags, write)));

  program
    .command("policies")
    .description("List every rule of the policy packs (the project's and --policy-pack): level, severity, description, config defaults and the guides it cites.")
    .addOption(new Option("--policy-pack <dir>", "an extra policy pack to list (repeatable)").default([]).argParser(collect))
    .option("--json", "print the rules as one JSON array")
    .option("--markdown", "print the README's policy table (Markdown)")
    .action((flags: PoliciesFlags) => run(policyList().policies(flags, write)));

  program
    .command("thresholds")
    .description("List every threshold the plan provisions (monitors, checks, SLOs, Sentry rules, escalation, retention, dashboards) with its catalog source.")
    .requiredOption("-s, --stack <name>", "stack name (reads Pulumi.<name>.yaml)")
    .option("--catalog <file>", "catalog file or folder, instead of the stack's lookout:catalog")
    .option("--format <format>", "table, markdown or json", "table")
    .addOption(
      new Option("--service <name>", "only this service's rows (or team's, for on-call); repeatable")
        .default([], "all")
        .argParser((value: string, previous: string[]) => [...previous, value]),
    )
    .option("--severity <levels>", "only rows of these severities, comma-separated (P0,P1)")
    .addOption(allowOutsideProject())
    .action((flags: ThresholdsFlags) => run(thresholdsCommand().thresholds(flags, write)));

  program
    .command("diff")
    .description("Plan a git revision and the working tree; report resources and thresholds that change, looser ones first.")
    .requiredOption("-s, --stack <name>", "stack name (reads Pulumi.<name>.yaml)")
    .requiredOption("--base <ref>", "the git revision to compare with, e.g. origin/main or HEAD~1")
    .option("--format <format>", "text, markdown or json", "text")
    .addOption(
      new Option("--fail-on <what>", "exit 1 on: looser (P0/P1 alerts removed or loosened, retention shortened), mass-removal (see --mass-removal-percent); repeatable or comma-separated")
        .default([], "none")
        .argParser((value: string, previous: string[]) => [...previous, ...value.split(",").map((v) => v.trim())]),
    )
    .addOption(
      new Option("--mass-removal-percent <n>", "a change removing more than this share of the stack's monitors, or emptying a concern, is a mass removal")
        .default(MASS_REMOVAL_PERCENT)
        .argParser(percent),
    )
    .option("--series <path>", "recorded series (lookout test files) to replay through the base's and the head's changed monitors")
    .option("--report <file>", "also write the whole report as text to FILE, never truncated (what CI uploads beside the comment)")
    .option("--policy-config <file>", "the stack's policy config (as lookout plan --policy-config): the cost delta's prices and budget")
    .action((flags: DiffFlags) => run(diffCommand().diff(flags, write)));

  program
    .command("test")
    .description("Evaluate the planned monitors over the test files' sample series (default tests/**/*.test.yaml) and check the expected states.")
    .argument("[paths...]", "test files or folders")
    .option("-s, --stack <name>", "stack name, instead of each file's stack:")
    .option("--catalog <file>", "catalog file or folder, instead of the stack's lookout:catalog")
    .option("--explain <monitor>", "chart the monitor's evaluated values over each test that names it")
    .option("--format <format>", "text or markdown", "text")
    .action((paths: string[], flags: TestFlags) => run(testCommand().test(paths, flags, write)));

  program
    .command("import")
    .description("Adopt existing Datadog monitors, SLOs and API tests: write them into a catalog file that validates, with a report of what it cannot hold.")
    .argument("<source>", "where from: datadog")
    .requiredOption("--from <path>", "a JSON file, or a folder of them (API objects and lists, recommended monitors, datadog-sync-cli files)")
    .requiredOption("--out <file>", "the catalog file to write")
    .option("-s, --stack <name>", "the stack the catalog is for: its environment (default prod) and, with --pulumi-import, its Pulumi.<name>.yaml")
    .option("--pulumi-import <file>", "also write Pulumi's bulk import file (pulumi import --file) mapping planned names to Datadog IDs")
    .action((source: string, flags: ImportFlags) => run(importer().importCommand(source, flags, write)));

  program
    .command("export")
    .description("Write the stack's planned Datadog monitors as the API's monitor JSON, one file per monitor (what import reads back).")
    .argument("<target>", "where to: datadog")
    .requiredOption("-s, --stack <name>", "stack name (reads Pulumi.<name>.yaml)")
    .option("--catalog <file>", "catalog file or folder, instead of the stack's lookout:catalog")
    .requiredOption("--out <dir>", "folder to write the monitors to (created if missing)")
    .action((target: string, flags: ExportFlags) => run(exporter().exportCommand(target, flags, write)));

  program
    .command("catalog")
    .description("Print the stack's effective catalog (its base and overlay merged) as YAML; --origins adds each value's file:line.")
    .requiredOption("-s, --stack <name>", "stack name (reads Pulumi.<name>.yaml)")
    .option("--catalog <file>", "catalog file or folder, instead of the stack's lookout:catalog")
    .option("--origins", "comment each value with the file:line that set it")
    .addOption(allowOutsideProject())
    .action((flags: CatalogFlags) => run(catalogPrinter().catalogCommand(flags, write)));

  return program;
}

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: readonly string[], write: (text: string) => void = (t) => process.stdout.write(t)): Promise<number> {
  let pending: Promise<number> | undefined;
  return exitCodeOf(async () => {
    await buildCli((code) => (pending = code), write).parseAsync([...argv]);
    return pending === undefined ? undefined : await pending;
  });
}
