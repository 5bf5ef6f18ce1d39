import type { Address } from "../../core/eigenlayer/state.ts";
import { require } from "../../core/shared/errors.ts";
import { getLrt, tokenBalance } from "../../lrt/context.ts";
import * as etherfi from "../../lrt/etherfi.ts";
import type { MarketState } from "../../markets/state.ts";
import type { SimChain } from "../chain.ts";
import { marketAssetOf } from "./names.ts";
import type { SimNetwork } from "./types.ts";

/**
 * The gateway between the LRT layer and the markets layer. The markets keep their own ledger; a market LRT asset
 * (`ezETH`, `weETH`) is backed 1:1 by the LRT layer's bridgeable token (weETH for ether.fi: one unit is one eETH
 * share; the LRT token otherwise) held by the gateway. So at every block
 *     Σ market holdings of the asset outside the gateway = the gateway's LRT-layer balance of the token.
 * Every step is a command through the chain (recorded, replayable). Balances are checked before the first command,
 * so a refused move changes nothing.
 */

export type GatewayNet = Pick<SimNetwork, "chain" | "gateway" | "marketAdmin">;

const lrtWorld = (chain: SimChain) => ({ eigen: chain.world.eigen, lrt: chain.world.lrt });

/** The LRT layer's token that crosses to the markets (and bridges): weETH for ether.fi, the LRT token otherwise. */
export function gatewayToken(chain: SimChain, lrt: string): string {
  const rec = getLrt(lrtWorld(chain), lrt);
  return rec.wrappedSymbol ?? rec.symbol;
}

/**
 * What `holder` could move to the markets now, in market units: its bridgeable tokens on the L1, plus for ether.fi
 * the weETH its eETH would wrap into.
 */
export function movableToMarket(chain: SimChain, holder: Address, lrt: string): bigint {
  const w = lrtWorld(chain);
  const rec = getLrt(w, lrt);
  const token = rec.wrappedSymbol ?? rec.symbol;
  const direct = tokenBalance(w, lrt, token, holder);
  if (rec.wrappedSymbol === null) return direct;
  const shares = tokenBalance(w, lrt, rec.symbol, holder);
  return direct + etherfi.sharesForAmount(rec, etherfi.amountForShare(rec, shares));
}

/**
 * Moves `amount` (market units) of `holder`'s LRT into the markets: ether.fi's eETH is wrapped first as needed, the
 * LRT-layer token goes to the gateway, and the holder receives the market asset — from the gateway's own market
 * balance first (what came back earlier), minted by the market admin for the rest.
 */
export function toMarket(net: GatewayNet, holder: Address, lrt: string, amount: bigint): void {
  const { chain } = net;
  const w = lrtWorld(chain);
  const rec = getLrt(w, lrt);
  const token = rec.wrappedSymbol ?? rec.symbol;
  const asset = marketAssetOf(lrt);
  require(amount > 0n, "ZeroAmount");
  require(movableToMarket(chain, holder, lrt) >= amount, "InsufficientLrtBalance", "toMarket", { holder, lrt, amount });
  const have = tokenBalance(w, lrt, token, holder);
  if (rec.wrappedSymbol !== null && have < amount) {
    const need = amount - have;
    const supply = rec.supply;
    const pooled = etherfi.pooledEther(rec);
    // the eETH amount whose shares are at least `need`, but no more than the holder's
    let eAmount = (need * pooled + supply - 1n) / supply;
    const shares = tokenBalance(w, lrt, rec.symbol, holder);
    if (etherfi.sharesForAmount(rec, eAmount) > shares) eAmount = etherfi.amountForShare(rec, shares);
    chain.apply(holder, { layer: "lrt", command: { type: "wrap", lrt, amount: eAmount } });
  }
  chain.apply(holder, { layer: "lrt", command: { type: "transfer", lrt, to: net.gateway, amount, token } });
  const back = marketBalance(chain.world.markets, asset, net.gateway);
  const reuse = back < amount ? back : amount;
  if (reuse > 0n) {
    chain.apply(net.gateway, { layer: "market", command: { type: "transfer", asset, to: holder, amount: reuse } });
  }
  if (amount > reuse) {
    chain.apply(net.marketAdmin, {
      layer: "market",
      command: { type: "mint", asset, to: holder, amount: amount - reuse },
    });
  }
}

