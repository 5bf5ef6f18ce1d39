import { describe, expect, it } from "vitest";
import type { PayoutRow } from "../../src/rewards/calculate.ts";
import { DAY } from "../../src/rewards/time.ts";
import { addr, day, earned, RewardsChain, WAD } from "./harness.ts";

/**
 * Hand-computed cases. Every expected amount is worked out below from the formulas of reference §14:
 *   tokens_per_day  = amount / (duration / 86400)
 *   proportion      = ⌊weight / Σweight · 1e15⌋ / 1e15
 *   payout          = ⌊proportion · tokens_per_day⌋
 *   operator_tokens = ⌊payout · split / 10000⌋        (default split 1000 = 10 %)
 *   staker_tokens   = payout − operator_tokens
 * A submission starting at day S with duration N days pays on the snapshots S+1 … S+N.
 */

const E15 = 10n ** 15n;
const TOKEN = addr("a1");
const STRATEGY = addr("b1");
const STRATEGY2 = addr("b2");
const REWARD = addr("c1");
const AVS = addr("ad");
const OP = addr("0e", 1);
const OP2 = addr("0e", 2);
const ALICE = addr("5a", 1);
const BOB = addr("5a", 2);

/** Token, strategy, the AVS's set 1 over STRATEGY, OP registered to it, Alice (1e18) and Bob (2e18) delegated. */
function oneOperatorTwoStakers(params = {}): RewardsChain {
  const c = new RewardsChain({ minWithdrawalDelayBlocks: 14_400n, ...params });
  c.at(day(0, 1));
  c.token(TOKEN, STRATEGY);
  c.run(c.s.params.admin, { type: "createToken", token: REWARD, symbol: "RWD", decimals: 18 });
  c.operator(OP);
  c.operatorSet(AVS, 1n, [STRATEGY]);
  c.register(OP, AVS, 1n);
  c.deposit(ALICE, STRATEGY, 1n * WAD);
  c.deposit(BOB, STRATEGY, 2n * WAD);
  c.run(ALICE, { type: "delegateTo", operator: OP });
  c.run(BOB, { type: "delegateTo", operator: OP });
  return c;
}

