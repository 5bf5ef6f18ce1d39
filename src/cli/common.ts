import { Presets, SingleBar } from "cli-progress";
import { type ConfigInput, configForStore, ledgerOptions, type NodeConfig } from "../node/config.ts";
import { NodeError } from "../node/errors.ts";
import { Ledger } from "../node/ledger.ts";
import { isStoreError, openStore } from "../store/index.ts";
import type { EventStore, LogEntry, Snapshot } from "../store/types.ts";

/** Options every command that opens a store shares. */
export interface StoreFlags {
  db?: string;
  pgSchema?: string;
}

/** Protocol flags; they must match what the store was created with (see src/node/config.ts). */
export interface ProtocolFlags {
  chainId?: string;
  deployment?: string;
  admin?: string;
  beaconReporter?: string;
  delays?: string;
}

export async function openStoreFrom(flags: StoreFlags): Promise<EventStore> {
  return openStore({ db: flags.db, schema: flags.pgSchema });
}

export function configInput(flags: ProtocolFlags & Record<string, unknown>): ConfigInput {
  return {
    chainId: flags.chainId,
    deployment: flags.deployment,
    admin: flags.admin,
    beaconReporter: flags.beaconReporter,
    delays: flags.delays,
  };
}

/** A store whose reads stop at `cap.seq` and report progress; everything else passes through. */
export function cappedStore(
  store: EventStore,
  cap: { seq: number; snapshot?: Snapshot | null },
  onRead?: (lastSeq: number) => void,
): EventStore {
  return {
    kind: store.kind,
    append: (entries) => store.append(entries),
    read: async (fromSeq: number, limit: number): Promise<LogEntry[]> => {
      if (fromSeq > cap.seq) return [];
      const batch = await store.read(fromSeq, Math.min(limit, cap.seq - fromSeq + 1));
      const last = batch[batch.length - 1];
      if (last !== undefined) onRead?.(last.seq);
      return batch;
    },
    head: async () => Math.min(cap.seq, await store.head()),
    hasTx: (h) => store.hasTx(h),
    putSnapshot: (s) => store.putSnapshot(s),
    latestSnapshot: async () => (cap.snapshot !== undefined ? cap.snapshot : store.latestSnapshot()),
    getMeta: (k) => store.getMeta(k),
    setMeta: (k, v) => store.setMeta(k, v),
    close: () => store.close(),
  };
}

/** A progress bar on stderr (shown on a terminal only), advanced by log sequence numbers. */
export function progressBar(label: string, total: number): { update: (n: number) => void; stop: () => void } {
  if (!process.stderr.isTTY || total < 1) return { update: () => {}, stop: () => {} };
  const bar = new SingleBar(
    {
      format: `${label.padEnd(14)} [{bar}] {percentage}% | {value}/{total} entries | {eta_formatted} left`,
      stream: process.stderr,
      hideCursor: true,
      etaBuffer: 50,
    },
    Presets.shades_classic,
  );
  bar.start(total, 0);
  return {
    update: (n) => bar.update(n),
    stop: () => bar.stop(),
  };
}

/** Replays the whole log from event 0 (no snapshot), up to `headSeq`, with a progress bar. */
export async function fullReplay(
  store: EventStore,
  config: NodeConfig,
  headSeq: number,
  label = "full replay",
  checkpoint?: { seq: number; check: (ledger: Ledger) => void },
): Promise<Ledger> {
  const bar = progressBar(label, headSeq);
  const cap = { seq: checkpoint !== undefined ? Math.min(checkpoint.seq, headSeq) : headSeq };
  try {
    const ledger = await Ledger.replayAll(ledgerOptions(config, cappedStore(store, cap, bar.update)));
    if (checkpoint !== undefined) {
      checkpoint.check(ledger);
      cap.seq = headSeq;
      await ledger.replayFrom(ledger.seq + 1);
    }
    return ledger;
  } finally {
    bar.stop();
  }
}

/** The node config for an existing store (stored settings; flags must agree). Nothing is written. */
export async function storeConfig(
  store: EventStore,
  flags: ProtocolFlags & Record<string, unknown>,
): Promise<NodeConfig> {
  return configForStore(store, { ...configInput(flags), manualClock: true }, { persist: false });
}

/** Prints an error the way every command does and sets a failing exit code. */
export function reportError(e: unknown): void {
  if (e instanceof NodeError) console.error(`error: ${e.code}: ${e.message}`);
  else if (isStoreError(e)) console.error(`error: ${e.code}: ${e.message}`);
  else console.error(`error: ${(e as Error)?.message ?? String(e)}`);
  process.exitCode = 1;
}

/** JSON with bigints as decimal strings. */
export function printJson(value: unknown): void {
  console.log(JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2));
}
