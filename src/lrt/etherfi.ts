import { NATIVE_ETH } from "../core/eigenlayer/eigenPodManager.ts";
import type { Address } from "../core/eigenlayer/state.ts";
import { balanceOf } from "../core/eigenlayer/tokens.ts";
import { InvariantViolation, require } from "../core/shared/errors.ts";
import { min, WAD } from "../core/shared/math.ts";
import {
  BPS,
  burnTokens,
  core,
  DAY,
  emit,
  mintTokens,
  moveTokens,
  putLrt,
  type Run,
  tokenBalance,
  YEAR,
} from "./context.ts";
import { newRequest } from "./queue.ts";
import type { LrtRecord, WithdrawalRequest, World } from "./state.ts";
import { holdings, sumValue } from "./valuation.ts";

/**
 * ether.fi (peers.md §B.4). eETH balances are shares of P = totalValueInLp + totalValueOutOfLp; weETH wraps the
 * shares. The rate P/S never falls on a deposit or a withdrawal (nonDecreasingRate: P1·S0 ≥ P0·S1); only the oracle's
 * rebase moves it, by at most +25 bps of P and −3 bps of TVL per report and within the APR guard, so a large loss
 * is recognised over several reports. The withdrawal NFT pays min(requested, shares × rate frozen at finalization).
 */

export type EtherfiBook = Extract<LrtRecord["book"], { kind: "etherfi" }>;

export function book(rec: LrtRecord): EtherfiBook {
  if (rec.book.kind !== "etherfi") throw new InvariantViolation("not an ether.fi LRT", { lrt: rec.id });
  return rec.book;
}

/** getTotalPooledEther */
export const pooledEther = (rec: LrtRecord): bigint => book(rec).inLp + book(rec).outOfLp;

/** sharesForAmount: 0 when nothing is pooled. */
export function sharesForAmount(rec: LrtRecord, amount: bigint): bigint {
  const P = pooledEther(rec);
  return P === 0n ? 0n : (amount * rec.supply) / P;
}

/** _sharesForDepositAmount: 1:1 into an empty pool. */
export function sharesForDepositAmount(rec: LrtRecord, amount: bigint): bigint {
  const P = pooledEther(rec);
  return P === 0n ? amount : (amount * rec.supply) / P;
}

export function amountForShare(rec: LrtRecord, shares: bigint): bigint {
  return rec.supply === 0n ? 0n : (shares * pooledEther(rec)) / rec.supply;
}

/** sharesForWithdrawalAmount: rounds up, so a withdrawal never lowers the rate. */
export function sharesForWithdrawalAmount(rec: LrtRecord, amount: bigint): bigint {
  const P = pooledEther(rec);
  return P === 0n ? 0n : (amount * rec.supply + P - 1n) / P;
}

/** ⌈1e18·P/S⌉: the rate frozen into a finalized request. */
export function amountPerShareCeil(rec: LrtRecord): bigint {
  const P = pooledEther(rec);
  return rec.supply === 0n ? WAD : (WAD * P + rec.supply - 1n) / rec.supply;
}

/** weETH getRate = amountForShare(1e18); 1.0 before the first deposit. */
export function rate(rec: LrtRecord): bigint {
  return rec.supply === 0n ? WAD : amountForShare(rec, WAD);
}

/** The nonDecreasingRate modifier: P1·S0 ≥ P0·S1. */
export function requireNonDecreasing(before: LrtRecord, after: LrtRecord): void {
  const p0 = pooledEther(before);
  const p1 = pooledEther(after);
  require(p1 * before.supply >= p0 * after.supply, "RateDecreased", "the eETH rate would fall", {
    p0,
    s0: before.supply,
    p1,
    s1: after.supply,
  });
}

function withBook(rec: LrtRecord, patch: Partial<EtherfiBook>): LrtRecord {
  return { ...rec, book: { ...book(rec), ...patch } };
}

