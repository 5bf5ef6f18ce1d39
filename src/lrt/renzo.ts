import { NATIVE_ETH } from "../core/eigenlayer/eigenPodManager.ts";
import type { Address } from "../core/eigenlayer/state.ts";
import { balanceOf } from "../core/eigenlayer/tokens.ts";
import { InvariantViolation, ProtocolError, require } from "../core/shared/errors.ts";
import { min, WAD } from "../core/shared/math.ts";
import { BPS, burnTokens, core, emit, lstByToken, putLrt, type Run } from "./context.ts";
import { lstRate } from "./lst.ts";
import type { LrtRecord, WithdrawalRequest, World } from "./state.ts";
import { type Holding, holdings, sumValue } from "./valuation.ts";

/**
 * Renzo (peers.md §B.5). ezETH has no booked value: TVL is summed over the operator delegators and tokens (and the
 * deposit and withdraw queues) from the core on every call, with token prices from Chainlink-style feeds that
 * revert when older than 86 460 s, and it reverts if a delegator is not delegated. mint = supply·value/TVL,
 * redeem = TVL·burned/supply. A withdrawal reserves its amount from the withdraw buffer and, after
 * max(coolDownPeriod, risk-oracle cooldown), claims min(amount at request, amount at claim).
 */

export type RenzoBook = Extract<LrtRecord["book"], { kind: "renzo" }>;

export function book(rec: LrtRecord): RenzoBook {
  if (rec.book.kind !== "renzo") throw new InvariantViolation("not a Renzo LRT", { lrt: rec.id });
  return rec.book;
}

/** lookupTokenValue's price: ETH is 1; tokens read their feed, which must be fresh unless `strict` is off (views). */
export function feedPrice(w: World, rec: LrtRecord, asset: Address, now: bigint, strict: boolean): bigint {
  if (asset === NATIVE_ETH) return WAD;
  const f = w.lrt.feeds.get(`${rec.id}|${asset}`);
  if (f === undefined) {
    if (!strict) {
      const l = lstByToken(w, asset);
      return l === undefined ? 0n : lstRate(l);
    }
    throw new ProtocolError("OracleNotFound", "no price feed for this token", { asset });
  }
  if (strict && f.updatedAt + rec.params.oracleMaxAgeSeconds < now) {
    throw new ProtocolError("OraclePriceExpired", "the price feed is stale", {
      asset,
      updatedAt: f.updatedAt,
      maxAge: rec.params.oracleMaxAgeSeconds,
      now,
    });
  }
  return f.price;
}

export interface Tvl {
  total: bigint;
  holdings: Holding[];
  perDelegator: bigint[];
}

/** calculateTVLs: reverts if a delegator is not delegated, or (strict) if a feed is stale. */
export function tvl(w: World, rec: LrtRecord, block: bigint, now: bigint, strict = true): Tvl {
  if (strict) {
    for (const d of rec.delegators) {
      const st = w.eigen.stakers.get(d.address);
      require(st?.delegatedTo != null, "DelegatorNotDelegated", undefined, { delegator: d.address });
    }
  }
  const hs = holdings(w, rec, block, (a) => feedPrice(w, rec, a, now, strict));
  const perDelegator = rec.delegators.map((d) => sumValue(hs.filter((h) => h.delegator === d.address)));
  return { total: sumValue(hs), holdings: hs, perDelegator };
}

export function rate(w: World, rec: LrtRecord, block: bigint, now: bigint, strict = true): bigint {
  if (rec.supply === 0n) return WAD;
  return (tvl(w, rec, block, now, strict).total * WAD) / rec.supply;
}

/** calculateMintAmount as the reference gives it: supply·value/TVL, 1:1 for the first mint. */
export function mintAmount(rec: LrtRecord, tvlTotal: bigint, value: bigint): bigint {
  if (rec.supply === 0n) return value;
  require(tvlTotal > 0n, "InvalidTVL", "supply without value");
  return (rec.supply * value) / tvlTotal;
}

/** calculateRedeemAmount: TVL·burned/supply (in ETH). */
export function redeemAmount(rec: LrtRecord, tvlTotal: bigint, shares: bigint): bigint {
  return rec.supply === 0n ? 0n : (tvlTotal * shares) / rec.supply;
}

export function reserved(rec: LrtRecord, asset: Address): bigint {
  return book(rec).reserved.find(([a]) => a === asset)?.[1] ?? 0n;
}

export function withReserved(rec: LrtRecord, asset: Address, delta: bigint): LrtRecord {
  const b = book(rec);
  const others = b.reserved.filter(([a]) => a !== asset);
  const v = reserved(rec, asset) + delta;
  return { ...rec, book: { ...b, reserved: v === 0n ? others : [...others, [asset, v]] } };
}

/** The withdraw buffer's free amount of an asset: held by the withdraw queue, less what requests reserved. */
export function availableBuffer(w: World, rec: LrtRecord, asset: Address): bigint {
  return balanceOf(w.eigen, asset, rec.accounts.queue) - reserved(rec, asset);
}

export function target(rec: LrtRecord, asset: Address): bigint {
  return rec.params.bufferTargets.find(([a]) => a === asset)?.[1] ?? 0n;
}

/** The effective cooldown: max(coolDownPeriod, risk oracle's WITHDRAW_COOLDOWN_PERIOD). */
export function cooldown(rec: LrtRecord): bigint {
  const r = book(rec).riskCooldownSeconds;
  return r > rec.params.cooldownSeconds ? r : rec.params.cooldownSeconds;
}

