import type { Address } from "../core/eigenlayer/state.ts";
import { balanceOf } from "../core/eigenlayer/tokens.ts";
import { InvariantViolation, require } from "../core/shared/errors.ts";
import { min, WAD } from "../core/shared/math.ts";
import { BPS, burnTokens, core, emit, mintTokens, putLrt, type Run } from "./context.ts";
import type { LrtRecord, WithdrawalRequest, World } from "./state.ts";
import { assetAmount, holdings, livePrice, sumScaled } from "./valuation.ts";

/**
 * Kelp (peers.md §B.6). rsETH's price is stored and moves only when someone (anyone) calls updateRSETHPrice:
 * T = Σ deposits(asset)·price(asset) at 1e36, tmp = T/supply; a rise over the stored price pays a fee of
 * protocolFeeInBPS on the rise, minted as rsETH to the treasury, with NO high-water mark (a recovery after a loss is
 * charged again); a move of more than pricePercentageLimit % reverts. Deposits mint amount·p_asset/p_rsETH;
 * withdrawals expect rsETH·p_rsETH/p_asset, are unlocked by the operator within price bounds at
 * min(expected, current), and complete after withdrawalDelayBlocks (8 days of 12 s blocks).
 */

export type KelpBook = Extract<LrtRecord["book"], { kind: "kelp" }>;

export function book(rec: LrtRecord): KelpBook {
  if (rec.book.kind !== "kelp") throw new InvariantViolation("not a Kelp LRT", { lrt: rec.id });
  return rec.book;
}

export const rate = (rec: LrtRecord): bigint => book(rec).price;

export function committed(rec: LrtRecord, asset: Address): bigint {
  return book(rec).committed.find(([a]) => a === asset)?.[1] ?? 0n;
}

export function withCommitted(rec: LrtRecord, asset: Address, delta: bigint): LrtRecord {
  const b = book(rec);
  const others = b.committed.filter(([a]) => a !== asset);
  const v = committed(rec, asset) + delta;
  return { ...rec, book: { ...b, committed: v === 0n ? others : [...others, [asset, v]] } };
}

/** getTotalAssetDeposits: pool, delegators, core (restaked and unstaking); finalized payouts are excluded. */
export function totalAssetDeposits(w: World, rec: LrtRecord, asset: Address, block: bigint): bigint {
  return assetAmount(
    holdings(w, rec, block).filter((h) => h.kind !== "escrow"),
    asset,
  );
}

/** Σ deposits·price at 1e36 (_getTotalEthInProtocol). */
export function totalEth36(w: World, rec: LrtRecord, block: bigint): bigint {
  const hs = holdings(w, rec, block).filter((h) => h.kind !== "escrow");
  return sumScaled(hs, (a) => livePrice(w, a));
}

/** getRsETHAmountToMint */
export function mintAmount(rec: LrtRecord, amount: bigint, assetPrice: bigint): bigint {
  return (amount * assetPrice) / book(rec).price;
}

/** getExpectedAssetAmount */
export function expectedAsset(rec: LrtRecord, shares: bigint, assetPrice: bigint): bigint {
  return (shares * book(rec).price) / assetPrice;
}

export interface PriceUpdate {
  total36: bigint;
  oldPrice: bigint;
  newPrice: bigint;
  fee: bigint;
  feeMint: bigint;
}

/** updateRSETHPrice (permissionless). */
export function updatePrice(run: Run, rec: LrtRecord): PriceUpdate {
  const { w, ctx } = run;
  const old = book(rec).price;
  const S = rec.supply;
  const total36 = totalEth36(w, rec, ctx.block);
  if (S === 0n) {
    putLrt(w, {
      ...rec,
      book: { ...book(rec), price: WAD },
      lastReportBlock: ctx.block,
      lastReportTimestamp: ctx.timestamp,
    });
    emit(run, "RsETHPriceUpdated", { lrt: rec.id, price: WAD, fee: 0n });
    return { total36, oldPrice: old, newPrice: WAD, fee: 0n, feeMint: 0n };
  }
  const tmp = total36 / S;
  let fee = 0n;
  if (tmp > old) fee = ((((tmp - old) * S) / WAD) * rec.params.feeBps) / BPS;
  const newPrice = (total36 - fee * WAD) / S;
  const limit = rec.params.pricePercentageLimit;
  if (limit > 0n && old > 0n) {
    const diff = newPrice > old ? newPrice - old : old - newPrice;
    require((diff * 100n) / old <= limit, "PriceMoveTooLarge", "the rsETH price moved beyond pricePercentageLimit", {
      oldPrice: old,
      newPrice,
      limitPct: limit,
    });
  }
  const feeMint = fee > 0n ? (fee * WAD) / newPrice : 0n;
  putLrt(w, {
    ...rec,
    supply: S + feeMint,
    book: { ...book(rec), price: newPrice },
    lastReportBlock: ctx.block,
    lastReportTimestamp: ctx.timestamp,
  });
  if (feeMint > 0n) mintTokens(run, rec.id, rec.symbol, rec.roles.treasury, feeMint);
  emit(run, "RsETHPriceUpdated", { lrt: rec.id, oldPrice: old, price: newPrice, fee, feeMint });
  return { total36, oldPrice: old, newPrice, fee, feeMint };
}

/**
 * unlockQueue: the operator unlocks pending requests of any asset in order, within [minPrice, maxPrice] on rsETH;
 * each pays min(expected, rsETH·p_rsETH/p_asset now); the rsETH is burned and the asset set aside in the queue.
 * Stops at the first request the pool cannot pay.
 */
export function unlock(
  run: Run,
  rec0: LrtRecord,
  upTo: bigint,
  bounds: { minPrice: bigint; maxPrice: bigint },
): { count: bigint } {
  const { w } = run;
  let rec = rec0;
  const price = book(rec).price;
  require(price >= bounds.minPrice &&
    (bounds.maxPrice === 0n || price <= bounds.maxPrice), "RsEthPriceOutOfBounds", undefined, {
    price,
    ...bounds,
  });
  let count = 0n;
  let last = rec.lastFinalizedId;
  const end = upTo < rec.nextRequestId - 1n ? upTo : rec.nextRequestId - 1n;
  for (let id = rec.lastFinalizedId + 1n; id <= end; id++) {
    const key = `${rec.id}|${id}`;
    const req = w.lrt.requests.get(key)!;
    const current = (req.shares * price) / livePrice(w, req.asset);
    const payout = min(req.amountAtRequest, current);
    if (balanceOf(w.eigen, req.asset, rec.accounts.pool) < payout) break;
    if (payout > 0n)
      core(run, rec.accounts.pool, { type: "transfer", token: req.asset, to: rec.accounts.queue, amount: payout });
    burnTokens(run, rec.id, rec.symbol, rec.accounts.queue, req.shares);
    rec = withCommitted({ ...rec, supply: rec.supply - req.shares }, req.asset, -req.amountAtRequest);
    w.lrt.requests.set(key, { ...req, status: "finalized", payout, finalizedAt: run.ctx.timestamp });
    emit(run, "WithdrawalUnlocked", { lrt: rec.id, id, expected: req.amountAtRequest, current, payout });
    count++;
    last = id;
  }
  putLrt(w, { ...rec, lastFinalizedId: last });
  return { count };
}

export function claim(run: Run, rec: LrtRecord, req: WithdrawalRequest): bigint {
  const payout = req.payout!;
  if (payout > 0n) core(run, rec.accounts.queue, { type: "transfer", token: req.asset, to: req.owner, amount: payout });
  return payout;
}
