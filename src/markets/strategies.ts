/**
 * Composite strategies, each one atomic command: the leveraged loop (deposit an LRT, borrow ETH, swap it for more of
 * the LRT in a pool, deposit again) and liquidate-and-swap (liquidate, sell the seized collateral in a pool, keep the
 * difference; optionally with a flash loan of the repayment). Also the loop's closed-form arithmetic.
 */
import { require } from "../core/shared/errors.ts";
import * as aave from "./aave.ts";
import { balanceOf, credit, debit } from "./ledger.ts";
import { PERCENTAGE_FACTOR, UINT256_MAX, unit, WAD } from "./math.ts";
import * as morpho from "./morpho.ts";
import { price } from "./oracles.ts";
import { coinIndex, pool, swapFor } from "./pools.ts";
import type { MarketState } from "./state.ts";
import type { Address, AssetId, Events, MarketContext, MorphoMarketId, PoolId } from "./types.ts";
import { emit } from "./types.ts";
import { aavePosition, morphoPosition } from "./views.ts";

// ── closed forms ─────────────────────────────────────────────────────────────────────────────────────────────────

/** The limit of an infinite loop at a given LTV: 1/(1 − LTV), WAD (LTV in basis points). */
export function maxLoopLeverage(ltvBps: bigint): bigint {
  require(ltvBps < PERCENTAGE_FACTOR, "InputOutOfRange", "LTV < 100%");
  return (WAD * PERCENTAGE_FACTOR) / (PERCENTAGE_FACTOR - ltvBps);
}

/** Leverage after n rounds borrowing the full LTV each time (price 1, no slippage): Σ_{k=0..n} LTVᵏ, WAD. */
export function loopLeverage(ltvBps: bigint, rounds: number): bigint {
  let term = WAD;
  let sum = WAD;
  for (let k = 0; k < rounds; k++) {
    term = (term * ltvBps) / PERCENTAGE_FACTOR;
    sum += term;
  }
  return sum;
}

/** The price drop that takes a position opened at the maximum LTV to liquidation: 1 − LTV/LT, WAD. */
export function priceDropToLiquidation(ltvBps: bigint, liquidationThresholdBps: bigint): bigint {
  require(liquidationThresholdBps > 0n, "InputOutOfRange", "LT > 0");
  return WAD - (ltvBps * WAD) / liquidationThresholdBps;
}

// ── the loop ─────────────────────────────────────────────────────────────────────────────────────────────────────

export interface LoopCommand {
  type: "loop";
  venue: "aave" | "morpho";
  /** Morpho: the market (its collateral and loan tokens); Aave: collateral and debt assets */
  market?: MorphoMarketId;
  collateral?: AssetId;
  debt?: AssetId;
  /** the pool that turns the borrowed asset into collateral */
  pool: PoolId;
  /** collateral deposited from the wallet first (0: loop on the existing position) */
  initialAmount: bigint;
  /** 1 to 100 rounds */
  iterations: bigint;
  /** share of the remaining borrowing power used each round, basis points (≤ 10000) */
  borrowFractionBps: bigint;
  /** optional slippage guard per swap: minimum collateral per borrowed token, WAD (whole tokens) */
  minSwapPrice?: bigint;
}

export interface LoopResult {
  rounds: number;
  borrowed: bigint;
  deposited: bigint;
  /** the position after the loop: HF (WAD), leverage C/(C − B) (WAD, null if underwater) */
  healthFactor: bigint;
  leverage: bigint | null;
  /** the collateral price at which HF reaches 1 (Aave: base currency, 8 decimals; Morpho: loan tokens, WAD) */
  liquidationPrice: bigint | null;
  /** 1 − liquidationPrice/price, WAD */
  distanceToLiquidation: bigint | null;
}

function minOut(s: MarketState, amountIn: bigint, from: AssetId, to: AssetId, minPrice: bigint | undefined): bigint {
  if (minPrice === undefined || minPrice === 0n) return 0n;
  const di = unit(s.assets.get(from)?.decimals ?? 18);
  const dj = unit(s.assets.get(to)?.decimals ?? 18);
  return (amountIn * minPrice * dj) / (di * WAD);
}

