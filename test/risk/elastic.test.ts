import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bruteSecurity } from "../../src/risk/brute.ts";
import { analyzeElastic, elasticCondition, robustness, stretch } from "../../src/risk/elastic.ts";
import { parseGraph, type RestakingGraph, toIntGraph } from "../../src/risk/graph.ts";
import { Rational, r } from "../../src/risk/rational.ts";
import { analyzeSecurity } from "../../src/risk/security.ts";
import { BUDGET, graphArb, PROPERTY_RUNS, sameRational } from "./helpers.ts";

/**
 * The elastic model (Bar-Zur–Eyal): a hand-checked network, then the MILP against enumeration, the reduction
 * against the D&R model, the sufficient condition, the stretch and robustness.
 */

/** One validator of stake 2 allocating 2 to each of two services (restaking degree 2), θ = 1/2, π = 3/2 each. */
const DOUBLE = parseGraph({
  validators: [{ id: "a", stake: "2" }],
  services: [
    { id: "s1", profit: "3/2", threshold: "1/2", validators: ["a"], allocations: { a: "2" } },
    { id: "s2", profit: "3/2", threshold: "1/2", validators: ["a"], allocations: { a: "2" } },
  ],
});

describe("a hand-checked elastic network", () => {
  it("attacking both services needs x = 1 on each, a loss of min(2, 2) = 2, for 3: profit 1", async () => {
    for (const method of ["brute", "milp"] as const) {
      const e = await analyzeElastic(DOUBLE, BUDGET(method));
      expect(e.maxProfit?.toString(), method).toBe("1");
      expect(e.secure).toBe(false);
      expect(e.attack?.services).toEqual([0, 1]);
      expect(e.attack?.cost.toString()).toBe("2");
      // γ*: min cost/profit = min(1/(3/2), 2/3) − 1 = −1/3
      expect(e.slack?.toString(), method).toBe("-1/3");
    }
  });

  it("the loss is capped at the stake: with allocations of 2 to three services the attack on all costs 2 for 9/2", async () => {
    const triple = parseGraph({
      validators: [{ id: "a", stake: "2" }],
      services: ["s1", "s2", "s3"].map((id) => ({
        id,
        profit: "3/2",
        threshold: "1/2",
        validators: ["a"],
        allocations: { a: "2" },
      })),
    });
    const e = await analyzeElastic(triple, BUDGET("brute"));
    expect(e.maxProfit?.toString()).toBe("5/2");
    expect(e.attack?.capped).toEqual([0]);
  });

  it("a Byzantine s1 slashes a's 2; nothing is left for s2, which then falls for free: ρ = 1/2", async () => {
    const rest = stretch(DOUBLE, new Set([0]));
    expect(rest.validators).toEqual([]);
    expect(rest.services.map((s) => s.id)).toEqual(["s2"]);
    // make the network secure first (π = 1/2 each), so that ρ is about the Byzantine service
    const secure: RestakingGraph = {
      ...DOUBLE,
      services: DOUBLE.services.map((s) => ({ ...s, profit: r("1/2") })),
    };
    expect((await analyzeElastic(secure, BUDGET("brute"))).secure).toBe(true);
    const rob = await robustness(secure, BUDGET("brute"));
    expect(rob).toMatchObject({ byzantine: [0], complete: true });
    expect(rob.rho?.toString()).toBe("1/2");
    expect(rob.attack?.services).toEqual([1]);
  });

  it("the report for an elastic graph: model elastic by default, condition, robustness; R_ψ is not defined there", async () => {
    const rep = await analyzeSecurity(DOUBLE, { psi: r("1/10") });
    expect(rep).toMatchObject({
      model: "elastic",
      secure: false,
      slack: "-1/3",
      certificate: "attack",
      loss: null,
      elastic: { maxProfit: "1", robustness: { rho: "0", byzantine: [] } },
    });
    expect(rep.notes.join(" ")).toContain("R_ψ is defined for the dr and unique models");
    expect(rep.worstAttack).toMatchObject({ validators: ["a"] });
  });
});

const runs = { numRuns: PROPERTY_RUNS };

