/**
 * The built-in example: an LRT market on 24 Apr 2024 (the day of the ezETH depeg), before anything goes wrong.
 * weETH and ezETH trade against WETH in StableSwap pools that quote them at their exchange rates (ezETH's pool is thin,
 * ~4K WETH as Balancer's was); an Aave-style pool lists WETH, weETH (72.5/75/7.5%), ezETH (LTV 0.05%, usable in its
 * e-mode) and USDC, with the ETH-correlated e-mode (93/95/1%); two Morpho ezETH/WETH markets at LLTV 0.86 and 0.77
 * price ezETH from its pool. Alice loops weETH in e-mode, Carol borrows against weETH outside e-mode, Bob loops ezETH
 * on Morpho 0.86, Dave borrows on Morpho 0.77, Erin borrows against ezETH in Aave's ezETH e-mode.
 */

import { LRT_CURVE, USDC_CURVE, WETH_CURVE } from "./curves.ts";
import { runScenario, SCENARIO_FORMAT, type Scenario, type ScenarioRun, type ScenarioStep } from "./scenario.ts";
import type { Address } from "./types.ts";

export const EXAMPLE_ACCOUNTS = {
  lp: "0x00000000000000000000000000000000000001f0",
  alice: "0x00000000000000000000000000000000000a11ce",
  bob: "0x0000000000000000000000000000000000000b0b",
  carol: "0x00000000000000000000000000000000000ca201",
  dave: "0x000000000000000000000000000000000000da7e",
  erin: "0x00000000000000000000000000000000000e4120",
  liquidator: "0x000000000000000000000000000000000000119d",
} as const satisfies Record<string, Address>;

export const EXAMPLE_T0 = 1_713_916_800n; // 2024-04-24 00:00 UTC

const E18 = 10n ** 18n;
const E6 = 10n ** 6n;
const E8 = 10n ** 8n;

