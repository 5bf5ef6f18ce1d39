import { keccak256, stringToBytes } from "viem";

/**
 * Monte Carlo figures in Gauntlet's sense (../shared/reference/risk-models.md §4.2): Value at Risk is a high
 * percentile of net insolvent value (bad debt) across paths, Liquidations at Risk the same percentile of liquidated
 * value. Percentiles are nearest-rank on the exact wei amounts, so a figure is always one path's actual outcome
 * (and that path can be rerun by its seed).
 */

/** What one path leaves behind: a few numbers, never its series, so memory stays flat in the number of paths. */
export interface PathOutcome {
  index: number;
  seed: number;
  /** SHA-256 over the commands the path applied, in order (./paths.ts) */
  digest: string;
  /** the world hash at the end (what `restake simulate --seed` prints), when computed */
  stateHash?: string;
  badDebt: bigint;
  liquidatedValue: bigint;
  liquidations: number;
  slashed: bigint;
  stolen: bigint;
  losses: { stakers: bigint; lrtHolders: bigint; lenders: bigint };
  /** deepest depeg over every LRT, and per LRT */
  maxDepeg: number;
  maxDepegByLrt: Record<string, number>;
}

export interface Histogram {
  /** "ETH" for amounts (wei / 1e18), "fraction" for depeg depth */
  unit: "ETH" | "fraction";
  /** bins.length + 1 edges; bin i holds lo ≤ x < hi (the last also holds x = hi) */
  edges: number[];
  counts: number[];
  /** paths with exactly zero (shown apart: most paths of a mild scenario lose nothing) */
  zeros: number;
}

export interface WorstPath {
  index: number;
  seed: number;
  badDebt: string;
  liquidatedValue: string;
  totalLoss: string;
  maxDepeg: number;
  digest: string;
  /** the world hash at the path's end: `restake simulate --seed <seed>` prints the same */
  stateHash: string | null;
}

export interface Figures {
  paths: number;
  /** wei as decimal strings */
  var95: string;
  var99: string;
  lar95: string;
  lar99: string;
  /** share of paths that end with any bad debt */
  pBadDebt: number;
  mean: {
    badDebt: string;
    liquidatedValue: string;
    slashed: string;
    stakers: string;
    lrtHolders: string;
    lenders: string;
  };
  maxDepeg: { p50: number; p95: number; p99: number; max: number };
  histograms: {
    badDebt: Histogram;
    liquidatedValue: Histogram;
    maxDepeg: Histogram;
    lossStakers: Histogram;
    lossLrtHolders: Histogram;
    lossLenders: Histogram;
  };
  /** the worst paths by bad debt, then by total loss (stakers + LRT holders + lenders) */
  worst: WorstPath[];
  /** keccak256 over `index:seed:digest` of every path in index order: equal for any worker count */
  hash: string;
}

/** Nearest-rank percentile (p in (0, 100]) of values sorted ascending: the ⌈p·n/100⌉-th smallest. */
export function percentileOf<T>(sorted: readonly T[], p: number): T {
  if (sorted.length === 0) throw new RangeError("percentile of no values");
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as T;
}

const byBig = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

export function sortedBig(xs: Iterable<bigint>): bigint[] {
  return [...xs].sort(byBig);
}

/** wei → ETH as a float, for charts only (figures keep the exact wei). */
export const eth = (wei: bigint): number => Number(wei / 10n ** 9n) / 1e9;

export function histogram(values: readonly number[], unit: Histogram["unit"], bins = 20): Histogram {
  const nonZero = values.filter((v) => v !== 0);
  const zeros = values.length - nonZero.length;
  if (nonZero.length === 0) return { unit, edges: [], counts: [], zeros };
  let lo = nonZero.reduce((a, b) => (b < a ? b : a));
  let hi = nonZero.reduce((a, b) => (b > a ? b : a));
  if (lo === hi) {
    lo = lo > 0 ? 0 : lo;
    hi = hi > 0 ? hi : 0;
    if (lo === hi) hi = lo + 1;
  }
  const width = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + i * width));
  const counts = new Array<number>(bins).fill(0);
  for (const v of nonZero) {
    const i = Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / width)));
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return { unit, edges, counts, zeros };
}

