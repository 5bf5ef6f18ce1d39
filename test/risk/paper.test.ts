import { describe, expect, it } from "vitest";
import { simulateCascade } from "../../src/risk/cascade.ts";
import { claim1 } from "../../src/risk/coalition.ts";
import { maxGain, minRatio, worstLoss } from "../../src/risk/dr.ts";
import { parseGraph, toIntGraph } from "../../src/risk/graph.ts";
import { r } from "../../src/risk/rational.ts";
import { analyzeSecurity } from "../../src/risk/security.ts";
import { BUDGET } from "./helpers.ts";

/**
 * Durvasula–Roughgarden's examples (risk-models.md §1.4), exact, through every search method that applies:
 * brute force, the MILP (HiGHS, candidates re-verified exactly) and, where every α = 1, the min cut.
 */

/** TV-DR-1: the Theorem 2 instance with ε = 1/10. */
const TV_DR_1 = parseGraph({
  validators: [
    { id: "a", stake: "1/10" },
    { id: "b", stake: "9/10" },
  ],
  services: [{ id: "x", profit: "1", threshold: "1", validators: ["a", "b"] }],
});

/** TV-DR-3: the Theorem 8 instance with n = 6. */
const TV_DR_3 = parseGraph({
  validators: [1, 2, 3, 4, 5, 6].map((i) => ({ id: `v${i}`, stake: "1" })),
  services: [
    { id: "S6", profit: "2", threshold: "1", validators: ["v1", "v2", "v3", "v4", "v5", "v6"] },
    { id: "T1", profit: "2", threshold: "1", validators: ["v1", "v2", "v3"] },
    { id: "T2", profit: "2", threshold: "1", validators: ["v4", "v5", "v6"] },
  ],
});

const METHODS = ["brute", "milp", "mincut"] as const;
const LOSS_METHODS = ["brute", "milp"] as const;

describe("TV-DR-1: Theorem 2 instance, ε = 1/10", () => {
  const g = toIntGraph(TV_DR_1);

  it("Claim 1 holds with equality for both a and b", () => {
    const c = claim1(g);
    expect(c.holds).toBe(true);
    expect(c.load.map(String)).toEqual(["1", "1"]);
    expect(c.maxGamma?.toString()).toBe("0");
  });

  for (const method of METHODS) {
    it(`secure with γ* = 0 (a tie: π = σ_{a,b} = 1), by ${method}`, async () => {
      const gain = await maxGain(g, r(1), BUDGET(method));
      expect(gain.gain?.sign() ?? 0).toBeLessThanOrEqual(0);
      expect(gain.optimal).toBe(true);
      const ratio = await minRatio(g, BUDGET(method), null);
      expect(ratio.exact).toBe(true);
      expect(ratio.ratio?.toString()).toBe("1");
    });
  }

  for (const method of LOSS_METHODS) {
    it(`R_0 = R_0.05 = 0, R_0.1 = 1 (shock a, then ({x},{b}) since 1 > 0.9), R_0.5 = 1, by ${method}`, async () => {
      const value = async (psi: string) => {
        const l = await worstLoss(g, r(psi), BUDGET(method));
        expect(l.exact).toBe(true);
        return { value: r(l.loss).div(r(g.total)).toString(), l };
      };
      expect((await value("0")).value).toBe("0");
      expect((await value("1/20")).value).toBe("0");
      const tenth = await value("1/10");
      expect(tenth.value).toBe("1");
      expect(tenth.l.shock).toEqual([0]);
      expect(tenth.l.attack?.services).toEqual([0]);
      expect(tenth.l.attack?.validators).toEqual([1]);
      expect((await value("1/2")).value).toBe("1");
    });
  }

  it("the report: JSON fields, exact fractions, and the cascade reproduces R_0.1", async () => {
    const rep = await analyzeSecurity(TV_DR_1, { psi: r("1/10"), gamma: r("1/10") });
    expect(rep).toMatchObject({
      model: "dr",
      secure: true,
      slack: "0",
      slackExact: true,
      claim1: { holds: true, violators: [] },
      corollary2: { gamma: "1/10", holds: false, violators: ["a", "b"] },
      loss: {
        psi: "1/10",
        value: "1",
        shock: ["a"],
        attack: { services: ["x"], validators: ["b"], profit: "1", cost: "9/10", net: "1/10" },
        exact: true,
        theorem1Bound: null,
        cascade: {
          steps: [{ services: ["x"], validators: ["b"] }],
          value: "1",
          unionValid: true,
          matchesOneShot: true,
        },
      },
    });
    expect(rep.worstAttack).toMatchObject({
      services: ["x"],
      validators: ["a", "b"],
      profit: "1",
      cost: "1",
      net: "0",
    });
  });
});

