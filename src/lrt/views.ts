import * as dm from "../core/eigenlayer/delegationManager.ts";
import { eigenNeutralView, sharesToAsset } from "../core/eigenlayer/neutral.ts";
import type { Address } from "../core/eigenlayer/state.ts";
import { balanceOf } from "../core/eigenlayer/tokens.ts";
import * as cviews from "../core/eigenlayer/views.ts";
import { min, WAD } from "../core/shared/math.ts";
import { type SupplyByChain, supplyByChain } from "./bridge.ts";
import { chainSupply, getLrt, tokenBalance } from "./context.ts";
import * as etherfi from "./etherfi.ts";
import * as kelp from "./kelp.ts";
import { effectivePaused, protocolRate, protocolValue } from "./operations.ts";
import * as puffer from "./puffer.ts";
import { requestsOf } from "./queue.ts";
import * as renzo from "./renzo.ts";
import { L1, type LrtRecord, PAUSE, type WithdrawalRequest, type World } from "./state.ts";
import {
  ethValue,
  type Holding,
  heldAssets,
  holdings,
  livePrice,
  sumValue,
  worldBlock,
  worldTimestamp,
} from "./valuation.ts";

/** Read-only views of the LRT layer. Each evaluates at the world's last block and timestamp unless told otherwise. */

export interface At {
  block?: bigint;
  timestamp?: bigint;
}

const atOf = (w: World, at: At = {}) => ({ block: at.block ?? worldBlock(w), now: at.timestamp ?? worldTimestamp(w) });

/** The protocol's rate (ETH per 1e18 tokens; ether.fi: per 1e18 eETH shares, weETH's getRate). */
export function rate(w: World, id: string, at?: At): bigint {
  const { block, now } = atOf(w, at);
  return protocolRate(w, getLrt(w, id), block, now);
}

export interface Liability {
  requestId: bigint;
  asset: Address;
  amount: bigint;
  value: bigint;
}

export interface NavView {
  lrt: string;
  protocol: string;
  assets: Holding[];
  totalAssets: bigint;
  /** finalized withdrawals not yet claimed: their payout is fixed and set aside */
  liabilities: Liability[];
  totalLiabilities: bigint;
  /** assets − liabilities, at the LSTs' current rates (what the core says now) */
  nav: bigint;
  /** tokens outstanding against the NAV (ether.fi: shares of finalized requests are excluded) */
  supply: bigint;
  equitySupply: bigint;
  navPerToken: bigint;
  /** the protocol's own rate and value, with its reporting lag */
  rate: bigint;
  protocolValue: bigint;
}

export function finalizedUnclaimed(w: World, rec: LrtRecord): WithdrawalRequest[] {
  return requestsOf(w, rec.id).filter((r) => r.status === "finalized");
}

export function nav(w: World, id: string, at?: At): NavView {
  const rec = getLrt(w, id);
  const { block, now } = atOf(w, at);
  const assets = holdings(w, rec, block);
  const totalAssets = sumValue(assets);
  const fin = finalizedUnclaimed(w, rec);
  const liabilities = fin.map((r) => {
    const amount = r.payout ?? 0n;
    return { requestId: r.id, asset: r.asset, amount, value: ethValue(amount, livePrice(w, r.asset)) };
  });
  const totalLiabilities = liabilities.reduce((a, l) => a + l.value, 0n);
  const nav = totalAssets - totalLiabilities;
  const lockedFinalized = rec.protocol === "etherfi" ? fin.reduce((a, r) => a + r.shares, 0n) : 0n;
  const equitySupply = rec.supply - lockedFinalized;
  return {
    lrt: rec.id,
    protocol: rec.protocol,
    assets,
    totalAssets,
    liabilities,
    totalLiabilities,
    nav,
    supply: rec.supply,
    equitySupply,
    navPerToken: equitySupply === 0n ? WAD : (nav * WAD) / equitySupply,
    rate: protocolRate(w, rec, block, now),
    protocolValue: protocolValue(w, rec, block, now),
  };
}

