import { describe, expect, it } from "vitest";
import {
  decimalsFor,
  depegLines,
  histogramBins,
  liquidationLines,
  lossLines,
  lrtIds,
  queueLines,
  rateVsPrice,
} from "../../web/src/sim/series.ts";
import type { StepRow } from "../../web/src/sim/types.ts";

/** The Simulation page's chart data: a run's rows reshaped into [block, value] lines, and histogram bins. */

const E18 = 10n ** 18n;
const wei = (milli: number) => ((BigInt(milli) * E18) / 1000n).toString();

function row(block: number, lrts: StepRow["lrts"], over: Partial<StepRow> = {}): StepRow {
  return {
    step: 0,
    block,
    lrts,
    losses: { stakers: "0", lrtHolders: "0", lenders: "0" },
    slashed: "0",
    stolen: "0",
    liquidations: 0,
    liquidatedValue: "0",
    badDebt: "0",
    hf: [],
    applied: 0,
    reverted: 0,
    ...over,
  };
}
const lrt = (rate: number, price: number | null, depeg: number, queueCount = 0) => ({
  rate: wei(rate),
  ...(price === null ? {} : { price: wei(price) }),
  depeg,
  queueCount,
  queueValue: "0",
  bridgeGap: "0",
  supply: "0",
});

const series: StepRow[] = [
  row(10, { ezeth: lrt(1000, 1000, 0) }),
  row(
    20,
    { ezeth: lrt(1000, 930, 0.07, 3), eeth: lrt(1010, null, 0, 1) },
    {
      losses: { stakers: wei(1500), lrtHolders: wei(250), lenders: wei(1) },
      liquidations: 2,
      badDebt: wei(1),
    },
  ),
];

describe("simulation series", () => {
  it("finds every LRT in first-seen order and draws depeg in percent, only where an LRT has a row", () => {
    expect(lrtIds(series)).toEqual(["ezeth", "eeth"]);
    expect(depegLines(series, "A ")).toEqual([
      {
        name: "A ezeth",
        points: [
          [10, 0],
          [20, 7],
        ],
      },
      { name: "A eeth", points: [[20, 0]] },
    ]);
  });

  it("rate against price in ETH, without a price line for an LRT with no pool", () => {
    expect(rateVsPrice(series, "ezeth")).toEqual([
      {
        name: "Rate",
        points: [
          [10, 1],
          [20, 1],
        ],
      },
      {
        name: "DEX price",
        points: [
          [10, 1],
          [20, 0.93],
        ],
      },
    ]);
    expect(rateVsPrice(series, "eeth")).toEqual([{ name: "Rate", points: [[20, 1.01]] }]);
  });

  it("losses by layer, liquidations, bad debt and queue lengths per block", () => {
    const [stakers, holders, lenders] = lossLines(series);
    expect(stakers?.points).toEqual([
      [10, 0],
      [20, 1.5],
    ]);
    expect(holders?.points).toEqual([
      [10, 0],
      [20, 0.25],
    ]);
    expect(lenders?.name).toBe("Lenders (bad debt)");
    const l = liquidationLines(series);
    expect(l.liquidations.points).toEqual([
      [10, 0],
      [20, 2],
    ]);
    expect(l.badDebt.points).toEqual([
      [10, 0],
      [20, 0.001],
    ]);
    expect(queueLines(series).map((q) => q.points)).toEqual([
      [
        [10, 0],
        [20, 3],
      ],
      [[20, 1]],
    ]);
  });

  it("labels histogram bins by their range, depeg in percent", () => {
    expect(histogramBins({ unit: "ETH", edges: [0, 1500, 3000], counts: [4, 1], zeros: 2 })).toEqual([
      { label: "0–1.5k", count: 4 },
      { label: "1.5k–3k", count: 1 },
    ]);
    expect(histogramBins({ unit: "fraction", edges: [0.01, 0.02], counts: [7], zeros: 0 })).toEqual([
      { label: "1%–2%", count: 7 },
    ]);
    expect(histogramBins({ unit: "ETH", edges: [], counts: [], zeros: 9 })).toEqual([]);
  });

  it("gives a rate axis the decimals its spread needs", () => {
    const at = (...vs: number[]) => [{ name: "x", points: vs.map((v, i): [number, number] => [i, v]) }];
    expect(decimalsFor(at(1, 1.00004))).toBe(6);
    expect(decimalsFor(at(0.93, 1))).toBe(2);
    expect(decimalsFor(at(0.999, 1))).toBe(4);
    expect(decimalsFor(at(1, 1))).toBe(2);
    expect(decimalsFor(at(0, 500))).toBe(2);
  });
});
