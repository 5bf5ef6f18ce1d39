import { isProtocolError } from "../../core/shared/errors.ts";
import { Rational } from "../../risk/rational.ts";
import type { SimSink } from "../chain.ts";
import { buildNetwork } from "../network/build.ts";
import type { SimNetwork } from "../network/types.ts";
import type { Scenario } from "../scenario/types.ts";
import { arbitrageurs, claimants, fearfulHolders, keepers, liquidators, loopers } from "./agents.ts";
import { assertConservation, ledgers, MintTally } from "./conservation.ts";
import { RunContext } from "./context.ts";
import { applyEvent } from "./events.ts";
import { stepMetrics } from "./metrics.ts";
import { securityNow } from "./security.ts";
import type { RunProgress, RunSummary, SecuritySummary, StepMetrics } from "./types.ts";

export interface SimulateOptions {
  /** the path's seed (timeline draws and agents); default the scenario's */
  seed?: number;
  /**
   * a network already built from `scenario.network` (Monte Carlo builds it once per worker and runs each path inside
   * a journal mark that is rolled back). Default: built here from the scenario's seed.
   */
  network?: SimNetwork;
  onProgress?: (p: RunProgress) => void;
  onStep?: (m: StepMetrics) => void;
  /** receives every command the run applies (after setup), e.g. to store the run */
  record?: SimSink;
  /** override the scenario's `run.checkConservation` / `run.security` */
  checkConservation?: boolean;
  security?: boolean;
  /** keep the time series in the result (default true; Monte Carlo keeps only summaries) */
  keepSeries?: boolean;
  /** time budget of each security analysis (default 10 s) */
  securityTimeLimitMs?: number;
  /**
   * compute the world hash at the end (default true). Monte Carlo turns it off: hashing the whole world is most of a
   * short path's time on a mid network; it fingerprints paths by their commands instead (src/sim/mc/paths.ts).
   */
  finalHash?: boolean;
}

export interface RunResult {
  summary: RunSummary;
  series: StepMetrics[];
}

const AGENTS: [string, (rc: RunContext) => void][] = [
  ["keepers", keepers],
  ["claimants", claimants],
  ["liquidators", liquidators],
  ["loopers", loopers],
  ["arbitrageurs", arbitrageurs],
  ["fearfulHolders", fearfulHolders],
];

/**
 * Runs an agent; a protocol error from a read it made (an oracle over a pool too drained to quote, say) stops that
 * agent for this step, as a keeper bot whose call reverts would, and is counted like a revert.
 */
function guard(rc: RunContext, name: string, agent: (rc: RunContext) => void): void {
  try {
    agent(rc);
  } catch (e) {
    if (!isProtocolError(e)) throw e;
    const chain = rc.net.chain;
    chain.reverted++;
    const code = `agent.${name}:${e.code}`;
    chain.revertCodes.set(code, (chain.revertCodes.get(code) ?? 0) + 1);
  }
}

const NOT_COMPUTED: SecuritySummary = { gammaStar: null, secure: null, claim1: null, method: "not computed" };

/**
 * Runs one path of a scenario: the timeline's events land at their blocks, the agents act every step, and a metrics
 * row is recorded per step. Deterministic: the same scenario, network and seed give the same commands, the same
 * hash and the same outputs (wall-clock timings aside).
 */
export async function simulate(scenario: Scenario, opts: SimulateOptions = {}): Promise<RunResult> {
  const t0 = performance.now();
  const net = opts.network ?? buildNetwork(scenario.network, scenario.seed);
  const t1 = performance.now();
  const seed = opts.seed ?? scenario.seed;
  const chain = net.chain;
  const rc = new RunContext(net, scenario, seed);
  const check = opts.checkConservation ?? scenario.run.checkConservation;
  const withSecurity = opts.security ?? scenario.run.security;
  const limit = opts.securityTimeLimitMs ?? 10_000;
  const applied0 = chain.applied;
  const reverted0 = chain.reverted;
  const codes0 = new Map<string, number>(chain.revertCodes);
  const tally = new MintTally();
  const off = [chain.onApply(tally.sink)];
  if (opts.record !== undefined) off.push(chain.onApply(opts.record));
  try {
    return await runPath(scenario, opts, {
      net,
      rc,
      tally,
      check,
      withSecurity,
      limit,
      applied0,
      reverted0,
      codes0,
      t0,
      t1,
      seed,
    });
  } finally {
    for (const f of off) f();
  }
}

interface PathState {
  net: SimNetwork;
  rc: RunContext;
  tally: MintTally;
  check: boolean;
  withSecurity: boolean;
  limit: number;
  applied0: number;
  reverted0: number;
  codes0: Map<string, number>;
  t0: number;
  t1: number;
  seed: number;
}