/** What a pending request would pay if finalized (or, for Renzo, claimed) now, by the protocol's min() rule. */
export function payoutNow(
  w: World,
  rec: LrtRecord,
  req: WithdrawalRequest,
  block: bigint,
  now: bigint,
  /** the protocol's TVL (Renzo) or rate (Puffer) at (block, now), when the caller prices many requests at once */
  shared?: { renzoTvl?: bigint; pufferRate?: bigint },
): bigint {
  if (req.payout !== null) return req.payout;
  switch (rec.protocol) {
    case "etherfi":
      return min(req.amountAtRequest, (req.shares * etherfi.amountPerShareCeil(rec)) / WAD);
    case "renzo": {
      const t = shared?.renzoTvl ?? renzo.tvlOrZero(w, rec, block, now);
      const eth = renzo.redeemAmount(rec, t, req.shares);
      const price = renzo.feedPrice(w, rec, req.asset, now, false);
      return min(req.amountAtRequest, price === 0n ? 0n : (eth * WAD) / price);
    }
    case "kelp":
      return min(req.amountAtRequest, (req.shares * kelp.rate(rec)) / livePrice(w, req.asset));
    case "puffer":
      return (req.shares * min(req.rateAtRequest, shared?.pufferRate ?? puffer.rate(w, rec, block, now))) / WAD;
    case "swell":
      return (req.shares * min(req.rateAtRequest, rec.book.kind === "swell" ? rec.book.rate : WAD)) / WAD;
  }
}

export interface QueueView {
  lrt: string;
  pending: number;
  pendingShares: bigint;
  /** Σ value at request, per payout asset */
  pendingAtRequest: [Address, bigint][];
  /** Σ what they would pay now, per payout asset */
  pendingPayoutNow: [Address, bigint][];
  finalized: number;
  finalizedOwed: [Address, bigint][];
  invalid: number;
  nextRequestId: bigint;
  lastFinalizedId: bigint;
}

function addTo(list: [Address, bigint][], asset: Address, v: bigint): void {
  const e = list.find(([a]) => a === asset);
  if (e) e[1] += v;
  else list.push([asset, v]);
}

export function queue(w: World, id: string, at?: At): QueueView {
  const rec = getLrt(w, id);
  const { block, now } = atOf(w, at);
  const v: QueueView = {
    lrt: rec.id,
    pending: 0,
    pendingShares: 0n,
    pendingAtRequest: [],
    pendingPayoutNow: [],
    finalized: 0,
    finalizedOwed: [],
    invalid: 0,
    nextRequestId: rec.nextRequestId,
    lastFinalizedId: rec.lastFinalizedId,
  };
  // Renzo's TVL and Puffer's rate scan every holding: computed once for the whole queue, not once per request
  let shared: { renzoTvl?: bigint; pufferRate?: bigint } | undefined;
  for (const r of requestsOf(w, rec.id)) {
    if (r.status === "pending") {
      v.pending++;
      v.pendingShares += r.shares;
      addTo(v.pendingAtRequest, r.asset, r.amountAtRequest);
      if (shared === undefined && r.payout === null) {
        shared =
          rec.protocol === "renzo"
            ? { renzoTvl: renzo.tvlOrZero(w, rec, block, now) }
            : rec.protocol === "puffer"
              ? { pufferRate: puffer.rate(w, rec, block, now) }
              : {};
      }
      addTo(v.pendingPayoutNow, r.asset, payoutNow(w, rec, r, block, now, shared));
    } else if (r.status === "finalized") {
      v.finalized++;
      addTo(v.finalizedOwed, r.asset, r.payout ?? 0n);
    } else if (r.status === "invalid") v.invalid++;
  }
  return v;
}

export interface LiquidityView {
  lrt: string;
  assets: { asset: Address; pool: bigint; queue: bigint; reserved: bigint; available: bigint }[];
  /** ether.fi: the low watermark and what instant redemption could pay now */
  lowWatermark?: bigint;
  instantRedeemable?: bigint;
}

/** The liquidity buffer: what the pool and the queue hold, what is reserved for requests, what is free. */
export function liquidity(w: World, id: string, at?: At): LiquidityView {
  const rec = getLrt(w, id);
  const { now } = atOf(w, at);
  const assets = heldAssets(rec).map((asset) => {
    const pool = balanceOf(w.eigen, asset, rec.accounts.pool);
    const q = balanceOf(w.eigen, asset, rec.accounts.queue);
    let reserved = 0n;
    let available = pool;
    if (rec.protocol === "renzo") {
      reserved = renzo.reserved(rec, asset);
      available = q - reserved;
    } else if (rec.protocol === "kelp") {
      reserved = kelp.committed(rec, asset);
      available = pool > reserved ? pool - reserved : 0n;
    }
    return { asset, pool, queue: q, reserved, available };
  });
  const v: LiquidityView = { lrt: rec.id, assets };
  if (rec.protocol === "etherfi") {
    const b = etherfi.book(rec);
    const P = etherfi.pooledEther(rec);
    v.lowWatermark = (P * rec.params.lowWatermarkBps) / 10_000n;
    const pool = assets.find((a) => a.asset === "0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee")?.pool ?? 0n;
    const units = 10n ** 12n;
    const refilled = b.bucketRemaining + (rec.params.bucketRefillPerSecond / units) * (now - b.bucketLastRefill);
    const cap = rec.params.bucketCapacity / units;
    v.instantRedeemable = pool < v.lowWatermark ? 0n : min(pool, (refilled < cap ? refilled : cap) * units);
  }
  return v;
}

