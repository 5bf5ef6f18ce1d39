import { beforeEach, describe, expect, it } from "vitest";
import * as aave from "../../src/markets/aave.ts";
import { balanceOf } from "../../src/markets/ledger.ts";
import { UINT256_MAX } from "../../src/markets/math.ts";
import { aavePosition, badDebtView, liquidationHistory } from "../../src/markets/views.ts";
import { addr, E8, E18, Market, near, round, WEETH_CURVE, WETH_CURVE } from "./harness.ts";

/**
 * Acceptance: Aave v3.3 liquidation arithmetic from risk-models.md §4.1 and the vectors of §4.5. Prices are in the
 * 8-decimal base currency with ETH at $3,000 (so the positions clear Aave's $2,000 thresholds); "p = 1" in the
 * reference means weETH priced at one ETH, and "collateral 100 → 95" a 5% fall of the weETH oracle.
 */

const LP = addr("1f", 1);
const CAROL = addr("ca", 1);
const ALICE = addr("a1", 1);
const LIQ = addr("11", 1);
const ETH = 3_000n * E8;

function setup(): Market {
  const m = new Market();
  m.asset("WETH");
  m.asset("weETH");
  m.fixedOracle("ETH", ETH);
  m.fixedOracle("weETH", ETH);
  m.admin({
    type: "aaveInitReserve",
    asset: "WETH",
    config: {
      oracle: "ETH",
      ltv: 8_000n,
      liquidationThreshold: 8_300n,
      liquidationBonus: 10_500n,
      liquidationProtocolFee: 1_000n,
      reserveFactor: 1_500n,
      supplyCap: 0n,
      borrowCap: 0n,
      borrowingEnabled: true,
      rate: WETH_CURVE,
    },
  });
  // weETH on Aave v3 (reference §4.2): LTV 72.5%, LT 75%, LB 7.5%, protocol fee 10%
  m.admin({
    type: "aaveInitReserve",
    asset: "weETH",
    config: {
      oracle: "weETH",
      ltv: 7_250n,
      liquidationThreshold: 7_500n,
      liquidationBonus: 10_750n,
      liquidationProtocolFee: 1_000n,
      reserveFactor: 4_500n,
      supplyCap: 0n,
      borrowCap: 0n,
      borrowingEnabled: false,
      rate: WEETH_CURVE,
    },
  });
  // ETH-correlated e-mode (reference §4.2): LTV 93%, LT 95%, LB 1%
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
  m.mint("WETH", LP, 10_000n * E18);
  m.run(LP, { type: "aaveSupply", asset: "WETH", amount: 10_000n * E18 });
  m.mint("WETH", LIQ, 1_000n * E18);
  return m;
}

/** weETH's oracle as a fraction of ETH, in basis points of a percent (p = 1 ⇒ 1_000_000). */
function setWeEthPrice(m: Market, ppm: bigint): void {
  m.setPrice("weETH", (ETH * ppm) / 1_000_000n);
}

/** Exact rationals for the reference's arithmetic: value·1e18. */
const q = (num: bigint, den: bigint): bigint => (num * E18) / den;

