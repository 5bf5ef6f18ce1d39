/**
 * Curve's StableSwap, as the pool template `SwapTemplateBase.vy` (curve-contract) computes it: the invariant D and the
 * balance y by integer Newton iteration (at most 255 rounds, converged when two iterates differ by ≤ 1), amplification
 * stored times A_PRECISION = 100 with linear ramps, fees in 1e10, the admin's share of each fee leaving the pool's
 * balances, and the template's rounding (the "− 1" on every output, floors everywhere). Every function is pure: it
 * takes a pool record and returns the new one.
 *
 * The spot price is the analytic derivative stableswap-ng uses for its price oracle (`_get_p`), which is exact for
 * two coins and ignores the fee.
 */
import { ProtocolError, require } from "../core/shared/errors.ts";
import { WAD } from "./math.ts";
import type { StableSwapPool } from "./types.ts";

export const A_PRECISION = 100n;
export const FEE_DENOMINATOR = 10n ** 10n;
export const PRECISION = WAD;
export const MAX_ADMIN_FEE = 10n * 10n ** 9n;
export const MAX_FEE = 5n * 10n ** 9n;
export const MAX_A = 10n ** 6n;
export const MAX_A_CHANGE = 10n;
export const MIN_RAMP_TIME = 86_400n;
export const MAX_COINS = 8;
const MAX_ITERATIONS = 255;

/** Vyper reverts on uint underflow; so do we, with a typed code. */
function sub(a: bigint, b: bigint, what: string): bigint {
  require(a >= b, "InsufficientPoolBalance", `${what} would go below zero`);
  return a - b;
}

function div(a: bigint, b: bigint, what: string): bigint {
  if (b === 0n) throw new ProtocolError("StableSwapDivisionByZero", `${what}: division by zero (an empty coin)`);
  return a / b;
}

/** Curve's `_A()`: A·A_PRECISION at time t, linear between the ramp's end points. */
export function ampAt(p: StableSwapPool, t: bigint): bigint {
  const t1 = p.futureATime;
  const a1 = p.futureA;
  if (t < t1) {
    const a0 = p.initialA;
    const t0 = p.initialATime;
    if (a1 > a0) return a0 + ((a1 - a0) * (t - t0)) / (t1 - t0);
    return a0 - ((a0 - a1) * (t - t0)) / (t1 - t0);
  }
  return a1;
}

/** Balances in 18-decimal "xp" units: balance·rate/1e18. */
export function xpMem(rates: readonly bigint[], balances: readonly bigint[]): bigint[] {
  return balances.map((b, i) => ((rates[i] as bigint) * b) / PRECISION);
}

/**
 * The invariant D for normalised balances xp and amplification amp (times A_PRECISION):
 * A·nⁿ·Σx + D = A·D·nⁿ + D^(n+1)/(nⁿ·Πx), by Newton's method in integers.
 */
export function getD(xp: readonly bigint[], amp: bigint): bigint {
  const n = BigInt(xp.length);
  let S = 0n;
  for (const x of xp) S += x;
  if (S === 0n) return 0n;
  let D = S;
  const Ann = amp * n;
  for (let it = 0; it < MAX_ITERATIONS; it++) {
    let D_P = D;
    for (const x of xp) D_P = div(D_P * D, x * n, "get_D");
    const Dprev = D;
    const num = ((Ann * S) / A_PRECISION + D_P * n) * D;
    D = div(num, ((Ann - A_PRECISION) * D) / A_PRECISION + (n + 1n) * D_P, "get_D");
    if (D > Dprev ? D - Dprev <= 1n : Dprev - D <= 1n) return D;
  }
  throw new ProtocolError("StableSwapDidNotConverge", "get_D did not converge in 255 rounds");
}

/** The quadratic step shared by get_y and get_y_D: y² + b·y = c, solved as y ← (y² + c)/(2y + b − D). */
function solveY(c: bigint, b: bigint, D: bigint, what: string): bigint {
  let y = D;
  for (let it = 0; it < MAX_ITERATIONS; it++) {
    const yPrev = y;
    const den = 2n * y + b;
    require(den >= D, "InsufficientPoolBalance", `${what}: 2y + b − D underflows`);
    y = div(y * y + c, den - D, what);
    if (y > yPrev ? y - yPrev <= 1n : yPrev - y <= 1n) return y;
  }
  throw new ProtocolError("StableSwapDidNotConverge", `${what} did not converge in 255 rounds`);
}

