import { NATIVE_ETH } from "../core/eigenlayer/eigenPodManager.ts";
import { BALANCE_OFFSET, BEACON_CHAIN_ETH_STRATEGY, SHARES_OFFSET } from "../core/eigenlayer/params.ts";
import { storedSubmissions } from "../core/eigenlayer/rewardsCoordinator.ts";
import type { Address, EigenState, StoredSubmission } from "../core/eigenlayer/state.ts";
import { strategyBalance } from "../core/eigenlayer/strategyManager.ts";
import { InvariantViolation, invariant } from "../core/shared/errors.ts";
import { Ledger, type LedgerOptions } from "../node/ledger.ts";
import type { EventStore, LogEntry } from "../store/types.ts";
import { calculateRewards, type PayoutRow, type SubmissionReport } from "./calculate.ts";
import {
  AddressIndex,
  DailySnapshotter,
  OPERATOR_SLOTS,
  positionKey,
  type Shares,
  type SplitTable,
} from "./snapshots.ts";
import { DAY, floorDay } from "./time.ts";
import type { StakeDay, StakeHolding, YieldWindow } from "./yield.ts";

/**
 * The inputs of `yield.ts` taken from the daily snapshots the rewards calculation runs on:
 *  - the stake series of a staker (all its positions) or of an operator's delegated stake (every position with it),
 *    exactly the positions the calculation weighs on each snapshot day, valued at that day's strategy exchange rate;
 *  - the payout rows of the calculation as it is, and of the same calculation with every operator split at 0 (the
 *    commission is the difference);
 *  - for an operator, the rows of each position delegated to it: the calculation is run on a view of the snapshots in
 *    which every (staker, operator) position is its own earner, so a staker with two positions (a queued withdrawal
 *    still counted with a previous operator) is attributed exactly. That view pays every kind except rewards for all
 *    exactly as the real run (weights and totals do not depend on who holds a position); this is checked on every use
 *    against the real run's per-submission totals. Rewards for all are paid whatever the operator, with no split:
 *    they are a staker's yield but not part of an operator's pool.
 * The views are derived objects over the snapshotter (its boundaries with other splits or other earner indices);
 * the snapshotter itself is never modified.
 */

export type Subject = { staker: Address } | { operator: Address };

/** The underlying amount of `shares` of `strategy` on snapshot day `day`. */
export type ShareValuer = (day: bigint, strategy: Address, shares: bigint) => StakeHolding;

/** A strategy's exchange rate at a boundary: underlying = ⌊shares · num / den⌋ (StrategyBase.sharesToUnderlying). */
export interface StrategyRate {
  token: Address;
  num: bigint;
  den: bigint;
}

export type RateTable = ReadonlyMap<Address, StrategyRate>;

/** Every ERC-20 strategy's exchange rate in `s` (virtual balance over virtual shares, as the contract computes). */
export function strategyRates(s: EigenState): Map<Address, StrategyRate> {
  const out = new Map<Address, StrategyRate>();
  for (const st of s.strategies.values()) {
    out.set(st.address, {
      token: st.token,
      num: strategyBalance(s, st) + BALANCE_OFFSET,
      den: st.totalShares + SHARES_OFFSET,
    });
  }
  return out;
}

/** Values shares with the rates recorded at each boundary; beacon-chain ETH shares are wei of native ETH. */
export function valuerFromRates(rates: ReadonlyMap<bigint, RateTable>): ShareValuer {
  return (day, strategy, shares) => {
    if (strategy === BEACON_CHAIN_ETH_STRATEGY) return { strategy, token: NATIVE_ETH, amount: shares };
    const r = rates.get(day)?.get(strategy);
    invariant(r !== undefined, "no exchange rate recorded for a held strategy", { day, strategy });
    return { strategy, token: r.token, amount: (shares * r.num) / r.den };
  };
}

/* ------------------------------------------------------------------ stake series */

function matcher(snap: DailySnapshotter, subject: Subject): ((key: number) => boolean) | null {
  if ("staker" in subject) {
    const id = snap.stakers.find(subject.staker);
    if (id === undefined) return null;
    return (key) => (key - (key % OPERATOR_SLOTS)) / OPERATOR_SLOTS === id;
  }
  const i = snap.operators.find(subject.operator);
  if (i === undefined) return null;
  return (key) => key % OPERATOR_SLOTS === i + 1;
}

/**
 * The subject's stake on each snapshot day of the window: the positions after every boundary up to the day (the
 * ones the calculation weighs for that day), summed per strategy and valued by `value`.
 */
