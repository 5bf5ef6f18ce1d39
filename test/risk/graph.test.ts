import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  GraphError,
  graphToJson,
  parseGraph,
  removeValidators,
  splitUnique,
  toIntGraph,
} from "../../src/risk/graph.ts";
import { Rational, r } from "../../src/risk/rational.ts";
import { graphArb } from "./helpers.ts";

describe("Rational", () => {
  it("parses decimals, exponents and fractions exactly, and prints p/q in lowest terms", () => {
    expect(r("0.75").toString()).toBe("3/4");
    expect(r("-6/4").toString()).toBe("-3/2");
    expect(r("1.5e3").toString()).toBe("1500");
    expect(r("25e-2").toString()).toBe("1/4");
    expect(r("12").toString()).toBe("12");
    for (const bad of ["", "1/0", "0x10", "1.", ".5", " 1", "1 ", "NaN", "Infinity", "1/-2", "--1"]) {
      expect(Rational.parse(bad), bad).toBeNull();
    }
  });

  it("is a field: exact arithmetic, comparison, floor/ceil", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }),
        fc.bigInt({ min: 1n, max: 10n ** 20n }),
        fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }),
        fc.bigInt({ min: 1n, max: 10n ** 20n }),
        (a, b, c, d) => {
          const x = Rational.of(a, b);
          const y = Rational.of(c, d);
          expect(x.add(y).sub(y).eq(x)).toBe(true);
          if (!y.isZero()) expect(x.mul(y).div(y).eq(x)).toBe(true);
          expect(x.cmp(y)).toBe(a * d < c * b ? -1 : a * d > c * b ? 1 : 0);
          expect(Rational.of(x.floor()).le(x) && Rational.of(x.floor() + 1n).gt(x)).toBe(true);
          expect(Rational.of(x.ceil()).ge(x) && Rational.of(x.ceil() - 1n).lt(x)).toBe(true);
          expect(Rational.parse(x.toString())!.eq(x)).toBe(true);
        },
      ),
    );
  });

  it("converts doubles exactly and huge fractions to close doubles", () => {
    expect(Rational.fromNumber(0.1).toNumber()).toBe(0.1);
    expect(Rational.fromNumber(-2.5).toString()).toBe("-5/2");
    const huge = Rational.of(10n ** 400n + 7n, 3n * 10n ** 399n);
    expect(huge.toNumber()).toBeCloseTo(10 / 3, 12);
    expect(Rational.of(1n, 10n ** 300n).toNumber()).toBeCloseTo(1e-300, 310);
    expect(r("2/3").toDecimal(4)).toBe("0.6666");
  });
});

