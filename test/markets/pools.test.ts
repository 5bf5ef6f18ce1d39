import { describe, expect, it } from "vitest";
import * as cp from "../../src/markets/constantProduct.ts";
import { balanceOf } from "../../src/markets/ledger.ts";
import { WAD } from "../../src/markets/math.ts";
import { lpBalanceOf, quoteSwap } from "../../src/markets/pools.ts";
import * as ss from "../../src/markets/stableswap.ts";
import type { StableSwapPool } from "../../src/markets/types.ts";
import { poolView } from "../../src/markets/views.ts";
import { addr, E18, Market, near } from "./harness.ts";

const LP = addr("1f", 1);
const TRADER = addr("77", 1);

/** A StableSwap record for the pure functions. */
function ssPool(balances: bigint[], A: bigint, fee: bigint, adminFee = 0n, multipliers?: bigint[]): StableSwapPool {
  const m = multipliers ?? balances.map(() => WAD);
  return {
    kind: "stableswap",
    id: "p",
    assets: balances.map((_, i) => `c${i}`),
    rates: m.map((x) => ss.rateFor(18, x)),
    rateMultipliers: m,
    balances,
    initialA: A * ss.A_PRECISION,
    futureA: A * ss.A_PRECISION,
    initialATime: 0n,
    futureATime: 0n,
    fee,
    adminFee,
    totalSupply: 0n,
    adminBalances: balances.map(() => 0n),
  };
}

/**
 * An independent check of D: the invariant Ann·S + D = Ann·D + D^(n+1)/(nⁿ·Πx), with Curve's Ann = A·n (the
 * template's A already carries the paper's n^(n−1)), solved by bisection on exact integers, so Curve's Newton
 * iteration can be compared with the true root.
 */
function trueD(xp: bigint[], A: bigint): bigint {
  const n = BigInt(xp.length);
  const nn = n ** n;
  const Ann = A * n;
  const S = xp.reduce((a, b) => a + b, 0n);
  const P = xp.reduce((a, b) => a * b, 1n);
  // f(D) = Ann·S + D − Ann·D − D^(n+1)/(nⁿ·P), decreasing in D; scaled by nⁿ·P to stay in integers
  const f = (D: bigint) => (Ann * S + D - Ann * D) * nn * P - D ** (n + 1n);
  let lo = 0n;
  let hi = S * 2n;
  while (hi - lo > 1n) {
    const mid = (lo + hi) / 2n;
    if (f(mid) > 0n) lo = mid;
    else hi = mid;
  }
  return lo;
}