/** Curve's `_get_y`: the new xp[j] if xp[i] becomes x, with D held constant. */
export function getY(i: number, j: number, x: bigint, xp: readonly bigint[], amp: bigint): bigint {
  const N = xp.length;
  require(i !== j, "SameCoin", "i and j must differ");
  require(j >= 0 && j < N && i >= 0 && i < N, "UnknownCoin", "coin index out of range");
  const n = BigInt(N);
  const D = getD(xp, amp);
  const Ann = amp * n;
  let c = D;
  let S = 0n;
  for (let k = 0; k < N; k++) {
    let _x: bigint;
    if (k === i) _x = x;
    else if (k !== j) _x = xp[k] as bigint;
    else continue;
    S += _x;
    c = div(c * D, _x * n, "get_y");
  }
  c = (c * D * A_PRECISION) / (Ann * n);
  const b = S + (D * A_PRECISION) / Ann;
  return solveY(c, b, D, "get_y");
}

/** Curve's `_get_y_D`: xp[i] such that the invariant of xp (others fixed) equals D. */
export function getYD(amp: bigint, i: number, xp: readonly bigint[], D: bigint): bigint {
  const N = xp.length;
  require(i >= 0 && i < N, "UnknownCoin", "coin index out of range");
  const n = BigInt(N);
  const Ann = amp * n;
  let c = D;
  let S = 0n;
  for (let k = 0; k < N; k++) {
    if (k === i) continue;
    const _x = xp[k] as bigint;
    S += _x;
    c = div(c * D, _x * n, "get_y_D");
  }
  c = (c * D * A_PRECISION) / (Ann * n);
  const b = S + (D * A_PRECISION) / Ann;
  return solveY(c, b, D, "get_y_D");
}

export function invariant(p: StableSwapPool, t: bigint): bigint {
  return getD(xpMem(p.rates, p.balances), ampAt(p, t));
}

/** get_virtual_price: D per LP token, WAD. */
export function virtualPrice(p: StableSwapPool, t: bigint): bigint {
  require(p.totalSupply > 0n, "PoolEmpty", "the pool has no liquidity");
  return (invariant(p, t) * PRECISION) / p.totalSupply;
}

export interface SwapResult<P> {
  pool: P;
  amountOut: bigint;
  /** fee kept in the pool (LP share) and taken by the admin, in the output coin */
  fee: bigint;
  adminFee: bigint;
}

/** Curve's `get_dy` and `exchange`: sells dx of coin i for coin j. */
export function exchange(p: StableSwapPool, i: number, j: number, dx: bigint, t: bigint): SwapResult<StableSwapPool> {
  const old = p.balances;
  const xp = xpMem(p.rates, old);
  const ri = p.rates[i];
  const rj = p.rates[j];
  require(ri !== undefined && rj !== undefined, "UnknownCoin", "coin index out of range");
  const x = (xp[i] as bigint) + (dx * ri) / PRECISION;
  const y = getY(i, j, x, xp, ampAt(p, t));
  // "− 1 just in case there were some rounding errors"
  let dy = sub(sub(xp[j] as bigint, y, "xp[j] − y"), 1n, "dy");
  const dyFee = (dy * p.fee) / FEE_DENOMINATOR;
  dy = ((dy - dyFee) * PRECISION) / rj;
  const dyAdminFee = (((dyFee * p.adminFee) / FEE_DENOMINATOR) * PRECISION) / rj;
  const balances = [...old];
  balances[i] = (old[i] as bigint) + dx;
  balances[j] = sub(sub(old[j] as bigint, dy, "balance"), dyAdminFee, "balance");
  const adminBalances = [...p.adminBalances];
  adminBalances[j] = (adminBalances[j] as bigint) + dyAdminFee;
  return {
    pool: { ...p, balances, adminBalances },
    amountOut: dy,
    fee: (dyFee * PRECISION) / rj - dyAdminFee,
    adminFee: dyAdminFee,
  };
}

export interface LiquidityResult {
  pool: StableSwapPool;
  /** LP tokens minted (add) or burned (remove) */
  lpAmount: bigint;
  /** coin amounts paid in or out */
  amounts: bigint[];
  fees: bigint[];
}

