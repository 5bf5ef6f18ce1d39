/**
 * The incident library's figures: runs a shipped scenario and measures, from the world the run leaves, what each
 * README compares with the public figures — per lending market (liquidations, debt repaid, collateral seized, bad
 * debt, the average oracle price they imply), per LRT (rate, DEX price against it, pool depth, queue, the age of
 * the requests still waiting, the bridged-supply gap), the operators slashed and the attacker's position.
 * `restake simulate` writes the run's own series and summary; this adds what only the end state can tell.
 *
 *   npx tsx scenarios/incidents/figures.ts <name | scenario.yaml> [--seed N] [--json]
 *
 * test/sim/incidents.test.ts runs the same functions.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Address } from "../../src/core/eigenlayer/state.ts";
import { WAD } from "../../src/core/shared/math.ts";
import * as lrtViews from "../../src/lrt/views.ts";
import * as aave from "../../src/markets/aave.ts";
import { liquidationIncentiveFactor } from "../../src/markets/morpho.ts";
import { price as oraclePrice } from "../../src/markets/oracles.ts";
import type { SimEntry } from "../../src/sim/chain.ts";
import { buildNetwork } from "../../src/sim/network/build.ts";
import { networkNames } from "../../src/sim/network/names.ts";
import type { SimNetwork } from "../../src/sim/network/types.ts";
import { dexPrice, lrtRate, marketCtx } from "../../src/sim/run/read.ts";
import { type RunResult, type SimulateOptions, simulate } from "../../src/sim/run/simulate.ts";
import { parseScenario } from "../../src/sim/scenario/parse.ts";
import type { Scenario } from "../../src/sim/scenario/types.ts";

export const INCIDENTS = ["ezeth-depeg-2024", "rseth-bridge-2026", "correlated-avs-cascade", "points-exit"] as const;
export type IncidentName = (typeof INCIDENTS)[number];

const here = dirname(fileURLToPath(import.meta.url));

/** A shipped incident's scenario file (by name), or any scenario file (by path). */
export function incidentFile(nameOrFile: string): string {
  return (INCIDENTS as readonly string[]).includes(nameOrFile) ? join(here, nameOrFile, "scenario.yaml") : nameOrFile;
}

/** The scenario, parsed and checked against its network's names (a bad file throws its ScenarioError). */
export function loadIncident(nameOrFile: string): Scenario {
  const file = incidentFile(nameOrFile);
  return parseScenario(readFileSync(file, "utf8"), { file, names: networkNames });
}

/** What the run leaves beside its own series: the world, the slashes it applied, and a trace per step. */
export interface IncidentRun {
  scenario: Scenario;
  net: SimNetwork;
  result: RunResult;
  /** operator ids an AVS slashed during the run (each once) */
  slashedOperators: string[];
  /** before the run: each LRT's rate, value per token and supply, each pool's WETH, each Morpho market's WETH */
  start: {
    rate: Record<string, bigint>;
    supply: Record<string, bigint>;
    navPerToken: Record<string, bigint>;
    poolWeth: Record<string, bigint>;
    supplied: Record<string, bigint>;
  };
  /** per step: each pool's WETH, and the mean and the oldest age (blocks) of each LRT's requests still waiting */
  trace: {
    block: number;
    poolWeth: Record<string, bigint>;
    openAge: Record<string, number>;
    oldestAge: Record<string, number>;
  }[];
}

export type IncidentOptions = Pick<SimulateOptions, "seed" | "checkConservation" | "security">;

/** Builds the network from the scenario's seed and runs one path, recording what the figures need. */
export async function runIncident(scenario: Scenario, opts: IncidentOptions = {}): Promise<IncidentRun> {
  const net = buildNetwork(scenario.network, scenario.seed);
  const start: IncidentRun["start"] = { rate: {}, supply: {}, navPerToken: {}, poolWeth: {}, supplied: {} };
  const w = { eigen: net.chain.world.eigen, lrt: net.chain.world.lrt };
  for (const l of net.lrts) {
    start.rate[l.id] = lrtRate(net, l.id);
    start.supply[l.id] = lrtViews.nav(w, l.id).supply;
    start.navPerToken[l.id] = navPerToken(net, l.id);
  }
  Object.assign(start.poolWeth, poolWeth(net));
  for (const m of net.morphoMarkets) {
    start.supplied[m.id] = net.chain.world.markets.morphoMarkets.get(m.id)?.totalSupplyAssets ?? 0n;
  }
  const slashed = new Set<Address>();
  const record = (e: SimEntry) => {
    if (e.command.layer === "eigen" && e.command.command.type === "slashOperator") {
      slashed.add(e.command.command.operator);
    }
  };
  const trace: IncidentRun["trace"] = [];
  const result = await simulate(scenario, {
    ...opts,
    network: net,
    record,
    onStep: (m) => trace.push({ block: m.block, poolWeth: poolWeth(net), ...openAges(net) }),
  });
  const ids = new Map(net.operators.map((o) => [o.address, o.id]));
  const slashedOperators = [...slashed].map((a) => ids.get(a) ?? a).sort();
  return { scenario, net, result, slashedOperators, start, trace };
}