/** deposit: shares = a·S/P into the LP (ETH) or out of it (LSTs through the Liquifier). */
export function deposit(run: Run, rec: LrtRecord, asset: Address, value: bigint, to: Address): bigint {
  const shares = sharesForDepositAmount(rec, value);
  require(shares > 0n, "ZeroAmount", "the deposit buys no shares");
  const b = book(rec);
  const next = withBook(
    { ...rec, supply: rec.supply + shares },
    asset === NATIVE_ETH ? { inLp: b.inLp + value } : { outOfLp: b.outOfLp + value },
  );
  requireNonDecreasing(rec, next);
  putLrt(run.w, next);
  mintTokens(run, rec.id, rec.symbol, to, shares);
  return shares;
}

/** The eETH amount a holder sees. */
export function balanceOf_(w: World, rec: LrtRecord, holder: Address): bigint {
  return amountForShare(rec, tokenBalance(w, rec.id, rec.symbol, holder));
}

/** requestWithdraw: locks sharesForAmount(amount) in the NFT; the rate is unchanged. */
export function requestWithdrawal(run: Run, rec: LrtRecord, owner: Address, amount: bigint): WithdrawalRequest {
  const balance = amountForShare(rec, tokenBalance(run.w, rec.id, rec.symbol, owner));
  require(amount <= balance, "InsufficientLrtBalance", undefined, { balance, amount });
  const shares = sharesForAmount(rec, amount);
  require(shares > 0n, "ZeroAmount", "the request is worth no shares");
  moveTokens(run, rec.id, rec.symbol, owner, rec.accounts.queue, shares);
  return newRequest(run, rec, owner, NATIVE_ETH, shares, amount, rate(rec));
}

/**
 * Finalizes requests in order with one frozen rate ⌈1e18·P/S⌉; each pays min(amount, shares·rate/1e18). Stops at
 * the first request that no longer fits the LP's liquidity, the per-report request count or the per-day amount.
 * The ETH moves to the queue (escrow) but stays in P (out of the LP), so the rate is unchanged.
 */
export function finalize(
  run: Run,
  rec0: LrtRecord,
  upTo: bigint,
  limits: { elapsedSeconds: bigint | null; maxRequests: bigint | null },
): { count: bigint; amount: bigint } {
  const { w } = run;
  let rec = rec0;
  const frozen = amountPerShareCeil(rec);
  const liquid = min(balanceOf(w.eigen, NATIVE_ETH, rec.accounts.pool), book(rec).inLp);
  let total = 0n;
  let count = 0n;
  let last = rec.lastFinalizedId;
  const end = upTo < rec.nextRequestId - 1n ? upTo : rec.nextRequestId - 1n;
  for (let id = rec.lastFinalizedId + 1n; id <= end; id++) {
    const key = `${rec.id}|${id}`;
    const req = w.lrt.requests.get(key);
    if (req === undefined || req.status !== "pending") {
      last = id;
      continue;
    }
    if (limits.maxRequests !== null && count >= limits.maxRequests) break;
    const payout = min(req.amountAtRequest, (req.shares * frozen) / WAD);
    if (total + payout > liquid) break;
    if (
      limits.elapsedSeconds !== null &&
      rec.params.maxFinalizedPerDay > 0n &&
      ((total + payout) * DAY) / limits.elapsedSeconds > rec.params.maxFinalizedPerDay
    ) {
      break;
    }
    total += payout;
    count++;
    last = id;
    w.lrt.requests.set(key, {
      ...req,
      status: "finalized",
      payout,
      frozenRate: frozen,
      finalizedAt: run.ctx.timestamp,
    });
    emit(run, "WithdrawalFinalized", { lrt: rec.id, id, payout, frozenRate: frozen });
  }
  if (total > 0n)
    core(run, rec.accounts.pool, { type: "transfer", token: NATIVE_ETH, to: rec.accounts.queue, amount: total });
  const b = book(rec);
  rec = withBook({ ...rec, lastFinalizedId: last }, { inLp: b.inLp - total, outOfLp: b.outOfLp + total });
  putLrt(w, rec);
  return { count, amount: total };
}

