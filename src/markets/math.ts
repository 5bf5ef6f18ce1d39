/**
 * Fixed-point arithmetic of the market protocols, each with its own rounding:
 * - Aave v3.3 (WadRayMath, PercentageMath): multiplications and divisions round half up.
 * - Morpho Blue (MathLib): explicit down/up rounding.
 * BigInt division truncates toward zero, which is a floor for the non-negative values used here.
 */
import { ProtocolError } from "../core/shared/errors.ts";

export const WAD = 10n ** 18n;
export const HALF_WAD = WAD / 2n;
export const RAY = 10n ** 27n;
export const HALF_RAY = RAY / 2n;
export const WAD_RAY_RATIO = 10n ** 9n;
export const PERCENTAGE_FACTOR = 10_000n;
export const HALF_PERCENTAGE_FACTOR = 5_000n;
export const SECONDS_PER_YEAR = 365n * 86_400n;
export const UINT256_MAX = (1n << 256n) - 1n;
export const UINT128_MAX = (1n << 128n) - 1n;

/** Solidity's checked arithmetic reverts on overflow; here that is a panic with this code. */
function overflow(op: string): never {
  throw new ProtocolError("ArithmeticOverflow", `${op} overflows uint256`);
}

function checked(x: bigint, op: string): bigint {
  if (x > UINT256_MAX) overflow(op);
  return x;
}

// ── Aave: WadRayMath and PercentageMath (half up) ──────────────────────────────────────────────────────────────

/** a·b/RAY rounded half up (WadRayMath.rayMul). */
export function rayMul(a: bigint, b: bigint): bigint {
  return checked(a * b + HALF_RAY, "rayMul") / RAY;
}

/** a·RAY/b rounded half up (WadRayMath.rayDiv). */
export function rayDiv(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new ProtocolError("DivisionByZero", "rayDiv by zero");
  return checked(a * RAY + b / 2n, "rayDiv") / b;
}

/** a·b/WAD rounded half up (WadRayMath.wadMul). */
export function wadMul(a: bigint, b: bigint): bigint {
  return checked(a * b + HALF_WAD, "wadMul") / WAD;
}

/** a·WAD/b rounded half up (WadRayMath.wadDiv). */
export function wadDiv(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new ProtocolError("DivisionByZero", "wadDiv by zero");
  return checked(a * WAD + b / 2n, "wadDiv") / b;
}

export function wadToRay(a: bigint): bigint {
  return a * WAD_RAY_RATIO;
}

/** ray → wad, rounded half up (WadRayMath.rayToWad). */
export function rayToWad(a: bigint): bigint {
  const q = a / WAD_RAY_RATIO;
  return a % WAD_RAY_RATIO >= WAD_RAY_RATIO / 2n ? q + 1n : q;
}

/** value·percentage/10⁴ rounded half up (PercentageMath.percentMul); percentages in basis points. */
export function percentMul(value: bigint, percentage: bigint): bigint {
  return checked(value * percentage + HALF_PERCENTAGE_FACTOR, "percentMul") / PERCENTAGE_FACTOR;
}

/** value·10⁴/percentage rounded half up (PercentageMath.percentDiv). */
export function percentDiv(value: bigint, percentage: bigint): bigint {
  if (percentage === 0n) throw new ProtocolError("DivisionByZero", "percentDiv by zero");
  return checked(value * PERCENTAGE_FACTOR + percentage / 2n, "percentDiv") / percentage;
}

/** Aave's linear interest for the liquidity index: RAY + rate·Δt/year (MathUtils.calculateLinearInterest). */
export function linearInterest(rate: bigint, elapsed: bigint): bigint {
  return RAY + (rate * elapsed) / SECONDS_PER_YEAR;
}

/**
 * Aave's compounded interest for the borrow index: the first three terms of the binomial expansion of
 * (1 + rate/year)^Δt, each floored as MathUtils.calculateCompoundedInterest does.
 */
