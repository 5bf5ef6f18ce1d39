/**
 * Morpho Blue-style isolated markets (morpho-blue v1.0.0): one loan token, one collateral token, an LLTV, supply and
 * borrow shares with virtual shares (1e6) and virtual assets (1), interest by a three-term Taylor expansion, a fee in
 * supply shares, liquidation at LTV ≥ LLTV with LIF = min(1.15, 1/(1 − 0.3·(1 − LLTV))) and Morpho's rounding (seized
 * assets round down, repaid shares up), and bad debt socialised to the market's suppliers when a borrower's collateral
 * reaches zero. The oracle price is the ratio of two oracles of this layer, scaled by 1e36 as Morpho's oracles are.
 * Not modelled: authorisations, callbacks, flash loans, Morpho's adaptive-curve IRM (a fixed or kinked rate instead).
 */
import { require } from "../core/shared/errors.ts";
import { asset, credit, debit } from "./ledger.ts";
import {
  min,
  mulDivDown,
  mulDivUp,
  SECONDS_PER_YEAR,
  toAssetsDown,
  toAssetsUp,
  toSharesDown,
  toSharesUp,
  UINT256_MAX,
  unit,
  WAD,
  wDivDown,
  wDivUp,
  wMulDown,
  wTaylorCompounded,
} from "./math.ts";
import { oracle, price } from "./oracles.ts";
import { k2, type MarketState } from "./state.ts";
import type {
  Address,
  AssetId,
  Events,
  MarketContext,
  MorphoIrm,
  MorphoMarket,
  MorphoMarketId,
  MorphoPosition,
  OracleId,
} from "./types.ts";
import { emit } from "./types.ts";

export const MAX_FEE = 25n * 10n ** 16n;
export const ORACLE_PRICE_SCALE = 10n ** 36n;
export const LIQUIDATION_CURSOR = 3n * 10n ** 17n;
export const MAX_LIQUIDATION_INCENTIVE_FACTOR = 115n * 10n ** 16n;

type Ctx = Pick<MarketContext, "timestamp" | "rates">;

/** LIF = min(1.15, WAD / (WAD − 0.3·(WAD − LLTV))), each step rounded down (Morpho.liquidate). */
export function liquidationIncentiveFactor(lltv: bigint): bigint {
  return min(MAX_LIQUIDATION_INCENTIVE_FACTOR, wDivDown(WAD, WAD - wMulDown(LIQUIDATION_CURSOR, WAD - lltv)));
}

export function marketOf(s: MarketState, id: MorphoMarketId): MorphoMarket {
  const m = s.morphoMarkets.get(id);
  require(m !== undefined, "MarketNotCreated", `no Morpho market ${id}`, { market: id });
  return m;
}

export function positionOf(s: MarketState, id: MorphoMarketId, u: Address): MorphoPosition {
  return s.morphoPositions.get(k2(id, u)) ?? { supplyShares: 0n, borrowShares: 0n, collateral: 0n };
}

function putPosition(s: MarketState, id: MorphoMarketId, u: Address, p: MorphoPosition): void {
  require(p.supplyShares >= 0n && p.borrowShares >= 0n && p.collateral >= 0n, "ArithmeticUnderflow");
  if (p.supplyShares === 0n && p.borrowShares === 0n && p.collateral === 0n) s.morphoPositions.delete(k2(id, u));
  else s.morphoPositions.set(k2(id, u), p);
}

/** The price of one collateral base unit in loan base units, scaled by 1e36 (IOracle.price). */
export function oraclePrice(s: MarketState, ctx: Ctx, m: MorphoMarket): bigint {
  const pc = price(s, ctx, m.collateralOracle);
  const pl = price(s, ctx, m.loanOracle);
  const dc = unit(asset(s, m.collateralToken).decimals);
  const dl = unit(asset(s, m.loanToken).decimals);
  return mulDivDown(pc * ORACLE_PRICE_SCALE, dl, pl * dc);
}

