import { JMap, Journal } from "../core/shared/journal.ts";
import type {
  AaveUser,
  Address,
  AssetId,
  AssetRecord,
  BadDebtRecord,
  EModeCategory,
  LiquidationRecord,
  MorphoMarket,
  MorphoPosition,
  OracleId,
  OracleRecord,
  PoolId,
  PoolRecord,
  ReserveRecord,
} from "./types.ts";

export interface MarketParams {
  /** lists assets, creates pools, oracles, reserves and markets, mints test balances */
  admin: Address;
  /** Aave's treasury: receives the liquidation protocol fee (as aTokens) */
  treasury: Address;
}

export const DEFAULT_MARKET_ADMIN: Address = "0x00000000000000000000000000000000000ad000";
export const DEFAULT_TREASURY: Address = "0x0000000000000000000000000000000000007ea5";

export function defaultMarketParams(p: Partial<MarketParams> = {}): MarketParams {
  return { admin: p.admin ?? DEFAULT_MARKET_ADMIN, treasury: p.treasury ?? DEFAULT_TREASURY };
}

/** `${a}|${b}` */
export function k2(a: string, b: string): string {
  return `${a}|${b}`;
}

/**
 * The complete state of the markets layer. Every map is journaled (src/core/shared/journal.ts): a command writes in
 * place and a failing one is rolled back. The journal can be shared with the core's state (pass it in), so that one
 * transaction touching both layers rolls back as one.
 */
export class MarketState {
  readonly journal: Journal;
  readonly params: MarketParams;

  readonly assets: JMap<AssetId, AssetRecord>;
  /** wallet balances: `${asset}|${holder}` */
  readonly balances: JMap<string, bigint>;

  readonly pools: JMap<PoolId, PoolRecord>;
  /** LP tokens: `${pool}|${holder}` */
  readonly lp: JMap<string, bigint>;

  readonly oracles: JMap<OracleId, OracleRecord>;
  /** last reported exchange rate per source (used when the context has no rate provider for it) */
  readonly exchangeRates: JMap<string, { rate: bigint; updatedAt: bigint }>;

  /** Aave-style pool: reserves by asset */
  readonly reserves: JMap<AssetId, ReserveRecord>;
  /** e-mode categories by id (as a decimal string) */
  readonly eModes: JMap<string, EModeCategory>;
  readonly aaveUsers: JMap<Address, AaveUser>;
  /** aToken scaled balances: `${asset}|${user}` */
  readonly aSupply: JMap<string, bigint>;
  /** variable debt scaled balances: `${asset}|${user}` */
  readonly aDebt: JMap<string, bigint>;

  readonly morphoMarkets: JMap<string, MorphoMarket>;
  /** `${market}|${user}` */
  readonly morphoPositions: JMap<string, MorphoPosition>;

  /** append-only histories under the key "all" */
  readonly liquidations: JMap<string, LiquidationRecord[]>;
  readonly badDebt: JMap<string, BadDebtRecord[]>;

  /** single values: last timestamp seen */
  readonly globals: JMap<string, bigint>;

  constructor(params: MarketParams, journal: Journal = new Journal()) {
    this.params = params;
    this.journal = journal;
    const j = journal;
    this.assets = new JMap(j);
    this.balances = new JMap(j);
    this.pools = new JMap(j);
    this.lp = new JMap(j);
    this.oracles = new JMap(j);
    this.exchangeRates = new JMap(j);
    this.reserves = new JMap(j);
    this.eModes = new JMap(j);
    this.aaveUsers = new JMap(j);
    this.aSupply = new JMap(j);
    this.aDebt = new JMap(j);
    this.morphoMarkets = new JMap(j);
    this.morphoPositions = new JMap(j);
    this.liquidations = new JMap(j);
    this.badDebt = new JMap(j);
    this.globals = new JMap(j);
  }

  /** The maps in a fixed order, for snapshots and the state hash. */
  tables(): [string, JMap<string, unknown>][] {
    return [
      ["assets", this.assets],
      ["balances", this.balances],
      ["pools", this.pools],
      ["lp", this.lp],
      ["oracles", this.oracles],
      ["exchangeRates", this.exchangeRates],
      ["reserves", this.reserves],
      ["eModes", this.eModes],
      ["aaveUsers", this.aaveUsers],
      ["aSupply", this.aSupply],
      ["aDebt", this.aDebt],
      ["morphoMarkets", this.morphoMarkets],
      ["morphoPositions", this.morphoPositions],
      ["liquidations", this.liquidations],
      ["badDebt", this.badDebt],
      ["globals", this.globals],
    ] as [string, JMap<string, unknown>][];
  }
}

export function createMarketState(params: Partial<MarketParams> = {}, journal?: Journal): MarketState {
  return new MarketState(defaultMarketParams(params), journal);
}
