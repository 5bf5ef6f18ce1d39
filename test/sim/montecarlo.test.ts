import { describe, expect, it } from "vitest";
import { pathSeed, runPath } from "../../src/sim/mc/paths.ts";
import { figures, histogram, type PathOutcome, percentileOf } from "../../src/sim/mc/stats.ts";
import { sweepScenarios, withValue } from "../../src/sim/mc/sweep.ts";
import { deterministicResult, monteCarlo } from "../../src/sim/montecarlo.ts";
import { buildNetwork } from "../../src/sim/network/build.ts";
import { networkNames } from "../../src/sim/network/names.ts";
import { simulate } from "../../src/sim/run/simulate.ts";
import { isScenarioError } from "../../src/sim/scenario/errors.ts";
import { parseScenario } from "../../src/sim/scenario/parse.ts";
import { SHORT } from "./fixtures.ts";

const E18 = 10n ** 18n;

const scenario = () => parseScenario(SHORT, { file: "short.yaml", names: networkNames });

function outcome(index: number, badDebtEth: bigint, liquidatedEth: bigint, maxDepeg = 0): PathOutcome {
  return {
    index,
    seed: 1000 + index,
    digest: `0x${index.toString(16).padStart(64, "0")}`,
    badDebt: badDebtEth * E18,
    liquidatedValue: liquidatedEth * E18,
    liquidations: liquidatedEth > 0n ? 1 : 0,
    slashed: 0n,
    stolen: 0n,
    losses: { stakers: 0n, lrtHolders: 0n, lenders: badDebtEth * E18 },
    maxDepeg,
    maxDepegByLrt: { ezeth: maxDepeg },
  };
}

describe("Monte Carlo figures", () => {
  it("nearest-rank percentiles: the ⌈p·n/100⌉-th smallest value", () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentileOf(xs, 95)).toBe(95);
    expect(percentileOf(xs, 99)).toBe(99);
    expect(percentileOf([7], 95)).toBe(7);
    expect(percentileOf([1, 2, 3], 50)).toBe(2);
  });

  it("VaR, LaR and P(bad debt) match a hand-computed example", () => {
    // 20 paths: bad debt 0 on 15 of them and 1, 2, 3, 4, 5 ETH on the rest (given out of order);
    // liquidated value 10·i ETH on path i (0 … 190 ETH)
    const bad = [0n, 3n, 0n, 0n, 5n, 0n, 0n, 1n, 0n, 0n, 0n, 4n, 0n, 0n, 0n, 0n, 2n, 0n, 0n, 0n];
    const outs = bad.map((b, i) => outcome(i, b, 10n * BigInt(i), i / 100));
    const f = figures(outs.reverse());
    // rank ⌈0.95·20⌉ = 19 → the 19th smallest bad debt is 4 ETH; ⌈0.99·20⌉ = 20 → 5 ETH
    expect(f.var95).toBe((4n * E18).toString());
    expect(f.var99).toBe((5n * E18).toString());
    // liquidated values sorted: 0, 10, …, 190; the 19th is 180, the 20th 190
    expect(f.lar95).toBe((180n * E18).toString());
    expect(f.lar99).toBe((190n * E18).toString());
    expect(f.pBadDebt).toBe(5 / 20);
    expect(f.mean.badDebt).toBe(((15n * E18) / 20n).toString());
    expect(f.maxDepeg.max).toBe(0.19);
    // worst by bad debt first: paths 4 (5 ETH), 11 (4), 1 (3)
    expect(f.worst.slice(0, 3).map((w) => w.index)).toEqual([4, 11, 1]);
    expect(f.worst[0]!.seed).toBe(1004);
    expect(f.histograms.badDebt.zeros).toBe(15);
    expect(f.histograms.badDebt.counts.reduce((a, b) => a + b, 0)).toBe(5);
  });

  it("histograms put every value in one bin, the maximum in the last", () => {
    const h = histogram([0, 1, 2, 3, 4, 10], "ETH", 5);
    expect(h.zeros).toBe(1);
    expect(h.edges).toEqual([1, 2.8, 4.6, 6.4, 8.2, 10]);
    expect(h.counts).toEqual([2, 2, 0, 0, 1]);
  });

  it("path seeds are a deterministic function of (base seed, index), distinct and 31-bit", () => {
    const seeds = Array.from({ length: 1000 }, (_, i) => pathSeed(42, i));
    expect(new Set(seeds).size).toBe(1000);
    expect(seeds.every((s) => Number.isInteger(s) && s >= 0 && s < 2 ** 31)).toBe(true);
    expect(pathSeed(42, 7)).toBe(seeds[7]);
    expect(pathSeed(43, 7)).not.toBe(seeds[7]);
  });
});