function navPerToken(net: SimNetwork, lrt: string): bigint {
  const w = { eigen: net.chain.world.eigen, lrt: net.chain.world.lrt };
  return lrtViews.nav(w, lrt, { block: net.chain.block, timestamp: net.chain.timestamp }).navPerToken;
}

/** WETH in each LRT's pool. */
function poolWeth(net: SimNetwork): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  for (const l of net.lrts) {
    const p = l.pool === undefined ? undefined : net.chain.world.markets.pools.get(l.pool);
    if (p === undefined) continue;
    const i = p.assets.indexOf(net.weth);
    out[l.id] = (p.kind === "stableswap" ? p.balances[i] : p.reserves[i as 0 | 1]) ?? 0n;
  }
  return out;
}

/** Mean and oldest age, in blocks, of each LRT's withdrawal requests not yet claimed (0 when none wait). */
function openAges(net: SimNetwork): { openAge: Record<string, number>; oldestAge: Record<string, number> } {
  const sum = new Map<string, { n: number; age: bigint; oldest: bigint }>();
  for (const r of net.chain.world.lrt.requests.values()) {
    if (r.status !== "pending" && r.status !== "finalized") continue;
    const s = sum.get(r.lrt) ?? { n: 0, age: 0n, oldest: 0n };
    const age = net.chain.block - r.requestedBlock;
    s.n++;
    s.age += age;
    if (age > s.oldest) s.oldest = age;
    sum.set(r.lrt, s);
  }
  const of = (f: (s: { n: number; age: bigint; oldest: bigint }) => number) =>
    Object.fromEntries(net.lrts.map((l) => [l.id, ((s) => (s === undefined ? 0 : f(s)))(sum.get(l.id))]));
  return { openAge: of((s) => Number(s.age) / s.n), oldestAge: of((s) => Number(s.oldest)) };
}

// ── figures ─────────────────────────────────────────────────────────────────────────────────────────────────────

const eth = (wei: bigint): number => Number(wei) / 1e18;

export interface MarketFigures {
  liquidations: number;
  /** ETH (floats: reported, never fed back) */
  repaid: number;
  seized: number;
  badDebt: number;
  /** Morpho: WETH supplied before the run, and the average oracle price the liquidations imply (repaid·LIF/seized) */
  supplied?: number;
  impliedPrice?: number;
}

/** Liquidations per lending market ("aave" or a Morpho market id), over the whole run. */
export function marketFigures(run: IncidentRun): Record<string, MarketFigures> {
  const s = run.net.chain.world.markets;
  const acc = new Map<string, { n: number; repaid: bigint; seized: bigint; bad: bigint }>();
  for (const r of s.liquidations.get("all") ?? []) {
    const a = acc.get(r.market) ?? { n: 0, repaid: 0n, seized: 0n, bad: 0n };
    a.n++;
    a.repaid += r.debtRepaid;
    a.seized += r.collateralSeized;
    a.bad += r.badDebt;
    acc.set(r.market, a);
  }
  const markets = ["aave", ...run.net.morphoMarkets.map((m) => m.id)].filter(
    (m) => m !== "aave" || run.net.aaveAssets.length > 0,
  );
  const out: Record<string, MarketFigures> = {};
  for (const id of markets) {
    const a = acc.get(id) ?? { n: 0, repaid: 0n, seized: 0n, bad: 0n };
    const f: MarketFigures = { liquidations: a.n, repaid: eth(a.repaid), seized: eth(a.seized), badDebt: eth(a.bad) };
    const m = id === "aave" ? undefined : s.morphoMarkets.get(id);
    if (m !== undefined) {
      f.supplied = eth(run.start.supplied[id] ?? 0n);
      if (a.seized > 0n) f.impliedPrice = Number((a.repaid * liquidationIncentiveFactor(m.lltv)) / a.seized) / 1e18;
    }
    out[id] = f;
  }
  return out;
}