describe("elastic properties on random graphs", () => {
  it("the MILP agrees with enumeration: max attack profit and γ*", async () => {
    await fc.assert(
      fc.asyncProperty(graphArb({ allocations: true, fractions: true }), async (graph) => {
        const b = await analyzeElastic(graph, BUDGET("brute"));
        const m = await analyzeElastic(graph, BUDGET("milp"));
        expect(m.exact).toBe(true);
        expect(sameRational(m.maxProfit, b.maxProfit)).toBe(true);
        expect(sameRational(m.slack, b.slack)).toBe(true);
        expect(m.secure).toBe(b.secure);
        // the explicit attack is what it says: x ≤ w, each attacked service reaches θW
        if (m.attack !== null) {
          const g = toIntGraph(graph);
          for (const j of m.attack.services) {
            const got = Rational.sum(m.attack.stakes.filter(([s]) => s === j).map(([, , x]) => x));
            const need = graph.services[j]!.threshold.mul(Rational.of(g.nAlloc[j]!, g.scale));
            expect(got.ge(need)).toBe(true);
          }
        }
      }),
      runs,
    );
  });

  it("with every allocation equal to the stake, divisibility only helps attackers: elastic max profit ≥ D&R's", async () => {
    await fc.assert(
      fc.asyncProperty(graphArb(), async (graph) => {
        const full: RestakingGraph = {
          ...graph,
          services: graph.services.map((s) => ({
            ...s,
            allocations: s.validators.map((v) => graph.validators[v]!.stake),
          })),
        };
        const e = await analyzeElastic(full, BUDGET("brute"));
        const d = bruteSecurity(toIntGraph(graph)).maxGain;
        if (d !== null) {
          const g = toIntGraph(graph);
          expect(e.maxProfit!.ge(Rational.of(d.profit - d.cost, g.scale))).toBe(true);
        }
      }),
      runs,
    );
  });

  it("the elastic sufficient condition implies security", async () => {
    await fc.assert(
      fc.asyncProperty(graphArb({ allocations: true }), async (graph) => {
        if (!elasticCondition(graph).holds) return;
        expect((await analyzeElastic(graph, BUDGET("brute"))).secure).toBe(true);
      }),
      { numRuns: PROPERTY_RUNS * 3 },
    );
  });

  it("rigid allocations (Σ_j w_ij ≤ σ_i) do not stretch: Byzantine services leave the others' allocations alone", () => {
    fc.assert(
      fc.property(graphArb({ allocations: true }), fc.array(fc.nat(4), { maxLength: 3 }), (graph, picks) => {
        // scale allocations down so that each validator's sum fits its stake
        const degree = graph.validators.map(
          (_, v) => graph.services.filter((s) => s.validators.includes(v)).length || 1,
        );
        const rigid: RestakingGraph = {
          ...graph,
          services: graph.services.map((s) => ({
            ...s,
            allocations: s.validators.map((v, k) => s.allocations![k]!.div(Rational.of(degree[v]!))),
          })),
        };
        const byz = new Set(picks.filter((j) => j < rigid.services.length));
        const rest = stretch(rigid, byz);
        const kept = rigid.services.filter((_, j) => !byz.has(j));
        rest.services.forEach((s, k) => {
          const orig = kept[k]!;
          const allocs = (x: typeof s) =>
            x.validators.map((v, i) => [
              x === s ? rest.validators[v]!.id : rigid.validators[v]!.id,
              x.allocations![i]!.toString(),
            ]);
          expect(allocs(s)).toEqual(allocs(orig).filter(([id]) => rest.validators.some((v) => v.id === id)));
        });
      }),
      runs,
    );
  });

  it("robustness: the weight-ordered search finds the same ρ as trying every Byzantine set", async () => {
    await fc.assert(
      fc.asyncProperty(graphArb({ allocations: true, maxValidators: 5, maxServices: 4 }), async (graph) => {
        const rob = await robustness(graph, BUDGET("brute"));
        const m = graph.services.length;
        const weight = graph.services.map((s) => s.profit.div(s.threshold));
        const total = Rational.sum(weight);
        let best: Rational | null = null;
        for (let mask = 0; mask < 2 ** m; mask++) {
          const byz = new Set([...Array(m).keys()].filter((j) => (mask >> j) & 1));
          const rest = stretch(graph, byz);
          if (rest.services.length === 0 || total.isZero()) continue;
          if ((await analyzeElastic(rest, BUDGET("brute"))).secure) continue;
          const share = Rational.sum([...byz].map((j) => weight[j]!)).div(total);
          if (best === null || share.lt(best)) best = share;
        }
        expect(rob.complete).toBe(true);
        expect(sameRational(rob.rho, best)).toBe(true);
      }),
      { numRuns: Math.ceil(PROPERTY_RUNS / 2) },
    );
  });
});
