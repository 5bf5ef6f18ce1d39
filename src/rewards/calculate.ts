import {
  type Address,
  parseSetKey,
  type SetKey,
  type StoredSubmission,
  type SubmissionKind,
} from "../core/eigenlayer/state.ts";
import { InvariantViolation, invariant } from "../core/shared/errors.ts";
import { type Boundary, type DailySnapshotter, OPERATOR_SLOTS, type PositionChange, type Shares } from "./snapshots.ts";
import { DAY } from "./time.ts";

/**
 * The Sidecar's daily rewards calculation (reference §14), over the snapshots of `snapshots.ts`.
 *
 * Snapshot day d (a 00:00 UTC boundary) combines boundary d and boundary d + 1 day:
 *  - stake (positions), delegation, set strategies, max magnitudes and splits are those of boundary d: a change
 *    during day d − 1 is rounded UP to snapshot d;
 *  - an operator is registered for a set on snapshot d only if it is registered at boundary d AND at boundary
 *    d + 1, and an allocated magnitude is the smaller of its values at the two boundaries: a deregistration or an
 *    allocation decrease during day d is rounded DOWN, i.e. already applies to snapshot d.
 *
 * A submission [start, start + duration) pays on the snapshot days start + 1d … start + duration. A run with cutoff C
 * (exclusive, a boundary) includes the snapshot days d < C and the submissions created before C; it needs the
 * boundaries up to C itself (the rounding-down look-ahead of snapshot C − 1d). Its rewardsCalculationEndTimestamp is
 * C − 1d, the last snapshot included.
 *
 * Arithmetic is exact: tokens_per_day = amount · 86400 / duration is kept as a fraction, a staker's proportion is
 * ⌊weight/total · 1e15⌋ / 1e15, every payout is floored, operator tokens are ⌊payout · split / 10000⌋. No rollover:
 * a snapshot without eligible earners pays nobody, except where the Sidecar refunds the AVS (operator-directed,
 * unique and total stake).
 */

export const PROPORTION_SCALE = 10n ** 15n;
export const BIPS = 10_000n;

export type PayoutKind = "staker" | "operator" | "refund";

/** One amount earned on one snapshot day from one submission. */
export interface PayoutRow {
  snapshot: bigint;
  earner: Address;
  token: Address;
  amount: bigint;
  kind: PayoutKind;
  submission: string;
}

export interface SubmissionReport {
  hash: string;
  kind: SubmissionKind;
  token: Address;
  amount: bigint;
  /** snapshot days of the submission included in this run */
  snapshots: number;
  toStakers: bigint;
  toOperators: bigint;
  refunded: bigint;
}

/** earner → token → cumulative amount */
export type Earnings = Map<Address, Map<Address, bigint>>;

export interface CalculationInput {
  snapshots: DailySnapshotter;
  /** every submission recorded by the RewardsCoordinator; those created at or after the cutoff are ignored */
  submissions: readonly StoredSubmission[];
  /** exclusive, a 00:00 UTC boundary */
  cutoff: bigint;
  /** receives every payout row (per snapshot, earner, token, kind, submission); nothing is kept otherwise */
  onRow?: (row: PayoutRow) => void;
  /** cumulative earnings of an earlier run: no amount may be lower now */
  previous?: ReadonlyMap<Address, ReadonlyMap<Address, bigint>>;
}

export interface CalculationResult {
  cutoff: bigint;
  /** the last snapshot day included (cutoff − 1 day) */
  rewardsCalculationEndTimestamp: bigint;
  /** snapshot days that had at least one active submission */
  snapshotDays: number;
  cumulative: Earnings;
  submissions: SubmissionReport[];
}

interface Fraction {
  num: bigint;
  den: bigint;
}

function getOrCreate<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) {
    v = make();
    map.set(key, v);
  }
  return v;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function reduce(num: bigint, den: bigint): Fraction {
  const g = gcd(num, den);
  return g > 1n ? { num: num / g, den: den / g } : { num, den };
}