/** claimWithdraw: pays the frozen payout from the escrow and burns the request's shares (remainder included). */
export function claim(run: Run, rec: LrtRecord, req: WithdrawalRequest): bigint {
  const payout = req.payout!;
  if (payout > 0n)
    core(run, rec.accounts.queue, { type: "transfer", token: NATIVE_ETH, to: req.owner, amount: payout });
  burnTokens(run, rec.id, rec.symbol, rec.accounts.queue, req.shares);
  const b = book(rec);
  putLrt(run.w, withBook({ ...rec, supply: rec.supply - req.shares }, { outOfLp: b.outOfLp - payout }));
  return payout;
}

const BUCKET_UNIT = 10n ** 12n;

/**
 * EtherFiRedemptionManager.redeemEEth: shares = sharesForAmount(x); the receiver gets amountForShare(shares·(1−fee));
 * the shares burned for it round up; of the fee shares, `split` go to the treasury and the rest are burned (the
 * rate rises). Blocked when the LP's liquid ETH is below the low watermark (P·bps), above the bucket limiter
 * (1e12-wei units, refilled per second), or above the liquid ETH.
 */
export function instantRedeem(run: Run, rec0: LrtRecord, owner: Address, amount: bigint): bigint {
  const { w, ctx } = run;
  const rec = rec0;
  const p = rec.params;
  const balance = amountForShare(rec, tokenBalance(w, rec.id, rec.symbol, owner));
  require(amount <= balance, "InsufficientLrtBalance", undefined, { balance, amount });
  const P = pooledEther(rec);
  const liquid = balanceOf(w.eigen, NATIVE_ETH, rec.accounts.pool);
  const lowWatermark = (P * p.lowWatermarkBps) / BPS;
  require(liquid >= lowWatermark, "LiquidityBelowLowWatermark", undefined, { liquid, lowWatermark });
  const b = book(rec);
  const capacity = p.bucketCapacity / BUCKET_UNIT;
  const refilled = b.bucketRemaining + (p.bucketRefillPerSecond / BUCKET_UNIT) * (ctx.timestamp - b.bucketLastRefill);
  const remaining = refilled < capacity ? refilled : capacity;
  const units = (amount + BUCKET_UNIT - 1n) / BUCKET_UNIT;
  require(units <= remaining, "RateLimitExceeded", undefined, { units, remaining });
  require(amount <= liquid, "InsufficientLiquidity", undefined, { liquid, amount });
  const shares = sharesForAmount(rec, amount);
  require(shares > 0n, "ZeroAmount", "the redemption is worth no shares");
  const toReceiver = amountForShare(rec, (shares * (BPS - p.exitFeeBps)) / BPS);
  const burn = sharesForWithdrawalAmount(rec, toReceiver);
  const feeShares = shares - burn;
  const feeToTreasury = (feeShares * p.exitFeeSplitToTreasuryBps) / BPS;
  const feeToStakers = feeShares - feeToTreasury;
  require(toReceiver <= b.inLp, "InsufficientLiquidity", undefined, { inLp: b.inLp, toReceiver });
  burnTokens(run, rec.id, rec.symbol, owner, burn + feeToStakers);
  moveTokens(run, rec.id, rec.symbol, owner, rec.roles.treasury, feeToTreasury);
  const next = withBook(
    { ...rec, supply: rec.supply - burn - feeToStakers },
    { inLp: b.inLp - toReceiver, bucketRemaining: remaining - units, bucketLastRefill: ctx.timestamp },
  );
  requireNonDecreasing(rec, next);
  putLrt(w, next);
  if (toReceiver > 0n)
    core(run, rec.accounts.pool, { type: "transfer", token: NATIVE_ETH, to: owner, amount: toReceiver });
  emit(run, "Redeemed", {
    lrt: rec.id,
    receiver: owner,
    amount,
    toReceiver,
    feeToTreasury,
    feeToStakers,
    burned: burn,
  });
  return toReceiver;
}

