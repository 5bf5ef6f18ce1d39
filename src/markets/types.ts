/** Shared types of the markets layer: identifiers, the context a command runs in, records kept in the state. */

/** Lower-case 0x-prefixed 20-byte hex, as in the core. Accounts are addresses. */
export type Address = `0x${string}`;
/** An asset (token) id: a symbol such as "weETH" or an address. */
export type AssetId = string;
export type PoolId = string;
export type OracleId = string;
export type MorphoMarketId = string;

/**
 * Where the exchange rate of a liquid (re)staking token comes from: the LRT layer (src/lrt) implements this and the
 * integrator passes it in the context. The rate is the token's value in its underlying, in WAD (1.05e18 = 1.05).
 * `undefined` means "no rate for that source": the state's last reported rate (`setExchangeRate`) is used instead.
 */
export interface RateProvider {
  exchangeRate(source: string, timestamp: bigint): bigint | undefined;
}

/** Who acts, and when. Time is an input: the markets layer has no clock. */
export interface MarketContext {
  timestamp: bigint;
  /** The acting account (msg.sender). */
  caller: Address;
  block?: bigint;
  /** Exchange rates of LRTs/LSTs, read by exchange-rate and CAPO oracles. */
  rates?: RateProvider;
}

export interface MarketEvent {
  event: string;
  args: Record<string, unknown>;
}

export type Events = MarketEvent[];

export function emit(ev: Events, event: string, args: Record<string, unknown>): void {
  ev.push({ event, args });
}

export interface AssetRecord {
  id: AssetId;
  decimals: number;
}

// ── DEX pools ────────────────────────────────────────────────────────────────────────────────────────────────────

/** Curve's StableSwap (the base template): n coins, amplification with Curve's A_PRECISION, fees in 1e10. */
export interface StableSwapPool {
  kind: "stableswap";
  id: PoolId;
  assets: AssetId[];
  /**
   * Curve's rates: 10^(36 − decimals)·multiplier/1e18 per coin, so that xp = balance·rate/1e18 has 18 decimals and
   * is worth the same across coins. The multiplier (WAD, 1e18 by default) is stableswap-ng's oracle rate: an LRT
   * pool quotes the LRT at its exchange rate, so a balanced pool trades at that rate.
   */
  rates: bigint[];
  rateMultipliers: bigint[];
  balances: bigint[];
  /** A·A_PRECISION at the start and end of a ramp (no ramp: both equal, times 0). */
  initialA: bigint;
  futureA: bigint;
  initialATime: bigint;
  futureATime: bigint;
  /** swap fee, 1e10 = 100% */
  fee: bigint;
  /** share of the fee that goes to the admin, 1e10 = 100% */
  adminFee: bigint;
  /** LP token total supply */
  totalSupply: bigint;
  /** admin fees collected, per coin (they leave `balances`, as in Curve) */
  adminBalances: bigint[];
}

/** Uniswap V2's constant-product pool: two assets, fee in basis points (30 = 0.3%). */
export interface ConstantProductPool {
  kind: "constantProduct";
  id: PoolId;
  assets: [AssetId, AssetId];
  reserves: [bigint, bigint];
  feeBps: bigint;
  totalSupply: bigint;
}

export type PoolRecord = StableSwapPool | ConstantProductPool;

// ── oracles ──────────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * How an oracle prices one whole token, in the base currency (8 decimals, as Aave's USD feeds).
 * - fixed: a pushed feed (setOraclePrice); a feed nobody updates is a stale feed.
 * - exchangeRate: the LRT's exchange rate (rate provider) times the underlying's price (`base` oracle).
 * - capo: the exchange rate capped at a maximum yearly growth since a snapshot (Aave's CAPO), times `base`.
 * - dex: the market price of `asset` in `quote` from a pool's spot price, times `base` (the quote's oracle).
 * Any oracle can be frozen (freezeOracle): it then returns the price it had when frozen.
 */
export type OracleSource =
  | { kind: "fixed"; price: bigint }
  | { kind: "exchangeRate"; source: string; base: OracleId }
  | {
      kind: "capo";
      source: string;
      base: OracleId;
      snapshotRatio: bigint;
      snapshotTimestamp: bigint;
      /** basis points per year (e.g. 800 = 8%) */
      maxYearlyRatioGrowthBps: bigint;
      /** snapshotRatio·growth/10⁴/year, floored, as the adapter stores it */
      maxRatioGrowthPerSecond: bigint;
    }
  | { kind: "dex"; pool: PoolId; asset: AssetId; quote: AssetId; base: OracleId };

