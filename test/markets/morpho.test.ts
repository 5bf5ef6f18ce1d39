import { beforeEach, describe, expect, it } from "vitest";
import { balanceOf } from "../../src/markets/ledger.ts";
import { toSharesDown, WAD } from "../../src/markets/math.ts";
import * as morpho from "../../src/markets/morpho.ts";
import { badDebtView, morphoPosition } from "../../src/markets/views.ts";
import { addr, E8, E18, Market, near, round } from "./harness.ts";

/**
 * Acceptance: Morpho Blue liquidations (risk-models.md §4.1, §4.3, TV-LIQ-6): the liquidation incentive factor at the
 * ezETH/WETH markets' LLTVs, the ezETH depeg replay through the implied oracle price, and bad debt socialised to the
 * market's suppliers.
 */

const LP = addr("1f", 1);
const BOB = addr("b0", 1);
const LIQ = addr("11", 1);
const ETH = 3_000n * E8;

function setup(lltv: bigint): Market {
  const m = new Market();
  m.asset("WETH");
  m.asset("ezETH");
  m.fixedOracle("ETH", ETH);
  m.fixedOracle("ezETH", ETH);
  m.admin({
    type: "createMorphoMarket",
    market: "ezETH-WETH",
    loanToken: "WETH",
    collateralToken: "ezETH",
    collateralOracle: "ezETH",
    loanOracle: "ETH",
    irm: { kind: "none" },
    lltv,
  });
  m.mint("WETH", LP, 10_000n * E18);
  m.run(LP, { type: "morphoSupply", market: "ezETH-WETH", assets: 10_000n * E18, shares: 0n });
  m.mint("ezETH", BOB, 100n * E18);
  m.run(BOB, { type: "morphoSupplyCollateral", market: "ezETH-WETH", assets: 100n * E18 });
  m.run(BOB, { type: "morphoBorrow", market: "ezETH-WETH", assets: 80n * E18, shares: 0n });
  m.mint("WETH", LIQ, 10_000n * E18);
  return m;
}