describe("v1 AVS rewards", () => {
  it("one operator with two stakers: 1:2 weights, floored proportions, a 10 % operator cut", () => {
    const c = oneOperatorTwoStakers();
    c.submit("avs", {
      avs: AVS,
      strategies: [[STRATEGY, WAD]],
      token: REWARD,
      amount: 1000n,
      start: day(1),
      duration: 2n * DAY,
    });
    c.at(day(4));
    const rows: PayoutRow[] = [];
    const r = c.rewards(day(4), (row) => rows.push(row));

    // tokens_per_day = 1000 / (172800 / 86400) = 500
    const tpd = (1000n * 86_400n) / (2n * 86_400n);
    expect(tpd).toBe(500n);
    // weights: multiplier 1e18 × shares; Alice 1e18·1e18, Bob 1e18·2e18; Σ = 3e36
    const wA = WAD * WAD;
    const wB = WAD * 2n * WAD;
    const W = wA + wB;
    // Alice: proportion ⌊1/3 · 1e15⌋/1e15 = 0.333333333333333; payout ⌊0.333333333333333 · 500⌋ = 166
    const pA = (wA * E15) / W;
    expect(pA).toBe(333_333_333_333_333n);
    const payoutA = (pA * tpd) / E15;
    expect(payoutA).toBe(166n);
    // Bob: ⌊2/3 · 1e15⌋ = 666666666666666 → ⌊333.333333333333⌋ = 333
    const payoutB = (((wB * E15) / W) * tpd) / E15;
    expect(payoutB).toBe(333n);
    // operator: ⌊166 · 1000/10000⌋ = 16 and ⌊333 · 0.1⌋ = 33
    const opA = (payoutA * 1000n) / 10_000n;
    const opB = (payoutB * 1000n) / 10_000n;
    expect([opA, opB]).toEqual([16n, 33n]);
    // two snapshots (day 2 and day 3)
    expect(earned(r, ALICE, REWARD)).toBe(2n * (payoutA - opA)); // 2 · 150 = 300
    expect(earned(r, BOB, REWARD)).toBe(2n * (payoutB - opB)); // 2 · 300 = 600
    expect(earned(r, OP, REWARD)).toBe(2n * (opA + opB)); // 2 · 49 = 98
    expect(r.rewardsCalculationEndTimestamp).toBe(day(3));
    expect(new Set(rows.map((x) => x.snapshot))).toEqual(new Set([day(2), day(3)]));
    expect(r.submissions[0]).toMatchObject({ toStakers: 900n, toOperators: 98n, refunded: 0n, snapshots: 2 });
  });

  it("a cutoff in the middle of the period pays only the snapshots before it", () => {
    const c = oneOperatorTwoStakers();
    c.submit("avs", {
      avs: AVS,
      strategies: [[STRATEGY, WAD]],
      token: REWARD,
      amount: 1000n,
      start: day(1),
      duration: 2n * DAY,
    });
    c.at(day(3));
    const r = c.rewards(day(3)); // snapshots < day 3: only day 2
    expect(earned(r, ALICE, REWARD)).toBe(150n);
    expect(earned(r, BOB, REWARD)).toBe(300n);
    expect(earned(r, OP, REWARD)).toBe(49n);
    expect(r.rewardsCalculationEndTimestamp).toBe(day(2));
  });

  it("an operator-AVS split change mid-period applies from the first snapshot after its activation", () => {
    const c = oneOperatorTwoStakers({ activationDelay: 2n * DAY });
    c.submit("avs", {
      avs: AVS,
      strategies: [[STRATEGY, WAD]],
      token: REWARD,
      amount: 4000n,
      start: day(1),
      duration: 4n * DAY,
    });
    // first setting at day 0 02:00 → 20 % from day 2 02:00 (until then the default, 10 %)
    c.at(day(0, 2));
    c.run(OP, { type: "setOperatorAVSSplit", operator: OP, avs: AVS, split: 2000n });
    // second at day 2 06:00 → 50 % from day 4 06:00; before that the previous split (20 %) stays in force
    c.at(day(2, 6));
    c.run(OP, { type: "setOperatorAVSSplit", operator: OP, avs: AVS, split: 5000n });
    c.at(day(6));
    const r = c.rewards(day(6)); // snapshots 2 … 5

    // a split applies to snapshot d when it activated before d 00:00:
    //   day 2: 10 % (activation day 2 02:00 is not before day 2), days 3 and 4: 20 %, day 5: 50 %
    const splits = [1000n, 2000n, 2000n, 5000n];
    const tpd = (4000n * 86_400n) / (4n * 86_400n); // 1000
    const payoutA = (((WAD * E15) / (3n * WAD)) * tpd) / E15; // 333
    const payoutB = (((2n * WAD * E15) / (3n * WAD)) * tpd) / E15; // 666
    const cut = (x: bigint, split: bigint) => (x * split) / 10_000n;
    let a = 0n;
    let b = 0n;
    let op = 0n;
    for (const split of splits) {
      a += payoutA - cut(payoutA, split); // 300, 267, 267, 167
      b += payoutB - cut(payoutB, split); // 600, 533, 533, 333
      op += cut(payoutA, split) + cut(payoutB, split); // 99, 199, 199, 499
    }
    expect([a, b, op]).toEqual([1001n, 1999n, 996n]);
    expect(earned(r, ALICE, REWARD)).toBe(a);
    expect(earned(r, BOB, REWARD)).toBe(b);
    expect(earned(r, OP, REWARD)).toBe(op);
  });

  it("a staker queuing a withdrawal mid-period is counted until its delay ends", () => {
    // withdrawal delay 14,400 blocks = 2 days at 12 s
    const c = oneOperatorTwoStakers();
    c.submit("avs", {
      avs: AVS,
      strategies: [[STRATEGY, WAD]],
      token: REWARD,
      amount: 6000n,
      start: day(1),
      duration: 6n * DAY,
    });
    c.at(day(3, 1));
    c.run(BOB, { type: "queueWithdrawals", params: [{ strategies: [STRATEGY], depositShares: [2n * WAD] }] });
    // queued at block (3·86400 + 3600)/12 + 1 = 21,901; the delay ends at block 21,901 + 14,400 = 36,301,
    // i.e. at day 5 01:00. Boundaries: day 4 = block 28,801 and day 5 = block 36,001 (still inside: counted),
    // day 6 = block 43,201 (past: not counted).
    const queuedAt = (3n * 86_400n + 3600n) / 12n + 1n;
    expect(c.block).toBe(queuedAt);
    const delayEnd = queuedAt + 14_400n;
    const blockAt = (d: number) => (BigInt(d) * 86_400n) / 12n + 1n;
    expect([blockAt(4) <= delayEnd, blockAt(5) <= delayEnd, blockAt(6) <= delayEnd]).toEqual([true, true, false]);
    c.at(day(8));
    const r = c.rewards(day(8)); // snapshots 2 … 7

    const tpd = (6000n * 86_400n) / (6n * 86_400n); // 1000
    // days 2–5: Alice 1e18, Bob 2e18 (active, then queued)
    const payoutA = (((WAD * E15) / (3n * WAD)) * tpd) / E15; // ⌊0.333333333333333 · 1000⌋ = 333
    const payoutB = (((2n * WAD * E15) / (3n * WAD)) * tpd) / E15; // ⌊0.666666666666666 · 1000⌋ = 666
    expect([payoutA, payoutB]).toEqual([333n, 666n]);
    const cut = (x: bigint) => (x * 1000n) / 10_000n;
    // days 6–7: Alice alone: proportion 1, payout 1000, cut 100
    const alone = tpd;
    expect(earned(r, ALICE, REWARD)).toBe(4n * (payoutA - cut(payoutA)) + 2n * (alone - cut(alone))); // 1200 + 1800
    expect(earned(r, BOB, REWARD)).toBe(4n * (payoutB - cut(payoutB))); // 2400
    expect(earned(r, OP, REWARD)).toBe(4n * (cut(payoutA) + cut(payoutB)) + 2n * cut(alone)); // 396 + 200
  });

  it("registration is rounded up to the next snapshot, deregistration down to the current one", () => {
    const c = new RewardsChain();
    c.at(day(0, 1));
    c.token(TOKEN, STRATEGY);
    c.run(c.s.params.admin, { type: "createToken", token: REWARD, symbol: "RWD", decimals: 18 });
    c.operator(OP);
    c.operatorSet(AVS, 1n, [STRATEGY]);
    c.deposit(ALICE, STRATEGY, WAD);
    c.run(ALICE, { type: "delegateTo", operator: OP });
    c.submit("avs", {
      avs: AVS,
      strategies: [[STRATEGY, WAD]],
      token: REWARD,
      amount: 5000n,
      start: day(0),
      duration: 5n * DAY,
    });
    c.at(day(1, 12));
    c.register(OP, AVS, 1n); // during day 1 → first eligible snapshot: day 2
    c.at(day(3, 12));
    c.deregister(OP, AVS, 1n); // during day 3 → already not eligible on snapshot day 3
    c.at(day(6));
    const rows: PayoutRow[] = [];
    const r = c.rewards(day(6), (row) => rows.push(row));
    // snapshots 1 … 5 exist; only day 2 pays: tokens_per_day 1000, Alice alone → 1000, cut 100
    expect([...new Set(rows.map((x) => x.snapshot))]).toEqual([day(2)]);
    expect(earned(r, ALICE, REWARD)).toBe(900n);
    expect(earned(r, OP, REWARD)).toBe(100n);
  });
});

