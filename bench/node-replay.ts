import { loadavg } from "node:os";
import { Ledger } from "../src/node/ledger.ts";
import type { EventStore, StoreKind } from "../src/store/index.ts";
import { ledgerOptions } from "../test/node/ledgerHarness.ts";
import { type Figures, median, now, progress, round } from "./lib.ts";
import {
  benchStakers,
  freshTarget,
  interleave,
  openTarget,
  setupNetwork,
  signDeposits,
  type Target,
} from "./node-lib.ts";

/**
 * Replay rate of the ledger from each backend, next to that backend's raw read rate, measured in the same run.
 *
 * The log: 20,000 accepted transactions (the harness's small network, 32 funded and delegated stakers, then
 * deposits round-robin over the stakers), built once through `Ledger.submitBatch` on a temp SQLite file (every
 * transaction signed, verified, executed and appended in group-committed rounds of 500), then copied entry by
 * entry with `store.append` into a fresh PostgreSQL schema (dropped afterwards). Both backends thus hold the
 * same accepted log; building it through the ledger a second time would only repeat 20,000 signature checks.
 *
 * Per backend, interleaved (read, replay, replay, read, …) after one untimed warm-up of each:
 *  - read: `store.read(from, 1000)` pages until the log is exhausted, which decodes every row into a LogEntry
 *    (tx and events parsed from JSON, bigints restored), without applying anything;
 *  - replay: `Ledger.replayAll` on the same store handle: the same reads, plus parsing every command and
 *    executing it on a fresh engine state (signatures are not re-checked on replay).
 * Every replay must reach the built ledger's seq and state hash. An "event" here is one log entry (one accepted
 * transaction); `engine_events` counts the engine events those entries carry.
 */

export const name = "node-replay";
export const description =
  "Ledger.replayAll of a 20,000-transaction log from SQLite and PostgreSQL (events/s) vs a raw store.read pass";

const STAKERS = 32;
const LOG_ENTRIES = 20_000;
/** Transactions per submitBatch (one round, one durable append) while building the log. */
const BUILD_BATCH = 500;
const PAGE = 1000;
const REPEATS = 5;

interface ReadPass {
  entries: number;
  events: number;
}

/** One pass over the whole log as replay reads it, without applying: pages of PAGE, decoded by the store. */
async function readAll(store: EventStore): Promise<ReadPass> {
  let entries = 0;
  let events = 0;
  for (let from = 1; ; ) {
    const batch = await store.read(from, PAGE);
    if (batch.length === 0) return { entries, events };
    for (const e of batch) {
      entries++;
      events += e.events.length;
    }
    from = batch[batch.length - 1]!.seq + 1;
  }
}

interface BackendResult {
  replayNs: number[];
  readNs: number[];
  events: number;
}

async function measureBackend(
  kind: StoreKind,
  store: EventStore,
  expect: { seq: number; hash: string },
): Promise<BackendResult> {
  const opts = ledgerOptions(store);
  const read = async (): Promise<[number, ReadPass]> => {
    const t0 = now();
    const pass = await readAll(store);
    const t = now() - t0;
    if (pass.entries !== expect.seq) throw new Error(`${kind}: read ${pass.entries} entries, expected ${expect.seq}`);
    return [t, pass];
  };
  const replay = async (): Promise<number> => {
    const t0 = now();
    const ledger = await Ledger.replayAll(opts);
    const t = now() - t0;
    if (ledger.seq !== expect.seq || ledger.hash() !== expect.hash) {
      throw new Error(
        `${kind}: replay reached seq ${ledger.seq} / ${ledger.hash()}, expected ${expect.seq} / ${expect.hash}`,
      );
    }
    return t;
  };
  const [, pass] = await read();
  await replay();
  const readNs: number[] = [];
  const replayNs: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    if (i % 2 === 0) {
      readNs.push((await read())[0]);
      replayNs.push(await replay());
    } else {
      replayNs.push(await replay());
      readNs.push((await read())[0]);
    }
  }
  progress(
    `${kind}: replay ${round(expect.seq / (median(replayNs) / 1e9))} events/s, read ${round(expect.seq / (median(readNs) / 1e9))} events/s`,
  );
  return { replayNs, readNs, events: pass.events };
}