describe("Monte Carlo runs", () => {
  it("a path runs inside a rolled-back journal mark: the world hash is unchanged, and the path equals a fresh simulate", async () => {
    const s = scenario();
    const net = buildNetwork(s.network, s.seed);
    const before = net.chain.hash();
    const block = net.chain.block;
    const a = await runPath(net, s, 0, pathSeed(5, 0), { stateHash: true });
    expect(net.chain.hash()).toBe(before);
    expect(net.chain.block).toBe(block);
    const b = await runPath(net, s, 1, pathSeed(5, 1), { checkRollback: true });
    expect(net.chain.hash()).toBe(before);
    expect(b.digest).not.toBe(a.digest);
    expect(b.stateHash).toBeUndefined();
    // the same seed again: the same commands
    expect((await runPath(net, s, 0, pathSeed(5, 0))).digest).toBe(a.digest);
    // the same seed on a network nobody ran on before: the same final state
    const fresh = await simulate(s, { seed: pathSeed(5, 0), keepSeries: false, security: false });
    expect(fresh.summary.hash).toBe(a.stateHash);
    expect(fresh.summary.badDebt).toBe(a.badDebt.toString());
  }, 60_000);

  it("gives the same figures and aggregate hash on 1 and 2 worker threads (and in-thread)", async () => {
    const s = scenario();
    const progress: number[] = [];
    // both at once: the worker start-ups overlap
    const [one, two] = await Promise.all([
      monteCarlo(s, { paths: 20, workers: 1, baseSeed: 11, chunk: 3, checkRollback: true }),
      // every path's world hash computed on the way, rather than the worst paths rerun for it: the same figures
      monteCarlo(s, {
        paths: 20,
        workers: 2,
        baseSeed: 11,
        chunk: 3,
        checkRollback: true,
        stateHashes: true,
        onProgress: (p) => progress.push(p.done),
      }),
    ]);
    expect(one.timing.workers).toBe(1);
    expect(two.timing.workers).toBe(2);
    expect(deterministicResult(two)).toEqual(deterministicResult(one));
    expect(two.hash).toBe(one.hash);
    expect(progress.at(-1)).toBe(20);
    const f = one.variants[0]!.figures;
    expect(f.paths).toBe(20);
    // paths really differ, and each worst path carries the world hash restake simulate --seed prints
    expect(new Set(f.worst.map((w) => w.digest)).size).toBe(f.worst.length);
    expect(f.worst.every((w) => w.stateHash?.startsWith("0x"))).toBe(true);
    const rerun = await simulate(s, { seed: f.worst[0]!.seed, keepSeries: false, security: false });
    expect(rerun.summary.hash).toBe(f.worst[0]!.stateHash);
    expect(rerun.summary.badDebt).toBe(f.worst[0]!.badDebt);
    const inline = await monteCarlo(s, { paths: 20, workers: 0, baseSeed: 11 });
    expect(inline.hash).toBe(one.hash);
    const other = await monteCarlo(s, { paths: 20, workers: 0, baseSeed: 12 });
    expect(other.hash).not.toBe(one.hash);
  }, 120_000);

  it("a sweep runs the same seeds once per value and reports one block per value", async () => {
    const variants = sweepScenarios(SHORT, "short.yaml", "timeline.1.toPrice", ["0.99", "0.9"]);
    expect(variants.map((v) => v.label)).toEqual(["0.99", "0.9"]);
    const ev = variants[1]!.scenario.timeline[1]!;
    expect(ev.event === "depeg" ? ev.toPrice : null).toBe(0.9);
    const s = scenario();
    const r = await monteCarlo(s, {
      paths: 4,
      workers: 0,
      baseSeed: 2,
      sweep: { key: "timeline.1.toPrice", variants },
    });
    expect(r.sweep).toEqual({ key: "timeline.1.toPrice", values: ["0.99", "0.9"] });
    expect(r.variants.map((v) => v.label)).toEqual(["0.99", "0.9"]);
    expect(r.variants.every((v) => v.figures.paths === 4)).toBe(true);
    expect(r.variants[0]!.figures.worst.map((w) => w.seed).sort()).toEqual(
      r.variants[1]!.figures.worst.map((w) => w.seed).sort(),
    );
    // a deeper shock gives a deeper worst depeg
    expect(r.variants[1]!.figures.maxDepeg.max).toBeGreaterThan(r.variants[0]!.figures.maxDepeg.max);
  }, 60_000);

  it("a swept value is parsed like the file's and checked: percent strings work, a bad value names itself", () => {
    const text = withValue(SHORT, "agents.fearfulStakers.threshold", "5%");
    expect(parseScenario(text).agents.fearfulStakers?.threshold).toBe(0.05);
    let err: unknown;
    try {
      sweepScenarios(SHORT, "short.yaml", "agents.fearfulStakers.threshold", ["0.01", "lots"]);
    } catch (e) {
      err = e;
    }
    expect(isScenarioError(err)).toBe(true);
    expect(String(err)).toContain("agents.fearfulStakers.threshold=lots");
    expect(() => sweepScenarios(SHORT, "short.yaml", "agents.nobody.threshold", ["1"])).toThrow(/nobody/);
  });
});