/** tokens_per_day = amount / (duration / 86400), exact. */
export function tokensPerDay(sub: Pick<StoredSubmission, "amount" | "duration">): Fraction {
  return reduce(sub.amount * DAY, sub.duration);
}

/** A strategy index of the snapshots and the integer coefficient its shares are weighted by. */
interface Term {
  idx: number;
  coef: bigint;
}

/** The positions of one operator slot on the current day, as arrays (rebuilt only after a change). */
class OperatorPositions {
  readonly positions = new Map<number, Shares>();
  private ids: number[] = [];
  private rows: Shares[] = [];
  private stale = false;

  set(staker: number, shares: Shares | null): void {
    if (shares === null) this.positions.delete(staker);
    else this.positions.set(staker, shares);
    this.stale = true;
  }

  view(): { ids: number[]; rows: Shares[] } {
    if (this.stale) {
      this.ids = [...this.positions.keys()];
      this.rows = [...this.positions.values()];
      this.stale = false;
    }
    return { ids: this.ids, rows: this.rows };
  }
}

interface Weights {
  ids: number[];
  ws: bigint[];
  total: bigint;
}

/**
 * The gcd of a submission's non-zero multipliers. Proportions do not change when every weight is divided by the
 * same number, so the weights use multiplier / gcd (typically 1 instead of 1e18): smaller numbers, same results.
 */
function multiplierGcd(sub: StoredSubmission): bigint {
  let g = 0n;
  for (const { multiplier } of sub.strategiesAndMultipliers) if (multiplier !== 0n) g = gcd(multiplier, g);
  return g === 0n ? 1n : g;
}

/** Σ coef · shares per row into `out`; returns the total. */
function weigh(rows: readonly Shares[], terms: readonly Term[], out: bigint[]): bigint {
  let total = 0n;
  const n = terms.length;
  if (n === 1 && terms[0]!.coef === 1n) {
    // the common case (one strategy, or all multipliers equal): the weight is the shares themselves
    const idx = terms[0]!.idx;
    for (let i = 0; i < rows.length; i++) {
      const w = rows[i]![idx] ?? 0n;
      out[i] = w;
      total += w;
    }
    return total;
  }
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    let w = 0n;
    for (let j = 0; j < n; j++) {
      const t = terms[j]!;
      const sh = r[t.idx];
      if (sh === undefined) continue;
      const x = t.coef === 1n ? sh : sh * t.coef;
      w = w === 0n ? x : w + x;
    }
    out[i] = w;
    total += w;
  }
  return total;
}

/** Registrations in force on one snapshot day, indexed the ways the submission types need. */
class DayView {
  /** set → operators registered on this snapshot */
  readonly setOperators = new Map<SetKey, Address[]>();
  /** avs → operator → strategies of the AVS's sets it is registered to */
  readonly avsOperators = new Map<Address, Map<Address, Set<Address>>>();
  /** operators registered to at least one operator set */
  readonly earners = new Set<Address>();

  constructor(
    readonly day: bigint,
    readonly at: Boundary,
    readonly next: Boundary,
  ) {
    for (const key of at.registered) {
      if (!next.registered.has(key)) continue;
      const i = key.indexOf("|");
      const operator = key.slice(0, i) as Address;
      const set = key.slice(i + 1) as SetKey;
      const avs = parseSetKey(set).avs;
      const ops = getOrCreate(this.setOperators, set, () => []);
      ops.push(operator);
      const byOp = getOrCreate(this.avsOperators, avs, () => new Map());
      const strategies = getOrCreate(byOp, operator, () => new Set());
      for (const st of at.setStrategies.get(set) ?? []) strategies.add(st);
      this.earners.add(operator);
    }
  }

  isRegistered(operator: Address, set: SetKey): boolean {
    const key = `${operator}|${set}`;
    return this.at.registered.has(key) && this.next.registered.has(key);
  }

  isRegisteredToAVS(operator: Address, avs: Address): boolean {
    return this.avsOperators.get(avs)?.has(operator) ?? false;
  }

