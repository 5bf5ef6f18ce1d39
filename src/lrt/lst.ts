import { NATIVE_ETH } from "../core/eigenlayer/eigenPodManager.ts";
import type { Address } from "../core/eigenlayer/state.ts";
import { balanceOf } from "../core/eigenlayer/tokens.ts";
import { require } from "../core/shared/errors.ts";
import { min, WAD } from "../core/shared/math.ts";
import { BPS, core, deriveAddress, emit, getLst, type Run } from "./context.ts";
import type { LstKind, LstRecord, LstRequest, World } from "./state.ts";

/**
 * Liquid staking tokens. The core ledger holds each LST's shares (for stETH that is what wstETH would hold); the
 * pooled ETH moves with deposits, withdrawals and the oracle's beacon reports (rewards and slashing), so the rate
 * pooled/shares moves, and stETH's balances rebase over it while rETH and cbETH balances stay fixed. Each LST has a
 * withdrawal queue that pays min(value at request, value at claim) after its delay.
 */

/** Unissued shares the pool holds from creation: issuing moves shares out of it, burning moves them back. */
export const LST_ISSUANCE_RESERVE = 10n ** 36n;

export function lstRate(l: LstRecord): bigint {
  return l.totalShares === 0n ? WAD : (l.totalPooledEther * WAD) / l.totalShares;
}

/** getSharesByPooledEth (floor); 1:1 before the first deposit. */
export function sharesForEth(l: LstRecord, eth: bigint): bigint {
  return l.totalShares === 0n || l.totalPooledEther === 0n ? eth : (eth * l.totalShares) / l.totalPooledEther;
}

/** getPooledEthByShares (floor). */
export function ethForShares(l: LstRecord, shares: bigint): bigint {
  return l.totalShares === 0n ? shares : (shares * l.totalPooledEther) / l.totalShares;
}

/** What a holder sees: stETH rebases (ETH value of its shares); rETH/cbETH show their token units. */
export function lstBalanceOf(w: World, id: string, holder: Address): bigint {
  const l = getLst(w, id);
  const shares = balanceOf(w.eigen, l.token, holder);
  return l.kind === "rebasing" ? ethForShares(l, shares) : shares;
}

export interface CreateLstParams {
  id: string;
  symbol: string;
  kind: LstKind;
  feeBps: bigint;
  withdrawalDelaySeconds: bigint;
  oracle: Address;
  admin: Address;
}

export function createLst(run: Run, p: CreateLstParams): LstRecord {
  const { w, ctx } = run;
  require(ctx.caller === w.eigen.params.admin, "OnlyCoreAdmin", "LSTs are deployed by the core admin");
  require(/^[a-z0-9][a-z0-9-]{0,31}$/.test(p.id), "InvalidLrtParams", "id: 1–32 lower-case letters, digits, '-'");
  require(!w.lrt.lsts.has(p.id), "LstAlreadyExists", undefined, { lst: p.id });
  require(p.kind === "rebasing" || p.kind === "exchangeRate", "InvalidLrtParams", "kind");
  require(p.feeBps < BPS, "InvalidLrtParams", "feeBps < 10000");
  const rec: LstRecord = {
    id: p.id,
    symbol: p.symbol,
    kind: p.kind,
    token: deriveAddress(`lst/${p.id}/token`),
    pool: deriveAddress(`lst/${p.id}/pool`),
    queue: deriveAddress(`lst/${p.id}/queue`),
    treasury: deriveAddress(`lst/${p.id}/treasury`),
    oracle: p.oracle,
    admin: p.admin,
    feeBps: p.feeBps,
    withdrawalDelaySeconds: p.withdrawalDelaySeconds,
    totalPooledEther: 0n,
    totalShares: 0n,
    nextRequestId: 1n,
    lastReportTimestamp: ctx.timestamp,
  };
  core(run, ctx.caller, { type: "createToken", token: rec.token, symbol: p.symbol, decimals: 18 });
  core(run, ctx.caller, { type: "mint", token: rec.token, to: rec.pool, amount: LST_ISSUANCE_RESERVE });
  w.lrt.lsts.set(rec.id, rec);
  emit(run, "LstCreated", { lst: rec.id, symbol: rec.symbol, kind: rec.kind, token: rec.token });
  return rec;
}

/** Deposit ETH, receive shares. */
export function lstSubmit(run: Run, p: { lst: string; amount: bigint }, sender: Address = run.ctx.caller): bigint {
  const { w } = run;
  const l = getLst(w, p.lst);
  require(p.amount > 0n, "ZeroAmount");
  const shares = sharesForEth(l, p.amount);
  require(shares > 0n, "ZeroAmount", "the deposit buys no shares");
  core(run, sender, { type: "transfer", token: NATIVE_ETH, to: l.pool, amount: p.amount });
  core(run, l.pool, { type: "transfer", token: l.token, to: sender, amount: shares });
  const next = { ...l, totalPooledEther: l.totalPooledEther + p.amount, totalShares: l.totalShares + shares };
  w.lrt.lsts.set(l.id, next);
  emit(run, "LstSubmitted", { lst: l.id, sender, amount: p.amount, shares, rate: lstRate(next) });
  return shares;
}

