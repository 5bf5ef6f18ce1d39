/**
 * Read-only views of the markets layer: pools and their prices, reserves and Morpho markets, per-account positions
 * (health factor, liquidation price, leverage), the liquidation history and bad debt. Nothing here writes.
 */
import * as aave from "./aave.ts";
import * as cp from "./constantProduct.ts";
import { balanceOf } from "./ledger.ts";
import { PERCENTAGE_FACTOR, rayMul, toAssetsDown, UINT256_MAX, unit, WAD } from "./math.ts";
import * as morpho from "./morpho.ts";
import { price } from "./oracles.ts";
import { lpBalanceOf } from "./pools.ts";
import * as ss from "./stableswap.ts";
import type { MarketState } from "./state.ts";
import type {
  Address,
  AssetId,
  BadDebtRecord,
  LiquidationRecord,
  MarketContext,
  MorphoMarketId,
  OracleId,
  PoolId,
} from "./types.ts";

type Ctx = Pick<MarketContext, "timestamp" | "rates">;

// ── pools ────────────────────────────────────────────────────────────────────────────────────────────────────────

export interface PoolView {
  id: PoolId;
  kind: "stableswap" | "constantProduct";
  assets: AssetId[];
  balances: bigint[];
  totalSupply: bigint;
  /** StableSwap: A now (not ×100) */
  amplification?: bigint;
  /** swap fee and the admin's share of it, WAD fractions */
  fee: bigint;
  adminFee: bigint;
  /** StableSwap: D; constant product: k = x·y */
  invariant: bigint;
  /** StableSwap: D per LP token (WAD) */
  virtualPrice?: bigint;
  /** the market price of the first coin in each other coin (WAD, whole tokens): an LRT pool lists the LRT first */
  prices: { asset: AssetId; quote: AssetId; price: bigint }[];
}

export function poolView(s: MarketState, id: PoolId, t: bigint): PoolView | undefined {
  const p = s.pools.get(id);
  if (p === undefined) return undefined;
  const first = p.assets[0] as AssetId;
  if (p.kind === "stableswap") {
    const empty = p.balances.some((b) => b === 0n);
    return {
      id,
      kind: p.kind,
      assets: [...p.assets],
      balances: [...p.balances],
      totalSupply: p.totalSupply,
      amplification: ss.ampAt(p, t) / ss.A_PRECISION,
      fee: (p.fee * WAD) / ss.FEE_DENOMINATOR,
      adminFee: (p.adminFee * WAD) / ss.FEE_DENOMINATOR,
      invariant: ss.invariant(p, t),
      virtualPrice: p.totalSupply > 0n ? ss.virtualPrice(p, t) : undefined,
      prices: empty
        ? []
        : p.assets.slice(1).map((quote, k) => ({ asset: first, quote, price: ss.spotPrice(p, 0, k + 1, t) })),
    };
  }
  const empty = p.reserves.some((b) => b === 0n);
  const d0 = s.assets.get(p.assets[0])?.decimals ?? 18;
  const d1 = s.assets.get(p.assets[1])?.decimals ?? 18;
  return {
    id,
    kind: p.kind,
    assets: [...p.assets],
    balances: [...p.reserves],
    totalSupply: p.totalSupply,
    fee: (p.feeBps * WAD) / 10_000n,
    adminFee: 0n,
    invariant: p.reserves[0] * p.reserves[1],
    prices: empty ? [] : [{ asset: first, quote: p.assets[1], price: cp.spotPrice(p, 0, [d0, d1]) }],
  };
}

export function poolViews(s: MarketState, t: bigint): PoolView[] {
  return [...s.pools.keys()].sort().map((id) => poolView(s, id, t) as PoolView);
}

// ── oracles ──────────────────────────────────────────────────────────────────────────────────────────────────────

export function oracleViews(
  s: MarketState,
  ctx: Ctx,
): { id: OracleId; kind: string; frozen: boolean; price: bigint | null }[] {
  return [...s.oracles.values()]
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((o) => {
      let p: bigint | null = null;
      try {
        p = price(s, ctx, o.id);
      } catch {
        p = null;
      }
      return { id: o.id, kind: o.source.kind, frozen: o.frozen !== null, price: p };
    });
}

