import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { EigenCommand } from "../../src/core/eigenlayer/commands.ts";
import { buildDistribution } from "../../src/core/eigenlayer/merkle.ts";
import { storedSubmissions } from "../../src/core/eigenlayer/rewardsCoordinator.ts";
import type { Address, SubmissionKind } from "../../src/core/eigenlayer/state.ts";
import { isProtocolError } from "../../src/core/shared/errors.ts";
import { type CalculationResult, calculateRewards } from "../../src/rewards/calculate.ts";
import { distributionRoot } from "../../src/rewards/run.ts";
import { DAY, floorDay } from "../../src/rewards/time.ts";
import { ADMIN, addr, day, HOUR, RewardsChain, WAD } from "./harness.ts";

/**
 * Random histories over a small world (2 strategies, 3 operators, 2 AVSs with one set each, 5 stakers), every kind
 * of rewards submission mixed in; the calculation then runs at several cutoffs. Properties:
 *  - no submission ever pays out (stakers + operators + refunds) more than was submitted;
 *  - no earner's cumulative amount of any token decreases as the cutoff advances.
 * (The calculation itself also asserts Σ payouts ≤ tokens_per_day for every submission and snapshot.)
 */

const S1 = addr("b1", 1);
const S2 = addr("b1", 2);
const T1 = addr("a1", 1);
const T2 = addr("a1", 2);
const REWARD = addr("c1");
const OPS = [1, 2, 3].map((i) => addr("0e", i));
const AVSS = [1, 2].map((i) => addr("ad", i));
const STAKERS = [1, 2, 3, 4, 5].map((i) => addr("5a", i));
/** set 1 of AVS 0 holds S1; set 1 of AVS 1 holds S1 and S2 */
const SET_STRATEGIES = [[S1], [S1, S2]];
const KINDS: SubmissionKind[] = [
  "avs",
  "forAll",
  "forAllEarners",
  "operatorDirectedAVS",
  "operatorDirectedOperatorSet",
  "uniqueStake",
  "totalStake",
];

type Action =
  | { t: "deposit"; staker: number; strategy: number; amount: number }
  | { t: "delegate"; staker: number; op: number }
  | { t: "undelegate"; staker: number }
  | { t: "queue"; staker: number; strategy: number; percent: number }
  | { t: "complete"; staker: number }
  | { t: "register"; op: number; avs: number }
  | { t: "deregister"; op: number; avs: number }
  | { t: "allocate"; op: number; avs: number; percent: number }
  | { t: "slash"; op: number; avs: number; percent: number }
  | { t: "split"; op: number; avs: number; bips: number; which: number }
  | { t: "submit"; kind: number; avs: number; amount: number; offset: number; days: number; mult: number }
  | { t: "wait"; hours: number };

const idx = (n: number) => fc.integer({ min: 0, max: n - 1 });
/** a weighted alternative of fc.oneof */
const w = <T extends Action>(weight: number, arbitrary: fc.Arbitrary<T>) => ({
  weight,
  arbitrary: arbitrary as fc.Arbitrary<Action>,
});
const pct = (min: number, max: number) => fc.integer({ min, max });
const action: fc.Arbitrary<Action> = fc.oneof(
  w(1, fc.record({ t: fc.constant("deposit" as const), staker: idx(5), strategy: idx(2), amount: pct(1, 50) })),
  w(1, fc.record({ t: fc.constant("delegate" as const), staker: idx(5), op: idx(3) })),
  w(1, fc.record({ t: fc.constant("undelegate" as const), staker: idx(5) })),
  w(1, fc.record({ t: fc.constant("queue" as const), staker: idx(5), strategy: idx(2), percent: pct(1, 100) })),
  w(1, fc.record({ t: fc.constant("complete" as const), staker: idx(5) })),
  w(1, fc.record({ t: fc.constant("register" as const), op: idx(3), avs: idx(2) })),
  w(1, fc.record({ t: fc.constant("deregister" as const), op: idx(3), avs: idx(2) })),
  w(1, fc.record({ t: fc.constant("allocate" as const), op: idx(3), avs: idx(2), percent: pct(0, 50) })),
  w(1, fc.record({ t: fc.constant("slash" as const), op: idx(3), avs: idx(2), percent: pct(1, 100) })),
  w(1, fc.record({ t: fc.constant("split" as const), op: idx(3), avs: idx(2), bips: pct(0, 10_000), which: idx(3) })),
  w(
    4,
    fc.record({
      t: fc.constant("submit" as const),
      kind: idx(KINDS.length),
      avs: idx(2),
      amount: pct(1, 1_000_000_000),
      offset: pct(-3, 2),
      days: pct(1, 4),
      mult: pct(0, 3),
    }),
  ),
  w(3, fc.record({ t: fc.constant("wait" as const), hours: pct(1, 40) })),
);