  magnitude(operator: Address, set: SetKey, strategy: Address): bigint {
    const key = `${operator}|${set}|${strategy}`;
    const a = this.at.magnitudes.get(key) ?? 0n;
    const b = this.next.magnitudes.get(key) ?? 0n;
    return a < b ? a : b;
  }

  maxMagnitude(operator: Address, strategy: Address): bigint {
    return this.at.maxMagnitudes.get(`${operator}|${strategy}`) ?? 0n;
  }

  avsSplit(operator: Address, avs: Address): bigint {
    return this.at.splits.avs.get(`${operator}|${avs}`) ?? this.at.splits.default;
  }

  setSplit(operator: Address, set: SetKey): bigint {
    return this.at.splits.set.get(`${operator}|${set}`) ?? this.at.splits.default;
  }

  piSplit(operator: Address): bigint {
    return this.at.splits.pi.get(operator) ?? this.at.splits.default;
  }
}

const OPERATOR_DIRECTED: ReadonlySet<SubmissionKind> = new Set(["operatorDirectedAVS", "operatorDirectedOperatorSet"]);

function refundee(sub: StoredSubmission): Address {
  if (sub.avs !== null) return sub.avs;
  invariant(sub.operatorSet !== null, "a submission with neither AVS nor operator set cannot be refunded", {
    hash: sub.hash,
  });
  return parseSetKey(sub.operatorSet).avs;
}

class Calculation {
  private readonly snap: DailySnapshotter;
  private readonly onRow: ((row: PayoutRow) => void) | undefined;
  private readonly ops = new Map<number, OperatorPositions>();
  /** token → cumulative per staker index */
  private readonly stakerTotals = new Map<Address, bigint[]>();
  /** operators and AVSs: earner → token → cumulative */
  private readonly otherTotals: Earnings = new Map();
  private readonly reports = new Map<string, SubmissionReport>();
  private readonly views = new Map<bigint, DayView>();
  private readonly weightCache = new Map<string, Weights>();
  private applied = 0;
  /** paid on the current (submission, snapshot) */
  private dayPaid = 0n;

  constructor(
    snap: DailySnapshotter,
    onRow: ((row: PayoutRow) => void) | undefined,
    private readonly cutoff: bigint,
  ) {
    this.snap = snap;
    this.onRow = onRow;
  }

  /* ---------------------------------------------------------------- state of the day */

  private view(day: bigint): DayView {
    let v = this.views.get(day);
    if (v === undefined) {
      const at = this.snap.boundaryAt(day);
      const next = this.snap.boundaryAt(day + DAY);
      invariant(at !== undefined && next !== undefined, "snapshot boundary missing", { day, cutoff: this.cutoff });
      v = new DayView(day, at, next);
      this.views.set(day, v);
    }
    return v;
  }

  /** Applies every boundary up to `day` to the working positions. */
  private advanceTo(day: bigint): void {
    this.weightCache.clear();
    const bs = this.snap.boundaries;
    while (this.applied < bs.length && bs[this.applied]!.time <= day) {
      this.apply(bs[this.applied]!.changes);
      this.applied++;
    }
  }

  private apply(changes: readonly PositionChange[]): void {
    for (const c of changes) {
      const slot = c.key % OPERATOR_SLOTS;
      const staker = (c.key - slot) / OPERATOR_SLOTS;
      const op = getOrCreate(this.ops, slot, () => new OperatorPositions());
      op.set(staker, c.shares);
    }
  }

  private positionsOf(operator: Address | null): { ids: number[]; rows: Shares[] } | undefined {
    const slot = operator === null ? 0 : this.snap.operators.find(operator);
    if (slot === undefined) return undefined;
    return this.ops.get(operator === null ? 0 : slot + 1)?.view();
  }

  /* ---------------------------------------------------------------- crediting */