describe("StableSwap math (Curve's base template)", () => {
  it("D of a balanced pool is the sum of the balances", () => {
    expect(ss.getD([1000n * E18, 1000n * E18], 100n * ss.A_PRECISION)).toBe(2000n * E18);
    expect(ss.getD([5n * E18, 5n * E18, 5n * E18], 200n * ss.A_PRECISION)).toBe(15n * E18);
  });

  it("Newton's D is within 1 of the true root of the invariant", () => {
    const cases: [bigint[], bigint][] = [
      [[1000n * E18, 10n * E18], 100n],
      [[123_456_789n * 10n ** 12n, 987_654_321n * 10n ** 10n], 50n],
      [[3n * E18, 700n * E18, 42n * E18], 1000n],
      [[1n * E18, 1n * E18 + 1n], 1n],
    ];
    for (const [xp, A] of cases) {
      const d = ss.getD(xp, A * ss.A_PRECISION);
      expect(d - trueD(xp, A) <= 1n && trueD(xp, A) - d <= 1n, `A=${A} xp=${xp}`).toBe(true);
    }
  });

  it("get_y keeps D: swapping to y and back preserves the invariant up to rounding", () => {
    const xp = [1000n * E18, 800n * E18];
    const amp = 100n * ss.A_PRECISION;
    const D = ss.getD(xp, amp);
    const y = ss.getY(0, 1, 1100n * E18, xp, amp);
    const D2 = ss.getD([1100n * E18, y], amp);
    expect(near(D, D2, 2n)).toBe(true);
    // get_y_D with the same D gives the same y
    expect(near(ss.getYD(amp, 1, [1100n * E18, 0n], D), y, 2n)).toBe(true);
  });

  it("exchange: dy = xp[j] − y − 1, minus the fee; the admin's share leaves the pool's balances", () => {
    const p = ssPool([1000n * E18, 1000n * E18], 100n, 4_000_000n, 5_000_000_000n); // 0.04%, half to the admin
    const r = ss.exchange(p, 0, 1, E18, 0n);
    const y = ss.getY(0, 1, 1001n * E18, [1000n * E18, 1000n * E18], 100n * ss.A_PRECISION);
    const dy = 1000n * E18 - y - 1n;
    const fee = (dy * 4_000_000n) / ss.FEE_DENOMINATOR;
    expect(r.amountOut).toBe(dy - fee);
    expect(r.adminFee).toBe((fee * 5_000_000_000n) / ss.FEE_DENOMINATOR);
    expect(r.pool.balances).toEqual([1001n * E18, 1000n * E18 - r.amountOut - r.adminFee]);
    // near the peg, 1 coin buys almost 1 coin
    expect(r.amountOut > (E18 * 9995n) / 10_000n && r.amountOut < E18).toBe(true);
  });

  it("spot price is the marginal rate of exchange (stableswap-ng's get_p)", () => {
    const p = ssPool([1500n * E18, 500n * E18], 50n, 0n);
    const spot = ss.spotPrice(p, 1, 0, 0n); // coin 1 is scarce: worth more than 1 coin 0
    expect(spot > WAD).toBe(true);
    // a tiny trade of coin 1 for coin 0 fetches ≈ spot
    const dx = 10n ** 12n;
    const out = ss.exchange(p, 1, 0, dx, 0n).amountOut;
    expect(near((out * WAD) / dx, spot, 10n ** 12n)).toBe(true);
  });

  it("rate multipliers make a balanced LRT pool trade at the exchange rate", () => {
    const p = ssPool([1000n * E18, 1050n * E18], 100n, 0n, 0n, [105n * 10n ** 16n, WAD]);
    // 1000 weETH at 1.05 balance 1050 WETH: the price of weETH is 1.05 WETH
    expect(near(ss.spotPrice(p, 0, 1, 0n), 105n * 10n ** 16n, 2n)).toBe(true);
  });

  it("A ramps linearly between its end points", () => {
    const p = { ...ssPool([E18, E18], 100n, 0n), initialATime: 1000n, futureATime: 2000n, futureA: 200n * 100n };
    expect(ss.ampAt(p, 1500n)).toBe(150n * 100n);
    expect(ss.ampAt(p, 3000n)).toBe(200n * 100n);
  });

  it("imbalanced deposits pay a fee; proportional deposits do not", () => {
    const p0 = { ...ssPool([1000n * E18, 1000n * E18], 100n, 4_000_000n), totalSupply: 2000n * E18 };
    const balanced = ss.addLiquidity(p0, [10n * E18, 10n * E18], 0n);
    expect(balanced.fees).toEqual([0n, 0n]);
    expect(balanced.lpAmount).toBe(20n * E18);
    const oneSided = ss.addLiquidity(p0, [20n * E18, 0n], 0n);
    expect(oneSided.fees.every((f) => f > 0n)).toBe(true);
    expect(oneSided.lpAmount < 20n * E18).toBe(true);
  });

  it("withdrawing one coin costs the imbalance fee and rounds down", () => {
    const p0 = { ...ssPool([1000n * E18, 1000n * E18], 100n, 4_000_000n), totalSupply: 2000n * E18 };
    const [dy, fee] = ss.calcWithdrawOneCoin(p0, 10n * E18, 0, 0n);
    expect(dy < 10n * E18 && dy > (10n * E18 * 999n) / 1000n).toBe(true);
    expect(fee > 0n).toBe(true);
  });
});

describe("constant product (Uniswap V2)", () => {
  it("getAmountOut takes the fee from the input", () => {
    expect(cp.getAmountOut(10n * E18, 1000n * E18, 1000n * E18, 30n)).toBe(
      (10n * E18 * 9970n * 1000n * E18) / (1000n * E18 * 10_000n + 10n * E18 * 9970n),
    );
  });

  it("the first deposit locks MINIMUM_LIQUIDITY; later ones mint pro rata and keep the ratio", () => {
    const p0: Parameters<typeof cp.addLiquidity>[0] = {
      kind: "constantProduct",
      id: "cp",
      assets: ["a", "b"],
      reserves: [0n, 0n],
      feeBps: 30n,
      totalSupply: 0n,
    };
    const first = cp.addLiquidity(p0, [4n * E18, E18]);
    expect(first.lpAmount).toBe(2n * E18 - 1000n);
    expect(first.pool.totalSupply).toBe(2n * E18);
    const second = cp.addLiquidity(first.pool, [4n * E18, 5n * E18]);
    expect(second.amounts).toEqual([4n * E18, E18]);
    expect(second.lpAmount).toBe(2n * E18);
  });
});

