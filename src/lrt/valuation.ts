import { NATIVE_ETH } from "../core/eigenlayer/eigenPodManager.ts";
import { assetOf, sharesToAsset } from "../core/eigenlayer/neutral.ts";
import type { Address } from "../core/eigenlayer/state.ts";
import { balanceOf } from "../core/eigenlayer/tokens.ts";
import * as views from "../core/eigenlayer/views.ts";
import { ProtocolError } from "../core/shared/errors.ts";
import { WAD } from "../core/shared/math.ts";
import { lstByToken } from "./context.ts";
import { lstRate } from "./lst.ts";
import type { Delegator, LrtRecord, World } from "./state.ts";

/**
 * What an LRT holds, read from the core the way the protocol's own accounting reads it: token balances of its
 * pool and queue, and for each operator delegator its withdrawable shares (which carry every core slash), its
 * queued core withdrawals, idle balances and ETH on its way to a validator.
 */

export const VALIDATOR_ETH = 32n * WAD;

export type HoldingKind = "buffer" | "escrow" | "restaked" | "unstaking" | "idle" | "beaconPending";

export interface Holding {
  kind: HoldingKind;
  /** the account holding it */
  account: Address;
  asset: Address;
  /** in the asset's units (LSTs: their shares) */
  amount: bigint;
  /** in ETH at the price used */
  value: bigint;
  delegator?: Address;
  strategy?: Address;
  withdrawalRoot?: string;
}

/** ETH per unit of `asset` (WAD) at the LST's current rate; native ETH is 1. */
export function livePrice(w: World, asset: Address): bigint {
  if (asset === NATIVE_ETH) return WAD;
  const l = lstByToken(w, asset);
  if (l === undefined) throw new ProtocolError("UnsupportedAsset", "no price for this asset", { asset });
  return lstRate(l);
}

export type Pricer = (asset: Address) => bigint;

export const ethValue = (amount: bigint, price: bigint): bigint => (amount * price) / WAD;

/** The last block the world has seen (views evaluate at it unless told otherwise). */
export function worldBlock(w: World): bigint {
  const a = w.eigen.globals.get("block") ?? 0n;
  const b = w.lrt.globals.get("block") ?? 0n;
  return a > b ? a : b;
}

export function worldTimestamp(w: World): bigint {
  const a = w.eigen.globals.get("timestamp") ?? 0n;
  const b = w.lrt.globals.get("timestamp") ?? 0n;
  return a > b ? a : b;
}

/** Validators whose credentials point at `owner`'s pod (each one was funded with 32 ETH by the LRT). */
export function podValidatorCount(w: World, owner: Address): bigint {
  return w.eigen.validatorCounts.get(owner) ?? 0n;
}

export function delegatorHoldings(
  w: World,
  rec: LrtRecord,
  d: Delegator,
  block: bigint,
  price: Pricer = (a) => livePrice(w, a),
): Holding[] {
  const out: Holding[] = [];
  const s = w.eigen;
  for (const strategy of views.stakerStrategies(s, d.address)) {
    const shares = views.withdrawableShares(s, d.address, strategy);
    const asset = assetOf(s, strategy);
    const amount = sharesToAsset(s, strategy, shares);
    out.push({
      kind: "restaked",
      account: d.address,
      asset,
      amount,
      value: ethValue(amount, price(asset)),
      delegator: d.address,
      strategy,
    });
  }
  for (const q of views.queuedWithdrawals(s, block, d.address)) {
    q.withdrawal.strategies.forEach((strategy, i) => {
      const asset = assetOf(s, strategy);
      const amount = sharesToAsset(s, strategy, q.shares[i]!);
      out.push({
        kind: "unstaking",
        account: d.address,
        asset,
        amount,
        value: ethValue(amount, price(asset)),
        delegator: d.address,
        strategy,
        withdrawalRoot: q.withdrawal.root,
      });
    });
  }
  for (const asset of heldAssets(rec)) {
    const amount = balanceOf(s, asset, d.address);
    if (amount > 0n) {
      out.push({
        kind: "idle",
        account: d.address,
        asset,
        amount,
        value: ethValue(amount, price(asset)),
        delegator: d.address,
      });
    }
  }
  const pending = d.nativeStaked - VALIDATOR_ETH * podValidatorCount(w, d.address);
  if (pending > 0n) {
    out.push({
      kind: "beaconPending",
      account: d.address,
      asset: NATIVE_ETH,
      amount: pending,
      value: pending,
      delegator: d.address,
    });
  }
  return out;
}

/** Native ETH plus the LRT's deposit assets: everything its accounts may hold. */
export function heldAssets(rec: LrtRecord): Address[] {
  return rec.assets.includes(NATIVE_ETH) ? rec.assets : [NATIVE_ETH, ...rec.assets];
}

export function holdings(w: World, rec: LrtRecord, block: bigint, price: Pricer = (a) => livePrice(w, a)): Holding[] {
  const out: Holding[] = [];
  for (const [kind, account] of [
    ["buffer", rec.accounts.pool],
    ["escrow", rec.accounts.queue],
  ] as const) {
    for (const asset of heldAssets(rec)) {
      const amount = balanceOf(w.eigen, asset, account);
      if (amount > 0n) out.push({ kind, account, asset, amount, value: ethValue(amount, price(asset)) });
    }
  }
  for (const d of rec.delegators) out.push(...delegatorHoldings(w, rec, d, block, price));
  return out;
}

export const sumValue = (hs: Holding[]): bigint => hs.reduce((a, h) => a + h.value, 0n);

/** Everything outside `kinds`: e.g. ether.fi's value out of the liquidity pool. */
export function valueExcept(hs: Holding[], pred: (h: Holding) => boolean): bigint {
  return hs.filter((h) => !pred(h)).reduce((a, h) => a + h.value, 0n);
}

/** Σ amount·price over holdings, unscaled (Kelp sums at 1e36). */
export function sumScaled(hs: Holding[], price: Pricer): bigint {
  return hs.reduce((a, h) => a + h.amount * price(h.asset), 0n);
}

/** The LRT's total holdings of one asset, in its units (Kelp getTotalAssetDeposits, Renzo per-token TVL). */
export function assetAmount(hs: Holding[], asset: Address): bigint {
  return hs.filter((h) => h.asset === asset).reduce((a, h) => a + h.amount, 0n);
}
