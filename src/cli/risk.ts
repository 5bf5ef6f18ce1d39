import { readFileSync } from "node:fs";
import { type Command, Option } from "commander";
import type { NeutralView } from "../core/protocol.ts";
import type { ConcentrationReport } from "../risk/concentration.ts";
import { Rational } from "../risk/rational.ts";
import type { SecurityReport } from "../risk/security.ts";
import { registerRiskExposureCommands } from "./riskExposure.ts";

/**
 * `restake risk security` and `restake risk concentration`. The risk engine and the store are imported only when a
 * command runs. State is read through the protocol-neutral view, either from a running node (`--node <url>`, GET
 * /api/neutral) or straight from a store (`--db`, replaying the log like `restake replay`); `--node` wins.
 */

interface StateFlags {
  state?: boolean;
  node?: string;
  db?: string;
  pgSchema?: string;
}

interface SecurityFlags extends StateFlags {
  params?: string;
  model?: string;
  psi?: string;
  gamma?: string;
  method?: string;
  timeLimit?: string;
  cascade?: string;
  robustness?: boolean;
  json?: boolean;
}

interface ConcentrationFlags extends StateFlags {
  params?: string;
  entities?: string;
  lrt?: string;
  json?: boolean;
}

class UsageError extends Error {}

function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read ${what} ${path}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${what} ${path} is not valid JSON: ${(e as Error).message}`);
  }
}

/** The neutral view from a node (GET /api/neutral) or a store (replay), per the flags. */
async function loadNeutral(flags: StateFlags): Promise<NeutralView> {
  const { neutralFromJson } = await import("../risk/neutral.ts");
  if (flags.node !== undefined) {
    const url = `${flags.node.replace(/\/+$/, "")}/api/neutral`;
    let res: Response;
    try {
      res = await fetch(url);
    } catch (e) {
      throw new UsageError(`cannot reach ${url}: ${(e as Error).message}`);
    }
    if (!res.ok) throw new UsageError(`${url} answered ${res.status}: ${await res.text()}`);
    return neutralFromJson(await res.json());
  }
  const { openStoreFrom, storeConfig } = await import("./common.ts");
  const { ledgerOptions } = await import("../node/config.ts");
  const { Ledger } = await import("../node/ledger.ts");
  const { eigenNeutralView } = await import("../core/eigenlayer/neutral.ts");
  const store = await openStoreFrom({ db: flags.db, pgSchema: flags.pgSchema });
  try {
    const config = await storeConfig(store, {});
    const ledger = await Ledger.open(ledgerOptions(config, store));
    const view = eigenNeutralView(ledger.state, ledger.time.block);
    await ledger.idle();
    return view;
  } finally {
    await store.close();
  }
}

function parseRational(text: string | undefined, name: string) {
  return import("../risk/rational.ts").then(({ Rational }) => {
    if (text === undefined) return null;
    const v = Rational.parse(text);
    if (v === null) throw new UsageError(`${name} must be a decimal or a fraction p/q, got ${JSON.stringify(text)}`);
    return v;
  });
}

async function securityCommand(graphFile: string | undefined, flags: SecurityFlags): Promise<void> {
  const { parseGraph, graphFromNeutral, parseRiskParams, analyzeSecurity } = await import("../risk/index.ts");
  const fromState = flags.state === true || flags.node !== undefined;
  if (graphFile !== undefined && fromState) throw new UsageError("give either a graph file or --state, not both");
  if (graphFile === undefined && !fromState)
    throw new UsageError("give a graph file, or --state (with --node or --db)");
  const psi = await parseRational(flags.psi, "--psi");
  const gamma = await parseRational(flags.gamma, "--gamma");
  if (psi !== null && (psi.sign() < 0 || psi.gt(Rational.ONE))) throw new UsageError("--psi must be in [0, 1]");
  if (gamma !== null && gamma.sign() < 0) throw new UsageError("--gamma must be ≥ 0");
  const timeLimit = flags.timeLimit === undefined ? 60 : Number(flags.timeLimit);
  if (!Number.isFinite(timeLimit) || timeLimit <= 0)
    throw new UsageError("--time-limit must be a positive number of seconds");
  let graph: ReturnType<typeof parseGraph>;
  const notes: string[] = [];
  let defaultModel: "dr" | "elastic" | "unique" | undefined;
  if (graphFile !== undefined) {
    graph = parseGraph(readJsonFile(graphFile, "graph file"));
  } else {
    const params =
      flags.params === undefined ? parseRiskParams({}) : parseRiskParams(readJsonFile(flags.params, "params file"));
    const view = await loadNeutral(flags);
    const built = graphFromNeutral(view, params);
    graph = built.graph;
    defaultModel = "unique";
    if (built.unpriced.length > 0) {
      notes.push(`${built.unpriced.length} operator set(s) without profit/threshold in the params file were left out`);
    }
    if (flags.params === undefined) notes.push("no --params file: every operator set was left out");
  }
  const report: SecurityReport = await analyzeSecurity(graph, {
    model: (flags.model as "dr" | "elastic" | "unique" | undefined) ?? defaultModel,
    psi,
    gamma,
    method: (flags.method ?? "auto") as "auto",
    timeLimitMs: timeLimit * 1000,
    cascadePolicy: (flags.cascade ?? "max-loss") as "max-loss",
    robustness: flags.robustness !== false,
  });
  report.notes.unshift(...notes);
  if (flags.json) {
    console.log(JSON.stringify(report));
    return;
  }
  printSecurity(report);
}

/** "p/q" → a short decimal for people (the JSON output keeps the exact fraction). */
function dec(x: string | null | undefined, digits = 6): string {
  if (x === null || x === undefined) return "∞";
  const v = Rational.parse(x)?.toNumber();
  return v === undefined ? x : Number(v.toPrecision(digits)).toString();
}

function list(xs: string[], max = 8): string {
  return xs.length <= max ? `[${xs.join(", ")}]` : `[${xs.slice(0, max).join(", ")}, … ${xs.length - max} more]`;
}

function printSecurity(r: SecurityReport): void {
  console.log(
    `model        ${r.model} (${r.validators} validators, ${r.services} services, total stake ${dec(r.totalStake)})`,
  );
  console.log(
    `secure       ${r.secure === null ? "undecided (time limit)" : r.secure ? "yes" : "NO"}  [${r.certificate}]`,
  );
  console.log(
    `slack γ*     ${dec(r.slack)}${r.slackExact ? "" : ` (best found: an upper bound; proven lower bound ${r.slackLower === null ? "none" : dec(r.slackLower)})`}`,
  );
  if (r.worstAttack) {
    const a = r.worstAttack;
    console.log(`worst        ${a.services.length} service(s) ${list(a.services)}`);
    console.log(`             by ${a.validators.length} validator(s) ${list(a.validators)}`);
    console.log(`             profit ${dec(a.profit)}, cost ${dec(a.cost)}, net ${dec(a.net)}`);
  }
  const v = r.claim1.violators;
  console.log(`claim 1      ${r.claim1.holds ? "holds" : `fails (${v.length} violator(s) ${list(v, 5)})`}`);
  if (r.corollary2) {
    const c = r.corollary2;
    console.log(
      `corollary 2  γ = ${dec(c.gamma)}: ${c.holds ? "holds" : `fails (${c.violators.length} violator(s) ${list(c.violators, 5)})`}`,
    );
  }
  if (r.loss) {
    const l = r.loss;
    console.log(
      `loss R_ψ     ψ = ${dec(l.psi)}: ${dec(l.value)}${l.exact ? "" : ` (best found; proven upper bound ${l.upperBound ?? "—"})`}`,
    );
    console.log(`             shock ${l.shock.length} validator(s) ${list(l.shock)}`);
    if (l.attack) {
      console.log(
        `             then ${list(l.attack.services)} by ${l.attack.validators.length} validator(s) ${list(l.attack.validators)}`,
      );
    }
    if (l.theorem1Bound) console.log(`             Theorem 1: R_ψ < (1+1/γ)ψ = ${dec(l.theorem1Bound)}`);
    if (l.cascade) {
      console.log(
        `cascade      ${l.cascade.steps.length} step(s) (${l.cascade.policy}), union ${l.cascade.unionValid ? "valid" : "INVALID"}, total ${dec(l.cascade.value)}${l.cascade.matchesOneShot ? " = R_ψ" : ""}`,
      );
    }
  }
  if (r.elastic) {
    const e = r.elastic;
    console.log(
      `elastic      max attack profit ${e.maxProfit === null ? "—" : dec(e.maxProfit)}${e.exact ? "" : " (best found)"}`,
    );
    if (e.robustness) {
      const rb = e.robustness;
      console.log(
        `robustness   ρ = ${rb.rho !== null ? dec(rb.rho) : rb.complete ? "none (no Byzantine set breaks it)" : `≥ ${dec(rb.lower)} (search cut short)`}${rb.byzantine ? ` with Byzantine ${list(rb.byzantine)}` : ""}`,
      );
    }
  }
  for (const n of r.notes) console.log(`note         ${n}`);
  console.log(`time         ${r.timeMs} ms (${r.method})`);
}

async function concentrationCommand(flags: ConcentrationFlags): Promise<void> {
  const { concentration, parseEntityMap, parseLrtHoldings } = await import("../risk/concentration.ts");
  const { parseRiskParams } = await import("../risk/neutral.ts");
  const params = flags.params === undefined ? undefined : parseRiskParams(readJsonFile(flags.params, "params file"));
  const entities =
    flags.entities === undefined ? undefined : parseEntityMap(readJsonFile(flags.entities, "entity map"));
  const lrt = flags.lrt === undefined ? undefined : parseLrtHoldings(readJsonFile(flags.lrt, "LRT holdings file"));
  const view = await loadNeutral(flags);
  const report: ConcentrationReport = concentration(view, { params, entities, lrt });
  if (flags.json) {
    console.log(JSON.stringify(report));
    return;
  }
  const line = (name: string, m: ConcentrationReport["slashable"]) =>
    console.log(
      `${name.padEnd(46)} n=${String(m.n).padStart(4)}  HHI ${String(m.hhi10k).padStart(5)}  N⅓ ${m.nakamoto["1/3"] ?? "—"}  N½ ${m.nakamoto["1/2"] ?? "—"}${m.attackNakamoto !== undefined ? `  Nα ${m.attackNakamoto ?? "—"}` : ""}  Gini ${dec(m.gini, 3)}`,
    );
  console.log(`${report.protocol} at block ${report.block}, over ${report.grouping}`);
  line("slashable (distinct, all AVSs)", report.slashable);
  line("delegated", report.delegated);
  for (const [k, m] of Object.entries(report.perStrategy)) line(`strategy ${k}`, m);
  for (const [k, m] of Object.entries(report.perAvs)) line(`AVS ${k}`, m);
  for (const [k, m] of Object.entries(report.perLrt)) line(`LRT ${k}`, m);
}

async function run(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    const { GraphError } = await import("../risk/graph.ts");
    if (e instanceof UsageError || e instanceof GraphError) {
      console.error(`error: ${e.message}`);
      process.exitCode = 2;
      return;
    }
    const { reportError } = await import("./common.ts");
    reportError(e);
  }
}

function stateOptions(cmd: Command): Command {
  return cmd
    .option("--node <url>", "read the state from a running node's GET /api/neutral")
    .option(
      "--db <path|url>",
      "read the state from a store (SQLite file or postgres:// URL; default: $DATABASE_URL, then ./restake.db)",
    )
    .option("--pg-schema <name>", "PostgreSQL schema for the tables (default: public)");
}

export function registerRiskCommands(program: Command): void {
  const risk = program
    .command("risk")
    .description("restaking risk: security of the restaking graph and stake concentration");
  stateOptions(
    risk
      .command("security")
      .description("exact security, slack γ*, Claim 1, worst-case loss R_ψ and its cascade of a restaking graph")
      .argument("[graph]", "graph JSON file (see docs/risk.md); or use --state")
      .option("--state", "analyse the engine's state (with --node <url> or --db) instead of a graph file")
      .option("--params <file>", "with --state: profit and threshold per AVS or operator set, prices per asset (JSON)")
      .addOption(
        new Option(
          "--model <model>",
          "dr (pooled), elastic (Bar-Zur–Eyal) or unique (EigenLayer unique stake)",
        ).choices(["dr", "elastic", "unique"]),
      )
      .option("--psi <p/q>", "also compute the worst-case loss R_ψ after a shock of this fraction of the stake")
      .option("--gamma <p/q>", "also check Corollary 2 for this slack γ")
      .addOption(
        new Option("--method <method>", "search method").choices(["auto", "brute", "mincut", "milp"]).default("auto"),
      )
      .option("--time-limit <seconds>", "wall-clock budget; past it bounds are reported instead of exact values", "60")
      .addOption(
        new Option("--cascade <policy>", "cascade step policy").choices(["max-loss", "max-profit"]).default("max-loss"),
      )
      .option("--no-robustness", "elastic: skip the search over Byzantine service sets")
      .option("--json", "print one JSON object")
      .addHelpText(
        "after",
        `
Default model: elastic when the graph has allocations, dr otherwise; unique with --state. Numbers in the output are
exact fractions "p/q". Exit code 0 whatever the verdict; 2 on bad input.

Examples:
  restake risk security graph.json --psi 1/10 --gamma 1/10 --json
  restake risk security --state --node http://127.0.0.1:7420 --params risk-params.json --psi 1/100`,
      ),
  ).action((graph: string | undefined, flags: SecurityFlags) => run(() => securityCommand(graph, flags)));

  stateOptions(
    risk
      .command("concentration")
      .description("HHI, Nakamoto coefficients and Gini per strategy, per AVS, per LRT and over operators or entities")
      .option("--params <file>", "prices per asset and thresholds per AVS (the same file as risk security)")
      .option("--entities <file>", 'operator → entity map (JSON {"<operator>": "<entity>"})')
      .option("--lrt <file>", 'LRT holdings (JSON [{"lrt", "operator", "amount"}])')
      .option("--json", "print one JSON object"),
  ).action((flags: ConcentrationFlags) => run(() => concentrationCommand(flags)));

  registerRiskExposureCommands(risk);
}
