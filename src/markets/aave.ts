/**
 * An Aave v3.3-style lending pool (aave-v3-origin v3.3.0): reserves with scaled aToken and variable-debt balances,
 * the liquidity index (linear interest) and borrow index (three-term compounded interest), DefaultReserveInterest
 * RateStrategyV2 (uOptimal, slope1, slope2, in ray), the reserve factor accrued to the treasury, LTV, liquidation
 * threshold and bonus per asset, e-mode categories, supply and borrow caps, freezing (which parks the LTV at 0) and
 * LTV-0 collateral, and LiquidationLogic: the 50% close factor (100% at HF ≤ 0.95 or under $2,000 of collateral or
 * debt), the $1,000 minimum leftover, the protocol fee carved from the bonus, and v3.3's deficit: debt left on an
 * account with no collateral is burned and recorded as bad debt of the reserve.
 *
 * Rounding is Aave's: WadRayMath and PercentageMath round half up, base-currency conversions floor. Prices come from
 * the reserve's oracle (8-decimal base currency). Not modelled: isolation mode (debt ceilings), siloed borrowing,
 * stable debt, flash loans, the price-oracle sentinel and liquidation grace periods, aToken transfers.
 */
import { require } from "../core/shared/errors.ts";
import { asset, credit, debit } from "./ledger.ts";
import {
  compoundedInterest,
  linearInterest,
  PERCENTAGE_FACTOR,
  percentDiv,
  percentMul,
  RAY,
  rayDiv,
  rayMul,
  UINT256_MAX,
  unit,
  WAD,
  wadDiv,
} from "./math.ts";
import { oracle, price } from "./oracles.ts";
import { k2, type MarketState } from "./state.ts";
import type {
  AaveUser,
  Address,
  AssetId,
  EModeCategory,
  Events,
  MarketContext,
  RateCurve,
  ReserveConfig,
  ReserveRecord,
} from "./types.ts";
import { emit } from "./types.ts";

export const DEFAULT_LIQUIDATION_CLOSE_FACTOR = 5_000n;
export const CLOSE_FACTOR_HF_THRESHOLD = 95n * 10n ** 16n;
export const MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD = 2_000n * 10n ** 8n;
export const MIN_LEFTOVER_BASE = MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD / 2n;
export const HEALTH_FACTOR_LIQUIDATION_THRESHOLD = WAD;
export const MAX_BORROW_RATE = 100_000n;
export const MIN_OPTIMAL_POINT = 100n;
export const MAX_OPTIMAL_POINT = 9_900n;
export const MAX_VALID_CAP = 68_719_476_735n;
export const MAX_RESERVES_COUNT = 128;
export const MAX_UINT16 = 65_535n;

type Ctx = Pick<MarketContext, "timestamp" | "rates">;

// ── records ──────────────────────────────────────────────────────────────────────────────────────────────────────

export function reserveOf(s: MarketState, a: AssetId): ReserveRecord {
  const r = s.reserves.get(a);
  require(r !== undefined, "AssetNotListed", `${a} is not a reserve`, { asset: a });
  return r;
}

export function userOf(s: MarketState, u: Address): AaveUser {
  return s.aaveUsers.get(u) ?? { eMode: 0, collateral: [], borrowing: [] };
}

function putUser(s: MarketState, u: Address, rec: AaveUser): void {
  if (rec.eMode === 0 && rec.collateral.length === 0 && rec.borrowing.length === 0) s.aaveUsers.delete(u);
  else s.aaveUsers.set(u, rec);
}

function withFlag(list: AssetId[], a: AssetId, on: boolean): AssetId[] {
  const has = list.includes(a);
  if (on === has) return list;
  return on ? [...list, a].sort() : list.filter((x) => x !== a);
}

function setUsingAsCollateral(s: MarketState, ev: Events, u: Address, a: AssetId, on: boolean): void {
  const rec = userOf(s, u);
  if (rec.collateral.includes(a) === on) return;
  putUser(s, u, { ...rec, collateral: withFlag(rec.collateral, a, on) });
  emit(ev, on ? "ReserveUsedAsCollateralEnabled" : "ReserveUsedAsCollateralDisabled", { reserve: a, user: u });
}

function setBorrowing(s: MarketState, u: Address, a: AssetId, on: boolean): void {
  const rec = userOf(s, u);
  if (rec.borrowing.includes(a) === on) return;
  putUser(s, u, { ...rec, borrowing: withFlag(rec.borrowing, a, on) });
}

export function eModeOf(s: MarketState, id: number): EModeCategory | undefined {
  return id === 0 ? undefined : s.eModes.get(String(id));
}

/** Reserves in list order (Aave iterates its reserves list by id). */
export function reservesInOrder(s: MarketState): ReserveRecord[] {
  return [...s.reserves.values()].sort((a, b) => a.index - b.index);
}

// ── indexes and rates ────────────────────────────────────────────────────────────────────────────────────────────

export function normalizedIncome(r: ReserveRecord, t: bigint): bigint {
  if (r.lastUpdateTimestamp === t) return r.liquidityIndex;
  return rayMul(linearInterest(r.currentLiquidityRate, t - r.lastUpdateTimestamp), r.liquidityIndex);
}

export function normalizedDebt(r: ReserveRecord, t: bigint): bigint {
  if (r.lastUpdateTimestamp === t) return r.variableBorrowIndex;
  return rayMul(compoundedInterest(r.currentVariableBorrowRate, t - r.lastUpdateTimestamp), r.variableBorrowIndex);
}