/** chooseOperatorDelegatorForDeposit: the first delegator with tvl_i < alloc_i·TVL/10⁴, else the first. */
export function chooseDelegator(rec: LrtRecord, perDelegator: bigint[], total: bigint): number {
  require(rec.delegators.length > 0, "NoDelegators");
  if (rec.delegators.length === 1) return 0;
  for (let i = 0; i < rec.delegators.length; i++) {
    if (perDelegator[i]! < (rec.delegators[i]!.weightBps * total) / BPS) return i;
  }
  return 0;
}

/** How much of `amount` of an asset the withdraw buffer takes to reach its target. */
export function bufferGap(w: World, rec: LrtRecord, asset: Address, amount: bigint): bigint {
  const gap = target(rec, asset) - availableBuffer(w, rec, asset);
  return gap > 0n ? min(gap, amount) : 0n;
}

/**
 * RestakeManager.deposit after minting: the withdraw buffer is topped up to its target first, and the rest of a
 * token deposit goes straight to the chosen delegator's strategy in the core (ETH waits in the deposit queue for
 * validators).
 */
export function routeDeposit(
  run: Run,
  rec: LrtRecord,
  from: Address,
  asset: Address,
  amount: bigint,
  perDelegator: bigint[],
  total: bigint,
): void {
  const { w } = run;
  const gap = target(rec, asset) - availableBuffer(w, rec, asset);
  const fill = gap > 0n ? min(gap, amount) : 0n;
  if (fill > 0n) core(run, from, { type: "transfer", token: asset, to: rec.accounts.queue, amount: fill });
  const rest = amount - fill;
  if (rest === 0n) return;
  const strategy = w.eigen.strategyForToken.get(asset);
  if (asset === NATIVE_ETH || strategy === undefined || rec.delegators.length === 0) {
    core(run, from, { type: "transfer", token: asset, to: rec.accounts.pool, amount: rest });
    return;
  }
  const d = rec.delegators[chooseDelegator(rec, perDelegator, total)]!;
  core(run, from, { type: "transfer", token: asset, to: d.address, amount: rest });
  core(run, d.address, { type: "depositIntoStrategy", strategy, amount: rest });
  emit(run, "DepositRouted", { lrt: rec.id, delegator: d.address, operator: d.operator, asset, amount: rest });
}

/** WithdrawQueue.withdraw: amount = redeem value in the asset, reserved from the buffer; ezETH locked. */
export function requestAmount(w: World, rec: LrtRecord, asset: Address, shares: bigint, block: bigint, now: bigint) {
  const t = tvl(w, rec, block, now);
  const eth = redeemAmount(rec, t.total, shares);
  const price = feedPrice(w, rec, asset, now, true);
  const amount = asset === NATIVE_ETH ? eth : (eth * WAD) / price;
  return { amount, rate: rec.supply === 0n ? WAD : (t.total * WAD) / rec.supply };
}

/** claim: min(amount at request, amount the shares redeem for now), paid from the buffer; ezETH burned. */
export function claim(run: Run, rec: LrtRecord, req: WithdrawalRequest): bigint {
  const { w, ctx } = run;
  const { amount: now } = requestAmount(w, rec, req.asset, req.shares, ctx.block, ctx.timestamp);
  const payout = min(req.amountAtRequest, now);
  emit(run, "ClaimValued", {
    lrt: rec.id,
    id: req.id,
    amountAtRequest: req.amountAtRequest,
    amountAtClaim: now,
    payout,
  });
  burnTokens(run, rec.id, rec.symbol, rec.accounts.queue, req.shares);
  putLrt(w, withReserved({ ...rec, supply: rec.supply - req.shares }, req.asset, -req.amountAtRequest));
  if (payout > 0n) core(run, rec.accounts.queue, { type: "transfer", token: req.asset, to: req.owner, amount: payout });
  return payout;
}

/** The oracle's round: every token feed is set to its LST's rate now (or to the given market price). */
export function updateFeeds(run: Run, rec: LrtRecord, prices: [Address, bigint][]): void {
  const { w, ctx } = run;
  for (const asset of rec.assets) {
    if (asset === NATIVE_ETH) continue;
    const given = prices.find(([a]) => a === asset)?.[1];
    const l = lstByToken(w, asset);
    const price = given ?? (l === undefined ? 0n : lstRate(l));
    require(price > 0n, "InvalidOraclePrice", undefined, { asset });
    w.lrt.feeds.set(`${rec.id}|${asset}`, { price, updatedAt: ctx.timestamp });
    emit(run, "PriceUpdated", { lrt: rec.id, asset, price, updatedAt: ctx.timestamp });
  }
  for (const [a] of prices)
    require(rec.assets.includes(a) && a !== NATIVE_ETH, "UnsupportedAsset", undefined, { asset: a });
}

/** DepositQueue: a fee of feeBps on reward inflows goes to the fee address in ETH; the rest raises TVL. */
export function depositRewards(run: Run, rec: LrtRecord, from: Address, amount: bigint): void {
  const fee = (amount * rec.params.feeBps) / BPS;
  if (fee > 0n) core(run, from, { type: "transfer", token: NATIVE_ETH, to: rec.roles.treasury, amount: fee });
  core(run, from, { type: "transfer", token: NATIVE_ETH, to: rec.accounts.pool, amount: amount - fee });
  emit(run, "RewardsDeposited", { lrt: rec.id, amount, fee });
}

export function tvlOrZero(w: World, rec: LrtRecord, block: bigint, now: bigint): bigint {
  try {
    return tvl(w, rec, block, now, false).total;
  } catch {
    return 0n;
  }
}