/**
 * The oracle's beacon report: rewards and penalties (slashing) since the last one, as a new pooled-ETH figure and
 * rate. A fee on net rewards is minted as shares to the treasury (Lido: shares = r·f·S / (P'·10⁴ − r·f)).
 */
export function lstReport(run: Run, p: { lst: string; rewardsWei: bigint; penaltiesWei: bigint }): void {
  const { w, ctx } = run;
  const l = getLst(w, p.lst);
  require(ctx.caller === l.oracle, "OnlyLstOracle");
  const pooled = l.totalPooledEther + p.rewardsWei - p.penaltiesWei;
  require(pooled >= 0n, "LstReportUnderflow", "penalties exceed the pooled ETH");
  const delta = p.rewardsWei - p.penaltiesWei;
  let feeShares = 0n;
  if (delta > 0n && l.feeBps > 0n && l.totalShares > 0n) {
    feeShares = (delta * l.feeBps * l.totalShares) / (pooled * BPS - delta * l.feeBps);
    if (feeShares > 0n) core(run, l.pool, { type: "transfer", token: l.token, to: l.treasury, amount: feeShares });
  }
  const next = {
    ...l,
    totalPooledEther: pooled,
    totalShares: l.totalShares + feeShares,
    lastReportTimestamp: ctx.timestamp,
  };
  w.lrt.lsts.set(l.id, next);
  emit(run, "LstReported", {
    lst: l.id,
    rewardsWei: p.rewardsWei,
    penaltiesWei: p.penaltiesWei,
    feeShares,
    totalPooledEther: pooled,
    rate: lstRate(next),
  });
}

/** `amount` is in the holder's units: stETH for a rebasing LST, tokens for an exchange-rate LST. */
export function lstRequestWithdrawal(run: Run, p: { lst: string; amount: bigint }): bigint {
  const { w, ctx } = run;
  const l = getLst(w, p.lst);
  require(p.amount > 0n, "ZeroAmount");
  const shares = l.kind === "rebasing" ? sharesForEth(l, p.amount) : p.amount;
  require(shares > 0n, "ZeroAmount", "the request is worth no shares");
  core(run, ctx.caller, { type: "transfer", token: l.token, to: l.queue, amount: shares });
  const id = l.nextRequestId;
  const req: LstRequest = {
    lst: l.id,
    id,
    owner: ctx.caller,
    shares,
    amountAtRequest: ethForShares(l, shares),
    requestedAt: ctx.timestamp,
  };
  w.lrt.lstRequests.set(`${l.id}|${id}`, req);
  w.lrt.lsts.set(l.id, { ...l, nextRequestId: id + 1n });
  emit(run, "LstWithdrawalRequested", {
    lst: l.id,
    id,
    owner: ctx.caller,
    shares,
    amountAtRequest: req.amountAtRequest,
  });
  return id;
}

/** Pays min(value at request, value now) in ETH once the delay has passed, and burns the shares. */
export function lstClaimWithdrawal(run: Run, p: { lst: string; id: bigint }): bigint {
  const { w, ctx } = run;
  const l = getLst(w, p.lst);
  const key = `${l.id}|${p.id}`;
  const req = w.lrt.lstRequests.get(key);
  require(req !== undefined, "UnknownRequest", undefined, { lst: l.id, id: p.id });
  require(req.owner === ctx.caller, "NotRequestOwner");
  require(ctx.timestamp >= req.requestedAt + l.withdrawalDelaySeconds, "ClaimTooEarly", undefined, {
    claimableAt: req.requestedAt + l.withdrawalDelaySeconds,
  });
  const payout = min(req.amountAtRequest, ethForShares(l, req.shares));
  const liquid = balanceOf(w.eigen, NATIVE_ETH, l.pool);
  require(liquid >= payout, "LstInsufficientLiquidity", undefined, { liquid, payout });
  core(run, l.queue, { type: "transfer", token: l.token, to: l.pool, amount: req.shares });
  if (payout > 0n) core(run, l.pool, { type: "transfer", token: NATIVE_ETH, to: req.owner, amount: payout });
  w.lrt.lstRequests.delete(key);
  w.lrt.lsts.set(l.id, {
    ...l,
    totalPooledEther: l.totalPooledEther - payout,
    totalShares: l.totalShares - req.shares,
  });
  emit(run, "LstWithdrawalClaimed", { lst: l.id, id: p.id, owner: req.owner, shares: req.shares, payout });
  return payout;
}