/** ReserveLogic.updateState: accrues both indexes to t and the reserve factor's share of new interest. */
export function updateState(s: MarketState, a: AssetId, t: bigint): ReserveRecord {
  const r = reserveOf(s, a);
  if (r.lastUpdateTimestamp === t) return r;
  const dt = t - r.lastUpdateTimestamp;
  let liquidityIndex = r.liquidityIndex;
  let variableBorrowIndex = r.variableBorrowIndex;
  if (r.currentLiquidityRate !== 0n)
    liquidityIndex = rayMul(linearInterest(r.currentLiquidityRate, dt), liquidityIndex);
  if (r.scaledTotalDebt !== 0n) {
    variableBorrowIndex = rayMul(compoundedInterest(r.currentVariableBorrowRate, dt), variableBorrowIndex);
  }
  let accruedToTreasury = r.accruedToTreasury;
  if (r.reserveFactor !== 0n) {
    const prev = rayMul(r.scaledTotalDebt, r.variableBorrowIndex);
    const curr = rayMul(r.scaledTotalDebt, variableBorrowIndex);
    const toMint = percentMul(curr - prev, r.reserveFactor);
    if (toMint !== 0n) accruedToTreasury += rayDiv(toMint, liquidityIndex);
  }
  const next = { ...r, liquidityIndex, variableBorrowIndex, accruedToTreasury, lastUpdateTimestamp: t };
  s.reserves.set(a, next);
  return next;
}

function bpsToRay(n: bigint): bigint {
  return n * 10n ** 23n;
}

/** DefaultReserveInterestRateStrategyV2.calculateInterestRates: [liquidityRate, variableBorrowRate] in ray. */
export function calculateInterestRates(
  curve: RateCurve,
  p: { unbacked: bigint; availableLiquidity: bigint; totalDebt: bigint; reserveFactor: bigint },
): [bigint, bigint] {
  const optimal = bpsToRay(curve.optimalUsageRatio);
  const slope1 = bpsToRay(curve.variableRateSlope1);
  const slope2 = bpsToRay(curve.variableRateSlope2);
  let variableRate = bpsToRay(curve.baseVariableBorrowRate);
  if (p.totalDebt === 0n) return [0n, variableRate];
  const availableLiquidityPlusDebt = p.availableLiquidity + p.totalDebt;
  const borrowUsageRatio = rayDiv(p.totalDebt, availableLiquidityPlusDebt);
  const supplyUsageRatio = rayDiv(p.totalDebt, availableLiquidityPlusDebt + p.unbacked);
  if (borrowUsageRatio > optimal) {
    const excess = rayDiv(borrowUsageRatio - optimal, RAY - optimal);
    variableRate += slope1 + rayMul(slope2, excess);
  } else {
    variableRate += rayDiv(rayMul(slope1, borrowUsageRatio), optimal);
  }
  const liquidityRate = percentMul(rayMul(variableRate, supplyUsageRatio), PERCENTAGE_FACTOR - p.reserveFactor);
  return [liquidityRate, variableRate];
}

/** ReserveLogic.updateInterestRatesAndVirtualBalance. */
function updateInterestRates(s: MarketState, ev: Events, a: AssetId, added: bigint, taken: bigint): void {
  const r = reserveOf(s, a);
  require(r.virtualUnderlyingBalance + added >=
    taken, "InsufficientAvailableLiquidity", `the reserve holds ${r.virtualUnderlyingBalance + added} ${a}, ${taken} requested`, {
    asset: a,
  });
  const virtualUnderlyingBalance = r.virtualUnderlyingBalance + added - taken;
  const totalDebt = rayMul(r.scaledTotalDebt, r.variableBorrowIndex);
  const [liquidityRate, variableRate] = calculateInterestRates(r.rate, {
    unbacked: r.deficit,
    availableLiquidity: virtualUnderlyingBalance,
    totalDebt,
    reserveFactor: r.reserveFactor,
  });
  s.reserves.set(a, {
    ...r,
    currentLiquidityRate: liquidityRate,
    currentVariableBorrowRate: variableRate,
    virtualUnderlyingBalance,
  });
  emit(ev, "ReserveDataUpdated", {
    reserve: a,
    liquidityRate,
    variableBorrowRate: variableRate,
    liquidityIndex: r.liquidityIndex,
    variableBorrowIndex: r.variableBorrowIndex,
  });
}

// ── scaled balances (ScaledBalanceTokenBase) ─────────────────────────────────────────────────────────────────────

export function scaledSupplyOf(s: MarketState, a: AssetId, u: Address): bigint {
  return s.aSupply.get(k2(a, u)) ?? 0n;
}

export function scaledDebtOf(s: MarketState, a: AssetId, u: Address): bigint {
  return s.aDebt.get(k2(a, u)) ?? 0n;
}

function setScaled(
  s: MarketState,
  which: "aSupply" | "aDebt",
  a: AssetId,
  u: Address,
  delta: bigint,
  code: string,
): { before: bigint; amountScaled: bigint } {
  const table = s[which];
  const before = table.get(k2(a, u)) ?? 0n;
  const after = before + delta;
  require(after >= 0n, code, `${u} has ${before} scaled ${which === "aSupply" ? "aTokens" : "debt"} of ${a}`);
  if (after === 0n) table.delete(k2(a, u));
  else table.set(k2(a, u), after);
  const r = reserveOf(s, a);
  if (which === "aSupply") s.reserves.set(a, { ...r, scaledTotalSupply: r.scaledTotalSupply + delta });
  else s.reserves.set(a, { ...r, scaledTotalDebt: r.scaledTotalDebt + delta });
  return { before, amountScaled: delta < 0n ? -delta : delta };
}

/** AToken.mint; returns whether it was the first supply. */
function mintATokens(s: MarketState, a: AssetId, u: Address, amount: bigint, index: bigint): boolean {
  const scaled = rayDiv(amount, index);
  require(scaled !== 0n, "InvalidMintAmount");
  return setScaled(s, "aSupply", a, u, scaled, "InvalidMintAmount").before === 0n;
}

function burnATokens(s: MarketState, a: AssetId, u: Address, amount: bigint, index: bigint): void {
  const scaled = rayDiv(amount, index);
  require(scaled !== 0n, "InvalidBurnAmount");
  setScaled(s, "aSupply", a, u, -scaled, "NotEnoughAvailableUserBalance");
}

function mintDebt(s: MarketState, a: AssetId, u: Address, amount: bigint, index: bigint): boolean {
  const scaled = rayDiv(amount, index);
  require(scaled !== 0n, "InvalidMintAmount");
  return setScaled(s, "aDebt", a, u, scaled, "InvalidMintAmount").before === 0n;
}

