import { buildDistribution, type RewardsDistribution } from "../core/eigenlayer/merkle.ts";
import { storedSubmissions } from "../core/eigenlayer/rewardsCoordinator.ts";
import type { EigenState } from "../core/eigenlayer/state.ts";
import { Ledger, type LedgerOptions } from "../node/ledger.ts";
import type { EventStore, LogEntry } from "../store/types.ts";
import { type CalculationResult, calculateRewards, type Earnings, type PayoutRow } from "./calculate.ts";
import { DailySnapshotter } from "./snapshots.ts";
import { DAY, formatDay } from "./time.ts";

/**
 * The daily calculation end to end: replay the log up to the cutoff while taking daily snapshots, compute every
 * submission's payouts, and merkleise the cumulative earnings the way the RewardsCoordinator verifies claims.
 */

export interface RewardsOptions {
  /** exclusive cutoff, a 00:00 UTC boundary: snapshot days before it are included */
  cutoff: bigint;
  onRow?: (row: PayoutRow) => void;
  /** cumulative earnings of an earlier run; a lower amount now is an error */
  previous?: ReadonlyMap<string, ReadonlyMap<string, bigint>>;
  /** re-read every staker at every boundary (slower; the incremental path is checked against it in the tests) */
  fullRecompute?: boolean;
}

export interface RewardsRun extends CalculationResult {
  root: `0x${string}`;
  distribution: RewardsDistribution;
}

export interface LogRewardsRun extends RewardsRun {
  /** the engine state after every entry before the cutoff */
  state: EigenState;
  /** log entries replayed (those before the cutoff) */
  entries: number;
}

/** The calculation over an engine state driven by hand (tests, simulations): `snapshots` saw every command. */
export function rewardsFromState(s: EigenState, snapshots: DailySnapshotter, opts: RewardsOptions): RewardsRun {
  snapshots.finish(s, opts.cutoff);
  const result = calculateRewards({
    snapshots,
    submissions: storedSubmissions(s),
    cutoff: opts.cutoff,
    onRow: opts.onRow,
    previous: opts.previous as Earnings | undefined,
  });
  const distribution = buildDistribution(result.cumulative);
  return { ...result, root: distribution.root, distribution };
}

/** Reads only the entries before `cutoff`; notes whether the log reaches it. */
function beforeCutoff(store: EventStore, cutoff: bigint): { store: EventStore; reached: () => boolean } {
  let reached = false;
  const wrapped: EventStore = {
    kind: store.kind,
    append: (entries) => store.append(entries),
    read: async (fromSeq: number, limit: number): Promise<LogEntry[]> => {
      if (reached) return [];
      const batch = await store.read(fromSeq, limit);
      const i = batch.findIndex((e) => e.timestamp >= cutoff);
      if (i < 0) return batch;
      reached = true;
      return batch.slice(0, i);
    },
    head: () => store.head(),
    hasTx: (h) => store.hasTx(h),
    putSnapshot: (s) => store.putSnapshot(s),
    latestSnapshot: () => store.latestSnapshot(),
    getMeta: (k) => store.getMeta(k),
    setMeta: (k, v) => store.setMeta(k, v),
    close: () => store.close(),
  };
  return { store: wrapped, reached: () => reached };
}

/**
 * Replays the log from event 0 up to the cutoff (the engine's own `execute`, through `Ledger.replayAll`) and runs the
 * calculation. The log must reach the cutoff: the snapshot before it is final only once no entry before it can come.
 */
export async function rewardsFromLog(
  ledgerOptions: LedgerOptions,
  opts: RewardsOptions & { onEntry?: (entry: LogEntry) => void },
): Promise<LogRewardsRun> {
  const { cutoff } = opts;
  if (cutoff % DAY !== 0n) throw new Error("the cutoff must be a 00:00 UTC boundary");
  const cut = beforeCutoff(ledgerOptions.store, cutoff);
  const snapshots = new DailySnapshotter({
    fullRecompute: opts.fullRecompute,
    blockTimeSeconds: ledgerOptions.clock.blockTimeSeconds,
  });
  let entries = 0;
  let last: bigint | null = null;
  const ledger = await Ledger.replayAll({ ...ledgerOptions, store: cut.store }, (entry, l) => {
    snapshots.beforeEntry(l.state, entry);
    entries++;
    last = entry.timestamp;
    opts.onEntry?.(entry);
  });
  if (!cut.reached()) {
    const where = last === null ? "the log is empty" : `the log ends on ${formatDay(last)} (timestamp ${last})`;
    throw new Error(
      `${where}: the snapshots before the cutoff ${formatDay(cutoff)} are final only once the log has an entry at or after it`,
    );
  }
  return { ...rewardsFromState(ledger.state, snapshots, opts), state: ledger.state, entries };
}