/** The largest |a| with |⌊10⁴·a·365d / (P·elapsed)⌋| ≤ acceptable (EtherFiAdmin's APR guard). */
export function aprBound(P: bigint, elapsed: bigint, acceptableBps: bigint): bigint | null {
  if (P === 0n) return null;
  return ((acceptableBps + 1n) * P * elapsed - 1n) / (BPS * YEAR);
}

export interface RebaseOutcome {
  observed: bigint;
  recognised: bigint;
  accrued: bigint;
  protocolFees: bigint;
  feeShares: bigint;
}

/**
 * The oracle committee's rebase. It observes the value the core reports for everything the protocol holds, takes
 * the difference to P, and reports it within the guards: a gain at most P·25/10⁴, a loss at most TVL·3/10⁴, both
 * within the APR guard over the elapsed time. Fees (feeBps of the gain, ≤ 20 %) are minted as eETH to the treasury
 * after the rebase; whatever is not recognised now is observed again next time.
 */
export function rebase(run: Run, rec0: LrtRecord, elapsed: bigint): RebaseOutcome {
  const { w } = run;
  const rec = rec0;
  const p = rec.params;
  const b = book(rec);
  const P = pooledEther(rec);
  const live = sumValue(holdings(w, rec, run.ctx.block));
  const observed = live - P;
  const apr = aprBound(P, elapsed, p.acceptableRebaseAprBps);
  let recognised = observed;
  if (observed > 0n) {
    const cap = (P * p.maxPositiveRebaseBps) / BPS;
    if (recognised > cap) recognised = cap;
  } else if (observed < 0n) {
    const cap = (P * p.maxNegativeRebaseBps) / BPS;
    if (-recognised > cap) recognised = -cap;
  }
  if (apr !== null) {
    if (recognised > apr) recognised = apr;
    if (recognised < -apr) recognised = -apr;
  }
  const protocolFees = recognised > 0n ? (recognised * p.feeBps) / BPS : 0n;
  const accrued = recognised - protocolFees;
  // EtherFiAdmin's own checks, which the clamped report always passes
  if (P > 0n && accrued !== 0n) {
    const aprNow = (BPS * accrued * YEAR) / (P * elapsed);
    require((aprNow < 0n ? -aprNow : aprNow) <= p.acceptableRebaseAprBps, "RebaseAprTooHigh");
  }
  require(protocolFees * 5n <= protocolFees + accrued || protocolFees === 0n, "ProtocolFeesTooHigh");
  let next = withBook(rec, { outOfLp: b.outOfLp + accrued });
  let feeShares = 0n;
  if (protocolFees > 0n) {
    feeShares = sharesForDepositAmount(next, protocolFees);
    next = withBook({ ...next, supply: next.supply + feeShares }, { outOfLp: book(next).outOfLp + protocolFees });
  }
  putLrt(w, next);
  if (feeShares > 0n) mintTokens(run, rec.id, rec.symbol, rec.roles.treasury, feeShares);
  emit(run, "Rebased", { lrt: rec.id, observed, accruedRewards: accrued, protocolFees, feeShares, rate: rate(next) });
  return { observed, recognised, accrued, protocolFees, feeShares };
}

/** Book moves when value leaves or enters the LP (staking, restaking, completed withdrawals). */
export function moveLp(w: World, rec: LrtRecord, outOfLpDelta: bigint): LrtRecord {
  const b = book(rec);
  const next = withBook(rec, { inLp: b.inLp - outOfLpDelta, outOfLp: b.outOfLp + outOfLpDelta });
  putLrt(w, next);
  return next;
}
