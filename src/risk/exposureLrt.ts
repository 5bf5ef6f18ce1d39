import * as dm from "../core/eigenlayer/delegationManager.ts";
import type { Address, EigenState } from "../core/eigenlayer/state.ts";
import * as cviews from "../core/eigenlayer/views.ts";
import { min, WAD } from "../core/shared/math.ts";
import { lstRate } from "../lrt/lst.ts";
import type { LrtRecord, World as LrtWorld, WithdrawalRequest } from "../lrt/state.ts";
import * as lrtViews from "../lrt/views.ts";
import {
  maxMagnitudeUnder,
  NATIVE_ETH,
  queuedUnder,
  type Scenario,
  sharesToAsset,
  withdrawableUnder,
} from "./exposureCore.ts";

/**
 * The LRT half of the exposure engine. An LRT values what it holds from the core (nav's holdings: buffer, escrow,
 * restaked and unstaking shares per delegator, idle balances, ETH on its way to a validator); a core slash lowers the
 * restaked and unstaking holdings, and reaches a holder only through the protocol's own accounting:
 *
 * | protocol | value of u tokens | how a loss is recognised |
 * |---|---|---|
 * | ether.fi | ⌊u·P/S⌋ | oracle rebases of at most P·3/10⁴ each (and the APR guard), until P = the live value |
 * | Renzo | ⌊TVL·u/S⌋ | at once: TVL is summed live (token feeds at their last price) |
 * | Kelp | ⌊u·price/1e18⌋ | anyone's updateRSETHPrice: price = ⌊T/S⌋ at 1e36 (refused beyond pricePercentageLimit) |
 * | Puffer | ⌊u·(A+1)/(S+1)⌋ | the guardians' report: each module's loss burns its node operators' bonds first (whole bonds once the module is slashed), the rest lowers lockedETH |
 * | Swell | ⌊u·rate/1e18⌋ | the oracle's reprice: rate = ⌊R·1e18/S⌋ (refused beyond maxRepriceDiff) |
 *
 * `recognise` gives the protocol's state once its accounting has taken in everything the core says under a scenario
 * (caps and guards bound how fast, not where it ends); a gain is charged the protocol's fee as one report would.
 * The loss of a holder from a scenario is value(recognise(nothing)) − value(recognise(scenario)), exact in wei.
 */

/** The protocol state a holder's value is computed from. */
export type Recognised =
  | { kind: "etherfi"; P: bigint; S: bigint }
  | { kind: "renzo"; tvl: bigint; S: bigint }
  | { kind: "kelp"; price: bigint; S: bigint }
  | { kind: "puffer"; A: bigint; S: bigint }
  | { kind: "swell"; rate: bigint; S: bigint };

/** ETH value of `u` pricing units (eETH shares and weETH, ezETH, rsETH, pufETH, rswETH) in a protocol state. */
export function unitValue(r: Recognised, u: bigint): bigint {
  switch (r.kind) {
    case "etherfi":
      return r.S === 0n ? 0n : (u * r.P) / r.S;
    case "renzo":
      return r.S === 0n ? 0n : (r.tvl * u) / r.S;
    case "kelp":
      return (u * r.price) / WAD;
    case "puffer":
      return (u * (r.A + 1n)) / (r.S + 1n);
    case "swell":
      return (u * r.rate) / WAD;
  }
}

const BPS = 10_000n;
const YEAR = 365n * 86_400n;

/** ETH per unit of an asset at the LST's current rate (native ETH: 1). */
export function assetPrice(w: LrtWorld, asset: Address): bigint {
  if (asset === NATIVE_ETH) return WAD;
  for (const l of w.lrt.lsts.values()) if (l.token === asset) return lstRate(l);
  return 0n;
}

/** Renzo's token price for views: the feed's last price (stale or not), else the LST's rate. */
function renzoPrice(w: LrtWorld, rec: LrtRecord, asset: Address): bigint {
  if (asset === NATIVE_ETH) return WAD;
  return w.lrt.feeds.get(`${rec.id}|${asset}`)?.price ?? assetPrice(w, asset);
}