/** The IRM's borrow rate per second, WAD. */
export function borrowRatePerSecond(m: MorphoMarket): bigint {
  const irm = m.irm;
  switch (irm.kind) {
    case "none":
      return 0n;
    case "fixed":
      return (irm.aprBps * 10n ** 14n) / SECONDS_PER_YEAR;
    case "kink": {
      const c = irm.curve;
      const u = m.totalSupplyAssets === 0n ? 0n : wDivDown(m.totalBorrowAssets, m.totalSupplyAssets);
      const opt = c.optimalUsageRatio * 10n ** 14n;
      let annual = c.baseVariableBorrowRate * 10n ** 14n;
      if (u > opt) annual += (c.variableRateSlope1 + (c.variableRateSlope2 * (u - opt)) / (WAD - opt)) * 10n ** 14n;
      else annual += (c.variableRateSlope1 * 10n ** 14n * u) / opt;
      return annual / SECONDS_PER_YEAR;
    }
  }
}

/** Morpho._accrueInterest, returning the market after accrual (written to the state). */
export function accrueInterest(s: MarketState, ev: Events, id: MorphoMarketId, t: bigint): MorphoMarket {
  const m = marketOf(s, id);
  const elapsed = t - m.lastUpdate;
  if (elapsed === 0n) return m;
  let next: MorphoMarket = { ...m, lastUpdate: t };
  if (m.irm.kind !== "none") {
    const rate = borrowRatePerSecond(m);
    const interest = wMulDown(m.totalBorrowAssets, wTaylorCompounded(rate, elapsed));
    next = {
      ...next,
      totalBorrowAssets: m.totalBorrowAssets + interest,
      totalSupplyAssets: m.totalSupplyAssets + interest,
    };
    let feeShares = 0n;
    if (m.fee !== 0n) {
      const feeAmount = wMulDown(interest, m.fee);
      feeShares = toSharesDown(feeAmount, next.totalSupplyAssets - feeAmount, next.totalSupplyShares);
      next = { ...next, totalSupplyShares: next.totalSupplyShares + feeShares };
    }
    s.morphoMarkets.set(id, next);
    if (feeShares !== 0n) {
      const fp = positionOf(s, id, m.feeRecipient);
      putPosition(s, id, m.feeRecipient, { ...fp, supplyShares: fp.supplyShares + feeShares });
    }
    if (interest !== 0n) emit(ev, "AccrueInterest", { market: id, borrowRate: rate, interest, feeShares });
  } else {
    s.morphoMarkets.set(id, next);
  }
  return next;
}

export function borrowedAssets(m: MorphoMarket, p: MorphoPosition): bigint {
  return toAssetsUp(p.borrowShares, m.totalBorrowAssets, m.totalBorrowShares);
}

export function maxBorrow(m: MorphoMarket, p: MorphoPosition, collateralPrice: bigint): bigint {
  return wMulDown(mulDivDown(p.collateral, collateralPrice, ORACLE_PRICE_SCALE), m.lltv);
}

export function isHealthy(m: MorphoMarket, p: MorphoPosition, collateralPrice: bigint): boolean {
  if (p.borrowShares === 0n) return true;
  return maxBorrow(m, p, collateralPrice) >= borrowedAssets(m, p);
}

/** maxBorrow/borrowed as a health factor (WAD); UINT256_MAX without debt. */
export function healthFactor(m: MorphoMarket, p: MorphoPosition, collateralPrice: bigint): bigint {
  const b = borrowedAssets(m, p);
  if (b === 0n) return UINT256_MAX;
  return wDivDown(maxBorrow(m, p, collateralPrice), b);
}

function exactlyOneZero(a: bigint, b: bigint): boolean {
  return (a === 0n) !== (b === 0n);
}

// ── commands ─────────────────────────────────────────────────────────────────────────────────────────────────────

export interface CreateMorphoMarket {
  type: "createMorphoMarket";
  market: MorphoMarketId;
  loanToken: AssetId;
  collateralToken: AssetId;
  collateralOracle: OracleId;
  loanOracle: OracleId;
  irm: MorphoIrm;
  lltv: bigint;
  fee?: bigint;
  feeRecipient?: Address;
}