async function runPath(scenario: Scenario, opts: SimulateOptions, p: PathState): Promise<RunResult> {
  const { net, rc, tally, check, withSecurity, limit, applied0, reverted0, codes0, t0, t1, seed } = p;
  const chain = net.chain;
  const start = check ? ledgers(net) : null;

  let before = NOT_COMPUTED;
  let profits: Map<string, Rational> | undefined;
  if (withSecurity) {
    const r = await securityNow(net, {
      profitShare: scenario.run.securityProfit ?? 0.05,
      threshold: Rational.of(1n, 2n),
      timeLimitMs: limit,
    });
    before = r.summary;
    profits = r.profits;
  }

  // the agents' capital: WETH for each arbitrageur (injected, and tallied)
  const arb = scenario.agents.arbitrageurs;
  if (arb !== undefined) {
    for (const a of net.accounts.arbitrageurs.slice(0, arb.count)) {
      chain.apply(net.marketAdmin, {
        layer: "market",
        command: { type: "mint", asset: net.weth, to: a, amount: arb.capital },
      });
      rc.injected += arb.capital;
    }
  }

  const first = chain.block;
  const blocks = BigInt(scenario.run.blocks);
  const step = BigInt(Math.max(1, scenario.run.step));
  const steps = Number((blocks + step - 1n) / step);
  const events = [...scenario.timeline].sort((a, b) => a.at - b.at);
  let next = 0;
  const series: StepMetrics[] = [];
  const keep = opts.keepSeries ?? true;
  const perLrt = new Map<
    string,
    { maxDepeg: number; depegBlocks: number; maxWaitBlocks: number; maxBridgeGap: bigint }
  >();
  let lastApplied = chain.applied;
  let lastReverted = chain.reverted;

  for (let k = 0; k < steps; k++) {
    const stepStart = first + BigInt(k) * step;
    const stepEnd = stepStart + step - 1n < first + blocks - 1n ? stepStart + step - 1n : first + blocks - 1n;
    while (next < events.length && first + BigInt((events[next] as { at: number }).at) <= stepEnd) {
      const ev = events[next++]!;
      const at = first + BigInt(ev.at);
      if (at > chain.block) chain.block = at;
      applyEvent(rc, ev);
      // agents act only at a step's last block, so checking after each event and each step covers every block
      // at which anything changed
      if (check && start !== null) assertConservation(net, start, tally, chain.block);
    }
    if (stepEnd > chain.block) chain.block = stepEnd;
    rc.liquidationsStep = 0;
    rc.liquidatedValueStep = 0n;
    rc.waitsStep.clear();
    for (const [name, agent] of AGENTS) guard(rc, name, agent);
    rc.liquidations += rc.liquidationsStep;
    rc.liquidatedValue += rc.liquidatedValueStep;
    if (check && start !== null) assertConservation(net, start, tally, chain.block);
    const m = stepMetrics(rc, k, chain.applied - lastApplied, chain.reverted - lastReverted);
    lastApplied = chain.applied;
    lastReverted = chain.reverted;
    for (const [id, v] of Object.entries(m.lrts)) {
      const acc = perLrt.get(id) ?? { maxDepeg: 0, depegBlocks: 0, maxWaitBlocks: 0, maxBridgeGap: 0n };
      if (v.depeg > acc.maxDepeg) acc.maxDepeg = v.depeg;
      if (v.depeg >= 0.01) acc.depegBlocks += Number(stepEnd - stepStart + 1n);
      if ((v.waitBlocks ?? 0) > acc.maxWaitBlocks) acc.maxWaitBlocks = v.waitBlocks ?? 0;
      if (v.bridgeGap > acc.maxBridgeGap) acc.maxBridgeGap = v.bridgeGap;
      perLrt.set(id, acc);
    }
    if (keep) series.push(m);
    opts.onStep?.(m);
    opts.onProgress?.({ step: k + 1, steps, block: Number(chain.block) });
  }

  let after = NOT_COMPUTED;
  if (withSecurity) {
    after = (
      await securityNow(net, {
        profitShare: scenario.run.securityProfit ?? 0.05,
        threshold: Rational.of(1n, 2n),
        timeLimitMs: limit,
        ...(profits === undefined ? {} : { profits }),
      })
    ).summary;
  }
  const last = stepMetrics(rc, steps, 0, 0);
  const reverts: Record<string, number> = {};
  for (const [code, n] of [...chain.revertCodes.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const d = n - (codes0.get(code) ?? 0);
    if (d > 0) reverts[code] = d;
  }
  const summary: RunSummary = {
    scenario: scenario.name,
    seed,
    hash: opts.finalHash === false ? "" : chain.hash(),
    blocks: scenario.run.blocks,
    steps,
    slashed: rc.slashed.toString(),
    stolen: rc.stolen.toString(),
    losses: {
      stakers: rc.lossStakers.toString(),
      lrtHolders: rc.lossLrtHolders.toString(),
      lenders: last.badDebt.toString(),
    },
    badDebt: last.badDebt.toString(),
    liquidations: rc.liquidations,
    liquidatedValue: rc.liquidatedValue.toString(),
    lrts: Object.fromEntries(
      [...perLrt.entries()].map(([id, v]) => [id, { ...v, maxBridgeGap: v.maxBridgeGap.toString() }]),
    ),
    security: { before, after },
    applied: chain.applied - applied0,
    reverted: chain.reverted - reverted0,
    reverts,
    injected: rc.injected.toString(),
    beaconPenalties: rc.beaconPenalties.toString(),
    notes: rc.notes,
    timing: { buildMs: Math.round(t1 - t0), runMs: Math.round(performance.now() - t1) },
  };
  return { summary, series };
}