function world(): RewardsChain {
  const c = new RewardsChain({
    minWithdrawalDelayBlocks: 3600n, // half a day
    deallocationDelayBlocks: 3600n,
    activationDelay: DAY,
    slashResolutionDelayBlocks: 0n,
  });
  c.at(day(0, 1));
  c.token(T1, S1);
  c.token(T2, S2);
  c.run(ADMIN, { type: "createToken", token: REWARD, symbol: "RWD", decimals: 18 });
  for (const op of OPS) c.operator(op);
  AVSS.forEach((avs, i) => {
    c.operatorSet(avs, 1n, SET_STRATEGIES[i]!);
  });
  // a populated start (the random actions then change it): every staker holds both strategies and is delegated,
  // every operator is registered to both sets with 30 % allocated
  STAKERS.forEach((staker, i) => {
    c.deposit(staker, S1, BigInt(i + 1) * WAD);
    c.deposit(staker, S2, BigInt(2 * i + 1) * WAD);
    c.run(staker, { type: "delegateTo", operator: OPS[i % 3]! });
  });
  for (const op of OPS) {
    AVSS.forEach((avs, i) => {
      c.register(op, avs, 1n);
      c.allocate(
        op,
        avs,
        1n,
        SET_STRATEGIES[i]!,
        SET_STRATEGIES[i]!.map(() => (3n * WAD) / 10n),
      );
    });
  }
  return c;
}

/** Runs one action; a revert (ProtocolError) leaves the state as it was and is ignored. */
function perform(c: RewardsChain, a: Action): void {
  const strategies = [S1, S2];
  const tryRun = (caller: Address, command: EigenCommand) => {
    try {
      c.run(caller, command);
    } catch (e) {
      if (!isProtocolError(e)) throw e;
    }
  };
  switch (a.t) {
    case "wait":
      c.at(c.timestamp + BigInt(a.hours) * HOUR);
      return;
    case "deposit": {
      const strategy = strategies[a.strategy]!;
      c.run(ADMIN, {
        type: "mint",
        token: [T1, T2][a.strategy]!,
        to: STAKERS[a.staker]!,
        amount: BigInt(a.amount) * WAD,
      });
      tryRun(STAKERS[a.staker]!, { type: "depositIntoStrategy", strategy, amount: BigInt(a.amount) * WAD });
      return;
    }
    case "delegate":
      tryRun(STAKERS[a.staker]!, { type: "delegateTo", operator: OPS[a.op]! });
      return;
    case "undelegate":
      tryRun(STAKERS[a.staker]!, { type: "undelegate", staker: STAKERS[a.staker]! });
      return;
    case "queue": {
      const staker = STAKERS[a.staker]!;
      const strategy = strategies[a.strategy]!;
      const shares = c.s.depositShares.get(`${staker}|${strategy}`) ?? 0n;
      const x = (shares * BigInt(a.percent)) / 100n;
      if (x > 0n)
        tryRun(staker, { type: "queueWithdrawals", params: [{ strategies: [strategy], depositShares: [x] }] });
      return;
    }
    case "complete": {
      const staker = STAKERS[a.staker]!;
      const root = c.s.stakers.get(staker)?.withdrawalRoots[0];
      if (root !== undefined)
        tryRun(staker, { type: "completeQueuedWithdrawal", withdrawalRoot: root, receiveAsTokens: false });
      return;
    }
    case "register":
      tryRun(OPS[a.op]!, {
        type: "registerForOperatorSets",
        operator: OPS[a.op]!,
        avs: AVSS[a.avs]!,
        operatorSetIds: [1n],
      });
      return;
    case "deregister":
      tryRun(OPS[a.op]!, {
        type: "deregisterFromOperatorSets",
        operator: OPS[a.op]!,
        avs: AVSS[a.avs]!,
        operatorSetIds: [1n],
      });
      return;
    case "allocate":
      tryRun(OPS[a.op]!, {
        type: "modifyAllocations",
        operator: OPS[a.op]!,
        allocations: [
          {
            avs: AVSS[a.avs]!,
            operatorSetId: 1n,
            strategies: SET_STRATEGIES[a.avs]!,
            newMagnitudes: SET_STRATEGIES[a.avs]!.map(() => (WAD * BigInt(a.percent)) / 100n),
          },
        ],
      });
      return;
    case "slash":
      tryRun(AVSS[a.avs]!, {
        type: "slashOperator",
        avs: AVSS[a.avs]!,
        operator: OPS[a.op]!,
        operatorSetId: 1n,
        strategies: [S1],
        wadsToSlash: [(WAD * BigInt(a.percent)) / 100n],
      });
      return;
    case "split": {
      const operator = OPS[a.op]!;
      const split = BigInt(a.bips);
      const avs = AVSS[a.avs]!;
      tryRun(
        operator,
        a.which === 0
          ? { type: "setOperatorAVSSplit", operator, avs, split }
          : a.which === 1
            ? { type: "setOperatorSetSplit", operator, avs, operatorSetId: 1n, split }
            : { type: "setOperatorPISplit", operator, split },
      );
      return;
    }
    case "submit": {
      const kind = KINDS[a.kind]!;
      const today = floorDay(c.timestamp);
      const duration = BigInt(a.days) * DAY;
      const od = kind === "operatorDirectedAVS" || kind === "operatorDirectedOperatorSet";
      // operator-directed submissions are strictly retroactive; the others may start up to 3 days back or 2 ahead
      const start = od ? today - duration - BigInt(Math.abs(a.offset)) * DAY : today + BigInt(a.offset) * DAY;
      if (start < day(0)) return;
      const strategies: [Address, bigint][] = [
        [S1, BigInt(a.mult) * WAD],
        [S2, WAD],
      ];
      try {
        c.submit(kind, {
          avs: AVSS[a.avs]!,
          strategies,
          token: REWARD,
          amount: BigInt(a.amount),
          operatorRewards: [
            [OPS[0]!, BigInt(a.amount)],
            [OPS[2]!, BigInt(a.amount) / 3n + 1n],
          ],
          start,
          duration,
        });
      } catch (e) {
        if (!isProtocolError(e)) throw e;
      }
      return;
    }
  }
}