function burnDebt(s: MarketState, a: AssetId, u: Address, amount: bigint, index: bigint): void {
  const scaled = rayDiv(amount, index);
  require(scaled !== 0n, "InvalidBurnAmount");
  setScaled(s, "aDebt", a, u, -scaled, "NoDebtOfSelectedType");
}

/** AToken.transferOnLiquidation: moves `amount` (scaled at the current index) without validation. */
function transferATokens(s: MarketState, a: AssetId, from: Address, to: Address, amount: bigint, index: bigint): void {
  const scaled = rayDiv(amount, index);
  if (scaled === 0n) return;
  setScaled(s, "aSupply", a, from, -scaled, "NotEnoughAvailableUserBalance");
  setScaled(s, "aSupply", a, to, scaled, "NotEnoughAvailableUserBalance");
}

export function aTokenBalance(s: MarketState, a: AssetId, u: Address, t: bigint): bigint {
  return rayMul(scaledSupplyOf(s, a, u), normalizedIncome(reserveOf(s, a), t));
}

export function debtBalance(s: MarketState, a: AssetId, u: Address, t: bigint): bigint {
  return rayMul(scaledDebtOf(s, a, u), normalizedDebt(reserveOf(s, a), t));
}

// ── account data (GenericLogic.calculateUserAccountData) ─────────────────────────────────────────────────────────

export interface AccountData {
  totalCollateralBase: bigint;
  totalDebtBase: bigint;
  /** weighted averages, basis points */
  avgLtv: bigint;
  avgLiquidationThreshold: bigint;
  /** WAD; UINT256_MAX without debt */
  healthFactor: bigint;
  hasZeroLtvCollateral: boolean;
}

/** LTV and liquidation threshold that apply to a collateral asset for a user in e-mode category `eMode`. */
export function collateralParams(
  s: MarketState,
  r: ReserveRecord,
  eMode: number,
): { ltv: bigint; liquidationThreshold: bigint; liquidationBonus: bigint; inEMode: boolean } {
  const cat = eModeOf(s, eMode);
  if (cat?.collateralAssets.includes(r.asset)) {
    return {
      ltv: cat.ltv,
      liquidationThreshold: cat.liquidationThreshold,
      liquidationBonus: cat.liquidationBonus,
      inEMode: true,
    };
  }
  return {
    ltv: r.ltv,
    liquidationThreshold: r.liquidationThreshold,
    liquidationBonus: r.liquidationBonus,
    inEMode: false,
  };
}

export function userAccountData(s: MarketState, ctx: Ctx, u: Address, eModeOverride?: number): AccountData {
  const rec = userOf(s, u);
  const eMode = eModeOverride ?? rec.eMode;
  if (rec.collateral.length === 0 && rec.borrowing.length === 0) {
    return {
      totalCollateralBase: 0n,
      totalDebtBase: 0n,
      avgLtv: 0n,
      avgLiquidationThreshold: 0n,
      healthFactor: UINT256_MAX,
      hasZeroLtvCollateral: false,
    };
  }
  const t = ctx.timestamp;
  let totalCollateral = 0n;
  let totalDebt = 0n;
  let avgLtv = 0n;
  let avgLt = 0n;
  let hasZeroLtvCollateral = false;
  for (const r of reservesInOrder(s)) {
    const isCollateral = rec.collateral.includes(r.asset);
    const isBorrowing = rec.borrowing.includes(r.asset);
    if (!isCollateral && !isBorrowing) continue;
    const assetUnit = unit(r.decimals);
    const p = price(s, ctx, r.oracle);
    if (r.liquidationThreshold !== 0n && isCollateral) {
      const balance = (rayMul(scaledSupplyOf(s, r.asset, u), normalizedIncome(r, t)) * p) / assetUnit;
      totalCollateral += balance;
      const cp = collateralParams(s, r, eMode);
      if (r.ltv !== 0n) avgLtv += balance * cp.ltv;
      else hasZeroLtvCollateral = true;
      avgLt += balance * cp.liquidationThreshold;
    }
    if (isBorrowing) {
      totalDebt += (rayMul(scaledDebtOf(s, r.asset, u), normalizedDebt(r, t)) * p) / assetUnit;
    }
  }
  avgLtv = totalCollateral !== 0n ? avgLtv / totalCollateral : 0n;
  avgLt = totalCollateral !== 0n ? avgLt / totalCollateral : 0n;
  const healthFactor = totalDebt === 0n ? UINT256_MAX : wadDiv(percentMul(totalCollateral, avgLt), totalDebt);
  return {
    totalCollateralBase: totalCollateral,
    totalDebtBase: totalDebt,
    avgLtv,
    avgLiquidationThreshold: avgLt,
    healthFactor,
    hasZeroLtvCollateral,
  };
}

/** GenericLogic.calculateAvailableBorrows, in the base currency. */
export function availableBorrowsBase(d: AccountData): bigint {
  const available = percentMul(d.totalCollateralBase, d.avgLtv);
  return available <= d.totalDebtBase ? 0n : available - d.totalDebtBase;
}

function validateHealthFactor(s: MarketState, ctx: Ctx, u: Address, eMode?: number): AccountData {
  const d = userAccountData(s, ctx, u, eMode);
  require(d.healthFactor >=
    HEALTH_FACTOR_LIQUIDATION_THRESHOLD, "HealthFactorLowerThanLiquidationThreshold", "the health factor would fall below 1", {
    healthFactor: d.healthFactor,
  });
  return d;
}

/** ValidationLogic.validateHFAndLtv: HF ≥ 1, and with LTV-0 collateral only LTV-0 assets may leave. */
function validateHFAndLtv(s: MarketState, ctx: Ctx, u: Address, a: AssetId): void {
  const d = validateHealthFactor(s, ctx, u);
  require(!d.hasZeroLtvCollateral ||
    reserveOf(s, a).ltv === 0n, "LtvValidationFailed", "withdraw the LTV-0 collateral first");
}

