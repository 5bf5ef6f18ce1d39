import { describe, expect, it } from "vitest";
import { NATIVE_ETH } from "../../src/core/eigenlayer/eigenPodManager.ts";
import { type Address, setKey } from "../../src/core/eigenlayer/state.ts";
import * as views from "../../src/core/eigenlayer/views.ts";
import { isProtocolError } from "../../src/core/shared/errors.ts";
import { WAD } from "../../src/core/shared/math.ts";
import * as lrtViews from "../../src/lrt/views.ts";
import { createWorld, worldHash } from "../../src/node/world.ts";
import { replayEntries, type SimEntry } from "../../src/sim/chain.ts";
import { buildNetwork } from "../../src/sim/network/build.ts";
import {
  fromMarket,
  gatewayBacking,
  marketBalance,
  marketHoldings,
  marketSupplyOutsideGateway,
  movableToMarket,
  toMarket,
} from "../../src/sim/network/gateway.ts";
import { networkNames } from "../../src/sim/network/names.ts";
import { resolvePreset } from "../../src/sim/network/presets.ts";
import { networkShape } from "../../src/sim/network/stats.ts";
import type { SimNetwork } from "../../src/sim/network/types.ts";
import type { ExplicitNetwork, NetworkSpec } from "../../src/sim/scenario/types.ts";

const E = (n: number | bigint) => BigInt(n) * WAD;
const SMALL: NetworkSpec = { preset: "small", params: {} };
const sorted = (xs: Iterable<string>) => [...xs].sort();

/** The ids the built network actually has, in the shape of NetworkNames. */
function builtNames(net: SimNetwork) {
  const m = net.chain.world.markets;
  const chains: Record<string, string[]> = {};
  for (const l of net.lrts) chains[l.id] = [];
  for (const r of net.chain.world.lrt.routes.values()) chains[r.lrt]!.push(r.chain);
  return {
    operators: net.operators.map((o) => o.id),
    avss: net.avss.map((a) => a.id),
    clients: sorted(new Set(net.avss.map((a) => a.client))),
    lrts: net.lrts.map((l) => l.id),
    oracles: sorted(m.oracles.keys()),
    aaveReserves: sorted(m.reserves.keys()),
    morphoMarkets: sorted(m.morphoMarkets.keys()),
    chains: Object.fromEntries(Object.entries(chains).map(([k, v]) => [k, sorted(v)])),
  };
}

function expectNamesMatch(spec: NetworkSpec, net: SimNetwork): void {
  const n = networkNames(spec);
  const b = builtNames(net);
  expect(b.operators).toEqual(n.operators);
  expect(b.avss).toEqual(n.avss);
  expect(b.lrts).toEqual(n.lrts);
  expect(b.oracles).toEqual(sorted(n.oracles));
  expect(b.aaveReserves).toEqual(sorted(n.aaveReserves));
  expect(b.morphoMarkets).toEqual(sorted(n.morphoMarkets));
  expect(b.chains).toEqual(Object.fromEntries(Object.entries(n.chains).map(([k, v]) => [k, sorted(v)])));
  // every client an AVS or an operator runs is named
  for (const c of b.clients) expect(n.clients).toContain(c);
  for (const o of net.operators) for (const c of o.clients) expect(n.clients).toContain(c);
}

function expectGatewayBalanced(net: SimNetwork): void {
  for (const l of net.lrts) {
    expect(marketSupplyOutsideGateway(net, l.id), l.id).toBe(gatewayBacking(net, l.id));
  }
}

function expectLoopersBorrow(net: SimNetwork): void {
  const m = net.chain.world.markets;
  expect(net.loopers.length).toBeGreaterThan(0);
  for (const lp of net.loopers) {
    if (lp.market === "aave") expect(m.aDebt.get(`${net.weth}|${lp.address}`) ?? 0n, lp.address).toBeGreaterThan(0n);
    else
      expect(m.morphoPositions.get(`${lp.market}|${lp.address}`)?.borrowShares ?? 0n, lp.address).toBeGreaterThan(0n);
  }
}

/** Every set member has a current magnitude in every strategy of the set. */
function expectAllocated(net: SimNetwork): void {
  const s = net.chain.world.eigen;
  const byId = new Map(net.operators.map((o) => [o.id, o.address]));
  for (const a of net.avss) {
    for (const set of a.operatorSets) {
      for (const id of set.operators) {
        for (const st of set.strategies) {
          const al = views.allocation(s, net.chain.block, byId.get(id)!, setKey(a.address, set.id), st);
          expect(al.currentMagnitude, `${a.id}/${set.id} ${id}`).toBeGreaterThan(0n);
        }
      }
    }
  }
}

