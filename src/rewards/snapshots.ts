import * as am from "../core/eigenlayer/allocationManager.ts";
import {
  defaultOperatorSplitBips,
  operatorAVSSplitBips,
  operatorPISplitBips,
  operatorSetSplitBips,
} from "../core/eigenlayer/rewardsCoordinator.ts";
import { type Address, type EigenState, parseSetKey, type SetKey } from "../core/eigenlayer/state.ts";
import * as views from "../core/eigenlayer/views.ts";
import { invariant } from "../core/shared/errors.ts";
import { ceilDay, DAY } from "./time.ts";

/**
 * Daily snapshots of what the rewards calculation needs, taken while the log is replayed.
 *
 * Boundary `b` (a 00:00 UTC timestamp) is the state after every log entry with timestamp < b. The snapshotter is
 * called just before each entry is applied; when that entry's timestamp reaches the next boundary, the boundary is
 * captured from the state as it is then. Each boundary keeps:
 *
 *  - stake **positions**, as changes since the previous boundary. A position is (staker, operator) → shares per
 *    strategy: the staker's exact withdrawable shares (the engine's view) with the operator it is delegated to, plus
 *    each queued withdrawal still inside its delay (boundary block ≤ startBlock + minWithdrawalDelayBlocks), valued by
 *    the engine's queued-withdrawal view and counted with the operator it was queued from (operator null if the
 *    staker was undelegated). A staker with a queued withdrawal from a previous operator thus has two positions.
 *  - operator-set registrations, the strategies of every set, every non-zero allocated magnitude (lazily matured at
 *    the boundary block) with the operator's max magnitude, and the operator splits in force for that snapshot.
 *
 * Only stakers whose positions can have changed are re-read at a boundary: the sender of every entry, every address
 * that appears in an entry's events, every staker of an operator whose max magnitude changed (a slash), and every
 * staker whose counted queued withdrawal left its delay. `fullRecompute` re-reads every staker instead (the tests
 * check that both agree).
 *
 * Keeping changes rather than copies keeps memory at (positions ever held + changes), not (stakers × days).
 */

/** Dense indices for addresses, so that per-staker data can live in arrays. */
export class AddressIndex {
  private readonly ids = new Map<string, number>();
  readonly addresses: Address[] = [];

  id(a: Address): number {
    let i = this.ids.get(a);
    if (i === undefined) {
      i = this.addresses.length;
      this.ids.set(a, i);
      this.addresses.push(a);
    }
    return i;
  }

  find(a: string): number | undefined {
    return this.ids.get(a);
  }

  at(i: number): Address {
    return this.addresses[i]!;
  }

  get size(): number {
    return this.addresses.length;
  }
}

/** Shares per strategy index (see `DailySnapshotter.strategies`); a missing index means 0. */
export type Shares = bigint[];

/** Position keys pack (staker index, operator slot) into one number; slot 0 is "not delegated". */
export const OPERATOR_SLOTS = 2 ** 20;

export function positionKey(staker: number, slot: number): number {
  return staker * OPERATOR_SLOTS + slot;
}

export interface PositionChange {
  key: number;
  /** the new shares, or null when the position is gone */
  shares: Shares | null;
}

export interface SplitTable {
  default: bigint;
  /** `${operator}|${avs}` */
  avs: Map<string, bigint>;
  /** `${operator}|${setKey}` */
  set: Map<string, bigint>;
  pi: Map<Address, bigint>;
}

export interface Boundary {
  time: bigint;
  /** the chain's block at the boundary (see `blockAt`) */
  block: bigint;
  changes: PositionChange[];
  /** `${operator}|${setKey}` of every registration in force */
  registered: Set<string>;
  setStrategies: Map<SetKey, readonly Address[]>;
  /** `${operator}|${setKey}|${strategy}` → current magnitude (> 0) */
  magnitudes: Map<string, bigint>;
  /** `${operator}|${strategy}` → max magnitude, for every pair in `magnitudes` */
  maxMagnitudes: Map<string, bigint>;
  /** splits in force for the snapshot of this day (evaluated at boundary − 1 s) */
  splits: SplitTable;
}