const ev = (amount: bigint, price: bigint): bigint => (amount * price) / WAD;

export type Holding = lrtViews.NavView["assets"][number];

/** Holdings that count toward the protocol's value (Kelp, Puffer and Swell leave the withdrawal escrow out). */
export function countsTowardValue(rec: LrtRecord, h: Holding): boolean {
  return rec.protocol === "etherfi" || rec.protocol === "renzo" ? true : h.kind !== "escrow";
}

/**
 * One LRT, read once: its record, its holdings now, and the recognised state and holding amounts per scenario
 * (cached by the scenario object).
 */
export class LrtModel {
  readonly rec: LrtRecord;
  readonly nav: lrtViews.NavView;
  readonly holdings: Holding[];
  private readonly w: LrtWorld;
  private readonly block: bigint;
  private readonly now: bigint;
  private readonly queued = new Map<Address, cviews.QueuedWithdrawalView[]>();
  private readonly cache = new Map<Scenario, { amounts: bigint[]; rec: Recognised; detail: RecognitionDetail }>();

  constructor(w: LrtWorld, id: string, block: bigint, now: bigint) {
    this.w = w;
    this.block = block;
    this.now = now;
    this.rec = w.lrt.lrts.get(id)!;
    this.nav = lrtViews.nav(w, id, { block, timestamp: now });
    this.holdings = this.nav.assets;
  }

  get id(): string {
    return this.rec.id;
  }

  private queuedOf(staker: Address): cviews.QueuedWithdrawalView[] {
    let q = this.queued.get(staker);
    if (q === undefined) {
      q = cviews.queuedWithdrawals(this.w.eigen, this.block, staker);
      this.queued.set(staker, q);
    }
    return q;
  }

  /** Each holding's amount (asset units) under a scenario; unchanged unless it is restaked or unstaking. */
  amountsUnder(sc: Scenario): bigint[] {
    return this.holdings.map((h) => holdingAmountUnder(this.w.eigen, this.block, h, sc, (a) => this.queuedOf(a)));
  }

  /** The protocol's state now, as it prices its token (what a holder could get at its rate). */
  booked(): Recognised {
    const rec = this.rec;
    const b = rec.book;
    switch (b.kind) {
      case "etherfi":
        return { kind: "etherfi", P: b.inLp + b.outOfLp, S: rec.supply };
      case "renzo":
        return { kind: "renzo", tvl: this.nav.protocolValue, S: rec.supply };
      case "kelp":
        return { kind: "kelp", price: b.price, S: rec.supply };
      case "puffer":
        return { kind: "puffer", A: this.nav.protocolValue, S: rec.supply };
      case "swell":
        return { kind: "swell", rate: b.rate, S: rec.supply };
    }
  }

  /** The protocol's state once its accounting has recognised everything the core says under `sc`. */
  recognise(sc: Scenario): Recognised {
    return this.entry(sc).rec;
  }

  detail(sc: Scenario): RecognitionDetail {
    return this.entry(sc).detail;
  }

  private entry(sc: Scenario): { amounts: bigint[]; rec: Recognised; detail: RecognitionDetail } {
    let e = this.cache.get(sc);
    if (e === undefined) {
      const amounts = this.amountsUnder(sc);
      const { rec, detail } = recognise(this.w, this.rec, this.holdings, amounts, sc, this.now);
      e = { amounts, rec, detail };
      this.cache.set(sc, e);
    }
    return e;
  }

  /** The live value of the holdings that count toward the protocol's value, under a scenario (asset prices now). */
  liveValue(sc: Scenario): bigint {
    const amounts = this.entry(sc).amounts;
    let v = 0n;
    this.holdings.forEach((h, i) => {
      if (countsTowardValue(this.rec, h)) v += ev(amounts[i]!, this.priceOf(h.asset));
    });
    return v;
  }

