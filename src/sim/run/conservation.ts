import { NATIVE_ETH } from "../../core/eigenlayer/eigenPodManager.ts";
import { DEFAULT_BURN_ADDRESS } from "../../core/eigenlayer/params.ts";
import { InvariantViolation } from "../../core/shared/errors.ts";
import { bridgeSymbol } from "../../lrt/bridge.ts";
import { getLrt, tokenBalance } from "../../lrt/context.ts";
import type { MarketState } from "../../markets/state.ts";
import type { SimEntry } from "../chain.ts";
import type { SimNetwork } from "../network/types.ts";

/**
 * Conservation over the whole run, in terminal units: ETH in the core's ledger, and each asset of the markets
 * layer. Claims (strategy shares, LST/LRT tokens, aTokens, debt) are not counted beside them: they are claims on
 * those units. So at every step
 *
 *   ETH held by every party + ETH burned (slashed shares cleared to the burn address) = ETH at the start + ETH minted
 *   Σ custody of a market asset (wallets, pools and their admin fees, Aave cash, Morpho cash and collateral)
 *       = its custody at the start + what was minted
 *
 * and, for every LRT traded in the markets, the market tokens outside the gateway equal the LRT-layer tokens the
 * gateway holds (the two ledgers describe the same token). Bad debt does not break these: the borrower keeps the
 * units the lenders lost; it is reported as the lenders' loss. Beacon-chain penalties are outside the ledger
 * (validators' balances) and are reported apart.
 */

export interface Ledgers {
  /** native ETH in the core's ledger, all holders (burn address included) */
  eth: bigint;
  burned: bigint;
  /** market asset → custody */
  market: Map<string, bigint>;
}

export function marketCustody(s: MarketState): Map<string, bigint> {
  const out = new Map<string, bigint>();
  const add = (a: string, v: bigint): void => {
    out.set(a, (out.get(a) ?? 0n) + v);
  };
  for (const [key, v] of s.balances.entries()) add(key.slice(0, key.indexOf("|")), v);
  for (const p of s.pools.values()) {
    if (p.kind === "stableswap") {
      p.assets.forEach((a, i) => {
        add(a, (p.balances[i] ?? 0n) + (p.adminBalances[i] ?? 0n));
      });
    } else {
      p.assets.forEach((a, i) => {
        add(a, p.reserves[i] ?? 0n);
      });
    }
  }
  for (const r of s.reserves.values()) add(r.asset, r.virtualUnderlyingBalance);
  for (const m of s.morphoMarkets.values()) add(m.loanToken, m.totalSupplyAssets - m.totalBorrowAssets);
  for (const [key, p] of s.morphoPositions.entries()) {
    if (p.collateral === 0n) continue;
    const m = s.morphoMarkets.get(key.slice(0, key.indexOf("|")));
    if (m !== undefined) add(m.collateralToken, p.collateral);
  }
  return out;
}

export function ledgers(net: SimNetwork): Ledgers {
  let eth = 0n;
  const prefix = `${NATIVE_ETH}|`;
  for (const [key, v] of net.chain.world.eigen.balances.entries()) if (key.startsWith(prefix)) eth += v;
  const burned = net.chain.world.eigen.balances.get(`${NATIVE_ETH}|${DEFAULT_BURN_ADDRESS}`) ?? 0n;
  return { eth, burned, market: marketCustody(net.chain.world.markets) };
}

/** Tallies what the run mints (ETH in the core, assets in the markets): the only doors value enters by. */
export class MintTally {
  eth = 0n;
  readonly market = new Map<string, bigint>();

  sink = (e: SimEntry): void => {
    const c = e.command;
    if (c.layer === "eigen" && c.command.type === "mint" && c.command.token === NATIVE_ETH)
      this.eth += c.command.amount;
    if (c.layer === "market" && c.command.type === "mint") {
      this.market.set(c.command.asset, (this.market.get(c.command.asset) ?? 0n) + c.command.amount);
    }
  };
}

/** Throws an InvariantViolation naming the first ledger that does not balance. */
export function assertConservation(net: SimNetwork, start: Ledgers, minted: MintTally, block: bigint): void {
  const now = ledgers(net);
  if (now.eth !== start.eth + minted.eth) {
    throw new InvariantViolation("ETH held + burned ≠ ETH at start + minted", {
      block,
      held: now.eth - now.burned,
      burned: now.burned,
      start: start.eth,
      minted: minted.eth,
    });
  }
  const assets = new Set([...start.market.keys(), ...now.market.keys(), ...minted.market.keys()]);
  for (const a of [...assets].sort()) {
    const want = (start.market.get(a) ?? 0n) + (minted.market.get(a) ?? 0n);
    const got = now.market.get(a) ?? 0n;
    if (got !== want)
      throw new InvariantViolation(`market custody of ${a} ≠ start + minted`, { block, asset: a, got, want });
  }
  const lw = { eigen: net.chain.world.eigen, lrt: net.chain.world.lrt };
  for (const l of net.lrts) {
    const outside =
      (now.market.get(l.marketAsset) ?? 0n) -
      (net.chain.world.markets.balances.get(`${l.marketAsset}|${net.gateway}`) ?? 0n);
    const rec = getLrt(lw, l.id);
    const held = tokenBalance(lw, l.id, bridgeSymbol(rec), net.gateway);
    if (outside !== held) {
      throw new InvariantViolation(`${l.marketAsset} in the markets ≠ ${l.id} held by the gateway`, {
        block,
        outside,
        held,
      });
    }
  }
}
