import { isProtocolError } from "../../core/shared/errors.ts";
import { UINT256_MAX, WAD } from "../../core/shared/math.ts";
import { getLrt } from "../../lrt/context.ts";
import * as aave from "../../markets/aave.ts";
import * as morpho from "../../markets/morpho.ts";
import { badDebtView } from "../../markets/views.ts";
import type { RunContext } from "./context.ts";
import { bridgeGap, depegDepth, dexPrice, lrtRate, marketCtx } from "./read.ts";
import type { StepMetrics } from "./types.ts";

/** HF bucket edges (WAD): <1, 1–1.05, 1.05–1.1, 1.1–1.25, 1.25–1.5, 1.5–2, ≥2. */
const EDGES = [WAD, (WAD * 105n) / 100n, (WAD * 110n) / 100n, (WAD * 125n) / 100n, (WAD * 150n) / 100n, 2n * WAD];

export function hfBucket(hf: bigint): number {
  let i = 0;
  while (i < EDGES.length && hf >= (EDGES[i] as bigint)) i++;
  return i;
}

/** Every open borrow's health factor (Aave accounts with debt, Morpho positions with borrow shares). */
export function healthFactors(rc: RunContext): bigint[] {
  const s = rc.net.chain.world.markets;
  const ctx = marketCtx(rc.net);
  const out: bigint[] = [];
  // a position whose oracle cannot quote (a pool drained past convergence) has no health factor now: left out
  for (const u of s.aaveUsers.keys()) {
    const d = readable(() => aave.userAccountData(s, ctx, u));
    if (d !== null && d.totalDebtBase > 0n) out.push(d.healthFactor);
  }
  for (const [key, p] of s.morphoPositions.entries()) {
    if (p.borrowShares === 0n) continue;
    const m = morpho.marketOf(s, key.slice(0, key.indexOf("|")));
    const hf = readable(() => morpho.healthFactor(m, p, morpho.oraclePrice(s, ctx, m)));
    if (hf !== null) out.push(hf);
  }
  return out;
}

function readable<T>(f: () => T): T | null {
  try {
    return f();
  } catch (e) {
    if (isProtocolError(e)) return null;
    throw e;
  }
}

/** Bad debt so far, in ETH (the lending markets lend WETH; other debt assets are valued 1:1 only if ETH-like). */
export function badDebt(rc: RunContext): bigint {
  const v = badDebtView(rc.net.chain.world.markets);
  let total = 0n;
  for (const d of v.aaveDeficits) total += d.deficit;
  for (const d of v.morphoSocialised) total += d.amount;
  return total;
}

export function stepMetrics(rc: RunContext, step: number, applied: number, reverted: number): StepMetrics {
  const net = rc.net;
  const w = { eigen: net.chain.world.eigen, lrt: net.chain.world.lrt };
  const lrts: StepMetrics["lrts"] = {};
  const openBy = new Map<string, { n: number; units: bigint }>();
  for (const r of rc.open) {
    const req = net.chain.world.lrt.requests.get(`${r.lrt}|${r.id}`);
    const o = openBy.get(r.lrt) ?? { n: 0, units: 0n };
    o.n++;
    o.units += req?.shares ?? 0n;
    openBy.set(r.lrt, o);
  }
  for (const l of net.lrts) {
    const rate = lrtRate(net, l.id);
    const price = dexPrice(net, l.id);
    const waits = rc.waitsStep.get(l.id);
    const o = openBy.get(l.id);
    lrts[l.id] = {
      rate,
      ...(price === undefined ? {} : { price }),
      depeg: depegDepth(rate, price),
      queueCount: o?.n ?? 0,
      queueValue: ((o?.units ?? 0n) * rate) / WAD,
      ...(waits === undefined || waits.length === 0
        ? {}
        : { waitBlocks: waits.reduce((a, b) => a + b, 0) / waits.length }),
      bridgeGap: bridgeGap(net, l.id),
      supply: getLrt(w, l.id).supply,
    };
  }
  const hf = [0, 0, 0, 0, 0, 0, 0];
  for (const h of healthFactors(rc)) {
    const b = hfBucket(h === UINT256_MAX ? 2n * WAD : h);
    hf[b] = (hf[b] ?? 0) + 1;
  }
  const bd = badDebt(rc);
  return {
    step,
    block: Number(net.chain.block),
    lrts,
    losses: { stakers: rc.lossStakers, lrtHolders: rc.lossLrtHolders, lenders: bd },
    slashed: rc.slashed,
    stolen: rc.stolen,
    liquidations: rc.liquidationsStep,
    liquidatedValue: rc.liquidatedValueStep,
    badDebt: bd,
    hf,
    applied,
    reverted,
  };
}
