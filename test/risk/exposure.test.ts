import { beforeAll, describe, expect, it } from "vitest";
import { stateHash } from "../../src/core/eigenlayer/snapshot.ts";
import type { Address } from "../../src/core/eigenlayer/state.ts";
import * as cviews from "../../src/core/eigenlayer/views.ts";
import { toPlainJson } from "../../src/core/shared/codec.ts";
import { WAD } from "../../src/core/shared/math.ts";
import { getLrt } from "../../src/lrt/context.ts";
import { DEMO_DELAYS } from "../../src/lrt/demo.ts";
import { lrtTablesHash } from "../../src/lrt/snapshot.ts";
import { marketStateHash } from "../../src/markets/snapshot.ts";
import { type ExposureNode, type ExposureStack, exposureStack, type RiskLayerKind } from "../../src/risk/exposure.ts";
import { apportion } from "../../src/risk/exposureCore.ts";
import { buildRiskDemoWorld, defaultAssetMap, type RiskDemo, type RiskWorld } from "../../src/risk/exposureWorld.ts";
import { handWorld } from "./exposureHarness.ts";

const E = (n: bigint | number) => BigInt(n) * WAD;

function checkSums(n: ExposureNode): void {
  if (n.children.length === 0) return;
  expect(
    n.children.reduce((a, c) => a + c.valueEth, 0n),
    `children of ${n.id}`,
  ).toBe(n.valueEth);
  for (const c of n.children) checkSums(c);
}

function find(nodes: ExposureNode[], pred: (n: ExposureNode) => boolean): ExposureNode[] {
  const out: ExposureNode[] = [];
  const walk = (ns: ExposureNode[]) => {
    for (const n of ns) {
      if (pred(n)) out.push(n);
      walk(n.children);
    }
  };
  walk(nodes);
  return out;
}

function hashOf(w: RiskWorld): string {
  return `${stateHash(w.eigen)}|${lrtTablesHash(w.lrt)}|${marketStateHash(w.markets)}`;
}

const ORDER: RiskLayerKind[] = ["consensus", "lst", "restaking", "operator", "avs", "lrt", "bridge", "lending"];

