/**
 * Uniswap V2's constant-product pool: x·y = k with the fee taken from the input (getAmountOut), liquidity minted as
 * √(x·y) − MINIMUM_LIQUIDITY for the first deposit (the minimum is locked forever) and min(a₀·S/r₀, a₁·S/r₁) after,
 * deposits trimmed to the pool's ratio as the router does, and proportional withdrawals. Pure functions on records.
 */
import { require } from "../core/shared/errors.ts";
import { isqrt, WAD } from "./math.ts";
import type { ConstantProductPool } from "./types.ts";

export const MINIMUM_LIQUIDITY = 1000n;
export const BPS = 10_000n;

/** UniswapV2Library.getAmountOut with the fee in basis points. */
export function getAmountOut(amountIn: bigint, reserveIn: bigint, reserveOut: bigint, feeBps: bigint): bigint {
  require(amountIn > 0n, "InsufficientInputAmount");
  require(reserveIn > 0n && reserveOut > 0n, "InsufficientLiquidity");
  const amountInWithFee = amountIn * (BPS - feeBps);
  return (amountInWithFee * reserveOut) / (reserveIn * BPS + amountInWithFee);
}

export function swap(
  p: ConstantProductPool,
  i: 0 | 1,
  amountIn: bigint,
): { pool: ConstantProductPool; amountOut: bigint; fee: bigint } {
  const j = i === 0 ? 1 : 0;
  const rIn = p.reserves[i];
  const rOut = p.reserves[j];
  const amountOut = getAmountOut(amountIn, rIn, rOut, p.feeBps);
  require(amountOut > 0n, "InsufficientOutputAmount");
  require(amountOut < rOut, "InsufficientLiquidity");
  const reserves: [bigint, bigint] = [...p.reserves];
  reserves[i] = rIn + amountIn;
  reserves[j] = rOut - amountOut;
  return { pool: { ...p, reserves }, amountOut, fee: (amountIn * p.feeBps) / BPS };
}

export function addLiquidity(
  p: ConstantProductPool,
  desired: readonly [bigint, bigint],
): { pool: ConstantProductPool; lpAmount: bigint; amounts: [bigint, bigint]; locked: bigint } {
  const [r0, r1] = p.reserves;
  let amounts: [bigint, bigint];
  if (r0 === 0n && r1 === 0n) {
    amounts = [desired[0], desired[1]];
  } else {
    // UniswapV2Router02._addLiquidity: keep the pool's ratio, take the binding side in full
    const b1 = (desired[0] * r1) / r0;
    if (b1 <= desired[1]) amounts = [desired[0], b1];
    else amounts = [(desired[1] * r0) / r1, desired[1]];
  }
  let lpAmount: bigint;
  let locked = 0n;
  if (p.totalSupply === 0n) {
    const root = isqrt(amounts[0] * amounts[1]);
    require(root > MINIMUM_LIQUIDITY, "InsufficientLiquidityMinted");
    lpAmount = root - MINIMUM_LIQUIDITY;
    locked = MINIMUM_LIQUIDITY;
  } else {
    const l0 = (amounts[0] * p.totalSupply) / r0;
    const l1 = (amounts[1] * p.totalSupply) / r1;
    lpAmount = l0 < l1 ? l0 : l1;
  }
  require(lpAmount > 0n, "InsufficientLiquidityMinted");
  return {
    pool: { ...p, reserves: [r0 + amounts[0], r1 + amounts[1]], totalSupply: p.totalSupply + lpAmount + locked },
    lpAmount,
    amounts,
    locked,
  };
}

export function removeLiquidity(
  p: ConstantProductPool,
  lpAmount: bigint,
): { pool: ConstantProductPool; amounts: [bigint, bigint] } {
  require(p.totalSupply > 0n && lpAmount <= p.totalSupply, "InsufficientLpBalance");
  const a0 = (lpAmount * p.reserves[0]) / p.totalSupply;
  const a1 = (lpAmount * p.reserves[1]) / p.totalSupply;
  require(a0 > 0n && a1 > 0n, "InsufficientLiquidityBurned");
  return {
    pool: { ...p, reserves: [p.reserves[0] - a0, p.reserves[1] - a1], totalSupply: p.totalSupply - lpAmount },
    amounts: [a0, a1],
  };
}

/** Price of token i in token j, WAD, whole tokens (decimals applied). */
export function spotPrice(p: ConstantProductPool, i: 0 | 1, decimals: readonly [number, number]): bigint {
  const j = i === 0 ? 1 : 0;
  require(p.reserves[0] > 0n && p.reserves[1] > 0n, "PoolEmpty", "the pool has no liquidity");
  const di = 10n ** BigInt(decimals[i]);
  const dj = 10n ** BigInt(decimals[j]);
  return (p.reserves[j] * di * WAD) / (p.reserves[i] * dj);
}