function requireFlags(r: ReserveRecord, opts: { frozen?: boolean } = {}): void {
  require(r.active, "ReserveInactive");
  require(!r.paused, "ReservePaused");
  if (opts.frozen) require(!r.frozen, "ReserveFrozen", `${r.asset} is frozen`);
}

// ── configuration (PoolConfigurator) ─────────────────────────────────────────────────────────────────────────────

export interface AaveInitReserve {
  type: "aaveInitReserve";
  asset: AssetId;
  config: ReserveConfig;
}

export interface AaveSetReserveConfig {
  type: "aaveSetReserveConfig";
  asset: AssetId;
  config: Partial<ReserveConfig>;
}

function validateRateCurve(c: RateCurve): void {
  require(c.optimalUsageRatio >= MIN_OPTIMAL_POINT &&
    c.optimalUsageRatio <= MAX_OPTIMAL_POINT, "InvalidOptimalUsageRatio");
  require(c.variableRateSlope1 <= c.variableRateSlope2, "Slope2MustBeGteSlope1");
  require(c.baseVariableBorrowRate + c.variableRateSlope1 + c.variableRateSlope2 <= MAX_BORROW_RATE, "InvalidMaxRate");
}

function validateConfig(s: MarketState, c: ReserveConfig): void {
  oracle(s, c.oracle);
  require(c.ltv <= MAX_UINT16 && c.liquidationThreshold <= MAX_UINT16, "InvalidReserveParams");
  require(c.liquidationBonus <= MAX_UINT16, "InvalidReserveParams");
  require(c.ltv <= c.liquidationThreshold, "InvalidReserveParams", "LTV ≤ liquidation threshold");
  if (c.liquidationThreshold !== 0n) {
    require(c.liquidationBonus > PERCENTAGE_FACTOR, "InvalidReserveParams", "the bonus must exceed 100%");
    require(percentMul(c.liquidationThreshold, c.liquidationBonus) <=
      PERCENTAGE_FACTOR, "InvalidReserveParams", "LT·LB ≤ 100%");
  } else {
    require(c.liquidationBonus === 0n, "InvalidReserveParams", "no bonus without a threshold");
  }
  require(c.liquidationProtocolFee <= PERCENTAGE_FACTOR, "InvalidLiquidationProtocolFee");
  require(c.reserveFactor <= PERCENTAGE_FACTOR, "InvalidReserveFactor");
  require(c.supplyCap <= MAX_VALID_CAP, "InvalidSupplyCap");
  require(c.borrowCap <= MAX_VALID_CAP, "InvalidBorrowCap");
  validateRateCurve(c.rate);
}

export function initReserve(s: MarketState, ctx: MarketContext, ev: Events, c: AaveInitReserve): void {
  require(ctx.caller === s.params.admin, "OnlyAdmin");
  const a = asset(s, c.asset);
  require(!s.reserves.has(c.asset), "ReserveAlreadyAdded");
  require(s.reserves.size < MAX_RESERVES_COUNT, "NoMoreReservesAllowed");
  validateConfig(s, c.config);
  const [liquidityRate, variableRate] = calculateInterestRates(c.config.rate, {
    unbacked: 0n,
    availableLiquidity: 0n,
    totalDebt: 0n,
    reserveFactor: c.config.reserveFactor,
  });
  const r: ReserveRecord = {
    ...c.config,
    rate: { ...c.config.rate },
    asset: c.asset,
    index: s.reserves.size,
    decimals: a.decimals,
    active: true,
    frozen: false,
    paused: false,
    pendingLtv: 0n,
    liquidityIndex: RAY,
    variableBorrowIndex: RAY,
    currentLiquidityRate: liquidityRate,
    currentVariableBorrowRate: variableRate,
    lastUpdateTimestamp: ctx.timestamp,
    scaledTotalSupply: 0n,
    scaledTotalDebt: 0n,
    accruedToTreasury: 0n,
    virtualUnderlyingBalance: 0n,
    deficit: 0n,
  };
  s.reserves.set(c.asset, r);
  emit(ev, "ReserveInitialized", { asset: c.asset, oracle: c.config.oracle });
}

export function setReserveConfig(s: MarketState, ctx: MarketContext, ev: Events, c: AaveSetReserveConfig): void {
  require(ctx.caller === s.params.admin, "OnlyAdmin");
  updateState(s, c.asset, ctx.timestamp);
  const r = reserveOf(s, c.asset);
  const current: ReserveConfig = {
    oracle: r.oracle,
    ltv: r.frozen ? r.pendingLtv : r.ltv,
    liquidationThreshold: r.liquidationThreshold,
    liquidationBonus: r.liquidationBonus,
    liquidationProtocolFee: r.liquidationProtocolFee,
    reserveFactor: r.reserveFactor,
    supplyCap: r.supplyCap,
    borrowCap: r.borrowCap,
    borrowingEnabled: r.borrowingEnabled,
    rate: r.rate,
  };
  const next: ReserveConfig = { ...current, ...c.config, rate: { ...current.rate, ...(c.config.rate ?? {}) } };
  validateConfig(s, next);
  if (next.liquidationThreshold === 0n && r.liquidationThreshold !== 0n) {
    require(r.scaledTotalSupply === 0n && r.accruedToTreasury === 0n, "ReserveLiquidityNotZero");
  }
  // a frozen reserve keeps LTV 0 and parks the new LTV until it is unfrozen (PoolConfigurator._pendingLtv)
  const ltv = r.frozen ? 0n : next.ltv;
  const pendingLtv = r.frozen ? next.ltv : r.pendingLtv;
  s.reserves.set(c.asset, { ...r, ...next, ltv, pendingLtv });
  // a new curve or reserve factor takes effect at once (PoolConfigurator syncs the rates)
  updateInterestRates(s, ev, c.asset, 0n, 0n);
  emit(ev, "ReserveConfigChanged", { asset: c.asset, ...c.config });
}