export function loop(s: MarketState, ctx: MarketContext, ev: Events, c: LoopCommand): LoopResult {
  require(c.iterations >= 1n && c.iterations <= 100n, "InputOutOfRange", "1 to 100 iterations");
  require(c.borrowFractionBps > 0n && c.borrowFractionBps <= PERCENTAGE_FACTOR, "InputOutOfRange", "0 < fraction ≤ 1");
  const u = ctx.caller;
  let collateral: AssetId;
  let debt: AssetId;
  if (c.venue === "morpho") {
    require(c.market !== undefined, "InvalidInput", "a Morpho loop needs a market");
    const m = morpho.marketOf(s, c.market);
    collateral = m.collateralToken;
    debt = m.loanToken;
  } else {
    require(c.venue === "aave", "InvalidInput", "venue is aave or morpho");
    require(c.collateral !== undefined && c.debt !== undefined, "InvalidInput", "an Aave loop needs both assets");
    collateral = c.collateral;
    debt = c.debt;
    aave.reserveOf(s, collateral);
    aave.reserveOf(s, debt);
  }
  const p = pool(s, c.pool);
  coinIndex(p, collateral);
  coinIndex(p, debt);
  let deposited = 0n;
  let borrowed = 0n;
  const deposit = (amount: bigint): void => {
    if (c.venue === "morpho") morpho.supplyCollateral(s, ctx, ev, { market: c.market as string, assets: amount });
    else {
      aave.supply(s, ctx, ev, { asset: collateral, amount });
      if (!aave.userOf(s, u).collateral.includes(collateral)) {
        aave.setUseReserveAsCollateral(s, ctx, ev, { asset: collateral, useAsCollateral: true });
      }
    }
    deposited += amount;
  };
  if (c.initialAmount > 0n) deposit(c.initialAmount);
  let rounds = 0;
  for (let k = 0n; k < c.iterations; k++) {
    let amount: bigint;
    if (c.venue === "morpho") {
      const id = c.market as string;
      const m = morpho.accrueInterest(s, ev, id, ctx.timestamp);
      const pos = morpho.positionOf(s, id, u);
      const maxB = morpho.maxBorrow(m, pos, morpho.oraclePrice(s, ctx, m));
      const b = morpho.borrowedAssets(m, pos);
      amount = maxB > b ? ((maxB - b) * c.borrowFractionBps) / PERCENTAGE_FACTOR : 0n;
      if (amount === 0n) break;
      morpho.borrow(s, ctx, ev, { market: id, assets: amount, shares: 0n });
    } else {
      const d = aave.userAccountData(s, ctx, u);
      const avail = aave.availableBorrowsBase(d);
      // one base unit of margin: Aave's percentDiv rounds half up when it checks the new borrow
      const base = avail > 1n ? ((avail - 1n) * c.borrowFractionBps) / PERCENTAGE_FACTOR : 0n;
      const r = aave.reserveOf(s, debt);
      amount = (base * unit(r.decimals)) / price(s, ctx, r.oracle);
      if (amount === 0n) break;
      aave.borrow(s, ctx, ev, { asset: debt, amount });
    }
    borrowed += amount;
    const out = swapFor(s, ctx, ev, u, {
      pool: c.pool,
      assetIn: debt,
      assetOut: collateral,
      amountIn: amount,
      minAmountOut: minOut(s, amount, debt, collateral, c.minSwapPrice),
    });
    deposit(out);
    rounds++;
  }
  emit(ev, "Loop", { account: u, venue: c.venue, collateral, debt, rounds, borrowed, deposited });
  if (c.venue === "morpho") {
    const v = morphoPosition(s, ctx, c.market as string, u);
    return {
      rounds,
      borrowed,
      deposited,
      healthFactor: v.healthFactor,
      leverage: v.leverage,
      liquidationPrice: v.liquidationPrice?.priceWad ?? null,
      distanceToLiquidation: v.liquidationPrice?.distance ?? null,
    };
  }
  const v = aavePosition(s, ctx, u);
  const lp = v?.liquidationPrices.find((p) => p.asset === collateral);
  return {
    rounds,
    borrowed,
    deposited,
    healthFactor: v?.healthFactor ?? UINT256_MAX,
    leverage: v?.leverage ?? null,
    liquidationPrice: lp?.price ?? null,
    distanceToLiquidation: lp?.distance ?? null,
  };
}

// ── liquidate and swap ───────────────────────────────────────────────────────────────────────────────────────────

export interface LiquidateAndSwap {
  type: "liquidateAndSwap";
  venue: "aave" | "morpho";
  borrower: Address;
  /** Aave: the pair and the debt to cover (2²⁵⁶−1: as much as the close factor allows) */
  collateral?: AssetId;
  debt?: AssetId;
  debtToCover?: bigint;
  /** Morpho: the market; seizedAssets or repaidShares (both 0: as much as possible) */
  market?: MorphoMarketId;
  seizedAssets?: bigint;
  repaidShares?: bigint;
  /** where the seized collateral is sold for the debt asset */
  pool: PoolId;
  /** the command reverts (Unprofitable) unless the swap returns at least repaid + minProfit */
  minProfit: bigint;
  /** borrow the repayment for the duration of the command (a flash loan) */
  flash?: boolean;
}