export function exampleScenario(): Scenario {
  const A = EXAMPLE_ACCOUNTS;
  let t = EXAMPLE_T0;
  const steps: ScenarioStep[] = [];
  const admin = (command: ScenarioStep["command"]): void => {
    steps.push({ caller: "admin", timestamp: t, command });
  };
  const as = (caller: Address, command: ScenarioStep["command"]): void => {
    steps.push({ caller, timestamp: t, command });
  };
  for (const [asset, decimals] of [
    ["WETH", 18],
    ["weETH", 18],
    ["ezETH", 18],
    ["USDC", 6],
  ] as const) {
    admin({ type: "listAsset", asset, decimals });
  }
  admin({ type: "createOracle", oracle: "ETH", spec: { kind: "fixed", price: 3_000n * E8 } });
  admin({ type: "createOracle", oracle: "USDC", spec: { kind: "fixed", price: E8 } });
  admin({ type: "createOracle", oracle: "weETH", spec: { kind: "exchangeRate", source: "weETH", base: "ETH" } });
  admin({
    type: "createOracle",
    oracle: "ezETH-capo",
    spec: {
      kind: "capo",
      source: "ezETH",
      base: "ETH",
      snapshotRatio: 1_015n * 10n ** 15n,
      snapshotTimestamp: EXAMPLE_T0 - 30n * 86_400n,
      maxYearlyRatioGrowthBps: 800n,
    },
  });
  // pools
  admin({
    type: "createStableSwapPool",
    pool: "weETH-WETH",
    assets: ["weETH", "WETH"],
    amplification: 100n,
    fee: 4_000_000n,
    adminFee: 5_000_000_000n,
    rateMultipliers: [104n * 10n ** 16n, E18],
  });
  admin({
    type: "createStableSwapPool",
    pool: "ezETH-WETH",
    assets: ["ezETH", "WETH"],
    amplification: 50n,
    fee: 4_000_000n,
    adminFee: 5_000_000_000n,
    rateMultipliers: [102n * 10n ** 16n, E18],
  });
  admin({ type: "createConstantProductPool", pool: "WETH-USDC", assets: ["WETH", "USDC"], feeBps: 30n });
  admin({ type: "mint", asset: "weETH", to: A.lp, amount: 20_000n * E18 });
  admin({ type: "mint", asset: "ezETH", to: A.lp, amount: 4_000n * E18 });
  admin({ type: "mint", asset: "WETH", to: A.lp, amount: 80_000n * E18 });
  admin({ type: "mint", asset: "USDC", to: A.lp, amount: 5_000_000n * E6 });
  as(A.lp, { type: "addLiquidity", pool: "weETH-WETH", amounts: [20_000n * E18, 20_800n * E18], minLpOut: 0n });
  as(A.lp, { type: "addLiquidity", pool: "ezETH-WETH", amounts: [4_000n * E18, 4_080n * E18], minLpOut: 0n });
  as(A.lp, { type: "addLiquidity", pool: "WETH-USDC", amounts: [1_000n * E18, 3_000_000n * E6], minLpOut: 0n });
  admin({
    type: "createOracle",
    oracle: "ezETH-market",
    spec: { kind: "dex", pool: "ezETH-WETH", asset: "ezETH", quote: "WETH", base: "ETH" },
  });
  // the Aave-style pool
  const reserve = (asset: string, oracle: string, cfg: Record<string, unknown>): void =>
    admin({
      type: "aaveInitReserve",
      asset,
      config: {
        oracle,
        liquidationProtocolFee: 1_000n,
        supplyCap: 0n,
        borrowCap: 0n,
        borrowingEnabled: true,
        ...cfg,
      } as never,
    });
  reserve("WETH", "ETH", {
    ltv: 8_000n,
    liquidationThreshold: 8_300n,
    liquidationBonus: 10_500n,
    reserveFactor: 1_500n,
    rate: WETH_CURVE,
  });
  reserve("weETH", "weETH", {
    ltv: 7_250n,
    liquidationThreshold: 7_500n,
    liquidationBonus: 10_750n,
    reserveFactor: 4_500n,
    supplyCap: 84_000n,
    borrowCap: 29_500n,
    rate: LRT_CURVE,
  });
  reserve("ezETH", "ezETH-capo", {
    ltv: 5n,
    liquidationThreshold: 10n,
    liquidationBonus: 10_750n,
    reserveFactor: 1_500n,
    supplyCap: 50_000n,
    borrowingEnabled: false,
    rate: LRT_CURVE,
  });
  reserve("USDC", "USDC", {
    ltv: 7_500n,
    liquidationThreshold: 7_800n,
    liquidationBonus: 10_450n,
    reserveFactor: 1_000n,
    rate: USDC_CURVE,
  });
  admin({
    type: "aaveSetEModeCategory",
    id: 1,
    label: "ETH correlated",
    ltv: 9_300n,
    liquidationThreshold: 9_500n,
    liquidationBonus: 10_100n,
    collateralAssets: ["WETH", "weETH"],
    borrowableAssets: ["WETH"],
  });
  admin({
    type: "aaveSetEModeCategory",
    id: 2,
    label: "ezETH/WETH",
    ltv: 9_000n,
    liquidationThreshold: 9_300n,
    liquidationBonus: 10_200n,
    collateralAssets: ["ezETH"],
    borrowableAssets: ["WETH"],
  });
  // Morpho ezETH/WETH markets priced by the pool (a market-price oracle, as the depegged feed was)
  for (const lltv of [86n, 77n]) {
    admin({
      type: "createMorphoMarket",
      market: `ezETH-WETH-${lltv}`,
      loanToken: "WETH",
      collateralToken: "ezETH",
      collateralOracle: "ezETH-market",
      loanOracle: "ETH",
      irm: { kind: "kink", curve: WETH_CURVE },
      lltv: lltv * 10n ** 16n,
      fee: 0n,
    });
  }
  // suppliers
  as(A.lp, { type: "aaveSupply", asset: "WETH", amount: 30_000n * E18 });
  as(A.lp, { type: "aaveSupply", asset: "USDC", amount: 2_000_000n * E6 });
  as(A.lp, { type: "morphoSupply", market: "ezETH-WETH-86", assets: 7_600n * E18, shares: 0n });
  as(A.lp, { type: "morphoSupply", market: "ezETH-WETH-77", assets: 2_000n * E18, shares: 0n });
  t += 60n;
  // borrowers
  admin({ type: "mint", asset: "weETH", to: A.alice, amount: 100n * E18 });
  as(A.alice, { type: "aaveSetUserEMode", categoryId: 1 });
  as(A.alice, {
    type: "loop",
    venue: "aave",
    collateral: "weETH",
    debt: "WETH",
    pool: "weETH-WETH",
    initialAmount: 100n * E18,
    iterations: 12n,
    borrowFractionBps: 9_500n,
  });
  admin({ type: "mint", asset: "weETH", to: A.carol, amount: 100n * E18 });
  as(A.carol, { type: "aaveSupply", asset: "weETH", amount: 100n * E18 });
  as(A.carol, { type: "aaveBorrow", asset: "WETH", amount: 70n * E18 });
  admin({ type: "mint", asset: "ezETH", to: A.bob, amount: 100n * E18 });
  as(A.bob, {
    type: "loop",
    venue: "morpho",
    market: "ezETH-WETH-86",
    pool: "ezETH-WETH",
    initialAmount: 100n * E18,
    iterations: 6n,
    borrowFractionBps: 9_000n,
  });
  admin({ type: "mint", asset: "ezETH", to: A.dave, amount: 200n * E18 });
  as(A.dave, { type: "morphoSupplyCollateral", market: "ezETH-WETH-77", assets: 200n * E18 });
  as(A.dave, { type: "morphoBorrow", market: "ezETH-WETH-77", assets: 140n * E18, shares: 0n });
  admin({ type: "mint", asset: "ezETH", to: A.erin, amount: 50n * E18 });
  as(A.erin, { type: "aaveSetUserEMode", categoryId: 2 });
  as(A.erin, { type: "aaveSupply", asset: "ezETH", amount: 50n * E18 });
  as(A.erin, { type: "aaveBorrow", asset: "WETH", amount: 40n * E18 });
  admin({ type: "mint", asset: "WETH", to: A.liquidator, amount: 500n * E18 });
  return {
    format: SCENARIO_FORMAT,
    rates: { weETH: 104n * 10n ** 16n, ezETH: 102n * 10n ** 16n },
    steps,
  };
}

/** The example, run: a fresh state each call. */
export function exampleRun(): ScenarioRun {
  return runScenario(exampleScenario());
}
