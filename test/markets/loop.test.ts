import { describe, expect, it } from "vitest";
import * as aave from "../../src/markets/aave.ts";
import { WAD } from "../../src/markets/math.ts";
import {
  type LoopResult,
  loopLeverage,
  maxLoopLeverage,
  priceDropToLiquidation,
} from "../../src/markets/strategies.ts";
import { aavePosition, morphoPosition } from "../../src/markets/views.ts";
import { ADMIN, addr, E8, E18, Market, near, round, WEETH_CURVE, WETH_CURVE } from "./harness.ts";

/**
 * TV-LIQ-5 (risk-models.md §4.5): the leverage of a loop and its distance to liquidation, first as arithmetic, then
 * through the loop command against a deep, fee-free StableSwap pool (so the swaps cost almost nothing).
 */

const LP = addr("1f", 1);
const ALICE = addr("a1", 1);
const BOB = addr("b0", 1);
const ETH = 3_000n * E8;

describe("TV-LIQ-5 arithmetic", () => {
  it("maximum leverage 1/(1 − LTV): e-mode 93% → 14.286×, weETH 72.5% → 3.636×", () => {
    // 1/(1 − 0.93) = 1/0.07 = 14.2857…; 1/(1 − 0.725) = 1/0.275 = 3.6363…
    expect(round(maxLoopLeverage(9_300n), 3)).toBe("14.286");
    expect(round(maxLoopLeverage(7_250n), 3)).toBe("3.636");
  });

  it("price drop from the maximum LTV to liquidation, 1 − LTV/LT: 2.105% in e-mode, 3.333% for weETH", () => {
    // 1 − 0.93/0.95 = 0.02/0.95 = 0.0210526…; 1 − 0.725/0.75 = 0.025/0.75 = 0.0333…
    expect(round(priceDropToLiquidation(9_300n, 9_500n) * 100n, 3)).toBe("2.105");
    expect(round(priceDropToLiquidation(7_250n, 7_500n) * 100n, 3)).toBe("3.333");
  });

  it("n rounds at full LTV reach Σ LTVᵏ, which tends to 1/(1 − LTV)", () => {
    // 1 + 0.725 + 0.725² = 2.250625
    expect(round(loopLeverage(7_250n, 2), 6)).toBe("2.250625");
    // the tail 0.93^401/0.07 is ~3.6e-12, and each term is floored: within 1e-9
    expect(maxLoopLeverage(9_300n) - loopLeverage(9_300n, 400) < 10n ** 9n).toBe(true);
  });
});

function world(): Market {
  const m = new Market();
  m.asset("WETH");
  m.asset("weETH");
  m.fixedOracle("ETH", ETH);
  m.fixedOracle("weETH", ETH); // p = 1
  const cfg = { liquidationProtocolFee: 1_000n, supplyCap: 0n, borrowCap: 0n };
  m.admin({
    type: "aaveInitReserve",
    asset: "WETH",
    config: {
      ...cfg,
      oracle: "ETH",
      ltv: 8_000n,
      liquidationThreshold: 8_300n,
      liquidationBonus: 10_500n,
      reserveFactor: 1_500n,
      borrowingEnabled: true,
      rate: WETH_CURVE,
    },
  });
  m.admin({
    type: "aaveInitReserve",
    asset: "weETH",
    config: {
      ...cfg,
      oracle: "weETH",
      ltv: 7_250n,
      liquidationThreshold: 7_500n,
      liquidationBonus: 10_750n,
      reserveFactor: 4_500n,
      borrowingEnabled: false,
      rate: WEETH_CURVE,
    },
  });
  m.admin({
    type: "aaveSetEModeCategory",
    id: 1,
    label: "ETH correlated",
    ltv: 9_300n,
    liquidationThreshold: 9_500n,
    liquidationBonus: 10_100n,
    collateralAssets: ["weETH", "WETH"],
    borrowableAssets: ["WETH"],
  });
  m.admin({
    type: "createStableSwapPool",
    pool: "deep",
    assets: ["weETH", "WETH"],
    amplification: 5_000n,
    fee: 0n,
    adminFee: 0n,
  });
  m.mint("weETH", LP, 10_000_000n * E18);
  m.mint("WETH", LP, 20_000_000n * E18);
  m.run(LP, { type: "addLiquidity", pool: "deep", amounts: [10_000_000n * E18, 10_000_000n * E18], minLpOut: 0n });
  m.run(LP, { type: "aaveSupply", asset: "WETH", amount: 10_000_000n * E18 });
  return m;
}