/** PoolConfigurator.setReserveFreeze: freezing parks the LTV (LTV becomes 0); unfreezing restores it. */
export function setReserveFreeze(
  s: MarketState,
  ctx: MarketContext,
  ev: Events,
  c: { asset: AssetId; frozen: boolean },
): void {
  require(ctx.caller === s.params.admin, "OnlyAdmin");
  const r = reserveOf(s, c.asset);
  require(c.frozen !== r.frozen, "InvalidFreezeState");
  if (c.frozen) s.reserves.set(c.asset, { ...r, frozen: true, pendingLtv: r.ltv, ltv: 0n });
  else s.reserves.set(c.asset, { ...r, frozen: false, ltv: r.pendingLtv, pendingLtv: 0n });
  emit(ev, "ReserveFrozen", { asset: c.asset, frozen: c.frozen });
}

export function setReservePause(
  s: MarketState,
  ctx: MarketContext,
  ev: Events,
  c: { asset: AssetId; paused: boolean },
): void {
  require(ctx.caller === s.params.admin, "OnlyAdmin");
  const r = reserveOf(s, c.asset);
  s.reserves.set(c.asset, { ...r, paused: c.paused });
  emit(ev, "ReservePaused", { asset: c.asset, paused: c.paused });
}

export interface AaveSetEModeCategory {
  type: "aaveSetEModeCategory";
  id: number;
  label: string;
  ltv: bigint;
  liquidationThreshold: bigint;
  liquidationBonus: bigint;
  collateralAssets: AssetId[];
  borrowableAssets: AssetId[];
}

export function setEModeCategory(s: MarketState, ctx: MarketContext, ev: Events, c: AaveSetEModeCategory): void {
  require(ctx.caller === s.params.admin, "OnlyAdmin");
  require(Number.isInteger(c.id) && c.id >= 0 && c.id <= 255, "InputOutOfRange", "e-mode ids are uint8");
  require(c.id !== 0, "EModeCategoryReserved");
  require(c.ltv !== 0n && c.liquidationThreshold !== 0n, "InvalidEmodeCategoryParams");
  require(c.ltv <= c.liquidationThreshold, "InvalidEmodeCategoryParams", "LTV ≤ liquidation threshold");
  require(c.liquidationThreshold <= MAX_UINT16 && c.liquidationBonus <= MAX_UINT16, "InvalidEmodeCategoryParams");
  require(c.liquidationBonus > PERCENTAGE_FACTOR, "InvalidEmodeCategoryParams", "the bonus must exceed 100%");
  require(percentMul(c.liquidationThreshold, c.liquidationBonus) <=
    PERCENTAGE_FACTOR, "InvalidEmodeCategoryParams", "LT·LB ≤ 100%");
  for (const a of [...c.collateralAssets, ...c.borrowableAssets]) reserveOf(s, a);
  s.eModes.set(String(c.id), {
    id: c.id,
    label: c.label,
    ltv: c.ltv,
    liquidationThreshold: c.liquidationThreshold,
    liquidationBonus: c.liquidationBonus,
    collateralAssets: [...new Set(c.collateralAssets)].sort(),
    borrowableAssets: [...new Set(c.borrowableAssets)].sort(),
  });
  emit(ev, "EModeCategoryAdded", { categoryId: c.id, ltv: c.ltv, liquidationThreshold: c.liquidationThreshold });
}

// ── user actions ─────────────────────────────────────────────────────────────────────────────────────────────────

export interface AaveSupply {
  type: "aaveSupply";
  asset: AssetId;
  amount: bigint;
  onBehalfOf?: Address;
}

/** SupplyLogic.executeSupply (the caller pays from its wallet). */
export function supply(s: MarketState, ctx: MarketContext, ev: Events, c: Omit<AaveSupply, "type">): void {
  const onBehalfOf = c.onBehalfOf ?? ctx.caller;
  const r = updateState(s, c.asset, ctx.timestamp);
  require(c.amount !== 0n, "InvalidAmount");
  requireFlags(r, { frozen: true });
  require(r.supplyCap === 0n ||
    rayMul(r.scaledTotalSupply + r.accruedToTreasury, r.liquidityIndex) + c.amount <=
      r.supplyCap * unit(r.decimals), "SupplyCapExceeded", `supply cap ${r.supplyCap} ${c.asset}`);
  updateInterestRates(s, ev, c.asset, c.amount, 0n);
  debit(s, c.asset, ctx.caller, c.amount);
  const first = mintATokens(s, c.asset, onBehalfOf, c.amount, r.liquidityIndex);
  // validateAutomaticUseAsCollateral (no isolation mode): only assets with a non-zero LTV
  if (first && r.ltv !== 0n) setUsingAsCollateral(s, ev, onBehalfOf, c.asset, true);
  emit(ev, "Supply", { reserve: c.asset, user: ctx.caller, onBehalfOf, amount: c.amount });
}

export interface AaveWithdraw {
  type: "aaveWithdraw";
  asset: AssetId;
  /** 2²⁵⁶−1 withdraws everything */
  amount: bigint;
  to?: Address;
}

export function withdraw(s: MarketState, ctx: MarketContext, ev: Events, c: Omit<AaveWithdraw, "type">): bigint {
  const u = ctx.caller;
  const r = updateState(s, c.asset, ctx.timestamp);
  const userBalance = rayMul(scaledSupplyOf(s, c.asset, u), r.liquidityIndex);
  const amount = c.amount === UINT256_MAX ? userBalance : c.amount;
  require(amount !== 0n, "InvalidAmount");
  require(amount <= userBalance, "NotEnoughAvailableUserBalance", `${u} has ${userBalance} ${c.asset}`);
  requireFlags(r);
  updateInterestRates(s, ev, c.asset, 0n, amount);
  const isCollateral = userOf(s, u).collateral.includes(c.asset);
  if (isCollateral && amount === userBalance) setUsingAsCollateral(s, ev, u, c.asset, false);
  burnATokens(s, c.asset, u, amount, r.liquidityIndex);
  credit(s, c.asset, c.to ?? u, amount);
  if (isCollateral && userOf(s, u).borrowing.length > 0) validateHFAndLtv(s, ctx, u, c.asset);
  emit(ev, "Withdraw", { reserve: c.asset, user: u, to: c.to ?? u, amount });
  return amount;
}

export interface AaveBorrow {
  type: "aaveBorrow";
  asset: AssetId;
  amount: bigint;
}