/** Curve's `add_liquidity`, imbalanced deposits included: fees on the distance from the ideal balances. */
export function addLiquidity(p: StableSwapPool, amounts: readonly bigint[], t: bigint): LiquidityResult {
  const N = p.balances.length;
  require(amounts.length === N, "InputArrayLengthMismatch", "one amount per coin");
  const amp = ampAt(p, t);
  const old = p.balances;
  const D0 = getD(xpMem(p.rates, old), amp);
  const supply = p.totalSupply;
  const newBalances = [...old];
  for (let i = 0; i < N; i++) {
    if (supply === 0n) require((amounts[i] as bigint) > 0n, "InitialDepositRequiresAllCoins");
    newBalances[i] = (newBalances[i] as bigint) + (amounts[i] as bigint);
  }
  const D1 = getD(xpMem(p.rates, newBalances), amp);
  require(D1 > D0, "InvariantNotIncreased", "the deposit does not increase D");
  const fees = new Array<bigint>(N).fill(0n);
  const adminBalances = [...p.adminBalances];
  let stored = newBalances;
  let mint: bigint;
  if (supply > 0n) {
    const fee = (p.fee * BigInt(N)) / (4n * BigInt(N - 1));
    stored = [...newBalances];
    for (let i = 0; i < N; i++) {
      const ideal = (D1 * (old[i] as bigint)) / D0;
      const nb = newBalances[i] as bigint;
      const difference = ideal > nb ? ideal - nb : nb - ideal;
      fees[i] = (fee * difference) / FEE_DENOMINATOR;
      const admin = ((fees[i] as bigint) * p.adminFee) / FEE_DENOMINATOR;
      stored[i] = sub(nb, admin, "balance");
      adminBalances[i] = (adminBalances[i] as bigint) + admin;
      newBalances[i] = sub(nb, fees[i] as bigint, "balance"); // Vyper reverts when a fee exceeds the balance
    }
    const D2 = getD(xpMem(p.rates, newBalances), amp);
    mint = (supply * (D2 - D0)) / D0;
  } else {
    mint = D1; // "take the dust if there was any"
  }
  return {
    pool: { ...p, balances: stored, adminBalances, totalSupply: supply + mint },
    lpAmount: mint,
    amounts: [...amounts],
    fees,
  };
}

/** Curve's `remove_liquidity`: proportional, no fee. */
export function removeLiquidity(p: StableSwapPool, lpAmount: bigint): LiquidityResult {
  require(p.totalSupply > 0n, "PoolEmpty");
  require(lpAmount <= p.totalSupply, "InsufficientLpBalance");
  const amounts = p.balances.map((b) => (b * lpAmount) / p.totalSupply);
  const balances = p.balances.map((b, i) => b - (amounts[i] as bigint));
  return {
    pool: { ...p, balances, totalSupply: p.totalSupply - lpAmount },
    lpAmount,
    amounts,
    fees: amounts.map(() => 0n),
  };
}

/** Curve's `remove_liquidity_imbalance`: exact coin amounts out, LP burned rounded against the caller (+1). */
export function removeLiquidityImbalance(p: StableSwapPool, amounts: readonly bigint[], t: bigint): LiquidityResult {
  const N = p.balances.length;
  require(amounts.length === N, "InputArrayLengthMismatch", "one amount per coin");
  require(p.totalSupply > 0n, "PoolEmpty");
  const amp = ampAt(p, t);
  const old = p.balances;
  const D0 = getD(xpMem(p.rates, old), amp);
  const newBalances = old.map((b, i) => sub(b, amounts[i] as bigint, "balance"));
  const D1 = getD(xpMem(p.rates, newBalances), amp);
  const fee = (p.fee * BigInt(N)) / (4n * BigInt(N - 1));
  const fees = new Array<bigint>(N).fill(0n);
  const stored = [...newBalances];
  const adminBalances = [...p.adminBalances];
  for (let i = 0; i < N; i++) {
    const nb = newBalances[i] as bigint;
    const ideal = (D1 * (old[i] as bigint)) / D0;
    const difference = ideal > nb ? ideal - nb : nb - ideal;
    fees[i] = (fee * difference) / FEE_DENOMINATOR;
    const admin = ((fees[i] as bigint) * p.adminFee) / FEE_DENOMINATOR;
    stored[i] = sub(nb, admin, "balance");
    adminBalances[i] = (adminBalances[i] as bigint) + admin;
    newBalances[i] = sub(nb, fees[i] as bigint, "balance");
  }
  const D2 = getD(xpMem(p.rates, newBalances), amp);
  let burn = ((D0 - D2) * p.totalSupply) / D0;
  require(burn !== 0n, "ZeroLpBurned", "the withdrawal burns no LP tokens");
  burn += 1n; // "in case of rounding errors - make it unfavorable for the attacker"
  require(burn <= p.totalSupply, "InsufficientLpBalance");
  return {
    pool: { ...p, balances: stored, adminBalances, totalSupply: p.totalSupply - burn },
    lpAmount: burn,
    amounts: [...amounts],
    fees,
  };
}