  private report(sub: StoredSubmission): SubmissionReport {
    let r = this.reports.get(sub.hash);
    if (r === undefined) {
      r = {
        hash: sub.hash,
        kind: sub.kind,
        token: sub.token,
        amount: sub.amount,
        snapshots: 0,
        toStakers: 0n,
        toOperators: 0n,
        refunded: 0n,
      };
      this.reports.set(sub.hash, r);
    }
    return r;
  }

  /** The cumulative amounts of `token` by staker index (the hot loops write into it directly). */
  private stakerTotalsOf(token: Address): bigint[] {
    return getOrCreate(this.stakerTotals, token, () => []);
  }

  /** Books `paid` (already written into the staker totals) on the submission; emits a row per staker if asked. */
  private stakersPaid(sub: StoredSubmission, paid: bigint): void {
    this.dayPaid += paid;
    this.report(sub).toStakers += paid;
  }

  private stakerRow(sub: StoredSubmission, day: bigint, staker: number, amount: bigint): void {
    this.onRow?.({
      snapshot: day,
      earner: this.snap.stakers.at(staker),
      token: sub.token,
      amount,
      kind: "staker",
      submission: sub.hash,
    });
  }

  private creditOther(sub: StoredSubmission, day: bigint, earner: Address, amount: bigint, kind: PayoutKind): void {
    if (amount === 0n) return;
    const byToken = getOrCreate(this.otherTotals, earner, () => new Map());
    byToken.set(sub.token, (byToken.get(sub.token) ?? 0n) + amount);
    this.dayPaid += amount;
    const r = this.report(sub);
    if (kind === "refund") r.refunded += amount;
    else r.toOperators += amount;
    this.onRow?.({ snapshot: day, earner, token: sub.token, amount, kind, submission: sub.hash });
  }

  /** Shares `portion` among the operator's positions by weight (proportion floored to 1e-15); returns the total. */
  private payStakers(
    sub: StoredSubmission,
    day: bigint,
    operator: Address,
    terms: readonly Term[],
    portion: bigint,
  ): bigint {
    if (portion === 0n) return 0n;
    const weights = this.weights(operator, terms);
    if (weights === undefined || weights.total === 0n) return 0n;
    const { ids, ws, total } = weights;
    const totals = this.stakerTotalsOf(sub.token);
    const rows = this.onRow !== undefined;
    const { num, den } = reduce(portion, PROPORTION_SCALE);
    let paid = 0n;
    for (let i = 0; i < ws.length; i++) {
      const w = ws[i]!;
      if (w === 0n) continue;
      const p = (w * PROPORTION_SCALE) / total;
      const tokens = den === 1n ? p * num : (p * num) / den;
      if (tokens === 0n) continue;
      const id = ids[i]!;
      totals[id] = (totals[id] ?? 0n) + tokens;
      paid += tokens;
      if (rows) this.stakerRow(sub, day, id, tokens);
    }
    this.stakersPaid(sub, paid);
    return paid;
  }

  /* ---------------------------------------------------------------- submission types */

  private termsFor(sub: StoredSubmission, allowed?: ReadonlySet<Address> | readonly Address[]): Term[] {
    const out: Term[] = [];
    const has =
      allowed === undefined
        ? () => true
        : Array.isArray(allowed)
          ? (st: Address) => (allowed as readonly Address[]).includes(st)
          : (st: Address) => (allowed as ReadonlySet<Address>).has(st);
    const g = multiplierGcd(sub);
    for (const { strategy, multiplier } of sub.strategiesAndMultipliers) {
      if (multiplier === 0n || !has(strategy)) continue;
      const idx = this.snap.strategies.find(strategy);
      if (idx !== undefined) out.push({ idx, coef: multiplier / g });
    }
    return out;
  }

