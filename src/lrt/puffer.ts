import * as am from "../core/eigenlayer/allocationManager.ts";
import { beaconChainSlashingFactor } from "../core/eigenlayer/delegationManager.ts";
import { NATIVE_ETH } from "../core/eigenlayer/eigenPodManager.ts";
import type { Address } from "../core/eigenlayer/state.ts";
import { balanceOf } from "../core/eigenlayer/tokens.ts";
import * as views from "../core/eigenlayer/views.ts";
import { InvariantViolation, require } from "../core/shared/errors.ts";
import { min, WAD } from "../core/shared/math.ts";
import { BPS, burnTokens, core, emit, mintTokens, putLrt, type Run, tokenBalance } from "./context.ts";
import type { Delegator, LrtRecord, WithdrawalRequest, World } from "./state.ts";
import { delegatorHoldings, holdings, sumValue, VALIDATOR_ETH } from "./valuation.ts";

/**
 * Puffer (peers.md §B.7). pufETH is an ERC-4626 vault (OpenZeppelin, no decimals offset) over
 * totalAssets = pool (ETH and stETH) + lockedETH (what the guardians report for restaked positions) − the part of
 * the last reward deposit not yet vested (linearly over ≤ 7 days). Instant redemption pays
 * assets − ⌈assets·(exitFee + treasuryFee)/10⁴⌉; the exit fee stays in the vault. Queued withdrawals finalize in
 * full batches at min(rate at request, batch rate). Node operators' bonds (1 ETH with an enclave, 2 ETH without)
 * are pufETH that the protocol burns first when their module loses value: the whole bond if the module was
 * slashed, else the shortfall (convertToSharesUp).
 */

export type PufferBook = Extract<LrtRecord["book"], { kind: "puffer" }>;

export function book(rec: LrtRecord): PufferBook {
  if (rec.book.kind !== "puffer") throw new InvariantViolation("not a Puffer LRT", { lrt: rec.id });
  return rec.book;
}

/** The unvested part of the last reward deposit: lastDeposit·remaining/window. */
export function unvested(rec: LrtRecord, now: bigint): bigint {
  const b = book(rec);
  if (b.vestWindow === 0n) return 0n;
  const end = b.vestStart + b.vestWindow;
  if (now >= end) return 0n;
  return (b.vestAmount * (end - now)) / b.vestWindow;
}

/** The vault's own holdings (pool), valued at the LSTs' rates: stETH counts as the ETH it is worth. */
export function poolValue(w: World, rec: LrtRecord, block: bigint): bigint {
  return sumValue(holdings(w, { ...rec, delegators: [] }, block).filter((h) => h.kind === "buffer"));
}

export function totalAssets(w: World, rec: LrtRecord, block: bigint, now: bigint): bigint {
  const a = poolValue(w, rec, block) + book(rec).lockedEth - unvested(rec, now);
  return a > 0n ? a : 0n;
}

export const convertToShares = (A: bigint, S: bigint, assets: bigint): bigint => (assets * (S + 1n)) / (A + 1n);
export const convertToAssets = (A: bigint, S: bigint, shares: bigint): bigint => (shares * (A + 1n)) / (S + 1n);
export const convertToSharesUp = (A: bigint, S: bigint, assets: bigint): bigint => (assets * (S + 1n) + A) / (A + 1n);

export function rate(w: World, rec: LrtRecord, block: bigint, now: bigint): bigint {
  return convertToAssets(totalAssets(w, rec, block, now), rec.supply, WAD);
}

/** ⌈x·bps/10⁴⌉ (OpenZeppelin's fee on raw assets). */
const feeUp = (x: bigint, bps: bigint): bigint => (x * bps + BPS - 1n) / BPS;

export interface Redemption {
  assets: bigint;
  exitFee: bigint;
  treasuryFee: bigint;
  payout: bigint;
}