describe("v2.2 unique and total stake", () => {
  it("unique stake weighs shares by the allocated magnitude, total stake does not", () => {
    const c = new RewardsChain();
    c.at(day(0, 1));
    c.token(TOKEN, STRATEGY);
    c.run(c.s.params.admin, { type: "createToken", token: REWARD, symbol: "RWD", decimals: 18 });
    c.operator(OP);
    c.operator(OP2);
    c.operatorSet(AVS, 1n, [STRATEGY]);
    c.register(OP, AVS, 1n);
    c.register(OP2, AVS, 1n);
    c.allocate(OP, AVS, 1n, [STRATEGY], [WAD / 2n]); // half of OP's stake is allocated
    c.allocate(OP2, AVS, 1n, [STRATEGY], [WAD]); // all of OP2's
    c.deposit(ALICE, STRATEGY, 4n * WAD);
    c.deposit(BOB, STRATEGY, 2n * WAD);
    c.run(ALICE, { type: "delegateTo", operator: OP });
    c.run(BOB, { type: "delegateTo", operator: OP2 });
    const unique = c.submit("uniqueStake", {
      avs: AVS,
      strategies: [[STRATEGY, WAD]],
      token: REWARD,
      amount: 1000n,
      start: day(1),
      duration: DAY,
    });
    const total = c.submit("totalStake", {
      avs: AVS,
      strategies: [[STRATEGY, WAD]],
      token: TOKEN,
      amount: 1000n,
      start: day(1),
      duration: DAY,
    });
    c.at(day(3));
    const r = c.rewards(day(3)); // snapshot day 2 only

    // unique: OP 4e18 · 0.5 = 2e18, OP2 2e18 · 1 = 2e18 → ⌊1000 · 1/2⌋ = 500 each
    const wOp = (4n * WAD * (WAD / 2n)) / WAD;
    const wOp2 = (2n * WAD * WAD) / WAD;
    expect(wOp).toBe(wOp2);
    const shareOp = (1000n * wOp) / (wOp + wOp2);
    expect(shareOp).toBe(500n);
    // operator cut ⌊500 · 0.1⌋ = 50; the only staker takes the rest (proportion 1)
    expect(earned(r, OP, REWARD)).toBe(50n);
    expect(earned(r, ALICE, REWARD)).toBe(450n);
    expect(earned(r, OP2, REWARD)).toBe(50n);
    expect(earned(r, BOB, REWARD)).toBe(450n);
    // total: OP 4e18, OP2 2e18 → ⌊1000 · 4/6⌋ = 666 and ⌊1000 · 2/6⌋ = 333
    const tOp = (1000n * 4n) / 6n;
    const tOp2 = (1000n * 2n) / 6n;
    expect([tOp, tOp2]).toEqual([666n, 333n]);
    expect(earned(r, OP, TOKEN)).toBe((tOp * 1000n) / 10_000n); // 66
    expect(earned(r, ALICE, TOKEN)).toBe(tOp - (tOp * 1000n) / 10_000n); // 600
    expect(earned(r, OP2, TOKEN)).toBe((tOp2 * 1000n) / 10_000n); // 33
    expect(earned(r, BOB, TOKEN)).toBe(tOp2 - (tOp2 * 1000n) / 10_000n); // 300
    expect(r.submissions.find((s) => s.hash === unique.hash)).toMatchObject({ refunded: 0n });
    expect(r.submissions.find((s) => s.hash === total.hash)).toMatchObject({ toStakers: 900n, toOperators: 99n });
  });

  it("an allocation decrease during a day already applies to that day's snapshot; no weight refunds the AVS", () => {
    const c = new RewardsChain({ deallocationDelayBlocks: 0n });
    c.at(day(0, 1));
    c.token(TOKEN, STRATEGY);
    c.run(c.s.params.admin, { type: "createToken", token: REWARD, symbol: "RWD", decimals: 18 });
    c.operator(OP);
    c.operatorSet(AVS, 1n, [STRATEGY]);
    c.register(OP, AVS, 1n);
    c.allocate(OP, AVS, 1n, [STRATEGY], [WAD]);
    c.deposit(ALICE, STRATEGY, WAD);
    c.run(ALICE, { type: "delegateTo", operator: OP });
    c.submit("uniqueStake", {
      avs: AVS,
      strategies: [[STRATEGY, WAD]],
      token: REWARD,
      amount: 3000n,
      start: day(0),
      duration: 3n * DAY,
    });
    c.at(day(2, 6));
    c.allocate(OP, AVS, 1n, [STRATEGY], [0n]); // takes effect at once (deallocation delay 0), during day 2
    c.at(day(4));
    const r = c.rewards(day(4));
    // snapshot 1: full weight → 1000 (cut 100, Alice 900); snapshots 2 and 3: magnitude min(1, 0) = 0 → no weight,
    // ⌊tokens_per_day⌋ = 1000 refunded to the AVS each
    expect(earned(r, ALICE, REWARD)).toBe(900n);
    expect(earned(r, OP, REWARD)).toBe(100n);
    expect(earned(r, AVS, REWARD)).toBe(2000n);
  });
});

