/** DEX pools in the state: creation, swaps, liquidity, quotes and spot prices. Tokens move through the ledger. */
import { require } from "../core/shared/errors.ts";
import * as cp from "./constantProduct.ts";
import { asset, credit, debit } from "./ledger.ts";
import { WAD } from "./math.ts";
import * as ss from "./stableswap.ts";
import { k2, type MarketState } from "./state.ts";
import type {
  Address,
  AssetId,
  ConstantProductPool,
  Events,
  MarketContext,
  PoolId,
  PoolRecord,
  StableSwapPool,
} from "./types.ts";
import { emit } from "./types.ts";

export function pool(s: MarketState, id: PoolId): PoolRecord {
  const p = s.pools.get(id);
  require(p !== undefined, "UnknownPool", `no pool ${id}`, { pool: id });
  return p;
}

export function coinIndex(p: PoolRecord, a: AssetId): number {
  const i = p.assets.indexOf(a);
  require(i >= 0, "AssetNotInPool", `${a} is not a coin of pool ${p.id}`, { pool: p.id, asset: a });
  return i;
}

export function lpBalanceOf(s: MarketState, id: PoolId, holder: Address): bigint {
  return s.lp.get(k2(id, holder)) ?? 0n;
}

function creditLp(s: MarketState, id: PoolId, holder: Address, amount: bigint): void {
  if (amount === 0n) return;
  s.lp.set(k2(id, holder), lpBalanceOf(s, id, holder) + amount);
}

function debitLp(s: MarketState, id: PoolId, holder: Address, amount: bigint): void {
  const bal = lpBalanceOf(s, id, holder);
  require(bal >= amount, "InsufficientLpBalance", `${holder} holds ${bal} LP of ${id}, needs ${amount}`);
  if (bal === amount) s.lp.delete(k2(id, holder));
  else s.lp.set(k2(id, holder), bal - amount);
}

function requireAdmin(s: MarketState, ctx: MarketContext): void {
  require(ctx.caller === s.params.admin, "OnlyAdmin");
}

// ── creation ─────────────────────────────────────────────────────────────────────────────────────────────────────

export interface CreateStableSwapPool {
  type: "createStableSwapPool";
  pool: PoolId;
  assets: AssetId[];
  /** the amplification coefficient A as Curve's constructor takes it (stored ×100) */
  amplification: bigint;
  /** 1e10 = 100%; Curve's stETH pool charges 4e6 (0.04%) */
  fee: bigint;
  adminFee: bigint;
  /** per-coin oracle rates, WAD (default 1e18 each): an LRT's exchange rate makes the pool trade around it */
  rateMultipliers?: bigint[];
}

export interface CreateConstantProductPool {
  type: "createConstantProductPool";
  pool: PoolId;
  assets: [AssetId, AssetId];
  feeBps: bigint;
}

function checkNewPool(s: MarketState, id: PoolId, assets: AssetId[]): void {
  require(!s.pools.has(id), "PoolAlreadyExists", `pool ${id} exists`);
  require(new Set(assets).size === assets.length, "DuplicateAsset", "a pool's coins must differ");
  for (const a of assets) asset(s, a);
}

