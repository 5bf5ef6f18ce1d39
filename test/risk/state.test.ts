import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../soak/lib.ts";
import { eigenNeutralView } from "../../src/core/eigenlayer/neutral.ts";
import type { Address } from "../../src/core/eigenlayer/state.ts";
import { graphToJson } from "../../src/risk/graph.ts";
import { graphFromNeutral, parseRiskParams } from "../../src/risk/neutral.ts";
import { analyzeSecurity } from "../../src/risk/security.ts";
import { Chain } from "../core/harness.ts";

/**
 * The restaking graph of an EigenLayer state, read through the protocol-neutral view only: operators' delegated
 * stake, each operator set's slashable allocations, profits and thresholds from a params file keyed by AVS or set.
 */

const E = 10n ** 18n;
const a = (n: number) => `0x${n.toString(16).padStart(40, "0")}` as Address;
const [T1, T2, S1, S2] = [a(0x701), a(0x702), a(0x5701), a(0x5702)];
const [st1, st2, st3] = [a(0x5a1), a(0x5a2), a(0x5a3)];
const [op1, op2, op3] = [a(0x0b1), a(0x0b2), a(0x0b3)];
const [avsA, avsB, avsC] = [a(0xa1), a(0xa2), a(0xa3)];
const WAD = E;

function deployment() {
  const c = new Chain();
  c.token(T1, S1, [
    [st1, 100n * E],
    [st2, 60n * E],
    [st3, 20n * E],
  ]);
  c.token(T2, S2, [[st2, 40n * E]]);
  c.run(st1, { type: "depositIntoStrategy", strategy: S1, amount: 100n * E });
  c.run(st2, { type: "depositIntoStrategy", strategy: S1, amount: 60n * E });
  c.run(st2, { type: "depositIntoStrategy", strategy: S2, amount: 40n * E });
  c.run(st3, { type: "depositIntoStrategy", strategy: S1, amount: 20n * E });
  for (const op of [op1, op2, op3]) c.run(op, { type: "registerAsOperator", allocationDelay: 0n, metadataURI: "x" });
  c.run(st1, { type: "delegateTo", operator: op1 });
  c.run(st2, { type: "delegateTo", operator: op2 });
  c.run(st3, { type: "delegateTo", operator: op3 });
  c.run(avsA, { type: "updateAVSMetadataURI", avs: avsA, metadataURI: "a" });
  c.run(avsB, { type: "updateAVSMetadataURI", avs: avsB, metadataURI: "b" });
  c.run(avsC, { type: "updateAVSMetadataURI", avs: avsC, metadataURI: "c" });
  c.run(avsA, { type: "createOperatorSets", avs: avsA, operatorSets: [{ operatorSetId: 0n, strategies: [S1, S2] }] });
  c.run(avsB, { type: "createOperatorSets", avs: avsB, operatorSets: [{ operatorSetId: 0n, strategies: [S1] }] });
  c.run(avsC, { type: "createOperatorSets", avs: avsC, operatorSets: [{ operatorSetId: 0n, strategies: [S1] }] });
  c.advance(1n);
  const reg = (op: Address, avs: Address) =>
    c.run(op, { type: "registerForOperatorSets", operator: op, avs, operatorSetIds: [0n] });
  reg(op1, avsA);
  reg(op1, avsB);
  reg(op2, avsA);
  reg(op3, avsB);
  reg(op3, avsC);
  const alloc = (op: Address, avs: Address, strategies: Address[], mags: bigint[]) =>
    c.run(op, {
      type: "modifyAllocations",
      operator: op,
      allocations: [{ avs, operatorSetId: 0n, strategies, newMagnitudes: mags }],
    });
  alloc(op1, avsA, [S1], [WAD / 2n]);
  alloc(op1, avsB, [S1], [WAD / 4n]);
  alloc(op2, avsA, [S1, S2], [WAD / 2n, WAD]);
  alloc(op3, avsB, [S1], [WAD / 2n]);
  alloc(op3, avsC, [S1], [WAD / 4n]);
  c.advance(1n);
  return eigenNeutralView(c.s, c.block);
}