/** Curve's `_calc_withdraw_one_coin`: [dy, dyFee] in coin i's units for burning lpAmount. */
export function calcWithdrawOneCoin(p: StableSwapPool, lpAmount: bigint, i: number, t: bigint): [bigint, bigint] {
  const N = p.balances.length;
  require(i >= 0 && i < N, "UnknownCoin");
  require(p.totalSupply > 0n, "PoolEmpty");
  require(lpAmount <= p.totalSupply, "InsufficientLpBalance");
  const amp = ampAt(p, t);
  const xp = xpMem(p.rates, p.balances);
  const D0 = getD(xp, amp);
  const D1 = D0 - (lpAmount * D0) / p.totalSupply;
  const newY = getYD(amp, i, xp, D1);
  const fee = (p.fee * BigInt(N)) / (4n * BigInt(N - 1));
  const xpReduced = [...xp];
  for (let j = 0; j < N; j++) {
    const xj = xp[j] as bigint;
    const dxExpected = j === i ? sub((xj * D1) / D0, newY, "dx_expected") : xj - (xj * D1) / D0;
    xpReduced[j] = sub(xpReduced[j] as bigint, (fee * dxExpected) / FEE_DENOMINATOR, "xp_reduced");
  }
  // the template divides by PRECISION_MUL; stableswap-ng by rate/PRECISION, the same floor for plain coins
  const rate = p.rates[i] as bigint;
  let dy = sub(xpReduced[i] as bigint, getYD(amp, i, xpReduced, D1), "dy");
  dy = (sub(dy, 1n, "dy") * PRECISION) / rate; // "withdraw less to account for rounding errors"
  const dy0 = (sub(xp[i] as bigint, newY, "dy_0") * PRECISION) / rate;
  return [dy, sub(dy0, dy, "dy_fee")];
}

/** Curve's `remove_liquidity_one_coin`. */
export function removeLiquidityOneCoin(p: StableSwapPool, lpAmount: bigint, i: number, t: bigint): LiquidityResult {
  const [dy, dyFee] = calcWithdrawOneCoin(p, lpAmount, i, t);
  const admin = (dyFee * p.adminFee) / FEE_DENOMINATOR;
  const balances = [...p.balances];
  balances[i] = sub(sub(balances[i] as bigint, dy, "balance"), admin, "balance");
  const adminBalances = [...p.adminBalances];
  adminBalances[i] = (adminBalances[i] as bigint) + admin;
  const amounts = p.balances.map(() => 0n);
  amounts[i] = dy;
  const fees = p.balances.map(() => 0n);
  fees[i] = dyFee;
  return { pool: { ...p, balances, adminBalances, totalSupply: p.totalSupply - lpAmount }, lpAmount, amounts, fees };
}

/** Curve's `calc_token_amount` (no fees): LP minted or burned for a deposit or withdrawal. */
export function calcTokenAmount(p: StableSwapPool, amounts: readonly bigint[], deposit: boolean, t: bigint): bigint {
  const amp = ampAt(p, t);
  const D0 = getD(xpMem(p.rates, p.balances), amp);
  const bal = p.balances.map((b, i) => (deposit ? b + (amounts[i] as bigint) : sub(b, amounts[i] as bigint, "bal")));
  const D1 = getD(xpMem(p.rates, bal), amp);
  if (p.totalSupply === 0n) return D1;
  const diff = deposit ? D1 - D0 : D0 - D1;
  return (diff * p.totalSupply) / D0;
}

/**
 * Spot prices of every coin in coin 0 (WAD, whole tokens), stableswap-ng's `_get_p`: in xp units
 * p_i = (Ann·x₀ + Dr·x₀/x_i)/(Ann·x₀ + Dr) with Dr = D^(n+1)/(nⁿ·Πx), then times m_i/m₀ (the rate multipliers).
 * Coin 0 is 1e18.
 */
export function spotPrices(p: StableSwapPool, t: bigint): bigint[] {
  const xp = xpMem(p.rates, p.balances);
  require(xp.every((x) => x > 0n), "PoolEmpty", "a coin has no balance");
  const amp = ampAt(p, t);
  const n = BigInt(xp.length);
  const D = getD(xp, amp);
  const Ann = amp * n;
  let Dr = D / n ** n;
  for (const x of xp) Dr = (Dr * D) / x;
  const x0 = xp[0] as bigint;
  const xp0A = (Ann * x0) / A_PRECISION;
  const m0 = p.rateMultipliers[0] as bigint;
  return xp.map((x, i) => {
    if (i === 0) return PRECISION;
    const pXp = (PRECISION * (xp0A + (Dr * x0) / x)) / (xp0A + Dr);
    // xp prices are per normalised unit; in whole tokens they scale by the rate multipliers
    return (pXp * (p.rateMultipliers[i] as bigint)) / m0;
  });
}

/** Curve's rate for a coin of `decimals` decimals with an oracle multiplier (WAD). */
export function rateFor(decimals: number, multiplier: bigint): bigint {
  return (10n ** BigInt(36 - decimals) * multiplier) / PRECISION;
}

/** Price of coin i in coin j (how many j for one i, WAD, whole tokens). */
export function spotPrice(p: StableSwapPool, i: number, j: number, t: bigint): bigint {
  const ps = spotPrices(p, t);
  return ((ps[i] as bigint) * PRECISION) / (ps[j] as bigint);
}