export function createStableSwapPool(s: MarketState, ctx: MarketContext, ev: Events, c: CreateStableSwapPool): void {
  requireAdmin(s, ctx);
  require(c.assets.length >= 2 && c.assets.length <= ss.MAX_COINS, "InvalidPoolCoins", "2 to 8 coins");
  checkNewPool(s, c.pool, c.assets);
  require(c.amplification > 0n && c.amplification < ss.MAX_A, "InvalidAmplification", "0 < A < 10⁶");
  require(c.fee <= ss.MAX_FEE, "InvalidFee", "fee ≤ 50%");
  require(c.adminFee <= ss.MAX_ADMIN_FEE, "InvalidFee", "admin fee ≤ 100%");
  const multipliers = c.rateMultipliers ?? c.assets.map(() => WAD);
  require(multipliers.length === c.assets.length, "InputArrayLengthMismatch", "one rate multiplier per coin");
  require(multipliers.every((m) => m > 0n), "InvalidRate", "rate multipliers must be positive");
  const rates = c.assets.map((a, i) => {
    const d = asset(s, a).decimals;
    require(d <= 18, "InvalidDecimals", "StableSwap coins have at most 18 decimals");
    return ss.rateFor(d, multipliers[i] as bigint);
  });
  const amp = c.amplification * ss.A_PRECISION;
  const p: StableSwapPool = {
    kind: "stableswap",
    id: c.pool,
    assets: [...c.assets],
    rates,
    rateMultipliers: [...multipliers],
    balances: c.assets.map(() => 0n),
    initialA: amp,
    futureA: amp,
    initialATime: 0n,
    futureATime: 0n,
    fee: c.fee,
    adminFee: c.adminFee,
    totalSupply: 0n,
    adminBalances: c.assets.map(() => 0n),
  };
  s.pools.set(c.pool, p);
  emit(ev, "PoolCreated", { pool: c.pool, kind: "stableswap", assets: c.assets, A: c.amplification, fee: c.fee });
}

export function createConstantProductPool(
  s: MarketState,
  ctx: MarketContext,
  ev: Events,
  c: CreateConstantProductPool,
): void {
  requireAdmin(s, ctx);
  require(c.assets.length === 2, "InvalidPoolCoins", "a constant-product pool has two coins");
  checkNewPool(s, c.pool, c.assets);
  require(c.feeBps < cp.BPS, "InvalidFee", "fee < 100%");
  const p: ConstantProductPool = {
    kind: "constantProduct",
    id: c.pool,
    assets: [c.assets[0], c.assets[1]],
    reserves: [0n, 0n],
    feeBps: c.feeBps,
    totalSupply: 0n,
  };
  s.pools.set(c.pool, p);
  emit(ev, "PoolCreated", { pool: c.pool, kind: "constantProduct", assets: c.assets, feeBps: c.feeBps });
}

export interface RampA {
  type: "rampA";
  pool: PoolId;
  futureA: bigint;
  futureTime: bigint;
}

/** Curve's `ramp_A`: A moves linearly to futureA by futureTime; at most ×10 or ÷10, over at least a day. */
export function rampA(s: MarketState, ctx: MarketContext, ev: Events, c: RampA): void {
  requireAdmin(s, ctx);
  const p = pool(s, c.pool);
  require(p.kind === "stableswap", "NotStableSwap");
  const t = ctx.timestamp;
  require(t >= p.initialATime + ss.MIN_RAMP_TIME, "RampTooSoon", "a day must pass between ramps");
  require(c.futureTime >= t + ss.MIN_RAMP_TIME, "RampTooShort", "a ramp lasts at least a day");
  const initial = ss.ampAt(p, t);
  const future = c.futureA * ss.A_PRECISION;
  require(c.futureA > 0n && c.futureA < ss.MAX_A, "InvalidAmplification");
  require(future < initial
    ? future * ss.MAX_A_CHANGE >= initial
    : future <= initial * ss.MAX_A_CHANGE, "RampTooSteep", "A may change by a factor of 10 at most");
  s.pools.set(c.pool, { ...p, initialA: initial, futureA: future, initialATime: t, futureATime: c.futureTime });
  emit(ev, "RampA", { pool: c.pool, oldA: initial, newA: future, initialTime: t, futureTime: c.futureTime });
}

export function stopRampA(s: MarketState, ctx: MarketContext, ev: Events, c: { pool: PoolId }): void {
  requireAdmin(s, ctx);
  const p = pool(s, c.pool);
  require(p.kind === "stableswap", "NotStableSwap");
  const current = ss.ampAt(p, ctx.timestamp);
  s.pools.set(c.pool, {
    ...p,
    initialA: current,
    futureA: current,
    initialATime: ctx.timestamp,
    futureATime: ctx.timestamp,
  });
  emit(ev, "StopRampA", { pool: c.pool, A: current, t: ctx.timestamp });
}