// ── lending markets ──────────────────────────────────────────────────────────────────────────────────────────────

export interface ReserveView {
  asset: AssetId;
  oracle: OracleId;
  price: bigint;
  ltv: bigint;
  liquidationThreshold: bigint;
  liquidationBonus: bigint;
  liquidationProtocolFee: bigint;
  reserveFactor: bigint;
  supplyCap: bigint;
  borrowCap: bigint;
  frozen: boolean;
  paused: boolean;
  borrowingEnabled: boolean;
  totalSupplied: bigint;
  totalBorrowed: bigint;
  availableLiquidity: bigint;
  /** WAD */
  utilization: bigint;
  /** APRs in ray */
  supplyRate: bigint;
  borrowRate: bigint;
  liquidityIndex: bigint;
  variableBorrowIndex: bigint;
  accruedToTreasury: bigint;
  deficit: bigint;
}

export function reserveView(s: MarketState, ctx: Ctx, a: AssetId): ReserveView {
  const r = aave.reserveOf(s, a);
  const income = aave.normalizedIncome(r, ctx.timestamp);
  const debtIndex = aave.normalizedDebt(r, ctx.timestamp);
  const totalSupplied = rayMul(r.scaledTotalSupply, income);
  const totalBorrowed = rayMul(r.scaledTotalDebt, debtIndex);
  const denom = r.virtualUnderlyingBalance + totalBorrowed;
  return {
    asset: a,
    oracle: r.oracle,
    price: price(s, ctx, r.oracle),
    ltv: r.ltv,
    liquidationThreshold: r.liquidationThreshold,
    liquidationBonus: r.liquidationBonus,
    liquidationProtocolFee: r.liquidationProtocolFee,
    reserveFactor: r.reserveFactor,
    supplyCap: r.supplyCap,
    borrowCap: r.borrowCap,
    frozen: r.frozen,
    paused: r.paused,
    borrowingEnabled: r.borrowingEnabled,
    totalSupplied,
    totalBorrowed,
    availableLiquidity: r.virtualUnderlyingBalance,
    utilization: denom === 0n ? 0n : (totalBorrowed * WAD) / denom,
    supplyRate: r.currentLiquidityRate,
    borrowRate: r.currentVariableBorrowRate,
    liquidityIndex: income,
    variableBorrowIndex: debtIndex,
    accruedToTreasury: rayMul(r.accruedToTreasury, income),
    deficit: r.deficit,
  };
}

export interface MorphoMarketView {
  id: MorphoMarketId;
  loanToken: AssetId;
  collateralToken: AssetId;
  lltv: bigint;
  liquidationIncentiveFactor: bigint;
  /** Morpho's oracle price (1e36 scale) and the same as a WAD ratio of whole tokens */
  oraclePrice: bigint;
  priceWad: bigint;
  totalSupplyAssets: bigint;
  totalBorrowAssets: bigint;
  utilization: bigint;
  borrowRatePerSecond: bigint;
}

export function morphoMarketView(s: MarketState, ctx: Ctx, id: MorphoMarketId): MorphoMarketView {
  const m = morpho.marketOf(s, id);
  const p = morpho.oraclePrice(s, ctx, m);
  const dc = s.assets.get(m.collateralToken)?.decimals ?? 18;
  const dl = s.assets.get(m.loanToken)?.decimals ?? 18;
  return {
    id,
    loanToken: m.loanToken,
    collateralToken: m.collateralToken,
    lltv: m.lltv,
    liquidationIncentiveFactor: morpho.liquidationIncentiveFactor(m.lltv),
    oraclePrice: p,
    priceWad: (p * unit(dc) * WAD) / (morpho.ORACLE_PRICE_SCALE * unit(dl)),
    totalSupplyAssets: m.totalSupplyAssets,
    totalBorrowAssets: m.totalBorrowAssets,
    utilization: m.totalSupplyAssets === 0n ? 0n : (m.totalBorrowAssets * WAD) / m.totalSupplyAssets,
    borrowRatePerSecond: morpho.borrowRatePerSecond(m),
  };
}