describe("pools in the state", () => {
  function world(): Market {
    const m = new Market();
    m.asset("WETH");
    m.asset("weETH");
    m.asset("USDC", 6);
    m.admin({
      type: "createStableSwapPool",
      pool: "weETH-WETH",
      assets: ["weETH", "WETH"],
      amplification: 100n,
      fee: 4_000_000n,
      adminFee: 5_000_000_000n,
      rateMultipliers: [104n * 10n ** 16n, WAD],
    });
    m.admin({ type: "createConstantProductPool", pool: "WETH-USDC", assets: ["WETH", "USDC"], feeBps: 30n });
    m.mint("weETH", LP, 10_000n * E18);
    m.mint("WETH", LP, 20_000n * E18);
    m.mint("USDC", LP, 30_000_000n * 10n ** 6n);
    m.run(LP, { type: "addLiquidity", pool: "weETH-WETH", amounts: [10_000n * E18, 10_400n * E18], minLpOut: 0n });
    m.run(LP, {
      type: "addLiquidity",
      pool: "WETH-USDC",
      amounts: [1_000n * E18, 3_000_000n * 10n ** 6n],
      minLpOut: 0n,
    });
    m.mint("WETH", TRADER, 100n * E18);
    return m;
  }

  it("swaps move tokens through the wallets and the pool", () => {
    const m = world();
    const q = quoteSwap(m.s, "weETH-WETH", "WETH", "weETH", 10n * E18, m.t);
    const r = m.run(TRADER, {
      type: "swap",
      pool: "weETH-WETH",
      assetIn: "WETH",
      assetOut: "weETH",
      amountIn: 10n * E18,
      minAmountOut: q.amountOut,
    });
    expect(r.result.amountOut).toBe(q.amountOut);
    expect(balanceOf(m.s, "weETH", TRADER)).toBe(q.amountOut);
    expect(balanceOf(m.s, "WETH", TRADER)).toBe(90n * E18);
    // 10 WETH buy ≈ 10/1.04 weETH
    expect(near(q.amountOut, (10n * E18 * 100n) / 104n, 10n ** 16n)).toBe(true);
  });

  it("the constant-product price accounts for decimals", () => {
    const m = world();
    const v = poolView(m.s, "WETH-USDC", m.t);
    // 1 WETH = 3000 USDC
    expect(v?.prices).toEqual([{ asset: "WETH", quote: "USDC", price: 3000n * WAD }]);
    const q = quoteSwap(m.s, "WETH-USDC", "WETH", "USDC", E18, m.t);
    expect(q.spotBefore).toBe(3000n * WAD);
    expect(q.priceImpact > 0n).toBe(true);
  });

  it("slippage limits revert and leave the state unchanged", () => {
    const m = world();
    const q = quoteSwap(m.s, "weETH-WETH", "WETH", "weETH", 10n * E18, m.t);
    m.reverts(
      TRADER,
      {
        type: "swap",
        pool: "weETH-WETH",
        assetIn: "WETH",
        assetOut: "weETH",
        amountIn: 10n * E18,
        minAmountOut: q.amountOut + 1n,
      },
      "SlippageExceeded",
    );
  });

  it("add, remove imbalanced, remove one coin, remove proportional", () => {
    const m = world();
    const lp0 = lpBalanceOf(m.s, "weETH-WETH", LP);
    const burned = m.run(LP, {
      type: "removeLiquidityImbalance",
      pool: "weETH-WETH",
      amounts: [E18, 0n],
      maxLpBurn: lp0,
    }).result.lpBurned as bigint;
    expect(balanceOf(m.s, "weETH", LP)).toBe(E18);
    const one = m.run(LP, {
      type: "removeLiquidityOneCoin",
      pool: "weETH-WETH",
      lpAmount: E18,
      asset: "WETH",
      minAmount: 0n,
    }).result.amount as bigint;
    expect(one > 0n).toBe(true);
    const rest = lpBalanceOf(m.s, "weETH-WETH", LP);
    expect(rest).toBe(lp0 - burned - E18);
    m.run(LP, { type: "removeLiquidity", pool: "weETH-WETH", lpAmount: rest, minAmounts: [0n, 0n] });
    expect(lpBalanceOf(m.s, "weETH-WETH", LP)).toBe(0n);
    const v = poolView(m.s, "weETH-WETH", m.t);
    expect(v?.totalSupply).toBe(0n);
  });

  it("admin fees accumulate and can be withdrawn", () => {
    const m = world();
    m.run(TRADER, {
      type: "swap",
      pool: "weETH-WETH",
      assetIn: "WETH",
      assetOut: "weETH",
      amountIn: 50n * E18,
      minAmountOut: 0n,
    });
    const fees = m.admin({ type: "withdrawAdminFees", pool: "weETH-WETH" }).result.amounts as bigint[];
    expect(fees[0]).toBeGreaterThan(0n);
    expect(balanceOf(m.s, "weETH", m.s.params.admin)).toBe(fees[0]);
  });
});