/** stableswap-ng's oracle rates: updates the coins' rate multipliers (e.g. the LRT exchange rate moved). */
export function setPoolRates(
  s: MarketState,
  ctx: MarketContext,
  ev: Events,
  c: { pool: PoolId; rateMultipliers: bigint[] },
): void {
  requireAdmin(s, ctx);
  const p = pool(s, c.pool);
  require(p.kind === "stableswap", "NotStableSwap");
  require(c.rateMultipliers.length === p.assets.length, "InputArrayLengthMismatch", "one rate multiplier per coin");
  require(c.rateMultipliers.every((m) => m > 0n), "InvalidRate", "rate multipliers must be positive");
  const rates = p.assets.map((a, i) => ss.rateFor(asset(s, a).decimals, c.rateMultipliers[i] as bigint));
  s.pools.set(c.pool, { ...p, rates, rateMultipliers: [...c.rateMultipliers] });
  emit(ev, "PoolRatesUpdated", { pool: c.pool, rateMultipliers: c.rateMultipliers });
}

// ── swaps ────────────────────────────────────────────────────────────────────────────────────────────────────────

export interface SwapCommand {
  type: "swap";
  pool: PoolId;
  assetIn: AssetId;
  assetOut: AssetId;
  amountIn: bigint;
  minAmountOut: bigint;
}

export interface SwapQuote {
  pool: PoolId;
  assetIn: AssetId;
  assetOut: AssetId;
  amountIn: bigint;
  amountOut: bigint;
  /** fee in the output coin (Curve) or input coin (constant product), LP and admin parts together */
  fee: bigint;
  /** spot price of assetIn in assetOut before and after, WAD */
  spotBefore: bigint;
  spotAfter: bigint;
  /** effective price amountOut/amountIn in whole tokens, WAD */
  effectivePrice: bigint;
  /** 1 − effective/spotBefore, WAD (negative never happens) */
  priceImpact: bigint;
}

function applySwap(p: PoolRecord, i: number, j: number, amountIn: bigint, t: bigint) {
  if (p.kind === "stableswap") {
    const r = ss.exchange(p, i, j, amountIn, t);
    return { pool: r.pool as PoolRecord, amountOut: r.amountOut, fee: r.fee + r.adminFee };
  }
  require(i !== j, "SameCoin");
  const r = cp.swap(p, i as 0 | 1, amountIn);
  return { pool: r.pool as PoolRecord, amountOut: r.amountOut, fee: r.fee };
}

/** Price of asset in quote from a pool's current state, WAD, whole tokens. */
export function poolSpotPrice(s: MarketState, id: PoolId, a: AssetId, quote: AssetId, t: bigint): bigint {
  const p = pool(s, id);
  return spotOf(s, p, coinIndex(p, a), coinIndex(p, quote), t);
}

function spotOf(s: MarketState, p: PoolRecord, i: number, j: number, t: bigint): bigint {
  require(i !== j, "SameCoin");
  if (p.kind === "stableswap") return ss.spotPrice(p, i, j, t);
  const d: [number, number] = [asset(s, p.assets[0]).decimals, asset(s, p.assets[1]).decimals];
  return cp.spotPrice(p, i as 0 | 1, d);
}

/** What a swap would give, without changing anything. */
export function quoteSwap(
  s: MarketState,
  id: PoolId,
  assetIn: AssetId,
  assetOut: AssetId,
  amountIn: bigint,
  t: bigint,
): SwapQuote {
  const p = pool(s, id);
  const i = coinIndex(p, assetIn);
  const j = coinIndex(p, assetOut);
  require(amountIn > 0n, "ZeroAmount", "amountIn must be positive");
  const spotBefore = spotOf(s, p, i, j, t);
  const r = applySwap(p, i, j, amountIn, t);
  const spotAfter = r.amountOut > 0n ? spotOf(s, r.pool, i, j, t) : 0n;
  const di = 10n ** BigInt(asset(s, assetIn).decimals);
  const dj = 10n ** BigInt(asset(s, assetOut).decimals);
  const effectivePrice = (r.amountOut * di * WAD) / (amountIn * dj);
  const priceImpact = effectivePrice >= spotBefore ? 0n : WAD - (effectivePrice * WAD) / spotBefore;
  return {
    pool: id,
    assetIn,
    assetOut,
    amountIn,
    amountOut: r.amountOut,
    fee: r.fee,
    spotBefore,
    spotAfter,
    effectivePrice,
    priceImpact,
  };
}

