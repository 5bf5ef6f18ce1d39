import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { storedSubmissions } from "../../src/core/eigenlayer/rewardsCoordinator.ts";
import type { Address } from "../../src/core/eigenlayer/state.ts";
import type { PayoutRow } from "../../src/rewards/calculate.ts";
import { DAY } from "../../src/rewards/time.ts";
import {
  compare,
  RATE_DECIMALS,
  type Ratio,
  type StakeDay,
  type TokenPrice,
  type YieldInput,
  type YieldReport,
  yieldReport,
} from "../../src/rewards/yield.ts";
import { operatorRows, stakerRows } from "../../src/rewards/yieldSources.ts";
import { ADMIN, addr, day, RewardsChain, WAD } from "./harness.ts";

/**
 * Properties of the yield report on random inputs:
 *  - APR (and APY, and the ETH totals) never decrease when a reward grows;
 *  - points never change anything in `yield` nor the daily series, whatever their amounts;
 *  - APY ≥ APR (daily compounding of a non-negative rate), and gross APR = net APR + commission APR up to the
 *    truncation of the printed decimals;
 * and of the commission on the real calculation, with a random default split and random stakes (v1 AVS rewards):
 *  - each staker's commission on each day is exactly ⌊payout · split / 10000⌋ of its 0 %-split payout, and the
 *    stakers' commissions add up to the operator's rows.
 */

const T0 = 1_767_225_600n;
const d = (n: number) => T0 + BigInt(n) * DAY;
const a = (prefix: string) => `0x${prefix.padEnd(40, "0")}` as Address;
const STK = a("a1");
const STRATEGY = a("b1");
const RWD = a("c1");
const RWD2 = a("c2");
const PTS = a("d1");
const DAYS = 10;

const amount = fc.bigInt({ min: 0n, max: 10n ** 24n });
const priceArb = fc
  .tuple(fc.bigInt({ min: 0n, max: 10n ** 6n }), fc.bigInt({ min: 1n, max: 10n ** 6n }))
  .map(([n, q]): TokenPrice => ({ ethPerToken: { num: n, den: q }, decimals: 18 }));
const dayIdx = fc.integer({ min: 0, max: DAYS - 1 });
const rowArb = (tokens: Address[]) =>
  fc.record({ day: dayIdx, token: fc.constantFrom(...tokens), amount, extra: amount }).map((r) => ({
    actual: {
      snapshot: d(r.day),
      earner: a("5a"),
      token: r.token,
      amount: r.amount,
      kind: "staker" as const,
      submission: "s",
    },
    zero: {
      snapshot: d(r.day),
      earner: a("5a"),
      token: r.token,
      amount: r.amount + r.extra,
      kind: "staker" as const,
      submission: "s",
    },
  }));

const inputArb = fc
  .record({
    stake: fc.array(fc.record({ day: dayIdx, amount: fc.bigInt({ min: 0n, max: 10n ** 26n }) }), { maxLength: DAYS }),
    rows: fc.array(rowArb([RWD, RWD2]), { maxLength: 12 }),
    prices: fc.tuple(priceArb, priceArb, priceArb),
    base: fc.bigInt({ min: 0n, max: 1000n }),
  })
  .map(
    ({ stake, rows, prices, base }): YieldInput => ({
      window: { from: d(0), to: d(DAYS) },
      stake: stake.map(
        (s): StakeDay => ({ day: d(s.day), holdings: [{ strategy: STRATEGY, token: STK, amount: s.amount }] }),
      ),
      rows: rows.map((r) => r.actual),
      rowsAtZeroSplit: rows.map((r) => r.zero),
      prices: new Map([
        [STK, prices[0]],
        [RWD, prices[1]],
        [RWD2, prices[2]],
      ]),
      baseRates: new Map([[STRATEGY, { num: base, den: 10_000n }]]),
      points: new Set(),
    }),
  );

/** a printed rate (RATE_DECIMALS decimals, any size) as an exact fraction */
const dec = (text: string): Ratio => ({ num: BigInt(text.replace(".", "")), den: 10n ** BigInt(RATE_DECIMALS) });
const rate = (text: string | null) => (text === null ? null : dec(text));
function notBelow(x: string | null, y: string | null): boolean {
  const rx = rate(x);
  const ry = rate(y);
  if (rx === null || ry === null) return rx === ry;
  return compare(rx, ry) >= 0;
}