export function createMarket(s: MarketState, ctx: MarketContext, ev: Events, c: CreateMorphoMarket): void {
  require(ctx.caller === s.params.admin, "OnlyAdmin");
  require(!s.morphoMarkets.has(c.market), "MarketAlreadyCreated");
  asset(s, c.loanToken);
  asset(s, c.collateralToken);
  require(c.loanToken !== c.collateralToken, "InconsistentInput", "loan and collateral tokens must differ");
  oracle(s, c.collateralOracle);
  oracle(s, c.loanOracle);
  require(c.lltv < WAD, "MaxLltvExceeded");
  const fee = c.fee ?? 0n;
  require(fee <= MAX_FEE, "MaxFeeExceeded");
  if (c.irm.kind === "kink") {
    const k = c.irm.curve;
    require(k.optimalUsageRatio > 0n && k.optimalUsageRatio < 10_000n, "InvalidOptimalUsageRatio");
  }
  const m: MorphoMarket = {
    id: c.market,
    loanToken: c.loanToken,
    collateralToken: c.collateralToken,
    collateralOracle: c.collateralOracle,
    loanOracle: c.loanOracle,
    irm: c.irm,
    lltv: c.lltv,
    fee,
    feeRecipient: c.feeRecipient ?? s.params.treasury,
    totalSupplyAssets: 0n,
    totalSupplyShares: 0n,
    totalBorrowAssets: 0n,
    totalBorrowShares: 0n,
    lastUpdate: ctx.timestamp,
  };
  s.morphoMarkets.set(c.market, m);
  emit(ev, "CreateMarket", { market: c.market, lltv: c.lltv, loanToken: c.loanToken, collateral: c.collateralToken });
}

export interface MorphoAmount {
  market: MorphoMarketId;
  /** exactly one of assets and shares is non-zero */
  assets: bigint;
  shares: bigint;
  onBehalf?: Address;
}

export function supply(s: MarketState, ctx: MarketContext, ev: Events, c: MorphoAmount): [bigint, bigint] {
  marketOf(s, c.market);
  require(exactlyOneZero(c.assets, c.shares), "InconsistentInput");
  const onBehalf = c.onBehalf ?? ctx.caller;
  const m = accrueInterest(s, ev, c.market, ctx.timestamp);
  let { assets, shares } = c;
  if (assets > 0n) shares = toSharesDown(assets, m.totalSupplyAssets, m.totalSupplyShares);
  else assets = toAssetsUp(shares, m.totalSupplyAssets, m.totalSupplyShares);
  const p = positionOf(s, c.market, onBehalf);
  putPosition(s, c.market, onBehalf, { ...p, supplyShares: p.supplyShares + shares });
  s.morphoMarkets.set(c.market, {
    ...m,
    totalSupplyShares: m.totalSupplyShares + shares,
    totalSupplyAssets: m.totalSupplyAssets + assets,
  });
  debit(s, m.loanToken, ctx.caller, assets);
  emit(ev, "Supply", { market: c.market, caller: ctx.caller, onBehalf, assets, shares });
  return [assets, shares];
}

export function withdraw(s: MarketState, ctx: MarketContext, ev: Events, c: MorphoAmount): [bigint, bigint] {
  marketOf(s, c.market);
  require(exactlyOneZero(c.assets, c.shares), "InconsistentInput");
  require(c.onBehalf === undefined || c.onBehalf === ctx.caller, "Unauthorized");
  const u = ctx.caller;
  const m = accrueInterest(s, ev, c.market, ctx.timestamp);
  let { assets, shares } = c;
  if (assets > 0n) shares = toSharesUp(assets, m.totalSupplyAssets, m.totalSupplyShares);
  else assets = toAssetsDown(shares, m.totalSupplyAssets, m.totalSupplyShares);
  const p = positionOf(s, c.market, u);
  putPosition(s, c.market, u, { ...p, supplyShares: p.supplyShares - shares });
  const next = {
    ...m,
    totalSupplyShares: m.totalSupplyShares - shares,
    totalSupplyAssets: m.totalSupplyAssets - assets,
  };
  require(next.totalSupplyShares >= 0n && next.totalSupplyAssets >= 0n, "ArithmeticUnderflow");
  require(next.totalBorrowAssets <= next.totalSupplyAssets, "InsufficientLiquidity");
  s.morphoMarkets.set(c.market, next);
  credit(s, m.loanToken, u, assets);
  emit(ev, "Withdraw", { market: c.market, onBehalf: u, assets, shares });
  return [assets, shares];
}

