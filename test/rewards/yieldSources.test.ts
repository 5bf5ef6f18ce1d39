import { describe, expect, it } from "vitest";
import { NATIVE_ETH } from "../../src/core/eigenlayer/eigenPodManager.ts";
import { BEACON_CHAIN_ETH_STRATEGY } from "../../src/core/eigenlayer/params.ts";
import { storedSubmissions } from "../../src/core/eigenlayer/rewardsCoordinator.ts";
import type { Address } from "../../src/core/eigenlayer/state.ts";
import { sharesToUnderlying } from "../../src/core/eigenlayer/strategyManager.ts";
import type { PayoutRow } from "../../src/rewards/calculate.ts";
import { DAY } from "../../src/rewards/time.ts";
import {
  commissionReport,
  parseRatio,
  type TokenPrice,
  type YieldInput,
  type YieldWindow,
  yieldReport,
} from "../../src/rewards/yield.ts";
import {
  operatorRows,
  type RowsInput,
  type ShareValuer,
  stakerRows,
  stakeSeries,
  strategyRates,
  valuerFromRates,
  withoutSplits,
} from "../../src/rewards/yieldSources.ts";
import { ADMIN, addr, day, RewardsChain, WAD } from "./harness.ts";

/**
 * Yield from the real calculation (the harness drives the engine; the calculation runs on its snapshots). Every
 * payout below is worked out by hand with the calculation's formulas (tokens_per_day = amount / days, proportion
 * ⌊w/W · 1e15⌋/1e15, payout ⌊proportion · tokens_per_day⌋, operator ⌊payout · split / 10000⌋), then the yield with
 * yield.ts's: APR(X) = 365 · X / S over the window's stake-days S, APY = (1 + APR/365)^365 − 1.
 * APY references (truncated to 10 decimals): 0.1 → 0.1051557816, 0.09 → 0.0941621449, 0.13 → 0.1388020252.
 */

const TOKEN = addr("a1");
const STRATEGY = addr("b1");
const REWARD = addr("c1");
const PTS = addr("c2");
const AVS = addr("ad");
const OP = addr("0e", 1);
const OP2 = addr("0e", 2);
const ALICE = addr("5a", 1);
const BOB = addr("5a", 2);
const E18 = WAD;

/** A submission starting on day 1 for 2 days pays on the snapshots of days 2 and 3. */
const WINDOW: YieldWindow = { from: day(2), to: day(4) };
const CUTOFF = day(4);

function chain(split?: bigint): RewardsChain {
  const c = new RewardsChain({
    minWithdrawalDelayBlocks: 14_400n,
    ...(split === undefined ? {} : { defaultOperatorSplitBips: split }),
  });
  c.at(day(0, 1));
  c.token(TOKEN, STRATEGY);
  c.run(ADMIN, { type: "createToken", token: REWARD, symbol: "RWD", decimals: 18 });
  c.run(ADMIN, { type: "createToken", token: PTS, symbol: "PTS", decimals: 18 });
  c.operatorSet(AVS, 1n, [STRATEGY]);
  for (const op of [OP, OP2]) {
    c.operator(op);
    c.register(op, AVS, 1n);
  }
  return c;
}

function stakeIn(c: RewardsChain, staker: Address, amount: bigint, operator: Address): void {
  c.deposit(staker, STRATEGY, amount);
  c.run(staker, { type: "delegateTo", operator });
}

function avsRewards(c: RewardsChain, token: Address, amount: bigint): void {
  c.submit("avs", { avs: AVS, strategies: [[STRATEGY, WAD]], token, amount, start: day(1), duration: 2n * DAY });
}

/** Finishes the snapshots at the cutoff; the strategy's rate is 1 (no donations), read from the engine. */
function finish(c: RewardsChain): { rows: RowsInput; value: ShareValuer } {
  c.at(CUTOFF);
  c.snap.finish(c.s, CUTOFF);
  const rates = strategyRates(c.s);
  const value: ShareValuer = (_day, strategy, shares) => {
    const r = rates.get(strategy)!;
    return { strategy, token: r.token, amount: (shares * r.num) / r.den };
  };
  return { rows: { snapshots: c.snap, submissions: storedSubmissions(c.s), cutoff: CUTOFF }, value };
}

const price = (text: string): TokenPrice => ({ ethPerToken: parseRatio(text), decimals: 18 });
const PRICES = new Map([
  [TOKEN, price("1")],
  [REWARD, price("1")],
]);