describe("yield report properties", () => {
  it("APR, APY and the ETH amounts are monotone in the rewards", () => {
    fc.assert(
      fc.property(inputArb, rowArb([RWD, RWD2]), (input, more) => {
        const before = yieldReport(input);
        const after = yieldReport({
          ...input,
          rows: [...input.rows, more.actual],
          rowsAtZeroSplit: [...input.rowsAtZeroSplit, { ...more.zero, amount: more.actual.amount }],
        });
        const [b, x] = [before.yield, after.yield];
        expect(x.avsRewards.eth >= b.avsRewards.eth).toBe(true);
        expect(x.total.eth >= b.total.eth).toBe(true);
        expect(notBelow(x.avsRewards.apr, b.avsRewards.apr)).toBe(true);
        expect(notBelow(x.avsRewards.apy, b.avsRewards.apy)).toBe(true);
        expect(notBelow(x.total.apr, b.total.apr)).toBe(true);
        expect(notBelow(x.total.apy, b.total.apy)).toBe(true);
        // the extra row was paid at a 0 % split too: the commission does not move
        expect(x.avsRewards.commissionApr).toBe(b.avsRewards.commissionApr);
      }),
      { numRuns: 200 },
    );
  });

  it("points never change the yield, whatever their amounts", () => {
    fc.assert(
      fc.property(inputArb, fc.array(rowArb([PTS]), { minLength: 1, maxLength: 8 }), (input, pts) => {
        const without = yieldReport(input);
        const withPoints = yieldReport({
          ...input,
          rows: [...input.rows, ...pts.map((p) => p.actual)],
          rowsAtZeroSplit: [...input.rowsAtZeroSplit, ...pts.map((p) => p.zero)],
          points: new Set([PTS]),
        });
        expect(withPoints.yield).toEqual(without.yield);
        expect(withPoints.daily).toEqual(without.daily);
        expect(withPoints.stake).toEqual(without.stake);
        const total = pts.reduce((s, p) => s + p.actual.amount, 0n);
        expect(withPoints.points.byToken.reduce((s, t) => s + t.amount, 0n)).toBe(total);
        // nothing in the points section is an ETH value or a rate
        for (const t of withPoints.points.byToken) {
          expect(Object.keys(t).sort()).toEqual(["amount", "amountAtZeroSplit", "commission", "daily", "token"]);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("APY ≥ APR; gross APR = net APR + commission APR up to the printed precision", () => {
    const ulp = { num: 2n, den: 10n ** BigInt(RATE_DECIMALS) };
    fc.assert(
      fc.property(inputArb, (input) => {
        const r: YieldReport = yieldReport(input);
        for (const part of [r.yield.base, r.yield.avsRewards, r.yield.total]) {
          expect(notBelow(part.apy, part.apr)).toBe(true);
        }
        const { grossApr, apr, commissionApr } = r.yield.avsRewards;
        if (grossApr === null) return;
        const sum = dec(apr!);
        const gross = dec(grossApr);
        const lo = { num: gross.num * ulp.den - ulp.num * gross.den, den: gross.den * ulp.den };
        const c = dec(commissionApr!);
        const total = { num: sum.num * c.den + c.num * sum.den, den: sum.den * c.den };
        expect(compare(total, gross) <= 0 && compare(total, lo) >= 0).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe("commission on the real calculation", () => {
  const TOKEN = addr("a1");
  const STRAT = addr("b1");
  const REWARD = addr("c1");
  const AVS = addr("ad");
  const OP = addr("0e", 1);
  const STAKERS = [1, 2, 3, 4].map((i) => addr("5a", i));

  it("per staker and day: ⌊payout · split / 10000⌋, adding up to the operator's rows", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.array(fc.bigInt({ min: 1n, max: 10n ** 22n }), { minLength: 1, maxLength: 4 }),
        fc.bigInt({ min: 1n, max: 10n ** 24n }),
        (split, stakes, amount) => {
          const c = new RewardsChain({ defaultOperatorSplitBips: BigInt(split) });
          c.at(day(0, 1));
          c.token(TOKEN, STRAT);
          c.run(ADMIN, { type: "createToken", token: REWARD, symbol: "RWD", decimals: 18 });
          c.operatorSet(AVS, 1n, [STRAT]);
          c.operator(OP);
          c.register(OP, AVS, 1n);
          stakes.forEach((s, i) => {
            c.deposit(STAKERS[i]!, STRAT, s);
            c.run(STAKERS[i]!, { type: "delegateTo", operator: OP });
          });
          c.submit("avs", {
            avs: AVS,
            strategies: [[STRAT, WAD]],
            token: REWARD,
            amount,
            start: day(1),
            duration: 2n * DAY,
          });
          c.at(day(4));
          c.snap.finish(c.s, day(4));
          const input = { snapshots: c.snap, submissions: storedSubmissions(c.s), cutoff: day(4) };
          const perDay = new Map<bigint, bigint>();
          stakes.forEach((_, i) => {
            const { rows, rowsAtZeroSplit } = stakerRows(input, STAKERS[i]!);
            const paid = new Map(rows.map((r: PayoutRow) => [r.snapshot, r.amount]));
            for (const z of rowsAtZeroSplit) {
              const commission = (z.amount * BigInt(split)) / 10_000n;
              expect(paid.get(z.snapshot) ?? 0n).toBe(z.amount - commission);
              perDay.set(z.snapshot, (perDay.get(z.snapshot) ?? 0n) + commission);
            }
          });
          const own = operatorRows(input, OP).operatorRows;
          expect(new Map(own.map((r) => [r.snapshot, r.amount]))).toEqual(
            new Map([...perDay].filter(([, v]) => v > 0n)),
          );
        },
      ),
      { numRuns: 25 },
    );
  });
});
