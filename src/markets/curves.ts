import type { RateCurve } from "./types.ts";

/**
 * The interest-rate curves (basis points) the examples, the demo network and the simulation presets use, from
 * ../shared/reference/risk-models.md §4.2: WETH kinks at 90 % usage; LRT reserves at 35 % (Aave moved weETH's
 * uOptimal from 45 % to 35 % in April 2024) with a 300 % slope 2; USDC at 90 %.
 */
export const WETH_CURVE: RateCurve = {
  optimalUsageRatio: 9_000n,
  baseVariableBorrowRate: 0n,
  variableRateSlope1: 270n,
  variableRateSlope2: 8_000n,
};

export const LRT_CURVE: RateCurve = {
  optimalUsageRatio: 3_500n,
  baseVariableBorrowRate: 0n,
  variableRateSlope1: 700n,
  variableRateSlope2: 30_000n,
};

export const USDC_CURVE: RateCurve = {
  optimalUsageRatio: 9_000n,
  baseVariableBorrowRate: 0n,
  variableRateSlope1: 600n,
  variableRateSlope2: 6_000n,
};
