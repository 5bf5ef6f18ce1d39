import { fromJson, toJson } from "../core/shared/codec.ts";
import { createWorld, executeWorld, worldHash } from "../node/world.ts";
import type { EventStore, NewEntry } from "../store/types.ts";
import type { SimEntry, SimSink } from "./chain.ts";

/**
 * A simulation run in the project's event store (SQLite or PostgreSQL, src/store): every command the run applied —
 * the network's set-up first, then the run itself — as one log entry each, and in meta the world's creation
 * parameters and the final hash. `replayRun` rebuilds the world from the log alone and compares hashes: the same
 * run gives the same hash on either backend. A simulation store is not a node's database (no signed transactions):
 * `restake verify` is for ledgers, `restake simulate verify` for these.
 */

export const SIM_META = {
  /** "1": this store holds a simulation run */
  format: "sim.format",
  /** codec JSON of the core parameters the world was created with (networkWorldParams) */
  worldParams: "sim.worldParams",
  scenario: "sim.scenario",
  seed: "sim.seed",
  /** entries of the network's set-up (the run's follow) */
  setupEntries: "sim.setupEntries",
  setupHash: "sim.setupHash",
  hash: "sim.hash",
} as const;

const BATCH = 2_000;

/** Collects a run's commands (setup and run) through the chain's sink, and writes them once the run is done. */
export class RunRecorder {
  readonly entries: SimEntry[] = [];
  setupEntries = 0;
  readonly sink: SimSink = (e) => {
    this.entries.push(e);
  };

  /** Marks the end of the set-up (call after the network is built). */
  endSetup(): void {
    this.setupEntries = this.entries.length;
  }

  async write(
    store: EventStore,
    meta: { worldParams: unknown; scenario: string; seed: number; setupHash: string; hash: string },
  ): Promise<number> {
    if ((await store.head()) !== 0)
      throw new Error("the store already holds a log: record a run into an empty database");
    for (let i = 0; i < this.entries.length; i += BATCH) {
      const batch: NewEntry[] = this.entries.slice(i, i + BATCH).map((e, k) => ({
        block: e.block,
        timestamp: e.timestamp,
        // not a signed transaction: a unique id per command, in the order applied
        txHash: `sim-${i + k + 1}`,
        sender: e.caller,
        tx: e.command,
        events: [],
      }));
      await store.append(batch);
    }
    await store.setMeta(SIM_META.worldParams, toJson(meta.worldParams));
    await store.setMeta(SIM_META.scenario, meta.scenario);
    await store.setMeta(SIM_META.seed, String(meta.seed));
    await store.setMeta(SIM_META.setupEntries, String(this.setupEntries));
    await store.setMeta(SIM_META.setupHash, meta.setupHash);
    await store.setMeta(SIM_META.hash, meta.hash);
    await store.setMeta(SIM_META.format, "1");
    return this.entries.length;
  }
}

export interface ReplayReport {
  ok: boolean;
  entries: number;
  /** hash after the set-up and at the end, replayed vs stored */
  setupHash: string;
  expectedSetupHash: string | null;
  hash: string;
  expected: string | null;
}

/** Rebuilds the world from a recorded run's log and compares its hashes with the stored ones. */
export async function replayRun(
  store: EventStore,
  onProgress?: (seq: number, head: number) => void,
): Promise<ReplayReport> {
  if ((await store.getMeta(SIM_META.format)) === null) throw new Error("this store holds no simulation run");
  const params = fromJson<Parameters<typeof createWorld>[0]>((await store.getMeta(SIM_META.worldParams)) ?? "{}");
  const setupEntries = Number((await store.getMeta(SIM_META.setupEntries)) ?? "0");
  const expectedSetupHash = await store.getMeta(SIM_META.setupHash);
  const expected = await store.getMeta(SIM_META.hash);
  const head = await store.head();
  const world = createWorld(params);
  let setupHash = setupEntries === 0 ? worldHash(world) : "";
  let n = 0;
  for (let from = 1; from <= head; ) {
    const batch = await store.read(from, BATCH);
    if (batch.length === 0) break;
    for (const e of batch) {
      executeWorld(
        world,
        { block: e.block, timestamp: e.timestamp, caller: e.sender as SimEntry["caller"] },
        e.tx as SimEntry["command"],
      );
      n++;
      if (n === setupEntries) setupHash = worldHash(world);
    }
    from = batch[batch.length - 1]!.seq + 1;
    onProgress?.(from - 1, head);
  }
  const hash = worldHash(world);
  return {
    ok: hash === expected && setupHash === expectedSetupHash,
    entries: n,
    setupHash,
    expectedSetupHash,
    hash,
    expected,
  };
}