  /**
   * Σ coef · shares of every position of `operator` on the current day, cached per (operator, terms) for the day:
   * submissions over the same strategies and multipliers share it.
   */
  private weights(operator: Address | null, terms: readonly Term[]): Weights | undefined {
    const v = this.positionsOf(operator);
    if (v === undefined || terms.length === 0) return undefined;
    const key = `${operator}|${terms.map((t) => `${t.idx}:${t.coef}`).join(",")}`;
    let w = this.weightCache.get(key);
    if (w === undefined) {
      const ws: bigint[] = new Array(v.rows.length);
      w = { ids: v.ids, ws, total: weigh(v.rows, terms, ws) };
      this.weightCache.set(key, w);
    }
    return w;
  }

  /**
   * v1 AVS, rewards-for-all-earners: one pool per snapshot shared by every eligible (staker, operator) position:
   * payout = ⌊⌊w/W·1e15⌋/1e15 · tokens_per_day⌋, the operator takes ⌊payout · split/10000⌋ of it.
   */
  private payPool(
    sub: StoredSubmission,
    day: bigint,
    groups: readonly { operator: Address; terms: readonly Term[]; split: bigint }[],
  ): void {
    const tpd = tokensPerDay(sub);
    const weights = groups.map((g) => this.weights(g.operator, g.terms));
    let total = 0n;
    for (const w of weights) if (w !== undefined) total += w.total;
    if (total === 0n) return;
    // payout = ⌊p · tokens_per_day / 1e15⌋ with the fraction reduced once (often to an integer factor)
    const { num, den } = reduce(tpd.num, tpd.den * PROPORTION_SCALE);
    const totals = this.stakerTotalsOf(sub.token);
    const rows = this.onRow !== undefined;
    let paid = 0n;
    groups.forEach((g, gi) => {
      const weight = weights[gi];
      if (weight === undefined || weight.total === 0n) return;
      const { ids, ws } = weight;
      // ⌊payout · split / 10000⌋ with the fraction reduced (10 % is ⌊payout / 10⌋)
      const { num: splitNum, den: splitDen } = reduce(g.split, BIPS);
      let operatorTokens = 0n;
      for (let i = 0; i < ws.length; i++) {
        const w = ws[i]!;
        if (w === 0n) continue;
        const p = (w * PROPORTION_SCALE) / total;
        const payout = den === 1n ? p * num : (p * num) / den;
        if (payout === 0n) continue;
        const op = splitNum === 0n ? 0n : splitNum === 1n ? payout / splitDen : (payout * splitNum) / splitDen;
        operatorTokens += op;
        const toStaker = payout - op;
        if (toStaker === 0n) continue;
        const id = ids[i]!;
        totals[id] = (totals[id] ?? 0n) + toStaker;
        paid += toStaker;
        if (rows) this.stakerRow(sub, day, id, toStaker);
      }
      this.creditOther(sub, day, g.operator, operatorTokens, "operator");
    });
    this.stakersPaid(sub, paid);
  }

  /** v1: operators registered to any operator set of the AVS, strategies of the submission in those sets. */
  private payAVS(sub: StoredSubmission, day: bigint): void {
    const v = this.view(day);
    const avs = sub.avs;
    invariant(avs !== null, "an AVS submission without an AVS", { hash: sub.hash });
    const groups = [...(v.avsOperators.get(avs) ?? [])].map(([operator, strategies]) => ({
      operator,
      terms: this.termsFor(sub, strategies),
      split: v.avsSplit(operator, avs),
    }));
    this.payPool(sub, day, groups);
  }

  /** Rewards for all earners: operators registered to at least one operator set, PI split. */
  private payAllEarners(sub: StoredSubmission, day: bigint): void {
    const v = this.view(day);
    const terms = this.termsFor(sub);
    const groups = [...v.earners].map((operator) => ({ operator, terms, split: v.piSplit(operator) }));
    this.payPool(sub, day, groups);
  }

