/**
 * A liquidator: scans every unhealthy position, dry-runs `liquidateAndSwap` for each collateral/debt pair that a pool
 * can trade (at a few sizes, since slippage can make a full liquidation unprofitable where a smaller one pays), and
 * executes the most profitable one per position when its profit after DEX slippage reaches `minProfit`. Every
 * execution is an ordinary command (`liquidateAndSwap`), so a node can sign and replay exactly what it did.
 */
import { ProtocolError } from "../core/shared/errors.ts";
import * as aave from "./aave.ts";
import { executeMarket, type MarketCommand, simulate } from "./commands.ts";
import { UINT256_MAX } from "./math.ts";
import * as morpho from "./morpho.ts";
import type { MarketState } from "./state.ts";
import type { LiquidateAndSwap, LiquidateAndSwapResult } from "./strategies.ts";
import type { Address, AssetId, MarketContext, PoolId } from "./types.ts";
import { unhealthy } from "./views.ts";

export interface LiquidatorOptions {
  /** minimum profit per liquidation, in the debt asset's base units */
  minProfit: bigint;
  /** use a flash loan for the repayment (no inventory needed) */
  flash?: boolean;
  /** pools allowed for the collateral → debt swap; default: every pool holding both */
  pools?: PoolId[];
  /** debt sizes tried on Aave, as fractions of the debt (basis points); default [10000, 5000, 2500, 1000] */
  sizesBps?: bigint[];
}

export interface LiquidationPlan {
  command: LiquidateAndSwap;
  /** the dry run's outcome */
  expected: LiquidateAndSwapResult;
}

function poolsFor(s: MarketState, a: AssetId, b: AssetId, allowed?: PoolId[]): PoolId[] {
  return [...s.pools.values()]
    .filter((p) => (allowed === undefined || allowed.includes(p.id)) && p.assets.includes(a) && p.assets.includes(b))
    .map((p) => p.id)
    .sort();
}

function dryRun(s: MarketState, ctx: MarketContext, c: LiquidateAndSwap): LiquidateAndSwapResult | null {
  const r = simulate(s, () => executeMarket(s, ctx, c).result as unknown as LiquidateAndSwapResult);
  return r instanceof ProtocolError ? null : r;
}

/** Candidate commands for one unhealthy position. */
function candidates(
  s: MarketState,
  ctx: MarketContext,
  target: { account: Address; venue: "aave" | "morpho"; market: string },
  o: LiquidatorOptions,
): LiquidateAndSwap[] {
  const base = { borrower: target.account, minProfit: o.minProfit, flash: o.flash ?? false };
  const out: LiquidateAndSwap[] = [];
  if (target.venue === "morpho") {
    const m = morpho.marketOf(s, target.market);
    const p = morpho.positionOf(s, target.market, target.account);
    for (const pool of poolsFor(s, m.collateralToken, m.loanToken, o.pools)) {
      out.push({ type: "liquidateAndSwap", venue: "morpho", market: target.market, pool, ...base });
      for (const bps of o.sizesBps ?? [5_000n, 2_500n, 1_000n]) {
        const shares = (p.borrowShares * bps) / 10_000n;
        if (shares > 0n && bps < 10_000n) {
          out.push({
            type: "liquidateAndSwap",
            venue: "morpho",
            market: target.market,
            pool,
            repaidShares: shares,
            seizedAssets: 0n,
            ...base,
          });
        }
      }
    }
    return out;
  }
  const user = aave.userOf(s, target.account);
  for (const debt of user.borrowing) {
    const debtAmount = aave.debtBalance(s, debt, target.account, ctx.timestamp);
    for (const collateral of user.collateral) {
      for (const pool of poolsFor(s, collateral, debt, o.pools)) {
        for (const bps of o.sizesBps ?? [10_000n, 5_000n, 2_500n, 1_000n]) {
          const debtToCover = bps >= 10_000n ? UINT256_MAX : (debtAmount * bps) / 10_000n;
          if (debtToCover === 0n) continue;
          out.push({ type: "liquidateAndSwap", venue: "aave", collateral, debt, debtToCover, pool, ...base });
        }
      }
    }
  }
  return out;
}

/** The best profitable liquidation of each unhealthy position, found by dry runs; nothing changes. */
export function planLiquidations(s: MarketState, ctx: MarketContext, o: LiquidatorOptions): LiquidationPlan[] {
  const plans: LiquidationPlan[] = [];
  for (const target of unhealthy(s, ctx)) {
    let best: LiquidationPlan | null = null;
    for (const command of candidates(s, ctx, target, o)) {
      const r = dryRun(s, ctx, command);
      if (r !== null && (best === null || r.profit > best.expected.profit)) best = { command, expected: r };
    }
    if (best !== null) plans.push(best);
  }
  return plans;
}

export interface LiquidatorRun {
  executed: { command: MarketCommand; result: LiquidateAndSwapResult }[];
  /** positions still below HF 1 that no pool made profitable */
  skipped: { account: Address; venue: string; market: string }[];
}

/**
 * Liquidates whatever is profitable, one position at a time, re-planning after each execution (each liquidation moves
 * the pool price the next one sells into). Stops after `maxLiquidations`.
 */
export function runLiquidator(
  s: MarketState,
  ctx: MarketContext,
  o: LiquidatorOptions & { maxLiquidations?: number },
): LiquidatorRun {
  const executed: LiquidatorRun["executed"] = [];
  const limit = o.maxLiquidations ?? 1_000;
  while (executed.length < limit) {
    const [next] = planLiquidations(s, ctx, o);
    if (next === undefined) break;
    const r = executeMarket(s, ctx, next.command);
    executed.push({ command: next.command, result: r.result as unknown as LiquidateAndSwapResult });
  }
  const skipped = unhealthy(s, ctx).map((u) => ({ account: u.account, venue: u.venue, market: u.market }));
  return { executed, skipped };
}