export interface LiquidateAndSwapResult {
  repaid: bigint;
  seized: bigint;
  swappedOut: bigint;
  /** swappedOut − repaid, in the debt asset */
  profit: bigint;
  badDebt: bigint;
}

/** Morpho: the largest liquidation — all the debt, or all the collateral when that is worth less. */
export function morphoMaxLiquidation(
  s: MarketState,
  ctx: MarketContext,
  id: MorphoMarketId,
  borrower: Address,
): { seizedAssets: bigint; repaidShares: bigint } {
  const m = morpho.marketOf(s, id);
  const p = morpho.positionOf(s, id, borrower);
  const priceNow = morpho.oraclePrice(s, ctx, m);
  const lif = morpho.liquidationIncentiveFactor(m.lltv);
  const debtAssets = morpho.borrowedAssets(m, p);
  // collateral worth the whole debt plus the incentive
  const seizeForAll = (((debtAssets * lif) / WAD) * morpho.ORACLE_PRICE_SCALE) / priceNow;
  if (seizeForAll >= p.collateral) return { seizedAssets: p.collateral, repaidShares: 0n };
  return { seizedAssets: 0n, repaidShares: p.borrowShares };
}

export function liquidateAndSwap(
  s: MarketState,
  ctx: MarketContext,
  ev: Events,
  c: LiquidateAndSwap,
): LiquidateAndSwapResult {
  const liquidator = ctx.caller;
  let collateral: AssetId;
  let debt: AssetId;
  let flashAmount = 0n;
  if (c.venue === "morpho") {
    require(c.market !== undefined, "InvalidInput", "a Morpho liquidation needs a market");
    const m = morpho.accrueInterest(s, ev, c.market, ctx.timestamp);
    collateral = m.collateralToken;
    debt = m.loanToken;
    if (c.flash) flashAmount = morpho.borrowedAssets(m, morpho.positionOf(s, c.market, c.borrower));
  } else {
    require(c.venue === "aave", "InvalidInput", "venue is aave or morpho");
    require(c.collateral !== undefined &&
      c.debt !== undefined, "InvalidInput", "an Aave liquidation needs both assets");
    collateral = c.collateral;
    debt = c.debt;
    if (c.flash) flashAmount = aave.debtBalance(s, debt, c.borrower, ctx.timestamp);
  }
  const p = pool(s, c.pool);
  coinIndex(p, collateral);
  coinIndex(p, debt);
  if (flashAmount > 0n) credit(s, debt, liquidator, flashAmount);
  const debtBefore = balanceOf(s, debt, liquidator);
  const collBefore = balanceOf(s, collateral, liquidator);
  let badDebt = 0n;
  if (c.venue === "morpho") {
    let seizedAssets = c.seizedAssets ?? 0n;
    let repaidShares = c.repaidShares ?? 0n;
    if (seizedAssets === 0n && repaidShares === 0n) {
      ({ seizedAssets, repaidShares } = morphoMaxLiquidation(s, ctx, c.market as string, c.borrower));
    }
    const r = morpho.liquidate(s, ctx, ev, {
      market: c.market as string,
      borrower: c.borrower,
      seizedAssets,
      repaidShares,
    });
    badDebt = r.badDebtAssets;
  } else {
    const r = aave.liquidationCall(s, ctx, ev, {
      collateralAsset: collateral,
      debtAsset: debt,
      user: c.borrower,
      debtToCover: c.debtToCover ?? UINT256_MAX,
      receiveAToken: false,
    });
    badDebt = r.deficit.reduce((acc, d) => acc + d.amount, 0n);
  }
  const repaid = debtBefore - balanceOf(s, debt, liquidator);
  const seized = balanceOf(s, collateral, liquidator) - collBefore;
  require(seized > 0n, "NothingSeized");
  const swappedOut = swapFor(s, ctx, ev, liquidator, {
    pool: c.pool,
    assetIn: collateral,
    assetOut: debt,
    amountIn: seized,
    minAmountOut: 0n,
  });
  const profit = swappedOut - repaid;
  require(profit >= c.minProfit, "Unprofitable", `the liquidation yields ${profit} ${debt} after slippage`, {
    profit,
    minProfit: c.minProfit,
  });
  if (flashAmount > 0n) debit(s, debt, liquidator, flashAmount);
  emit(ev, "LiquidatedAndSwapped", { liquidator, borrower: c.borrower, repaid, seized, swappedOut, profit });
  return { repaid, seized, swappedOut, profit, badDebt };
}