/** previewRedeem: assets − ⌈assets·(exitFee + treasuryFee)/10⁴⌉. */
export function previewRedeem(rec: LrtRecord, A: bigint, shares: bigint): Redemption {
  const assets = convertToAssets(A, rec.supply, shares);
  const total = feeUp(assets, rec.params.exitFeeBps + rec.params.treasuryExitFeeBps);
  const treasuryFee = min(feeUp(assets, rec.params.treasuryExitFeeBps), total);
  return { assets, exitFee: total - treasuryFee, treasuryFee, payout: assets - total };
}

export function instantRedeem(run: Run, rec: LrtRecord, owner: Address, shares: bigint): bigint {
  const { w, ctx } = run;
  const bal = tokenBalance(w, rec.id, rec.symbol, owner);
  require(shares <= bal, "InsufficientLrtBalance", undefined, { balance: bal, amount: shares });
  const A = totalAssets(w, rec, ctx.block, ctx.timestamp);
  const r = previewRedeem(rec, A, shares);
  require(r.payout > 0n, "ZeroAmount", "the redemption is worth nothing");
  const liquid = balanceOf(w.eigen, NATIVE_ETH, rec.accounts.pool);
  require(liquid >= r.payout + r.treasuryFee, "InsufficientLiquidity", undefined, {
    liquid,
    needed: r.payout + r.treasuryFee,
  });
  burnTokens(run, rec.id, rec.symbol, owner, shares);
  putLrt(w, { ...rec, supply: rec.supply - shares });
  core(run, rec.accounts.pool, { type: "transfer", token: NATIVE_ETH, to: owner, amount: r.payout });
  if (r.treasuryFee > 0n)
    core(run, rec.accounts.pool, {
      type: "transfer",
      token: NATIVE_ETH,
      to: rec.roles.treasury,
      amount: r.treasuryFee,
    });
  emit(run, "Withdraw", { lrt: rec.id, owner, shares, ...r });
  return r.payout;
}

/**
 * Finalizes the next full batch: batch rate = convertToAssets(1e18); the vault sends
 * min(expected, burned·rate) (the excess over what the requests pay stays in the vault) and each request pays
 * pufETH·min(rate at request, batch rate).
 */
export function finalizeBatch(run: Run, rec0: LrtRecord): { batch: bigint; count: bigint; transfer: bigint } {
  const { w, ctx } = run;
  let rec = rec0;
  const size = rec.params.batchSize;
  const batch = rec.lastFinalizedId / size;
  const first = batch * size + 1n;
  const last = first + size - 1n;
  require(rec.nextRequestId - 1n >= last, "BatchNotFull", undefined, { batch, requests: rec.nextRequestId - first });
  const A = totalAssets(w, rec, ctx.block, ctx.timestamp);
  const batchRate = convertToAssets(A, rec.supply, WAD);
  let expected = 0n;
  let burned = 0n;
  let paid = 0n;
  const reqs: WithdrawalRequest[] = [];
  for (let id = first; id <= last; id++) {
    const req = w.lrt.requests.get(`${rec.id}|${id}`)!;
    reqs.push(req);
    expected += (req.shares * req.rateAtRequest) / WAD;
    burned += req.shares;
    paid += (req.shares * min(req.rateAtRequest, batchRate)) / WAD;
  }
  const transfer = min(expected, (burned * batchRate) / WAD);
  const liquid = balanceOf(w.eigen, NATIVE_ETH, rec.accounts.pool);
  require(liquid >= paid, "InsufficientLiquidity", undefined, { liquid, needed: paid });
  if (paid > 0n)
    core(run, rec.accounts.pool, { type: "transfer", token: NATIVE_ETH, to: rec.accounts.queue, amount: paid });
  burnTokens(run, rec.id, rec.symbol, rec.accounts.queue, burned);
  for (const req of reqs) {
    const payout = (req.shares * min(req.rateAtRequest, batchRate)) / WAD;
    w.lrt.requests.set(`${rec.id}|${req.id}`, { ...req, status: "finalized", payout, finalizedAt: ctx.timestamp });
  }
  rec = { ...rec, supply: rec.supply - burned, lastFinalizedId: last };
  putLrt(w, rec);
  emit(run, "BatchFinalized", {
    lrt: rec.id,
    batch,
    batchRate,
    expected,
    burned,
    transfer,
    paid,
    excessKept: transfer - paid,
  });
  return { batch, count: size, transfer };
}