export function stakeSeries(
  snap: DailySnapshotter,
  subject: Subject,
  window: YieldWindow,
  value: ShareValuer,
): StakeDay[] {
  const match = matcher(snap, subject);
  const positions = new Map<number, Shares>();
  const bs = snap.boundaries;
  let i = 0;
  const out: StakeDay[] = [];
  for (let day = window.from; day < window.to; day += DAY) {
    while (match !== null && i < bs.length && bs[i]!.time <= day) {
      for (const c of bs[i]!.changes) {
        if (!match(c.key)) continue;
        if (c.shares === null) positions.delete(c.key);
        else positions.set(c.key, c.shares);
      }
      i++;
    }
    const byStrategy = new Map<number, bigint>();
    for (const shares of positions.values()) {
      shares.forEach((sh, idx) => {
        if (sh !== undefined && sh !== 0n) byStrategy.set(idx, (byStrategy.get(idx) ?? 0n) + sh);
      });
    }
    const holdings = [...byStrategy]
      .sort(([a], [b]) => a - b)
      .map(([idx, shares]) => value(day, snap.strategies.at(idx), shares));
    out.push({ day, holdings });
  }
  return out;
}

/* ------------------------------------------------------------------ derived views of the snapshots */

function derived(
  snap: DailySnapshotter,
  own: { boundaries: DailySnapshotter["boundaries"]; stakers?: AddressIndex },
): DailySnapshotter {
  const view = Object.create(snap) as DailySnapshotter;
  Object.defineProperty(view, "boundaries", { value: own.boundaries, enumerable: true });
  if (own.stakers !== undefined) Object.defineProperty(view, "stakers", { value: own.stakers, enumerable: true });
  return view;
}

/** The same snapshots with every operator split (default, AVS, operator set, PI) at 0. */
export function withoutSplits(snap: DailySnapshotter): DailySnapshotter {
  const zero: SplitTable = { default: 0n, avs: new Map(), set: new Map(), pi: new Map() };
  return derived(snap, { boundaries: snap.boundaries.map((b) => ({ ...b, splits: zero })) });
}

export interface PositionView {
  snapshots: DailySnapshotter;
  /** the (staker, operator) behind an earner of the view's rows; undefined for a real address (operators, AVSs) */
  position(earner: string): { staker: Address; operator: Address | null } | undefined;
}

/** The same snapshots in which each (staker, operator) position is a separate earner. */
export function perPosition(snap: DailySnapshotter): PositionView {
  const index = new AddressIndex();
  const info: { staker: Address; slot: number }[] = [];
  const remap = (key: number): number => {
    const slot = key % OPERATOR_SLOTS;
    const staker = snap.stakers.at((key - slot) / OPERATOR_SLOTS);
    const name = `${staker}@${slot}` as Address;
    let id = index.find(name);
    if (id === undefined) {
      id = index.id(name);
      info[id] = { staker, slot };
    }
    return positionKey(id, slot);
  };
  const boundaries = snap.boundaries.map((b) =>
    b.changes.length === 0 ? b : { ...b, changes: b.changes.map((c) => ({ key: remap(c.key), shares: c.shares })) },
  );
  return {
    snapshots: derived(snap, { boundaries, stakers: index }),
    position(earner) {
      const id = index.find(earner);
      if (id === undefined) return undefined;
      const p = info[id]!;
      return { staker: p.staker, operator: p.slot === 0 ? null : snap.operators.at(p.slot - 1) };
    },
  };
}

/* ------------------------------------------------------------------ payout rows */

export interface RowsInput {
  snapshots: DailySnapshotter;
  submissions: readonly StoredSubmission[];
  /** the calculation's cutoff (exclusive); rows are for the snapshot days before it */
  cutoff: bigint;
}

/** A staker's rows (kind `staker`: every position, every submission kind), as calculated and at a 0 % split. */
export function stakerRows(input: RowsInput, staker: Address): { rows: PayoutRow[]; rowsAtZeroSplit: PayoutRow[] } {
  const rows: PayoutRow[] = [];
  const rowsAtZeroSplit: PayoutRow[] = [];
  const { submissions, cutoff } = input;
  calculateRewards({
    snapshots: input.snapshots,
    submissions,
    cutoff,
    onRow: (r) => {
      if (r.earner === staker && r.kind === "staker") rows.push(r);
    },
  });
  calculateRewards({
    snapshots: withoutSplits(input.snapshots),
    submissions,
    cutoff,
    onRow: (r) => {
      if (r.earner === staker && r.kind === "staker") rowsAtZeroSplit.push(r);
    },
  });
  return { rows, rowsAtZeroSplit };
}

export interface OperatorRows {
  /** the stakers' rows of every position delegated to the operator (earner: the staker), rewards for all excluded */
  poolRows: PayoutRow[];
  /** the same at a 0 % split */
  poolRowsAtZeroSplit: PayoutRow[];
  /** the operator's own commission rows (kind `operator`) */
  operatorRows: PayoutRow[];
}