export async function run(): Promise<Figures> {
  const loadStart = loadavg()[0]!;
  const targets: Target[] = [];
  const stores: EventStore[] = [];
  try {
    const sqliteT = await freshTarget("sqlite", "replay");
    targets.push(sqliteT);
    const pgT = await freshTarget("postgres", "replay");
    targets.push(pgT);
    const sqlite = await openTarget(sqliteT);
    stores.push(sqlite);
    const postgres = await openTarget(pgT);
    stores.push(postgres);

    const stakers = benchStakers(STAKERS);
    const ledger = await Ledger.open(ledgerOptions(sqlite));
    const nonces = await setupNetwork(ledger, stakers);
    const deposits = LOG_ENTRIES - ledger.seq;

    progress(`signing ${deposits} deposits for ${STAKERS} stakers`);
    let t0 = now();
    const txs = interleave(await signDeposits(stakers, nonces, Math.ceil(deposits / STAKERS))).slice(0, deposits);
    const signS = (now() - t0) / 1e9;

    progress(`building the log through the ledger on SQLite (submitBatch of ${BUILD_BATCH})`);
    t0 = now();
    for (let i = 0; i < txs.length; i += BUILD_BATCH) {
      const outs = await ledger.submitBatch(txs.slice(i, i + BUILD_BATCH));
      const bad = outs.find((o) => o.status !== "accepted");
      if (bad !== undefined && bad.status === "rejected") throw new Error(`build: ${bad.code} ${bad.message}`);
    }
    const buildS = (now() - t0) / 1e9;
    const expect = { seq: ledger.seq, hash: ledger.hash() };
    if (expect.seq !== LOG_ENTRIES) throw new Error(`built ${expect.seq} entries, expected ${LOG_ENTRIES}`);

    progress(`copying ${expect.seq} entries into PostgreSQL schema ${pgT.schema}`);
    t0 = now();
    for (let from = 1; ; ) {
      const batch = await sqlite.read(from, PAGE);
      if (batch.length === 0) break;
      const logged = await postgres.append(batch.map(({ seq: _seq, ...entry }) => entry));
      if (logged[0]!.seq !== from) throw new Error(`copy: appended at ${logged[0]!.seq}, expected ${from}`);
      from = batch[batch.length - 1]!.seq + 1;
    }
    const copyS = (now() - t0) / 1e9;

    const results = {
      sqlite: await measureBackend("sqlite", sqlite, expect),
      postgres: await measureBackend("postgres", postgres, expect),
    };
    const figures: Figures = {
      entries: expect.seq,
      engine_events: results.sqlite.events,
      repeats: REPEATS,
    };
    for (const [kind, r] of Object.entries(results)) {
      const replay = expect.seq / (median(r.replayNs) / 1e9);
      const read = expect.seq / (median(r.readNs) / 1e9);
      figures[`${kind}_replay_events_per_s`] = round(replay);
      figures[`${kind}_read_events_per_s`] = round(read);
      figures[`${kind}_replay_to_read`] = round(replay / read, 3);
      figures[`${kind}_apply_us_per_event`] = round((1 / replay - 1 / read) * 1e6, 3);
      figures[`${kind}_replay_s`] = round(median(r.replayNs) / 1e9, 3);
    }
    figures.sign_s = round(signS, 3);
    figures.build_sqlite_s = round(buildS, 3);
    figures.build_tx_per_s = round(deposits / buildS);
    figures.copy_to_postgres_s = round(copyS, 3);
    figures.load_1m_start = round(loadStart, 3);
    figures.load_1m_end = round(loadavg()[0]!, 3);
    return figures;
  } finally {
    for (const s of stores) await s.close().catch(() => undefined);
    for (const t of targets) await t.cleanup();
  }
}