/** Swaps `amountIn` from `trader`'s wallet; returns the amount received. */
export function swapFor(
  s: MarketState,
  ctx: MarketContext,
  ev: Events,
  trader: Address,
  c: Omit<SwapCommand, "type">,
): bigint {
  const p = pool(s, c.pool);
  const i = coinIndex(p, c.assetIn);
  const j = coinIndex(p, c.assetOut);
  require(c.amountIn > 0n, "ZeroAmount", "amountIn must be positive");
  const r = applySwap(p, i, j, c.amountIn, ctx.timestamp);
  require(r.amountOut >= c.minAmountOut, "SlippageExceeded", "exchange resulted in fewer coins than expected", {
    amountOut: r.amountOut,
    minAmountOut: c.minAmountOut,
  });
  debit(s, c.assetIn, trader, c.amountIn);
  credit(s, c.assetOut, trader, r.amountOut);
  s.pools.set(c.pool, r.pool);
  emit(ev, "TokenExchange", {
    pool: c.pool,
    buyer: trader,
    assetIn: c.assetIn,
    amountIn: c.amountIn,
    assetOut: c.assetOut,
    amountOut: r.amountOut,
    fee: r.fee,
  });
  return r.amountOut;
}

// ── liquidity ────────────────────────────────────────────────────────────────────────────────────────────────────

export interface AddLiquidity {
  type: "addLiquidity";
  pool: PoolId;
  /** one per coin, in the pool's coin order */
  amounts: bigint[];
  minLpOut: bigint;
}

export interface RemoveLiquidity {
  type: "removeLiquidity";
  pool: PoolId;
  lpAmount: bigint;
  minAmounts: bigint[];
}

export interface RemoveLiquidityImbalance {
  type: "removeLiquidityImbalance";
  pool: PoolId;
  amounts: bigint[];
  maxLpBurn: bigint;
}

export interface RemoveLiquidityOneCoin {
  type: "removeLiquidityOneCoin";
  pool: PoolId;
  lpAmount: bigint;
  asset: AssetId;
  minAmount: bigint;
}

export function addLiquidity(s: MarketState, ctx: MarketContext, ev: Events, c: AddLiquidity): bigint {
  const p = pool(s, c.pool);
  require(c.amounts.length === p.assets.length, "InputArrayLengthMismatch", "one amount per coin");
  require(c.amounts.some((a) => a > 0n), "ZeroAmount", "nothing to deposit");
  let minted: bigint;
  let paid: bigint[];
  if (p.kind === "stableswap") {
    const r = ss.addLiquidity(p, c.amounts, ctx.timestamp);
    s.pools.set(c.pool, r.pool);
    minted = r.lpAmount;
    paid = r.amounts;
  } else {
    const r = cp.addLiquidity(p, [c.amounts[0] as bigint, c.amounts[1] as bigint]);
    s.pools.set(c.pool, r.pool);
    minted = r.lpAmount;
    paid = r.amounts;
    creditLp(s, c.pool, "0x0000000000000000000000000000000000000000", r.locked);
  }
  require(minted >= c.minLpOut, "SlippageExceeded", "fewer LP tokens than expected", { minted, min: c.minLpOut });
  p.assets.forEach((a, i) => {
    debit(s, a, ctx.caller, paid[i] as bigint);
  });
  creditLp(s, c.pool, ctx.caller, minted);
  emit(ev, "AddLiquidity", { pool: c.pool, provider: ctx.caller, amounts: paid, lpMinted: minted });
  return minted;
}

