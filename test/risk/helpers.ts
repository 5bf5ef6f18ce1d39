import fc from "fast-check";
import type { RestakingGraph } from "../../src/risk/graph.ts";
import { type Rational, r } from "../../src/risk/rational.ts";

/** Shared fixtures for the risk tests: random restaking graphs small enough for brute force. */

export const THRESHOLDS = ["1/4", "1/3", "1/2", "2/3", "3/4", "1"] as const;

export interface GraphShape {
  maxValidators?: number;
  maxServices?: number;
  /** every threshold 1 (the min-cut case) */
  alphaOne?: boolean;
  /** stakes with denominators (e.g. "7/2") as well as integers */
  fractions?: boolean;
  /** per-edge allocations (elastic model) */
  allocations?: boolean;
}

/** Random graphs up to 7 validators × 5 services by default; stakes 1–10, profits 0–20, small-denominator thresholds. */
export function graphArb(shape: GraphShape = {}): fc.Arbitrary<RestakingGraph> {
  const nMax = shape.maxValidators ?? 7;
  const mMax = shape.maxServices ?? 5;
  const amount = shape.fractions
    ? fc.tuple(fc.integer({ min: 1, max: 20 }), fc.constantFrom(1, 1, 2, 3)).map(([p, q]) => r(p, q))
    : fc.integer({ min: 1, max: 10 }).map((x) => r(x));
  return fc
    .tuple(fc.integer({ min: 1, max: nMax }), fc.integer({ min: 1, max: mMax }))
    .chain(([n, m]) =>
      fc.record({
        stakes: fc.array(amount, { minLength: n, maxLength: n }),
        services: fc.array(
          fc.record({
            profit: fc.integer({ min: 0, max: 20 }),
            threshold: shape.alphaOne ? fc.constant("1") : fc.constantFrom(...THRESHOLDS),
            members: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
            shares: fc.array(fc.constantFrom(1, 2, 3, 4), { minLength: n, maxLength: n }),
          }),
          { minLength: m, maxLength: m },
        ),
      }),
    )
    .map(({ stakes, services }) => ({
      validators: stakes.map((stake, i) => ({ id: `v${i}`, stake })),
      services: services.map((s, j) => {
        const validators = s.members.flatMap((x, i) => (x ? [i] : []));
        const out: RestakingGraph["services"][number] = {
          id: `s${j}`,
          profit: r(s.profit),
          threshold: r(s.threshold),
          validators,
        };
        // allocation = k/4 of the stake, k ∈ 1..4
        if (shape.allocations) out.allocations = validators.map((i) => stakes[i]!.mul(r(s.shares[i]!, 4)));
        return out;
      }),
    }));
}

export const psiArb = fc.constantFrom("0", "1/10", "1/6", "1/5", "1/4", "1/3", "1/2").map((x) => r(x));

/** Exact equality of two possibly-null rationals. */
export function sameRational(a: Rational | null, b: Rational | null): boolean {
  return a === null ? b === null : b !== null && a.eq(b);
}

/** A budget for exact runs: no time pressure. */
export const BUDGET = (method: "brute" | "milp" | "mincut" | "auto") => ({
  method,
  deadline: performance.now() + 120_000,
});

export const PROPERTY_RUNS = Number(process.env.RISK_PROPERTY_RUNS ?? 120);