/** BorrowLogic.executeBorrow with ValidationLogic.validateBorrow (variable rate, no isolation or siloing). */
export function borrow(s: MarketState, ctx: MarketContext, ev: Events, c: Omit<AaveBorrow, "type">): void {
  const u = ctx.caller;
  const r = updateState(s, c.asset, ctx.timestamp);
  require(c.amount !== 0n, "InvalidAmount");
  requireFlags(r, { frozen: true });
  require(r.borrowingEnabled, "BorrowingNotEnabled");
  require(rayMul(r.scaledTotalSupply, r.liquidityIndex) >= c.amount, "InvalidAmount", "more than the reserve's supply");
  const assetUnit = unit(r.decimals);
  if (r.borrowCap !== 0n) {
    const totalDebt = rayMul(r.scaledTotalDebt, r.variableBorrowIndex) + c.amount;
    require(totalDebt <= r.borrowCap * assetUnit, "BorrowCapExceeded", `borrow cap ${r.borrowCap} ${c.asset}`);
  }
  const rec = userOf(s, u);
  if (rec.eMode !== 0) {
    require(eModeOf(s, rec.eMode)?.borrowableAssets.includes(c.asset) === true, "NotBorrowableInEMode");
  }
  const d = userAccountData(s, ctx, u);
  require(d.totalCollateralBase !== 0n, "CollateralBalanceIsZero");
  require(d.avgLtv !== 0n, "LtvValidationFailed", "the collateral has no borrowing power (LTV 0)");
  require(d.healthFactor >
    HEALTH_FACTOR_LIQUIDATION_THRESHOLD, "HealthFactorLowerThanLiquidationThreshold", "the position is not healthy");
  const amountBase = (price(s, ctx, r.oracle) * c.amount) / assetUnit;
  const collateralNeeded = percentDiv(d.totalDebtBase + amountBase, d.avgLtv);
  require(collateralNeeded <= d.totalCollateralBase, "CollateralCannotCoverNewBorrow", "the borrow exceeds the LTV", {
    collateralNeeded,
    collateral: d.totalCollateralBase,
  });
  if (mintDebt(s, c.asset, u, c.amount, r.variableBorrowIndex)) setBorrowing(s, u, c.asset, true);
  updateInterestRates(s, ev, c.asset, 0n, c.amount);
  credit(s, c.asset, u, c.amount);
  emit(ev, "Borrow", { reserve: c.asset, user: u, amount: c.amount });
}

export interface AaveRepay {
  type: "aaveRepay";
  asset: AssetId;
  /** 2²⁵⁶−1 repays the whole debt (own debt only) */
  amount: bigint;
  onBehalfOf?: Address;
}

export function repay(s: MarketState, ctx: MarketContext, ev: Events, c: Omit<AaveRepay, "type">): bigint {
  const onBehalfOf = c.onBehalfOf ?? ctx.caller;
  const r = updateState(s, c.asset, ctx.timestamp);
  const debt = rayMul(scaledDebtOf(s, c.asset, onBehalfOf), r.variableBorrowIndex);
  require(c.amount !== 0n, "InvalidAmount");
  require(c.amount !== UINT256_MAX || ctx.caller === onBehalfOf, "NoExplicitAmountToRepayOnBehalf");
  requireFlags(r);
  require(debt !== 0n, "NoDebtOfSelectedType");
  const payback = c.amount < debt ? c.amount : debt;
  burnDebt(s, c.asset, onBehalfOf, payback, r.variableBorrowIndex);
  updateInterestRates(s, ev, c.asset, payback, 0n);
  if (debt - payback === 0n) setBorrowing(s, onBehalfOf, c.asset, false);
  debit(s, c.asset, ctx.caller, payback);
  emit(ev, "Repay", { reserve: c.asset, user: onBehalfOf, repayer: ctx.caller, amount: payback });
  return payback;
}

/** EModeLogic.executeSetUserEMode. */
export function setUserEMode(s: MarketState, ctx: MarketContext, ev: Events, c: { categoryId: number }): void {
  const u = ctx.caller;
  const rec = userOf(s, u);
  require(Number.isInteger(c.categoryId) && c.categoryId >= 0 && c.categoryId <= 255, "InputOutOfRange");
  if (rec.eMode === c.categoryId) return;
  const cat = eModeOf(s, c.categoryId);
  require(c.categoryId === 0 || cat !== undefined, "InconsistentEModeCategory", `no e-mode category ${c.categoryId}`);
  if (cat !== undefined) {
    for (const a of rec.borrowing) require(cat.borrowableAssets.includes(a), "NotBorrowableInEMode", `${a} borrowed`);
  }
  putUser(s, u, { ...rec, eMode: c.categoryId });
  validateHealthFactor(s, ctx, u);
  emit(ev, "UserEModeSet", { user: u, categoryId: c.categoryId });
}

/** SupplyLogic.executeUseReserveAsCollateral. */
export function setUseReserveAsCollateral(
  s: MarketState,
  ctx: MarketContext,
  ev: Events,
  c: { asset: AssetId; useAsCollateral: boolean },
): void {
  const u = ctx.caller;
  const r = reserveOf(s, c.asset);
  const balance = rayMul(scaledSupplyOf(s, c.asset, u), normalizedIncome(r, ctx.timestamp));
  require(balance !== 0n, "UnderlyingBalanceZero");
  requireFlags(r);
  if (c.useAsCollateral === userOf(s, u).collateral.includes(c.asset)) return;
  if (c.useAsCollateral) {
    require(r.ltv !== 0n, "UserInIsolationModeOrLtvZero", "an LTV-0 asset cannot be enabled as collateral");
    setUsingAsCollateral(s, ev, u, c.asset, true);
  } else {
    setUsingAsCollateral(s, ev, u, c.asset, false);
    validateHFAndLtv(s, ctx, u, c.asset);
  }
}

// ── liquidation (LiquidationLogic, v3.3) ─────────────────────────────────────────────────────────────────────────