/** Before the first entry: nothing registered, nothing staked. */
export function emptyBoundary(time: bigint): Boundary {
  return {
    time,
    block: 0n,
    changes: [],
    registered: new Set(),
    setStrategies: new Map(),
    magnitudes: new Map(),
    maxMagnitudes: new Map(),
    splits: { default: 1000n, avs: new Map(), set: new Map(), pi: new Map() },
  };
}

export interface SnapshotterOptions {
  /** seconds between boundaries; 86,400 (tests may use shorter days) */
  cadence?: bigint;
  /** re-read every staker at every boundary instead of only the ones that may have changed */
  fullRecompute?: boolean;
  /** seconds per block (the node's clock); 12 */
  blockTimeSeconds?: bigint;
}

/** What the snapshotter needs of a log entry. */
export interface EntryInfo {
  block: bigint;
  timestamp: bigint;
  sender: string;
  events: readonly unknown[];
}

const ADDRESS = /^0x[0-9a-f]{40}$/;

function collectAddresses(value: unknown, out: Set<Address>): void {
  if (typeof value === "string") {
    if (value.length === 42 && ADDRESS.test(value)) out.add(value as Address);
  } else if (Array.isArray(value)) {
    for (const v of value) collectAddresses(v, out);
  } else if (value !== null && typeof value === "object") {
    for (const v of Object.values(value)) collectAddresses(v, out);
  }
}

function sameShares(a: Shares, b: Shares): boolean {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if ((a[i] ?? 0n) !== (b[i] ?? 0n)) return false;
  return true;
}

export class DailySnapshotter {
  readonly cadence: bigint;
  readonly fullRecompute: boolean;
  readonly stakers = new AddressIndex();
  /** operator slot = index + 1 */
  readonly operators = new AddressIndex();
  readonly strategies = new AddressIndex();
  /** consecutive boundaries, `cadence` apart, from the first boundary at or after the first entry */
  readonly boundaries: Boundary[] = [];
  private next: bigint | null = null;
  private readonly current = new Map<number, Map<number, Shares>>();
  private readonly byOperator = new Map<number, Set<number>>();
  private readonly dirty = new Set<Address>();
  private readonly dirtyOperators = new Set<Address>();
  /** staker → the earliest end of delay among its counted queued withdrawals */
  private readonly expiry = new Map<number, bigint>();
  private readonly blockTime: bigint;
  private lastTime: { block: bigint; timestamp: bigint } | null = null;
  private sealed = false;

  constructor(opts: SnapshotterOptions = {}) {
    this.cadence = opts.cadence ?? DAY;
    this.blockTime = opts.blockTimeSeconds ?? 12n;
    this.fullRecompute = opts.fullRecompute ?? false;
  }

  /** The first boundary, or null before any entry was seen. */
  get first(): bigint | null {
    return this.boundaries[0]?.time ?? this.next;
  }

  /** The last captured boundary's time, or null. */
  get last(): bigint | null {
    return this.boundaries.at(-1)?.time ?? null;
  }

  /** The boundary at `time`: captured, or empty if it lies before the first entry; undefined if not captured yet. */
  boundaryAt(time: bigint): Boundary | undefined {
    const first = this.first;
    if (first === null || time < first) return emptyBoundary(time);
    const i = (time - first) / this.cadence;
    const b = this.boundaries[Number(i)];
    if (b !== undefined) invariant(b.time === time, "boundary lookup is off the cadence", { time, found: b.time });
    return b;
  }

  /** Call just before a log entry is applied, with the state as it is before it. */
  beforeEntry(s: EigenState, entry: EntryInfo): void {
    this.advance(s, entry.timestamp, entry.block);
    this.observe(entry);
  }

  /**
   * Captures every boundary up to `timestamp` from `s`, which must hold exactly the entries before one at
   * (`timestamp`, `block`). Driving the engine directly: `advance` before `execute`, then `observe` the call.
   */
  advance(s: EigenState, timestamp: bigint, block?: bigint): void {
    if (this.next === null) this.next = ceilDay(timestamp, this.cadence);
    const following = block === undefined ? undefined : { block, timestamp };
    while (this.next <= timestamp) {
      this.capture(s, this.next, following);
      this.next += this.cadence;
    }
  }