  /** Rewards for all: every staker by its shares (all its positions together), paid directly, no operator cut. */
  private payAll(sub: StoredSubmission, day: bigint): void {
    const tpd = tokensPerDay(sub);
    const terms = this.termsFor(sub);
    const byStaker = new Map<number, bigint>();
    let total = 0n;
    for (const op of this.ops.values()) {
      const v = op.view();
      const ws: bigint[] = new Array(v.rows.length);
      total += weigh(v.rows, terms, ws);
      for (let i = 0; i < ws.length; i++) {
        const w = ws[i]!;
        if (w !== 0n) byStaker.set(v.ids[i]!, (byStaker.get(v.ids[i]!) ?? 0n) + w);
      }
    }
    if (total === 0n) return;
    const den = tpd.den * PROPORTION_SCALE;
    const totals = this.stakerTotalsOf(sub.token);
    let paid = 0n;
    for (const [staker, w] of byStaker) {
      const payout = (((w * PROPORTION_SCALE) / total) * tpd.num) / den;
      if (payout === 0n) continue;
      totals[staker] = (totals[staker] ?? 0n) + payout;
      paid += payout;
      this.stakerRow(sub, day, staker, payout);
    }
    this.stakersPaid(sub, paid);
  }

  /**
   * v2 / v2.1 operator-directed: each operator's amount is spread over the snapshots of the period on which it was
   * registered (to the AVS, or to the operator set): ⌊amount / registered snapshots⌋ each. The operator takes
   * ⌊x · split/10000⌋; its stakers share the rest by multiplier-weighted shares. An operator never registered in the
   * period: ⌊amount / days⌋ is refunded to the AVS on every snapshot. v2.1: when none of the submission's strategies
   * is in the set, the stakers' portion is refunded too.
   */
  private payOperatorDirected(
    sub: StoredSubmission,
    day: bigint,
    registeredDays: ReadonlyMap<Address, number>,
  ): bigint {
    const v = this.view(day);
    const avs = refundee(sub);
    const set = sub.kind === "operatorDirectedOperatorSet" ? sub.operatorSet : null;
    invariant(sub.kind !== "operatorDirectedOperatorSet" || set !== null, "operator-set submission without a set", {
      hash: sub.hash,
    });
    const days = sub.duration / DAY;
    let budget = 0n;
    for (const { operator, amount } of sub.operatorRewards) {
      const n = BigInt(registeredDays.get(operator) ?? 0);
      if (n === 0n) {
        const refund = amount / days;
        budget += refund;
        this.creditOther(sub, day, avs, refund, "refund");
        continue;
      }
      const registered = set !== null ? v.isRegistered(operator, set) : v.isRegisteredToAVS(operator, avs);
      if (!registered) continue;
      const x = amount / n;
      budget += x;
      const split = set !== null ? v.setSplit(operator, set) : v.avsSplit(operator, avs);
      const operatorTokens = (x * split) / BIPS;
      this.creditOther(sub, day, operator, operatorTokens, "operator");
      const portion = x - operatorTokens;
      const strategies = set !== null ? (v.at.setStrategies.get(set) ?? []) : v.avsOperators.get(avs)?.get(operator);
      const terms = this.termsFor(sub, strategies ?? []);
      if (set !== null && terms.length === 0) {
        this.creditOther(sub, day, avs, portion, "refund");
        continue;
      }
      this.payStakers(sub, day, operator, terms, portion);
    }
    return budget;
  }