/** Nothing but the admins' mints created value: the core's ETH and the markets' WETH equal what was injected. */
function expectInjectedTally(net: SimNetwork): void {
  let eth = 0n;
  for (const [k, v] of net.chain.world.eigen.balances.entries()) if (k.startsWith(`${NATIVE_ETH}|`)) eth += v;
  expect(eth).toBe(net.injected.eth);
  const weth = marketHoldings(net.chain.world.markets, net.weth);
  expect(weth.wallets + weth.pools + weth.lending).toBe(net.injected.marketWeth);
}

describe("sim network: the small preset", () => {
  const entries: SimEntry[] = [];
  const net = buildNetwork(SMALL, 7, { sink: (e) => entries.push(e) });

  it("is deterministic: the same seed gives the same hash, another seed a different one", () => {
    expect(buildNetwork(SMALL, 7).chain.hash()).toBe(net.chain.hash());
    expect(buildNetwork(SMALL, 8).chain.hash()).not.toBe(net.chain.hash());
  });

  it("is exactly its recorded commands: replaying them rebuilds the same world", () => {
    expect(entries.length).toBe(net.chain.applied);
    const replayed = replayEntries(entries, createWorld(net.worldParams));
    expect(worldHash(replayed)).toBe(net.chain.hash());
  });

  it("has the ids networkNames announces before building", () => {
    expectNamesMatch(SMALL, net);
    const p = resolvePreset("small");
    expect(net.operators).toHaveLength(p.operators);
    expect(net.avss).toHaveLength(p.avss);
    expect(net.stakers).toHaveLength(p.stakers);
    expect(net.lrtHolders).toHaveLength(p.lrtHolders);
    expect(net.loopers).toHaveLength(p.loopers);
  });

  it("gives each operator the clients of the AVSs it serves", () => {
    for (const o of net.operators) {
      const served = net.avss
        .filter((a) => a.operatorSets.some((s) => s.operators.includes(o.id)))
        .map((a) => a.client);
      expect(o.clients).toEqual(sorted(new Set(served)));
    }
  });

  it("allocates every operator-set member in every strategy of the set", () => {
    expectAllocated(net);
    for (const a of net.avss) expect(a.slasher).toBe(a.address);
  });

  it("backs every market LRT 1:1 with LRT-layer tokens at the gateway", () => {
    expectGatewayBalanced(net);
    for (const l of net.lrts) if (l.pool !== undefined) expect(gatewayBacking(net, l.id)).toBeGreaterThan(0n);
  });

  it("leaves every looper with an open borrow", () => {
    expectLoopersBorrow(net);
  });

  it("counts every mint as injected value", () => {
    expectInjectedTally(net);
  });

  it("puts about the configured share of restaked ETH in LRTs", () => {
    const shape = networkShape(net);
    expect(Math.abs(shape.lrtShare - resolvePreset("small").lrtShare)).toBeLessThan(0.03);
    // with another share, the split follows
    const other = networkShape(buildNetwork({ preset: "small", params: { lrtShare: 0.8 } }, 7));
    expect(Math.abs(other.lrtShare - 0.8)).toBeLessThan(0.03);
  });

  it("keeps the pools at the LRTs' rates after the loops (the LP rebalances them)", () => {
    const m = net.chain.world.markets;
    for (const l of net.lrts) {
      const p = m.pools.get(l.pool!);
      if (p?.kind !== "stableswap") throw new Error("expected a StableSwap pool");
      const [lrt, weth] = p.balances as [bigint, bigint];
      const value = (lrt * p.rateMultipliers[0]!) / WAD;
      expect(Number(weth - value) / Number(weth)).toBeLessThan(0.01);
    }
  });

  it("moves LRT to the markets and back through the gateway (ether.fi wraps eETH into weETH)", () => {
    const eeth = buildNetwork(SMALL, 7);
    const holder = eeth.lrtHolders.find((h) => h.lrt === "eeth")!.address;
    const lw = { eigen: eeth.chain.world.eigen, lrt: eeth.chain.world.lrt };
    const units = movableToMarket(eeth.chain, holder, "eeth");
    expect(units).toBeGreaterThan(0n);
    const half = units / 2n;
    toMarket(eeth, holder, "eeth", half);
    expect(marketBalance(eeth.chain.world.markets, "weETH", holder)).toBe(half);
    expectGatewayBalanced(eeth);
    fromMarket(eeth, holder, "eeth", half / 2n);
    expect(lrtViews.balanceOf_(lw, "eeth", holder, "weETH")).toBeGreaterThanOrEqual(half / 2n);
    expect(marketBalance(eeth.chain.world.markets, "weETH", eeth.gateway)).toBe(half / 2n);
    expectGatewayBalanced(eeth);
    // the gateway's returned tokens go out again before anything new is minted
    const minted = eeth.chain.world.markets.balances.get(`weETH|${holder}`)!;
    toMarket(eeth, holder, "eeth", half / 4n);
    expect(marketBalance(eeth.chain.world.markets, "weETH", eeth.gateway)).toBe(half / 2n - half / 4n);
    expect(marketBalance(eeth.chain.world.markets, "weETH", holder)).toBe(minted + half / 4n);
    expectGatewayBalanced(eeth);
    // more than the holder has is refused before anything runs
    const before = eeth.chain.hash();
    expect(() => toMarket(eeth, holder, "eeth", units * 10n)).toThrow(/InsufficientLrtBalance/);
    expect(eeth.chain.hash()).toBe(before);
  });

  it("restakes the LRTs' ETH natively through verified pods, keeping a buffer", () => {
    const s = net.chain.world.eigen;
    for (const pod of net.pods.filter((p) => p.lrt !== null)) {
      for (let i = 0; i < pod.count; i++) {
        expect(s.validators.get(`${pod.owner}|${pod.firstIndex + BigInt(i)}`)?.status).toBe("ACTIVE");
      }
    }
    const lw = { eigen: s, lrt: net.chain.world.lrt };
    for (const l of net.lrts) {
      expect(net.pods.some((p) => p.lrt === l.id)).toBe(true);
      const nav = lrtViews.nav(lw, l.id);
      const unrestaked = nav.assets.filter((h) => h.kind === "buffer" || h.kind === "escrow");
      const buffer = unrestaked.reduce((a, h) => a + h.value, 0n);
      expect(buffer).toBeGreaterThan(0n);
      expect(buffer * 10n).toBeLessThan(nav.totalAssets);
    }
  });
});