describe("graph JSON", () => {
  const ok = {
    validators: [
      { id: "a", stake: "4" },
      { id: "b", stake: "3/2" },
      { id: "c", stake: "0.5" },
    ],
    services: [
      { id: "s1", profit: "5", threshold: "1/2", validators: ["a", "b", "c"] },
      { id: "s2", profit: "0", threshold: "1", validators: ["c", "a"], allocations: { a: "2" } },
    ],
  };

  it("parses the issue's format; allocations fill in the whole stake for unlisted neighbours", () => {
    const g = parseGraph(JSON.stringify(ok));
    expect(g.validators.map((v) => v.stake.toString())).toEqual(["4", "3/2", "1/2"]);
    expect(g.services[1]!.validators).toEqual([0, 2]);
    expect(g.services[1]!.allocations!.map(String)).toEqual(["2", "1/2"]);
    expect(graphToJson(g)).toEqual({
      ...ok,
      validators: ok.validators.map((v) => ({ ...v, stake: r(v.stake).toString() })),
      services: [ok.services[0], { ...ok.services[1], validators: ["a", "c"], allocations: { a: "2", c: "1/2" } }],
    });
  });

  const cases: [string, unknown, string, string][] = [
    ["not JSON", "{", "$", "not valid JSON"],
    ["not an object", [], "$", "expected an object"],
    ["unknown top-level field", { ...ok, extra: 1 }, "$.extra", "unknown field"],
    [
      "stake as a JSON number",
      { ...ok, validators: [{ id: "a", stake: 4 }] },
      "$.validators[0].stake",
      "write numbers as strings",
    ],
    ["zero stake", { ...ok, validators: [{ id: "a", stake: "0" }] }, "$.validators[0].stake", "must be > 0"],
    ["bad number", { ...ok, validators: [{ id: "a", stake: "4 ETH" }] }, "$.validators[0].stake", "not a decimal"],
    [
      "duplicate validator",
      { ...ok, validators: [ok.validators[0], ok.validators[0]] },
      "$.validators[1].id",
      "duplicate",
    ],
    ["id with a space", { ...ok, validators: [{ id: "a b", stake: "1" }] }, "$.validators[0].id", "without whitespace"],
    ["negative profit", { ...ok, services: [{ ...ok.services[0], profit: "-1" }] }, "$.services[0].profit", "≥ 0"],
    ["threshold 0", { ...ok, services: [{ ...ok.services[0], threshold: "0" }] }, "$.services[0].threshold", "(0, 1]"],
    [
      "threshold > 1",
      { ...ok, services: [{ ...ok.services[0], threshold: "3/2" }] },
      "$.services[0].threshold",
      "(0, 1]",
    ],
    [
      "unknown validator",
      { ...ok, services: [{ ...ok.services[0], validators: ["zz"] }] },
      "$.services[0].validators[0]",
      "unknown validator",
    ],
    [
      "listed twice",
      { ...ok, services: [{ ...ok.services[0], validators: ["a", "a"] }] },
      "$.services[0].validators[1]",
      "listed twice",
    ],
    [
      "duplicate service",
      { ...ok, services: [ok.services[0], ok.services[0]] },
      "$.services[1].id",
      "duplicate service",
    ],
    [
      "allocation above the stake",
      { ...ok, services: [{ ...ok.services[1], allocations: { c: "1" } }] },
      "$.services[0].allocations.c",
      "exceeds the validator's stake",
    ],
    [
      "allocation to a non-member",
      { ...ok, services: [{ ...ok.services[1], allocations: { b: "1" } }] },
      "$.services[0].allocations.b",
      "not in this service",
    ],
    [
      "zero allocation",
      { ...ok, services: [{ ...ok.services[1], allocations: { a: "0" } }] },
      "$.services[0].allocations.a",
      "must be > 0",
    ],
  ];
  for (const [name, input, path, reason] of cases) {
    it(`rejects ${name} at ${path}`, () => {
      try {
        parseGraph(input);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(GraphError);
        expect((e as GraphError).path).toBe(path);
        expect((e as GraphError).reason).toContain(reason);
        expect((e as GraphError).message).toBe(`${path}: ${(e as GraphError).reason}`);
      }
    });
  }

  it("round-trips random graphs", () => {
    fc.assert(
      fc.property(graphArb({ fractions: true, allocations: true }), (g) => {
        const back = parseGraph(JSON.parse(JSON.stringify(graphToJson(g))));
        expect(graphToJson(back)).toEqual(graphToJson(g));
      }),
    );
  });
});

describe("transformations", () => {
  it("G↓D drops the validators and recomputes neighbourhoods; the unique split has one validator per allocation", () => {
    const g = parseGraph({
      validators: [
        { id: "a", stake: "4" },
        { id: "b", stake: "2" },
      ],
      services: [
        { id: "s", profit: "1", threshold: "1/2", validators: ["a", "b"], allocations: { a: "1" } },
        { id: "t", profit: "1", threshold: "1", validators: ["b"] },
      ],
    });
    const down = removeValidators(g, new Set([1])).graph;
    expect(down.validators.map((v) => v.id)).toEqual(["a"]);
    expect(down.services.map((s) => s.validators)).toEqual([[0], []]);
    expect(down.services[0]!.allocations!.map(String)).toEqual(["1"]);
    const { graph: split, origin } = splitUnique(g);
    expect(split.validators.map((v) => [v.id, v.stake.toString()])).toEqual([
      ["a@s", "1"],
      ["b@s", "2"],
      ["b@t", "2"],
    ]);
    expect(origin).toEqual([0, 1, 1]);
    const ig = toIntGraph(split);
    expect(ig.svcOf).toEqual([[0], [0], [1]]);
  });

  it("scales every amount to integers by one common denominator", () => {
    const g = toIntGraph(
      parseGraph({
        validators: [
          { id: "a", stake: "1/3" },
          { id: "b", stake: "1/2" },
        ],
        services: [{ id: "s", profit: "5/4", threshold: "2/3", validators: ["a", "b"] }],
      }),
    );
    expect(g.scale).toBe(12n);
    expect(g.stake).toEqual([4n, 6n]);
    expect(g.profit).toEqual([15n]);
    expect([g.thrNum[0], g.thrDen[0]]).toEqual([2n, 3n]);
    expect(g.total).toBe(10n);
  });
});
