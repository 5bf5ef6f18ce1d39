import { unsafeUniformIntDistribution } from "pure-rand/distribution/UnsafeUniformIntDistribution";
import { xoroshiro128plus } from "pure-rand/generator/XoroShiro";

/**
 * A seeded source of uniform floats in [0, 1), for generators that want `Math.random()`'s shape without its
 * non-determinism (the demo network, load generators). Same seed, same sequence, on every machine.
 */
export function prng(seed: number): () => number {
  const rng = xoroshiro128plus(seed);
  return () => unsafeUniformIntDistribution(0, 0x3fffffff, rng) / 0x40000000;
}
