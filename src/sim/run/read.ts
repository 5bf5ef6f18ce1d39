import { NATIVE_ETH } from "../../core/eigenlayer/eigenPodManager.ts";
import { sharesToAsset } from "../../core/eigenlayer/neutral.ts";
import type { Address } from "../../core/eigenlayer/state.ts";
import { isProtocolError } from "../../core/shared/errors.ts";
import { WAD } from "../../core/shared/math.ts";
import { bridgeSymbol, supplyByChain } from "../../lrt/bridge.ts";
import { getLrt, tokenBalance } from "../../lrt/context.ts";
import { amountForShare } from "../../lrt/etherfi.ts";
import { livePrice } from "../../lrt/valuation.ts";
import * as lrtViews from "../../lrt/views.ts";
import { quoteSwap } from "../../markets/pools.ts";
import * as mviews from "../../markets/views.ts";
import { lrtRates } from "../../node/world.ts";
import type { SimNetwork } from "../network/types.ts";

/**
 * What the timeline, the agents and the metrics read from the world. Views only: nothing here writes. Amounts in
 * the LRT layer are in the LRT's **units** — the token the rate prices (ether.fi: eETH shares = weETH; the others:
 * their token) — so units × rate / 1e18 is ETH.
 */

const lw = (net: SimNetwork) => ({ eigen: net.chain.world.eigen, lrt: net.chain.world.lrt });

export function marketCtx(net: SimNetwork) {
  return { timestamp: net.chain.timestamp, block: net.chain.block, rates: lrtRates(net.chain.world) };
}

/** ETH per 1e18 units of the LRT, as the protocol prices it now. */
export function lrtRate(net: SimNetwork, lrt: string): bigint {
  return lrtViews.rate(lw(net), lrt, { block: net.chain.block, timestamp: net.chain.timestamp });
}

/** The DEX price of one LRT unit in WETH (WAD), or undefined without a pool (or an empty one). */
export function dexPrice(net: SimNetwork, lrt: string): bigint | undefined {
  const l = net.lrts.find((x) => x.id === lrt);
  if (l?.pool === undefined) return undefined;
  let v: mviews.PoolView | undefined;
  try {
    v = mviews.poolView(net.chain.world.markets, l.pool, net.chain.timestamp);
  } catch (e) {
    // a pool drained so far that its invariant no longer converges quotes nothing, as Curve's would revert: the
    // LRT has no bid there
    if (isProtocolError(e)) return 0n;
    throw e;
  }
  const p = v?.prices.find((q) => q.asset === l.marketAsset && q.quote === net.weth);
  if (p !== undefined) return p.price;
  // the pool lists WETH first: invert
  const inv = v?.prices.find((q) => q.asset === net.weth && q.quote === l.marketAsset);
  return inv === undefined || inv.price === 0n ? undefined : (WAD * WAD) / inv.price;
}

/** 1 − price/rate, floored at 0, as a float (reported, never fed back into the engine). */
export function depegDepth(rate: bigint, price: bigint | undefined): number {
  if (price === undefined || rate === 0n || price >= rate) return 0;
  return Number(((rate - price) * 1_000_000n) / rate) / 1_000_000;
}

/** The LRT units `holder` has on the L1 (ether.fi: eETH shares plus weETH). */
export function unitsOf(net: SimNetwork, lrt: string, holder: Address): bigint {
  const w = lw(net);
  const rec = getLrt(w, lrt);
  let units = tokenBalance(w, lrt, rec.symbol, holder);
  if (rec.wrappedSymbol !== null) units += tokenBalance(w, lrt, rec.wrappedSymbol, holder);
  return units;
}

/** The amount `requestWithdrawal` takes for `units` (ether.fi takes eETH amounts, the others token units). */
export function requestAmountOf(net: SimNetwork, lrt: string, units: bigint): bigint {
  const rec = getLrt(lw(net), lrt);
  return rec.protocol === "etherfi" ? amountForShare(rec, units) : units;
}

/** ETH value (wei) of `units` of an LRT at its current rate. */
export function unitsValue(net: SimNetwork, lrt: string, units: bigint): bigint {
  return (units * lrtRate(net, lrt)) / WAD;
}

/** ETH value of a core strategy's shares (the strategy's token at the LST's live rate; beacon ETH at 1). */
export function sharesValue(net: SimNetwork, strategy: Address, shares: bigint): bigint {
  const eigen = net.chain.world.eigen;
  const amount = sharesToAsset(eigen, strategy, shares);
  const token = eigen.strategies.get(strategy)?.token ?? NATIVE_ETH;
  return (amount * livePrice(lw(net), token)) / WAD;
}

/** The bridged-supply gap: canonical L1 + L2s + in flight − backed (0 while every mint has its burn). */
export function bridgeGap(net: SimNetwork, lrt: string): bigint {
  return supplyByChain(lw(net), lrt).unbacked;
}

export function bridgeToken(net: SimNetwork, lrt: string): string {
  return bridgeSymbol(getLrt(lw(net), lrt));
}

/**
 * Market LRT units a WETH amount buys now, and the pool's price of the LRT in WETH after it (WAD); zeros when the
 * swap would revert.
 */
export function quoteBuy(
  net: SimNetwork,
  pool: string,
  lrtAsset: string,
  wethIn: bigint,
): { out: bigint; priceAfter: bigint } {
  try {
    const q = quoteSwap(net.chain.world.markets, pool, net.weth, lrtAsset, wethIn, net.chain.timestamp);
    // spotAfter prices WETH in the LRT: invert
    return { out: q.amountOut, priceAfter: q.spotAfter === 0n ? 0n : (WAD * WAD) / q.spotAfter };
  } catch {
    return { out: 0n, priceAfter: 0n };
  }
}

/** WETH that selling `unitsIn` of the LRT returns now (0 when the swap would revert). */
export function quoteSell(net: SimNetwork, pool: string, lrtAsset: string, unitsIn: bigint): bigint {
  try {
    return quoteSwap(net.chain.world.markets, pool, lrtAsset, net.weth, unitsIn, net.chain.timestamp).amountOut;
  } catch {
    return 0n;
  }
}

export function wethBalance(net: SimNetwork, who: Address): bigint {
  return net.chain.world.markets.balances.get(`${net.weth}|${who}`) ?? 0n;
}

export function marketBalance(net: SimNetwork, asset: string, who: Address): bigint {
  return net.chain.world.markets.balances.get(`${asset}|${who}`) ?? 0n;
}