describe("TV-LIQ-6: the liquidation incentive factor", () => {
  it("LIF = min(1.15, 1/(0.3·LLTV + 0.7)): 1.043841 at LLTV 0.86, 1.074114 at 0.77", () => {
    // 1 − 0.3·(1 − 0.86) = 0.958 and 1/0.958 = 1.04384133611691022964…, floored by wDivDown
    const lif86 = morpho.liquidationIncentiveFactor(86n * 10n ** 16n);
    expect(lif86).toBe(1_043_841_336_116_910_229n);
    expect(round(lif86, 6)).toBe("1.043841");
    // 1 − 0.3·0.23 = 0.931 and 1/0.931 = 1.07411385606874328678…
    const lif77 = morpho.liquidationIncentiveFactor(77n * 10n ** 16n);
    expect(lif77).toBe(1_074_113_856_068_743_286n);
    expect(round(lif77, 6)).toBe("1.074114");
    // the cap binds for LLTV below 0.5 (1/(1 − 0.3·0.5) = 1.1765 > 1.15)
    expect(morpho.liquidationIncentiveFactor(50n * 10n ** 16n)).toBe(115n * 10n ** 16n);
  });

  it("the ezETH depeg (24 Apr 2024): repaid·LIF/seized gives 0.8427 and 0.8634 WETH per ezETH", () => {
    const lif86 = morpho.liquidationIncentiveFactor(86n * 10n ** 16n);
    const lif77 = morpho.liquidationIncentiveFactor(77n * 10n ** 16n);
    // LLTV 0.86: 5,035 WETH repaid, 6,236.72 ezETH seized; LLTV 0.77: 804 WETH, 1,000.25 ezETH
    expect(round((5_035n * lif86 * 100n) / 623_672n, 4)).toBe("0.8427");
    expect(round((804n * lif77 * 100n) / 100_025n, 4)).toBe("0.8634");
  });

  it("replays the LLTV 0.86 market's aggregate: at the implied price, 5,035 WETH repaid seize 6,236.72 ezETH", () => {
    const m = new Market();
    m.asset("WETH");
    m.asset("ezETH");
    m.fixedOracle("ETH", ETH);
    const lif = morpho.liquidationIncentiveFactor(86n * 10n ** 16n);
    // the implied price as the oracle's answer (8 decimals of ETH's $3,000)
    const implied = (5_035n * lif * 100n) / 623_672n; // WAD
    m.fixedOracle("ezETH", (ETH * implied) / WAD);
    m.admin({
      type: "createMorphoMarket",
      market: "m86",
      loanToken: "WETH",
      collateralToken: "ezETH",
      collateralOracle: "ezETH",
      loanOracle: "ETH",
      irm: { kind: "none" },
      lltv: 86n * 10n ** 16n,
    });
    m.mint("WETH", LP, 20_000n * E18);
    m.run(LP, { type: "morphoSupply", market: "m86", assets: 20_000n * E18, shares: 0n });
    // the aggregate borrower: 7,000 ezETH borrowed against at 0.86 of a 1.0 price, then the price fell
    m.setPrice("ezETH", ETH);
    m.mint("ezETH", BOB, 7_000n * E18);
    m.run(BOB, { type: "morphoSupplyCollateral", market: "m86", assets: 7_000n * E18 });
    m.run(BOB, { type: "morphoBorrow", market: "m86", assets: 5_900n * E18, shares: 0n });
    m.setPrice("ezETH", (ETH * implied) / WAD);
    const mk = morpho.marketOf(m.s, "m86");
    const repaidShares = toSharesDown(5_035n * E18, mk.totalBorrowAssets, mk.totalBorrowShares);
    m.mint("WETH", LIQ, 10_000n * E18);
    const r = m.run(LIQ, { type: "morphoLiquidate", market: "m86", borrower: BOB, seizedAssets: 0n, repaidShares })
      .result as unknown as morpho.MorphoLiquidationResult;
    expect(near(r.repaidAssets, 5_035n * E18, 10n ** 6n)).toBe(true);
    // 6,236.72 up to the rounding of the 8-decimal oracle price
    expect(near(r.seizedAssets, 623_672n * 10n ** 16n, 10n ** 11n)).toBe(true);
    expect(r.badDebtAssets).toBe(0n);
  });
});