  /**
   * v2.2 unique stake (weight Σ shares · magnitude / maxMagnitude · multiplier) and total stake (Σ shares ·
   * multiplier) over the operators registered to the set: operator share ⌊tokens_per_day · w / W⌋, the operator set
   * split of it to the operator, the rest to its stakers weighted the same way. No weight at all: ⌊tokens_per_day⌋
   * is refunded to the AVS.
   */
  private payStake(sub: StoredSubmission, day: bigint): void {
    const v = this.view(day);
    const set = sub.operatorSet;
    invariant(set !== null, "a stake submission without an operator set", { hash: sub.hash });
    const unique = sub.kind === "uniqueStake";
    const tpd = tokensPerDay(sub);
    const entries: { operator: Address; terms: Term[]; den: bigint; n: bigint }[] = [];
    let W: Fraction = { num: 0n, den: 1n };
    const g = multiplierGcd(sub);
    for (const operator of v.setOperators.get(set) ?? []) {
      const raw: { idx: number; mult: bigint; mag: bigint; max: bigint }[] = [];
      for (const { strategy, multiplier: m } of sub.strategiesAndMultipliers) {
        if (m === 0n) continue;
        const idx = this.snap.strategies.find(strategy);
        if (idx === undefined) continue;
        const multiplier = m / g;
        if (!unique) {
          raw.push({ idx, mult: multiplier, mag: 1n, max: 1n });
          continue;
        }
        const mag = v.magnitude(operator, set, strategy);
        const max = v.maxMagnitude(operator, strategy);
        if (mag > 0n && max > 0n) raw.push({ idx, mult: multiplier, mag, max });
      }
      if (raw.length === 0) continue;
      let den = 1n;
      for (const r of raw) den = (den / gcd(den, r.max)) * r.max;
      const terms = raw.map((r) => ({ idx: r.idx, coef: r.mult * r.mag * (den / r.max) }));
      const n = this.weights(operator, terms)?.total ?? 0n;
      if (n === 0n) continue;
      entries.push({ operator, terms, den, n });
      W = reduce(W.num * den + n * W.den, W.den * den);
    }
    if (W.num === 0n) {
      this.creditOther(sub, day, refundee(sub), tpd.num / tpd.den, "refund");
      return;
    }
    for (const e of entries) {
      const share = (tpd.num * e.n * W.den) / (tpd.den * e.den * W.num);
      const operatorTokens = (share * v.setSplit(e.operator, set)) / BIPS;
      this.creditOther(sub, day, e.operator, operatorTokens, "operator");
      this.payStakers(sub, day, e.operator, e.terms, share - operatorTokens);
    }
  }

  /* ---------------------------------------------------------------- the run */

  run(submissions: readonly StoredSubmission[]): { snapshotDays: number } {
    const lastDay = this.cutoff - DAY;
    const subs = included(submissions, this.cutoff);
    for (const s of subs) {
      invariant(s.startTimestamp % DAY === 0n && s.duration % DAY === 0n && s.duration > 0n, "unaligned submission", {
        hash: s.hash,
      });
    }
    // Operator-directed: registered snapshots per operator over the whole period (it lies before the cutoff: these
    // submissions are strictly retroactive and were created before it).
    const registeredDays = new Map<string, Map<Address, number>>();
    for (const s of subs) {
      if (!OPERATOR_DIRECTED.has(s.kind)) continue;
      const counts = new Map<Address, number>();
      const avs = refundee(s);
      for (let d = s.startTimestamp + DAY; d <= s.startTimestamp + s.duration; d += DAY) {
        const v = this.view(d);
        for (const { operator } of s.operatorRewards) {
          const reg =
            s.kind === "operatorDirectedOperatorSet"
              ? v.isRegistered(operator, s.operatorSet!)
              : v.isRegisteredToAVS(operator, avs);
          if (reg) counts.set(operator, (counts.get(operator) ?? 0) + 1);
        }
      }
      registeredDays.set(s.hash, counts);
    }
    let first = lastDay + DAY;
    for (const s of subs) if (s.startTimestamp + DAY < first) first = s.startTimestamp + DAY;
    let snapshotDays = 0;
    for (let day = first; day <= lastDay; day += DAY) {
      const active = subs.filter((s) => s.startTimestamp < day && day <= s.startTimestamp + s.duration);
      if (active.length === 0) continue;
      snapshotDays++;
      this.advanceTo(day);
      for (const sub of active) {
        this.report(sub).snapshots++;
        this.dayPaid = 0n;
        let budget: Fraction;
        switch (sub.kind) {
          case "avs":
            this.payAVS(sub, day);
            budget = tokensPerDay(sub);
            break;
          case "forAll":
            this.payAll(sub, day);
            budget = tokensPerDay(sub);
            break;
          case "forAllEarners":
            this.payAllEarners(sub, day);
            budget = tokensPerDay(sub);
            break;
          case "operatorDirectedAVS":
          case "operatorDirectedOperatorSet":
            budget = { num: this.payOperatorDirected(sub, day, registeredDays.get(sub.hash)!), den: 1n };
            break;
          case "uniqueStake":
          case "totalStake":
            this.payStake(sub, day);
            budget = tokensPerDay(sub);
            break;
          default:
            throw new InvariantViolation(`unknown submission kind ${String((sub as { kind: unknown }).kind)}`);
        }
        if (this.dayPaid * budget.den > budget.num) {
          throw new InvariantViolation("payouts exceed tokens_per_day", {
            submission: sub.hash,
            snapshot: day,
            paid: this.dayPaid,
            tokensPerDay: `${budget.num}/${budget.den}`,
          });
        }
      }
    }
    for (const r of this.reports.values()) {
      if (r.toStakers + r.toOperators + r.refunded > r.amount) {
        throw new InvariantViolation("payouts exceed the submitted amount", { submission: r.hash });
      }
    }
    return { snapshotDays };
  }

