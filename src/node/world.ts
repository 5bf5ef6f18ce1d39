import { keccak256, stringToBytes } from "viem";
import { type EigenCommand, execute } from "../core/eigenlayer/commands.ts";
import type { Context } from "../core/eigenlayer/context.ts";
import { createEigenState } from "../core/eigenlayer/create.ts";
import type { EigenParams } from "../core/eigenlayer/params.ts";
import { deserializeState, serializeState, stateHash } from "../core/eigenlayer/snapshot.ts";
import type { EigenState } from "../core/eigenlayer/state.ts";
import { executeLrt, type LrtCommand } from "../lrt/commands.ts";
import { deserializeLrtState, lrtTablesHash, serializeLrtState } from "../lrt/snapshot.ts";
import { LrtState } from "../lrt/state.ts";
import * as lrtViews from "../lrt/views.ts";
import { executeMarket, type MarketCommand } from "../markets/commands.ts";
import { deserializeMarketState, marketStateHash, serializeMarketState } from "../markets/snapshot.ts";
import { createMarketState, type MarketState } from "../markets/state.ts";
import type { RateProvider } from "../markets/types.ts";

/**
 * What the ledger holds: the core and the layers built on it, all on the core's journal, so one transaction that
 * fails anywhere rolls back everywhere. Layer commands travel as `lrt.<command>` and `market.<command>`.
 */
export interface World {
  eigen: EigenState;
  lrt: LrtState;
  markets: MarketState;
}

export type WorldCommand =
  | { layer: "eigen"; command: EigenCommand }
  | { layer: "lrt"; command: LrtCommand }
  | { layer: "market"; command: MarketCommand };

export function createWorld(params: Partial<EigenParams> = {}): World {
  const eigen = createEigenState(params);
  return {
    eigen,
    lrt: new LrtState(eigen),
    markets: createMarketState({ admin: eigen.params.admin, treasury: eigen.params.admin }, eigen.journal),
  };
}

/** LRT exchange rates for the markets' exchange-rate and CAPO oracles: the source is the LRT's id. */
export function lrtRates(world: World): RateProvider {
  return {
    exchangeRate: (source, timestamp) =>
      world.lrt.lrts.has(source)
        ? lrtViews.rate({ eigen: world.eigen, lrt: world.lrt }, source, { timestamp })
        : undefined,
  };
}

export function executeWorld(
  world: World,
  ctx: Context,
  c: WorldCommand,
): { events: unknown[]; result: Record<string, unknown> } {
  switch (c.layer) {
    case "eigen": {
      const r = execute(world.eigen, ctx, c.command);
      return { events: r.events, result: r.result };
    }
    case "lrt": {
      const r = executeLrt({ eigen: world.eigen, lrt: world.lrt }, ctx, c.command);
      return { events: r.events, result: r.result };
    }
    case "market": {
      const r = executeMarket(world.markets, { ...ctx, rates: lrtRates(world) }, c.command);
      return { events: r.events, result: r.result };
    }
  }
}

function isEmpty(tables: [string, { size: number }][]): boolean {
  return tables.every(([, t]) => t.size === 0);
}

/**
 * The world's hash. While no LRT or market exists it is exactly the core's state hash, so a core-only database keeps
 * the hashes it always had; once a layer holds anything, all three are combined.
 */
export function worldHash(w: World): `0x${string}` {
  const core = stateHash(w.eigen);
  if (isEmpty(w.lrt.tables()) && isEmpty(w.markets.tables())) return core;
  return keccak256(stringToBytes(`${core}|${lrtTablesHash(w.lrt)}|${marketStateHash(w.markets)}`));
}

export interface WorldSnapshot {
  eigen: string;
  lrt?: string;
  markets?: string;
}

export function serializeWorld(w: World): WorldSnapshot {
  return { eigen: serializeState(w.eigen), lrt: serializeLrtState(w.lrt), markets: serializeMarketState(w.markets) };
}

/** Snapshots written before the layers existed restore with empty layers. */
export function deserializeWorld(doc: WorldSnapshot): World {
  const eigen = deserializeState(doc.eigen);
  const lrt = doc.lrt === undefined ? new LrtState(eigen) : deserializeLrtState(doc.lrt, eigen);
  const markets =
    doc.markets === undefined
      ? createMarketState({ admin: eigen.params.admin, treasury: eigen.params.admin }, eigen.journal)
      : deserializeMarketState(doc.markets, eigen.journal);
  return { eigen, lrt, markets };
}