export function borrow(s: MarketState, ctx: MarketContext, ev: Events, c: MorphoAmount): [bigint, bigint] {
  marketOf(s, c.market);
  require(exactlyOneZero(c.assets, c.shares), "InconsistentInput");
  require(c.onBehalf === undefined || c.onBehalf === ctx.caller, "Unauthorized");
  const u = ctx.caller;
  const m = accrueInterest(s, ev, c.market, ctx.timestamp);
  let { assets, shares } = c;
  if (assets > 0n) shares = toSharesUp(assets, m.totalBorrowAssets, m.totalBorrowShares);
  else assets = toAssetsDown(shares, m.totalBorrowAssets, m.totalBorrowShares);
  const p = positionOf(s, c.market, u);
  const np = { ...p, borrowShares: p.borrowShares + shares };
  putPosition(s, c.market, u, np);
  const next = {
    ...m,
    totalBorrowShares: m.totalBorrowShares + shares,
    totalBorrowAssets: m.totalBorrowAssets + assets,
  };
  s.morphoMarkets.set(c.market, next);
  require(isHealthy(next, np, oraclePrice(s, ctx, next)), "InsufficientCollateral", "the borrow exceeds the LLTV");
  require(next.totalBorrowAssets <= next.totalSupplyAssets, "InsufficientLiquidity");
  credit(s, m.loanToken, u, assets);
  emit(ev, "Borrow", { market: c.market, onBehalf: u, assets, shares });
  return [assets, shares];
}

export function repay(s: MarketState, ctx: MarketContext, ev: Events, c: MorphoAmount): [bigint, bigint] {
  marketOf(s, c.market);
  require(exactlyOneZero(c.assets, c.shares), "InconsistentInput");
  const onBehalf = c.onBehalf ?? ctx.caller;
  const m = accrueInterest(s, ev, c.market, ctx.timestamp);
  let { assets, shares } = c;
  if (assets > 0n) shares = toSharesDown(assets, m.totalBorrowAssets, m.totalBorrowShares);
  else assets = toAssetsUp(shares, m.totalBorrowAssets, m.totalBorrowShares);
  const p = positionOf(s, c.market, onBehalf);
  putPosition(s, c.market, onBehalf, { ...p, borrowShares: p.borrowShares - shares });
  const tba = m.totalBorrowAssets - assets;
  s.morphoMarkets.set(c.market, {
    ...m,
    totalBorrowShares: m.totalBorrowShares - shares,
    totalBorrowAssets: tba > 0n ? tba : 0n,
  });
  debit(s, m.loanToken, ctx.caller, assets);
  emit(ev, "Repay", { market: c.market, caller: ctx.caller, onBehalf, assets, shares });
  return [assets, shares];
}

export function supplyCollateral(
  s: MarketState,
  ctx: MarketContext,
  ev: Events,
  c: { market: MorphoMarketId; assets: bigint; onBehalf?: Address },
): void {
  const m = marketOf(s, c.market);
  require(c.assets !== 0n, "ZeroAssets");
  const onBehalf = c.onBehalf ?? ctx.caller;
  const p = positionOf(s, c.market, onBehalf);
  putPosition(s, c.market, onBehalf, { ...p, collateral: p.collateral + c.assets });
  debit(s, m.collateralToken, ctx.caller, c.assets);
  emit(ev, "SupplyCollateral", { market: c.market, caller: ctx.caller, onBehalf, assets: c.assets });
}

export function withdrawCollateral(
  s: MarketState,
  ctx: MarketContext,
  ev: Events,
  c: { market: MorphoMarketId; assets: bigint },
): void {
  marketOf(s, c.market);
  require(c.assets !== 0n, "ZeroAssets");
  const u = ctx.caller;
  const m = accrueInterest(s, ev, c.market, ctx.timestamp);
  const p = positionOf(s, c.market, u);
  const np = { ...p, collateral: p.collateral - c.assets };
  putPosition(s, c.market, u, np);
  require(isHealthy(m, np, oraclePrice(s, ctx, m)), "InsufficientCollateral", "the position would be unhealthy");
  credit(s, m.collateralToken, u, c.assets);
  emit(ev, "WithdrawCollateral", { market: c.market, onBehalf: u, assets: c.assets });
}

export interface MorphoLiquidate {
  type: "morphoLiquidate";
  market: MorphoMarketId;
  borrower: Address;
  /** exactly one of seizedAssets and repaidShares is non-zero */
  seizedAssets: bigint;
  repaidShares: bigint;
}

export interface MorphoLiquidationResult {
  seizedAssets: bigint;
  repaidAssets: bigint;
  repaidShares: bigint;
  badDebtAssets: bigint;
  badDebtShares: bigint;
  liquidationIncentiveFactor: bigint;
  healthFactorBefore: bigint;
  healthFactorAfter: bigint;
}

