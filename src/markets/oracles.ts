/**
 * Price oracles, a choice per reserve or market. Prices are in the base currency with 8 decimals (as Aave's USD
 * feeds) per whole token. Kinds: a pushed feed (fixed), the LRT exchange rate times the underlying's price, the same
 * rate capped by Aave's CAPO rule, and a DEX pool's spot price; any of them can be frozen.
 */
import { require } from "../core/shared/errors.ts";
import { asset } from "./ledger.ts";
import { SECONDS_PER_YEAR, WAD } from "./math.ts";
import { poolSpotPrice } from "./pools.ts";
import type { MarketState } from "./state.ts";
import type { Events, MarketContext, OracleId, OracleRecord, OracleSource } from "./types.ts";
import { emit } from "./types.ts";

/** 1.0 in the base currency (8 decimals). */
export const BASE_UNIT = 10n ** 8n;

export function oracle(s: MarketState, id: OracleId): OracleRecord {
  const o = s.oracles.get(id);
  require(o !== undefined, "UnknownOracle", `no oracle ${id}`, { oracle: id });
  return o;
}

/** The exchange rate of `source` (WAD): the context's rate provider first, then the last reported rate. */
export function exchangeRate(s: MarketState, ctx: Pick<MarketContext, "timestamp" | "rates">, source: string): bigint {
  const live = ctx.rates?.exchangeRate(source, ctx.timestamp);
  if (live !== undefined) {
    require(live > 0n, "InvalidRate", `rate provider returned ${live} for ${source}`);
    return live;
  }
  const stored = s.exchangeRates.get(source);
  require(stored !== undefined, "RateUnavailable", `no exchange rate for ${source}`, { source });
  return stored.rate;
}

/** CAPO's ceiling at time t: snapshotRatio + growthPerSecond·(t − snapshotTimestamp). */
export function capoMaxRatio(src: Extract<OracleSource, { kind: "capo" }>, t: bigint): bigint {
  const elapsed = t > src.snapshotTimestamp ? t - src.snapshotTimestamp : 0n;
  return src.snapshotRatio + src.maxRatioGrowthPerSecond * elapsed;
}

/** The oracle's price now (base currency, 8 decimals, per whole token). */
export function price(s: MarketState, ctx: Pick<MarketContext, "timestamp" | "rates">, id: OracleId): bigint {
  const o = oracle(s, id);
  if (o.frozen !== null) return o.frozen.price;
  const src = o.source;
  switch (src.kind) {
    case "fixed":
      return src.price;
    case "exchangeRate":
      return (price(s, ctx, src.base) * exchangeRate(s, ctx, src.source)) / WAD;
    case "capo": {
      const rate = exchangeRate(s, ctx, src.source);
      const cap = capoMaxRatio(src, ctx.timestamp);
      return (price(s, ctx, src.base) * (rate < cap ? rate : cap)) / WAD;
    }
    case "dex":
      return (price(s, ctx, src.base) * poolSpotPrice(s, src.pool, src.asset, src.quote, ctx.timestamp)) / WAD;
  }
}

// ── commands ─────────────────────────────────────────────────────────────────────────────────────────────────────

export type OracleSpec =
  | { kind: "fixed"; price: bigint }
  | { kind: "exchangeRate"; source: string; base: OracleId }
  | {
      kind: "capo";
      source: string;
      base: OracleId;
      snapshotRatio: bigint;
      snapshotTimestamp: bigint;
      maxYearlyRatioGrowthBps: bigint;
    }
  | { kind: "dex"; pool: OracleId; asset: string; quote: string; base: OracleId };

export interface CreateOracle {
  type: "createOracle";
  oracle: OracleId;
  spec: OracleSpec;
}

function capoGrowthPerSecond(snapshotRatio: bigint, bps: bigint): bigint {
  return (snapshotRatio * bps) / 10_000n / SECONDS_PER_YEAR;
}

function checkCapo(snapshotRatio: bigint, snapshotTimestamp: bigint, bps: bigint, prevTs: bigint, t: bigint): void {
  require(snapshotRatio > 0n, "SnapshotRatioIsZero");
  require(snapshotTimestamp > prevTs && snapshotTimestamp <= t, "InvalidRatioTimestamp", "snapshot time", {
    snapshotTimestamp,
  });
  require(bps <= 65_535n, "InputOutOfRange", "maxYearlyRatioGrowthBps is a uint16");
  require((snapshotRatio * bps * 3n) / 10_000n <= (1n << 104n) - 1n, "SnapshotMayOverflowSoon");
}

