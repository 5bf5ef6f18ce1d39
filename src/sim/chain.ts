import type { Context } from "../core/eigenlayer/context.ts";
import type { Address } from "../core/eigenlayer/state.ts";
import { isProtocolError } from "../core/shared/errors.ts";
import { createWorld, executeWorld, type World, type WorldCommand, worldHash } from "../node/world.ts";

/** Seconds per block, as on Ethereum. */
export const BLOCK_SECONDS = 12n;

/** One command the simulation applied, in the order applied: the whole run is this list (replayable). */
export interface SimEntry {
  block: bigint;
  timestamp: bigint;
  caller: Address;
  command: WorldCommand;
}

/** Receives every applied command (a store recorder, a counter); nothing is sent for a command that reverted. */
export type SimSink = (e: SimEntry) => void;

/**
 * The simulation's chain: the world (core + LRTs + markets on one journal, src/node/world.ts), a block clock and the
 * one door through which the network builder, the timeline and the agents change state. Every command goes through
 * the real `executeWorld`, so the simulation runs the engine, LRT and market code themselves, with their checks.
 */
export class SimChain {
  readonly world: World;
  block: bigint;
  private readonly sinks: SimSink[] = [];
  /** commands applied, and commands that reverted (agents try things that can fail, as on a chain) */
  applied = 0;
  reverted = 0;
  /** revert codes counted, for the summary */
  readonly revertCodes = new Map<string, number>();

  constructor(world: World = createWorld(), startBlock = 1n) {
    this.world = world;
    this.block = startBlock;
  }

  get timestamp(): bigint {
    return this.block * BLOCK_SECONDS;
  }

  ctx(caller: Address): Context {
    return { block: this.block, timestamp: this.timestamp, caller };
  }

  /** Registers a sink; returns the function that removes it. */
  onApply(sink: SimSink): () => void {
    this.sinks.push(sink);
    return () => {
      const i = this.sinks.indexOf(sink);
      if (i >= 0) this.sinks.splice(i, 1);
    };
  }

  /** Applies a command; a revert throws (the journal has already rolled it back). */
  apply(caller: Address, command: WorldCommand): Record<string, unknown> {
    const r = executeWorld(this.world, this.ctx(caller), command);
    this.applied++;
    if (this.buffer !== null) this.buffer.push({ block: this.block, timestamp: this.timestamp, caller, command });
    else if (this.sinks.length > 0) {
      const e: SimEntry = { block: this.block, timestamp: this.timestamp, caller, command };
      for (const s of this.sinks) s(e);
    }
    return r.result;
  }

  private buffer: SimEntry[] | null = null;

  /**
   * Runs several commands as one: if any reverts, all are rolled back (one journal mark), none reaches the sinks,
   * and the revert is counted; returns null then. An agent's multi-command move (wrap, cross the gateway, swap) is
   * all-or-nothing, as one transaction through a router would be.
   */
  atomic<T>(label: string, fn: () => T): T | null {
    const journal = this.world.eigen.journal;
    const outer = this.buffer;
    const mine: SimEntry[] = [];
    this.buffer = mine;
    const applied = this.applied;
    const mark = journal.begin();
    try {
      const out = fn();
      journal.commit();
      this.buffer = outer;
      for (const e of mine) {
        if (outer !== null) outer.push(e);
        else for (const s of this.sinks) s(e);
      }
      return out;
    } catch (e) {
      journal.rollback(mark);
      this.buffer = outer;
      this.applied = applied;
      if (!isProtocolError(e)) throw e;
      this.reverted++;
      const code = `${label}:${e.code}`;
      this.revertCodes.set(code, (this.revertCodes.get(code) ?? 0) + 1);
      return null;
    }
  }

  /** Applies a command an agent chose; a protocol revert is counted and returns null (state unchanged). */
  try(caller: Address, command: WorldCommand): Record<string, unknown> | null {
    try {
      return this.apply(caller, command);
    } catch (e) {
      if (!isProtocolError(e)) throw e;
      this.reverted++;
      const code = `${command.layer}.${command.command.type}:${e.code}`;
      this.revertCodes.set(code, (this.revertCodes.get(code) ?? 0) + 1);
      return null;
    }
  }

  advance(blocks: bigint): void {
    this.block += blocks;
  }

  hash(): `0x${string}` {
    return worldHash(this.world);
  }
}

/** Rebuilds a world from a recorded run (what `SimChain` sent to its sinks), for the determinism checks. */
export function replayEntries(entries: Iterable<SimEntry>, world: World = createWorld()): World {
  for (const e of entries) {
    executeWorld(world, { block: e.block, timestamp: e.timestamp, caller: e.caller }, e.command);
  }
  return world;
}