export function removeLiquidity(s: MarketState, ctx: MarketContext, ev: Events, c: RemoveLiquidity): bigint[] {
  const p = pool(s, c.pool);
  require(c.lpAmount > 0n, "ZeroAmount");
  require(c.minAmounts.length === p.assets.length, "InputArrayLengthMismatch", "one minimum per coin");
  debitLp(s, c.pool, ctx.caller, c.lpAmount);
  let out: bigint[];
  if (p.kind === "stableswap") {
    const r = ss.removeLiquidity(p, c.lpAmount);
    s.pools.set(c.pool, r.pool);
    out = r.amounts;
  } else {
    const r = cp.removeLiquidity(p, c.lpAmount);
    s.pools.set(c.pool, r.pool);
    out = r.amounts;
  }
  out.forEach((a, i) => {
    require(a >= (c.minAmounts[i] as bigint), "SlippageExceeded", "withdrawal resulted in fewer coins than expected");
    credit(s, p.assets[i] as AssetId, ctx.caller, a);
  });
  emit(ev, "RemoveLiquidity", { pool: c.pool, provider: ctx.caller, amounts: out, lpBurned: c.lpAmount });
  return out;
}

export function removeLiquidityImbalance(
  s: MarketState,
  ctx: MarketContext,
  ev: Events,
  c: RemoveLiquidityImbalance,
): bigint {
  const p = pool(s, c.pool);
  require(p.kind === "stableswap", "NotStableSwap", "imbalanced withdrawals are a StableSwap feature");
  require(c.amounts.length === p.assets.length, "InputArrayLengthMismatch", "one amount per coin");
  require(c.amounts.some((a) => a > 0n), "ZeroAmount");
  const r = ss.removeLiquidityImbalance(p, c.amounts, ctx.timestamp);
  require(r.lpAmount <= c.maxLpBurn, "SlippageExceeded", "more LP tokens burned than allowed", {
    burn: r.lpAmount,
    max: c.maxLpBurn,
  });
  debitLp(s, c.pool, ctx.caller, r.lpAmount);
  s.pools.set(c.pool, r.pool);
  p.assets.forEach((a, i) => {
    credit(s, a, ctx.caller, c.amounts[i] as bigint);
  });
  emit(ev, "RemoveLiquidityImbalance", {
    pool: c.pool,
    provider: ctx.caller,
    amounts: c.amounts,
    lpBurned: r.lpAmount,
  });
  return r.lpAmount;
}

export function removeLiquidityOneCoin(
  s: MarketState,
  ctx: MarketContext,
  ev: Events,
  c: RemoveLiquidityOneCoin,
): bigint {
  const p = pool(s, c.pool);
  require(p.kind === "stableswap", "NotStableSwap", "single-coin withdrawals are a StableSwap feature");
  require(c.lpAmount > 0n, "ZeroAmount");
  const i = coinIndex(p, c.asset);
  debitLp(s, c.pool, ctx.caller, c.lpAmount);
  const r = ss.removeLiquidityOneCoin(p, c.lpAmount, i, ctx.timestamp);
  const dy = r.amounts[i] as bigint;
  require(dy >= c.minAmount, "SlippageExceeded", "not enough coins removed");
  s.pools.set(c.pool, r.pool);
  credit(s, c.asset, ctx.caller, dy);
  emit(ev, "RemoveLiquidityOne", {
    pool: c.pool,
    provider: ctx.caller,
    lpBurned: c.lpAmount,
    asset: c.asset,
    amount: dy,
  });
  return dy;
}

export function withdrawAdminFees(s: MarketState, ctx: MarketContext, ev: Events, c: { pool: PoolId }): bigint[] {
  requireAdmin(s, ctx);
  const p = pool(s, c.pool);
  require(p.kind === "stableswap", "NotStableSwap");
  const fees = p.adminBalances;
  p.assets.forEach((a, i) => {
    credit(s, a, s.params.admin, fees[i] as bigint);
  });
  s.pools.set(c.pool, { ...p, adminBalances: p.assets.map(() => 0n) });
  emit(ev, "WithdrawAdminFees", { pool: c.pool, amounts: fees });
  return fees;
}