  /** Notes what an entry touched (re-read at the next boundary) and the chain time it ran at. */
  observe(entry: EntryInfo): void {
    this.lastTime = { block: entry.block, timestamp: entry.timestamp };
    const { sender, events } = entry;
    if (ADDRESS.test(sender)) this.dirty.add(sender as Address);
    for (const e of events) {
      const ev = e as { event?: unknown; args?: Record<string, unknown> };
      if (ev.event === "MaxMagnitudeUpdated" && typeof ev.args?.operator === "string") {
        this.dirtyOperators.add(ev.args.operator as Address);
      }
      collectAddresses(ev.args, this.dirty);
    }
  }

  /**
   * Captures every remaining boundary up to and including `until`. The caller guarantees that `s` holds every entry
   * with timestamp < until and that no such entry is still to come; `following` is the first entry at or after
   * `until`, if known (it places the boundaries' blocks).
   */
  finish(s: EigenState, until: bigint, following?: { block: bigint; timestamp: bigint }): void {
    if (this.next === null) return;
    while (this.next <= until) {
      this.capture(s, this.next, following);
      this.next += this.cadence;
    }
  }

  /**
   * Drops what only the replay needs (the current positions and their indexes) once the last boundary is taken; the
   * boundaries stay. Taking another boundary afterwards is an error.
   */
  seal(): void {
    this.sealed = true;
    this.current.clear();
    this.byOperator.clear();
    this.expiry.clear();
    this.dirty.clear();
    this.dirtyOperators.clear();
  }

  /**
   * The chain's block at boundary `time`. Blocks and timestamps advance together (the node's clock moves both), so
   * it is interpolated between the last entry before the boundary and the entry that follows it (`following`); past
   * the last known entry it is extrapolated at `blockTime` seconds per block. Pending allocations and withdrawal
   * delays are judged at this block.
   */
  private blockAt(time: bigint, following: { block: bigint; timestamp: bigint } | undefined): bigint {
    const last = this.lastTime;
    if (last === null) return following?.block ?? 0n;
    if (following !== undefined && following.timestamp > last.timestamp) {
      return (
        last.block + ((time - last.timestamp) * (following.block - last.block)) / (following.timestamp - last.timestamp)
      );
    }
    return last.block + (time - last.timestamp) / this.blockTime;
  }

  private capture(s: EigenState, time: bigint, following?: { block: bigint; timestamp: bigint }): void {
    invariant(!this.sealed, "the snapshotter was sealed: no more boundaries", { time });
    const block = this.blockAt(time, following);
    for (const [staker, until] of this.expiry) if (until < block) this.dirty.add(this.stakers.at(staker));
    for (const op of this.dirtyOperators) {
      const slot = this.operators.find(op);
      const stakers = slot === undefined ? undefined : this.byOperator.get(slot + 1);
      for (const staker of stakers ?? []) this.dirty.add(this.stakers.at(staker));
    }
    if (this.fullRecompute) {
      for (const a of s.stakers.keys()) this.dirty.add(a);
      for (const staker of this.current.keys()) this.dirty.add(this.stakers.at(staker));
    }
    const changes: PositionChange[] = [];
    for (const a of this.dirty) this.refresh(s, block, a, changes);
    this.dirty.clear();
    this.dirtyOperators.clear();
    this.boundaries.push({ time, block, changes, ...this.operatorTables(s, block, time) });
  }

  private slotOf(operator: Address | null): number {
    return operator === null ? 0 : this.operators.id(operator) + 1;
  }