describe("exposure stack: a world done by hand", () => {
  const h = handWorld();
  const stack = exposureStack(h.world, h.holder);

  it("values the holder's 100 ezETH at 100 ETH and looks through to the operator sets", () => {
    const ez = stack.positions.find((p) => p.id === `lrt:${h.lrt}:ezETH@ethereum`)!;
    expect(ez.amount).toBe(E(100));
    expect(ez.valueEth).toBe(E(100));
    checkSums(ez);
    const ops = find([ez], (n) => n.layer === "operator");
    expect(ops.map((o) => [o.details?.operator, o.valueEth])).toEqual([
      [h.a, E(60)],
      [h.b, E(40)],
    ]);
    // A can lose half of its 60, B a quarter of its 40; the rest no set can take
    const sets = find([ez], (n) => n.layer === "operatorSet").map((n) => n.valueEth);
    expect(sets).toEqual([E(30), E(10)]);
    const free = find([ez], (n) => n.layer === "notSlashable").map((n) => n.valueEth);
    expect(free).toEqual([E(30), E(30)]);
  });

  it("loses 30 ETH if the set slashes A, 10 ETH if it slashes B, 40 ETH at once", () => {
    expect(stack.events.map((e) => [e.operator, e.lossEth])).toEqual([
      [h.a, E(30)],
      [h.b, E(10)],
    ]);
    expect(stack.totals.worstEventLossEth).toBe(E(30));
    expect(stack.allAtOnce.lossEth).toBe(E(40));
    expect(stack.events[0]!.sentence).toMatch(/slashes operator .* by its maximum, this account loses 30\.000000 ETH/);
    expect(stack.events[0]!.recognition).toEqual([
      expect.objectContaining({ lrt: h.lrt, protocol: "renzo", before: E(100), after: E(70), blockedBy: null }),
    ]);
  });

  it("does exactly what the engine does when the slash is applied", () => {
    const j = h.c.w.eigen.journal;
    const mark = j.begin();
    try {
      h.c.core(h.avs, {
        type: "slashOperator",
        avs: h.avs,
        operator: h.a,
        operatorSetId: 1n,
        strategies: [h.strategies.steth!],
        wadsToSlash: [WAD],
      });
      const after = exposureStack(h.world, h.holder);
      expect(after.positions.find((p) => p.layer === "lrt")!.valueEth).toBe(E(70));
      const d0 = getLrt(h.c.w, h.lrt).delegators[0]!.address;
      expect(cviews.withdrawableShares(h.c.w.eigen, d0, h.strategies.steth!)).toBe(E(30));
    } finally {
      j.rollback(mark);
    }
    expect(exposureStack(h.world, h.holder).positions.find((p) => p.layer === "lrt")!.valueEth).toBe(E(100));
  });

  it("lists the layers in order: LST, EigenLayer, operators, the AVS, the LRT", () => {
    expect(stack.riskLayers.map((l) => l.layer)).toEqual(["lst", "restaking", "operator", "operator", "avs", "lrt"]);
    expect(stack.riskLayers.map((l) => l.order)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("gives Renzo's exit: a 7-day cooldown, or the buffer is short", () => {
    const q = stack.exits.find((x) => x.path === "Renzo withdrawal queue")!;
    expect(q.amount).toBe(E(100));
    // the withdraw buffer holds nothing: the request would revert until it is refilled by unstaking
    expect(q.blockers.join()).toMatch(/withdraw buffer holds 0\.000000 ETH free/);
    expect(q.delaySeconds).toBe(7n * 86_400n + (DEMO_DELAYS.minWithdrawalDelayBlocks + 1n) * 12n);
  });
});

describe("exposure stack: the demo world", () => {
  let demo: RiskDemo;
  let lender: ExposureStack;
  beforeAll(() => {
    demo = buildRiskDemoWorld();
    lender = exposureStack(demo.world, demo.accounts.lender!);
  });

  it("is pure: the world's hash does not move", () => {
    const before = hashOf(demo.world);
    exposureStack(demo.world, demo.accounts.alice!);
    exposureStack(demo.world, demo.accounts.lender!);
    expect(hashOf(demo.world)).toBe(before);
  });

  it("walks every layer for the account that holds them all, and every node sums exactly", () => {
    for (const p of lender.positions) checkSums(p);
    expect(lender.totals.netEth).toBe(lender.positions.reduce((a, p) => a + p.valueEth, 0n));
    expect(lender.totals.assetsEth - lender.totals.debtEth).toBe(lender.totals.netEth);
    const layers = new Set(find(lender.positions, () => true).map((n) => n.layer));
    for (const l of [
      "lending",
      "debt",
      "bridge",
      "lrt",
      "lst",
      "eth",
      "strategy",
      "operator",
      "operatorSet",
      "holding",
    ]) {
      expect(layers, l).toContain(l);
    }
    // the lending position: 10 weETH in, 8 WETH out, the weETH looked through to ether.fi
    const aave = lender.positions.find((p) => p.id === "market:aave")!;
    expect(aave.children.map((c) => c.layer)).toEqual(["lrt", "debt"]);
    expect(aave.children[1]!.valueEth).toBe(-E(8));
    expect(aave.children[0]!.details?.lrt).toBe("eeth");
    expect(aave.details?.healthFactor).toBeGreaterThan(WAD);
  });

  it("orders the risk layers as the issue does, with every kind present for the lender", () => {
    const kinds = lender.riskLayers.map((l) => l.layer);
    expect(new Set(kinds)).toEqual(new Set(ORDER));
    const idx = kinds.map((k) => ORDER.indexOf(k));
    expect(idx).toEqual([...idx].sort((x, y) => x - y));
    const bridges = lender.riskLayers.filter((l) => l.layer === "bridge").map((l) => l.details.chain);
    expect(bridges).toEqual(["arbitrum", "base", "unichain"]);
  });

  it("reports each slashing event's loss per position, worst first, and all at once", () => {
    expect(lender.events.length).toBeGreaterThan(0);
    for (const e of lender.events) {
      expect(e.lossEth).toBe(e.byPosition.reduce((a, p) => a + p.lossEth, 0n));
      expect(e.lossEth).toBeGreaterThan(0n);
    }
    const losses = lender.events.map((e) => e.lossEth);
    expect(losses).toEqual([...losses].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));
    expect(lender.allAtOnce.lossEth).toBeGreaterThanOrEqual(lender.totals.worstEventLossEth);
    expect(lender.allAtOnce.events).toBe(3);
    // the lending position's health factor under each event (the weETH oracle follows the exchange rate)
    const hf = lender.events[0]!.lending.find((l) => l.position === "market:aave")!;
    expect(hf.healthFactorAfter).not.toBeNull();
    expect(hf.healthFactorAfter!).toBeLessThan(hf.healthFactor);
    // Kelp's 1 % price guard would refuse the update for the operator that holds its stake
    const kelp = lender.allAtOnce.recognition.find((r) => r.lrt === "rseth")!;
    expect(kelp.blockedBy).toMatch(/pricePercentageLimit/);
    const etherfi = lender.allAtOnce.recognition.find((r) => r.lrt === "eeth")!;
    expect(etherfi.reports).toBeGreaterThan(100n);
  });

  it("gives the ways out: the queues, instant redemption, the DEX, the bridge, repaying the loan", () => {
    const paths = (id: string) => lender.exits.filter((x) => x.position === id).map((x) => x.path);
    expect(paths("lrt:eeth:eETH@ethereum")).toEqual([
      "ether.fi withdrawal queue",
      "ether.fi instant redemption",
      "sell on weETH-WETH",
    ]);
    expect(paths("lrt:eeth:weETH@arbitrum")[0]).toBe("bridge to ethereum");
    expect(paths("lrt:rseth:rsETH@unichain")).toEqual(["bridge to ethereum", "Kelp withdrawal queue"]);
    const kelp = lender.exits.find((x) => x.path === "Kelp withdrawal queue")!;
    expect(kelp.delaySeconds).toBe(57_600n * 12n);
    expect(paths("market:aave")).toEqual(["repay the debt, withdraw the collateral, then exit it"]);
    const dex = lender.exits.find((x) => x.path === "sell on weETH-WETH")!;
    expect(dex.receiveEth).toBeGreaterThan(0n);
    expect(dex.notes.join()).toMatch(/price impact/);
  });

  it("shows pending withdrawal requests with their exits", () => {
    const u1 = exposureStack(demo.world, demo.demo.users[1]!);
    const reqs = u1.positions.filter((p) => p.layer === "lrtRequest");
    expect(reqs.map((r) => r.details?.lrt)).toEqual(["eeth", "ezeth", "pufeth", "rseth", "rsweth"]);
    for (const r of reqs) expect(u1.exits.some((x) => x.position === r.id)).toBe(true);
  });

  it("looks through a leveraged loop (alice) and a Morpho loop priced by a pool (bob)", () => {
    const alice = exposureStack(demo.world, demo.accounts.alice!);
    const aave = alice.positions.find((p) => p.id === "market:aave")!;
    expect(aave.details?.leverage).toBeGreaterThan(5n * WAD);
    checkSums(aave);
    const bob = exposureStack(demo.world, demo.accounts.bob!);
    const morpho = bob.positions.find((p) => p.layer === "lending")!;
    expect(morpho.id).toBe("market:morpho:ezETH-WETH-86");
    expect(morpho.children[0]!.details?.lrt).toBe("ezeth");
    // bob's collateral is priced by a DEX pool: a slash does not move that oracle by itself
    for (const e of bob.events) {
      const l = e.lending.find((x) => x.position === morpho.id)!;
      expect(l.healthFactorAfter).toBe(l.healthFactor);
    }
  });

  it("is empty for an account that holds nothing", () => {
    const none = exposureStack(demo.world, "0x00000000000000000000000000000000000000aa");
    expect(none.positions).toEqual([]);
    expect(none.totals).toEqual({
      netEth: 0n,
      assetsEth: 0n,
      debtEth: 0n,
      worstEventLossEth: 0n,
      allAtOnceLossEth: 0n,
    });
    expect(none.events).toEqual([]);
    expect(none.riskLayers).toEqual([]);
  });

  it("takes an explicit asset map: weETH on Arbitrum adds the bridge under the loan; a vault over strategy shares", () => {
    const map = defaultAssetMap(demo.world);
    expect(map).toMatchObject({
      WETH: { kind: "eth" },
      weETH: { kind: "lrt", lrt: "eeth", token: "weETH" },
      ezETH: { kind: "lrt", lrt: "ezeth", token: "ezETH" },
      USDC: { kind: "none" },
    });
    const onL2 = exposureStack(demo.world, demo.accounts.lender!, {
      assets: { weETH: { kind: "lrt", lrt: "eeth", token: "weETH", chain: "arbitrum" } },
    });
    const aave = onL2.positions.find((p) => p.id === "market:aave")!;
    expect(aave.children[0]!.layer).toBe("bridge");
    expect(aave.children[0]!.children[0]!.layer).toBe("lrt");
    expect(aave.valueEth).toBe(lender.positions.find((p) => p.id === "market:aave")!.valueEth);
    // ezETH as a vault over the first Renzo delegator's stETH strategy shares
    const d0 = getLrt(demo.demo.chain.w, "ezeth").delegators[0]!.address;
    const st = demo.demo.strategies.steth!;
    const vault = exposureStack(demo.world, demo.accounts.bob!, {
      assets: { ezETH: { kind: "strategy", strategy: st, staker: d0 } },
    });
    const node = find(vault.positions, (n) => n.layer === "strategy" && n.details?.staker === d0)[0]!;
    expect(node.children[0]!.layer).toBe("operator");
    expect(vault.events[0]!.lossEth).toBeGreaterThan(0n);
  });

  it("serialises to plain JSON with bigints as decimal strings", () => {
    const text = toPlainJson(lender);
    const back = JSON.parse(text) as { totals: Record<string, string>; positions: { valueEth: string }[] };
    expect(back.totals.netEth).toBe(lender.totals.netEth.toString());
    expect(typeof back.positions[0]!.valueEth).toBe("string");
    expect(text).not.toMatch(/\d+n"/);
  });
});

describe("apportion", () => {
  it("splits exactly, largest remainders first, zero weights get nothing", () => {
    expect(apportion(10n, [1n, 1n, 1n])).toEqual([4n, 3n, 3n]);
    expect(apportion(100n, [0n, 3n, 7n])).toEqual([0n, 30n, 70n]);
    expect(apportion(-5n, [1n, 1n])).toEqual([-3n, -2n]);
    expect(apportion(7n, [0n, 0n])).toEqual([0n, 0n]);
    const parts = apportion(10n ** 18n + 1n, [3n, 5n, 11n, 13n]);
    expect(parts.reduce((a, p) => a + p, 0n)).toBe(10n ** 18n + 1n);
  });

  it("an address of no one is safe to ask about", () => {
    const w = handWorld().world;
    expect(exposureStack(w, "0x00000000000000000000000000000000000000bb" as Address).positions).toEqual([]);
  });
});