  priceOf(asset: Address): bigint {
    return this.rec.protocol === "renzo" ? renzoPrice(this.w, this.rec, asset) : assetPrice(this.w, asset);
  }

  /** What a pending request would pay under a recognised state, by the protocol's min() rule. */
  requestPayout(req: WithdrawalRequest, r: Recognised): bigint {
    if (req.payout !== null) return req.payout;
    switch (r.kind) {
      case "etherfi": {
        const ceil = r.S === 0n ? WAD : (WAD * r.P + r.S - 1n) / r.S;
        return min(req.amountAtRequest, (req.shares * ceil) / WAD);
      }
      case "renzo": {
        const eth = unitValue(r, req.shares);
        const p = renzoPrice(this.w, this.rec, req.asset);
        return min(req.amountAtRequest, p === 0n ? 0n : (eth * WAD) / p);
      }
      case "kelp": {
        const p = assetPrice(this.w, req.asset);
        return min(req.amountAtRequest, p === 0n ? 0n : (req.shares * r.price) / p);
      }
      case "puffer":
        return (req.shares * min(req.rateAtRequest, unitValue(r, WAD))) / WAD;
      case "swell":
        return (req.shares * min(req.rateAtRequest, r.rate)) / WAD;
    }
  }
}

export function holdingAmountUnder(
  s: EigenState,
  block: bigint,
  h: Holding,
  sc: Scenario,
  queuedOf: (staker: Address) => cviews.QueuedWithdrawalView[],
): bigint {
  if (sc.size === 0) return h.amount;
  if (h.kind === "restaked" && h.delegator !== undefined && h.strategy !== undefined) {
    return sharesToAsset(s, h.strategy, withdrawableUnder(s, h.delegator, h.strategy, sc));
  }
  if (h.kind === "unstaking" && h.delegator !== undefined && h.strategy !== undefined) {
    const q = queuedOf(h.delegator).find((x) => x.withdrawal.root === h.withdrawalRoot);
    if (q === undefined) return h.amount;
    const i = q.withdrawal.strategies.indexOf(h.strategy);
    return sharesToAsset(s, h.strategy, queuedUnder(s, block, q, i, sc));
  }
  return h.amount;
}

/** How the protocol gets there, for the report: whether its own guards let it, and how long it takes. */
export interface RecognitionDetail {
  /** live value of the holdings the protocol counts, under the scenario */
  live: bigint;
  /** the protocol's value before and after recognition (ether.fi P, Renzo TVL, Kelp price·S, Puffer A, Swell R) */
  before: bigint;
  after: bigint;
  /** Puffer: node-operator bond shares burned */
  bondSharesBurned: bigint;
  /** ether.fi: oracle reports needed to recognise a loss at −3 bps each (null: no loss) */
  reports: bigint | null;
  /** minimum time to recognise it (ether.fi: reports × the APR guard's minimum interval) */
  seconds: bigint | null;
  /** the protocol's guard refuses the update until its admin acts (Kelp pricePercentageLimit, Swell maxRepriceDiff) */
  blockedBy: string | null;
}