export function createOracle(s: MarketState, ctx: MarketContext, ev: Events, c: CreateOracle): void {
  require(ctx.caller === s.params.admin, "OnlyAdmin");
  require(!s.oracles.has(c.oracle), "OracleAlreadyExists", `oracle ${c.oracle} exists`);
  const spec = c.spec;
  let source: OracleSource;
  switch (spec.kind) {
    case "fixed":
      require(spec.price > 0n, "InvalidPrice", "a price must be positive");
      source = { kind: "fixed", price: spec.price };
      break;
    case "exchangeRate":
      require(spec.source.length > 0, "InvalidRateSource");
      oracle(s, spec.base);
      source = { kind: "exchangeRate", source: spec.source, base: spec.base };
      break;
    case "capo":
      require(spec.source.length > 0, "InvalidRateSource");
      oracle(s, spec.base);
      checkCapo(spec.snapshotRatio, spec.snapshotTimestamp, spec.maxYearlyRatioGrowthBps, 0n, ctx.timestamp);
      source = {
        kind: "capo",
        source: spec.source,
        base: spec.base,
        snapshotRatio: spec.snapshotRatio,
        snapshotTimestamp: spec.snapshotTimestamp,
        maxYearlyRatioGrowthBps: spec.maxYearlyRatioGrowthBps,
        maxRatioGrowthPerSecond: capoGrowthPerSecond(spec.snapshotRatio, spec.maxYearlyRatioGrowthBps),
      };
      break;
    case "dex": {
      oracle(s, spec.base);
      asset(s, spec.asset);
      asset(s, spec.quote);
      // the pool must hold both coins and have a price now
      poolSpotPrice(s, spec.pool, spec.asset, spec.quote, ctx.timestamp);
      source = { kind: "dex", pool: spec.pool, asset: spec.asset, quote: spec.quote, base: spec.base };
      break;
    }
    default:
      require(false, "UnknownOracleKind", `unknown oracle kind ${String((spec as { kind?: unknown }).kind)}`);
  }
  s.oracles.set(c.oracle, { id: c.oracle, source, frozen: null, updatedAt: ctx.timestamp });
  emit(ev, "OracleCreated", { oracle: c.oracle, kind: source.kind });
}

/** A pushed price update (fixed feeds only). */
export function setOraclePrice(
  s: MarketState,
  ctx: MarketContext,
  ev: Events,
  c: { oracle: OracleId; price: bigint },
): void {
  require(ctx.caller === s.params.admin, "OnlyAdmin");
  const o = oracle(s, c.oracle);
  require(o.source.kind === "fixed", "NotAFixedFeed", "only pushed feeds take prices");
  require(c.price > 0n, "InvalidPrice", "a price must be positive");
  s.oracles.set(c.oracle, { ...o, source: { kind: "fixed", price: c.price }, updatedAt: ctx.timestamp });
  emit(ev, "AnswerUpdated", { oracle: c.oracle, price: c.price, updatedAt: ctx.timestamp });
}

/** Reports an exchange rate for a source, used when the context's rate provider has none. */
export function setExchangeRate(
  s: MarketState,
  ctx: MarketContext,
  ev: Events,
  c: { source: string; rate: bigint },
): void {
  require(ctx.caller === s.params.admin, "OnlyAdmin");
  require(c.source.length > 0, "InvalidRateSource");
  require(c.rate > 0n, "InvalidRate", "a rate must be positive");
  s.exchangeRates.set(c.source, { rate: c.rate, updatedAt: ctx.timestamp });
  emit(ev, "ExchangeRateUpdated", { source: c.source, rate: c.rate });
}

/** CAPO's setCapParameters: a new snapshot (later than the last one, not in the future). */
export function setCapoSnapshot(
  s: MarketState,
  ctx: MarketContext,
  ev: Events,
  c: { oracle: OracleId; snapshotRatio: bigint; snapshotTimestamp: bigint; maxYearlyRatioGrowthBps: bigint },
): void {
  require(ctx.caller === s.params.admin, "OnlyAdmin");
  const o = oracle(s, c.oracle);
  const src = o.source;
  require(src.kind === "capo", "NotACapoOracle");
  checkCapo(c.snapshotRatio, c.snapshotTimestamp, c.maxYearlyRatioGrowthBps, src.snapshotTimestamp, ctx.timestamp);
  s.oracles.set(c.oracle, {
    ...o,
    source: {
      ...src,
      snapshotRatio: c.snapshotRatio,
      snapshotTimestamp: c.snapshotTimestamp,
      maxYearlyRatioGrowthBps: c.maxYearlyRatioGrowthBps,
      maxRatioGrowthPerSecond: capoGrowthPerSecond(c.snapshotRatio, c.maxYearlyRatioGrowthBps),
    },
    updatedAt: ctx.timestamp,
  });
  emit(ev, "CapParametersUpdated", { oracle: c.oracle, snapshotRatio: c.snapshotRatio });
}

/** Freezes an oracle at its current price (a stale feed); unfreezing resumes live prices. */
export function setOracleFrozen(
  s: MarketState,
  ctx: MarketContext,
  ev: Events,
  c: { oracle: OracleId; frozen: boolean },
): void {
  require(ctx.caller === s.params.admin, "OnlyAdmin");
  const o = oracle(s, c.oracle);
  require((o.frozen !== null) !== c.frozen, "InvalidFreezeState", "the oracle is already in that state");
  const frozen = c.frozen ? { price: price(s, ctx, c.oracle), since: ctx.timestamp } : null;
  s.oracles.set(c.oracle, { ...o, frozen });
  emit(ev, c.frozen ? "OracleFrozen" : "OracleUnfrozen", { oracle: c.oracle, price: frozen?.price ?? null });
}
