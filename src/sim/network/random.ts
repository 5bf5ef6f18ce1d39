import { prng } from "../prng.ts";

/**
 * The seeded draws the network planner uses. Each concern draws from its own stream (`stream(seed, "stakers")`), so
 * changing how many AVSs a network has does not reshuffle its stakers.
 */

export type Rng = () => number;

/** FNV-1a of the tag, mixed with the seed: a 32-bit seed per stream. */
export function stream(seed: number, tag: string): Rng {
  let h = 0x811c9dc5 ^ (seed | 0);
  for (let i = 0; i < tag.length; i++) h = Math.imul(h ^ tag.charCodeAt(i), 0x01000193);
  return prng((h ^ Math.imul(seed >>> 16, 0x45d9f3b)) | 0);
}

/** A Pareto(α) draw with scale 1 (≥ 1), capped: the cap keeps one whale from taking a whole pool. */
export function pareto(rng: Rng, alpha: number, cap = 1_000): number {
  return Math.min(cap, (1 - rng()) ** (-1 / alpha));
}

/** `total` split over `weights` (floats ≥ 0), each part at least `min`; the parts sum to `total` exactly. */
export function splitTotal(total: bigint, weights: readonly number[], min = 0n): bigint[] {
  const n = BigInt(weights.length);
  if (n === 0n) return [];
  const floor = min * n <= total ? min : total / n / 2n;
  const scaled = weights.map((w) => BigInt(Math.max(1, Math.round(w * 1e6))));
  const sum = scaled.reduce((a, b) => a + b, 0n);
  const rest = total - floor * n;
  const out = scaled.map((w) => floor + (rest * w) / sum);
  const assigned = out.reduce((a, b) => a + b, 0n);
  out[0] = out[0]! + (total - assigned);
  return out;
}

/** `x` × a float share, in integer arithmetic on the share's first nine digits. */
export function share(x: bigint, f: number): bigint {
  return (x * BigInt(Math.round(f * 1e9))) / 1_000_000_000n;
}

/** ETH (a float) to wei, to the µETH. */
export function eth(x: number): bigint {
  return BigInt(Math.round(x * 1e6)) * 10n ** 12n;
}

/** k distinct indices drawn with probability ∝ weight (Efraimidis–Spirakis keys), in descending key order. */
export function sampleWithout(rng: Rng, weights: readonly number[], k: number): number[] {
  const keys = weights.map((w, i) => ({ i, key: w > 0 ? Math.log(1 - rng()) / w : Number.NEGATIVE_INFINITY }));
  keys.sort((a, b) => b.key - a.key || a.i - b.i);
  return keys.slice(0, Math.min(k, weights.length)).map((x) => x.i);
}

/** Cumulative weights, for `pick`. */
export function cumulative(weights: readonly number[]): Float64Array {
  const c = new Float64Array(weights.length);
  let s = 0;
  weights.forEach((w, i) => {
    s += Math.max(0, w);
    c[i] = s;
  });
  return c;
}

/** An index drawn with probability ∝ its weight (binary search over the cumulative weights). */
export function pick(rng: Rng, cum: Float64Array): number {
  const total = cum[cum.length - 1] ?? 0;
  const x = rng() * total;
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cum[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Whole-number parts of `n` in proportion to `weights` (largest remainder), each at least `min` when n allows. */
export function apportion(n: number, weights: readonly number[], min = 0): number[] {
  const m = weights.length;
  if (m === 0) return [];
  const base = n >= min * m ? min : 0;
  const rest = n - base * m;
  const sum = weights.reduce((a, b) => a + b, 0) || 1;
  const exact = weights.map((w) => (rest * w) / sum);
  const out = exact.map((x) => base + Math.floor(x));
  let left = n - out.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let j = 0; left > 0; j = (j + 1) % m, left--) {
    const k = order[j]!.i;
    out[k] = out[k]! + 1;
  }
  return out;
}
