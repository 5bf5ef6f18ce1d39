/**
 * restake's markets layer: DEX pools (Curve StableSwap, Uniswap V2 constant product), Aave v3.3-style and Morpho
 * Blue-style lending, oracles (exchange rate, CAPO, DEX, frozen), leveraged loops and a liquidator. Pure like the
 * core: no I/O, no clock, no randomness, bigint amounts; every change goes through `executeMarket`.
 */
export * as aave from "./aave.ts";
export {
  executeMarket,
  type MarketCommand,
  type MarketCommandType,
  type MarketExecuteResult,
  simulate,
} from "./commands.ts";
export * as constantProduct from "./constantProduct.ts";
export { EXAMPLE_ACCOUNTS, EXAMPLE_T0, exampleRun, exampleScenario } from "./example.ts";
export { type LiquidatorOptions, planLiquidations, runLiquidator } from "./liquidator.ts";
export * as morpho from "./morpho.ts";
export * as oracles from "./oracles.ts";
export * as pools from "./pools.ts";
export { loadMarketState, parseScenario, runScenario, SCENARIO_FORMAT, type Scenario } from "./scenario.ts";
export { deserializeMarketState, marketStateHash, serializeMarketState } from "./snapshot.ts";
export * as stableswap from "./stableswap.ts";
export { createMarketState, type MarketParams, MarketState } from "./state.ts";
export { loopLeverage, maxLoopLeverage, priceDropToLiquidation } from "./strategies.ts";
export type * from "./types.ts";
export * as views from "./views.ts";
