import {
  buildDistribution,
  earnerLeaf,
  merkleRoot,
  type RewardsDistribution,
  tokenLeaf,
  ZERO_BYTES32,
} from "../core/eigenlayer/merkle.ts";
import { storedSubmissions } from "../core/eigenlayer/rewardsCoordinator.ts";
import type { Address, EigenState, StoredSubmission } from "../core/eigenlayer/state.ts";
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
  /** called after each phase (progress, or a benchmark's memory readings) */
  onPhase?: (phase: "replayed" | "calculated" | "merkleised") => void;
}

export interface RewardsRun extends CalculationResult {
  /** the distribution root of the cumulative earnings (the zero root when nobody has earned anything yet) */
  root: `0x${string}`;
  /** the whole tree with every leaf's proof (built on first use: at a million earners it is large) */
  distribution(): RewardsDistribution;
}

/**
 * The root of the distribution tree over cumulative earnings, from the Merkle module's own leaf and tree functions:
 * earners and each earner's tokens ascending, as `buildDistribution` orders them, without materialising the proofs.
 */
export function distributionRoot(earnings: ReadonlyMap<Address, ReadonlyMap<Address, bigint>>): `0x${string}` {
  const earners = [...earnings.keys()].sort();
  if (earners.length === 0) return ZERO_BYTES32;
  return merkleRoot(
    earners.map((earner) => {
      const byToken = earnings.get(earner)!;
      const tokens = [...byToken.keys()].sort();
      const leaves = tokens.map((token) => tokenLeaf({ token, cumulativeEarnings: byToken.get(token)! }));
      return earnerLeaf({ earner, earnerTokenRoot: merkleRoot(leaves) });
    }),
  );
}

export interface LogRewardsRun extends RewardsRun {
  /** log entries replayed (those before the cutoff) */
  entries: number;
  /** wall-clock seconds: replay with snapshots, the calculation, the Merkle root */
  seconds: { replay: number; calculate: number; merkle: number };
  /** CPU seconds (user + system) of the same phases */
  cpuSeconds: { replay: number; calculate: number; merkle: number };
}

/** The calculation over an engine state driven by hand (tests, simulations): `snapshots` saw every command. */
export function rewardsFromState(s: EigenState, snapshots: DailySnapshotter, opts: RewardsOptions): RewardsRun {
  snapshots.finish(s, opts.cutoff);
  return timedRewards(snapshots, storedSubmissions(s), opts).run;
}

const cpuNow = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
};

function timedRewards(
  snapshots: DailySnapshotter,
  submissions: readonly StoredSubmission[],
  opts: RewardsOptions,
): { run: RewardsRun; calculate: number; merkle: number; cpu: { calculate: number; merkle: number } } {
  const t0 = performance.now();
  const c0 = cpuNow();
  const result = calculateRewards({
    snapshots,
    submissions,
    cutoff: opts.cutoff,
    onRow: opts.onRow,
    previous: opts.previous as Earnings | undefined,
  });
  const t1 = performance.now();
  const c1 = cpuNow();
  opts.onPhase?.("calculated");
  const root = distributionRoot(result.cumulative);
  const t2 = performance.now();
  const c2 = cpuNow();
  opts.onPhase?.("merkleised");
  let tree: RewardsDistribution | null = null;
  const distribution = (): RewardsDistribution => {
    tree ??= result.cumulative.size === 0 ? { root, earners: [] } : buildDistribution(result.cumulative);
    return tree;
  };
  return {
    run: { ...result, root, distribution },
    calculate: (t1 - t0) / 1000,
    merkle: (t2 - t1) / 1000,
    cpu: { calculate: c1 - c0, merkle: c2 - c1 },
  };
}

/** Reads only the entries before `cutoff`; keeps the first entry at or after it (null: the log does not reach it). */
function beforeCutoff(store: EventStore, cutoff: bigint): { store: EventStore; following: () => LogEntry | null } {
  let following: LogEntry | null = null;
  const wrapped: EventStore = {
    kind: store.kind,
    append: (entries) => store.append(entries),
    read: async (fromSeq: number, limit: number): Promise<LogEntry[]> => {
      if (following !== null) return [];
      const batch = await store.read(fromSeq, limit);
      const i = batch.findIndex((e) => e.timestamp >= cutoff);
      if (i < 0) return batch;
      following = batch[i]!;
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
  return { store: wrapped, following: () => following };
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
  const t0 = performance.now();
  const c0 = cpuNow();
  const { snapshots, submissions, entries } = await replayToCutoff(ledgerOptions, opts);
  const replay = (performance.now() - t0) / 1000;
  const replayCpu = cpuNow() - c0;
  opts.onPhase?.("replayed");
  // the engine state is gone by now: only the snapshots and the submissions are kept for the calculation
  const { run, calculate, merkle, cpu } = timedRewards(snapshots, submissions, opts);
  return {
    ...run,
    entries,
    seconds: { replay, calculate, merkle },
    cpuSeconds: { replay: replayCpu, calculate: cpu.calculate, merkle: cpu.merkle },
  };
}

/** The replay: snapshots up to the cutoff (and the boundary at it), the submissions, without the engine state. */
async function replayToCutoff(
  ledgerOptions: LedgerOptions,
  opts: RewardsOptions & { onEntry?: (entry: LogEntry) => void },
): Promise<{ snapshots: DailySnapshotter; submissions: StoredSubmission[]; entries: number }> {
  const { cutoff } = opts;
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
  const following = cut.following();
  if (following === null) {
    const where = last === null ? "the log is empty" : `the log ends on ${formatDay(last)} (timestamp ${last})`;
    throw new Error(
      `${where}: the snapshots before the cutoff ${formatDay(cutoff)} are final only once the log has an entry at or after it`,
    );
  }
  snapshots.finish(ledger.state, cutoff, following);
  snapshots.seal();
  return { snapshots, submissions: storedSubmissions(ledger.state), entries };
}