const params = parseRiskParams({
  services: {
    [avsA]: { profit: "30e18", threshold: "1/2" },
    [`${avsB}/0`]: { profit: "10e18", threshold: "2/3" },
  },
});

describe("the restaking graph of an EigenLayer state", () => {
  const view = deployment();

  it("operators' delegated stake, each set's slashable allocations; sets without parameters are left out", () => {
    const { graph, unpriced } = graphFromNeutral(view, params);
    expect(unpriced).toEqual([`${avsC}/0`]);
    expect(graphToJson(graph)).toEqual({
      validators: [
        { id: op1, stake: (100n * E).toString() },
        { id: op2, stake: (100n * E).toString() },
        { id: op3, stake: (20n * E).toString() },
      ],
      services: [
        {
          id: `${avsA}/0`,
          profit: (30n * E).toString(),
          threshold: "1/2",
          validators: [op1, op2],
          allocations: { [op1]: (50n * E).toString(), [op2]: (70n * E).toString() },
        },
        {
          id: `${avsB}/0`,
          profit: (10n * E).toString(),
          threshold: "2/3",
          validators: [op1, op3],
          allocations: { [op1]: (25n * E).toString(), [op3]: (10n * E).toString() },
        },
      ],
    });
  });

  it("prices turn each asset's units into one unit", () => {
    const priced = parseRiskParams({
      services: { [avsA]: { profit: "1", threshold: "1/2" } },
      prices: { [T2]: "1/2" },
    });
    const { graph } = graphFromNeutral(view, priced);
    // op2: 60 of T1 at 1 and 40 of T2 at 1/2
    expect(graph.validators.find((v) => v.id === op2)!.stake.toString()).toBe((80n * E).toString());
  });

  it("unique stake (EigenLayer): each set on its own — A needs op2's 70 (50 < 60), B op1's 25 (≥ 70/3); γ* = 70/30 − 1", async () => {
    const rep = await analyzeSecurity(graphFromNeutral(view, params).graph, { model: "unique", psi: null });
    expect(rep).toMatchObject({ model: "unique", validators: 4, services: 2, secure: true, slack: "4/3" });
    expect(rep.worstAttack).toMatchObject({ services: [`${avsA}/0`], validators: [`${op2}@${avsA}/0`] });
    expect(rep.claim1.holds).toBe(true);
  });

  it("pooled (D&R): op1's whole 100 takes both A (≥ 100) and B (≥ 80) for 40 — γ* = 100/40 − 1 = 3/2", async () => {
    const rep = await analyzeSecurity(graphFromNeutral(view, params).graph, { model: "dr" });
    expect(rep).toMatchObject({ secure: true, slack: "3/2" });
    expect(rep.worstAttack).toMatchObject({ validators: [op1], services: [`${avsA}/0`, `${avsB}/0`] });
  });

  it("elastic: the best attack is on B alone (θW = 70/3 of demand for a profit of 10): max profit −40/3", async () => {
    const rep = await analyzeSecurity(graphFromNeutral(view, params).graph, { model: "elastic" });
    // B: θW = 2/3·35 = 70/3; op3 capped (10) leaves 40/3 of demand: 10 + 40/3 = 70/3 either way
    expect(rep.elastic?.maxProfit).toBe(`${-40n * E}/3`);
    expect(rep.secure).toBe(true);
  });
});

describe("architecture", () => {
  it("the security and concentration engine reads the core only through the protocol-neutral view", () => {
    const dir = join(REPO_ROOT, "src/risk");
    // exposure* and checklist* belong to the LRT and markets layers' look-through and read their views
    for (const f of readdirSync(dir).filter((f) => !/^(exposure|checklist)/.test(f))) {
      const text = readFileSync(join(dir, f), "utf8");
      const imports = [...text.matchAll(/from "([^"]+)"/g)].map((m) => m[1]!);
      for (const i of imports) {
        const ok = i.startsWith("./") || i === "../core/protocol.ts" || i === "highs";
        expect(ok, `${f} imports ${i}`).toBe(true);
      }
    }
  });
});