  /** The staker's positions now: slot → shares. */
  private positionsOf(s: EigenState, block: bigint, staker: Address, id: () => number): Map<number, Shares> {
    const out = new Map<number, Shares>();
    const rec = s.stakers.get(staker);
    if (rec === undefined) return out;
    const add = (operator: Address | null, strategy: Address, shares: bigint) => {
      if (shares <= 0n) return;
      const slot = this.slotOf(operator);
      let v = out.get(slot);
      if (v === undefined) {
        v = [];
        out.set(slot, v);
      }
      const i = this.strategies.id(strategy);
      v[i] = (v[i] ?? 0n) + shares;
    };
    for (const strategy of views.stakerStrategies(s, staker)) {
      add(rec.delegatedTo, strategy, views.withdrawableShares(s, staker, strategy));
    }
    let earliest: bigint | null = null;
    for (const root of rec.withdrawalRoots) {
      const w = s.withdrawals.get(root);
      invariant(w !== undefined, "a staker's withdrawal root has no withdrawal", { staker, root });
      const until = w.startBlock + s.params.minWithdrawalDelayBlocks;
      if (block > until) continue;
      const q = views.queuedWithdrawal(s, block, w);
      w.strategies.forEach((strategy, i) => {
        add(w.delegatedTo, strategy, q.shares[i]!);
      });
      if (earliest === null || until < earliest) earliest = until;
    }
    if (earliest !== null) this.expiry.set(id(), earliest);
    else {
      const known = this.stakers.find(staker);
      if (known !== undefined) this.expiry.delete(known);
    }
    return out;
  }

  private refresh(s: EigenState, block: bigint, staker: Address, changes: PositionChange[]): void {
    let id = this.stakers.find(staker);
    const next = this.positionsOf(s, block, staker, () => {
      id ??= this.stakers.id(staker);
      return id;
    });
    const prev = id === undefined ? undefined : this.current.get(id);
    if (prev === undefined && next.size === 0) return;
    id ??= this.stakers.id(staker);
    for (const [slot, shares] of next) {
      const before = prev?.get(slot);
      if (before !== undefined && sameShares(before, shares)) continue;
      changes.push({ key: positionKey(id, slot), shares });
      if (before === undefined) {
        let set = this.byOperator.get(slot);
        if (set === undefined) {
          set = new Set();
          this.byOperator.set(slot, set);
        }
        set.add(id);
      }
    }
    for (const slot of prev?.keys() ?? []) {
      if (next.has(slot)) continue;
      changes.push({ key: positionKey(id, slot), shares: null });
      this.byOperator.get(slot)?.delete(id);
    }
    if (next.size === 0) this.current.delete(id);
    else this.current.set(id, next);
  }

  private operatorTables(s: EigenState, block: bigint, time: bigint): Omit<Boundary, "time" | "block" | "changes"> {
    const registered = new Set<string>();
    for (const [key, status] of s.registrations.entries()) if (status.registered) registered.add(key);
    const setStrategies = new Map<SetKey, readonly Address[]>();
    for (const [key, rec] of s.operatorSets.entries()) setStrategies.set(key, rec.strategies);
    const magnitudes = new Map<string, bigint>();
    const maxMagnitudes = new Map<string, bigint>();
    for (const key of s.allocations.keys()) {
      const [operator, set, strategy] = key.split("|") as [Address, SetKey, Address];
      const m = am.getAllocation(s, block, operator, set, strategy).currentMagnitude;
      if (m === 0n) continue;
      magnitudes.set(key, m);
      maxMagnitudes.set(`${operator}|${strategy}`, am.getMaxMagnitude(s, operator, strategy));
    }
    // A split applies to the snapshot of day `time` when it was in force before that boundary (Sidecar: activation
    // rounded up to the next 00:00 UTC), so it is read at time − 1 from the state at the boundary.
    const at = time - 1n;
    const splits: SplitTable = { default: defaultOperatorSplitBips(s), avs: new Map(), set: new Map(), pi: new Map() };
    for (const key of registered) {
      const i = key.indexOf("|");
      const operator = key.slice(0, i) as Address;
      const set = key.slice(i + 1) as SetKey;
      const avs = parseSetKey(set).avs;
      splits.set.set(key, operatorSetSplitBips(s, operator, set, at));
      const avsKey = `${operator}|${avs}`;
      if (!splits.avs.has(avsKey)) splits.avs.set(avsKey, operatorAVSSplitBips(s, operator, avs, at));
      if (!splits.pi.has(operator)) splits.pi.set(operator, operatorPISplitBips(s, operator, at));
    }
    return { registered, setStrategies, magnitudes, maxMagnitudes, splits };
  }
}