export interface LrtFigures {
  /** value per token (NAV / supply) and the protocol's rate, before and after */
  navPerTokenStart: number;
  navPerTokenEnd: number;
  rateStart: number;
  rateEnd: number;
  /** the deepest step-end depeg (1 − DEX price / rate) and the price/rate at the end */
  maxDepeg: number;
  priceToRateEnd?: number;
  /** WETH in its pool: before, lowest step-end, highest after the lowest, and at the end */
  poolWethStart?: number;
  poolWethMin?: number;
  poolWethRecovery?: number;
  poolWethEnd?: number;
  /** withdrawal requests: the most waiting at a step end (count, ETH), ETH requested in all, and as a share of the
   * supply before the run */
  queueMax: number;
  queueValueMax: number;
  requested: number;
  requestedShare: number;
  /** mean and oldest age (blocks) of the requests still waiting at the end, and the longest wait of a claimed one */
  openAgeEnd: number;
  oldestAgeEnd: number;
  maxWaitBlocks: number;
  /** the bridged-supply gap at the end (tokens), and as a share of the supply before the run */
  bridgeGap: number;
  bridgeGapShare: number;
}

export function lrtFigures(run: IncidentRun): Record<string, LrtFigures> {
  const { net, result, start, trace } = run;
  const out: Record<string, LrtFigures> = {};
  for (const l of net.lrts) {
    const series = result.series.map((m) => m.lrts[l.id]).filter((v) => v !== undefined);
    const last = series.at(-1);
    const pools = trace.map((t) => t.poolWeth[l.id]).filter((v): v is bigint => v !== undefined);
    let requestedWei = 0n;
    for (const r of net.chain.world.lrt.requests.values()) {
      if (r.lrt === l.id) requestedWei += (r.shares * (start.rate[l.id] ?? WAD)) / WAD;
    }
    const supply = start.supply[l.id] ?? 0n;
    const f: LrtFigures = {
      navPerTokenStart: eth(start.navPerToken[l.id] ?? 0n),
      navPerTokenEnd: eth(navPerToken(net, l.id)),
      rateStart: eth(start.rate[l.id] ?? 0n),
      rateEnd: eth(lrtRate(net, l.id)),
      maxDepeg: result.summary.lrts[l.id]?.maxDepeg ?? 0,
      queueMax: Math.max(0, ...series.map((v) => v.queueCount)),
      queueValueMax: eth(series.reduce((a, v) => (v.queueValue > a ? v.queueValue : a), 0n)),
      requested: eth(requestedWei),
      requestedShare: supply === 0n ? 0 : Number((requestedWei * 1_000_000n) / supply) / 1e6,
      openAgeEnd: trace.at(-1)?.openAge[l.id] ?? 0,
      oldestAgeEnd: trace.at(-1)?.oldestAge[l.id] ?? 0,
      maxWaitBlocks: result.summary.lrts[l.id]?.maxWaitBlocks ?? 0,
      bridgeGap: eth(last?.bridgeGap ?? 0n),
      bridgeGapShare: supply === 0n ? 0 : Number(((last?.bridgeGap ?? 0n) * 1_000_000n) / supply) / 1e6,
    };
    const price = dexPrice(net, l.id);
    const rate = lrtRate(net, l.id);
    if (price !== undefined && rate > 0n) f.priceToRateEnd = Number((price * 1_000_000n) / rate) / 1e6;
    const p0 = start.poolWeth[l.id];
    if (p0 !== undefined && pools.length > 0) {
      let lo = 0;
      pools.forEach((v, i) => {
        if (v < (pools[lo] as bigint)) lo = i;
      });
      f.poolWethStart = eth(p0);
      f.poolWethMin = eth(pools[lo] as bigint);
      f.poolWethRecovery = eth(pools.slice(lo).reduce((a, v) => (v > a ? v : a), 0n));
      f.poolWethEnd = eth(pools.at(-1) as bigint);
    }
    out[l.id] = f;
  }
  return out;
}

/** The attacker's lending position at the end (ETH): what it posted, what it owes, its health factor. */
export function attackerFigures(run: IncidentRun): { collateral: number; debt: number; healthFactor: number } {
  const { net } = run;
  const s = net.chain.world.markets;
  if (!s.aaveUsers.has(net.accounts.attacker)) return { collateral: 0, debt: 0, healthFactor: 0 };
  const ctx = marketCtx(net);
  const d = aave.userAccountData(s, ctx, net.accounts.attacker);
  const ethPrice = oraclePrice(s, ctx, aave.reserveOf(s, net.weth).oracle);
  const inEth = (base: bigint) => eth((base * WAD) / ethPrice);
  return {
    collateral: inEth(d.totalCollateralBase),
    debt: inEth(d.totalDebtBase),
    healthFactor: d.totalDebtBase === 0n ? 0 : eth(d.healthFactor),
  };
}

/** An Aave-style reserve's state at the end: frozen, and its LTV (fraction). */
export function reserveState(run: IncidentRun, asset: string): { frozen: boolean; ltv: number } {
  const r = aave.reserveOf(run.net.chain.world.markets, asset);
  return { frozen: r.frozen, ltv: Number(r.ltv) / 10_000 };
}

