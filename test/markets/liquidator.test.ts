import { describe, expect, it } from "vitest";
import * as aave from "../../src/markets/aave.ts";
import { executeMarket } from "../../src/markets/commands.ts";
import { exampleRun, EXAMPLE_ACCOUNTS as X } from "../../src/markets/example.ts";
import { planLiquidations, runLiquidator } from "../../src/markets/liquidator.ts";
import { WAD } from "../../src/markets/math.ts";
import { deserializeMarketState, marketStateHash, serializeMarketState } from "../../src/markets/snapshot.ts";
import type { MarketState } from "../../src/markets/state.ts";
import type { LiquidateAndSwapResult } from "../../src/markets/strategies.ts";
import type { MarketContext, RateProvider } from "../../src/markets/types.ts";
import { badDebtView, liquidationHistory, unhealthy } from "../../src/markets/views.ts";
import { addr, E18 } from "./harness.ts";

const WHALE = addr("77", 1);

/** The example after a whale dumps ezETH into its thin pool (the 24 Apr 2024 pattern). */
function depeg(amount = 3_500n * E18): { s: MarketState; ctx: MarketContext } {
  const { state: s, timestamp } = exampleRun();
  const ctx: MarketContext = { timestamp: timestamp + 600n, caller: X.liquidator };
  executeMarket(s, { ...ctx, caller: s.params.admin }, { type: "mint", asset: "ezETH", to: WHALE, amount });
  executeMarket(
    s,
    { ...ctx, caller: WHALE },
    { type: "swap", pool: "ezETH-WETH", assetIn: "ezETH", assetOut: "WETH", amountIn: amount, minAmountOut: 0n },
  );
  return { s, ctx };
}

describe("the liquidator", () => {
  it("liquidates what is profitable after slippage, with flash loans, and replays exactly", () => {
    const { s, ctx } = depeg();
    const targets = unhealthy(s, ctx).map((u) => `${u.venue}/${u.market}/${u.account}`);
    expect(targets).toEqual([`morpho/ezETH-WETH-77/${X.dave}`, `morpho/ezETH-WETH-86/${X.bob}`]);
    const before = serializeMarketState(s);
    const run = runLiquidator(s, ctx, { minProfit: 0n, flash: true });
    expect(run.executed.length).toBeGreaterThan(0);
    for (const e of run.executed) {
      expect(e.command.type).toBe("liquidateAndSwap");
      expect(e.result.profit >= 0n).toBe(true);
      expect(e.result.swappedOut - e.result.repaid).toBe(e.result.profit);
    }
    // the flash loans were repaid: the liquidator's WETH only grew, by the profits
    const profit = run.executed.reduce((acc, e) => acc + e.result.profit, 0n);
    expect(profit > 0n).toBe(true);
    // nothing profitable is left
    expect(planLiquidations(s, ctx, { minProfit: 0n, flash: true })).toEqual([]);
    expect(liquidationHistory(s).length).toBe(run.executed.length);
    // every step was an ordinary command: replaying them on the saved state gives the same state
    const replay = deserializeMarketState(before);
    for (const e of run.executed) executeMarket(replay, ctx, e.command);
    expect(marketStateHash(replay)).toBe(marketStateHash(s));
  });

  it("plans by dry runs that change nothing, and sells a large position in slices", () => {
    const { s, ctx } = depeg();
    const hash = marketStateHash(s);
    const plans = planLiquidations(s, ctx, { minProfit: 0n, flash: true });
    expect(plans.length).toBe(2);
    expect(marketStateHash(s)).toBe(hash);
    // Bob's whole position would move the thin pool more than the 4.4% incentive: the best plan is a part of it
    const bob = plans.find((p) => p.command.borrower === X.bob);
    expect(bob?.command.repaidShares).toBeGreaterThan(0n);
    expect(bob?.expected.profit).toBeGreaterThan(0n);
  });

  it("an exchange-rate drop (a slash seen through the rate provider) makes the e-mode loop liquidatable", () => {
    const { state: s, timestamp } = exampleRun();
    // weETH's exchange rate falls from 1.04 to 0.95; its pool still quotes 1.04 (its rates were not updated)
    const rates: RateProvider = { exchangeRate: (src) => (src === "weETH" ? 95n * 10n ** 16n : undefined) };
    const ctx: MarketContext = { timestamp: timestamp + 60n, caller: X.liquidator, rates };
    expect(aave.userAccountData(s, ctx, X.alice).healthFactor < WAD).toBe(true);
    const run = runLiquidator(s, ctx, { minProfit: E18, flash: true, maxLiquidations: 3 });
    const first = run.executed[0];
    expect(first?.command).toMatchObject({ venue: "aave", borrower: X.alice, collateral: "weETH", debt: "WETH" });
    // seized at the oracle's 0.95 with a 1% bonus, sold at the pool's ~1.04: ≈10% on the repayment
    const r = first?.result as LiquidateAndSwapResult;
    expect((r.profit * 100n) / r.repaid >= 8n).toBe(true);
  });

  it("liquidate-and-swap reverts (Unprofitable) below the minimum profit and leaves the state as it was", () => {
    const { s, ctx } = depeg();
    const hash = marketStateHash(s);
    expect(() =>
      executeMarket(s, ctx, {
        type: "liquidateAndSwap",
        venue: "morpho",
        market: "ezETH-WETH-86",
        borrower: X.bob,
        pool: "ezETH-WETH",
        minProfit: 10n ** 30n,
        flash: true,
      }),
    ).toThrow("Unprofitable");
    expect(marketStateHash(s)).toBe(hash);
  });

  it("the cascade: each sale of seized ezETH lowers the DEX oracle further, until bad debt is socialised", () => {
    const { s, ctx } = depeg();
    const run = runLiquidator(s, ctx, { minProfit: 0n, flash: true });
    // Bob's loop is liquidated in several rounds; each one leaves him less healthy than the pool price allows
    const bobs = run.executed.filter((e) => (e.command as { borrower: string }).borrower === X.bob);
    expect(bobs.length).toBeGreaterThan(2);
    const history = liquidationHistory(s).filter((h) => h.borrower === X.bob);
    for (let i = 1; i < history.length; i++) {
      expect((history[i]?.healthFactorBefore ?? 0n) <= (history[i - 1]?.healthFactorBefore ?? 0n)).toBe(true);
    }
    // the last one seizes the rest of the collateral and the remaining debt is socialised to the suppliers
    const last = history[history.length - 1];
    expect(last?.badDebt).toBeGreaterThan(0n);
    expect(badDebtView(s).morphoSocialised).toEqual([
      { market: "ezETH-WETH-86", asset: "WETH", amount: last?.badDebt },
    ]);
    expect(run.skipped).toEqual([]);
  });

  it("when the pool is drained, nothing is profitable: the positions stay unliquidated", () => {
    const { s, ctx } = depeg(6_000n * E18);
    const run = runLiquidator(s, ctx, { minProfit: 0n, flash: true });
    expect(run.executed).toEqual([]);
    expect(run.skipped.map((k) => k.account)).toEqual([X.dave, X.bob]);
  });
});
