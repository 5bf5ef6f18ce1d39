import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bruteBestAttack, bruteLoss, bruteSecurity } from "../../src/risk/brute.ts";
import { simulateCascade } from "../../src/risk/cascade.ts";
import { claim1, isCoalition, ratioOf } from "../../src/risk/coalition.ts";
import { maxGain, minRatio, worstLoss } from "../../src/risk/dr.ts";
import { removeValidators, splitUnique, toIntGraph } from "../../src/risk/graph.ts";
import { Rational, r } from "../../src/risk/rational.ts";
import { analyzeSecurity } from "../../src/risk/security.ts";
import { BUDGET, graphArb, PROPERTY_RUNS, psiArb, sameRational } from "./helpers.ts";

/**
 * Properties on random graphs of up to 7 validators × 5 services, against brute-force enumeration (src/risk/brute.ts):
 * the MILP's verdicts, γ* and R_ψ agree exactly; Claim 1 implies security and Corollary 2 implies γ-slack;
 * R_ψ < (1 + 1/γ*)ψ when γ* > 0; the step cascade's union equals the one-shot result; the min cut agrees when α ≡ 1.
 */

const runs = { numRuns: PROPERTY_RUNS };

const bruteRatio = (g: ReturnType<typeof toIntGraph>) => {
  const b = bruteSecurity(g).minRatio;
  return b === null ? null : ratioOf(b);
};

describe("MILP against brute force", () => {
  it("secure/insecure agree, and every reported coalition is exactly what it claims", async () => {
    await fc.assert(
      fc.asyncProperty(graphArb({ fractions: true }), async (graph) => {
        const g = toIntGraph(graph);
        const b = bruteSecurity(g).maxGain;
        const bruteSecure = b === null || b.profit <= b.cost;
        const m = await maxGain(g, Rational.ONE, BUDGET("milp"));
        expect(m.optimal).toBe(true);
        const milpSecure = m.gain === null || m.gain.sign() <= 0;
        expect(milpSecure).toBe(bruteSecure);
        if (m.best !== null) expect(isCoalition(g, m.best.services, m.best.validators)).toBe(true);
      }),
      runs,
    );
  });

  it("γ* agrees exactly (Dinkelbach over the MILP vs enumeration)", async () => {
    await fc.assert(
      fc.asyncProperty(graphArb({ fractions: true }), async (graph) => {
        const g = toIntGraph(graph);
        const m = await minRatio(g, BUDGET("milp"), null);
        expect(m.exact).toBe(true);
        expect(sameRational(m.ratio, bruteRatio(g))).toBe(true);
        if (m.best !== null) expect(isCoalition(g, m.best.services, m.best.validators)).toBe(true);
      }),
      runs,
    );
  });

  it("R_ψ agrees exactly, and the reported shock and attack achieve it", async () => {
    await fc.assert(
      fc.asyncProperty(graphArb(), psiArb, async (graph, psi) => {
        const g = toIntGraph(graph);
        const b = bruteLoss(g, psi.n, psi.d);
        const m = await worstLoss(g, psi, BUDGET("milp"));
        expect(m.exact).toBe(true);
        expect(m.loss).toBe(b.loss);
        // the witness: σ_D ≤ ψσ_V, and the attack is valid on G↓D
        const shockStake = m.shock.reduce((a, v) => a + g.stake[v]!, 0n);
        expect(r(shockStake).le(psi.mul(r(g.total)))).toBe(true);
        const removed = new Uint8Array(g.n);
        for (const v of m.shock) removed[v] = 1;
        if (m.attack !== null) {
          expect(isCoalition(g, m.attack.services, m.attack.validators, removed)).toBe(true);
          expect(m.attack.profit > m.attack.cost).toBe(true);
        }
        expect(shockStake + (m.attack?.cost ?? 0n)).toBe(m.loss);
      }),
      runs,
    );
  });
});

