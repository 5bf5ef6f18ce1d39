import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { NeutralView } from "../../src/core/protocol.ts";
import { concentration, metrics, parseEntityMap, parseLrtHoldings } from "../../src/risk/concentration.ts";
import { GraphError } from "../../src/risk/graph.ts";
import { parseRiskParams } from "../../src/risk/neutral.ts";
import { Rational, r } from "../../src/risk/rational.ts";

const w = (xs: (number | string)[]) => xs.map((x, i) => ({ id: `h${i}`, w: r(String(x)) }));

describe("concentration metrics: the example vectors of risk-models §6", () => {
  it("[40, 20, 10, 10, 10, 5, 5]: HHI 47/200 (2,350), N⅓ = 1, N½ = 2, Gini 27/70", () => {
    const m = metrics(w([40, 20, 10, 10, 10, 5, 5]));
    expect(m.hhi).toBe("47/200");
    expect(m.hhi10k).toBe(2350);
    expect(m.nakamoto).toEqual({ "1/3": 1, "1/2": 2 });
    expect(m.gini).toBe("27/70");
    expect(m.n).toBe(7);
    expect(m.total).toBe("100");
  });

  it("10 equal weights: HHI 1/10 (1,000), N⅓ = 4, Gini 0", () => {
    const m = metrics(w(Array(10).fill(7)));
    expect(m.hhi).toBe("1/10");
    expect(m.hhi10k).toBe(1000);
    expect(m.nakamoto["1/3"]).toBe(4);
    expect(m.nakamoto["1/2"]).toBe(6); // strictly more than half needs 6 of 10
    expect(m.gini).toBe("0");
  });

  it("Nakamoto at a threshold is strict (> θ); the attack coefficient reaches it (≥ θ)", () => {
    const m = metrics(w([1, 1, 1, 1]), r("1/2"));
    expect(m.nakamoto.threshold).toBe(3);
    expect(m.attackNakamoto).toBe(2);
  });

  it("holders with nothing are ignored; an empty list has no coefficients", () => {
    expect(metrics(w([0, 5, 0])).n).toBe(1);
    expect(metrics([])).toMatchObject({ n: 0, nakamoto: { "1/3": null, "1/2": null }, gini: "0", hhi: "0" });
  });

  it("properties: HHI ∈ [1/n, 1], Gini ∈ [0, 1 − 1/n], invariant under scaling and order", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 9 }),
        (xs, k) => {
          const m = metrics(w(xs));
          const n = Rational.of(xs.length);
          const hhi = r(m.hhi);
          const gini = r(m.gini);
          expect(hhi.ge(n.inv()) && hhi.le(Rational.ONE)).toBe(true);
          expect(gini.sign() >= 0 && gini.le(Rational.ONE.sub(n.inv()))).toBe(true);
          const scaled = metrics(w(xs.map((x) => x * k).reverse()));
          expect([scaled.hhi, scaled.gini, scaled.nakamoto]).toEqual([m.hhi, m.gini, m.nakamoto]);
        },
      ),
    );
  });
});

describe("concentration of a neutral view", () => {
  const S1 = "0xs1";
  const S2 = "0xs2";
  const exposure = (operator: string, service: string, set: string, collateral: string, amount: bigint) => ({
    protocol: "test",
    collateral,
    asset: collateral === S1 ? "0xeth" : "0xeigen",
    operator,
    service,
    serviceSet: `${service}/${set}`,
    slasher: service,
    redistributionRecipient: null,
    shares: amount,
    assetAmount: amount,
    sharesAtHorizon: amount,
    fractionWad: 0n,
    slashableUntil: null,
  });
  const view: NeutralView = {
    protocol: "test",
    block: 7n,
    horizonBlock: 7n,
    operators: [
      {
        protocol: "test",
        operator: "op1",
        delegated: [{ collateral: S1, asset: "0xeth", shares: 60n, assetAmount: 60n }],
        stakers: 1,
      },
      {
        protocol: "test",
        operator: "op2",
        delegated: [
          { collateral: S1, asset: "0xeth", shares: 30n, assetAmount: 30n },
          { collateral: S2, asset: "0xeigen", shares: 100n, assetAmount: 100n },
        ],
        stakers: 2,
      },
      {
        protocol: "test",
        operator: "op3",
        delegated: [{ collateral: S1, asset: "0xeth", shares: 10n, assetAmount: 10n }],
        stakers: 1,
      },
    ],
    exposures: [
      // op1 restakes the same 60 to two AVSs (a pooled protocol): slashable overall only once
      exposure("op1", "avsA", "0", S1, 60n),
      exposure("op1", "avsB", "0", S1, 60n),
      exposure("op2", "avsA", "0", S1, 20n),
      exposure("op2", "avsA", "1", S2, 50n),
      exposure("op3", "avsB", "0", S1, 10n),
    ],
    services: [],
  };

  it("per strategy over delegated stake, per AVS over slashable stake, overall without double counting", () => {
    const rep = concentration(view);
    expect(rep.perStrategy[S1]).toMatchObject({ n: 3, total: "100", nakamoto: { "1/3": 1, "1/2": 1 } });
    expect(rep.perStrategy[S2]).toMatchObject({ n: 1, total: "100" });
    // avsA: op1 60, op2 20 + 50 (two sets, two collaterals at price 1)
    expect(rep.perAvs.avsA).toMatchObject({ n: 2, total: "130" });
    expect(rep.perAvs.avsB).toMatchObject({ n: 2, total: "70" });
    // overall slashable: op1's 60 counted once (capped at its delegation), op2 20 + 50, op3 10
    expect(rep.slashable).toMatchObject({ n: 3, total: "140" });
    expect(rep.delegated).toMatchObject({ n: 3, total: "200" });
  });

  it("prices, thresholds per AVS, entities and LRT holdings", () => {
    const params = parseRiskParams({
      services: { avsA: { profit: "1", threshold: "2/3" } },
      prices: { "0xeigen": "1/10" },
    });
    const rep = concentration(view, {
      params,
      entities: parseEntityMap({ op1: "Big", op3: "Big" }),
      lrt: parseLrtHoldings([
        { lrt: "zETH", operator: "op1", amount: "5" },
        { lrt: "zETH", operator: "op2", amount: "5" },
        { lrt: "zETH", operator: "op1", amount: "10" },
      ]),
    });
    // avsA at prices: op1 60, op2 20 + 5 → 85; threshold 2/3 of 85 needs op1 alone (60 > 56.7)
    expect(rep.perAvs.avsA).toMatchObject({ total: "85", nakamoto: { threshold: 1 }, attackNakamoto: 1 });
    expect(rep.grouping).toBe("entities");
    expect(rep.slashable.top.map((t) => t.id)).toEqual(["Big", "op2"]);
    expect(rep.perLrt.zETH).toMatchObject({ n: 2, total: "20", hhi: "5/8" });
  });

  it("bad inputs name the path", () => {
    expect(() => parseEntityMap({ op1: 3 })).toThrow(GraphError);
    expect(() => parseLrtHoldings([{ lrt: "x", operator: "", amount: "1" }])).toThrow(/\$\[0\]\.operator/);
    expect(() => parseRiskParams({ prices: { x: "-1" } })).toThrow(/\$\.prices\.x/);
  });
});