function mean(xs: readonly bigint[]): string {
  if (xs.length === 0) return "0";
  return (xs.reduce((a, b) => a + b, 0n) / BigInt(xs.length)).toString();
}

const totalLoss = (o: PathOutcome): bigint => o.losses.stakers + o.losses.lrtHolders + o.losses.lenders;

export function aggregateHash(outcomes: readonly PathOutcome[]): string {
  const lines = [...outcomes].sort((a, b) => a.index - b.index).map((o) => `${o.index}:${o.seed}:${o.digest}`);
  return keccak256(stringToBytes(lines.join("\n")));
}

/** The figures over a set of paths (given in any order; they are read by index). */
/** The worst paths' indices, worst first: by bad debt, then total loss, then index. */
export function worstIndices(outcomes: readonly PathOutcome[], count: number): number[] {
  return [...outcomes]
    .sort((a, b) => byBig(b.badDebt, a.badDebt) || byBig(totalLoss(b), totalLoss(a)) || a.index - b.index)
    .slice(0, count)
    .map((o) => o.index);
}

export function figures(outcomes: readonly PathOutcome[], worstCount = 10): Figures {
  const n = outcomes.length;
  if (n === 0) throw new RangeError("no paths");
  const bad = sortedBig(outcomes.map((o) => o.badDebt));
  const liq = sortedBig(outcomes.map((o) => o.liquidatedValue));
  const depeg = outcomes.map((o) => o.maxDepeg).sort((a, b) => a - b);
  const byIndex = new Map(outcomes.map((o) => [o.index, o]));
  const worst = worstIndices(outcomes, worstCount)
    .map((i) => byIndex.get(i)!)
    .map((o) => ({
      index: o.index,
      seed: o.seed,
      badDebt: o.badDebt.toString(),
      liquidatedValue: o.liquidatedValue.toString(),
      totalLoss: totalLoss(o).toString(),
      maxDepeg: o.maxDepeg,
      digest: o.digest,
      stateHash: o.stateHash ?? null,
    }));
  return {
    paths: n,
    var95: percentileOf(bad, 95).toString(),
    var99: percentileOf(bad, 99).toString(),
    lar95: percentileOf(liq, 95).toString(),
    lar99: percentileOf(liq, 99).toString(),
    pBadDebt: outcomes.filter((o) => o.badDebt > 0n).length / n,
    mean: {
      badDebt: mean(bad),
      liquidatedValue: mean(liq),
      slashed: mean(outcomes.map((o) => o.slashed)),
      stakers: mean(outcomes.map((o) => o.losses.stakers)),
      lrtHolders: mean(outcomes.map((o) => o.losses.lrtHolders)),
      lenders: mean(outcomes.map((o) => o.losses.lenders)),
    },
    maxDepeg: {
      p50: percentileOf(depeg, 50),
      p95: percentileOf(depeg, 95),
      p99: percentileOf(depeg, 99),
      max: depeg[depeg.length - 1] as number,
    },
    histograms: {
      badDebt: histogram(
        bad.map((v) => eth(v)),
        "ETH",
      ),
      liquidatedValue: histogram(
        liq.map((v) => eth(v)),
        "ETH",
      ),
      maxDepeg: histogram(depeg, "fraction"),
      lossStakers: histogram(
        outcomes.map((o) => eth(o.losses.stakers)),
        "ETH",
      ),
      lossLrtHolders: histogram(
        outcomes.map((o) => eth(o.losses.lrtHolders)),
        "ETH",
      ),
      lossLenders: histogram(
        outcomes.map((o) => eth(o.losses.lenders)),
        "ETH",
      ),
    },
    worst,
    hash: aggregateHash(outcomes),
  };
}
