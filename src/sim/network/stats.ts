import * as dm from "../../core/eigenlayer/delegationManager.ts";
import { assetOf, sharesToAsset } from "../../core/eigenlayer/neutral.ts";
import { BEACON_CHAIN_ETH_STRATEGY } from "../../core/eigenlayer/params.ts";
import type { Address } from "../../core/eigenlayer/state.ts";
import * as views from "../../core/eigenlayer/views.ts";
import { WAD } from "../../core/shared/math.ts";
import { ethValue, livePrice } from "../../lrt/valuation.ts";
import type { SimNetwork } from "./types.ts";

/**
 * What a built network looks like, in ETH at the LSTs' live rates: each operator's delegated stake, and how the
 * restaked ETH splits between LRTs (their operator delegators) and direct stakers. For tests and the benchmark.
 */

export interface NetworkShape {
  /** delegated stake per operator (wei of ETH), in `net.operators` order */
  operatorStake: bigint[];
  /** restaked ETH held by the LRTs' delegators, and by direct stakers */
  lrtRestaked: bigint;
  directRestaked: bigint;
  /** lrtRestaked / (lrtRestaked + directRestaked) */
  lrtShare: number;
  /** share of all delegated stake held by the `top` largest operators */
  topShare: (top: number) => number;
}

function strategies(net: SimNetwork): Address[] {
  return [BEACON_CHAIN_ETH_STRATEGY, ...net.lsts.map((l) => l.strategy)];
}

/** ETH value of `shares` of a strategy. */
function value(net: SimNetwork, strategy: Address, shares: bigint): bigint {
  const w = { eigen: net.chain.world.eigen, lrt: net.chain.world.lrt };
  const s = net.chain.world.eigen;
  return ethValue(sharesToAsset(s, strategy, shares), livePrice(w, assetOf(s, strategy)));
}

/** Restaked ETH of one staker: its withdrawable shares in every strategy. */
export function restakedValue(net: SimNetwork, staker: Address): bigint {
  const s = net.chain.world.eigen;
  let v = 0n;
  for (const st of views.stakerStrategies(s, staker)) v += value(net, st, views.withdrawableShares(s, staker, st));
  return v;
}

export function networkShape(net: SimNetwork): NetworkShape {
  const s = net.chain.world.eigen;
  const sts = strategies(net);
  const operatorStake = net.operators.map((o) =>
    sts.reduce((a, st) => a + value(net, st, dm.operatorShares(s, o.address, st)), 0n),
  );
  let lrtRestaked = 0n;
  for (const l of net.lrts) {
    const rec = net.chain.world.lrt.lrts.get(l.id);
    for (const d of rec?.delegators ?? []) lrtRestaked += restakedValue(net, d.address);
  }
  let directRestaked = 0n;
  for (const a of net.stakers) directRestaked += restakedValue(net, a);
  const total = lrtRestaked + directRestaked;
  const sorted = [...operatorStake].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
  const all = sorted.reduce((a, b) => a + b, 0n);
  return {
    operatorStake,
    lrtRestaked,
    directRestaked,
    lrtShare: total === 0n ? 0 : Number((lrtRestaked * 1_000_000n) / total) / 1e6,
    topShare: (top) =>
      all === 0n ? 0 : Number((sorted.slice(0, top).reduce((a, b) => a + b, 0n) * 1_000_000n) / all) / 1e6,
  };
}

/** Whole ETH, for reports. */
export const toEth = (wei: bigint): number => Number(wei / (WAD / 1_000n)) / 1_000;
