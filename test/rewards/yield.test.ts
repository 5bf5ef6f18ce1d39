import { describe, expect, it } from "vitest";
import type { Address } from "../../src/core/eigenlayer/state.ts";
import type { PayoutRow } from "../../src/rewards/calculate.ts";
import { DAY } from "../../src/rewards/time.ts";
import {
  apy,
  commissionReport,
  ETH_TOKEN,
  formatDecimal,
  formatExact,
  parseRatio,
  type Ratio,
  ratio,
  type StakeDay,
  type TokenPrice,
  type YieldInput,
  YieldInputError,
  yieldReport,
} from "../../src/rewards/yield.ts";

/**
 * yield.ts on inputs written by hand (no calculation involved): every expected number is worked out in the comments
 * from the formulas of yield.ts:
 *   S = Σ_d V_d (stake-days in ETH), APR(X) = 365 · X / S, APY(X) = (1 + X / S)^365 − 1.
 * Reference APYs, (1 + a/365)^365 − 1 truncated to 10 decimals (exact fractions, checked by the test below):
 *   a = 0.1 → 0.1051557816   a = 0.13 → 0.1388020252   a = 0.03 → 0.0304532636   a = 0.09 → 0.0941621449
 */

const T0 = 1_767_225_600n; // 2026-01-01
const day = (n: number) => T0 + BigInt(n) * DAY;
const WAD = 10n ** 18n;
const a = (prefix: string) => `0x${prefix.padEnd(40, "0")}` as Address;
const STK = a("a1"); // the staked token (18 decimals)
const STRATEGY = a("b1");
const RWD = a("c1");
const PTS = a("d1");
const USDC = a("e1");
const SUB = "0xsub";

const p = (text: string, decimals = 18): TokenPrice => ({ ethPerToken: parseRatio(text), decimals });

function row(d: number, token: Address, amount: bigint, kind: PayoutRow["kind"] = "staker"): PayoutRow {
  return { snapshot: day(d), earner: a("5a"), token, amount, kind, submission: SUB };
}

/** `amount` of STK held through STRATEGY on days first … last */
function stake(amount: bigint, first: number, last: number): StakeDay[] {
  const out: StakeDay[] = [];
  for (let d = first; d <= last; d++) out.push({ day: day(d), holdings: [{ strategy: STRATEGY, token: STK, amount }] });
  return out;
}

function input(over: Partial<YieldInput>): YieldInput {
  return {
    window: { from: day(1), to: day(8) },
    rows: [],
    rowsAtZeroSplit: [],
    stake: stake(3650n * WAD, 1, 7),
    prices: new Map([
      [STK, p("1")],
      [RWD, p("1")],
    ]),
    baseRates: new Map(),
    points: new Set(),
    ...over,
  };
}

describe("fractions", () => {
  it("parses decimals and p/q, formats truncated and exact", () => {
    expect(parseRatio("0.031")).toEqual(ratio(31n, 1000n));
    expect(parseRatio("2")).toEqual(ratio(2n));
    expect(parseRatio("2/6")).toEqual({ num: 1n, den: 3n });
    expect(formatDecimal(ratio(2n, 3n))).toBe("0.6666666666");
    expect(formatDecimal(ratio(5n, 2n), 0)).toBe("2");
    expect(formatExact(ratio(31n, 1000n))).toBe("0.031");
    expect(formatExact(ratio(1n, 3n))).toBe("1/3");
    expect(formatExact(ratio(7n))).toBe("7");
    for (const bad of ["", "-1", "1e3", "1/0", "0x10", "1.", ".5", "1/2/3", "1".repeat(41)]) {
      expect(() => parseRatio(bad), bad).toThrow(YieldInputError);
    }
  });

  it("APY is (1 + APR/365)^365 − 1 exactly", () => {
    // X / S = a / 365: APY(a)
    const cases: [Ratio, string][] = [
      [ratio(1n, 10n), "0.1051557816"],
      [ratio(13n, 100n), "0.1388020252"],
      [ratio(3n, 100n), "0.0304532636"],
      [ratio(9n, 100n), "0.0941621449"],
      [ratio(0n), "0.0000000000"],
    ];
    for (const [rate, expected] of cases) {
      expect(formatDecimal(apy(rate, ratio(365n))!)).toBe(expected);
    }
    expect(apy(ratio(1n), ratio(0n))).toBeNull();
  });
});