function recognise(
  w: LrtWorld,
  rec: LrtRecord,
  holdings: Holding[],
  amounts: bigint[],
  sc: Scenario,
  now: bigint,
): { rec: Recognised; detail: RecognitionDetail } {
  const price = (a: Address) => (rec.protocol === "renzo" ? renzoPrice(w, rec, a) : assetPrice(w, a));
  const counted = holdings.map((h) => countsTowardValue(rec, h));
  const live = holdings.reduce((acc, h, i) => (counted[i] ? acc + ev(amounts[i]!, price(h.asset)) : acc), 0n);
  const S = rec.supply;
  const p = rec.params;
  const b = rec.book;
  const detail: RecognitionDetail = {
    live,
    before: 0n,
    after: 0n,
    bondSharesBurned: 0n,
    reports: null,
    seconds: null,
    blockedBy: null,
  };
  switch (b.kind) {
    case "etherfi": {
      const P = b.inLp + b.outOfLp;
      detail.before = P;
      const observed = live - P;
      if (observed > 0n) {
        const fees = (observed * p.feeBps) / BPS;
        const P1 = P + observed - fees;
        const feeShares = P1 === 0n ? fees : (fees * S) / P1;
        detail.after = P1 + fees;
        return { rec: { kind: "etherfi", P: P1 + fees, S: S + feeShares }, detail };
      }
      detail.after = live;
      if (observed < 0n) {
        const { reports, seconds } = etherfiRecognitionTime(rec, P, -observed);
        detail.reports = reports;
        detail.seconds = seconds;
      }
      return { rec: { kind: "etherfi", P: live, S }, detail };
    }
    case "renzo":
      detail.before = holdings.reduce((acc, h, i) => (counted[i] ? acc + ev(h.amount, price(h.asset)) : acc), 0n);
      detail.after = live;
      return { rec: { kind: "renzo", tvl: live, S }, detail };
    case "kelp": {
      const old = b.price;
      const total36 = holdings.reduce(
        (acc, h, i) => (counted[i] ? acc + amounts[i]! * assetPrice(w, h.asset) : acc),
        0n,
      );
      detail.before = (old * S) / WAD;
      if (S === 0n) {
        detail.after = 0n;
        return { rec: { kind: "kelp", price: WAD, S }, detail };
      }
      const tmp = total36 / S;
      const fee = tmp > old ? ((((tmp - old) * S) / WAD) * p.feeBps) / BPS : 0n;
      const price = (total36 - fee * WAD) / S;
      const feeMint = fee > 0n ? (fee * WAD) / price : 0n;
      const limit = p.pricePercentageLimit;
      if (limit > 0n && old > 0n) {
        const diff = price > old ? price - old : old - price;
        if ((diff * 100n) / old > limit) detail.blockedBy = `pricePercentageLimit (${limit} %)`;
      }
      detail.after = (price * (S + feeMint)) / WAD;
      return { rec: { kind: "kelp", price, S: S + feeMint }, detail };
    }
    case "puffer":
      return { rec: recognisePuffer(w, rec, holdings, amounts, sc, now, detail), detail };
    case "swell": {
      detail.before = b.reserves;
      const newRewards = live - b.reserves;
      const fBps = p.treasuryFeeBps + p.nodeOperatorFeeBps;
      const feeRsw =
        newRewards > 0n && S > 0n && fBps > 0n ? (S * newRewards * fBps) / (live * BPS - newRewards * fBps) : 0n;
      const rate = S + feeRsw === 0n ? WAD : (live * WAD) / (S + feeRsw);
      if (p.maxRepriceDiffBps > 0n) {
        const diff = rate > b.rate ? rate - b.rate : b.rate - rate;
        if (diff * BPS > b.rate * p.maxRepriceDiffBps) detail.blockedBy = `maxRepriceDiff (${p.maxRepriceDiffBps} bps)`;
      }
      detail.after = live;
      return { rec: { kind: "swell", rate, S: S + feeRsw }, detail };
    }
  }
}

/** ether.fi: reports of at most P·maxNegativeRebaseBps/10⁴ each, each at least the APR guard's interval apart. */
export function etherfiRecognitionTime(
  rec: LrtRecord,
  P0: bigint,
  loss: bigint,
): { reports: bigint | null; seconds: bigint | null } {
  const p = rec.params;
  if (p.maxNegativeRebaseBps === 0n) return { reports: null, seconds: null };
  let P = P0;
  let left = loss;
  let n = 0n;
  let seconds = 0n;
  while (left > 0n && n < 1_000_000n) {
    const cap = (P * p.maxNegativeRebaseBps) / BPS;
    if (cap === 0n) return { reports: null, seconds: null };
    const step = left < cap ? left : cap;
    // the APR guard: |⌊10⁴·a·YEAR/(P·elapsed)⌋| ≤ acceptable ⇒ elapsed ≥ ⌈10⁴·a·YEAR/(P·(acceptable+1))⌉
    const acc = p.acceptableRebaseAprBps;
    const guard = acc === 0n ? 0n : (BPS * step * YEAR + P * (acc + 1n) - 1n) / (P * (acc + 1n));
    const interval = guard > p.minReportIntervalSeconds ? guard : p.minReportIntervalSeconds;
    seconds += interval > 0n ? interval : 1n;
    P -= step;
    left -= step;
    n++;
  }
  return { reports: n, seconds };
}