function stakerYield(c: RewardsChain, staker: Address, over: Partial<YieldInput> = {}) {
  const { rows, value } = finish(c);
  return yieldReport({
    window: WINDOW,
    ...stakerRows(rows, staker),
    stake: stakeSeries(rows.snapshots, { staker }, WINDOW, value),
    prices: PRICES,
    baseRates: new Map(),
    points: new Set(),
    ...over,
  });
}

const amounts = (rows: PayoutRow[]) => rows.map((r) => [r.snapshot, r.earner, r.token, r.amount]);
/** (snapshot, earner, amount), ordered by snapshot then earner (the calculation's order is not meaningful) */
const byDay = (rows: PayoutRow[]) =>
  rows
    .map((r) => [r.snapshot, r.earner, r.amount] as const)
    .sort((x, y) => (x[0] !== y[0] ? (x[0] < y[0] ? -1 : 1) : x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0));

describe("yield from the calculation: hand-computed", () => {
  it("one staker at a 0 % split: 3650 ETH staked, 1 ETH of rewards a day, 3 % base", () => {
    const c = chain(0n);
    stakeIn(c, ALICE, 3650n * E18, OP);
    avsRewards(c, REWARD, 2n * E18); // tokens_per_day = 1e18; Alice's proportion is 1
    const { rows, value } = finish(c);
    const mine = stakerRows(rows, ALICE);
    expect(amounts(mine.rows)).toEqual([
      [day(2), ALICE, REWARD, E18],
      [day(3), ALICE, REWARD, E18],
    ]);
    expect(mine.rowsAtZeroSplit).toEqual(mine.rows);
    const stake = stakeSeries(rows.snapshots, { staker: ALICE }, { from: day(0), to: day(4) }, value);
    // the deposit (day 0) counts from snapshot day 1 (changes are rounded up)
    expect(stake.map((d) => d.holdings)).toEqual([
      [],
      [{ strategy: STRATEGY, token: TOKEN, amount: 3650n * E18 }],
      [{ strategy: STRATEGY, token: TOKEN, amount: 3650n * E18 }],
      [{ strategy: STRATEGY, token: TOKEN, amount: 3650n * E18 }],
    ]);
    // S = 2 · 3650; R = 2 → APR 0.1; B = 2 · 3650 · 0.03 / 365 = 0.6 → total 2.6, APR 0.13
    const r = stakerYield(c, ALICE, { baseRates: new Map([[STRATEGY, parseRatio("0.03")]]) });
    expect(r.yield.avsRewards).toMatchObject({ eth: 2n * E18, apr: "0.1000000000", apy: "0.1051557816" });
    expect(r.yield.avsRewards).toMatchObject({ commissionEth: 0n, commissionApr: "0.0000000000" });
    expect(r.yield.base).toMatchObject({ eth: (6n * E18) / 10n, apr: "0.0300000000" });
    expect(r.yield.total).toEqual({ eth: (26n * E18) / 10n, apr: "0.1300000000", apy: "0.1388020252" });
  });

  it("an operator with a 10 % split: the staker's commission, the pool's yield and the operator's commission", () => {
    const c = chain(); // default split 1000 = 10 %
    stakeIn(c, ALICE, 3650n * E18, OP);
    stakeIn(c, BOB, 10_950n * E18, OP);
    avsRewards(c, REWARD, 8n * E18);
    // tokens_per_day 4e18; Alice 1/4 → payout 1e18, operator 0.1e18, Alice 0.9e18; Bob 3/4 → 3e18, 0.3e18, 2.7e18
    const a = stakerYield(c, ALICE);
    expect(a.yield.avsRewards).toMatchObject({
      eth: (18n * E18) / 10n,
      apr: "0.0900000000", // 365 · 1.8 / (2 · 3650)
      apy: "0.0941621449",
      grossEth: 2n * E18, // at 0 %: 1e18 a day
      grossApr: "0.1000000000",
      commissionEth: (2n * E18) / 10n,
      commissionApr: "0.0100000000",
    });
    const { rows, value } = finish(c);
    const pool = operatorRows(rows, OP);
    expect(byDay(pool.poolRows)).toEqual([
      [day(2), ALICE, (9n * E18) / 10n],
      [day(2), BOB, (27n * E18) / 10n],
      [day(3), ALICE, (9n * E18) / 10n],
      [day(3), BOB, (27n * E18) / 10n],
    ]);
    expect(amounts(pool.operatorRows)).toEqual([
      [day(2), OP, REWARD, (4n * E18) / 10n],
      [day(3), OP, REWARD, (4n * E18) / 10n],
    ]);
    const stake = stakeSeries(rows.snapshots, { operator: OP }, WINDOW, value);
    const report = yieldReport({
      window: WINDOW,
      rows: pool.poolRows,
      rowsAtZeroSplit: pool.poolRowsAtZeroSplit,
      stake,
      prices: PRICES,
      baseRates: new Map(),
      points: new Set(),
    });
    // pool: 14,600 ETH; gross 4 a day (APR 0.1), net 3.6 (0.09), commission 0.4 (0.01)
    expect(report.stake.averageEth).toBe(14_600n * E18);
    expect(report.yield.avsRewards).toMatchObject({
      eth: (72n * E18) / 10n,
      apr: "0.0900000000",
      grossEth: 8n * E18,
      grossApr: "0.1000000000",
      commissionEth: (8n * E18) / 10n,
      commissionApr: "0.0100000000",
    });
    const earned = commissionReport({
      window: WINDOW,
      prices: PRICES,
      points: new Set(),
      stake,
      operatorRows: pool.operatorRows,
    });
    expect(earned).toMatchObject({ eth: (8n * E18) / 10n, aprOnDelegatedStake: "0.0100000000" });
  });

  it("a points token: excluded from yield, reported per day with the commission taken in points", () => {
    const c = chain();
    stakeIn(c, ALICE, 3650n * E18, OP);
    stakeIn(c, BOB, 10_950n * E18, OP);
    avsRewards(c, REWARD, 8n * E18);
    avsRewards(c, PTS, 1000n * E18); // 500 a day: Alice 125 → 12.5 to the operator, 112.5 to Alice
    const withPoints = stakerYield(c, ALICE, { points: new Set([PTS]) });
    const cashOnly = stakerYield(
      (() => {
        const d = chain();
        stakeIn(d, ALICE, 3650n * E18, OP);
        stakeIn(d, BOB, 10_950n * E18, OP);
        avsRewards(d, REWARD, 8n * E18);
        return d;
      })(),
      ALICE,
    );
    expect(withPoints.yield).toEqual(cashOnly.yield);
    expect(withPoints.points.byToken).toEqual([
      {
        token: PTS,
        amount: 225n * E18,
        amountAtZeroSplit: 250n * E18,
        commission: 25n * E18,
        daily: [
          { day: day(2), amount: (1125n * E18) / 10n },
          { day: day(3), amount: (1125n * E18) / 10n },
        ],
      },
    ]);
    // unlisted and unpriced: refused
    expect(() => stakerYield(c, ALICE)).toThrow(expect.objectContaining({ code: "MissingPrice" }));
    // the operator's points commission: 50 a day, apart from its cash commission
    const { rows, value } = finish(c);
    const pool = operatorRows(rows, OP);
    const earned = commissionReport({
      window: WINDOW,
      prices: PRICES,
      points: new Set([PTS]),
      stake: stakeSeries(rows.snapshots, { operator: OP }, WINDOW, value),
      operatorRows: pool.operatorRows,
    });
    expect(earned.eth).toBe((8n * E18) / 10n);
    expect(earned.points).toEqual([
      {
        token: PTS,
        amount: 100n * E18,
        daily: [
          { day: day(2), amount: 50n * E18 },
          { day: day(3), amount: 50n * E18 },
        ],
      },
    ]);
  });

  it("a price input changes the ETH value and the rates", () => {
    const c = chain();
    stakeIn(c, ALICE, 3650n * E18, OP);
    stakeIn(c, BOB, 10_950n * E18, OP);
    avsRewards(c, REWARD, 8n * E18);
    const prices = new Map([
      [TOKEN, price("1")],
      [REWARD, price("0.5")],
    ]);
    const r = stakerYield(c, ALICE, { prices });
    // R = 1.8 RWD · 0.5 = 0.9 ETH → APR 0.045; commission 0.2 RWD = 0.1 ETH → 0.005
    expect(r.yield.avsRewards).toMatchObject({
      eth: (9n * E18) / 10n,
      apr: "0.0450000000",
      commissionEth: E18 / 10n,
      commissionApr: "0.0050000000",
    });
    expect(r.yield.avsRewards.byToken[0]).toMatchObject({ amount: (18n * E18) / 10n, ethPerToken: "0.5" });
  });

  it("a staker with two positions (a queued withdrawal still counted with its old operator) is attributed exactly", () => {
    const c = chain();
    stakeIn(c, ALICE, 1000n * E18, OP);
    stakeIn(c, BOB, 2000n * E18, OP2);
    avsRewards(c, REWARD, 8000n * E18); // 4000 a day
    // day 1, 01:00: Alice moves to OP2 (her 1000 are queued from OP for 2 days) and deposits 1000 more with OP2
    c.at(day(1, 1));
    c.run(ALICE, { type: "redelegate", operator: OP2 });
    c.deposit(ALICE, STRATEGY, 1000n * E18);
    const { rows, value } = finish(c);
    // snapshots 2 and 3: (Alice, OP) 1000 queued, (Alice, OP2) 1000, (Bob, OP2) 2000 → 1/4, 1/4, 1/2 of 4000
    // payouts 1000, 1000, 2000; operators take 100, 100, 200
    const alice = stakerRows(rows, ALICE);
    expect(alice.rows.reduce((s, r) => s + r.amount, 0n)).toBe(2n * 1800n * E18);
    const one = operatorRows(rows, OP);
    const two = operatorRows(rows, OP2);
    expect(byDay(one.poolRows)).toEqual([
      [day(2), ALICE, 900n * E18],
      [day(3), ALICE, 900n * E18],
    ]);
    expect(byDay(two.poolRows)).toEqual([
      [day(2), ALICE, 900n * E18],
      [day(2), BOB, 1800n * E18],
      [day(3), ALICE, 900n * E18],
      [day(3), BOB, 1800n * E18],
    ]);
    expect(one.poolRowsAtZeroSplit.map((r) => r.amount)).toEqual([1000n * E18, 1000n * E18]);
    expect(amounts(one.operatorRows)).toEqual([
      [day(2), OP, REWARD, 100n * E18],
      [day(3), OP, REWARD, 100n * E18],
    ]);
    expect(amounts(two.operatorRows)).toEqual([
      [day(2), OP2, REWARD, 300n * E18],
      [day(3), OP2, REWARD, 300n * E18],
    ]);
    // stake: Alice 2000 in total; OP's pool 1000 (the queued withdrawal); OP2's 3000
    const total = (s: ReturnType<typeof stakeSeries>) => s.map((d) => d.holdings.reduce((x, h) => x + h.amount, 0n));
    expect(total(stakeSeries(rows.snapshots, { staker: ALICE }, WINDOW, value))).toEqual([2000n * E18, 2000n * E18]);
    expect(total(stakeSeries(rows.snapshots, { operator: OP }, WINDOW, value))).toEqual([1000n * E18, 1000n * E18]);
    expect(total(stakeSeries(rows.snapshots, { operator: OP2 }, WINDOW, value))).toEqual([3000n * E18, 3000n * E18]);
    // unknown subjects hold nothing
    expect(stakeSeries(rows.snapshots, { staker: addr("99") }, WINDOW, value).map((d) => d.holdings)).toEqual([[], []]);
  });

  it("rewards for all reach the staker but not the operator's pool; the derived views leave the snapshots alone", () => {
    const c = chain();
    stakeIn(c, ALICE, 1000n * E18, OP);
    c.submit("forAll", {
      strategies: [[STRATEGY, WAD]],
      token: REWARD,
      amount: 200n * E18,
      start: day(1),
      duration: 2n * DAY,
    });
    const { rows } = finish(c);
    const splitsBefore = rows.snapshots.boundaries.map((b) => b.splits);
    expect(amounts(stakerRows(rows, ALICE).rows)).toEqual([
      [day(2), ALICE, REWARD, 100n * E18],
      [day(3), ALICE, REWARD, 100n * E18],
    ]);
    const pool = operatorRows(rows, OP);
    expect(pool.poolRows).toEqual([]);
    expect(pool.operatorRows).toEqual([]);
    withoutSplits(rows.snapshots);
    expect(rows.snapshots.boundaries.map((b) => b.splits)).toEqual(splitsBefore);
    expect(rows.snapshots.stakers.size).toBe(1);
  });

  it("values shares with the exchange rate recorded for the day, as the strategy computes it", () => {
    const c = chain();
    stakeIn(c, ALICE, 1000n * E18, OP);
    // a donation to the strategy: 1 share is now worth (1100e18 + 1000) / (1000e18 + 1000) tokens
    c.run(ADMIN, { type: "mint", token: TOKEN, to: STRATEGY, amount: 100n * E18 });
    const value = valuerFromRates(new Map([[day(1), strategyRates(c.s)]]));
    for (const shares of [1n, 999n, 1000n * E18, 123_456_789n * E18 + 7n]) {
      expect(value(day(1), STRATEGY, shares)).toEqual({
        strategy: STRATEGY,
        token: TOKEN,
        amount: sharesToUnderlying(c.s, STRATEGY, shares),
      });
    }
    expect(value(day(1), BEACON_CHAIN_ETH_STRATEGY, 5n)).toEqual({
      strategy: BEACON_CHAIN_ETH_STRATEGY,
      token: NATIVE_ETH,
      amount: 5n,
    });
    expect(() => value(day(2), STRATEGY, 1n)).toThrow(/no exchange rate/);
  });
});