describe("v2.1 operator-directed operator-set rewards", () => {
  it("refunds an operator never registered for the set, and the staker part when no strategy is in the set", () => {
    const c = new RewardsChain();
    c.at(day(0, 1));
    c.token(TOKEN, STRATEGY);
    c.token(addr("a2"), STRATEGY2);
    c.run(c.s.params.admin, { type: "createToken", token: REWARD, symbol: "RWD", decimals: 18 });
    c.operator(OP);
    c.operator(OP2); // an operator, but never registered for the set
    c.operatorSet(AVS, 1n, [STRATEGY]);
    c.register(OP, AVS, 1n);
    c.deposit(ALICE, STRATEGY, WAD);
    c.deposit(ALICE, STRATEGY2, WAD);
    c.run(ALICE, { type: "delegateTo", operator: OP });
    c.at(day(4, 1)); // strictly retroactive: the period (day 1 … day 3) has ended
    const od = c.submit("operatorDirectedOperatorSet", {
      avs: AVS,
      strategies: [[STRATEGY, WAD]],
      token: REWARD,
      operatorRewards: [
        [OP, 1000n],
        [OP2, 500n],
      ],
      start: day(1),
      duration: 2n * DAY,
    });
    const outside = c.submit("operatorDirectedOperatorSet", {
      avs: AVS,
      strategies: [[STRATEGY2, WAD]],
      token: TOKEN,
      operatorRewards: [[OP, 1000n]],
      start: day(1),
      duration: 2n * DAY,
    });
    c.at(day(5));
    const r = c.rewards(day(5));
    // OP registered on both snapshots (days 2, 3): ⌊1000 / 2⌋ = 500 each; cut ⌊500 · 0.1⌋ = 50; Alice 450
    const x = 1000n / 2n;
    const cut = (x * 1000n) / 10_000n;
    expect(earned(r, OP, REWARD)).toBe(2n * cut); // 100
    expect(earned(r, ALICE, REWARD)).toBe(2n * (x - cut)); // 900
    // OP2 never registered: ⌊500 / 2 days⌋ = 250 refunded on each snapshot
    expect(earned(r, AVS, REWARD)).toBe(2n * (500n / 2n)); // 500
    expect(r.submissions.find((s) => s.hash === od.hash)).toMatchObject({ refunded: 500n, toOperators: 100n });
    // second submission: STRATEGY2 is not in the set: OP still takes its cut, the stakers' 450 goes back to the AVS
    expect(earned(r, OP, TOKEN)).toBe(2n * cut);
    expect(earned(r, ALICE, TOKEN)).toBe(0n);
    expect(earned(r, AVS, TOKEN)).toBe(2n * (x - cut));
    expect(r.submissions.find((s) => s.hash === outside.hash)).toMatchObject({ refunded: 900n });
  });
});