function pufferUnvested(rec: LrtRecord, now: bigint): bigint {
  const b = rec.book;
  if (b.kind !== "puffer" || b.vestWindow === 0n) return 0n;
  const end = b.vestStart + b.vestWindow;
  return now >= end ? 0n : (b.vestAmount * (end - now)) / b.vestWindow;
}

/** Puffer's guardian report, applied to the holdings under a scenario (puffer.report's arithmetic). */
function recognisePuffer(
  w: LrtWorld,
  rec: LrtRecord,
  holdings: Holding[],
  amounts: bigint[],
  sc: Scenario,
  now: bigint,
  detail: RecognitionDetail,
): Recognised {
  const b = rec.book;
  if (b.kind !== "puffer") throw new Error("not Puffer");
  const S0 = rec.supply;
  let pool = 0n;
  holdings.forEach((h, i) => {
    if (h.kind === "buffer") pool += ev(amounts[i]!, assetPrice(w, h.asset));
  });
  const unvested = pufferUnvested(rec, now);
  const a0 = pool + b.lockedEth - unvested;
  const A0 = a0 > 0n ? a0 : 0n;
  detail.before = A0;
  let gains = 0n;
  let losses = 0n;
  let burned = 0n;
  for (const d of rec.delegators) {
    let live = 0n;
    holdings.forEach((h, i) => {
      if (h.delegator === d.address) live += ev(amounts[i]!, assetPrice(w, h.asset));
    });
    const booked = w.lrt.delegatorBook.get(`${rec.id}|${d.address}`) ?? 0n;
    if (live > booked) gains += live - booked;
    if (live < booked) {
      const loss = booked - live;
      losses += loss;
      const slashed = pufferSlashed(w.eigen, d.address, d.operator, sc);
      let toBurn: bigint | null = slashed ? null : (loss * (S0 + 1n) + A0) / (A0 + 1n);
      const prefix = `${rec.id}|${d.address}|`;
      const bonds = [...w.lrt.bonds.entries()]
        .filter(([k]) => k.startsWith(prefix))
        .sort(([a], [b2]) => (a < b2 ? -1 : a > b2 ? 1 : 0));
      for (const [, shares] of bonds) {
        if (toBurn !== null && toBurn === 0n) break;
        const x = toBurn === null ? shares : min(shares, toBurn);
        if (x === 0n) continue;
        if (toBurn !== null) toBurn -= x;
        burned += x;
      }
    }
  }
  const locked = b.lockedEth + gains - losses;
  const lockedEth = locked > 0n ? locked : 0n;
  const unvestedAfter = gains > 0n ? (rec.params.vestingWindowSeconds === 0n ? 0n : unvested + gains) : unvested;
  const a1 = pool + lockedEth - unvestedAfter;
  const A = a1 > 0n ? a1 : 0n;
  detail.after = A;
  detail.bondSharesBurned = burned;
  return { kind: "puffer", A, S: S0 - burned };
}

/** puffer.wasSlashed under a scenario: the operator's max magnitude below 1 in a strategy the module holds, or its beacon factor below 1. */
function pufferSlashed(s: EigenState, delegator: Address, operator: Address, sc: Scenario): boolean {
  if (dm.beaconChainSlashingFactor(s, delegator) < WAD) return true;
  return cviews.stakerStrategies(s, delegator).some((st) => maxMagnitudeUnder(s, operator, st, sc) < WAD);
}