export function claim(run: Run, rec: LrtRecord, req: WithdrawalRequest): bigint {
  const payout = req.payout!;
  if (payout > 0n)
    core(run, rec.accounts.queue, { type: "transfer", token: NATIVE_ETH, to: req.owner, amount: payout });
  return payout;
}

/** A delegator counts as slashed when its operator's max magnitude or its beacon-chain factor is below 1. */
export function wasSlashed(w: World, d: Delegator): boolean {
  const s = w.eigen;
  if (beaconChainSlashingFactor(s, d.address) < WAD) return true;
  for (const st of views.stakerStrategies(s, d.address)) {
    if (am.getMaxMagnitude(s, d.operator, st) < WAD) return true;
  }
  return false;
}

const bondKey = (lrt: string, delegator: Address, noop: Address) => `${lrt}|${delegator}|${noop}`;

export function bondsOf(w: World, rec: LrtRecord, delegator: Address): [Address, bigint][] {
  const prefix = `${rec.id}|${delegator}|`;
  const out: [Address, bigint][] = [];
  for (const [k, v] of w.lrt.bonds.entries())
    if (k.startsWith(prefix)) out.push([k.slice(prefix.length) as Address, v]);
  return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A node operator posts validators × bond (1 ETH with an enclave, 2 ETH without); the ETH buys pufETH held as bond. */
export function postBond(run: Run, rec: LrtRecord, d: Delegator, validators: bigint, enclave: boolean): bigint {
  const { w, ctx } = run;
  require(validators > 0n, "ZeroAmount");
  const eth = validators * (enclave ? rec.params.enclaveBond : rec.params.noEnclaveBond);
  const A = totalAssets(w, rec, ctx.block, ctx.timestamp);
  const shares = convertToShares(A, rec.supply, eth);
  require(shares > 0n, "ZeroAmount");
  core(run, ctx.caller, { type: "transfer", token: NATIVE_ETH, to: rec.accounts.pool, amount: eth });
  putLrt(w, { ...rec, supply: rec.supply + shares });
  const key = bondKey(rec.id, d.address, ctx.caller);
  w.lrt.bonds.set(key, (w.lrt.bonds.get(key) ?? 0n) + shares);
  mintTokens(run, rec.id, rec.symbol, rec.accounts.bonds, shares);
  emit(run, "BondPosted", {
    lrt: rec.id,
    delegator: d.address,
    nodeOperator: ctx.caller,
    validators,
    enclave,
    eth,
    shares,
  });
  return shares;
}

export interface PufferReport {
  gains: bigint;
  losses: bigint;
  bondSharesBurned: bigint;
}

/**
 * The guardians' report: each module (delegator) is valued from the core; a loss is first covered by burning its
 * node operators' bonds (whole bonds if slashed, else ⌈loss⌉ in shares at the pre-report totalAssets), then lowers
 * lockedETH; a gain raises lockedETH but vests over the vesting window like a reward deposit.
 */
export function report(run: Run, rec0: LrtRecord): PufferReport {
  const { w, ctx } = run;
  let rec = rec0;
  const A0 = totalAssets(w, rec, ctx.block, ctx.timestamp);
  const S0 = rec.supply;
  let gains = 0n;
  let losses = 0n;
  let burnedTotal = 0n;
  for (const d of rec.delegators) {
    const live = sumValue(delegatorHoldings(w, rec, d, ctx.block));
    const bookKey = `${rec.id}|${d.address}`;
    const booked = w.lrt.delegatorBook.get(bookKey) ?? 0n;
    if (live > booked) gains += live - booked;
    if (live < booked) {
      const loss = booked - live;
      losses += loss;
      const slashed = wasSlashed(w, d);
      let toBurn = slashed ? null : convertToSharesUp(A0, S0, loss);
      for (const [noop, shares] of bondsOf(w, rec, d.address)) {
        if (toBurn !== null && toBurn === 0n) break;
        const b = toBurn === null ? shares : min(shares, toBurn);
        if (b === 0n) continue;
        if (toBurn !== null) toBurn -= b;
        const key = bondKey(rec.id, d.address, noop);
        if (shares - b === 0n) w.lrt.bonds.delete(key);
        else w.lrt.bonds.set(key, shares - b);
        burnTokens(run, rec.id, rec.symbol, rec.accounts.bonds, b);
        burnedTotal += b;
        emit(run, "BondBurned", { lrt: rec.id, delegator: d.address, nodeOperator: noop, shares: b, slashed, loss });
      }
    }
    if (live === 0n) w.lrt.delegatorBook.delete(bookKey);
    else w.lrt.delegatorBook.set(bookKey, live);
  }
  const b = book(rec);
  const now = ctx.timestamp;
  const vestLeft = unvested(rec, now);
  const lockedEth = b.lockedEth + gains - losses;
  rec = {
    ...rec,
    supply: rec.supply - burnedTotal,
    book: {
      ...b,
      lockedEth: lockedEth > 0n ? lockedEth : 0n,
      ...(gains > 0n
        ? { vestAmount: vestLeft + gains, vestStart: now, vestWindow: rec.params.vestingWindowSeconds }
        : {}),
    },
    lastReportBlock: ctx.block,
    lastReportTimestamp: now,
  };
  putLrt(w, rec);
  emit(run, "LockedEthReported", {
    lrt: rec.id,
    gains,
    losses,
    bondSharesBurned: burnedTotal,
    rate: rate(w, rec, ctx.block, now),
  });
  return { gains, losses, bondSharesBurned: burnedTotal };
}

/** The revenue depositor: rewards enter the vault and vest linearly; an unvested remainder restarts with them. */
export function depositRewards(run: Run, rec: LrtRecord, from: Address, amount: bigint): void {
  const now = run.ctx.timestamp;
  core(run, from, { type: "transfer", token: NATIVE_ETH, to: rec.accounts.pool, amount });
  const left = unvested(rec, now);
  putLrt(run.w, {
    ...rec,
    book: { ...book(rec), vestAmount: left + amount, vestStart: now, vestWindow: rec.params.vestingWindowSeconds },
  });
  emit(run, "RewardsDeposited", { lrt: rec.id, amount, vestingSeconds: rec.params.vestingWindowSeconds });
}

/** Book moves: value leaving the vault for a module is booked as lockedETH and to that module. */
export function moveOut(w: World, rec: LrtRecord, d: Delegator, value: bigint): LrtRecord {
  const b = book(rec);
  const key = `${rec.id}|${d.address}`;
  const v = (w.lrt.delegatorBook.get(key) ?? 0n) + value;
  if (v <= 0n) w.lrt.delegatorBook.delete(key);
  else w.lrt.delegatorBook.set(key, v);
  const next = { ...rec, book: { ...b, lockedEth: b.lockedEth + value > 0n ? b.lockedEth + value : 0n } };
  putLrt(w, next);
  return next;
}

/** isOverBurstThreshold: active·100/totalValidators > burst % (22). */
export function requireUnderBurst(rec: LrtRecord, extraValidators: bigint): void {
  const p = rec.params;
  if (p.ethereumValidators === 0n) return;
  const active = rec.delegators.reduce((a, d) => a + d.nativeStaked / VALIDATOR_ETH, 0n) + extraValidators;
  require((active * 100n) / p.ethereumValidators <= p.burstThresholdPct, "BurstThresholdExceeded", undefined, {
    active,
    ethereumValidators: p.ethereumValidators,
  });
}