export interface MarketsView {
  reserves: ReserveView[];
  eModes: {
    id: number;
    label: string;
    ltv: bigint;
    liquidationThreshold: bigint;
    liquidationBonus: bigint;
    collateralAssets: AssetId[];
    borrowableAssets: AssetId[];
  }[];
  morpho: MorphoMarketView[];
}

export function marketsView(s: MarketState, ctx: Ctx): MarketsView {
  return {
    reserves: aave.reservesInOrder(s).map((r) => reserveView(s, ctx, r.asset)),
    eModes: [...s.eModes.values()].sort((a, b) => a.id - b.id).map((e) => ({ ...e })),
    morpho: [...s.morphoMarkets.keys()].sort().map((id) => morphoMarketView(s, ctx, id)),
  };
}

// ── positions ────────────────────────────────────────────────────────────────────────────────────────────────────

export interface LiquidationPrice {
  asset: AssetId;
  /** the price (base currency, 8 decimals) at which HF reaches 1, other prices fixed; null if none */
  price: bigint | null;
  currentPrice: bigint;
  /** 1 − liquidationPrice/currentPrice, WAD: how far the price may fall */
  distance: bigint | null;
}

export interface AavePositionView {
  eMode: number;
  collateral: { asset: AssetId; amount: bigint; valueBase: bigint; usedAsCollateral: boolean }[];
  debt: { asset: AssetId; amount: bigint; valueBase: bigint }[];
  totalCollateralBase: bigint;
  totalDebtBase: bigint;
  availableBorrowsBase: bigint;
  /** basis points */
  ltv: bigint;
  liquidationThreshold: bigint;
  /** WAD; UINT256_MAX without debt */
  healthFactor: bigint;
  /** collateral/(collateral − debt), WAD; null when underwater or without debt */
  leverage: bigint | null;
  liquidationPrices: LiquidationPrice[];
}

export interface MorphoPositionView {
  market: MorphoMarketId;
  supplied: bigint;
  collateral: bigint;
  borrowed: bigint;
  /** borrowed / collateral value, WAD */
  ltv: bigint | null;
  healthFactor: bigint;
  leverage: bigint | null;
  liquidationPrice: { priceWad: bigint; currentPriceWad: bigint; distance: bigint } | null;
}

export interface PositionView {
  account: Address;
  wallet: { asset: AssetId; amount: bigint }[];
  lp: { pool: PoolId; amount: bigint }[];
  aave: AavePositionView | null;
  morpho: MorphoPositionView[];
}

function leverage(collateral: bigint, debt: bigint): bigint | null {
  if (debt === 0n) return collateral > 0n ? WAD : null;
  if (collateral <= debt) return null;
  return (collateral * WAD) / (collateral - debt);
}