describe("yieldReport: hand-computed", () => {
  it("one staker: 3650 ETH of stake, 1 ETH of rewards a day, a 3 % base rate", () => {
    // 7 days (1 … 7); S = 7 · 3650 ETH; R = 7 ETH; APR = 365 · 7 / (7 · 3650) = 0.1
    // B = 7 · 3650 · 0.03 / 365 = 2.1 ETH (0.3 a day); total = 9.1 ETH, APR 0.13
    const rows = [1, 2, 3, 4, 5, 6, 7].map((d) => row(d, RWD, WAD));
    const r = yieldReport(input({ rows, rowsAtZeroSplit: rows, baseRates: new Map([[STRATEGY, parseRatio("0.03")]]) }));
    expect(r.window).toEqual({ from: day(1), to: day(8), days: 7 });
    expect(r.stake.averageEth).toBe(3650n * WAD);
    expect(r.stake.byStrategy).toEqual([
      { strategy: STRATEGY, token: STK, averageAmount: 3650n * WAD, averageEth: 3650n * WAD },
    ]);
    expect(r.yield.avsRewards).toMatchObject({
      eth: 7n * WAD,
      apr: "0.1000000000",
      apy: "0.1051557816",
      grossEth: 7n * WAD,
      commissionEth: 0n,
      commissionApr: "0.0000000000",
    });
    expect(r.yield.base).toMatchObject({ eth: (21n * WAD) / 10n, apr: "0.0300000000", apy: "0.0304532636" });
    expect(r.yield.base.byStrategy).toEqual([
      { strategy: STRATEGY, token: STK, baseApr: "0.03", eth: (21n * WAD) / 10n },
    ]);
    expect(r.yield.total).toEqual({ eth: (91n * WAD) / 10n, apr: "0.1300000000", apy: "0.1388020252" });
    expect(r.daily).toHaveLength(7);
    expect(r.daily[0]).toEqual({
      day: day(1),
      stakeEth: 3650n * WAD,
      baseEth: (3n * WAD) / 10n,
      avsRewardsEth: WAD,
      commissionEth: 0n,
    });
    expect(r.points.byToken).toEqual([]);
  });

  it("a 10 % split: the commission is what a 0 % split would have paid minus what was paid", () => {
    // at 0 %: 1 ETH a day; at 10 %: 0.9 ETH a day → commission 0.1 a day; APRs 0.1 gross, 0.09 net, 0.01 commission
    const rows = [1, 2, 3, 4, 5, 6, 7].map((d) => row(d, RWD, (9n * WAD) / 10n));
    const zero = [1, 2, 3, 4, 5, 6, 7].map((d) => row(d, RWD, WAD));
    const r = yieldReport(input({ rows, rowsAtZeroSplit: zero }));
    expect(r.yield.avsRewards).toMatchObject({
      eth: (63n * WAD) / 10n,
      apr: "0.0900000000",
      apy: "0.0941621449",
      grossEth: 7n * WAD,
      grossApr: "0.1000000000",
      commissionEth: (7n * WAD) / 10n,
      commissionApr: "0.0100000000",
    });
    expect(r.yield.avsRewards.byToken).toEqual([
      {
        token: RWD,
        ethPerToken: "1",
        amount: (63n * WAD) / 10n,
        amountAtZeroSplit: 7n * WAD,
        commission: (7n * WAD) / 10n,
        eth: (63n * WAD) / 10n,
        commissionEth: (7n * WAD) / 10n,
      },
    ]);
    expect(r.daily[3]!.commissionEth).toBe(WAD / 10n);
    // the operator's side: 0.4 ETH a day of commission on a 14,600 ETH pool → 365 · 2.8 / (7 · 14600) = 0.01
    const op = commissionReport({
      window: { from: day(1), to: day(8) },
      prices: new Map([
        [STK, p("1")],
        [RWD, p("1")],
      ]),
      points: new Set(),
      stake: stake(14_600n * WAD, 1, 7),
      operatorRows: [0, 1, 2, 3, 4, 5, 6, 7].map((d) => row(d, RWD, (4n * WAD) / 10n, "operator")),
    });
    expect(op).toEqual({
      eth: (28n * WAD) / 10n, // day 0 is outside the window
      aprOnDelegatedStake: "0.0100000000",
      byToken: [{ token: RWD, ethPerToken: "1", amount: (28n * WAD) / 10n, eth: (28n * WAD) / 10n }],
      points: [],
    });
  });

  it("a points token is reported apart and never enters yield", () => {
    const cash = [1, 2, 3, 4, 5, 6, 7].map((d) => row(d, RWD, WAD));
    const pts = [2, 3].map((d) => row(d, PTS, 500n * WAD));
    const ptsZero = [2, 3].map((d) => row(d, PTS, 550n * WAD));
    const without = yieldReport(input({ rows: cash, rowsAtZeroSplit: cash }));
    const withPoints = yieldReport(
      input({ rows: [...cash, ...pts], rowsAtZeroSplit: [...cash, ...ptsZero], points: new Set([PTS]) }),
    );
    expect(withPoints.yield).toEqual(without.yield);
    expect(withPoints.daily).toEqual(without.daily);
    expect(withPoints.points.byToken).toEqual([
      {
        token: PTS,
        amount: 1000n * WAD,
        amountAtZeroSplit: 1100n * WAD,
        commission: 100n * WAD,
        daily: [
          { day: day(2), amount: 500n * WAD },
          { day: day(3), amount: 500n * WAD },
        ],
      },
    ]);
    // an unlisted, unpriced token is refused rather than counted as worthless
    expect(() => yieldReport(input({ rows: [...cash, ...pts] }))).toThrow(
      expect.objectContaining({ code: "MissingPrice", context: { tokens: [PTS] } }),
    );
    // a points token cannot have a price
    const prices = new Map([
      [STK, p("1")],
      [RWD, p("1")],
      [PTS, p("0.001")],
    ]);
    expect(() => yieldReport(input({ rows: pts, prices, points: new Set([PTS]) }))).toThrow(
      expect.objectContaining({ code: "PointsPriced" }),
    );
  });

  it("prices change the ETH value: of the rewards, of the stake, and with the token's decimals", () => {
    const rows = [1, 2, 3, 4, 5, 6, 7].map((d) => row(d, RWD, WAD));
    // RWD at 0.5 ETH: R = 3.5 ETH → APR 0.05
    const half = yieldReport(
      input({
        rows,
        rowsAtZeroSplit: rows,
        prices: new Map([
          [STK, p("1")],
          [RWD, p("1/2")],
        ]),
      }),
    );
    expect(half.yield.avsRewards).toMatchObject({ eth: (35n * WAD) / 10n, apr: "0.0500000000" });
    expect(half.yield.avsRewards.byToken[0]!.ethPerToken).toBe("0.5");
    // STK at 2 ETH: S doubles → APR 0.05 again, and the average stake is 7300 ETH
    const dear = yieldReport(
      input({
        rows,
        rowsAtZeroSplit: rows,
        prices: new Map([
          [STK, p("2")],
          [RWD, p("1")],
        ]),
      }),
    );
    expect(dear.yield.avsRewards.apr).toBe("0.0500000000");
    expect(dear.stake.averageEth).toBe(7300n * WAD);
    // a 6-decimal token at 1/4000 ETH: 4000 tokens (4000e6 units) a day = 1 ETH a day → APR 0.1
    const usdc = [1, 2, 3, 4, 5, 6, 7].map((d) => row(d, USDC, 4000n * 10n ** 6n));
    const r = yieldReport(
      input({
        rows: usdc,
        rowsAtZeroSplit: usdc,
        prices: new Map([
          [STK, p("1")],
          [USDC, p("1/4000", 6)],
        ]),
      }),
    );
    expect(r.yield.avsRewards).toMatchObject({ eth: 7n * WAD, apr: "0.1000000000" });
    // native ETH needs no price
    const eth = [1, 2, 3, 4, 5, 6, 7].map((d) => row(d, ETH_TOKEN, WAD));
    expect(
      yieldReport(input({ rows: eth, rowsAtZeroSplit: eth, prices: new Map([[STK, p("1")]]) })).yield.avsRewards.apr,
    ).toBe("0.1000000000");
  });

  it("the window: rows and stake outside it are ignored, days without stake count as zero stake", () => {
    // rewards on days 1–7, stake on days 1–7; window 0 … 10 (10 days): S = 7 · 3650, R = 7 → APR still 0.1;
    // window 3 … 5 (2 days): R = 2, S = 2 · 3650 → 0.1
    const rows = [1, 2, 3, 4, 5, 6, 7].map((d) => row(d, RWD, WAD));
    const wide = yieldReport(input({ rows, rowsAtZeroSplit: rows, window: { from: day(0), to: day(10) } }));
    expect(wide.yield.avsRewards).toMatchObject({ eth: 7n * WAD, apr: "0.1000000000" });
    expect(wide.stake.averageEth).toBe((7n * 3650n * WAD) / 10n);
    expect(wide.daily.map((d) => d.stakeEth)).toEqual([0n, ...Array(7).fill(3650n * WAD), 0n, 0n]);
    const narrow = yieldReport(input({ rows, rowsAtZeroSplit: rows, window: { from: day(3), to: day(5) } }));
    expect(narrow.yield.avsRewards).toMatchObject({ eth: 2n * WAD, apr: "0.1000000000" });
    // no stake at all: no rate
    const none = yieldReport(input({ rows, rowsAtZeroSplit: rows, stake: [] }));
    expect(none.yield.total).toEqual({ eth: 7n * WAD, apr: null, apy: null });
    // refunds are not earnings
    const refund = yieldReport(input({ rows: [row(2, RWD, WAD, "refund")] }));
    expect(refund.yield.avsRewards.eth).toBe(0n);
    // bad windows
    expect(() => yieldReport(input({ window: { from: day(2), to: day(2) } }))).toThrow(
      expect.objectContaining({ code: "InvalidWindow" }),
    );
    expect(() => yieldReport(input({ window: { from: day(2) + 1n, to: day(3) } }))).toThrow(
      expect.objectContaining({ code: "InvalidWindow" }),
    );
    // a stake token without a price
    expect(() => yieldReport(input({ prices: new Map([[RWD, p("1")]]) }))).toThrow(
      expect.objectContaining({ code: "MissingPrice", context: { tokens: [STK] } }),
    );
  });
});