  cumulative(): Earnings {
    const out: Earnings = new Map();
    const add = (earner: Address, token: Address, amount: bigint) => {
      if (amount === 0n) return;
      const byToken = getOrCreate(out, earner, () => new Map());
      byToken.set(token, (byToken.get(token) ?? 0n) + amount);
    };
    for (const [token, arr] of this.stakerTotals) {
      arr.forEach((amount, i) => {
        add(this.snap.stakers.at(i), token, amount);
      });
    }
    for (const [earner, byToken] of this.otherTotals) for (const [token, amount] of byToken) add(earner, token, amount);
    return out;
  }

  submissionReports(submissions: readonly StoredSubmission[]): SubmissionReport[] {
    return included(submissions, this.cutoff).map((s) => this.report(s));
  }
}

/**
 * The submissions a run with this cutoff includes: those created before it. An operator-directed submission is
 * strictly retroactive on-chain (its period ends before it is created), so its whole period lies before the cutoff
 * and its registered-snapshot count is final; one whose period does not (only possible if that check were
 * bypassed) is left for a later cutoff rather than paid on a count that could still change.
 */
function included(submissions: readonly StoredSubmission[], cutoff: bigint): StoredSubmission[] {
  return submissions.filter(
    (s) => s.createdAtTimestamp < cutoff && (!OPERATOR_DIRECTED.has(s.kind) || s.startTimestamp + s.duration < cutoff),
  );
}

/** Throws unless every (earner, token) amount of `previous` is ≤ its amount in `next`. */
export function assertNotDecreasing(
  previous: ReadonlyMap<Address, ReadonlyMap<Address, bigint>>,
  next: ReadonlyMap<Address, ReadonlyMap<Address, bigint>>,
): void {
  for (const [earner, byToken] of previous) {
    for (const [token, amount] of byToken) {
      const now = next.get(earner)?.get(token) ?? 0n;
      if (now < amount) {
        throw new InvariantViolation("cumulative earnings decreased", { earner, token, before: amount, now });
      }
    }
  }
}

/** The daily calculation up to `cutoff` (exclusive). */
export function calculateRewards(input: CalculationInput): CalculationResult {
  const { cutoff } = input;
  invariant(cutoff % DAY === 0n, "the cutoff must be a 00:00 UTC boundary", { cutoff });
  invariant(input.snapshots.cadence === DAY, "rewards need daily snapshots", { cadence: input.snapshots.cadence });
  const c = new Calculation(input.snapshots, input.onRow, cutoff);
  const { snapshotDays } = c.run(input.submissions);
  const cumulative = c.cumulative();
  if (input.previous !== undefined) assertNotDecreasing(input.previous, cumulative);
  return {
    cutoff,
    rewardsCalculationEndTimestamp: cutoff - DAY,
    snapshotDays,
    cumulative,
    submissions: c.submissionReports(input.submissions),
  };
}