describe("the loop command", () => {
  it("an e-mode weETH/WETH loop approaches 14.286× and 2.105% from liquidation", () => {
    const m = world();
    m.mint("weETH", ALICE, 10n * E18);
    m.run(ALICE, { type: "aaveSetUserEMode", categoryId: 1 });
    const r = m.run(ALICE, {
      type: "loop",
      venue: "aave",
      collateral: "weETH",
      debt: "WETH",
      pool: "deep",
      initialAmount: 10n * E18,
      iterations: 40n,
      borrowFractionBps: 10_000n,
    }).result as unknown as LoopResult;
    expect(r.rounds).toBe(40);
    const v = aavePosition(m.s, m.ctx(ALICE), ALICE);
    // the command reports what the position view shows
    expect(r.leverage).toBe(v?.leverage);
    expect(r.healthFactor).toBe(v?.healthFactor);
    expect(r.distanceToLiquidation).toBe(v?.liquidationPrices[0]?.distance);
    expect(r.liquidationPrice).toBe(v?.liquidationPrices[0]?.price);
    const lev = v?.leverage ?? 0n;
    // 40 rounds at 93%: Σ_{k≤40} 0.93ᵏ = (1 − 0.93⁴¹)/0.07 = (1 − 0.0510)/0.07 = 13.56; the pool's price is ≈1,
    // so the loop lands within 0.5% of it
    const expected = loopLeverage(9_300n, 40);
    expect(round(expected, 2)).toBe("13.56");
    expect(near(lev, expected, expected / 200n)).toBe(true);
    expect(lev < maxLoopLeverage(9_300n)).toBe(true);
    // LTV after the loop: B/C = 1 − 1/leverage ≈ 0.9285; distance = 1 − LTV/LT
    const ltv = WAD - (WAD * WAD) / lev;
    const distance = WAD - (ltv * WAD) / (95n * 10n ** 16n);
    const reported = v?.liquidationPrices[0]?.distance ?? 0n;
    expect(near(reported, distance, 10n ** 14n)).toBe(true);
    // LTV = 1 − 1/13.56 = 0.9262, distance = 1 − 0.9262/0.95 = 2.5%: on the way to the 2.105% of a position at the
    // maximum LTV, never closer to liquidation than that
    expect(reported >= priceDropToLiquidation(9_300n, 9_500n)).toBe(true);
    expect(round(reported * 100n, 1)).toBe("2.5");
    const hf = aave.userAccountData(m.s, m.ctx(ALICE), ALICE).healthFactor;
    expect(hf > WAD).toBe(true);
  });

  it("outside e-mode the same loop stops near 3.636×", () => {
    const m = world();
    m.mint("weETH", ALICE, 10n * E18);
    m.run(ALICE, {
      type: "loop",
      venue: "aave",
      collateral: "weETH",
      debt: "WETH",
      pool: "deep",
      initialAmount: 10n * E18,
      iterations: 30n,
      borrowFractionBps: 10_000n,
    });
    const v = aavePosition(m.s, m.ctx(ALICE), ALICE);
    expect(near(v?.leverage ?? 0n, loopLeverage(7_250n, 30), 10n ** 16n)).toBe(true);
    expect(round(v?.leverage ?? 0n, 2)).toBe("3.64");
    // 1 − 0.725/0.75 = 3.333% at the limit; after 30 rounds LTV = 0.725·(1 − 0.725³⁰)/(1 − 0.725³¹) = 0.724987,
    // so the distance is 1 − 0.724987/0.75 = 3.335%
    const distance = v?.liquidationPrices[0]?.distance ?? 0n;
    expect(distance >= priceDropToLiquidation(7_250n, 7_500n)).toBe(true);
    expect(round(distance * 100n, 3)).toBe("3.335");
  });

  it("a Morpho loop reports leverage and liquidation price", () => {
    const m = world();
    m.admin({
      type: "createMorphoMarket",
      market: "weETH-86",
      loanToken: "WETH",
      collateralToken: "weETH",
      collateralOracle: "weETH",
      loanOracle: "ETH",
      irm: { kind: "none" },
      lltv: 86n * 10n ** 16n,
    });
    m.mint("WETH", LP, 10_000n * E18);
    m.run(LP, { type: "morphoSupply", market: "weETH-86", assets: 10_000n * E18, shares: 0n });
    m.mint("weETH", BOB, 10n * E18);
    m.run(BOB, {
      type: "loop",
      venue: "morpho",
      market: "weETH-86",
      pool: "deep",
      initialAmount: 10n * E18,
      iterations: 50n,
      borrowFractionBps: 10_000n,
    });
    const v = morphoPosition(m.s, m.ctx(BOB), "weETH-86", BOB);
    // 1/(1 − 0.86) = 7.14×; 50 rounds reach Σ 0.86ᵏ ≈ 7.13
    expect(round(v.leverage ?? 0n, 1)).toBe("7.1");
    // at the LLTV itself: liquidation price ≈ the current price
    expect((v.liquidationPrice?.distance ?? WAD) < 10n ** 16n).toBe(true);
  });

  it("a slippage guard reverts the whole loop, leaving nothing half-done", () => {
    const m = world();
    m.mint("weETH", ALICE, 10n * E18);
    m.run(ALICE, { type: "aaveSetUserEMode", categoryId: 1 });
    m.reverts(
      ALICE,
      {
        type: "loop",
        venue: "aave",
        collateral: "weETH",
        debt: "WETH",
        pool: "deep",
        initialAmount: 10n * E18,
        iterations: 5n,
        borrowFractionBps: 9_000n,
        minSwapPrice: 101n * 10n ** 16n, // wants 1.01 weETH per WETH: impossible at parity
      },
      "SlippageExceeded",
    );
    expect(ADMIN).toBeDefined();
  });
});