export interface OracleRecord {
  id: OracleId;
  source: OracleSource;
  /** set while frozen: the price returned, and since when */
  frozen: { price: bigint; since: bigint } | null;
  updatedAt: bigint;
}

// ── Aave v3.3 style lending ─────────────────────────────────────────────────────────────────────────────────────

/** The interest-rate curve of DefaultReserveInterestRateStrategyV2, in basis points. */
export interface RateCurve {
  optimalUsageRatio: bigint;
  baseVariableBorrowRate: bigint;
  variableRateSlope1: bigint;
  variableRateSlope2: bigint;
}

export interface ReserveConfig {
  oracle: OracleId;
  /** basis points */
  ltv: bigint;
  liquidationThreshold: bigint;
  /** 10000 + bonus, e.g. 10750 for 7.5% (Aave's encoding) */
  liquidationBonus: bigint;
  /** share of the bonus that goes to the treasury, basis points */
  liquidationProtocolFee: bigint;
  reserveFactor: bigint;
  /** whole tokens; 0 = no cap */
  supplyCap: bigint;
  borrowCap: bigint;
  borrowingEnabled: boolean;
  rate: RateCurve;
}

export interface ReserveRecord extends ReserveConfig {
  asset: AssetId;
  /** position in the reserves list (the bit index of Aave's user configuration) */
  index: number;
  decimals: number;
  active: boolean;
  frozen: boolean;
  paused: boolean;
  /** LTV to restore when unfrozen (PoolConfigurator._pendingLtv) */
  pendingLtv: bigint;
  liquidityIndex: bigint;
  variableBorrowIndex: bigint;
  currentLiquidityRate: bigint;
  currentVariableBorrowRate: bigint;
  lastUpdateTimestamp: bigint;
  /** aToken scaled total supply */
  scaledTotalSupply: bigint;
  /** variable debt token scaled total supply */
  scaledTotalDebt: bigint;
  /** scaled, not yet minted to the treasury */
  accruedToTreasury: bigint;
  virtualUnderlyingBalance: bigint;
  /** debt written off as bad debt (v3.3 deficit) */
  deficit: bigint;
}

export interface EModeCategory {
  id: number;
  label: string;
  ltv: bigint;
  liquidationThreshold: bigint;
  liquidationBonus: bigint;
  collateralAssets: AssetId[];
  borrowableAssets: AssetId[];
}

export interface AaveUser {
  eMode: number;
  /** assets used as collateral (Aave's user configuration bits) */
  collateral: AssetId[];
  /** assets borrowed */
  borrowing: AssetId[];
}

// ── Morpho Blue style isolated markets ──────────────────────────────────────────────────────────────────────────

export type MorphoIrm =
  | { kind: "none" }
  /** a fixed borrow APR in basis points */
  | { kind: "fixed"; aprBps: bigint }
  /** a kinked curve on utilisation, basis points per year */
  | { kind: "kink"; curve: RateCurve };

export interface MorphoMarket {
  id: MorphoMarketId;
  loanToken: AssetId;
  collateralToken: AssetId;
  /** oracles of the collateral and the loan token; Morpho's price is their ratio, scaled by 1e36 */
  collateralOracle: OracleId;
  loanOracle: OracleId;
  irm: MorphoIrm;
  /** WAD */
  lltv: bigint;
  /** WAD, ≤ 0.25 */
  fee: bigint;
  feeRecipient: Address;
  totalSupplyAssets: bigint;
  totalSupplyShares: bigint;
  totalBorrowAssets: bigint;
  totalBorrowShares: bigint;
  lastUpdate: bigint;
}

export interface MorphoPosition {
  supplyShares: bigint;
  borrowShares: bigint;
  collateral: bigint;
}

// ── history ─────────────────────────────────────────────────────────────────────────────────────────────────────

export interface LiquidationRecord {
  venue: "aave" | "morpho";
  /** the Morpho market, or "aave" */
  market: string;
  timestamp: bigint;
  liquidator: Address;
  borrower: Address;
  collateralAsset: AssetId;
  debtAsset: AssetId;
  debtRepaid: bigint;
  /** collateral taken from the borrower, protocol fee included */
  collateralSeized: bigint;
  /** the part of it that went to the treasury (Aave) */
  protocolFee: bigint;
  /** debt written off (Aave: reserve deficit; Morpho: socialised to suppliers) */
  badDebt: bigint;
  healthFactorBefore: bigint;
  healthFactorAfter: bigint;
}

export interface BadDebtRecord {
  venue: "aave" | "morpho";
  market: string;
  asset: AssetId;
  borrower: Address;
  amount: bigint;
  timestamp: bigint;
}
