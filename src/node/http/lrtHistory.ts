import * as lrtViews from "../../lrt/views.ts";
import * as cp from "../../markets/constantProduct.ts";
import * as ss from "../../markets/stableswap.ts";
import type { MarketState } from "../../markets/state.ts";
import type { AssetId, PoolId } from "../../markets/types.ts";
import { Ledger } from "../ledger.ts";
import type { World } from "../world.ts";

/**
 * Each LRT's rate, NAV per token and DEX price over time: what the LRT page's depeg chart draws.
 *
 * Why a bounded in-memory series sampled by the node, rather than computing from the log on each request: the DEX
 * price and the NAV are not in any event (they are functions of the whole state), so computing them from the log
 * means replaying it; doing that per request would cost a full replay each time. Instead the node samples the state
 * after every committed round (`ledger.onCommit`), which costs a few views per round, and keeps a point only when a
 * value changed, at most `capacity` points per LRT (the oldest are dropped). The part before the node started is
 * rebuilt once, on the first request, by replaying the log from event 0 into a scratch world (the live ledger may
 * have started from a snapshot, which has no history), sampling after each entry; a log longer than
 * `maxRebuildEntries` is not replayed and the series starts at the node's start. A replayed series can hold points
 * between the entries of one round, which the live sampler (one point per round) would not have taken; the values
 * at the live points are the same.
 */

export interface LrtSample {
  /** the log position the state is at (the last entry applied) */
  seq: number;
  block: bigint;
  timestamp: bigint;
  /** the protocol's rate, ETH per 1e18 tokens (ether.fi: per weETH) */
  rate: bigint;
  /** NAV per token at the LSTs' current rates: what the assets say the token is worth, ahead of any report */
  navPerToken: bigint;
  /** the LRT's price in ETH on its DEX pool (WAD), null without a pool */
  dexPrice: bigint | null;
}

export interface LrtMarket {
  /** the market asset that is this LRT (its bridgeable token by name: weETH for ether.fi) */
  asset: AssetId;
  pool: PoolId;
  /** the pool's ETH-like side (WETH or ETH) */
  quote: AssetId;
}

const ETH_LIKE = new Set(["WETH", "ETH"]);

/** The market asset and pool that price this LRT against ETH, if the markets list one. */
export function lrtMarket(world: World, lrt: string): LrtMarket | null {
  const rec = world.lrt.lrts.get(lrt);
  if (rec === undefined) return null;
  const m = world.markets;
  for (const asset of [rec.wrappedSymbol, rec.symbol, rec.id]) {
    if (asset === null || !m.assets.has(asset)) continue;
    for (const id of [...m.pools.keys()].sort()) {
      const p = m.pools.get(id)!;
      const quote = p.assets.find((a) => ETH_LIKE.has(a));
      if (quote !== undefined && p.assets.includes(asset)) return { asset, pool: id, quote };
    }
    return null;
  }
  return null;
}

/** The price of `asset` in `quote` on `pool` (WAD, whole tokens), null while a side is empty. */
export function dexPrice(m: MarketState, market: LrtMarket, t: bigint): bigint | null {
  const p = m.pools.get(market.pool);
  if (p === undefined) return null;
  const i = p.assets.indexOf(market.asset);
  const j = p.assets.indexOf(market.quote);
  if (p.kind === "stableswap") {
    if (p.balances.some((b) => b === 0n)) return null;
    return ss.spotPrice(p, i, j, t);
  }
  if (p.reserves.some((b) => b === 0n)) return null;
  const decimals = p.assets.map((a) => m.assets.get(a)?.decimals ?? 18) as [number, number];
  return cp.spotPrice(p, i === 0 ? 0 : 1, decimals);
}

function sampleWorld(world: World, at: { seq: number; block: bigint; timestamp: bigint }): Map<string, LrtSample> {
  const w = { eigen: world.eigen, lrt: world.lrt };
  const out = new Map<string, LrtSample>();
  for (const id of lrtViews.listLrts(w)) {
    const nav = lrtViews.nav(w, id);
    const market = lrtMarket(world, id);
    out.set(id, {
      ...at,
      rate: nav.rate,
      navPerToken: nav.navPerToken,
      dexPrice: market === null ? null : dexPrice(world.markets, market, at.timestamp),
    });
  }
  return out;
}