describe("Morpho liquidation and bad debt (LLTV 0.86)", () => {
  let m: Market;
  beforeEach(() => {
    m = setup(86n * 10n ** 16n);
  });

  it("a healthy position cannot be liquidated", () => {
    m.reverts(
      LIQ,
      { type: "morphoLiquidate", market: "ezETH-WETH", borrower: BOB, seizedAssets: E18, repaidShares: 0n },
      "HealthyPosition",
    );
  });

  it("LTV ≥ LLTV: seizing collateral repays seized·price/LIF, rounded up", () => {
    m.setPrice("ezETH", (ETH * 9n) / 10n); // LTV = 80/90 = 0.889 ≥ 0.86
    const v = morphoPosition(m.s, m.ctx(BOB), "ezETH-WETH", BOB);
    expect(round(v.ltv ?? 0n, 4)).toBe("0.8889");
    const r = m.run(LIQ, {
      type: "morphoLiquidate",
      market: "ezETH-WETH",
      borrower: BOB,
      seizedAssets: 50n * E18,
      repaidShares: 0n,
    }).result as unknown as morpho.MorphoLiquidationResult;
    // 50 ezETH at 0.9 = 45 WETH of value; repaid = 45/1.043841… = 43.1101…
    const lif = r.liquidationIncentiveFactor;
    const expected = (45n * E18 * E18) / lif;
    expect(near(r.repaidAssets, expected, 2n)).toBe(true);
    expect(r.repaidAssets >= expected).toBe(true); // rounded against the liquidator
    expect(balanceOf(m.s, "ezETH", LIQ)).toBe(50n * E18);
    const after = morphoPosition(m.s, m.ctx(BOB), "ezETH-WETH", BOB);
    expect(after.collateral).toBe(50n * E18);
    // debt 80 − 43.11 = 36.89 against 45 of collateral value: LTV 0.8198, healthy again
    expect(after.healthFactor > WAD).toBe(true);
  });

  it("when the collateral is gone, the remaining debt is socialised: suppliers lose it", () => {
    m.setPrice("ezETH", (ETH * 7n) / 10n); // 70 WETH of collateral against 80 of debt
    const supplierBefore = morphoPosition(m.s, m.ctx(LP), "ezETH-WETH", LP).supplied;
    const r = m.run(LIQ, {
      type: "morphoLiquidate",
      market: "ezETH-WETH",
      borrower: BOB,
      seizedAssets: 100n * E18,
      repaidShares: 0n,
    }).result as unknown as morpho.MorphoLiquidationResult;
    // repaid = 70/LIF = 70·0.958 = 67.06 (up to rounding); bad debt = 80 − 67.06 = 12.94
    expect(round(r.repaidAssets, 6)).toBe("67.060000");
    expect(near(r.repaidAssets + r.badDebtAssets, 80n * E18, 2n)).toBe(true);
    expect(round(r.badDebtAssets, 6)).toBe("12.940000");
    const mk = morpho.marketOf(m.s, "ezETH-WETH");
    expect(mk.totalBorrowAssets).toBe(0n);
    expect(mk.totalBorrowShares).toBe(0n);
    const supplierAfter = morphoPosition(m.s, m.ctx(LP), "ezETH-WETH", LP).supplied;
    expect(near(supplierBefore - supplierAfter, r.badDebtAssets, 2n)).toBe(true);
    expect(morpho.positionOf(m.s, "ezETH-WETH", BOB)).toEqual({ supplyShares: 0n, borrowShares: 0n, collateral: 0n });
    expect(badDebtView(m.s).morphoSocialised).toEqual([
      { market: "ezETH-WETH", asset: "WETH", amount: r.badDebtAssets },
    ]);
  });

  it("interest accrues by the three-term Taylor expansion, with the fee in supply shares", () => {
    const m2 = new Market();
    m2.asset("WETH");
    m2.asset("ezETH");
    m2.fixedOracle("ETH", ETH);
    m2.fixedOracle("ezETH", ETH);
    m2.admin({
      type: "createMorphoMarket",
      market: "mk",
      loanToken: "WETH",
      collateralToken: "ezETH",
      collateralOracle: "ezETH",
      loanOracle: "ETH",
      irm: { kind: "fixed", aprBps: 1_000n },
      lltv: 86n * 10n ** 16n,
      fee: 10n ** 17n,
    });
    m2.mint("WETH", LP, 1_000n * E18);
    m2.run(LP, { type: "morphoSupply", market: "mk", assets: 1_000n * E18, shares: 0n });
    m2.mint("ezETH", BOB, 1_000n * E18);
    m2.run(BOB, { type: "morphoSupplyCollateral", market: "mk", assets: 1_000n * E18 });
    m2.run(BOB, { type: "morphoBorrow", market: "mk", assets: 500n * E18, shares: 0n });
    m2.advance(365n * 86_400n);
    m2.run(LIQ, { type: "morphoAccrueInterest", market: "mk" });
    const mk = morpho.marketOf(m2.s, "mk");
    // rate/s = 0.1e18/31,536,000 (floored); e^0.1 − 1 ≈ 0.10517 by three terms (0.1 + 0.005 + 0.0001667)
    const x = 10n ** 17n / (365n * 86_400n);
    const n = 365n * 86_400n;
    const first = x * n;
    const second = (first * first) / (2n * E18);
    const third = (second * first) / (3n * E18);
    const interest = (500n * E18 * (first + second + third)) / E18;
    expect(mk.totalBorrowAssets).toBe(500n * E18 + interest);
    expect(round(interest, 3)).toBe("52.583");
    // 10% of the interest to the fee recipient as supply shares
    const feeShares = morpho.positionOf(m2.s, "mk", m2.s.params.treasury).supplyShares;
    expect(feeShares > 0n).toBe(true);
  });
});