describe("sim network: the mid preset", () => {
  it("builds with heavy-tailed operator stake and the configured LRT share", () => {
    const spec: NetworkSpec = { preset: "mid", params: {} };
    const net = buildNetwork(spec, 3);
    expectNamesMatch(spec, net);
    expectGatewayBalanced(net);
    expectLoopersBorrow(net);
    expectInjectedTally(net);
    const shape = networkShape(net);
    expect(shape.topShare(7)).toBeGreaterThan(0.65);
    expect(shape.topShare(1)).toBeLessThan(0.45);
    expect(Math.abs(shape.lrtShare - 2 / 3)).toBeLessThan(0.03);
    expect(net.lrts.map((l) => l.id)).toEqual(["eeth", "ezeth", "rseth", "pufeth", "rsweth"]);
  }, 60_000);
});

describe("sim network: names without building", () => {
  it("names the mainnet preset from its parameters alone", () => {
    const n = networkNames({ preset: "mainnet-2026", params: { operators: 1_900, lrts: ["eeth", "rseth"] } });
    expect(n.operators).toHaveLength(1_900);
    expect(n.operators[0]).toBe("op-0");
    expect(n.avss.length).toBeGreaterThanOrEqual(40);
    expect(n.lrts).toEqual(["eeth", "rseth"]);
    expect(n.oracles).toEqual(["ETH", "weETH-rate", "weETH-dex", "rsETH-rate", "rsETH-dex"]);
    expect(n.aaveReserves).toEqual(["WETH", "weETH", "rsETH"]);
    expect(n.morphoMarkets).toEqual(["weETH-86", "rsETH-86"]);
    expect(n.chains).toEqual({ eeth: ["arbitrum"], rseth: ["unichain"] });
  });

  it("rejects parameters a preset cannot take", () => {
    const bad = (params: object) => () => networkNames({ preset: "small", params } as NetworkSpec);
    expect(bad({ lrts: ["sweth"] })).toThrow(/InvalidNetwork/);
    expect(bad({ operators: 0 })).toThrow(/InvalidNetwork/);
    expect(bad({ lrtShare: 1.5 })).toThrow(/InvalidNetwork/);
    expect(bad({ poolDepth: 0, loopers: 3 })).toThrow(/InvalidNetwork/);
  });
});

