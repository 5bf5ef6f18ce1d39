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
 * value changed, at most `capacity` points per LRT (the oldest are dropped). At start the series is rebuilt once by
 * replaying the log from event 0 into a scratch world (the live ledger may have started from a snapshot, which has
 * no history), sampling after each entry; a log longer than `maxRebuildEntries` is not replayed and the series
 * starts at the node's start. A replayed series can hold points between the entries of one round, which the live
 * sampler (one point per round) would not have taken; the values are the same.
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
  /** the longest log rebuilt at start (default 200,000 entries) */
  maxRebuildEntries?: number;
}

export class LrtHistory {
  readonly capacity: number;
  private readonly series = new Map<string, LrtSample[]>();
  private readonly dropped = new Map<string, number>();
  /** samples taken live while the rebuild runs, applied after it */
  private pending: Map<string, LrtSample>[] = [];
  private rebuilding = true;
  /** the first log position the series covers (1: all of it) */
  from = 1;
  readonly ready: Promise<void>;

  constructor(
    private readonly ledger: Ledger,
    opts: LrtHistoryOptions = {},
  ) {
    this.capacity = opts.capacity ?? 2_000;
    const start = ledger.seq;
    ledger.onCommit(() => {
      const s = sampleWorld(ledger.world, { seq: ledger.seq, ...ledger.time });
      if (this.rebuilding) this.pending.push(s);
      else this.add(s);
    });
    this.ready = this.rebuild(start, opts.maxRebuildEntries ?? 200_000).finally(() => {
      this.rebuilding = false;
      for (const s of this.pending) this.add(s);
      this.pending = [];
    });
  }

  private async rebuild(start: number, max: number): Promise<void> {
    const l = this.ledger;
    if (start === 0) return;
    if (start > max) {
      // too long to replay: start from the node's current state
      this.from = start;
      this.add(sampleWorld(l.world, { seq: start, ...l.time }));
      return;
    }
    const opts = {
      store: l.store,
      chainId: l.domain.chainId,
      deployment: l.domain.deployment,
      params: l.state.params,
      clock: l.clock,
    };
    try {
      const replayed = await Ledger.replayAll(opts, (entry, r) => {
        if (entry.seq > 1 && entry.seq - 1 <= start) this.add(sampleWorld(r.world, { seq: r.seq, ...r.time }));
      });
      if (replayed.seq === start) this.add(sampleWorld(replayed.world, { seq: start, ...replayed.time }));
    } catch {
      // a log that cannot be replayed here (the store failed): keep what the node samples from now on
      this.series.clear();
      this.from = start;
      this.add(sampleWorld(l.world, { seq: start, ...l.time }));
    }
  }

  private add(samples: Map<string, LrtSample>): void {
    for (const [id, s] of samples) {
      const list = this.series.get(id) ?? [];
      this.series.set(id, list);
      const last = list[list.length - 1];
      if (last !== undefined && (last.seq >= s.seq || same(last, s))) continue;
      list.push(s);
      if (list.length > this.capacity) {
        const over = list.length - this.capacity;
        list.splice(0, over);
        this.dropped.set(id, (this.dropped.get(id) ?? 0) + over);
      }
    }
  }

  /** The series of one LRT (after the rebuild), with how many old points were dropped. */
  async of(lrt: string): Promise<{ samples: LrtSample[]; dropped: number; from: number }> {
    await this.ready;
    return { samples: [...(this.series.get(lrt) ?? [])], dropped: this.dropped.get(lrt) ?? 0, from: this.from };
  }
}