export function liquidate(
  s: MarketState,
  ctx: MarketContext,
  ev: Events,
  c: Omit<MorphoLiquidate, "type">,
): MorphoLiquidationResult {
  marketOf(s, c.market);
  require(exactlyOneZero(c.seizedAssets, c.repaidShares), "InconsistentInput");
  let m = accrueInterest(s, ev, c.market, ctx.timestamp);
  const collateralPrice = oraclePrice(s, ctx, m);
  const p0 = positionOf(s, c.market, c.borrower);
  require(!isHealthy(m, p0, collateralPrice), "HealthyPosition", "the position is healthy");
  const hfBefore = healthFactor(m, p0, collateralPrice);
  const lif = liquidationIncentiveFactor(m.lltv);
  let { seizedAssets, repaidShares } = c;
  if (seizedAssets > 0n) {
    const quoted = mulDivUp(seizedAssets, collateralPrice, ORACLE_PRICE_SCALE);
    repaidShares = toSharesUp(wDivUp(quoted, lif), m.totalBorrowAssets, m.totalBorrowShares);
  } else {
    seizedAssets = mulDivDown(
      wMulDown(toAssetsDown(repaidShares, m.totalBorrowAssets, m.totalBorrowShares), lif),
      ORACLE_PRICE_SCALE,
      collateralPrice,
    );
  }
  const repaidAssets = toAssetsUp(repaidShares, m.totalBorrowAssets, m.totalBorrowShares);
  const p1 = { ...p0, borrowShares: p0.borrowShares - repaidShares, collateral: p0.collateral - seizedAssets };
  require(p1.borrowShares >= 0n && p1.collateral >= 0n, "ArithmeticUnderflow", "more than the position holds");
  const tba = m.totalBorrowAssets - repaidAssets;
  m = { ...m, totalBorrowShares: m.totalBorrowShares - repaidShares, totalBorrowAssets: tba > 0n ? tba : 0n };
  let badDebtShares = 0n;
  let badDebtAssets = 0n;
  if (p1.collateral === 0n) {
    badDebtShares = p1.borrowShares;
    badDebtAssets = min(m.totalBorrowAssets, toAssetsUp(badDebtShares, m.totalBorrowAssets, m.totalBorrowShares));
    m = {
      ...m,
      totalBorrowAssets: m.totalBorrowAssets - badDebtAssets,
      totalSupplyAssets: m.totalSupplyAssets - badDebtAssets,
      totalBorrowShares: m.totalBorrowShares - badDebtShares,
    };
    p1.borrowShares = 0n;
  }
  s.morphoMarkets.set(c.market, m);
  putPosition(s, c.market, c.borrower, p1);
  credit(s, m.collateralToken, ctx.caller, seizedAssets);
  debit(s, m.loanToken, ctx.caller, repaidAssets);
  const hfAfter = healthFactor(m, p1, collateralPrice);
  emit(ev, "Liquidate", {
    market: c.market,
    caller: ctx.caller,
    borrower: c.borrower,
    repaidAssets,
    repaidShares,
    seizedAssets,
    badDebtAssets,
    badDebtShares,
  });
  if (badDebtAssets !== 0n) {
    s.badDebt.push("all", {
      venue: "morpho",
      market: c.market,
      asset: m.loanToken,
      borrower: c.borrower,
      amount: badDebtAssets,
      timestamp: ctx.timestamp,
    });
  }
  s.liquidations.push("all", {
    venue: "morpho",
    market: c.market,
    timestamp: ctx.timestamp,
    liquidator: ctx.caller,
    borrower: c.borrower,
    collateralAsset: m.collateralToken,
    debtAsset: m.loanToken,
    debtRepaid: repaidAssets,
    collateralSeized: seizedAssets,
    protocolFee: 0n,
    badDebt: badDebtAssets,
    healthFactorBefore: hfBefore,
    healthFactorAfter: hfAfter,
  });
  return {
    seizedAssets,
    repaidAssets,
    repaidShares,
    badDebtAssets,
    badDebtShares,
    liquidationIncentiveFactor: lif,
    healthFactorBefore: hfBefore,
    healthFactorAfter: hfAfter,
  };
}

/** Morpho.accrueInterest as a public command. */
export function accrue(s: MarketState, ctx: MarketContext, ev: Events, c: { market: MorphoMarketId }): void {
  accrueInterest(s, ev, c.market, ctx.timestamp);
}