/**
 * Moves `amount` of `holder`'s market LRT back to the LRT layer: the market asset goes to the gateway, which
 * releases the same amount of the LRT-layer token to the holder (ether.fi: weETH, unwrapped to eETH if asked).
 */
export function fromMarket(
  net: GatewayNet,
  holder: Address,
  lrt: string,
  amount: bigint,
  opts: { unwrap?: boolean } = {},
): void {
  const { chain } = net;
  const asset = marketAssetOf(lrt);
  const token = gatewayToken(chain, lrt);
  require(amount > 0n, "ZeroAmount");
  require(marketBalance(chain.world.markets, asset, holder) >= amount, "ERC20InsufficientBalance", "fromMarket", {
    holder,
    asset,
    amount,
  });
  chain.apply(holder, { layer: "market", command: { type: "transfer", asset, to: net.gateway, amount } });
  chain.apply(net.gateway, { layer: "lrt", command: { type: "transfer", lrt, to: holder, amount, token } });
  const rec = getLrt(lrtWorld(chain), lrt);
  if (opts.unwrap === true && rec.wrappedSymbol !== null) {
    chain.apply(holder, { layer: "lrt", command: { type: "unwrap", lrt, amount } });
  }
}

export function marketBalance(s: MarketState, asset: string, holder: Address): bigint {
  return s.balances.get(`${asset}|${holder}`) ?? 0n;
}

/**
 * Everything the markets layer holds of `asset`, by whom: wallets, DEX pools (their balances and uncollected admin
 * fees), Aave reserves (the underlying the aToken holds) and Morpho markets (supplied minus borrowed loan tokens,
 * and posted collateral). The conservation check and the gateway invariant read it.
 */
export function marketHoldings(s: MarketState, asset: string): { wallets: bigint; pools: bigint; lending: bigint } {
  let wallets = 0n;
  const prefix = `${asset}|`;
  for (const [k, v] of s.balances.entries()) if (k.startsWith(prefix)) wallets += v;
  let pools = 0n;
  for (const p of s.pools.values()) {
    const i = p.assets.indexOf(asset);
    if (i < 0) continue;
    pools += p.kind === "stableswap" ? p.balances[i]! + p.adminBalances[i]! : p.reserves[i as 0 | 1];
  }
  let lending = s.reserves.get(asset)?.virtualUnderlyingBalance ?? 0n;
  const collateralOf = new Set<string>();
  for (const m of s.morphoMarkets.values()) {
    if (m.loanToken === asset) lending += m.totalSupplyAssets - m.totalBorrowAssets;
    if (m.collateralToken === asset) collateralOf.add(m.id);
  }
  if (collateralOf.size > 0) {
    for (const [k, pos] of s.morphoPositions.entries()) {
      if (collateralOf.has(k.slice(0, k.lastIndexOf("|")))) lending += pos.collateral;
    }
  }
  return { wallets, pools, lending };
}

/** The market supply of an LRT asset outside the gateway; equals `gatewayBacking` at every block. */
export function marketSupplyOutsideGateway(net: GatewayNet, lrt: string): bigint {
  const s = net.chain.world.markets;
  const asset = marketAssetOf(lrt);
  const h = marketHoldings(s, asset);
  return h.wallets + h.pools + h.lending - marketBalance(s, asset, net.gateway);
}

/** The LRT-layer tokens the gateway holds for the markets. */
export function gatewayBacking(net: GatewayNet, lrt: string): bigint {
  const { chain } = net;
  return tokenBalance(lrtWorld(chain), lrt, gatewayToken(chain, lrt), net.gateway);
}