const EXPLICIT: ExplicitNetwork = {
  operators: [
    { id: "alpha", clients: ["geth-like"] },
    { id: "beta", clients: [] },
    { id: "gamma", clients: [] },
  ],
  avss: [
    { id: "da", client: "da-node", operators: ["alpha", "beta"], allocation: 0.5 },
    {
      id: "oracle",
      client: "oracle-node",
      operators: ["beta", "gamma"],
      allocation: 0.3,
      slashPolicy: { downtime: 0.1 },
    },
  ],
  stakers: [
    { id: "s1", operator: "alpha", amount: E(64), asset: "eth" },
    { id: "s2", operator: "beta", amount: E(10), asset: "steth" },
    { id: "s3", operator: "gamma", amount: E(5), asset: "steth" },
  ],
  lrts: [
    {
      id: "eeth",
      delegators: [
        { operator: "alpha", weightBps: 6_000 },
        { operator: "beta", weightBps: 4_000 },
      ],
      deposits: E(1_000),
      holders: 4,
      poolWeth: E(200),
    },
    {
      id: "ezeth",
      delegators: [{ operator: "gamma", weightBps: 10_000 }],
      deposits: E(500),
      holders: 2,
      poolWeth: E(100),
    },
  ],
  lending: {
    aave: { lrts: ["eeth", "ezeth"], eMode: true, wethSupply: E(500) },
    morpho: [{ lrt: "ezeth", lltv: 0.86, wethSupply: E(300), oracle: "dex" }],
    loopers: [
      { id: "l1", lrt: "eeth", market: "aave", equity: E(10), leverage: 4 },
      { id: "l2", lrt: "ezeth", market: 0, equity: E(5), leverage: 3 },
    ],
  },
};

describe("sim network: explicit networks", () => {
  it("builds exactly what the list says", () => {
    const spec: NetworkSpec = { explicit: EXPLICIT };
    const entries: SimEntry[] = [];
    const net = buildNetwork(spec, 1, { sink: (e) => entries.push(e) });
    expectNamesMatch(spec, net);
    expect(net.operators.map((o) => o.clients)).toEqual([
      ["da-node", "geth-like"],
      ["da-node", "oracle-node"],
      ["oracle-node"],
    ]);
    expect(net.avss[1]!.slashPolicy).toEqual({ doubleSign: 1, downtime: 0.1, invalidStateTransition: 0.5 });
    expect(net.morphoMarkets).toEqual([{ id: "ezETH-86", lrt: "ezeth", lltv: 0.86 }]);
    expect(net.loopers.map((l) => l.market)).toEqual(["aave", "ezETH-86"]);
    expectAllocated(net);
    expectGatewayBalanced(net);
    expectLoopersBorrow(net);
    expectInjectedTally(net);
    const s = net.chain.world.eigen;
    const block = net.chain.block;
    const alpha = net.operators[0]!.address;
    const da = net.avss[0]!;
    const al = views.allocation(s, block, alpha, setKey(da.address, 0n), da.operatorSets[0]!.strategies[0]!);
    expect(al.currentMagnitude).toBe(WAD / 2n);
    // s1 restakes 64 ETH natively, delegated to alpha
    const s1 = net.stakers[0]! as Address;
    expect(s.stakers.get(s1)?.delegatedTo).toBe(alpha);
    expect(views.withdrawableShares(s, s1, "0xbeac0eeeeeeeeeeeeeeeeeeeeeeeeeeeeeebeac0")).toBe(E(64));
    // the LRTs hold their deposits (plus what the pools, loops and rebalancing minted)
    const lw = { eigen: s, lrt: net.chain.world.lrt };
    expect(lrtViews.nav(lw, "eeth").nav).toBeGreaterThan(E(1_000));
    expect(worldHash(replayEntries(entries, createWorld(net.worldParams)))).toBe(net.chain.hash());
  });

  it("names what is wrong in an explicit network", () => {
    const bad = (x: Partial<ExplicitNetwork>) => {
      try {
        buildNetwork({ explicit: { ...EXPLICIT, ...x } }, 1);
      } catch (e) {
        expect(isProtocolError(e, "InvalidNetwork")).toBe(true);
        return (e as Error).message;
      }
      throw new Error("expected a rejection");
    };
    expect(bad({ stakers: [{ id: "x", operator: "nobody", amount: E(1), asset: "steth" }] })).toMatch(/nobody/);
    expect(bad({ stakers: [{ id: "x", operator: "alpha", amount: E(1), asset: "eth" }] })).toMatch(/32 ETH/);
    expect(
      bad({
        avss: [
          { id: "a", client: "c", operators: ["alpha"], allocation: 0.7 },
          { id: "b", client: "c", operators: ["alpha"], allocation: 0.7 },
        ],
      }),
    ).toMatch(/100 %/);
    expect(bad({ lending: { loopers: [{ id: "l", lrt: "eeth", market: 0, equity: E(1), leverage: 2 }] } })).toMatch(
      /Morpho market 0/,
    );
  });
});
