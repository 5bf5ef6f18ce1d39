import { ledgerOptions } from "../node/config.ts";
import { Ledger } from "../node/ledger.ts";
import type { EventStore } from "../store/types.ts";
import {
  cappedStore,
  fullReplay,
  openStoreFrom,
  type ProtocolFlags,
  printJson,
  progressBar,
  reportError,
  type StoreFlags,
  storeConfig,
} from "./common.ts";

export type Flags = StoreFlags & ProtocolFlags & { json?: boolean };

export interface VerifyReport {
  ok: boolean;
  head: number;
  snapshot: { seq: number; recordedHash: string; replayedHash: string; ok: boolean } | null;
  fromSnapshot: { seq: number; hash: string; block: string; timestamp: string };
  fullReplay: { seq: number; hash: string; block: string; timestamp: string };
}

const position = (l: Ledger) => ({
  seq: l.seq,
  hash: l.hash(),
  block: l.time.block.toString(),
  timestamp: l.time.timestamp.toString(),
});

/**
 * Loads the latest snapshot plus the log tail (what a restart does) and a full replay from event 0, and compares
 * their hashes; the latest snapshot's recorded hash is also checked against the full replay at its seq. Both run
 * up to the head as it was when verification started, so a node may keep writing meanwhile.
 */
export async function verifyStore(store: EventStore, flags: ProtocolFlags): Promise<VerifyReport> {
  const config = await storeConfig(store, flags as Record<string, unknown>);
  const snapshot = await store.latestSnapshot();
  const head = await store.head();
  const fromSnapshot = await Ledger.open(ledgerOptions(config, cappedStore(store, { seq: head, snapshot })));
  let snapCheck: VerifyReport["snapshot"] = null;
  const full = await fullReplay(
    store,
    config,
    head,
    "full replay",
    snapshot === null || snapshot.seq === 0
      ? undefined
      : {
          seq: snapshot.seq,
          check: (l) => {
            const replayedHash = l.hash();
            snapCheck = {
              seq: snapshot.seq,
              recordedHash: snapshot.stateHash,
              replayedHash,
              ok: replayedHash === snapshot.stateHash,
            };
          },
        },
  );
  const a = position(fromSnapshot);
  const b = position(full);
  const snapOk = (snapCheck as VerifyReport["snapshot"])?.ok ?? true;
  return {
    ok: snapOk && a.hash === b.hash && a.seq === b.seq && b.seq === head,
    head,
    snapshot: snapCheck,
    fromSnapshot: a,
    fullReplay: b,
  };
}

async function withStore<T>(flags: StoreFlags, fn: (store: EventStore) => Promise<T>): Promise<T> {
  const store = await openStoreFrom(flags);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

export async function replayCommand(flags: Flags): Promise<void> {
  try {
    await withStore(flags, async (store) => {
      const config = await storeConfig(store, flags as Record<string, unknown>);
      const head = await store.head();
      const started = performance.now();
      const ledger = await fullReplay(store, config, head);
      const seconds = (performance.now() - started) / 1000;
      const out = { ...position(ledger), entries: head, seconds: Number(seconds.toFixed(3)) };
      if (flags.json) printJson(out);
      else {
        console.log(`replayed ${head} entries in ${seconds.toFixed(2)} s`);
        console.log(`seq        ${out.seq}`);
        console.log(`block      ${out.block} (timestamp ${out.timestamp})`);
        console.log(`state hash ${out.hash}`);
      }
    });
  } catch (e) {
    reportError(e);
  }
}

export async function verifyCommand(flags: Flags): Promise<void> {
  try {
    await withStore(flags, async (store) => {
      const r = await verifyStore(store, flags);
      if (flags.json) printJson(r);
      else {
        if (r.snapshot !== null) {
          console.log(`latest snapshot    seq ${r.snapshot.seq}: recorded ${r.snapshot.recordedHash}`);
          console.log(
            `full replay        seq ${r.snapshot.seq}: ${r.snapshot.replayedHash} ${r.snapshot.ok ? "(match)" : "(MISMATCH)"}`,
          );
        } else {
          console.log("latest snapshot    none (the restart path replays the whole log)");
        }
        console.log(`snapshot + tail    seq ${r.fromSnapshot.seq}: ${r.fromSnapshot.hash}`);
        console.log(`full replay        seq ${r.fullReplay.seq}: ${r.fullReplay.hash}`);
        console.log(r.ok ? "OK: the hashes match" : "MISMATCH: the snapshot path and the full replay disagree");
      }
      if (!r.ok) process.exitCode = 1;
    });
  } catch (e) {
    reportError(e);
  }
}

export async function snapshotCommand(flags: Flags): Promise<void> {
  try {
    await withStore(flags, async (store) => {
      const config = await storeConfig(store, flags as Record<string, unknown>);
      const head = await store.head();
      const latest = await store.latestSnapshot();
      const bar = progressBar("loading", head - (latest?.seq ?? 0));
      const base = latest?.seq ?? 0;
      let ledger: Ledger;
      try {
        ledger = await Ledger.open(
          ledgerOptions(
            config,
            cappedStore(store, { seq: head, snapshot: latest }, (s) => bar.update(s - base)),
          ),
        );
      } finally {
        bar.stop();
      }
      const snap = await ledger.snapshot();
      if (flags.json) printJson(snap);
      else console.log(`snapshot written at seq ${snap.seq}: ${snap.stateHash}`);
    });
  } catch (e) {
    reportError(e);
  }
}
