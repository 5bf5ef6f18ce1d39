import { createHash } from "node:crypto";
import { toJson } from "../../core/shared/codec.ts";
import type { SimNetwork } from "../network/types.ts";
import { simulate } from "../run/simulate.ts";
import type { RunSummary } from "../run/types.ts";
import type { Scenario } from "../scenario/types.ts";
import type { PathOutcome } from "./stats.ts";

/**
 * One Monte Carlo path on a network built once: the path runs inside a journal mark that is rolled back afterwards,
 * so the next path starts from exactly the state the builder left (asserted with `checkRollback`). A path run this
 * way ends in the same state as `restake simulate --seed <its seed>` on a freshly built network.
 *
 * A path is fingerprinted by its **digest**: SHA-256 over every command it applied (block, caller, command, in
 * order). From the same start state the engine is deterministic, so equal digests mean equal end states; hashing
 * the whole world instead costs more than a short path itself on a mid network. The world hash (`stateHash`, what
 * `restake simulate` prints) is computed on request: for every path in tests, for the worst paths always.
 */

/** Path i's seed: a 31-bit mix of (baseSeed, i), so neighbouring paths draw unrelated sequences. */
export function pathSeed(baseSeed: number, index: number): number {
  // murmur3's 32-bit finaliser over a golden-ratio combination of the two
  let h = (Math.imul(baseSeed >>> 0, 0x9e3779b1) + Math.imul(index + 1, 0x85ebca6b)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h & 0x7fffffff;
}

export function outcomeOf(index: number, summary: RunSummary, digest: string): PathOutcome {
  const byLrt: Record<string, number> = {};
  let maxDepeg = 0;
  for (const [id, l] of Object.entries(summary.lrts)) {
    byLrt[id] = l.maxDepeg;
    if (l.maxDepeg > maxDepeg) maxDepeg = l.maxDepeg;
  }
  return {
    index,
    seed: summary.seed,
    digest,
    ...(summary.hash === "" ? {} : { stateHash: summary.hash }),
    badDebt: BigInt(summary.badDebt),
    liquidatedValue: BigInt(summary.liquidatedValue),
    liquidations: summary.liquidations,
    slashed: BigInt(summary.slashed),
    stolen: BigInt(summary.stolen),
    losses: {
      stakers: BigInt(summary.losses.stakers),
      lrtHolders: BigInt(summary.losses.lrtHolders),
      lenders: BigInt(summary.losses.lenders),
    },
    maxDepeg,
    maxDepegByLrt: byLrt,
  };
}

export interface PathOptions {
  /** hash the world before and after, and throw if the rollback did not restore it */
  checkRollback?: boolean;
  /** override the scenario's conservation check */
  checkConservation?: boolean;
  /** also compute the world hash at the end of the path */
  stateHash?: boolean;
}

export async function runPath(
  net: SimNetwork,
  scenario: Scenario,
  index: number,
  seed: number,
  opts: PathOptions = {},
): Promise<PathOutcome> {
  const chain = net.chain;
  const journal = chain.world.eigen.journal;
  const block = chain.block;
  const before = opts.checkRollback === true ? chain.hash() : null;
  const digest = createHash("sha256");
  const off = chain.onApply((e) => digest.update(toJson(e)));
  const mark = journal.begin();
  let summary: RunSummary;
  try {
    summary = (
      await simulate(scenario, {
        network: net,
        seed,
        keepSeries: false,
        security: false,
        finalHash: opts.stateHash === true,
        ...(opts.checkConservation === undefined ? {} : { checkConservation: opts.checkConservation }),
      })
    ).summary;
  } finally {
    off();
    journal.rollback(mark);
    // the clock is not journaled state: it goes back by hand
    chain.block = block;
  }
  if (before !== null) {
    const after = chain.hash();
    if (after !== before)
      throw new Error(`path ${index} (seed ${seed}): rollback left hash ${after}, expected ${before}`);
  }
  return outcomeOf(index, summary, `0x${digest.digest("hex")}`);
}
