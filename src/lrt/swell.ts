import { NATIVE_ETH } from "../core/eigenlayer/eigenPodManager.ts";
import { balanceOf } from "../core/eigenlayer/tokens.ts";
import { InvariantViolation, require } from "../core/shared/errors.ts";
import { min, WAD } from "../core/shared/math.ts";
import { BPS, burnTokens, core, emit, mintTokens, putLrt, type Run } from "./context.ts";
import type { LrtRecord, WithdrawalRequest } from "./state.ts";
import { holdings, sumValue } from "./valuation.ts";

/**
 * Swell (peers.md §B.9). rswETH's rate is stored and moves only when the oracle reprices:
 * R = preRewardReserves + newRewards, f = treasury% + node-operator%, feeRsw = S·(newRewards·f)/(R − newRewards·f),
 * rate = R/(S + feeRsw): the fee is minted by dilution. A reprice is refused sooner than minimumRepriceTime after
 * the last or when |Δrate| > rate·maxRepriceDiff. rswEXIT requests pay amount·min(processedRate, rateWhenCreated).
 */

export type SwellBook = Extract<LrtRecord["book"], { kind: "swell" }>;

export function book(rec: LrtRecord): SwellBook {
  if (rec.book.kind !== "swell") throw new InvariantViolation("not a Swell LRT", { lrt: rec.id });
  return rec.book;
}

export const rate = (rec: LrtRecord): bigint => book(rec).rate;

/** ETH → rswETH at the stored rate. */
export function mintAmount(rec: LrtRecord, eth: bigint): bigint {
  return (eth * WAD) / book(rec).rate;
}

export interface Reprice {
  preRewardReserves: bigint;
  newRewards: bigint;
  reserves: bigint;
  feeRsw: bigint;
  oldRate: bigint;
  newRate: bigint;
}

export function reprice(run: Run, rec: LrtRecord): Reprice {
  const { w, ctx } = run;
  const p = rec.params;
  const b = book(rec);
  const live = sumValue(holdings(w, rec, ctx.block).filter((h) => h.kind !== "escrow"));
  const pre = b.reserves;
  const newRewards = live - pre;
  const S = rec.supply;
  const fBps = p.treasuryFeeBps + p.nodeOperatorFeeBps;
  let feeRsw = 0n;
  if (newRewards > 0n && S > 0n && fBps > 0n) {
    feeRsw = (S * newRewards * fBps) / (live * BPS - newRewards * fBps);
  }
  const newRate = S + feeRsw === 0n ? WAD : (live * WAD) / (S + feeRsw);
  if (p.maxRepriceDiffBps > 0n) {
    const diff = newRate > b.rate ? newRate - b.rate : b.rate - newRate;
    require(diff * BPS <= b.rate * p.maxRepriceDiffBps, "RepriceDifferenceTooLarge", undefined, {
      oldRate: b.rate,
      newRate,
      maxRepriceDiffBps: p.maxRepriceDiffBps,
    });
  }
  const toOperators = fBps === 0n ? 0n : (feeRsw * p.nodeOperatorFeeBps) / fBps;
  putLrt(w, {
    ...rec,
    supply: S + feeRsw,
    book: { ...b, reserves: live, rate: newRate },
    lastReportBlock: ctx.block,
    lastReportTimestamp: ctx.timestamp,
  });
  mintTokens(run, rec.id, rec.symbol, rec.roles.nodeOperatorRewards, toOperators);
  mintTokens(run, rec.id, rec.symbol, rec.roles.treasury, feeRsw - toOperators);
  emit(run, "Reprice", { lrt: rec.id, preRewardReserves: pre, newRewards, feeRsw, oldRate: b.rate, newRate });
  return { preRewardReserves: pre, newRewards, reserves: live, feeRsw, oldRate: b.rate, newRate };
}

/** processWithdrawals: finalRate = min(processedRate, rateWhenCreated); stops when the pool cannot pay. */
export function process(run: Run, rec0: LrtRecord, upTo: bigint): { count: bigint } {
  const { w, ctx } = run;
  let rec = rec0;
  const processedRate = book(rec).rate;
  let count = 0n;
  let last = rec.lastFinalizedId;
  const end = upTo < rec.nextRequestId - 1n ? upTo : rec.nextRequestId - 1n;
  for (let id = rec.lastFinalizedId + 1n; id <= end; id++) {
    const key = `${rec.id}|${id}`;
    const req = w.lrt.requests.get(key)!;
    const finalRate = min(processedRate, req.rateAtRequest);
    const payout = (req.shares * finalRate) / WAD;
    if (balanceOf(w.eigen, NATIVE_ETH, rec.accounts.pool) < payout) break;
    if (payout > 0n)
      core(run, rec.accounts.pool, { type: "transfer", token: NATIVE_ETH, to: rec.accounts.queue, amount: payout });
    burnTokens(run, rec.id, rec.symbol, rec.accounts.queue, req.shares);
    const b = book(rec);
    rec = { ...rec, supply: rec.supply - req.shares, book: { ...b, reserves: b.reserves - payout } };
    w.lrt.requests.set(key, { ...req, status: "finalized", payout, frozenRate: finalRate, finalizedAt: ctx.timestamp });
    emit(run, "WithdrawalProcessed", { lrt: rec.id, id, finalRate, payout });
    count++;
    last = id;
  }
  putLrt(w, { ...rec, lastFinalizedId: last });
  return { count };
}

export function claim(run: Run, rec: LrtRecord, req: WithdrawalRequest): bigint {
  const payout = req.payout!;
  if (payout > 0n)
    core(run, rec.accounts.queue, { type: "transfer", token: NATIVE_ETH, to: req.owner, amount: payout });
  return payout;
}