const same = (a: LrtSample, b: LrtSample) =>
  a.rate === b.rate && a.navPerToken === b.navPerToken && a.dexPrice === b.dexPrice;

export interface LrtHistoryOptions {
  /** points kept per LRT (default 2,000) */
  capacity?: number;
  /** the longest log rebuilt (default 200,000 entries) */
  maxRebuildEntries?: number;
}

type Series = Map<string, LrtSample[]>;

/**
 * Appends each LRT's sample when a value changed; keeps at most `capacity` points per LRT, counting those dropped.
 * Returns nothing: `series` and `dropped` are updated in place.
 */
function append(series: Series, dropped: Map<string, number>, samples: Map<string, LrtSample>, capacity: number) {
  for (const [id, s] of samples) {
    const list = series.get(id) ?? [];
    series.set(id, list);
    const last = list[list.length - 1];
    if (last !== undefined && (last.seq >= s.seq || same(last, s))) continue;
    list.push(s);
    if (list.length > capacity) {
      const over = list.length - capacity;
      list.splice(0, over);
      dropped.set(id, (dropped.get(id) ?? 0) + over);
    }
  }
}

export class LrtHistory {
  readonly capacity: number;
  /** the log position the node was at when this history started: the replay covers up to it */
  private readonly start: number;
  private readonly maxRebuild: number;
  /** samples up to `start`, once rebuilt from the log */
  private readonly rebuilt: Series = new Map();
  private readonly rebuiltDropped = new Map<string, number>();
  /** samples the node took after `start`, one per committed round */
  private readonly live: Series = new Map();
  private readonly liveDropped = new Map<string, number>();
  private building: Promise<void> | null = null;
  /** the first log position the series covers (1: all of it) */
  private from = 1;

  constructor(
    private readonly ledger: Ledger,
    opts: LrtHistoryOptions = {},
  ) {
    this.capacity = opts.capacity ?? 2_000;
    this.maxRebuild = opts.maxRebuildEntries ?? 200_000;
    this.start = ledger.seq;
    if (this.start > this.maxRebuild) {
      // too long to replay: the series starts at the node's current state
      this.from = this.start;
      this.building = Promise.resolve();
      append(this.rebuilt, this.rebuiltDropped, sampleWorld(ledger.world, { seq: this.start, ...ledger.time }), 1);
    }
    ledger.onCommit(() => {
      append(
        this.live,
        this.liveDropped,
        sampleWorld(ledger.world, { seq: ledger.seq, ...ledger.time }),
        this.capacity,
      );
    });
  }

  /** Replays the log up to `start` into a scratch world, sampling after each entry (once, on first use). */
  private rebuild(): Promise<void> {
    this.building ??= (async () => {
      const l = this.ledger;
      if (this.start === 0) return;
      const opts = {
        store: l.store,
        chainId: l.domain.chainId,
        deployment: l.domain.deployment,
        params: l.state.params,
        clock: l.clock,
      };
      const take = (r: Ledger) =>
        append(this.rebuilt, this.rebuiltDropped, sampleWorld(r.world, { seq: r.seq, ...r.time }), this.capacity);
      try {
        const replayed = await Ledger.replayAll(opts, (entry, r) => {
          if (entry.seq > 1 && entry.seq - 1 <= this.start) take(r);
        });
        if (replayed.seq === this.start) take(replayed);
      } catch {
        // the log could not be read here (the store failed): keep what the node sampled since it started
        this.rebuilt.clear();
        this.rebuiltDropped.clear();
        this.from = this.start + 1;
      }
    })();
    return this.building;
  }

  /** The series of one LRT: rebuilt from the log, then sampled live; at most `capacity` points. */
  async of(lrt: string): Promise<{ samples: LrtSample[]; dropped: number; from: number }> {
    await this.rebuild();
    const merged: Series = new Map();
    const dropped = new Map<string, number>();
    for (const source of [this.rebuilt, this.live]) {
      for (const s of source.get(lrt) ?? []) append(merged, dropped, new Map([[lrt, s]]), this.capacity);
    }
    const older = (this.rebuiltDropped.get(lrt) ?? 0) + (this.liveDropped.get(lrt) ?? 0);
    return { samples: merged.get(lrt) ?? [], dropped: older + (dropped.get(lrt) ?? 0), from: this.from };
  }
}