describe("TV-DR-3: Theorem 8 instance, n = 6", () => {
  const g = toIntGraph(TV_DR_3);

  it("Claim 1 holds with equality for every v: 2/6 + 2/3 = 1", () => {
    const c = claim1(g);
    expect(c.holds).toBe(true);
    expect(c.load.map(String)).toEqual(["1", "1", "1", "1", "1", "1"]);
  });

  for (const method of METHODS) {
    it(`secure with γ* = 0: attacking all three costs 6 for a profit of 6, by ${method}`, async () => {
      const ratio = await minRatio(g, BUDGET(method), null);
      expect(ratio.ratio?.toString()).toBe("1");
      expect(ratio.exact).toBe(true);
      const gain = await maxGain(g, r(1), BUDGET(method));
      expect(gain.gain?.sign() ?? 0).toBeLessThanOrEqual(0);
    });
  }

  for (const method of LOSS_METHODS) {
    it(`R_0 = 0 and R_1/6 = 1: shock one validator, then ({S6,T1,T2}, the other five) since 6 > 5, by ${method}`, async () => {
      const zero = await worstLoss(g, r(0), BUDGET(method));
      expect(zero.loss).toBe(0n);
      const l = await worstLoss(g, r("1/6"), BUDGET(method));
      expect(l.exact).toBe(true);
      expect(r(l.loss).div(r(g.total)).toString()).toBe("1");
      expect(l.shock).toHaveLength(1);
      expect(l.attack?.services).toEqual([0, 1, 2]);
      expect(l.attack?.validators).toHaveLength(5);
      expect(l.attack?.profit).toBe(6n * g.scale);
      expect(l.attack?.cost).toBe(5n * g.scale);
    });
  }

  it("the step cascade after the shock {v1} is one step whose union is the one-shot attack", async () => {
    for (const method of ["brute", "milp"] as const) {
      const c = await simulateCascade(g, [0], "max-loss", BUDGET(method));
      expect(c.steps).toHaveLength(1);
      expect(c.union.services).toEqual([0, 1, 2]);
      expect(c.union.validators).toEqual([1, 2, 3, 4, 5]);
      expect(c.loss).toBe(g.total);
      expect(c.unionValid).toBe(true);
    }
  });
});

describe("Theorem 2 family: x(π = 1, α = 1) over {a: ε, b: 1 − ε} has R_ψ = 1 for every ψ ≥ ε", () => {
  for (const eps of ["1/4", "1/3", "2/5"]) {
    it(`ε = ${eps}`, async () => {
      const e = r(eps);
      const graph = parseGraph({
        validators: [
          { id: "a", stake: e.toString() },
          { id: "b", stake: r(1).sub(e).toString() },
        ],
        services: [{ id: "x", profit: "1", threshold: "1", validators: ["a", "b"] }],
      });
      const g = toIntGraph(graph);
      expect(claim1(g).holds).toBe(true);
      for (const psi of [e, e.add(r(1)).div(r(2)), r(1)]) {
        for (const method of LOSS_METHODS) {
          const l = await worstLoss(g, psi, BUDGET(method));
          expect(r(l.loss).div(r(g.total)).toString(), `${method} ψ=${psi}`).toBe("1");
        }
      }
      // just below ε nothing can be shocked
      const below = await worstLoss(g, e.sub(r(1, 100)), BUDGET("milp"));
      expect(below.loss).toBe(0n);
    });
  }
});

describe("Theorem 1 and Corollary 2 on a slack instance", () => {
  // x(π = 10/11, α = 1) over {a: 1/10, b: 9/10}: γ* = 11/10 − 1 = 1/10 exactly, and Corollary 2 holds at γ = 1/10
  const graph = parseGraph({
    validators: [
      { id: "a", stake: "1/10" },
      { id: "b", stake: "9/10" },
    ],
    services: [{ id: "x", profit: "10/11", threshold: "1", validators: ["a", "b"] }],
  });

  it("γ* = 1/10, Corollary 2 holds at 1/10 and fails just above; R_0.1 = 1 < (1 + 1/γ*)·0.1 = 11/10", async () => {
    const rep = await analyzeSecurity(graph, { psi: r("1/10"), gamma: r("1/10"), method: "milp" });
    expect(rep.secure).toBe(true);
    expect(rep.slack).toBe("1/10");
    expect(rep.corollary2?.holds).toBe(true);
    expect(rep.claim1.maxGamma).toBe("1/10");
    expect(rep.loss?.value).toBe("1");
    expect(rep.loss?.theorem1Bound).toBe("11/10");
    const above = await analyzeSecurity(graph, { gamma: r("11/100") });
    expect(above.corollary2?.holds).toBe(false);
  });

  it("the abstract's example: γ = 0.1 and ψ = 0.1% bound the loss below 1.1%", () => {
    const bound = r(1).add(r("0.1").inv()).mul(r("0.001"));
    expect(bound.toString()).toBe(r("0.011").toString());
  });
});