describe("TV-LIQ-1: weETH outside e-mode (LT 75%, LB 7.5%, fee 10%)", () => {
  let m: Market;
  beforeEach(() => {
    m = setup();
    m.mint("weETH", CAROL, 100n * E18);
    m.run(CAROL, { type: "aaveSupply", asset: "weETH", amount: 100n * E18 });
    m.run(CAROL, { type: "aaveBorrow", asset: "WETH", amount: 725n * 10n ** 17n }); // 72.5 ETH at LTV 72.5%
  });

  it("HF 0.98276 → close factor 50%: repays 36.25, seizes 38.96875 (fee 0.271875), HF' 1.159267", () => {
    setWeEthPrice(m, 950_000n); // collateral 100 → 95
    const before = aave.userAccountData(m.s, m.ctx(CAROL), CAROL);
    // HF = C·LT/B = 95·0.75/72.5
    expect(round(before.healthFactor, 5)).toBe("0.98276");
    // 0.98275862068965517241…: wadDiv rounds half up, which here is the floor
    expect(before.healthFactor).toBe(q(95n * 75n, 7250n));

    const r = m.run(LIQ, {
      type: "aaveLiquidationCall",
      collateralAsset: "weETH",
      debtAsset: "WETH",
      user: CAROL,
      debtToCover: UINT256_MAX,
    }).result as unknown as aave.AaveLiquidationResult;

    // HF > 0.95 and both sides ≥ $2,000 ⇒ close factor 50% of the debt: r = 72.5/2
    expect(r.closeFactor).toBe(5_000n);
    expect(r.debtRepaid).toBe(3625n * 10n ** 16n);
    // seized = r·(1 + LB) = 36.25·1.075 = 38.96875 ETH of value; in weETH at 0.95: 41.019736842…
    const seizedWeEth = r.collateralToLiquidator + r.protocolFee;
    const seizedValue = (seizedWeEth * 95n) / 100n;
    expect(near(seizedValue, 3896875n * 10n ** 13n, 2n)).toBe(true);
    // protocol fee = 10% of the bonus part: 38.96875 − 36.25 = 2.71875 ⇒ 0.271875 ETH
    expect(near((r.protocolFee * 95n) / 100n, 271875n * 10n ** 12n, 2n)).toBe(true);
    // after: C = 95 − 38.96875 = 56.03125, B = 36.25, HF' = 56.03125·0.75/36.25
    const after = aave.userAccountData(m.s, m.ctx(CAROL), CAROL);
    expect(near(after.totalCollateralBase, (5603125n * 3_000n * E8) / 100_000n, 1n)).toBe(true);
    expect(after.totalDebtBase).toBe((3625n * 3_000n * E8) / 100n);
    expect(round(after.healthFactor, 6)).toBe("1.159267");
    expect(r.healthFactorAfter).toBe(after.healthFactor);

    // the identity HF' − HF = r·(HF − LT·(1+LB))/(B − r), here with B − r = r
    const hf = q(95n * 75n, 7250n);
    const threshold = q(75n * 1075n, 100_000n); // 0.80625
    const predicted = hf + ((hf - threshold) * 3625n) / 3625n;
    expect(near(after.healthFactor, predicted, 10n ** 6n)).toBe(true);

    // tokens: the liquidator paid 36.25 WETH and received the collateral net of the fee; the treasury got the fee
    expect(balanceOf(m.s, "WETH", LIQ)).toBe(1_000n * E18 - r.debtRepaid);
    expect(balanceOf(m.s, "weETH", LIQ)).toBe(r.collateralToLiquidator);
    expect(aave.aTokenBalance(m.s, "weETH", m.s.params.treasury, m.t)).toBe(r.protocolFee);
    const [rec] = liquidationHistory(m.s);
    expect(rec?.debtRepaid).toBe(r.debtRepaid);
    expect(rec?.collateralSeized).toBe(seizedWeEth);
  });

  it("HF exactly 0.95 ⇒ close factor 100%: the whole debt can be repaid at once", () => {
    m.run(CAROL, { type: "aaveRepay", asset: "WETH", amount: 125n * 10n ** 16n }); // debt 71.25
    setWeEthPrice(m, 902_500n); // 100·0.9025·0.75/71.25 = 0.95 exactly
    const before = aave.userAccountData(m.s, m.ctx(CAROL), CAROL);
    expect(before.healthFactor).toBe(95n * 10n ** 16n);
    const r = m.run(LIQ, {
      type: "aaveLiquidationCall",
      collateralAsset: "weETH",
      debtAsset: "WETH",
      user: CAROL,
      debtToCover: UINT256_MAX,
    }).result as unknown as aave.AaveLiquidationResult;
    expect(r.closeFactor).toBe(10_000n);
    expect(r.debtRepaid).toBe(7125n * 10n ** 16n);
    // 71.25·1.075 = 76.59375 ETH of collateral at 0.9025 ⇒ 84.868… weETH seized, the rest stays with Carol
    expect(near(((r.collateralToLiquidator + r.protocolFee) * 9025n) / 10_000n, 7659375n * 10n ** 13n, 2n)).toBe(true);
    expect(r.deficit).toEqual([]);
    expect(aave.userAccountData(m.s, m.ctx(CAROL), CAROL).healthFactor).toBe(UINT256_MAX);
  });

  it("bad debt: at HF ≤ 0.95 with collateral < debt·(1+LB), everything is seized and the rest becomes the deficit", () => {
    setWeEthPrice(m, 700_000n); // C = 70 ETH of value; HF = 70·0.75/72.5 = 0.7241
    const before = aave.userAccountData(m.s, m.ctx(CAROL), CAROL);
    expect(round(before.healthFactor, 4)).toBe("0.7241");
    const r = m.run(LIQ, {
      type: "aaveLiquidationCall",
      collateralAsset: "weETH",
      debtAsset: "WETH",
      user: CAROL,
      debtToCover: UINT256_MAX,
    }).result as unknown as aave.AaveLiquidationResult;
    expect(r.closeFactor).toBe(10_000n);
    // collateral is short: all 100 weETH go, repay = C/(1+LB) = 70/1.075 = 65.116279…
    expect(r.collateralToLiquidator + r.protocolFee).toBe(100n * E18);
    expect(near(r.debtRepaid, q(70n * 1000n, 1075n), 1n)).toBe(true);
    // fee = 10%·(100 − 100/1.075) weETH = 0.697674… weETH
    expect(near(r.protocolFee, q(100n * 75n, 1075n * 10n), 1n)).toBe(true);
    // deficit = 72.5 − 65.116279… = 7.383720… WETH, written off
    const deficit = 725n * 10n ** 17n - r.debtRepaid;
    expect(r.deficit).toEqual([{ asset: "WETH", amount: deficit }]);
    expect(round(deficit, 6)).toBe("7.383721");
    expect(aave.reserveOf(m.s, "WETH").deficit).toBe(deficit);
    expect(aave.debtBalance(m.s, "WETH", CAROL, m.t)).toBe(0n);
    expect(aave.userOf(m.s, CAROL).borrowing).toEqual([]);
    expect(badDebtView(m.s).aaveDeficits).toEqual([{ asset: "WETH", deficit }]);
    expect(liquidationHistory(m.s)[0]?.badDebt).toBe(deficit);
  });

  it("small positions (under $2,000 of collateral or debt) are closed in full even above HF 0.95", () => {
    const m2 = setup();
    const DAVE = addr("da", 1);
    m2.mint("weETH", DAVE, E18 / 2n); // $1,500 of collateral
    m2.run(DAVE, { type: "aaveSupply", asset: "weETH", amount: E18 / 2n });
    m2.run(DAVE, { type: "aaveBorrow", asset: "WETH", amount: (E18 * 3625n) / 10_000n });
    setWeEthPrice(m2, 950_000n);
    const r = m2.run(LIQ, {
      type: "aaveLiquidationCall",
      collateralAsset: "weETH",
      debtAsset: "WETH",
      user: DAVE,
      debtToCover: UINT256_MAX,
    }).result as unknown as aave.AaveLiquidationResult;
    expect(r.closeFactor).toBe(10_000n);
    expect(r.debtRepaid).toBe((E18 * 3625n) / 10_000n);
  });

  it("a partial liquidation that would leave less than $1,000 reverts (MustNotLeaveDust) and changes nothing", () => {
    const m2 = setup();
    const EVE = addr("e0", 1);
    m2.mint("weETH", EVE, E18 / 2n); // $1,500: under $2,000, so the close factor is 100%
    m2.run(EVE, { type: "aaveSupply", asset: "weETH", amount: E18 / 2n });
    m2.run(EVE, { type: "aaveBorrow", asset: "WETH", amount: (E18 * 3625n) / 10_000n }); // $1,087.5
    setWeEthPrice(m2, 950_000n);
    // covering 0.1 ETH would leave 0.2625 ETH = $787.5 of debt: take it all or leave at least $1,000
    m2.reverts(
      LIQ,
      { type: "aaveLiquidationCall", collateralAsset: "weETH", debtAsset: "WETH", user: EVE, debtToCover: E18 / 10n },
      "MustNotLeaveDust",
    );
  });
});