function check(c: RewardsChain): { runs: CalculationResult[] } {
  const last = floorDay(c.timestamp);
  const cutoffs: bigint[] = [];
  for (let d = day(1); d <= last; d += DAY) cutoffs.push(d);
  c.snap.finish(c.s, last);
  const subs = storedSubmissions(c.s);
  const runs: CalculationResult[] = [];
  for (const cutoff of cutoffs) {
    const previous = runs.at(-1)?.cumulative;
    // `previous`: the calculation itself throws if any cumulative amount decreased
    runs.push(calculateRewards({ snapshots: c.snap, submissions: subs, cutoff, previous }));
  }
  for (const r of runs) {
    for (const s of r.submissions) {
      expect(s.toStakers + s.toOperators + s.refunded, `submission ${s.hash} (${s.kind})`).toBeLessThanOrEqual(
        s.amount,
      );
    }
  }
  // the root computed without the proofs is buildDistribution's root
  const final = runs.at(-1);
  if (final !== undefined && final.cumulative.size > 0) {
    expect(distributionRoot(final.cumulative)).toBe(buildDistribution(final.cumulative).root);
  }
  for (let i = 1; i < runs.length; i++) {
    for (const [earner, byToken] of runs[i - 1]!.cumulative) {
      for (const [token, amount] of byToken) {
        expect(runs[i]!.cumulative.get(earner)?.get(token) ?? 0n).toBeGreaterThanOrEqual(amount);
      }
    }
  }
  return { runs };
}

describe("rewards properties", () => {
  it("pays at most what was submitted, and cumulative earnings never decrease as the cutoff advances", () => {
    let paidSomething = 0;
    fc.assert(
      fc.property(fc.array(action, { minLength: 10, maxLength: 60 }), (actions) => {
        const c = world();
        for (const a of actions) perform(c, a);
        c.at(floorDay(c.timestamp) + 5n * DAY); // let every submission's period end
        const { runs } = check(c);
        if ((runs.at(-1)?.cumulative.size ?? 0) > 0) paidSomething++;
      }),
      { numRuns: 150, seed: 20_260_101 },
    );
    // the generator is not vacuous: most histories pay someone
    expect(paidSomething).toBeGreaterThan(30);
  });

  it("the same holds on a busier, longer history", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            { weight: 4, arbitrary: action },
            { weight: 1, arbitrary: fc.constant<Action>({ t: "wait", hours: 24 }) },
          ),
          { minLength: 80, maxLength: 160 },
        ),
        (actions) => {
          const c = world();
          for (const a of actions) perform(c, a);
          c.at(floorDay(c.timestamp) + 5n * DAY);
          check(c);
        },
      ),
      { numRuns: 25, seed: 7 },
    );
  });
});