/** Operator ids running `client` (the ones a correlated fault on it must slash, if an AVS running it has them). */
export function operatorsRunning(run: IncidentRun, client: string): string[] {
  return run.net.operators
    .filter((o) => o.clients.includes(client))
    .map((o) => o.id)
    .sort();
}

/** Every figure of a run, for the command line and the READMEs. */
export function incidentFigures(run: IncidentRun) {
  const s = run.result.summary;
  return {
    scenario: s.scenario,
    seed: s.seed,
    hash: s.hash,
    blocks: s.blocks,
    slashed: eth(BigInt(s.slashed)),
    stolen: eth(BigInt(s.stolen)),
    losses: {
      stakers: eth(BigInt(s.losses.stakers)),
      lrtHolders: eth(BigInt(s.losses.lrtHolders)),
      lenders: eth(BigInt(s.losses.lenders)),
    },
    slashedOperators: run.slashedOperators,
    security: s.security,
    markets: marketFigures(run),
    lrts: lrtFigures(run),
    attacker: attackerFigures(run),
  };
}

// ── the command line ────────────────────────────────────────────────────────────────────────────────────────────

async function main(argv: string[]): Promise<void> {
  const target = argv.find((a) => !a.startsWith("--"));
  if (target === undefined) {
    console.error(
      `usage: npx tsx scenarios/incidents/figures.ts <${INCIDENTS.join(" | ")} | file> [--seed N] [--json]`,
    );
    process.exitCode = 2;
    return;
  }
  const i = argv.indexOf("--seed");
  const seed = i >= 0 ? Number(argv[i + 1]) : undefined;
  const run = await runIncident(loadIncident(target), seed === undefined ? {} : { seed });
  const f = incidentFigures(run);
  if (argv.includes("--json")) {
    console.log(JSON.stringify(f, null, 2));
    return;
  }
  const n = (x: number | undefined, d = 2) =>
    x === undefined ? "—" : x.toLocaleString("en-US", { maximumFractionDigits: d });
  console.log(`${f.scenario}, seed ${f.seed}, ${f.blocks} blocks — hash ${f.hash}`);
  console.log(
    `slashed ${n(f.slashed)} ETH, stolen ${n(f.stolen)} ETH; losses: stakers ${n(f.losses.stakers)}, LRT holders ${n(f.losses.lrtHolders)}, lenders ${n(f.losses.lenders)}`,
  );
  if (f.slashedOperators.length > 0)
    console.log(`operators slashed (${f.slashedOperators.length}): ${f.slashedOperators.join(" ")}`);
  console.log(`security γ*: before ${f.security.before.gammaStar ?? "—"}, after ${f.security.after.gammaStar ?? "—"}`);
  for (const [id, m] of Object.entries(f.markets)) {
    console.log(
      `market ${id}: ${m.liquidations} liquidations, repaid ${n(m.repaid)}, seized ${n(m.seized)}, bad debt ${n(m.badDebt)}` +
        (m.supplied === undefined ? "" : `, supplied ${n(m.supplied)}, implied price ${n(m.impliedPrice, 4)}`),
    );
  }
  for (const [id, l] of Object.entries(f.lrts)) {
    console.log(
      `${id}: value/token ${n(l.navPerTokenStart, 4)} → ${n(l.navPerTokenEnd, 4)}, rate ${n(l.rateStart, 4)} → ${n(l.rateEnd, 4)}, max depeg ${n(l.maxDepeg * 100)} %, price/rate at end ${n(l.priceToRateEnd, 4)}; ` +
        `pool WETH ${n(l.poolWethStart, 0)} → min ${n(l.poolWethMin, 0)} → ${n(l.poolWethRecovery, 0)} (end ${n(l.poolWethEnd, 0)}); ` +
        `queue max ${l.queueMax} (${n(l.queueValueMax, 0)} ETH), requested ${n(l.requested, 0)} ETH (${n(l.requestedShare * 100)} % of supply), ` +
        `waiting at end: mean age ${n(l.openAgeEnd, 0)}, oldest ${n(l.oldestAgeEnd, 0)} blocks; longest claimed wait ${l.maxWaitBlocks} blocks; bridge gap ${n(l.bridgeGap)} (${n(l.bridgeGapShare * 100)} %)`,
    );
  }
  if (f.attacker.debt > 0) {
    console.log(
      `attacker on the lending pool: collateral ${n(f.attacker.collateral)} ETH, debt ${n(f.attacker.debt)} ETH, HF ${n(f.attacker.healthFactor, 4)}`,
    );
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  });
}
