import { type Command, Option } from "commander";

/**
 * The simulation lab's commands: `restake simulate` (one path), `restake simulate verify` (replay a recorded run),
 * `restake montecarlo` (seeded paths on worker threads) and `restake report` (an HTML page for a run directory).
 * The simulator loads only when one of them runs (./simulateRun.ts).
 */

export function registerSimCommands(program: Command): void {
  // `simulate verify --db` must give --db to verify, not to simulate's own --db: options after a subcommand's name
  // belong to it (the program itself has no options but --help and --version, so nothing else changes)
  program.enablePositionalOptions();
  const sim = program
    .command("simulate")
    .enablePositionalOptions()
    .description("run one path of a scenario: time series, summary and the final state hash in a run directory")
    .argument("<scenario>", "scenario YAML file (see docs/simulation.md)")
    .option(
      "--seed <n>",
      "the path's seed (timeline draws, agents); default the scenario's. The network is always built from the scenario's seed",
    )
    .option("--out <dir>", "run directory (default: runs/<name>-<seed>)")
    .addOption(new Option("--format <format>", "time-series format").choices(["jsonl", "csv"]).default("jsonl"))
    .option("--no-security", "skip graph security (γ*) before and after, whatever the scenario says")
    .option("--check", "assert conservation at every step, whatever the scenario says")
    .option("--db <path|url>", "also record every applied command (setup and run) into this empty event store")
    .option("--pg-schema <name>", "PostgreSQL schema for --db (default: public)")
    .option("--quiet", "no progress bar")
    .option("--json", "print the summary as JSON (the last line of stdout)")
    .addHelpText(
      "after",
      `
Exit codes: 0 done; 1 the run failed; 2 the scenario file is bad (the error names file:line:column and the path in
the scenario) — nothing runs. The run directory holds series.jsonl or series.csv, summary.json, scenario.yaml and
timing.json; everything but timing.json is the same byte for byte for the same scenario and seed.`,
    )
    .action(async (file: string, flags) => {
      const { simulateCommand } = await import("./simulateRun.ts");
      await simulateCommand(file, flags);
    });

  sim
    .command("verify")
    .description("replay a run recorded with --db from its log alone and compare the final hash with the recorded one")
    .requiredOption("--db <path|url>", "SQLite file or postgres:// URL the run was recorded into")
    .option("--pg-schema <name>", "PostgreSQL schema (default: public)")
    .option("--json", "print the report as JSON")
    .action(async (flags) => {
      const { simulateVerifyCommand } = await import("./simulateRun.ts");
      await simulateVerifyCommand(flags);
    });

  program
    .command("montecarlo")
    .description("run seeded paths of a scenario on worker threads: VaR, LaR, P(bad debt), distributions, worst seeds")
    .argument("<scenario>", "scenario YAML file")
    .option("--paths <n>", "paths (per swept value)", "1000")
    .option("--workers <n>", "worker threads (default: the machine's cores; 0 runs in this thread)")
    .option("--seed <n>", "base seed: path i's seed derives from (seed, i); default the scenario's")
    .option(
      "--sweep <key=values>",
      "run the paths once per value of a scenario field: a dotted path and comma-separated values, e.g. agents.fearfulStakers.threshold=0.01,0.02,0.05",
    )
    .option("--out <dir>", "output directory (default: runs/<name>-mc-<seed>)")
    .option("--check-rollback", "assert after every path that the world hash is back where it started")
    .option("--quiet", "no progress bar")
    .option("--json", "print the result as JSON (the last line of stdout)")
    .addHelpText(
      "after",
      `
Figures (Gauntlet's sense): VaR95/VaR99 are the 95th/99th percentiles of bad debt across paths, LaR95/LaR99 those of
liquidated value. Each worst path lists its seed: \`restake simulate <scenario> --seed <seed>\` reruns it exactly.
The results and the aggregate hash do not depend on --workers. Writes montecarlo.json, timing.json, scenario.yaml.`,
    )
    .action(async (file: string, flags) => {
      const { monteCarloCommand } = await import("./simulateRun.ts");
      await monteCarloCommand(file, flags);
    });

  program
    .command("report")
    .description(
      "write report.html (charts and tables, one self-contained file) for a simulate or montecarlo run directory",
    )
    .argument("<run-dir>", "a directory written by restake simulate or restake montecarlo")
    .action(async (dir: string) => {
      const { reportCommand } = await import("./simulateRun.ts");
      reportCommand(dir);
    });
}