export function aavePosition(s: MarketState, ctx: Ctx, u: Address): AavePositionView | null {
  const rec = s.aaveUsers.get(u);
  const supplied = aave.reservesInOrder(s).filter((r) => aave.scaledSupplyOf(s, r.asset, u) > 0n);
  if (rec === undefined && supplied.length === 0) return null;
  const user = aave.userOf(s, u);
  const d = aave.userAccountData(s, ctx, u);
  const t = ctx.timestamp;
  const collateral = supplied.map((r) => {
    const amount = aave.aTokenBalance(s, r.asset, u, t);
    return {
      asset: r.asset,
      amount,
      valueBase: (amount * price(s, ctx, r.oracle)) / unit(r.decimals),
      usedAsCollateral: user.collateral.includes(r.asset),
    };
  });
  const debt = user.borrowing.map((a) => {
    const r = aave.reserveOf(s, a);
    const amount = aave.debtBalance(s, a, u, t);
    return { asset: a, amount, valueBase: (amount * price(s, ctx, r.oracle)) / unit(r.decimals) };
  });
  // HF = 1 ⇔ Σ value_i·LT_i = debt: solve for one collateral's price, the others fixed
  const weighted = collateral
    .filter((c) => c.usedAsCollateral && aave.reserveOf(s, c.asset).liquidationThreshold !== 0n)
    .map((c) => ({
      ...c,
      lt: aave.collateralParams(s, aave.reserveOf(s, c.asset), user.eMode).liquidationThreshold,
    }));
  const total = weighted.reduce((acc, c) => acc + c.valueBase * c.lt, 0n);
  const liquidationPrices: LiquidationPrice[] =
    d.totalDebtBase === 0n
      ? []
      : weighted.map((c) => {
          const r = aave.reserveOf(s, c.asset);
          const currentPrice = price(s, ctx, r.oracle);
          const others = total - c.valueBase * c.lt;
          const need = d.totalDebtBase * PERCENTAGE_FACTOR - others;
          if (need <= 0n || c.amount === 0n) return { asset: c.asset, price: null, currentPrice, distance: null };
          const p = (need * unit(r.decimals)) / (c.amount * c.lt);
          const distance = p >= currentPrice ? 0n : WAD - (p * WAD) / currentPrice;
          return { asset: c.asset, price: p, currentPrice, distance };
        });
  return {
    eMode: user.eMode,
    collateral,
    debt,
    totalCollateralBase: d.totalCollateralBase,
    totalDebtBase: d.totalDebtBase,
    availableBorrowsBase: aave.availableBorrowsBase(d),
    ltv: d.avgLtv,
    liquidationThreshold: d.avgLiquidationThreshold,
    healthFactor: d.healthFactor,
    leverage: d.totalDebtBase === 0n ? null : leverage(d.totalCollateralBase, d.totalDebtBase),
    liquidationPrices,
  };
}

export function morphoPosition(s: MarketState, ctx: Ctx, id: MorphoMarketId, u: Address): MorphoPositionView {
  const m = morpho.marketOf(s, id);
  const p = morpho.positionOf(s, id, u);
  const op = morpho.oraclePrice(s, ctx, m);
  const borrowed = morpho.borrowedAssets(m, p);
  const collateralValue = (p.collateral * op) / morpho.ORACLE_PRICE_SCALE;
  const dc = s.assets.get(m.collateralToken)?.decimals ?? 18;
  const dl = s.assets.get(m.loanToken)?.decimals ?? 18;
  const toWad = (x: bigint): bigint => (x * unit(dc) * WAD) / (morpho.ORACLE_PRICE_SCALE * unit(dl));
  let liquidationPrice: MorphoPositionView["liquidationPrice"] = null;
  if (borrowed > 0n && p.collateral > 0n) {
    // maxBorrow = collateral·price·LLTV = borrowed  ⇒  price = borrowed / (collateral·LLTV)
    const liq = (borrowed * morpho.ORACLE_PRICE_SCALE * WAD) / (p.collateral * m.lltv);
    liquidationPrice = {
      priceWad: toWad(liq),
      currentPriceWad: toWad(op),
      distance: liq >= op ? 0n : WAD - (liq * WAD) / op,
    };
  }
  return {
    market: id,
    supplied: toAssetsDown(p.supplyShares, m.totalSupplyAssets, m.totalSupplyShares),
    collateral: p.collateral,
    borrowed,
    ltv: collateralValue === 0n ? null : (borrowed * WAD) / collateralValue,
    healthFactor: morpho.healthFactor(m, p, op),
    leverage: borrowed === 0n ? null : leverage(collateralValue, borrowed),
    liquidationPrice,
  };
}

export function positionView(s: MarketState, ctx: Ctx, u: Address): PositionView {
  const wallet = [...s.assets.keys()]
    .sort()
    .map((a) => ({ asset: a, amount: balanceOf(s, a, u) }))
    .filter((w) => w.amount > 0n);
  const lp = [...s.pools.keys()]
    .sort()
    .map((id) => ({ pool: id, amount: lpBalanceOf(s, id, u) }))
    .filter((l) => l.amount > 0n);
  const markets = [...s.morphoMarkets.keys()].sort().filter((id) => s.morphoPositions.has(`${id}|${u}`));
  return {
    account: u,
    wallet,
    lp,
    aave: aavePosition(s, ctx, u),
    morpho: markets.map((id) => morphoPosition(s, ctx, id, u)),
  };
}