export interface AllocationView {
  lrt: string;
  block: bigint;
  totalValue: bigint;
  delegators: {
    index: number;
    delegator: Address;
    operator: Address;
    delegatedTo: Address | null;
    weightBps: bigint;
    value: bigint;
    actualBps: bigint;
  }[];
  /** look-through: the LRT's slice of each operator set's slashable stake, through the core's neutral view */
  operatorSets: {
    delegator: Address;
    operator: Address;
    serviceSet: string;
    strategy: string;
    asset: string;
    /** the LRT's share of the operator's slashable shares in this set */
    shares: bigint;
    amount: bigint;
    value: bigint;
    fractionWad: bigint;
  }[];
}

export function allocation(w: World, id: string, at?: At): AllocationView {
  const rec = getLrt(w, id);
  const { block } = atOf(w, at);
  const hs = holdings(w, rec, block);
  const totalValue = sumValue(hs);
  const delegators = rec.delegators.map((d, index) => {
    const value = sumValue(hs.filter((h) => h.delegator === d.address));
    return {
      index,
      delegator: d.address,
      operator: d.operator,
      delegatedTo: w.eigen.stakers.get(d.address)?.delegatedTo ?? null,
      weightBps: d.weightBps,
      value,
      actualBps: totalValue === 0n ? 0n : (value * 10_000n) / totalValue,
    };
  });
  const nv = eigenNeutralView(w.eigen, block);
  const operatorSets: AllocationView["operatorSets"] = [];
  for (const d of rec.delegators) {
    for (const e of nv.exposures) {
      if (e.operator !== d.operator) continue;
      const strategy = e.collateral as Address;
      const opShares = dm.operatorShares(w.eigen, d.operator, strategy);
      if (opShares === 0n) continue;
      const mine = cviews.withdrawableShares(w.eigen, d.address, strategy);
      if (mine === 0n) continue;
      const shares = (e.shares * mine) / opShares;
      const amount = sharesToAsset(w.eigen, strategy, shares);
      operatorSets.push({
        delegator: d.address,
        operator: d.operator,
        serviceSet: e.serviceSet,
        strategy,
        asset: e.asset,
        shares,
        amount,
        value: ethValue(amount, livePrice(w, e.asset as Address)),
        fractionWad: e.fractionWad,
      });
    }
  }
  return { lrt: rec.id, block, totalValue, delegators, operatorSets };
}

/** A holder's balance as the token shows it (eETH: the rebasing amount of its shares). */
export function balanceOf_(w: World, id: string, holder: Address, token?: string, chain = L1): bigint {
  const rec = getLrt(w, id);
  const t = token ?? rec.symbol;
  const units = tokenBalance(w, rec.id, t, holder, chain);
  return rec.protocol === "etherfi" && t === rec.symbol ? etherfi.amountForShare(rec, units) : units;
}

export interface LrtSummary {
  id: string;
  protocol: string;
  symbol: string;
  wrappedSymbol: string | null;
  rate: bigint;
  nav: bigint;
  supply: bigint;
  delegators: number;
  queuePending: number;
  paused: string[];
  supplyInvariantHolds: boolean;
  unbacked: bigint;
}

export function pausedFlags(rec: LrtRecord): string[] {
  const p = effectivePaused(rec);
  return Object.entries(PAUSE)
    .filter(([, bit]) => (p & bit) !== 0n)
    .map(([name]) => name);
}

export function summary(w: World, id: string): LrtSummary {
  const rec = getLrt(w, id);
  const n = nav(w, id);
  const s: SupplyByChain = supplyByChain(w, id);
  return {
    id: rec.id,
    protocol: rec.protocol,
    symbol: rec.symbol,
    wrappedSymbol: rec.wrappedSymbol,
    rate: n.rate,
    nav: n.nav,
    supply: rec.supply,
    delegators: rec.delegators.length,
    queuePending: queue(w, id).pending,
    paused: pausedFlags(rec),
    supplyInvariantHolds: s.holds,
    unbacked: s.unbacked,
  };
}

/** A readable name for an asset: ETH or the LST's symbol. */
export function assetSymbol(w: World, asset: string): string {
  if (asset === "0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee") return "ETH";
  for (const l of w.lrt.lsts.values()) if (l.token === asset) return l.symbol;
  return asset;
}

export function listLrts(w: World): string[] {
  return [...w.lrt.lrts.keys()].sort();
}

export { chainSupply, supplyByChain };