describe("theorems on random graphs", () => {
  it("Claim 1 ⇒ secure; Corollary 2 at γ ⇒ γ* ≥ γ; Corollary 2's largest γ is a lower bound on γ*", async () => {
    await fc.assert(
      fc.asyncProperty(
        graphArb({ fractions: true }),
        fc.constantFrom("0", "1/10", "1/4", "1/2", "1"),
        async (graph, gs) => {
          const g = toIntGraph(graph);
          const gamma = r(gs);
          const ratio = bruteRatio(g);
          const c = claim1(g, gamma);
          if (c.holds && ratio !== null) expect(ratio.sub(Rational.ONE).ge(gamma)).toBe(true);
          const c0 = claim1(g);
          if (c0.holds) {
            const b = bruteSecurity(g).maxGain;
            expect(b === null || b.profit <= b.cost).toBe(true);
          }
          if (c0.maxGamma !== null && ratio !== null) expect(ratio.sub(Rational.ONE).ge(c0.maxGamma)).toBe(true);
        },
      ),
      { numRuns: PROPERTY_RUNS * 3 },
    );
  });

  it("Theorem 1: R_ψ < (1 + 1/γ*)·ψ whenever γ* > 0", async () => {
    await fc.assert(
      fc.asyncProperty(graphArb({ fractions: true }), psiArb, async (graph, psi) => {
        const g = toIntGraph(graph);
        const ratio = bruteRatio(g);
        if (ratio === null) return;
        const gamma = ratio.sub(Rational.ONE);
        if (gamma.sign() <= 0 || psi.isZero()) return;
        const loss = r(bruteLoss(g, psi.n, psi.d).loss).div(r(g.total));
        expect(loss.lt(Rational.ONE.add(gamma.inv()).mul(psi))).toBe(true);
      }),
      { numRuns: PROPERTY_RUNS * 3 },
    );
  });

  it("the step cascade (max-loss) after the worst shock: each step valid, union valid, total = the one-shot R_ψ", async () => {
    await fc.assert(
      fc.asyncProperty(
        graphArb(),
        psiArb,
        fc.constantFrom("brute", "milp") as fc.Arbitrary<"brute" | "milp">,
        async (graph, psi, method) => {
          const g = toIntGraph(graph);
          const one = bruteLoss(g, psi.n, psi.d);
          const c = await simulateCascade(g, one.shock, "max-loss", BUDGET(method));
          expect(c.exact).toBe(true);
          expect(c.unionValid).toBe(true);
          expect(c.loss).toBe(one.loss);
          // each step is a valid attack on the graph shrunk by the shock and the earlier steps
          const removed = new Uint8Array(g.n);
          for (const v of one.shock) removed[v] = 1;
          for (const s of c.steps) {
            expect(isCoalition(g, s.services, s.validators, removed)).toBe(true);
            expect(s.profit > s.cost).toBe(true);
            for (const v of s.validators) removed[v] = 1;
          }
        },
      ),
      runs,
    );
  });

  it("the myopic cascade (max-profit) from any shock: union is a valid attack (Corollary 1), loss ≤ the one-shot worst for that shock", async () => {
    await fc.assert(
      fc.asyncProperty(graphArb(), fc.array(fc.nat(6), { maxLength: 3 }), async (graph, picks) => {
        const g = toIntGraph(graph);
        const shock = [...new Set(picks.filter((v) => v < g.n))];
        const c = await simulateCascade(g, shock, "max-profit", BUDGET("brute"));
        expect(c.unionValid).toBe(true);
        const removed = new Uint8Array(g.n);
        for (const v of shock) removed[v] = 1;
        const best = bruteBestAttack(g, "max-loss", removed);
        const shockStake = shock.reduce((a, v) => a + g.stake[v]!, 0n);
        expect(c.loss <= shockStake + (best?.cost ?? 0n)).toBe(true);
      }),
      runs,
    );
  });
});

describe("α ≡ 1: the exact min cut", () => {
  it("security and γ* agree with brute force and the MILP", async () => {
    await fc.assert(
      fc.asyncProperty(graphArb({ alphaOne: true, fractions: true }), async (graph) => {
        const g = toIntGraph(graph);
        const b = bruteSecurity(g).maxGain;
        const cut = await maxGain(g, Rational.ONE, BUDGET("mincut"));
        const bruteSecure = b === null || b.profit <= b.cost;
        expect(cut.gain === null || cut.gain.sign() <= 0).toBe(bruteSecure);
        if (!bruteSecure) expect(cut.gain?.toString()).toBe(r(b!.profit - b!.cost).toString());
        const mr = await minRatio(g, BUDGET("mincut"), null);
        expect(sameRational(mr.ratio, bruteRatio(g))).toBe(true);
      }),
      runs,
    );
  });
});

describe("models", () => {
  it("unique stake isolates services: γ* of the split graph is the worst single service's", async () => {
    await fc.assert(
      fc.asyncProperty(graphArb({ allocations: true, maxValidators: 5, maxServices: 3 }), async (graph) => {
        const { graph: split } = splitUnique(graph);
        const g = toIntGraph(split);
        const whole = bruteRatio(g);
        let worst: Rational | null = null;
        for (let j = 0; j < split.services.length; j++) {
          // keep service j and its own allocations only
          const others = new Set(split.services.flatMap((s, k) => (k === j ? [] : s.validators)));
          const one = removeValidators({ ...split, services: [split.services[j]!] }, others).graph;
          const rj = bruteRatio(toIntGraph(one));
          if (rj !== null && (worst === null || rj.lt(worst))) worst = rj;
        }
        expect(sameRational(whole, worst)).toBe(true);
      }),
      runs,
    );
  });

  it("the report's verdict, slack and loss agree across methods (auto = brute here, milp)", async () => {
    await fc.assert(
      fc.asyncProperty(graphArb({ maxValidators: 6, maxServices: 4 }), psiArb, async (graph, psi) => {
        const a = await analyzeSecurity(graph, { psi, method: "brute" });
        const b = await analyzeSecurity(graph, { psi, method: "milp" });
        expect(b.secure).toBe(a.secure);
        expect(b.slack).toBe(a.slack);
        expect(b.loss?.value).toBe(a.loss?.value);
        expect(b.loss?.cascade?.matchesOneShot).toBe(true);
        expect(a.loss?.cascade?.matchesOneShot).toBe(true);
      }),
      { numRuns: Math.ceil(PROPERTY_RUNS / 2) },
    );
  });
});