describe("e-mode (ETH correlated: LTV 93%, LT 95%, LB 1%)", () => {
  let m: Market;
  beforeEach(() => {
    m = setup();
    m.mint("weETH", ALICE, 100n * E18);
    m.run(ALICE, { type: "aaveSetUserEMode", categoryId: 1 });
    m.run(ALICE, { type: "aaveSupply", asset: "weETH", amount: 100n * E18 });
    m.run(ALICE, { type: "aaveBorrow", asset: "WETH", amount: 93n * E18 }); // the e-mode maximum
  });

  it("borrows up to 93% in e-mode, where outside it 72.5% is the limit", () => {
    const d = aave.userAccountData(m.s, m.ctx(ALICE), ALICE);
    expect(d.avgLtv).toBe(9_300n);
    expect(d.avgLiquidationThreshold).toBe(9_500n);
    // leaving e-mode with this debt would put HF at 100·0.75/93 < 1
    m.reverts(ALICE, { type: "aaveSetUserEMode", categoryId: 0 }, "HealthFactorLowerThanLiquidationThreshold");
  });

  it("HF 0.99086 → close factor 50%: repays 46.5, seizes 46.965 (fee 0.0465), HF' 1.022220", () => {
    setWeEthPrice(m, 970_000n);
    const before = aave.userAccountData(m.s, m.ctx(ALICE), ALICE);
    expect(round(before.healthFactor, 6)).toBe("0.990860"); // 97·0.95/93
    const r = m.run(LIQ, {
      type: "aaveLiquidationCall",
      collateralAsset: "weETH",
      debtAsset: "WETH",
      user: ALICE,
      debtToCover: UINT256_MAX,
    }).result as unknown as aave.AaveLiquidationResult;
    expect(r.closeFactor).toBe(5_000n);
    expect(r.debtRepaid).toBe(465n * 10n ** 17n);
    // the e-mode bonus (1%), not weETH's 7.5%: 46.5·1.01 = 46.965 ETH of collateral
    expect(near(((r.collateralToLiquidator + r.protocolFee) * 97n) / 100n, 46965n * 10n ** 15n, 2n)).toBe(true);
    // fee = 10% of the 0.465 bonus
    expect(near((r.protocolFee * 97n) / 100n, 465n * 10n ** 14n, 2n)).toBe(true);
    // C' = 97 − 46.965 = 50.035, HF' = 50.035·0.95/46.5
    expect(round(r.healthFactorAfter, 6)).toBe("1.022220");
  });

  it("between 0.95 and LT·(1+LB) = 0.9595 a 50% liquidation lowers HF", () => {
    setWeEthPrice(m, 935_000n);
    const hf = aave.userAccountData(m.s, m.ctx(ALICE), ALICE).healthFactor;
    expect(round(hf, 6)).toBe("0.955108"); // 93.5·0.95/93
    const r = m.run(LIQ, {
      type: "aaveLiquidationCall",
      collateralAsset: "weETH",
      debtAsset: "WETH",
      user: ALICE,
      debtToCover: UINT256_MAX,
    }).result as unknown as aave.AaveLiquidationResult;
    expect(r.closeFactor).toBe(5_000n);
    // C' = 93.5 − 46.965 = 46.535; HF' = 46.535·0.95/46.5 = 0.950715 < 0.955108
    expect(round(r.healthFactorAfter, 6)).toBe("0.950715");
    expect(r.healthFactorAfter < hf).toBe(true);
  });

  it("the position view reports HF, leverage and the liquidation price", () => {
    const v = aavePosition(m.s, m.ctx(ALICE), ALICE);
    expect(v?.eMode).toBe(1);
    // leverage = C/(C − B) = 100/7
    expect(round(v?.leverage ?? 0n, 4)).toBe("14.2857");
    // HF = 1 when 100·p·0.95 = 93 ⇒ p = 0.978947 ETH ⇒ 2.105% below the current price (reference TV-LIQ-5)
    const lp = v?.liquidationPrices[0];
    expect(lp?.asset).toBe("weETH");
    expect(round(lp?.distance ?? 0n, 5)).toBe("0.02105");
  });
});