export interface AaveLiquidationCall {
  type: "aaveLiquidationCall";
  collateralAsset: AssetId;
  debtAsset: AssetId;
  user: Address;
  /** 2²⁵⁶−1 covers as much as allowed */
  debtToCover: bigint;
  receiveAToken?: boolean;
}

export interface AaveLiquidationResult {
  debtRepaid: bigint;
  /** collateral received by the liquidator (fee excluded) */
  collateralToLiquidator: bigint;
  protocolFee: bigint;
  /** debt written off on this account, summed over reserves (each reserve's deficit, in its own units) */
  deficit: { asset: AssetId; amount: bigint }[];
  closeFactor: bigint;
  healthFactorBefore: bigint;
  healthFactorAfter: bigint;
}

/** LiquidationLogic._calculateAvailableCollateralToLiquidate. */
export function availableCollateralToLiquidate(p: {
  collateralPrice: bigint;
  collateralUnit: bigint;
  debtPrice: bigint;
  debtUnit: bigint;
  debtToCover: bigint;
  userCollateralBalance: bigint;
  liquidationBonus: bigint;
  liquidationProtocolFee: bigint;
}): { collateralAmount: bigint; debtAmountNeeded: bigint; protocolFee: bigint; collateralToLiquidateBase: bigint } {
  const baseCollateral = (p.debtPrice * p.debtToCover * p.collateralUnit) / (p.collateralPrice * p.debtUnit);
  const maxCollateral = percentMul(baseCollateral, p.liquidationBonus);
  let collateralAmount: bigint;
  let debtAmountNeeded: bigint;
  if (maxCollateral > p.userCollateralBalance) {
    collateralAmount = p.userCollateralBalance;
    debtAmountNeeded = percentDiv(
      (p.collateralPrice * collateralAmount * p.debtUnit) / (p.debtPrice * p.collateralUnit),
      p.liquidationBonus,
    );
  } else {
    collateralAmount = maxCollateral;
    debtAmountNeeded = p.debtToCover;
  }
  const collateralToLiquidateBase = (collateralAmount * p.collateralPrice) / p.collateralUnit;
  let protocolFee = 0n;
  if (p.liquidationProtocolFee !== 0n) {
    const bonusCollateral = collateralAmount - percentDiv(collateralAmount, p.liquidationBonus);
    protocolFee = percentMul(bonusCollateral, p.liquidationProtocolFee);
    collateralAmount -= protocolFee;
  }
  return { collateralAmount, debtAmountNeeded, protocolFee, collateralToLiquidateBase };
}

/** Burns a user's debt of one reserve; with no collateral left, the rest becomes the reserve's deficit. */
function burnDebtTokens(
  s: MarketState,
  ev: Events,
  a: AssetId,
  u: Address,
  userReserveDebt: bigint,
  actualDebtToLiquidate: bigint,
  hasNoCollateralLeft: boolean,
  t: bigint,
): bigint {
  const r = reserveOf(s, a);
  if (userReserveDebt !== 0n) {
    burnDebt(s, a, u, hasNoCollateralLeft ? userReserveDebt : actualDebtToLiquidate, r.variableBorrowIndex);
  }
  let outstanding = userReserveDebt - actualDebtToLiquidate;
  let deficit = 0n;
  if (hasNoCollateralLeft && outstanding !== 0n) {
    const cur = reserveOf(s, a);
    s.reserves.set(a, { ...cur, deficit: cur.deficit + outstanding });
    emit(ev, "DeficitCreated", { user: u, debtAsset: a, amountCreated: outstanding });
    s.badDebt.push("all", { venue: "aave", market: "aave", asset: a, borrower: u, amount: outstanding, timestamp: t });
    deficit = outstanding;
    outstanding = 0n;
  }
  if (outstanding === 0n) setBorrowing(s, u, a, false);
  updateInterestRates(s, ev, a, actualDebtToLiquidate, 0n);
  return deficit;
}