function sameTotals(a: SubmissionReport, b: SubmissionReport | undefined): boolean {
  return b !== undefined && a.toStakers === b.toStakers && a.toOperators === b.toOperators && a.refunded === b.refunded;
}

/** The rows of an operator's delegated stake (per position, exactly) and its commission. */
export function operatorRows(input: RowsInput, operator: Address): OperatorRows {
  const { submissions, cutoff } = input;
  const forAll = new Set(submissions.filter((s) => s.kind === "forAll").map((s) => s.hash));
  const view = perPosition(input.snapshots);
  const pooled = (r: PayoutRow): PayoutRow | null => {
    if (r.kind !== "staker" || forAll.has(r.submission)) return null;
    const p = view.position(r.earner);
    return p !== undefined && p.operator === operator ? { ...r, earner: p.staker } : null;
  };
  const out: OperatorRows = { poolRows: [], poolRowsAtZeroSplit: [], operatorRows: [] };
  const split = calculateRewards({
    snapshots: view.snapshots,
    submissions,
    cutoff,
    onRow: (r) => {
      const p = pooled(r);
      if (p !== null) out.poolRows.push(p);
      else if (r.kind === "operator" && r.earner === operator) out.operatorRows.push(r);
    },
  });
  calculateRewards({
    snapshots: withoutSplits(view.snapshots),
    submissions,
    cutoff,
    onRow: (r) => {
      const p = pooled(r);
      if (p !== null) out.poolRowsAtZeroSplit.push(p);
    },
  });
  // the per-position view must pay exactly what the real calculation pays (rewards for all aside)
  const real = new Map(
    calculateRewards({ snapshots: input.snapshots, submissions, cutoff }).submissions.map((r) => [r.hash, r]),
  );
  for (const r of split.submissions) {
    if (forAll.has(r.hash)) continue;
    if (!sameTotals(r, real.get(r.hash))) {
      throw new InvariantViolation("the per-position calculation differs from the calculation", {
        submission: r.hash,
      });
    }
  }
  return out;
}

/* ------------------------------------------------------------------ from the log */

export interface YieldSources {
  /** every boundary up to the last entry replayed */
  snapshots: DailySnapshotter;
  submissions: StoredSubmission[];
  /** boundary → exchange rates at that boundary */
  rates: Map<bigint, RateTable>;
  /** the latest cutoff the log allows (00:00 UTC at or before the last entry); null for an empty log */
  cutoff: bigint | null;
  /** last sequence number replayed */
  seq: number;
}

/** The store, read only up to `maxSeq` (entries appended meanwhile are left for a later replay). */
function boundedStore(store: EventStore, maxSeq: number): EventStore {
  const read = async (fromSeq: number, limit: number): Promise<LogEntry[]> => {
    if (fromSeq > maxSeq) return [];
    return (await store.read(fromSeq, Math.min(limit, maxSeq - fromSeq + 1))).filter((e) => e.seq <= maxSeq);
  };
  return new Proxy(store, {
    get(target, key) {
      if (key === "read") return read;
      const v = Reflect.get(target, key, target) as unknown;
      return typeof v === "function" ? (v as (...args: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/**
 * Replays the log (up to `maxSeq`) through the engine while taking the daily snapshots, as `rewardsFromLog` does,
 * and records every strategy's exchange rate at each boundary. One replay serves every cutoff up to the last entry:
 * a boundary depends only on the entries before it and on the first entry at or after it.
 */
export async function yieldSourcesFromLog(opts: LedgerOptions, maxSeq?: number): Promise<YieldSources> {
  const snapshots = new DailySnapshotter({ blockTimeSeconds: opts.clock.blockTimeSeconds });
  const rates = new Map<bigint, RateTable>();
  let last: bigint | null = null;
  const store = maxSeq === undefined ? opts.store : boundedStore(opts.store, maxSeq);
  const ledger = await Ledger.replayAll({ ...opts, store }, (entry, l) => {
    const before = snapshots.boundaries.length;
    snapshots.beforeEntry(l.state, entry);
    if (snapshots.boundaries.length > before) {
      const table = strategyRates(l.state);
      for (let i = before; i < snapshots.boundaries.length; i++) rates.set(snapshots.boundaries[i]!.time, table);
    }
    last = entry.timestamp;
  });
  // every boundary up to the last entry is taken; the replay-only indexes can go
  snapshots.seal();
  return {
    snapshots,
    submissions: storedSubmissions(ledger.state),
    rates,
    cutoff: last === null ? null : floorDay(last),
    seq: ledger.seq,
  };
}