export function compoundedInterest(rate: bigint, elapsed: bigint): bigint {
  if (elapsed === 0n) return RAY;
  const expMinusOne = elapsed - 1n;
  const expMinusTwo = elapsed > 2n ? elapsed - 2n : 0n;
  const basePowerTwo = rayMul(rate, rate) / (SECONDS_PER_YEAR * SECONDS_PER_YEAR);
  const basePowerThree = rayMul(basePowerTwo, rate) / SECONDS_PER_YEAR;
  const secondTerm = (elapsed * expMinusOne * basePowerTwo) / 2n;
  const thirdTerm = (elapsed * expMinusOne * expMinusTwo * basePowerThree) / 6n;
  return RAY + (rate * elapsed) / SECONDS_PER_YEAR + secondTerm + thirdTerm;
}

// ── Morpho Blue: MathLib and SharesMathLib ─────────────────────────────────────────────────────────────────────

export function mulDivDown(x: bigint, y: bigint, d: bigint): bigint {
  if (d === 0n) throw new ProtocolError("DivisionByZero", "mulDivDown by zero");
  return checked(x * y, "mulDivDown") / d;
}

export function mulDivUp(x: bigint, y: bigint, d: bigint): bigint {
  if (d === 0n) throw new ProtocolError("DivisionByZero", "mulDivUp by zero");
  return checked(x * y + (d - 1n), "mulDivUp") / d;
}

export function wMulDown(x: bigint, y: bigint): bigint {
  return mulDivDown(x, y, WAD);
}

export function wDivDown(x: bigint, y: bigint): bigint {
  return mulDivDown(x, WAD, y);
}

export function wDivUp(x: bigint, y: bigint): bigint {
  return mulDivUp(x, WAD, y);
}

/** e^(x·n) − 1 by its first three Taylor terms, as MathLib.wTaylorCompounded (x a per-second rate in WAD). */
export function wTaylorCompounded(x: bigint, n: bigint): bigint {
  const firstTerm = x * n;
  const secondTerm = mulDivDown(firstTerm, firstTerm, 2n * WAD);
  const thirdTerm = mulDivDown(secondTerm, firstTerm, 3n * WAD);
  return firstTerm + secondTerm + thirdTerm;
}

export const VIRTUAL_SHARES = 10n ** 6n;
export const VIRTUAL_ASSETS = 1n;

export function toSharesDown(assets: bigint, totalAssets: bigint, totalShares: bigint): bigint {
  return mulDivDown(assets, totalShares + VIRTUAL_SHARES, totalAssets + VIRTUAL_ASSETS);
}

export function toAssetsDown(shares: bigint, totalAssets: bigint, totalShares: bigint): bigint {
  return mulDivDown(shares, totalAssets + VIRTUAL_ASSETS, totalShares + VIRTUAL_SHARES);
}

export function toSharesUp(assets: bigint, totalAssets: bigint, totalShares: bigint): bigint {
  return mulDivUp(assets, totalShares + VIRTUAL_SHARES, totalAssets + VIRTUAL_ASSETS);
}

export function toAssetsUp(shares: bigint, totalAssets: bigint, totalShares: bigint): bigint {
  return mulDivUp(shares, totalAssets + VIRTUAL_ASSETS, totalShares + VIRTUAL_SHARES);
}

// ── shared ─────────────────────────────────────────────────────────────────────────────────────────────────────

export function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

export function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

/** ⌊√n⌋ by Newton's method (Uniswap V2's Math.sqrt gives the same floor). */
export function isqrt(n: bigint): bigint {
  if (n < 0n) throw new ProtocolError("InputOutOfRange", "square root of a negative number");
  if (n < 2n) return n;
  let x = n;
  let y = (x + 1n) / 2n;
  while (y < x) {
    x = y;
    y = (x + n / x) / 2n;
  }
  return x;
}

/** 10^decimals */
export function unit(decimals: number): bigint {
  return 10n ** BigInt(decimals);
}