export function liquidationCall(
  s: MarketState,
  ctx: MarketContext,
  ev: Events,
  c: Omit<AaveLiquidationCall, "type">,
): AaveLiquidationResult {
  const t = ctx.timestamp;
  const liquidator = ctx.caller;
  const collateralReserve = reserveOf(s, c.collateralAsset);
  const debtReserve = updateState(s, c.debtAsset, t);
  const rec = userOf(s, c.user);
  const before = userAccountData(s, ctx, c.user);
  const userCollateralBalance = rayMul(
    scaledSupplyOf(s, c.collateralAsset, c.user),
    normalizedIncome(collateralReserve, t),
  );
  const userReserveDebt = rayMul(scaledDebtOf(s, c.debtAsset, c.user), debtReserve.variableBorrowIndex);

  // ValidationLogic.validateLiquidationCall
  require(collateralReserve.active && debtReserve.active, "ReserveInactive");
  require(!collateralReserve.paused && !debtReserve.paused, "ReservePaused");
  require(before.healthFactor <
    HEALTH_FACTOR_LIQUIDATION_THRESHOLD, "HealthFactorNotBelowThreshold", "the position is healthy", {
    healthFactor: before.healthFactor,
  });
  require(collateralReserve.liquidationThreshold !== 0n &&
    rec.collateral.includes(c.collateralAsset), "CollateralCannotBeLiquidated");
  require(userReserveDebt !== 0n, "SpecifiedCurrencyNotBorrowedByUser");
  require(c.debtToCover !== 0n, "InvalidAmount");

  const liquidationBonus = collateralParams(s, collateralReserve, rec.eMode).liquidationBonus;
  const collateralPrice = price(s, ctx, collateralReserve.oracle);
  const debtPrice = price(s, ctx, debtReserve.oracle);
  const collateralUnit = unit(collateralReserve.decimals);
  const debtUnit = unit(debtReserve.decimals);
  const userReserveDebtBase = (userReserveDebt * debtPrice) / debtUnit;
  const userReserveCollateralBase = (userCollateralBalance * collateralPrice) / collateralUnit;

  // close factor: 50% of the total debt, unless HF ≤ 0.95 or the position is small
  let maxLiquidatableDebt = userReserveDebt;
  let closeFactor = PERCENTAGE_FACTOR;
  if (
    userReserveCollateralBase >= MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD &&
    userReserveDebtBase >= MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD &&
    before.healthFactor > CLOSE_FACTOR_HF_THRESHOLD
  ) {
    closeFactor = DEFAULT_LIQUIDATION_CLOSE_FACTOR;
    const defaultLiquidatableBase = percentMul(before.totalDebtBase, DEFAULT_LIQUIDATION_CLOSE_FACTOR);
    if (userReserveDebtBase > defaultLiquidatableBase) {
      maxLiquidatableDebt = (defaultLiquidatableBase * debtUnit) / debtPrice;
    }
  }
  let actualDebtToLiquidate = c.debtToCover > maxLiquidatableDebt ? maxLiquidatableDebt : c.debtToCover;
  const calc = availableCollateralToLiquidate({
    collateralPrice,
    collateralUnit,
    debtPrice,
    debtUnit,
    debtToCover: actualDebtToLiquidate,
    userCollateralBalance,
    liquidationBonus,
    liquidationProtocolFee: collateralReserve.liquidationProtocolFee,
  });
  const actualCollateralToLiquidate = calc.collateralAmount;
  actualDebtToLiquidate = calc.debtAmountNeeded;
  let protocolFee = calc.protocolFee;

  // a partial liquidation must leave at least MIN_LEFTOVER_BASE of both debt and collateral
  if (actualDebtToLiquidate < userReserveDebt && actualCollateralToLiquidate + protocolFee < userCollateralBalance) {
    const debtLeft = ((userReserveDebt - actualDebtToLiquidate) * debtPrice) / debtUnit >= MIN_LEFTOVER_BASE;
    const collateralLeft =
      ((userCollateralBalance - actualCollateralToLiquidate - protocolFee) * collateralPrice) / collateralUnit >=
      MIN_LEFTOVER_BASE;
    require(debtLeft && collateralLeft, "MustNotLeaveDust", "liquidate the whole position or leave at least $1,000");
  }
  if (actualCollateralToLiquidate + protocolFee === userCollateralBalance) {
    setUsingAsCollateral(s, ev, c.user, c.collateralAsset, false);
  }
  const hasNoCollateralLeft = before.totalCollateralBase === calc.collateralToLiquidateBase;
  const deficits: { asset: AssetId; amount: bigint }[] = [];
  const d0 = burnDebtTokens(s, ev, c.debtAsset, c.user, userReserveDebt, actualDebtToLiquidate, hasNoCollateralLeft, t);
  if (d0 !== 0n) deficits.push({ asset: c.debtAsset, amount: d0 });

  // collateral to the liquidator: aTokens, or the underlying (burned from the user, paid out of the reserve)
  if (c.receiveAToken) {
    const cr = reserveOf(s, c.collateralAsset);
    const liquidatorHadNone = scaledSupplyOf(s, c.collateralAsset, liquidator) === 0n;
    transferATokens(s, c.collateralAsset, c.user, liquidator, actualCollateralToLiquidate, normalizedIncome(cr, t));
    // _liquidateATokens: a liquidator's first aTokens of the asset become collateral when they can
    if (liquidatorHadNone && cr.ltv !== 0n) setUsingAsCollateral(s, ev, liquidator, c.collateralAsset, true);
  } else {
    const cr = updateState(s, c.collateralAsset, t);
    updateInterestRates(s, ev, c.collateralAsset, 0n, actualCollateralToLiquidate);
    burnATokens(s, c.collateralAsset, c.user, actualCollateralToLiquidate, cr.liquidityIndex);
    credit(s, c.collateralAsset, liquidator, actualCollateralToLiquidate);
  }
  // the protocol fee goes to the treasury as aTokens
  if (protocolFee !== 0n) {
    const index = normalizedIncome(reserveOf(s, c.collateralAsset), t);
    const scaledFee = rayDiv(protocolFee, index);
    const userScaled = scaledSupplyOf(s, c.collateralAsset, c.user);
    if (scaledFee > userScaled) protocolFee = rayMul(userScaled, index);
    transferATokens(s, c.collateralAsset, c.user, s.params.treasury, protocolFee, index);
  }
  // no collateral left: every other debt of the account is written off too (_burnBadDebt)
  if (hasNoCollateralLeft && userOf(s, c.user).borrowing.length > 0) {
    for (const r of reservesInOrder(s)) {
      if (!userOf(s, c.user).borrowing.includes(r.asset) || !r.active) continue;
      const cur = updateState(s, r.asset, t);
      const debt = rayMul(scaledDebtOf(s, r.asset, c.user), cur.variableBorrowIndex);
      const d = burnDebtTokens(s, ev, r.asset, c.user, debt, 0n, true, t);
      if (d !== 0n) deficits.push({ asset: r.asset, amount: d });
    }
  }
  debit(s, c.debtAsset, liquidator, actualDebtToLiquidate);
  const after = userAccountData(s, ctx, c.user);
  emit(ev, "LiquidationCall", {
    collateralAsset: c.collateralAsset,
    debtAsset: c.debtAsset,
    user: c.user,
    debtToCover: actualDebtToLiquidate,
    liquidatedCollateralAmount: actualCollateralToLiquidate,
    liquidator,
    receiveAToken: c.receiveAToken ?? false,
  });
  s.liquidations.push("all", {
    venue: "aave",
    market: "aave",
    timestamp: t,
    liquidator,
    borrower: c.user,
    collateralAsset: c.collateralAsset,
    debtAsset: c.debtAsset,
    debtRepaid: actualDebtToLiquidate,
    collateralSeized: actualCollateralToLiquidate + protocolFee,
    protocolFee,
    badDebt: deficits.reduce((acc, d) => acc + d.amount, 0n),
    healthFactorBefore: before.healthFactor,
    healthFactorAfter: after.healthFactor,
  });
  return {
    debtRepaid: actualDebtToLiquidate,
    collateralToLiquidator: actualCollateralToLiquidate,
    protocolFee,
    deficit: deficits,
    closeFactor,
    healthFactorBefore: before.healthFactor,
    healthFactorAfter: after.healthFactor,
  };
}
