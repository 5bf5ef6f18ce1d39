/**
 * Fixed-point arithmetic exactly as EigenLayer's SlashingLib and OpenZeppelin's Math.mulDiv do it.
 * Every operation floors unless its name says `Up`. BigInt division already truncates toward zero,
 * which is a floor for the non-negative values used here.
 */

/** 1.0 in 18-decimal fixed point. */
export const WAD = 10n ** 18n;
export const UINT256_MAX = (1n << 256n) - 1n;
export const UINT64_MAX = (1n << 64n) - 1n;
export const UINT32_MAX = (1n << 32n) - 1n;

/** ⌊x·y/d⌋ */
export function mulDiv(x: bigint, y: bigint, d: bigint): bigint {
  return (x * y) / d;
}

/** ⌈x·y/d⌉ */
export function mulDivUp(x: bigint, y: bigint, d: bigint): bigint {
  const p = x * y;
  const q = p / d;
  return p % d === 0n ? q : q + 1n;
}

/** ⌊x·y/WAD⌋ */
export function mulWad(x: bigint, y: bigint): bigint {
  return (x * y) / WAD;
}

/** ⌈x·y/WAD⌉ */
export function mulWadUp(x: bigint, y: bigint): bigint {
  return mulDivUp(x, y, WAD);
}

/** ⌊x·WAD/y⌋ */
export function divWad(x: bigint, y: bigint): bigint {
  return (x * WAD) / y;
}

/**
 * The part of `shares` lost when a max magnitude falls from prevMax to newMax.
 * The kept part rounds up, so the slashed part rounds down (SlashingLib.calcSlashedAmount).
 */
export function calcSlashedAmount(shares: bigint, prevMax: bigint, newMax: bigint): bigint {
  return shares - mulDivUp(shares, newMax, prevMax);
}

export function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

export function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