/** Every account with a lending position (Aave or Morpho), sorted. */
export function accounts(s: MarketState): Address[] {
  const set = new Set<Address>(s.aaveUsers.keys());
  for (const key of s.aSupply.keys()) set.add(key.slice(key.indexOf("|") + 1) as Address);
  for (const key of s.morphoPositions.keys()) set.add(key.slice(key.indexOf("|") + 1) as Address);
  return [...set].sort();
}

/** Accounts whose health factor is below 1, with where. */
export function unhealthy(
  s: MarketState,
  ctx: Ctx,
): { account: Address; venue: "aave" | "morpho"; market: string; healthFactor: bigint }[] {
  const out: { account: Address; venue: "aave" | "morpho"; market: string; healthFactor: bigint }[] = [];
  for (const u of [...s.aaveUsers.keys()].sort()) {
    const hf = aave.userAccountData(s, ctx, u).healthFactor;
    if (hf < WAD) out.push({ account: u, venue: "aave", market: "aave", healthFactor: hf });
  }
  for (const key of [...s.morphoPositions.keys()].sort()) {
    const [id, u] = key.split("|") as [string, Address];
    const m = morpho.marketOf(s, id);
    const p = morpho.positionOf(s, id, u);
    if (p.borrowShares === 0n) continue;
    const hf = morpho.healthFactor(m, p, morpho.oraclePrice(s, ctx, m));
    if (hf < WAD) out.push({ account: u, venue: "morpho", market: id, healthFactor: hf });
  }
  return out;
}

// ── history ──────────────────────────────────────────────────────────────────────────────────────────────────────

export function liquidationHistory(s: MarketState): LiquidationRecord[] {
  return [...(s.liquidations.get("all") ?? [])];
}

export interface BadDebtView {
  /** Aave: the deficit per reserve (v3.3, bad debt the protocol carries) */
  aaveDeficits: { asset: AssetId; deficit: bigint }[];
  /** Morpho: bad debt socialised per market (suppliers' loss), summed from the history */
  morphoSocialised: { market: MorphoMarketId; asset: AssetId; amount: bigint }[];
  events: BadDebtRecord[];
}

export function badDebtView(s: MarketState): BadDebtView {
  const events = [...(s.badDebt.get("all") ?? [])];
  const morphoTotals = new Map<string, { market: string; asset: AssetId; amount: bigint }>();
  for (const e of events) {
    if (e.venue !== "morpho") continue;
    const cur = morphoTotals.get(e.market) ?? { market: e.market, asset: e.asset, amount: 0n };
    morphoTotals.set(e.market, { ...cur, amount: cur.amount + e.amount });
  }
  return {
    aaveDeficits: aave
      .reservesInOrder(s)
      .filter((r) => r.deficit > 0n)
      .map((r) => ({ asset: r.asset, deficit: r.deficit })),
    morphoSocialised: [...morphoTotals.values()].sort((a, b) => (a.market < b.market ? -1 : 1)),
    events,
  };
}

/** Formats a WAD health factor for people: "∞" without debt. */
export function formatHealthFactor(hf: bigint): string {
  if (hf === UINT256_MAX) return "∞";
  return formatUnits(hf, 18, 4);
}

/** A fixed-point amount as a decimal string with at most `places` decimals (truncated). */
export function formatUnits(x: bigint, decimals: number, places = decimals): string {
  const neg = x < 0n;
  const v = neg ? -x : x;
  const u = 10n ** BigInt(decimals);
  const whole = v / u;
  let frac = (v % u).toString().padStart(decimals, "0").slice(0, places);
  frac = frac.replace(/0+$/, "");
  return `${neg ? "-" : ""}${whole}${frac ? `.${frac}` : ""}`;
}
